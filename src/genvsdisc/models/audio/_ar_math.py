"""Emissions of an autoregressive HMM: each coefficient an AR(1) process per state.

Given state j, coefficient d of frame t is

    x[t, d] ~ N(a[j, d] x[t-1, d] + b[j, d], v[j, d])    when x[t-1, d] was observed,
    x[t, d] ~ N(m[j, d], u[j, d])                         otherwise,

the second line covering a clip's first frame and a coefficient whose
predecessor went missing (the "free" Gaussian of the state). Integrating a
missing predecessor out exactly would make the emission depend on every state
since the last observed value (the path since then), which the forward
algorithm cannot carry; with this rule every observed coefficient has one
Gaussian factor, so log p(x) stays an exact density of the observed frames
under the stated model, and a missing coefficient's own factor is 1.

Hand-written (no maintained library fits AR-HMMs with missing values, weights
and an end state); the chain part is :mod:`._hmm_math`'s.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genvsdisc.models.audio._hmm_math import HMMParams, moment_counts

__all__ = ["ARParams", "ar_emissions", "ar_counts", "ar_fit", "ar_sample"]

_LOG_2PI = float(np.log(2 * np.pi))


@dataclass
class ARParams(HMMParams):
    """An :class:`HMMParams` whose ``means``/``variances`` (S, 1, c) are the free
    Gaussians (no observed predecessor), plus each state's AR(1).

    ``coef`` is (S, c) for a diagonal AR matrix (each coefficient from its own
    previous value) or (S, c, c) for a full one (from the whole previous frame).
    """

    coef: np.ndarray | None = None  # (S, c) or (S, c, c): the pull of the previous frame
    bias: np.ndarray | None = None  # (S, c) b
    noise: np.ndarray | None = None  # (S, c) v: variance of the innovation


def _chained(frames: np.ndarray, full: bool):
    """Frames with any value (m, c), their predecessors (m, c, NaN at a clip's start),
    which coefficients are observed and which are predicted by the AR term (m, c)
    bool, and which of the n*T frames were kept (n*T,).

    Diagonal: a coefficient is chained when its own previous value is observed;
    full: when the whole previous frame is.
    """
    n, T, c = frames.shape
    prev = np.full_like(frames, np.nan)
    prev[:, 1:] = frames[:, :-1]
    flat, prev = frames.reshape(n * T, c), prev.reshape(n * T, c)
    seen = ~np.isnan(flat).all(axis=1)
    x, xp = flat[seen], prev[seen]
    obs = ~np.isnan(x)
    has_prev = ~np.isnan(xp).any(axis=1, keepdims=True) if full else ~np.isnan(xp)
    return x, xp, obs, obs & has_prev, seen


def _predicted(coef: np.ndarray, bias: np.ndarray, prev: np.ndarray) -> np.ndarray:
    """The AR means (m, S, c) of frames whose predecessors are ``prev`` (m, c); NaN
    in ``prev`` gives NaN (full: the whole row) where the free Gaussian is used."""
    if coef.ndim == 2:
        return coef * prev[:, None, :] + bias
    return np.einsum("sjd,md->msj", coef, prev) + bias


def ar_emissions(frames: np.ndarray, p: ARParams) -> np.ndarray:
    """log p(frame | state, previous frame), (n, T, c) -> (n, T, S); 0 for frames
    with no value (padding, dropped frames) and missing coefficients."""
    n, T, c = frames.shape
    S = len(p.start)
    x, xp, obs, chained, seen = _chained(frames, p.coef.ndim == 3)
    free_mean, free_var = p.means.reshape(S, c), p.variances.reshape(S, c)
    ch = chained[:, None, :]  # (m, 1, c)
    with np.errstate(invalid="ignore"):  # NaN predecessors: the free branch is taken
        mean = np.where(ch, _predicted(p.coef, p.bias, xp), free_mean)  # (m, S, c)
    var = np.where(ch, p.noise, free_var)  # (m, S, c)
    z = (x[:, None, :] - mean) ** 2 / var + np.log(var) + _LOG_2PI
    B = np.zeros((n * T, S))
    B[seen] = -0.5 * np.where(obs[:, None, :], z, 0.0).sum(axis=2)
    return B.reshape(n, T, S)


def ar_counts(frames: np.ndarray, gamma: np.ndarray, full: bool) -> dict:
    """The emission part of the E-step from state posteriors ``gamma`` (n, T, S).

    Returns ``pooled`` and ``free``: :func:`._hmm_math.moment_counts` (one
    component) over all observed coefficients and over those not chained;
    ``ar``: the weighted least-squares statistics of each chained coefficient y
    on its regressors z (its previous value, or the whole previous frame, then
    1): ``n`` (S, c) weight, ``G`` (S, c, q, q) sums of z z', ``h`` (S, c, q)
    sums of z y, ``yy`` (S, c) sums of y^2, with q = 2 (diagonal) or c + 1.
    """
    n, T, S = gamma.shape
    x, xp, obs, chained, seen = _chained(frames, full)
    g = gamma.reshape(n * T, S)[seen]  # (m, S)
    m, c = x.shape
    Y = np.where(chained, x, 0.0)
    ch = chained.astype(float)
    if full:
        z = np.column_stack([np.where(chained.any(axis=1, keepdims=True), xp, 0.0), np.ones(m)])
        zz = (z[:, :, None] * z[:, None, :]).reshape(m, -1)  # (m, q*q)
        q = c + 1
        G = np.stack([(g[:, s, None] * ch).T @ zz for s in range(S)]).reshape(S, c, q, q)
        h = np.stack([(g[:, s, None] * Y).T @ z for s in range(S)])  # (S, c, q)
    else:
        P = np.where(chained, xp, 0.0)
        n_, p_, pp = g.T @ ch, g.T @ P, g.T @ P**2  # (S, c) each
        G = np.stack([np.stack([pp, p_], -1), np.stack([p_, n_], -1)], -2)  # (S, c, 2, 2)
        h = np.stack([g.T @ (P * Y), g.T @ Y], -1)  # (S, c, 2)
    return {
        "pooled": moment_counts(x, g[..., None]),
        "free": moment_counts(np.where(chained, np.nan, x), g[..., None]),
        "ar": {"n": g.T @ ch, "G": G, "h": h, "yy": g.T @ Y**2},
    }


def ar_fit(ar: dict, ridge: np.ndarray, floor: np.ndarray, fallback: HMMParams):
    """Weighted least squares of each chained coefficient on its regressors, per
    state (closed form: one small linear solve per state and coefficient).

    ``ridge`` (c,) penalises the AR coefficients (not the bias) by that many
    squared units, a few pseudo-frames at 0, so a state that barely saw a
    coefficient does not divide by ~0; ``floor`` (c,) is added to the innovation
    variance. Where a state saw no chained coefficient it emits as
    ``fallback``'s Gaussian (no pull). Returns ``coef`` (S, c) or (S, c, c),
    ``bias`` and ``noise`` (S, c).
    """
    S, c, q = ar["h"].shape
    penalty = np.zeros((c, q, q))
    idx = np.arange(q - 1)
    # diagonal: coefficient d's own ridge; full: every regressor's (input coefficient's)
    penalty[:, idx, idx] = ridge[:, None] if q == 2 else ridge[None, :]
    penalty[:, -1, -1] = 1e-12  # a state that saw nothing solves to 0, then falls back
    beta = np.linalg.solve(ar["G"] + penalty, ar["h"][..., None])[..., 0]  # (S, c, q)
    quad = np.einsum("scq,scqr,scr->sc", beta, ar["G"], beta)
    resid = ar["yy"] - 2 * np.einsum("scq,scq->sc", beta, ar["h"]) + quad
    used = ar["n"] > 0
    w = np.maximum(ar["n"], 1e-12)
    coef = beta[..., 0] if q == 2 else beta[..., :-1]
    return {
        "coef": np.where(used[..., None], coef, 0.0) if q > 2 else np.where(used, coef, 0.0),
        "bias": np.where(used, beta[..., -1], fallback.means.reshape(S, c)),
        "noise": np.where(
            used, np.maximum(resid, 0.0) / w + floor, fallback.variances.reshape(S, c)
        ),
    }


def ar_sample(p: ARParams, path: np.ndarray, rng, temperature: float = 1.0) -> np.ndarray:
    """Frames (L, c) along a state path (L,): the first from its state's free
    Gaussian, each next one through the state's AR recursion; ``temperature``
    scales every innovation's standard deviation."""
    S, c = p.bias.shape
    eps = temperature * rng.standard_normal((len(path), c))
    out = np.empty((len(path), c))
    j = path[0]
    out[0] = p.means.reshape(S, c)[j] + eps[0] * np.sqrt(p.variances.reshape(S, c)[j])
    for t in range(1, len(path)):
        j = path[t]
        pull = p.coef[j] @ out[t - 1] if p.coef.ndim == 3 else p.coef[j] * out[t - 1]
        out[t] = pull + p.bias[j] + eps[t] * np.sqrt(p.noise[j])
    return out
