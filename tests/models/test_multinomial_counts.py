"""multinomial_nb's plain-label fit and count helpers add exactly what the general paths add."""

import numpy as np
import pytest
import scipy.sparse as sp

from genvsdisc.models import make
from genvsdisc.models.generative._counts import finite_totals, sparse_column_range


def _counts(seed, n=60, d=40):
    rng = np.random.RandomState(seed)
    X = rng.poisson(0.7, size=(n, d)).astype(float)
    X[:, 3] = 2.0  # a column every row holds: its minimum is not an implicit zero
    return X, rng.randint(0, 3, n)


@pytest.mark.parametrize("sparse", [False, True])
def test_plain_labels_equal_unit_weights(sparse):
    X, y = _counts(0)
    X = sp.csr_matrix(X) if sparse else X
    a = make("multinomial_nb").fit(X, y)
    b = make("multinomial_nb").fit(X, y, sample_weight=np.ones(len(y)))
    for attr in ["feature_count_", "feature_log_prob_", "class_log_prior_", "length_mean_"]:
        assert np.array_equal(getattr(a, attr), getattr(b, attr)), attr
    assert np.array_equal(a.feature_min_, b.feature_min_)
    assert np.array_equal(a.feature_max_, b.feature_max_)
    assert np.array_equal(a.predict_proba(X), b.predict_proba(X))


def test_sparse_column_range_as_scipy():
    X = sp.csr_matrix(_counts(1)[0])
    lo, hi = sparse_column_range(X)
    assert np.array_equal(lo, X.min(axis=0).toarray().ravel()) and lo[3] == 2.0
    assert np.array_equal(hi, X.max(axis=0).toarray().ravel())


def test_finite_totals():
    X = _counts(2)[0]
    assert np.array_equal(finite_totals(X), X.sum(axis=1))
    X[4, 5] = np.nan
    assert finite_totals(X) is None and finite_totals(sp.csr_matrix(X)) is None
