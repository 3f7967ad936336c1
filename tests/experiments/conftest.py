"""Tiny data sets for the experiment tests: seconds for the whole folder."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.data import Dataset, load, train_test_split
from genvsdisc.experiments import Settings


@pytest.fixture(scope="session")
def iris_split():
    return train_test_split(load("iris"), test_size=0.3, random_state=0)


@pytest.fixture(scope="session")
def moons_split():
    return train_test_split(load("moons", n_samples=160), test_size=0.3, random_state=0)


@pytest.fixture(scope="session")
def tiny_images():
    """120 digits (8x8) in 3 classes: an image Dataset small enough for any experiment."""
    ds = load("digits")
    rows = np.flatnonzero(ds.y < 3)[:120]
    sub = ds.subset(rows)
    sub.classes = sub.classes[:3]
    return train_test_split(sub, test_size=0.3, random_state=0)


_WORDS = {
    "sport": "match goal team player score win league coach season cup",
    "money": "bank market price shares profit rate growth economy trade tax",
    "tech": "phone software computer internet chip data network mobile users web",
}


@pytest.fixture(scope="session")
def tiny_text():
    """90 short documents in 3 topics with a shared filler vocabulary."""
    rng = np.random.default_rng(0)
    filler = "the a of and in to said year new".split()
    docs, y = [], []
    for k, words in enumerate(_WORDS.values()):
        vocab = words.split()
        for _ in range(30):
            n = int(rng.integers(8, 16))
            doc = list(rng.choice(vocab, size=n)) + list(rng.choice(filler, size=n))
            docs.append(" ".join(rng.permutation(doc)))
            y.append(k)
    ds = Dataset(
        name="tiny_text",
        X=np.asarray(docs, dtype=object),
        y=np.asarray(y),
        classes=list(_WORDS),
        modality="text",
        feature_names=["text"],
        description="tiny_text: 90 generated documents in 3 topics",
    )
    return train_test_split(ds, test_size=0.3, random_state=0)


@pytest.fixture(scope="session")
def quick():
    return Settings.default(quick=True, seeds=(0, 1), n_sizes=4)
