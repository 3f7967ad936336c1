"""Gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``)."""

from __future__ import annotations

from sklearn.ensemble import HistGradientBoostingClassifier

from genvsdisc.models.discriminative._wrapper import WrappedClassifier
from genvsdisc.models.params import sklearn_constraints

__all__ = ["HGB"]


class HGB(WrappedClassifier):
    """Histogram gradient boosting: an additive model of shallow trees on binned features.

    The one discriminative model that accepts NaN: at every split the trees
    learn which side the missing rows go to (``handles_missing = True``). That
    is learned from NaN seen in training; rows that only have NaN at predict
    time are sent to the side with more training rows. Trees need no feature
    scaling.

    Below 40 training rows it cannot learn anything: scikit-learn's default
    ``min_samples_leaf=20`` needs 20 rows on each side of a split, so with
    fewer than 2 x 20 rows every tree is a single leaf and the model predicts
    the training class shares for every input -- one class everywhere, hence
    exactly 50 % on a balanced two-class test set (learning curves show this
    plateau up to 37 rows and a jump at 40).

    Parameters
    ----------
    learning_rate : float, default=0.1
    max_iter : int, default=100
        Boosting rounds (trees per class).
    max_leaf_nodes : int, default=31
    l2_regularization : float, default=0.0
    early_stopping : "auto" or bool, default="auto"
        "auto" holds out 10 % of the rows when there are more than 10,000.
    random_state : int or None, default=0
        Seeds the held-out split of ``early_stopping``.

    Attributes
    ----------
    estimator_ : sklearn.ensemble.HistGradientBoostingClassifier
    n_iter_ : int
        Boosting rounds run.
    classes_ : ndarray (K,)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> X[::7, 0] = np.nan
    >>> HGB().fit(X, y).predict(X[:2])
    array([0, 0])
    """

    handles_missing = True
    _parameter_constraints = sklearn_constraints(
        HistGradientBoostingClassifier,
        "learning_rate",
        "max_iter",
        "max_leaf_nodes",
        "l2_regularization",
        "early_stopping",
        "random_state",
    )

    def __init__(
        self,
        *,
        learning_rate=0.1,
        max_iter=100,
        max_leaf_nodes=31,
        l2_regularization=0.0,
        early_stopping="auto",
        random_state=0,
    ):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.max_leaf_nodes = max_leaf_nodes
        self.l2_regularization = l2_regularization
        self.early_stopping = early_stopping
        self.random_state = random_state

    def _wants_scaling(self, X) -> bool:
        """Never: trees split on thresholds, which scaling leaves where they are."""
        return False

    def _make_estimator(self, y):
        return HistGradientBoostingClassifier(
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=self.max_leaf_nodes,
            l2_regularization=self.l2_regularization,
            early_stopping=self.early_stopping,
            random_state=self.random_state,
        )
