"""The one train/test split every genvsdisc experiment uses: stratified and seeded."""

from __future__ import annotations

import numbers

import numpy as np
from sklearn.model_selection import train_test_split as _sk_split

from genvsdisc.data._checks import warn
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["train_test_split"]


def _n_test(test_size, n: int) -> int:
    if isinstance(test_size, numbers.Integral) and not isinstance(test_size, bool):
        n_test = int(test_size)
    elif isinstance(test_size, numbers.Real) and 0.0 < test_size < 1.0:
        n_test = int(np.ceil(test_size * n))  # scikit-learn rounds the test side up too
    else:
        raise ParameterError(
            f"test_size must be a float in (0, 1) or a row count; got {test_size!r}"
        )
    if not 1 <= n_test <= n - 1:
        raise ParameterError(f"test_size must leave rows on both sides of {n}; got {test_size!r}")
    return n_test


def train_test_split(dataset: Dataset, *, test_size=0.3, random_state=0):
    """Split a Dataset into train and test parts, stratified by class and seeded.

    Stratified (scikit-learn's ``train_test_split(stratify=y)``) whenever every class
    has at least 2 rows and both sides can hold one row of each class; otherwise the
    split is a plain shuffled one and a :class:`~genvsdisc.exceptions.DataWarning`
    says why, because refusing would block small data sets for no gain.

    Parameters
    ----------
    dataset : Dataset
    test_size : float in (0, 1) or int, default 0.3
        Share (rounded up) or number of rows for the test side.
    random_state : int, default 0
        The same seed gives the same split.

    Returns
    -------
    train, test : Dataset
        Same classes, encoder and notes as ``dataset``; rows never overlap.

    Examples
    --------
    >>> from genvsdisc.data import load, train_test_split
    >>> train, test = train_test_split(load("iris"), test_size=0.2, random_state=0)
    >>> train.n_samples, test.n_samples
    (120, 30)
    """
    n = dataset.n_samples
    if n < 2:
        raise DataError(f"{dataset.name}: {n} row(s); a train/test split needs at least 2")
    n_test = _n_test(test_size, n)
    counts = np.bincount(dataset.y, minlength=len(dataset.classes))
    present = int(np.sum(counts > 0))
    stratify = dataset.y
    if counts[counts > 0].min() < 2 or min(n_test, n - n_test) < present:
        smallest = dataset.classes[int(np.argmin(np.where(counts > 0, counts, n + 1)))]
        warn(
            f"{dataset.name}: split without stratification (class '{smallest}' has "
            f"{counts[counts > 0].min()} row(s), test side {n_test} of {n} rows, "
            f"{present} classes)"
        )
        stratify = None
    train_rows, test_rows = _sk_split(
        np.arange(n), test_size=n_test, random_state=random_state, stratify=stratify
    )
    # rows stay in shuffled order: built-ins are stored class by class
    return dataset.subset(train_rows), dataset.subset(test_rows)
