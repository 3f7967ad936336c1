"""Naive Bayes: features independent given the class.

scikit-learn's ``GaussianNB``, ``BernoulliNB`` and ``MultinomialNB`` do the
fitting: their ``partial_fit`` with ``sample_weight`` accumulates exactly the
weighted sufficient statistics (counts, means, variances) that supervised
fitting, chunked ``partial_fit`` and EM's soft responsibilities all need.
Written here by hand, because scikit-learn has none of it: the joint
log-likelihood with NaN features integrated out, sampling, the multinomial
length model, and the MAP prior that makes EM's objective exact.

Because the features are independent given the class, integrating a missing
feature out just drops its factor: exact for all three models. Gaussian and
Bernoulli live here; multinomial (counts and raw text) in :mod:`.multinomial`.
The parameters a scikit-learn user knows (``priors``, ``class_prior``,
``fit_prior``, ``alpha``, ``force_alpha``) mean what they mean there:
scikit-learn's own ``test_naive_bayes.py`` runs against these classes
(``tests/models/test_sklearn_naive_bayes.py``).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.utils._param_validation import Interval

from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.generative._counts import (
    add_label_counts,
    sparse_bernoulli_jll,
    weighted_sum,
)
from genvsdisc.models.generative._gaussian_math import diag_gaussian_log_pdf
from genvsdisc.models.generative._nb_rows import add_gaussian_label_stats, chunked_products
from genvsdisc.models.params import EM_CONSTRAINTS, sklearn_constraints
from genvsdisc.models.sufficient_stats import SufficientStatsMixin

__all__ = ["GaussianNaiveBayes", "BernoulliNaiveBayes"]

#: The parameters the discrete models share with scikit-learn's, checked as it checks them:
#: alpha >= 0 (a float, or one per feature), force_alpha, fit_prior, class_prior.
_DISCRETE = sklearn_constraints(MultinomialNB, "alpha", "force_alpha", "fit_prior", "class_prior")
#: scikit-learn raises an alpha below this to it (with a warning) unless force_alpha.
_ALPHA_MIN = 1e-10


class _NaiveBayes(SufficientStatsMixin, GenerativeClassifier):
    """Shared machinery: an inner scikit-learn NB (``nb_``) holds the statistics."""

    handles_missing = True
    semi_supervised = True
    supports_sample_weight = True

    def _make_inner(self):  # pragma: no cover - each model defines it
        raise NotImplementedError

    def _reset_stats(self, n_features, n_classes):
        self.nb_ = self._make_inner()
        self._n_classes = n_classes

    def _accumulate(self, X, R):
        # One weighted copy of a row per class it belongs to (one copy when R is
        # one-hot), so scikit-learn's sample_weight path adds R-weighted sums.
        rows, cls = np.nonzero(R > 0)
        self.nb_.partial_fit(
            X[rows], cls, classes=np.arange(self._n_classes), sample_weight=R[rows, cls]
        )

    def _finalize(self):
        self._set_class_prior(self.nb_.class_count_)


class _DiscreteNaiveBayes(_NaiveBayes):
    """Bernoulli and multinomial: scikit-learn's smoothing and prior parameters."""

    def _given_priors(self):
        """``class_prior`` when given; uniform when ``fit_prior=False``; else None (learned)."""
        if self.class_prior is not None:
            return self.class_prior, "class_prior"
        if not self.fit_prior:
            n_classes = len(self.classes_)
            return np.full(n_classes, 1.0 / n_classes), "class_prior"
        return None, "class_prior"

    def _smoothing(self):
        """The alpha the inner model smooths with: scikit-learn raises one below 1e-10
        to 1e-10 (and warns) unless ``force_alpha``; float or ndarray (d,)."""
        alpha = self.alpha
        if not self.force_alpha and np.min(alpha) < _ALPHA_MIN:
            alpha = np.maximum(alpha, _ALPHA_MIN)
        return alpha

    def _finalize(self):
        super()._finalize()
        self.feature_count_ = self.nb_.feature_count_
        self.feature_log_prob_ = self.nb_.feature_log_prob_


