"""Data already in memory: a pandas DataFrame, or arrays ``X, y``, as a Dataset.

A DataFrame takes the same path as a CSV file (:func:`~genvsdisc.data.tables.frame_dataset`):
the same column kinds, one-hot encoding, dropped identifiers and one-line errors.
Arrays are checked here: one row per label, labels present, numbers finite.

>>> import numpy as np
>>> from genvsdisc.data.memory import from_arrays
>>> ds = from_arrays(np.eye(4), ["a", "b", "a", "b"])
>>> ds.modality, ds.classes
('tabular', ['a', 'b'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from genvsdisc.data._checks import encode_labels
from genvsdisc.data.dataset import Dataset
from genvsdisc.data.tables import frame_dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["from_arrays", "from_frame"]

#: Largest dense X built from a sparse matrix (every Dataset holds a dense float64 X).
MAX_DENSE_BYTES = 2 * 1024**3


def _as_cells(column: pd.Series) -> pd.Series:
    """A non-numeric column as the text cells a CSV reader would give (NaN kept), so
    booleans, categories and mixed objects are classified as in a file."""
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if numeric:
        return column
    return column.astype(object).map(
        lambda v: v if isinstance(v, str) else str(v), na_action="ignore"
    )


def from_frame(
    frame, target, *, text_column=None, name: str = "dataframe", where: str | None = None
) -> Dataset:
    """A pandas DataFrame with a target column as a Dataset, exactly as its CSV would load.

    Parameters
    ----------
    frame : pandas.DataFrame, shape (n, columns)
        One row per example; column names are used as strings.
    target : str
        Column holding the class labels; rows where it is empty are left out (warning).
    text_column : str, optional
        A column of documents: the Dataset becomes ``text`` (X (n,) of str).
    name : str, default "dataframe"
        Short name shown in the report.
    where : str, optional
        How messages name the source (default ``"DataFrame '<name>'"``).

    Returns
    -------
    Dataset
        ``tabular``: X (n, d) float64 (categorical columns one-hot, NaN where a cell is
        empty) or ``text``: X (n,) of str.

    Raises
    ------
    DataError
        No such column, fewer than two classes, numbers with stray text...
    """
    if not isinstance(frame, pd.DataFrame):
        raise ParameterError(f"from_frame: expected a pandas DataFrame; got {type(frame).__name__}")
    where = where or f"DataFrame '{name}'"
    if frame.columns.duplicated().any():
        dup = frame.columns[frame.columns.duplicated()][0]
        raise DataError(f"{where}: column '{dup}' appears twice; expected unique column names")
    cells = frame.rename(columns=str).reset_index(drop=True)
    cells = cells.apply(_as_cells)
    return frame_dataset(
        cells,
        target=None if target is None else str(target),
        text_column=None if text_column is None else str(text_column),
        where=where,
        name=name,
    )


def _labels(y, n: int, classes, *, where: str, notes: list[str]):
    """Class indices and names from ``y`` (labels, or indices into ``classes``)."""
    y = np.asarray(y.to_numpy() if isinstance(y, pd.Series) else y)
    if y.ndim != 1 or len(y) != n:
        raise DataError(f"{where}: y has shape {y.shape}; expected one label per row of X ({n},)")
    missing = pd.isna(y)
    if missing.any():
        raise DataError(
            f"{where}: y holds {int(missing.sum())} missing label(s) (first at row "
            f"{int(np.argmax(missing))}); expected a label for every row"
        )
    if y.dtype.kind == "f":
        if not np.all(y == np.round(y)):
            bad = y[np.argmax(y != np.round(y))]
            raise DataError(
                f"{where}: y holds non-integer numbers (e.g. {bad}); expected class labels "
                "(a regression target cannot be classified)"
            )
        y = y.astype(np.int64)
    if classes is None:
        return encode_labels([str(v) for v in y], where=where, what="labels y", notes=notes)
    classes = [str(c) for c in classes]
    if len(set(classes)) != len(classes) or len(classes) < 2:
        raise ParameterError(f"classes: expected at least 2 distinct names; got {classes}")
    if y.dtype.kind not in "iu" or y.min() < 0 or y.max() >= len(classes):
        raise DataError(
            f"{where}: with classes= (length {len(classes)}), y must hold indices 0 to "
            f"{len(classes) - 1}; found {y[:5].tolist()}..."
        )
    return y.astype(np.int64), classes


def _is_text(X) -> bool:
    if isinstance(X, pd.Series):
        X = X.to_numpy()
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(isinstance(v, str) for v in X)
    X = np.asarray(X) if not hasattr(X, "tocsr") else X
    return (
        getattr(X, "ndim", 0) == 1 and X.dtype.kind in "OUS" and all(isinstance(v, str) for v in X)
    )


def _numeric(X, *, where: str, notes: list[str]) -> np.ndarray:
    """X as float64; sparse made dense (genvsdisc models take dense rows)."""
    if hasattr(X, "tocsr"):  # scipy.sparse: no scipy import needed to recognise it
        size = X.shape[0] * X.shape[1] * 8
        if size > MAX_DENSE_BYTES:
            raise DataError(
                f"{where}: sparse X {X.shape} would take {size / 1024**3:.1f} GiB dense; "
                f"expected at most {MAX_DENSE_BYTES / 1024**3:.0f} GiB (select features first)"
            )
        notes.append(f"sparse X {X.shape} made dense ({X.nnz} stored values)")
        X = X.toarray()
    X = np.asarray(X.to_numpy() if isinstance(X, pd.DataFrame) else X)
    if X.dtype.kind == "O":
        try:
            X = X.astype(np.float64)
        except (TypeError, ValueError):
            raise DataError(
                f"{where}: X is an object array that is neither numbers nor strings; "
                "expected numbers (n, d), images (n, h, w) or a list of documents"
            ) from None
    if X.dtype.kind not in "biuf":
        raise DataError(
            f"{where}: X has dtype {X.dtype}; expected numbers (n, d), images (n, h, w) "
            "or a 1-D list of documents (str)"
        )
    if X.dtype.kind == "f" and np.isinf(X).any():
        raise DataError(f"{where}: X holds infinite values; expected finite numbers (NaN: missing)")
    return X


def _image_pixels(X: np.ndarray, image_shape, *, where: str, notes: list[str]):
    """Flattened pixels in [0, 1] and the image shape, from (n, h, w[, c]) or (n, h*w)."""
    n = X.shape[0]
    if image_shape is None:
        image_shape = X.shape[1:]
    image_shape = tuple(int(s) for s in image_shape)
    if len(image_shape) not in (2, 3) or int(np.prod(image_shape)) != int(np.prod(X.shape[1:])):
        raise ParameterError(
            f"image_shape={image_shape}: expected (height, width) or (height, width, channels) "
            f"matching X's {X.shape[1:]} values per image"
        )
    pixels = X.reshape(n, -1).astype(np.float64)
    if np.isnan(pixels).any():
        raise DataError(f"{where}: images hold NaN pixels; expected every pixel present")
    if pixels.min() < 0 or pixels.max() > 1:
        if X.dtype.kind in "iu" and pixels.min() >= 0 and pixels.max() <= 255:
            pixels /= 255.0
            notes.append("pixels 0-255 scaled to [0, 1]")
        else:
            raise DataError(
                f"{where}: pixels range {pixels.min():g} to {pixels.max():g}; expected [0, 1] "
                "floats or 0-255 integers"
            )
    return pixels, image_shape


def from_arrays(
    X, y, *, classes=None, image_shape=None, feature_names=None, name: str = "arrays"
) -> Dataset:
    """Arrays in memory as a Dataset: numbers, images or documents.

    Parameters
    ----------
    X : array-like (n, d), scipy sparse (n, d), images (n, h, w) / (n, h, w, c), or
        a list / 1-D array of n str (documents)
        Numbers may hold NaN (a missing value, as an empty CSV cell). Sparse X is made
        dense. Images are given as 3-D / 4-D arrays, or (n, h*w) with ``image_shape``;
        pixels in [0, 1] or 0-255 integers.
    y : array-like (n,)
        Class labels (str or integers), or indices into ``classes``.
    classes : list of str, optional
        Class names when ``y`` holds indices 0..K-1.
    image_shape : tuple of int, optional
        (h, w) or (h, w, c): X's rows are images.
    feature_names : list of str, optional
        One per column of a tabular X (default ``x0, x1, ...``).
    name : str, default "arrays"

    Returns
    -------
    Dataset
        ``tabular`` (X (n, d) float64), ``image`` (X (n, h*w[*c]) in [0, 1]) or
        ``text`` (X (n,) of str).

    Raises
    ------
    DataError
        Lengths that differ, missing labels, a single class, non-finite numbers,
        an object array that is neither numbers nor strings.
    ParameterError
        ``image_shape``, ``feature_names`` or ``classes`` that do not fit X / y.
    """
    where = f"arrays '{name}'"
    notes: list[str] = []
    if _is_text(X):
        docs = np.empty(len(X), dtype=object)
        docs[:] = [str(v) for v in X]
        y_idx, names = _labels(y, len(docs), classes, where=where, notes=notes)
        return Dataset(
            name=name,
            X=docs,
            y=y_idx,
            classes=names,
            modality="text",
            feature_names=["text"],
            description=f"{name}: {len(docs)} documents in memory, {len(names)} classes",
            notes=notes,
            info={"source": "memory", "kinds": {"text": 1}, "missing": {}},
        )
    X = _numeric(X, where=where, notes=notes)
    if X.ndim < 2 or X.ndim > 4 or X.shape[0] == 0:
        raise DataError(
            f"{where}: X has shape {X.shape}; expected (n, d) numbers, (n, h, w[, c]) images "
            "or a list of documents"
        )
    y_idx, names = _labels(y, X.shape[0], classes, where=where, notes=notes)
    if X.ndim > 2 or image_shape is not None:
        pixels, shape = _image_pixels(X, image_shape, where=where, notes=notes)
        return Dataset(
            name=name,
            X=pixels,
            y=y_idx,
            classes=names,
            modality="image",
            feature_names=[f"px_{i}" for i in range(pixels.shape[1])],
            description=(
                f"{name}: {len(y_idx)} images {'x'.join(map(str, shape))} in memory, "
                f"{len(names)} classes"
            ),
            image_shape=shape,
            notes=notes,
            info={"source": "memory", "kinds": {"image": 1}, "missing": {}},
        )
    d = X.shape[1]
    names_out = (
        [f"x{i}" for i in range(d)] if feature_names is None else list(map(str, feature_names))
    )
    if len(names_out) != d:
        raise ParameterError(
            f"feature_names: {len(names_out)} name(s) for X's {d} column(s); expected one per column"
        )
    X = X.astype(np.float64)
    missing = np.isnan(X).sum(axis=0)
    return Dataset(
        name=name,
        X=X,
        y=y_idx,
        classes=names,
        modality="tabular",
        feature_names=names_out,
        description=f"{name}: {len(y_idx)} rows, {d} numeric features in memory, {len(names)} classes",
        notes=notes,
        info={
            "source": "memory",
            "kinds": {"numeric": d},
            "missing": {c: int(k) for c, k in zip(names_out, missing, strict=True) if k},
        },
    )
