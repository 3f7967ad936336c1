"""`load`: one entry point for built-in names and user paths."""

from __future__ import annotations

import os
from pathlib import Path

from genvsdisc.data.builtins import BUILTINS, load_builtin
from genvsdisc.data.dataset import Dataset
from genvsdisc.data.folders import load_folder
from genvsdisc.data.tables import load_table
from genvsdisc.exceptions import DataError, ParameterError, UnknownNameError, closest

__all__ = ["load"]

# in the order the message lists them
_FILE_PARAMS = (
    "encoding",
    "image_size",
    "max_side",
    "max_bytes",
    "sample_rate",
    "clip_seconds",
    "max_seconds",
)


def _looks_like_name(source: str) -> bool:
    return os.sep not in source and "/" not in source and not Path(source).suffix


def load(source, *, target=None, text_column=None, random_state=0, **params) -> Dataset:
    """Load a built-in data set by name, or a user file or folder by path.

    Parameters
    ----------
    source : str or Path
        A built-in name (see :func:`builtin_names`), a CSV / TSV / Parquet file, or a
        folder with one sub-folder per class holding images, .txt or audio files. A built-in
        name wins over a file of the same name; write ``./iris`` to mean the file.
    target : str, optional
        Class column of a table (required for tables, not used otherwise).
    text_column : str, optional
        Column of a table holding documents: the Dataset becomes ``text``.
    random_state : int, default 0
        Seed of the generated toys (moons, circles, blobs, spirals, xor).
    **params
        Toys: ``n_samples`` (500), ``noise``, ``n_classes`` (blobs, spirals).
        Files: ``encoding`` ("utf-8"; a byte-order mark wins), ``max_bytes`` (2 GiB,
        the largest file read); image folders: ``image_size`` (int or
        (height, width)), ``max_side`` (64); audio folders: ``sample_rate`` (8000),
        ``clip_seconds`` (2.0, longer clips cut), ``max_seconds`` (60.0, longer files
        skipped). ``spoken_words``: ``n_voices`` (96), ``holdout_voices`` (True).

    Returns
    -------
    Dataset

    Raises
    ------
    UnknownNameError
        ``source`` is neither a built-in nor an existing path but looks like a name.
    DataError
        The path does not exist or its content cannot be used.
    ParameterError
        A parameter the source does not take.

    Examples
    --------
    >>> from genvsdisc.data import load
    >>> ds = load("moons", n_samples=200, noise=0.3, random_state=1)
    >>> ds.X.shape, ds.classes
    ((200, 2), ['0', '1'])
    """
    if isinstance(source, str) and source in BUILTINS:
        if target is not None or text_column is not None:
            raise ParameterError(
                f"built-in '{source}' has its own labels; target / text_column are for files"
            )
        return load_builtin(source, random_state=random_state, **params)
    if not isinstance(source, str | os.PathLike):
        raise ParameterError(
            f"source must be a built-in name or a path; got {type(source).__name__}"
        )
    path = Path(source)
    if not path.exists():
        if isinstance(source, str) and _looks_like_name(source):
            close = closest(source, BUILTINS)
            hint = f"did you mean '{close}'? " if close else ""
            raise UnknownNameError(
                f"unknown data set '{source}' and no such file; {hint}"
                f"built-ins are: {', '.join(BUILTINS)}"
            )
        raise DataError(f"{path}: no such file or folder")
    unknown = set(params) - set(_FILE_PARAMS)
    if unknown:
        raise ParameterError(
            f"{path}: unknown parameter(s) {', '.join(sorted(unknown))}; "
            f"files take {', '.join(_FILE_PARAMS)}"
        )
    if path.is_dir():
        if target is not None or text_column is not None:
            raise ParameterError(
                f"{path}: a folder's labels are its class sub-folders; "
                "target / text_column are for tables"
            )

        return _noted(load_folder(path, **params))
    table_params = {k: v for k, v in params.items() if k in ("encoding", "max_bytes")}
    return _noted(load_table(path, target=target, text_column=text_column, **table_params))


def _noted(ds):
    """Say, in the notes ``inspect`` and the report show, how text models will read the
    documents when they are too short for word counts."""
    if ds.modality == "text":
        from genvsdisc.models.text import text_features_note  # sklearn only, no torch

        note = text_features_note(ds.X)
        if note:
            ds.notes.append(note)
    return ds
