"""Probabilistic PCA algebra for the mixture of PPCA artist (Tipping & Bishop 1999).

Written by hand: scikit-learn's ``PCA.score_samples`` is one PPCA fitted to
all rows, with no weights, no mixture and no missing features. A component
is the Gaussian N(mu, W W^T + s I) with W (d, q) and noise s > 0. With
M = s I_q + W^T W (q, q) the Woodbury identity gives, for a deviation
D = x - mu,

    D^T (W W^T + s I)^-1 D = (|D|^2 - b^T M^-1 b) / s,   b = W^T D,
    log det (W W^T + s I) = (d - q) log s + log det M,

so a row costs O(d q) and no (d, d) matrix is ever formed. The marginal over
the observed features o is again PPCA, with W_o (the rows of W at o): a row
with NaN costs O(|o| q^2) for its own M_o = s I + W_o^T W_o, and the
integral over the missing pixels is exact. ``_Mixture`` holds one class's
fitted components and scores rows with them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from genvsdisc.models.generative._gaussian_math import LOG_2PI

__all__ = ["ppca_log_pdf", "ppca_log_pdf_moving", "ppca_from_moments", "ppca_em_update"]


def ppca_log_pdf(Z, mean, W, noise):
    """log N(z_obs; mean_obs, W_o W_o^T + noise I) of each row, NaN integrated out.

    Parameters
    ----------
    Z : ndarray (n, d), may hold NaN (missing features)
    mean : ndarray (d,)
    W : ndarray (d, q)
    noise : float > 0, or ndarray (d,) > 0
        s, or the diagonal of a factor analyser's noise Psi (W W^T + Psi):
        then x is whitened by Psi^-1/2, which makes the noise 1, and the
        log-determinant gains the sum of log Psi over the observed features.

    Returns
    -------
    ndarray (n,)
    """
    if np.ndim(noise) == 1:
        root = np.sqrt(noise)
        jacobian = 0.5 * np.where(np.isnan(Z), 0.0, np.log(noise)).sum(axis=1)
        whitened = ppca_log_pdf((Z - mean) / root, np.zeros(len(root)), W / root[:, None], 1.0)
        return whitened - jacobian
    n, d = Z.shape
    q = W.shape[1]
    D = Z - mean
    missing = np.isnan(D)
    out = np.empty(n)
    full = ~missing.any(axis=1)
    if full.any():  # one factorisation of M serves every complete row
        Df = D[full]
        chol = cho_factor(noise * np.eye(q) + W.T @ W)
        B = Df @ W  # (n_full, q)
        quad = np.einsum("ij,ij->i", Df, Df) - np.einsum("ij,ij->i", B, cho_solve(chol, B.T).T)
        logdet = (d - q) * np.log(noise) + 2 * np.log(np.diag(chol[0])).sum()
        out[full] = -0.5 * (d * LOG_2PI + logdet + quad / noise)
    if not full.all():
        out[~full] = _log_pdf_missing(D[~full], missing[~full], W, noise)
    return out


def _log_pdf_missing(D, missing, W, noise):
    """Rows with NaN: each row's own M_o (q, q) from the observed rows of W."""
    observed = (~missing).astype(float)  # (m, d)
    D0 = np.where(missing, 0.0, D)
    q = W.shape[1]
    # G_i = sum_{j observed} w_j w_j^T, all rows at once: (m, d) @ (d, q*q).
    outer = (W[:, :, None] * W[:, None, :]).reshape(len(W), q * q)
    M = (observed @ outer).reshape(len(D), q, q) + noise * np.eye(q)
    B = D0 @ W  # (m, q): missing entries contribute 0
    L = np.linalg.cholesky(M)  # (m, q, q)
    u = np.linalg.solve(L, B[:, :, None])[:, :, 0]  # L^-1 b
    quad = np.einsum("ij,ij->i", D0, D0) - np.einsum("ij,ij->i", u, u)
    d_obs = observed.sum(axis=1)
    logdet = (d_obs - q) * np.log(noise) + 2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(1)
    return -0.5 * (d_obs * LOG_2PI + logdet + quad / noise)


