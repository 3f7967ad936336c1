"""The cost beside the accuracy: model size, its text, and the preprocessing note."""

from __future__ import annotations

import pickle
import threading

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from genvsdisc.experiments.accuracy_cost import (
    cost_table,
    model_bytes,
    preprocessing_note,
    size_text,
)


def test_model_bytes_counts_the_arrays_and_is_near_the_pickled_size_or_none():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 50)), np.repeat([0, 1], 100)
    model = LogisticRegression().fit(X, y)
    pickled = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
    assert model.coef_.nbytes < model_bytes(model) <= pickled
    assert model_bytes(model) > 0.5 * pickled
    assert model_bytes(threading.Lock()) is None  # cannot be pickled: unknown, not a failure


def test_model_bytes_counts_torch_weights():
    torch = pytest.importorskip("torch")

    net = torch.nn.Linear(100, 50)  # 5,050 float32 weights
    assert 4 * 5050 <= model_bytes(net) <= len(pickle.dumps(net, pickle.HIGHEST_PROTOCOL))


def test_model_bytes_is_the_same_when_a_dask_worker_fitted_the_model():
    from distributed import Client, LocalCluster

    from genvsdisc.models import make

    X, y = np.random.default_rng(1).normal(size=(60, 3)), np.repeat([0, 1, 2], 20)

    def fit_and_size():
        model = make("gaussian_nb").fit(X, y)
        return model_bytes(model), len(pickle.dumps(model, pickle.HIGHEST_PROTOCOL))

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as c,
        Client(c) as client,
    ):
        there = client.submit(fit_and_size, pure=False).result()
    here = fit_and_size()
    assert here[0] == there[0]


def test_size_text_units():
    assert [size_text(n) for n in (None, 10, 1536, 3 * 2**20)] == [
        "n/a",
        "10 B",
        "1.5 KiB",
        "3.0 MiB",
    ]


def test_cost_table_and_note_name_the_preprocessing():
    rows = [
        {"model": "mppca", "family": "generative", "preprocessing": "deskew + blur"},
        {"model": "cnn", "family": "discriminative", "preprocessing": "deskew + blur"},
    ]
    for r, size in zip(rows, (2048, None), strict=True):
        r.update(accuracy=0.98, accuracy_se=0.001, fit_s=1.0, predict_s=0.1, model_bytes=size)
    html = cost_table(rows, 3)
    assert "<td>deskew + blur</td>" in html and "2.0 KiB" in html and "n/a" in html
    text = preprocessing_note(rows)
    assert "the artists mppca and the detectives cnn" in text
    assert "not measured with these steps: logreg, linear_svm" in text
    plain = [{**r, "preprocessing": "none"} for r in rows]
    assert preprocessing_note(plain).startswith("No preprocessing")
