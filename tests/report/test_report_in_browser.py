"""The report in a real headless Chromium: it renders, every plot loads, nothing is fetched."""

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


def test_report_renders_in_chromium(report_dir, tmp_path):
    from playwright.sync_api import sync_playwright

    requests, errors = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.on("request", lambda r: requests.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.goto((report_dir / "report.html").as_uri())
            assert page.title() == "genvsdisc report: moons"
            n_img = page.evaluate("document.images.length")
            loaded = page.evaluate(
                "[...document.images].every(i => i.complete && i.naturalWidth > 200)"
            )
            sections = page.locator("section h2").all_inner_texts()
            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=False)
        finally:
            browser.close()
    assert n_img >= 6 and loaded
    assert any("Learning" in s or "learning" in s for s in sections)
    assert "Recommendation for this data" in sections
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []
    assert errors == []
    assert shot.stat().st_size > 20_000
