"""Run the graph in forked worker processes of this machine: one per core.

Threads of one process (:class:`~genvsdisc.engine.InProcessEngine`) gain
little on the built-ins: much of a fit is Python code that holds the GIL
(``compare digits`` ran 21.6 s on one thread, 19.2 s on two). Worker
processes do not share a GIL, and when they are *forked* they start with
every module this process imported and with the data already in their
memory (copy-on-write), so they pay neither the imports nor the data's
pickling that a ``dask.distributed.LocalCluster`` pays.

Dask's own multiprocessing scheduler computes the graph on a
``ProcessPoolExecutor`` with the ``fork`` start method. The training and
test sets travel to the tasks as a :class:`SharedData` token, which a worker
resolves to the copy it inherited (:func:`resolve`); every other argument
(settings, a fitted model one task hands to another) is pickled as usual.

A worker runs one task at a time, each seeded by its own key, so the numbers
are those of the other engines; and a torch model draws from its own
process's generator, so torch models need no single-thread fallback here.
Forking is only safe where nothing in this process already started threads
that the children would need (an initialised torch, OpenMP): see
:func:`fork_is_safe`.
"""

from __future__ import annotations

import multiprocessing
import sys
import threading
import uuid
from collections.abc import Hashable, Mapping
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import dask
from dask.callbacks import Callback
from dask.delayed import Delayed

from genvsdisc.exceptions import GenvsdiscError

__all__ = ["ProcessEngine", "SharedData", "resolve", "fork_is_safe", "reporting"]

#: Data sets registered by :meth:`ProcessEngine.data` in this process; forked
#: workers inherit the dictionary as it was when they started.
_SHARED: dict[str, object] = {}


@dataclass(frozen=True)
class SharedData:
    """A token for a data set every forked worker already holds (pickled: a few bytes)."""

    key: str


def resolve(value):
    """The data set behind a :class:`SharedData` token; any other value unchanged."""
    if isinstance(value, SharedData):
        return _SHARED[value.key]
    return value


def fork_is_safe() -> tuple[bool, str]:
    """``(ok, why not)``: can this process fork workers that will run any task?

    Fork needs Linux (macOS can fork, but its system libraries are not safe
    in a forked child; Windows cannot); a process in which torch has not been
    imported (torch starts OpenMP and its own thread pools, which a forked
    child inherits broken: a fit in the child can hang); and no other thread
    running (a web server, a notebook kernel's threads): a child inherits only
    the forking thread, and a lock another thread held at that moment stays
    locked in the child.
    """
    # macOS offers fork but its system libraries (Accelerate, Objective-C) are not safe
    # in a forked child; Windows has no fork
    if (
        not sys.platform.startswith("linux")
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        return False, "forked worker processes are used on Linux only"
    if "torch" in sys.modules:
        return False, "torch is already loaded in this process, and forking it is unsafe"
    # tqdm's monitor (started by the first progress bar) only sleeps and checks bars' times
    others = [t for t in threading.enumerate() if t is not threading.current_thread()]
    if [t for t in others if type(t).__name__ != "TMonitor"]:
        return False, "this process runs other threads, which forked workers could inherit mid-step"
    return True, ""


def reporting(tasks: Mapping[Hashable, Delayed], progress=None, finished=None) -> Callback:
    """The local schedulers' callback that calls ``progress(label)`` and
    ``finished(label, output)`` in this process as each of ``tasks`` finishes."""
    labels = {t.key: label for label, t in tasks.items()}

    def done(key, result, dsk, state, worker_id):
        if key in labels:
            if progress:
                progress(labels[key])
            if finished:
                finished(labels[key], result)

    return Callback(posttask=done)


class ProcessEngine:
    """Computes the graph on ``workers`` forked processes (Dask's multiprocessing scheduler).

    Parameters
    ----------
    workers : int
        Worker processes (one per core is the default choice of the caller).
    reason : str
        Why this engine runs (results.json's ``engine.reason``).
    """

    kind = "local-processes"

    def __init__(self, workers: int, reason: str):
        self.workers = max(1, int(workers))
        self.reason = reason
        self._keys: list[str] = []
        self._pool = None

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            "workers": self.workers,
            "threads": 1,
            "address": None,
            "reason": self.reason,
        }

    def one_thread(self, why: str) -> None:
        """Nothing to do: each worker process already runs one task at a time."""

    def data(self, train, test) -> tuple[SharedData, SharedData]:
        """Register ``train`` and ``test`` for the workers, which fork after this call."""
        if self._pool is not None:
            raise RuntimeError("ProcessEngine.data after its workers started: they cannot see it")
        tokens = []
        for part in (train, test):
            key = uuid.uuid4().hex
            _SHARED[key] = part
            self._keys.append(key)
            tokens.append(SharedData(key))
        return tokens[0], tokens[1]

    def run(self, tasks: Mapping[Hashable, Delayed], progress=None, finished=None) -> dict:
        """Compute ``tasks``; returns ``{label: TaskOutput}``; ``progress(label)`` and
        ``finished(label, output)`` run here, in this process, as each task finishes."""
        from dask.multiprocessing import get as processes_get

        if not tasks:
            return {}
        if self._pool is None:
            # fork: the workers start with this process's modules and the registered data
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
        try:
            with reporting(tasks, progress, finished):
                # chunksize 1: tasks differ by orders of magnitude in cost, so each worker
                # takes the next one when it is free rather than a batch of six
                outputs = dask.compute(
                    *tasks.values(), scheduler=processes_get, pool=self._pool, chunksize=1
                )
        except BrokenProcessPool:
            self.close()
            raise GenvsdiscError(
                "a worker process ended without finishing its task (most often the system "
                "stopped it for lack of memory); rerun with --workers 0 to run in one "
                "process, or with fewer models"
            ) from None
        return dict(zip(tasks, outputs, strict=True))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        for key in self._keys:
            _SHARED.pop(key, None)
        self._keys = []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
