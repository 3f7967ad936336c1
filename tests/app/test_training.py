"""Watching a pair learn: steps, convergence, reset, unlabeled points, the session store."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.app import playground as pg
from genvsdisc.app.training import ONE_STEP, Training, TrainingStore, how_it_learns


@pytest.fixture(scope="module")
def moons():
    data = pg.toy_points("moons", 120, 0.25, seed=3)
    return np.asarray(data["X"]), np.asarray(data["y"])


def test_split_keeps_a_new_small_class_in_training_and_the_test_of_the_others():
    y = np.array([0] * 10 + [1] * 10 + [2] * 3)
    train, test = pg.split_points(y, seed=0)
    assert len(test) == 6 and set(y[test]) == {0, 1}
    assert set(np.flatnonzero(y == 2)) <= set(train)


def test_split_leaves_unlabeled_points_out_of_both():
    y = np.array([0] * 6 + [1] * 6 + [-1] * 5)
    train, test = pg.split_points(y, seed=0)
    assert not (set(train) | set(test)) & set(range(12, 17))


def test_kinds_of_learning():
    assert how_it_learns("discriminative", "logreg", False) == "gradient"
    assert how_it_learns("discriminative", "mlp", False) == "epochs"
    assert how_it_learns("discriminative", "knn", True) == "one_step"
    assert how_it_learns("generative", "gmm", False) == "em"
    assert how_it_learns("generative", "qda", True) == "semi_em"
    assert how_it_learns("generative", "qda", False) == "one_step"


def test_logreg_and_gmm_improve_then_stop(moons):
    X, y = moons
    t = Training(X, y, "gmm", "logreg", seed=0)
    first = t.frame(grid_size=12)
    t.step(40)
    last = t.frame(grid_size=12)
    assert last["training"]["done"]
    gen, disc = last["training"]["generative"], last["training"]["discriminative"]
    assert gen["done"] and disc["done"] and 1 < disc["iteration"] < 40
    # L-BFGS lowers the training loss it minimises; EM raises the likelihood (so its accuracy moves)
    assert last["discriminative"]["train_loss"] < first["discriminative"]["train_loss"]
    # a finished model is the one-shot fit of the same settings
    full = pg.fit_pair(X, y, "gmm", "logreg", seed=0)
    view = pg.fit_view(full, "gmm", "logreg", grid_size=12)
    assert last["discriminative"]["test_accuracy"] == pytest.approx(
        view["discriminative"]["test_accuracy"], abs=0.03
    )
    assert last["generative"]["test_accuracy"] == view["generative"]["test_accuracy"]


def test_reset_starts_from_the_same_state(moons):
    X, y = moons
    a, b = Training(X, y, "gmm", "mlp", seed=2), Training(X, y, "gmm", "mlp", seed=2)
    a.step(3)
    b.step(1)
    b.step(2)  # the trajectory does not depend on how steps are batched
    fa, fb = a.frame(grid_size=10), b.frame(grid_size=10)
    assert fa["discriminative"]["confidence"] == fb["discriminative"]["confidence"]
    assert fa["training"]["discriminative"]["iteration"] == 4  # the first epoch, then 3


def test_closed_form_models_are_done_at_once_and_say_why(moons):
    X, y = moons
    frame = Training(X, y, "gaussian_nb", "knn", seed=0).frame(grid_size=8)
    for role, name in (("generative", "gaussian_nb"), ("discriminative", "knn")):
        info = frame["training"][role]
        assert info["done"] and info["kind"] == "one_step" and info["why"] == ONE_STEP[name]
    assert frame["training"]["done"]


def test_semi_supervised_em_steps_use_the_unlabeled_points(moons):
    X, y = moons
    y = y.copy()
    y[16:] = -1  # 16 labeled points, the rest unlabeled
    t = Training(X, y, "gmm", "logreg", seed=0)
    assert t.learners["generative"].kind == "semi_em" and t.iteration >= 1
    start = t.frame(grid_size=8)["generative"]["confidence"]
    t.step(1)
    assert t.learners["generative"].iteration == 1
    assert t.frame(grid_size=8)["generative"]["confidence"] != start
    assert len(t.learners["discriminative"].X) < 16  # the detective sees labeled training rows only


def test_store_is_bounded_and_expires(moons, monkeypatch):
    X, y = moons
    store = TrainingStore(size=2, ttl=60)
    t = Training(X[:20], y[:20], "lda", "knn")
    keys = [store.add(t) for _ in range(3)]
    assert len(store) == 2 and store.get(keys[0]) is None and store.get(keys[2]) is t
    t.used -= 120
    assert store.get(keys[2]) is None and len(store) == 0


def test_train_and_step_api(client, moons):
    X, y = moons
    body = {"X": X.tolist(), "y": y.tolist(), "generative": "gmm", "discriminative": "logreg"}
    start = client.post("/api/playground/train", json=body)
    assert start.status_code == 200
    frame = start.json()
    assert frame["training"]["iteration"] == 1 and frame["session"]
    step = client.post("/api/playground/step", json={"session": frame["session"], "k": 2})
    assert step.status_code == 200 and step.json()["training"]["discriminative"]["iteration"] == 3
    for key in ("train_accuracy", "train_loss", "test_accuracy", "test_loss"):
        assert step.json()["discriminative"][key] is not None
    gone = client.post("/api/playground/step", json={"session": "nosuchsession", "k": 1})
    assert gone.status_code == 404 and "reset" in gone.json()["error"]
