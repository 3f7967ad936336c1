"""Discriminative models (the detectives): they learn p(y|x) only.

Each classical one wraps one scikit-learn classifier: :mod:`.linear` (logreg,
linear_svm), :mod:`.mlp` (mlp), :mod:`.boosting` (hgb), :mod:`.neighbors`
(knn); :mod:`.cnn` is the PyTorch one. Nothing is imported here: the
registry (:mod:`genvsdisc.models.catalog`) names each class by its module, so
building one model loads only that model's module.
"""
