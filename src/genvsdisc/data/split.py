"""The one train/test split every genvsdisc experiment uses: stratified and seeded."""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupShuffleSplit
from sklearn.model_selection import train_test_split as _sk_split
from sklearn.utils import check_random_state

from genvsdisc.data._checks import warn
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["duplicate_groups", "train_test_split", "drop_small_classes", "keep_classes"]


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
    plain stratified one. A data set with ``groups`` (e.g. the voices of
    ``spoken_words``) is split by whole groups instead (see :func:`_group_split`).

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
    if dataset.groups is not None:
        return _group_split(dataset, n_test, random_state)
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
    share = not isinstance(test_size, numbers.Integral)
    if share and counts[counts > 0].min() >= 2 and n_test < present <= n_groups - present:
        # every class can be on both sides if the test side holds one row of each:
        # a slightly larger test side beats a test side that misses classes (a row
        # count the caller gave is kept as given)
        warn(
            f"{dataset.name}: test side enlarged from {n_test} to {present} rows so that "
            f"each of the {present} classes is on both sides"
        )
        n_test = present
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


def _group_split(dataset: Dataset, n_test: int, random_state):
    """Whole groups on each side: scikit-learn's GroupShuffleSplit, with the share of
    groups closest to the asked share of rows; rows come back in a seeded order."""
    names, codes = np.unique(np.asarray(dataset.groups), return_inverse=True)
    if len(names) < 2:
        raise DataError(
            f"{dataset.name}: all {dataset.n_samples} rows are in one group "
            f"('{names[0]}'); a split by groups needs at least 2"
        )
    k = min(max(round(n_test / dataset.n_samples * len(names)), 1), len(names) - 1)
    splitter = GroupShuffleSplit(n_splits=1, test_size=k, random_state=random_state)
    train, test = next(splitter.split(np.zeros(len(codes)), groups=codes))
    rng = check_random_state(random_state)
    for side, rows in (("training", train), ("test", test)):
        absent = set(range(len(dataset.classes))) - set(dataset.y[rows].tolist())
        if absent:
            warn(
                f"{dataset.name}: the {side} side of the split by groups has no rows of "
                f"class(es) {', '.join(dataset.classes[c] for c in sorted(absent))}"
            )
    return dataset.subset(rng.permutation(train)), dataset.subset(rng.permutation(test))


def drop_small_classes(dataset: Dataset, *, min_rows: int = 2) -> tuple[Dataset, list[str]]:
    """Leave out the classes with fewer than ``min_rows`` rows, re-indexing the rest.

    A class with one row cannot be learned from and tested on: on the test side
    no model has seen it, on the training side nothing measures it. Comparing the
    other classes is honest; a warning (and the returned note) says which were left out.

    Parameters
    ----------
    dataset : Dataset
    min_rows : int, default 2

    Returns
    -------
    dataset : Dataset
        The same object when nothing was left out; otherwise a copy whose
        ``classes`` lists only the kept classes, in the same order.
    notes : list of str
        One sentence when classes were left out, else empty.

    Raises
    ------
    DataError
        Fewer than two classes have ``min_rows`` rows.
    """
    counts = np.bincount(dataset.y, minlength=len(dataset.classes))
    keep = np.flatnonzero(counts >= min_rows)
    if len(keep) == len(dataset.classes):
        return dataset, []
    if len(keep) < 2:
        raise DataError(
            f"{dataset.name}: {len(keep)} class(es) have at least {min_rows} rows; "
            f"expected at least 2 such classes to train and test on (class counts: "
            f"{_counts_text(dataset.classes, counts)})"
        )
    small = [c for c, k in zip(dataset.classes, counts, strict=True) if k < min_rows]
    out = keep_classes(dataset, keep)
    shown = ", ".join(f"'{c}'" for c in small[:5]) + (" ..." if len(small) > 5 else "")
    note = (
        f"{len(small)} class(es) with fewer than {min_rows} rows left out ({shown}): a class "
        f"needs a row to learn from and one to test on; {len(keep)} classes compared"
    )
    warn(f"{dataset.name}: {note}")
    out.notes = [*out.notes, note]
    return out, [note]


def keep_classes(dataset: Dataset, keep) -> Dataset:
    """The rows of the classes with indices ``keep`` (sorted), re-indexed 0..len(keep)-1."""
    keep = np.sort(np.asarray(keep, dtype=int))
    out = dataset.subset(np.isin(dataset.y, keep))
    out.y = np.searchsorted(keep, out.y)  # old index -> position among the kept classes
    out.classes = [dataset.classes[i] for i in keep]
    return out


def _counts_text(classes, counts) -> str:
    pairs = [f"'{c}': {int(k)}" for c, k in zip(classes, counts, strict=True)]
    return ", ".join(pairs[:5]) + (" ..." if len(pairs) > 5 else "")
