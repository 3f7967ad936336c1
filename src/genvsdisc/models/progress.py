"""Training progress that a caller can listen to, without a constructor parameter.

A model's training loop calls :func:`report_progress` after every step; a
caller that wants to know (the labs' progress bar) wraps the ``fit`` in
:func:`listening`. The listener lives in a :class:`contextvars.ContextVar`,
so it belongs to the thread (or task) that fits, it is not a parameter of the
estimator (``get_params`` and ``clone`` are unaffected) and it cannot change
what is trained: it only receives two counts. Torch-free, so the app can
import it without importing torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["listening", "report_progress"]

_listener: ContextVar[Callable[[int, int], None] | None] = ContextVar(
    "genvsdisc_progress_listener", default=None
)


@contextmanager
def listening(callback: Callable[[int, int], None]) -> Iterator[None]:
    """Call ``callback(done_steps, total_steps)`` for every step trained inside the block."""
    token = _listener.set(callback)
    try:
        yield
    finally:
        _listener.reset(token)


def report_progress(done: int, total: int) -> None:
    """Tell the current listener, if any, that ``done`` of ``total`` steps are trained."""
    callback = _listener.get()
    if callback is not None:
        callback(done, total)
