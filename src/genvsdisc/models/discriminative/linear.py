"""Linear detectives: logistic regression and a calibrated linear SVM.

Both wrap scikit-learn (``LogisticRegression``, ``LinearSVC`` inside
``CalibratedClassifierCV``) and both take raw text too:
a TF-IDF vectorizer inside the model, fitted on the training text only.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.class_weight import compute_sample_weight

from genvsdisc.exceptions import DataError
from genvsdisc.models.discriminative._c_path import final_solver, stratified_sample, walk_Cs
from genvsdisc.models.discriminative._wrapper import WrappedClassifier, n_cv_splits
from genvsdisc.models.params import STANDARDIZE, sklearn_constraints
from genvsdisc.models.text import TextInputMixin
from genvsdisc.models.text_counts import CachedTfidfVectorizer

__all__ = ["LogReg", "LinearSVM"]

#: Grid for the automatic choice of C: decades, wide enough for standardised tables
#: and pixels (best C ~0.01-10) and for TF-IDF text (best C ~10-100).
DEFAULT_CS = (0.01, 0.1, 1.0, 10.0, 100.0)


class _TfidfText(TextInputMixin):
    """TF-IDF for raw-text input, from the model's ``ngram_range``/``min_df``/``sublinear_tf``."""

    #: The parameters both linear models share: folds, scaling and the TF-IDF settings.
    _parameter_constraints = {
        # folds, or scikit-learn's other spellings: a splitter or (train, test) index pairs
        "cv": [Interval(Integral, 2, None, closed="left"), HasMethods(["split"]), Iterable],
        "standardize": STANDARDIZE,
        **sklearn_constraints(TfidfVectorizer, "ngram_range", "min_df", "sublinear_tf"),
    }

    def _folds(self, y):
        """The CV folds on labels ``y`` (n,): None when no stratified split is possible.

        An int ``cv`` gives shuffled stratified folds (fewer when a class has
        fewer rows); a splitter or a list of (train, test) pairs is used as given.
        """
        if not isinstance(self.cv, Integral):
            return self.cv
        splits = n_cv_splits(self, y)
        if splits < 2:
            return None
        return StratifiedKFold(splits, shuffle=True, random_state=self.random_state)

    def _make_vectorizer(self):
        # scikit-learn's TfidfVectorizer, each document tokenised once per process
        return CachedTfidfVectorizer(
            ngram_range=tuple(self.ngram_range),
            min_df=self.min_df,
            sublinear_tf=self.sublinear_tf,
        )


