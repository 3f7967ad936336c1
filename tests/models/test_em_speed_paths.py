"""Semi-supervised EM's shortcuts give the same numbers as the textbook loop."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.datasets import load_digits

from genvsdisc.models import make


def _textbook_history(model, X_lab, R_lab, X_unl, weight):
    """Nigam et al.'s loop as written: a fresh E-step pass, then the M-step, then the objective."""
    X_all = np.vstack([X_lab, X_unl])

    def objective():
        ll = float(np.sum(R_lab * model._joint_log_likelihood(X_lab)))
        log_px = logsumexp(model._joint_log_likelihood(X_unl), axis=1)
        return ll + weight * float(np.sum(log_px)) + model._log_param_prior()

    history = [objective()]
    for _ in range(model.em_max_iter):
        jll = model._joint_log_likelihood(X_unl)
        post = np.exp(jll - logsumexp(jll, axis=1, keepdims=True))
        model._m_step(X_all, np.vstack([R_lab, weight * post]))
        history.append(objective())
        if abs(history[-1] - history[-2]) <= 1e-6 * max(1.0, abs(history[-2])):
            break
    return history


@pytest.mark.parametrize("name", ["gmm", "lda", "gaussian_nb"])
def test_em_reusing_the_objectives_likelihoods_is_bit_identical(name):
    X, y = load_digits(return_X_y=True)
    X, y = X[:400] / 16, y[:400]
    labeled = np.arange(len(y)) % 10 == 0
    y_semi = np.where(labeled, y, -1)
    fitted = make(name, em_max_iter=4).fit(X, y_semi)
    # the same start: the labeled-only fit, then the textbook loop
    start = make(name, em_max_iter=4).fit(X[labeled], y[labeled])
    start._measure_units(X, None)  # units come from every training row, as in fit
    start._fit_weighted(X[labeled], (start.classes_ == y[labeled, None]).astype(float))
    reference = copy.deepcopy(start)
    R_lab = (start.classes_ == y[labeled, None]).astype(float)
    history = _textbook_history(reference, X[labeled], R_lab, X[~labeled], 1.0)
    assert fitted.em_log_likelihood_ == history
    np.testing.assert_array_equal(
        fitted.predict_joint_log_proba(X), reference.predict_joint_log_proba(X)
    )