class GaussianNaiveBayes(_NaiveBayes):
    """Gaussian naive Bayes: x_j | y=k ~ N(theta_kj, var_kj), independent features.

    Fitted by ``sklearn.naive_bayes.GaussianNB`` (same smoothing, same
    predictions); adds sampling, exact NaN marginalisation, ``partial_fit``
    and semi-supervised EM.

    Parameters
    ----------
    priors : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_``; None learns
        them from the (weighted) class shares. Used by Bayes' rule and by
        ``sample(y=None)``.
    var_smoothing : float, default=1e-9
        Fraction of the largest feature variance added to every variance.
    unlabeled_weight : float in [0, 1], default=1.0
        Weight of unlabeled rows (label -1 / None) in EM.
    em_max_iter : int, default=30
        Most EM iterations when unlabeled rows are given.

    Attributes
    ----------
    theta_, var_ : ndarray (K, d)
        Per-class feature means and variances (``var_`` includes ``epsilon_``).
    epsilon_ : float
        The variance floor added to every variance.
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    classes_ : ndarray (K,)
    n_features_in_ : int
    nb_ : sklearn.naive_bayes.GaussianNB
        The fitted scikit-learn model holding the raw statistics (its
        ``var_`` without the ``var_smoothing`` floor, which ``var_`` adds).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = GaussianNaiveBayes().fit(X, y)
    >>> X_new, y_new = model.sample(3, y=0, random_state=0)
    >>> X_new.shape
    (3, 4)
    """

    _parameter_constraints = {
        **EM_CONSTRAINTS,
        **sklearn_constraints(GaussianNB, "priors", "var_smoothing"),
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9, unlabeled_weight=1.0, em_max_iter=30):
        self.priors = priors
        self.var_smoothing = var_smoothing
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    def _make_inner(self):
        # The inner model keeps raw statistics (no smoothing): scikit-learn's
        # partial_fit recomputes its epsilon from each new chunk alone, so chunked
        # fits would drift from one fit on all rows. The smoothing is added below.
        return GaussianNB(var_smoothing=0.0)

    #: float32 rows stay float32: no float64 copy of them all. The statistics are
    #: float64 all the same (scikit-learn's GaussianNB would keep float32 ones, whose
    #: sums over many rows lose digits): float32 blocks summed in float64 for plain
    #: labels (:func:`._nb_rows.float32_mean_var`), one class's rows converted at a
    #: time for weighted rows.
    _input_dtypes = (np.float64, np.float32)

    def _accumulate(self, X, R):
        if X.dtype == np.float64:
            return super()._accumulate(X, R)
        classes = np.arange(self._n_classes)
        for k in classes:  # what one call adds: scikit-learn updates class by class
            rows = np.flatnonzero(R[:, k] > 0)
            if len(rows):
                self.nb_.partial_fit(
                    X[rows].astype(np.float64), np.full(len(rows), k), classes, R[rows, k]
                )

    def _accumulate_labels(self, X, y_idx, weights):
        """Plain labels: scikit-learn's own unweighted per-class update, without its re-checks.

        ``GaussianNB.partial_fit`` would validate X again and take a pass over all
        rows for an ``epsilon_`` that ``var_smoothing=0`` makes 0; the loop below is
        the rest of it (class rows, then ``_update_mean_variance``), so it adds what
        the weighted path adds with unit weights (a test checks they are equal).
        """
        if weights is not None:
            return super()._accumulate_labels(X, y_idx, weights)
        add_gaussian_label_stats(self.nb_, X, y_idx, self._n_classes)

    def _finalize(self):
        super()._finalize()
        self.theta_ = self.nb_.theta_
        self.epsilon_ = self._variance_floor()
        self.var_ = self.nb_.var_ + self.epsilon_

    def _variance_floor(self):
        """var_smoothing times the largest feature variance of all rows seen so far.

        That variance is pooled from the per-class statistics (within-class
        variance plus the spread of the class means), so partial_fit over
        chunks gives exactly what one fit on all rows gives, and it equals
        scikit-learn's ``GaussianNB.epsilon_`` for unweighted rows. When every
        row is the same point the variance is 0 and the floor falls back to
        var_smoothing itself (unit scale), so densities stay finite.
        """
        counts = self.nb_.class_count_
        n = counts.sum()
        grand_mean = counts @ self.nb_.theta_ / n
        pooled = counts @ (self.nb_.var_ + (self.nb_.theta_ - grand_mean) ** 2) / n
        scale = float(pooled.max())
        return self.var_smoothing * (scale if scale > 0 else 1.0)

    def _joint_log_likelihood(self, X):
        # sum over the observed j of log N(x_j; theta_kj, var_kj)
        jll = diag_gaussian_log_pdf(X, self.theta_, self.var_)
        jll += self.class_log_prior_
        return jll

    def _sample_class(self, k, n, rng):
        return rng.normal(self.theta_[k], np.sqrt(self.var_[k]), size=(n, len(self.theta_[k])))


