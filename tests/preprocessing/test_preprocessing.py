"""Deskew, MomentNormalize, Blur and augmentation: what they do, their errors, sklearn's checks."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative.ppca_mixture import PPCAMixture
from genvsdisc.preprocessing import (
    Augmented,
    Blur,
    Deskew,
    MomentNormalize,
    TestTimeAugmented,
    augment_images,
    transform_variants,
)

#: sklearn's checks feed 1 to 20 features, mostly not a square, which the steps refuse
#: (image_shape=None); these checks fail for that reason alone. The others (API, sparse,
#: empty data, one feature, feature names) run and pass; the tests below check the images.
_NOT_SQUARE = "reads rows as square images; the check's data have a non-square feature count"
_SHAPE_CHECKS = {
    "check_estimators_dtypes",
    "check_fit_score_takes_y",
    "check_transformer_data_not_an_array",
    "check_transformer_general",
    "check_transformer_preserve_dtypes",
    "check_methods_sample_order_invariance",
    "check_methods_subset_invariance",
    "check_fit2d_1sample",
    "check_dict_unchanged",
    "check_dont_overwrite_parameters",
    "check_fit_idempotent",
    "check_fit_check_is_fitted",
    "check_n_features_in",
    "check_estimators_pickle",
    "check_f_contiguous_array_estimator",
    "check_estimators_fit_returns_self",
    "check_readonly_memmap_input",
    "check_estimators_overwrite_params",
    "check_pipeline_consistency",
    "check_set_output_transform",
    "check_global_output_transform_pandas",
    "check_global_set_output_transform_polars",
    "check_set_output_transform_pandas",
    "check_set_output_transform_polars",
    "check_dtype_object",
    "check_estimators_nan_inf",
    "check_fit2d_predict1d",
}


def _expected(estimator):
    return dict.fromkeys(_SHAPE_CHECKS, _NOT_SQUARE)


@parametrize_with_checks([Deskew(), MomentNormalize(), Blur()], expected_failed_checks=_expected)
def test_sklearn_checks(estimator, check):
    check(estimator)


def _slanted_bar(shift=0):
    """A 9x9 image: a diagonal stroke from top-right to bottom-left (a slanted '1')."""
    img = np.zeros((9, 9))
    for r in range(1, 8):
        img[r, 7 - r + shift] = 1.0
    return img.reshape(1, -1)


def test_deskew_makes_a_slanted_stroke_upright():
    out = Deskew().fit_transform(_slanted_bar()).reshape(9, 9)
    cols = (out * np.arange(9)).sum(axis=1) / np.maximum(out.sum(axis=1), 1e-12)
    inked = out.sum(axis=1) > 0.5
    assert np.ptp(cols[inked]) < 0.6  # every inked row centred on one column
    assert abs(cols[inked].mean() - 4.0) < 0.3  # ... the centre column


def test_deskew_is_invariant_to_a_shift():
    a = Deskew().fit_transform(_slanted_bar(0))
    b = Deskew().fit_transform(_slanted_bar(1))
    np.testing.assert_allclose(a, b, atol=1e-9)


def test_deskew_keeps_a_blank_image_blank():
    assert not Deskew().fit_transform(np.zeros((2, 16))).any()


def _ink_box(images, side):
    """(centroid row, centroid col, height, width): 4 standard deviations of the ink."""
    img = images.reshape(side, side)
    r, c = np.mgrid[:side, :side]
    m = img.sum()
    r0, c0 = (img * r).sum() / m, (img * c).sum() / m
    sd_r = np.sqrt((img * (r - r0) ** 2).sum() / m)
    sd_c = np.sqrt((img * (c - c0) ** 2).sum() / m)
    return r0, c0, 4 * sd_r, 4 * sd_c


def test_moment_normalize_sets_size_centre_and_tempered_aspect():
    X = np.zeros((1, 28, 28))
    X[0, 8:20, 3:7] = 1.0  # a small, narrow, off-centre block
    out = MomentNormalize().fit_transform(X.reshape(1, -1))
    r0, c0, height, width = _ink_box(out, 28)
    assert abs(r0 - 13.5) < 0.3 and abs(c0 - 13.5) < 0.3  # centroid to the centre
    assert abs(height - 0.8 * 28) < 1.0  # the longer side to size * 28
    _, _, h_in, w_in = _ink_box(X, 28)
    aspect = np.sqrt(np.sin(np.pi / 2 * w_in / h_in))  # Liu et al.'s ARAN
    assert abs(width / height - aspect) < 0.06
    assert w_in / h_in < width / height < 1.0  # widened part of the way, not to a square


def test_moment_normalize_wide_images_and_size():
    X = np.zeros((1, 28, 28))
    X[0, 12:16, 6:22] = 1.0  # wider than tall: the width becomes the longer side
    _, _, height, width = _ink_box(MomentNormalize(size=0.6).fit_transform(X.reshape(1, -1)), 28)
    assert abs(width - 0.6 * 28) < 1.0 and height < width


def test_moment_normalize_is_invariant_to_shift_and_scale():
    digits = load_digits().images[:20]
    big = np.zeros((20, 24, 24))
    big[:, 4:20, 4:20] = np.kron(digits, np.ones((2, 2))) / 16  # each digit at twice the size
    moved = np.roll(big, (2, -3), axis=(1, 2))
    a = MomentNormalize().fit_transform(big.reshape(20, -1))
    b = MomentNormalize().fit_transform(moved.reshape(20, -1))
    np.testing.assert_allclose(a, b, atol=1e-9)  # where the digit sat does not matter
    half = np.zeros((20, 24, 24))
    half[:, 8:16, 8:16] = digits / 16  # the same digits at half the size
    c = MomentNormalize().fit_transform(half.reshape(20, -1))
    boxes = np.array([[_ink_box(x, 24)[2:] for x in y] for y in (a, c)])  # (2, 20, 2)
    np.testing.assert_allclose(boxes[0], boxes[1], rtol=0.06)  # one size, not 2x apart


def test_moment_normalize_keeps_a_blank_image_blank():
    assert not MomentNormalize().fit_transform(np.zeros((2, 16))).any()


def test_blur_spreads_ink_and_sigma_zero_is_identity():
    X = np.zeros((1, 25))
    X[0, 12] = 1
    np.testing.assert_allclose(Blur(sigma=0).fit_transform(X), X)
    out = Blur(sigma=1.0).fit_transform(X).reshape(5, 5)
    assert out[2, 2] < 1 and out[2, 1] > 0 and out[2, 1] == pytest.approx(out[1, 2])


@pytest.mark.parametrize("step", [Deskew(), MomentNormalize(), Blur()])
def test_steps_refuse_nan_with_one_line(step):
    X = np.zeros((2, 16))
    X[0, 3] = np.nan
    with pytest.raises(ValueError, match="Input X contains NaN"):
        step.fit(X)


def test_image_shape_errors_name_the_parameter():
    with pytest.raises(ParameterError, match=r"image_shape=None reads square images.*10 feat"):
        Deskew().fit(np.zeros((2, 10)))
    with pytest.raises(ParameterError, match=r"Blur: image_shape must be .* == 10.*\(3, 3\)"):
        Blur(image_shape=(3, 3)).fit(np.zeros((2, 10)))
    with pytest.raises(ParameterError, match="'sigma' parameter of Blur"):
        Blur(sigma=-1).fit(np.zeros((2, 4)))
    with pytest.raises(ParameterError, match=r"'size' parameter of MomentNormalize .*Got 0 "):
        MomentNormalize(size=0).fit(np.zeros((2, 4)))
    assert Deskew(image_shape=(2, 5)).fit(np.zeros((2, 10))).image_shape_ == (2, 5)


def test_feature_names_pass_through():
    names = Blur().fit(np.zeros((2, 4))).get_feature_names_out(["a", "b", "c", "d"])
    assert names.tolist() == ["a", "b", "c", "d"]


def test_augment_images_copies_shifts_and_rotations():
    X = np.zeros((2, 49))
    X[:, 24] = 1  # centre pixel of a 7x7 image
    X_aug, y_aug = augment_images(X, [3, 5], shift=1, angles=(90.0,))
    assert X_aug.shape == (12, 49) and y_aug.tolist() == [3, 5] * 6
    imgs = X_aug.reshape(-1, 7, 7)
    assert imgs[2, 4, 3] == 1  # first shifted copy: one row down
    np.testing.assert_allclose(imgs[10], imgs[0], atol=1e-12)  # the centre turns onto itself
    bar = np.zeros((1, 49))
    bar[0, [3, 10, 17, 24, 31, 38, 45]] = 1  # vertical bar through the centre
    turned = augment_images(bar, [0], shift=0, angles=(90.0,))[0][1].reshape(7, 7)
    np.testing.assert_allclose(turned[3], 1.0, atol=1e-12)  # ... is horizontal


def test_augmented_fits_on_copies_and_delegates():
    X, y = load_digits(return_X_y=True)
    X, y = X[:200] / 16, y[:200]
    model = Augmented(make_pipeline(Deskew(), Blur(), LogisticRegression(max_iter=300)))
    model.fit(X, y)
    assert model.n_train_rows_ == 200 * 7
    assert model.predict_proba(X[:3]).shape == (3, 10)
    assert not hasattr(model, "sample")  # a Pipeline cannot draw examples
    artist = Augmented(PPCAMixture(n_components=1, n_latent=3), shift=0, angles=()).fit(X, y)
    X_new, y_new = artist.sample(2, y=4, random_state=0)
    assert X_new.shape == (2, 64) and y_new.tolist() == [4, 4]
    assert artist.score_samples(X[:2]).shape == (2,)


def test_augment_images_diagonal_shifts_and_scales():
    X = np.zeros((1, 49))
    X[0, 24] = 1  # centre pixel of a 7x7 image
    X_aug, y_aug = augment_images(X, [2], shift=1, diagonal=True, angles=(), scales=(2.0,))
    assert X_aug.shape == (10, 49) and y_aug.tolist() == [2] * 10
    imgs = X_aug.reshape(-1, 7, 7)
    assert imgs[5, 4, 4] == 1  # first diagonal copy: one down, one right
    bar = np.zeros((1, 49))
    bar[0, [17, 24, 31]] = 1  # a 3-pixel vertical bar through the centre
    zoomed = augment_images(bar, [0], shift=0, angles=(), scales=(2.0,))[0][1].reshape(7, 7)
    assert zoomed[1, 3] > 0 and zoomed[5, 3] > 0  # twice as tall
    with pytest.raises(ParameterError, match="scales must be > 0"):
        augment_images(bar, [0], scales=(0.0,))


def test_transform_variants_identity_first_then_each_transform():
    X = np.arange(2 * 49, dtype=float).reshape(2, 49)
    variants = transform_variants(X, shift=1, angles=(5.0,), scales=(1.1,))
    assert len(variants) == 1 + 4 + 1 + 1 and all(v.shape == X.shape for v in variants)
    np.testing.assert_array_equal(variants[0], X)
    aug = augment_images(X, [0, 1], shift=1, angles=(5.0,), scales=(1.1,))[0]
    np.testing.assert_allclose(np.concatenate(variants), aug)  # the same transformations
    with pytest.raises(ParameterError, match="image_shape"):
        transform_variants(np.zeros((1, 5)))


def test_test_time_augmented_artist_and_detective():
    X, y = load_digits(return_X_y=True)
    X, y = X[:300] / 16, y[:300]
    plain = PPCAMixture(n_components=1, n_latent=3).fit(X, y)
    model = TestTimeAugmented(PPCAMixture(n_components=1, n_latent=3), angles=(5.0,))
    model.fit(X, y)
    proba = model.predict_proba(X[:5])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    # the artist's score: log mean over the 6 variants of p(T x, y), by hand
    jll = np.stack(
        [plain.predict_joint_log_proba(V) for V in transform_variants(X[:5], angles=(5.0,))]
    )
    expected = np.exp(jll - jll.max(axis=(0, 2), keepdims=True)).sum(axis=0)
    np.testing.assert_allclose(proba, expected / expected.sum(axis=1, keepdims=True), rtol=1e-6)
    assert model.sample(2, y=3, random_state=0)[0].shape == (2, 64)
    assert not hasattr(model, "score_samples")  # a score over variants is not a density
    # no variants: exactly the plain model
    same = TestTimeAugmented(PPCAMixture(n_components=1, n_latent=3), shift=0).fit(X, y)
    np.testing.assert_allclose(same.predict_proba(X[:5]), plain.predict_proba(X[:5]))
    detective = TestTimeAugmented(LogisticRegression(max_iter=300), shift=1).fit(X, y)
    assert detective.predict(X[:5]).shape == (5,)
    assert clone(model).get_params()["angles"] == (5.0,)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:2, :10])
