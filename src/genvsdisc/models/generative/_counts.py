"""Count arithmetic of multinomial naive Bayes: plain-label statistics, log-factorials."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln
from sklearn.utils.extmath import safe_sparse_dot

from genvsdisc.models.rows import labeled_responsibilities

__all__ = ["add_label_counts", "finite_totals", "sparse_column_range", "sum_log_factorials"]


def add_label_counts(nb, X, y_idx, n_classes: int) -> np.ndarray:
    """Add rows ``X`` (n, V) with class indices ``y_idx`` (n,) to scikit-learn's ``nb``.

    What ``MultinomialNB.partial_fit`` adds with unit weights (its one-hot
    label matrix, ``feature_count_ += Y.T X``, then its own updates of the
    log-probabilities), without its second validation and non-negativity pass
    over X (genvsdisc checked both) and without the one-hot weighted copy of
    the rows the responsibilities path makes. Returns the one-hot Y (n, K).
    """
    Y = labeled_responsibilities(y_idx, n_classes)
    if not hasattr(nb, "classes_"):  # the empty counters partial_fit starts from
        nb.classes_ = np.arange(n_classes)
        nb.n_features_in_ = X.shape[1]
        nb._init_counters(n_classes, X.shape[1])
    nb.feature_count_ += safe_sparse_dot(Y.T, X)
    nb.class_count_ += Y.sum(axis=0)
    nb._update_feature_log_prob(nb._check_alpha())
    nb._update_class_log_prior(class_prior=nb.class_prior)
    return Y


def sum_log_factorials(X):
    """sum_j log x_j! per row of counts ``X`` (n, V), dense or CSR; 0! = 1! = 1 cost nothing."""
    if sp.issparse(X):
        X = X.tocsr()
        per_entry = sp.csr_matrix((gammaln(X.data + 1.0), X.indices, X.indptr), shape=X.shape)
        return np.asarray(per_entry.sum(axis=1)).ravel()
    rows, cols = np.nonzero((X != 0) & (X != 1))
    return np.bincount(rows, gammaln(X[rows, cols] + 1.0), minlength=X.shape[0])


def finite_totals(X) -> np.ndarray | None:
    """Row totals N (n,) of counts ``X`` (dense or CSR), or None when some value is inf
    or NaN. The totals are the finiteness check (their sum is finite iff every value
    is), so rows that are all finite are read once for both."""
    N = np.asarray(X.sum(axis=1)).ravel()
    with np.errstate(over="ignore"):  # a sum that overflows takes the detailed check
        return N if np.isfinite(N.sum()) else None


def sparse_column_range(X) -> tuple[np.ndarray, np.ndarray]:
    """``X.min(axis=0)``, ``X.max(axis=0)`` of CSR counts ``X`` as dense (V,) arrays.

    The same values as scipy's, which converts the matrix to CSC once for each;
    here one pass over the stored values. Values that are not all finite and
    non-negative, or duplicate entries, take scipy's route.
    """
    n, V = X.shape
    if not (X.has_canonical_format and np.isfinite(X.data).all() and (X.data >= 0).all()):
        return X.min(axis=0).toarray().ravel(), X.max(axis=0).toarray().ravel()
    hi = np.zeros(V)  # an implicit zero, or the largest stored value
    np.maximum.at(hi, X.indices, X.data)
    lo = np.full(V, np.inf)
    np.minimum.at(lo, X.indices, X.data)
    lo = np.where(np.bincount(X.indices, minlength=V) < n, np.minimum(0.0, lo), lo)
    return lo, hi
