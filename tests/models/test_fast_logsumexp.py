"""genvsdisc's logsumexp gives scipy's bits (and falls back to scipy off its fast path)."""

import numpy as np
import pytest
from scipy.special import logsumexp as scipy_logsumexp

from genvsdisc.models.fast_logsumexp import logsumexp


@pytest.mark.parametrize(
    ("shape", "axis"), [((300, 4), 1), ((300, 10), 1), ((7, 3), 0), ((5,), None), ((4, 6), None)]
)
@pytest.mark.parametrize("keepdims", [False, True])
def test_same_bits_as_scipy(shape, axis, keepdims):
    rng = np.random.default_rng(0)
    a = rng.normal(size=shape) * 300
    a.flat[: min(3, a.size)] = 2.0  # ties at the maximum
    expected = scipy_logsumexp(a, axis=axis, keepdims=keepdims)
    got = logsumexp(a, axis=axis, keepdims=keepdims)
    assert np.shape(got) == np.shape(expected)
    np.testing.assert_array_equal(got, expected)


def test_non_finite_and_other_inputs_go_to_scipy():
    a = np.array([[0.0, -np.inf], [-np.inf, -np.inf], [np.inf, 1.0]])
    np.testing.assert_array_equal(logsumexp(a, axis=1), scipy_logsumexp(a, axis=1))
    assert logsumexp([1.0, 2.0]) == scipy_logsumexp([1.0, 2.0])
    b = np.array([1.0, 2.0], dtype=np.float32)
    assert logsumexp(b) == scipy_logsumexp(b)
