"""The sound lab's clips: a recording into features, pictures, WAV links and both verdicts.

A recording from the browser goes through the data layer's own steps for user
audio (:mod:`genvsdisc.data.audio_io`, as a folder of WAV files does):
resampled to 8 kHz with soxr, leading and trailing silence 30 dB under its
peak trimmed, cut to the data set's clip length, then 13 MFCCs per frame with
NaN after its end. One step more: the clip is scaled to peak 0.9, the level
every ``spoken_words`` clip has (:mod:`genvsdisc.data.audio_synth`), because a
microphone's level is arbitrary and the loudness-like first MFCC would make
every quiet recording unusual for the artist and strange to the detective.

How typical a clip is: the artist's log p(x) per frame, placed among the same
score of the real test clips (its percentile). Per frame, because log p(x) of
a frame model is a sum over frames: a short clip would look typical merely for
being short.
"""

from __future__ import annotations

import base64
import io
import secrets
import threading
from collections import OrderedDict

import numpy as np

from genvsdisc.data.audio import clip_lengths
from genvsdisc.data.audio_io import SAMPLE_RATE, features_of, to_rate, trim_silence
from genvsdisc.exceptions import ParameterError
from genvsdisc.generation.sound import frames_to_audio, log_mel, wav_bytes

__all__ = [
    "MAX_RECORD_SECONDS",
    "MIN_RATE",
    "MAX_RATE",
    "UNUSUAL_PERCENTILE",
    "WavStore",
    "checked_recording",
    "recording_clip",
    "spectrogram_png",
    "typicality",
    "verdict",
]

#: Longest recording the lab takes, in seconds (the page sends 1.5 s).
MAX_RECORD_SECONDS = 5.0
#: Sample rates a recording may come at (the page downsamples to 8 kHz itself).
MIN_RATE, MAX_RATE = SAMPLE_RATE, 48_000
#: Peak level of every spoken_words clip; a recording is scaled to it.
PEAK = 0.9
#: Below this percentile of the real test clips' log p(x) per frame a clip is "unusual".
UNUSUAL_PERCENTILE = 5.0
#: A trimmed recording whose peak is under this is silence (a muted microphone).
SILENT_PEAK = 1e-4
#: Loudness range of a spectrogram picture, in dB under its loudest cell.
PICTURE_DB = 80.0


def _field_error(field: str, message: str) -> ParameterError:
    err = ParameterError(message)
    err.field = field  # the app's error handler names the request field
    return err


def checked_recording(samples, rate: int) -> np.ndarray:
    """The recording's samples (n,) float64, once they are usable.

    Raises
    ------
    ParameterError
        One line naming ``samples`` (or the first bad sample) or ``rate``:
        empty, too long, not finite, outside [-1, 1], or a rate out of range.
    """
    if not MIN_RATE <= rate <= MAX_RATE:
        raise _field_error("rate", f"must be {MIN_RATE} to {MAX_RATE} Hz; got {rate}")
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim != 1 or x.size == 0:
        raise _field_error("samples", "the recording is empty (0 samples); record again")
    bad = np.flatnonzero(~np.isfinite(x))
    if bad.size:
        raise _field_error(
            f"samples[{bad[0]}]", f"is {x[bad[0]]}; every sample must be a finite number"
        )
    seconds = x.size / rate
    if seconds > MAX_RECORD_SECONDS:
        raise _field_error(
            "samples",
            f"{seconds:.1f} s of audio at {rate} Hz; the lab takes at most "
            f"{MAX_RECORD_SECONDS:g} s",
        )
    loud = np.flatnonzero(np.abs(x) > 1.0)
    if loud.size:
        raise _field_error(
            f"samples[{loud[0]}]", f"is {x[loud[0]]:g}; samples are float PCM in [-1, 1]"
        )
    return x


