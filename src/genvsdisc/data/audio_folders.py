"""A folder of class sub-folders holding WAV / FLAC / OGG files, as an audio Dataset.

The rule every clip follows (``inspect`` prints it in the notes): decoded with
soundfile (8/16/24/32-bit PCM and float all read), channels averaged to mono,
resampled to ``sample_rate`` (soxr), leading and trailing silence more than
30 dB below the clip's peak trimmed, then cut to ``clip_seconds``; rows hold
as many frames as the longest clip, NaN after each clip's end, and the
waveforms are zero after it. Files that cannot be used (empty, not audio,
truncated, 0 samples, longer than ``max_seconds``) are skipped and counted,
as unreadable images are; when none is left the loader refuses.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np

from genvsdisc.data._checks import encode_labels, warn
from genvsdisc.data._read import MAX_FILE_BYTES, read_bytes
from genvsdisc.data.audio_io import (
    MFCC_PARAMS,
    SAMPLE_RATE,
    TRIM_TOP_DB,
    decode_audio,
    features_of,
    to_rate,
    trim_silence,
)
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["AUDIO_SUFFIXES", "load_audio"]

AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".oga"}
#: Files longer than this are skipped (a stray recording of a whole session must not
#: fill the memory); ``max_seconds=`` raises it.
MAX_SECONDS = 60.0
CLIP_SECONDS = 2.0


def _check(value, name: str, low: float):
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > low:
        raise ParameterError(f"{name} must be a number above {low:g}; got {value!r}")
    return value


def _rates_note(rates: Counter, target: int, channels: int) -> list[str]:
    listed = ", ".join(f"{r} Hz ({k})" for r, k in sorted(rates.items()))
    moved = sum(k for r, k in rates.items() if r != target)
    notes = [f"sample rates: {listed}; {moved} file(s) resampled to {target} Hz"]
    if channels:
        notes.append(f"{channels} file(s) with 2 or more channels mixed down to mono")
    return notes


def load_audio(
    path: Path,
    files: dict[str, list[Path]],
    notes: list[str],
    *,
    sample_rate: int = SAMPLE_RATE,
    clip_seconds: float = CLIP_SECONDS,
    max_seconds: float = MAX_SECONDS,
    max_bytes: int = MAX_FILE_BYTES,
) -> Dataset:
    """Decode, resample, trim and featurise the clips; skip unusable files with a count.

    Returns
    -------
    Dataset
        ``audio``: X (n, T * 13) MFCC frames, waveforms (n, samples) float32 at
        ``sample_rate``, where samples is the longest clip (at most ``clip_seconds``).
    """
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, int) or sample_rate < 1000:
        raise ParameterError(f"sample_rate must be an int of at least 1000 Hz; got {sample_rate!r}")
    _check(clip_seconds, "clip_seconds", 0)
    _check(max_seconds, "max_seconds", 0)
    clips, labels, skipped, rates, seconds = [], [], [], Counter(), []
    multi = cut = 0
    limit = int(round(clip_seconds * sample_rate))
    for label, paths in files.items():
        for p in paths:
            raw = read_bytes(p, max_bytes=max_bytes)
            clip = decode_audio(raw, max_seconds=max_seconds) if raw else "empty file"
            if isinstance(clip, str):
                skipped.append((f"{label}/{p.name}", clip))
                continue
            rates[clip.rate] += 1
            multi += clip.channels > 1
            seconds.append(clip.seconds)
            samples = trim_silence(to_rate(clip.samples, clip.rate, sample_rate))
            cut += len(samples) > limit
            clips.append(samples[:limit])
            labels.append(label)
    if skipped:
        reasons = Counter(
            why.split(",")[0] if "limit" not in why else "too long" for _, why in skipped
        )
        examples = ", ".join(f"{name} ({why})" for name, why in skipped[:3])
        counts = ", ".join(f"{k} {why}" for why, k in reasons.items())
        if not clips:
            raise DataError(
                f"{path}: no usable audio; all {len(skipped)} file(s) skipped ({counts}; e.g. {examples})"
            )
        message = f"{path}: skipped {len(skipped)} audio file(s): {counts} (e.g. {examples})"
        warn(message)
        notes.append(message)
    n_samples = max(len(c) for c in clips)
    X, waveforms = features_of(clips, n_samples, sample_rate)
    T = X.shape[1] // MFCC_PARAMS["n_mfcc"]
    notes += _rates_note(rates, sample_rate, multi)
    notes.append(
        f"durations as read {min(seconds):.2f}-{max(seconds):.2f} s (median "
        f"{np.median(seconds):.2f} s); silence {TRIM_TOP_DB:g} dB under each clip's peak "
        f"trimmed at both ends; {cut} clip(s) cut to {clip_seconds:g} s; rows hold {T} "
        f"frames of 13 MFCCs ({n_samples / sample_rate:.2f} s), NaN after each clip's end"
    )
    y, classes = encode_labels(labels, where=str(path), what="class folders", notes=notes)
    return Dataset(
        name=path.name,
        X=X,
        y=y,
        classes=classes,
        modality="audio",
        feature_names=[f"f{t}_mfcc{j}" for t in range(T) for j in range(13)],
        description=f"{path.name}: {len(y)} audio clips at {sample_rate} Hz, {len(classes)} class folders",
        notes=notes,
        info={
            "source": str(path),
            "kinds": {"mfcc frames": T},
            "missing": {},
            "skipped": len(skipped),
            "sample_rates": {int(r): k for r, k in sorted(rates.items())},
            "seconds": {
                "min": min(seconds),
                "median": float(np.median(seconds)),
                "max": max(seconds),
            },
        },
        frame_shape=(T, 13),
        waveforms=waveforms,
        sample_rate=sample_rate,
    )
