"""Iterated two-sided tangent scores: exact moves, the posterior move, and the score."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.ndimage import shift
from sklearn.datasets import load_digits

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative._ppca_math import _Mixture, ppca_log_pdf_moving
from genvsdisc.models.generative._tangents import TANGENT_NAMES, image_tangents, move_images
from genvsdisc.models.generative._two_sided import two_sided_class_scores
from genvsdisc.models.generative.ppca_mixture import PPCAMixture

H, W_ = 28, 24  # not square: catches a swapped axis


def _blob(dx=0.0, dy=0.0):
    """A smooth, tilted elliptic blob centred at (13 + dx, 12 + dy)."""
    rows, cols = np.mgrid[:H, :W_].astype(float)
    u, v = cols - 13.0 - dx, rows - 12.0 - dy
    a, b = (u + 0.4 * v) / 5.0, (v - 0.3 * u) / 3.5
    return np.exp(-0.5 * (a**2 + b**2)).ravel()


@pytest.mark.parametrize("j", range(6))
def test_a_small_move_is_the_tangent(j):
    """Central differences of the exact move are the tangent (bilinear at grid points)."""
    img, a = _blob()[None], np.zeros((1, len(TANGENT_NAMES)))
    a[0, j] = 1e-3
    moved = move_images(img, (H, W_), TANGENT_NAMES, a) - move_images(
        img, (H, W_), TANGENT_NAMES, -a
    )
    fd, T = moved[0] / 2e-3, image_tangents(img, (H, W_))[0, :, j]
    inner = (slice(1, -1), slice(1, -1))  # the border reads background (0) outside the frame
    err = np.abs(fd - T).reshape(H, W_)[inner].max()
    assert err < 1e-3 * np.abs(T).max()  # bilinear cross terms: second order in the move


def test_moves_are_whole_shifts_and_thickness_is_left_alone():
    img = _blob()[None]
    names = ("x_shift", "y_shift", "thickness")
    got = move_images(img, (H, W_), names, np.array([[2.0, -1.0, 5.0]]))
    want = shift(img[0].reshape(H, W_), (-1.0, 2.0), order=1, mode="constant")
    np.testing.assert_allclose(got[0], want.ravel(), atol=1e-12)
    np.testing.assert_allclose(move_images(img, (H, W_), names, np.zeros((1, 3))), img)


def test_posterior_move_is_the_dense_formula():
    rng = np.random.default_rng(0)
    d, q, t, n = 12, 3, 2, 4
    Z, mean, W = rng.normal(size=(n, d)), rng.normal(size=d), rng.normal(size=(d, q))
    G = rng.normal(size=(n, d, t))
    _, moves = ppca_log_pdf_moving(Z, mean, W, 0.7, G, return_moves=True)
    for i in range(n):
        cov = W @ W.T + 0.7 * np.eye(d) + G[i] @ G[i].T
        np.testing.assert_allclose(moves[i], G[i].T @ np.linalg.solve(cov, Z[i] - mean))


def test_moving_recovers_a_shift_the_first_order_step_cannot():
    """A blob 3 pixels off its class mean: moving it back scores it far higher."""
    mean, d = _blob(), H * W_
    mix = _Mixture(np.ones(1), mean[None], np.zeros((1, d, 1)), np.array([1e-3]))
    x = _blob(dx=3.0, dy=-2.0)[None]
    scale, names = np.ones(d), ("x_shift", "y_shift")
    one, two, three = (
        two_sided_class_scores([mix], x, scale, (H, W_), names, 1.0, n) for n in (0, 1, 3)
    )
    assert one[0, 0] < two[0, 0] < three[0, 0]
    assert three[0, 0] > one[0, 0] + 100  # most of the 3.6-pixel move is undone
    paid = two_sided_class_scores([mix], x, scale, (H, W_), names, 1.0, 3, move_cost=True)
    assert paid[0, 0] == pytest.approx(three[0, 0] - 0.5 * 13.0, abs=1.0)  # |a|^2 ~ 3^2 + 2^2


def test_the_method_takes_moves_and_names_a_bad_count():
    X, y = load_digits(return_X_y=True)
    model = PPCAMixture(n_components=2, n_latent=4).fit(X[:300] / 16, y[:300])
    rows = X[300:340] / 16
    zero = model.two_sided_joint_log_proba(rows, 1.0, n_moves=0)
    np.testing.assert_allclose(zero, model.two_sided_joint_log_proba(rows, 1.0))
    moved = model.two_sided_joint_log_proba(rows, 1.0, n_moves=1)
    assert moved.shape == zero.shape and not np.allclose(moved, zero)
    with pytest.raises(ParameterError, match="'n_moves' parameter of two_sided"):
        model.two_sided_joint_log_proba(rows, 1.0, n_moves=-1)
    smooth = model.two_sided_joint_log_proba(rows, 1.0, smoothing=1.0)
    assert smooth.shape == zero.shape and not np.allclose(smooth, zero)
    with pytest.raises(ParameterError, match="'smoothing' parameter of two_sided"):
        model.two_sided_joint_log_proba(rows, 1.0, smoothing=-0.5)
