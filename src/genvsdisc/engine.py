"""Run a grid of experiment tasks in-process or on a Dask cluster.

Three engines, one contract (:meth:`run`): the same tasks with the same seeds
give the same numbers on every one of them.

- ``workers=0``: :class:`InProcessEngine`, one task after the other here.
- default: :class:`DaskEngine` on a ``dask.distributed.LocalCluster`` sized to
  the machine (one single-threaded worker process per core).
- ``scheduler="tcp://HOST:PORT"``: :class:`DaskEngine` on an existing cluster.

Every task runs under :func:`execute`, which limits BLAS / OpenMP to one
thread (so results do not depend on how many threads a worker has, and
workers do not fight over cores), records warnings instead of printing them,
times the task, and turns a :class:`~genvsdisc.exceptions.GenvsdiscError`
(a model's honest refusal) into an ``{"error": ...}`` result for the report.
"""

from __future__ import annotations

import logging
import os
import uuid
import warnings
from collections.abc import Callable, Iterable

from genvsdisc.exceptions import GenvsdiscError, ParameterError

__all__ = ["InProcessEngine", "DaskEngine", "make_engine", "execute", "available_cores"]


def available_cores() -> int:
    """Cores this process may use (CPU affinity where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS / Windows
        return max(1, os.cpu_count() or 1)


def execute(fn: Callable, train, test, kwargs: dict, deps: dict) -> dict:
    """Run one task: ``fn(train, test, **kwargs, **deps)`` with one BLAS thread.

    Returns
    -------
    dict
        ``result`` (what ``fn`` returned, or None), ``error`` (message of a
        GenvsdiscError, or None), ``warnings`` (unique messages) and
        ``seconds``.
    """
    import time

    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    result, error = None, None
    with warnings.catch_warnings(record=True) as caught, threadpool_limits(limits=1):
        warnings.simplefilter("always")
        try:
            result = fn(train, test, **kwargs, **deps)
        except GenvsdiscError as err:
            error = str(err)
    messages = []
    for w in caught:
        text = f"{w.category.__name__}: {str(w.message).splitlines()[0]}"
        if text not in messages:
            messages.append(text)
    return {
        "result": result,
        "error": error,
        "warnings": messages,
        "seconds": time.perf_counter() - t0,
    }


def _ordered(tasks):
    """Tasks whose dependencies come first; among the ready ones, costly first."""
    done, out, pending = set(), [], sorted(tasks, key=lambda t: -t.cost)
    while pending:
        ready = [t for t in pending if set(t.deps.values()) <= done]
        if not ready:
            missing = (
                {k for t in pending for k in t.deps.values()} - done - {t.key for t in pending}
            )
            raise ParameterError(f"tasks depend on unknown task keys: {sorted(missing)}")
        for t in ready:
            out.append(t)
            done.add(t.key)
        pending = [t for t in pending if t.key not in done]
    return out


class InProcessEngine:
    """Runs every task here, one after the other (``--workers 0``)."""

    kind = "in-process"

    def describe(self) -> dict:
        return {"kind": self.kind, "workers": 0, "address": None}

    def run(self, tasks: Iterable, train, test, progress: Callable | None = None) -> dict:
        """Run ``tasks``; returns ``{task.key: execute(...) dict}``. ``progress(task)`` per task."""
        results: dict = {}
        for task in _ordered(list(tasks)):
            deps = {name: results[key]["result"] for name, key in task.deps.items()}
            results[task.key] = execute(task.fn, train, test, task.kwargs, deps)
            if progress:
                progress(task)
        return results

    def close(self) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class DaskEngine:
    """Runs tasks on a dask.distributed cluster: a new LocalCluster or an existing scheduler.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:PORT``); None starts a
        LocalCluster here.
    workers : int, optional
        Worker processes of the LocalCluster (default: one per core).
    processes : bool, default True
        LocalCluster workers as processes (True) or threads of this process.
    connect_timeout : str, default "10s"
        How long to wait for the scheduler.
    """

    def __init__(self, scheduler: str | None = None, workers: int | None = None, processes=True,
                 connect_timeout="10s"):  # fmt: skip
        from distributed import Client, LocalCluster

        self._cluster = None
        if scheduler is None:
            n = workers if workers is not None else available_cores()
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=processes,
                # a free loopback port: the default 8787 may be taken (another
                # cluster, a parallel test run) and the dashboard is not for the world
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.ERROR,
            )
            address = self._cluster.scheduler_address
        else:
            address = scheduler
        try:
            self.client = Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError) as err:
            if self._cluster is not None:
                self._cluster.close()
            raise ParameterError(
                f"--scheduler {scheduler}: cannot reach a Dask scheduler there ({err})"
            ) from None
        self.kind = "dask-local" if scheduler is None else "dask-scheduler"
        self.address = address

    def describe(self) -> dict:
        n = len(self.client.scheduler_info().get("workers", {}))
        return {"kind": self.kind, "workers": n, "address": self.address}

    def run(self, tasks: Iterable, train, test, progress: Callable | None = None) -> dict:
        """Submit every task at once (data scattered once) and gather the results."""
        from distributed import as_completed

        tasks = _ordered(list(tasks))
        if not tasks:
            return {}
        train_f, test_f = self.client.scatter([train, test], broadcast=True, hash=False)
        run_id = uuid.uuid4().hex[:8]
        futures, by_future = {}, {}
        for rank, task in enumerate(tasks):
            deps = {name: futures[key] for name, key in task.deps.items()}
            fut = self.client.submit(
                _execute_unwrapping,
                task.fn,
                train_f,
                test_f,
                task.kwargs,
                deps,
                key=f"{task.key}-{run_id}",
                priority=-rank,
                pure=False,
            )
            futures[task.key] = fut
            by_future[fut.key] = task
        results = {}
        for fut in as_completed(list(futures.values())):
            task = by_future[fut.key]
            results[task.key] = fut.result()
            if progress:
                progress(task)
        return results

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _execute_unwrapping(fn, train, test, kwargs, deps):
    """:func:`execute` on a worker; dependency results arrive as execute() dicts."""
    return execute(fn, train, test, kwargs, {k: v["result"] for k, v in deps.items()})


def make_engine(workers: int | None = None, scheduler: str | None = None):
    """The engine for ``--workers`` / ``--scheduler``.

    Parameters
    ----------
    workers : int or None
        0 runs in-process; None or a positive number starts a LocalCluster with
        that many worker processes (default: one per core).
    scheduler : str or None
        ``tcp://HOST:PORT`` of an existing scheduler (``workers`` is then ignored).
    """
    if workers is not None and workers < 0:
        raise ParameterError(f"--workers must be 0 (in-process) or more; got {workers}")
    if scheduler:
        if "://" not in scheduler:
            raise ParameterError(f"--scheduler must look like tcp://HOST:PORT; got {scheduler!r}")
        return DaskEngine(scheduler=scheduler)
    if workers == 0:
        return InProcessEngine()
    return DaskEngine(workers=workers)
