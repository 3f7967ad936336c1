"""The experiment protocol and the one registry of experiments, in report order.

An experiment is one module holding one :class:`Experiment` subclass and its
:class:`ExperimentResult` dataclass. The experiment

- plans its tasks (:meth:`Experiment.plan`: delayed engine tasks, or
  :class:`Skip` with the reason it does not apply),
- combines their outputs into its typed result (:meth:`Experiment.combine`),
  which is the experiment's section of ``results.json``,
- and, from that result alone, draws its figure, builds its report table,
  writes its finding and fills its cells of the CLI summary.

The runner, the report and the CLI summary loop over :func:`registered`; adding
an experiment is one module and one :func:`register` call.
"""

from __future__ import annotations

import abc
from collections.abc import Hashable, Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from typing import Any, ClassVar, Self

import dask
from dask.delayed import Delayed

from genvsdisc import engine
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.experiments.common import Settings, make_model

__all__ = [
    "Experiment",
    "ExperimentResult",
    "RunContext",
    "Skip",
    "fix_tuned",
    "fit_model",
    "register",
    "unregister",
    "registered",
    "get_experiment",
]


class Skip(Exception):
    """Raised by an experiment's ``plan`` when it does not apply; the message is the reason."""


def fix_tuned(settings: Settings, fits: Mapping[str, engine.TaskOutput]) -> Settings:
    """``settings`` with the hyper-parameters each fitted model chose by itself fixed.

    Parameters
    ----------
    settings : Settings
    fits : dict ``{model name: TaskOutput}``
        Outputs of the whole-training-side fits (the accuracy experiment's
        tasks); a result's ``tuned`` dict holds what the model chose (C by
        cross-validation, ...). Parameters named in ``settings.model_params``
        keep their value.
    """
    params = {m: dict(p) for m, p in settings.model_params.items()}
    for model, out in fits.items():
        if out.result and out.result.get("tuned"):
            params[model] = {**out.result["tuned"], **params.get(model, {})}
    return replace(settings, model_params=params)


def fit_model(train, test, *, model: str, settings: Settings):
    """``model`` fitted on the whole training side with seed ``settings.seeds[0]``
    (the task behind :meth:`RunContext.fitted`; ``test`` is not used)."""
    return make_model(model, settings.seeds[0], settings).fit(train.X, train.y)


@dataclass(frozen=True)
class RunContext:
    """What every experiment of one run plans and combines from.

    Attributes
    ----------
    train, test : Dataset
        The prepared split.
    models : list of str
        Registry names of the run's models.
    settings : Settings
        The grid. In :meth:`Experiment.combine` it holds the hyper-parameters
        every model chose on the whole training side.
    data : tuple
        The engine's handles of ``train`` and ``test`` that tasks take.
    fits : dict ``{model name: Delayed TaskOutput}``
        The whole-training-side fit of each model (empty when an experiment
        runs alone): :meth:`settings_for` makes a task wait for it.
    shared : dict ``{model name: Delayed}``
        The fits :meth:`fitted` made, one per model, kept across
        :func:`dataclasses.replace` (the runner collects their warnings and times).
    """

    train: Dataset
    test: Dataset
    models: list[str]
    settings: Settings
    data: tuple
    fits: dict[str, Delayed] = field(default_factory=dict)
    shared: dict[str, Delayed] = field(default_factory=dict, compare=False, repr=False)

    def settings_for(self, *models: str | None) -> Settings | Delayed:
        """The settings a task building ``models`` takes: with their self-chosen
        hyper-parameters fixed (a delayed value that waits for their fits only,
        so other models' tasks start at once), or the plain settings when none
        of them was fitted first."""
        fits = {m: self.fits[m] for m in models if m in self.fits}
        if not fits:
            return self.settings
        return dask.delayed(fix_tuned, pure=False)(self.settings, fits)

    def fitted(self, model: str) -> Delayed:
        """One delayed fit of ``model`` on the whole training side (:func:`fit_model`, with
        its self-chosen hyper-parameters fixed), shared by every task that scores that
        same fit: a task passed it as a keyword receives the fitted estimator, or None
        when the fit failed (the task then fits itself and reports the error)."""
        if model not in self.shared:
            self.shared[model] = self.task(
                fit_model, model=model, settings=self.settings_for(model), cost=5
            )
        return self.shared[model]

    def task(self, fn, *, cost: float = 1.0, **kwargs) -> Delayed:
        """``fn(train, test, **kwargs)`` as a delayed task (see :func:`genvsdisc.engine.task`)."""
        return engine.task(fn, *self.data, cost=cost, **kwargs)


