"""Discriminative models (the detectives): they learn p(y|x) only.

Each wraps one scikit-learn classifier: LogReg (logreg), LinearSVM (linear_svm),
MLP (mlp), HGB (hgb) and KNN (knn). CNN (cnn, PyTorch) lives in
:mod:`genvsdisc.models.torch.cnn`.
"""

from genvsdisc.models.discriminative.boosting import HGB
from genvsdisc.models.discriminative.linear import LinearSVM, LogReg
from genvsdisc.models.discriminative.mlp import MLP
from genvsdisc.models.discriminative.neighbors import KNN

__all__ = ["LogReg", "LinearSVM", "MLP", "HGB", "KNN"]
