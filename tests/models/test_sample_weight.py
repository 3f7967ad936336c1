"""sample_weight and class priors on every classical model, as scikit-learn spells them."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.calibration import CalibratedClassifierCV
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

from genvsdisc.exceptions import ParameterError
from genvsdisc.models import KNN, GenerativeClassifier, MultinomialNaiveBayes, make, model_names

_VECTOR_GENERATIVE = ["gaussian_nb", "bernoulli_nb", "multinomial_nb", "lda", "qda", "gmm", "kde"]
#: A fixed bandwidth: with "cv", per-class folds put a repeated row in two folds.
_PARAMS = {"kde": {"bandwidth": 0.5}, "gmm": {"n_components": 2, "min_rows_per_component": 10}}


def _model(name):
    return make(name, **_PARAMS.get(name, {}))


def _data(name, blobs, pixels, counts):
    if name == "bernoulli_nb":
        return pixels
    if name == "multinomial_nb":
        return counts
    return blobs


@pytest.mark.parametrize("name", _VECTOR_GENERATIVE)
def test_integer_weights_equal_repeated_rows_and_zero_equals_dropped(name, blobs, pixels, counts):
    X, y = _data(name, blobs, pixels, counts)
    weights = np.random.RandomState(0).randint(0, 4, size=len(y))
    weights[np.flatnonzero(y == y[0])[:2]] = 2  # every class keeps some weight
    repeated = _model(name).fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    weighted = _model(name).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-8)
    np.testing.assert_allclose(weighted.score_samples(X), repeated.score_samples(X), rtol=1e-8)
    np.testing.assert_allclose(weighted.class_count_, repeated.class_count_)


@pytest.mark.parametrize("name", ["gaussian_nb", "bernoulli_nb", "multinomial_nb", "lda", "qda"])
def test_weighted_fit_equals_weighted_chunked_partial_fit(name, blobs, pixels, counts):
    X, y = _data(name, blobs, pixels, counts)
    weights = np.random.RandomState(1).uniform(0.1, 3.0, size=len(y))
    full = make(name).fit(X, y, sample_weight=weights)
    chunked = make(name)
    for rows in np.array_split(np.random.RandomState(0).permutation(len(y)), 3):
        chunked.partial_fit(X[rows], y[rows], classes=np.unique(y), sample_weight=weights[rows])
    np.testing.assert_allclose(chunked.predict_proba(X), full.predict_proba(X), atol=1e-9)


def test_em_counts_unlabeled_rows_with_their_weights(blobs):
    X, y = blobs
    y_semi = y.copy()
    y_semi[::3] = -1
    weights = np.where(y_semi == -1, 2, 1)
    weighted = make("gaussian_nb").fit(X, y_semi, sample_weight=weights)
    rows = np.repeat(np.arange(len(y)), weights)
    repeated = make("gaussian_nb").fit(X[rows], y_semi[rows])
    np.testing.assert_allclose(weighted.theta_, repeated.theta_, rtol=1e-7)
    np.testing.assert_allclose(weighted.em_log_likelihood_, repeated.em_log_likelihood_, rtol=1e-9)


def test_ngram_whole_weights_equal_repeated_documents_and_fractions_are_refused(docs):
    texts, y = docs
    weights = np.array([2, 0, 1, 3, 1, 1, 1, 2, 0, 1, 1, 1])
    kw = {"order": 2, "min_count": 1}
    weighted = make("ngram_lm", **kw).fit(texts, y, sample_weight=weights)
    repeated = make("ngram_lm", **kw).fit(np.repeat(texts, weights), np.repeat(y, weights))
    np.testing.assert_allclose(
        weighted.predict_joint_log_proba(texts), repeated.predict_joint_log_proba(texts)
    )
    with pytest.raises(
        ParameterError, match="sample_weight of ngram_lm must hold whole numbers.*0.5"
    ):
        make("ngram_lm", **kw).fit(texts, y, sample_weight=np.full(len(y), 0.5))


@pytest.mark.parametrize("name", ["logreg", "hgb"])
def test_discriminative_integer_weights_equal_repeated_rows(name, blobs):
    X, y = blobs
    weights = np.random.RandomState(0).randint(1, 3, size=len(y))
    params = {"C": 1.0} if name == "logreg" else {"max_iter": 30}
    repeated = make(name, **params).fit(np.repeat(X, weights, axis=0), np.repeat(y, weights))
    weighted = make(name, **params).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-5)


def test_mlp_passes_weights_to_its_network(blobs):
    X, y = blobs
    weights = np.where(y == 0, 5.0, 1.0)
    plain = make("mlp", max_iter=1000).fit(X, y)
    weighted = make("mlp", max_iter=1000).fit(X, y, sample_weight=weights)
    assert not np.allclose(plain.predict_proba(X), weighted.predict_proba(X))


def test_linear_svm_weights_reach_the_svm_and_its_calibration(blobs):
    X, y = blobs
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    model = make("linear_svm", standardize=False).fit(X, y, sample_weight=weights)
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    reference = CalibratedClassifierCV(
        LinearSVC(max_iter=5000, random_state=0), method="sigmoid", cv=folds, ensemble=False
    ).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(model.predict_proba(X), reference.predict_proba(X))


def test_calibrating_gaussian_nb_with_weights_warns_nothing(blobs):
    # The suite turns warnings into errors: scikit-learn's "sample weights will only be
    # used for the calibration itself" would fail this test.
    X, y = blobs
    weights = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    calibrated = CalibratedClassifierCV(make("gaussian_nb")).fit(X, y, sample_weight=weights)
    assert calibrated.predict_proba(X).shape == (len(y), 3)


def test_knn_takes_no_sample_weight_as_scikit_learns(blobs):
    X, y = blobs
    with pytest.raises(TypeError, match="unexpected keyword argument 'sample_weight'"):
        KNN().fit(X, y, sample_weight=np.ones(len(y)))
    assert "knn" not in model_names(sample_weight=True)


def test_a_model_that_cannot_use_weights_refuses_them(blobs):
    class Unweighted(GenerativeClassifier):  # a model whose fit cannot use row weights
        def _fit_weighted(self, X, R):
            self._set_class_prior(R.sum(0))

    X, y = blobs
    with pytest.raises(ParameterError, match="Unweighted does not take sample_weight.*gaussian_nb"):
        Unweighted().fit(X, y, sample_weight=np.ones(len(y)))


def test_bad_sample_weight_is_refused_with_scikit_learns_message(blobs):
    X, y = blobs
    with pytest.raises(ParameterError, match=r"sample_weight: .*Negative values in data passed to"):
        make("lda").fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ParameterError, match=r"sample_weight: sample_weight.shape == \(3,\)"):
        make("lda").fit(X, y, sample_weight=np.ones(3))


# ---------------------------------------------------------------------- priors
@pytest.mark.parametrize(
    ("name", "param"),
    [
        ("gaussian_nb", "priors"),
        ("lda", "priors"),
        ("qda", "priors"),
        ("gmm", "priors"),
        ("kde", "priors"),
        ("bernoulli_nb", "class_prior"),
        ("multinomial_nb", "class_prior"),
    ],
)
def test_priors_set_the_class_prior_and_what_sample_draws(name, param, blobs, pixels, counts):
    X, y = _data(name, blobs, pixels, counts)
    n_classes = len(np.unique(y))
    priors = np.linspace(1.0, 3.0, n_classes)
    priors /= priors.sum()
    model = _model(name).set_params(**{param: priors}).fit(X, y)
    np.testing.assert_allclose(model.class_prior_, priors)
    n = 4000
    _, y_new = model.sample(n, random_state=0)
    shares = np.array([np.mean(y_new == c) for c in model.classes_])
    assert np.all(np.abs(shares - priors) < 5 * np.sqrt(priors * (1 - priors) / n))


@pytest.mark.parametrize(
    ("priors", "match"),
    [
        ([0.5, 0.5], "Number of priors must match number of classes: priors has 2 values"),
        ([0.2, 0.2, 0.2], "The sum of the priors should be 1; priors sums to 0.6"),
        ([-0.5, 0.5, 1.0], "Priors must be non-negative; priors holds -0.5"),
    ],
)
@pytest.mark.parametrize("name", ["gaussian_nb", "lda", "qda", "gmm", "kde"])
def test_bad_priors_are_refused_with_scikit_learns_messages(name, priors, match, blobs):
    X, y = blobs
    with pytest.raises(ParameterError, match=match):
        _model(name).set_params(priors=priors).fit(X, y)


def test_fit_prior_false_gives_a_uniform_prior(counts):
    X, y = counts
    model = make("multinomial_nb", fit_prior=False).fit(X[:40], y[:40])  # 30 a, 10 b
    np.testing.assert_allclose(model.class_prior_, [0.5, 0.5])


def test_alpha_vector_public():
    # scikit-learn's test_alpha_vector, less its call to the private _check_alpha
    X, y = np.array([[1, 0], [1, 1]]), np.array([0, 1])
    model = MultinomialNaiveBayes(alpha=np.array([1, 2]), force_alpha=False)
    model.partial_fit(X, y, classes=[0, 1])
    np.testing.assert_allclose(model.feature_log_prob_, np.log([[1 / 2, 1 / 2], [2 / 5, 3 / 5]]))
    with pytest.raises(ValueError, match="All values in alpha must be greater than 0."):
        MultinomialNaiveBayes(alpha=np.array([1.0, -0.1])).fit(X, y)
    with pytest.raises(ValueError, match="When alpha is an array, it should contains `n_features`"):
        MultinomialNaiveBayes(alpha=np.array([1.0, 2.0, 3.0])).fit(X, y)


def test_zero_weight_rows_do_not_widen_the_sampling_range():
    # a zero weight drops the row: sample(clip=True) must not reach its values
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.2, 0.1], [0.9, 0.8], [100.0, -100.0]])
    y = np.array([0, 1, 0, 1, 0])
    weighted = make("gaussian_nb").fit(X, y, sample_weight=[1, 1, 1, 1, 0])
    dropped = make("gaussian_nb").fit(X[:4], y[:4])
    np.testing.assert_array_equal(weighted.feature_min_, dropped.feature_min_)
    np.testing.assert_array_equal(weighted.feature_max_, dropped.feature_max_)


def test_a_class_weighing_nothing_is_named_plainly():
    X = np.array([[0.0, 0.1], [1.0, 0.9], [0.2, 0.3], [0.8, 0.7]])
    with pytest.raises(ParameterError, match=r"class 0 has a total sample_weight of 0"):
        make("gmm").fit(X, [0, 1, 0, 1], sample_weight=[0, 1, 0, 1])
