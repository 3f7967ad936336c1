"""Each report figure as a Display, in scikit-learn's convention.

``XxxDisplay.from_comparison(cmp)`` draws the figure of one experiment of a
:class:`~genvsdisc.comparison.Comparison`; ``.plot(ax=None)`` draws it again
(on a given matplotlib Axes, e.g. one of your own ``plt.subplots``) and returns
the Display, with ``.ax_`` (the Axes) and ``.figure_`` (its Figure), so a figure
can be restyled, put in a paper or placed beside another::

    fig, (left, right) = plt.subplots(1, 2)
    gd.LearningCurveDisplay.from_comparison(cmp, ax=left)
    gd.CalibrationDisplay.from_comparison(cmp, ax=right)

The drawing is the experiments' own (their ``draw_*`` functions), so a Display
shows exactly what the report shows. Figures made without an ``ax`` are plain
``matplotlib.figure.Figure`` objects (no pyplot state); a Display shows its
figure when it is the last value of a notebook cell.

Experiments drawn one panel per model (missing features, unlabeled data, generated
samples, 2-D regions) take ``ax=None`` (the report's grid of panels, all in
``.axes_``), one Axes (one model: ``model=``, default the first) or a list of Axes
(one model each, in order).
"""

from __future__ import annotations

import base64
import io
from typing import ClassVar

from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments import (
    accuracy,
    generation_report,
    get_experiment,
    learning_curve,
    missing,
    novelty,
    regions,
    unlabeled,
)
from genvsdisc.report.plots import Style, new_figure

__all__ = [
    "AccuracyDisplay",
    "CalibrationDisplay",
    "LearningCurveDisplay",
    "MissingFeaturesDisplay",
    "NoveltyDisplay",
    "RegionsDisplay",
    "SamplesDisplay",
    "UnlabeledDisplay",
]


class _Display:
    """A figure of one experiment's result; subclasses say which and how to draw it.

    Attributes
    ----------
    result : ExperimentResult
        The experiment's typed result (every number drawn).
    style : Style
        One colour and marker per model, as in the report.
    classes : list of str
    ax_ : matplotlib Axes
        The (first) Axes drawn on, after :meth:`plot`.
    axes_ : list of Axes
        Every Axes drawn on.
    figure_ : matplotlib Figure
    """

    experiment: ClassVar[str]
    size: ClassVar[tuple[float, float]] = (6.5, 4.0)

    def __init__(self, result, *, style: Style, classes: list[str]):
        self.result = result
        self.style = style
        self.classes = list(classes)

    @classmethod
    def from_comparison(cls, comparison, *, ax=None, **kwargs):
        """The Display of ``comparison``'s experiment, plotted (on ``ax`` when given).

        Raises
        ------
        ParameterError
            The experiment did not run in that comparison (the reason is given).
        """
        record = comparison.record
        display = cls(
            comparison.result(cls.experiment),
            style=Style(record["models"]),
            classes=record["dataset"]["classes"],
        )
        return display.plot(ax=ax, **kwargs)

    def plot(self, ax=None):
        """Draw on ``ax`` (default: a new Figure); returns the Display."""
        if ax is None:
            _, grid = new_figure(*self.size)
            ax = grid[0][0]
        self._draw(ax)
        return self._done([ax])

    def _draw(self, ax) -> None:
        raise NotImplementedError

    def _done(self, axes):
        self.axes_ = list(axes)
        self.ax_ = self.axes_[0]
        self.figure_ = self.ax_.figure
        return self

    def _repr_png_(self):
        # A figure pyplot manages is shown by the notebook already; others are shown here.
        fig = getattr(self, "figure_", None)
        if fig is None or getattr(fig.canvas, "manager", None) is not None:
            return None
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=100)
        return buf.getvalue()


class AccuracyDisplay(_Display):
    """Test accuracy per model, bars from 0 (the accuracy section's left panel)."""

    experiment = "accuracy"

    def _draw(self, ax):
        accuracy.draw_accuracy(ax, self.result.scored(), self.style)


class CalibrationDisplay(_Display):
    """The reliability diagram: accuracy against confidence, per model (calibration)."""

    experiment = "accuracy"
    size = (5.5, 4.4)

    def _draw(self, ax):
        accuracy.draw_reliability(ax, self.result.scored(), self.style)


class LearningCurveDisplay(_Display):
    """Test accuracy against training size, one curve per model with its band."""

    experiment = "learning_curve"
    size = (7.5, 4.0)  # the report's

    def _draw(self, ax):
        learning_curve.draw_learning_curve(ax, self.result, self.style)


class NoveltyDisplay(_Display):
    """ROC curves of each model's novelty scores against the chance diagonal, AUROC ± its
    95 % half-width in the legend (``what="roc"``: averaged over the out-of-distribution
    sets, or one set with ``ood_set=``); AUROC bars per set (``what="auroc"``); or the
    histogram of a score under the best artist (``what="log_px"`` or ``"typicality"``).

    A results.json written before ROC points were kept draws the bars instead and
    says so in the title; ``what_`` is what was drawn.
    """

    experiment = "novelty"
    size = (8.0, 4.6)
    WHAT = ("roc", "auroc", "log_px", "typicality")

    def plot(self, ax=None, *, what: str = "roc", ood_set: str | None = None):
        if what not in self.WHAT:
            raise ParameterError(f"what: expected one of {', '.join(self.WHAT)}; got {what!r}")
        if ood_set is not None and ood_set not in self.result.sets:
            raise ParameterError(
                f"ood_set: expected one of {', '.join(self.result.sets)}; got {ood_set!r}"
            )
        self.what_ = "auroc" if what == "roc" and not novelty.has_roc(self.result) else what
        self.ood_set = ood_set
        return super().plot(ax)

    def _draw(self, ax):
        if self.what_ == "roc":
            novelty.draw_roc(ax, self.result, self.style, self.ood_set)
        elif self.what_ == "auroc":
            novelty.draw_auroc(ax, self.result, self.style)
            if not novelty.has_roc(self.result):
                ax.set_title("AUROC per set (this results.json holds no ROC points)", fontsize=9)
        else:
            novelty.draw_scores(ax, self.result, self.what_)


