"""Draw the report's figures on a side thread while the task graph still computes.

:func:`genvsdisc.experiments.compare` hands each experiment's result to a
:class:`FigureDrawer` as soon as that experiment's tasks are done, so one
core draws (and imports matplotlib, on the first figure) while the others
compute; the report then writes the PNGs it was given instead of drawing
them after the graph. A figure is drawn from exactly what the report reads,
the section of ``results.json`` (plain data) turned back into its typed
result, so it is the same PNG as one drawn later from the saved record.

One thread draws, one figure at a time: matplotlib keeps caches (fonts, text
layout) that are not safe to share between threads drawing at once, while
separate ``Figure`` objects on the Agg canvas (:mod:`genvsdisc.report.plots`,
no pyplot) are safe to draw in a thread of their own.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

from genvsdisc import results as results_mod
from genvsdisc.report import plots

__all__ = ["FigureDrawer", "section_png"]


def section_png(experiment, section: dict, models: list[dict], classes: list) -> bytes | None:
    """PNG bytes of ``experiment``'s figure for its results.json ``section``, or None.

    ``models`` and ``classes`` are the record's ``models`` and ``dataset.classes``.
    Each figure gets its own :class:`~.plots.Style`, so a figure's colours do not
    depend on which figures were drawn before it (or in which order).
    """
    result = experiment.result_type.from_dict(section)
    if not result.has_rows():
        return None
    fig = experiment.figure(result, plots.Style(models), classes)
    return None if fig is None else plots.to_png(fig)


class FigureDrawer:
    """One side thread that draws each submitted section's figure in turn.

    Parameters
    ----------
    models : list of dict
        The record's ``models`` (names and families: the colours).
    classes : list
        The record's ``dataset.classes``.
    """

    def __init__(self, models: list[dict], classes: list):
        self._models = results_mod.to_jsonable(models)
        self._classes = results_mod.to_jsonable(list(classes))
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="genvsdisc-figures")
        self._jobs: dict[str, Future] = {}

    def submit(self, experiment, make_section) -> Future:
        """Draw ``experiment``'s figure from ``make_section()`` (its results.json section,
        built on the drawing thread too); the future holds ``(section, png or None)``."""

        def job():
            # the warning state tasks share (genvsdisc.tasks) is held while this thread
            # draws, so the graph's end cannot restore it under this thread's feet
            from genvsdisc.tasks import task_environment

            with task_environment():
                section = results_mod.to_jsonable(make_section())
                return section, section_png(experiment, section, self._models, self._classes)

        self._jobs[experiment.name] = fut = self._pool.submit(job)
        return fut

    def wait(self) -> dict[str, tuple[dict, bytes | None] | BaseException]:
        """Every submitted job's ``(section, png)``, or the exception it raised; the
        thread is shut down."""
        out = {}
        for name, fut in self._jobs.items():
            try:
                out[name] = fut.result()
            except BaseException as err:  # the caller redoes it in the main thread
                out[name] = err
        self._pool.shutdown()
        return out
