"""A Parquet table bigger than memory, read as Dask partitions and never gathered whole.

The table is opened with :func:`dask.dataframe.read_parquet` (one partition per
row group or file), its schema checked with the same one-line errors as a file
read in memory, and its partitions split into training and test partitions.

Test rows are a held-out set of *whole partitions*, drawn with a seeded
permutation: a test partition is never read by a training pass, so the split
costs no I/O. When a file is sorted by class, whole partitions are not a random
sample of rows; the comparison then reports the classes missing from the test
partitions (:func:`genvsdisc.scale.compare.compare_out_of_core`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from genvsdisc.data._read import PARQUET_SUFFIXES
from genvsdisc.data.tables import require_column
from genvsdisc.exceptions import DataError

__all__ = ["PartitionedTable", "open_table", "is_parquet_source", "parquet_bytes", "frame_rows"]


def is_parquet_source(source: str) -> bool:
    """True when ``source`` is a Parquet file or a folder holding Parquet files."""
    path = Path(source)
    if path.is_file():
        return path.suffix.lower() in PARQUET_SUFFIXES
    return path.is_dir() and any(p.suffix.lower() in PARQUET_SUFFIXES for p in path.rglob("*"))


def parquet_bytes(source: str) -> int:
    """Bytes on disk of a Parquet file or of every Parquet file under a folder."""
    path = Path(source)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.suffix.lower() in PARQUET_SUFFIXES)


@dataclass
class PartitionedTable:
    """A validated Parquet table split into training and test partitions.

    Attributes
    ----------
    path : str
    target : str
    features : list of str
        Numeric feature columns, in file order.
    frame : dask.dataframe.DataFrame
        The table (features and target), lazily read.
    train, test : list of int
        Partition indices; ``train`` in a seeded random order (the learning
        curve takes its first m), ``test`` sorted.
    seed : int
    notes : list of str
    """

    path: str
    target: str
    features: list[str]
    frame: object
    train: list[int]
    test: list[int]
    seed: int
    notes: list[str] = field(default_factory=list)

    @property
    def n_features(self) -> int:
        return len(self.features)

    def partition(self, i: int):
        """Partition ``i`` as a lazy (dask) pandas frame."""
        return self.frame.partitions[i]


def frame_rows(frame: pd.DataFrame, features: list[str], target: str, *, keep_float32=False):
    """Rows with a target and every feature present: X (n, d) float64, labels (n,), n dropped.

    Rows with an empty target cannot be scored, and rows with a missing
    feature cannot add to sums of complete rows; both are left out (counted).
    ``keep_float32``: X stays float32 when every feature column is float32 (for
    a caller that converts blocks itself: the conversion is exact either way).
    """
    dtypes = frame[features].dtypes
    single = keep_float32 and all(t == np.float32 for t in dtypes)
    X = frame[features].to_numpy(dtype=np.float32 if single else np.float64)
    y = frame[target].to_numpy()
    has_label = ~pd.isna(y)
    # one sum finds that no cell is NaN (the usual case) in a third of the time of a
    # row-by-row test; NaN in the sum (a NaN cell, or +inf beside -inf) sends the
    # partition to that test
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, no warning
        total = X.sum()
    if has_label.all() and not np.isnan(total):
        return X, y, 0  # no copy of the partition
    keep = has_label & ~np.isnan(X).any(axis=1)
    if keep.all():
        return X, y, 0
    return X[keep], y[keep], int((~keep).sum())


def _check_schema(meta: pd.DataFrame, target, where: str) -> list[str]:
    target = require_column(meta, target, where=where, role="target")
    if meta[target].dtype.kind == "f":
        raise DataError(
            f"{where}: target column '{target}' holds floating-point numbers; the out-of-core "
            "path needs class labels (integers or strings)"
        )
    features = [str(c) for c in meta.columns if c != target]
    if not features:
        raise DataError(f"{where}: no feature columns besides target '{target}'")
    for column in features:
        if meta[column].dtype.kind not in "biuf":
            raise DataError(
                f"{where}: column '{column}' is {meta[column].dtype}, expected numbers; the "
                "out-of-core path takes numeric features only (encode or drop it first)"
            )
    return features


def open_table(source: str, target, *, test_fraction: float = 0.2, seed: int = 0):
    """Open ``source`` (Parquet file or folder) as a :class:`PartitionedTable`.

    Parameters
    ----------
    source : str
    target : str
        Class column.
    test_fraction : float
        Share of partitions held out for testing (at least one).
    seed : int
        Seeds the partition split and the training order.

    Raises
    ------
    DataError
        One line naming the file and what was wrong.
    """
    import dask.dataframe as dd

    where = str(source)
    if not Path(source).exists():
        raise DataError(f"{where}: no such file or folder")
    try:
        # one partition per row group: the unit a worker reads and holds at once
        frame = dd.read_parquet(source, split_row_groups=True)
    except Exception as err:  # pyarrow's errors vary; the user needs one line
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise DataError(f"{where}: not a readable Parquet table ({first})") from None
    features = _check_schema(frame._meta, target, where)
    frame = frame[[*features, target]]
    n_parts = frame.npartitions
    if n_parts < 2:
        raise DataError(
            f"{where}: the out-of-core path needs at least 2 partitions (row groups or files) "
            f"to hold some out for testing; found {n_parts} (write it with smaller row groups)"
        )
    n_test = min(n_parts - 1, max(1, round(test_fraction * n_parts)))
    order = np.random.default_rng(seed).permutation(n_parts)
    test = sorted(int(i) for i in order[:n_test])
    train = [int(i) for i in order[n_test:]]
    return PartitionedTable(where, str(target), features, frame, train, test, seed)
