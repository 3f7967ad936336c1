"""The engine: a Dask graph of tasks; in-process and Dask give the same numbers for the same seeds."""

import threading
import warnings

import pytest

from genvsdisc.data import load, train_test_split
from genvsdisc.engine import (
    AutoEngine,
    DaskEngine,
    InProcessEngine,
    TaskOutput,
    choose_engine,
    execute,
    make_engine,
    task,
)
from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments import Settings, compare


def _add(train, test, *, a, b=0):
    return {"sum": a + b, "rows": train.n_samples}


def _plus(train, test, *, a, prev):
    return {"sum": a + prev["sum"]}


def _echo(train, test, *, prev):
    return {"prev": prev}


def _fail(train, test):
    raise ParameterError("model 'x' refused: a one-line reason")


def _warn(train, test):
    warnings.warn("something odd", UserWarning, stacklevel=2)
    warnings.warn("something odd", UserWarning, stacklevel=2)
    return {}


@pytest.fixture(scope="module")
def split():
    return train_test_split(load("iris"), random_state=0)


def test_execute_records_error_and_warnings(split):
    out = execute(_fail, *split, {})
    assert out.result is None and "one-line reason" in out.error
    assert execute(_warn, *split, {}).warnings == ["UserWarning: something odd"]


def test_execute_passes_a_dependency_result():
    out = execute(_echo, None, None, {"prev": TaskOutput(result={"sum": 1})})
    assert out.result == {"prev": {"sum": 1}} and out.error is None


def test_in_process_dependencies_first(split):
    engine = InProcessEngine()
    train, test = engine.data(*split)
    first = task(_add, train, test, a=2, b=3)
    tasks = {"b": task(_plus, train, test, a=1, prev=first, cost=9), "a": first}
    seen = []
    out = engine.run(tasks, progress=seen.append)
    assert out["a"].result == {"sum": 5, "rows": 105}
    assert out["b"].result == {"sum": 6}
    assert sorted(seen) == ["a", "b"] and list(out) == ["b", "a"]


def test_failed_dependency_gives_none(split):
    engine = InProcessEngine()
    train, test = engine.data(*split)
    failed = task(_fail, train, test)
    out = engine.run({"failed": failed, "after": task(_echo, train, test, prev=failed)})
    assert out["failed"].error and out["after"].result == {"prev": None}


def test_make_engine_bad_arguments():
    with pytest.raises(ParameterError, match="--workers must be 0 .* got -1"):
        make_engine(workers=-1)
    with pytest.raises(
        ParameterError, match="--scheduler must look like tcp://HOST:PORT; got 'localhost'"
    ):
        make_engine(scheduler="localhost")


def test_unreachable_scheduler_one_line():
    with pytest.raises(ParameterError, match="--scheduler tcp://127.0.0.1:9: cannot reach"):
        DaskEngine(scheduler="tcp://127.0.0.1:9", connect_timeout="1s")


def test_local_cluster_same_numbers_as_in_process(without_timings):
    """A real LocalCluster on loopback TCP, reached through its scheduler address."""
    from distributed import LocalCluster

    ds = load("moons", n_samples=120)
    settings = Settings.default(quick=True, seeds=(0, 1), n_sizes=3)
    kw = dict(
        models=["gaussian_nb", "logreg"],
        settings=settings,
        progress=False,
        experiments=["accuracy", "learning_curve", "missing", "unlabeled", "novelty"],
    )
    here = compare(ds, **kw)
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=False,
        protocol="tcp://",
        host="127.0.0.1",
        dashboard_address="127.0.0.1:0",
    ) as cluster:
        with make_engine(scheduler=cluster.scheduler_address) as engine:
            there = compare(ds, engine=engine, **kw)
            assert engine.describe()["workers"] == 2
    assert there["engine"]["kind"] == "dask-scheduler"
    assert without_timings(there["experiments"]) == without_timings(here["experiments"])


