"""The rows a partition gives the one-pass moments: complete rows with a label, drops counted."""

from __future__ import annotations

import numpy as np
import pandas as pd

from genvsdisc.scale.partitions import frame_rows
from genvsdisc.scale.stats import partition_stats


def _frame(X, y):
    frame = pd.DataFrame(X, columns=["a", "b"])
    frame["y"] = y
    return frame


def test_complete_partition_is_used_without_a_copy():
    frame = _frame(np.arange(8.0).reshape(4, 2), [0, 1, 0, 1])
    X, y, dropped = frame_rows(frame, ["a", "b"], "y")
    assert dropped == 0 and X.shape == (4, 2) and y.tolist() == [0, 1, 0, 1]


def test_rows_with_a_missing_cell_or_label_are_dropped_and_counted():
    X = np.arange(10.0).reshape(5, 2)
    X[1, 0] = np.nan
    frame = _frame(X, pd.array([0, 1, None, 1, 0], dtype="Int64"))
    X_kept, y, dropped = frame_rows(frame, ["a", "b"], "y")
    assert dropped == 2
    assert X_kept.tolist() == [[0.0, 1.0], [6.0, 7.0], [8.0, 9.0]]
    assert list(y) == [0, 1, 0]


def test_infinities_of_both_signs_in_a_row_are_kept_not_taken_for_missing():
    # +inf beside -inf makes the partition's sum NaN: the row test must still keep the row
    X = np.array([[np.inf, -np.inf], [1.0, 2.0]])
    X_kept, _, dropped = frame_rows(_frame(X, [0, 1]), ["a", "b"], "y")
    assert dropped == 0 and len(X_kept) == 2


def test_partition_moments_equal_the_textbook_sums_for_string_and_integer_labels():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)) + 1000.0  # a large offset: the shifts keep precision
    for labels in (rng.integers(0, 3, 300), rng.choice(["x", "y", "z"], 300)):
        frame = _frame(X, labels)
        keys = sorted(set(labels.tolist()))
        shifts = {k: np.full(2, 1000.0) for k in keys}
        stats = partition_stats(frame, ["a", "b"], "y", shifts, np.zeros(2))
        for k in keys:
            Z = X[labels == k] - 1000.0
            m = stats.moments[k]
            assert m.weight[0] == len(Z)
            np.testing.assert_allclose(m.s1[0], Z.sum(axis=0), rtol=1e-12)
            np.testing.assert_allclose(m.s2[0], Z.T @ Z, rtol=1e-12)
            np.testing.assert_allclose(m.a4[0], (Z * Z).T @ (Z * Z), rtol=1e-12)
            np.testing.assert_allclose(m.b3[0], (Z * Z).T @ Z, rtol=1e-12)


def test_float32_columns_give_the_moments_of_their_exact_float64_values():
    rng = np.random.default_rng(1)
    X32 = (rng.normal(size=(500, 2)) * 10 + 3).astype(np.float32)
    labels = rng.integers(0, 4, 500)
    shifts = {k: np.array([3.0, 3.0]) for k in range(4)}
    s32 = partition_stats(_frame(X32, labels), ["a", "b"], "y", shifts, np.zeros(2))
    s64 = partition_stats(
        _frame(X32.astype(np.float64), labels), ["a", "b"], "y", shifts, np.zeros(2)
    )
    for k in range(4):
        for name in ("weight", "s1", "s2", "a4", "b3"):
            assert np.array_equal(getattr(s32.moments[k], name), getattr(s64.moments[k], name))
    assert s32.lo.dtype == np.float64 and np.array_equal(s32.lo, s64.lo)


def test_int8_labels_spanning_their_whole_range_group_correctly():
    X = np.arange(8.0).reshape(4, 2)
    labels = np.array([127, -128, 127, -128], dtype=np.int8)
    stats = partition_stats(_frame(X, labels), ["a", "b"], "y", {}, np.zeros(2))
    assert sorted(stats.moments) == [-128, 127]
    np.testing.assert_array_equal(stats.moments[127].s1[0], X[[0, 2]].sum(axis=0))
