"""Memorisation checks: copies of training rows and documents are caught, fresh samples pass."""

from __future__ import annotations

import numpy as np

from genvsdisc.generation import (
    build_model,
    check_memorisation,
    draw,
    memorisation_check,
    text_memorisation_check,
)


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


def _with_repeats(test, train, n):
    """The test rows plus ``n`` exact copies of training rows, as a corpus with duplicates has."""
    return np.concatenate([test.X, train.X[:n]])


def _plant(samples, train_rows, n, seed=0):
    """``samples`` with ``n`` of them replaced by training rows (a generator that copies)."""
    out = samples.copy()
    rng = np.random.default_rng(seed)
    out[rng.choice(len(out), size=n, replace=False)] = train_rows[:n]
    return out


def test_memorisation_fires_on_planted_copies_when_test_rows_repeat(digits_split):
    train, test = digits_split
    model = build_model("gaussian_nb", seed=0).fit(train.X, train.y)
    samples = draw(model, np.arange(200) % 10, seed=0, modality="image", clip=True).X
    X_test = _with_repeats(test, train, 15)  # 15 of 105 test rows repeat training rows

    fresh = memorisation_check(samples, train.X, X_test)
    assert fresh["test_copies"] == 15 and fresh["copies"] == 0 and not fresh["copying"]
    # the yardstick ignores the repeated test rows, so it is not zero
    assert fresh["test_p5"] > 0 and fresh["closer_than_test_p5"] < 0.2

    copied = memorisation_check(_plant(samples, train.X[20:], 60), train.X, X_test)
    assert copied["copies"] == 60 and copied["sample_copy_rate"] == 0.3
    assert copied["copying"] and copied["copy_p_value"] < 0.01
    assert copied["closer_than_test_p5"] >= 0.3

    # copying as often as real test rows repeat is no evidence of memorisation
    same_rate = memorisation_check(_plant(samples, train.X[20:], 28), train.X, X_test)
    assert same_rate["copies"] == 28 and not same_rate["copying"]


def test_text_memorisation_fires_on_planted_copies_when_test_rows_repeat(topics_split):
    train, test = topics_split
    model = build_model("multinomial_nb", seed=0).fit(train.X, train.y)
    samples = draw(model, np.arange(60) % 2, seed=0, modality="text").X
    test_docs = _with_repeats(test, train, 3)  # 3 of 21 test documents repeat training ones

    fresh = text_memorisation_check(samples, train.X, test_docs)
    assert fresh["test_copies"] == 3 and not fresh["copying"] and fresh["test_p5"] > 0

    # copies with their line breaks and spacing changed are still copies
    reflowed = np.asarray(["\n  ".join(doc.split(" ")) for doc in train.X[5:35]], dtype=object)
    copied = text_memorisation_check(_plant(samples, reflowed, 30), train.X, test_docs)
    assert copied["copies"] >= 30 and copied["copying"]
