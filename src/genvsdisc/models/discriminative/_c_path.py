"""Helpers of logreg's choice of C: validation loss, the direction of the walk, a row sample.

The path fits several models and scores each on the same validation rows; the
scoring here is the plain formula on arrays already validated, not
``predict_proba`` and ``sklearn.metrics.log_loss``, whose input checks cost
more than the arithmetic on small data (on digits, dropping them took the
default fit from 103 to 78 CPU ms).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, softmax

__all__ = [
    "final_solver",
    "walk_Cs",
    "validation_proba",
    "validation_log_loss",
    "validation_slope",
    "stratified_sample",
]


#: The final fit on all rows starts from the path's coefficients at the chosen C. With
#: many weights for the rows (at least one per NEWTON_ROWS_PER_WEIGHT rows: pixels, words)
#: lbfgs needs many steps and restarts without its curvature memory, where Newton-CG
#: uses the close start (3-4 Newton steps); with few weights for many rows lbfgs takes a
#: handful of steps and the Newton steps cost more. Measured, the final fit alone, CPU ms,
#: lbfgs -> Newton-CG: digits (650 weights, 1,257 rows) 27 -> 15; bbc_news (70,000
#: weights) 219 -> 90; mnist5k (7,850 weights, 3,500 rows) 445 -> 410; a 50,000-row table
#: with 250 weights 60 -> 107. Below NEWTON_MIN_ROWS rows lbfgs stays: such fits take
#: milliseconds, and lbfgs's stop on a relative change of the objective takes a tiny,
#: nearly separable problem much further than Newton-CG's gradient test at the same tol
#: (scikit-learn's sample-weight check, 15 rows x 30 features at C = 10: weighted and
#: repeated fits 3e-2 apart in probability by Newton-CG, 1e-7 by lbfgs). Decided by
#: shapes and row weights only, so integer weights and repeated rows take the same solver.
NEWTON_ROWS_PER_WEIGHT = 10
NEWTON_MIN_ROWS = 1000


def final_solver(n_weights, n_rows):
    """The final fit's solver: "newton-cg" with many weights for the rows, else "lbfgs".

    Newton-CG for a weight per ``NEWTON_ROWS_PER_WEIGHT`` rows or more, and at least
    ``NEWTON_MIN_ROWS`` rows. ``n_weights``: features times modelled classes;
    ``n_rows``: the rows' total weight.
    """
    many_weights = n_weights * NEWTON_ROWS_PER_WEIGHT >= n_rows
    return "newton-cg" if many_weights and n_rows >= NEWTON_MIN_ROWS else "lbfgs"


def walk_Cs(fit_at, Cs, X, y, sample_weight, split):
    """The C of ``Cs`` (sorted) with the lowest validation log-loss along one walk.

    Starts at the C nearest 1 (scikit-learn's default) and walks the grid towards
    lower loss until it rises: about 3 fits instead of ``len(Cs)``. The loss's
    slope at the start (:func:`validation_slope`) says which way to try first
    (downwards when it is flat: a smaller C is the cheaper fit).

    Parameters
    ----------
    fit_at : callable (C, X_part, y_part, w_part) -> fitted ``LogisticRegression``
    Cs : ndarray (m,), sorted
    X : ndarray or sparse (n, d); y : ndarray (n,); sample_weight : ndarray (n,) or None
    split : (train, validation) row indices

    Returns
    -------
    C : float
    coef : (coef_, intercept_) of the fit at C, or (None, None) when the split
        left a class out of the training part (no warm start then)
    losses : ndarray (m,)
        Validation log-loss per C; NaN where the walk did not fit.
    """
    train, val = split
    w_train = None if sample_weight is None else sample_weight[train]
    w_val = None if sample_weight is None else sample_weight[val]
    classes = np.unique(y)
    X_train, X_val, y_val = X[train], X[val], y[val]
    losses, coefs = np.full(len(Cs), np.nan), {}

    def score(i):
        model = fit_at(Cs[i], X_train, y[train], w_train)
        proba = validation_proba(model, X_val, classes)
        losses[i] = validation_log_loss(proba, y_val, classes, w_val)
        coefs[i] = (model.coef_, model.intercept_)
        return model, proba

    first = int(np.argmin(np.abs(np.log(Cs))))
    start, proba = score(first)
    all_seen = len(start.classes_) == len(classes)
    up_first = all_seen and validation_slope(start, proba, X_val, y_val, w_val) < 0
    for step in (1, -1) if up_first else (-1, 1):
        i = first
        while 0 <= i + step < len(Cs):
            score(i + step)
            if losses[i + step] >= losses[i]:
                break
            i += step
        if i != first:
            break  # the loss fell this way: the other way it would only rise
    best = int(np.nanargmin(losses))
    coef = coefs[best]
    if coef[0].shape[0] != (1 if len(classes) == 2 else len(classes)):
        coef = (None, None)
    return float(Cs[best]), coef, losses


def validation_proba(model, X_val, classes):
    """p(y | x) (n, K) of a fitted ``LogisticRegression`` in ``classes`` order.

    As ``model.predict_proba`` (sigmoid for two classes, softmax otherwise),
    with a zero column for each of ``classes`` the model never saw.

    Parameters
    ----------
    model : fitted ``LogisticRegression``
    X_val : ndarray or sparse (n, d), already checked
    classes : ndarray (K,), sorted
    """
    scores = np.asarray(X_val @ model.coef_.T) + model.intercept_
    if scores.shape[1] == 1:
        p1 = expit(scores[:, 0])
        proba = np.column_stack([1.0 - p1, p1])
    else:
        proba = softmax(scores, axis=1)
    if len(model.classes_) == len(classes):
        return proba
    full = np.zeros((proba.shape[0], len(classes)))
    full[:, np.searchsorted(classes, model.classes_)] = proba
    return full


def validation_log_loss(proba, y_val, classes, sample_weight=None):
    """Mean (weighted) log-loss of ``proba`` (n, K) on labels ``y_val`` (n,).

    ``sklearn.metrics.log_loss`` to rounding: probabilities clipped to
    [eps, 1 - eps], the true class's term per row.
    """
    eps = np.finfo(proba.dtype).eps
    p_true = proba[np.arange(len(y_val)), np.searchsorted(classes, y_val)]
    return float(np.average(-np.log(np.clip(p_true, eps, 1 - eps)), weights=sample_weight))


def validation_slope(model, proba, X_val, y_val, sample_weight=None):
    """Sign-faithful estimate of d(validation log-loss) / d(log C) at a fitted ``model``.

    At the optimum of  sum_i l_i(W, b) + |W|^2 / (2 C)  the path moves as
    dtheta / dlog C = (C H + P)^-1 P W (H the training loss's Hessian, P the
    projection on the penalised weights). Taking the curvature as the
    identity gives the direction P W: the slope is approximated by the
    validation loss's gradient with respect to the weights, dotted with W.
    This costs one pass over the validation rows. It only orders the walk over
    the grid (which neighbour of the start to fit first); the walk still fits
    and compares, so a wrong sign costs one fit, not a different C. (The exact
    direction, by conjugate gradients on H, costs about as much as one of the
    path's fits on digits, and its first-order prediction of the next decade's
    gain misjudged the flattening there: measured, not kept.)

    Parameters
    ----------
    model : fitted ``LogisticRegression`` that saw every class
    proba : ndarray (n, K)
        Its :func:`validation_proba` on ``X_val``.
    X_val : array-like or sparse (n, d)
    y_val : ndarray (n,)
    sample_weight : ndarray (n,) or None

    Returns
    -------
    float
        Negative: a larger C is expected to lower the validation loss.
    """
    onehot = y_val[:, None] == model.classes_[None, :]
    if model.coef_.shape[0] == 1:  # binary: one weight vector for the second class
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
