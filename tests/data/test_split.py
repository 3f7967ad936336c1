"""train_test_split: stratified, seeded, disjoint; plain shuffle with a warning when it must."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.data import Dataset, load, train_test_split
from genvsdisc.data.split import drop_small_classes
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
    ds = load(write_file("t.csv", "c,label\n" + "u,x\nv,y\n" * 5), target="label")
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
