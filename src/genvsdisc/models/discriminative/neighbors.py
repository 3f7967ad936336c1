"""k-nearest neighbours (scikit-learn's ``KNeighborsClassifier``)."""

from __future__ import annotations

from sklearn.neighbors import KNeighborsClassifier

from genvsdisc.models.discriminative._wrapper import WrappedClassifier
from genvsdisc.models.params import POSITIVE_INT, STANDARDIZE, sklearn_constraints

__all__ = ["KNN"]


class KNN(WrappedClassifier):
    """k-nearest neighbours: p(y|x) is the class share among the k closest training rows.

    It stores the training rows but no density: it cannot say how likely an
    x is, so it is a detective too. ``standardize`` puts every feature on the
    same scale before distances are measured. Unlike scikit-learn it is on by
    default ("auto", as for logreg and the mlp): on an unscaled table (wine:
    proline in the thousands beside shares below 1) one column decides every
    distance, and the comparison with an artist would measure the scaling, not
    the family. Rows already on one [0, 1] scale (pixels) are left as they are.

    Parameters
    ----------
    n_neighbors : int, default=5
        k; capped at the number of training rows (see ``n_neighbors_``).
    weights : {"uniform", "distance"}, default="uniform"
    p : float, default=2
        Minkowski power: 2 Euclidean, 1 Manhattan.
    standardize : bool or "auto", default="auto"
        "auto": only when some value lies outside [0, 1]; ``False`` gives
        scikit-learn's ``KNeighborsClassifier`` exactly.

    Attributes
    ----------
    estimator_ : sklearn.neighbors.KNeighborsClassifier
    n_neighbors_ : int
        The k actually used: ``min(n_neighbors, n training rows)``.
    scaler_ : StandardScaler or None
    classes_ : ndarray (K,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> KNN().fit(X, y).predict(X[:2])
    array([0, 0])
    """

    _parameter_constraints = {
        "n_neighbors": POSITIVE_INT,
        **sklearn_constraints(KNeighborsClassifier, "weights", "p"),
        "standardize": STANDARDIZE,
    }

    def __init__(self, *, n_neighbors=5, weights="uniform", p=2, standardize="auto"):
        self.n_neighbors = n_neighbors
        self.weights = weights
        self.p = p
        self.standardize = standardize

    _accept_sparse = True
    supports_sample_weight = False

    def fit(self, X, y):
        """Fit on rows ``X`` (n, d) and labels ``y`` (n,).

        No ``sample_weight``: scikit-learn's ``KNeighborsClassifier`` takes
        none (a neighbour's vote has no weight to learn), so the parameter is
        absent, as there; ``CalibratedClassifierCV`` then uses weights for the
        calibration only, and says so.
        """
        return super().fit(X, y)

    def _make_estimator(self, y):
        # With fewer training rows than k (tiny learning-curve sizes), use them all
        # rather than fail at predict time as scikit-learn would.
        self.n_neighbors_ = min(self.n_neighbors, len(y))
        return KNeighborsClassifier(n_neighbors=self.n_neighbors_, weights=self.weights, p=self.p)
