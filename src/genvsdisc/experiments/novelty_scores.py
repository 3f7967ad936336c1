"""The novelty experiment's measurements: OOD sets, scores, AUROC, ROC points.

Out-of-distribution (OOD) sets are built from the data itself, one row per
test row:

``noise``
    each feature drawn independently from a Gaussian with that feature's
    training mean and spread (clipped to its training range): the per-feature
    marginals kept to two moments, every relation between features lost;
``shuffled``
    each feature column permuted across test rows: the exact marginals, no
    relations;
``inverted`` / ``rotated`` (images)
    ``min + max - x`` over the pixel range; rotated by 90 degrees (180 if not square);
``mixed_words`` / ``shuffled_order`` (text)
    words pooled over the test documents and dealt back at the same lengths
    (topics mixed); each document's own words in random order.

Scores (higher = more typical; the novelty score is minus the score):

``log_px``
    a generative model's log p(x);
``max_softmax``
    every model's top class probability max_y p(y|x);
``per_word`` and ``typicality`` (text, generative models)
    :data:`LENGTH_STATISTIC`: a document's log p(x) grows more negative with
    every word, so the raw likelihood ranks documents largely by length and an
    empty document looks most typical of all. ``per_word`` divides by the
    length (low = novel), which removes that but still ranks an empty document
    (0 / 1) as the most typical; ``typicality`` measures the per-word value's
    distance to the training documents' average (a two-sided test, in the
    spirit of Nalisnick et al. 2019's typicality test), which also flags a
    document whose per-word likelihood is *too high* -- an empty one among them
    -- but misses inputs whose only oddity is a slightly lower per-word value.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats
from scipy.special import logsumexp
from sklearn.metrics import roc_auc_score, roc_curve

from genvsdisc.data.audio_perturb import AUDIO_OOD_TEXT, audio_ood_sets
from genvsdisc.experiments import evidence
from genvsdisc.experiments.common import Settings, make_model, vector_data
from genvsdisc.models.base import GenerativeClassifier

__all__ = [
    "HIST_BINS",
    "LENGTH_STATISTIC",
    "OOD_TEXT",
    "ROC_FPR",
    "EMPTY_FLAG",
    "ood_sets",
    "evaluate",
    "roc_points",
    "n_words",
    "mean_auroc",
    "mean_interval",
]

HIST_BINS = 30

#: The false-positive rates every stored ROC curve is read at (51 points keep a
#: results.json section small; the AUROC itself is computed on every row).
ROC_FPR = np.linspace(0.0, 1.0, 51)

#: The length-aware statistic scored on text, as the result and the report name it.
LENGTH_STATISTIC = (
    "two length-aware scores, with N the document's whitespace-separated words: per-word "
    "log-likelihood, log p(x) / max(N, 1) (low = unusual), and per-word typicality, "
    "|log p(x) / max(N, 1) - its mean over the training documents| (high = unusual; a "
    "typicality test in the spirit of Nalisnick et al. 2019, which also flags inputs that "
    "are too likely, such as an empty document)"
)

#: An input is "flagged" when its novelty score exceeds this share of test rows'.
EMPTY_FLAG = 0.95

#: Training documents averaged for the typicality centre (a seeded sample beyond it).
CENTRE_ROWS = 2000

OOD_TEXT = {
    "noise": "noise with the per-feature mean and spread",
    "shuffled": "features shuffled across rows",
    "inverted": "inverted images",
    "rotated": "rotated images",
    "mixed_words": "words mixed across documents",
    "shuffled_order": "word order shuffled in each document",
    **AUDIO_OOD_TEXT,
}


def _vector_ood(train, test, rng) -> dict:
    X, ref = np.asarray(test.X, dtype=float), np.asarray(train.X, dtype=float)
    lo, hi = np.nanmin(ref, axis=0), np.nanmax(ref, axis=0)
    noise = rng.normal(np.nanmean(ref, axis=0), np.nanstd(ref, axis=0), size=X.shape)
    sets = {
        "noise": np.clip(noise, lo, hi),
        "shuffled": np.column_stack([rng.permutation(X[:, j]) for j in range(X.shape[1])]),
    }
    if train.modality == "image" and train.image_shape is not None:
        # invert within the global pixel range (a per-pixel range would push test pixels
        # brighter than any training pixel outside it)
        gmin, gmax = float(np.nanmin(lo)), float(np.nanmax(hi))
        sets["inverted"] = np.clip(gmin + gmax - X, gmin, gmax)
        shape = (len(X), *train.image_shape)
        imgs = X.reshape(shape)
        turns = 1 if shape[1] == shape[2] else 2
        sets["rotated"] = np.rot90(imgs, k=turns, axes=(1, 2)).reshape(len(X), -1)
    return sets


def _text_ood(test, rng) -> dict:
    docs = [str(d).split() for d in test.X]
    pool = rng.permutation(np.concatenate([np.asarray(d, dtype=object) for d in docs if d]))
    mixed, start = [], 0
    for d in docs:
        mixed.append(" ".join(pool[start : start + len(d)]))
        start += len(d)
    shuffled = [" ".join(rng.permutation(np.asarray(d, dtype=object))) for d in docs]
    return {
        "mixed_words": np.asarray(mixed, dtype=object),
        "shuffled_order": np.asarray(shuffled, dtype=object),
    }


def ood_sets(train, test, seed: int) -> dict:
    """``{name: X_ood}``, one OOD row per test row, all built from the data itself."""
    rng = np.random.default_rng(seed)
    if train.modality == "audio":
        return audio_ood_sets(train, test, rng)
    return _vector_ood(train, test, rng) if vector_data(train) else _text_ood(test, rng)


def n_words(X) -> np.ndarray:
    """Whitespace-separated words per document, shape (n,)."""
    return np.array([len(str(d).split()) for d in X], dtype=float)


def _auroc(in_score: np.ndarray, out_score: np.ndarray) -> float:
    """AUROC of telling OOD (positive) from test rows by a novelty score (higher = novel)."""
    labels = np.r_[np.zeros(len(in_score)), np.ones(len(out_score))]
    return float(roc_auc_score(labels, np.r_[in_score, out_score]))


def roc_points(in_score: np.ndarray, out_score: np.ndarray, fpr_grid=ROC_FPR) -> list[float]:
    """True-positive rate of a novelty score (higher = novel) at each of ``fpr_grid``.

    scikit-learn's ``roc_curve`` gives the exact curve; it is read at fixed
    false-positive rates so results.json stays small and curves average over
    sets by rate (Fawcett 2006's vertical averaging). Between two of its points
    the curve is a straight line (the ROC of randomly breaking tied scores), so
    the area under the stored points matches the AUROC to the grid's resolution.

    Returns
    -------
    list of float, shape (len(fpr_grid),), rounded to 4 decimals
    """
    labels = np.r_[np.zeros(len(in_score)), np.ones(len(out_score))]
    fpr, tpr, _ = roc_curve(labels, np.r_[in_score, out_score], drop_intermediate=False)
    # the last point at or left of g is the top of any vertical step there; the next
    # point to the right ends the straight segment g lies on
    i = np.clip(np.searchsorted(fpr, fpr_grid, side="right") - 1, 0, len(fpr) - 1)
    j = np.minimum(i + 1, len(fpr) - 1)
    span = np.where(fpr[j] > fpr[i], fpr[j] - fpr[i], 1.0)
    w = np.clip((fpr_grid - fpr[i]) / span, 0.0, 1.0)
    out = tpr[i] + w * (tpr[j] - tpr[i])
    return [round(float(v), 4) for v in out]


def evaluate(train, test, *, model: str, settings: Settings, fitted=None) -> dict:
    """AUROC, interval, ROC points and histograms per OOD set and score kind.

    Returns
    -------
    dict with ``auroc``, ``auroc_ci``, ``roc`` (``{kind: {set: tpr at ROC_FPR}}``),
    ``hist`` and, for a generative model on text, ``length`` (see :func:`_length`).
    """
    seed = settings.seeds[0]
    est = fitted  # the run's shared fit (RunContext.fitted), or None: fit here
    if est is None:
        est = make_model(model, seed, settings).fit(train.X, train.y)
    sets = ood_sets(train, test, seed)
    generative = getattr(est, "family", None) == "generative"
    text = generative and not vector_data(train)
    centre = _typicality_centre(est, train, seed) if text else None
    scores = {"test": _scores(est, test.X, generative, centre)}
    for name, X in sets.items():
        scores[name] = _scores(est, X, generative, centre)
    out = {"auroc": {}, "auroc_ci": {}, "roc": {}, "hist": {}}
    n_in = len(scores["test"]["max_softmax"])
    for kind in scores["test"]:
        # novelty = -score: low likelihood / low confidence / far from typical means novel
        pairs = {name: (-scores["test"][kind], -scores[name][kind]) for name in sets}
        out["auroc"][kind] = {name: _auroc(*p) for name, p in pairs.items()}
        out["auroc_ci"][kind] = {
            name: evidence.auroc_interval(a, n_in, len(pairs[name][1]))
            for name, a in out["auroc"][kind].items()
        }
        out["roc"][kind] = {name: roc_points(*p) for name, p in pairs.items()}
        out["hist"][kind] = _histograms({n: s[kind] for n, s in scores.items()})
    if text:
        out["length"] = _length(est, test, scores["test"], centre)
    return out


def _per_word(est, X) -> np.ndarray:
    """log p(x) / max(N, 1) per document (the model's own ``score_samples``)."""
    return est.score_samples(X) / np.maximum(n_words(X), 1.0)


def _typicality_centre(est, train, seed: int) -> float:
    """Mean per-word log-likelihood over (up to CENTRE_ROWS) training documents.

    In-sample, so slightly optimistic; with thousands of words per class the
    smoothed word probabilities move little for any one document.
    """
    X = np.asarray(train.X, dtype=object)
    if len(X) > CENTRE_ROWS:
        X = X[np.random.default_rng(seed).choice(len(X), CENTRE_ROWS, replace=False)]
    return float(np.mean(_per_word(est, X)))


def _scores(est, X, generative: bool, centre: float | None) -> dict:
    if generative and _bayes_rule_as_base(est):
        # one pass: p(y|x) and log p(x) both come from log p(x, y) (a gmm on 784 pixels
        # spends seconds on it per set), with the base class's own arithmetic
        jll = est.predict_joint_log_proba(X)
        lse = logsumexp(jll, axis=1, keepdims=True)
        out = {"max_softmax": np.exp(jll - lse).max(axis=1), "log_px": lse[:, 0]}
    else:
        out = {"max_softmax": est.predict_proba(X).max(axis=1)}
        if generative:
            out["log_px"] = est.score_samples(X)
    if centre is not None:
        out["per_word"] = out["log_px"] / np.maximum(n_words(X), 1.0)
        out["typicality"] = -np.abs(out["per_word"] - centre)
    return out


def _bayes_rule_as_base(est) -> bool:
    """Whether ``est`` takes predict_proba and score_samples from the generative base
    unchanged (both then derive from ``predict_joint_log_proba``)."""
    cls = type(est)
    return (
        cls.predict_proba is GenerativeClassifier.predict_proba
        and cls.predict_log_proba is GenerativeClassifier.predict_log_proba
        and cls.score_samples is GenerativeClassifier.score_samples
    )


def _length(est, test, test_scores: dict, centre: float) -> dict:
    """How the raw likelihood and the length-aware score treat document length.

    Returns
    -------
    dict with ``statistic`` (:data:`LENGTH_STATISTIC`), ``corr`` (Spearman's rho
    between log p(x) and N over the test documents, NaN when either is constant),
    ``corr_ci`` (95 % Fisher-z interval) and ``empty`` (``{kind: share of test
    documents that look more typical than an empty document}`` under ``log_px``,
    ``per_word`` and ``typicality``; above :data:`EMPTY_FLAG` = flagged as unusual).
    """
    lengths = n_words(test.X)
    rho = math.nan
    if np.ptp(lengths) > 0 and np.ptp(test_scores["log_px"]) > 0:
        rho = float(stats.spearmanr(test_scores["log_px"], lengths).statistic)
    empty = np.asarray([""], dtype=object)
    ll = float(est.score_samples(empty)[0])
    typ = -abs(ll - centre)  # N = 0 words, divided by max(N, 1) = 1
    return {
        "statistic": LENGTH_STATISTIC,
        "corr": rho,
        "corr_ci": _corr_interval(rho, len(lengths)),
        "empty": {
            "log_px": float(np.mean(test_scores["log_px"] > ll)),
            "per_word": float(np.mean(test_scores["per_word"] > ll)),
            "typicality": float(np.mean(test_scores["typicality"] > typ)),
        },
    }


def _corr_interval(rho: float, n: int) -> list[float]:
    """95 % interval of a rank correlation by Fisher's z (NaN when it has none)."""
    if not np.isfinite(rho) or n < 4:
        return [math.nan, math.nan]
    z, half = math.atanh(min(max(rho, -0.9999), 0.9999)), 1.96 / math.sqrt(n - 3)
    return [math.tanh(z - half), math.tanh(z + half)]


def _histograms(scores: dict) -> dict:
    """Shared-bin histograms of each set's scores; the range is the 1st-99th percentile."""
    allv = np.concatenate([v[np.isfinite(v)] for v in scores.values()])
    lo, hi = np.percentile(allv, [1, 99]) if len(allv) else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, HIST_BINS + 1)
    counts = {
        n: np.histogram(np.clip(v, lo, hi), bins=edges)[0].tolist() for n, v in scores.items()
    }
    return {"edges": edges.tolist(), "counts": counts}


def mean_auroc(values: dict) -> float:
    """Mean AUROC over the OOD sets of ``{set: AUROC}``."""
    return float(np.mean(list(values.values())))


def mean_interval(row: dict, kind: str) -> list[float]:
    """Interval of a row's mean AUROC over the OOD sets: the per-set Hanley-McNeil
    half-widths combined as independent (sets are scored against the same test rows,
    so this is a rough, not a conservative, bound); the mean alone's ends when a
    result from an older record has no ``auroc_ci``."""
    values = row["auroc"][kind]
    mean = mean_auroc(values)
    cis = row.get("auroc_ci", {}).get(kind)
    if not cis:
        return [mean, mean]
    half = np.sqrt(sum(((hi - lo) / 2) ** 2 for lo, hi in cis.values())) / len(cis)
    return [mean - float(half), mean + float(half)]
