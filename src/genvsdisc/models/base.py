"""The two contracts every genvsdisc model keeps (see DESIGN.md).

Both families are scikit-learn classifiers. The discriminative base adds
only an honest refusal to generate. The generative base writes the whole
generative half once -- joint log-probabilities, posteriors, the novelty
score, sampling, missing-feature handling and semi-supervised EM -- from a
few hooks that each model fills (like ``sklearn.naive_bayes._BaseNB``):

``_fit_weighted(X, R)``
    Fit from rows ``X`` (n, d) and class responsibilities ``R`` (n, K).
    Labeled rows carry one-hot rows of ``R``; during EM, unlabeled rows carry
    posteriors scaled by ``unlabeled_weight``. This single routine serves
    ``fit``, semi-supervised ``fit`` and (where sufficient statistics allow)
    ``partial_fit``.
``_joint_log_likelihood(X)``
    log p(x, y=k) for every class, shape (n, K). ``X`` may hold NaN when the
    model sets ``_handles_missing = True``; the hook then integrates the
    missing features out.
``_sample_class(k, n, rng)``
    ``n`` draws of x from class index ``k``, shape (n, d).
"""

from __future__ import annotations

import numbers

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import CannotGenerateError, MissingValuesError, ParameterError

__all__ = [
    "GenerativeClassifier",
    "DiscriminativeClassifier",
    "unlabeled_mask",
    "GENERATIVE_EXAMPLES",
]

#: Named in every CannotGenerateError so the user knows where to turn.
GENERATIVE_EXAMPLES = "gaussian_nb, lda, qda, gmm, kde, multinomial_nb"


def unlabeled_mask(y) -> np.ndarray:
    """Boolean mask (n,) of rows whose label is unknown: ``-1``, ``None`` or NaN.

    Strings ``"-1"`` are *not* unknown: a user's label text is taken literally.
    """
    y = np.asarray(y, dtype=object) if not isinstance(y, np.ndarray) else y
    if y.dtype.kind in "iu":
        return y == -1
    if y.dtype.kind == "f":
        return np.isnan(y) | (y == -1)
    if y.dtype.kind == "O":
        return np.array(
            [
                v is None
                or (isinstance(v, float) and np.isnan(v))
                or (isinstance(v, numbers.Integral) and not isinstance(v, bool) and v == -1)
                for v in y
            ],
            dtype=bool,
        )
    return np.zeros(len(y), dtype=bool)


