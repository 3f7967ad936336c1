"""The judge: a discriminative model trained on real rows that says which class a sample shows.

Judge policy
------------
One default judge per modality, the first registered model of
:data:`JUDGES` wins; ``genvsdisc generate``, ``compare`` and the web labs
all use it. A judge must be strong *and* quick, because every run of
``genvsdisc generate`` trains one. Measured on this 2-core CPU (stratified
70/30 split, seed 0; CPU seconds of fit + predict on the test side):

========  =========  ========================  ========================
modality  data       judge (default first)     accuracy, seconds
========  =========  ========================  ========================
image     digits     knn / logreg / cnn        98.0 %, 0.2 s / 97.0 %, 3.5 s / 98.9 %, ~9 s
image     mnist5k    knn / logreg              92.3 %, 0.4 s / 90.8 %, 102 s
tabular   iris       hgb / logreg              95.6 %, 1.9 s / 100 %, 0.2 s
tabular   wine       hgb / logreg              100 %, 1.8 s / 100 %, 0.3 s
text      bbc_news   logreg (C by CV, tf-idf)  98.5 %, 51 s
========  =========  ========================  ========================

k-nearest neighbours reads images almost as well as the cnn at a
fiftieth of its cost; gradient boosting is the strong reader of tables
(logreg only where hgb is not registered); logistic regression on tf-idf
reads text. Any discriminative model of the data's modality can be asked
for instead (``--judge``).
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
JUDGES = {"image": ("knn", "logreg"), "tabular": ("hgb", "logreg"), "text": ("logreg",)}


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