class LogReg(_TfidfText, WrappedClassifier):
    """Multinomial logistic regression: p(y|x) = softmax(W x + b).

    Dense tables are standardised inside the model (``standardize``), and
    by default the inverse regularisation strength C is chosen from ``Cs`` on
    the training rows only: the first of the ``cv`` folds is held out as a
    validation split; on the rest, a path over the grid is fitted and scored by
    validation log-loss: it starts at the candidate nearest scikit-learn's
    default C=1 and walks the grid in the direction in which the loss falls,
    stopping where it rises (it falls, then rises along C in practice). The
    loss's slope at the start
    (:func:`~genvsdisc.models.discriminative._c_path.validation_slope`) says
    which way to try first, so the walk rarely fits a C only to see the loss
    rise. The path's fits only rank the Cs, so they stop at ten times ``tol``,
    each from cold (warm-started at that tol a fit stops almost where it began:
    on bbc_news C=100 looked no better than C=10), on at most ``path_max_rows``
    rows. The C with the lowest loss is refitted once on all training rows, at
    ``tol``, warm-started from its path coefficients (by Newton-CG when there are
    many weights for the rows: ``_c_path.final_solver``): two or three
    short fits and one full one, where 5-fold cross-validation over every C
    cost ``cv * len(Cs)`` fits. Raw text (a 1-D sequence of strings) goes
    through TF-IDF first; sparse input is used as given, never densified.

    Parameters
    ----------
    C : float or None, default=None
        Inverse regularisation strength; None chooses it from ``Cs`` as
        above; give a float for one plain fit. When some class has a single
        training row no split is possible and scikit-learn's default C=1.0
        is used.
    Cs : tuple of float, default=(0.01, 0.1, 1.0, 10.0, 100.0)
        Candidates for C when ``C`` is None.
    cv : int, CV splitter or iterable of (train, test) index pairs, default=5
        The validation split for choosing C: an int k holds out the first
        of k shuffled stratified folds (1/k of the rows; fewer folds when a
        class has fewer rows); of a splitter or pairs, the first split is used.
    standardize : bool or "auto", default="auto"
        Standardise dense features (mean and scale from the training rows);
        "auto" does so unless every training value already lies in [0, 1]
        (pixels), where it would magnify rarely lit border pixels.
    max_iter : int, default=1000
    tol : float, default=1e-4
    class_weight : dict, "balanced" or None, default=None
    random_state : int or None, default=0
        Seeds the validation split.
    ngram_range, min_df, sublinear_tf
        TF-IDF settings for raw-text input (defaults: (1, 1), 1, True).
    path_max_rows : int or None, default=20000
        The path that chooses C runs on at most this many rows: a stratified
        sample of the training part and of the validation split, in proportion
        (the final fit uses every row). C is the prior variance of the weights
        in scikit-learn's objective (sum of losses + |W|^2 / (2 C)), so it
        carries over from a sample to all rows. None: all rows.
    warm_start : bool, default=False
        With a fixed ``C``, start the solver from the previous fit's
        coefficients when the classes and feature count are unchanged (learning
        curves grow the training rows; the optimum is the same, found sooner).

    Attributes
    ----------
    estimator_ : LogisticRegression
        Fitted on all training rows with ``C_`` (lbfgs, or Newton-CG from the
        path's coefficients, as above).
    C_ : float
        The C used for the final fit.
    validation_log_loss_ : ndarray (len(Cs),) or None
        Validation log-loss of each C in ``Cs`` (sorted order); NaN for the
        Cs the path did not reach. None when C was given or no split exists.
    n_iter_ : ndarray (1,)
        Solver iterations of the final fit.
    scaler_ : StandardScaler or None
    vectorizer_ : TfidfVectorizer or None
        Fitted on the training text; None for numeric input.
    classes_ : ndarray (K,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LogReg().fit(X, y)
    >>> model.predict(X[:2])
    array([0, 0])
    """

    _parameter_constraints = {
        **_TfidfText._parameter_constraints,
        "C": [*LogisticRegression._parameter_constraints["C"], None],
        "Cs": ["array-like"],
        **sklearn_constraints(
            LogisticRegression, "max_iter", "tol", "class_weight", "random_state", "warm_start"
        ),
        "path_max_rows": [Interval(Integral, 2, None, closed="left"), None],
    }

    def __init__(
        self,
        *,
        C=None,
        Cs=DEFAULT_CS,
        cv=5,
        standardize="auto",
        max_iter=1000,
        tol=1e-4,
        class_weight=None,
        random_state=0,
        ngram_range=(1, 1),
        min_df=1,
        sublinear_tf=True,
        warm_start=False,
        path_max_rows=20_000,
    ):
        self.C = C
        self.Cs = Cs
        self.cv = cv
        self.standardize = standardize
        self.max_iter = max_iter
        self.tol = tol
        self.class_weight = class_weight
        self.random_state = random_state
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf
        self.warm_start = warm_start
        self.path_max_rows = path_max_rows

    _accept_sparse = True

    def _make_estimator(self, y):
        common = dict(max_iter=self.max_iter, tol=self.tol, class_weight=self.class_weight)
        return LogisticRegression(C=1.0 if self.C is None else self.C, **common)

    def _fit_estimator(self, estimator, X, y, sample_weight):
        self.validation_log_loss_ = None
        split = self._validation_split(y) if self.C is None else None
        if split is None:
            return self._fit_plain(estimator, X, y, sample_weight)
        C, coef = self._choose_C(estimator, X, y, sample_weight, split)
        estimator.set_params(C=C, warm_start=True)
        if coef[0] is not None:  # from a close start: Newton-CG where lbfgs is slow
            n_rows = len(y) if sample_weight is None else float(np.sum(sample_weight))
            estimator.set_params(solver=final_solver(coef[0].size, n_rows))
        estimator.coef_, estimator.intercept_ = coef
        return super()._fit_estimator(estimator, X, y, sample_weight)

    def _fit_plain(self, estimator, X, y, sample_weight):
        prev = getattr(self, "estimator_", None)
        if (
            self.warm_start
            and self.C is not None
            and type(prev) is LogisticRegression
            and prev.coef_.shape[1] == X.shape[1]
            and np.array_equal(prev.classes_, np.unique(y))
        ):
            # scikit-learn's warm start reads coef_/intercept_ of the estimator it fits
            estimator.set_params(warm_start=True)
            estimator.coef_, estimator.intercept_ = prev.coef_, prev.intercept_
        return super()._fit_estimator(estimator, X, y, sample_weight)

    def _validation_split(self, y):
        """(train, validation) row indices: the first of the ``cv`` folds; None if none."""
        folds = self._folds(y)
        if folds is None:
            return None
        splits = folds.split(np.zeros((len(y), 1)), y) if hasattr(folds, "split") else folds
        train, val = next(iter(splits))
        train, val = np.asarray(train), np.asarray(val)
        n = len(train) + len(val)
        if self.path_max_rows is not None and n > self.path_max_rows:
            rng = np.random.RandomState(self.random_state)
            train, val = (
                stratified_sample(idx, y, self.path_max_rows / n, rng) for idx in (train, val)
            )
        return train, val

    def _choose_C(self, estimator, X, y, sample_weight, split):
        """C of ``Cs`` with the lowest validation log-loss along a walk over the grid.

        Returns the C and its path coefficients ``(coef_, intercept_)``, which
        start the final fit on all rows (same shapes: the training part of a
        stratified split holds every class).
        """

        def fit_at(C, X_part, y_part, w_part):
            # from cold: a warm start at the loose tol would stop almost where it began
            model = clone(estimator).set_params(C=C, tol=10 * self.tol)
            return super(LogReg, self)._fit_estimator(model, X_part, y_part, w_part)

        Cs = np.sort(np.asarray(self.Cs, dtype=float))
        C, coef, self.validation_log_loss_ = walk_Cs(fit_at, Cs, X, y, sample_weight, split)
        return C, coef

    def fit(self, X, y, sample_weight=None):
        """Fit on ``X`` (n, d) numeric, sparse, or n raw strings, and labels ``y`` (n,).

        ``sample_weight`` (n,) weights the rows of the fit and of the choice of C.
        """
        super().fit(X, y, sample_weight=sample_weight)
        self.C_ = float(self.estimator_.C)
        return self


