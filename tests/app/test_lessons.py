"""Every lesson's claim holds on its seeded data: the models really do what the lesson says."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from genvsdisc.app import lessons_more
from genvsdisc.app.lessons import LESSONS, check_claim, lesson_figures, lessons_json

BY_KEY = {lesson.key: lesson for lesson in LESSONS}
STEPS = [(lesson.key, k, step) for lesson in LESSONS for k, step in enumerate(lesson.steps)]


def _expected_answer(claim: dict) -> str:
    """The choice the page reveals, read off the claim that was checked."""
    for key in ("ahead", "loses_more", "few_many", "em"):
        if key in claim:
            return claim[key]
    return "sure" if claim.get("novel") else "drawn"


@pytest.mark.parametrize("key,index,step", STEPS, ids=[f"{k}-{i}" for k, i, _ in STEPS])
def test_the_lesson_claim_holds_on_its_data(key, index, step):
    holds, figures = check_claim(step)
    assert holds, f"lesson {key} step {index + 1}: the models say {figures}"
    assert step.answer in [c[0] for c in step.choices]
    expected = _expected_answer(step.claim)
    if expected == "drawn":  # "the artist draws": lesson 1 names the artist, lesson 2 the moons
        assert step.answer in ("artist", "on")
    else:
        assert step.answer == expected


def test_lessons_are_numbered_in_order():
    assert [lesson.title.split(" · ")[0] for lesson in LESSONS] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_few_vs_many_holds_on_other_seeded_pools_too(seed):
    """Lesson 3's claims are about blobs, not about one draw of them: other seeds agree."""
    for step in BY_KEY["few-many"].steps:
        moved = dataclasses.replace(step, setup={**step.setup, "seed": seed})
        holds, figures = check_claim(moved)
        assert holds, f"pool seed {seed}, {step.title}: {figures}"


def test_few_vs_many_is_a_matched_pair_and_the_figures_count_draws():
    from genvsdisc.models.registry import get_spec

    step = BY_KEY["few-many"].steps[0]
    gen, disc = get_spec(step.setup["gen"]), get_spec(step.setup["disc"])
    assert gen.family == "generative" and disc.family == "discriminative"
    _, figures = check_claim(step)
    assert f"over {lessons_more.DRAWS} draws" in figures


def test_a_claim_that_is_false_is_caught():
    """The checks can fail: the opposite claim on the same data does not hold."""
    em_helps = BY_KEY["unlabeled-em"].steps[0]
    assert not check_claim(dataclasses.replace(em_helps, claim={"em": "hurts"}))[0]
    far = BY_KEY["more-than-classify"].steps[1]
    near = {**far.setup, "probe": [0.5, 0.25]}  # inside the moons: not novel
    assert not check_claim(dataclasses.replace(far, setup=near))[0]


def test_the_page_gets_every_step_without_the_claims(client):
    lessons = client.get("/api/lessons").json()
    assert [lesson["key"] for lesson in lessons] == [lesson.key for lesson in LESSONS]
    assert lessons == lessons_json()
    assert all("claim" not in step for lesson in lessons for step in lesson["steps"])


def test_the_page_gets_unlabeled_points_without_their_labels(client):
    for index, step in enumerate(BY_KEY["unlabeled-em"].steps):
        got = client.get(f"/api/lessons/unlabeled-em/{index}/points").json()
        X, shown, truth = lessons_more.lesson_points(step.setup)
        assert got["X"] == X.tolist() and got["y"] == shown.tolist()
        y = np.asarray(got["y"])
        n_classes = len(np.unique(truth))
        assert np.sum(y >= 0) == step.setup["keep"] * n_classes
        assert np.all(y[y >= 0] == truth[y >= 0])  # the kept labels are true, the rest hidden


def test_the_figures_the_page_shows_are_the_checked_ones(client):
    for key, index, step in STEPS:
        if not step.figures:
            continue
        got = client.get(f"/api/lessons/{key}/{index}/figures").json()
        assert got == lesson_figures(key, index) == {"holds": True, "figures": check_claim(step)[1]}


def test_an_unknown_lesson_or_step_is_named(client):
    got = client.get("/api/lessons/nope/0/figures")
    assert got.status_code == 422 and "nope" in got.text and "detective-artist" in got.text
    got = client.get("/api/lessons/few-many/9/points")
    assert got.status_code == 422 and "step 9" in got.text
