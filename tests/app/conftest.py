"""Fixtures for the web app: tiny lab models, a results folder with a report, a live server.

The app fixtures are package-scoped: while the app runs it limits BLAS and
OpenMP to one thread process-wide, and shutting it down when tests/app is
done gives the rest of the suite its threads back.
"""

from __future__ import annotations

import socket
import threading
import time

import browsing
import pytest
from fastapi.testclient import TestClient

from genvsdisc.app import LabConfig, create_app
from genvsdisc.app.config import SoundConfig

#: Labs small enough to train in about a second: few rows, simple models.
TINY_LABS = LabConfig(
    image_models=("gaussian_nb",),
    image_judge="logreg",
    image_detectives=("logreg",),
    image_max_train=300,
    text_max_train=200,
    text_params={"logreg": {"C": 10.0}, "ngram_lm": {"order": 2}},
    # 8 espeak-ng voices (160 clips, synthesised once into the user's cache in seconds)
    sound=SoundConfig(dataset_params={"n_voices": 8}),
)

REPORT_HTML = """<!doctype html><html><head><meta charset="utf-8">
<title>digits: the detective and the artist</title></head>
<body><h1 id="report-title">digits report</h1><img src="figures/curve.svg" alt="curve"></body></html>
"""


@pytest.fixture(scope="session")
def tiny_labs() -> LabConfig:
    return TINY_LABS


@pytest.fixture(scope="session")
def results_dir(tmp_path_factory):
    """results/ with one report (and a figure) beside a secret file outside it."""
    base = tmp_path_factory.mktemp("served")
    results = base / "results"
    run = results / "digits-20250101-120000"
    (run / "figures").mkdir(parents=True)
    (run / "report.html").write_text(REPORT_HTML, encoding="utf-8")
    (run / "figures" / "curve.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>', encoding="utf-8"
    )
    (base / "secret.txt").write_text("do not serve me", encoding="utf-8")
    (results / "link-out.txt").symlink_to(base / "secret.txt")
    (results / "dir-out").symlink_to(base, target_is_directory=True)
    (results / ".hidden").write_text("hidden", encoding="utf-8")
    return results


@pytest.fixture(scope="package")
def app(results_dir):
    return create_app(results_dir=results_dir, labs=TINY_LABS)


@pytest.fixture(scope="package")
def client(app):
    # the app answers only the host names of this machine (DNS-rebinding guard)
    with TestClient(app, base_url="http://localhost") as c:
        yield c


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="package")
def live_server(app):
    """The app under a real uvicorn server on a free loopback port, in a thread."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


# ------------------------------------------------------------------ browser (Chromium)
@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(browsing.CHROMIUM), args=browsing.CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the live app that records console errors and uncaught exceptions."""
    context = browser.new_context(viewport={"width": 1360, "height": 940})
    pg = context.new_page()
    pg.errors = []
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.base = live_server
    yield pg
    context.close()
