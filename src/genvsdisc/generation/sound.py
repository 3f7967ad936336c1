"""Generated MFCC frames as sound, pictures and WAV bytes; copies of clips.

An audio artist draws MFCC frame sequences (rows (T * 13,), NaN after the
clip's end), not sound. :func:`frames_to_audio` turns one into a waveform with
librosa's MFCC inversion (the steps of ``librosa.feature.inverse.mfcc_to_audio``: inverse
DCT to a mel power spectrogram, a least-squares mel-to-linear map, then
Griffin-Lim phase recovery, seeded), with the MFCC parameters of
:mod:`genvsdisc.data.audio_io`. MFCC inversion loses the phase and the fine
spectral detail (13 coefficients keep only the spectral envelope of 40 mel
bands), so the sound is rough: a whispery, buzzy rendering of the word, not a
recording. ``spoken_digits`` ships MFCCs made by its own (unpublished) recipe;
they are inverted with the same parameters, which makes its sound rougher still.

Memorisation for clips (:func:`clip_memorisation_check`) compares clips by the
Euclidean distance between their fixed-length clip summaries
(:class:`~genvsdisc.models.audio.frames.ClipSummary`, the features the clip
detectives read), each summary feature standardised on the training clips. It
is cheap (one vector per clip) and honest about what it sees: word shape over
four stretches, overall level, spread, deltas and length. Dynamic time warping
would also align clips of different speeds, at T^2 cost per pair; a copied
clip has distance 0 under both, so the exact-copy test does not need it.
"""

from __future__ import annotations

import io

import numpy as np
from sklearn.preprocessing import StandardScaler

from genvsdisc.data.audio_io import MFCC_PARAMS, SAMPLE_RATE
from genvsdisc.generation.memorisation import memorisation_check
from genvsdisc.models.audio.frames import ClipSummary, as_frames, clip_lengths

__all__ = [
    "clip_frames",
    "frames_to_audio",
    "log_mel",
    "wav_bytes",
    "clip_memorisation_check",
    "GRIFFIN_LIM_ITERATIONS",
    "shown_clips",
]

#: Griffin-Lim iterations of the inversion (librosa's default).
GRIFFIN_LIM_ITERATIONS = 32
#: Peak level of a generated clip: inverted MFCCs do not keep a trustworthy
#: loudness, so every clip is scaled to this peak (and never clips at 16 bits).
PEAK = 0.9


def clip_frames(row, frame_size: int = 13) -> np.ndarray:
    """The frames of one clip row (T * c,) up to its end, shape (L, c), L >= 1.

    Frames missing inside the clip take the clip's mean frame, so the
    inversion hears no gap filled with NaN (a generated clip has none).
    """
    frames = as_frames(np.asarray(row, dtype=np.float64)[None, :], frame_size)
    L = max(1, int(clip_lengths(frames)[0]))
    clip = frames[0, :L]
    if np.isnan(clip).any():
        mean = np.nan_to_num(np.nanmean(clip, axis=0)) if not np.isnan(clip).all() else 0.0
        clip = np.where(np.isnan(clip), mean, clip)
    return clip


def _mel_kwargs(rate: int) -> dict:
    return {
        "n_fft": MFCC_PARAMS["n_fft"],
        "hop_length": MFCC_PARAMS["hop_length"],
        "center": MFCC_PARAMS["center"],
        "fmax": rate / 2,
    }


def frames_to_audio(
    row, frame_size: int = 13, rate: int = SAMPLE_RATE, *, seed: int = 0
) -> np.ndarray:
    """One clip row of MFCC frames as a waveform (samples,) float32, peak :data:`PEAK`.

    Parameters
    ----------
    row : array-like (T * c,)
        MFCC frames, NaN after the clip's end.
    frame_size : int, default=13
    rate : int, default=8000
    seed : int, default=0
        Griffin-Lim starts from random phases: seeded, so a clip sounds the same twice.

    Returns
    -------
    ndarray (hop * (L - 1),) float32 -- about 32 ms per frame at 8 kHz.
    """
    import librosa

    kw = _mel_kwargs(rate)
    mfcc = clip_frames(row, frame_size).T  # (c, L)
    # mfcc_to_audio's three steps, called one by one: its Griffin-Lim takes no seed
    mel = librosa.feature.inverse.mfcc_to_mel(mfcc, n_mels=MFCC_PARAMS["n_mels"])
    stft = librosa.feature.inverse.mel_to_stft(mel, sr=rate, n_fft=kw["n_fft"], fmax=kw["fmax"])
    wave = librosa.griffinlim(
        stft,
        n_iter=GRIFFIN_LIM_ITERATIONS,
        hop_length=kw["hop_length"],
        center=kw["center"],
        init="random",
        random_state=seed,
    )
    wave = np.nan_to_num(np.asarray(wave, dtype=np.float32))
    peak = float(np.max(np.abs(wave))) if wave.size else 0.0
    return wave * (PEAK / peak) if peak > 0 else wave


