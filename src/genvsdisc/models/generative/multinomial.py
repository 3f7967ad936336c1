"""Multinomial naive Bayes over counts, and over raw text through a vectorizer inside.

The shared naive Bayes machinery (scikit-learn's inner model holding the
weighted statistics, priors, smoothing) lives in :mod:`.naive_bayes`; this
module adds what counts need: raw-text input, the multinomial coefficient,
exact scoring with missing counts, and a per-class model of the document length
(:mod:`._length`) that makes ``score_samples`` a true log p(x).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from scipy.special import gammaln, logsumexp
from sklearn.naive_bayes import MultinomialNB
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.fast_logsumexp import logsumexp as fast_logsumexp
from genvsdisc.models.generative._counts import (
    add_label_counts,
    finite_totals,
    row_totals,
    sparse_column_range,
    sum_log_factorials,
    weighted_sum,
    word_scores,
)
from genvsdisc.models.generative._length import LENGTH_MODELS, LengthModel
from genvsdisc.models.generative.naive_bayes import _DISCRETE, _DiscreteNaiveBayes
from genvsdisc.models.params import EM_CONSTRAINTS, POSITIVE_INT
from genvsdisc.models.text import TextInputMixin
from genvsdisc.models.text_counts import CachedCountVectorizer

__all__ = ["MultinomialNaiveBayes"]


class MultinomialNaiveBayes(TextInputMixin, _DiscreteNaiveBayes):
    """Multinomial naive Bayes over counts (word counts, or any non-negative features).

    Accepts raw strings: a ``CountVectorizer`` inside, fitted on the training
    text only, turns documents into sparse counts (never densified). Fitted
    by ``sklearn.naive_bayes.MultinomialNB``.

    ``score_samples`` is the exact log-probability of the count vector,
    log p(x) = log sum_k p(k) p(N | k) p(x | N, k): a per-class model of the
    document length N (``length_model``) times the multinomial of the words
    given N (coefficient included). The length enters the posterior too, since
    it is part of p(x | y). A true likelihood still favours short documents
    (every extra word multiplies in a probability below one):
    :meth:`score_samples_per_word` gives log p(x | N) / N, and
    :meth:`score_length` log p(N), for length-aware novelty scores. An empty
    document has probability p(N = 0), tiny for news articles.

    With NaN counts, the observed counts are scored under the multinomial
    restricted to the observed words (probabilities renormalised) and their
    total under the length model thinned to those words -- the exact marginal
    of the observed counts. ``sample`` draws a length from the length model,
    then the words.

    ``predict`` and ``predict_proba`` skip the terms every class shares
    (sum_j log x_j!), which cancel in Bayes' rule.

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
    length_model : {"negbin", "poisson"} or None, default="negbin"
        Per-class model of the document length N, fitted from the weighted
        totals (exact under ``partial_fit`` and EM): a negative binomial (mean
        and over-dispersion by moments; the Poisson when lengths are not
        over-dispersed), a Poisson, or None: no length term anywhere, so
        ``score_samples`` is log p(x | N) and the posterior is scikit-learn's
        MultinomialNB's (``sample`` then still draws lengths from a negative
        binomial). With ``"negbin"``, EM's M-step sets the dispersion by moments,
        not by maximum likelihood, so EM's objective is only nearly monotone.

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
    length_mean_, length_size_ : ndarray (K,)
        Mean length and negative-binomial size r (inf: Poisson) of each class;
        a class with no rows gets the pooled model of all rows.
    length_ : LengthModel
        The fitted length model (:mod:`._length`): its weighted sums and pmf.
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
    #: float32 rows stay float32: float64 products a chunk of rows at a time (:mod:`._nb_rows`)
    _input_dtypes = (np.float64, np.float32)
    _parameter_constraints = {
        **EM_CONSTRAINTS,
        **_DISCRETE,
        "min_df": POSITIVE_INT,
        "max_df": [Interval(Real, 0, 1, closed="right")],
        "stop_words": [StrOptions({"english"}), None],
        "length_model": [StrOptions(set(LENGTH_MODELS)), None],
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
        length_model="negbin",
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
        self.length_model = length_model

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = True
        tags.classifier_tags.poor_score = True  # as scikit-learn's MultinomialNB
        return tags

    def _make_vectorizer(self):
        # scikit-learn's CountVectorizer, each document tokenised once per process
        return CachedCountVectorizer(
            min_df=self.min_df, max_df=self.max_df, stop_words=self.stop_words
        )

    def _make_inner(self):
        return MultinomialNB(alpha=self.alpha, force_alpha=self.force_alpha)

    # -------------------------------------------------------------- input
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Add a chunk of labeled rows (counts, or raw text) to the fit.

        Raw text is read as hashed word counts (scikit-learn's
        ``HashingVectorizer`` with ``alternate_sign=False``, 2**18 columns,
        ``stop_words`` applied): a vocabulary fitted on the first chunk would
        drop every word that appears later. ``min_df`` and ``max_df`` need the
        whole corpus and are not applied, and hashed columns have no words for
        :meth:`bag_of_words`; ``fit`` keeps both. Raw text after ``fit`` is
        refused (its vocabulary is fixed). Counts: as
        ``SufficientStatsMixin.partial_fit`` (chunks give what one fit gives).
        """
        self._streaming = True
        try:
            return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)
        finally:
            self._streaming = False

    def _validate_fit_X(self, X, reset=True):
        """Validated count rows. One pass gives the finiteness check and the lengths
        (their totals, :func:`._counts.finite_totals`); the per-feature range gives the
        non-negativity check; both are kept for the fit that follows (``_fit_pass``)."""
        text = self._text_features(X, fit=reset, stream=getattr(self, "_streaming", False))
        kw = dict(dtype=self._input_dtypes, accept_sparse=self._sparse_format())
        X = validate_data(self, text, reset=reset, ensure_all_finite=False, **kw)
        N = finite_totals(X)
        if N is None:  # an inf or NaN: scikit-learn's own check raises its error
            X = super()._validate_fit_X(X, reset=reset)
        span = None if sp.issparse(X) or not X.size else (X.min(axis=0), X.max(axis=0))
        low = span[0].min() if span else (X.data.min() if X.data.size else 0.0)
        if low < 0:
            raise DataError(
                f"Negative values in data passed to {type(self).__name__}: it models "
                f"counts; found {low:g}."
            )
        self._fit_pass = (X, N, span)  # let go of in _finalize
        return X

    def _from_fit_pass(self, X, index):
        """What :meth:`_validate_fit_X` found for these very rows ``X``, else None."""
        found = getattr(self, "_fit_pass", None)
        return found[index] if found is not None and found[0] is X else None

    def _validate_predict_X(self, X):
        # text models also take count rows in vocabulary order (vectorizer_.transform(docs))
        return super()._validate_predict_X(self._text_features(X, fit=False))

    def _counts_and_totals(self, X):
        """Validated count rows and their totals N (n,); N None: an inf or NaN, checked."""
        X = self._text_features(X, fit=False)
        check_is_fitted(self)
        kw = dict(dtype=self._input_dtypes, accept_sparse=self._sparse_format())
        X = validate_data(self, X, reset=False, ensure_all_finite=False, **kw)
        N = finite_totals(X)
        return (X, N) if N is not None else (super()._validate_predict_X(X), None)

    def _record_feature_range(self, X, reset, weights=None):
        span = self._from_fit_pass(X, 2) if weights is None else None
        if span is not None:  # dense rows: the range the validation took
            lo, hi = span
            if not reset and hasattr(self, "feature_min_"):
                lo, hi = np.minimum(lo, self.feature_min_), np.maximum(hi, self.feature_max_)
            self.feature_min_, self.feature_max_ = lo, hi
        elif sp.issparse(X) and reset and weights is None:
            checked = self._from_fit_pass(X, 0) is X  # finite and non-negative
            self.feature_min_, self.feature_max_ = sparse_column_range(X, checked=checked)
        else:
            super()._record_feature_range(X, reset, weights)

    # ---------------------------------------------------------- statistics
    def _reset_stats(self, n_features, n_classes):
        super()._reset_stats(n_features, n_classes)
        self.length_ = LengthModel(self.length_model or "negbin", n_classes)
        self.fitted_sparse_ = False

    def _accumulate(self, X, R):
        super()._accumulate(X, R)
        self.fitted_sparse_ = self.fitted_sparse_ or sp.issparse(X)
        self.length_.update(row_totals(X), R)

    def _accumulate_labels(self, X, y_idx, weights):
        """Plain labels: the rows as they are, no weighted copy (:func:`._counts.add_label_counts`)."""
        if weights is not None:
            return super()._accumulate_labels(X, y_idx, weights)
        R = add_label_counts(self.nb_, X, y_idx, self._n_classes)
        self.fitted_sparse_ = self.fitted_sparse_ or sp.issparse(X)
        N = self._from_fit_pass(X, 1)
        self.length_.update(row_totals(X) if N is None else N, R)

    def _finalize(self):
        self._fit_pass = None  # no reference to the training rows is kept
        super()._finalize()
        self.length_.fit()
        self.length_mean_, self.length_size_ = self.length_.mean, self.length_.size

    def _log_param_prior(self):
        """Dirichlet(alpha+1) log-density (up to a constant) of every class's word probabilities."""
        return weighted_sum(self._smoothing(), self.feature_log_prob_)

    # ------------------------------------------------------------ scoring
    def _columns_for(self, X):
        """``feature_log_prob_.T`` in C order (V, K) for CSR rows, else None: scipy copies a
        transposed view for every product; kept while ``feature_log_prob_`` is the same."""
        if not sp.issparse(X):
            return None
        flp, kept = self.feature_log_prob_, getattr(self, "_flp_t", (None, None))
        if kept[0] is not flp:
            self._flp_t = kept = (flp, np.ascontiguousarray(flp.T))
        return kept[1]

    def _joint_log_likelihood(self, X, full=True, N=None):
        """log p(x, y=k), shape (n, K); ``full=False`` drops the terms every class shares.

        Those terms (-sum_j log x_j!, and log N! without a length model) cancel
        in Bayes' rule, so ``predict`` and ``predict_proba`` skip them: the dense
        gamma function over every cell is most of the cost of scoring.
        """
        X, N, mass, jll = word_scores(self.feature_log_prob_, X, N, self._columns_for(X))
        jll += self.class_log_prior_
        if self.length_model is not None:
            jll += self.length_.log_pmf(N, mass, factorial=False)
        elif full:
            jll += gammaln(N + 1.0)[:, None]
        if full:
            jll -= sum_log_factorials(X)[:, None]
        return jll

    def predict_log_proba(self, X):
        """log p(y|x) by Bayes' rule, shape (n, K)."""
        X, N = self._counts_and_totals(X)
        jll = self._joint_log_likelihood(X, full=False, N=N)
        jll -= fast_logsumexp(jll, axis=1, keepdims=True)  # in place: no second (n, K) array
        return jll

    def predict(self, X):
        """Most probable class for each row, shape (n,)."""
        X, N = self._counts_and_totals(X)
        jll = self._joint_log_likelihood(X, full=False, N=N)
        return self.classes_[np.argmax(jll, axis=1)]

    def document_lengths(self, X):
        """Observed number of words (total count) of each row, shape (n,); NaN counts skipped."""
        return word_scores(self.feature_log_prob_, self._validate_predict_X(X))[1]

    def score_length(self, X):
        """log p(N) for each row, shape (n,): how usual its length is, classes marginalised.

        ``N`` is the observed total (:meth:`document_lengths`), scored under the
        length model (the thinned one for rows with missing counts). With
        ``length_model=None`` this is 0: the length is not modelled.
        """
        X, N, mass, _ = word_scores(self.feature_log_prob_, self._validate_predict_X(X))
        if self.length_model is None:
            return np.zeros(len(N))
        return logsumexp(self.length_.log_pmf(N, mass) + self.class_log_prior_, axis=1)

    def score_samples_per_word(self, X):
        """Per-word log-likelihood log p(x | N) / N of each row, shape (n,).

        log p(x | N) = ``score_samples(X) - score_length(X)``: how probable the
        words are given how many there are, classes marginalised, divided by
        N, so long and short documents are compared on one scale (a length-aware
        novelty score). An empty row has no words: NaN; :meth:`score_length`
        says how unusual its length is.
        """
        X = self._validate_predict_X(X)
        jll = self._joint_log_likelihood(X)
        X, N, mass, _ = word_scores(self.feature_log_prob_, X)
        if self.length_model is None:
            given_n = logsumexp(jll, axis=1)
        else:
            length = self.length_.log_pmf(N, mass) + self.class_log_prior_
            given_n = logsumexp(jll, axis=1) - logsumexp(length, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(N > 0, given_n / np.where(N > 0, N, 1.0), np.nan)

    # ------------------------------------------------------------ sampling
    def _sample_class(self, k, n, rng):
        """Count vectors (n, V): CSR when fitted on sparse rows (text), dense otherwise."""
        lengths = self.length_.sample(k, n, rng)
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
        if not hasattr(self.vectorizer_, "get_feature_names_out"):
            raise ParameterError(
                f"{type(self).__name__} read its text with partial_fit as hashed words, "
                "which cannot be turned back into words; fit it on the text instead."
            )
        vocab = self.vectorizer_.get_feature_names_out()
        X_counts = sp.csr_matrix(X_counts)
        out = []
        for i in range(X_counts.shape[0]):
            row = X_counts.getrow(i)
            top = np.argsort(-row.data, kind="stable")[:max_words]
            out.append(" ".join(" ".join([vocab[row.indices[j]]] * int(row.data[j])) for j in top))
        return out
