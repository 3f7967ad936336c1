"""What the server refuses: other sites' host names, and fits beyond its queue."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from genvsdisc.app import Caps, create_app
from genvsdisc.app.errors import ApiError


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "localhost:8000", "127.0.0.1:8000"])
def test_local_host_names_are_answered(host):
    with TestClient(create_app(), base_url=f"http://{host}") as c:
        assert c.get("/api/health").status_code == 200


@pytest.mark.parametrize("path", ["/api/health", "/api/reports", "/reports/files/x/report.html"])
def test_dns_rebinding_host_is_refused(path):
    # a page on evil.example whose name now resolves to 127.0.0.1 sends its own Host
    with TestClient(create_app(), base_url="http://evil.example") as c:
        r = c.get(path)
    assert r.status_code == 400


def test_bound_address_is_answered_when_allowed():
    app = create_app(allowed_hosts=("localhost", "10.1.2.3"))
    with TestClient(app, base_url="http://10.1.2.3:8000") as c:
        assert c.get("/api/health").status_code == 200


def _state(app):
    return app.state.genvsdisc


def test_full_queue_answers_503_busy_retry():
    app = create_app(caps=Caps(max_queued_fits=1))
    state, release = _state(app), threading.Event()
    first = threading.Thread(target=state.run, args=(release.wait,))
    first.start()
    time.sleep(0.2)  # the first fit holds the only slot
    with pytest.raises(ApiError) as caught:
        state.run(lambda: "second")
    release.set()
    first.join()
    assert caught.value.status_code == 503 and "busy, retry" in caught.value.detail
    assert caught.value.headers == {"Retry-After": "2"}
    assert state.run(lambda: "third") == "third"  # the slot came back
    state.pool.shutdown()


def test_time_in_queue_does_not_count_against_the_fit_cap():
    # both workers busy for 1 s; a quick fit queued behind them must not hit a 0.5 s cap
    app = create_app(caps=Caps(fit_seconds=0.5, queue_seconds=10))
    state = _state(app)
    blockers = [state.pool.submit(time.sleep, 1.0) for _ in range(2)]
    assert state.run(lambda: "quick") == "quick"
    for b in blockers:
        b.result()
    state.pool.shutdown()


def test_slow_fit_still_gets_the_cap():
    state = _state(create_app(caps=Caps(fit_seconds=0.2)))
    with pytest.raises(ApiError) as caught:
        state.run(time.sleep, 1.0)
    assert caught.value.status_code == 422 and "0.2 s cap" in caught.value.detail
    state.pool.shutdown()