class BernoulliNaiveBayes(_DiscreteNaiveBayes):
    """Bernoulli naive Bayes: binarized features, x_j | y=k ~ Bernoulli(p_kj).

    Fitted by ``sklearn.naive_bayes.BernoulliNB``. Samples are 0/1 vectors
    (pixels off/on). ``score_samples`` is the exact log-probability of the
    *binarized* row.

    Parameters
    ----------
    alpha : float >= 0 or array-like (d,), default=1.0
        Additive (Laplace) smoothing: p = (count + alpha) / (n + 2 alpha), the
        MAP estimate under a Beta(alpha + 1, alpha + 1) prior.
    force_alpha : bool, default=True
        False raises an alpha below 1e-10 to 1e-10, with a warning (scikit-learn's rule).
    binarize : float, default=0.5
        Threshold: a feature is 1 when it is greater. 0.5 suits pixels in
        [0, 1] (scikit-learn's default 0.0 calls every faint pixel "on").
    fit_prior : bool, default=True
        Learn p(y) from the class shares; False: uniform (unless ``class_prior``).
    class_prior : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_``.
    unlabeled_weight : float in [0, 1], default=1.0
    em_max_iter : int, default=30

    Attributes
    ----------
    feature_count_ : ndarray (K, d)
        Weighted number of rows of each class with feature j on.
    feature_log_prob_ : ndarray (K, d)
        log p_kj.
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y).
    classes_ : ndarray (K,)
    n_features_in_ : int
    nb_ : sklearn.naive_bayes.BernoulliNB

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1, 0], [1, 1], [0, 1], [0, 0]]); y = [0, 0, 1, 1]
    >>> BernoulliNaiveBayes().fit(X, y).sample(2, y=1, random_state=0)[0].shape
    (2, 2)
    """

    _parameter_constraints = {
        **EM_CONSTRAINTS,
        **_DISCRETE,
        "binarize": [Interval(Real, None, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        binarize=0.5,
        fit_prior=True,
        class_prior=None,
        unlabeled_weight=1.0,
        em_max_iter=30,
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    _accept_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True  # as scikit-learn's BernoulliNB
        return tags

    #: float32 rows stay float32 (scikit-learn's BernoulliNB binarizes them as they are).
    _input_dtypes = (np.float64, np.float32)

    def _make_inner(self):
        return BernoulliNB(alpha=self.alpha, force_alpha=self.force_alpha, binarize=self.binarize)

    def _accumulate_labels(self, X, y_idx, weights):
        """Plain labels: scikit-learn's unweighted counts, without a copy of the rows.

        Dense rows are binarized a chunk at a time (:func:`._counts.add_label_counts`):
        BernoulliNB.partial_fit would copy them all to binarize (and up-cast float32
        rows to float64 for its product). The counts are whole numbers, so every
        order of adding them gives the same bits; sparse rows go to partial_fit.
        """
        if weights is not None:
            return super()._accumulate_labels(X, y_idx, weights)
        if sp.issparse(X):
            return self.nb_.partial_fit(X, y_idx, classes=np.arange(self._n_classes))
        add_label_counts(self.nb_, X, y_idx, self._n_classes, binarize=self.binarize)

    def _record_feature_range(self, X, reset, weights=None):
        """Nothing: samples are 0/1 vectors, never clipped to the training range."""

    def _finalize(self):
        super()._finalize()
        # log(1 - p), computed from the counts to keep precision when p is near 1
        nb, alpha = self.nb_, self._smoothing()
        with np.errstate(divide="ignore"):  # alpha=0 and a feature always on: log 0
            self.feature_log_neg_prob_ = np.log(
                nb.class_count_[:, None] - nb.feature_count_ + alpha
            ) - np.log(nb.class_count_[:, None] + 2 * alpha)

    def _joint_log_likelihood(self, X):
        if sp.issparse(X) and self.binarize >= 0:  # else an absent 0 is "on": dense in effect
            neg = self.feature_log_neg_prob_
            return sparse_bernoulli_jll(
                X, self.binarize, self.feature_log_prob_, neg, self.class_log_prior_
            )
        if sp.issparse(X):
            X = X.toarray()
        delta = self.feature_log_prob_ - self.feature_log_neg_prob_
        with np.errstate(over="ignore"):  # an overflow gives inf, never NaN
            complete = not np.isnan(np.sum(X))
        if complete:  # no NaN (checked in one pass): every factor counts
            if X.dtype == np.float64:
                on = (X > self.binarize).astype(float) @ delta.T
            else:  # no float64 copy of all float32 rows: a chunk at a time
                on = chunked_products(X, delta, lambda rows: (rows > self.binarize).astype(float))
            on += self.class_log_prior_  # in place: the same bits as prior + on + ...
            on += self.feature_log_neg_prob_.sum(axis=1)
            return on
        # Missing features drop their factor: sum over observed j only.
        obs = ~np.isnan(X)
        Xb = (np.where(obs, X, -np.inf) > self.binarize).astype(float)
        return (
            self.class_log_prior_ + Xb @ delta.T + obs.astype(float) @ self.feature_log_neg_prob_.T
        )

    def _log_param_prior(self):
        """Beta(alpha+1, alpha+1) log-density (up to a constant) of every p_kj."""
        return weighted_sum(self._smoothing(), self.feature_log_prob_ + self.feature_log_neg_prob_)

    def _sample_class(self, k, n, rng):
        p = np.exp(self.feature_log_prob_[k])
        return (rng.random_sample((n, len(p))) < p).astype(float)

    def _clip(self, X):
        """Samples are binarized features (0/1), not values in the training range: kept as drawn."""
        return X
