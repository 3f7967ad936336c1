"""Report figures are readable: sizes, colours, axes, legends, counts and plain log ticks."""

from __future__ import annotations

import colorsys
import copy
import re
from importlib import resources

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.text import Text

from genvsdisc.experiments import get_experiment
from genvsdisc.report import plots, render
from genvsdisc.report.html import build_figures

PX_PER_PT = plots.DPI / 72


def _figure(record, name, section=None):
    experiment = get_experiment(name)
    result = experiment.result_type.from_dict(section or record["experiments"][name])
    fig = experiment.figure(result, plots.Style(record["models"]), record["dataset"]["classes"])
    plots.to_png(fig)  # applies the minimum sizes and draws the figure
    return fig


def _texts(fig):
    for ax in fig.axes:
        yield from (t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text())
        if ax.get_legend():
            yield from ax.get_legend().get_texts()
    for legend in fig.legends:
        yield from legend.get_texts()


def _hue(color):
    h, _, s = colorsys.rgb_to_hls(*to_rgb(color))
    return h, s


@pytest.mark.parametrize(
    "name", ["accuracy", "learning_curve", "missing", "unlabeled", "novelty", "regions"]
)
def test_figure_ticks_and_legends_at_least_11_px(record_moons, name):
    fig = _figure(record_moons, name)
    sizes = [t.get_fontsize() * PX_PER_PT for t in _texts(fig)]
    assert sizes and min(sizes) >= 11
    assert fig.get_size_inches()[0] <= plots.MAX_WIDTH_IN  # shown unscaled in the report


def test_regions_panels_large_with_axis_labels_and_class_legend(record_moons):
    fig = _figure(record_moons, "regions")
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 3  # gaussian_nb and logreg regions, gaussian_nb density
    for ax in panels:
        width_px = ax.get_position().width * fig.get_size_inches()[0] * plots.DPI
        assert width_px >= 380
        assert ax.get_xlabel() and ax.get_ylabel()
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == record_moons["dataset"]["classes"]


def test_class_colours_never_look_like_family_colours():
    families = [_hue(c) for c in plots.FAMILY_COLORS.values()]
    shades = set(plots.GEN_SHADES) | set(plots.DISC_SHADES)
    assert not shades & set(plots.CLASS_COLORS)
    for color in plots.CLASS_COLORS:
        hue, sat = _hue(color)
        for fam_hue, _ in families:
            distance = min(abs(hue - fam_hue), 1 - abs(hue - fam_hue))
            assert sat < 0.2 or distance > 0.05, color  # greys carry no hue
    assert plots.GEN_SHADES[0] == plots.FAMILY_COLORS["generative"]
    assert plots.DISC_SHADES[0] == plots.FAMILY_COLORS["discriminative"]


def test_family_colours_same_in_report_and_playground(record_moons):
    css = resources.files("genvsdisc.app").joinpath("static/style.css").read_text("utf-8")
    app = dict(re.findall(r"--(artist|detective):\s*(#[0-9a-fA-F]{6})", css))
    assert app == {
        "artist": plots.FAMILY_COLORS["generative"],
        "detective": plots.FAMILY_COLORS["discriminative"],
    }
    html = render(record_moons, figures={})
    assert plots.family_css() in html
    # the report's stylesheet sets no family colour of its own
    sheet = resources.files("genvsdisc.report").joinpath("templates/report.css").read_text()
    assert not re.search(r"--(gen|disc)\s*:", sheet)
    style = plots.Style(record_moons["models"])
    assert style.of("gaussian_nb")["color"] == plots.FAMILY_COLORS["generative"]
    assert style.of("logreg")["color"] == plots.FAMILY_COLORS["discriminative"]


def test_accuracy_bars_start_at_zero_and_reliability_shows_counts(record_moons):
    fig = _figure(record_moons, "accuracy")
    bars, reliability = fig.axes[:2]
    assert bars.get_xlim()[0] == 0
    counts = [t for t in reliability.texts if isinstance(t, Text) and t.get_text().isdigit()]
    section = record_moons["experiments"]["accuracy"]
    expected = sorted(
        str(n)
        for r in section["rows"]
        for n in r["reliability"]["count"]
        if n  # non-empty
    )
    assert sorted(t.get_text() for t in counts) == expected
    plotted = sum(len(line.get_xdata()) for line in reliability.lines[1:])
    assert plotted == len(expected)  # empty bins are not drawn


def test_log_ticks_read_plain_numbers(record_moons):
    section = copy.deepcopy(record_moons["experiments"]["learning_curve"])
    section["sizes"] = [10, 40, 160, 640, 2560]
    for c in section["curves"].values():
        for key in ("mean", "std"):
            c[key] = list(np.resize(c[key], 5))
    fig = _figure(record_moons, "learning_curve", section)
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels() if t.get_text()]
    assert {"10", "100", "1000"} <= set(labels)
    assert not any("^" in label or "$" in label for label in labels)


def _eight_lines(record, name, key):
    """The section's rows repeated for 4 models with 2 lines each: 8 lines in all."""
    section = copy.deepcopy(record["experiments"][name])
    base = [r for r in section["rows"] if r["model"] == "logreg"][:2]
    assert len(base) == 2
    models = [f"model_{i}" for i in range(4)]
    section["rows"] = [{**r, "model": m, "label": f"{m} {r[key]}"} for m in models for r in base]
    record = {**record, "models": [{"name": m, "family": "discriminative"} for m in models]}
    return _figure(record, name, section)


@pytest.mark.parametrize(("name", "key"), [("missing", "method"), ("unlabeled", "variant")])
def test_eight_lines_become_small_multiples(record_moons, name, key):
    fig = _eight_lines(record_moons, name, key)
    panels = [ax for ax in fig.axes if ax.axison]
    assert len(panels) == 4
    for ax in panels:
        assert len(ax.get_lines()) == 2 and ax.get_legend() is not None
        assert ax.get_title().startswith("model_")


def test_two_d_generation_is_a_scatter_not_a_table(record_moons):
    fig = _figure(record_moons, "generation")
    assert fig is not None
    (ax,) = [ax for ax in fig.axes if ax.axison]
    shown = record_moons["experiments"]["generation"]["rows"][0]["shown"]
    assert len(ax.collections[0].get_offsets()) == len(shown["y"])
    assert ax.get_xlabel() == "x0" and ax.get_ylabel() == "x1"
    html = render(record_moons, figures={})
    generation = html.split('<section id="generation">')[1].split("</section>")[0]
    assert "Rows drawn by" not in generation and "<h4>" not in generation


def test_figures_deterministic(record_moons):
    assert build_figures(record_moons) == build_figures(record_moons)


@pytest.mark.parametrize(
    ("span", "expected"), [((3, 3000), {"10", "100", "1000"}), ((15, 90), {"20", "50"})]
)
def test_log_axis_labels_plain_numbers_on_long_and_short_axes(span, expected):
    fig, ax = plots.new_figure()
    a = ax[0][0]
    a.plot(span, [0, 1])
    plots.log_axis(a, "x")
    plots.to_png(fig)
    labels = {t.get_text() for t in a.get_xticklabels(minor=False) + a.get_xticklabels(minor=True)}
    assert expected <= labels
    assert not any("$" in label for label in labels)
