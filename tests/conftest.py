"""Fixtures shared across the suite: small files on disk and the bad inputs every loader must refuse."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def _without_timings(obj):
    """A results.json section with every wall-time field ("..._s") left out."""
    if isinstance(obj, dict):
        return {k: _without_timings(v) for k, v in obj.items() if not k.endswith("_s")}
    if isinstance(obj, list):
        return [_without_timings(v) for v in obj]
    return obj


@pytest.fixture
def without_timings():
    """Compare two runs' figures: the same numbers, whatever the clock said."""
    return _without_timings


@pytest.fixture
def write_file(tmp_path):
    """``write_file("a/b.csv", "text or bytes") -> Path`` under a fresh temporary folder."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def _save_image(path: Path, array: np.ndarray) -> Path:
    """Write a uint8 (h, w) or (h, w, 3) array as an image file; the suffix picks the format."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array.astype(np.uint8)).save(path)
    return path


@dataclass
class BadInput:
    """One bad input: where it is, how to load it and what the one-line message says."""

    source: Path
    match: str  # regex the message must match
    kwargs: dict = field(default_factory=dict)  # target= / text_column=
    warning: bool = False  # usable with a warning rather than refused


_TABLE = "a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n"


def _images(root: Path, classes: dict[str, int], broken: int = 0) -> Path:
    rng = np.random.default_rng(0)
    for label, count in classes.items():
        for i in range(count):
            _save_image(root / label / f"{i}.png", rng.integers(0, 256, (6, 5)))
    for i in range(broken):
        good = (root / "cat" / "0.png").read_bytes()
        (root / "cat" / f"broken{i}.png").write_bytes(good[: len(good) // 2])
    return root


def _bad_inputs(tmp: Path) -> dict:
    def put(name, content):
        path = tmp / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    noise = random.Random(0).randbytes(4096)
    stray = "age,label\n" + "".join(
        f"{v},{'xy'[i % 2]}\n" for i, v in enumerate("1 2 3 twelve 5 6".split())
    )
    return {
        "empty_file": lambda: BadInput(
            put("empty.csv", b""), r"empty\.csv: file is empty", {"target": "label"}
        ),
        "header_only": lambda: BadInput(
            put("head.csv", "a,b,label\n"),
            r"head\.csv: header only.*a, b, label",
            {"target": "label"},
        ),
        "binary_garbage": lambda: BadInput(
            put("noise.csv", noise), r"noise\.csv: not a table \(binary", {"target": "label"}
        ),
        "ragged_rows": lambda: BadInput(
            put("ragged.csv", "a,label\n1,x\n2,y,9,9\n"),
            r"ragged\.csv: line 3 has 4 fields, expected 2",
            {"target": "label"},
        ),
        "unknown_target": lambda: BadInput(
            put("t.csv", _TABLE),
            r"t\.csv: target column 'kind' not found; columns are: a, b, label",
            {"target": "kind"},
        ),
        "missing_target": lambda: BadInput(
            put("t.csv", _TABLE), r"t\.csv: no target column given .*columns are: a, b, label"
        ),
        "one_class": lambda: BadInput(
            put("one.csv", "a,label\n1,x\n2,x\n3,x\n"),
            r"one\.csv: target column 'label' has one class \('x'\)",
            {"target": "label"},
        ),
        "single_row_class": lambda: BadInput(
            put("single.csv", _TABLE + "9,9,z\n"),
            r"single\.csv: 1 class\(es\) .* single row \('z'\)",
            {"target": "label"},
            warning=True,
        ),
        "stray_text": lambda: BadInput(
            put("stray.csv", stray),
            r"stray\.csv: column 'age' holds numbers but row 4 \(line 5\) holds 'twelve'",
            {"target": "label"},
        ),
        "inf_value": lambda: BadInput(
            put("inf.csv", "a,b,label\n1,2,x\n3,inf,y\n"),
            r"inf\.csv: column 'b' has an infinite value at row 2 \(line 3\)",
            {"target": "label"},
        ),
        "invalid_utf8_csv": lambda: BadInput(
            put("latin.csv", b"a,label\n1,x\n2,caf\xe9\n"),
            r"latin\.csv: row 2 \(line 3\) is not valid utf-8 \(byte 0xe9\)",
            {"target": "label"},
        ),
        "invalid_utf8_txt": lambda: (
            put("docs/a/1.txt", "fine"),
            put("docs/b/1.txt", b"ok\nbad \xa3 byte"),
            BadInput(tmp / "docs", r"1\.txt: line 2 is not valid utf-8 \(byte 0xa3\)"),
        )[-1],
        "truncated_images": lambda: BadInput(
            _images(tmp / "img", {"cat": 2, "dog": 2}, broken=2),
            r"img: skipped 2 unreadable or truncated image\(s\)",
            warning=True,
        ),
        "no_usable_images": lambda: (
            put("dead/cat/a.png", b"not a png"),
            put("dead/dog/b.jpg", noise[:100]),
            BadInput(tmp / "dead", r"dead: no usable images; all 2 could not be decoded"),
        )[-1],
        "image_one_class": lambda: BadInput(
            _images(tmp / "solo", {"cat": 3}),
            r"solo: one class folder \('cat'\) holds image files; expected at least 2",
        ),
        "missing_path": lambda: BadInput(
            tmp / "nowhere.csv", r"nowhere\.csv: no such file or folder", {"target": "label"}
        ),
    }


def pytest_generate_tests(metafunc):
    """A test taking ``bad_kind`` runs once per bad input (its own test id each)."""
    if "bad_kind" in metafunc.fixturenames:
        metafunc.parametrize("bad_kind", list(_bad_inputs(Path("unused"))))


@pytest.fixture
def bad_input(tmp_path):
    """``bad_input(kind) -> BadInput``, its files written under tmp_path."""
    catalogue = _bad_inputs(tmp_path)
    return lambda kind: catalogue[kind]()


@pytest.fixture(scope="session")
def saved_ngram_model(tmp_path_factory):
    """A two-class text table and an n-gram model saved from it through the CLI.

    Returns ``(table path, model path, the generate options that read the table)``;
    read them, never change them (the files are shared by the whole session).
    """
    import pandas as pd
    from click.testing import CliRunner

    from genvsdisc.cli import cli

    base = tmp_path_factory.mktemp("saved-ngram")
    rng = np.random.default_rng(0)
    vocab = {"A": "red green blue sky sea".split(), "B": "one two three four five".split()}
    rows = [(" ".join(rng.choice(vocab[c], 6)), c) for c in "AB" for _ in range(20)]
    src = base / "letters.csv"
    pd.DataFrame(rows, columns=["text", "label"]).to_csv(src, index=False)
    saved = base / "w.safetensors"
    args = ["--target", "label", "--text-column", "text", "--judge", "none"]
    command = ["generate", src, "-m", "ngram_lm", *args, "--save", saved, "--out", base / "a.txt"]
    result = CliRunner().invoke(cli, list(map(str, command)))
    assert result.exit_code == 0, result.output
    return src, saved, args
