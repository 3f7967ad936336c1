"""Discriminative models (the detectives): they learn p(y|x) only.

Each wraps one scikit-learn classifier: :mod:`.linear` (logreg, linear_svm),
:mod:`.mlp` (mlp), :mod:`.boosting` (hgb), :mod:`.neighbors` (knn). The PyTorch
detective (``cnn``) lives in :mod:`genvsdisc.models.torch.cnn`. Nothing is imported
here: the registry (:mod:`genvsdisc.models.catalog`) names each class by its module,
so building one model loads only that model's module.
"""
