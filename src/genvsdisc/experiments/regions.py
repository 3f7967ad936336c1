"""Difference 7 (2-D data): what each model has learned, drawn over the plane.

Every model paints its decision regions (the most probable class and how
sure it is) on a grid over the data. A generative model also shows what a
detective never has: its class densities p(x|y) p(y) and samples drawn from
them.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.common import Settings, Skip, Task, make_model, model_spec

__all__ = [
    "NAME",
    "TITLE",
    "plan",
    "combine",
    "grid_axes",
    "grid_points",
    "paint",
    "paint_fitted",
    "paint_proba",
]

NAME = "regions"
TITLE = "Decision regions and class densities (2-D)"
GRID = 80
SAMPLES_PER_CLASS = 60


def grid_axes(X: np.ndarray, n: int = GRID) -> tuple[np.ndarray, np.ndarray]:
    """Grid coordinates covering the rows of ``X`` (n, 2) with a 10 % margin."""
    lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
    pad = 0.1 * np.where(hi > lo, hi - lo, 1.0)
    return np.linspace(lo[0] - pad[0], hi[0] + pad[0], n), np.linspace(
        lo[1] - pad[1], hi[1] + pad[1], n
    )


def grid_points(xs, ys) -> np.ndarray:
    """The cells of the grid ``xs`` (G,) by ``ys`` (H,) as points (H * G, 2), row by row from
    ``ys[0]``: cell ``i * G + j`` is ``(xs[j], ys[i])``."""
    gx, gy = np.meshgrid(xs, ys)  # (H, G) each; rows follow y
    return np.column_stack([gx.ravel(), gy.ravel()])


def paint_proba(proba: np.ndarray, classes, shape: tuple[int, int]) -> dict:
    """Regions from p(y|x) on the grid cells: the most probable class and how sure it is.

    Parameters
    ----------
    proba : ndarray (H * G, K)
        p(y|x) per cell, cells as in :func:`grid_points`.
    classes : array-like (K,) of int
        The class of each column of ``proba``.
    shape : (H, G)

    Returns
    -------
    dict of ndarray
        ``proba``; ``label`` (H, G) the most probable class; ``confidence``
        (H, G) its probability (the top-class probability, 1/K = a coin toss);
        ``classes`` (K,).
    """
    classes = np.asarray(classes, dtype=int)
    return {
        "proba": proba,
        "label": classes[proba.argmax(axis=1)].reshape(shape),
        "confidence": proba.max(axis=1).reshape(shape),
        "classes": classes,
    }


def paint_fitted(est, xs, ys) -> dict:
    """What the fitted ``est`` has learned over the grid ``xs`` (G,) by ``ys`` (H,).

    The one painting of the report's "regions" figure and the web playground.

    Returns
    -------
    dict of ndarray
        :func:`paint_proba` of the model's p(y|x) on the grid; a generative
        model also gives ``log_joint`` (H * G, K), its log p(x, y) per cell
        and class.
    """
    points = grid_points(xs, ys)
    out = paint_proba(est.predict_proba(points), est.classes_, (len(ys), len(xs)))
    if getattr(est, "family", None) == "generative":
        out["log_joint"] = est.predict_joint_log_proba(points)
    return out


def paint(train, test, *, model: str, settings: Settings, xs: list, ys: list) -> dict:
    """Class, confidence and (generative) log densities on the grid; samples (one task)."""
    seed = settings.seeds[0]
    est = make_model(model, seed, settings).fit(train.X, train.y)
    painted = paint_fitted(est, xs, ys)
    out = {
        "accuracy": float(np.mean(est.predict(test.X) == test.y)),
        "label": painted["label"].tolist(),
        "confidence": np.round(painted["confidence"], 4).tolist(),
    }
    if "log_joint" in painted:
        joint = painted["log_joint"]  # (G*G, K) log p(x, y)
        out["log_density"] = [
            np.round(joint[:, j], 3).reshape(painted["label"].shape).tolist()
            for j in range(joint.shape[1])
        ]
        out["density_classes"] = painted["classes"].tolist()
        K = len(train.classes)
        X_new, y_new = est.sample(SAMPLES_PER_CLASS * K,
                                  y=np.repeat(np.arange(K), SAMPLES_PER_CLASS),
                                  random_state=seed)  # fmt: skip
        out["samples"] = {"X": np.round(X_new, 4).tolist(), "y": np.asarray(y_new, int).tolist()}
    return out


def plan(train, test, models, settings: Settings) -> list[Task]:
    if train.modality != "tabular" or train.n_features != 2:
        d = train.n_features if train.n_features is not None else "raw text"
        raise Skip(f"the data has {d} features; decision regions are drawn for 2-D data only")
    xs, ys = grid_axes(np.vstack([train.X, test.X]))
    kwargs = {"settings": settings, "xs": xs.tolist(), "ys": ys.tolist()}
    return [Task(f"{NAME}/{m}", paint, {"model": m, **kwargs}) for m in models]


def combine(train, test, models, settings: Settings, outputs: dict) -> dict:
    xs, ys = grid_axes(np.vstack([train.X, test.X]))
    rows, errors = [], {}
    for m in models:
        out = outputs[f"{NAME}/{m}"]
        if out["error"]:
            errors[m] = out["error"]
            continue
        rows.append({"model": m, "family": model_spec(m).family, **out["result"]})
    return {
        "xs": xs.tolist(),
        "ys": ys.tolist(),
        "train": {"X": np.round(train.X, 4).tolist(), "y": train.y.tolist()},
        "rows": rows,
        "errors": errors,
    }