def test_choose_engine_forked_workers_unless_one_core_or_a_big_table():
    assert choose_engine(10**9, 2)[0] == "local-processes"
    assert choose_engine(10**9, 1)[0] == "in-process"
    kind, reason = choose_engine(80_000, 16)
    assert kind == "local-processes" and "80,000 training cells" in reason
    assert choose_engine(3_000_000, 16)[0] == "dask-local"
    kind, reason = choose_engine(80_000, 2, (False, "torch is already loaded"))
    assert kind == "in-process" and "torch is already loaded" in reason


@pytest.fixture
def no_fork(monkeypatch):
    """The engine's choice as in a process that cannot fork (torch loaded, macOS)."""
    monkeypatch.setattr("genvsdisc.engine.fork_is_safe", lambda: (False, "cannot fork here"))


def test_default_engine_is_picked_from_the_data_and_says_so(split, capsys, no_fork):
    assert isinstance(make_engine(), AutoEngine)
    with AutoEngine(cores=2) as engine:
        assert engine.describe()["kind"] == "auto"
        train, test = engine.data(*split)
        out = engine.run({"a": task(_add, train, test, a=1)})
        assert out["a"].result == {"sum": 1, "rows": 105}
        described = engine.describe()
    assert described["kind"] == "in-process" and described["reason"].startswith("picked: cannot")
    err = capsys.readouterr().err
    assert "genvsdisc: engine: in-process (picked: cannot fork here" in err
    assert "its tasks on 2 thread(s)" in err


def test_compare_records_why_its_engine_ran():
    ds = load("iris")
    settings = Settings.default(quick=True, seeds=(0,))
    record = compare(
        ds,
        models=["gaussian_nb"],
        experiments=["accuracy"],
        settings=settings,
        progress=False,
        engine=AutoEngine(cores=1, echo=False),
    )
    assert record["engine"]["kind"] == "in-process"
    assert record["engine"]["reason"].startswith("picked: 1 core(s)")


_BARRIER = threading.Barrier(2, timeout=20)


def _warn_as(train, test, *, name):
    """Warns before and after the other task has started: both run at the same time."""
    warnings.warn(f"{name} before", UserWarning, stacklevel=2)
    _BARRIER.wait()
    warnings.warn(f"{name} after", RuntimeWarning, stacklevel=2)
    return {"name": name}


def test_threads_keep_each_tasks_warnings_apart(split):
    engine = InProcessEngine(threads=2)
    data = engine.data(*split)
    _BARRIER.reset()
    with warnings.catch_warnings(record=True) as outside:
        warnings.simplefilter("always")
        out = engine.run({n: task(_warn_as, *data, name=n) for n in ("a", "b")})
    for n in ("a", "b"):
        assert out[n].warnings == [f"UserWarning: {n} before", f"RuntimeWarning: {n} after"]
    assert outside == []  # nothing leaked to the caller's handler
    assert engine.describe()["threads"] == 2
    # the process-wide state is back: a warning after the run reaches the caller again
    with warnings.catch_warnings(record=True) as after:
        warnings.simplefilter("always")
        warnings.warn("later", UserWarning, stacklevel=1)
    assert [str(w.message) for w in after] == ["later"]


def test_threaded_run_same_numbers_as_one_thread(without_timings):
    settings = Settings.default(quick=True, seeds=(0, 1), n_sizes=3)
    kw = dict(
        models=["gaussian_nb", "lda", "gmm", "logreg"],
        settings=settings,
        progress=False,
        experiments=["accuracy", "learning_curve", "missing", "unlabeled", "novelty"],
    )
    serial = compare(load("moons", n_samples=200), engine=InProcessEngine(threads=1), **kw)
    threaded = compare(load("moons", n_samples=200), engine=InProcessEngine(threads=2), **kw)
    assert serial["engine"]["threads"] == 1 and threaded["engine"]["threads"] == 2
    assert without_timings(threaded["experiments"]) == without_timings(serial["experiments"])
    assert threaded["warnings"] == serial["warnings"]


def test_torch_models_run_on_one_thread(no_fork):
    engine = AutoEngine(cores=2, echo=False)
    engine.one_thread("torch")
    engine.data(*train_test_split(load("iris"), random_state=0))
    assert engine.describe()["threads"] == 1 and "one thread: torch" in engine.describe()["reason"]
