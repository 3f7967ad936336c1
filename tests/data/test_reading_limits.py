"""What the readers refuse or say: devices and pipes, oversized files, byte-order marks,
columns named twice, huge numbers, images below the class folders."""

from __future__ import annotations

import codecs
import os
import threading

import numpy as np
import pandas as pd
import pytest

from genvsdisc.data import load
from genvsdisc.exceptions import DataError, DataWarning

ROWS = "a,label\n1.5,x\n2.5,y\n3.5,x\n4.5,y\n"


def test_device_is_refused_before_reading():
    with pytest.raises(DataError, match=r"/dev/zero: not a regular file"):
        load("/dev/zero", target="label")


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    outcome = {}

    def read():
        try:
            load(fifo, target="label")
        except DataError as err:
            outcome["error"] = str(err)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=10)
    assert not reader.is_alive(), "opening a FIFO with no writer blocked"
    assert "not a regular file" in outcome["error"]


def test_file_over_the_limit_names_the_option(write_file):
    path = write_file("big.csv", ROWS + ROWS.partition("\n")[2] * 99)
    with pytest.raises(DataError, match=r"big\.csv: .* over the 0 MB limit .*--max-file-mb"):
        load(path, target="label", max_bytes=1000)
    assert load(path, target="label", max_bytes=10**6).n_samples == 400


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
def test_bom_decides_the_encoding(write_file, codec):
    bom = {"utf-16": b"", "utf-16-be": codecs.BOM_UTF16_BE, "utf-32": b""}[codec]
    path = write_file("wide.csv", bom + ROWS.encode(codec))
    ds = load(path, target="label")
    assert ds.classes == ["x", "y"] and ds.X[:, 0].tolist() == [1.5, 2.5, 3.5, 4.5]


def test_utf16_without_bom_needs_encoding(write_file):
    path = write_file("le.csv", ROWS.encode("utf-16-le"))
    with pytest.raises(DataError, match=r"binary content.*--encoding utf-16"):
        load(path, target="label")
    assert load(path, target="label", encoding="utf-16-le").n_samples == 4


def test_header_naming_a_column_twice_is_refused(write_file):
    path = write_file("dup.csv", "a,label,label\n1,x,y\n2,y,x\n")
    with pytest.raises(
        DataError, match=r"dup\.csv: the header names column 'label' twice \(columns 2 and 3\)"
    ):
        load(path, target="label")


def test_parquet_finite_huge_value_refused(tmp_path):
    frame = pd.DataFrame({"x": [1.0, 2.0, 3e200, 4.0], "label": ["a", "b", "a", "b"]})
    frame.to_parquet(tmp_path / "big.parquet")
    with pytest.raises(DataError, match=r"column 'x' holds 3e\+200 at row 3; .*rescale"):
        load(tmp_path / "big.parquet", target="label")


def test_images_below_class_folders_are_reported(tmp_path):
    from PIL import Image

    for label in ("cat", "dog"):
        for i in range(2):
            folder = tmp_path / "pics" / label
            folder.mkdir(parents=True, exist_ok=True)
            pixels = np.full((8, 8), 40 * i + (label == "dog") * 100, dtype=np.uint8)
            Image.fromarray(pixels).save(folder / f"{i}.png")
            nested = folder / "more"
            nested.mkdir(exist_ok=True)
            Image.fromarray(pixels).save(nested / f"{i}.png")
    with pytest.warns(DataWarning, match=r"ignored 4 file\(s\) in 2 folder\(s\) below"):
        ds = load(tmp_path / "pics")
    assert ds.n_samples == 4 and any("below the class folders" in n for n in ds.notes)


def test_cli_default_file_limit_matches_the_reader():
    from genvsdisc.cli.options import DEFAULT_MAX_FILE_MB
    from genvsdisc.data._read import MAX_FILE_BYTES

    assert DEFAULT_MAX_FILE_MB * 1024**2 == MAX_FILE_BYTES


def test_no_features_left_names_the_dropped_column(write_file):
    body = "".join(f"row{i},{'ab'[i % 2]}\n" for i in range(30))
    with pytest.raises(
        DataError,
        match=r"no feature columns besides target 'label' \(column 'key': a different value in "
        r"every row \(an identifier\)\)",
    ):
        load(write_file("ids.csv", "key,label\n" + body), target="label")
