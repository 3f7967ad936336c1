"""Take the README's screenshots of the app (not a test; run by hand).

Starts ``genvsdisc serve``'s app with its default labs on a free loopback
port, drives headless Chromium through each page, and writes
docs/img/playground.png, image_lab.png, text_lab.png (and reports.png).

    .venv/bin/python tests/app/screenshots.py [--out docs/img] [--results DIR]
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from pathlib import Path

import uvicorn

# this folder is first on sys.path when the script runs (and under pytest)
from browsing import CHROMIUM_ARGS, wait_js
from playwright.sync_api import sync_playwright

from genvsdisc.app import create_app

ARGS = CHROMIUM_ARGS


def _serve(app) -> tuple[uvicorn.Server, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def _fits(page) -> int:
    return int(page.evaluate("Number(document.body.dataset.fits || 0)"))


def playground(page, base, out: Path) -> None:
    page.goto(base + "/")
    wait_js(page, "Number(document.body.dataset.fits || 0) > 0", 60)
    fits = _fits(page)
    page.select_option("#dataset", "moons")
    wait_js(page, f"Number(document.body.dataset.fits || 0) > {fits}", 60)
    page.click("#generate")
    page.wait_for_timeout(800)
    page.screenshot(path=str(out / "playground.png"), full_page=True)


def image_lab(page, base, out: Path) -> None:
    page.goto(base + "/images")
    wait_js(page, "document.querySelectorAll('#model option').length > 0")
    page.click("#generate")
    wait_js(page, "Number(document.body.dataset.generated || 0) > 0", 600)
    page.click("#draw")
    wait_js(page, "document.getElementById('detective-says').textContent.length > 20", 600)
    page.screenshot(path=str(out / "image_lab.png"), full_page=True)


def text_lab(page, base, out: Path) -> None:
    page.goto(base + "/text")
    wait_js(page, "document.querySelectorAll('#topic option').length > 0")
    page.select_option("#topic", "tech")
    page.fill("#prompt", "the new phone")
    page.click("#run")
    wait_js(page, "Number(document.body.dataset.continued || 0) > 0", 600)
    page.screenshot(path=str(out / "text_lab.png"), full_page=True)


def reports(page, base, out: Path) -> None:
    page.goto(base + "/reports")
    page.wait_for_timeout(500)
    page.screenshot(path=str(out / "reports.png"), full_page=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--results", type=Path, default=None)
    parser.add_argument("--pages", default="playground,image_lab,text_lab,reports")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    server, base = _serve(create_app(results_dir=args.results))
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.on(
                "console",
                lambda m: print("console:", m.type, m.text) if m.type == "error" else None,
            )
            for name in args.pages.split(","):
                start = time.perf_counter()
                globals()[name](page, base, args.out)
                print(f"{name}: {time.perf_counter() - start:.1f} s")
            browser.close()
    finally:
        server.should_exit = True


if __name__ == "__main__":
    main()
