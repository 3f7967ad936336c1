"""logreg's default C: one warm-started path on a validation split, then one fit on all rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold

from genvsdisc.models.discriminative.linear import LogReg

CS = (0.01, 0.1, 1.0, 10.0, 100.0)


def test_chosen_C_has_the_lowest_validation_loss_and_is_refitted_on_all_rows():
    X, y = load_digits(return_X_y=True)
    X, y = X[:600] / 16.0, y[:600]
    model = LogReg(Cs=CS).fit(X, y)
    losses = model.validation_log_loss_
    assert losses.shape == (len(CS),)
    tried = np.flatnonzero(~np.isnan(losses))
    assert np.array_equal(tried, np.arange(tried[0], tried[-1] + 1))  # one contiguous walk
    assert 2 in tried  # it starts at the candidate nearest C=1
    assert model.C_ == CS[int(np.nanargmin(losses))]
    # the final fit is the optimum for C_ on all rows, to the solver's tol (1e-4),
    # as close as a plain scikit-learn fit at that tol comes (0.02 here)
    exact = LogisticRegression(C=model.C_, max_iter=1000, tol=1e-8).fit(X, y)
    assert np.abs(model.predict_proba(X) - exact.predict_proba(X)).max() < 0.05
    assert np.mean(model.predict(X) == exact.predict(X)) > 0.99


def test_walk_goes_towards_lower_loss_and_stops_where_it_rises():
    X, y = load_breast_cancer(return_X_y=True)
    model = LogReg(Cs=CS).fit(X, y)
    losses = model.validation_log_loss_
    tried = np.flatnonzero(~np.isnan(losses))
    best = int(np.nanargmin(losses))
    # every tried step towards the best lowered the loss; the step past it (if any) raised it
    path = losses[tried]
    if best > 2:
        assert np.all(np.diff(losses[2 : best + 1]) < 0)
    if best < 2:
        assert np.all(np.diff(losses[best:3]) < 0)
    assert np.isfinite(path).all()


def test_validation_split_is_the_first_of_the_given_folds():
    X, y = load_breast_cancer(return_X_y=True)
    train, val = next(StratifiedKFold(4, shuffle=True, random_state=3).split(X, y))
    model = LogReg(Cs=(1.0,), cv=[(train, val)], standardize=False, max_iter=5000).fit(X, y)
    # the path's fits rank the Cs and stop at 10x tol
    path = LogisticRegression(C=1.0, max_iter=5000, tol=1e-3).fit(X[train], y[train])
    expected = log_loss(y[val], path.predict_proba(X[val]))
    np.testing.assert_allclose(model.validation_log_loss_[0], expected, rtol=1e-9)


def test_given_C_fits_once_without_a_path():
    X, y = load_breast_cancer(return_X_y=True)
    model = LogReg(C=0.5).fit(X, y)
    assert model.C_ == 0.5 and model.validation_log_loss_ is None


def _val_loss(C, X_tr, y_tr, X_val, y_val):
    model = LogisticRegression(C=C, max_iter=5000, tol=1e-10).fit(X_tr, y_tr)
    return log_loss(y_val, model.predict_proba(X_val), labels=np.unique(y_tr))


def test_validation_slope_has_the_sign_of_the_loss_along_C():
    """The slope that orders the walk agrees with a finite difference in log C.

    Multiclass dense (digits: the loss falls with C at C=1), binary (breast
    cancer, both sides of its best C) and sparse rows.
    """
    import scipy.sparse as sp

    from genvsdisc.models.discriminative._c_path import validation_proba, validation_slope

    X_d, y_d = load_digits(return_X_y=True)
    X_b, y_b = load_breast_cancer(return_X_y=True)
    X_b = (X_b - X_b.mean(axis=0)) / X_b.std(axis=0)
    cases = [(X_d[:900] / 16.0, y_d[:900], 1.0), (X_b, y_b, 100.0), (X_b, y_b, 0.01)]
    cases.append((sp.csr_matrix(X_d[:900] / 16.0), y_d[:900], 1.0))
    for X, y, C in cases:
        tr, val = next(StratifiedKFold(5, shuffle=True, random_state=0).split(X, y))
        model = LogisticRegression(C=C, max_iter=5000, tol=1e-10).fit(X[tr], y[tr])
        proba = validation_proba(model, X[val], np.unique(y))
        np.testing.assert_allclose(proba, model.predict_proba(X[val]), rtol=1e-12, atol=1e-15)
        slope = validation_slope(model, proba, X[val], y[val])
        up, down = (_val_loss(C * f, X[tr], y[tr], X[val], y[val]) for f in (1.5, 1 / 1.5))
        assert np.sign(slope) == np.sign(up - down), (C, slope, up - down)


def test_walk_tries_the_slope_s_direction_first():
    """On digits the loss falls with C from C=1: no smaller C is fitted."""
    X, y = load_digits(return_X_y=True)
    model = LogReg(Cs=CS).fit(X[:900] / 16.0, y[:900])
    losses = model.validation_log_loss_
    assert np.isnan(losses[:2]).all() and np.isfinite(losses[2:4]).all()
    assert model.C_ > 1.0


def test_path_runs_on_a_stratified_sample_and_the_final_fit_on_all_rows():
    X, y = load_digits(return_X_y=True)
    X, y = X / 16.0, y
    model = LogReg(Cs=CS, path_max_rows=300)
    train, val = model._validation_split(y)
    assert abs(len(train) + len(val) - 300) <= 10  # rounding per class
    assert (
        np.array_equal(np.unique(y[train]), np.unique(y)) and len(np.intersect1d(train, val)) == 0
    )
    full_train, full_val = LogReg(Cs=CS, path_max_rows=None)._validation_split(y)
    assert np.isin(train, full_train).all() and np.isin(val, full_val).all()  # a sample of each
    model.fit(X, y)
    exact = LogisticRegression(C=model.C_, max_iter=5000, tol=1e-8).fit(X, y)
    assert np.mean(model.predict(X) == exact.predict(X)) > 0.99  # fitted on every row


def test_validation_log_loss_is_scikit_learn_s_with_weights_and_unseen_classes():
    from genvsdisc.models.discriminative._c_path import validation_log_loss, validation_proba

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    seen = y[:400] != 9  # a model that never saw class 9
    model = LogisticRegression(max_iter=2000).fit(X[:400][seen], y[:400][seen])
    classes = np.unique(y)
    proba = validation_proba(model, X[400:700], classes)
    assert np.all(proba[:, 9] == 0)
    w = np.random.default_rng(0).uniform(0.5, 2.0, 300)
    expected = log_loss(y[400:700], proba, sample_weight=w, labels=classes)
    assert validation_log_loss(proba, y[400:700], classes, w) == pytest.approx(expected, rel=1e-12)


def test_final_fit_by_newton_cg_after_a_slow_path_reaches_the_same_optimum():
    """With many weights for the rows the final fit is Newton-CG from the path's
    coefficients: its objective is as close to the optimum as a plain lbfgs fit's at tol."""
    from genvsdisc.models.discriminative._c_path import final_solver

    X, y = load_digits(return_X_y=True)
    X, y = X[:1200] / 16.0, y[:1200]
    model = LogReg(Cs=CS).fit(X, y)
    assert model.estimator_.solver == "newton-cg"  # 650 weights for 1,200 rows
    assert final_solver(250, 50_000) == "lbfgs" and final_solver(650, 6_500) == "newton-cg"
    assert final_solver(650, 900) == "lbfgs"  # few rows: lbfgs converges further

    def objective(est):  # scikit-learn's: sum of log-losses + |W|^2 / (2 C)
        return len(y) * log_loss(y, est.predict_proba(X)) + (est.coef_**2).sum() / (2 * model.C_)

    exact = LogisticRegression(C=model.C_, max_iter=20000, tol=1e-10).fit(X, y)
    plain = LogisticRegression(C=model.C_, max_iter=1000).fit(X, y)  # lbfgs at tol 1e-4
    gap_ours = objective(model.estimator_) - objective(exact)
    assert 0 <= gap_ours <= max(objective(plain) - objective(exact), 1e-3)
    assert np.mean(model.predict(X) == exact.predict(X)) > 0.99
