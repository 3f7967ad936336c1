"""Run a graph of experiment tasks in-process or on a Dask cluster.

The graph is Dask's own: every task is a :func:`dask.delayed` call of
:func:`execute`, and a task that needs another task's output (or a model's
self-chosen hyper-parameters) receives that delayed object as an argument.
Four engines compute it, with one contract (:meth:`run`): the same tasks
with the same seeds give the same numbers on every one of them.

- ``workers=0``: :class:`InProcessEngine`, Dask's threaded scheduler here, one
  thread per core (its synchronous scheduler on one core).
- :class:`~genvsdisc.engine_processes.ProcessEngine`: Dask's multiprocessing
  scheduler on forked worker processes of this machine, one per core.
- ``workers=N``: :class:`DaskEngine` on a ``dask.distributed.LocalCluster`` of
  N single-threaded worker processes.
- default: :class:`AutoEngine`, which picks one of these three when it sees the
  data (:func:`choose_engine`): forked workers on two cores or more, a
  LocalCluster only where it pays for itself, threads where forking is unsafe.
- ``scheduler="tcp://HOST:PORT"``: :class:`DaskEngine` on an existing cluster.

Every task runs under :func:`execute`, which limits BLAS / OpenMP to one
thread (so results do not depend on how many threads a worker has, and
workers do not fight over cores), records its own warnings instead of printing
them (thread-safe: :func:`task_environment`),
times the task, and turns a :class:`~genvsdisc.exceptions.GenvsdiscError`
(a model's honest refusal) into a :class:`TaskOutput` with an ``error``.
"""

from __future__ import annotations

import logging
import os
import sys
import uuid
from collections.abc import Callable, Hashable, Mapping

import dask
import dask.local
from dask.delayed import Delayed

from genvsdisc.engine_processes import ProcessEngine, fork_is_safe, reporting
from genvsdisc.exceptions import ParameterError
from genvsdisc.tasks import TaskOutput, execute, task_environment

__all__ = [
    "TaskOutput",
    "InProcessEngine",
    "DaskEngine",
    "AutoEngine",
    "choose_engine",
    "make_engine",
    "execute",
    "task_environment",
    "task",
    "available_cores",
]


def available_cores() -> int:
    """Cores this process may use (CPU affinity where the OS tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS / Windows
        return max(1, os.cpu_count() or 1)


def task(fn: Callable, train, test, *, cost: float = 1.0, **kwargs) -> Delayed:
    """One delayed task, ``execute(fn, train, test, kwargs)``.

    ``fn`` must be a module-level function (so Dask can pickle it); a value in
    ``kwargs`` may be another delayed object (another task, or a delayed
    :class:`~genvsdisc.experiments.common.Settings`): Dask computes it first.
    ``cost`` is a rough relative weight: on a cluster costly tasks start first.
    ``train`` and ``test`` are the engine's data handles (:meth:`InProcessEngine.data`).
    """
    with dask.annotate(priority=cost):
        return dask.delayed(execute, pure=False)(fn, train, test, dict(kwargs))


class _Engine:
    """What both engines share: the context-manager protocol."""

    def close(self) -> None:
        pass

    def one_thread(self, why: str) -> None:
        """Run tasks one at a time in any one process (a no-op where each worker is one thread)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class InProcessEngine(_Engine):
    """Computes the graph here: Dask's threaded scheduler on ``threads`` threads
    (its synchronous scheduler when ``threads`` is 1).

    Threads pay because the tasks' time is in numpy, scipy and scikit-learn
    code that releases the GIL, each task on one BLAS thread; the numbers do
    not depend on the thread count (every task is seeded by its own key, and
    :func:`execute` keeps each task's warnings apart). ``reason`` says why
    this engine runs (results.json's ``engine.reason``).

    Parameters
    ----------
    reason : str
    threads : int, optional
        Default: the cores this process may use (:func:`available_cores`).
    """

    kind = "in-process"

    def __init__(self, reason: str = "asked for (--workers 0, or workers=0)", threads=None):
        self.reason = reason
        self.threads = max(1, int(threads or available_cores()))

    def describe(self) -> dict:
        return {
            "kind": self.kind,
            "workers": 0,
            "threads": self.threads,
            "address": None,
            "reason": self.reason,
        }

    def one_thread(self, why: str) -> None:
        """Run the tasks one after another (``why``: what would not be thread-safe)."""
        if self.threads > 1:
            self.threads = 1
            self.reason += f"; one thread: {why}"

    def data(self, train, test) -> tuple[Delayed, Delayed]:
        """``train`` and ``test`` as graph nodes every task can take as arguments."""
        run_id = uuid.uuid4().hex[:8]
        # traverse=False: a Dataset is a dataclass, which Dask would otherwise rebuild
        return (
            dask.delayed(train, traverse=False, name=f"train-{run_id}"),
            dask.delayed(test, traverse=False, name=f"test-{run_id}"),
        )

    def run(self, tasks: Mapping[Hashable, Delayed], progress=None, finished=None) -> dict:
        """Compute ``tasks``; returns ``{label: TaskOutput}``; ``progress(label)`` and
        ``finished(label, output)`` as each task finishes."""
        # functions, not names such as "threads": a name makes dask import distributed
        # (about 0.5 s) to look for a client
        if self.threads == 1:
            scheduler, options = dask.local.get_sync, {}
        else:
            from dask.threaded import get as threaded_get

            scheduler, options = threaded_get, {"num_workers": self.threads}
        # the environment held for the whole graph: tasks entering and leaving it at
        # once then never set and restore the process-wide part under each other
        with reporting(tasks, progress, finished), task_environment():
            outputs = dask.compute(*tasks.values(), scheduler=scheduler, **options)
        return dict(zip(tasks, outputs, strict=True))


