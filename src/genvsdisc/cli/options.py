"""Options that several commands share, declared once.

Every command that reads data takes the same reading options
(:func:`data_options`, passed to the command as one :class:`Reading`); every command that trains shows
progress the same way (:func:`progress_option`). Range checks are click's own
types, so a bad value gets click's message, printed as one line by the group.
"""

from __future__ import annotations

import functools
import re
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path

import click

from genvsdisc.exceptions import ParameterError

#: Default of --max-file-mb: genvsdisc.data's MAX_FILE_BYTES in MB, written out so
#: that the CLI starts without importing pandas (a test checks the two agree).
DEFAULT_MAX_FILE_MB = 2048

__all__ = [
    "Reading",
    "data_options",
    "progress_option",
    "show_progress",
    "safe_stem",
    "command_line",
    "names",
]


@dataclass(frozen=True)
class Reading:
    """How SOURCE is read: the values of the options :func:`data_options` declares."""

    target: str | None = None
    text_column: str | None = None
    encoding: str = "utf-8"
    max_file_mb: int = DEFAULT_MAX_FILE_MB

    def load(self, source: str):
        """The Dataset behind SOURCE, read with these options."""
        from genvsdisc.data import BUILTINS, load

        # built-ins are not files: they take no reading options
        params = {}
        if source not in BUILTINS:
            params = {"encoding": self.encoding, "max_bytes": self.max_file_mb * 1024**2}
        return load(source, target=self.target, text_column=self.text_column, **params)


def data_options(command):
    """``--target``, ``--text-column``, ``--encoding``, ``--max-file-mb``: how SOURCE is read.

    The command receives them as one ``reading`` argument, a :class:`Reading`.
    """

    @functools.wraps(command)  # keeps the options declared below this decorator
    def with_reading(*args, target, text_column, encoding, max_file_mb, **kwargs):
        reading = Reading(target, text_column, encoding, max_file_mb)
        return command(*args, reading=reading, **kwargs)

    for option in reversed(
        (
            click.option("--target", help="Class column of a CSV / Parquet file."),
            click.option(
                "--text-column",
                help="Column of a CSV / Parquet file holding documents: read the table as text.",
            ),
            click.option(
                "--encoding",
                default="utf-8",
                show_default=True,
                help="Encoding of CSV and .txt files; a byte-order mark wins (built-ins ignore it).",
            ),
            click.option(
                "--max-file-mb",
                type=click.IntRange(min=1),
                default=DEFAULT_MAX_FILE_MB,
                show_default=True,
                help="Largest single file read, in MB (a guard against reading a device or a dump).",
            ),
        )
    ):
        with_reading = option(with_reading)
    return with_reading


def progress_option(command):
    """``--progress/--no-progress``: bars on stderr; by default only on a terminal."""
    return click.option(
        "--progress/--no-progress",
        default=None,
        help="Progress bars on stderr (default: when stderr is a terminal).",
    )(command)


def show_progress(progress: bool | None) -> bool:
    """The value of ``--progress``: unset means 'when stderr is a terminal'."""
    return sys.stderr.isatty() if progress is None else progress


def safe_stem(source) -> str:
    """The last part of SOURCE reduced to a safe file name (``my data.csv`` -> ``my_data``)."""
    stem = Path(str(source).rstrip("/\\")).stem or "data"
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", stem)


def command_line() -> str:
    """The command line as the user typed it (the group records its arguments)."""
    argv = click.get_current_context().find_root().meta.get("genvsdisc.argv", sys.argv[1:])
    return shlex.join(["genvsdisc", *argv])


def names(value: str | None, option: str) -> list[str] | None:
    """A comma-separated option (``--models a,b``) as a list; None when not given.

    Raises ParameterError when the option is given but names nothing (``--models ,``):
    silently falling back to the defaults would run something the user did not ask for.
    """
    if value is None:
        return None
    listed = [v.strip() for v in value.split(",") if v.strip()]
    if not listed:
        raise ParameterError(f"{option} {value!r}: expected comma-separated names, got none")
    return listed