def log_mel(row, frame_size: int = 13) -> np.ndarray:
    """The log-mel spectrogram the clip's MFCCs stand for, (n_mels, L) in dB.

    The inverse DCT of the coefficients: what the picture of a generated
    clip shows (a spectrogram of the inverted sound would add Griffin-Lim's
    artefacts to it).
    """
    import librosa

    mfcc = clip_frames(row, frame_size).T
    mel = librosa.feature.inverse.mfcc_to_mel(mfcc, n_mels=MFCC_PARAMS["n_mels"])
    return librosa.power_to_db(np.maximum(mel, 1e-10))


def wav_bytes(wave: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    """A mono waveform (samples,) in [-1, 1] as a 16-bit PCM WAV file (soundfile)."""
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.clip(np.asarray(wave, dtype=np.float32), -1, 1), rate, "PCM_16", format="WAV")
    return buf.getvalue()


def clip_memorisation_check(samples, X_train, X_test, frame_size: int = 13) -> dict:
    """:func:`~genvsdisc.generation.memorisation.memorisation_check` for clips.

    Every clip (m, T * c), (n, T * c), (t, T * c) becomes its clip summary,
    standardised on the training clips so no coefficient (the loudness-like
    first MFCC spans hundreds) outweighs the others; distances are Euclidean
    between summaries. Same report fields as for images.
    """
    summary = ClipSummary(frame_size=frame_size)
    train = summary.transform(X_train)
    scaler = StandardScaler().fit(train)
    return memorisation_check(
        scaler.transform(summary.transform(samples)),
        scaler.transform(train),
        scaler.transform(summary.transform(X_test)),
    )


#: Clips per artist played in the report, and the longest stretch kept of each:
#: 2 x 1 s x 8 kHz x 16 bits is 32 kB of WAV (43 kB as base64) per model.
REPORT_CLIPS = 2
REPORT_SECONDS = 1.0


def shown_clips(X, y, data, *, seed: int, judged=None, per_model: int = REPORT_CLIPS) -> dict:
    """A few clips for the report: the first of each of the first classes, as frames and WAV.

    Parameters
    ----------
    X : ndarray (m, T * c)
        Clip rows (samples, or real clips for reference).
    y : ndarray (m,) of int
    data : Dataset
        Gives ``frame_shape`` and ``sample_rate``.
    seed : int
        Seeds each clip's Griffin-Lim.
    judged : ndarray (m,) or None
        The judge's class of each clip.

    Returns
    -------
    dict
        ``X``: each clip's frames (L_i, c) as lists (no NaN, so results.json stays
        JSON); ``y``; ``judged`` (or None); ``wav``: base64 16-bit WAV of each
        clip's first :data:`REPORT_SECONDS`; ``seconds``: its full length.
    """
    import base64

    c = data.frame_shape[1] if data.frame_shape else 13
    rate = int(data.sample_rate or SAMPLE_RATE)
    y = np.asarray(y, dtype=int)
    keep = [int(np.flatnonzero(y == k)[0]) for k in np.unique(y)[:per_model]]
    out = {"X": [], "y": [], "judged": None if judged is None else [], "wav": [], "seconds": []}
    for j, i in enumerate(keep):
        wave = frames_to_audio(X[i], c, rate, seed=seed + j)
        out["X"].append(np.round(clip_frames(X[i], c), 3).tolist())
        out["y"].append(int(y[i]))
        if judged is not None:
            out["judged"].append(int(judged[i]))
        out["wav"].append(base64.b64encode(wav_bytes(wave[: int(REPORT_SECONDS * rate)], rate)))
        out["seconds"].append(round(len(wave) / rate, 2))
    out["wav"] = [w.decode("ascii") for w in out["wav"]]
    return out
