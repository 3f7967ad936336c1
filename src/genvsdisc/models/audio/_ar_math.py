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
    Gaussians (no observed predecessor), plus each state's AR(1) per coefficient."""

    coef: np.ndarray | None = None  # (S, c) a: the pull of the previous frame
    bias: np.ndarray | None = None  # (S, c) b
    noise: np.ndarray | None = None  # (S, c) v: variance of the innovation


def _chained(frames: np.ndarray):
    """Frames with any value (m, c), their predecessors (m, c, NaN at a clip's start),
    which coefficients are observed and which also have an observed predecessor
    (m, c) bool, and which of the n*T frames were kept (n*T,)."""
    n, T, c = frames.shape
    prev = np.full_like(frames, np.nan)
    prev[:, 1:] = frames[:, :-1]
    flat, prev = frames.reshape(n * T, c), prev.reshape(n * T, c)
    seen = ~np.isnan(flat).all(axis=1)
    x, xp = flat[seen], prev[seen]
    obs = ~np.isnan(x)
    return x, xp, obs, obs & ~np.isnan(xp), seen


def ar_emissions(frames: np.ndarray, p: ARParams) -> np.ndarray:
    """log p(frame | state, previous frame), (n, T, c) -> (n, T, S); 0 for frames
    with no value (padding, dropped frames) and missing coefficients."""
    n, T, c = frames.shape
    S = len(p.start)
    x, xp, obs, chained, seen = _chained(frames)
    free_mean, free_var = p.means.reshape(S, c), p.variances.reshape(S, c)
    ch = chained[:, None, :]  # (m, 1, c)
    with np.errstate(invalid="ignore"):  # NaN predecessors: the free branch is taken
        mean = np.where(ch, p.coef * xp[:, None, :] + p.bias, free_mean)  # (m, S, c)
    var = np.where(ch, p.noise, free_var)  # (m, S, c)
    z = (x[:, None, :] - mean) ** 2 / var + np.log(var) + _LOG_2PI
    B = np.zeros((n * T, S))
    B[seen] = -0.5 * np.where(obs[:, None, :], z, 0.0).sum(axis=2)
    return B.reshape(n, T, S)


def ar_counts(frames: np.ndarray, gamma: np.ndarray) -> dict:
    """The emission part of the E-step from state posteriors ``gamma`` (n, T, S).

    Returns ``pooled`` and ``free``: :func:`._hmm_math.moment_counts` (one
    component) over all observed coefficients and over those with no observed
    predecessor; ``ar``: weighted sums (S, c) ``n``, ``p``, ``y``, ``pp``, ``py``,
    ``yy`` over coefficients y with an observed predecessor p (the least-squares
    statistics).
    """
    n, T, S = gamma.shape
    x, xp, obs, chained, seen = _chained(frames)
    g = gamma.reshape(n * T, S)[seen]  # (m, S)
    P, Y = np.where(chained, xp, 0.0), np.where(chained, x, 0.0)
    return {
        "pooled": moment_counts(x, g[..., None]),
        "free": moment_counts(np.where(chained, np.nan, x), g[..., None]),
        "ar": {
            "n": g.T @ chained.astype(float),
            "p": g.T @ P,
            "y": g.T @ Y,
            "pp": g.T @ P**2,
            "py": g.T @ (P * Y),
            "yy": g.T @ Y**2,
        },
    }


def ar_fit(ar: dict, ridge: np.ndarray, floor: np.ndarray, fallback: HMMParams):
    """Weighted least squares of y on (p, 1) per state and coefficient (closed form).

    ``ridge`` (c,) penalises a^2 (a few pseudo-frames at a = 0, so a state
    that barely saw a coefficient does not divide by ~0); ``floor`` (c,) is
    added to the innovation variance. Where a state saw no chained coefficient
    it emits as ``fallback``'s Gaussian (a = 0). Returns ``coef``, ``bias``,
    ``noise`` (S, c).
    """
    S, c = ar["n"].shape
    w = np.maximum(ar["n"], 1e-12)
    mp, my = ar["p"] / w, ar["y"] / w
    cpp = np.maximum(ar["pp"] - w * mp**2, 0.0)  # weighted sums of centred products
    cpy = ar["py"] - w * mp * my
    cyy = np.maximum(ar["yy"] - w * my**2, 0.0)
    coef = cpy / (cpp + ridge)
    resid = np.maximum(cyy - 2 * coef * cpy + coef**2 * cpp, 0.0) / w
    used = ar["n"] > 0
    return {
        "coef": np.where(used, coef, 0.0),
        "bias": np.where(used, my - coef * mp, fallback.means.reshape(S, c)),
        "noise": np.where(used, resid + floor, fallback.variances.reshape(S, c)),
    }


def ar_sample(p: ARParams, path: np.ndarray, rng, temperature: float = 1.0) -> np.ndarray:
    """Frames (L, c) along a state path (L,): the first from its state's free
    Gaussian, each next one through the state's AR recursion; ``temperature``
    scales every innovation's standard deviation."""
    S, c = p.coef.shape
    eps = temperature * rng.standard_normal((len(path), c))
    out = np.empty((len(path), c))
    j = path[0]
    out[0] = p.means.reshape(S, c)[j] + eps[0] * np.sqrt(p.variances.reshape(S, c)[j])
    for t in range(1, len(path)):
        j = path[t]
        out[t] = p.coef[j] * out[t - 1] + p.bias[j] + eps[t] * np.sqrt(p.noise[j])
    return out
