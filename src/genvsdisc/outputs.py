"""Where a command writes: checked before any work starts, written atomically.

A run that trains for minutes and then fails to write its report wastes the
user's time, so ``--out`` is checked first: the nearest folder that exists
must be a folder, and genvsdisc must be able to create a file in it (tried
for real: permission bits say nothing for root, or for ``/proc``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from genvsdisc.exceptions import ParameterError

__all__ = ["check_out_folder", "check_out_file"]


def _existing_ancestor(path: Path) -> Path:
    for parent in path.absolute().parents:
        if parent.exists() or parent.is_symlink():
            return parent
    return Path(path.absolute().anchor)


def _probe(folder: Path, option: str, path: Path) -> None:
    """Create and remove a file in ``folder``: the one reliable test of 'can write here'."""
    if not folder.is_dir():
        raise ParameterError(f"{option} {path}: {folder} is a file, not a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=".genvsdisc-probe-", dir=folder)
    except OSError as err:
        raise ParameterError(
            f"{option} {path}: cannot write in folder {folder} ({err.strerror or err})"
        ) from None
    os.close(fd)
    os.unlink(name)


def check_out_folder(path: Path, option: str = "--out") -> None:
    """An output folder: new or empty, and creatable (missing parents are made later).

    Raises
    ------
    ParameterError
        It exists and is not an empty folder, or no folder can be created there.
    """
    path = Path(path)
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise ParameterError(
            f"{option} {path}: exists and is not an empty folder; choose a new one"
        )
    _probe(_existing_ancestor(path), option, path)


def check_out_file(path: Path, option: str = "--out") -> None:
    """An output file: its folder exists and is writable, and it is not itself a folder.

    Raises
    ------
    ParameterError
        One line naming the path and what is wrong with it.
    """
    path = Path(path)
    if path.is_dir():
        raise ParameterError(f"{option} {path}: is a folder; expected a file name")
    parent = path.absolute().parent
    if not parent.exists():
        raise ParameterError(f"{option} {path}: folder {parent} does not exist; create it first")
    _probe(parent, option, path)
