"""Full-covariance mixture components kept as an isotropic floor plus a low-rank scatter.

A component fitted to fewer rows than features (mnist5k: about 350 images per
digit, 784 pixels, 4 components, and after an E-step only 60-120 rows with a
responsibility that matters) has the covariance

    Sigma = lam I + U'U,   U (r, d): rows sqrt(resp_i / n_k) (x_i - mean),

of rank r much below d. Its log-density needs no d x d factorisation: with
K = lam I_r + U U' = L L' (r x r) and M = L^-1 U (r, d), Woodbury and the
matrix determinant lemma give

    (x - mu)' Sigma^-1 (x - mu) = (|x - mu|^2 - |M (x - mu)|^2) / lam,
    log det Sigma = (d - r) log lam + log det K,

so an M-step costs r^2 d instead of a d^2 n scatter and two d^3 / 3
factorisations, and scoring a row costs d r instead of d^2. Hand-written:
scikit-learn's GaussianMixture and scipy keep full covariances only.

Which rows make U: a row whose weighted squared distance s_i |x_i - mean|^2
(s_i = resp_i / n_k, the trace of its rank-one term) is tiny is dropped, as
long as the dropped rows' sum stays below eps * lam (eps: float64's machine
epsilon). The dropped part Delta is positive semi-definite with spectral norm
at most its trace, so ||Delta|| <= eps * lam <= eps * lambda_min(Sigma): it
moves Sigma by less than one relative rounding of its own entries would, and
every log-density by about eps (d + quadratic form) -- rounding noise.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import cholesky, solve_triangular

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative._gaussian_missing import _missing_rows_log_pdf

__all__ = [
    "LowRankFactor",
    "low_rank_scatter",
    "lowrank_log_pdf",
    "lowrank_gaussian_log_pdf",
    "LOW_RANK_SHARE",
    "LOW_RANK_MIN_FEATURES",
]

_LOG_2PI = np.log(2.0 * np.pi)

#: A mixture takes the low-rank form when every component's rank is at most this
#: share of the features (scoring then costs at most half the full form's d^2 per
#: row; mnist5k's components reach about 240 of 784) ...
LOW_RANK_SHARE = 0.5
#: ... and it has at least this many features: below, the full form's d x d algebra
#: is cheap already (digits, 64 pixels: 0.1 Mflop a factorisation) and is kept, so
#: small data keep their numbers to the last digit.
LOW_RANK_MIN_FEATURES = 200


class LowRankFactor:
    """Sigma = floor * I + U'U with U (r, d); ``white`` = L^-1 U for L L' = floor I + U U'.

    Attributes
    ----------
    U : ndarray (r, d)
    floor : float
    white : ndarray (r, d)
    logdet : float
        log det Sigma.
    """

    def __init__(self, U, floor):
        r, d = U.shape
        self.U, self.floor = U, float(floor)
        K = U @ U.T
        K[np.diag_indices(r)] += self.floor
        try:  # K = floor I + PSD; r = 0 (a component without weight) leaves the floor
            L = cholesky(K, lower=True, check_finite=False) if r else np.eye(0)
        except np.linalg.LinAlgError as exc:  # only a NaN gets here
            raise ParameterError(
                "The covariance is not positive definite; increase 'reg_covar'."
            ) from exc
        self.white = solve_triangular(L, U, lower=True, check_finite=False) if r else U.copy()
        self.logdet = (d - r) * np.log(self.floor) + 2.0 * np.log(np.diag(L)).sum()

    def covariance(self):
        """The (d, d) matrix floor * I + U'U."""
        cov = self.U.T @ self.U
        cov[np.diag_indices_from(cov)] += self.floor
        return cov

    def precision(self):
        """The (d, d) inverse (I - W'W) / floor, W = ``white`` (Woodbury: d^2 r, not d^3)."""
        prec = -(self.white.T @ self.white)
        prec[np.diag_indices_from(prec)] += 1.0
        return prec / self.floor


