"""Difference 7 (2-D data): what each model has learned, drawn over the plane.

Every model paints its decision regions (the most probable class and how
sure it is) on a grid over the data. A generative model also shows what a
detective never has: its class densities p(x|y) p(y) and samples drawn from
them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext, Skip
from genvsdisc.experiments.common import Settings, make_model, model_spec
from genvsdisc.report.plots import CLASS_COLORS, Style, class_legend, new_figure
from genvsdisc.report.tables import pct, table

__all__ = [
    "Regions",
    "RegionsResult",
    "grid_axes",
    "grid_points",
    "paint",
    "paint_fitted",
    "paint_proba",
]

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
        X_new, y_new = est.sample(
            SAMPLES_PER_CLASS * K, y=np.repeat(np.arange(K), SAMPLES_PER_CLASS), random_state=seed
        )
        out["samples"] = {"X": np.round(X_new, 4).tolist(), "y": np.asarray(y_new, int).tolist()}
    return out


@dataclass
class RegionsResult(ExperimentResult):
    """The ``regions`` section of results.json.

    Attributes
    ----------
    xs, ys : list of float
        Grid coordinates (GRID each).
    train : dict
        ``{"X": (n, 2), "y": (n,)}``: the training points drawn under the regions.
    rows : list of dict
        One per painted model: ``model``, ``family``, ``accuracy``, ``label`` and
        ``confidence`` (GRID, GRID); generative models also ``log_density``
        (K, GRID, GRID), ``density_classes`` and ``samples`` (``{"X", "y"}``).
    errors : dict
        ``{model: message}`` of the models that failed.
    """

    xs: list[float]
    ys: list[float]
    train: dict
    rows: list[dict]
    errors: dict


class Regions(Experiment):
    """Decision regions of every model over the plane; class densities of the artists."""

    name = "regions"
    title = "Decision regions and class densities (2-D)"
    why = (
        "Both kinds draw a boundary, but only the artist also holds a density for each "
        "class: where the data lives, and where it does not."
    )
    result_type = RegionsResult

    def plan(self, ctx: RunContext) -> dict:
        """``{model: task}`` on one grid over the training and test points."""
        train = ctx.train
        if train.modality != "tabular" or train.n_features != 2:
            d = train.n_features if train.n_features is not None else "raw text"
            raise Skip(f"the data has {d} features; decision regions are drawn for 2-D data only")
        xs, ys = grid_axes(np.vstack([train.X, ctx.test.X]))
        return {
            m: ctx.task(
                paint, model=m, settings=ctx.settings_for(m), xs=xs.tolist(), ys=ys.tolist()
            )
            for m in ctx.models
        }

    def combine(self, ctx: RunContext, outputs: dict) -> RegionsResult:
        train = ctx.train
        xs, ys = grid_axes(np.vstack([train.X, ctx.test.X]))
        rows, errors = [], {}
        for m in ctx.models:
            out = outputs[m]
            if out.error:
                errors[m] = out.error
                continue
            rows.append({"model": m, "family": model_spec(m).family, **out.result})
        return RegionsResult(
            xs=xs.tolist(),
            ys=ys.tolist(),
            train={"X": np.round(train.X, 4).tolist(), "y": train.y.tolist()},
            rows=rows,
            errors=errors,
        )

    def finding(self, result: RegionsResult, dataset: str) -> str:
        if not result.rows:
            return "No model could be drawn."
        # one split and one fit per model: no ranking is claimed here; the accuracy
        # section compares the pairs with intervals over repeated splits
        accs = ", ".join(f"{r['model']} {pct(r['accuracy'])}" for r in result.rows)
        return (
            f"On {dataset}, each model's regions come from one fit on the run's split "
            f"(test accuracy {accs}: a single split, so see the accuracy section for which "
            "differences the noise allows); the generative panels show where each class's "
            "density lies and samples drawn from it."
        )

    def table(self, result: RegionsResult) -> str:
        return table(
            ["model", "family", "test accuracy"],
            [[r["model"], r["family"], pct(r["accuracy"])] for r in result.rows],
        )

    def figure(self, result: RegionsResult, style: Style, classes: list[str]):
        """Per model: decision regions; for generative models also class densities and samples."""
        rows = result.rows
        panels = [(r, "regions") for r in rows] + [
            (r, "density") for r in rows if "log_density" in r
        ]
        # two panels a row at the report's full width: each about 4.5 in (500 px) wide
        ncols = min(2, len(panels))
        nrows = int(np.ceil(len(panels) / ncols))
        fig, ax = new_figure(w=9.2 if ncols > 1 else 5.2, h=4.0 * nrows, ncols=ncols, nrows=nrows)
        flat = [a for row in ax for a in row]
        for a, (r, kind) in zip(flat, panels, strict=False):
            draw_region(a, result, r, kind, style, classes)
        for a in flat[len(panels) :]:
            a.axis("off")
        # one legend for all panels, above them, so it hides no region
        class_legend(fig, classes, loc="outside upper center", ncol=min(len(classes), 10))
        return fig


def _class_points(a, X, y, cmap, K: int, **marks) -> None:
    """Points ``X`` (n, 2) coloured by class index ``y`` (n,) on the K-class colour map."""
    a.scatter(X[:, 0], X[:, 1], c=y, cmap=cmap, vmin=-0.5, vmax=K - 0.5, **marks)


def draw_region(a, result: RegionsResult, r: dict, kind: str, style: Style, classes) -> None:
    """One model's panel on the Axes ``a``: ``kind`` "regions" (decision regions shaded by
    confidence, training points) or "density" (p(x|y)p(y) contours and samples)."""
    xs, ys = np.array(result.xs), np.array(result.ys)
    Xtr, ytr = np.array(result.train["X"]), np.array(result.train["y"])
    K = len(classes)
    from matplotlib.colors import ListedColormap  # here: matplotlib loads on first figure

    cmap = ListedColormap(CLASS_COLORS[:K])
    if kind == "regions":
        label = np.array(r["label"])
        conf = np.array(r["confidence"])
        a.imshow(
            label,
            origin="lower",
            extent=(xs[0], xs[-1], ys[0], ys[-1]),
            cmap=cmap,
            vmin=-0.5,
            vmax=K - 0.5,
            alpha=0.25 + 0.5 * (conf - conf.min()) / max(np.ptp(conf), 1e-9),
            aspect="auto",
            interpolation="nearest",
        )
        _class_points(a, Xtr, ytr, cmap, K, s=12, edgecolors="k", linewidths=0.3)
        a.set_title(
            f"{r['model']}: decision regions ({r['accuracy']:.0%} on test)",
            fontsize=10,
            color=style.of(r["model"])["color"],
        )
    else:
        for j, dens in enumerate(r["log_density"]):
            k = r["density_classes"][j]
            d = np.array(dens)
            levels = np.max(d) - np.array([6.0, 4.0, 2.0, 1.0, 0.0])
            a.contour(
                xs,
                ys,
                d,
                levels=np.unique(levels),
                colors=[CLASS_COLORS[k % 10]],
                linestyles="solid",
                linewidths=0.8,
            )
        S, sy = np.array(r["samples"]["X"]), np.array(r["samples"]["y"])
        _class_points(a, S, sy, cmap, K, s=16, marker="x", linewidths=0.9)
        a.set_xlim(xs[0], xs[-1])
        a.set_ylim(ys[0], ys[-1])
        a.set_title(
            f"{r['model']}: p(x|y)p(y) contours and samples (x)",
            fontsize=10,
            color=style.of(r["model"])["color"],
        )
    a.tick_params(labelsize=8)
    a.set_xlabel("feature 1", fontsize=9)
    a.set_ylabel("feature 2", fontsize=9)
