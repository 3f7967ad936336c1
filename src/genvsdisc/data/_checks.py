"""Checks shared by every loader: labels, class counts and warnings."""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from genvsdisc.exceptions import DataError, DataWarning

__all__ = ["encode_labels", "warn"]


def warn(message: str) -> None:
    """Emit a :class:`DataWarning` (the CLI prints it as one line on stderr)."""
    warnings.warn(message, DataWarning, stacklevel=3)


def _label_sort_key(label: str):
    # Numeric labels sort as numbers ("2" before "10"); others alphabetically after them.
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)


def encode_labels(
    labels: Sequence[str], *, where: str, what: str, notes: list[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Turn label strings into class indices, checking there is something to classify.

    Parameters
    ----------
    labels : sequence of str, length n
        One label per row, no missing values.
    where : str
        The file or folder, for messages.
    what : str
        What holds the labels, e.g. ``"target column 'species'"`` or ``"class folders"``.
    notes : list of str, optional
        Warnings are also appended here (for ``genvsdisc inspect``).

    Returns
    -------
    y : ndarray of int64, shape (n,)
    classes : list of str
        Sorted class names (numerically when they are numbers).

    Raises
    ------
    DataError
        Fewer than two classes.
    """
    labels = np.asarray(labels, dtype=object)
    classes = sorted({str(v) for v in labels}, key=_label_sort_key)
    if len(classes) < 2:
        found = f"one class ('{classes[0]}')" if classes else "no labeled rows"
        raise DataError(f"{where}: {what} has {found}; expected at least 2 classes to classify")
    index = {c: i for i, c in enumerate(classes)}
    y = np.fromiter((index[str(v)] for v in labels), dtype=np.int64, count=len(labels))
    counts = np.bincount(y, minlength=len(classes))
    single = [c for c, k in zip(classes, counts, strict=True) if k == 1]
    if single:
        names = ", ".join(f"'{c}'" for c in single[:5]) + (" ..." if len(single) > 5 else "")
        message = (
            f"{where}: {len(single)} class(es) of the {what} have a single row ({names}); "
            "they cannot appear on both sides of a train/test split"
        )
        warn(message)
        if notes is not None:
            notes.append(message)
    return y, classes
