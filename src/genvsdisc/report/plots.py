"""What every experiment's report figure shares: colours, sizes, markers, figure and PNG.

Each experiment draws its own figure (``Experiment.figure``) from its typed
result with these helpers. Figures are made with ``matplotlib.figure.Figure`` directly
(not pyplot), so drawing keeps no global state and needs no display.

Colours carry meaning, so each has one home here:

- the two **family colours** (:data:`FAMILY_COLORS`): the artist (generative)
  and the detective (discriminative). The report's stylesheet receives them from
  :func:`family_css`, and the playground's ``style.css`` states the same values
  (a test compares them); the first model of each family is drawn in exactly
  its family colour, the others in darker or lighter shades of the same hue,
  generative ones with round markers, discriminative ones with square markers;
- the **class colours** (:data:`CLASS_COLORS`): hues far from both family
  colours, so a class is never mistaken for a family.

Sizes: the report shows a PNG at its natural size up to :data:`MAX_WIDTH_IN`
inches, and :func:`to_png` raises every tick label and legend to at least
:data:`TICK_PT` points, which at :data:`DPI` is at least 11 pixels.
"""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

from genvsdisc.exceptions import UnknownNameError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# matplotlib itself (about 0.5 s to import) is imported where a figure is made: the
# experiments import this module for Style, and compare draws on a side thread
# (genvsdisc.report.drawing) while its tasks compute, so the import overlaps them

__all__ = [
    "CLASS_COLORS",
    "DPI",
    "FAMILY_COLORS",
    "MAX_WIDTH_IN",
    "TICK_PT",
    "Style",
    "class_legend",
    "family_css",
    "legend_outside",
    "log_axis",
    "new_figure",
    "panel_per_model",
    "to_png",
]

#: The artist and the detective, everywhere: report, playground, README.
FAMILY_COLORS = {"generative": "#8a3ffc", "discriminative": "#0b6e4f"}
# Shades of each family's hue for a second, third... model of that family;
# the first entry is the family colour itself.
GEN_SHADES = ["#8a3ffc", "#4c1d95", "#c084fc", "#6d28d9", "#a78bfa", "#2e1065"]
DISC_SHADES = ["#0b6e4f", "#34a77f", "#064e3b", "#6cc9a5", "#047857", "#022c22"]
#: Class colours: blue, orange, gold, pink, cyan, brown, grey, red, black, pale blue.
#: None is purple or green, the family hues (a test checks the hue distance).
CLASS_COLORS = [
    "#2563eb",
    "#ea580c",
    "#ca8a04",
    "#db2777",
    "#0891b2",
    "#92400e",
    "#6b7280",
    "#dc2626",
    "#111827",
    "#93c5fd",
]
DPI = 110
#: Smallest tick and legend text, in points: 7.5 pt x 110 / 72 = 11.5 px.
TICK_PT = 7.5
#: The report's text column is about 1,020 px wide: wider figures would be scaled down.
MAX_WIDTH_IN = 9.2


def family_css() -> str:
    """CSS custom properties ``--gen`` and ``--disc`` with the family colours."""
    return (
        f":root {{ --gen: {FAMILY_COLORS['generative']}; "
        f"--disc: {FAMILY_COLORS['discriminative']}; }}"
    )


class Style:
    """One colour and marker per model, fixed for the whole report."""

    def __init__(self, models: list[dict]):
        self.family = {m["name"]: m["family"] for m in models}
        gen = [m["name"] for m in models if m["family"] == "generative"]
        disc = [m["name"] for m in models if m["family"] != "generative"]
        self.color = {n: GEN_SHADES[i % len(GEN_SHADES)] for i, n in enumerate(gen)}
        self.color.update({n: DISC_SHADES[i % len(DISC_SHADES)] for i, n in enumerate(disc)})

    def of(self, model: str) -> dict:
        """``color`` and ``marker`` of ``model``; a model outside the report's list (a
        baseline such as hgb in the missing-features plot) gets its family's next shade."""
        if model not in self.color:
            self._add(model)
        gen = self.family.get(model) == "generative"
        return {"color": self.color.get(model, "#555555"), "marker": "o" if gen else "s"}

    def _add(self, model: str) -> None:
        from genvsdisc.models.registry import get_spec

        try:
            family = get_spec(model).family
        except UnknownNameError:  # not a registry name (a made-up model): stays grey
            return
        shades = GEN_SHADES if family == "generative" else DISC_SHADES
        taken = sum(f == family for f in self.family.values())
        self.family[model] = family
        self.color[model] = shades[taken % len(shades)]


