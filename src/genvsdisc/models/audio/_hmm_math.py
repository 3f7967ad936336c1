"""Forward-backward for Gaussian and GMM-HMMs over a batch of NaN-padded clips.

Written here rather than taken from hmmlearn because the generative contract
needs three things hmmlearn's ``GaussianHMM`` does not do: frames that are
missing inside a clip (NaN emissions, integrated out: their factor is 1),
a weight per clip (EM's class responsibilities and ``sample_weight``), and
an end-of-clip probability per state, which makes log p(x) a density over
clips of every length (so sampling knows when a word ends). hmmlearn's own
``score`` is the reference the tests check :func:`forward` against. Each
state emits from a mixture of M diagonal Gaussians (M = 1: a Gaussian HMM).

All clips of a batch run through time together: one matrix product per
frame for the whole batch, in log space with a per-row shift (the scaled
forward pass), so a fit costs O(T) numpy calls however many clips there are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from genvsdisc.models.generative._gaussian_math import diag_gaussian_log_pdf

__all__ = [
    "HMMParams",
    "emissions",
    "forward",
    "backward",
    "expected_counts",
    "posteriors",
    "moment_counts",
    "sample_paths",
    "sample_emissions",
]


@dataclass
class HMMParams:
    """One class's HMM: S states of M components, c coefficients per frame
    (probabilities, not logs). ``means``/``variances`` may be (S, c) for M = 1."""

    start: np.ndarray  # (S,)
    trans: np.ndarray  # (S, S), rows sum to 1 - end
    end: np.ndarray  # (S,): p(clip ends | state)
    means: np.ndarray  # (S, M, c) or (S, c)
    variances: np.ndarray  # (S, M, c) or (S, c)
    n_iter: int = 0
    log_likelihood: float = -np.inf  # weighted mean per clip at the end of EM
    weights: np.ndarray | None = None  # (S, M) mixture weights; None: one component

    def components(self):
        """Means and variances (S, M, c) and log mixture weights (S, M)."""
        means = self.means if self.means.ndim == 3 else self.means[:, None]
        variances = self.variances if self.variances.ndim == 3 else self.variances[:, None]
        weights = np.ones(means.shape[:2]) if self.weights is None else self.weights
        return means, variances, _log(weights)


def _log(p):
    with np.errstate(divide="ignore"):
        return np.log(p)


def _logsumexp_last(a: np.ndarray) -> np.ndarray:
    """log sum exp over the last axis, shifted by its max (plain numpy: scipy's
    array-API dispatch costs more than the sum on these short axes)."""
    m = a.max(axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    return np.log(np.exp(a - m).sum(axis=-1)) + m[..., 0]


def _emission_parts(frames: np.ndarray, p: HMMParams):
    """log p(frame | state) (n, T, S), which frames hold any value (n*T,), and
    log w_sm N(frame; s, m) (m, S, M) for those frames only.

    Padding after a clip's end and frames dropped whole have no value: their
    factor is 1 (log 0), so their densities are never computed -- most of a
    batch trimmed to its longest clip is padding.
    """
    n, T, c = frames.shape
    means, variances, log_w = p.components()
    S, M = log_w.shape
    flat = frames.reshape(n * T, c)
    seen = ~np.isnan(flat).all(axis=1)
    logc = diag_gaussian_log_pdf(
        flat[seen], means.reshape(S * M, c), variances.reshape(S * M, c)
    ).reshape(-1, S, M)
    logc += log_w
    B = np.zeros((n * T, S))
    B[seen] = logc[..., 0] if M == 1 else _logsumexp_last(logc)
    return B.reshape(n, T, S), seen, logc


def emissions(frames: np.ndarray, p: HMMParams) -> np.ndarray:
    """log p(frame | state) with NaN coefficients integrated out, (n, T, c) -> (n, T, S)."""
    return _emission_parts(frames, p)[0]


def _step(prev: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """log(exp(prev) @ matrix) for rows ``prev`` (n, S) in log space, shifted per row."""
    m = np.max(prev, axis=1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(prev - m) @ matrix) + m


def forward(B: np.ndarray, lengths: np.ndarray, p: HMMParams, use_end: bool = True):
    """log alpha (n, T, S) and log p(x) (n,) of each clip's first ``lengths`` frames.

    ``use_end=False`` leaves out the end probability (hmmlearn's convention).
    """
    n, T, S = B.shape
    alpha = np.empty_like(B)
    alpha[:, 0] = _log(p.start) + B[:, 0]
    for t in range(1, T):
        alpha[:, t] = _step(alpha[:, t - 1], p.trans) + B[:, t]
    last = alpha[np.arange(n), np.maximum(lengths, 1) - 1]
    return alpha, logsumexp(last + (_log(p.end) if use_end else 0.0), axis=1)


def backward(B: np.ndarray, lengths: np.ndarray, p: HMMParams) -> np.ndarray:
    """log beta (n, T, S): log p(frames after t, end | state at t); 0 past the clip's end."""
    n, T, S = B.shape
    beta = np.zeros_like(B)
    log_end = _log(p.end)
    for t in range(T - 1, -1, -1):
        if t == T - 1:
            cand = np.broadcast_to(log_end, (n, S))
        else:
            cand = _step(B[:, t + 1] + beta[:, t + 1], p.trans.T)
        at_end = (lengths - 1 == t)[:, None]
        beta[:, t] = np.where(at_end, log_end, np.where(t > lengths[:, None] - 1, 0.0, cand))
    return beta


def moment_counts(frames: np.ndarray, gamma: np.ndarray) -> dict:
    """Weighted occupancy and moments per component, for the M-step.

    ``frames`` (m, c) with NaN; ``gamma`` (m, S, M), the weight of each frame
    in each state's component. Returns ``mix`` (S, M) occupancy, ``occ``
    (S, M, c) occupancy where the coefficient is observed, ``x`` and ``x2``
    (S, M, c) sums of x and x^2.
    """
    m, c = frames.shape
    S, M = gamma.shape[1:]
    obs = ~np.isnan(frames)
    x = np.where(obs, frames, 0.0)
    g = gamma.reshape(m, S * M)
    return {
        "mix": g.sum(axis=0).reshape(S, M),
        "occ": (g.T @ obs.astype(float)).reshape(S, M, c),
        "x": (g.T @ x).reshape(S, M, c),
        "x2": (g.T @ x**2).reshape(S, M, c),
    }


def posteriors(B: np.ndarray, lengths: np.ndarray, w: np.ndarray, p: HMMParams):
    """The E-step's chain part from log emissions ``B`` (n, T, S), whatever emits.

    Returns
    -------
    gamma : ndarray (n, T, S)
        w_i p(state at t | clip i), 0 past each clip's end.
    counts : dict
        ``start`` (S,), ``trans`` (S, S), ``end`` (S,) weighted expected counts, and
        ``ll``, sum_i w_i log p(x_i).
    """
    n, T, _ = B.shape
    alpha, ll = forward(B, lengths, p)
    beta = backward(B, lengths, p)
    inside = np.arange(T)[None, :] < lengths[:, None]  # (n, T)
    gamma = np.exp(alpha + beta - ll[:, None, None]) * (inside * w[:, None])[:, :, None]
    trans = np.zeros((p.trans.shape[0],) * 2)
    log_a = _log(p.trans)
    for t in range(T - 1):
        live = (t + 1 < lengths) & (w > 0)
        if not live.any():
            break
        right = B[live, t + 1] + beta[live, t + 1] - ll[live, None]
        xi = np.exp(alpha[live, t][:, :, None] + log_a[None] + right[:, None, :])
        trans += np.tensordot(w[live], xi, axes=1)
    return gamma, {
        "start": gamma[:, 0].sum(axis=0),
        "trans": trans,
        "end": gamma[np.arange(n), np.maximum(lengths, 1) - 1].sum(axis=0),
        "ll": float(w @ ll),
    }


def expected_counts(frames: np.ndarray, lengths: np.ndarray, w: np.ndarray, p: HMMParams):
    """E-step: weighted expected counts for the M-step, and sum_i w_i log p(x_i).

    Returns
    -------
    dict with ``start`` (S,), ``trans`` (S, S), ``end`` (S,), ``ll``, and the
    per-component ``mix``, ``occ``, ``x``, ``x2`` of :func:`moment_counts`.
    """
    n, T, c = frames.shape
    B, seen, logc = _emission_parts(frames, p)
    gamma, chain = posteriors(B, lengths, w, p)
    flat_gamma = gamma.reshape(n * T, -1)
    # each state's share split among its components by their posterior given the frame
    within = np.exp(logc - B.reshape(n * T, -1)[seen][..., None])
    moments = moment_counts(frames.reshape(n * T, c)[seen], flat_gamma[seen][..., None] * within)
    # a frame with no value: its component posterior is the prior weights
    moments["mix"] += flat_gamma[~seen].sum(axis=0)[:, None] * np.exp(p.components()[2])
    return {**chain, **moments}


def _draw_rows(log_w: np.ndarray, rng) -> np.ndarray:
    """One index per row of unnormalised log weights (m, S) -> (m,) int (inverse CDF)."""
    m = log_w.max(axis=1, keepdims=True)
    cdf = np.cumsum(np.exp(log_w - np.where(np.isfinite(m), m, 0.0)), axis=1)
    u = rng.uniform(size=len(log_w)) * cdf[:, -1]
    return np.minimum((cdf < u[:, None]).sum(axis=1), log_w.shape[1] - 1)


def sample_paths(p: HMMParams, lengths, rng, final: int | None = None) -> list[np.ndarray]:
    """State paths drawn exactly from p(path | the clip has L frames), one per length.

    Forward filtering, backward sampling on the chain alone (no frames are
    observed yet): ``a_t(s)``, the probability that the chain is in ``s`` at
    frame t, comes forward from ``start`` through ``trans``; the last state is
    drawn from ``a_L(s) end(s)`` (the clip ends after frame L), then each
    earlier one from ``a_t(s) trans(s, s_next)``.

    Parameters
    ----------
    p : HMMParams
    lengths : array-like (n,) of int >= 1
    rng : numpy RandomState or Generator
    final : int or None
        Condition on the clip also ending in this state (where the chain can
        reach it in L frames): a left-right chain's last state, where its
        training clips end. Other states keep a pseudo-count's end probability
        only so that odd test clips can be scored; a sample that ends there is
        a word cut short.

    Returns
    -------
    list of n int arrays, the i-th of shape (lengths[i],)
    """
    lengths = np.asarray(lengths, dtype=int)
    T, S = int(lengths.max()), len(p.start)
    log_a = np.empty((T, S))
    log_a[0] = _log(p.start)
    for t in range(1, T):
        log_a[t] = _step(log_a[t - 1][None], p.trans)[0]
    paths = np.zeros((len(lengths), T), dtype=int)
    log_last = log_a[lengths - 1] + _log(p.end)  # (n, S)
    if final is not None:  # only where the chain reaches ``final`` in L frames
        reach = np.isfinite(log_last[:, final])
        log_last[reach] = np.where(np.arange(S) == final, log_last[reach], -np.inf)
    paths[np.arange(len(lengths)), lengths - 1] = _draw_rows(log_last, rng)
    log_trans = _log(p.trans)
    for t in range(T - 2, -1, -1):
        live = t < lengths - 1
        if live.any():
            paths[live, t] = _draw_rows(log_a[t] + log_trans[:, paths[live, t + 1]].T, rng)
    return [paths[i, :L] for i, L in enumerate(lengths)]


def sample_emissions(p: HMMParams, path: np.ndarray, rng, temperature: float = 1.0):
    """Frames (L, c) emitted along a state path (L,): a component per frame from the
    state's mixture weights, then its Gaussian, the noise's standard deviation
    times ``temperature`` (1: the model's own distribution; 0 would give the
    component means)."""
    means, variances, log_w = p.components()
    comp = _draw_rows(log_w[path], rng)
    noise = rng.standard_normal((len(path), means.shape[2]))
    return means[path, comp] + temperature * noise * np.sqrt(variances[path, comp])
