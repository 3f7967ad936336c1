"""The deep image models (cnn, cvae, diffusion): contracts, sampling, seeding, missing pixels."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.datasets import load_digits

from genvsdisc.exceptions import CannotGenerateError, DataError, MissingValuesError, ParameterError
from genvsdisc.models import make
from genvsdisc.models.torch.cnn import CNNClassifier
from genvsdisc.models.torch.diffusion import DiffusionClassifier, cosine_alpha_bar
from genvsdisc.models.torch.vae import CVAEClassifier

TINY = {
    "cnn": {"epochs": 1, "channels": 4, "hidden": 16, "batch_size": 32},
    "cvae": {"epochs": 2, "hidden": 16, "latent_dim": 2, "n_importance": 4},
    "diffusion": {"epochs": 1, "hidden": 16, "n_blocks": 1, "sample_steps": 4, "n_trials": 2},
}
GENERATIVE = ["cvae", "diffusion"]


@pytest.fixture(scope="module")
def digits():
    """240 digits (8x8, pixels in [0, 1]), 4 classes; 200 to train, 40 to test."""
    X, y = load_digits(return_X_y=True)
    keep = np.flatnonzero(y < 4)[:240]
    X, y = X[keep] / 16.0, y[keep]
    return X[:200], y[:200], X[200:], y[200:]


@pytest.fixture(scope="module")
def fitted(digits):
    """Each tiny model fitted once on the digits (the tests only read them)."""
    X, y, _, _ = digits
    return {name: make(name, **params).fit(X, y) for name, params in TINY.items()}


@pytest.mark.parametrize("name", list(TINY))
def test_predict_proba_rows_sum_to_one(fitted, digits, name):
    _, _, X_test, _ = digits
    proba = fitted[name].predict_proba(X_test)
    assert proba.shape == (len(X_test), 4)
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-6)
    assert set(fitted[name].predict(X_test)) <= {0, 1, 2, 3}


@pytest.mark.parametrize("name", GENERATIVE)
def test_score_samples_is_logsumexp_of_joint(fitted, digits, name):
    _, _, X_test, _ = digits
    model = fitted[name]
    joint = model.predict_joint_log_proba(X_test)
    np.testing.assert_allclose(model.score_samples(X_test), logsumexp(joint, axis=1), rtol=1e-10)
    np.testing.assert_allclose(
        model.predict_log_proba(X_test), joint - logsumexp(joint, axis=1, keepdims=True), atol=1e-10
    )


@pytest.mark.parametrize("name", GENERATIVE)
def test_sample_per_class_shape_range_and_labels(fitted, name):
    X_new, y_new = fitted[name].sample(6, y=[0, 0, 1, 2, 3, 3], random_state=0)
    assert X_new.shape == (6, 64)
    assert list(y_new) == [0, 0, 1, 2, 3, 3]
    assert X_new.min() >= 0 and X_new.max() <= 1


@pytest.mark.parametrize("name", GENERATIVE)
def test_sample_same_seed_same_images(fitted, name):
    a, _ = fitted[name].sample(3, y=2, random_state=5)
    b, _ = fitted[name].sample(3, y=2, random_state=5)
    c, _ = fitted[name].sample(3, y=2, random_state=6)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("name", GENERATIVE)
def test_sample_temperature_validated(fitted, name):
    with pytest.raises(ParameterError, match="'temperature' parameter .* must be a float"):
        fitted[name].sample(2, y=0, temperature=0)


@pytest.mark.parametrize("name", GENERATIVE)
def test_sample_temperature_is_an_argument_not_model_state(fitted, name):
    model = fitted[name]
    cold, _ = model.sample(3, y=1, random_state=0, temperature=0.3)
    warm, _ = model.sample(3, y=1, random_state=0, temperature=2.0)
    assert not np.allclose(cold, warm)
    assert not any(k.startswith("_temp") for k in vars(model))


@pytest.mark.parametrize("name", GENERATIVE)
def test_threads_sampling_one_model_at_different_temperatures_get_their_own(fitted, name):
    """The web app's threads share one fitted model; each call must see its own temperature."""
    model = fitted[name]
    temperatures = [0.2, 0.5, 1.0, 1.5, 3.0, 6.0] * 4
    expected = {t: model.sample(4, y=2, random_state=7, temperature=t)[0] for t in temperatures}
    with ThreadPoolExecutor(max_workers=6) as pool:
        got = list(
            pool.map(lambda t: model.sample(4, y=2, random_state=7, temperature=t)[0], temperatures)
        )
    for t, images in zip(temperatures, got, strict=True):
        np.testing.assert_array_equal(images, expected[t])


