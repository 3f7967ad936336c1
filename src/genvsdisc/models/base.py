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
    model sets ``handles_missing = True``; the hook then integrates the
    missing features out.
``_sample_class(k, n, rng, **options)``
    ``n`` draws of x from class index ``k``, shape (n, d). A model with
    sampling options (``temperature``) lists them in ``_sample_options``;
    ``sample`` checks them and passes them here as arguments.

Models whose parameters are sums over rows add :class:`SufficientStatsMixin`,
which turns ``_fit_weighted`` into reset + accumulate + finalize and so gives
``partial_fit`` for free (fit == chunked partial_fit). Models that accept
sparse rows (text counts) set ``_accept_sparse = True``.

Constructor parameters are checked by ``fit`` (and the first ``partial_fit``)
against the model's ``_parameter_constraints`` (:mod:`.params`). What a model
can do (``handles_missing``, ``semi_supervised``...) is also a field of its
registry entry, :mod:`.catalog`; a test keeps the two in agreement.
"""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from genvsdisc.exceptions import CannotGenerateError, MissingValuesError, ParameterError
from genvsdisc.models.params import POSITIVE_INT, ParameterChecks, check_arguments
from genvsdisc.models.registry import model_names, name_of

__all__ = [
    "GenerativeClassifier",
    "SufficientStatsMixin",
    "DiscriminativeClassifier",
    "unlabeled_mask",
]

#: Relative tolerance on EM's objective at which semi-supervised EM stops.
EM_TOL = 1e-6

# Transition while issue 10's branches merge: cli/generate_command.py reads
# ``fitted._registry_name`` of a loaded model. Delete this and its two uses in the
# bases once it reads ``name_of(fitted)``.
_REGISTRY_NAME = property(name_of)


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


class DiscriminativeClassifier(ParameterChecks, ClassifierMixin, BaseEstimator):
    """Base of the detectives: models of p(y|x) alone.

    Subclasses implement ``fit``/``predict_proba`` (usually by delegating to a
    fitted scikit-learn or PyTorch model). ``sample`` always refuses.
    """

    family = "discriminative"
    #: True when NaN features are accepted and handled by the model itself (hgb).
    handles_missing = False
    _registry_name = _REGISTRY_NAME

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


class GenerativeClassifier(ParameterChecks, ClassifierMixin, BaseEstimator):
    """Base of the artists: models of p(x|y) p(y), classifying by Bayes' rule.

    Subclasses set the class attributes below and fill the hooks described in
    the module docstring. Fitted attributes every subclass must set through
    ``_fit_weighted``: ``class_log_prior_`` (K,).
    """

    family = "generative"
    #: True when ``_joint_log_likelihood`` integrates NaN features out.
    handles_missing = False
    #: True when ``fit`` runs EM over rows labeled ``-1`` / ``None``; the model then
    #: has the ``unlabeled_weight`` and ``em_max_iter`` parameters (``EM_CONSTRAINTS``).
    semi_supervised = False
    #: True when the hooks accept scipy sparse (CSR) rows; dense otherwise.
    _accept_sparse = False

    #: Options of ``sample`` beyond the common ones, each handed to ``_sample_class``
    #: as a keyword argument: option name -> constraints (:mod:`.params`). Empty: none.
    _sample_options: dict = {}
    _registry_name = _REGISTRY_NAME

    def __sklearn_tags__(self):
        # allow_nan stays False: fit refuses NaN; only predict-time NaN is integrated
        # out (``handles_missing``), which scikit-learn's tags cannot express.
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        return tags

    # ------------------------------------------------------------------ fit
    def _validate_fit_X(self, X, reset=True):
        return validate_data(
            self, X, reset=reset, dtype=np.float64, accept_sparse=self._sparse_format()
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

    def fit(self, X, y):
        """Fit from rows ``X`` (n, d) and labels ``y`` (n,).

        Labels ``-1`` / ``None`` / NaN mark unlabeled rows. Models with
        ``semi_supervised`` then run EM (Nigam et al. 2000): the unlabeled rows
        count with their posterior class probabilities, scaled by the
        ``unlabeled_weight`` parameter. Other models ignore them.
        """
        self._check_params()
        X = self._validate_fit_X(X, reset=True)
        y = self._validate_y(y, X.shape[0])
        unl = unlabeled_mask(y)
        y_lab = y[~unl]
        if len(y_lab) == 0:
            raise ParameterError("y has no labeled rows: every label is -1 / None / NaN.")
        if unl.any() and y_lab.dtype == object:
            y_lab = np.asarray(y_lab.tolist())
        check_classification_targets(y_lab)
        self.classes_, y_idx = np.unique(y_lab, return_inverse=True)
        R = _one_hot(y_idx, len(self.classes_))
        lab, unl_rows = np.flatnonzero(~unl), np.flatnonzero(unl)
        self._record_feature_range(X, reset=True)
        self._fit_weighted(X[lab], R)
        self.n_em_iter_ = 0
        self.em_log_likelihood_ = []
        if len(unl_rows) and self.semi_supervised:
            self._run_em(X[lab], R, X[unl_rows])
        return self

    def _run_em(self, X_lab, R_lab, X_unl):
        """Semi-supervised EM; records the objective it climbs, once per iteration.

        Starts from the labeled-only fit (Nigam et al. 2000). Each iteration
        computes the posteriors of the unlabeled rows (E-step) and refits on
        all rows, the unlabeled ones weighted ``unlabeled_weight * posterior``
        (M-step, ``_m_step``).
        """
        weight = float(self.unlabeled_weight)
        X_all = _stack_rows(X_lab, X_unl)
        history = [self._em_objective(X_lab, R_lab, X_unl, weight)]
        for _ in range(self.em_max_iter):
            jll = self._joint_log_likelihood(X_unl)
            post = np.exp(jll - logsumexp(jll, axis=1, keepdims=True))
            self._m_step(X_all, np.vstack([R_lab, weight * post]))
            history.append(self._em_objective(X_lab, R_lab, X_unl, weight))
            self.n_em_iter_ += 1
            if abs(history[-1] - history[-2]) <= EM_TOL * max(1.0, abs(history[-2])):
                break
        self.em_log_likelihood_ = history

    def _m_step(self, X, R):
        """EM's M-step; mixtures override it to warm-start from the current fit."""
        self._fit_weighted(X, R)

    def _log_param_prior(self):
        """log p(parameters) of the smoothing prior the M-step maximises with (0: plain ML)."""
        return 0.0

    def _em_objective(self, X_lab, R_lab, X_unl, weight):
        """Weighted observed-data log-likelihood plus ``_log_param_prior()``.

        sum_labeled log p(x, y) + weight * sum_unlabeled log p(x), plus the
        log-prior when the M-step is a MAP estimate (naive Bayes smoothing):
        exactly the quantity EM never lowers.
        """
        ll = float(np.sum(R_lab * self._joint_log_likelihood(X_lab)))
        if X_unl.shape[0]:
            ll += weight * float(np.sum(logsumexp(self._joint_log_likelihood(X_unl), axis=1)))
        return ll + self._log_param_prior()

    # ------------------------------------------------------------ predict
    def _validate_predict_X(self, X):
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            reset=False,
            dtype=np.float64,
            ensure_all_finite=False,
            accept_sparse=self._sparse_format(),
        )
        values = X.data if sp.issparse(X) else X
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
        return jll - logsumexp(jll, axis=1, keepdims=True)

    def predict_proba(self, X):
        """p(y|x) by Bayes' rule, shape (n, K)."""
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Most probable class for each row, shape (n,)."""
        jll = self.predict_joint_log_proba(X)  # first: raises NotFittedError before fit
        return self.classes_[np.argmax(jll, axis=1)]

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
        X_new = _stack_rows(*blocks)[np.argsort(order, kind="stable")]
        if clip:
            X_new = self._clip(X_new)
        return X_new, self.classes_[idx]

    def _clip(self, X):
        if sp.issparse(X):
            X = X.tocsr(copy=True)
            X.data = np.clip(X.data, self.feature_min_[X.indices], self.feature_max_[X.indices])
            return X
        return np.clip(X, self.feature_min_, self.feature_max_)

    def _record_feature_range(self, X, reset):
        """Remember per-feature min/max of training rows, used by ``sample(clip=True)``.

        ``reset=False`` (``partial_fit``) widens the range seen so far.
        """
        if sp.issparse(X):
            lo = X.min(axis=0).toarray().ravel()
            hi = X.max(axis=0).toarray().ravel()
        else:
            lo, hi = np.nanmin(X, axis=0), np.nanmax(X, axis=0)
        if not reset and hasattr(self, "feature_min_"):
            lo, hi = np.minimum(lo, self.feature_min_), np.maximum(hi, self.feature_max_)
        self.feature_min_, self.feature_max_ = lo, hi


class SufficientStatsMixin:
    """``fit`` = reset + accumulate + finalize; ``partial_fit`` = accumulate + finalize.

    Put before :class:`GenerativeClassifier` in the bases. The model fills
    three hooks (the protocol of pomegranate's ``summarize`` /
    ``from_summaries``):

    ``_reset_stats(n_features, n_classes)``
        Empty sufficient statistics.
    ``_accumulate(X, R)``
        Add rows ``X`` (n, d) with class responsibilities ``R`` (n, K).
    ``_finalize()``
        Turn the statistics into parameters (``class_log_prior_`` included).

    Because the statistics are sums over rows, fitting in chunks with
    ``partial_fit`` gives the same model as one ``fit`` on all rows.
    """

    def _fit_weighted(self, X, R):
        self._reset_stats(X.shape[1], R.shape[1])
        self._accumulate(X, R)
        self._finalize()

    def partial_fit(self, X, y, classes=None):
        """Add a chunk of labeled rows to the fit.

        Parameters
        ----------
        X : array-like (n, d)
        y : array-like (n,)
            Labels; every one must be known (no -1 / None: use ``fit`` for EM).
        classes : array-like or None
            All classes, on the first call; taken from ``y`` when omitted (a
            later chunk with a new class is then an error).

        Returns
        -------
        self
        """
        first = not hasattr(self, "classes_")
        if first:
            self._check_params()
        X = self._validate_fit_X(X, reset=first)
        y = self._validate_y(y, X.shape[0])
        if unlabeled_mask(y).any():
            raise ParameterError(
                "partial_fit takes labeled rows only; y holds -1 / None / NaN. "
                "Use fit for semi-supervised EM."
            )
        if first:
            labels = np.unique(y if classes is None else np.asarray(classes))
            check_classification_targets(labels)
            self.classes_ = labels
            self.n_em_iter_, self.em_log_likelihood_ = 0, []
            self._reset_stats(X.shape[1], len(labels))
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ParameterError(
                f"partial_fit: classes={np.unique(classes).tolist()} differs from the classes "
                f"of the first call, {self.classes_.tolist()}."
            )
        pos = np.searchsorted(self.classes_, y)
        pos = np.minimum(pos, len(self.classes_) - 1)
        unknown = self.classes_[pos] != y
        if unknown.any():
            raise ParameterError(
                f"partial_fit: label {y[unknown][:1].tolist()[0]!r} is not one of the classes "
                f"{', '.join(map(str, self.classes_))}; pass every class in 'classes' "
                "on the first call."
            )
        self._record_feature_range(X, reset=first)
        self._accumulate(X, _one_hot(pos, len(self.classes_)))
        self._finalize()
        return self


def _one_hot(idx, n_classes):
    R = np.zeros((len(idx), n_classes))
    R[np.arange(len(idx)), idx] = 1.0
    return R


def _stack_rows(*blocks):
    """Concatenate row blocks: dense arrays, 1-D object arrays or sparse matrices."""
    if any(sp.issparse(b) for b in blocks):
        return sp.vstack(blocks, format="csr")
    return np.concatenate(blocks, axis=0)