class DaskEngine(_Engine):
    """Computes the graph on a dask.distributed cluster: a new LocalCluster or an existing one.

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
    reason : str, optional
        Why this engine runs (results.json's ``engine.reason``).
    """

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int | None = None,
        processes=True,
        connect_timeout="10s",
        reason: str | None = None,
    ):
        # distributed takes about a second to import: in-process runs never pay for it
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
        self.reason = reason or (
            "asked for (--scheduler)" if scheduler else "asked for (--workers)"
        )

    def describe(self) -> dict:
        n = len(self.client.scheduler_info().get("workers", {}))
        return {"kind": self.kind, "workers": n, "address": self.address, "reason": self.reason}

    def data(self, train, test) -> tuple:
        """``train`` and ``test`` scattered once to every worker (futures the tasks take)."""
        train_f, test_f = self.client.scatter([train, test], broadcast=True, hash=False)
        return train_f, test_f

    def run(
        self,
        tasks: Mapping[Hashable, Delayed],
        progress: Callable[[Hashable], None] | None = None,
        finished=None,
    ) -> dict:
        """Submit every task at once and gather ``{label: TaskOutput}`` as they finish."""
        from distributed import as_completed

        if not tasks:
            return {}
        # optimize_graph=False keeps each task's key and its priority annotation
        futures = self.client.compute(list(tasks.values()), optimize_graph=False)
        labels = {f.key: label for f, label in zip(futures, tasks, strict=True)}
        outputs = {}
        for fut in as_completed(futures):
            outputs[labels[fut.key]] = fut.result()
            if progress:
                progress(labels[fut.key])
            if finished:
                finished(labels[fut.key], outputs[labels[fut.key]])
        return {label: outputs[label] for label in tasks}

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


#: Below this many cores a LocalCluster does not pay for itself: its worker
#: processes compete with this one for the same cores, each imports numpy,
#: scikit-learn and genvsdisc again and receives its own copy of the data.
#: Measured on 2 cores: ``compare digits`` 25.7 s in-process against 32.2 s on the
#: 2-worker LocalCluster, which also burned 2.2x the CPU (benchmarks/RESULTS.md).
AUTO_MIN_CORES = 3

#: Training cells (rows x features) below which the tasks are too short for a
#: cluster's start-up (a few seconds per worker process) to be won back.
AUTO_MIN_CELLS = 1_000_000


