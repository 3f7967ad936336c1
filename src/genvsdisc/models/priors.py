"""Class priors and row weights: the two ways a user reweights what a model learns.

``sample_weight`` multiplies each row's class responsibilities, so every
sufficient statistic becomes a weighted sum (an integer weight counts a row
that many times; a zero weight drops it). Class priors given by the user
(``priors`` / ``class_prior``) replace the class shares learned from the
rows; they are checked with scikit-learn's own messages, so a user coming
from ``GaussianNB(priors=...)`` meets the errors they know.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import _check_sample_weight

from genvsdisc.exceptions import ParameterError

__all__ = ["check_sample_weight", "class_log_prior"]


def check_sample_weight(sample_weight, X) -> np.ndarray | None:
    """``sample_weight`` as float64 (n,), or None when not given.

    One value per row of ``X`` (an array, sparse matrix or n documents), none
    negative: scikit-learn's check and messages, raised as ParameterError.
    """
    if sample_weight is None:
        return None
    try:
        return _check_sample_weight(sample_weight, X, dtype=np.float64, ensure_non_negative=True)
    except ValueError as err:
        raise ParameterError(f"sample_weight: {err}") from None


def class_log_prior(class_weight, priors=None, *, name="priors") -> np.ndarray:
    """log p(y=k), shape (K,): the user's ``priors`` when given, else the weighted class shares.

    Parameters
    ----------
    class_weight : ndarray (K,)
        Total weight of each class's rows (a class not seen yet has prior 0).
    priors : array-like (K,) or None
        The constructor parameter ``name``; checked as scikit-learn's
        ``GaussianNB`` checks ``priors``: one value per class, none negative,
        summing to one.
    """
    if priors is None:
        with np.errstate(divide="ignore"):
            return np.log(class_weight) - np.log(class_weight.sum())
    priors = np.asarray(priors, dtype=np.float64)
    n_classes = len(class_weight)
    if priors.ndim != 1 or len(priors) != n_classes:
        raise ParameterError(
            f"Number of priors must match number of classes: {name} has "
            f"{priors.size} values and y has {n_classes} classes."
        )
    if not np.isclose(priors.sum(), 1.0):
        raise ParameterError(f"The sum of the priors should be 1; {name} sums to {priors.sum():g}.")
    if (priors < 0).any():
        raise ParameterError(f"Priors must be non-negative; {name} holds {priors.min():g}.")
    with np.errstate(divide="ignore"):  # a class given prior 0 is never predicted
        return np.log(priors)
