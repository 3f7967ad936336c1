"""The two contracts every genvsdisc model keeps (see DESIGN.md).

Both families are scikit-learn classifiers. The discriminative base adds
only an honest refusal to generate. The generative base writes the whole
generative half once -- joint log-probabilities, posteriors, the novelty
score, sampling, missing-feature handling and semi-supervised EM -- from a
few hooks that each model fills (like ``sklearn.naive_bayes._BaseNB``):

``_fit_weighted(X, R)``
    Fit from rows ``X`` (n, d) and class responsibilities ``R`` (n, K).
    Labeled rows carry one-hot rows of ``R`` times their ``sample_weight``;
    during EM, unlabeled rows carry posteriors scaled by ``unlabeled_weight``
    (and their ``sample_weight``). This single routine serves ``fit``,
    weighted and semi-supervised ``fit`` and (where sufficient statistics
    allow) ``partial_fit``. It sets the class prior through
    ``_set_class_prior(class_weight)``, which applies the user's ``priors``.
``_joint_log_likelihood(X)``
    log p(x, y=k) for every class, shape (n, K). ``X`` may hold NaN when the
    model sets ``handles_missing = True``; the hook then integrates the
    missing features out.
``_sample_class(k, n, rng, **options)``
    ``n`` draws of x from class index ``k``, shape (n, d). A model with
    sampling options (``temperature``) lists them in ``_sample_options``;
    ``sample`` checks them and passes them here as arguments.

Models whose parameters are sums over rows add
:class:`~genvsdisc.models.sufficient_stats.SufficientStatsMixin`,
which turns ``_fit_weighted`` into reset + accumulate + finalize and so gives
``partial_fit`` for free (fit == chunked partial_fit). Models that accept
sparse rows (text counts) set ``_accept_sparse = True``.

Constructor parameters are checked by ``fit`` (and the first ``partial_fit``)
against the model's ``_parameter_constraints`` (:mod:`.params`). What a model
can do (``handles_missing``, ``semi_supervised``...) is also a field of its
registry entry, :mod:`.catalog`; a test keeps the two in agreement.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from genvsdisc.exceptions import CannotGenerateError, MissingValuesError, ParameterError
from genvsdisc.models.em import SemiSupervisedEM
from genvsdisc.models.fast_logsumexp import logsumexp as fast_logsumexp
from genvsdisc.models.params import POSITIVE_INT, ParameterChecks, check_arguments
from genvsdisc.models.priors import check_sample_weight, class_log_prior
from genvsdisc.models.registry import model_names
from genvsdisc.models.rows import (
    class_positions,
    labeled_responsibilities,
    stack_rows,
    unlabeled_mask,
)

__all__ = ["GenerativeClassifier", "DiscriminativeClassifier", "unlabeled_mask"]


class DiscriminativeClassifier(ParameterChecks, ClassifierMixin, BaseEstimator):
    """Base of the detectives: models of p(y|x) alone.

    Subclasses implement ``fit``/``predict_proba`` (usually by delegating to a
    fitted scikit-learn or PyTorch model). ``sample`` always refuses.
    """

    family = "discriminative"
    #: True when NaN features are accepted and handled by the model itself (hgb).
    handles_missing = False
    #: True when ``fit`` takes ``sample_weight`` (the registry's ``sample_weight`` field).
    supports_sample_weight = False

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
            "examples. Use a generative model instead, e.g. "
            f"{', '.join(model_names(family='generative', deep=False))}."
        )


class GenerativeClassifier(SemiSupervisedEM, ParameterChecks, ClassifierMixin, BaseEstimator):
    """Base of the artists: models of p(x|y) p(y), classifying by Bayes' rule.

    Subclasses set the class attributes below and fill the hooks described in
    the module docstring. Fitted attributes every subclass sets through
    ``_fit_weighted`` (via ``_set_class_prior``): ``class_count_``,
    ``class_prior_`` and ``class_log_prior_`` (K,).
    """

    family = "generative"
    #: True when ``_joint_log_likelihood`` integrates NaN features out.
    handles_missing = False
    #: True when ``fit`` runs EM over rows labeled ``-1`` / ``None``; the model then
    #: has the ``unlabeled_weight`` and ``em_max_iter`` parameters (``EM_CONSTRAINTS``).
    semi_supervised = False
    #: True when ``_fit_weighted`` honours row weights in ``R`` (not only their class
    #: totals), so ``fit`` accepts ``sample_weight``; others refuse it with a clear error.
    supports_sample_weight = False
    #: True when the hooks accept scipy sparse (CSR) rows; dense otherwise.
    _accept_sparse = False
    #: dtypes ``fit`` and ``predict`` take rows in: float64 by default (other dtypes are
    #: converted); a model whose hooks keep float32 rows as they are lists both.
    _input_dtypes = np.float64

    #: Options of ``sample`` beyond the common ones, each handed to ``_sample_class``
    #: as a keyword argument: option name -> constraints (:mod:`.params`). Empty: none.
    _sample_options: dict = {}

    def __sklearn_tags__(self):
        # allow_nan stays False: fit refuses NaN; only predict-time NaN is integrated
        # out (``handles_missing``), which scikit-learn's tags cannot express.
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        return tags

    # ------------------------------------------------------------------ fit
    def _validate_fit_X(self, X, reset=True):
        return validate_data(
            self, X, reset=reset, dtype=self._input_dtypes, accept_sparse=self._sparse_format()
        )

    def _sparse_format(self):
        return "csr" if self._accept_sparse else False

    def _validate_y(self, y, n_rows):
        """1-D labels, one per row (a column vector is accepted with sklearn's warning)."""
        y = column_or_1d(y, warn=True)
        if y.dtype.kind == "f" and np.isinf(y).any():
            raise ParameterError("Input y contains infinity; labels must be classes or -1 / NaN.")
        if len(y) != n_rows:
            raise ParameterError(
                f"y must have one label per row of X ({n_rows}); got {len(y)} labels."
            )
        return y

    def _check_sample_weight(self, sample_weight, X):
        """``sample_weight`` as float64 (n,) or None; refused by models that cannot use it."""
        if sample_weight is not None and not self.supports_sample_weight:
            raise ParameterError(
                f"{type(self).__name__} does not take sample_weight: its training draws "
                "rows uniformly. Models that do: "
                f"{', '.join(model_names(family='generative', sample_weight=True))}."
            )
        return check_sample_weight(sample_weight, X)

    def _given_priors(self):
        """(priors or None, parameter name): the class prior the user fixed, if any."""
        return getattr(self, "priors", None), "priors"

    def _set_class_prior(self, class_weight, learned_log_prior=None):
        """``class_count_``, ``class_log_prior_`` and ``class_prior_`` from class weights (K,).

        The user's priors (``_given_priors``) replace the weighted class shares
        (``sample(y=None)`` draws from them). ``learned_log_prior`` (K,): a model's
        own older formula for the shares, kept so its seeded figures keep every bit.
        """
        priors, name = self._given_priors()
        self.class_count_ = np.array(class_weight, dtype=np.float64)
        if priors is None and learned_log_prior is not None:
            self.class_log_prior_ = learned_log_prior
        else:
            self.class_log_prior_ = class_log_prior(self.class_count_, priors, name=name)
        self.class_prior_ = np.exp(self.class_log_prior_)

    def fit(self, X, y, sample_weight=None):
        """Fit from rows ``X`` (n, d) and labels ``y`` (n,).

        Labels ``-1`` / ``None`` / NaN mark unlabeled rows. Models with
        ``semi_supervised`` then run EM (Nigam et al. 2000): the unlabeled rows
        count with their posterior class probabilities, scaled by the
        ``unlabeled_weight`` parameter. Other models ignore them.

        ``sample_weight`` (n,), non-negative, multiplies each row's
        responsibilities: an integer weight counts the row that many times, a
        zero weight drops it. None: every row weighs 1.
        """
        self._check_params()
        X = self._validate_fit_X(X, reset=True)
        y = self._validate_y(y, X.shape[0])
        weights = self._check_sample_weight(sample_weight, X)
        unl = unlabeled_mask(y)
        y_lab = y[~unl]
        if len(y_lab) == 0:
            raise ParameterError("y has no labeled rows: every label is -1 / None / NaN.")
        if unl.any() and y_lab.dtype == object:
            y_lab = np.asarray(y_lab.tolist())
        check_classification_targets(y_lab)
        self.classes_, y_idx = np.unique(y_lab, return_inverse=True)
        if unl.any():  # the labeled rows are a copy only when some rows are unlabeled
            lab, unl_rows = np.flatnonzero(~unl), np.flatnonzero(unl)
            X_lab, w_lab = X[lab], None if weights is None else weights[lab]
        else:
            X_lab, w_lab, unl_rows = X, weights, None
        self._measure_units(X, weights)
        self._record_feature_range(X, reset=True, weights=weights)
        self._fit_labeled(X_lab, y_idx, w_lab)
        self.n_em_iter_ = 0
        self.em_log_likelihood_ = []
        if unl_rows is not None and self.semi_supervised:
            weight = float(self.unlabeled_weight)
            if weights is not None:
                weight = weight * weights[unl_rows]
            R = labeled_responsibilities(y_idx, len(self.classes_), w_lab)
            self._run_em(X_lab, R, X[unl_rows], weight)
        return self

    def _fit_labeled(self, X, y_idx, weights):
        """Fit from labeled rows ``X`` (n, d), class indices ``y_idx`` (n,), ``weights`` (n,) or None.

        By default ``_fit_weighted`` with one-hot responsibilities times the
        weights; a model with a cheaper route for plain labels overrides this.
        """
        self._fit_weighted(X, labeled_responsibilities(y_idx, len(self.classes_), weights))

    def _measure_units(self, X, weights):
        """Hook: measure the units a model's floors act in (nothing by default).

        Called by ``fit`` before ``_fit_weighted`` with every training row, labeled
        or not, ``X`` (n, d), and their ``sample_weight`` ``weights`` (n,) or None.
        """

    def _check_every_class_weighted(self, class_weight):
        """Refuse a class whose rows all weigh 0: a density cannot be fitted to no rows."""
        empty = np.flatnonzero(np.asarray(class_weight) <= 0)
        if len(empty):
            label = self.classes_[empty[0]]
            label = label.item() if isinstance(label, np.generic) else label  # 0, not np.int64(0)
            raise ParameterError(
                f"class {label!r} has a total sample_weight of 0: "
                f"{type(self).__name__} needs rows of every class to fit its density; "
                "drop that class's rows instead."
            )

    # ------------------------------------------------------------ predict
    def _validate_predict_X(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            dtype=self._input_dtypes,
            ensure_all_finite=False,
            accept_sparse=self._sparse_format(),
        )
        values = X.data if sp.issparse(X) else X
        with np.errstate(over="ignore"):  # a sum that overflows takes the detailed check
            if np.isfinite(np.sum(values)):  # one pass, no temporary: no inf and no NaN
                return X
        if np.isinf(values).any():
            raise ParameterError("X contains inf; only finite values or NaN (missing) are allowed.")
        nan = np.isnan(values)
        if nan.any():
            if not self.handles_missing:
                names = model_names(family="generative", deep=False, handles_missing=True)
                raise MissingValuesError(
                    f"X contains NaN, and {type(self).__name__} cannot integrate missing "
                    f"features out; impute them first or use {', '.join(names)}."
                )
            if sp.issparse(X):
                nan_csr = sp.csr_matrix((nan.astype(float), X.indices, X.indptr), shape=X.shape)
                n_nan = np.asarray(nan_csr.sum(axis=1)).ravel()
            else:
                n_nan = nan.sum(axis=1)
            if (n_nan == X.shape[1]).any():
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
        # in place, and scipy's numbers with fewer (n, K) temporaries: no second (n, K) array
        jll -= fast_logsumexp(jll, axis=1, keepdims=True)
        return jll

    def predict_proba(self, X):
        """p(y|x) by Bayes' rule, shape (n, K)."""
        log_proba = self.predict_log_proba(X)
        return np.exp(log_proba, out=log_proba)

    def predict(self, X):
        """Most probable class for each row, shape (n,)."""
        jll = self.predict_joint_log_proba(X)  # first: raises NotFittedError before fit
        return self.classes_[np.argmax(jll, axis=1)]

    # ------------------------------------------------------------- sample
    def _class_indices(self, y, n_samples, rng):
        """Turn ``y`` (None, one label/index, or an array) into class indices (n,)."""
        if y is None:
            prior = np.exp(self.class_log_prior_ - logsumexp(self.class_log_prior_))
            return rng.choice(len(self.classes_), size=n_samples, p=prior)
        out = class_positions(y, self.classes_)
        if len(out) == 1:
            return np.full(n_samples, out[0])
        return out

    def sample(self, n_samples=1, y=None, random_state=None, *, clip=False, **options):
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
        **options
            The model's own sampling options, e.g. ``temperature`` for ``cvae``
            and ``diffusion``; most models take none. Each is checked against
            the model's ``_sample_options`` table and handed to its
            ``_sample_class`` as an argument (never stored on the model, so
            threads sharing one fitted model can sample with different options).
            An option the model does not take is a ParameterError.

        Returns
        -------
        X_new : ndarray (n, d), or CSR matrix for models fitted on sparse rows
        y_new : ndarray (n,) of class labels
        """
        check_is_fitted(self)
        caller = f"{type(self).__name__}.sample"
        unknown = sorted(set(options) - set(self._sample_options))
        if unknown:
            takes = ", ".join(self._sample_options) or "none"
            raise ParameterError(
                f"{caller} has no option {unknown[0]!r}; its options are: {takes}."
            )
        constraints = {"n_samples": POSITIVE_INT, **self._sample_options}
        check_arguments(caller, constraints, n_samples=n_samples, **options)
        rng = check_random_state(random_state)
        idx = self._class_indices(y, int(n_samples), rng)
        order = np.argsort(idx, kind="stable")  # rows grouped by class, then put back
        blocks = [
            self._sample_class(int(k), int(np.sum(idx == k)), rng, **options)
            for k in np.unique(idx)
        ]
        X_new = stack_rows(*blocks)[np.argsort(order, kind="stable")]
        if clip:
            X_new = self._clip(X_new)
        return X_new, self.classes_[idx]

    def _clip(self, X):
        if sp.issparse(X):
            X = X.tocsr(copy=True)
            X.data = np.clip(X.data, self.feature_min_[X.indices], self.feature_max_[X.indices])
            return X
        return np.clip(X, self.feature_min_, self.feature_max_)

    def _record_feature_range(self, X, reset, weights=None):
        """Remember per-feature min/max of training rows, used by ``sample(clip=True)``.

        ``reset=False`` (``partial_fit``) widens the range seen so far. Rows with a
        zero ``sample_weight`` (n,) are left out: a zero weight drops the row.
        """
        if weights is not None and np.any(weights > 0):
            X = X[np.asarray(weights) > 0]
        if sp.issparse(X):
            lo = X.min(axis=0).toarray().ravel()
            hi = X.max(axis=0).toarray().ravel()
        else:
            lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        if not reset and hasattr(self, "feature_min_"):
            lo, hi = np.minimum(lo, self.feature_min_), np.maximum(hi, self.feature_max_)
        self.feature_min_, self.feature_max_ = lo, hi
