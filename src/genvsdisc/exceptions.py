"""Every error genvsdisc raises on purpose lives here.

A :class:`GenvsdiscError` is a *user's* mistake or a model's honest refusal:
the CLI prints its message as one line on stderr and exits with status 2,
with no traceback unless ``--debug`` is given. Anything else escaping the
CLI is a bug in genvsdisc and keeps its traceback.

Messages name the thing (file, column, parameter), what was expected and
what was found, e.g. ``"iris.csv: target column 'kind' not found; columns
are: sepal_length, sepal_width, petal_length, petal_width, species"``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "GenvsdiscError",
    "DataError",
    "ParameterError",
    "CannotGenerateError",
    "MissingValuesError",
    "UnknownNameError",
    "DataWarning",
    "unknown_name_error",
    "few",
]


class GenvsdiscError(Exception):
    """Base of every deliberate genvsdisc error (exit status 2 in the CLI)."""

    exit_code = 2


class DataError(GenvsdiscError, ValueError):
    """Input data that cannot be used: unreadable file, bad column, one class..."""


class ParameterError(GenvsdiscError, ValueError):
    """A parameter outside its allowed range or of the wrong kind."""


class UnknownNameError(GenvsdiscError, KeyError):
    """An unknown data set, model or experiment name; the message lists valid ones."""

    def __str__(self) -> str:  # KeyError would otherwise quote the message
        return str(self.args[0]) if self.args else ""


class MissingValuesError(GenvsdiscError, ValueError):
    """NaN given to a model that cannot integrate missing features out."""


class CannotGenerateError(GenvsdiscError, NotImplementedError):
    """A discriminative model was asked to create examples.

    It learned p(y|x) only, so nothing in it describes what an x looks like.
    """


class DataWarning(UserWarning):
    """Usable data with something the user should know (a one-row class, skipped files).

    The CLI prints each as one line on stderr; the test suite turns it into an error
    unless a test expects it.
    """


def closest(name, valid: Iterable[str]) -> str | None:
    """The one valid name close enough to ``name`` to suggest ("did you mean"), or None."""
    close = difflib.get_close_matches(str(name), [str(v) for v in valid], n=1)
    return close[0] if close else None


def few(names, n: int = 6) -> str:
    """The first ``n`` of ``names`` for a one-line message, and how many there are in all.

    Examples
    --------
    >>> few(range(8))
    '0, 1, 2, 3, 4, 5 ... (8 in all)'
    """
    names = [str(c) for c in names]
    return ", ".join(names[:n]) + (f" ... ({len(names)} in all)" if len(names) > n else "")


def unknown_name_error(kind: str, name, valid: Iterable[str]) -> UnknownNameError:
    """The one-line error for an unknown ``kind`` name, listing the valid ones.

    Adds "Did you mean ...?" when one valid name is close to ``name``.

    Examples
    --------
    >>> print(unknown_name_error("model", "logrg", ["logreg", "knn"]))
    unknown model 'logrg'; valid models are: logreg, knn. Did you mean 'logreg'?
    """
    valid = [str(v) for v in valid]
    close = closest(name, valid)
    hint = f" Did you mean {close!r}?" if close else ""
    return UnknownNameError(
        f"unknown {kind} {name!r}; valid {kind}s are: {', '.join(valid)}.{hint}"
    )