def ppca_from_moments(D, r, q, floor):
    """Weighted maximum-likelihood PPCA (Tipping & Bishop 1999, eq. 7-8) by an SVD.

    Parameters
    ----------
    D : ndarray (n, d)
        Rows minus the component's weighted mean.
    r : ndarray (n,)
        Row weights (responsibilities), > 0.
    q : int
        Latent dimensions (< d).
    floor : float > 0
        Smallest noise variance allowed.

    Returns
    -------
    W : ndarray (d, q), noise : float
    """
    d = D.shape[1]
    _, s, Vt = np.linalg.svd(D * np.sqrt(r / r.sum())[:, None], full_matrices=False)
    lam = np.zeros(d)
    lam[: len(s)] = s**2  # eigenvalues of the weighted covariance, largest first
    noise = max(lam[q:].mean() if q < d else floor, floor)
    scale = np.sqrt(np.maximum(lam[:q] - noise, 0.0))
    V = np.zeros((d, q))
    V[:, : min(q, len(Vt))] = Vt[:q].T
    return V * scale, noise


def ppca_em_update(D, r, W, noise, floor, T=None):
    """One EM step for W and the noise at fixed weights (Tipping & Bishop 1999, eq. 29-30).

    Uses S W = D^T (r * (D W)) / sum(r), so the weighted covariance S (d, d) is
    never formed: O(n d q). Never lowers the weighted log-likelihood (a
    generalised M-step of the mixture's EM), except where the floor binds.

    With fixed columns ``T`` (d, t) -- tangent vectors -- the component is
    N(mu, W W^T + T T^T + Psi): the latent space is [z; u] with loadings
    A = [W, T], the E-step is over both, and the M-step updates W and the
    noise with T held, W = (sum r D E[z]^T - T sum r E[u z^T]) (sum r E[z z^T])^-1.
    A scalar ``noise`` is PPCA's s I (Tipping & Bishop's step exactly without
    T); a vector is a factor analyser's per-feature noise Psi (Ghahramani &
    Hinton 1996), each entry re-estimated from its own residual.

    Parameters
    ----------
    D : ndarray (n, d)
        Rows minus the component's mean.
    r : ndarray (n,)
        Row weights (responsibilities), > 0.
    W : ndarray (d, q)
        The current loadings.
    noise : float > 0 or ndarray (d,) of float > 0
        The current noise: s, or Psi's diagonal.
    floor : float > 0
        Smallest noise variance allowed (for each feature with Psi).
    T : ndarray (d, t) or None
        Fixed extra columns of the loadings.

    Returns
    -------
    W : ndarray (d, q), noise : float or ndarray (d,), as given
    """
    d, q = W.shape
    A = W if T is None else np.hstack([W, T])  # (d, q + t)
    P = np.broadcast_to(1.0 / np.asarray(noise, dtype=float), (d,))  # Psi^-1
    total = r.sum()
    SPA = D.T @ (r[:, None] * (D @ (P[:, None] * A))) / total  # S Psi^-1 A, (d, q + t)
    M_inv = np.linalg.inv(np.eye(A.shape[1]) + A.T @ (P[:, None] * A))
    cross = SPA @ M_inv  # sum r D E[v]^T / total
    second = M_inv + M_inv @ (A.T * P) @ cross  # sum r E[v v^T] / total
    W_new = (cross[:, :q] - A[:, q:] @ second[q:, :q]) @ np.linalg.inv(second[:q, :q])
    A_new = np.hstack([W_new, A[:, q:]])
    diag_S = (r @ (D * D)) / total  # (d,)
    residual = diag_S - np.einsum("ij,ij->i", A_new, 2 * cross - A_new @ second)
    if np.ndim(noise) == 0:
        return W_new, max(float(residual.mean()), floor)
    return W_new, np.maximum(residual, floor)


