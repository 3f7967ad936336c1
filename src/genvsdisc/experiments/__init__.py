"""The experiments: one module per difference between the detective and the artist.

Each module holds one :class:`~.base.Experiment` (plan, combine into a typed
result, figure, table, finding, summary cell); the built-in ones are
registered here, once, in report order. :func:`run_experiment` runs one of
them; :func:`compare` runs them all and returns the whole results record.

>>> from genvsdisc.data import load, train_test_split
>>> from genvsdisc.experiments import Settings, run_experiment
>>> train, test = train_test_split(load("iris"))
>>> out = run_experiment("accuracy", train, test, ["gaussian_nb", "logreg"])
>>> sorted(out.to_dict())
['best', 'rows', 'seed']
"""

from genvsdisc.experiments.accuracy import Accuracy
from genvsdisc.experiments.base import (
    Experiment,
    ExperimentResult,
    RunContext,
    Skip,
    get_experiment,
    register,
    registered,
    unregister,
)
from genvsdisc.experiments.common import Settings
from genvsdisc.experiments.generation import Generation
from genvsdisc.experiments.learning_curve import LearningCurve
from genvsdisc.experiments.missing import Missing
from genvsdisc.experiments.novelty import Novelty
from genvsdisc.experiments.regions import Regions
from genvsdisc.experiments.runner import (
    DEFAULT_MODELS,
    compare,
    run_experiment,
    select_experiments,
    select_models,
)
from genvsdisc.experiments.unlabeled import Unlabeled

# The built-in experiments, registered once; this order is the report's.
for _experiment in (
    Accuracy(),
    LearningCurve(),
    Missing(),
    Unlabeled(),
    Novelty(),
    Generation(),
    Regions(),
):
    register(_experiment)

__all__ = [
    "DEFAULT_MODELS",
    "Experiment",
    "ExperimentResult",
    "RunContext",
    "Settings",
    "Skip",
    "compare",
    "get_experiment",
    "register",
    "registered",
    "run_experiment",
    "select_experiments",
    "select_models",
    "unregister",
]