@pytest.mark.parametrize("name", list(TINY))
def test_fit_same_seed_same_model(digits, name):
    X, y, X_test, _ = digits
    a = make(name, **TINY[name]).fit(X, y).predict_proba(X_test)
    b = make(name, **TINY[name]).fit(X, y).predict_proba(X_test)
    c = make(name, **TINY[name], random_state=1).fit(X, y).predict_proba(X_test)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("name", list(TINY))
def test_fit_leaves_global_torch_random_state_alone(digits, name):
    import torch

    X, y, _, _ = digits
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    make(name, **TINY[name]).fit(X, y)
    np.testing.assert_array_equal(torch.rand(3).numpy(), expected.numpy())


@pytest.mark.parametrize("name", list(TINY))
def test_clone_keeps_params_and_is_unfitted(fitted, name):
    copy = clone(fitted[name])
    assert copy.get_params() == fitted[name].get_params()
    assert not hasattr(copy, "module_")


def test_cnn_sample_refuses_and_names_generative_models(fitted):
    with pytest.raises(CannotGenerateError, match="discriminative: it learned p\\(y\\|x\\) only"):
        fitted["cnn"].sample(1)


def test_cnn_learns_digits_better_than_chance(digits):
    X, y, X_test, y_test = digits
    cnn = CNNClassifier(epochs=8, channels=8, hidden=32, batch_size=16, augment=0.0).fit(X, y)
    assert np.mean(cnn.predict(X_test) == y_test) >= 0.8


def test_cvae_classifies_digits_better_than_chance(digits):
    X, y, X_test, y_test = digits
    vae = CVAEClassifier(epochs=40, hidden=32, latent_dim=4, lr=3e-3, batch_size=16).fit(X, y)
    assert np.mean(vae.predict(X_test) == y_test) >= 0.6  # chance: 0.25


def test_cnn_non_square_without_image_shape_is_refused():
    X = np.random.default_rng(0).random((20, 10))
    with pytest.raises(
        ParameterError, match="image_shape: X has 10 features, which is not a square"
    ):
        CNNClassifier(epochs=1).fit(X, np.arange(20) % 2)


def test_cnn_image_shape_must_match_features():
    X = np.random.default_rng(0).random((20, 12))
    with pytest.raises(
        ParameterError, match=r"image_shape: expected .* product is the 12 features"
    ):
        CNNClassifier(epochs=1, image_shape=(3, 5)).fit(X, np.arange(20) % 2)
    model = CNNClassifier(epochs=1, channels=2, hidden=4, image_shape=(3, 4)).fit(
        X, np.arange(20) % 2
    )
    assert model.predict_proba(X).shape == (20, 2)


def test_cvae_nan_pixels_are_integrated_out(fitted, digits):
    _, _, X_test, y_test = digits
    vae = fitted["cvae"]
    X_nan = X_test.copy()
    X_nan[:, ::2] = np.nan  # half the pixels missing
    joint = vae.predict_joint_log_proba(X_nan)
    assert np.isfinite(joint).all()
    # Fewer observed pixels -> a larger (less negative) log-likelihood of what is left.
    assert np.all(vae.score_samples(X_nan) > vae.score_samples(X_test))


def test_cvae_all_nan_row_is_refused(fitted, digits):
    X = digits[2][:2].copy()
    X[1] = np.nan
    with pytest.raises(MissingValuesError, match="every feature is NaN"):
        fitted["cvae"].predict(X)


def test_diffusion_nan_is_refused(fitted, digits):
    X = digits[2][:2].copy()
    X[0, 0] = np.nan
    with pytest.raises(MissingValuesError, match="cannot integrate missing features out"):
        fitted["diffusion"].predict(X)


@pytest.mark.parametrize("name", GENERATIVE)
def test_pixels_outside_unit_range_are_refused(digits, name):
    X, y, _, _ = digits
    with pytest.raises(
        DataError, match=r"X.*pixel intensities in \[0, 1\]; found values from 0 to 16"
    ):
        make(name, **TINY[name]).fit(X * 16, y)