class LinearSVM(_TfidfText, WrappedClassifier):
    """Linear support-vector machine with calibrated probabilities.

    ``LinearSVC`` (one-vs-rest, squared hinge) gives scores, not
    probabilities; ``CalibratedClassifierCV(ensemble=False)`` turns them into
    p(y|x) by Platt (sigmoid) scaling: the SVM is fitted on all training
    rows, and the sigmoids on its scores for rows held out in ``cv`` folds,
    so the scores they see are honest. Needs at least 2 training rows per
    class. Raw text goes through TF-IDF; sparse input is used as given.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength of the SVM.
    cv : int, CV splitter or iterable of (train, test) index pairs, default=3
        Calibration folds, as ``cv`` of :class:`LogReg`.
    standardize : bool or "auto", default="auto"
        As in :class:`LogReg`.
    max_iter : int, default=5000
    class_weight : dict, "balanced" or None, default=None
    random_state : int or None, default=0
        Seeds the calibration folds and the SVM's solver.
    ngram_range, min_df, sublinear_tf
        TF-IDF settings for raw-text input (defaults: (1, 1), 1, True).

    Attributes
    ----------
    estimator_ : CalibratedClassifierCV
    n_iter_ : int
        Iterations of the SVM fitted on all rows.
    scaler_ : StandardScaler or None
    vectorizer_ : TfidfVectorizer or None
    classes_ : ndarray (K,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> LinearSVM().fit(X, y).predict_proba(X[:1]).shape
    (1, 3)
    """

    _parameter_constraints = {
        **_TfidfText._parameter_constraints,
        **sklearn_constraints(LinearSVC, "C", "max_iter", "class_weight"),
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        C=1.0,
        cv=3,
        standardize="auto",
        max_iter=5000,
        class_weight=None,
        random_state=0,
        ngram_range=(1, 1),
        min_df=1,
        sublinear_tf=True,
    ):
        self.C = C
        self.cv = cv
        self.standardize = standardize
        self.max_iter = max_iter
        self.class_weight = class_weight
        self.random_state = random_state
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.sublinear_tf = sublinear_tf

    _accept_sparse = True

    def _make_estimator(self, y):
        folds = self._folds(y)
        if folds is None:
            labels, counts = np.unique(y, return_counts=True)
            raise DataError(
                "linear_svm needs at least 2 training rows per class to calibrate its "
                f"probabilities; class {labels[np.argmin(counts)]!r} has 1 sample."
            )
        # random_state: LinearSVC's dual solver shuffles coordinates (text: wide sparse
        # rows), so without a seed two fits could differ.
        svm = LinearSVC(C=self.C, max_iter=self.max_iter, random_state=self.random_state)
        return CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)

    def _fit_estimator(self, estimator, X, y, sample_weight):
        # class_weight as row weights reaches both the SVM and the sigmoids; given to
        # LinearSVC alone it would shift the margins and calibration would undo it.
        if self.class_weight is not None:
            by_class = compute_sample_weight(self.class_weight, y)
            sample_weight = by_class if sample_weight is None else by_class * sample_weight
        return super()._fit_estimator(estimator, X, y, sample_weight)

    def _n_iter(self):
        # ensemble=False: one calibrated classifier around the SVM fitted on all rows.
        return self.estimator_.calibrated_classifiers_[0].estimator.n_iter_
