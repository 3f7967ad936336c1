"""Difference 5: novelty -- can the model tell that an input is unlike its data?

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

A generative model scores inputs with log p(x) (low = novel); every model
also has the detective's score, the top softmax probability max_y p(y|x).
AUROC 1 separates OOD from test rows perfectly, 0.5 is chance, below 0.5
means the score ranks the OOD rows as *more* typical (Nalisnick et al. 2019).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

from genvsdisc.experiments.common import Settings, Task, make_model, model_spec, vector_data

__all__ = ["NAME", "TITLE", "plan", "combine", "ood_sets", "evaluate", "HIST_BINS"]

NAME = "novelty"
TITLE = "Novelty: spotting inputs unlike the training data"
HIST_BINS = 30
#: log p(x) AUROC under this counts as a failure of the likelihood (0.5 = chance).
FAIL_AUROC = 0.6

OOD_TEXT = {
    "noise": "noise with the per-feature mean and spread",
    "shuffled": "features shuffled across rows",
    "inverted": "inverted images",
    "rotated": "rotated images",
    "mixed_words": "words mixed across documents",
    "shuffled_order": "word order shuffled in each document",
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
    return _vector_ood(train, test, rng) if vector_data(train) else _text_ood(test, rng)


def _auroc(in_score: np.ndarray, out_score: np.ndarray) -> float:
    """AUROC of telling OOD (positive) from test rows by a novelty score (higher = novel)."""
    labels = np.r_[np.zeros(len(in_score)), np.ones(len(out_score))]
    return float(roc_auc_score(labels, np.r_[in_score, out_score]))


def evaluate(train, test, *, model: str, settings: Settings) -> dict:
    """AUROC per OOD set for log p(x) (generative) and max-softmax (all), plus score samples."""
    seed = settings.seeds[0]
    est = make_model(model, seed, settings).fit(train.X, train.y)
    sets = ood_sets(train, test, seed)
    generative = getattr(est, "family", None) == "generative"
    scores = {"test": _scores(est, test.X, generative)}
    for name, X in sets.items():
        scores[name] = _scores(est, X, generative)
    out = {"auroc": {}, "hist": {}}
    for kind in ("log_px", "max_softmax") if generative else ("max_softmax",):
        # novelty = -score: low likelihood / low confidence means novel
        out["auroc"][kind] = {
            name: _auroc(-scores["test"][kind], -scores[name][kind]) for name in sets
        }
        out["hist"][kind] = _histograms({n: s[kind] for n, s in scores.items()})
    return out


def _scores(est, X, generative: bool) -> dict:
    out = {"max_softmax": est.predict_proba(X).max(axis=1)}
    if generative:
        out["log_px"] = est.score_samples(X)
    return out


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


def plan(train, test, models, settings: Settings) -> list[Task]:
    return [
        Task(f"{NAME}/{m}", evaluate, {"model": m, "settings": settings}, cost=1) for m in models
    ]


def combine(train, test, models, settings: Settings, outputs: dict) -> dict:
    rows, errors = [], {}
    for m in models:
        out = outputs[f"{NAME}/{m}"]
        if out["error"]:
            errors[m] = out["error"]
            continue
        spec = model_spec(m)
        rows.append({"model": m, "family": spec.family, "likelihood": spec.likelihood,
                     **out["result"]})  # fmt: skip
    sets = list(ood_sets(train, test.subset(np.arange(min(2, test.n_samples))), 0))
    # below 0.5: OOD rows look *more* likely; below FAIL_AUROC: hardly better than chance
    failures = [
        {"model": r["model"], "set": s, "auroc": a}
        for r in rows
        for s, a in r["auroc"].get("log_px", {}).items()
        if a < FAIL_AUROC and abs(a - 0.5) > 1e-9
    ]
    return {
        "sets": sets,
        "set_text": {s: OOD_TEXT[s] for s in sets},
        "seed": settings.seeds[0],
        "rows": rows,
        "likelihood_failures": failures,
        "errors": errors,
    }
