"""Multinomial naive Bayes over counts, and over raw text through a vectorizer inside.

The shared naive Bayes machinery (scikit-learn's inner model holding the
weighted statistics, priors, smoothing) lives in :mod:`.naive_bayes`; this
module adds what counts need: raw-text input, the multinomial coefficient,
exact scoring with missing counts, and a per-class length model for sampling.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.generative.naive_bayes import _DISCRETE, _DiscreteNaiveBayes, _weighted_sum
from genvsdisc.models.params import EM_CONSTRAINTS, POSITIVE_INT
from genvsdisc.models.text import TextInputMixin

__all__ = ["MultinomialNaiveBayes"]


class MultinomialNaiveBayes(TextInputMixin, _DiscreteNaiveBayes):
    """Multinomial naive Bayes over counts (word counts, or any non-negative features).

    Accepts raw strings: a ``CountVectorizer`` inside, fitted on the training
    text only, turns documents into sparse counts (never densified). Fitted
    by ``sklearn.naive_bayes.MultinomialNB``.

    ``score_samples`` is the exact log-probability of the count vector given
    its total N (multinomial coefficient included): log p(x | N). With NaN
    counts, the observed counts are scored under the multinomial restricted to
    the observed words (probabilities renormalised), given their own total --
    the exact marginal of the observed counts. ``sample`` draws a length from a
    per-class log-normal fitted to the row totals, then the counts.

    Parameters
    ----------
    alpha : float >= 0 or array-like (V,), default=1.0
        Additive smoothing (the MAP estimate under a Dirichlet(alpha + 1) prior).
    force_alpha : bool, default=True
        False raises an alpha below 1e-10 to 1e-10, with a warning (scikit-learn's rule).
    fit_prior : bool, default=True
        Learn p(y) from the class shares; False: uniform (unless ``class_prior``).
    class_prior : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_``.
    min_df : int, default=2
        Text only: keep words found in at least this many training documents.
    max_df : float in (0, 1], default=0.5
        Text only: drop words found in more than this fraction of training
        documents (they say nothing about the topic and, with ``stop_words``,
        keep semi-supervised EM from clustering on style instead of topic).
    stop_words : {"english", None}, default="english"
        Text only: scikit-learn's English stop-word list, or keep every word.
    unlabeled_weight : float in [0, 1], default=1.0
        Weight of unlabeled documents in EM (Nigam et al. 2000 call it lambda).
    em_max_iter : int, default=30

    Attributes
    ----------
    feature_count_ : ndarray (K, V)
        Weighted count of each word (feature) in each class.
    feature_log_prob_ : ndarray (K, V)
        log p(word | class).
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y).
    classes_ : ndarray (K,)
    n_features_in_ : int
    nb_ : sklearn.naive_bayes.MultinomialNB
    length_log_mean_, length_log_std_ : ndarray (K,)
        Log-normal model of row totals per class, used by ``sample``.
    vectorizer_ : CountVectorizer or None
        Fitted on training text; None when fitted on numbers.

    Examples
    --------
    >>> docs = ["goal match win", "match team goal", "vote party poll", "party vote law"]
    >>> model = MultinomialNaiveBayes().fit(docs, ["sport", "sport", "politics", "politics"])
    >>> model.predict(["a goal in the match"]).tolist()
    ['sport']
    """

    _accept_sparse = True
    _parameter_constraints = {
        **EM_CONSTRAINTS,
        **_DISCRETE,
        "min_df": POSITIVE_INT,
        "max_df": [Interval(Real, 0, 1, closed="right")],
        "stop_words": [StrOptions({"english"}), None],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        fit_prior=True,
        class_prior=None,
        min_df=2,
        max_df=0.5,
        stop_words="english",
        unlabeled_weight=1.0,
        em_max_iter=30,
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior
        self.min_df = min_df
        self.max_df = max_df
        self.stop_words = stop_words
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.classifier_tags.poor_score = True  # as scikit-learn's MultinomialNB
        return tags

    def _make_vectorizer(self):
        return CountVectorizer(min_df=self.min_df, max_df=self.max_df, stop_words=self.stop_words)

    def _make_inner(self):
        return MultinomialNB(alpha=self.alpha, force_alpha=self.force_alpha)

    # -------------------------------------------------------------- input
    def _validate_fit_X(self, X, reset=True):
        X = super()._validate_fit_X(self._text_features(X, fit=reset), reset=reset)
        values = X.data if sp.issparse(X) else X
        if values.size and values.min() < 0:
            raise DataError(
                f"Negative values in data passed to {type(self).__name__}: it models "
                f"counts; found {values.min():g}."
            )
        return X

    def _validate_predict_X(self, X):
        # A text model also takes count rows in its vocabulary's column order
        # (e.g. ``vectorizer_.transform(docs)`` with some counts set to NaN).
        return super()._validate_predict_X(self._text_features(X, fit=False))

    # ---------------------------------------------------------- statistics
    def _reset_stats(self, n_features, n_classes):
        super()._reset_stats(n_features, n_classes)
        self._length_stats = np.zeros((3, n_classes))  # sum w, sum w log N, sum w (log N)^2
        self.fitted_sparse_ = False

    def _accumulate(self, X, R):
        super()._accumulate(X, R)
        self.fitted_sparse_ = self.fitted_sparse_ or sp.issparse(X)
        total = np.asarray(X.sum(axis=1)).ravel()
        has = total > 0
        log_n = np.log(total[has])
        W = R[has]
        self._length_stats += np.vstack([W.sum(0), log_n @ W, log_n**2 @ W])

    def _finalize(self):
        super()._finalize()
        w, s1, s2 = self._length_stats
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = np.where(w > 0, s1 / w, 0.0)
            var = np.where(w > 0, s2 / w - mean**2, 0.0)
        self.length_log_mean_ = mean
        self.length_log_std_ = np.sqrt(np.maximum(var, 0.0))

    def _log_param_prior(self):
        """Dirichlet(alpha+1) log-density (up to a constant) of every class's word probabilities."""
        return _weighted_sum(self._smoothing(), self.feature_log_prob_)

    # ------------------------------------------------------------ scoring
    def _joint_log_likelihood(self, X):
        flp = self.feature_log_prob_
        if sp.issparse(X):
            X = X.tocsr(copy=True)
            nan = np.isnan(X.data)
            X.data[nan] = 0.0
            M = sp.csr_matrix((nan.astype(float), X.indices, X.indptr), shape=X.shape)
            # observed probability mass per row and class: 1 - mass of the missing words
            obs_mass = np.clip(1.0 - M @ np.exp(flp).T, 1e-300, None) if nan.any() else None
            coef = _log_multinomial_coef_sparse(X)
        else:
            nan = np.isnan(X)
            X = np.where(nan, 0.0, X)
            obs_mass = (~nan).astype(float) @ np.exp(flp).T if nan.any() else None
            coef = gammaln(X.sum(axis=1) + 1.0) - gammaln(X + 1.0).sum(axis=1)
        jll = np.asarray(X @ flp.T) + self.class_log_prior_ + coef[:, None]
        if obs_mass is not None:
            # renormalise the class's word probabilities over the observed words
            jll -= np.asarray(X.sum(axis=1)).reshape(-1, 1) * np.log(obs_mass)
        return jll

    # ------------------------------------------------------------ sampling
    def _sample_class(self, k, n, rng):
        """Count vectors (n, V): CSR when fitted on sparse rows (text), dense otherwise."""
        lengths = np.rint(np.exp(rng.normal(self.length_log_mean_[k], self.length_log_std_[k], n)))
        lengths = lengths.astype(int) if self.class_count_[k] > 0 else np.zeros(n, dtype=int)
        cdf = np.cumsum(np.exp(self.feature_log_prob_[k]))
        words = np.searchsorted(cdf, rng.random_sample(lengths.sum()) * cdf[-1], side="right")
        words = np.minimum(words, len(cdf) - 1)
        rows = np.repeat(np.arange(n), lengths)
        counts = sp.csr_matrix((np.ones(len(words)), (rows, words)), shape=(n, len(cdf)))
        counts.sum_duplicates()
        return counts if self.fitted_sparse_ else counts.toarray()

    def bag_of_words(self, X_counts, max_words=20):
        """Readable form of count rows from a text model: the most frequent words, repeated.

        Parameters
        ----------
        X_counts : array or sparse matrix (n, V)
            E.g. the first output of ``sample``.
        max_words : int, default=20
            Distinct words kept per row, most frequent first.

        Returns
        -------
        list of str, one per row, e.g. ``"goal goal goal match team"``.
        """
        check_is_fitted(self)
        if getattr(self, "vectorizer_", None) is None:
            raise ParameterError(
                f"{type(self).__name__} was fitted on numbers, not raw text: it has no words."
            )
        vocab = self.vectorizer_.get_feature_names_out()
        X_counts = sp.csr_matrix(X_counts)
        out = []
        for i in range(X_counts.shape[0]):
            row = X_counts.getrow(i)
            top = np.argsort(-row.data, kind="stable")[:max_words]
            out.append(" ".join(" ".join([vocab[row.indices[j]]] * int(row.data[j])) for j in top))
        return out


def _log_multinomial_coef_sparse(X):
    """log(N! / prod_j x_j!) per row of a CSR matrix (zeros contribute log 0! = 0)."""
    total = np.asarray(X.sum(axis=1)).ravel()
    per_entry = sp.csr_matrix((gammaln(X.data + 1.0), X.indices, X.indptr), shape=X.shape)
    return gammaln(total + 1.0) - np.asarray(per_entry.sum(axis=1)).ravel()
