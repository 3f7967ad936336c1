"""The experiments: one module per difference between the detective and the artist.

Each module has ``NAME``, ``TITLE``, ``plan(train, test, models, settings)``
(a list of engine tasks, or :class:`~.common.Skip` with the reason it does
not apply) and ``combine(train, test, models, settings, outputs)`` (plain
data for ``results.json``). :func:`run_experiment` runs one of them;
:func:`compare` runs them all and returns the whole results record.

>>> from genvsdisc.data import load, train_test_split
>>> from genvsdisc.experiments import Settings, run_experiment
>>> train, test = train_test_split(load("iris"))
>>> out = run_experiment("accuracy", train, test, ["gaussian_nb", "logreg"])
>>> sorted(out)[:3]
['best', 'rows', 'seed']
"""

from genvsdisc.experiments.common import Settings, Skip, Task
from genvsdisc.experiments.runner import (
    DEFAULT_MODELS,
    EXPERIMENTS,
    compare,
    run_experiment,
    select_experiments,
    select_models,
)

__all__ = [
    "EXPERIMENTS",
    "DEFAULT_MODELS",
    "Settings",
    "Skip",
    "Task",
    "compare",
    "run_experiment",
    "select_experiments",
    "select_models",
]
