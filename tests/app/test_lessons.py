"""Every lesson's claim holds on its seeded data: the models really do what the lesson says."""

from __future__ import annotations

import pytest

from genvsdisc.app.lessons import LESSONS, check_claim, lessons_json

STEPS = [(lesson.key, k, step) for lesson in LESSONS for k, step in enumerate(lesson.steps)]


@pytest.mark.parametrize("key,index,step", STEPS, ids=[f"{k}-{i}" for k, i, _ in STEPS])
def test_the_lesson_claim_holds_on_its_data(key, index, step):
    holds, figures = check_claim(step)
    assert holds, f"lesson {key} step {index + 1}: the models say {figures}"
    assert step.answer in [c[0] for c in step.choices]
    # the answer the page reveals is the claim that was checked
    claim = step.claim.get("ahead", step.claim.get("loses_more", "artist"))
    assert step.answer == claim


def test_the_page_gets_every_step_without_the_claims(client):
    lessons = client.get("/api/lessons").json()
    assert [lesson["key"] for lesson in lessons] == [lesson.key for lesson in LESSONS]
    assert lessons == lessons_json()
    assert all("claim" not in step for lesson in lessons for step in lesson["steps"])
