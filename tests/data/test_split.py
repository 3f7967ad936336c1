"""train_test_split: stratified, seeded, disjoint; plain shuffle with a warning when it must."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.data import Dataset, builtin_names, load, train_test_split
from genvsdisc.data.split import drop_small_classes, duplicate_groups
from genvsdisc.exceptions import DataError, DataWarning, ParameterError


def _tiny(labels):
    y = np.asarray(labels)
    return Dataset(
        name="tiny",
        X=np.arange(len(y), dtype=float)[:, None],
        y=y,
        classes=["a", "b", "c"],
        modality="tabular",
        feature_names=["x"],
        description="tiny",
    )


def test_split_stratified_and_disjoint():
    ds = load("digits")
    train, test = train_test_split(ds, test_size=0.25, random_state=0)
    assert train.n_samples + test.n_samples == ds.n_samples and test.n_samples == 450
    rows = np.concatenate([train.X, test.X])
    assert len(np.unique(rows, axis=0)) == len(np.unique(ds.X, axis=0))  # every row once
    share = np.bincount(test.y) / np.bincount(ds.y)
    np.testing.assert_allclose(share, 0.25, atol=0.02)
    assert train.classes == ds.classes and train.image_shape == (8, 8)


def test_split_seeded():
    ds = load("iris")
    a_train, a_test = train_test_split(ds, random_state=7)
    b_train, b_test = train_test_split(ds, random_state=7)
    _, c_test = train_test_split(ds, random_state=8)
    np.testing.assert_array_equal(a_test.X, b_test.X)
    np.testing.assert_array_equal(a_train.y, b_train.y)
    assert not np.array_equal(a_test.X, c_test.X)


def test_split_text_and_count_test_size():
    train, test = train_test_split(load("bbc_news"), test_size=500, random_state=0)
    assert test.n_samples == 500 and test.X.dtype == object and isinstance(test.X[0], str)


def test_split_keeps_encoder(write_file):
    rows = "".join(f"u,{i},x\nv,{i},y\n" for i in range(5))  # 10 distinct rows
    ds = load(write_file("t.csv", "c,n,label\n" + rows), target="label")
    train, test = train_test_split(ds, test_size=0.4)
    assert train.encoder is ds.encoder and test.encoder is ds.encoder


def test_split_single_row_class_falls_back_with_warning():
    ds = _tiny([0, 0, 0, 1, 1, 1, 2])
    with pytest.warns(
        DataWarning, match=r"tiny: split without stratification \(class 'c' has 1 row\(s\)"
    ):
        train, test = train_test_split(ds, test_size=0.3, random_state=0)
    assert sorted(np.concatenate([train.X, test.X]).ravel()) == list(range(7))


def test_split_test_side_smaller_than_classes_falls_back():
    with pytest.warns(DataWarning, match=r"test side 2 of 9 rows, 3 classes"):
        train_test_split(_tiny([0, 0, 0, 1, 1, 1, 2, 2, 2]), test_size=2)


@pytest.mark.parametrize("bad", [0, 0.0, 1.0, 1.5, 10, -3, "half", True])
def test_split_bad_test_size(bad):
    with pytest.raises(ParameterError, match=r"test_size must"):
        train_test_split(_tiny([0, 0, 1, 1, 2, 2, 0, 1, 2, 0]), test_size=bad)


def _crossing_copies(train, test) -> int:
    """Test rows whose exact copy (text after whitespace normalisation) is in train."""
    both = Dataset(
        name="both",
        X=np.concatenate([train.X, test.X]),
        y=np.concatenate([train.y, test.y]),
        classes=train.classes,
        modality=train.modality,
        feature_names=train.feature_names,
        description="both",
    )
    groups = duplicate_groups(both)
    return int(np.isin(groups[train.n_samples :], groups[: train.n_samples]).sum())


@pytest.mark.parametrize(
    "name",  # spoken_words is synthesised at first use (about a minute): slow
    [
        pytest.param(n, marks=pytest.mark.slow) if n == "spoken_words" else n
        for n in builtin_names()
    ],
)
def test_split_builtin_has_no_copy_across_the_split(name):
    train, test = train_test_split(load(name), random_state=0)
    assert _crossing_copies(train, test) == 0


def test_split_keeps_exact_duplicates_on_one_side():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = np.arange(60) % 3
    copies = rng.choice(60, size=20, replace=False)  # 20 rows repeated twice more
    ds = Dataset(
        name="dups",
        X=np.concatenate([X, X[copies], X[copies]]),
        y=np.concatenate([y, y[copies], y[copies]]),
        classes=["a", "b", "c"],
        modality="tabular",
        feature_names=["x0", "x1", "x2"],
        description="dups",
    )
    for seed in range(5):
        train, test = train_test_split(ds, test_size=0.3, random_state=seed)
        assert train.n_samples + test.n_samples == 100
        assert _crossing_copies(train, test) == 0
        assert abs(test.n_samples - 30) <= 6  # whole groups move, the share stays near 0.3
    # a plain row-wise split of the same data puts copies on both sides
    from sklearn.model_selection import train_test_split as sk_split

    tr, te = sk_split(np.arange(100), test_size=0.3, random_state=0, stratify=ds.y)
    assert _crossing_copies(ds.subset(tr), ds.subset(te)) > 0


def test_split_text_duplicates_differing_in_whitespace_stay_together():
    texts = [f"article {i} about topic {i % 2}" for i in range(20)]
    texts += ["article 3  about\ntopic 1", "article 4 about topic 0 "]
    X = np.empty(len(texts), dtype=object)
    X[:] = texts
    ds = Dataset(
        name="txt",
        X=X,
        y=np.asarray([i % 2 for i in range(20)] + [1, 0]),
        classes=["a", "b"],
        modality="text",
        feature_names=["text"],
        description="txt",
    )
    assert duplicate_groups(ds)[-2:].tolist() == [3, 4]
    for seed in range(5):
        train, test = train_test_split(ds, test_size=0.3, random_state=seed)
        assert _crossing_copies(train, test) == 0


def test_split_without_duplicates_is_the_plain_stratified_split():
    from sklearn.model_selection import train_test_split as sk_split

    ds = load("digits")
    _, test = train_test_split(ds, test_size=0.25, random_state=3)
    _, rows = sk_split(np.arange(ds.n_samples), test_size=450, random_state=3, stratify=ds.y)
    np.testing.assert_array_equal(test.X, ds.X[rows])


def test_split_all_rows_identical_refused():
    ds = _tiny([0, 1, 0, 1])
    ds.X[:] = 1.0
    with pytest.raises(DataError, match=r"tiny: all 4 rows are copies of one row"):
        train_test_split(ds)


def test_split_share_too_small_for_every_class_is_enlarged_to_one_row_each():
    ds = _tiny([0, 0, 1, 1, 2, 2])  # 30 % of 6 rounds up to 2 rows: too few for 3 classes
    with pytest.warns(DataWarning, match=r"test side enlarged from 2 to 3 rows"):
        train, test = train_test_split(ds, test_size=0.3, random_state=0)
    assert sorted(test.y) == [0, 1, 2] and sorted(train.y) == [0, 1, 2]


def test_drop_small_classes_reindexes_and_notes():
    ds = _tiny([0, 0, 0, 1, 2, 2])
    with pytest.warns(DataWarning, match=r"1 class\(es\) with fewer than 2 rows left out \('b'\)"):
        out, notes = drop_small_classes(ds)
    assert out.classes == ["a", "c"] and list(out.y) == [0, 0, 0, 1, 1]
    assert len(notes) == 1 and notes[0] in out.notes


def test_drop_small_classes_refuses_when_fewer_than_two_classes_remain():
    with pytest.raises(DataError, match=r"1 class\(es\) have at least 2 rows; expected at least 2"):
        drop_small_classes(_tiny([0, 0, 0, 1]))