class _PanelDisplay(_Display):
    """A figure with one panel per model: the report's grid, or panels on given Axes."""

    def panels(self) -> list[str]:
        """The models drawn, one panel each."""
        return list(dict.fromkeys(r["model"] for r in self.result.rows))

    def plot(self, ax=None, *, model: str | None = None):
        """Draw the report's grid (``ax=None``), one model on one Axes (``model``, default
        the first), or one model per Axes of a list; returns the Display."""
        panels = self.panels()
        if not panels:
            raise ParameterError(f"{type(self).__name__}: the result has nothing to draw")
        if ax is None and model is None:
            fig = get_experiment(self.experiment).figure(self.result, self.style, self.classes)
            return self._done([a for a in fig.axes if a.axison])  # unused grid cells are off
        if ax is None:
            _, grid = new_figure(*self.size)
            ax = grid[0][0]
        if model is not None and model not in panels:
            raise ParameterError(f"model: {model!r} has no panel here; panels: {', '.join(panels)}")
        axes = (
            list(ax.flat) if hasattr(ax, "flat") else ax if isinstance(ax, list | tuple) else [ax]
        )
        chosen = [model] if model is not None else panels[: len(axes)]
        for a, key in zip(axes, chosen, strict=False):
            self._draw_panel(a, key)
        return self._done(axes[: len(chosen)])

    def _draw_panel(self, ax, key) -> None:
        raise NotImplementedError


class MissingFeaturesDisplay(_PanelDisplay):
    """Accuracy against the share of features removed, a line per way of filling the gaps."""

    experiment = "missing"

    def _draw_panel(self, ax, key):
        missing.draw_missing(ax, self.result, key, self.style)
        ax.set_title(key, fontsize=10, color=self.style.of(key)["color"])


class UnlabeledDisplay(_PanelDisplay):
    """Accuracy against labeled rows per class, a line per use of the unlabeled rows."""

    experiment = "unlabeled"

    def _draw_panel(self, ax, key):
        unlabeled.draw_unlabeled(ax, self.result, key, self.style)
        ax.set_title(key, fontsize=10, color=self.style.of(key)["color"])


class SamplesDisplay(_PanelDisplay):
    """Each generative model's samples: an image grid (images), a scatter (2-D data), or
    for sound log-mel spectrograms with players (``players()``; in Jupyter the Display
    shows both)."""

    experiment = "generation"

    def _audio(self) -> bool:
        return getattr(self.result, "modality", None) == "audio"

    def panels(self):
        audio = self._audio()
        if not (audio or self.result.image_shape or generation_report._is_2d(self.result)):
            return []  # other data: the samples are a table in the report, not a figure
        return [r["model"] for r in self.result.rows if "shown" in r]

    def players(self) -> str:
        """HTML ``<audio>`` players of the played clips (base64 WAV, no network): the
        real clips through the same inversion, then each artist's; "" for other data."""
        return generation_report.audio_players(self.result) if self._audio() else ""

    def _repr_html_(self):
        # sound: the spectrograms and the players together; other data: PNG only
        if not self._audio() or getattr(self, "figure_", None) is None:
            return None
        png = base64.b64encode(self._repr_png_() or b"").decode()
        img = f'<img alt="spectrograms" src="data:image/png;base64,{png}">' if png else ""
        return img + self.players()

    def _draw_panel(self, ax, key):
        row = next(r for r in self.result.rows if r["model"] == key)
        if self._audio():
            generation_report.draw_clip(ax, self.result, row, self.style)
        elif self.result.image_shape:
            generation_report.draw_mosaic(ax, self.result, row, self.style, self.classes)
        else:
            generation_report.draw_scatter(ax, self.result, row, self.style)
            ax.set_title(key, fontsize=10, color=self.style.of(key)["color"])


class RegionsDisplay(_PanelDisplay):
    """2-D data: each model's decision regions, and beside them each artist's class
    densities with its samples (``kind="density"``)."""

    experiment = "regions"

    def plot(self, ax=None, *, model: str | None = None, kind: str = "regions"):
        if kind not in ("regions", "density"):
            raise ParameterError(f"kind: expected 'regions' or 'density'; got {kind!r}")
        self.kind = kind
        return super().plot(ax, model=model)

    def panels(self):
        if getattr(self, "kind", "regions") == "density":
            return [r["model"] for r in self.result.rows if "log_density" in r]
        return [r["model"] for r in self.result.rows]

    def _draw_panel(self, ax, key):
        row = next(r for r in self.result.rows if r["model"] == key)
        regions.draw_region(ax, self.result, row, self.kind, self.style, self.classes)
