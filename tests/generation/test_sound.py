"""Generated MFCC frames as sound: inversion, WAV bytes, pictures and copies of clips."""

from __future__ import annotations

import io

import numpy as np
import soundfile as sf

from genvsdisc.data import train_test_split
from genvsdisc.data.audio_io import MFCC_PARAMS, mfcc_frames
from genvsdisc.generation import check_memorisation, generate, memorisation_check
from genvsdisc.generation.sound import (
    PEAK,
    clip_frames,
    clip_memorisation_check,
    frames_to_audio,
    log_mel,
    wav_bytes,
)
from genvsdisc.models.audio.frames import clip_lengths


def _row(frames: np.ndarray, T: int) -> np.ndarray:
    out = np.full((T, frames.shape[1]), np.nan)
    out[: len(frames)] = frames
    return out.ravel()


def _chirp(f0, f1, seconds=0.5, rate=8000):
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * (f0 + (f1 - f0) * t / seconds / 2) * t)).astype(np.float32)


def test_clip_frames_stop_at_the_end_and_fill_inner_gaps():
    frames = np.arange(12.0).reshape(4, 3)
    frames[1] = np.nan  # a frame missing inside the clip
    clip = clip_frames(_row(frames, 7), 3)
    assert clip.shape == (4, 3) and np.isfinite(clip).all()
    assert np.allclose(clip[1], np.nanmean(frames, axis=0))


def test_inversion_gives_seeded_sound_whose_mfccs_resemble_the_original():
    rising, falling = _chirp(300, 2500), _chirp(2500, 300)
    a, b = mfcc_frames(rising), mfcc_frames(falling)
    T = len(a) + 5
    wave = frames_to_audio(_row(a, T))
    assert wave.dtype == np.float32 and np.isfinite(wave).all()
    assert np.isclose(np.abs(wave).max(), PEAK)
    # hop * (frames - 1) samples: 32 ms a frame at 8 kHz
    assert len(wave) == MFCC_PARAMS["hop_length"] * (len(a) - 1)
    assert np.array_equal(wave, frames_to_audio(_row(a, T)))  # seeded Griffin-Lim
    # rough, but the word's shape survives: the MFCCs of the sound are nearer
    # the clip they came from than the same sweep played backwards
    again = mfcc_frames(wave)[: len(a), 1:]  # coefficient 0 is loudness, rescaled
    assert np.linalg.norm(again - a[: len(again), 1:]) < np.linalg.norm(again - b[: len(again), 1:])


def test_wav_bytes_are_16_bit_at_the_rate():
    data, rate = sf.read(io.BytesIO(wav_bytes(np.full(800, 2.0, np.float32))), dtype="int16")
    info = sf.info(io.BytesIO(wav_bytes(np.zeros(800, np.float32))))
    assert rate == 8000 and info.subtype == "PCM_16" and len(data) == 800
    assert data.max() == 32767  # clipped to [-1, 1], not wrapped


def test_log_mel_has_a_band_per_mel_and_a_column_per_frame():
    frames = mfcc_frames(_chirp(300, 2500))
    picture = log_mel(_row(frames, len(frames) + 3))
    assert picture.shape == (MFCC_PARAMS["n_mels"], len(frames)) and np.isfinite(picture).all()


def test_nearest_distance_of_an_identical_long_row_is_zero():
    # scikit-learn's dot-product distance leaves ~1e-6 on such rows: not a copy
    rng = np.random.default_rng(0)
    X = rng.normal(300, 100, (50, 1000))
    out = memorisation_check(X[:10], X, rng.normal(300, 100, (20, 1000)))
    assert out["copies"] == 10 and out["test_copies"] == 0


def test_clip_memorisation_finds_copied_clips_only(tones):
    train, test = train_test_split(tones, test_size=0.3, random_state=0)
    copied = clip_memorisation_check(train.X[:5], train.X, test.X)
    fresh = clip_memorisation_check(test.X, train.X[:10], train.X[10:])
    assert copied["copies"] == 5 and copied["copying"]
    assert fresh["copies"] == 0 and not fresh["copying"]
    assert check_memorisation(train.X[:5], train, test) == copied


def test_generate_audio_judges_and_checks_clips(tones):
    result = generate(tones, "hmm", n_per_class=4, params={"n_states": 2}, seed=0)
    T, c = tones.frame_shape
    assert result.samples.shape == (8, T * c) and result.frame_shape == (T, c)
    assert result.sample_rate == 8000 and result.judge == "clip_svm"
    assert result.judge_accuracy >= 0.9  # low and high tones: an easy task
    # the verdicts are the judge's on the samples (how good they are is a finding
    # of the experiment, not a property of the plumbing)
    assert result.agreement == np.mean(result.judged == result.intended)
    assert set(result.judged) <= {0, 1} and result.memorisation["copies"] == 0
    assert result.notes == []  # NaN tails are clip ends, not rows with missing values


def test_generated_clips_are_laid_out_as_real_rows(tones):
    """Samples reach the judge and the memorisation check as real rows do: same width,
    values up to each clip's end, NaN after it, lengths the training clips have."""
    result = generate(tones, "hmm", n_per_class=4, params={"n_states": 2}, temperature=0.5)
    assert result.temperature == 0.5  # recorded, so every figure can say so
    train, _ = train_test_split(tones, test_size=0.3, random_state=0)
    T, c = tones.frame_shape
    frames = result.samples.reshape(-1, T, c)
    lengths = clip_lengths(frames)
    assert set(lengths) <= set(clip_lengths(train.X.reshape(-1, T, c)))
    inside = np.arange(T) < lengths[:, None]
    assert not np.isnan(frames[inside]).any() and np.isnan(frames[~inside]).all()
