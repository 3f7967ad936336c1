"""Reading user files into raw frames and strings, with one-line errors for bad input."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from genvsdisc.exceptions import DataError

__all__ = ["decode_text", "read_table", "PARQUET_SUFFIXES"]

PARQUET_SUFFIXES = {".parquet", ".pq"}
_SEPARATORS = {".tsv": "\t", ".tab": "\t"}  # everything else is read as comma-separated
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"  # not tab, LF, FF, CR


def _looks_binary(raw: bytes) -> bool:
    """NUL bytes, or more than 5 % control bytes, in the first 64 KiB: not text."""
    head = raw[:65536]
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL))
    return controls > 0.05 * len(head)


def decode_text(raw: bytes, *, where: str, encoding: str = "utf-8", header: bool = False) -> str:
    """Decode file bytes, naming the line (and data row) of the first undecodable byte.

    Parameters
    ----------
    raw : bytes
    where : str
        The file, for the message.
    encoding : str, default "utf-8"
        A leading UTF-8 byte-order mark is dropped.
    header : bool
        The file starts with a header line, so line k is data row k - 1.
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return raw.decode(codec)
    except LookupError:
        raise DataError(
            f"{where}: unknown encoding '{encoding}'; expected e.g. utf-8, cp1252"
        ) from None
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        place = f"line {line}"
        if header:
            place = "the header (line 1)" if line == 1 else f"row {line - 1} (line {line})"
        raise DataError(
            f"{where}: {place} is not valid {encoding} (byte 0x{raw[err.start]:02x}); "
            "re-save the file as UTF-8 or give its encoding (encoding=, --encoding)"
        ) from None


def _parse_error(err: Exception, where: str) -> DataError:
    text = str(err)
    found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", text)
    if found:
        want, line, saw = found.groups()
        return DataError(f"{where}: line {line} has {saw} fields, expected {want} like the header")
    first = text.strip().splitlines()[0] if text.strip() else type(err).__name__
    return DataError(f"{where}: not a readable table ({first})")


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(path)
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise DataError(
            f"{path}: not a readable Parquet file ({str(err).splitlines()[0]})"
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
            # categories as str, missing stays NaN, like a CSV read with dtype=str
            frame[name] = column.astype(object).map(lambda v: str(v) if pd.notna(v) else np.nan)
    return frame


def read_table(path: Path, *, encoding: str = "utf-8") -> pd.DataFrame:
    """Read a CSV / TSV / Parquet file into a frame with at least one data row.

    CSV cells come back as str, or NaN where empty / "NA" / "nan" (pandas'
    default missing markers); Parquet numeric columns keep their dtype and the
    rest become str. The index is 0..n-1, so row ``i`` is data row ``i + 1``.

    Raises
    ------
    DataError
        Empty file, header only, binary content, bad UTF-8, ragged rows.
    """
    raw = path.read_bytes()
    if not raw.strip():
        raise DataError(f"{path}: file is empty; expected a header line and data rows")
    if path.suffix.lower() in PARQUET_SUFFIXES or raw[:4] == b"PAR1":
        frame = _read_parquet(path)
    else:
        if _looks_binary(raw):
            raise DataError(
                f"{path}: not a table (binary content); expected comma-separated text or Parquet"
            )
        text = decode_text(raw, where=str(path), encoding=encoding, header=True)
        sep = _SEPARATORS.get(path.suffix.lower(), ",")
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
            raise _parse_error(err, str(path)) from None
    if frame.shape[0] == 0:
        columns = ", ".join(map(str, frame.columns))
        raise DataError(f"{path}: header only, no data rows (columns: {columns})")
    return frame
