"""Property: a frame written to CSV loads back with the same numbers, NaNs and categories."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from genvsdisc.data import load
from genvsdisc.data.encoder import MAX_ABS_VALUE

# Awkward but legal categories: CSV quoting, non-ASCII, spaces. (Strings pandas reads
# as missing, such as "NA", are missing by design and left out here.)
CATEGORIES = ["red", "green", "a,b", 'say "hi"', "café", " padded "]
# the loader refuses magnitudes above MAX_ABS_VALUE (their squares overflow)
FINITE = st.floats(min_value=-MAX_ABS_VALUE, max_value=MAX_ABS_VALUE, width=64)


@st.composite
def frames(draw):
    n = draw(st.integers(4, 30))
    columns = {}
    for j in range(draw(st.integers(1, 3))):
        values = np.array(draw(st.lists(FINITE, min_size=n, max_size=n)))
        missing = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
        assume(not missing.all())
        columns[f"num{j}"] = np.where(missing, np.nan, values)
    for j in range(draw(st.integers(0, 2))):
        cells = draw(st.lists(st.sampled_from([*CATEGORIES, None]), min_size=n, max_size=n))
        assume(any(c is not None for c in cells))
        columns[f"cat{j}"] = pd.Series(cells, dtype=object)
    labels = draw(st.permutations((["p", "q"] * n)[:n]))  # both classes >= 2 rows
    return pd.DataFrame({**columns, "label": labels})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frame=frames())
def test_csv_roundtrip_values_nans_and_categories(frame):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "frame.csv"
        frame.to_csv(path, index=False)
        ds = load(path, target="label")
    assert ds.classes == ["p", "q"] and ds.labels.tolist() == frame["label"].tolist()
    numeric = [c for c in frame.columns if c.startswith("num")]
    categorical = [c for c in frame.columns if c.startswith("cat")]
    assert ds.info["columns"] == {
        **dict.fromkeys(numeric, "numeric"),
        **dict.fromkeys(categorical, "categorical"),
    }
    col = 0
    for name in numeric:  # exact values, NaN where the cell was empty
        np.testing.assert_array_equal(ds.X[:, col], frame[name].to_numpy(dtype=float))
        col += 1
    for name in categorical:
        cats = sorted({c for c in frame[name] if c is not None})
        assert ds.encoder.categories_[name] == cats
        block = ds.X[:, col : col + len(cats)]
        for row, cell in enumerate(frame[name]):
            if cell is None:
                assert np.isnan(block[row]).all()
            else:
                assert block[row].tolist() == [float(c == cell) for c in cats]
        col += len(cats)
    assert col == ds.X.shape[1]
