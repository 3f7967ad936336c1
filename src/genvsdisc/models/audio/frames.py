"""Reading audio rows as frame sequences, and fixed-length clip summaries.

An audio row is T frames of ``frame_size`` coefficients, flattened, NaN after
the clip's end (:mod:`genvsdisc.data.audio`). A clip's length is the frame
after its last frame with any value; NaN frames before that are frames that
went missing (a dropped final frame reads as a shorter clip).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from genvsdisc.exceptions import DataError

__all__ = ["as_frames", "clip_lengths", "ClipSummary", "pad_rows"]


def as_frames(X, frame_size: int) -> np.ndarray:
    """Rows ``X`` (n, T * c) as frames (n, T, c); a width not a multiple of c is refused."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] % frame_size:
        raise DataError(
            f"audio rows must hold whole frames of frame_size={frame_size} coefficients; "
            f"got {X.shape[-1]} values per row"
        )
    return X.reshape(len(X), -1, frame_size)


def clip_lengths(frames: np.ndarray) -> np.ndarray:
    """Frames up to each clip's last frame with any value, (n, T, c) -> (n,) int."""
    seen = ~np.all(np.isnan(frames), axis=2)
    T = frames.shape[1]
    return np.where(seen.any(axis=1), T - np.argmax(seen[:, ::-1], axis=1), 0)


def pad_rows(sequences: list[np.ndarray], n_frames: int) -> np.ndarray:
    """Sequences (L_i, c) as rows (n, n_frames * c), NaN-padded (cut at n_frames)."""
    c = sequences[0].shape[1] if sequences else 1
    out = np.full((len(sequences), n_frames, c), np.nan)
    for i, s in enumerate(sequences):
        out[i, : min(len(s), n_frames)] = s[:n_frames]
    return out.reshape(len(sequences), n_frames * c)


class ClipSummary(TransformerMixin, BaseEstimator):
    """Fixed-length features of a variable-length clip, from the frames it has.

    Per clip: the mean of each coefficient over ``n_segments`` equal stretches
    of its frames (the shape of the word in time), the mean and standard
    deviation over the whole clip, the mean absolute frame-to-frame change
    (deltas), and the log of the clip's length. Missing frames inside a clip
    are left out of every average (nan-aware), so dropped frames need no filling.

    Parameters
    ----------
    frame_size : int, default=13
    n_segments : int, default=4

    Returns (transform) ndarray (n, c * (n_segments + 3) + 1).
    """

    def __init__(self, frame_size=13, n_segments=4):
        self.frame_size = frame_size
        self.n_segments = n_segments

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        frames = as_frames(X, self.frame_size)
        n, T, c = frames.shape
        lengths = np.maximum(clip_lengths(frames), 1)
        # position of each frame within its clip, in [0, 1): which stretch it falls in
        pos = np.arange(T)[None, :] / lengths[:, None]
        inside = pos < 1.0
        parts = []
        with np.errstate(invalid="ignore", divide="ignore"):
            for s in range(self.n_segments):
                lo, hi = s / self.n_segments, (s + 1) / self.n_segments
                # the frame nearest the stretch's middle as well, so a stretch shorter
                # than a frame (a 2-frame clip in 4 stretches) still has a value
                mid = np.minimum(((lo + hi) / 2 * lengths).astype(int), lengths - 1)
                mask = (pos >= lo) & (pos < hi) & inside
                mask[np.arange(n), mid] = True
                parts.append(_masked_mean(frames, mask))
            whole = _masked_mean(frames, inside)
            sq = _masked_mean((frames - whole[:, None, :]) ** 2, inside)
            deltas = np.abs(np.diff(frames, axis=1))
            delta = _masked_mean(deltas, inside[:, 1:])
        out = np.column_stack([*parts, whole, np.sqrt(sq), delta, np.log(lengths)])
        # a clip with one observed frame has no deltas; a stretch of only missing
        # frames has no mean: the clip's overall mean stands in (0 for deltas)
        filler = np.column_stack([*([whole] * self.n_segments), whole, np.zeros_like(whole)])
        filler = np.column_stack([filler, np.zeros((n, c + 1))])
        return np.where(np.isnan(out), np.nan_to_num(filler), out)


def _masked_mean(values: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Mean over time of the observed values where ``mask`` (n, T), (n, T, c) -> (n, c)."""
    ok = mask[:, :, None] & ~np.isnan(values)
    total = np.where(ok, values, 0.0).sum(axis=1)
    count = ok.sum(axis=1)
    return total / np.where(count > 0, count, np.nan)
