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


DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_report_readable_in_chromium(report_dir):
    """Figures shown at natural size (so 11 px ticks stay 11 px), family colours from
    plots.py, hover explanations and the glossary; screenshots go to docs/img for the README."""
    from playwright.sync_api import sync_playwright

    from genvsdisc.report.plots import FAMILY_COLORS

    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto((report_dir / "report.html").as_uri())
            scale = page.evaluate(
                "[...document.images].map(i => i.getBoundingClientRect().width / i.naturalWidth)"
            )
            colors = page.evaluate(
                "['gen', 'disc'].map(c => getComputedStyle(document.querySelector('.' + c)).color)"
            )
            hover = page.locator("abbr.term").first
            hover.hover()
            title = hover.get_attribute("title")
            cursor = hover.evaluate("e => getComputedStyle(e).cursor")
            glossary = page.locator("#glossary dt").all_inner_texts()
            # figures and the glossary only: the tables hold timings, which would make
            # every run rewrite the pictures
            for part, name in [
                ("#regions figure", "report_regions.png"),
                ("#accuracy figure", "report_accuracy.png"),
                ("#glossary", "report_glossary.png"),
            ]:
                page.locator(part).screenshot(path=str(DOCS_IMG / name))
        finally:
            browser.close()
    assert scale and min(scale) >= 0.99  # no figure is shrunk to fit the column
    assert colors == [_rgb(FAMILY_COLORS["generative"]), _rgb(FAMILY_COLORS["discriminative"])]
    assert title and len(title.split()) >= 8 and cursor == "help"
    assert {"AUROC", "ECE", "CAS", "Ledoit–Wolf", "memorisation"} <= set(glossary)
    for name in ("report_regions.png", "report_accuracy.png", "report_glossary.png"):
        assert (DOCS_IMG / name).stat().st_size > 10_000
