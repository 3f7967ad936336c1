"""The deep audio models (audio_cnn, audio_cvae, audio_diffusion) and their log-mel images."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone

from genvsdisc.exceptions import ParameterError
from genvsdisc.models import make
from genvsdisc.models.audio.frames import clip_lengths, pad_rows
from genvsdisc.models.torch.audio_logmel import LogMelImages, fill_dropped_frames

C, T = 4, 10  # coefficients per frame, frames per row

#: Small, fast versions of each model, for the contract tests (a second or two each).
TINY = {
    "audio_cnn": {"epochs": 2, "channels": 4, "hidden": 16, "batch_size": 16},
    "audio_cvae": {"epochs": 2, "hidden": 16, "latent_dim": 2, "n_importance": 4},
    "audio_diffusion": {"epochs": 2, "hidden": 16, "n_blocks": 1, "sample_steps": 5},
}
#: Enough training to learn the toy classes (a few seconds each).
LEARN = {
    "audio_cnn": {"epochs": 25, "channels": 4, "hidden": 16, "batch_size": 16},
    "audio_cvae": {"epochs": 100, "hidden": 32, "latent_dim": 2, "lr": 3e-3, "batch_size": 30},
    "audio_diffusion": {"epochs": 60, "hidden": 32, "n_blocks": 1, "batch_size": 16},
}
COMMON = {"frame_size": C, "n_mels": 8, "verbose": False, "device": "cpu"}
GENERATIVE = ["audio_cvae", "audio_diffusion"]


def _toy_clips(n_per_class=20, seed=0):
    """Three classes of MFCC clips (rows (n, T * C), NaN after a length of 5 to 9 frames).

    Each class has its own spectral tilt (second coefficient) and loudness
    course over time, plus noise.
    """
    rng = np.random.RandomState(seed)
    clips, y = [], []
    for k in range(3):
        for _ in range(n_per_class):
            L = rng.randint(5, 10)
            loudness = 20 + 15 * np.sin(np.pi * np.linspace(0, 1, L) * (k + 1))  # (L,)
            frames = np.zeros((L, C))
            frames[:, 0], frames[:, 1] = loudness, 8.0 * (k - 1)
            frames += rng.normal(scale=1.0, size=(L, C))
            clips.append(frames)
            y.append(k)
    return pad_rows(clips, T), np.array(y)


def _model(name, sizes=TINY, **extra):
    return make(name, **COMMON, **sizes[name], **extra)


@pytest.mark.parametrize("silence", [0.0, 0.3])
def test_logmel_round_trip_gives_back_the_mfccs_on_kept_frames(silence):
    X, _ = _toy_clips()
    transform = LogMelImages(frame_size=C, n_mels=8, silence=silence).fit(X)
    images = transform.transform(X)
    assert images.shape == (len(X), 8 * transform.n_frames_)
    assert np.nanmin(images) == silence and np.nanmax(images) < 1
    back = transform.inverse_transform(images)
    assert back.shape == X.shape
    kept = np.minimum(clip_lengths(X.reshape(len(X), T, C)), transform.n_frames_)
    assert np.array_equal(clip_lengths(back.reshape(len(X), T, C)), kept)
    for row, again, L in zip(X, back, kept, strict=True):
        np.testing.assert_allclose(again[: L * C], row[: L * C], atol=1e-9)
        assert np.isnan(again[L * C :]).all()


def test_logmel_cuts_long_clips_at_the_length_percentile_and_pads_with_silence():
    X, _ = _toy_clips()
    transform = LogMelImages(frame_size=C, n_mels=8).fit(X)
    lengths = clip_lengths(X.reshape(len(X), T, C))
    assert transform.n_frames_ == int(np.ceil(np.percentile(lengths, 95)))
    images = transform.transform(X).reshape(len(X), 8, transform.n_frames_)
    short = int(np.argmin(lengths))
    assert (images[short, :, lengths[short] :] == 0).all()  # the silence floor
    assert (images[short, :, : lengths[short]] > 0).all()  # under every real value
    assert LogMelImages(frame_size=C, n_mels=8, n_frames=6).fit(X).n_frames_ == 6


def test_logmel_keeps_a_dropped_frame_as_a_nan_column_and_fill_interpolates_it():
    X, _ = _toy_clips()
    transform = LogMelImages(frame_size=C, n_mels=8).fit(X)
    row = X[:1].copy()
    row[0, 2 * C : 3 * C] = np.nan  # frame 2 of a clip of at least 5 frames
    image = transform.transform(row).reshape(8, -1)
    assert np.isnan(image[:, 2]).all() and not np.isnan(np.delete(image, 2, axis=1)).any()
    filled = fill_dropped_frames(image.reshape(1, -1), image.shape).reshape(image.shape)
    np.testing.assert_allclose(filled[:, 2], (image[:, 1] + image[:, 3]) / 2)


def test_logmel_refuses_fewer_bands_than_coefficients():
    X, _ = _toy_clips()
    with pytest.raises(ParameterError, match=r"n_mels must be at least frame_size \(4\)"):
        LogMelImages(frame_size=C, n_mels=3).fit(X)


@pytest.mark.parametrize("name", list(TINY))
def test_audio_deep_model_learns_the_toy_classes(name):
    X, y = _toy_clips()
    Xt, yt = _toy_clips(seed=1)
    model = _model(name, LEARN).fit(X, y)
    proba = model.predict_proba(Xt)
    assert proba.shape == (len(Xt), 3)
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-6)
    assert model.n_features_in_ == T * C
    assert np.mean(model.predict(Xt) == yt) >= 0.8


@pytest.mark.parametrize("name", GENERATIVE)
def test_audio_generator_samples_clips_that_end_in_nan(name):
    X, y = _toy_clips()
    model = _model(name).fit(X, y)
    scores = model.score_samples(X[:5])
    assert scores.shape == (5,) and np.isfinite(scores).all()
    X_new, y_new = model.sample(6, y=[0, 0, 1, 1, 2, 2], random_state=0)
    assert X_new.shape == (6, T * C) and list(y_new) == [0, 0, 1, 1, 2, 2]
    frames = X_new.reshape(6, T, C)
    lengths = clip_lengths(frames)
    assert (lengths >= 1).all() and (lengths <= model.logmel_.n_frames_).all()
    for clip, L in zip(frames, lengths, strict=True):
        assert np.isfinite(clip[:L]).all() and np.isnan(clip[L:]).all()
    again, _ = model.sample(6, y=[0, 0, 1, 1, 2, 2], random_state=0)
    np.testing.assert_array_equal(np.isnan(again), np.isnan(X_new))
    np.testing.assert_allclose(np.nan_to_num(again), np.nan_to_num(X_new))


@pytest.mark.parametrize("name", list(TINY))
def test_audio_deep_model_clones_with_its_parameters(name):
    model = _model(name)
    params = model.get_params()
    assert {"frame_size", "n_mels", "n_frames", "epochs", "random_state"} <= set(params)
    assert clone(model).get_params() == params
    assert clone(model).set_params(n_mels=16).n_mels == 16


def test_audio_cvae_integrates_a_dropped_frame_out():
    X, y = _toy_clips()
    model = _model("audio_cvae").fit(X, y)
    row = X[:1].copy()
    row[0, 2 * C : 3 * C] = np.nan
    assert np.isfinite(model.predict_joint_log_proba(row)).all()
    # the cvae's decoder leaves the NaN pixels out: a different bound than the full clip's
    assert not np.allclose(model.score_samples(row), model.score_samples(X[:1]))


@pytest.mark.parametrize("name", list(TINY))
def test_audio_model_trains_on_clips_with_a_dropped_frame(name):
    """A frame dropped from a training clip is filled in time before the image model trains
    (the image cvae refused such rows with scikit-learn's raw NaN message)."""
    X, y = _toy_clips()
    X[3, 2 * C : 3 * C] = np.nan
    model = _model(name).fit(X, y)
    assert np.isfinite(model.predict_proba(X)).all()


@pytest.mark.parametrize("name", ["audio_cnn", "audio_diffusion"])
def test_audio_model_fills_a_dropped_frame_by_interpolation(name):
    X, y = _toy_clips()
    model = _model(name).fit(X, y)
    row = X[:1].copy()
    row[0, 2 * C : 3 * C] = np.nan
    images = model._images(row)
    assert not np.isnan(images).any()
    filled = model.logmel_.inverse_transform(images)
    np.testing.assert_allclose(
        model.predict_proba(row), model.predict_proba(np.where(np.isnan(row), filled, row))
    )


@pytest.mark.parametrize("name", list(TINY))
def test_audio_deep_model_zero_weight_equals_dropping_the_row(name):
    X, y = _toy_clips()
    weights = np.ones(len(X))
    weights[::7] = 0
    weighted = _model(name).fit(X, y, sample_weight=weights)
    dropped = _model(name).fit(X[weights > 0], y[weights > 0])
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("name", GENERATIVE)
def test_audio_generator_uses_given_priors(name):
    X, y = _toy_clips()
    model = _model(name, priors=[0.5, 0.3, 0.2]).fit(X, y)
    np.testing.assert_allclose(model.class_prior_, [0.5, 0.3, 0.2])


def test_audio_model_refuses_rows_of_partial_frames():
    X, y = _toy_clips()
    with pytest.raises(Exception, match="whole frames of frame_size=4"):
        _model("audio_cnn").fit(X[:, :-1], y)


@pytest.mark.parametrize("name", list(TINY))
def test_audio_deep_model_saves_and_loads_with_its_transform(name, tmp_path):
    from genvsdisc.models.torch import load_model, save_model

    X, y = _toy_clips()
    labels = np.array(["low", "mid", "high"])[y]  # text classes survive the round trip
    extra = {"priors": [0.5, 0.3, 0.2]} if name in GENERATIVE else {}
    model = _model(name, **extra).fit(X, labels)
    row = X[:4].copy()
    row[0, 2 * C : 3 * C] = np.nan  # a dropped frame: filled or integrated the same way
    loaded = load_model(save_model(model, tmp_path / "m.safetensors"))
    assert type(loaded) is type(model) and list(loaded.classes_) == list(model.classes_)
    for attr in ("n_frames_", "speech_threshold_", "floor_", "ceiling_", "silence"):
        np.testing.assert_array_equal(getattr(loaded.logmel_, attr), getattr(model.logmel_, attr))
    np.testing.assert_array_equal(loaded.predict_proba(row), model.predict_proba(row))
    if name in GENERATIVE:
        np.testing.assert_array_equal(loaded.class_prior_, model.class_prior_)
        drawn, again = model.sample(4, random_state=3), loaded.sample(4, random_state=3)
        np.testing.assert_array_equal(drawn[0], again[0])
        np.testing.assert_array_equal(drawn[1], again[1])


@pytest.mark.parametrize("name", list(TINY))
def test_registry_says_which_audio_models_fill_dropped_frames(name):
    from genvsdisc.models import get_spec

    spec = get_spec(name)
    fills = spec.estimator_class._fills_dropped_frames
    assert spec.fills_missing == ("interpolate" if fills else None)
    assert spec.handles_missing is not fills  # an interpolation is not an integral
