"""Difference 1: accuracy and calibration on the held-out test set.

Every model is fitted once on the whole training side (first seed) and
scored on the test side: accuracy, macro-F1, log-loss, expected calibration
error with its reliability diagram, and fit / predict wall-clock time.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, f1_score, log_loss

from genvsdisc.experiments.common import (
    Settings,
    Task,
    expected_calibration_error,
    make_model,
    model_spec,
    reliability_bins,
    timed,
    tuned_params,
)

__all__ = ["NAME", "TITLE", "plan", "combine", "fit_score", "full_proba"]

NAME = "accuracy"
TITLE = "Accuracy and calibration"


def full_proba(model, proba: np.ndarray, n_classes: int) -> np.ndarray:
    """Columns of ``proba`` placed at the model's class indices, shape (n, n_classes).

    A class absent from a (small) training set gets probability 0.
    """
    out = np.zeros((proba.shape[0], n_classes))
    out[:, np.asarray(model.classes_, dtype=int)] = proba
    return out


def fit_score(train, test, *, model: str, seed: int, settings: Settings) -> dict:
    """Fit ``model`` on ``train`` and score it on ``test`` (one task)."""
    K = len(train.classes)
    est = make_model(model, seed, settings)
    with timed() as t_fit:
        est.fit(train.X, train.y)
    with timed() as t_pred:
        proba = est.predict_proba(test.X)
    proba = full_proba(est, proba, K)
    proba = proba / proba.sum(axis=1, keepdims=True)  # float32 outputs drift from 1
    pred = proba.argmax(axis=1)
    return {
        "accuracy": float(accuracy_score(test.y, pred)),
        "macro_f1": float(
            f1_score(test.y, pred, average="macro", labels=np.arange(K), zero_division=0)
        ),
        "log_loss": float(log_loss(test.y, np.clip(proba, 1e-15, 1.0), labels=np.arange(K))),
        "ece": expected_calibration_error(proba, test.y),
        "reliability": reliability_bins(proba, test.y),
        "tuned": tuned_params(est),
        "fit_s": t_fit.seconds,
        "predict_s": t_pred.seconds,
    }


def plan(train, test, models, settings: Settings) -> list[Task]:
    seed = settings.seeds[0]
    return [
        Task(f"{NAME}/{m}", fit_score, {"model": m, "seed": seed, "settings": settings}, cost=9)
        for m in models
    ]


def combine(train, test, models, settings: Settings, outputs: dict) -> dict:
    """Rows per model, best first by accuracy, plus which family is ahead."""
    rows = []
    for m in models:
        out = outputs[f"{NAME}/{m}"]
        row = {"model": m, "family": model_spec(m).family}
        if out["error"]:
            row["error"] = out["error"]
        else:
            row.update(out["result"])
        rows.append(row)
    ok = [r for r in rows if "accuracy" in r]
    ok.sort(key=lambda r: -r["accuracy"])
    best = {}
    for fam in ("generative", "discriminative"):
        fam_rows = [r for r in ok if r["family"] == fam]
        if fam_rows:
            best[fam] = {"model": fam_rows[0]["model"], "accuracy": fam_rows[0]["accuracy"]}
    return {
        "seed": settings.seeds[0],
        "rows": ok + [r for r in rows if "accuracy" not in r],
        "best": best,
    }
