"""Naive Bayes: scikit-learn's fits, exact marginals, sampling, EM, partial_fit, text."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp
from scipy.stats import norm
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.generative.multinomial import MultinomialNaiveBayes
from genvsdisc.models.generative.naive_bayes import (
    BernoulliNaiveBayes,
    GaussianNaiveBayes,
)


def _text_model(**kw):
    return MultinomialNaiveBayes(min_df=1, max_df=1.0, **kw)


# ------------------------------------------------------------ same as sklearn
def test_gaussian_nb_posteriors_equal_sklearn(blobs):
    X, y = blobs
    ours, theirs = GaussianNaiveBayes().fit(X, y), GaussianNB().fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)


def test_bernoulli_nb_posteriors_equal_sklearn(pixels):
    X, y = pixels
    ours, theirs = BernoulliNaiveBayes().fit(X, y), BernoulliNB(binarize=0.5).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)


def test_multinomial_nb_posteriors_equal_sklearn(counts):
    X, y = counts
    ours = MultinomialNaiveBayes(length_model=None).fit(X, y)  # scikit-learn's has no length term
    theirs = MultinomialNB().fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-12)


# ------------------------------------------------------------ marginalisation
def test_gaussian_nb_nan_equals_model_on_observed_features(blobs):
    X, y = blobs
    model = GaussianNaiveBayes().fit(X, y)
    X_miss = X[:5].copy()
    X_miss[:, 1] = np.nan
    keep = [0, 2]
    log_lik = np.stack(
        [
            norm.logpdf(X[:5, keep], model.theta_[k, keep], np.sqrt(model.var_[k, keep])).sum(1)
            for k in range(3)
        ],
        axis=1,
    )
    expected = logsumexp(log_lik + model.class_log_prior_, axis=1)
    np.testing.assert_allclose(model.score_samples(X_miss), expected, rtol=1e-12)


def test_bernoulli_nb_nan_equals_model_on_observed_features(pixels):
    X, y = pixels
    model = BernoulliNaiveBayes().fit(X, y)
    X_miss = X[:4].copy()
    X_miss[:, :2] = np.nan
    restricted = BernoulliNB(binarize=0.5).fit(X[:, 2:], y)
    np.testing.assert_allclose(
        model.score_samples(X_miss),
        logsumexp(restricted.predict_joint_log_proba(X[:4, 2:]), axis=1),
        rtol=1e-12,
    )


def test_multinomial_nb_nan_equals_renormalised_model_on_observed_words(counts):
    X, y = counts
    model = MultinomialNaiveBayes(length_model=None).fit(X, y)  # length: test_length_model.py
    X_miss = X[:4].copy()
    X_miss[:, [0, 5]] = np.nan
    obs = [1, 2, 3, 4, 6, 7]
    x = X[:4, obs]
    theta = np.exp(model.feature_log_prob_[:, obs])
    theta /= theta.sum(axis=1, keepdims=True)  # the multinomial over the observed words
    coef = gammaln(x.sum(1) + 1) - gammaln(x + 1).sum(1)
    expected = logsumexp(coef[:, None] + x @ np.log(theta).T + model.class_log_prior_, axis=1)
    np.testing.assert_allclose(model.score_samples(X_miss), expected, rtol=1e-12)


def test_multinomial_nb_sparse_nan_equals_dense(counts):
    X, y = counts
    model = MultinomialNaiveBayes().fit(sp.csr_matrix(X), y)
    X_miss = X[:6].copy()
    X_miss[X_miss[:, 0] > 0, 0] = np.nan
    np.testing.assert_allclose(
        model.predict_joint_log_proba(sp.csr_matrix(X_miss)),
        model.predict_joint_log_proba(X_miss),
        rtol=1e-12,
    )


def test_multinomial_nb_score_is_a_probability_given_length():
    # All count vectors of total 3 over 3 words: probabilities sum to one.
    X = np.array([[3, 0, 0], [0, 3, 0], [0, 0, 3], [1, 2, 0], [2, 0, 1]], float)
    model = MultinomialNaiveBayes(length_model=None).fit(X, [0, 1, 2, 0, 1])
    grid = np.array([[a, b, 3 - a - b] for a in range(4) for b in range(4 - a)], float)
    np.testing.assert_allclose(np.exp(logsumexp(model.score_samples(grid))), 1.0)


# ------------------------------------------------------------------ sampling
N_DRAWS = 20_000


def test_gaussian_nb_samples_match_fitted_parameters(blobs):
    X, y = blobs
    model = GaussianNaiveBayes().fit(X, y)
    X_new, y_new = model.sample(N_DRAWS, random_state=0)
    prior = np.exp(model.class_log_prior_)
    freq = np.array([np.mean(y_new == c) for c in model.classes_])
    assert np.all(np.abs(freq - prior) < 5 * np.sqrt(prior * (1 - prior) / N_DRAWS))
    X_k, _ = model.sample(N_DRAWS, y=1, random_state=1)
    sd = np.sqrt(model.var_[1])
    assert np.all(np.abs(X_k.mean(0) - model.theta_[1]) < 5 * sd / np.sqrt(N_DRAWS))
    # var of a sample variance is 2 sigma^4 / n for Gaussian draws
    assert np.all(np.abs(X_k.var(0) - sd**2) < 5 * np.sqrt(2 / N_DRAWS) * sd**2)
    off = np.corrcoef(X_k.T)[np.triu_indices(3, 1)]
    assert np.all(np.abs(off) < 5 / np.sqrt(N_DRAWS))  # independent features


def test_bernoulli_nb_samples_are_binary_with_fitted_rates(pixels):
    X, y = pixels
    model = BernoulliNaiveBayes().fit(X, y)
    X_new, _ = model.sample(N_DRAWS, y=1, random_state=0)
    assert set(np.unique(X_new)) <= {0.0, 1.0}
    p = np.exp(model.feature_log_prob_[1])
    assert np.all(np.abs(X_new.mean(0) - p) < 5 * np.sqrt(p * (1 - p) / N_DRAWS))


def test_multinomial_nb_samples_are_counts_with_fitted_word_rates(counts):
    X, y = counts
    model = MultinomialNaiveBayes().fit(X, y)
    X_new, _ = model.sample(N_DRAWS, y="b", random_state=0)
    assert np.all(X_new == np.round(X_new)) and X_new.min() >= 0
    words = X_new.sum()
    theta = np.exp(model.feature_log_prob_[1])
    assert np.all(np.abs(X_new.sum(0) / words - theta) < 5 * np.sqrt(theta * (1 - theta) / words))
    mu, r = model.length_mean_[1], model.length_size_[1]
    sd = np.sqrt(mu + mu**2 / r)  # negative binomial (r = inf: Poisson)
    assert abs(X_new.sum(1).mean() - mu) < 5 * sd / np.sqrt(N_DRAWS)


# ---------------------------------------------------------------------- EM
@pytest.mark.parametrize(
    ("factory", "fixture"),
    [
        (GaussianNaiveBayes, "blobs"),
        (BernoulliNaiveBayes, "pixels"),
        (MultinomialNaiveBayes, "counts"),
    ],
)
def test_em_never_lowers_its_objective(factory, fixture, request):
    X, y = request.getfixturevalue(fixture)
    y_semi = np.array(y, dtype=object)
    y_semi[np.arange(len(y)) % 10 != 0] = None  # one label in ten
    model = factory(unlabeled_weight=0.7).fit(X, y_semi)
    history = np.array(model.em_log_likelihood_)
    assert model.n_em_iter_ >= 1 and len(history) == model.n_em_iter_ + 1
    assert np.all(np.diff(history) >= -1e-9 * np.abs(history[:-1]))


def test_em_objective_is_the_weighted_log_likelihood_plus_prior(counts):
    X, y = counts
    y_semi = y.astype(object)
    y_semi[5:25] = None
    model = MultinomialNaiveBayes(unlabeled_weight=0.5, em_max_iter=2).fit(X, y_semi)
    lab = np.array([v is not None for v in y_semi])
    jll = model.predict_joint_log_proba(X)
    R = (model.classes_ == y[:, None]).astype(float)[lab]
    expected = (R * jll[lab]).sum() + 0.5 * logsumexp(jll[~lab], axis=1).sum()
    expected += model.alpha * model.feature_log_prob_.sum()
    assert model.em_log_likelihood_[-1] == pytest.approx(expected, rel=1e-12)


def test_em_with_zero_weight_equals_labeled_fit(counts):
    X, y = counts
    y_semi = y.astype(object)
    y_semi[::2] = None
    a = MultinomialNaiveBayes(unlabeled_weight=0.0).fit(X, y_semi)
    b = MultinomialNaiveBayes().fit(X[1::2], y[1::2])
    np.testing.assert_allclose(a.feature_log_prob_, b.feature_log_prob_)


def test_em_uses_unlabeled_rows_to_improve(counts):
    X, y = counts
    y_semi = y.astype(object)
    y_semi[np.r_[1:30, 31:60]] = None  # one label per class
    supervised = MultinomialNaiveBayes().fit(X[[0, 30]], y[[0, 30]])
    semi = MultinomialNaiveBayes().fit(X, y_semi)
    assert semi.score(X, y) >= supervised.score(X, y)
    assert semi.score(X, y) > 0.95


# ------------------------------------------------------------- partial_fit
@pytest.mark.parametrize(
    ("factory", "fixture", "attrs"),
    [
        (GaussianNaiveBayes, "blobs", ["theta_", "var_"]),
        (BernoulliNaiveBayes, "pixels", ["feature_log_prob_"]),
        (MultinomialNaiveBayes, "counts", ["feature_log_prob_", "length_mean_", "length_size_"]),
    ],
)
def test_fit_equals_chunked_partial_fit(factory, fixture, attrs, request):
    X, y = request.getfixturevalue(fixture)
    full = factory().fit(X, y)
    chunked = factory()
    for rows in np.array_split(np.random.RandomState(0).permutation(len(X)), 4):
        chunked.partial_fit(X[rows], y[rows], classes=np.unique(y))
    for attr in attrs + ["class_log_prior_"]:
        np.testing.assert_allclose(getattr(chunked, attr), getattr(full, attr), rtol=1e-7)
    np.testing.assert_allclose(chunked.predict_proba(X), full.predict_proba(X), atol=1e-9)


def test_gaussian_nb_smoothing_is_the_same_for_chunks_and_one_fit(blobs):
    # A large var_smoothing makes any chunk-dependent floor visible: the floor
    # must come from the variance of all rows seen, as in one fit.
    X, y = blobs
    full = GaussianNaiveBayes(var_smoothing=0.3).fit(X, y)
    chunked = GaussianNaiveBayes(var_smoothing=0.3)
    for rows in np.array_split(np.random.RandomState(1).permutation(len(X)), 5):
        chunked.partial_fit(X[rows], y[rows], classes=np.unique(y))
    np.testing.assert_allclose(chunked.var_, full.var_, rtol=1e-10)
    reference = GaussianNB(var_smoothing=0.3).fit(X, y)
    np.testing.assert_allclose(full.var_, reference.var_, rtol=1e-10)


def test_gaussian_nb_zero_variance_gives_finite_probabilities():
    # Every training row is the same point: no variance to scale the floor by.
    X, y = np.array([[1.0, 2.0]] * 6), np.array([0, 0, 0, 0, 1, 1])
    model = GaussianNaiveBayes().fit(X, y)
    proba = model.predict_proba(np.array([[1.0, 2.0], [1.5, 2.0]]))
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba[0], [2 / 3, 1 / 3])
    assert np.isfinite(model.score_samples(X[:1])).all()


def test_partial_fit_unknown_label_raises(blobs):
    X, y = blobs
    model = GaussianNaiveBayes().partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    with pytest.raises(
        ParameterError, match=r"The target label\(s\) \[2\] in y do not exist in the initial"
    ):
        model.partial_fit(X[y == 2], y[y == 2])


def test_partial_fit_first_call_without_classes_raises(blobs):
    X, y = blobs
    with pytest.raises(ParameterError, match="classes must be passed on the first call"):
        GaussianNaiveBayes().partial_fit(X, y)


def test_partial_fit_rejects_unlabeled_rows_and_changed_classes(blobs):
    X, y = blobs
    y_semi = y.copy()
    y_semi[0] = -1
    with pytest.raises(ParameterError, match="partial_fit takes labeled rows only"):
        GaussianNaiveBayes().partial_fit(X, y_semi, classes=[0, 1, 2])
    model = GaussianNaiveBayes().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(
        ParameterError, match=r"`classes=\[0, 1\]` is not the same as on last call to partial_fit"
    ):
        model.partial_fit(X, y, classes=[0, 1])


def test_partial_fit_with_wrong_width_raises(blobs):
    X, y = blobs
    model = GaussianNaiveBayes().partial_fit(X, y, classes=[0, 1, 2])
    with pytest.raises(ValueError, match="features"):
        model.partial_fit(X[:, :2], y)


# -------------------------------------------------------------------- text
def test_text_model_takes_raw_strings(docs):
    texts, y = docs
    model = _text_model().fit(texts, y)
    assert model.predict(["the goal of the match", "vote for the party"]).tolist() == [
        "sport",
        "politics",
    ]
    assert sp.issparse(model.vectorizer_.transform(texts))


def test_text_vocabulary_comes_from_training_text_only(docs):
    texts, y = docs
    model = _text_model().fit(texts, y)
    vocab = dict(model.vectorizer_.vocabulary_)
    scores = model.score_samples(["referendum goal", "goal"])  # unseen word: not counted
    assert model.vectorizer_.vocabulary_ == vocab and "referendum" not in vocab
    assert scores[0] == pytest.approx(scores[1])


def test_text_defaults_drop_stop_words_and_rare_words(docs):
    texts, y = docs
    vocab = MultinomialNaiveBayes().fit(texts, y).vectorizer_.vocabulary_
    assert "the" not in vocab  # stop word (and in every document)
    assert "goal" in vocab


def test_text_samples_are_sparse_counts_and_readable(docs):
    texts, y = docs
    model = _text_model(alpha=0.001).fit(texts, y)
    X_new, y_new = model.sample(5, y="sport", random_state=0)
    assert sp.issparse(X_new) and X_new.shape == (5, len(model.vectorizer_.vocabulary_))
    words = model.bag_of_words(X_new)
    assert len(words) == 5 and all(isinstance(w, str) for w in words)
    sport_words = {"goal", "match", "team", "win", "score", "league", "the"}
    assert set(" ".join(words).split()) <= sport_words


def test_text_model_scores_counts_in_its_vocabulary_order(docs):
    texts, y = docs
    model = _text_model().fit(texts, y)
    counts = model.vectorizer_.transform(texts).astype(float)
    np.testing.assert_allclose(model.score_samples(counts), model.score_samples(texts))


def test_raw_text_to_numeric_model_raises(counts):
    X, y = counts
    model = MultinomialNaiveBayes().fit(X, y)
    with pytest.raises(ParameterError, match="fitted on numeric features; got raw text"):
        model.predict(["some words"])
    with pytest.raises(ParameterError, match="fitted on numbers, not raw text"):
        model.bag_of_words(X[:2])


def test_text_with_no_vocabulary_left_raises(docs):
    texts, y = docs
    with pytest.raises(DataError, match="no vocabulary left from 12 training documents"):
        MultinomialNaiveBayes(min_df=20).fit(texts, y)


def test_negative_counts_raise(counts):
    X, y = counts
    with pytest.raises(DataError, match="Negative values in data passed to MultinomialNaiveBayes"):
        MultinomialNaiveBayes().fit(X - 1, y)
