"""Difference 6: generation -- only the artist can draw new examples.

Each generative model draws ``n_generate`` samples per class from its
fitted p(x|y). Three checks (vector data):

judge agreement
    a strong discriminative model trained on the *real* training rows labels
    the samples; the share it labels as the intended class.
Classification Accuracy Score (CAS, Ravuri & Vinyals 2019)
    a fresh copy of the judge's model trained on the generated rows only,
    scored on the real test side; next to the same model trained on the real
    training rows it says how much of the class information the samples carry.
memorisation check
    each sample's distance to its nearest training row, against the test
    rows' distances to theirs: samples much closer than real unseen rows are
    copies, not generalisations.

Discriminative models appear with the reason they cannot generate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.neighbors import NearestNeighbors

from genvsdisc.exceptions import CannotGenerateError
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext, Skip
from genvsdisc.experiments.common import Settings, make_model, model_spec
from genvsdisc.experiments.generation_report import GenerationReport

__all__ = [
    "Generation",
    "GenerationResult",
    "judge_name",
    "fit_judge",
    "generate",
    "memorisation_check",
    "JUDGES",
]

#: The judge per modality, first available wins: strong, and quick to fit on 2 cores.
JUDGES = {"image": ("knn", "logreg"), "tabular": ("hgb", "logreg"), "text": ("logreg",)}
#: Samples kept per class for the pictures / sample tables in the report.
SHOW_PER_CLASS = {"image": 8, "tabular": 3, "text": 2}
#: Characters of each generated document kept for the report.
TEXT_SHOWN_CHARS = 400


def memorisation_check(samples: np.ndarray, X_train: np.ndarray, X_test: np.ndarray) -> dict:
    """Are samples copies of training rows? Nearest-training-row distances compared.

    Parameters
    ----------
    samples : ndarray (m, d)
    X_train : ndarray (n, d)
    X_test : ndarray (t, d)
        Real rows the model never saw: their distances to the training rows are
        the yardstick of "as close as a new real example".

    Returns
    -------
    dict
        ``sample_median`` and ``test_median`` nearest-training distances,
        ``ratio`` (sample / test median; well below 1 suggests copying),
        ``closer_than_test_p5`` (share of samples nearer to a training row than
        95 % of test rows are; about 0.05 when nothing is copied) and
        ``copies`` (samples at distance ~0 from a training row).
    """
    nn = NearestNeighbors(n_neighbors=1).fit(X_train)
    d_sample = nn.kneighbors(samples)[0][:, 0]
    d_test = nn.kneighbors(X_test)[0][:, 0]
    p5 = float(np.percentile(d_test, 5))
    scale = float(np.median(d_test)) or 1.0
    return {
        "sample_median": float(np.median(d_sample)),
        "test_median": float(np.median(d_test)),
        "ratio": float(np.median(d_sample) / scale),
        "closer_than_test_p5": float(np.mean(d_sample < p5)),
        "copies": int(np.sum(d_sample < 1e-9 * max(scale, 1.0))),
    }


def judge_name(modality: str) -> str | None:
    """The registry model used as the judge for ``modality`` (None when none is registered)."""
    from genvsdisc.models import available

    names = {s.name for s in available()}
    return next((m for m in JUDGES.get(modality, ()) if m in names), None)


def fit_judge(train, test, *, model: str, seed: int, settings: Settings) -> dict:
    """The judge fitted on the real training rows, with its real-data test accuracy."""
    judge = make_model(model, seed, settings).fit(train.X, train.y)
    return {"model": judge, "accuracy": float(np.mean(judge.predict(test.X) == test.y))}


def generate(train, test, *, model: str, seed: int, settings: Settings, judge: dict) -> dict:
    """Samples of one generative model and the three checks (one task)."""
    est = make_model(model, seed, settings).fit(train.X, train.y)
    K, n = len(train.classes), settings.n_generate
    wanted = np.repeat(np.arange(K), n)
    bag = False
    if train.modality == "text":
        from genvsdisc.models.text import is_raw_text

        X_new, y_new = est.sample(len(wanted), y=wanted, random_state=seed)
        bag = not is_raw_text(X_new)  # word counts: a bag-of-words model
        X_new = _as_documents(est, X_new, seed)
    else:
        X_new, y_new = est.sample(len(wanted), y=wanted, random_state=seed,
                                  clip=train.modality == "image")  # fmt: skip
    y_new = np.asarray(y_new, dtype=int)
    out = {"n_per_class": n, "bag_of_words": bag}
    if judge is not None:
        out["judge_agreement"] = float(np.mean(judge["model"].predict(X_new) == y_new))
        cas_model = make_model(judge["name"], seed, settings).fit(X_new, y_new)
        out["cas"] = float(np.mean(cas_model.predict(test.X) == test.y))
    if train.modality == "text":
        out["memorisation"] = _text_memorisation(X_new, train.X, test.X)
    else:
        out["memorisation"] = memorisation_check(X_new, train.X, test.X)
    show = SHOW_PER_CLASS.get(train.modality, 3)
    keep = np.concatenate([np.flatnonzero(y_new == k)[:show] for k in range(K)])
    if train.modality == "text":
        shown = [str(d)[:TEXT_SHOWN_CHARS] for d in X_new[keep]]
    else:
        shown = np.round(X_new[keep], 4).tolist()
    out["shown"] = {"X": shown, "y": y_new[keep].tolist()}
    return out


def _as_documents(est, X_new, seed: int) -> np.ndarray:
    """Generated text as documents: strings stay; word-count rows (a bag-of-words model's
    samples) become their words in random order, so the judge reads them like text."""
    from genvsdisc.models.text import is_raw_text

    if is_raw_text(X_new):
        return np.asarray(X_new, dtype=object)
    rng = np.random.default_rng(seed)
    vocab = est.vectorizer_.get_feature_names_out()
    counts = np.rint(np.asarray(X_new.toarray() if hasattr(X_new, "toarray") else X_new))
    docs = [" ".join(rng.permutation(np.repeat(vocab, c.clip(0).astype(int)))) for c in counts]
    return np.asarray(docs, dtype=object)


def _text_memorisation(samples, train_docs, test_docs) -> dict:
    """:func:`memorisation_check` on word counts (vocabulary of the training side),
    L2-normalised so document length does not dominate the distance."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    vec = CountVectorizer().fit(np.asarray(train_docs, dtype=object))
    f = lambda docs: normalize(vec.transform(np.asarray(docs, dtype=object)))  # noqa: E731
    return memorisation_check(f(samples), f(train_docs), f(test_docs))


