"""Audio detectives: scikit-learn classifiers on fixed-length clip summaries.

Each wraps the tabular detective of the same name (``logreg``, ``knn``,
``mlp``) and first turns a clip's NaN-padded frames into the fixed-length
features of :class:`~.frames.ClipSummary` (means over stretches of the clip,
spread, deltas, log length). The summaries skip NaN frames, so a clip with
dropped frames needs no filling in.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.audio.frames import ClipSummary
from genvsdisc.models.discriminative.linear import DEFAULT_CS, LogReg
from genvsdisc.models.discriminative.mlp import MLP
from genvsdisc.models.discriminative.neighbors import KNN
from genvsdisc.models.params import POSITIVE_INT

__all__ = ["ClipLogReg", "ClipKNN", "ClipMLP"]

_CLIP = {"frame_size": POSITIVE_INT, "n_segments": POSITIVE_INT}


class _ClipInput:
    """Raw frame rows in (NaN after the clip's end), clip summaries to the wrapped model.

    ``n_features_in_`` stays the raw row width, as scikit-learn expects. The
    summaries mix units (MFCCs, log length), so they are always standardised:
    ``standardize`` is fixed here, not a parameter.
    """

    _accept_sparse = False  # frames are dense: NaN marks the clip's end
    standardize = True
    warm_start = False
    early_stopping = False

    def _summaries(self, X, *, reset):
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        if np.isinf(X).any():
            raise ParameterError("X contains inf; audio frames must be finite or NaN.")
        return ClipSummary(self.frame_size, self.n_segments).transform(X), X.shape[1]

    def _fit_clips(self, X, y, **kwargs):
        F, width = self._summaries(X, reset=True)
        super().fit(F, y, **kwargs)
        self.n_features_in_ = width
        return self

    def _predict_input(self, X):
        check_is_fitted(self)
        F, _ = self._summaries(X, reset=False)
        return self._standardize(self._check_finite(F), fit=False)


class ClipLogReg(_ClipInput, LogReg):
    """Logistic regression on clip summaries; C by cross-validated log-loss.

    Parameters
    ----------
    frame_size : int, default=13
    n_segments : int, default=4
        Stretches of each clip whose mean frames are features.
    C, Cs, cv, max_iter, tol, class_weight, random_state
        As :class:`~genvsdisc.models.discriminative.linear.LogReg`
        (summaries are always standardised).
    """

    _parameter_constraints = {**LogReg._parameter_constraints, **_CLIP}

    def __init__(
        self,
        *,
        frame_size=13,
        n_segments=4,
        C=None,
        Cs=DEFAULT_CS,
        cv=5,
        max_iter=1000,
        tol=1e-4,
        class_weight=None,
        random_state=0,
    ):
        self.C, self.Cs, self.cv = C, Cs, cv
        self.max_iter, self.tol = max_iter, tol
        self.class_weight, self.random_state = class_weight, random_state
        self.frame_size = frame_size
        self.n_segments = n_segments

    def fit(self, X, y, sample_weight=None):
        """Fit on frame rows ``X`` (n, T * c) and labels ``y`` (n,)."""
        return self._fit_clips(X, y, sample_weight=sample_weight)


class ClipMLP(_ClipInput, MLP):
    """One-hidden-layer network on clip summaries (standardised).

    Parameters as :class:`~genvsdisc.models.discriminative.mlp.MLP`, plus
    ``frame_size`` and ``n_segments``.
    """

    _parameter_constraints = {**MLP._parameter_constraints, **_CLIP}

    def __init__(
        self,
        *,
        frame_size=13,
        n_segments=4,
        hidden_layer_sizes=(100,),
        alpha=1e-4,
        learning_rate_init=1e-3,
        max_iter=300,
        random_state=0,
    ):
        self.hidden_layer_sizes, self.alpha = hidden_layer_sizes, alpha
        self.learning_rate_init, self.max_iter = learning_rate_init, max_iter
        self.random_state = random_state
        self.frame_size = frame_size
        self.n_segments = n_segments

    def fit(self, X, y, sample_weight=None):
        """Fit on frame rows ``X`` (n, T * c) and labels ``y`` (n,)."""
        return self._fit_clips(X, y, sample_weight=sample_weight)


class ClipKNN(_ClipInput, KNN):
    """k-nearest neighbours on standardised clip summaries.

    Parameters as :class:`~genvsdisc.models.discriminative.neighbors.KNN`,
    plus ``frame_size`` and ``n_segments``.
    """

    _parameter_constraints = {**KNN._parameter_constraints, **_CLIP}

    def __init__(self, *, frame_size=13, n_segments=4, n_neighbors=5, weights="uniform", p=2):
        self.n_neighbors, self.weights, self.p = n_neighbors, weights, p
        self.frame_size = frame_size
        self.n_segments = n_segments

    def fit(self, X, y):
        """Fit on frame rows ``X`` (n, T * c) and labels ``y`` (n,)."""
        return self._fit_clips(X, y)
