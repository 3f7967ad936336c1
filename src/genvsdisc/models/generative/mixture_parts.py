"""Parts of :class:`~genvsdisc.models.generative.mixture.ClassMixture`: one class's mixture, EM's algebra."""

from __future__ import annotations

import numpy as np
from scipy.linalg.blas import dsyrk

from genvsdisc.models.generative._gaussian_math import (
    _log_pdf_complete,
    diag_gaussian_log_pdf,
    gaussian_log_pdf,
    safe_cholesky,
)
from genvsdisc.models.generative._lowrank_gaussian import lowrank_gaussian_log_pdf

__all__ = ["_Mixture", "_weighted_scatter", "_distinct_rows_up_to"]


class _Mixture:
    """One class's mixture: C components in the user's units.

    ``covariances`` is (C, d, d) for full, (d, d) for tied, (C, d) for diag
    and spherical (spherical: one variance per component times the feature
    units, i.e. spherical in scaled units). ``chols`` holds the Cholesky
    factors of full / tied covariances (None for diagonal types).

    ``lowrank``: for full covariances of low rank, each component's
    :class:`LowRankFactor` (floor I + U'U); the mixture is then scored from
    them, and ``covariances`` and ``chols`` are built on first use (sampling,
    inspection) and kept. ``floor``: the isotropic floor on a full / tied
    covariance's diagonal (None when it varies by feature): the rest is a
    scatter of low rank, which scores rows with NaN faster.
    """

    def __init__(
        self,
        weights,
        means,
        covariances,
        chols,
        log_likelihood=-np.inf,
        n_iter=0,
        floor=None,
        lowrank=None,
    ):
        self.weights = weights  # (C,)
        self.means = means  # (C, d)
        self._covariances, self._chols = covariances, chols
        self.log_likelihood = log_likelihood  # weighted mean log-likelihood at the end of EM
        self.n_iter = n_iter  # EM iterations (M-steps) that produced it
        self.floor = floor
        self.lowrank = lowrank

    def __setstate__(self, state):  # a mixture pickled before ``lowrank`` existed
        for old in ("covariances", "chols"):
            if old in state:
                state["_" + old] = state.pop(old)
        self.__dict__.update({"lowrank": None, **state})

    @property
    def covariances(self):
        if self._covariances is None and self.lowrank is not None:
            self._covariances = np.stack([f.covariance() for f in self.lowrank])
        return self._covariances

    @property
    def chols(self):
        if self._chols is None and self.lowrank is not None:
            self._chols = [safe_cholesky(c) for c in self.covariances]
        return self._chols

    def full_covs(self):
        """List of C (d, d) covariances (the same object for every component when tied)."""
        if self.covariances.ndim == 2 and self.chols is not None:  # tied
            return [self.covariances] * len(self.means)
        return list(self.covariances)

    def log_pdf(self, X, complete=False):
        """(n, C) log w_c + log N(x_obs; component c), NaN features integrated out.

        ``complete=True``: the caller knows ``X`` holds no NaN (EM's training rows,
        or a batch checked once for all classes), so no search for missing
        features and no copy of the complete rows is made.
        """
        if self.lowrank is not None:
            lp = lowrank_gaussian_log_pdf(X, self.means, self.lowrank, complete)
        elif self.chols is None:
            lp = diag_gaussian_log_pdf(X, self.means, self.covariances)
        elif complete:
            lp = _log_pdf_complete(X, self.means, self.chols)
        else:
            floors = None if self.floor is None else [self.floor] * len(self.means)
            lp = gaussian_log_pdf(X, self.means, self.full_covs(), self.chols, floors)
        with np.errstate(divide="ignore"):
            return lp + np.log(self.weights)


def _weighted_scatter(X, mean, resp, nk, out):
    """Write sum_i resp_i (x_i - mean)(x_i - mean)^T / nk into ``out`` (d, d), C-ordered.

    BLAS's ``syrk`` on sqrt(resp) (x - mean) fills one triangle, in place: half the
    multiplications of the general product (the M-step's largest cost). Equal up to rounding.
    """
    diff = X - mean
    diff *= np.sqrt(resp)[:, None]
    out[:] = 0.0  # diff.T, out.T are Fortran-ordered: no copies; syrk fills out's upper part
    dsyrk(1.0 / nk, diff.T, c=out.T, lower=1, overwrite_c=1)
    out[np.diag_indices_from(out)] *= 0.5  # exact (a power of 2): the sum restores it
    out += out.T  # numpy buffers the overlapping operand


def _distinct_rows_up_to(X, m):
    """min(m, distinct rows of X); sorts every row (a tenth of a short fit) only if needed.

    The first rows are told apart by their bytes (+ 0.0 makes -0.0 the bytes of 0.0):
    ``np.unique(axis=0)`` compares d-field records, 5 ms for 16 rows of 784 pixels.
    """
    head = len({row.tobytes() for row in np.asarray(X[: 4 * m], dtype=float) + 0.0})
    return m if head >= m else min(m, len(np.unique(X, axis=0)))
