"""What every experiment's report figure shares: colours, markers, figure and PNG.

Each experiment draws its own figure (``Experiment.figure``) from its typed
result with these helpers. Figures are made with ``matplotlib.figure.Figure`` directly
(not pyplot), so drawing keeps no global state and needs no display.
Generative models are drawn in warm colours with round markers (the
artists), discriminative ones in cool colours with square markers (the
detectives), the same colour per model in every figure.
"""

from __future__ import annotations

import io

from matplotlib.figure import Figure

__all__ = ["Style", "to_png", "new_figure", "CLASS_COLORS"]

WARM = ["#d95f02", "#b2182b", "#e6ab02", "#a6761d", "#e7298a", "#8c510a"]
COOL = ["#1f78b4", "#1b9e77", "#7570b3", "#17becf", "#386cb0", "#01665e"]
CLASS_COLORS = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
]
DPI = 110


class Style:
    """One colour and marker per model, fixed for the whole report."""

    def __init__(self, models: list[dict]):
        self.family = {m["name"]: m["family"] for m in models}
        gen = [m["name"] for m in models if m["family"] == "generative"]
        disc = [m["name"] for m in models if m["family"] != "generative"]
        self.color = {n: WARM[i % len(WARM)] for i, n in enumerate(gen)}
        self.color.update({n: COOL[i % len(COOL)] for i, n in enumerate(disc)})

    def of(self, model: str) -> dict:
        gen = self.family.get(model) == "generative"
        return {"color": self.color.get(model, "#555555"), "marker": "o" if gen else "s"}


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)  # constrained layout already fits the labels
    return buf.getvalue()


def new_figure(w=7.5, h=4.0, ncols=1, nrows=1, **kw):
    """A constrained-layout Figure ``w`` x ``h`` inches and its (nrows, ncols) axes grid."""
    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes
