"""The playground as a learner uses it, in headless Chromium: watch training, the numbers,
a shared link, the keyboard, the explanations, and every screen size.

One browser for the module, small point sets. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browsing import CHROMIUM, wait_js

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]

SIZES = {"phone": (390, 844), "tablet": (768, 1024), "desktop": (1440, 900)}
PAGES = {"playground": "/", "images": "/images", "text": "/text", "reports": "/reports"}
#: Set to a folder (docs/img) to keep the phone screenshot of the playground for the README.
KEEP = os.environ.get("GENVSDISC_SCREENSHOTS")


def _fits(page) -> int:
    return int(page.evaluate("Number(document.body.dataset.fits || 0)"))


def _open(page, path="/", n=60):
    """The playground on a small moons draw (n points), fitted."""
    page.goto(page.base + path)
    wait_js(page, "Number(document.body.dataset.fits || 0) > 0")
    if path == "/":
        fits = _fits(page)
        page.eval_on_selector("#n-samples", f"e => {{ e.value = '{n}'; }}")
        page.dispatch_event("#n-samples", "change")
        wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")


def _select(page, selector, value):
    fits = _fits(page)
    page.select_option(selector, value)
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")


def _step_is(page, n):
    wait_js(page, f"document.body.dataset.step === '{n}'")


def _canvas(page, cid):
    return page.eval_on_selector(f"#{cid}", "c => c.toDataURL()")


def test_watch_logreg_and_gmm_learn_then_reset_to_the_same_start(page):
    _open(page)
    _select(page, "#disc-model", "logreg")
    assert page.inner_text("#iteration") == "finished fit"
    page.click("#step")
    _step_is(page, 1)
    first = _canvas(page, "disc-canvas")
    page.click("#step")
    _step_is(page, 2)
    assert _canvas(page, "disc-canvas") != first  # the boundary moved with one L-BFGS step
    page.click("#play")
    wait_js(page, "document.getElementById('iteration').textContent.includes('finished')", 30)
    notes = page.inner_text("#train-notes")
    assert "L-BFGS steps, converged" in notes and "EM iterations, converged" in notes
    assert page.get_attribute("#play", "aria-pressed") == "false"
    page.click("#reset")
    _step_is(page, 1)
    assert _canvas(page, "disc-canvas") == first  # the same seeded state as before
    assert page.errors == []


def test_closed_form_models_say_they_are_done_in_one_step(page):
    _open(page)
    _select(page, "#gen-model", "gaussian_nb")
    page.click("#step")
    wait_js(page, "document.getElementById('train-notes').textContent.includes('one step')")
    notes = page.inner_text("#train-notes")
    assert "Naive Bayes is done in one step" in notes and "closed form" in notes
    assert "k-nearest neighbours is done in one step" in notes
    assert page.errors == []


def _click_points(page, cls, fx, fy, count):
    box = page.locator("#disc-canvas").bounding_box()
    page.click(f".swatch[data-class='{cls}']")
    for k in range(count):
        dx, dy = 0.04 * (k % 3), 0.04 * (k // 3)
        page.mouse.click(box["x"] + (fx + dx) * box["width"], box["y"] + (fy + dy) * box["height"])


def test_numbers_stay_while_a_new_class_grows_and_hiding_shows_before_after(page):
    _open(page)
    page.click("#clear")
    wait_js(page, "document.getElementById('caption').textContent.includes('at least two')")
    _click_points(page, 0, 0.25, 0.25, 6)
    _click_points(page, 1, 0.7, 0.7, 6)
    wait_js(page, "document.getElementById('status').textContent.startsWith('12 points ·')")
    fits = _fits(page)
    _click_points(page, 2, 0.7, 0.2, 3)  # a new class with 3 points: too few to hold any out
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")
    wait_js(page, "document.getElementById('status').textContent.startsWith('15 points ·')")
    for role in ("gen", "disc"):
        assert page.inner_text(f"#{role}-acc").endswith("%")
        assert page.inner_text(f"#{role}-train").endswith("%")
    fits = _fits(page)
    page.check("#hide-x2")
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")
    for role in ("gen", "disc"):
        assert "→" in page.inner_text(f"#{role}-acc")
    assert "Hiding x₂ on the held-out points: artist" in page.inner_text("#caption")
    assert "training mean" in page.inner_text("#disc-imputed")
    covers, worst = page.evaluate(
        "[Number(document.body.dataset.labelCovers), Number(document.body.dataset.labelCoversWorst)]"
    )
    assert covers <= worst
    assert page.errors == []


def test_a_copied_link_restores_the_state_and_numbers(page, browser):
    _open(page)
    _select(page, "#dataset", "xor")
    _select(page, "#disc-model", "mlp")
    fits = _fits(page)
    _click_points(page, 1, 0.5, 0.5, 1)
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")
    fits = _fits(page)
    page.check("#hide-x2")
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")
    page.click("#step")
    page.click("#step")
    page.click("#step")
    _step_is(page, 3)
    wait_js(page, "location.hash.includes('step=3')")
    url = page.url

    def snapshot(p):
        return p.evaluate(
            """() => ({
              dataset: document.getElementById('dataset').value,
              gen: document.getElementById('gen-model').value,
              disc: document.getElementById('disc-model').value,
              hide: document.getElementById('hide-x2').checked,
              status: document.getElementById('status').textContent.split(' · ')[0],
              numbers: ['gen-acc', 'disc-acc', 'gen-train', 'disc-train'].map(
                  id => document.getElementById(id).textContent),
              step: document.body.dataset.step,
              caption: document.getElementById('caption').textContent,
            })"""
        )

    before = snapshot(page)
    other = browser.new_context(viewport={"width": 1360, "height": 940}).new_page()
    other.goto(url)
    wait_js(other, "document.body.dataset.step === '3'", 30)
    after = snapshot(other)
    assert after == before
    assert before["dataset"] == "xor" and before["hide"] and before["disc"] == "mlp"
    other.context.close()
    assert page.errors == []


def test_keyboard_adds_points_with_a_visible_cursor(page):
    _open(page)
    count = page.evaluate("document.getElementById('status').textContent.split(' ')[0]")
    canvas = page.locator("#gen-canvas")
    assert "Arrow keys move a cursor" in canvas.get_attribute("aria-label")
    assert canvas.get_attribute("tabindex") == "0"
    canvas.focus()
    page.keyboard.press("2")  # class B
    assert page.get_attribute(".swatch[data-class='1']", "aria-pressed") == "true"
    before = _canvas(page, "gen-canvas")
    page.keyboard.press("ArrowRight")
    assert _canvas(page, "gen-canvas") != before  # the cursor is drawn
    fits = _fits(page)
    page.keyboard.press("Enter")
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")
    assert int(page.inner_text("#status").split(" ")[0]) == int(count) + 1
    assert "added a point" in page.inner_text("#cursor-at")
    outline = page.eval_on_selector(
        "#gen-canvas", "c => getComputedStyle(c, ':focus-visible').outlineStyle"
    )
    assert outline is not None
    assert page.errors == []


def test_every_control_and_term_is_explained_on_hover_and_focus(page):
    _open(page)
    missing = page.evaluate(
        """() => [...document.querySelectorAll('main button, main select, main input, main canvas, .term')]
          .filter(e => !(e.getAttribute('aria-describedby') || '').split(' ').some(
              id => id && document.getElementById(id) && document.getElementById(id).textContent.trim()))
          .map(e => e.id || e.textContent)"""
    )
    assert missing == []
    page.hover("#reset")
    assert "seeded" in page.inner_text("#tip-bubble") and page.is_visible("#tip-bubble")
    page.mouse.move(5, 5)  # onto the header: the bubble goes
    assert page.is_hidden("#tip-bubble")
    page.focus("#hide-x2")
    assert "training mean" in page.inner_text("#tip-bubble") and page.is_visible("#tip-bubble")


@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_fits_every_screen(browser, live_server, size, tmp_path):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for name, path in PAGES.items():
        page.goto(live_server + path)
        if name == "playground":
            wait_js(page, "Number(document.body.dataset.fits || 0) > 0")
        else:
            page.wait_for_load_state("networkidle")
        if name == "images" and size == "phone":  # a full grid of digits, as in use
            wait_js(page, "document.querySelectorAll('#model option').length > 0")
            page.eval_on_selector("#per-class", "e => { e.value = '8'; }")
            page.click("#generate")
            wait_js(page, "Number(document.body.dataset.generated || 0) > 0", 60)
        if name == "text" and size == "phone":
            wait_js(page, "document.querySelectorAll('#topic option').length > 0")
            page.click("#run")
            wait_js(page, "Number(document.body.dataset.continued || 0) > 0", 60)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} at {width} px scrolls sideways ({scroll} px)"
        # every nav link is inside the header and the screen
        nav = page.evaluate(
            """() => { const h = document.querySelector('header.top').getBoundingClientRect();
              return [...document.querySelectorAll('header.top nav a')].map(a => {
                const r = a.getBoundingClientRect();
                return r.right <= innerWidth && r.bottom <= h.bottom && r.top >= h.top; }); }"""
        )
        assert all(nav), f"{name} at {width} px: a nav link overflows"
        shot = Path(os.environ.get("GENVSDISC_SHOTS_ALL", tmp_path)) / f"{name}-{size}.png"
        page.screenshot(path=str(shot), full_page=True)
        if name == "playground" and size == "phone":
            # the detective and the artist side by side on the same points
            d = page.locator("#disc-canvas").bounding_box()
            g = page.locator("#gen-canvas").bounding_box()
            assert abs(d["y"] - g["y"]) < 40 and d["x"] + d["width"] <= g["x"] <= width
            if KEEP:
                Path(KEEP).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(Path(KEEP) / "playground-phone.png"), full_page=True)
    context.close()


def test_the_refusal_names_the_page_model_and_clears_when_the_data_changes(page):
    _open(page)
    page.click("#disc-generate")
    wait_js(page, "document.getElementById('disc-says').textContent.length > 0")
    said = page.inner_text("#disc-says")
    assert said.startswith("“knn is discriminative") and "KNN" not in said
    offered = page.evaluate("[...document.querySelectorAll('#gen-model option')].map(o => o.value)")
    assert said.split("instead: ")[1].rstrip(".”").split(", ") == offered
    _select(page, "#dataset", "circles")
    assert page.inner_text("#disc-says") == ""
    assert page.errors == []


def _lesson_step(page, n):
    wait_js(page, "document.body.dataset.lessonReady === '1'", 30)
    assert f"step {n} of" in page.inner_text("#lesson-title")


def test_lessons_ask_then_show_what_the_page_shows(page):
    _open(page)
    page.select_option("#lesson-pick", "detective-artist")
    page.click("#lesson-start")
    _lesson_step(page, 1)
    assert page.input_value("#gen-model") == "gmm" and page.input_value("#disc-model") == "knn"
    before = _canvas(page, "gen-canvas")
    page.click("#lesson-choices button[data-choice='detective']")  # a wrong guess
    wait_js(page, "document.body.dataset.lessonRevealed === '1'")
    assert "the answer is “The artist”" in page.inner_text("#lesson-result")
    assert (
        page.get_attribute("#lesson-choices button[data-choice='artist']", "class")
        == "secondary right"
    )
    wait_js(page, f"document.getElementById('gen-canvas').toDataURL() !== {before!r}")  # it drew
    page.click("#lesson-next")
    _lesson_step(page, 2)
    page.click("#lesson-choices button[data-choice='tie']")
    wait_js(page, "document.body.dataset.lessonRevealed === '2'")
    assert page.inner_text("#lesson-result").startswith("Yes")
    assert "too close to call" in page.inner_text("#caption")  # the page's own verdict agrees
    page.select_option("#lesson-pick", "flexibility")
    page.click("#lesson-start")
    _lesson_step(page, 1)
    assert "the detective is ahead" in page.inner_text("#caption")
    assert page.input_value("#dataset") == "circles"
    assert page.errors == []


def test_teacher_mode_hides_controls_for_whoever_opens_the_link(page, browser):
    _open(page)
    page.select_option("#lesson-pick", "flexibility")
    page.click("#lesson-start")
    _lesson_step(page, 1)
    page.click("#teacher summary")
    page.check("#teacher input[data-lock='models']")
    page.check("#teacher input[data-lock='data']")
    assert page.is_hidden("[data-group='models']") and page.is_visible("[data-group='points']")
    wait_js(
        page,
        "location.hash.includes('lock=data%2Cmodels') || location.hash.includes('lock=data,models')",
    )
    other = browser.new_context(viewport={"width": 1360, "height": 940}).new_page()
    other.goto(page.url)
    _lesson_step(other, 1)
    assert other.is_hidden("[data-group='models']") and other.is_hidden("[data-group='data']")
    assert other.is_hidden("#teacher") and other.is_visible("[data-group='points']")
    assert other.input_value("#gen-model") == "lda"
    other.context.close()
    assert page.errors == []


def test_the_missing_feature_lesson_hides_x2_and_the_caption_agrees(page):
    page.goto(
        page.base
        + "/#data=moons&n=300&noise=0.2&seed=0&gen=gmm&disc=knn&lesson=missing-feature&ls=0"
    )
    _lesson_step(page, 1)
    assert not page.is_checked("#hide-x2")  # asked before it is shown
    page.click("#lesson-choices button[data-choice='tie']")
    wait_js(page, "document.body.dataset.lessonRevealed === '1'")
    assert page.is_checked("#hide-x2") and page.inner_text("#lesson-result").startswith("Yes")
    assert "Which loses more is too close to call" in page.inner_text("#caption")
    assert "→" in page.inner_text("#gen-acc") and "→" in page.inner_text("#disc-acc")
    assert page.errors == []


def test_unlabeled_points_train_the_artist_by_em(page):
    _open(page, n=40)
    fits = _fits(page)
    _click_points(page, -1, 0.3, 0.4, 9)  # nine unlabeled points
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}")
    wait_js(page, "document.getElementById('status').textContent.includes('(9 unlabeled)')")
    page.click("#step")
    wait_js(page, "document.getElementById('train-notes').textContent.includes('unlabeled')")
    assert "EM iterations over the unlabeled points" in page.inner_text("#train-notes")
    wait_js(page, "location.hash.includes('_-1')")  # they travel in the link, unlabeled
    assert page.errors == []
