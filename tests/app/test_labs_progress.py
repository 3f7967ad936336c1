"""Real training progress in the labs: Lazy's fraction and time left, and its event stream."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sklearn.datasets import load_digits

from genvsdisc.app import LabConfig
from genvsdisc.app.lab_training import Lazy
from genvsdisc.app.server import create_app
from genvsdisc.models import make

# seed 0; a few seconds at most on one core
TINY_CVAE = {"epochs": 2, "hidden": 8, "latent_dim": 2, "n_importance": 4, "verbose": False}


def _tiny_fit():
    X, y = load_digits(return_X_y=True)
    return make("cvae", random_state=0, **TINY_CVAE).fit(X[:60] / 16.0, y[:60])


def test_lazy_measures_fraction_and_time_left_from_a_real_torch_fit():
    snapshots = []

    def build():
        snapshots.append(lazy.progress(60))  # before the first report: the estimate
        return _tiny_fit()

    lazy = Lazy(build)
    report = lazy._report

    def spy(done, total):  # the model's own report, then what the page would be told
        report(done, total)
        snapshots.append((done, total, lazy.progress(60)))

    lazy._report = spy
    lazy.get()
    before, during = snapshots[0], snapshots[1:]
    assert before["training"] and not before["measured"] and before["fraction"] is None
    assert 58 <= before["seconds_left"] <= 60
    total = during[-1][1]
    assert [d for d, _, _ in during] == list(range(1, total + 1))
    for done, _, seen in during:
        f = done / total
        assert seen["measured"] and seen["fraction"] == round(f, 4)
        # elapsed × (1 − f) / f, from the rounded elapsed seconds (± their rounding)
        expected = seen["elapsed_seconds"] * (1 - f) / f
        assert abs(seen["seconds_left"] - expected) <= 0.05 * (1 - f) / f + 0.051
    assert during[-1][2]["seconds_left"] == 0.0  # all steps done
    after = lazy.progress(60)
    assert not after["training"] and after["fraction"] is None and after["seconds_left"] is None


def _events(response) -> list[tuple[str, dict]]:
    events, kind = [], None
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line[len("event: ") :]
        elif line.startswith("data: "):
            events.append((kind, json.loads(line[len("data: ") :])))
    return events


@pytest.fixture(scope="module")
def cvae_client(results_dir):
    labs = LabConfig(
        image_models=("cvae",),
        image_judge="logreg",
        image_detectives=("logreg",),
        image_max_train=60,
        image_params={"logreg": {"C": 10.0}, "cvae": TINY_CVAE},
    )
    with TestClient(create_app(results_dir, labs=labs), base_url="http://localhost") as c:
        yield c


def test_progress_stream_reports_real_progress_then_done(cvae_client):
    assert cvae_client.post("/api/images/train", json={"model": "cvae"}).status_code == 200
    with cvae_client.stream("GET", "/api/labs/progress/images/cvae") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = _events(response)
    kinds = [k for k, _ in events]
    assert kinds[-1] == "done" and events[-1][1]["ready"] and "progress" in kinds
    assert kinds.count("done") == 1 and set(kinds[:-1]) == {"progress"}
    # a second stream on a trained model: its state, then done at once
    with cvae_client.stream("GET", "/api/labs/progress/images/cvae") as response:
        assert [k for k, _ in _events(response)] == ["progress", "done"]


def test_progress_stream_of_an_idle_model_ends_and_unknown_names_are_404(client):
    with client.stream("GET", "/api/labs/progress/text/transformer_lm") as response:
        kinds = [k for k, _ in _events(response)]
    assert kinds == ["progress", "idle"]  # nobody is training it: the stream ends
    bad_lab = client.get("/api/labs/progress/audio/cvae")
    assert bad_lab.status_code == 404 and "'audio' is not a lab" in bad_lab.json()["error"]
    bad_model = client.get("/api/labs/progress/images/cvae")
    assert bad_model.status_code == 404 and bad_model.json()["field"] == "model"


def test_progress_stream_beyond_the_cap_says_busy_and_holds_nothing(client):
    from genvsdisc.app import lab_training

    taken = [lab_training._streams.acquire(blocking=False) for _ in range(lab_training.MAX_STREAMS)]
    try:
        assert all(taken)
        with client.stream("GET", "/api/labs/progress/images/gaussian_nb") as response:
            assert [k for k, _ in _events(response)] == ["busy"]  # the page then polls
    finally:
        for _ in taken:
            lab_training._streams.release()
    with client.stream("GET", "/api/labs/progress/images/gaussian_nb") as response:
        assert [k for k, _ in _events(response)][0] == "progress"
