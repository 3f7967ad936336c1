"""Fuzz: hundreds of malformed tables, text folders, image folders and save files.

Every input goes through the CLI as a user would run it (click's runner, in
process, for speed; one subprocess run of the installed script). Whatever
the input, genvsdisc must answer in one of two ways:

* exit 0, and the output it promised is complete (a report folder with
  results.json and report.html; a samples file);
* exit 2 and exactly one ``genvsdisc: error:`` line;

never a traceback, never a half-written output (no ``.partial`` names left,
no report folder without its report), and resident memory growth over one
test's examples bounded by :data:`MAX_RSS_GROWTH_MB`. Hypothesis is seeded (``derandomize=True``), so a
run is the same every time; the counts are printed (``pytest -s``) and
asserted, so the suite says how much it tried.
"""

from __future__ import annotations

import json
import os
import resource
import struct
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from genvsdisc.cli import cli

#: Largest growth of the process's peak memory over the whole fuzz run.
MAX_RSS_GROWTH_MB = 1024
#: What every fuzz test saw, by input kind and outcome (printed at the end).
SEEN: Counter = Counter()

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _rss_mb() -> float:
    """This process's resident memory now (Linux /proc), else its peak."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


#: Resident memory when each fuzz test first checked an outcome. The baseline is per
#: test, not per module: the whole suite runs in one process, so memory the tests
#: before this module used says nothing about a leak across these examples.
BASELINE: dict[str, float] = {}


def _growth_mb() -> float:
    test = os.environ.get("PYTEST_CURRENT_TEST", "").rsplit(" ", 1)[0]
    return _rss_mb() - BASELINE.setdefault(test, _rss_mb())


def check(result, kind: str, out: Path | None = None) -> None:
    """Exit 0 with complete output, or exit 2 with one line; nothing half-written."""
    text = result.output
    assert "Traceback" not in text, text
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert result.exit_code in (0, 2), (result.exit_code, text)
    if result.exit_code == 2:
        errors = [line for line in text.splitlines() if line.startswith("genvsdisc: error:")]
        assert len(errors) == 1, text
    if out is not None:
        leftovers = [p.name for p in out.parent.iterdir() if ".partial" in p.name]
        assert not leftovers, leftovers
        if out.suffix == "" and out.exists():  # a report folder: complete or absent
            assert (out / "results.json").is_file() and (out / "report.html").is_file()
            json.loads((out / "results.json").read_text())
        if result.exit_code == 2 and out.suffix:
            assert not out.exists()
    SEEN[kind, result.exit_code] += 1
    assert _growth_mb() < MAX_RSS_GROWTH_MB


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


# ------------------------------------------------------------------ tables
NAMES = st.sampled_from(["a", "b", "label", "id", "", " ", "x,y", '"q"', "ü", "label"])
CELLS = st.one_of(
    st.sampled_from(["", "nan", "NaN", "inf", "-inf", "1e308", "1e155", "-0", "NA", "?"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-(10**30), 10**30).map(str),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=6),
)
PREFIX = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x00\x01", b"PAR1"])


@st.composite
def csv_bytes(draw):
    header = draw(st.lists(NAMES, min_size=1, max_size=5))
    if draw(st.booleans()):
        header.append("label")
    n_rows = draw(st.integers(0, 25))
    labels = draw(st.lists(st.sampled_from(["x", "y", "z", ""]), min_size=n_rows, max_size=n_rows))
    lines = [",".join(header)]
    for i in range(n_rows):
        width = draw(st.integers(max(0, len(header) - 2), len(header) + 1))
        cells = draw(st.lists(CELLS, min_size=width, max_size=width))
        if "label" in header and cells:
            cells[min(header.index("label"), len(cells) - 1)] = labels[i]
        lines.append(",".join(cells))
    sep = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    body = sep.join(lines).encode("utf-8", "surrogatepass")
    return draw(PREFIX) + body


@st.composite
def nearly_valid_csv(draw):
    """Numeric columns and a label column, with a few odd cells: the tables that get
    past the reader and reach the models (random bytes rarely do)."""
    n_rows, n_cols = draw(st.integers(2, 40)), draw(st.integers(1, 4))
    n_classes = draw(st.integers(1, 4))
    lines = [",".join([f"c{j}" for j in range(n_cols)] + ["label"])]
    for i in range(n_rows):
        cells = [
            draw(st.one_of(st.floats(-100, 100).map(repr), CELLS))
            if draw(st.integers(0, 9)) == 0
            else repr(draw(st.floats(-5, 5)))
            for _ in range(n_cols)
        ]
        label = draw(st.sampled_from(["x", "y", "z", "w"][:n_classes] + ([""] if i == 3 else [])))
        lines.append(",".join([*cells, label]))
    return "\n".join(lines).encode()


@settings(FUZZ, max_examples=300)
@given(
    raw=st.one_of(csv_bytes(), nearly_valid_csv()),
    suffix=st.sampled_from([".csv", ".csv", ".tsv", ".parquet"]),
)
def test_fuzz_inspect_tables(raw, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{suffix}"
        path.write_bytes(raw)
        check(run("inspect", path, "--target", "label"), "inspect table")


@settings(FUZZ, max_examples=12)
@given(raw=nearly_valid_csv())
def test_fuzz_compare_quick_tables(raw):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "t.csv"
        path.write_bytes(raw)
        out = Path(tmp) / "report"
        args = ["--quick", "--models", "gaussian_nb,logreg", "--seeds", "1", "--out", out]
        check(run("compare", path, "--target", "label", *args), "compare table", out)


# ------------------------------------------------------------------ text and image folders
DOCS = st.one_of(
    st.text(max_size=40),
    st.binary(max_size=40),
    st.sampled_from(["", " ", "word", "\x00\x00", "a b c d e f", "é" * 30]),
)


@settings(FUZZ, max_examples=120)
@given(
    classes=st.dictionaries(
        st.sampled_from(["a", "b", "c", ".hidden", "ü"]), st.lists(DOCS, max_size=6), max_size=4
    )
)
def test_fuzz_inspect_text_folders(classes):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "docs"
        root.mkdir()
        for name, docs in classes.items():
            (root / name).mkdir()
            for i, doc in enumerate(docs):
                data = doc if isinstance(doc, bytes) else doc.encode("utf-8", "surrogatepass")
                (root / name / f"{i}.txt").write_bytes(data)
        check(run("inspect", root), "inspect text folder")


IMAGE = st.one_of(
    st.binary(max_size=30).map(lambda b: ("junk", b)),
    st.tuples(
        st.sampled_from(["L", "RGB", "RGBA", "P", "1", "I;16"]),
        st.integers(1, 12),
        st.integers(1, 12),
        st.integers(0, 255),
    ),
)


def _write_image(path: Path, spec) -> None:
    if spec[0] == "junk":
        path.write_bytes(spec[1])
        return
    mode, w, h, seed = spec
    pixels = np.random.default_rng(seed).integers(0, 255, (h, w), dtype=np.uint8)
    Image.fromarray(pixels).convert(mode).save(path, format="PNG")


@settings(FUZZ, max_examples=60)
@given(
    classes=st.dictionaries(
        st.sampled_from(["a", "b", "c", "d/deeper"]), st.lists(IMAGE, max_size=5), max_size=4
    ),
    command=st.sampled_from(["inspect", "inspect", "inspect", "compare"]),
)
def test_fuzz_image_folders(classes, command):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "img"
        root.mkdir()
        for name, images in classes.items():
            (root / name).mkdir(parents=True, exist_ok=True)
            for i, spec in enumerate(images):
                _write_image(root / name / f"{i}.png", spec)
        if command == "inspect":
            check(run("inspect", root), "inspect image folder")
        else:
            out = Path(tmp) / "report"
            args = ["--quick", "--models", "gaussian_nb,logreg", "--seeds", "1", "--out", out]
            check(run("compare", root, *args), "compare image folder", out)


# ------------------------------------------------------------------ save files
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "params",
        "params.order",
        "params.min_count",
        "classes",
        "class_names",
        "extras",
        "extras.vocabulary",
        "n_features_in",
        "classes_kind",
        "model",
        "format_version",
    ]
)


def _mutate(data: bytes, how, draw_value) -> bytes:
    """One kind of damage to a save file."""
    from safetensors.torch import load, save

    from genvsdisc.models.torch.persist import _digest

    kind, a, b = how
    if kind == "truncate":
        return data[: a % max(1, len(data))]
    if kind == "flip":
        pos = a % len(data)
        return data[:pos] + bytes([data[pos] ^ (1 + b % 255)]) + data[pos + 1 :]
    if kind == "length":
        return struct.pack("<Q", a) + data[8:]
    (n,) = struct.unpack("<Q", data[:8])
    meta = json.loads(json.loads(data[8 : 8 + n])["__metadata__"]["genvsdisc"])
    tensors = load(data)
    *parents, last = kind.split(".")
    node = meta
    for key in parents:
        node = node.setdefault(key, {}) if isinstance(node, dict) else {}
    if isinstance(node, dict):
        node[last] = draw_value
    meta["sha256"] = _digest(tensors, meta)  # an attacker recomputes the digest
    return save(tensors, metadata={"genvsdisc": json.dumps(meta)})


@settings(FUZZ, max_examples=150)
@given(
    how=st.tuples(
        st.one_of(st.sampled_from(["truncate", "flip", "length"]), FIELDS),
        st.integers(0, 2**64 - 1),
        st.integers(0, 255),
    ),
    value=JSON,
)
def test_fuzz_generate_load_save_files(saved_ngram_model, how, value):
    src, saved, args = saved_ngram_model
    good = saved.read_bytes()
    with tempfile.TemporaryDirectory() as tmp:
        bad = Path(tmp) / "bad.safetensors"
        bad.write_bytes(_mutate(good, how, value))
        out = Path(tmp) / "g.txt"
        result = run("generate", src, "-m", "ngram_lm", *args, "-n", 1, "--load", bad, "--out", out)
        check(result, "generate --load", out)


def test_fuzz_installed_script_on_a_malformed_table(tmp_path):
    """One subprocess run of the installed console script: no traceback there either."""
    script = Path(sys.executable).parent / "genvsdisc"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\xff\xfea\x00,\x00label\x00\n\x001e999,\x00")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
    done = subprocess.run(
        [str(script), "inspect", str(bad), "--target", "label"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_fuzz_counts_what_it_ran():
    """Runs last in this module: prints and checks how many generated cases ran."""
    total = sum(SEEN.values())
    if not total:
        pytest.skip("run with the other fuzz tests of this module")
    print(f"\nfuzz cases: {total}; by input and exit status: {dict(sorted(SEEN.items()))}")
    growth = max((_rss_mb() - base for base in BASELINE.values()), default=0.0)
    print(f"memory growth within a test: {growth:.0f} MB at most (bound {MAX_RSS_GROWTH_MB} MB)")
    assert total >= 500