@dataclass
class ExperimentResult:
    """Base of every experiment's typed result; subclasses are dataclasses whose
    fields, in order, are the keys of the experiment's section of ``results.json``.

    ``OPTIONAL`` names fields written only when they are not None.
    """

    OPTIONAL: ClassVar[tuple[str, ...]] = ()

    def to_dict(self) -> dict:
        """The result as the plain dict ``results.json`` holds (numpy values allowed)."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: v for k, v in out.items() if not (k in self.OPTIONAL and v is None)}

    @classmethod
    def from_dict(cls, section: Mapping[str, Any]) -> Self:
        """The result read back from its ``results.json`` section.

        Raises
        ------
        DataError
            A key the schema requires is missing (the record is from another version).
        """
        required = [
            f.name for f in fields(cls) if f.default is MISSING and f.default_factory is MISSING
        ]
        lacking = [k for k in required if k not in section]
        if lacking:
            raise DataError(
                f"results.json: a '{cls.__name__}' section lacks {', '.join(lacking)}; "
                "expected the keys of its schema"
            )
        return cls(**{f.name: section[f.name] for f in fields(cls) if f.name in section})

    def has_rows(self) -> bool:
        """Whether any model produced a number (else the table and figure are left out).

        A result whose numbers are not in a ``rows`` field overrides this.
        """
        return bool(getattr(self, "rows", None))

    def footnote(self) -> str | None:
        """A note under the table (None: none)."""
        return None

    def model_errors(self) -> dict[str, str]:
        """``{model: message}`` of the models that failed: the result's ``errors`` field
        where it has one (every experiment that fits models one by one does)."""
        return dict(getattr(self, "errors", None) or {})


class Experiment(abc.ABC):
    """One difference between the detective and the artist, end to end.

    Class attributes
    ----------------
    name : str
        Short name (``--experiments``, results.json key, report anchor).
    title : str
        Section title.
    why : str
        The "why" paragraph of its report section.
    result_type : type of ExperimentResult
        The schema of its results.json section.
    summary_headers : tuple of str
        Its columns in the CLI summary (empty: none).
    """

    name: ClassVar[str]
    title: ClassVar[str]
    why: ClassVar[str]
    result_type: ClassVar[type[ExperimentResult]]
    summary_headers: ClassVar[tuple[str, ...]] = ()

    @abc.abstractmethod
    def plan(self, ctx: RunContext) -> dict[Hashable, Delayed]:
        """Its tasks, ``{key: ctx.task(...)}``; a tuple key is labelled ``name/a/b``.

        Raises :class:`Skip` when the experiment does not apply to this data.
        """

    @abc.abstractmethod
    def combine(
        self, ctx: RunContext, outputs: dict[Hashable, engine.TaskOutput]
    ) -> ExperimentResult:
        """The typed result from ``{key: TaskOutput}`` of the tasks :meth:`plan` returned."""

    @abc.abstractmethod
    def finding(self, result: ExperimentResult, dataset: str) -> str:
        """One plain sentence (or two) on what the result shows for ``dataset``."""

    @abc.abstractmethod
    def table(self, result: ExperimentResult) -> str:
        """The report's HTML table (and notes) of the result."""

    def figure(self, result: ExperimentResult, style, classes: list[str]):
        """A matplotlib Figure of the result, or None (no figure)."""
        return None

    def summary(self, result: ExperimentResult, model: str) -> dict[str, str]:
        """``{header: cell}`` for one model's row of the CLI summary ("-": no number)."""
        return {}

    def task_label(self, key: Hashable) -> str:
        """``accuracy/logreg``, ``learning_curve/logreg/0``: a task's name in the timings."""
        parts = key if isinstance(key, tuple) else (key,)
        return "/".join([self.name, *map(str, parts)])


_REGISTRY: dict[str, Experiment] = {}


def register(experiment: Experiment) -> Experiment:
    """Add ``experiment`` after the ones already registered (report order)."""
    if experiment.name in _REGISTRY:
        raise ParameterError(f"experiment '{experiment.name}' is already registered")
    _REGISTRY[experiment.name] = experiment
    return experiment


def unregister(name: str) -> None:
    """Remove a registered experiment (tests that register their own)."""
    del _REGISTRY[name]


def registered() -> list[Experiment]:
    """Every registered experiment, in report order."""
    return list(_REGISTRY.values())


def get_experiment(name: str) -> Experiment:
    """The registered experiment ``name`` (KeyError when there is none)."""
    return _REGISTRY[name]
