"""Generative fits from sufficient statistics summed over partitions (one pass).

Each training partition is reduced, on the worker that reads it, to per-class
moments: the weight, the sum and the sum of outer products of rows centred on
a *common* per-class shift, plus the fourth-order cross moments Ledoit-Wolf
shrinkage needs (:class:`genvsdisc.models.generative._gaussian_math.ClassMoments`,
the same statistics ``fit`` and ``partial_fit`` accumulate). Because every
partition centres on the same shift (class means of a first sample), the
moments of two partitions combine by plain addition, in a tree, and the
centring keeps the second moments free of cancellation (the shifted-data
algorithm; a Welford update per row is not needed).

From the combined moments, Gaussian naive Bayes, LDA and QDA are set up as
the very genvsdisc estimators ``fit`` makes (their ``_finalize`` step turns
statistics into parameters), so ``predict``, ``score_samples`` and the
integration of missing features work unchanged. The statistics of a prefix
of the partitions give the fit on that many partitions: the learning curve
costs no further pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.naive_bayes import GaussianNB

from genvsdisc.models.generative._gaussian_math import ClassMoments
from genvsdisc.models.registry import make
from genvsdisc.scale.partitions import frame_rows

__all__ = [
    "PartStats",
    "partition_stats",
    "merge_stats",
    "fit_from_stats",
    "pooled_mean_var",
    "ONE_PASS_MODELS",
]

#: Models fitted exactly from one pass of per-class moments.
ONE_PASS_MODELS = ("gaussian_nb", "lda", "qda")


@dataclass
class PartStats:
    """Moments of one or more partitions, keyed by class label.

    Attributes
    ----------
    moments : dict label -> ClassMoments with one class
    lo, hi : ndarray (d,)
        Per-feature min and max of the rows seen.
    n_dropped : int
        Rows left out (empty target or a missing feature).
    """

    moments: dict
    lo: np.ndarray
    hi: np.ndarray
    n_dropped: int = 0

    @property
    def counts(self) -> dict:
        return {label: float(m.weight[0]) for label, m in self.moments.items()}


def partition_stats(frame, features, target, shifts: dict, default_shift) -> PartStats:
    """Per-class moments of one partition (runs on the worker holding it).

    Parameters
    ----------
    frame : pandas.DataFrame
    features, target : column names
    shifts : dict label -> ndarray (d,)
        The common centring of each class; ``default_shift`` for a class not in it.
    """
    # float32 columns stay float32 until each class's block is centred (in float64):
    # the same moments, half the bytes moved by the gather
    X, y, dropped = frame_rows(frame, features, target, keep_float32=True)
    d = len(features)
    out = {}
    if len(y):
        order, labels, starts = _class_blocks(y)
        X_sorted = X[order]  # one gather; each class is then a contiguous block
        for label, a, b in zip(labels, starts, [*starts[1:], len(y)], strict=True):
            m = ClassMoments(1, d, fourth="matrix")
            m.shift[0] = shifts.get(_key(label), default_shift)
            m.has_shift[0] = True
            # unit weights: the sums of ClassMoments.update without its weight products
            Z = X_sorted[a:b] - m.shift[0]
            Z2 = Z * Z
            m.weight[0] = b - a
            m.s1[0], m.s2[0] = Z.sum(axis=0), Z.T @ Z
            m.a4[0], m.b3[0] = Z2.T @ Z2, Z2.T @ Z
            out[_key(label)] = m
        lo, hi = X.min(axis=0).astype(np.float64), X.max(axis=0).astype(np.float64)
    else:
        lo, hi = np.full(d, np.inf), np.full(d, -np.inf)
    return PartStats(out, lo, hi, dropped)


def _class_blocks(y):
    """Rows grouped by class: ``order`` (n,), the sorted distinct labels and where each starts.

    Integer labels in a small range are sorted by NumPy's radix sort (on int16
    codes), in one pass; other labels by a stable comparison sort.
    """
    if y.dtype.kind in "iu" and len(y) and int(y.max()) - int(y.min()) < 2**15:
        codes = np.subtract(y, y.min(), dtype=np.int64)  # in int64: no wrap-around for int8
        order = np.argsort(codes.astype(np.int16), kind="stable")
    else:
        order = np.argsort(y, kind="stable")
    sorted_y = y[order]
    starts = np.flatnonzero(np.r_[True, sorted_y[1:] != sorted_y[:-1]])
    return order, sorted_y[starts], starts


def _key(label):
    """A plain Python label (numpy scalars become int / str) so dict keys compare equal."""
    return label.item() if hasattr(label, "item") else label


_SUMMED = ("weight", "s1", "s2", "a4", "b3")


def merge_stats(*parts: PartStats) -> PartStats:
    """Sum the moments of partitions (all centred on the same shifts)."""
    moments = {}
    for part in parts:
        for label, m in part.moments.items():
            if label not in moments:
                c = ClassMoments(1, len(m.shift[0]), fourth="matrix")
                c.shift[:], c.has_shift[:] = m.shift, True
                moments[label] = c
            for name in _SUMMED:
                getattr(moments[label], name)[:] += getattr(m, name)
    lo = np.min([p.lo for p in parts], axis=0)
    hi = np.max([p.hi for p in parts], axis=0)
    return PartStats(moments, lo, hi, sum(p.n_dropped for p in parts))


def _stacked(stats: PartStats, classes) -> ClassMoments:
    """One ClassMoments holding every class in ``classes`` (sorted labels)."""
    first = stats.moments[classes[0]]
    out = ClassMoments(len(classes), len(first.shift[0]), fourth="matrix")
    for k, label in enumerate(classes):
        m = stats.moments[label]
        out.shift[k], out.has_shift[k] = m.shift[0], True
        for name in _SUMMED:
            getattr(out, name)[k] = getattr(m, name)[0]
    return out


def _common(est, stats: PartStats, classes):
    est._check_params()
    est.classes_ = np.asarray(classes)
    est.n_features_in_ = len(stats.lo)
    est.feature_min_, est.feature_max_ = stats.lo.copy(), stats.hi.copy()
    est.n_em_iter_, est.em_log_likelihood_ = 0, []


def fit_from_stats(name: str, stats: PartStats, *, classes=None):
    """The genvsdisc estimator ``name`` fitted from summed moments.

    Parameters
    ----------
    name : {"gaussian_nb", "lda", "qda"}
    stats : PartStats
        Summed over the training partitions.
    classes : list of labels or None
        The classes to fit (sorted); None: every class in ``stats``. A subset
        fits the model without the others (the novelty experiment's held-out class).

    Returns
    -------
    estimator
        Equal, to rounding, to ``make(name).fit(X, y)`` on the same rows.
    """
    classes = sorted(stats.moments) if classes is None else list(classes)
    moments = _stacked(stats, classes)
    est = make(name)
    _common(est, stats, classes)
    if name == "gaussian_nb":
        w = moments.weight
        nb = GaussianNB(var_smoothing=0.0)  # the inner model the estimator keeps; see its docs
        nb.classes_ = np.arange(len(classes))
        nb.class_count_ = w.copy()
        nb.theta_ = moments.means()
        nb.var_ = np.stack([np.diag(moments.scatter(k)) / w[k] for k in range(len(w))])
        nb.epsilon_ = 0.0
        nb.class_prior_ = w / w.sum()
        est.nb_, est._n_classes = nb, len(classes)
        est._finalize()
        return est
    if name in ("lda", "qda"):
        est._reset_stats(len(stats.lo), len(classes))
        if est.standardize == "auto":  # the rule fit applies to its rows, on all rows seen
            est.standardize_ = not (stats.lo.min() >= 0 and stats.hi.max() <= 1)
        else:
            est.standardize_ = bool(est.standardize)
        est.stats_ = moments
        est._finalize()
        return est
    raise ValueError(f"{name} is not fitted in one pass; see genvsdisc.scale.mixture")


def pooled_mean_var(stats: PartStats, classes=None):
    """Mean and variance (d,) of all rows, from the class moments (for a StandardScaler)."""
    classes = sorted(stats.moments) if classes is None else list(classes)
    m = _stacked(stats, classes)
    w = m.weight
    means = m.means()
    grand = w @ means / w.sum()
    var = sum(np.diag(m.scatter(k)) + w[k] * (means[k] - grand) ** 2 for k in range(len(w)))
    return grand, var / w.sum(), float(w.sum())
