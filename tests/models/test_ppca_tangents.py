"""Tangent vectors in mppca's components: the tangents themselves, the density, EM, errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import map_coordinates, shift
from scipy.special import logsumexp
from scipy.stats import multivariate_normal
from sklearn.datasets import load_digits

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative._ppca_math import ppca_em_update, ppca_log_pdf
from genvsdisc.models.generative._tangents import TANGENT_NAMES, image_tangents
from genvsdisc.models.generative.ppca_mixture import PPCAMixture

H, W_ = 28, 24  # not square: catches a swapped axis


def _inner(flat):
    """Pixels at least 3 from the border (gradients there are one-sided)."""
    return flat.reshape(H, W_)[3:-3, 3:-3]


def _blob():
    """A smooth, tilted, off-centre elliptic blob: every tangent is non-zero."""
    rows, cols = np.mgrid[:H, :W_].astype(float)
    u, v = cols - 13.0, rows - 12.0
    a, b = (u + 0.4 * v) / 5.0, (v - 0.3 * u) / 3.5
    return np.exp(-0.5 * (a**2 + b**2))


@pytest.fixture
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:400] / 16, y[:400]


def test_x_shift_tangent_is_the_derivative_of_a_shifted_image():
    img, eps = _blob(), 1e-3
    # The content moves right (+x); the tangent's central differences are off by ~2 %.
    moved = shift(img, (0.0, eps), order=3, mode="nearest")
    (T,) = image_tangents(img.ravel()[None], (H, W_), ["x_shift"])
    fd = (moved - img).ravel() / eps
    assert np.abs(_inner(T[:, 0] - fd)).max() < 0.05 * np.abs(fd).max()


@pytest.mark.parametrize("name", [n for n in TANGENT_NAMES if n != "thickness"])
def test_affine_tangents_match_finite_differences(name):
    """I_a(p) = I(p - a v(p)) by spline interpolation, v the field the docstring names."""
    img, a = _blob(), 1e-3
    unit = min(H, W_) / 4
    rows, cols = np.mgrid[:H, :W_].astype(float)
    x, y = (cols - (W_ - 1) / 2) / unit, (rows - (H - 1) / 2) / unit
    v = {
        "x_shift": (1.0, 0.0),
        "y_shift": (0.0, 1.0),
        "rotation": (-y, x),
        "scaling": (x, y),
        "axis_deformation": (x, -y),
        "diagonal_deformation": (y, x),
    }[name]
    moved = map_coordinates(img, [rows - a * v[1], cols - a * v[0]], order=3, mode="nearest")
    fd = (moved - img).ravel() / a
    (T,) = image_tangents(img.ravel()[None], (H, W_), [name])
    assert np.abs(fd).max() > 0.05
    assert np.abs(_inner(T[:, 0] - fd)).max() < 0.05 * np.abs(fd).max()


def test_thickness_tangent_is_the_rate_of_a_growing_radial_stroke():
    rows, cols = np.mgrid[:H, :W_].astype(float)
    r = np.hypot(cols - 11.5, rows - 13.5)
    img = np.exp(-0.5 * (r / 4.0) ** 2)  # I(r) = f(r); dilating by t gives f(r - t)
    rate = r / 16.0 * img  # d/dt f(r - t) at t = 0 = -f'(r)
    (T,) = image_tangents(img.ravel()[None], (H, W_), ["thickness"])
    assert np.abs(T[:, 0] - rate.ravel()).max() < 0.03 * rate.max()


def test_em_step_with_fixed_tangents_never_lowers_the_likelihood():
    rng = np.random.RandomState(4)
    D = rng.normal(size=(150, 8)) @ rng.normal(size=(8, 8))
    D -= D.mean(axis=0)
    W, T, noise = rng.normal(size=(8, 2)), rng.normal(size=(8, 2)), 1.0
    lls = []
    for _ in range(15):
        lls.append(ppca_log_pdf(D, np.zeros(8), np.hstack([W, T]), noise).mean())
        W, noise = ppca_em_update(D, np.ones(150), W, noise, 1e-9, T)
    assert np.all(np.diff(lls) >= -1e-9) and lls[-1] > lls[0]


def test_density_with_tangents_is_the_dense_gaussian_and_its_marginals(digits):
    X, y = digits
    model = PPCAMixture(n_components=2, n_latent=4, tangents="all", tangent_scale=0.7)
    model.fit(X, y)
    mix, unit = model.mixtures_[3], model.scale_[0]  # pixels: one common unit
    assert model.tangent_names_ == TANGENT_NAMES and model.image_shape_ == (8, 8)
    T = image_tangents(mix.means * np.sqrt(unit), (8, 8)) / np.sqrt(unit)
    np.testing.assert_allclose(mix.tangents, 0.7 * T)
    rows = X[y == 3][:3].copy()
    rows[1, ::3] = np.nan
    rows[2, :40] = np.nan
    got = model.predict_joint_log_proba(rows)[:, 3] - model.class_log_prior_[3]
    for i, row in enumerate(rows):
        o = ~np.isnan(row)
        parts = []
        for w, m, A, s in zip(mix.weights, mix.means, mix.factors, mix.noises, strict=True):
            cov = unit * (A @ A.T + s * np.eye(64))
            assert np.linalg.eigvalsh(cov).min() >= unit * s * (1 - 1e-9)  # PSD, above noise
            ref = multivariate_normal(m[o] * np.sqrt(unit), cov[np.ix_(o, o)])
            parts.append(np.log(w) + ref.logpdf(row[o]))
        assert got[i] == pytest.approx(logsumexp(parts), rel=1e-9)


def test_samples_and_semi_supervised_em_with_tangents(digits):
    X, y = digits
    y_part = np.where(np.arange(len(y)) % 4 == 0, y, -1)
    model = PPCAMixture(n_components=1, n_latent=3, tangents=["x_shift", "rotation"])
    model.set_params(em_max_iter=3).fit(X, y_part)
    assert model.mixtures_[0].factors.shape == (1, 64, 5)
    draws, labels = model.sample(7, y=2, random_state=0)
    assert draws.shape == (7, 64) and set(labels.tolist()) == {2}
    assert np.isfinite(model.predict_proba(X[:5])).all()


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"tangents": ["spin"]}, r"'tangents' parameter of PPCAMixture must be 'all' or"),
        ({"tangents": ["x_shift", "x_shift"]}, r"'tangents' parameter .* Got \['x_shift'"),
        ({"tangents": "all", "image_shape": (4, 4)}, r"'image_shape' .* 64 features"),
        ({"tangent_scale": 0.0}, r"'tangent_scale' parameter of PPCAMixture must be a float"),
    ],
)
def test_bad_tangent_parameters_are_named(params, match, digits):
    X, y = digits
    with pytest.raises(ParameterError, match=match):
        PPCAMixture(**params).fit(X[:50], y[:50])


def test_non_square_rows_need_an_image_shape():
    X = np.random.RandomState(0).rand(40, 12)
    y = np.repeat([0, 1], 20)
    with pytest.raises(ParameterError, match=r"'image_shape' .* 12 features .* Got None"):
        PPCAMixture(n_latent=2, tangents="all").fit(X, y)
    model = PPCAMixture(n_latent=2, tangents="all", image_shape=(3, 4)).fit(X, y)
    assert model.image_shape_ == (3, 4)


def test_per_feature_noise_is_the_dense_factor_analyser_and_its_marginal():
    rng = np.random.RandomState(7)
    mean, W, psi = rng.normal(size=6), rng.normal(size=(6, 2)), rng.uniform(0.2, 2.0, 6)
    Z = rng.normal(size=(3, 6))
    Z[1, [0, 3]] = np.nan
    cov = W @ W.T + np.diag(psi)
    got = ppca_log_pdf(Z, mean, W, psi)
    for i, row in enumerate(Z):
        o = ~np.isnan(row)
        ref = multivariate_normal(mean[o], cov[np.ix_(o, o)]).logpdf(row[o])
        assert got[i] == pytest.approx(ref, rel=1e-10)


def test_per_feature_em_step_with_tangents_never_lowers_the_likelihood():
    rng = np.random.RandomState(8)
    D = rng.normal(size=(200, 7)) @ rng.normal(size=(7, 7)) * rng.uniform(0.3, 3, 7)
    D -= D.mean(axis=0)
    W, T, psi = rng.normal(size=(7, 2)), rng.normal(size=(7, 1)), np.ones(7)
    lls = []
    for _ in range(15):
        lls.append(ppca_log_pdf(D, np.zeros(7), np.hstack([W, T]), psi).mean())
        W, psi = ppca_em_update(D, np.ones(200), W, psi, 1e-9, T)
    assert psi.shape == (7,) and np.ptp(psi) > 0
    assert np.all(np.diff(lls) >= -1e-9) and lls[-1] > lls[0]


def test_per_feature_model_samples_and_scores(digits):
    X, y = digits
    model = PPCAMixture(n_components=1, n_latent=3, min_noise=0.01, noise="per_feature")
    model.fit(X, y)
    assert model.mixtures_[0].noises.shape == (1, 64)
    assert (model.predict(X) == y).mean() > 0.9
    draws, _ = model.sample(5, random_state=0)
    assert draws.shape == (5, 64)
    with pytest.raises(ParameterError, match=r"'noise' parameter of PPCAMixture must be a str"):
        PPCAMixture(noise="diagonal").fit(X, y)


def test_pooled_starts_are_one_mixture_with_equal_shares(digits):
    X, y = digits
    one = PPCAMixture(n_components=2, n_latent=3, min_rows_per_component=10).fit(X, y)
    model = PPCAMixture(n_components=2, n_latent=3, min_rows_per_component=10, n_starts=3)
    model.fit(X, y)
    mix = model.mixtures_[0]
    assert mix.means.shape == (6, 64) and mix.weights.sum() == pytest.approx(1.0)
    # The first start is the single fit's: its components carry a third of its weights.
    np.testing.assert_allclose(mix.weights[:2], one.mixtures_[0].weights / 3)
    np.testing.assert_allclose(mix.means[:2], one.mixtures_[0].means)
    jll = model.predict_joint_log_proba(X[:4])
    np.testing.assert_allclose(model.score_samples(X[:4]), logsumexp(jll, axis=1))


def test_two_sided_score_is_the_dense_gaussian_with_the_test_images_tangents(digits):
    X, y = digits
    model = PPCAMixture(n_components=2, n_latent=4, tangents="all", tangent_scale=0.5).fit(X, y)
    rows, g, unit = X[:2], 0.7, model.scale_[0]
    got = model.two_sided_joint_log_proba(rows, tangent_scale=g)
    mix = model.mixtures_[5]
    for i, x in enumerate(rows):
        G = image_tangents(x[None], (8, 8))[0] * g  # the row's own tangents, pixel units
        ref = logsumexp(
            [
                np.log(w)
                + multivariate_normal(
                    m * np.sqrt(unit), unit * (A @ A.T + s * np.eye(64)) + G @ G.T
                ).logpdf(x)
                for w, m, A, s in zip(mix.weights, mix.means, mix.factors, mix.noises, strict=True)
            ]
        )
        assert got[i, 5] - model.class_log_prior_[5] == pytest.approx(ref, rel=1e-9)
    tiny = model.two_sided_joint_log_proba(rows, tangent_scale=1e-9)
    np.testing.assert_allclose(tiny, model.predict_joint_log_proba(rows), rtol=1e-9)
    hidden = rows.copy()
    hidden[0, 3] = np.nan
    with pytest.raises(ParameterError, match="complete rows .* got 1 rows with NaN"):
        model.two_sided_joint_log_proba(hidden)
    with pytest.raises(ParameterError, match="'tangent_scale' parameter of two_sided"):
        model.two_sided_joint_log_proba(rows, tangent_scale=-1.0)


def test_two_sided_score_can_use_a_subset_of_the_test_images_tangents(digits):
    X, y = digits
    model = PPCAMixture(n_components=2, n_latent=4).fit(X, y)
    rows, unit = X[:2], model.scale_[0]
    names = ("x_shift", "rotation")
    got = model.two_sided_joint_log_proba(rows, tangent_scale=0.8, tangents=names)
    mix = model.mixtures_[3]
    G = image_tangents(rows[:1], (8, 8), names)[0] * 0.8
    ref = logsumexp(
        [
            np.log(w)
            + multivariate_normal(
                m * np.sqrt(unit), unit * (A @ A.T + s * np.eye(64)) + G @ G.T
            ).logpdf(rows[0])
            for w, m, A, s in zip(mix.weights, mix.means, mix.factors, mix.noises, strict=True)
        ]
    )
    assert got[0, 3] - model.class_log_prior_[3] == pytest.approx(ref, rel=1e-9)
    assert not np.allclose(got, model.two_sided_joint_log_proba(rows, 0.8))
    with pytest.raises(ParameterError, match=r"'tangents' parameter of PPCAMixture .* \['spin'\]"):
        model.two_sided_joint_log_proba(rows, tangents=["spin"])
    with pytest.raises(ParameterError, match="'tangents' parameter of two_sided"):
        model.two_sided_joint_log_proba(rows, tangents=None)
