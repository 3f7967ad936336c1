"""``sample_weight`` in the torch models: weighted losses, zero weights dropped.

A torch model trains by minibatch gradient descent, so a row weight cannot
multiply a sufficient statistic as it does in the classical models. It
multiplies the row's loss instead: each batch's loss is the mean over its
rows of ``w_i / w_bar * loss_i``, where ``w_bar`` is the mean weight of the
training rows. A batch is drawn uniformly from the rows, so its expected loss
is ``sum_i w_i loss_i / sum_i w_i`` -- the mean loss over the data set in
which a row of integer weight ``w_i`` appears ``w_i`` times. Integer weights
therefore equal repeated rows *in expectation* (the objective), not bit for
bit: the repeated rows make more batches per epoch and other random draws.

A row of weight 0 is removed before anything reads the rows (vocabulary,
class means, batches), so a zero weight equals dropping the row exactly.
Weights that are all equal train exactly as no weights (the same tensors
and the same code path), since ``w_i / w_bar`` is 1 for every row.
"""

from __future__ import annotations

import numpy as np
import torch

from genvsdisc.exceptions import ParameterError

__all__ = ["kept_rows", "loss_weights", "refuse_unweighted_class", "weighted_mean"]


def kept_rows(weights: np.ndarray | None) -> np.ndarray | None:
    """Indices of the rows with a positive weight (n_kept,), or None to keep every row."""
    if weights is None or (weights > 0).all():
        return None
    return np.flatnonzero(weights > 0)


def loss_weights(weights: np.ndarray | None, groups=None, device=None) -> torch.Tensor | None:
    """Per-row loss factors ``w_i / w_bar`` as float32 (n,), or None when all are 1.

    Parameters
    ----------
    weights : ndarray (n,) or None
        Positive row weights (zero-weight rows already dropped by :func:`kept_rows`).
    groups : ndarray (n,) of int, optional
        Normalise within each group instead (``cvae``'s batches hold the same
        number of rows of every class, so each class is its own mean).
    """
    if weights is None:
        return None
    groups = np.zeros(len(weights), dtype=np.int64) if groups is None else np.asarray(groups)
    factors = np.empty(len(weights))
    constant = True
    for g in np.unique(groups):
        w = weights[groups == g]
        constant &= bool(w.min() == w.max())
        factors[groups == g] = w / w.mean()
    if constant:  # w_i / w_bar == 1 for every row: train exactly as without weights
        return None
    return torch.as_tensor(factors, dtype=torch.float32, device=device)


def weighted_mean(losses: torch.Tensor, factors: torch.Tensor) -> torch.Tensor:
    """Mean of ``losses`` (B, ...) with each row scaled by its factor (B,): a scalar."""
    shape = (-1,) + (1,) * (losses.dim() - 1)
    return (losses * factors.to(losses.device).view(shape)).mean()


def refuse_unweighted_class(classes, class_weight, model) -> None:
    """Refuse a class whose rows all weigh 0 (dropping them would remove the class)."""
    empty = np.flatnonzero(np.asarray(class_weight) <= 0)
    if len(empty):
        label = classes[empty[0]]
        label = label.item() if isinstance(label, np.generic) else label  # 3, not np.int64(3)
        raise ParameterError(
            f"class {label!r} has a total sample_weight of 0: {model} needs "
            "rows of every class to train on; drop that class's rows instead."
        )