#: (model, parameter, bad value, the start of scikit-learn's one-line message).
BAD_PARAMETERS = [
    (
        "cnn",
        "epochs",
        0,
        r"'epochs' parameter of CNNClassifier must be an int in the range \[1, inf\)",
    ),
    (
        "cnn",
        "dropout",
        1.5,
        r"'dropout' parameter of CNNClassifier must be a float in the range \[0.0, 0.9\]",
    ),
    (
        "cnn",
        "lr",
        float("inf"),
        r"'lr' parameter of CNNClassifier must be a float in the range \(0.0, inf\)",
    ),
    (
        "cnn",
        "image_shape",
        8,
        r"'image_shape' parameter of CNNClassifier must be an array-like or None",
    ),
    (
        "cvae",
        "latent_dim",
        "8",
        r"'latent_dim' parameter of CVAEClassifier must be an int in the range",
    ),
    (
        "cvae",
        "random_state",
        -1,
        r"'random_state' parameter of CVAEClassifier must be an int in the range \[0, 4294967295\]",
    ),
    (
        "cvae",
        "verbose",
        "yes",
        r"'verbose' parameter of CVAEClassifier must be an instance of 'bool'",
    ),
    (
        "diffusion",
        "sample_steps",
        5000,
        r"'sample_steps' parameter of DiffusionClassifier must be <= timesteps \(1000\)",
    ),
    (
        "diffusion",
        "device",
        "tpu",
        r"'device' parameter of DiffusionClassifier must be a str among \{.*\}. Got 'tpu'",
    ),
    (
        "diffusion",
        "eta",
        2.0,
        r"'eta' parameter of DiffusionClassifier must be a float in the range \[0.0, 1.0\]",
    ),
    (
        "diffusion",
        "timesteps",
        1,
        r"'timesteps' parameter of DiffusionClassifier must be an int in the range \[2, inf\)",
    ),
]


@pytest.mark.parametrize(("name", "param", "value", "match"), BAD_PARAMETERS)
def test_bad_parameters_are_refused_in_one_line(digits, name, param, value, match):
    X, y, _, _ = digits
    with pytest.raises(ParameterError, match=match) as err:
        make(name, **{**TINY[name], param: value}).fit(X, y)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("name", GENERATIVE)
def test_sample_option_the_model_does_not_take_is_refused(fitted, name):
    with pytest.raises(
        ParameterError, match=r"\.sample has no option 'top_k'; its options are: temperature\.$"
    ):
        fitted[name].sample(2, y=0, top_k=3)


def test_diffusion_takes_any_number_of_features():
    X = np.random.default_rng(0).random((40, 10))
    model = DiffusionClassifier(**TINY["diffusion"]).fit(X, np.arange(40) % 2)
    assert model.sample(2, y=1, random_state=0)[0].shape == (2, 10)


@pytest.mark.parametrize("eta", [0.0, 1.0])
def test_diffusion_deterministic_and_ancestral_sampling(digits, eta):
    X, y, _, _ = digits
    model = DiffusionClassifier(**TINY["diffusion"], eta=eta).fit(X, y)
    a, _ = model.sample(2, y=0, random_state=0)
    assert a.shape == (2, 64) and np.isfinite(a).all()


def test_cosine_schedule_is_monotone_and_ends_near_zero():
    abar = cosine_alpha_bar(1000)
    assert abar[0] == 1.0
    assert np.all(np.diff(abar.numpy()) < 0)
    assert 0 < abar[-1] < 1e-3


def test_diffusion_guidance_changes_samples(fitted):
    model = fitted["diffusion"]
    plain = clone(model).set_params(guidance=0.0)
    plain.__dict__.update({k: v for k, v in model.__dict__.items() if k.endswith("_")})
    plain.arch_ = {**model.arch_, "config": {**model.arch_["config"], "guidance": 0.0}}
    a, _ = model.sample(2, y=1, random_state=0)
    b, _ = plain.sample(2, y=1, random_state=0)
    assert not np.allclose(a, b)


def test_diffusion_is_an_instance_of_the_registry_factory():
    assert isinstance(make("diffusion"), DiffusionClassifier)
    assert isinstance(make("cvae"), CVAEClassifier)
    assert isinstance(make("cnn"), CNNClassifier)
