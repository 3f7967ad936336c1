"""Forked worker processes: the same numbers as one thread, the data never pickled per task.

The runs happen in a fresh interpreter: the test process may already hold torch
(other tests train torch models), and forking such a process is exactly what
:func:`fork_is_safe` refuses.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from genvsdisc.data import load, train_test_split
from genvsdisc.engine_processes import ProcessEngine, SharedData, fork_is_safe, resolve

SAME_NUMBERS = """
import pickle, warnings, sys
from genvsdisc.data import load
from genvsdisc.engine import AutoEngine, InProcessEngine, task
from genvsdisc.engine_processes import ProcessEngine
from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments import Settings, compare

def strip(obj):
    if isinstance(obj, dict):
        return {k: strip(v) for k, v in obj.items() if not k.endswith("_s")}
    if isinstance(obj, list):
        return [strip(v) for v in obj]
    return obj

settings = Settings.default(quick=True, seeds=(0, 1), n_sizes=3)
kw = dict(
    models=["gaussian_nb", "lda", "gmm", "logreg", "knn"],
    settings=settings,
    progress=False,
    experiments=["accuracy", "learning_curve", "missing", "unlabeled", "novelty", "generation"],
)
serial = compare(load("moons", n_samples=200), engine=InProcessEngine(threads=1), **kw)
with ProcessEngine(2, reason="test") as engine:
    forked = compare(load("moons", n_samples=200), engine=engine, **kw)
assert forked["engine"]["kind"] == "local-processes", forked["engine"]
assert strip(forked["experiments"]) == strip(serial["experiments"])
assert forked["warnings"] == serial["warnings"]

# the default engine on two cores forks, and says so
auto = AutoEngine(cores=2, echo=False)
train, test = auto.data(*[load("iris")] * 2)
assert auto.describe()["kind"] == "local-processes", auto.describe()
# a task gets the worker's inherited copy: the token pickles to a few bytes
assert len(pickle.dumps(train)) < 200

def refuse(train, test):
    warnings.warn("odd rows", UserWarning, stacklevel=2)
    raise ParameterError("model 'x' refused: a reason")

def rows(train, test, *, prev):
    return {"rows": train.n_samples, "prev": prev}

out = auto.run({"a": task(refuse, train, test)})
assert out["a"].error == "model 'x' refused: a reason" and out["a"].warnings == ["UserWarning: odd rows"]
first = task(rows, train, test, prev=1)
out = auto.run({"b": task(rows, train, test, prev=first)})
assert out["b"].result == {"rows": 150, "prev": {"rows": 150, "prev": 1}}, out
auto.close()
assert "torch" not in sys.modules
print("ok")
"""


WORKER_DIES = """
import os
from genvsdisc.data import load
from genvsdisc.engine import task
from genvsdisc.engine_processes import ProcessEngine
from genvsdisc.exceptions import GenvsdiscError

def die(train, test):
    os._exit(3)  # as the system's out-of-memory killer would end a worker

engine = ProcessEngine(2, reason="test")
data = engine.data(load("iris"), load("iris"))
try:
    engine.run({"a": task(die, *data)})
except GenvsdiscError as err:
    print("one line:", str(err).splitlines()[0][:40])
"""


def test_a_worker_that_dies_gives_one_line_not_a_traceback():
    out = subprocess.run(
        [sys.executable, "-c", WORKER_DIES], capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("one line: a worker process ended without"), out.stdout


def test_forked_workers_give_the_numbers_of_one_thread():
    out = subprocess.run(
        [sys.executable, "-c", SAME_NUMBERS], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stdout + out.stderr[-3000:]


def test_fork_is_refused_once_torch_is_loaded(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", sys)  # any module object stands for torch here
    ok, why = fork_is_safe()
    assert not ok and "torch" in why


def test_fork_is_refused_while_another_thread_runs(monkeypatch):
    import threading

    monkeypatch.delitem(sys.modules, "torch", raising=False)  # other tests may have loaded it
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ok, why = fork_is_safe()
    finally:
        stop.set()
        other.join()
    assert not ok and "other threads" in why


def test_tokens_resolve_to_the_registered_data_and_go_away_on_close():
    train, test = train_test_split(load("iris"), random_state=0)
    engine = ProcessEngine(2, reason="test")
    a, b = engine.data(train, test)
    assert isinstance(a, SharedData) and resolve(a) is train and resolve(b) is test
    assert resolve(3) == 3
    engine.close()
    with pytest.raises(KeyError):
        resolve(a)


def _torch_threads(train, test):
    from genvsdisc.models.torch._runtime import configure_threads

    return configure_threads()


def test_a_task_trains_torch_on_one_thread_and_a_later_fit_gets_the_cores_back():
    """One torch thread inside a task (a sum over two threads adds in another order, so
    forked workers and threads would differ in the last digits); the cores outside."""
    torch = pytest.importorskip("torch")
    from genvsdisc.engine import InProcessEngine, available_cores, task
    from genvsdisc.models.torch._runtime import configure_threads

    before = torch.get_num_threads()
    engine = InProcessEngine(threads=1)
    data = engine.data(*train_test_split(load("iris"), random_state=0))
    assert engine.run({"t": task(_torch_threads, *data)})["t"].result == 1
    assert torch.get_num_threads() == 1
    assert configure_threads() == available_cores()  # the task's one thread is not kept
    torch.set_num_threads(before)


def test_fork_is_used_on_linux_only(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    ok, why = fork_is_safe()
    assert not ok and "Linux only" in why
