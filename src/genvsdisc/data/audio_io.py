"""Sound into features: decoding, mixing down, resampling, trimming and MFCC frames.

Shared by the synthesised ``spoken_words`` set and user audio folders, so both
reach the audio :class:`~genvsdisc.data.dataset.Dataset` layout the same way:
13 MFCCs per frame (``librosa.feature.mfcc`` at ``SAMPLE_RATE`` with
``MFCC_PARAMS``: 64 ms windows, 32 ms hop, 40 mel bands up to 4 kHz), the same
count of coefficients per frame as ``spoken_digits``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import numpy as np

from genvsdisc.data.audio import pad_frames

__all__ = [
    "SAMPLE_RATE",
    "MFCC_PARAMS",
    "TRIM_TOP_DB",
    "AudioClip",
    "decode_audio",
    "to_rate",
    "trim_silence",
    "mfcc_frames",
    "frames_for",
    "features_of",
]

#: Samples per second every clip is brought to (the rate of the Free Spoken Digit Dataset).
SAMPLE_RATE = 8000
#: librosa.feature.mfcc parameters: 13 coefficients, 512-sample (64 ms) windows,
#: 256-sample (32 ms) hop, 40 mel bands (128, librosa's default, leaves empty
#: bands at 8 kHz), centred frames.
MFCC_PARAMS = {"n_mfcc": 13, "n_fft": 512, "hop_length": 256, "n_mels": 40, "center": True}
#: Leading and trailing parts quieter than this many dB below the clip's peak are silence.
TRIM_TOP_DB = 30.0

_SHORT = re.compile(r"\bdata\s*:\s*(\d+)\s*\(should be (\d+)\)")


@dataclass
class AudioClip:
    """One decoded file: mono float32 samples at its own rate, and what was done to it."""

    samples: np.ndarray  # (n_samples,) float32 in [-1, 1]
    rate: int
    channels: int
    seconds: float


def decode_audio(raw: bytes, *, max_seconds: float) -> AudioClip | str:
    """Decode WAV / FLAC / OGG bytes with soundfile, mixing channels down to mono.

    Returns
    -------
    AudioClip, or str
        The reason the file cannot be used (``"not audio"``, ``"truncated"``,
        ``"0 samples"``, ``"312.0 s, over the 60 s limit"``): the folder loader
        skips such files and counts them, as it does unreadable images.
    """
    import soundfile as sf  # loaded with the first audio file, not with genvsdisc.data

    try:
        with sf.SoundFile(io.BytesIO(raw)) as f:
            rate, channels, frames = int(f.samplerate), int(f.channels), int(f.frames)
            short = _SHORT.search(f.extra_info or "")
            # libsndfile reads a WAV whose data chunk is cut short without error; its
            # header still says how long it should be
            if short and int(short.group(2)) < int(short.group(1)):
                return "truncated"
            if frames == 0:
                return "0 samples"
            if frames / rate > max_seconds:
                return f"{frames / rate:.1f} s, over the {max_seconds:g} s limit"
            data = f.read(dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as err:
        text = str(err)
        return "truncated" if "lost sync" in text or "malformed" in text else "not audio"
    if len(data) == 0:
        return "0 samples"
    # stereo (or more) becomes the mean of its channels; clip to guard float files
    mono = np.clip(data.mean(axis=1), -1.0, 1.0).astype(np.float32)
    return AudioClip(mono, rate, channels, len(mono) / rate)


def to_rate(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Resample with soxr's high-quality filter to ``target`` samples per second."""
    if rate == target:
        return samples.astype(np.float32)
    import soxr  # librosa's own resampler; called directly, it skips librosa's slow first call

    return soxr.resample(samples, rate, target, "HQ").astype(np.float32)


def trim_silence(samples: np.ndarray, top_db: float = TRIM_TOP_DB) -> np.ndarray:
    """Cut leading and trailing silence (``top_db`` below the peak; librosa.effects.trim)."""
    import librosa

    if not np.any(samples):
        return samples
    trimmed, _ = librosa.effects.trim(samples, top_db=top_db, frame_length=512, hop_length=128)
    return trimmed


def frames_for(n_samples: int) -> int:
    """MFCC frames of a clip of ``n_samples`` (centred frames: 1 + n // hop)."""
    return 1 + n_samples // MFCC_PARAMS["hop_length"]


def mfcc_frames(samples: np.ndarray, rate: int = SAMPLE_RATE) -> np.ndarray:
    """The clip's MFCC frames, shape (frames_for(len(samples)), 13) float64."""
    import librosa

    # a clip shorter than one window is zero-padded to it, so every clip has frames
    y = np.asarray(samples, dtype=np.float32)
    n_fft = MFCC_PARAMS["n_fft"]
    padded = np.pad(y, (0, max(0, n_fft - len(y))))
    mfcc = librosa.feature.mfcc(y=padded, sr=rate, fmax=rate / 2, **MFCC_PARAMS)
    return mfcc.T[: frames_for(len(y))].astype(np.float64)


def features_of(
    clips: list[np.ndarray], n_samples: int, rate: int = SAMPLE_RATE
) -> tuple[np.ndarray, np.ndarray]:
    """X and waveforms for the audio Dataset layout.

    Parameters
    ----------
    clips : list of ndarray (L_i,) float32 at ``rate``, each L_i <= n_samples
    n_samples : int
        Samples per row of the waveforms.
    rate : int, default SAMPLE_RATE

    Returns
    -------
    X : ndarray (n, T * 13) float64
        MFCC frames, NaN after each clip's end; T = ``frames_for(n_samples)``.
    waveforms : ndarray (n, n_samples) float32, zero after each clip's end
    """
    waveforms = np.zeros((len(clips), n_samples), dtype=np.float32)
    for i, clip in enumerate(clips):
        waveforms[i, : len(clip)] = clip[:n_samples]
    X = pad_frames([mfcc_frames(c[:n_samples], rate) for c in clips], frames_for(n_samples))
    return X, waveforms