def _judge_task(train, test, *, model, seed, settings):
    out = fit_judge(train, test, model=model, seed=seed, settings=settings)
    out["name"] = model
    return out


@dataclass
class GenerationResult(ExperimentResult):
    """The ``generation`` section of results.json.

    Attributes
    ----------
    seed : int
    judge : dict or None
        ``{"model", "accuracy"}``: the judge and its accuracy on the real test rows.
    rows : list of dict
        One per model: ``model``, ``family``, and ``cannot_generate`` (the
        model's own reason; discriminative), ``error`` (message), or
        ``likelihood``, ``n_per_class``, ``bag_of_words``, ``judge_agreement``
        and ``cas`` (with a judge), ``memorisation`` (see
        :func:`memorisation_check`) and ``shown`` (``{"X", "y"}`` of a few samples).
    modality : str
    classes : list of str
    image_shape : list of int or None
    feature_names : list of str
    """

    seed: int
    judge: dict | None
    rows: list[dict]
    modality: str
    classes: list[str]
    image_shape: list[int] | None
    feature_names: list[str]


class Generation(GenerationReport, Experiment):
    """Samples of every generative model, judged, used for training and checked for copies."""

    name = "generation"
    title = "Generation: drawing new examples"
    result_type = GenerationResult

    def plan(self, ctx: RunContext) -> dict:
        """``{"judge": task, model: task}``; every generative model's task waits for the judge."""
        gen = [m for m in ctx.models if model_spec(m).family == "generative"]
        if not gen:
            raise Skip(
                "no generative model in this run: discriminative models learn p(y|x) only "
                "and cannot draw new examples"
            )
        seed = ctx.settings.seeds[0]
        judge = judge_name(ctx.train.modality)
        tasks = {}
        if judge is not None:
            tasks["judge"] = ctx.task(
                _judge_task, model=judge, seed=seed, settings=ctx.settings_for(judge), cost=3
            )
        for m in gen:
            # the task also trains the judge's model on the samples (CAS): its tuned
            # hyper-parameters too
            tasks[m] = ctx.task(
                generate,
                model=m,
                seed=seed,
                judge=tasks.get("judge"),
                settings=ctx.settings_for(m, judge),
                cost=2,
            )
        return tasks

    def combine(self, ctx: RunContext, outputs: dict) -> GenerationResult:
        train = ctx.train
        judge_out = outputs.get("judge")
        judge = None
        if judge_out is not None and judge_out.result is not None:
            judge = {"model": judge_out.result["name"], "accuracy": judge_out.result["accuracy"]}
        rows = []
        for m in ctx.models:
            spec = model_spec(m)
            if spec.family != "generative":
                rows.append({"model": m, "family": spec.family, "cannot_generate": _why_not(m)})
                continue
            out = outputs[m]
            row = {"model": m, "family": spec.family, "likelihood": spec.likelihood}
            row.update({"error": out.error} if out.error else out.result)
            rows.append(row)
        return GenerationResult(
            seed=ctx.settings.seeds[0],
            judge=judge,
            rows=rows,
            modality=train.modality,
            classes=list(train.classes),
            image_shape=list(train.image_shape) if train.image_shape else None,
            feature_names=list(train.feature_names),
        )


def _why_not(model: str) -> str:
    """The model's own CannotGenerateError message."""
    try:
        make_model(model, 0).sample(1)
    except CannotGenerateError as err:
        return str(err)
    return "cannot generate"
