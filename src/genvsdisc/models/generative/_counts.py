"""Count arithmetic of multinomial naive Bayes: plain-label statistics, log-factorials."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln
from sklearn.utils.extmath import safe_sparse_dot

from genvsdisc.models.generative._nb_rows import chunked_products, chunks_of, float64_rows
from genvsdisc.models.rows import labeled_responsibilities

__all__ = [
    "add_label_counts",
    "finite_totals",
    "row_totals",
    "sparse_bernoulli_jll",
    "sparse_column_range",
    "sum_log_factorials",
    "weighted_sum",
    "word_scores",
]


def add_label_counts(nb, X, y_idx, n_classes: int, binarize=None) -> np.ndarray:
    """Add rows ``X`` (n, V) with class indices ``y_idx`` (n,) to scikit-learn's ``nb``.

    What ``MultinomialNB.partial_fit`` (or ``BernoulliNB.partial_fit``, with
    ``binarize``: a feature counts as 1 when above it) adds with unit weights
    (its one-hot label matrix, ``feature_count_ += Y.T X``, then its own
    updates of the log-probabilities), without its second validation and
    non-negativity pass over X (genvsdisc checked both) and without the
    one-hot weighted copy of the rows the responsibilities path makes.
    Float32 rows, and binarized rows, are converted to float64 a chunk of rows
    at a time (:func:`._nb_rows.row_chunks`); float64 counts take one product.
    Returns the one-hot Y (n, K).
    """
    Y = labeled_responsibilities(y_idx, n_classes)
    if not hasattr(nb, "classes_"):  # the empty counters partial_fit starts from
        nb.classes_ = np.arange(n_classes)
        nb.n_features_in_ = X.shape[1]
        nb._init_counters(n_classes, X.shape[1])
    if binarize is None and X.dtype == np.float64:
        nb.feature_count_ += safe_sparse_dot(Y.T, X)
    else:
        for rows in chunks_of(X):  # one float64 chunk alive at a time
            if sp.issparse(X):
                nb.feature_count_ += Y[rows].T @ float64_rows(X, rows)
            else:
                chunk = X[rows] > binarize if binarize is not None else X[rows]
                nb.feature_count_ += Y[rows].T @ chunk.astype(np.float64)
    nb.class_count_ += Y.sum(axis=0)
    nb._update_feature_log_prob(nb._check_alpha())
    nb._update_class_log_prior(class_prior=nb.class_prior)
    return Y


def sum_log_factorials(X):
    """sum_j log x_j! per row of counts ``X`` (n, V), dense or CSR; 0! = 1! = 1 cost nothing."""
    if sp.issparse(X):
        X = X.tocsr()
        per_entry = sp.csr_matrix(
            (gammaln(X.data.astype(np.float64) + 1.0), X.indices, X.indptr), shape=X.shape
        )
        return np.asarray(per_entry.sum(axis=1)).ravel()
    rows, cols = np.nonzero((X != 0) & (X != 1))
    return np.bincount(rows, gammaln(X[rows, cols].astype(np.float64) + 1.0), minlength=X.shape[0])


def finite_totals(X) -> np.ndarray | None:
    """Row totals N (n,) of counts ``X`` (dense or CSR), or None when some value is inf
    or NaN. The totals are the finiteness check (their sum is finite iff every value
    is), so rows that are all finite are read once for both."""
    N = row_totals(X)
    with np.errstate(over="ignore"):  # a sum that overflows takes the detailed check
        return N if np.isfinite(N.sum()) else None


def sparse_column_range(X, checked=False) -> tuple[np.ndarray, np.ndarray]:
    """``X.min(axis=0)``, ``X.max(axis=0)`` of CSR counts ``X`` as dense (V,) arrays.

    The same values as scipy's, which converts the matrix to CSC once for each;
    here one pass over the stored values. Values that are not all finite and
    non-negative, or duplicate entries, take scipy's route. ``checked``: the
    caller has found the values finite and non-negative.
    """
    n, V = X.shape
    valid = checked or (np.isfinite(X.data).all() and (X.data >= 0).all())
    if not (X.has_canonical_format and valid):
        return X.min(axis=0).toarray().ravel(), X.max(axis=0).toarray().ravel()
    # in X's dtype (ufunc.at's fast path), a chunk of rows at a time (bincount's intp copy)
    hi = np.zeros(V, dtype=X.dtype)  # an implicit zero, or the largest stored value
    counts = np.zeros(V, dtype=np.intp)
    for rows in chunks_of(X):
        stored = slice(X.indptr[rows.start], X.indptr[rows.stop])
        np.maximum.at(hi, X.indices[stored], X.data[stored])
        counts += np.bincount(X.indices[stored], minlength=V)
    lo = np.zeros(V)  # an implicit zero, unless every row stores a value in the column
    full = counts == n
    if full.any():  # (rare in word counts) the smallest stored value, >= 0 here
        stored_min = np.full(V, np.inf, dtype=X.dtype)
        np.minimum.at(stored_min, X.indices, X.data)
        lo[full] = stored_min[full]
    return lo, hi.astype(np.float64)


def weighted_sum(alpha, log_probs):
    """sum over classes and features of alpha_j * log_probs (K, d); alpha a float or (d,)."""
    if np.ndim(alpha) == 0:
        return alpha * float(np.sum(log_probs))
    return float(np.sum(np.asarray(alpha) * log_probs))


def sparse_bernoulli_jll(X, binarize, log_prob, log_neg_prob, log_prior):
    """Bernoulli naive Bayes' log p(x, y=k) (n, K) of CSR rows ``X`` (n, V), ``binarize >= 0``.

    An absent entry is an observed 0 (off); a NaN entry drops its factor.
    ``log_prob``, ``log_neg_prob``: log p_kj and log(1 - p_kj) (K, V); ``log_prior`` (K,).
    """
    X = X.tocsr()
    nan = np.isnan(X.data)
    on = (X.data > binarize) & ~nan
    on = sp.csr_matrix((on.astype(float), X.indices, X.indptr), shape=X.shape)
    missing = sp.csr_matrix((nan.astype(float), X.indices, X.indptr), shape=X.shape)
    observed_neg = log_neg_prob.sum(axis=1) - np.asarray(missing @ log_neg_prob.T)  # (n, K)
    return log_prior + np.asarray(on @ (log_prob - log_neg_prob).T) + observed_neg


def row_totals(X) -> np.ndarray:
    """Row sums (n,) float64 of counts ``X`` (dense or CSR); float32 rows summed in float64."""
    if X.dtype == np.float64:  # the very same sums as before
        return np.asarray(X.sum(axis=1)).ravel()
    if not sp.issparse(X):
        return X.sum(axis=1, dtype=np.float64)
    # scipy would up-cast every stored value at once: float64 sums of float32 values
    totals = np.zeros(X.shape[0])
    stored = np.diff(X.indptr) > 0  # reduceat gives an empty row its next value
    totals[stored] = np.add.reduceat(X.data, X.indptr[:-1][stored], dtype=np.float64)
    return totals


def word_scores(flp, X, N=None, flp_t=None):
    """The pieces of log p(x, y) that need the counts, for rows ``X`` (n, V), under
    multinomial naive Bayes' log word probabilities ``flp`` (K, V).

    Returns ``(X0, N, mass, words)``: ``X0`` the counts with NaN as 0, ``N``
    (n,) the observed totals, ``mass`` (n, K) each class's probability mass
    on the observed words (None when no count is missing) and ``words``
    (n, K) = sum_j x_j log(theta_kj / mass), the multinomial without its
    coefficient. Only rows holding a NaN pay for the missing-count masks.
    ``N``: the row totals when already known (``MultinomialNaiveBayes._counts_and_totals``).
    """
    if N is None:
        N = row_totals(X)
    nan_rows = np.flatnonzero(np.isnan(N))  # a row sums to NaN iff it holds one
    mass = None
    if len(nan_rows):
        X = X.copy()
        mass = np.ones((X.shape[0], flp.shape[0]))
        if sp.issparse(X):
            X = X.tocsr()
            nan = np.isnan(X.data)
            missing = sp.csr_matrix((nan.astype(float), X.indices, X.indptr), shape=X.shape)
            X.data[nan] = 0.0
            mass[nan_rows] = 1.0 - np.asarray(missing[nan_rows] @ np.exp(flp).T)
        else:
            sub = X[nan_rows]
            mass[nan_rows] = 1.0 - np.isnan(sub).astype(float) @ np.exp(flp).T
            X[nan_rows] = np.where(np.isnan(sub), 0.0, sub)
        mass = np.clip(mass, 1e-300, None)
        N = row_totals(X)
    if X.dtype == np.float64:  # flp_t: flp.T in C order, for CSR rows (the same numbers)
        words = np.asarray(X @ (flp.T if flp_t is None or not sp.issparse(X) else flp_t))
    else:  # float32 rows: float64 products a chunk of rows at a time
        words = chunked_products(X, flp, Wt=flp_t)
    if mass is not None:
        # renormalise the class's word probabilities over the observed words
        words -= N[:, None] * np.log(mass)
    return X, N, mass, words
