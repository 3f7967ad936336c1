"""Reading user files into raw frames and strings, with one-line errors for bad input."""

from __future__ import annotations

import codecs
import csv
import io
import re
import stat
from pathlib import Path

import numpy as np
import pandas as pd

from genvsdisc.exceptions import DataError

__all__ = ["decode_text", "read_bytes", "read_table", "PARQUET_SUFFIXES", "MAX_FILE_BYTES"]

#: Largest file read by default (``max_bytes=``, ``--max-file-mb`` raise it): a
#: typo such as ``/dev/zero`` or a huge dump must not fill the memory.
MAX_FILE_BYTES = 2 * 1024**3
#: Byte-order marks and the codec they announce, longest first (UTF-32 LE starts
#: with the UTF-16 LE mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

PARQUET_SUFFIXES = {".parquet", ".pq"}
_SEPARATORS = {".tsv": "\t", ".tab": "\t"}  # everything else is read as comma-separated
_CONTROL = bytes(set(range(32)) - {9, 10, 12, 13}) + b"\x7f"  # not tab, LF, FF, CR


def read_bytes(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; DataError otherwise.

    Devices, FIFOs and sockets are refused before they are opened (reading
    ``/dev/zero`` never ends; opening a FIFO with no writer blocks forever).
    """
    try:
        info = path.stat()
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"{path}: not a regular file (a device, pipe or socket); expected a file")
    if info.st_size > max_bytes:
        raise DataError(
            f"{path}: {info.st_size / 1024**2:,.0f} MB is over the {max_bytes / 1024**2:,.0f} MB "
            "limit for one file; raise it with --max-file-mb (max_bytes=) if it is meant"
        )
    try:
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as err:
        raise DataError(f"{path}: cannot be read ({err.strerror})") from None
    if len(raw) > max_bytes:
        raise DataError(f"{path}: larger than the {max_bytes / 1024**2:,.0f} MB limit")
    return raw


def bom_codec(raw: bytes) -> str | None:
    """The codec a leading byte-order mark announces (UTF-8/16/32), or None."""
    return next((codec for bom, codec in _BOMS if raw.startswith(bom)), None)


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
        Used unless the bytes start with a byte-order mark, which wins (a
        UTF-16 file saved by a spreadsheet decodes without ``encoding=``).
    header : bool
        The file starts with a header line, so line k is data row k - 1.
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    bom = bom_codec(raw)
    codec, encoding = (bom, bom) if bom and bom != "utf-8-sig" else (codec, encoding)
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


def _read_parquet(raw: bytes, path: Path) -> pd.DataFrame:
    try:
        frame = pd.read_parquet(io.BytesIO(raw))
    except Exception as err:  # pyarrow raises several types for a damaged file
        raise DataError(
            f"{path}: not a readable Parquet file ({str(err).splitlines()[0]})"
        ) from None
    frame.columns = [str(c) for c in frame.columns]
    twice = frame.columns[frame.columns.duplicated()]
    if len(twice):
        raise DataError(f"{path}: column '{twice[0]}' appears twice; expected unique column names")
    frame = frame.reset_index(drop=True)
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)):
            # categories as str, missing stays NaN, like a CSV read with dtype=str
            frame[name] = column.astype(object).map(lambda v: str(v) if pd.notna(v) else np.nan)
    return frame


def _check_header(text: str, sep: str, where: str) -> None:
    """Refuse a header that names a column twice (pandas would rename the second)."""
    first = text.splitlines()[0] if text else ""  # "\r" alone ends a line too
    try:
        header = next(csv.reader(io.StringIO(first), delimiter=sep), [])
    except csv.Error as err:
        raise DataError(f"{where}: the header line cannot be read as CSV ({err})") from None
    names = [h.strip() for h in header]
    for i, name in enumerate(names):
        if name and name in names[:i]:
            first = names.index(name)
            raise DataError(
                f"{where}: the header names column '{name}' twice (columns {first + 1} and "
                f"{i + 1}); expected unique column names: rename one"
            )


def read_table(
    path: Path, *, encoding: str = "utf-8", max_bytes: int = MAX_FILE_BYTES
) -> pd.DataFrame:
    """Read a CSV / TSV / Parquet file into a frame with at least one data row.

    CSV cells come back as str, or NaN where empty / "NA" / "nan" (pandas'
    default missing markers); Parquet numeric columns keep their dtype and the
    rest become str. The index is 0..n-1, so row ``i`` is data row ``i + 1``.

    Raises
    ------
    DataError
        Not a regular file, over ``max_bytes``, empty, header only, binary
        content, undecodable bytes, a column named twice, ragged rows.
    """
    raw = read_bytes(path, max_bytes=max_bytes)
    if not raw.strip():
        raise DataError(f"{path}: file is empty; expected a header line and data rows")
    if path.suffix.lower() in PARQUET_SUFFIXES or raw[:4] == b"PAR1":
        frame = _read_parquet(raw, path)
    else:
        # a UTF-16/32 file is full of NUL bytes: decide "binary" on its text, not its bytes
        explicit = bom_codec(raw) or encoding.lower().replace("_", "-") not in ("utf-8", "utf8")
        if not explicit and _looks_binary(raw):
            raise DataError(
                f"{path}: not a table (binary content); expected comma-separated text or "
                "Parquet (for UTF-16 text, pass --encoding utf-16)"
            )
        text = decode_text(raw, where=str(path), encoding=encoding, header=True)
        if explicit and _looks_binary(text.encode("utf-8", "replace")):
            raise DataError(f"{path}: not a table (binary content after decoding as {encoding})")
        sep = _SEPARATORS.get(path.suffix.lower(), ",")
        _check_header(text, sep, str(path))
        try:
            frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=True)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as err:
            raise _parse_error(err, str(path)) from None
    if frame.shape[0] == 0:
        columns = ", ".join(map(str, frame.columns))
        raise DataError(f"{path}: header only, no data rows (columns: {columns})")
    return frame
