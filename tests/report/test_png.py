"""to_png draws a figure once and gives the pixels matplotlib's savefig gives."""

from __future__ import annotations

import io

import numpy as np
from matplotlib.image import imread

from genvsdisc.report import plots


def _figure():
    fig, axes = plots.new_figure(6.0, 3.0, ncols=2)
    for i, ax in enumerate(axes[0]):
        ax.plot([1, 10, 100], [0.2, 0.5 + i / 10, 0.9], marker="o", label=f"model {i}")
        ax.set_xlabel("training examples (a long label the layout must make room for)")
        ax.set_ylabel("accuracy")
        plots.log_axis(ax)
        ax.legend(title="models")
    fig.suptitle("Two panels")
    return fig


def _pixels(png: bytes) -> np.ndarray:
    return imread(io.BytesIO(png), format="png")


def test_same_pixels_as_savefig_with_its_two_layout_passes():
    fig = _figure()
    plots._readable(fig)  # what to_png applies first
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=plots.DPI)  # lays out, then lays out again and renders
    mine = plots.to_png(_figure())
    assert np.array_equal(_pixels(mine), _pixels(buf.getvalue()))


def test_the_layout_engine_is_put_back():
    fig = _figure()
    engine = fig.get_layout_engine()
    assert _pixels(plots.to_png(fig)).shape == (330, 660, 4)  # 6 x 3 inches at 110 DPI
    assert fig.get_layout_engine() is engine  # switched off for the one render only
