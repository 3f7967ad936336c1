"""The playground's lines: decision boundaries and class-density contours on a grid.

Traced with ``contourpy``, matplotlib's contouring engine, as polylines the page draws.
"""

from __future__ import annotations

import contourpy
import numpy as np

__all__ = ["CONTOUR_MASSES", "boundaries", "density_contours"]

#: Probability mass inside the density contours drawn for each class.
CONTOUR_MASSES = (0.5, 0.9)


def _lines(xs, ys, Z, level: float) -> list[list[list[float]]]:
    gen = contourpy.contour_generator(x=xs, y=ys, z=Z)
    return [np.round(line, 4).tolist() for line in gen.lines(level) if len(line) > 1]


def boundaries(xs, ys, proba: np.ndarray) -> list:
    """Polylines where the most probable class changes (level 0 of p_k - max_{j != k} p_j)."""
    size = len(xs)
    K = proba.shape[1]
    lines = []
    for k in range(1 if K == 2 else K):
        others = np.delete(proba, k, axis=1).max(axis=1)
        lines += _lines(xs, ys, (proba[:, k] - others).reshape(size, size), 0.0)
    return lines


def density_contours(xs, ys, log_joint: np.ndarray, generative) -> list[dict]:
    """For each class, the contours of p(x|y) holding 50 % and 90 % of its mass on the grid.

    ``log_joint`` is log p(x, y) on the grid cells, shape (cells, K), of the fitted
    ``generative`` model (its ``class_log_prior_`` and ``classes_`` are read).
    """
    size = len(xs)
    log_cond = log_joint - np.asarray(generative.class_log_prior_)[None, :]
    out = []
    for k, label in enumerate(generative.classes_):
        dens = np.exp(log_cond[:, k] - log_cond[:, k].max())  # relative levels only
        order = np.sort(dens)[::-1]
        cum = np.cumsum(order) / order.sum()
        for mass in CONTOUR_MASSES:
            level = float(order[min(np.searchsorted(cum, mass), len(order) - 1)])
            out.append(
                {
                    "class": int(label),
                    "mass": mass,
                    "lines": _lines(xs, ys, dens.reshape(size, size), level),
                }
            )
    return out