def _readable(fig: Figure) -> None:
    """Raise every tick label and legend text below :data:`TICK_PT` to it."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            ticks = axis.get_major_ticks()
            size = float(ticks[0].label1.get_fontsize()) if ticks else TICK_PT
            if size < TICK_PT:
                axis.set_tick_params(which="both", labelsize=TICK_PT)
    for legend in [*(ax.get_legend() for ax in fig.axes), *fig.legends]:
        if legend is None:
            continue
        for text in [*legend.get_texts(), legend.get_title()]:
            if text.get_text() and text.get_fontsize() < TICK_PT:
                text.set_fontsize(TICK_PT)


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes, tick labels and legends at least :data:`TICK_PT` points.

    Drawn once: ``savefig`` with a layout engine draws every artist twice (a
    layout pass without rendering, then the render, which lays out again), so
    here the constrained layout runs once on an Agg canvas at :data:`DPI` and
    the figure is rendered once with the engine switched off (the engine is
    put back afterwards). PNG compression level 1 of 9: the report's figures
    are flat colours and lines, which compress almost as well at a fraction
    of the time.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    _readable(fig)
    canvas = FigureCanvasAgg(fig)  # replaces the figure's canvas (Agg: no display needed)
    fig.dpi = DPI
    engine = fig.get_layout_engine()
    if engine is not None:
        with warnings.catch_warnings():
            # a figure too small for its labels (many classes, long names): matplotlib
            # keeps the plain grid and says so; the figure is still complete
            warnings.filterwarnings(
                "ignore", message="constrained_layout not applied", category=UserWarning
            )
            engine.execute(fig)  # constrained layout fits the labels
        fig.set_layout_engine("none")
    buf = io.BytesIO()
    try:
        canvas.print_png(buf, pil_kwargs={"compress_level": 1})
    finally:
        if engine is not None:
            fig.set_layout_engine(engine)
    return buf.getvalue()


def new_figure(w=7.5, h=4.0, ncols=1, nrows=1, **kw):
    """A constrained-layout Figure ``w`` x ``h`` inches and its (nrows, ncols) axes grid.

    ``w`` is capped at :data:`MAX_WIDTH_IN` so the report never scales a figure down.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(min(w, MAX_WIDTH_IN), h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def _plain(v: float) -> str:
    """10, 100, 1000, 10,000: a thousands separator from five digits on."""
    return f"{v:g}" if v < 1 else f"{v:,.0f}" if v >= 10_000 else f"{v:.0f}"


def log_axis(ax, which: str = "x") -> None:
    """A log axis whose ticks read 10, 100, 1000 as plain numbers (not 10^2).

    When the axis spans less than a factor of 100, the 2s and 5s between the
    powers of ten are labelled too, so a short axis never shows a single label.
    """
    from matplotlib.ticker import FuncFormatter, LogLocator

    axis = ax.xaxis if which == "x" else ax.yaxis
    (ax.set_xscale if which == "x" else ax.set_yscale)("log")
    axis.set_major_locator(LogLocator(base=10, subs=(1.0,)))
    axis.set_major_formatter(FuncFormatter(lambda v, _: _plain(v)))
    axis.set_minor_locator(LogLocator(base=10, subs=(2.0, 5.0)))

    def minor(v, _):
        low, high = sorted(axis.get_view_interval())
        return _plain(v) if low > 0 and high / low < 100 else ""

    axis.set_minor_formatter(FuncFormatter(minor))


def legend_outside(ax, **kw) -> None:
    """The axes' legend to its right, outside the data, so many lines hide nothing."""
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kw)


def class_legend(target, classes: list[str], *, title: str = "class", **kw) -> None:
    """A legend with one coloured dot per class, on an Axes or a whole Figure."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], ls="", marker="o", ms=6, color=CLASS_COLORS[k % len(CLASS_COLORS)])
        for k in range(len(classes))
    ]
    kw.setdefault("fontsize", 8)
    kw.setdefault("title_fontsize", 8)
    target.legend(handles, [str(c) for c in classes], title=title, **kw)


def panel_per_model(models: list[str], style: Style, *, ncols: int = 3, h: float = 3.0):
    """Small multiples: one axes per model (shared y), titled in the model's colour.

    Returns
    -------
    fig : Figure
    axes : dict
        ``{model: Axes}``; unused grid cells are switched off.
    """
    ncols = max(1, min(ncols, len(models)))
    nrows = -(-len(models) // ncols)
    fig, grid = new_figure(
        w=MAX_WIDTH_IN if ncols > 1 else 6.5, h=h * nrows, ncols=ncols, nrows=nrows, sharey=True
    )
    flat = [a for row in grid for a in row]
    for a in flat[len(models) :]:
        a.axis("off")
    axes = dict(zip(models, flat, strict=False))
    for name, a in axes.items():
        a.set_title(name, fontsize=10, color=style.of(name)["color"])
        a.grid(alpha=0.3)
    return fig, axes