def ppca_log_pdf_moving(Z, mean, W, noise, G, return_moves=False):
    """log N(z; mean, W W^T + noise I + G_i G_i^T) of each complete row i.

    Keysers et al.'s (IEEE PAMI 2004) two-sided tangent model: row i may also
    move along its own tangents G_i (d, t). A second Woodbury step on top of
    :func:`ppca_log_pdf`: with Sigma = W W^T + noise I and K = I + G^T Sigma^-1 G,
    log det gains log det K and the quadratic form loses h^T K^-1 h,
    h = G^T Sigma^-1 (z - mean). O(d q t) per row.

    Parameters
    ----------
    Z : ndarray (n, d), no NaN
    mean : ndarray (d,)
    W : ndarray (d, q)
    noise : float > 0
    G : ndarray (n, d, t)
        Each row's own tangents, already scaled.
    return_moves : bool, default=False
        Also return E[u | z], the posterior mean of each row's move along its
        tangents (z = mean + W v + G u + noise, u ~ N(0, I_t)): G^T (Sigma +
        G G^T)^-1 (z - mean) = K^-1 h by the same Woodbury step.

    Returns
    -------
    ndarray (n,), and with ``return_moves`` ndarray (n, t)
    """
    n, d, t = G.shape
    D = Z - mean
    M_inv = np.linalg.inv(noise * np.eye(W.shape[1]) + W.T @ W)
    WtG = (W.T @ G.transpose(1, 0, 2).reshape(d, n * t)).reshape(-1, n, t).transpose(1, 0, 2)
    GtG = np.einsum("ndt,ndu->ntu", G, G)
    K = np.eye(t) + (GtG - np.einsum("npt,pq,nqu->ntu", WtG, M_inv, WtG, optimize=True)) / noise
    GtD = np.einsum("ndt,nd->nt", G, D)
    h = (GtD - np.einsum("npt,pq,nq->nt", WtG, M_inv, D @ W, optimize=True)) / noise
    L = np.linalg.cholesky(K)
    u = np.linalg.solve(L, h[:, :, None])[:, :, 0]
    logdet_K = 2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
    log_pdf = ppca_log_pdf(Z, mean, W, noise) - 0.5 * logdet_K + 0.5 * np.einsum("nt,nt->n", u, u)
    if not return_moves:
        return log_pdf
    moves = np.linalg.solve(L.transpose(0, 2, 1), u[:, :, None])[:, :, 0]  # K^-1 h
    return log_pdf, moves


@dataclass
class _Mixture:
    """One class's mixture of C PPCA components, in scaled units."""

    weights: np.ndarray  # (C,)
    means: np.ndarray  # (C, d)
    loadings: np.ndarray  # (C, d, q): W of each component
    noises: np.ndarray  # (C,): s of each component; (C, d): Psi with noise="per_feature"
    tangents: np.ndarray | None = None  # (C, d, t): gamma T of each mean, fixed columns
    log_likelihood: float = -np.inf  # weighted mean log-likelihood at the end of EM
    n_iter: int = 0

    @property
    def factors(self):
        """(C, d, q + t): each component's loadings with its tangent columns."""
        if self.tangents is None:
            return self.loadings
        return np.concatenate([self.loadings, self.tangents], axis=2)

    def log_pdf(self, Z):
        """(n, C) log w_c + log N(z_obs; component c), NaN features integrated out."""
        parts = zip(self.means, self.factors, self.noises, strict=True)
        cols = [ppca_log_pdf(Z, m, W, s) for m, W, s in parts]
        with np.errstate(divide="ignore"):
            return np.column_stack(cols) + np.log(self.weights)


def _pool(fits):
    """One mixture holding every component of ``fits``, each fit's weights shared equally."""
    tangents = None if fits[0].tangents is None else np.concatenate([f.tangents for f in fits])
    return _Mixture(
        np.concatenate([f.weights for f in fits]) / len(fits),
        np.concatenate([f.means for f in fits]),
        np.concatenate([f.loadings for f in fits]),
        np.concatenate([f.noises for f in fits]),
        tangents,
        float(np.mean([f.log_likelihood for f in fits])),
        max(f.n_iter for f in fits),
    )