class DiscriminativeClassifier(ClassifierMixin, BaseEstimator):
    """Base of the detectives: models of p(y|x) alone.

    Subclasses implement ``fit``/``predict_proba`` (usually by delegating to a
    fitted scikit-learn or PyTorch model). ``sample`` always refuses.
    """

    family = "discriminative"

    def predict(self, X):
        """Most probable class for each row of ``X`` (n, d) -> (n,)."""
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]

    def predict_log_proba(self, X):
        """log p(y|x), shape (n, K)."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def sample(self, n_samples=1, y=None, random_state=None):
        """Always raises :class:`CannotGenerateError`: this model cannot create x."""
        raise CannotGenerateError(
            f"{type(self).__name__} is discriminative: it learned p(y|x) only, so "
            "nothing in it describes what an x looks like and it cannot generate "
            f"examples. Use a generative model instead, e.g. {GENERATIVE_EXAMPLES}."
        )


class GenerativeClassifier(ClassifierMixin, BaseEstimator):
    """Base of the artists: models of p(x|y) p(y), classifying by Bayes' rule.

    Subclasses set the class attributes below and fill the hooks described in
    the module docstring. Fitted attributes every subclass must set through
    ``_fit_weighted``: ``class_log_prior_`` (K,).
    """

    family = "generative"
    #: True when ``_joint_log_likelihood`` integrates NaN features out.
    _handles_missing = False
    #: True when missing-feature scores are exact (False: a bound, say so).
    _likelihood_exact = True
    #: True when ``fit`` may run EM over rows labeled ``-1`` / ``None``.
    _supports_em = False

    # ------------------------------------------------------------------ fit
    def _validate_fit_X(self, X, reset=True):
        return validate_data(self, X, reset=reset, dtype=np.float64)

    def _check_unlabeled_params(self):
        w = getattr(self, "unlabeled_weight", 1.0)
        if not isinstance(w, numbers.Real) or not 0 <= w <= 1:
            raise ParameterError(
                f"The 'unlabeled_weight' parameter of {type(self).__name__} must be a "
                f"float in [0, 1]. Got {w!r} instead."
            )
        return float(w)

    def fit(self, X, y):
        """Fit from rows ``X`` (n, d) and labels ``y`` (n,).

        Labels ``-1`` / ``None`` / NaN mark unlabeled rows. Models with
        ``_supports_em`` then run EM (Nigam et al. 2000): the unlabeled rows
        count with their posterior class probabilities, scaled by the
        ``unlabeled_weight`` parameter. Other models ignore them.
        """
        X = self._validate_fit_X(X, reset=True)
        y = np.asarray(y)
        if y.ndim != 1 or len(y) != len(X):
            raise ParameterError(
                f"y must be 1-D with one label per row of X ({len(X)}); got shape {y.shape}."
            )
        unl = unlabeled_mask(y)
        y_lab = y[~unl]
        if len(y_lab) == 0:
            raise ParameterError("y has no labeled rows: every label is -1 / None / NaN.")
        if unl.any() and y_lab.dtype == object:
            y_lab = np.asarray(y_lab.tolist())
        check_classification_targets(y_lab)
        self.classes_, y_idx = np.unique(y_lab, return_inverse=True)
        K = len(self.classes_)
        R = np.zeros((len(y_lab), K))
        R[np.arange(len(y_lab)), y_idx] = 1.0
        self._record_feature_range(X, reset=True)
        self._fit_weighted(X[~unl], R)
        self.n_em_iter_ = 0
        self.em_log_likelihood_ = []
        if unl.any() and self._supports_em:
            self._run_em(X[~unl], R, X[unl])
        return self

    def _run_em(self, X_lab, R_lab, X_unl):
        """Semi-supervised EM; records observed-data log-likelihood per iteration."""
        weight = self._check_unlabeled_params()
        max_iter = getattr(self, "em_max_iter", 30)
        tol = getattr(self, "em_tol", 1e-6)
        X_all = np.vstack([X_lab, X_unl])
        history = [self._observed_log_likelihood(X_lab, R_lab, X_unl, weight)]
        for _ in range(max_iter):
            jll = self._joint_log_likelihood(X_unl)
            post = np.exp(jll - logsumexp(jll, axis=1, keepdims=True))
            self._fit_weighted(X_all, np.vstack([R_lab, weight * post]))
            history.append(self._observed_log_likelihood(X_lab, R_lab, X_unl, weight))
            self.n_em_iter_ += 1
            if abs(history[-1] - history[-2]) <= tol * max(1.0, abs(history[-2])):
                break
        self.em_log_likelihood_ = history

    def _observed_log_likelihood(self, X_lab, R_lab, X_unl, weight):
        """Weighted observed-data log-likelihood that EM never lowers (up to the prior term)."""
        ll = float(np.sum(R_lab * self._joint_log_likelihood(X_lab)))
        if len(X_unl):
            ll += weight * float(np.sum(logsumexp(self._joint_log_likelihood(X_unl), axis=1)))
        return ll

    # ------------------------------------------------------------ predict
    def _validate_predict_X(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64, ensure_all_finite=False)
        if np.isinf(X).any():
            raise ParameterError("X contains inf; only finite values or NaN (missing) are allowed.")
        if np.isnan(X).any():
            if not self._handles_missing:
                raise MissingValuesError(
                    f"X contains NaN, and {type(self).__name__} cannot integrate missing "
                    "features out; impute them first or use gaussian_nb, lda, qda or gmm."
                )
            if np.isnan(X).all(axis=1).any():
                raise MissingValuesError("X has a row whose every feature is NaN.")
        return X

    def predict_joint_log_proba(self, X):
        """log p(x, y=k) for each row and class, shape (n, K). NaN features are integrated out."""
        return self._joint_log_likelihood(self._validate_predict_X(X))

    def score_samples(self, X):
        """log p(x) for each row, shape (n,): the novelty score (higher = more typical)."""
        return logsumexp(self.predict_joint_log_proba(X), axis=1)

    def predict_log_proba(self, X):
        """log p(y|x) by Bayes' rule, shape (n, K)."""
        jll = self.predict_joint_log_proba(X)
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X):
        """p(y|x) by Bayes' rule, shape (n, K)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Most probable class for each row, shape (n,)."""
        return self.classes_[np.argmax(self.predict_joint_log_proba(X), axis=1)]

    # ------------------------------------------------------------- sample
    def _class_indices(self, y, n_samples, rng):
        """Turn ``y`` (None, one label/index, or an array) into class indices (n,)."""
        K = len(self.classes_)
        if y is None:
            prior = np.exp(self.class_log_prior_ - logsumexp(self.class_log_prior_))
            return rng.choice(K, size=n_samples, p=prior)
        labels = np.atleast_1d(np.asarray(y, dtype=object))
        out = np.empty(len(labels), dtype=int)
        class_list = list(self.classes_)
        for i, lab in enumerate(labels):
            if lab in class_list:
                out[i] = class_list.index(lab)
            elif isinstance(lab, numbers.Integral) and 0 <= lab < K and not isinstance(lab, bool):
                out[i] = int(lab)  # a class index, for classes that are not integers
            else:
                raise ParameterError(
                    f"sample: unknown class {lab!r}; the classes are "
                    f"{', '.join(map(str, self.classes_))}."
                )
        if len(out) == 1:
            return np.full(n_samples, out[0])
        return out

    def sample(self, n_samples=1, y=None, random_state=None, *, clip=False):
        """Draw new examples from the fitted p(x, y).

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to draw (ignored when ``y`` is an array).
        y : None, label, class index or array of them
            None draws classes from the prior; otherwise the class is fixed.
        random_state : int, RandomState or None
        clip : bool, default=False
            Keep every feature within the range seen in training (use for pixels).

        Returns
        -------
        X_new : ndarray (n, d)
        y_new : ndarray (n,) of class labels
        """
        check_is_fitted(self)
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ParameterError(
                f"sample: n_samples must be a positive integer. Got {n_samples!r} instead."
            )
        rng = check_random_state(random_state)
        idx = self._class_indices(y, int(n_samples), rng)
        X_new = np.empty((len(idx), self.n_features_in_))
        for k in np.unique(idx):
            rows = np.flatnonzero(idx == k)
            X_new[rows] = self._sample_class(int(k), len(rows), rng)
        if clip:
            X_new = np.clip(X_new, self.feature_min_, self.feature_max_)
        return X_new, self.classes_[idx]

    def _record_feature_range(self, X, reset):
        """Remember per-feature min/max of training rows, used by ``sample(clip=True)``.

        ``reset=False`` (``partial_fit``) widens the range seen so far.
        """
        lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        if not reset and hasattr(self, "feature_min_"):
            lo, hi = np.minimum(lo, self.feature_min_), np.maximum(hi, self.feature_max_)
        self.feature_min_, self.feature_max_ = lo, hi
