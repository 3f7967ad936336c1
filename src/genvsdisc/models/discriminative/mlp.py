"""A multi-layer perceptron detective (scikit-learn's ``MLPClassifier``)."""

from __future__ import annotations

from sklearn.neural_network import MLPClassifier

from genvsdisc.models.discriminative._wrapper import WrappedClassifier
from genvsdisc.models.params import STANDARDIZE, sklearn_constraints

__all__ = ["MLP"]


class MLP(WrappedClassifier):
    """A fully connected ReLU network trained with Adam on the log-loss.

    Dense tables are standardised inside the model (``standardize``):
    networks train badly on features of very different scales (``wine``).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(100,)
    alpha : float, default=1e-4
        L2 penalty.
    learning_rate_init : float, default=1e-3
    max_iter : int, default=200
        Epochs.
    early_stopping : bool, default=False
        Hold out 10 % of the training rows and stop when their score stalls.
    standardize : bool or "auto", default="auto"
        "auto": standardise unless every training value lies in [0, 1] (pixels).
    random_state : int or None, default=0
        Seeds the weights and the mini-batch order.

    Attributes
    ----------
    estimator_ : sklearn.neural_network.MLPClassifier
    n_iter_ : int
        Epochs run.
    scaler_ : StandardScaler or None
    classes_ : ndarray (K,)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> MLP(max_iter=500).fit(X, y).score(X, y) > 0.9
    True
    """

    _parameter_constraints = {
        **sklearn_constraints(
            MLPClassifier,
            "hidden_layer_sizes",
            "alpha",
            "learning_rate_init",
            "max_iter",
            "early_stopping",
            "random_state",
        ),
        "standardize": STANDARDIZE,
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes=(100,),
        alpha=1e-4,
        learning_rate_init=1e-3,
        max_iter=200,
        early_stopping=False,
        standardize="auto",
        random_state=0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.alpha = alpha
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.standardize = standardize
        self.random_state = random_state

    _accept_sparse = True

    def _make_estimator(self, y):
        return MLPClassifier(
            hidden_layer_sizes=self.hidden_layer_sizes,
            alpha=self.alpha,
            learning_rate_init=self.learning_rate_init,
            max_iter=self.max_iter,
            early_stopping=self.early_stopping,
            random_state=self.random_state,
        )
