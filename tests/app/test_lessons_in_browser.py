"""Lesson 5 (unlabeled points and EM) walked end to end in headless Chromium: the page sets up
the grey points, asks, reveals, and shows the very figures the lesson's test checks.

Needs /usr/bin/chromium.
"""

from __future__ import annotations

import pytest
from browsing import CHROMIUM, wait_js

from genvsdisc.app.lessons import LESSONS, check_claim

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


def _step(page, n):
    wait_js(page, "document.body.dataset.lessonReady === '1'", 30)
    assert f"step {n} of" in page.inner_text("#lesson-title")


def _reveal(page, choice, n):
    page.click(f"#lesson-choices button[data-choice='{choice}']")
    wait_js(page, f"document.body.dataset.lessonRevealed === '{n}'", 30)


def test_the_em_lesson_end_to_end(page):
    steps = {lesson.key: lesson for lesson in LESSONS}["unlabeled-em"].steps
    page.goto(page.base + "/")
    wait_js(page, "Number(document.body.dataset.fits || 0) > 0")
    page.select_option("#lesson-pick", "unlabeled-em")
    page.click("#lesson-start")
    _step(page, 1)
    # the page holds the grey points without their labels, and fits the artist with them
    assert page.input_value("#gen-model") == "lda" and page.input_value("#dataset") == "blobs"
    wait_js(page, "document.getElementById('status').textContent.includes('(294 unlabeled)')")
    assert page.inner_text("#lesson-figures") == ""  # nothing given away before the guess
    _reveal(page, "helps", 1)
    assert page.inner_text("#lesson-result").startswith("Yes")
    assert (
        page.inner_text("#lesson-figures") == f"On this lesson's data: {check_claim(steps[0])[1]}."
    )
    assert "with EM" in page.inner_text("#lesson-figures")
    page.click("#lesson-next")
    _step(page, 2)
    assert page.input_value("#dataset") == "xor" and page.input_value("#gen-model") == "gmm"
    wait_js(page, "location.hash.includes('lesson=unlabeled-em') && location.hash.includes('ls=1')")
    _reveal(page, "helps", 2)  # the wrong guess: here EM hurts
    assert "the answer is “EM hurts”" in page.inner_text("#lesson-result")
    assert page.get_attribute("#lesson-choices button[data-choice='hurts']", "class") == (
        "secondary right"
    )
    assert (
        page.inner_text("#lesson-figures") == f"On this lesson's data: {check_claim(steps[1])[1]}."
    )
    # the shared link carries the grey points as unlabeled (-1), never their true labels
    url = page.url
    other = page.context.new_page()
    other.goto(url)
    _step(other, 2)
    wait_js(other, "document.getElementById('status').textContent.includes('(294 unlabeled)')")
    other.close()
    assert page.errors == []


def test_the_novelty_step_shows_the_far_point_figures(page):
    step = {lesson.key: lesson for lesson in LESSONS}["more-than-classify"].steps[1]
    page.goto(page.base + "/#data=moons&n=300&noise=0.2&seed=0&lesson=more-than-classify&ls=1")
    _step(page, 2)
    assert page.input_value("#disc-model") == "logreg"
    # the far point is on both pictures before the guess: the pictures reach out to it
    # (inside the plot box) and a dark diamond sits at its pixel
    wait_js(page, "Boolean(document.body.dataset.probeAt)")
    x, y = (int(v) for v in page.evaluate("document.body.dataset.probeAt").split(","))
    width, height = page.evaluate(
        "[document.getElementById('gen-canvas').width, document.getElementById('gen-canvas').height]"
    )
    assert 60 < x < width - 14 and 10 < y < height - 46
    for canvas in ("gen-canvas", "disc-canvas"):
        rgba = page.evaluate(
            f"Array.from(document.getElementById('{canvas}').getContext('2d')"
            f".getImageData({x}, {y}, 1, 1).data)"
        )
        assert rgba[:3] == [0x1F, 0x29, 0x33], (canvas, rgba)
    _reveal(page, "sure", 2)
    shown = page.inner_text("#lesson-figures")
    assert shown == f"On this lesson's data: {check_claim(step)[1]}."
    assert "below every training point" in shown
    page.click("#lesson-exit")
    wait_js(page, "!document.body.dataset.probeAt")
    assert page.errors == []