def low_rank_scatter(X, mean, resp, nk, floor, max_rank):
    """LowRankFactor of floor I + sum_i resp_i (x_i - mean)(x_i - mean)' / nk, or None.

    Rows whose terms together weigh less than eps * floor are left out (see the
    module's note); None when more than ``max_rank`` rows remain (the full form
    is then cheaper).

    Parameters
    ----------
    X : ndarray (n, d)
    mean : ndarray (d,)
    resp : ndarray (n,)
        Responsibilities times row weights, >= 0.
    nk : float
        Their sum.
    floor : float
        The isotropic diagonal floor.
    max_rank : int
    """
    share = resp / nk
    live = np.flatnonzero(share > 0)
    diff = X[live] - mean
    mass = share[live] * np.einsum("ij,ij->i", diff, diff)
    order = np.argsort(mass, kind="stable")
    n_drop = int(np.searchsorted(np.cumsum(mass[order]), np.finfo(float).eps * floor, "right"))
    keep = np.sort(order[n_drop:])  # the rows' own order
    if len(keep) > max_rank:
        return None
    U = diff[keep]
    U *= np.sqrt(share[live[keep]])[:, None]
    return LowRankFactor(U, floor)


def lowrank_log_pdf(X, means, factors):
    """(n, C) log N(x; mean_c, Sigma_c) of rows without NaN, each Sigma_c a LowRankFactor.

    Rows and means are first centred on the mean of the means, so that
    |x - mu_c|^2 = |x'|^2 - 2 x'.mu_c' + |mu_c'|^2 loses precision only to the
    spread between components, not to the features' offset; the components'
    ``white`` factors side by side make one matrix product per block of rows.

    Parameters
    ----------
    X : ndarray (n, d)
    means : ndarray (C, d)
    factors : list of C LowRankFactor
    """
    n, d = X.shape
    shift = means.mean(axis=0)
    mu = means - shift
    W = np.vstack([f.white for f in factors])  # (R, d)
    cuts = np.cumsum([0] + [len(f.white) for f in factors])
    white_mu = W @ mu.T  # (R, C): column c holds M_c mu_c' in rows cuts[c]:cuts[c + 1]
    floors = np.array([f.floor for f in factors])
    logdet = np.array([f.logdet for f in factors])
    mu_sq = np.einsum("cd,cd->c", mu, mu)
    out = np.empty((n, len(means)))
    step = max(1, 2**20 // max(d, len(W)))  # rows per block: about 8 MB of centred rows
    for start in range(0, n, step):
        Xc = X[start : start + step] - shift
        sq = np.einsum("ij,ij->i", Xc, Xc)[:, None] - 2.0 * (Xc @ mu.T) + mu_sq  # (b, C)
        V = Xc @ W.T  # (b, R)
        for c in range(len(means)):
            Vc = V[:, cuts[c] : cuts[c + 1]] - white_mu[cuts[c] : cuts[c + 1], c]
            sq[:, c] -= np.einsum("ij,ij->i", Vc, Vc)
        # lam Sigma^-1 = I - M'M is positive semi-definite: rounding may dip below 0 by a hair
        out[start : start + step] = np.maximum(sq, 0.0) / floors
    return -0.5 * (out + logdet + d * _LOG_2PI)


class _OnFirstUse:
    """``seq[u]``: ``make(u)``, built on first use and kept for the call."""

    def __init__(self, make, n):
        self._make, self._n, self._done = make, n, {}

    def __len__(self):
        return self._n

    def __getitem__(self, u):
        if u not in self._done:
            self._done[u] = self._make(u)
        return self._done[u]


def lowrank_gaussian_log_pdf(X, means, factors, complete=False):
    """(n, C) exact log N(x_obs; mean_c,obs, Sigma_c,obs), NaN features integrated out.

    Complete rows go by :func:`lowrank_log_pdf`; rows with NaN by the batched
    marginals of :mod:`._gaussian_missing`, given the factors (its low-rank
    route where cheaper; the covariance or precision, built from the factor
    on first use, for the rest). ``complete=True``: the caller knows there is no NaN.
    """
    if complete:
        return lowrank_log_pdf(X, means, factors)
    miss = np.isnan(X)
    rows_missing = miss.any(axis=1)
    if not rows_missing.any():
        return lowrank_log_pdf(X, means, factors)
    out = np.empty((len(X), len(means)))
    if not rows_missing.all():
        out[~rows_missing] = lowrank_log_pdf(X[~rows_missing], means, factors)
    out[rows_missing] = _missing_rows_log_pdf(
        X[rows_missing],
        miss[rows_missing],
        means,
        range(len(factors)),
        _OnFirstUse(lambda u: factors[u].covariance(), len(factors)),
        _OnFirstUse(lambda u: factors[u].precision(), len(factors)),
        [f.logdet for f in factors],
        floors=[f.floor for f in factors],
        factors=[np.ascontiguousarray(f.U.T) for f in factors],
    )
    return out
