"""Helpers of logreg's choice of C: class-complete probabilities and the direction of the walk."""

from __future__ import annotations

import numpy as np

__all__ = ["all_class_proba", "stratified_sample", "validation_slope"]


def all_class_proba(model, X, classes):
    """``model.predict_proba(X)`` (n, K) with a zero column for each of ``classes`` it never saw."""
    proba = model.predict_proba(X)
    if len(model.classes_) == len(classes):
        return proba
    full = np.zeros((proba.shape[0], len(classes)))
    full[:, np.searchsorted(classes, model.classes_)] = proba
    return full


def validation_slope(model, X_val, y_val, sample_weight=None):
    """Sign-faithful estimate of d(validation log-loss) / d(log C) at a fitted ``model``.

    At the optimum of  sum_i l_i(W, b) + |W|^2 / (2 C)  the path moves as
    dtheta / dlog C = (C H + P)^-1 P W (H the training loss's Hessian, P the
    projection on the penalised weights). Taking the curvature as the
    identity gives the direction P W: the slope is approximated by the
    validation loss's gradient with respect to the weights, dotted with W.
    This costs one pass over the validation rows. It only orders the walk over
    the grid (which neighbour of the start to fit first); the walk still fits
    and compares, so a wrong sign costs one fit, not a different C.

    Parameters
    ----------
    model : fitted ``LogisticRegression``
    X_val : array-like or sparse (n, d)
    y_val : ndarray (n,)
    sample_weight : ndarray (n,) or None

    Returns
    -------
    float
        Negative: a larger C is expected to lower the validation loss.
    """
    proba = model.predict_proba(X_val)  # (n, K) in model.classes_ order
    onehot = y_val[:, None] == model.classes_[None, :]
    if proba.shape[1] == 2:  # binary: one weight vector for the second class
        residual = (proba[:, 1] - onehot[:, 1])[:, None]
    else:
        residual = proba - onehot
    if sample_weight is not None:
        residual = residual * sample_weight[:, None]
    grad = np.asarray(X_val.T @ residual).T  # (K or 1, d): d loss / d W
    return float(np.sum(grad * model.coef_))


def stratified_sample(index, y, fraction, rng):
    """About ``fraction`` of the row indices ``index`` (sorted), each class in proportion.

    Every class present keeps at least one row, so the sample still shows it.

    Parameters
    ----------
    index : ndarray (m,) of row indices into ``y``
    y : ndarray (n,) labels
    fraction : float in (0, 1]
    rng : numpy RandomState

    Returns
    -------
    ndarray of row indices, sorted
    """
    labels = y[index]
    keep = []
    for label in np.unique(labels):
        rows = index[labels == label]
        take = max(1, int(round(fraction * len(rows))))
        keep.append(rng.choice(rows, size=min(take, len(rows)), replace=False))
    return np.sort(np.concatenate(keep))
