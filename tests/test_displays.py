"""Each report figure as a scikit-learn-style Display: from_comparison, plot(ax), ax_, figure_."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from matplotlib.figure import Figure
from sklearn.datasets import load_digits

import genvsdisc as gd
from genvsdisc.exceptions import ParameterError
from genvsdisc.experiments import get_experiment
from genvsdisc.report import plots
from genvsdisc.report.html import build_figures

SINGLE = ["AccuracyDisplay", "CalibrationDisplay", "LearningCurveDisplay", "NoveltyDisplay"]
PANELS = ["MissingFeaturesDisplay", "UnlabeledDisplay", "SamplesDisplay", "RegionsDisplay"]


@pytest.fixture(scope="module")
def moons():
    return gd.compare("moons", models=["gaussian_nb", "logreg"], quick=True, progress=False)


@pytest.fixture(scope="module")
def digits():
    data = load_digits()
    keep = np.isin(data.target, [0, 1, 7])
    return gd.compare(
        (data.images[keep] / 16.0, data.target[keep]),
        models=["gaussian_nb", "logreg"],
        experiments=["accuracy", "generation"],
        quick=True,
        progress=False,
        name="digits-017",
    )


@pytest.mark.parametrize("name", SINGLE + PANELS)
def test_display_draws_and_keeps_its_axes(moons, name):
    display = getattr(gd, name).from_comparison(moons)
    assert isinstance(display.figure_, Figure)
    assert display.ax_ is display.axes_[0] and display.ax_.figure is display.figure_
    assert display.ax_.has_data()
    assert display.plot() is display  # plot returns the Display, drawn again
    assert display._repr_png_().startswith(b"\x89PNG")


@pytest.mark.parametrize("name", SINGLE + PANELS)
def test_display_draws_on_a_given_axes(moons, name):
    fig = Figure()
    ax = fig.subplots()
    display = getattr(gd, name).from_comparison(moons, ax=ax)
    assert display.ax_ is ax and display.figure_ is fig and ax.has_data()


def test_two_displays_on_one_figure(moons):
    fig = Figure(figsize=(10, 4))
    left, right = fig.subplots(1, 2)
    curve = gd.LearningCurveDisplay.from_comparison(moons, ax=left)
    calib = gd.CalibrationDisplay.from_comparison(moons, ax=right)
    assert curve.figure_ is calib.figure_ is fig
    labels = {line.get_label() for line in left.get_lines()}
    assert {"gaussian_nb (gen.)", "logreg (dis.)"} <= labels


def test_display_is_the_reports_drawing(moons):
    """Without an ax, a Display draws exactly the report's figure (same PNG bytes)."""
    report = build_figures(moons.record)
    curve = gd.LearningCurveDisplay.from_comparison(moons)
    assert plots.to_png(curve.figure_) == report["learning_curve"]
    for name, section in [("MissingFeaturesDisplay", "missing"), ("RegionsDisplay", "regions")]:
        display = getattr(gd, name).from_comparison(moons)
        assert plots.to_png(display.figure_) == report[section]


def test_panels_choose_a_model_and_kind(moons):
    regions = gd.RegionsDisplay.from_comparison(moons, model="gaussian_nb", kind="density")
    assert "contours" in regions.ax_.get_title()
    missing = gd.MissingFeaturesDisplay.from_comparison(moons, model="logreg")
    assert missing.ax_.get_title() == "logreg"
    fig = Figure()
    both = gd.UnlabeledDisplay.from_comparison(moons, ax=list(fig.subplots(1, 2)))
    assert [a.get_title() for a in both.axes_] == ["gaussian_nb", "logreg"]
    with pytest.raises(ParameterError, match="no panel"):
        gd.MissingFeaturesDisplay.from_comparison(moons, model="knn")
    with pytest.raises(ParameterError, match="kind"):
        gd.RegionsDisplay.from_comparison(moons, kind="contours")
    log_px = gd.NoveltyDisplay.from_comparison(moons, what="log_px")
    assert "log p(x)" in log_px.ax_.get_xlabel()


def test_novelty_draws_roc_curves_with_chance_and_intervals(moons):
    display = gd.NoveltyDisplay.from_comparison(moons)
    assert display.what_ == "roc"
    labels = [line.get_label() for line in display.ax_.get_lines()]
    assert labels[0].startswith("chance")
    # gaussian_nb: log p(x) and max softmax; logreg: max softmax; each with AUROC ± half-width
    assert len(labels) == 4 and all(" ± " in lab for lab in labels[1:])
    diagonal = display.ax_.get_lines()[0].get_xydata()
    np.testing.assert_allclose(diagonal, [[0, 0], [1, 1]])
    result = moons.result("novelty")
    one = gd.NoveltyDisplay.from_comparison(moons, ood_set=result.sets[0])
    assert result.sets[0] in one.ax_.get_title()
    with pytest.raises(ParameterError, match="ood_set"):
        gd.NoveltyDisplay.from_comparison(moons, ood_set="nothing")
    with pytest.raises(ParameterError, match="what"):
        gd.NoveltyDisplay.from_comparison(moons, what="pr")


def test_novelty_of_an_old_results_json_falls_back_to_bars(moons, tmp_path):
    record = copy.deepcopy(moons.record)
    section = record["experiments"]["novelty"]
    del section["roc_fpr"]
    for row in section["rows"]:
        del row["roc"]
    moons_old = gd.Comparison(record).save(tmp_path / "old")
    display = gd.NoveltyDisplay.from_comparison(gd.Comparison.load(moons_old))
    assert display.what_ == "auroc" and display.ax_.patches
    assert "no ROC points" in display.ax_.get_title()


def test_samples_of_images_are_a_grid(digits):
    samples = gd.SamplesDisplay.from_comparison(digits)
    assert len(samples.axes_) == 1  # one generative model
    image = samples.ax_.get_images()[0].get_array()
    assert image.shape[0] == 3 * (8 + 1)  # a row of 8-pixel images per class, 1-pixel gaps
    assert plots.to_png(samples.figure_) == build_figures(digits.record)["generation"]
    assert digits.record["dataset"]["image_shape"] == [8, 8]


def test_display_of_an_experiment_that_did_not_run(digits):
    with pytest.raises(ParameterError, match="did not run"):
        gd.LearningCurveDisplay.from_comparison(digits)


def test_displays_are_the_experiments_drawing_functions():
    # the report and the Displays share one drawing path per experiment
    for name in ("accuracy", "learning_curve", "missing", "unlabeled", "novelty", "regions"):
        module = type(get_experiment(name)).__module__
        assert any(n.startswith("draw_") for n in vars(__import__(module, fromlist=["x"])))
