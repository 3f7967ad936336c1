"""Scoring on held-out partitions: each worker scores its partition, the client adds the sums.

Every figure is a sum over test rows (correct answers, log-loss, calibration
bins, paired differences), so a partition's contribution is a few numbers
and the totals are exact. Novelty scores are the exception: the area under
the ROC curve needs ranks, so each partition returns a seeded subsample of
at most ``cap`` scores and the AUROC is exact on that subsample; the
missing-features accuracy is likewise measured on a seeded subsample of at
most ``missing_cap`` rows per partition.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score

from genvsdisc.scale.partitions import frame_rows

__all__ = ["score_partition", "add_scores", "summarise", "N_BINS"]

N_BINS = 10
#: The streaming detective every artist is paired with.
DETECTIVE = "sgd_logreg"


def _proba(model, X):
    p = model.predict_proba(X)
    return p / p.sum(axis=1, keepdims=True)


def _novelty_score(model, X):
    """Higher = more typical: log p(x) for an artist, top-class probability for a detective."""
    if getattr(model, "family", "") == "generative":
        return model.score_samples(X)
    return model.predict_proba(X).max(axis=1)


def score_partition(
    frame,
    features,
    target,
    classes,
    models,
    *,
    curve=None,
    novelty=None,
    missing=(),
    cap=2000,
    missing_cap=500,
    seed=0,
):
    """Sums of one test partition.

    Parameters
    ----------
    classes : list of labels (sorted; the models' ``classes_``)
    models : dict name -> fitted model (``predict_proba`` over ``classes``)
    curve : dict (size, name) -> model, or None
    novelty : (held_out_label, dict name -> model fitted without it) or None
    missing : fractions of features hidden at random in each row
    cap : most novelty scores kept from this partition
    missing_cap : most rows scored with hidden features
    """
    X, y, dropped = frame_rows(frame, features, target)
    index = {c: k for k, c in enumerate(classes)}
    yk = np.array([index.get(v.item() if hasattr(v, "item") else v, -1) for v in y], dtype=int)
    rng = np.random.default_rng(seed)
    out = {"n": len(y), "dropped": dropped, "unseen_class": int((yk < 0).sum())}
    out["present"] = sorted({int(k) for k in np.unique(yk) if k >= 0})
    correct = {}
    for name, model in models.items():
        p = _proba(model, X)
        conf, hit = p.max(axis=1), (p.argmax(axis=1) == yk)
        true_p = np.where(yk >= 0, p[np.arange(len(yk)), np.maximum(yk, 0)], 0.0)
        which = np.clip((conf * N_BINS).astype(int), 0, N_BINS - 1)
        out[name] = {
            "correct": int(hit.sum()),
            "log_loss": float(-np.log(np.clip(true_p, 1e-15, 1.0)).sum()),
            "bin_count": np.bincount(which, minlength=N_BINS),
            "bin_conf": np.bincount(which, weights=conf, minlength=N_BINS),
            "bin_hit": np.bincount(which, weights=hit, minlength=N_BINS),
        }
        correct[name] = hit.astype(float)
    names = list(models)
    out["pairs"] = {
        (a, b): (
            float((correct[a] - correct[b]).sum()),
            float(((correct[a] - correct[b]) ** 2).sum()),
        )
        for i, a in enumerate(names)
        for b in names[i + 1 :]
    }
    curve_hits = {key: model.predict(X) == y for key, model in (curve or {}).items()}
    for key, hit in curve_hits.items():
        out[("curve", *key)] = int(hit.sum())
    # per-row paired sums of each artist against the detective at the same size,
    # so the learning curve's gaps get paired intervals as the in-memory ones do
    for (m, name), hit in curve_hits.items():
        other = curve_hits.get((m, DETECTIVE))
        if name != DETECTIVE and other is not None:
            diff = hit.astype(float) - other
            out[("curve_pair", m, name)] = (float(diff.sum()), float((diff**2).sum()))
    # Hidden features give nearly every row its own pattern, and a full-covariance
    # artist integrates each pattern out separately: scored on a seeded subsample.
    sub = rng.permutation(len(y))[:missing_cap]
    # lists, which add_scores concatenates: one count per test partition, whose
    # own mask seed makes it one repetition of the masks (paired across models)
    out["missing_n"] = [len(sub)]
    for frac in missing:
        hidden = X[sub].copy()
        hidden[rng.random(hidden.shape) < frac] = np.nan
        full = np.isnan(hidden).all(axis=1)
        hidden[full, 0] = X[sub][full, 0]  # keep one feature: a row with none cannot be scored
        for name, model in models.items():
            hit = _proba(model, hidden).argmax(axis=1) == yk[sub]
            out[("missing", frac, name)] = [int(hit.sum())]
    if novelty is not None:
        label, fitted = novelty
        keep = rng.permutation(len(y))[:cap]
        out["novel"] = np.asarray([v == label for v in y[keep]])
        out["novelty"] = {name: _novelty_score(m, X[keep]) for name, m in fitted.items()}
    return out


def add_scores(a: dict, b: dict) -> dict:
    """Sum two partitions' results (arrays of novelty scores are concatenated)."""
    out = {}
    for key, va in a.items():
        vb = b[key]
        if key == "present":
            out[key] = sorted(set(va) | set(vb))
        elif key == "novelty":
            out[key] = {n: np.concatenate([va[n], vb[n]]) for n in va}
        elif key == "novel":
            out[key] = np.concatenate([va, vb])
        elif key == "pairs":
            out[key] = {p: (va[p][0] + vb[p][0], va[p][1] + vb[p][1]) for p in va}
        elif isinstance(va, dict):
            out[key] = {k: va[k] + vb[k] for k in va}
        elif isinstance(va, tuple):
            out[key] = tuple(x + z for x, z in zip(va, vb, strict=True))
        else:
            out[key] = va + vb
    return out


def _interval(s, s2, n):
    """Mean of a paired per-row difference and its 95 % normal interval."""
    mean = s / n
    var = max(s2 / n - mean**2, 0.0) * n / max(n - 1, 1)
    half = 1.96 * np.sqrt(var / n)
    return mean, mean - half, mean + half


def summarise(total: dict, models: dict) -> dict:
    """Accuracy, calibration and paired differences from summed partition results."""
    n = total["n"]
    rows = []
    for name, model in models.items():
        t = total[name]
        count = t["bin_count"]
        with np.errstate(invalid="ignore", divide="ignore"):
            conf, acc = t["bin_conf"] / count, t["bin_hit"] / count
        ece = float(np.nansum(count * np.abs(acc - conf)) / n)
        rows.append(
            {
                "model": name,
                "family": getattr(model, "family", "generative"),
                "accuracy": t["correct"] / n,
                "log_loss": t["log_loss"] / n,
                "ece": ece,
                "reliability": {
                    "edges": np.linspace(0, 1, N_BINS + 1).tolist(),
                    "confidence": [
                        None if c == 0 else float(v) for c, v in zip(count, conf, strict=True)
                    ],
                    "accuracy": [
                        None if c == 0 else float(v) for c, v in zip(count, acc, strict=True)
                    ],
                    "count": [int(c) for c in count],
                },
            }
        )
    pairs = []
    for (a, b), (s, s2) in total["pairs"].items():
        mean, lo, hi = _interval(s, s2, n)
        verdict = (
            "too close to call" if lo <= 0 <= hi else (f"{a} better" if lo > 0 else f"{b} better")
        )
        pairs.append(
            {"a": a, "b": b, "difference": mean, "low": lo, "high": hi, "verdict": verdict}
        )
    return {"rows": rows, "pairs": pairs, "n_test": n}


def novelty_summary(total: dict) -> list[dict]:
    """AUROC of each model's typicality score at telling the held-out class apart.

    Each row: ``model``, ``auroc``, ``n_scored``, ``n_novel`` and, when both
    kinds of rows were scored, ``roc`` (true-positive rate at each of the
    in-memory experiment's false-positive rates) and ``hist`` (histograms of
    the score on the held-in and held-out rows), the in-memory shapes.
    """
    from genvsdisc.experiments.novelty_scores import _histograms, roc_points

    novel = total["novel"]
    out = []
    for name, score in total["novelty"].items():
        row = {"model": name, "auroc": None, "n_scored": len(novel), "n_novel": int(novel.sum())}
        if 0 < novel.sum() < len(novel):
            row["auroc"] = float(roc_auc_score(novel, -score))
            row["roc"] = roc_points(-score[~novel], -score[novel])
            row["hist"] = _histograms({"test": score[~novel], "held_out": score[novel]})
        out.append(row)
    return out
