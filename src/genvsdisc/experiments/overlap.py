"""Combine each experiment and draw its figure while the rest of the graph computes.

Without this, every experiment is combined and every report figure drawn
after the last task (about 3.6 s of one core for ``compare digits``, with
matplotlib's import). :class:`CombineAsDone` watches the tasks finish
(the engine's ``finished`` callback) and, as soon as all of one experiment's
tasks and split 0's whole-training-side fits (whose self-chosen
hyper-parameters :func:`~.base.fix_tuned` records) are done, combines that
experiment and draws its figure on a side thread
(:class:`~genvsdisc.report.drawing.FigureDrawer`). The combine is the same
call on the same outputs, in the same order, that :func:`.runner.compare`
would make afterwards, so results.json and the figures do not change.
"""

from __future__ import annotations

from dataclasses import replace

from genvsdisc.experiments.accuracy import Accuracy
from genvsdisc.experiments.base import RunContext, fix_tuned, get_experiment
from genvsdisc.report.drawing import FigureDrawer

__all__ = ["CombineAsDone"]


class CombineAsDone:
    """Collects task outputs as they finish and hands finished experiments to a drawer.

    Parameters
    ----------
    planned : dict ``{experiment: {task key: Delayed}}``
        The run's graph (:func:`.runner._schedule`), accuracy first.
    exp_names : list of str
        The experiments that were asked for (only they are combined here).
    ctx : RunContext
        The context the graph was planned with (its settings before fix_tuned).
    models : list of dict
        The record's ``models``.
    """

    def __init__(self, planned: dict, exp_names, ctx: RunContext, models: list[dict]):
        self._order = {name: list(tasks) for name, tasks in planned.items()}
        self._pending = {n: set(planned[n]) for n in exp_names if n in planned}
        self._first_keys = [k for k in planned.get(Accuracy.name, {}) if isinstance(k, str)]
        self._outputs = {name: {} for name in planned}
        self._ctx, self._fixed = ctx, None
        self._waiting: list[str] = []
        self.drawer = FigureDrawer(models, ctx.train.classes)

    def finished(self, label, output) -> None:
        """The engine's callback: task ``label`` = ``(experiment, key)`` gave ``output``."""
        name, key = label
        self._outputs[name][key] = output
        pending = self._pending.get(name)
        if pending is None:
            return
        pending.discard(key)
        if not pending:
            self._waiting.append(name)
        if self._fixed is None and all(k in self._outputs[Accuracy.name] for k in self._first_keys):
            acc = self._outputs[Accuracy.name]
            first = {k: acc[k] for k in self._first_keys}  # planned order, as compare has it
            self._fixed = replace(self._ctx, settings=fix_tuned(self._ctx.settings, first), fits={})
        if self._fixed is not None:
            for done in self._waiting:
                self._submit(done)
            self._waiting = []

    def _submit(self, name: str) -> None:
        experiment, ctx = get_experiment(name), self._fixed
        mine = {k: self._outputs[name][k] for k in self._order[name]}  # the graph's order

        def section() -> dict:
            result = experiment.combine(ctx, mine)
            return {"status": "ok", "title": experiment.title, **result.to_dict()}

        self.drawer.submit(experiment, section)

    def wait(self) -> dict:
        """``{experiment: (results.json section, PNG bytes or None)}`` of every experiment
        combined here; one whose combine or figure failed is left out (the caller redoes it,
        and so raises its error where it always did)."""
        return {n: v for n, v in self.drawer.wait().items() if not isinstance(v, BaseException)}
