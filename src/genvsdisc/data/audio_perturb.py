"""Audio versions of the experiments' perturbations: dropped frames and novel sounds.

The missing-features experiment removes whole frames from audio clips (a
frame is the unit a recogniser loses), and the novelty experiment's
out-of-distribution sets for audio are sounds built from the test clips.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["frame_mask", "drop_frames", "audio_ood_sets", "AUDIO_OOD_TEXT"]

AUDIO_OOD_TEXT = {
    "noise_frames": "noise frames with the per-coefficient mean and spread, same lengths",
    "shuffled_frames": "each clip's own frames in random order",
    "reversed": "each clip played backwards (frames in reverse order)",
}


def _frames(X: np.ndarray, frame_shape) -> tuple[np.ndarray, np.ndarray]:
    frames = np.array(X, dtype=float).reshape(len(X), *frame_shape)
    seen = ~np.all(np.isnan(frames), axis=2)
    T = frames.shape[1]
    lengths = np.where(seen.any(axis=1), T - np.argmax(seen[:, ::-1], axis=1), 0)
    return frames, lengths


def drop_frames(X: np.ndarray, fraction: float, seed: int, frame_shape) -> np.ndarray:
    """A copy of audio rows ``X`` (n, T * c) with ``round(fraction * L)`` of each clip's
    L frames set to NaN, never its last frame (which marks where the clip ends) and
    at least one frame kept."""
    frames, lengths = _frames(X, frame_shape)
    if fraction <= 0:
        return frames.reshape(len(X), -1)
    rng = np.random.default_rng([seed, int(round(fraction * 1000))])
    for i, L in enumerate(lengths):
        m = min(int(round(fraction * L)), L - 1)
        if m > 0:
            frames[i, rng.choice(L - 1, size=m, replace=False)] = np.nan
    return frames.reshape(len(X), -1)


def frame_mask(ds):
    """For an audio Dataset, ``mask(X, fraction, seed)`` dropping whole frames; else None."""
    if ds.modality != "audio" or ds.frame_shape is None:
        return None
    return functools.partial(drop_frames, frame_shape=ds.frame_shape)


def audio_ood_sets(train, test, rng) -> dict:
    """``{name: rows}``, one novel clip per test clip, each as long as that clip."""
    frames, lengths = _frames(test.X, test.frame_shape)
    ref, _ = _frames(train.X, train.frame_shape)
    flat = ref.reshape(-1, ref.shape[2])
    flat = flat[~np.isnan(flat).any(axis=1)]
    mean, std = flat.mean(axis=0), flat.std(axis=0)
    noise, shuffled, reversed_ = (np.full_like(frames, np.nan) for _ in range(3))
    for i, L in enumerate(lengths):
        clip = frames[i, :L]
        noise[i, :L] = rng.normal(mean, std, size=clip.shape)
        shuffled[i, :L] = clip[rng.permutation(L)]
        reversed_[i, :L] = clip[::-1]
    n = len(frames)
    return {
        "noise_frames": noise.reshape(n, -1),
        "shuffled_frames": shuffled.reshape(n, -1),
        "reversed": reversed_.reshape(n, -1),
    }
