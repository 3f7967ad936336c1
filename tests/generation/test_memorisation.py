"""Memorisation checks: copies of training rows and documents are caught, fresh samples pass."""

from __future__ import annotations

import numpy as np

from genvsdisc.generation import check_memorisation, memorisation_check, text_memorisation_check


def test_memorisation_copies_detected():
    rng = np.random.default_rng(0)
    X_train, X_test = rng.normal(size=(200, 3)), rng.normal(size=(100, 3))
    out = memorisation_check(X_train[:50], X_train, X_test)
    assert out["copies"] == 50 and out["ratio"] == 0 and out["closer_than_test_p5"] == 1


def test_memorisation_fresh_samples_look_like_test_rows():
    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(300, 3))
    out = memorisation_check(rng.normal(size=(300, 3)), X_train, rng.normal(size=(300, 3)))
    assert out["copies"] == 0 and 0.7 < out["ratio"] < 1.4 and out["closer_than_test_p5"] < 0.15


def test_text_memorisation_copied_documents_are_copies(topics_split):
    train, test = topics_split
    out = text_memorisation_check(train.X[:5], train.X, test.X)
    assert out["copies"] == 5 and out["sample_median"] == 0


def test_text_memorisation_ignores_word_order_and_length(topics_split):
    train, test = topics_split
    shuffled = [" ".join(reversed(doc.split())) for doc in train.X[:4]]
    doubled = [f"{doc} {doc}" for doc in train.X[:4]]  # same words, twice: same direction
    assert text_memorisation_check(shuffled, train.X, test.X)["copies"] == 4
    assert text_memorisation_check(doubled, train.X, test.X)["copies"] == 4


def test_check_memorisation_picks_the_check_for_the_data(topics_split, iris_split):
    train, test = topics_split
    assert check_memorisation(train.X[:3], train, test) == text_memorisation_check(
        train.X[:3], train.X, test.X
    )
    train, test = iris_split
    assert check_memorisation(train.X[:3], train, test)["copies"] == 3