def recording_clip(x: np.ndarray, rate: int, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """A checked recording as one audio row, by the data layer's steps (module docstring).

    Parameters
    ----------
    x : ndarray (n,)
        Mono PCM in [-1, 1] (:func:`checked_recording`).
    rate : int
        Its samples per second, :data:`MIN_RATE` to :data:`MAX_RATE`.
    n_samples : int
        Samples per clip of the data set at 8 kHz (8,000 for spoken_words' 1 s).

    Returns
    -------
    row : ndarray (1, T * 13) float64
        MFCC frames, NaN after the clip's end; T = frames of ``n_samples``.
    wave : ndarray (L,) float32
        What the models hear: 8 kHz, trimmed, cut, peak 0.9.

    Raises
    ------
    ParameterError
        ``samples``: the recording is silent once trimmed.
    """
    wave = trim_silence(to_rate(x.astype(np.float32), rate))[:n_samples]
    peak = float(np.max(np.abs(wave))) if wave.size else 0.0
    if peak < SILENT_PEAK:
        raise _field_error("samples", "the recording is silent; check the microphone")
    wave = (PEAK * wave / peak).astype(np.float32)
    row, _ = features_of([wave], n_samples)
    return row, wave


def spectrogram_png(row) -> str:
    """The log-mel picture the clip's MFCCs stand for, as a PNG data URI.

    Parameters
    ----------
    row : array-like (T * 13,)
        One clip row (NaN after its end).

    Returns
    -------
    str
        ``data:image/png;base64,...``: 40 mel bands (low at the bottom) by the
        clip's frames, magma colours over the loudest :data:`PICTURE_DB` dB.
    """
    from matplotlib.image import imsave  # a colour map and a PNG: no figure needed

    db = log_mel(row, 13)  # (40, L)
    buf = io.BytesIO()
    top = float(np.max(db))
    imsave(buf, db, cmap="magma", origin="lower", format="png", vmin=top - PICTURE_DB, vmax=top)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def verdict(proba_row, model_classes, classes: list[str]) -> dict:
    """One family's reading of one clip.

    Parameters
    ----------
    proba_row : ndarray (K,)
        p(y|x) in the order of ``model_classes`` (the model's ``classes_``, class indices).
    classes : list of str
        Class names by index.

    Returns
    -------
    dict
        ``judged`` (name), ``index``, ``confidence`` and ``proba`` (per class
        index, rounded to 3 places).
    """
    proba = np.zeros(len(classes))
    proba[np.asarray(model_classes, dtype=int)] = proba_row
    best = int(np.argmax(proba))
    return {
        "judged": classes[best],
        "index": best,
        "confidence": round(float(proba[best]), 3),
        "proba": [round(float(p), 3) for p in proba],
    }


def per_frame(log_px: np.ndarray, X: np.ndarray) -> np.ndarray:
    """log p(x) divided by each clip's frames, (n,) -> (n,)."""
    return np.asarray(log_px, dtype=float) / np.maximum(clip_lengths(X, 13), 1)


def typicality(log_px: float, frames: int, reference: np.ndarray) -> dict:
    """How typical a clip is for the artist, against the real test clips.

    Parameters
    ----------
    log_px : float
        The artist's log p(x) of the clip.
    frames : int
        Its frames.
    reference : ndarray (t,)
        log p(x) per frame of the real test clips under the same artist.

    Returns
    -------
    dict
        ``log_px``, ``per_frame``, ``percentile`` (share of real test clips
        whose log p(x) per frame is at most this clip's, in %), ``word``
        ("typical" or "unusual", under :data:`UNUSUAL_PERCENTILE`) and
        ``sentence``, what the page says.
    """
    score = float(log_px) / max(int(frames), 1)
    pct = 100.0 * float(np.mean(np.asarray(reference) <= score))
    word = "unusual" if pct < UNUSUAL_PERCENTILE else "typical"
    if word == "unusual":
        sentence = f"unusual: less likely per frame than {100 - pct:.0f} % of real test clips"
    else:
        sentence = f"typical: at least as likely per frame as {pct:.0f} % of real test clips"
    return {
        "log_px": round(float(log_px), 1),
        "per_frame": round(score, 2),
        "percentile": round(pct, 1),
        "word": word,
        "sentence": sentence,
    }


class WavStore:
    """WAV files the page plays, kept in memory under random names (the newest ``size``).

    The app's content policy lets the page load media only from the server
    itself (no ``data:`` audio), so each clip gets a short-lived address.
    """

    def __init__(self, size: int = 512):
        self.size = size
        self._files: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, wave: np.ndarray, rate: int = SAMPLE_RATE) -> str:
        """Keep ``wave`` (samples,) as a 16-bit WAV; returns its name."""
        data = wav_bytes(wave, rate)
        name = secrets.token_urlsafe(12)
        with self._lock:
            self._files[name] = data
            while len(self._files) > self.size:
                self._files.popitem(last=False)
        return name

    def get(self, name: str) -> bytes | None:
        with self._lock:
            return self._files.get(name)


def generated_wave(row, seed: int) -> np.ndarray:
    """A generated clip row as sound (the generation core's seeded MFCC inversion)."""
    return frames_to_audio(row, 13, SAMPLE_RATE, seed=seed)
