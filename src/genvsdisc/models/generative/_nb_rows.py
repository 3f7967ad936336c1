"""Row arithmetic of the naive Bayes models that keeps float32 rows float32.

Written by hand because numpy and scikit-learn have no routine for it: a
float64 copy of every float32 row doubles a fit's or a prediction's memory,
and float32 sums over many rows lose digits (numpy adds the rows of an
``axis=0`` reduction one after another, in the rows' dtype). Here:

* :func:`float32_mean_var` sums blocks of a few rows in float32, then the
  block sums in float64: statistics within a few float32 roundings of the
  float64 ones, at float32 speed, with one float32 temporary;
* :func:`row_chunks` cuts rows into chunks, so a float64 temporary (a
  converted chunk, a binarized chunk) is a small fraction of the rows; each
  chunk's numbers are the float64 path's numbers for those rows (up to the
  BLAS's own rounding, which may depend on the chunk's size).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = [
    "add_gaussian_label_stats",
    "float32_mean_var",
    "merge_moments",
    "row_chunks",
    "chunked_products",
    "chunks_of",
    "float64_rows",
    "CHUNK_ELEMENTS",
]

#: Rows summed in float32 before their sum joins the float64 total: the error of a
#: sum is then at most about this many float32 roundings of it (typically its square root).
_BLOCK = 8
#: Most values in one chunk of rows (float64: 1 MiB, small enough to stay in cache).
CHUNK_ELEMENTS = 2**17


def _block_sum(X):
    """Column sums (d,) float64 of float32 rows ``X`` (n, d), blocks of ``_BLOCK`` rows first."""
    n, d = X.shape
    full = n - n % _BLOCK
    total = X[:full].reshape(-1, _BLOCK, d).sum(axis=1).sum(axis=0, dtype=np.float64)
    if full < n:
        total += X[full:].sum(axis=0, dtype=np.float64)
    return total


def float32_mean_var(X):
    """Mean and (biased) variance of each column of float32 rows ``X`` (n >= 1, d).

    Two passes as ``np.var`` makes them, in float32 blocks summed in float64.
    The rows are centred on the float32-rounded mean ``m32`` (the subtraction
    is then almost exact), and the sum of squares is corrected for the rounding:
    sum (x - m)^2 = sum (x - m32)^2 - n (m - m32)^2.

    Returns
    -------
    mean, var : ndarray (d,) float64
    """
    n = X.shape[0]
    mean = _block_sum(X) / n
    m32 = mean.astype(np.float32)
    Z = X - m32  # the one float32 temporary
    np.square(Z, out=Z)
    var = _block_sum(Z) / n - (mean - m32) ** 2
    return mean, np.maximum(var, 0.0)


def row_chunks(n_rows, n_features, parts=8):
    """Slices of at most ``CHUNK_ELEMENTS`` values and at most ``1 / parts`` of the rows.

    The second bound keeps a float64 temporary of a chunk of float32 rows at
    most a quarter of the rows' bytes, however few rows there are.
    """
    step = max(1, min(CHUNK_ELEMENTS // max(n_features, 1), -(-n_rows // parts)))
    return [slice(start, min(start + step, n_rows)) for start in range(0, n_rows, step)]


def chunked_products(X, W, transform=None, Wt=None):
    """``transform(X) @ W.T`` in float64, chunk by chunk: shape (n, C).

    Parameters
    ----------
    X : ndarray or CSR matrix (n, d), float32 (or float64)
    W : ndarray (C, d) float64
    transform : callable or None
        Applied to each chunk of rows (e.g. binarizing); it must return float64.
        None: the chunk converted to float64.
    Wt : ndarray (d, C) or None
        ``W.T`` in C order, for CSR rows, when the caller keeps one.
    """
    out = np.empty((X.shape[0], W.shape[0]))
    if sp.issparse(X) and Wt is None:  # scipy would copy the view W.T for every chunk
        Wt = np.ascontiguousarray(W.T)
    for rows in chunks_of(X):
        if sp.issparse(X):  # the chunk's stored values as float64 (indices shared)
            out[rows] = float64_rows(X, rows) @ Wt
            continue
        block = X[rows].astype(np.float64) if transform is None else transform(X[rows])
        np.matmul(block, W.T, out=out[rows])
    return out


def float64_rows(X, rows):
    """Rows ``rows`` (a slice) of CSR ``X`` with float64 values, sharing X's indices."""
    stored = slice(X.indptr[rows.start], X.indptr[rows.stop])
    indptr = X.indptr[rows.start : rows.stop + 1] - X.indptr[rows.start]
    shape = (rows.stop - rows.start, X.shape[1])
    return sp.csr_matrix((X.data[stored].astype(np.float64), X.indices[stored], indptr), shape)


def chunks_of(X):
    """:func:`row_chunks` of rows ``X`` (n, d); CSR rows as one chunk (a float64 copy of
    the stored values only: scipy's checks of each chunk's matrix cost more than they save)."""
    return row_chunks(X.shape[0], 1, parts=1) if sp.issparse(X) else row_chunks(*X.shape)


def merge_moments(nb, k, n_new, mean, var):
    """Add ``n_new`` rows of mean and variance (d,) to class ``k`` of GaussianNB ``nb``:
    the merge of ``GaussianNB._update_mean_variance`` (Chan, Golub & LeVeque)."""
    n_past = nb.class_count_[k]
    if n_past == 0:
        nb.theta_[k], nb.var_[k] = mean, var
        return
    n_total = float(n_past + n_new)
    old_mean = nb.theta_[k].copy()
    nb.theta_[k] = (n_new * mean + n_past * old_mean) / n_total
    ssd = n_past * nb.var_[k] + n_new * var + (n_new * n_past / n_total) * (old_mean - mean) ** 2
    nb.var_[k] = ssd / n_total


def add_gaussian_label_stats(nb, X, y_idx, n_classes):
    """Add rows ``X`` (n, d) of class indices ``y_idx`` (n,) to scikit-learn's GaussianNB ``nb``.

    ``GaussianNB.partial_fit`` without its second validation and its pass over
    all rows for the ``epsilon_`` that ``var_smoothing=0`` makes 0: each class's
    rows, then ``_update_mean_variance`` (float64 rows), or
    :func:`float32_mean_var` and its merge (float32 rows: no float64 copy).
    """
    if not hasattr(nb, "classes_"):  # first rows: the empty statistics partial_fit starts from
        nb.classes_ = np.arange(n_classes)
        nb.n_features_in_ = X.shape[1]
        nb.theta_ = np.zeros((n_classes, X.shape[1]))
        nb.var_ = np.zeros((n_classes, X.shape[1]))
        nb.class_count_ = np.zeros(n_classes)
        nb.epsilon_ = 0.0
    order = np.argsort(y_idx, kind="stable")  # one sort instead of a mask per class
    ends = np.cumsum(np.bincount(y_idx, minlength=n_classes))
    for k, (start, end) in enumerate(zip(np.r_[0, ends[:-1]], ends, strict=True)):
        if end == start:
            continue
        rows = X[order[start:end]]
        if rows.dtype == np.float64:
            nb.theta_[k], nb.var_[k] = nb._update_mean_variance(
                nb.class_count_[k], nb.theta_[k], nb.var_[k], rows
            )
        else:  # float32: float64 statistics without a float64 copy
            merge_moments(nb, k, end - start, *float32_mean_var(rows))
        nb.class_count_[k] += end - start
    nb.class_prior_ = nb.class_count_ / nb.class_count_.sum()
