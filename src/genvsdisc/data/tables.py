"""User tables (CSV, TSV, Parquet) with a target column, as tabular or text Datasets."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from genvsdisc.data._checks import encode_labels, warn
from genvsdisc.data._read import MAX_FILE_BYTES, PARQUET_SUFFIXES, read_table
from genvsdisc.data.dataset import Dataset
from genvsdisc.data.encoder import TableEncoder, parse_numeric
from genvsdisc.exceptions import DataError, closest

__all__ = ["frame_dataset", "load_table"]

# A column is "numbers with stray text" (an error) rather than categorical when at
# least this share of its present cells are numbers and there are at least 3 of them.
MOSTLY_NUMERIC = 0.75
# Unnamed columns and these names are identifiers when every value differs.
_ID_NAME = re.compile(r"^(id|idx|index|row|row_?id|unnamed: ?\d+|.*[_ ]id)$", re.IGNORECASE)
# Content alone only marks a column as an identifier from this many rows on.
_ID_MIN_ROWS = 20


def _columns_hint(frame: pd.DataFrame) -> str:
    return ", ".join(map(str, frame.columns))


def require_column(frame: pd.DataFrame, column, *, where: str, role: str) -> str:
    if column is None:
        raise DataError(
            f"{where}: no {role} column given (target=, --target); columns are: {_columns_hint(frame)}"
        )
    if column not in frame.columns:
        close = closest(column, frame.columns)
        hint = f" (did you mean '{close}'?)" if close else ""
        raise DataError(
            f"{where}: {role} column '{column}' not found{hint}; columns are: {_columns_hint(frame)}"
        )
    return str(column)


def _column_kind(column: pd.Series, name: str, *, where: str, line_offset) -> str:
    """'numeric', 'categorical', 'empty' or 'id'; raises on numbers with stray text."""
    present = column.dropna()
    n = len(column)
    if len(present) == 0:
        return "empty"
    unique = present.nunique() == n
    if unique and (_ID_NAME.match(name) or name.strip() == ""):
        return "id"
    if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
        numbers = pd.to_numeric(present.astype(object).map(str.strip), errors="coerce").to_numpy()
        share = np.mean(~np.isnan(numbers))
        if share < 1.0:
            if share >= MOSTLY_NUMERIC and np.sum(~np.isnan(numbers)) >= 3:
                parse_numeric(column, name=name, where=where, line_offset=line_offset)  # raises
            return "id" if unique and n >= _ID_MIN_ROWS else "categorical"
    # every present cell is a number: parse them all, refusing inf with file and row
    numbers = parse_numeric(column, name=name, where=where, line_offset=line_offset)
    if unique and n >= _ID_MIN_ROWS:
        with np.errstate(over="ignore", invalid="ignore"):  # huge values overflow: not an id
            if np.all(np.diff(numbers) == 1.0):
                return "id"  # 0..n-1 or 1..n: a saved row index
    return "numeric"


def _drop_unlabeled(frame: pd.DataFrame, target: str, *, where: str, notes: list[str]):
    missing = frame[target].isna().to_numpy()
    if missing.any():
        message = f"{where}: {missing.sum()} row(s) with an empty target '{target}' left out"
        warn(message)
        notes.append(message)
    return ~missing


def _labels(frame: pd.DataFrame, target: str, keep: np.ndarray, *, where: str, notes: list[str]):
    column = frame[target][keep]
    numbers = pd.to_numeric(column.astype(str).str.strip(), errors="coerce")
    if numbers.notna().all():  # numeric labels: "1.0" and "1" are the same class
        values = numbers.to_numpy(dtype=np.float64)
        fractional = ~np.isfinite(values) | (values != np.round(values))
        if fractional.any():
            raise DataError(
                f"{where}: target column '{target}' holds non-integer numbers "
                f"(e.g. {column.iloc[int(np.argmax(fractional))]}); expected class labels "
                "(a regression target cannot be classified)"
            )
        column = numbers.astype(np.int64).astype(str)
    what = f"target column '{target}'"
    return encode_labels(column.tolist(), where=where, what=what, notes=notes)


def _tabular(frame, target, keep, *, where, name, notes, line_offset) -> Dataset:
    kinds = {}
    for column in frame.columns:
        if column == target:
            continue
        kind = _column_kind(frame[column], column, where=where, line_offset=line_offset)
        if kind == "id":
            notes.append(
                f"dropped column '{column}': a different value in every row (an identifier)"
            )
        elif kind == "empty":
            notes.append(f"dropped column '{column}': no values at all")
        else:
            kinds[column] = kind
    if not kinds:
        dropped = [n.removeprefix("dropped ") for n in notes if n.startswith("dropped column")]
        why = f" ({'; '.join(dropped)})" if dropped else ""
        raise DataError(
            f"{where}: no feature columns besides target '{target}'{why}; columns are: "
            f"{_columns_hint(frame)}"
        )
    y, classes = _labels(frame, target, keep, where=where, notes=notes)
    rows = frame[keep].reset_index(drop=True)
    encoder = TableEncoder(
        numeric=[c for c, k in kinds.items() if k == "numeric"],
        categorical=[c for c, k in kinds.items() if k == "categorical"],
    ).fit(rows)
    X = encoder.transform(rows)
    counts = {k: sum(v == k for v in kinds.values()) for k in ("numeric", "categorical")}
    return Dataset(
        name=name,
        X=X,
        y=y,
        classes=classes,
        modality="tabular",
        feature_names=list(encoder.feature_names_out_),
        description=(
            f"{Path(where).name}: {len(y)} rows, {counts['numeric']} numeric and "
            f"{counts['categorical']} categorical columns -> {X.shape[1]} features, "
            f"target '{target}' with {len(classes)} classes"
        ),
        encoder=encoder,
        notes=notes,
        info={
            "source": where,
            "target": target,
            "columns": kinds,
            "kinds": {k: v for k, v in counts.items() if v},
            "missing": {c: int(frame[c][keep].isna().sum()) for c in kinds},
        },
    )


def _text(frame, target, text_column, keep, *, where, name, notes) -> Dataset:
    text = frame[text_column]
    empty = text.isna().to_numpy() & keep
    if empty.any():
        message = (
            f"{where}: {empty.sum()} row(s) with an empty text column '{text_column}' left out"
        )
        warn(message)
        notes.append(message)
        keep = keep & ~empty
    ignored = [c for c in frame.columns if c not in (target, text_column)]
    if ignored:
        notes.append(f"ignored column(s) {', '.join(ignored)}: only the text column is used")
    y, classes = _labels(frame, target, keep, where=where, notes=notes)
    X = np.empty(int(keep.sum()), dtype=object)
    X[:] = [str(v) for v in text[keep]]
    return Dataset(
        name=name,
        X=X,
        y=y,
        classes=classes,
        modality="text",
        feature_names=["text"],
        description=(
            f"{Path(where).name}: {len(y)} documents from column '{text_column}', "
            f"target '{target}' with {len(classes)} classes"
        ),
        notes=notes,
        info={
            "source": where,
            "target": target,
            "columns": {text_column: "text"},
            "kinds": {"text": 1},
            "missing": {},
        },
    )


def load_table(
    path: Path, *, target=None, text_column=None, encoding="utf-8", max_bytes=MAX_FILE_BYTES
) -> Dataset:
    """Load a CSV / TSV / Parquet file with a target column.

    Parameters
    ----------
    path : Path
    target : str
        Column holding the class labels; rows where it is empty are left out (warning).
    text_column : str or None
        Give it for a text data set: that column becomes X (raw strings).
    encoding : str, default "utf-8"
    max_bytes : int, default 2 GiB
        Largest file read.

    Returns
    -------
    Dataset
        ``tabular``: X (n, d) float64, numeric columns as they are and categorical
        ones one-hot (``Dataset.encoder`` transforms new rows the same way), NaN where
        a cell is empty. ``text``: X (n,) of str.
    """
    where = str(path)
    frame = read_table(path, encoding=encoding, max_bytes=max_bytes)
    line_offset = None if path.suffix.lower() in PARQUET_SUFFIXES else 1
    return frame_dataset(
        frame,
        target=target,
        text_column=text_column,
        where=where,
        name=path.stem,
        line_offset=line_offset,
    )


def frame_dataset(
    frame: pd.DataFrame, *, target, text_column=None, where: str, name: str, line_offset=None
) -> Dataset:
    """A table already read (a file's or a user's DataFrame) as a Dataset: the one path
    every table takes, so a DataFrame is checked and encoded exactly as its CSV would be.

    ``where`` names the source in messages; ``line_offset`` (None: no file lines) turns
    a row index into the file line quoted in messages. See :func:`load_table`.
    """
    target = require_column(frame, target, where=where, role="target")
    if text_column is not None:
        text_column = require_column(frame, text_column, where=where, role="text")
        if text_column == target:
            raise DataError(
                f"{where}: text column and target are both '{target}'; expected two columns"
            )
    notes: list[str] = []
    keep = _drop_unlabeled(frame, target, where=where, notes=notes)
    if text_column is not None:
        return _text(frame, target, text_column, keep, where=where, name=name, notes=notes)
    return _tabular(
        frame, target, keep, where=where, name=name, notes=notes, line_offset=line_offset
    )
