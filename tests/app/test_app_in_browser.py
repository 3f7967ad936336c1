"""The pages in real headless Chromium: click, fit, generate, continue, open a report.

Needs Debian's ``chromium`` at /usr/bin/chromium (``scripts/install.sh --test``
installs it); skipped cleanly without it.
"""

from __future__ import annotations

import pytest
from browsing import CHROMIUM, wait_js

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
    ),
]


def _canvas(page, canvas_id: str) -> str:
    return page.eval_on_selector(f"#{canvas_id}", "c => c.toDataURL()")


def _fits(page) -> int:
    return int(page.eval_on_selector("body", "b => Number(b.dataset.fits || 0)"))


def _wait_fit_after(page, count: int) -> None:
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {count}", 30)


def test_playground_click_points_fit_both_plots(page, tmp_path):
    page.goto(page.base + "/")
    _wait_fit_after(page, 0)  # the default toy data set is fitted on load
    page.click("#clear")
    wait_js(page, "document.getElementById('caption').textContent.includes('at least two')")
    blank = {c: _canvas(page, c) for c in ("disc-canvas", "gen-canvas")}
    box = page.locator("#disc-canvas").bounding_box()
    fits = _fits(page)
    for cls, (fx, fy) in ((0, (0.25, 0.3)), (1, (0.75, 0.7))):
        page.click(f".swatch[data-class='{cls}']")
        for k in range(6):  # six points per class: enough to hold some out for testing
            dx, dy = 0.05 * (k % 3), 0.05 * (k // 3)
            page.mouse.click(
                box["x"] + (fx + dx) * box["width"], box["y"] + (fy + dy) * box["height"]
            )
    _wait_fit_after(page, fits)
    wait_js(page, "document.getElementById('status').textContent.startsWith('12 points')")
    for c in ("disc-canvas", "gen-canvas"):
        assert _canvas(page, c) != blank[c], f"{c} did not change after the fit"
    assert page.inner_text("#gen-acc") != "–" and page.inner_text("#disc-acc") != "–"
    assert "artist" in page.inner_text("#caption")
    before = _canvas(page, "gen-canvas")
    page.click("#generate")
    wait_js(page, f"document.getElementById('gen-canvas').toDataURL() !== {before!r}", 30)
    page.click("#disc-generate")
    wait_js(page, "document.getElementById('disc-says').textContent.includes('cannot generate')")
    fits = _fits(page)
    page.check("#hide-x2")
    _wait_fit_after(page, fits)
    assert "x₂ hidden" in page.inner_text("#caption")
    page.screenshot(path=str(tmp_path / "playground.png"), full_page=True)
    assert page.errors == []


def test_playground_bad_request_shows_error_and_keeps_working(page):
    page.goto(page.base + "/")
    _wait_fit_after(page, 0)
    status = page.evaluate(
        "fetch('/api/playground/fit', {method: 'POST', headers: {'content-type': 'application/json'},"
        ' body: \'{"X": [[0, 0]], "y": [0, 1]}\'}).then(r => r.status)'
    )
    assert status == 422
    fits = _fits(page)
    page.select_option("#dataset", "xor")
    _wait_fit_after(page, fits)
    assert page.inner_text("#error") == ""


def test_image_lab_generates_digits(page, tmp_path):
    page.goto(page.base + "/images")
    wait_js(page, "document.querySelectorAll('#model option').length > 0")
    page.eval_on_selector("#per-class", "e => { e.value = '3'; }")
    page.click("#generate")
    wait_js(page, "Number(document.body.dataset.generated || 0) > 0", 60)
    assert page.locator("#grid canvas").count() == 30  # 10 digits x 3
    assert "recognised" in page.inner_text("#summary")
    page.click("#draw")
    wait_js(
        page, "document.getElementById('detective-says').textContent.includes('cannot generate')"
    )
    page.screenshot(path=str(tmp_path / "image_lab.png"), full_page=True)
    assert page.errors == []


def test_text_lab_continues_prompt(page, tmp_path):
    page.goto(page.base + "/text")
    wait_js(page, "document.querySelectorAll('#topic option').length > 0")
    page.select_option("#topic", "sports")
    page.fill("#prompt", "the coach said")
    page.click("#run")
    wait_js(page, "Number(document.body.dataset.continued || 0) > 0", 60)
    assert page.inner_text("#story").startswith("the coach said")
    assert page.locator("#story .generated").inner_text().strip()
    assert "The judge reads" in page.inner_text("#verdict")
    assert page.locator("#bars .bar").count() == 5
    page.screenshot(path=str(tmp_path / "text_lab.png"), full_page=True)
    assert page.errors == []


def test_reports_page_opens_report(page):
    page.goto(page.base + "/reports")
    page.click("text=digits: the detective and the artist")
    page.wait_for_selector("#report-title")
    assert page.url.endswith("/reports/files/digits-20250101-120000/report.html")
    # its figure loaded too (it may still be arriving when the title is there)
    wait_js(page, "(i => i && i.complete && i.naturalWidth > 0)(document.querySelector('img'))")
    page.click("#genvsdisc-back a[href='/reports']")  # and it leads back to the app
    page.wait_for_selector("#rows a")
    assert page.url.endswith("/reports")
    assert page.errors == []
