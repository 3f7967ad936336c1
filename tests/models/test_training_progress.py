"""The torch training template reports its real progress to a listener, and nothing else changes."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_digits

from genvsdisc.models import make
from genvsdisc.models.progress import listening

CVAE = {"epochs": 2, "hidden": 8, "latent_dim": 2, "n_importance": 4, "batch_size": 16}


def _digits(n=40):
    X, y = load_digits(return_X_y=True)
    return X[:n] / 16.0, y[:n]


def test_listener_sees_every_batch_and_outputs_stay_bit_identical():
    X, y = _digits()
    plain = make("cvae", random_state=0, **CVAE).fit(X, y)
    calls = []
    model = make("cvae", random_state=0, **CVAE)
    with listening(lambda done, total: calls.append((done, total))):
        model.fit(X, y)
    total = calls[-1][1]  # cvae's class-balanced batches decide how many an epoch has
    assert total >= CVAE["epochs"] and total % CVAE["epochs"] == 0
    assert calls == [(i, total) for i in range(1, total + 1)]  # every batch, in order, once
    np.testing.assert_array_equal(model.predict_proba(X[:10]), plain.predict_proba(X[:10]))
    # the listener is not a parameter: get_params and clone see the same model
    assert model.get_params() == plain.get_params()
    assert clone(model).get_params() == plain.get_params()


def test_no_listener_after_the_block():
    X, y = _digits(20)
    calls = []
    with listening(lambda done, total: calls.append(done)):
        pass
    make("cvae", random_state=0, **{**CVAE, "epochs": 1}).fit(X, y)
    assert calls == []