def choose_engine(
    cells: int, cores: int, fork_ok: tuple[bool, str] = (True, "")
) -> tuple[str, str]:
    """``("in-process" | "local-processes" | "dask-local", reason)`` for ``cells``
    training cells on ``cores`` cores; ``fork_ok`` is :func:`fork_is_safe`'s answer.

    A rule of thumb (see :data:`AUTO_MIN_CORES`, :data:`AUTO_MIN_CELLS`), not a
    model of the run: ``--workers`` and ``--scheduler`` override it. Forked
    worker processes (:class:`~genvsdisc.engine_processes.ProcessEngine`) are
    the default wherever there are two cores or more: they share no GIL and,
    unlike a LocalCluster's workers, start with this process's imports and data.
    """
    override = "(--workers 0: threads of this process; --workers N: a LocalCluster)"
    if cores < 2:
        return "in-process", f"picked: 1 core(s), nothing to run in parallel {override}"
    if cores >= AUTO_MIN_CORES and cells >= AUTO_MIN_CELLS:
        return "dask-local", (
            f"picked: {cells:,} training cells on {cores} cores (--workers 0 runs in-process)"
        )
    if not fork_ok[0]:
        return "in-process", f"picked: {fork_ok[1]}; threads instead of worker processes {override}"
    size = "are too few for a LocalCluster" if cells < AUTO_MIN_CELLS else "fit one machine"
    return "local-processes", (
        f"picked: {cores} cores; {cells:,} training cells {size}, so {cores} forked "
        f"worker processes share them {override}"
    )


class AutoEngine(_Engine):
    """The default engine: in-process or a LocalCluster, picked when it sees the data.

    :meth:`data` (the first call of a run) applies :func:`choose_engine` to the
    training side and writes the choice as one line on stderr; every other
    call goes to the engine picked.
    """

    def __init__(self, cores: int | None = None, echo: bool = True):
        self.cores = cores or available_cores()
        self.echo = echo
        self.inner = None
        self._serial = None

    def one_thread(self, why: str) -> None:
        if self.inner is None:
            self._serial = why
        else:
            self.inner.one_thread(why)

    def _pick(self, train) -> None:
        cells = int(train.n_samples) * int(train.n_features or 1)
        kind, reason = choose_engine(cells, self.cores, fork_is_safe())
        if kind == "local-processes":
            self.inner = ProcessEngine(self.cores, reason=reason)
        elif kind == "in-process":
            threads = 1 if self._serial else self.cores
            why = f"; one thread: {self._serial}" if self._serial else ""
            self.inner = InProcessEngine(
                reason=f"{reason}; its tasks on {threads} thread(s){why}", threads=threads
            )
        else:
            self.inner = DaskEngine(workers=self.cores, reason=reason)
        if self.echo:
            print(f"genvsdisc: engine: {kind} ({self.inner.reason})", file=sys.stderr)

    @property
    def kind(self) -> str:
        return self.inner.kind if self.inner else "auto"

    def data(self, train, test):
        if self.inner is None:
            self._pick(train)
        return self.inner.data(train, test)

    def describe(self) -> dict:
        if self.inner is None:
            return {"kind": "auto", "workers": None, "address": None, "reason": "not picked yet"}
        return self.inner.describe()

    def run(self, tasks, progress=None, finished=None) -> dict:
        if self.inner is None:
            raise RuntimeError("AutoEngine.run before data(): the engine is picked from the data")
        return self.inner.run(tasks, progress, finished)

    def close(self) -> None:
        if self.inner is not None:
            self.inner.close()


def make_engine(workers: int | None = None, scheduler: str | None = None):
    """The engine for ``--workers`` / ``--scheduler``.

    Parameters
    ----------
    workers : int or None
        0 runs in-process; a positive number starts a LocalCluster with that
        many worker processes; None lets :class:`AutoEngine` pick from the
        data and the cores.
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
    if workers is None:
        return AutoEngine()
    return DaskEngine(workers=workers)
