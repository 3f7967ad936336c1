"""The "Here" line under each Why box follows the intervals, never a generic claim."""

from __future__ import annotations

import re

import pytest

from genvsdisc.experiments import evidence, registered
from genvsdisc.experiments.accuracy import AccuracyResult
from genvsdisc.experiments.learning_curve import LearningCurveResult
from genvsdisc.report.here import here
from genvsdisc.report.html import render


def _iv(diff, half, n=5):
    return {"diff": diff, "low": diff - half, "high": diff + half, "n": n, "level": 0.95}


def _pair(**extra):
    return {
        "generative": "lda",
        "discriminative": "logreg",
        "boundary": {"lda": "linear", "logreg": "linear"},
        "matched": True,
        **extra,
    }


def _accuracy(iv):
    return AccuracyResult(seed=0, rows=[], best={}, pairs=[_pair(accuracy_diff=iv)])


def test_accuracy_here_is_gated_by_the_interval():
    close = here("accuracy", _accuracy(_iv(0.003, 0.01)))
    assert "neither effect shows beyond noise" in close and "ahead" not in close
    behind = here("accuracy", _accuracy(_iv(-0.05, 0.01)))
    assert "the detective is ahead beyond noise (-5.0 points" in behind
    ahead = here("accuracy", _accuracy(_iv(0.05, 0.01)))
    assert "the artist is ahead beyond noise (+5.0 points" in ahead


@pytest.mark.parametrize(
    ("gaps", "words"),
    [
        ([_iv(0.1, 0.02), _iv(-0.1, 0.02)], "Ng & Jordan's pattern shows"),
        ([_iv(-0.1, 0.02), _iv(-0.1, 0.02)], "logreg is ahead beyond noise at both"),
        ([_iv(0.01, 0.02), _iv(-0.1, 0.02)], "within noise at 10 rows"),
        ([_iv(0.01, 0.02), _iv(0.01, 0.02)], "within noise at 10 and 1000 rows"),
    ],
)
def test_learning_curve_here_follows_the_ends(gaps, words):
    sizes = [10, 1000]
    pair = _pair(gap=gaps, range=evidence.close_range(sizes, gaps))
    result = LearningCurveResult(sizes=sizes, seeds=[0], curves={}, errors={}, pairs=[pair])
    assert words in here("learning_curve", result)


def test_report_why_boxes_make_no_ungated_claim(record_moons):
    for experiment in registered():  # the general text carries no direction
        assert not re.search(r"\b(wins|leads|behind|sharper|usually)\b", experiment.why)
    html = render(record_moons)
    assert html.count("<b>Here.</b>") >= 3
    for box in re.findall(r'<p class="why">(.*?)</p>', html):
        said = box.split("<b>Here.</b>")[-1]
        if "ahead" in said or "does better" in said:
            assert "beyond noise" in said and "interval" in said
