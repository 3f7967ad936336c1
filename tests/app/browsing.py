"""Helpers of the browser tests: where Chromium is, how it starts, and waiting on the page."""

from __future__ import annotations

import time
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def wait_js(page, expression: str, timeout: float = 30.0):
    """Poll a JS expression until it is truthy.

    Playwright's ``wait_for_function`` evaluates its predicate with ``eval``,
    which the app's Content-Security-Policy (rightly) forbids; ``evaluate``
    goes through the DevTools protocol and is not affected.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:g} s for: {expression}")
        page.wait_for_timeout(50)
