"""axe-core on every page of the app: no serious or critical accessibility violation.

axe-core is npm's ``axe-core`` package; the test injects it into the page itself
(the app never serves it). Install it with ``npm install --no-save axe-core``
at the repository root, or point ``AXE_CORE_JS`` at its ``axe.min.js``; the
test is skipped without it. Needs /usr/bin/chromium.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browsing import CHROMIUM, wait_js

ROOT = Path(__file__).resolve().parents[2]
AXE = Path(os.environ.get("AXE_CORE_JS", ROOT / "node_modules" / "axe-core" / "axe.min.js"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
    pytest.mark.skipif(not AXE.exists(), reason="needs axe-core (npm install --no-save axe-core)"),
]

PAGES = {
    "playground": "/",
    # a lesson open, x2 hidden, the teacher switches shown
    "lesson": "/#data=circles&n=100&noise=0.1&seed=0&gen=lda&disc=mlp&hide=x2&lesson=flexibility&ls=0",
    "images": "/images",
    "text": "/text",
    "sound": "/sound",
    "reports": "/reports",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_or_critical_violation(browser, live_server, name):
    if name == "sound" and shutil.which("espeak-ng") is None:
        pytest.skip("the sound lab's data (spoken_words) needs espeak-ng")
    # the test, not the app, brings axe: the page's own policy forbids foreign scripts
    context = browser.new_context(viewport={"width": 1360, "height": 940}, bypass_csp=True)
    page = context.new_page()
    page.goto(live_server + PAGES[name])
    if name == "lesson":
        wait_js(page, "document.body.dataset.lessonReady === '1'")
        page.click("#teacher summary")
    if name == "sound":  # its clips come once the models are trained
        wait_js(page, "Number(document.body.dataset.clips || 0) > 0", 180)
    elif name in ("playground", "lesson"):
        wait_js(page, "Number(document.body.dataset.fits || 0) > 0")
        page.focus("#disc-canvas")  # the tooltip bubble and the cursor are on the page too
    else:
        page.wait_for_load_state("networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    context.close()
    assert bad == [], "\n".join(bad)
