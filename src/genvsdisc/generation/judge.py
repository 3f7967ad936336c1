"""The judge: a discriminative model trained on real rows that says which class a sample shows.

Judge policy
------------
One default judge per modality, the first registered model of
:data:`JUDGES` wins; ``genvsdisc generate``, ``compare`` and the web labs
all use it. A judge must be strong *and* quick, because every run of
``genvsdisc generate`` trains one. Measured on this 2-core CPU (stratified
70/30 split, seed 0; accuracy on the real test rows, CPU seconds to fit
and predict them):

- image, digits: **knn** 98.0 % in 0.2 s; logreg 97.0 % in 3.5 s; cnn
  98.9 % in about 8 s (``genvsdisc generate digits --model gmm -n 4`` took
  13.4 s of CPU with the cnn judge, 5.0 s with knn).
- image, mnist5k: **knn** 92.3 % in 0.4 s; logreg 90.8 % in 102 s.
- tabular: **hgb** 95.6 % on iris and 100 % on wine in about 2 s; logreg
  100 % on both in 0.3 s (the fallback where hgb is not registered).
- text, bbc_news: **logreg** on tf-idf, C chosen by cross-validation,
  98.5 % in about 50 s.
- audio, on clip summaries (seed-0 70/30 split): spoken_digits **clip_svm**
  99.0 %, clip_mlp 98.2 %, clip_knn 98.0 %, clip_logreg 97.2 %; spoken_words
  (voices held out) 86.0 / 85.3 / 69.5 / 85.9 %. Their verdicts on generated
  clips differ far more than their accuracies do (hmm samples on
  spoken_digits: 43 % as intended for clip_svm, 67 % for clip_logreg;
  ``benchmarks/sound_generation.py --judges``).

k-nearest neighbours reads images almost as well as the cnn at a fortieth
of its cost. Gradient boosting reads tables of any class shape, where a
linear judge can misread curved classes (on iris and wine logreg does as
well; hgb stays, and with it every seeded ``compare`` figure). Logistic
regression reads text. ``genvsdisc generate --judge NAME`` asks any other
discriminative model of the data's kind instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import clone

from genvsdisc.exceptions import ParameterError
from genvsdisc.generation.draw import build_model
from genvsdisc.models import available, get_spec

__all__ = [
    "JUDGES",
    "Judge",
    "Verdicts",
    "judge_name",
    "fit_judge",
    "classification_accuracy_score",
]

#: The judge per modality, first registered wins (see the module docstring for the measurements).
JUDGES = {
    "image": ("knn", "logreg"),
    "tabular": ("hgb", "logreg"),
    "text": ("logreg",),
    "audio": ("clip_svm", "clip_knn"),  # clip_svm: 99.2 % on spoken_digits, 0.8 s to fit
}


def judge_name(modality: str) -> str | None:
    """The default judge of ``modality`` (None when none of :data:`JUDGES` is registered)."""
    names = {s.name for s in available()}
    return next((m for m in JUDGES.get(modality, ()) if m in names), None)


@dataclass(frozen=True)
class Verdicts:
    """What the judge makes of m samples.

    Attributes
    ----------
    judged : ndarray (m,) of int
        The class the judge sees (its most probable class).
    confidence : ndarray (m,)
        The judge's probability of that class.
    proba : ndarray (m, K)
        p(y|x) for every class, in the order of the judge's ``classes_``.
    """

    judged: np.ndarray
    confidence: np.ndarray
    proba: np.ndarray


@dataclass(frozen=True)
class Judge:
    """A fitted judge and its accuracy on the real test rows.

    Attributes
    ----------
    name : str
        Registry name.
    model : fitted discriminative estimator
    accuracy : float
        Share of real test rows it labels correctly: how far its verdicts can be trusted.
    """

    name: str
    model: object
    accuracy: float

    def verdicts(self, X) -> Verdicts:
        """The judge's class, confidence and p(y|x) for each sample of ``X``.

        The class is the most probable one, which is what every genvsdisc
        detective's ``predict`` returns.
        """
        proba = self.model.predict_proba(X)
        best = np.argmax(proba, axis=1)
        judged = np.asarray(self.model.classes_)[best].astype(int)
        return Verdicts(judged, proba[np.arange(len(best)), best], proba)

    def agreement(self, X, intended) -> float:
        """Share of samples ``X`` the judge assigns to their ``intended`` class (m,)."""
        return float(np.mean(self.verdicts(X).judged == np.asarray(intended)))

    def cas(self, X_gen, y_gen, X_test, y_test) -> float:
        """Classification Accuracy Score of the judge's model (see :func:`classification_accuracy_score`)."""
        return classification_accuracy_score(self.model, X_gen, y_gen, X_test, y_test)


def fit_judge(
    train, test, name: str | None = None, *, seed: int = 0, params=None, device=None, verbose=None
) -> Judge:
    """The judge ``name`` (default: :func:`judge_name`) fitted on the real rows of ``train``.

    Parameters
    ----------
    train, test : Dataset
        The judge learns from ``train``; ``test`` measures its accuracy.
    name : str or None
        A discriminative registry model that reads the data's modality.
    seed, params, device, verbose
        As for :func:`~genvsdisc.generation.draw.build_model`.
    """
    name = name or judge_name(train.modality)
    if name is None:
        raise ParameterError(f"--judge: no judge is registered for {train.modality} data.")
    spec = get_spec(name)
    if spec.family != "discriminative":
        raise ParameterError(f"--judge {name}: a judge must be a discriminative model.")
    if train.modality not in spec.modalities:
        raise ParameterError(
            f"--judge {name}: reads {', '.join(spec.modalities)} data, not {train.modality}."
        )
    model = build_model(name, seed=seed, params=params, device=device, verbose=verbose)
    model.fit(train.X, train.y)
    return Judge(name, model, float(np.mean(model.predict(test.X) == test.y)))


def classification_accuracy_score(classifier, X_gen, y_gen, X_test, y_test) -> float:
    """CAS (Ravuri & Vinyals 2019): accuracy on real ``X_test`` of a fresh copy of
    ``classifier`` trained on the generated rows ``X_gen``, ``y_gen`` only."""
    model = clone(classifier).fit(X_gen, y_gen)
    return float(np.mean(model.predict(X_test) == np.asarray(y_test)))
