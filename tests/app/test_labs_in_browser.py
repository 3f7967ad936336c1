"""The text lab's next-word bars in headless Chromium: moving the temperature re-draws them."""

from __future__ import annotations

import pytest
from browsing import CHROMIUM, wait_js

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
    ),
]

_WIDTHS = "[...document.querySelectorAll('#next-words .at-t')].map(d => d.style.width)"


def test_text_lab_temperature_redraws_next_word_bars(page, tmp_path):
    page.goto(page.base + "/text")
    wait_js(page, "Number(document.body.dataset.nextWords || 0) > 0", 60)
    assert page.locator("#next-words h3").first.inner_text().startswith("ngram_lm")
    assert page.locator("#next-words .bar").count() == 11  # ten words and all the others
    before = page.evaluate(_WIDTHS)
    drawn = int(page.evaluate("Number(document.body.dataset.nextWords)"))
    page.fill("#temperature", "2")  # fires input, like dragging the slider
    wait_js(page, f"Number(document.body.dataset.nextWords) > {drawn}", 30)
    after = page.evaluate(_WIDTHS)
    # a hotter temperature flattens: the most probable word's bar shrinks
    assert float(after[0].rstrip("%")) < float(before[0].rstrip("%"))
    assert float(after[-1].rstrip("%")) > float(before[-1].rstrip("%"))  # to the other words
    assert "temperature 2" in page.locator("#next-words h3").first.inner_text()
    assert "ngram_lm: trained" in page.inner_text("#next-artists")
    page.screenshot(path=str(tmp_path / "text_lab_next_words.png"), full_page=True)
    assert page.errors == []
