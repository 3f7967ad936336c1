import json

import numpy as np
import pytest

from genvsdisc import results
from genvsdisc.exceptions import DataError


def _record():
    return results.new_record(
        dataset={"name": "x"},
        settings={},
        models=[],
        model_choice="",
        engine={"kind": "in-process"},
    )


def test_to_jsonable_numpy_and_nan():
    out = results.to_jsonable(
        {
            "a": np.float32(0.5),
            "b": np.arange(2),
            "c": float("nan"),
            "d": (np.int64(3), np.bool_(True)),
            4: None,
        }
    )
    assert out == {"a": 0.5, "b": [0, 1], "c": None, "d": [3, True], "4": None}


def test_to_jsonable_refuses_objects():
    with pytest.raises(TypeError, match="object is not plain data"):
        results.to_jsonable({"m": object()})


def test_save_load_roundtrip(tmp_path):
    rec = _record()
    rec["experiments"]["accuracy"] = {"status": "ok", "rows": [{"accuracy": np.float64(0.9)}]}
    path = results.save(rec, tmp_path / "results.json")
    back = results.load(path)
    assert back["experiments"]["accuracy"]["rows"][0]["accuracy"] == 0.9
    assert back["versions"]["numpy"] == np.__version__
    json.loads(path.read_text())  # strict JSON


def test_load_refuses_other_json(tmp_path):
    (tmp_path / "a.json").write_text('{"hello": 1}')
    with pytest.raises(DataError, match="expected a genvsdisc results record"):
        results.load(tmp_path / "a.json")


def test_load_refuses_newer_schema(tmp_path):
    rec = _record()
    rec["schema_version"] = results.SCHEMA_VERSION + 1
    results.save(rec, tmp_path / "r.json")
    with pytest.raises(DataError, match="schema_version 2; this genvsdisc reads up to 1"):
        results.load(tmp_path / "r.json")


def test_load_refuses_broken_file(tmp_path):
    (tmp_path / "r.json").write_text("{not json")
    with pytest.raises(DataError, match="cannot read a results record"):
        results.load(tmp_path / "r.json")
