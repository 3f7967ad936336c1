"""multinomial_nb's length model: score_samples is a true log p(x), empty documents are unusual."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp
from scipy.stats import nbinom, poisson
from sklearn.naive_bayes import MultinomialNB

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative.multinomial import MultinomialNaiveBayes
from genvsdisc.models.generative.naive_bayes import BernoulliNaiveBayes


def _lengths_counts(seed=0, n=60, V=4):
    """Two classes of count rows with over-dispersed lengths (negative binomial)."""
    rng = np.random.RandomState(seed)
    theta = [np.array([0.5, 0.3, 0.1, 0.1]), np.array([0.1, 0.1, 0.3, 0.5])][:V]
    X, y = [], []
    for k, mean in enumerate([6.0, 12.0]):
        N = rng.negative_binomial(2.0, 2.0 / (2.0 + mean), n)
        X += [rng.multinomial(m, theta[k]) for m in N]
        y += [k] * n
    return np.array(X, float), np.array(y)


@pytest.mark.parametrize("length_model", ["negbin", "poisson"])
def test_score_samples_sums_to_one_over_every_count_vector(length_model):
    # A true log p(x): summed over all count vectors (up to a length where the
    # tail is negligible), the probabilities add up to one.
    X, y = _lengths_counts()
    model = MultinomialNaiveBayes(length_model=length_model).fit(X[:, :3], y)
    grid = np.array([c for c in itertools.product(range(90), repeat=3) if sum(c) < 90], float)
    total = np.exp(logsumexp(model.score_samples(grid)))
    assert total == pytest.approx(1.0, abs=1e-6)


def test_score_samples_is_length_model_plus_multinomial():
    X, y = _lengths_counts()
    model = MultinomialNaiveBayes().fit(X, y)
    N = X.sum(1)
    w, s1, s2 = [np.array([f(X[y == k].sum(1)) for k in (0, 1)]) for f in (len, sum, _sum_sq)]
    mean, var = s1 / w, s2 / w - (s1 / w) ** 2
    r = mean**2 / (var - mean)
    np.testing.assert_allclose(model.length_mean_, mean)
    np.testing.assert_allclose(model.length_size_, r)
    log_len = nbinom.logpmf(N[:, None], r, r / (r + mean))
    coef = gammaln(N + 1) - gammaln(X + 1).sum(1)
    words = coef[:, None] + X @ model.feature_log_prob_.T
    expected = log_len + words + model.class_log_prior_
    np.testing.assert_allclose(model.predict_joint_log_proba(X), expected, rtol=1e-10)
    np.testing.assert_allclose(
        model.score_length(X), logsumexp(log_len + model.class_log_prior_, 1)
    )
    given_n = logsumexp(expected, 1) - model.score_length(X)
    assert (N == 0).any() and np.allclose(given_n[N == 0], 0.0)  # one way to say nothing
    per_word = model.score_samples_per_word(X)
    assert np.all(np.isnan(per_word[N == 0]))
    np.testing.assert_allclose(per_word[N > 0], given_n[N > 0] / N[N > 0], rtol=1e-10)
    post = np.exp(expected - logsumexp(expected, axis=1, keepdims=True))
    np.testing.assert_allclose(model.predict_proba(X), post, atol=1e-12)


def _sum_sq(v):
    return float(np.sum(v**2))


def test_poisson_length_model_and_underdispersed_negbin_are_poisson():
    X = np.array([[2, 1], [1, 2], [3, 0], [0, 3]], float)  # every length is 3: no dispersion
    y = np.array([0, 0, 1, 1])
    for kind in ("negbin", "poisson"):
        model = MultinomialNaiveBayes(length_model=kind).fit(X, y)
        assert np.all(np.isinf(model.length_size_))
        np.testing.assert_allclose(model.score_length([[1, 1]]), poisson.logpmf(2, 3.0))


def test_empty_document_is_unusual_under_the_length_model(docs):
    texts, y = docs
    texts = [" ".join([t] * 3) for t in texts]  # about ten words per document
    model = MultinomialNaiveBayes(min_df=1, max_df=1.0).fit(texts, y)
    lengths = model.score_length(texts)
    empty = model.score_length([""])[0]
    assert empty < lengths.min() - 5.0  # e^-5: far rarer than any training length
    assert model.document_lengths([""])[0] == 0
    assert np.isnan(model.score_samples_per_word([""])[0])
    # without a length model an empty document has probability one: the old flaw
    length_free = MultinomialNaiveBayes(length_model=None).fit(texts, y)
    assert length_free.score_samples([""])[0] == pytest.approx(0.0, abs=1e-12)


def test_missing_counts_thin_the_length_model():
    # With a Poisson length, counts are independent Poissons: dropping a word
    # leaves Poisson(mu * observed mass) for the observed total, exactly.
    X, y = _lengths_counts()
    model = MultinomialNaiveBayes(length_model="poisson").fit(X, y)
    X_miss = X[:5].copy()
    X_miss[:, 0] = np.nan
    theta = np.exp(model.feature_log_prob_)
    lam = model.length_mean_[:, None] * theta  # (K, V) rate of each word
    expected = poisson.logpmf(X[:5, None, 1:], lam[None, :, 1:]).sum(2) + model.class_log_prior_
    np.testing.assert_allclose(model.predict_joint_log_proba(X_miss), expected, rtol=1e-10)
    dense = model.predict_joint_log_proba(X_miss)
    np.testing.assert_allclose(model.predict_joint_log_proba(sp.csr_matrix(X_miss)), dense)


def test_length_statistics_are_weighted_and_chunkable():
    X, y = _lengths_counts()
    w = np.random.RandomState(1).randint(0, 3, len(y)).astype(float)
    weighted = MultinomialNaiveBayes().fit(X, y, sample_weight=w)
    repeated = MultinomialNaiveBayes().fit(
        np.repeat(X, w.astype(int), 0), np.repeat(y, w.astype(int))
    )
    np.testing.assert_allclose(weighted.length_size_, repeated.length_size_)
    chunked = MultinomialNaiveBayes()
    for rows in np.array_split(np.arange(len(y))[::-1], 3):
        chunked.partial_fit(X[rows], y[rows], classes=[0, 1], sample_weight=w[rows])
    np.testing.assert_allclose(chunked.length_mean_, weighted.length_mean_)
    np.testing.assert_allclose(chunked.length_size_, weighted.length_size_)


def test_samples_draw_lengths_from_the_length_model():
    X, y = _lengths_counts()
    model = MultinomialNaiveBayes().fit(X, y)
    X_new, _ = model.sample(20_000, y=1, random_state=0)
    mu, r = model.length_mean_[1], model.length_size_[1]
    lengths = X_new.sum(1)
    assert abs(lengths.mean() - mu) < 5 * np.sqrt(mu + mu**2 / r) / np.sqrt(len(lengths))
    assert abs(np.mean(lengths == 0) - nbinom.pmf(0, r, r / (r + mu))) < 0.01


def test_length_free_model_keeps_scikit_learns_alpha_expectations():
    # scikit-learn's test_alpha (not run as is: see test_sklearn_naive_bayes.NOT_RUN),
    # for the model without a length term; the default adds the Poisson length term
    # (both lengths have no spread here) to the same joint log-probabilities.
    X, y = np.array([[1, 0], [1, 1]]), np.array([0, 1])
    msg = "alpha too small will result in numeric errors, setting alpha = 1.0e-10"
    with pytest.warns(UserWarning, match=msg):
        free = MultinomialNaiveBayes(alpha=0.0, force_alpha=False, length_model=None).fit(X, y)
    np.testing.assert_allclose(free.predict_proba(X), [[2 / 3, 1 / 3], [0, 1]], atol=1e-6)
    with pytest.warns(UserWarning, match=msg):
        default = MultinomialNaiveBayes(alpha=0.0, force_alpha=False).fit(X, y)
    length = poisson.logpmf(X.sum(1)[:, None], [1.0, 2.0])
    np.testing.assert_allclose(
        default.predict_joint_log_proba(X) - free.predict_joint_log_proba(X), length, atol=1e-9
    )


def test_posterior_without_length_equals_scikit_learn_on_sparse_counts():
    X, y = _lengths_counts()
    ours = MultinomialNaiveBayes(length_model=None).fit(sp.csr_matrix(X), y)
    theirs = MultinomialNB().fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(sp.csr_matrix(X)), theirs.predict_proba(X))
    np.testing.assert_allclose(
        ours.predict_joint_log_proba(X),
        theirs.predict_joint_log_proba(X)
        + (gammaln(X.sum(1) + 1) - gammaln(X + 1).sum(1))[:, None],
    )


def test_bad_length_model_is_refused():
    X, y = _lengths_counts()
    with pytest.raises(ParameterError, match="'length_model' parameter of MultinomialNaiveBayes"):
        MultinomialNaiveBayes(length_model="gamma").fit(X, y)


@pytest.mark.parametrize("sparse", [False, True])
def test_bernoulli_half_of_scikit_learns_alpha_test(sparse):
    # The BernoulliNB half of scikit-learn's test_alpha, which is not run as a whole
    # (its MultinomialNB half: see the test above): alpha=0 warns and is floored, and
    # no NaN appears where p(x_i | y) = 0.
    X, y = np.array([[1, 0], [1, 1]]), np.array([0, 1])
    X = sp.csr_matrix(X) if sparse else X
    msg = "alpha too small will result in numeric errors, setting alpha = 1.0e-10"
    nb = BernoulliNaiveBayes(alpha=0.0, force_alpha=False)
    if not sparse:
        with pytest.warns(UserWarning, match=msg):
            nb.partial_fit(X, y, classes=[0, 1])
    with pytest.warns(UserWarning, match=msg):
        nb.fit(X, y)
    np.testing.assert_allclose(nb.predict_proba(X), [[1, 0], [0, 1]], atol=1e-6)
