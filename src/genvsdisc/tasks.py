"""One task of the engine's graph: run it with one BLAS thread, keep its own warnings.

:func:`execute` is what every task of :mod:`genvsdisc.engine` calls. Several
tasks may run at once as threads of one process (the in-process engine), so
the process-wide state a task needs (one BLAS thread, every warning recorded)
is set once for all of them (:func:`task_environment`) and each task's
warnings are routed to that task alone.
"""

from __future__ import annotations

import sys
import threading
import time
import warnings
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from threadpoolctl import threadpool_limits

from genvsdisc.engine_processes import resolve
from genvsdisc.exceptions import GenvsdiscError

__all__ = ["TaskOutput", "execute", "task_environment", "in_task"]


@dataclass(frozen=True)
class TaskOutput:
    """What one task left behind.

    Attributes
    ----------
    result : object or None
        What the task's function returned (None when it raised an error).
    error : str or None
        Message of the :class:`~genvsdisc.exceptions.GenvsdiscError` it raised.
    warnings : list of str
        Unique warnings, ``"Category: first line"``, in the order first raised.
    seconds : float
        Wall-clock time of the task.
    """

    result: Any = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


def execute(fn: Callable, train, test, kwargs: Mapping[str, Any]) -> TaskOutput:
    """Run one task, ``fn(train, test, **kwargs)``, with one BLAS thread.

    A keyword whose value is another task's :class:`TaskOutput` receives that
    task's ``result`` (None when it failed): this is how a task depends on
    another in the graph. ``train`` and ``test`` may be the data sets or tokens for
    the copies a forked worker holds (:mod:`genvsdisc.engine_processes`). Safe to call from several threads at once
    (:func:`task_environment`): each task records its own warnings.
    """
    arguments = {k: v.result if isinstance(v, TaskOutput) else v for k, v in kwargs.items()}
    train, test = resolve(train), resolve(test)  # a forked worker's own copy of the data
    if "torch" in sys.modules:  # e.g. a fitted cnn among the arguments: one torch thread
        from genvsdisc.models.torch._runtime import one_thread_for_tasks

        one_thread_for_tasks()
    t0 = time.perf_counter()
    result, error = None, None
    with task_environment(), _recording() as caught:
        try:
            result = fn(train, test, **arguments)
        except GenvsdiscError as err:
            error = str(err)
    messages = []
    for category, message in caught:
        text = f"{category.__name__}: {str(message).splitlines()[0]}"
        if text not in messages:
            messages.append(text)
    return TaskOutput(result, error, messages, time.perf_counter() - t0)


# warnings.catch_warnings swaps process-wide state (the filters, showwarning) and puts it
# back on exit: two threads' overlapping blocks would restore each other's state and lose
# or misplace warnings. Instead the first task to start sets that state once (every warning
# shown, showwarning routed to the calling thread's record), the last to finish restores it.
_env_lock = threading.Lock()
_env_depth = 0
_env_saved: tuple | None = None
_thread = threading.local()


def _route(message, category, filename, lineno, file=None, line=None):
    """``warnings.showwarning`` while tasks run: into the running task's record, if any."""
    log = getattr(_thread, "log", None)
    if log is None:  # a thread that runs no task: warnings behave as they did
        return _env_saved[1](message, category, filename, lineno, file, line)
    log.append((category, message))


@contextmanager
def task_environment():
    """Process-wide state every task runs under, shared by concurrent tasks.

    One BLAS thread (OpenBLAS' limit is process-wide) and every warning shown
    and routed to the calling task (:func:`_recording`), set by the first
    task to enter and restored by the last to leave; OpenMP's thread count is
    per thread, so each task limits its own.
    """
    global _env_depth, _env_saved
    with _env_lock:
        if _env_depth == 0:
            _env_saved = (
                threadpool_limits(limits=1, user_api="blas"),
                warnings.showwarning,
                warnings.filters,
            )
            warnings.filters = warnings.filters[:]  # as catch_warnings does
            warnings.simplefilter("always")
            warnings.showwarning = _route
        _env_depth += 1
    try:
        with threadpool_limits(limits=1, user_api="openmp"):
            yield
    finally:
        with _env_lock:
            _env_depth -= 1
            if _env_depth == 0:
                limits, warnings.showwarning, warnings.filters = _env_saved
                warnings._filters_mutated()  # the C module caches the filter list's version
                limits.restore_original_limits()
                _env_saved = None


def in_task() -> bool:
    """Whether the calling thread is running an engine task (:func:`execute`).

    A torch model asks this before it trains: a task uses one CPU thread, as its
    BLAS does, so its numbers do not depend on the engine it ran on.
    """
    return getattr(_thread, "log", None) is not None


@contextmanager
def _recording():
    """The warnings raised in this thread while the block runs, ``[(category, message)]``."""
    previous = getattr(_thread, "log", None)
    _thread.log = log = []
    try:
        yield log
    finally:
        _thread.log = previous
