"""Tiny data sets for the generation core: iris, a few digits and a few short documents."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.data import Dataset, load, train_test_split


@pytest.fixture(scope="session")
def iris():
    return load("iris")


@pytest.fixture(scope="session")
def iris_split(iris):
    return train_test_split(iris, test_size=0.3, random_state=0)


@pytest.fixture(scope="session")
def digits_split():
    """300 digits (8x8 images) of all ten classes."""
    ds = load("digits")
    return train_test_split(ds.subset(np.arange(300)), test_size=0.3, random_state=0)


@pytest.fixture(scope="session")
def topics():
    """60 short documents in 2 topics."""
    words = {
        "sport": "the team won the match and the coach praised the players".split(),
        "money": "the firm said shares rose as profits grew on the market".split(),
    }
    rng = np.random.default_rng(0)
    docs = [" ".join(rng.choice(v, size=12)) for v in words.values() for _ in range(30)]
    return Dataset(
        name="topics",
        X=np.asarray(docs, dtype=object),
        y=np.repeat([0, 1], 30),
        classes=list(words),
        modality="text",
        feature_names=["text"],
        description="topics: 60 generated documents in 2 topics",
    )


@pytest.fixture(scope="session")
def topics_split(topics):
    return train_test_split(topics, test_size=0.3, random_state=0)


def _tone(freq: float, seconds: float, rng, rate: int = 8000) -> np.ndarray:
    """A faded tone with a little noise: the two classes of the tiny sound folder."""
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.5 * np.sin(2 * np.pi * freq * t) * np.hanning(len(t))
    return (wave + 0.01 * rng.standard_normal(len(t))).astype(np.float32)


@pytest.fixture(scope="session")
def sound_folder(tmp_path_factory):
    """A user audio folder: 12 WAVs per class, low (300-400 Hz) and high (1.8-2.2 kHz) tones."""
    import soundfile as sf

    root = tmp_path_factory.mktemp("sound") / "tones"
    rng = np.random.default_rng(0)
    for name, low in (("low", 300), ("high", 1800)):
        (root / name).mkdir(parents=True)
        for i in range(12):
            wave = _tone(low + rng.uniform(0, 400), rng.uniform(0.3, 0.6), rng)
            sf.write(root / name / f"{i}.wav", wave, 8000, subtype="PCM_16")
    return root


@pytest.fixture(scope="session")
def tones(sound_folder):
    return load(str(sound_folder))
