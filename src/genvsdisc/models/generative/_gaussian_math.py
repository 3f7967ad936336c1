"""Gaussian algebra the Gaussian models share (LDA, QDA, mixtures).

Written by hand because scikit-learn has no public routine for any of it:

* weighted sufficient statistics per class, mergeable across chunks
  (``partial_fit``) and weighted by EM responsibilities;
* the Ledoit-Wolf and OAS shrinkage intensities computed *from those
  statistics* (``sklearn.covariance.ledoit_wolf_shrinkage`` needs the rows;
  the tests check both give the same number on the same rows);
* the exact log-density of the observed part of a row, with NaN features
  integrated out (a Gaussian's marginal is the Gaussian of the observed
  sub-vector), in batched linear algebra: each distinct missing pattern costs
  one factorisation, stacked with the others.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cholesky, solve_triangular
from scipy.linalg.lapack import dtrtri

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative._gaussian_missing import LazyPrecisions, _missing_rows_log_pdf
from genvsdisc.models.generative._nb_rows import row_chunks

__all__ = [
    "ClassMoments",
    "ledoit_wolf_intensity",
    "oas_intensity",
    "shrink",
    "safe_cholesky",
    "gaussian_log_pdf",
    "LOG_2PI",
]

LOG_2PI = np.log(2.0 * np.pi)


class ClassMoments:
    """Weighted first, second and fourth-order moments of rows, one set per class.

    Rows are centred on a per-class ``shift`` (the mean of the first rows the
    class receives) before accumulating, so that the second moments do not lose
    precision by cancellation when features have a large offset.

    Parameters
    ----------
    n_classes, n_features : int
    fourth : {"scalar", "matrix", "none"}
        What Ledoit-Wolf will need: "scalar" keeps sum ||z||^4 (enough when
        features are rescaled by one common factor), "matrix" keeps the
        (d, d) cross moments sum z_j^2 z_l^2 (enough for any per-feature
        rescaling, e.g. standardised features), "none" keeps nothing.

    Attributes
    ----------
    weight : ndarray (K,)
        Sum of responsibilities per class.
    s1 : ndarray (K, d)
        sum_i r_ik z_i with z_i = x_i - shift_k.
    s2 : ndarray (K, d, d)
        sum_i r_ik z_i z_i^T.
    t3, q4 : ndarray (K, d), (K,)
        "scalar": sum_i r_ik ||z_i||^2 z_i and sum_i r_ik ||z_i||^4.
    a4, b3 : ndarray (K, d, d)
        "matrix": sum_i r_ik z_ij^2 z_il^2 and sum_i r_ik z_ij^2 z_il.
    """

    def __init__(self, n_classes: int, n_features: int, fourth: str = "scalar"):
        K, d = n_classes, n_features
        self.fourth = fourth
        self.weight = np.zeros(K)
        self.shift = np.zeros((K, d))
        self.has_shift = np.zeros(K, dtype=bool)
        self.s1 = np.zeros((K, d))
        self.s2 = np.zeros((K, d, d))
        if fourth == "scalar":
            self.t3, self.q4 = np.zeros((K, d)), np.zeros(K)
        elif fourth == "matrix":
            self.a4, self.b3 = np.zeros((K, d, d)), np.zeros((K, d, d))

    def update(self, X, R):
        """Add rows ``X`` (n, d) with responsibilities ``R`` (n, K) >= 0."""
        for k in range(R.shape[1]):
            rows = R[:, k] > 0
            if not rows.any():
                continue  # only rows of class k: keeps one-hot fitting at O(n d^2)
            w = R[rows, k]
            if not self.has_shift[k]:
                self.shift[k] = np.average(X[rows], axis=0, weights=w)
                self.has_shift[k] = True
            Z = X[rows] - self.shift[k]
            Zw = Z * w[:, None]
            self.weight[k] += w.sum()
            self.s1[k] += Zw.sum(axis=0)
            self.s2[k] += Zw.T @ Z
            if self.fourth == "scalar":
                norm2 = np.einsum("ij,ij->i", Z, Z)
                self.t3[k] += (w * norm2) @ Z
                self.q4[k] += w @ norm2**2
            elif self.fourth == "matrix":
                Z2w = Z * Zw
                self.a4[k] += Z2w.T @ (Z * Z)
                self.b3[k] += Z2w.T @ Z

    def means(self):
        """Weighted class means (K, d); classes with no weight get their shift (zeros)."""
        with np.errstate(invalid="ignore", divide="ignore"):
            m = self.s1 / self.weight[:, None]
        return np.where(self.weight[:, None] > 0, m, 0.0) + self.shift

    def scatter(self, k):
        """sum_i r_ik (x_i - mean_k)(x_i - mean_k)^T, shape (d, d)."""
        if self.weight[k] == 0:
            return np.zeros_like(self.s2[k])
        m = self.s1[k] / self.weight[k]
        return self.s2[k] - self.weight[k] * np.outer(m, m)

    def fourth_moment(self, k, scale=None):
        """sum_i r_ik ||(x_i - mean_k) / sqrt(scale)||^4, re-centred by expanding the powers.

        ``scale`` (d,) divides each feature's square (variances, to work in
        standardised units); None or a constant vector needs only "scalar" sums.
        """
        if self.weight[k] == 0:
            return 0.0
        n = self.weight[k]
        m = self.s1[k] / n
        if self.fourth == "matrix":
            return self._fourth_from_matrix(k, n, m, scale)
        if self.fourth != "scalar" or (scale is not None and np.ptp(scale) > 0):
            raise ValueError("per-feature scaling needs ClassMoments(fourth='matrix')")
        c = m @ m
        sum_a = np.trace(self.s2[k])  # sum r ||z||^2
        sum_b = m @ self.s1[k]  # sum r z.m
        sum_b2 = m @ self.s2[k] @ m  # sum r (z.m)^2
        sum_ab = m @ self.t3[k]  # sum r ||z||^2 z.m
        total = self.q4[k] + 4 * sum_b2 + n * c**2 - 4 * sum_ab + 2 * c * sum_a - 4 * c * sum_b
        total = total if scale is None else total / scale[0] ** 2
        return max(float(total), 0.0)

    def _fourth_from_matrix(self, k, n, m, scale):
        # F_jl = sum r (z_j - m_j)^2 (z_l - m_l)^2, each product expanded into the sums kept.
        S2, B, s1 = self.s2[k], self.b3[k], self.s1[k]
        U = np.diag(S2)
        m2 = m**2
        F = (
            self.a4[k]
            - 2 * B * m[None, :]
            - 2 * B.T * m[:, None]
            + np.outer(U, m2)
            + np.outer(m2, U)
            + 4 * np.outer(m, m) * S2
            - 2 * np.outer(m * s1, m2)
            - 2 * np.outer(m2, m * s1)
            + n * np.outer(m2, m2)
        )
        inv = np.ones(len(m)) if scale is None else 1.0 / scale
        return max(float(inv @ F @ inv), 0.0)


def ledoit_wolf_intensity(emp_cov, n, fourth):
    """Ledoit-Wolf shrinkage intensity from statistics instead of rows.

    Same formula as ``sklearn.covariance.ledoit_wolf_shrinkage``: there the
    sum over rows of ``||x_i - mean||^4`` is computed from the data; here it
    is passed in (``fourth``) so the estimate works from sufficient statistics.

    Parameters
    ----------
    emp_cov : ndarray (d, d)
        Biased empirical covariance (divided by ``n``).
    n : float
        Number of rows (sum of weights).
    fourth : float
        sum_i ||x_i - mean||^4.
    """
    d = emp_cov.shape[0]
    if n <= 1:
        return 1.0  # one row says nothing about correlations: shrink fully
    mu = np.trace(emp_cov) / d
    delta_ = np.sum(emp_cov**2)
    beta_ = (fourth / n - delta_) / (d * n)
    delta = (delta_ - 2.0 * mu * np.trace(emp_cov) + d * mu**2) / d
    beta = min(beta_, delta)
    return 0.0 if beta <= 0 or delta <= 0 else float(beta / delta)


def oas_intensity(emp_cov, n):
    """Oracle Approximating Shrinkage intensity (as ``sklearn.covariance.oas``)."""
    d = emp_cov.shape[0]
    if n <= 1:
        return 1.0
    alpha = np.mean(emp_cov**2)
    mu = np.trace(emp_cov) / d
    num = alpha + mu**2
    den = (n + 1.0) * (alpha - mu**2 / d)
    return 1.0 if den == 0 else float(min(num / den, 1.0))


def shrink(emp_cov, intensity, floor):
    """(1 - s) S + s (tr S / d) I + floor I: shrinkage towards a scaled identity plus a floor."""
    d = emp_cov.shape[0]
    mu = np.trace(emp_cov) / d
    out = (1.0 - intensity) * emp_cov
    out[np.diag_indices(d)] += intensity * mu + floor
    return out


def safe_cholesky(cov, what="covariance"):
    """Lower Cholesky factor of ``cov``; a clear error when it is not positive definite."""
    try:
        return cholesky(cov, lower=True, check_finite=False)
    except np.linalg.LinAlgError as exc:
        raise ParameterError(
            f"The {what} is not positive definite; increase 'reg_covar' (or 'shrinkage')."
        ) from exc


def _log_pdf_complete(X, means, chols):
    """(n, C) log N(x; mean_c, L_c L_c^T) for rows without NaN."""
    n, d = X.shape
    logdet = np.array([2.0 * np.log(np.diag(L)).sum() for L in chols])
    if n <= d:  # few rows, many features (mnist: 784 pixels): one triangular solve each
        sq = np.empty((n, len(means)))
        for c, (mu, L) in enumerate(zip(means, chols, strict=True)):
            Z = solve_triangular(L, (X - mu).T, lower=True, check_finite=False)
            sq[:, c] = np.einsum("ji,ji->i", Z, Z)  # Z: (d, n)
        return -0.5 * (sq + logdet + d * LOG_2PI)
    # x L^-T by a matrix product with L^-1 (d x d, once per factor), as scikit-learn's
    # GaussianMixture does with its precision Cholesky factors: about 3x faster than a
    # triangular solve against all n rows (EM scores the rows thousands of times). LAPACK's
    # trtri inverts the triangle in a third of the work of solving against I; the factors
    # side by side make one wide product per block of rows instead of one per component
    # (3x faster at 7,000 x 50, C = 4). A tied model has one factor, used C times.
    index, inverses = {}, []
    for L in chols:
        if id(L) not in index:
            index[id(L)] = len(inverses)
            inverses.append(np.tril(dtrtri(L, lower=1)[0]))  # tril: L's upper part unread
    which = [index[id(L)] for L in chols]
    W = np.hstack([L_inv.T for L_inv in inverses])  # (d, U d), U distinct factors
    shift = np.stack([inverses[u] @ mu for u, mu in zip(which, means, strict=True)])  # (C, d)
    sq = np.empty((n, len(means)))
    step = max(1, 2**20 // W.shape[1])  # rows per block: about 8 MB of whitened rows
    for start in range(0, n, step):
        Z = (X[start : start + step] @ W).reshape(-1, len(inverses), d)
        if len(inverses) == len(means):
            Z -= shift  # in place: no second block
        else:
            Z = Z[:, which] - shift
        sq[start : start + step] = np.einsum("ncd,ncd->nc", Z, Z)
    return -0.5 * (sq + logdet + d * LOG_2PI)


def gaussian_log_pdf(X, means, covs, chols, floors=None):
    """Exact log N(x_obs; mean_obs, Sigma_obs,obs) for each row and component.

    Parameters
    ----------
    X : ndarray (n, d)
        Rows; NaN marks a missing feature (never a whole row).
    means : ndarray (C, d)
    covs : sequence of C ndarrays (d, d)
        Full covariances (a tied model passes the same matrix C times).
    chols : sequence of C ndarrays (d, d)
        Their lower Cholesky factors.
    floors : sequence of C float or None, optional
        Each covariance's isotropic diagonal floor, when it is that floor plus
        a low-rank scatter (mixtures): rows with NaN may then take a cheaper route.

    Returns
    -------
    ndarray (n, C)
    """
    miss = np.isnan(X)
    rows_missing = miss.any(axis=1)
    if not rows_missing.any():  # no copy of X (EM scores complete rows thousands of times)
        return _log_pdf_complete(X, means, chols)
    out = np.empty((len(X), len(means)))
    if (~rows_missing).any():
        out[~rows_missing] = _log_pdf_complete(X[~rows_missing], means, chols)
    if rows_missing.any():
        first = {}  # id of each distinct covariance -> its index (a tied model has one)
        owner = [first.setdefault(id(S), len(first)) for S in covs]
        distinct = [owner.index(u) for u in range(len(first))]
        precs = LazyPrecisions([chols[c] for c in distinct])  # only the precision route needs them
        logdets = [2.0 * np.log(np.diag(chols[c])).sum() for c in distinct]
        out[rows_missing] = _missing_rows_log_pdf(
            X[rows_missing],
            miss[rows_missing],
            means,
            owner,
            [covs[c] for c in distinct],
            precs,
            logdets,
            floors=None if floors is None else [floors[c] for c in distinct],
        )
    return out


def diag_gaussian_log_pdf(X, means, variances):
    """Exact log-density of the observed features under diagonal Gaussians.

    Parameters
    ----------
    X : ndarray (n, d), float64 or float32
        NaN marks a missing feature; its factor is dropped (exact marginal).
    means, variances : ndarray (C, d)

    Returns
    -------
    ndarray (n, C) float64

    Notes
    -----
    sum_j (x_j - mu_cj)^2 / var_cj expands into three matrix products
    (x^2 @ (1/var).T - 2 x @ (mu/var).T + obs @ (mu^2/var).T), one BLAS call
    each instead of a pass over the rows per class (learning curves score
    the test side at every point). Features
    are first centred on the mean of the class means, which keeps the
    expansion's cancellation error relative to the spread *between* classes
    rather than to the features' offset; tiny negative results are clipped.
    The centred rows are squared in place (one temporary the size of the
    rows); float32 rows are centred in float64 a chunk of rows at a time
    (:func:`._nb_rows.row_chunks`), so no float64 copy of them all is made.
    """
    shift = means.mean(axis=0)
    mu = means - shift
    prec = 1.0 / variances
    terms = (mu * prec, prec, mu**2 * prec, np.log(variances) + LOG_2PI)  # (C, d) each
    with np.errstate(over="ignore"):  # an overflowing sum is not NaN: complete rows
        complete = not np.isnan(np.sum(X))
    if X.dtype == np.float64:
        return _diag_log_pdf_rows(X, shift, terms, complete)
    out = np.empty((X.shape[0], len(means)))
    for rows in row_chunks(*X.shape):
        out[rows] = _diag_log_pdf_rows(X[rows], shift, terms, complete)
    return out


def _diag_log_pdf_rows(X, shift, terms, complete):
    """:func:`diag_gaussian_log_pdf` of rows ``X`` (n, d): ``terms`` its four (C, d) tables."""
    mu_prec, prec, mu_term, log_term = terms
    Xc = X - shift  # float64
    if not complete:
        obs = ~np.isnan(Xc)
        Xc[~obs] = 0.0
    cross = Xc @ mu_prec.T  # (n, C)
    sq = np.square(Xc, out=Xc) @ prec.T
    del Xc  # its memory is free for what follows
    cross *= 2.0
    sq -= cross  # in place: the same bits as sq - 2.0 * cross
    if complete:  # obs @ term.T is the same row for every x
        sq += mu_term.sum(axis=1)
        logs = log_term.sum(axis=1)
    else:
        obs_f = obs.astype(float)
        sq += obs_f @ mu_term.T
        logs = obs_f @ log_term.T
    # sq is a sum of squares: rounding in the expansion may take it below 0 by a hair
    np.maximum(sq, 0.0, out=sq)
    sq += logs
    sq *= -0.5  # in place: the same bits as -0.5 * (max(sq, 0) + logs)
    return sq


def feature_variances(X, weights=None):
    """Per-feature (weighted) variance of rows ``X`` (n, d), shape (d,)."""
    mean = np.average(X, axis=0, weights=weights)
    return np.average((X - mean) ** 2, axis=0, weights=weights)


def variance_units(var, standardize):
    """Units in which shrinkage and floors act, shape (d,).

    ``standardize``: each feature's own variance (features in different units
    are treated alike); otherwise the average variance for every feature (one
    common unit, e.g. pixels). Constant features get the average.
    """
    avg = var.mean() if var.mean() > 0 else 1.0
    if not standardize:
        return np.full(len(var), avg)
    return np.where(var > 1e-12 * var.max(), var, avg)
