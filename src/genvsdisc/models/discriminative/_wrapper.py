"""Plumbing shared by the discriminative models that wrap one scikit-learn classifier.

scikit-learn already fits every model of this family well; what genvsdisc
adds around it is the same input handling for all of them: one-line errors
for NaN and raw text, optional standardisation of dense features, raw-text
input through :class:`~genvsdisc.models.text.TextInputMixin`, and the
honest refusal to ``sample`` inherited from the base.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import StandardScaler
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import DataError, MissingValuesError, ParameterError
from genvsdisc.models.base import DiscriminativeClassifier
from genvsdisc.models.priors import check_sample_weight
from genvsdisc.models.registry import model_names
from genvsdisc.models.text import TextInputMixin, is_raw_text

__all__ = ["WrappedClassifier", "n_cv_splits"]


def n_cv_splits(model, y) -> int:
    """Folds for ``model``'s internal stratified CV on labels ``y`` (n,).

    ``model.cv`` folds (an int >= 2, checked by ``fit``), fewer when a class has
    fewer rows than that; 1 when some class has a single row (no stratified
    split is possible).
    """
    smallest = int(np.unique(y, return_counts=True)[1].min())
    return min(model.cv, smallest)


class WrappedClassifier(DiscriminativeClassifier):
    """A discriminative model around one fitted scikit-learn classifier, ``estimator_``.

    Subclasses fill one hook, ``_make_estimator(y)``, returning the unfitted
    scikit-learn classifier for training labels ``y``, and declare their
    ``_parameter_constraints`` (checked at the start of ``fit``). Every
    subclass has a ``standardize`` parameter (True, False, or "auto": only when
    some training value lies outside [0, 1]) unless it overrides
    ``_wants_scaling``: dense features are then standardised, fitted on the
    training rows only and kept in ``scaler_``; sparse input is never centred,
    which would densify it, and is passed on unchanged.

    Fitted attributes: ``estimator_``, ``scaler_`` (None when not
    standardising), ``classes_`` (K,), ``n_features_in_``, and
    ``vectorizer_`` for text-capable models.
    """

    #: True when scipy sparse matrices are accepted without densifying.
    _accept_sparse = False
    supports_sample_weight = True

    def _make_estimator(self, y):  # pragma: no cover - every model defines it
        raise NotImplementedError

    # ------------------------------------------------------------ input
    def _features(self, X, *, fit):
        """Raw text -> sparse features for text-capable models; anything else unchanged."""
        if isinstance(self, TextInputMixin):
            return self._text_features(X, fit=fit)
        if is_raw_text(X):
            text_models = ", ".join(model_names(modality="text", deep=False))
            raise DataError(
                f"{type(self).__name__} takes numeric features, got raw text; use a "
                f"text-capable model ({text_models}) or vectorise first."
            )
        return X

    def _check_finite(self, X):
        """One-line errors for inf, and for NaN unless the model handles it."""
        values = X.data if sp.issparse(X) else X
        if np.isinf(values).any():
            raise ParameterError("X contains inf; only finite values are allowed.")
        if not self.handles_missing and np.isnan(values).any():
            native = " or ".join(model_names(family="discriminative", handles_missing=True))
            generative = model_names(family="generative", deep=False, handles_missing=True)
            raise MissingValuesError(
                f"X contains NaN, and {type(self).__name__} cannot handle missing "
                f"features; impute them first, or use {native} (handles NaN natively) or a "
                f"generative model that integrates them out ({', '.join(generative)})."
            )
        return X

    def _standardize(self, X, *, fit, sample_weight=None):
        """Standardise dense X when ``standardize`` asks for it (``scaler_`` fitted on train only).

        The training mean and scale are weighted by ``sample_weight`` (n,) when given.
        """
        if fit:
            wanted = self._wants_scaling(X)
            self.scaler_ = StandardScaler().fit(X, sample_weight=sample_weight) if wanted else None
        if self.scaler_ is None:
            return X
        # Fitted on dense rows: a sparse matrix of the same width is densified to match.
        return self.scaler_.transform(X.toarray() if sp.issparse(X) else X)

    def _wants_scaling(self, X) -> bool:
        mode = self.standardize
        if not mode or sp.issparse(X):
            return False
        if mode == "auto":
            # Features already on one common [0, 1] scale (pixels, shares) are kept:
            # standardising would blow up rarely lit border pixels into large values.
            return not (np.nanmin(X) >= 0.0 and np.nanmax(X) <= 1.0)
        return True

    # -------------------------------------------------------------- fit
    def fit(self, X, y, sample_weight=None):
        """Fit on rows ``X`` (n, d) -- or n raw strings for text models -- and labels ``y`` (n,).

        ``sample_weight`` (n,), non-negative, is passed on to the wrapped
        scikit-learn estimator (None: every row weighs 1).
        """
        self._check_params()
        X = self._features(X, fit=True)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"] if self._accept_sparse else False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=False,
        )
        self._check_finite(X)
        check_classification_targets(y)
        weights = check_sample_weight(sample_weight, X)
        X = self._standardize(X, fit=True, sample_weight=weights)
        self.estimator_ = self._fit_estimator(self._make_estimator(y), X, y, weights)
        self.classes_ = self.estimator_.classes_
        if hasattr(self, "max_iter"):  # iterative solvers report their work, as in sklearn
            self.n_iter_ = self._n_iter()
        return self

    def _fit_estimator(self, estimator, X, y, sample_weight):
        """Fit the wrapped estimator; ``sample_weight`` (n,) or None (unweighted: not passed)."""
        if sample_weight is None:
            return estimator.fit(X, y)
        return estimator.fit(X, y, sample_weight=sample_weight)

    def _n_iter(self):
        """Iterations the final fit took (``n_iter_`` of the wrapped estimator)."""
        return self.estimator_.n_iter_

    # ---------------------------------------------------------- predict
    def _predict_input(self, X):
        check_is_fitted(self)
        X = self._features(X, fit=False)
        X = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"] if self._accept_sparse else False,
            dtype=[np.float64, np.float32],
            ensure_all_finite=False,
        )
        return self._standardize(self._check_finite(X), fit=False)

    def predict_proba(self, X):
        """p(y|x) for each row and class, shape (n, K), columns ordered as ``classes_``."""
        X = self._predict_input(X)  # checks fitted first
        return self.estimator_.predict_proba(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accept_sparse
        tags.input_tags.allow_nan = self.handles_missing
        return tags
