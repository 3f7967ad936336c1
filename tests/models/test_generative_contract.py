"""The generative contract, checked once for every classical generative model."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.model_selection import cross_val_score

from genvsdisc.exceptions import MissingValuesError, ParameterError
from genvsdisc.models import available

NAMES = ["gaussian_nb", "bernoulli_nb", "multinomial_nb", "lda", "qda", "gmm", "kde", "mppca"]


def _data(name, request):
    fixture = {"bernoulli_nb": "pixels", "multinomial_nb": "counts"}.get(name, "blobs")
    return request.getfixturevalue(fixture)


@pytest.fixture(params=NAMES)
def fitted(request, make_generative):
    """(name, fitted model, X, y) for every generative model on data it suits."""
    name = request.param
    X, y = _data(name, request)
    return name, make_generative(name).fit(X, y), X, y


def test_specs_name_every_model_once():
    specs = [s for s in available(family="generative", deep=False) if "tabular" in s.modalities]
    assert sorted(s.name for s in specs) == sorted(NAMES)
    for s in specs:
        assert s.family == "generative" and s.likelihood == "exact"
        assert s.factory().family == "generative"


def test_joint_logsumexp_equals_score_samples(fitted):
    _, model, X, _ = fitted
    jll = model.predict_joint_log_proba(X)
    np.testing.assert_allclose(logsumexp(jll, axis=1), model.score_samples(X), rtol=1e-12)


def test_predict_proba_equals_normalised_joint(fitted):
    _, model, X, _ = fitted
    jll = model.predict_joint_log_proba(X)
    expected = np.exp(jll - logsumexp(jll, axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-10, atol=1e-300)
    np.testing.assert_allclose(model.predict_proba(X).sum(axis=1), 1.0)
    assert np.array_equal(model.predict(X), model.classes_[jll.argmax(axis=1)])


def test_fit_learns_the_training_classes(fitted):
    _, model, X, y = fitted
    assert model.score(X, y) > 0.9


def test_sample_class_by_label_index_and_array(fitted):
    _, model, X, _ = fitted
    label = model.classes_[1]
    X_new, y_new = model.sample(5, y=label, random_state=0)
    assert X_new.shape == (5, X.shape[1]) and set(y_new) == {label}
    _, y_idx = model.sample(3, y=1, random_state=0)
    assert set(y_idx) == {label}
    wanted = np.array([model.classes_[0], label, model.classes_[0]])
    X_arr, y_arr = model.sample(1, y=wanted, random_state=0)
    assert np.array_equal(y_arr, wanted) and X_arr.shape == (3, X.shape[1])


def test_sample_is_reproducible_and_clip_keeps_training_range(fitted):
    name, model, X, _ = fitted
    a, _ = model.sample(50, random_state=3, clip=True)
    b, _ = model.sample(50, random_state=3, clip=True)
    assert np.array_equal(a, b)
    if name == "bernoulli_nb":  # draws binarized features: 0/1, left as drawn
        assert set(np.unique(a)) <= {0.0, 1.0}
        return
    assert np.all(a >= X.min(axis=0) - 1e-12) and np.all(a <= X.max(axis=0) + 1e-12)


def test_sample_unknown_class_raises(fitted):
    _, model, _, _ = fitted
    with pytest.raises(ParameterError, match="sample: unknown class 'zebra'; the classes are"):
        model.sample(2, y="zebra")


def test_sample_bad_count_raises(fitted):
    _, model, _, _ = fitted
    match = r"'n_samples' parameter of \w+\.sample must be an int in the range \[1, inf\)\. Got 0"
    with pytest.raises(ParameterError, match=match):
        model.sample(0)


def test_sample_option_the_model_does_not_take_raises(fitted):
    _, model, _, _ = fitted
    match = r"\w+\.sample has no option 'temperature'; its options are: none\.$"
    with pytest.raises(ParameterError, match=match):
        model.sample(2, temperature=0.5)


def test_row_of_only_nan_raises(fitted):
    _, model, X, _ = fitted
    X_bad = X[:2].copy()
    X_bad[1] = np.nan
    with pytest.raises(MissingValuesError, match="a row whose every feature is NaN"):
        model.predict(X_bad)


def test_nan_scores_are_finite_and_integrate_features_out(fitted):
    _, model, X, _ = fitted
    X_miss = X[:10].copy()
    X_miss[::2, 0] = np.nan
    scores = model.score_samples(X_miss)
    assert np.all(np.isfinite(scores))
    np.testing.assert_allclose(scores[1::2], model.score_samples(X[1:10:2]), rtol=1e-10)


def test_clone_gives_the_same_fit_and_cross_validation_runs(fitted, make_generative):
    name, model, X, y = fitted
    again = clone(model).fit(X, y)
    np.testing.assert_allclose(again.predict_joint_log_proba(X), model.predict_joint_log_proba(X))
    assert cross_val_score(make_generative(name), X, y, cv=2).mean() > 0.8


@pytest.mark.parametrize("name", ["gaussian_nb", "lda", "qda", "gmm", "kde"])
def test_string_labels_and_unlabeled_rows_accepted(name, make_generative, make_blobs):
    X, y = make_blobs(n_per_class=20)
    labels = np.array(["a", "b", "c"], dtype=object)[y]
    labels[::4] = None  # unknown labels: EM where supported, ignored otherwise
    model = make_generative(name).fit(X, labels)
    assert list(model.classes_) == ["a", "b", "c"]
    assert model.score(X[1::4], labels[1::4]) > 0.9


def test_kde_ignores_unlabeled_rows(make_generative, make_blobs):
    X, y = make_blobs(n_per_class=20)
    y_semi = y.copy()
    y_semi[::3] = -1
    a = make_generative("kde").fit(X, y_semi)
    b = make_generative("kde").fit(X[y_semi >= 0], y[y_semi >= 0])
    np.testing.assert_allclose(a.predict_joint_log_proba(X), b.predict_joint_log_proba(X))
    assert a.n_em_iter_ == 0


@pytest.mark.parametrize(
    ("name", "param", "value", "match"),
    [
        (
            "gaussian_nb",
            "var_smoothing",
            -1.0,
            r"^The 'var_smoothing' parameter of GaussianNaiveBayes must be a float in the "
            r"range \[0.0, inf\)\. Got -1.0 instead\.$",
        ),
        (
            "bernoulli_nb",
            "alpha",
            -1.0,
            r"'alpha' .* must be a float in the range \[0.0, inf\) or an array-like",
        ),
        ("gaussian_nb", "priors", "even", r"'priors' .* an array-like or None"),
        ("multinomial_nb", "fit_prior", "yes", r"'fit_prior' .* must be an instance of 'bool'"),
        ("multinomial_nb", "stop_words", "french", r"'stop_words' .* \{'english'\} or None"),
        ("multinomial_nb", "max_df", 0.0, r"'max_df' .* float in the range \(0.0, 1.0\]"),
        (
            "lda",
            "shrinkage",
            "big",
            r"'shrinkage' .* among \{'(auto|oas)', '(auto|oas)'\}, a float .* or None",
        ),
        ("qda", "reg_covar", -0.1, "'reg_covar' parameter of QuadraticDiscriminant"),
        ("qda", "standardize", "yes", "'standardize' parameter"),
        ("gmm", "n_components", 0, r"'n_components' .* int in the range \[1, inf\) or a str"),
        ("gmm", "covariance_type", "round", "'covariance_type' .* among .*'full'"),
        ("gmm", "reg_covar", 0.0, "'reg_covar' parameter of ClassMixture"),
        (
            "kde",
            "bandwidth",
            -1.0,
            r"'bandwidth' .* \{('(cv|scott|silverman)'(, )?){3}\} or a float",
        ),
        ("kde", "cv", 1, r"'cv' .* int in the range \[2, inf\)"),
        ("gaussian_nb", "unlabeled_weight", 2.0, r"'unlabeled_weight' .* float in .*\[0.0, 1.0\]"),
        ("gmm", "em_max_iter", -1, r"'em_max_iter' .* int in the range \[0, inf\)"),
    ],
)
def test_bad_parameter_raises_at_fit(name, param, value, match, blobs, make_generative):
    X, y = blobs
    model = make_generative(name).set_params(**{param: value})
    with pytest.raises(ParameterError, match=match):
        model.fit(np.abs(X), y)


def test_labels_must_match_rows(blobs, make_generative):
    X, y = blobs
    with pytest.raises(ParameterError, match="one label per row of X"):
        make_generative("lda").fit(X, y[:-1])


def test_only_unlabeled_rows_raises(blobs, make_generative):
    X, _ = blobs
    with pytest.raises(ParameterError, match="no labeled rows"):
        make_generative("gaussian_nb").fit(X, np.full(len(X), -1))


def test_inf_at_predict_raises(blobs, make_generative):
    X, y = blobs
    model = make_generative("qda").fit(X, y)
    X_bad = X[:2].copy()
    X_bad[0, 0] = np.inf
    with pytest.raises(ParameterError, match="X contains inf"):
        model.predict(X_bad)
