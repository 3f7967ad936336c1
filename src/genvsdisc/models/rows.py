"""Row helpers shared by the model bases: unknown labels, one-hot responsibilities, stacking."""

from __future__ import annotations

import numbers

import numpy as np
import scipy.sparse as sp

from genvsdisc.exceptions import ParameterError

__all__ = [
    "class_positions",
    "labeled_responsibilities",
    "one_hot",
    "stack_rows",
    "unlabeled_mask",
]


def unlabeled_mask(y) -> np.ndarray:
    """Boolean mask (n,) of rows whose label is unknown: ``-1``, ``None`` or NaN.

    Strings ``"-1"`` are *not* unknown: a user's label text is taken literally.
    """
    y = np.asarray(y, dtype=object) if not isinstance(y, np.ndarray) else y
    if y.dtype.kind in "iu":
        return y == -1
    if y.dtype.kind == "f":
        return np.isnan(y) | (y == -1)
    if y.dtype.kind == "O":
        return np.array(
            [
                v is None
                or (isinstance(v, float) and np.isnan(v))
                or (isinstance(v, numbers.Integral) and not isinstance(v, bool) and v == -1)
                for v in y
            ],
            dtype=bool,
        )
    return np.zeros(len(y), dtype=bool)


def one_hot(idx, n_classes):
    """Responsibilities (n, K) of rows with class indices ``idx`` (n,): 1 at the class, else 0."""
    R = np.zeros((len(idx), n_classes))
    R[np.arange(len(idx)), idx] = 1.0
    return R


def labeled_responsibilities(idx, n_classes, weights=None):
    """``one_hot(idx, n_classes)`` times the row ``weights`` (n,) when given, shape (n, K)."""
    R = one_hot(idx, n_classes)
    if weights is not None:
        R *= weights[:, None]
    return R


def stack_rows(*blocks):
    """Concatenate row blocks: dense arrays, 1-D object arrays or sparse matrices."""
    if any(sp.issparse(b) for b in blocks):
        return sp.vstack(blocks, format="csr")
    return np.concatenate(blocks, axis=0)


def class_positions(y, classes) -> np.ndarray:
    """Indices into ``classes`` (K,) of ``y``: one label or class index, or an array of them.

    A label is looked up first; an int in [0, K) that is not a label is a
    class index (for classes that are not integers). Returns shape (m,).
    """
    labels = np.atleast_1d(np.asarray(y, dtype=object))
    out = np.empty(len(labels), dtype=int)
    class_list = list(classes)
    for i, lab in enumerate(labels):
        if lab in class_list:
            out[i] = class_list.index(lab)
        elif (
            isinstance(lab, numbers.Integral)
            and 0 <= lab < len(classes)
            and not isinstance(lab, bool)
        ):
            out[i] = int(lab)
        else:
            raise ParameterError(
                f"sample: unknown class {lab!r}; the classes are {', '.join(map(str, classes))}."
            )
    return out
