"""Fitting from sufficient statistics: ``partial_fit`` for free, fit == chunked partial_fit."""

from __future__ import annotations

import numpy as np
from sklearn.utils.multiclass import check_classification_targets

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.rows import labeled_responsibilities, unlabeled_mask

__all__ = ["SufficientStatsMixin"]


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

    and may fill a fourth, for plain labels (``fit`` and ``partial_fit`` without
    unlabeled rows): ``_accumulate_labels(X, y_idx, weights)``, class indices
    ``y_idx`` (n,) and row ``weights`` (n,) or None. By default it is
    ``_accumulate`` with one-hot responsibilities; a model overrides it where
    plain labels allow a cheaper pass that adds exactly the same statistics.

    Because the statistics are sums over rows, fitting in chunks with
    ``partial_fit`` gives the same model as one ``fit`` on all rows.
    """

    def _fit_weighted(self, X, R):
        self._reset_stats(X.shape[1], R.shape[1])
        self._accumulate(X, R)
        self._finalize()

    def _fit_labeled(self, X, y_idx, weights):
        self._reset_stats(X.shape[1], len(self.classes_))
        self._accumulate_labels(X, y_idx, weights)
        self._finalize()

    def _accumulate_labels(self, X, y_idx, weights):
        self._accumulate(X, labeled_responsibilities(y_idx, len(self.classes_), weights))

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Add a chunk of labeled rows to the fit.

        Parameters
        ----------
        X : array-like (n, d)
        y : array-like (n,)
            Labels; every one must be known (no -1 / None: use ``fit`` for EM).
        classes : array-like
            All classes, required on the first call (a chunk may miss some of
            them), as in scikit-learn; optional later, when it must match.
        sample_weight : array-like (n,) or None
            Non-negative row weights, as in ``fit``.

        Returns
        -------
        self
        """
        first = not hasattr(self, "classes_")
        if first:
            self._check_params()
            if classes is None:
                raise ParameterError("classes must be passed on the first call to partial_fit.")
        X = self._validate_fit_X(X, reset=first)
        y = self._validate_y(y, X.shape[0])
        weights = self._check_sample_weight(sample_weight, X)
        if unlabeled_mask(y).any():
            raise ParameterError(
                "partial_fit takes labeled rows only; y holds -1 / None / NaN. "
                "Use fit for semi-supervised EM."
            )
        if first:
            labels = np.unique(np.asarray(classes))
            check_classification_targets(labels)
            self.classes_ = labels
            self.n_em_iter_, self.em_log_likelihood_ = 0, []
            self._reset_stats(X.shape[1], len(labels))
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ParameterError(
                f"`classes={np.asarray(classes).tolist()}` is not the same as on last call to "
                f"partial_fit, was: {self.classes_.tolist()}."
            )
        pos = np.searchsorted(self.classes_, y)
        pos = np.minimum(pos, len(self.classes_) - 1)
        unknown = self.classes_[pos] != y
        if unknown.any():
            raise ParameterError(
                f"The target label(s) {np.unique(y[unknown]).tolist()} in y do not exist in the "
                f"initial classes {self.classes_.tolist()}; pass every class in 'classes' on "
                "the first call to partial_fit."
            )
        self._record_feature_range(X, reset=first, weights=weights)
        self._accumulate_labels(X, pos, weights)
        self._finalize()
        return self
