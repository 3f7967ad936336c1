"""CSV / TSV / Parquet tables: column kinds, one-hot encoding, NaN, identifiers, text columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from genvsdisc.data import TableEncoder, load
from genvsdisc.exceptions import DataError, DataWarning

CSV = "height,colour,label\n1.5,red,a\n,blue,b\n2.5,,a\n3.0,red,b\n"


def test_table_numeric_categorical_and_nan(write_file):
    ds = load(write_file("t.csv", CSV), target="label")
    assert ds.modality == "tabular" and ds.classes == ["a", "b"]
    assert ds.feature_names == ["height", "colour=blue", "colour=red"]
    expected = [[1.5, 0, 1], [np.nan, 1, 0], [2.5, np.nan, np.nan], [3.0, 0, 1]]
    np.testing.assert_array_equal(ds.X, np.array(expected))
    assert ds.y.tolist() == [0, 1, 0, 1]
    assert ds.info["missing"] == {"height": 1, "colour": 1}
    assert ds.info["columns"] == {"height": "numeric", "colour": "categorical"}


def test_table_encoder_transforms_new_rows_identically(write_file):
    ds = load(write_file("t.csv", CSV), target="label")
    new = pd.DataFrame({"colour": ["blue", "green", None], "height": ["2", 7, None], "extra": 1})
    X = ds.encoder.transform(new)
    np.testing.assert_array_equal(X, [[2, 1, 0], [7, 0, 0], [np.nan, np.nan, np.nan]])
    raw = pd.read_csv(write_file("again.csv", CSV), dtype=str)
    np.testing.assert_array_equal(ds.encoder.transform(raw), ds.X)


def test_table_encoder_rejects_bad_new_rows(write_file):
    enc = load(write_file("t.csv", CSV), target="label").encoder
    with pytest.raises(DataError, match=r"column\(s\) colour missing; expected height, colour"):
        enc.transform(pd.DataFrame({"height": [1.0]}))
    with pytest.raises(DataError, match=r"column 'height' holds numbers but row 2 holds 'tall'"):
        enc.transform(pd.DataFrame({"height": ["1", "tall"], "colour": ["red", "red"]}))
    with pytest.raises(DataError, match=r"expected a pandas DataFrame, got ndarray"):
        enc.transform(np.zeros((2, 2)))


def test_table_encoder_is_a_sklearn_transformer():
    enc = TableEncoder(numeric=["x"], categorical=["c"])
    assert clone(enc).get_params() == {"numeric": ["x"], "categorical": ["c"]}
    out = enc.fit_transform(pd.DataFrame({"x": [1.0, 2.0], "c": ["u", "v"]}))
    assert out.shape == (2, 3) and list(enc.get_feature_names_out()) == ["x", "c=u", "c=v"]


def test_table_id_columns_dropped_with_note(write_file):
    n = 25
    frame = pd.DataFrame(
        {
            "row_id": [f"r{i}" for i in range(n)],  # id by name
            "serial": np.arange(1, n + 1),  # consecutive integers: a saved row index
            "name": [f"person {i}" for i in range(n)],  # every value different
            "score": np.linspace(0, 1, n),  # unique but not a run of integers: kept
            "label": ["x", "y"] * 12 + ["x"],
        }
    )
    ds = load(write_file("ids.csv", frame.to_csv(index=True)), target="label")
    assert ds.feature_names == ["score"]
    dropped = [note.split("'")[1] for note in ds.notes if note.startswith("dropped column")]
    assert dropped == ["Unnamed: 0", "row_id", "serial", "name"]


def test_table_small_unique_column_kept(write_file):
    ds = load(write_file("few.csv", "city,label\nOslo,a\nRome,b\nLima,a\nPisa,b\n"), target="label")
    assert (
        ds.feature_names == ["city=Lima", "city=Oslo", "city=Pisa", "city=Rome"] and ds.notes == []
    )


def test_table_mostly_text_column_is_categorical(write_file):
    path = write_file("m.csv", "size,label\nS,a\nM,b\nL,a\nXL,b\n42,a\n")
    ds = load(path, target="label")
    assert ds.info["columns"] == {"size": "categorical"} and "size=42" in ds.feature_names


def test_table_empty_column_dropped(write_file):
    ds = load(write_file("e.csv", "a,blank,label\n1,,x\n2,,y\n3,,x\n4,,y\n"), target="label")
    assert ds.feature_names == ["a"] and ds.notes == ["dropped column 'blank': no values at all"]


def test_table_rows_without_target_left_out(write_file):
    path = write_file("u.csv", "a,label\n1,x\n2,\n3,y\n4,x\n5,y\n")
    with pytest.warns(
        DataWarning, match=r"u\.csv: 1 row\(s\) with an empty target 'label' left out"
    ):
        ds = load(path, target="label")
    assert ds.X[:, 0].tolist() == [1, 3, 4, 5]


def test_table_numeric_labels_sorted_as_numbers(write_file):
    body = "".join(f"{i},{lab}\n" for i, lab in enumerate(["10", "2", "2.0", "10", "1", "1"]))
    ds = load(write_file("n.csv", "a,label\n" + body), target="label")
    assert ds.classes == ["1", "2", "10"] and ds.y.tolist() == [2, 1, 1, 2, 0, 0]


def test_table_fractional_target_rejected(write_file):
    with pytest.raises(
        DataError, match=r"target column 'price' holds non-integer numbers \(e\.g\. 2\.5\)"
    ):
        load(write_file("p.csv", "a,price\n1,1\n2,2.5\n"), target="price")


def test_table_no_features_left(write_file):
    with pytest.raises(DataError, match=r"no feature columns besides target 'label'"):
        load(write_file("only.csv", "blank,label\n,x\n,y\n"), target="label")


def test_table_unknown_target_suggests_close_name(write_file):
    with pytest.raises(
        DataError, match=r"target column 'lable' not found \(did you mean 'label'\?\)"
    ):
        load(write_file("t.csv", CSV), target="lable")


def test_table_parquet_and_tsv(write_file, tmp_path):
    frame = pd.DataFrame(
        {"x": [1.0, np.nan, 3.0, 4.0], "c": ["u", None, "v", "u"], "label": [0, 1, 0, 1]}
    )
    frame.to_parquet(tmp_path / "t.parquet")
    from_parquet = load(tmp_path / "t.parquet", target="label")
    from_tsv = load(write_file("t.tsv", frame.to_csv(sep="\t", index=False)), target="label")
    for ds in (from_parquet, from_tsv):
        assert ds.feature_names == ["x", "c=u", "c=v"] and ds.classes == ["0", "1"]
        np.testing.assert_array_equal(
            ds.X, [[1, 1, 0], [np.nan, np.nan, np.nan], [3, 0, 1], [4, 1, 0]]
        )


def test_table_damaged_parquet(write_file):
    with pytest.raises(DataError, match=r"bad\.parquet: not a readable Parquet file"):
        load(write_file("bad.parquet", b"PAR1 this is not really parquet"), target="label")


def test_table_encoding_option(write_file):
    path = write_file(
        "latin.csv", "a,label\n1,caf\xe9\n2,th\xe9\n3,caf\xe9\n4,th\xe9\n".encode("cp1252")
    )
    ds = load(path, target="label", encoding="cp1252")
    assert ds.classes == ["café", "thé"]
    with pytest.raises(DataError, match=r"unknown encoding 'klingon'"):
        load(path, target="label", encoding="klingon")


def test_table_utf8_bom_ignored(write_file):
    ds = load(write_file("bom.csv", "\ufeffa,label\n1,x\n2,y\n3,x\n4,y\n"), target="label")
    assert ds.feature_names == ["a"]


def test_table_text_column(write_file):
    path = write_file(
        "r.csv", 'id,review,stars\n1,"good, really",5\n2,,1\n3,bad,1\n4,ok,5\n5,awful,1\n'
    )
    with pytest.warns(DataWarning, match=r"1 row\(s\) with an empty text column 'review' left out"):
        ds = load(path, target="stars", text_column="review")
    assert ds.modality == "text" and ds.X.dtype == object
    assert ds.X.tolist() == ["good, really", "bad", "ok", "awful"]
    assert ds.labels.tolist() == ["5", "1", "5", "1"]
    assert "ignored column(s) id: only the text column is used" in ds.notes


def test_table_text_column_not_found(write_file):
    with pytest.raises(
        DataError, match=r"text column 'body' not found; columns are: review, stars"
    ):
        load(write_file("r.csv", "review,stars\nok,1\nbad,2\n"), target="stars", text_column="body")


def test_load_unknown_file_parameter(write_file):
    from genvsdisc.exceptions import ParameterError

    with pytest.raises(ParameterError, match=r"unknown parameter\(s\) noise; files take encoding"):
        load(write_file("t.csv", CSV), target="label", noise=0.1)


def test_table_parquet_inf_names_file_and_row(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0, np.inf, 4.0], "label": ["a", "b", "a", "b"]})
    frame.to_parquet(tmp_path / "inf.parquet")
    with pytest.raises(
        DataError, match=r"inf\.parquet: column 'x' has an infinite value at row 3 \(inf\)"
    ):
        load(tmp_path / "inf.parquet", target="label")


def test_table_huge_values_refused_with_column_and_row(write_file):
    # 1e155 squared overflows float64: every variance-based model would turn it into NaN
    body = "".join(f"{v},{'ab'[i % 2]}\n" for i, v in enumerate([0, 1e99, -1e155] * 8))
    with pytest.raises(
        DataError, match=r"huge\.csv: column 'x' holds -1e\+155 at row 3 \(line 4\); expected"
    ):
        load(write_file("huge.csv", "x,label\n" + body), target="label")


def test_table_text_column_same_as_target(write_file):
    with pytest.raises(DataError, match=r"text column and target are both 'stars'"):
        load(
            write_file("r.csv", "review,stars\nok,1\nbad,2\n"), target="stars", text_column="stars"
        )
