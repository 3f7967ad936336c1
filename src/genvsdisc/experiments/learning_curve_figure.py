"""The learning-curve figure: mean accuracy against training size, per model.

Drawn into any Matplotlib Axes, so the report's PNG and the notebook's
:class:`~genvsdisc.displays.LearningCurveDisplay` are the same picture.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.evidence import size_list
from genvsdisc.report.plots import Style, legend_outside, log_axis

__all__ = ["draw_learning_curve"]


def draw_learning_curve(a, result, style: Style) -> None:
    """Every model's curve (mean, band of one std across seeds) on the Axes ``a``."""
    sizes = result.sizes
    for name, c in result.curves.items():
        mean, std = np.asarray(c["mean"], float), np.asarray(c["std"], float)
        st = style.of(name)
        a.plot(sizes, mean, label=f"{name} ({c['family'][:3]}.)", lw=1.8, ms=4, **st)
        a.fill_between(sizes, mean - std, mean + std, color=st["color"], alpha=0.15, lw=0)
    # the sizes where the first pair's curves are within noise (its interval on
    # the gap includes 0) are shaded, each run of them on its own, so a size where
    # the gap is clear stays unshaded; never a single crossing line
    if result.pairs:
        pair = result.pairs[0]
        spans = _noise_spans(sizes, set(pair["range"]["close"]))
        for lo, hi in spans:
            a.axvspan(lo, hi, color="#999999", alpha=0.15, lw=0)
        if spans:
            a.text(
                spans[0][0],
                a.get_ylim()[0],
                f" shaded: {pair['generative']} vs {pair['discriminative']} within noise",
                fontsize=8,
                va="bottom",
            )
    _chance_marks(a, result, style)
    log_axis(a, "x")  # ticks read 10, 100, 1000
    a.set_xlabel("training rows (log scale)")
    a.set_ylabel("test accuracy")
    legend_outside(a, fontsize=8)
    a.grid(alpha=0.3)


def _noise_spans(sizes, close: set) -> list[tuple[float, float]]:
    """``(low, high)`` x-ranges covering each run of consecutive ``sizes`` in ``close``;
    a run reaches halfway (in log scale) to the neighbouring sizes outside it."""
    spans, edges = [], np.sqrt(np.multiply(sizes[:-1], sizes[1:]))  # log midpoints
    for j, n in enumerate(sizes):
        if n not in close:
            continue
        lo = sizes[0] if j == 0 else edges[j - 1]
        hi = sizes[-1] if j == len(sizes) - 1 else edges[j]
        if spans and j > 0 and sizes[j - 1] in close:
            spans[-1] = (spans[-1][0], hi)
        else:
            spans.append((lo, hi))
    return [(float(lo), float(hi)) for lo, hi in spans]


def _chance_marks(a, result, style: Style) -> None:
    """The majority-class rate as a dotted line, and a note at each model's chance
    plateau (the finding says why), so a flat start is explained where it shows."""
    chance = getattr(result, "chance", None) or {}
    if not chance:
        return
    rate = next(iter(chance.values()))["rate"]
    a.axhline(rate, color="#777777", ls=":", lw=1, label=f"majority class ({rate:.0%})")
    for i, (name, c) in enumerate(chance.items()):
        a.annotate(
            f"{name}: at chance with {size_list(c['sizes'])} rows",
            (c["sizes"][0], rate),
            xytext=(4, 14 + 11 * i),  # above the "shaded" note at the bottom
            textcoords="offset points",
            fontsize=8,
            color=style.of(name)["color"],
        )
