"""Audio detectives: scikit-learn classifiers on fixed-length clip summaries.

Each wraps the tabular detective of the same name (``logreg``, ``knn``,
``mlp``; ``clip_svm`` wraps scikit-learn's RBF ``SVC`` directly) and first turns a clip's NaN-padded frames into the fixed-length
features of :class:`~.frames.ClipSummary` (means over stretches of the clip,
spread, deltas, log length). The summaries skip NaN frames, so a clip with
dropped frames needs no filling in.
"""

from __future__ import annotations

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import SVC
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.audio.frames import ClipSummary
from genvsdisc.models.discriminative._wrapper import WrappedClassifier
from genvsdisc.models.discriminative.linear import DEFAULT_CS, LogReg, _TfidfText
from genvsdisc.models.discriminative.mlp import MLP
from genvsdisc.models.discriminative.neighbors import KNN
from genvsdisc.models.params import POSITIVE_INT, sklearn_constraints

__all__ = ["ClipLogReg", "ClipKNN", "ClipMLP", "ClipSVM"]

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
    """Logistic regression on clip summaries; C chosen by validation log-loss (as LogReg).

    Parameters
    ----------
    frame_size : int, default=13
    n_segments : int, default=4
        Stretches of each clip whose mean frames are features.
    C, Cs, cv, max_iter, tol, class_weight, random_state, path_max_rows
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
        path_max_rows=20_000,
    ):
        self.C, self.Cs, self.cv = C, Cs, cv
        self.max_iter, self.tol = max_iter, tol
        self.class_weight, self.random_state = class_weight, random_state
        self.path_max_rows = path_max_rows
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


class ClipSVM(_ClipInput, WrappedClassifier):
    """Support-vector machine with an RBF kernel on standardised clip summaries.

    scikit-learn's ``SVC`` inside ``CalibratedClassifierCV(ensemble=False)``
    (``SVC(probability=True)`` is deprecated): the SVM is fitted on all
    training clips, and p(y|x) comes from Platt (sigmoid) scaling of its
    scores on clips held out in ``cv`` stratified folds, so the probabilities
    are not the training clips' own margins. Needs at least 2 training clips
    per class. ``sample_weight`` weights the SVM's C per clip and the sigmoids.

    Parameters
    ----------
    frame_size : int, default=13
    n_segments : int, default=4
    C : float, default=10.0
        Penalty on margin violations (larger: a tighter fit).
    gamma : {"scale", "auto"} or float, default="scale"
        RBF width (``"scale"``: 1 / (features * variance), as in scikit-learn).
    cv : int, CV splitter or iterable of (train, test) index pairs, default=3
        Calibration folds (fewer when a class has fewer clips), as ``linear_svm``.
    class_weight : dict, "balanced" or None, default=None
    random_state : int or None, default=0
        Seeds the calibration folds.

    Attributes
    ----------
    estimator_ : CalibratedClassifierCV around an SVC
    scaler_ : StandardScaler
    classes_ : ndarray (K,)
    """

    _parameter_constraints = {
        **sklearn_constraints(SVC, "C", "gamma", "class_weight"),
        "cv": _TfidfText._parameter_constraints["cv"],
        "random_state": ["random_state"],
        **_CLIP,
    }

    def __init__(
        self,
        *,
        frame_size=13,
        n_segments=4,
        C=10.0,
        gamma="scale",
        cv=3,
        class_weight=None,
        random_state=0,
    ):
        self.C, self.gamma, self.cv, self.class_weight = C, gamma, cv, class_weight
        self.random_state = random_state
        self.frame_size = frame_size
        self.n_segments = n_segments

    def _make_estimator(self, y):
        folds = _TfidfText._folds(self, y)  # the linear models' folds, from cv and the seed
        if folds is None:
            labels, counts = np.unique(y, return_counts=True)
            raise DataError(
                "clip_svm needs at least 2 training clips per class to calibrate its "
                f"probabilities; class {labels[np.argmin(counts)].item()!r} has 1 sample."
            )
        svm = SVC(C=self.C, gamma=self.gamma)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)

    def _fit_estimator(self, estimator, X, y, sample_weight):
        # class_weight as row weights reaches both the SVM and the sigmoids (as in
        # linear_svm); given to the SVC alone, calibration would undo it
        if self.class_weight is not None:
            by_class = compute_sample_weight(self.class_weight, y)
            sample_weight = by_class if sample_weight is None else by_class * sample_weight
        return super()._fit_estimator(estimator, X, y, sample_weight)

    def fit(self, X, y, sample_weight=None):
        """Fit on frame rows ``X`` (n, T * c) and labels ``y`` (n,)."""
        return self._fit_clips(X, y, sample_weight=sample_weight)
