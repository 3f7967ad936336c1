"""The one train/test split every genvsdisc experiment uses: stratified and seeded."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split as _sk_split

from genvsdisc.data._checks import warn
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["duplicate_groups", "train_test_split"]


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


def duplicate_groups(dataset: Dataset) -> np.ndarray:
    """Group id per row: rows with the same content share one id.

    Text is compared after whitespace normalisation, numbers by their exact
    bytes. Ids number groups in order of first appearance, so a set without
    duplicates gets ``arange(n)``.

    Returns
    -------
    groups : ndarray of int64, shape (n,)
    """
    if dataset.modality == "text":
        keys = [" ".join(str(t).split()) for t in dataset.X]
    else:
        keys = [row.tobytes() for row in np.ascontiguousarray(dataset.X)]
    codes, _ = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    return codes.astype(np.int64)


def train_test_split(dataset: Dataset, *, test_size=0.3, random_state=0):
    """Split a Dataset into train and test parts, stratified by class and seeded.

    Exact duplicate rows (see :func:`duplicate_groups`) always land on the same
    side: the distinct rows are split and each takes its copies along, so no test
    row has a copy in training. Where rows repeat, the test side may therefore
    differ from ``test_size`` by a few rows; without duplicates the split is the
    plain stratified one.

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
        Same classes, encoder and notes as ``dataset``; rows never overlap and no
        row of ``test`` has an exact copy in ``train``.

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
    groups = duplicate_groups(dataset)
    # one representative (the first copy) per distinct row; the split is drawn over
    # these, so copies cannot straddle it (what GroupShuffleSplit does, but stratified)
    _, first = np.unique(groups, return_index=True)
    n_groups = len(first)
    if n_groups < 2:
        raise DataError(
            f"{dataset.name}: all {n} rows are copies of one row; a train/test split "
            "needs at least 2 distinct rows"
        )
    if n_groups < n:
        n_test = min(max(round(n_test * n_groups / n), 1), n_groups - 1)
    y = dataset.y[first]
    counts = np.bincount(y, minlength=len(dataset.classes))
    present = int(np.sum(counts > 0))
    stratify = y
    if counts[counts > 0].min() < 2 or min(n_test, n_groups - n_test) < present:
        smallest = dataset.classes[int(np.argmin(np.where(counts > 0, counts, n + 1)))]
        warn(
            f"{dataset.name}: split without stratification (class '{smallest}' has "
            f"{counts[counts > 0].min()} row(s), test side {n_test} of {n_groups} rows, "
            f"{present} classes)"
        )
        stratify = None
    train_groups, test_groups = _sk_split(
        np.arange(n_groups), test_size=n_test, random_state=random_state, stratify=stratify
    )
    # rows stay in shuffled order (built-ins are stored class by class); each
    # group's copies follow its representative
    order = np.argsort(groups, kind="stable")
    starts = np.searchsorted(groups[order], np.arange(n_groups + 1))

    def rows_of(chosen):
        return np.concatenate([order[starts[g] : starts[g + 1]] for g in chosen])

    return dataset.subset(rows_of(train_groups)), dataset.subset(rows_of(test_groups))
