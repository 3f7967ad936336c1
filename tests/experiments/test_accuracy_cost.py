"""The cost beside the accuracy: model size, its text, and the preprocessing note."""

from __future__ import annotations

import pickle
import threading

from sklearn.linear_model import LogisticRegression

from genvsdisc.experiments.accuracy_cost import (
    cost_table,
    model_bytes,
    preprocessing_note,
    size_text,
)


def test_model_bytes_is_the_pickled_size_or_none():
    model = LogisticRegression().fit([[0.0], [1.0]], [0, 1])
    assert model_bytes(model) == len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)) > 0
    assert model_bytes(threading.Lock()) is None  # cannot be pickled: unknown, not a failure


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
