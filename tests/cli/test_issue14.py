"""Issue 14, case by case, through the CLI where the user meets it.

Each test is named after its case (``case01`` ... ``case16``). Cases fixed
earlier keep their detailed tests beside the code (tests/data/test_reading_limits.py,
tests/cli/test_options.py, tests/app/test_server_guards.py); here each case also
has its own check of what the user sees: exit 0 with a report, or exit 2 with one line.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

from genvsdisc.cli import cli

FAST = ["--quick", "--models", "gaussian_nb,logreg", "--seeds", "1"]


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def one_line_error(result, *parts):
    """Exit 2, exactly one line on stderr-like output that says 'error', no traceback."""
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if "error:" in line]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    for part in parts:
        assert part in errors[0], errors[0]
    return errors[0]


def table(path, labels, n_features=3, seed=0, **extra):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(len(labels), n_features)))
    frame.columns = [f"f{i}" for i in range(n_features)]
    for k, v in extra.items():
        frame[k] = v
    frame["label"] = labels
    frame.to_csv(path, index=False)
    return path


# ------------------------------------------------------------------ case 1: one-row classes
def test_issue14_case01_one_row_class_is_left_out_with_a_warning(tmp_path):
    src = table(tmp_path / "r.csv", ["x"] * 30 + ["y"] * 30 + ["z"])
    result = run("compare", src, "--target", "label", *FAST, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "left out ('z')" in result.output
    record = json.loads((tmp_path / "out" / "results.json").read_text())
    assert record["dataset"]["classes"] == ["x", "y"]
    assert any("left out ('z')" in n for n in record["dataset"]["notes"])


@pytest.mark.parametrize(
    "labels", [["x"] * 99 + ["y"], ["x", "y"], ["x", "y", "y"]], ids=["99+1", "2rows", "3rows"]
)
def test_issue14_case01_too_few_rows_per_class_is_one_line(tmp_path, labels):
    src = table(tmp_path / "r.csv", labels)
    result = run("compare", src, "--target", "label", *FAST, "--out", tmp_path / "out")
    one_line_error(result, "expected at least 2 such classes")
    assert not (tmp_path / "out").exists()


def test_issue14_case01_tiny_tables_run_and_say_what_was_skipped(tmp_path):
    src = table(tmp_path / "t.csv", ["x", "y", "z"] * 2)
    result = run("compare", src, "--target", "label", *FAST, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "test side enlarged" in result.output
    assert "skipped unlabeled" in result.output


def test_issue14_case01_image_folder_with_a_one_image_class_after_skips(tmp_path):
    rng = np.random.default_rng(0)
    for cls, n in (("a", 12), ("b", 12), ("c", 1)):
        (tmp_path / "img" / cls).mkdir(parents=True)
        for i in range(n):
            pixels = (rng.random((8, 8)) * 255).astype(np.uint8)
            Image.fromarray(pixels).save(tmp_path / "img" / cls / f"{i}.png")
    (tmp_path / "img" / "c" / "broken.png").write_bytes(b"not a png")
    result = run("compare", tmp_path / "img", *FAST, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "left out ('c')" in result.output


# ------------------------------------------------------------------ case 2: NaN in generate
@pytest.mark.parametrize("model", ["gmm", "gaussian_nb"])
def test_issue14_case02_generate_on_missing_values_fits_complete_rows(tmp_path, model):
    labels = ["p", "q", "r"] * 20
    src = table(tmp_path / "nan.csv", labels)
    frame = pd.read_csv(src)
    frame.loc[::5, "f0"] = np.nan
    frame.to_csv(src, index=False)
    out = tmp_path / "g.csv"
    result = run("generate", src, "--target", "label", "-m", model, "--out", out)
    assert result.exit_code == 0, result.output
    assert "12 of 60 rows have missing values and were left out" in result.output
    samples = pd.read_csv(out)
    assert len(samples) == 24 and not samples.isna().any().any()


# ------------------------------------------------------------------ case 3: --out first
@pytest.mark.parametrize("command", ["compare", "generate"])
def test_issue14_case03_out_under_a_file_is_refused_before_any_work(tmp_path, command):
    src = table(tmp_path / "t.csv", ["x", "y"] * 20)
    extra = ["-m", "gaussian_nb"] if command == "generate" else FAST
    result = run(command, src, "--target", "label", *extra, "--out", tmp_path / "t.csv" / "o")
    one_line_error(result, "is a file, not a folder")
    # refused before any model ran (the time it takes is benchmarks/cli_speed.py's business)
    assert "models:" not in result.output


@pytest.mark.parametrize("command", ["compare", "generate"])
def test_issue14_case03_unwritable_out_is_refused(tmp_path, command):
    src = table(tmp_path / "t.csv", ["x", "y"] * 20)
    extra = ["-m", "gaussian_nb"] if command == "generate" else FAST
    out = "/proc/genvsdisc.csv" if command == "generate" else "/proc/genvsdisc/x"
    result = run(command, src, "--target", "label", *extra, "--out", out)
    one_line_error(result, "cannot write in folder /proc")


def test_issue14_case03_generate_out_in_a_missing_folder_is_refused(tmp_path):
    src = table(tmp_path / "t.csv", ["x", "y"] * 20)
    out = tmp_path / "missing_dir" / "x.csv"
    result = run("generate", src, "--target", "label", "-m", "gmm", "--out", out)
    one_line_error(result, "missing_dir does not exist")


# ------------------------------------------------------------------ case 4: huge numbers
def test_issue14_case04_huge_finite_value_is_refused_with_column_and_row(tmp_path):
    src = table(tmp_path / "t.csv", ["x", "y"] * 10)
    frame = pd.read_csv(src)
    frame.loc[3, "f1"] = 1e155
    frame.to_csv(src, index=False)
    result = run("compare", src, "--target", "label", *FAST, "--out", tmp_path / "o")
    one_line_error(result, "f1")


# ------------------------------------------------------------------ case 6 and 8: --load
def test_issue14_case06_ngram_lm_loads_through_the_cli(tmp_path, saved_ngram_model):
    src, saved, args = saved_ngram_model
    out = tmp_path / "b.txt"
    result = run("generate", src, "-m", "ngram_lm", *args, "--load", saved, "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("class: ") == 16


def test_issue14_case08_loading_against_other_classes_is_refused(tmp_path, saved_ngram_model):
    src, saved, args = saved_ngram_model
    frame = pd.read_csv(src)
    frame["label"] = frame["label"].map({"A": "X", "B": "Y"})
    other = tmp_path / "other.csv"
    frame.to_csv(other, index=False)
    out = tmp_path / "c.txt"
    result = run("generate", other, "-m", "ngram_lm", *args, "--load", saved, "--out", out)
    one_line_error(result, "trained on classes A, B", "has classes X, Y")
    assert not out.exists()


# ------------------------------------------------------------------ case 7: short texts
@pytest.fixture
def words(tmp_path):
    """Single words whose class shows in their letters only (endings), never in whole words."""
    rng = np.random.default_rng(0)
    endings = {"de": "ung", "fr": "eau", "it": "ino", "fi": "nen", "en": "ing"}
    stems = ["".join(rng.choice(list("bcdfgklmnprst"), 3)) for _ in range(600)]
    rows = [(stems[i] + endings[c], c) for i, c in enumerate(np.tile(list(endings), 120))]
    path = tmp_path / "words.csv"
    pd.DataFrame(rows, columns=["word", "lang"]).to_csv(path, index=False)
    return path


def test_issue14_case07_short_texts_read_as_character_ngrams(tmp_path, words):
    result = run("inspect", words, "--target", "lang", "--text-column", "word")
    assert result.exit_code == 0, result.output
    assert "text models read character 2-4-grams" in result.output
    out = tmp_path / "o"
    args = ["--quick", "--models", "multinomial_nb,logreg", "--seeds", "1"]
    result = run("compare", words, "--target", "lang", "--text-column", "word", *args, "--out", out)
    assert result.exit_code == 0, result.output
    record = json.loads((out / "results.json").read_text())
    assert "character 2-4-grams" in " ".join(record["dataset"]["notes"])
    # every word is new at test time: word counts stay at chance (20 %), n-grams do not
    scores = {r["model"]: r["accuracy"] for r in record["experiments"]["accuracy"]["rows"]}
    assert min(scores.values()) > 0.8, scores


def test_issue14_case07_an_unfittable_learning_curve_size_is_reported_and_the_rest_stays():
    from genvsdisc.data import Dataset
    from genvsdisc.experiments.common import Settings
    from genvsdisc.experiments.learning_curve import curve

    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(10)]
    docs = np.array([" ".join(rng.choice(vocab, 8)) for _ in range(120)], dtype=object)
    y = np.arange(120) % 2
    ds = Dataset("docs", docs, y, ["a", "b"], "text", ["text"], "docs")
    train, test = ds.subset(slice(0, 90)), ds.subset(slice(90, None))
    # min_df=15 cannot be met by 10 documents; it can by 90
    settings = Settings.default(model_params={"multinomial_nb": {"min_df": 15, "max_df": 1.0}})
    out = curve(train, test, model="multinomial_nb", seed=0, sizes=[10, 90], settings=settings)
    assert np.isnan(out["accuracy"][0]) and 0 <= out["accuracy"][1] <= 1
    assert "no vocabulary left" in out["unfitted"][10]


def test_issue14_case07_report_with_an_unfittable_size_is_written(tmp_path):
    from genvsdisc.cli.compare_command import write_outputs
    from genvsdisc.data import Dataset
    from genvsdisc.experiments import Settings, compare

    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(10)]
    docs = np.array([" ".join(rng.choice(vocab, 8)) for _ in range(160)], dtype=object)
    ds = Dataset("docs", docs, np.arange(160) % 2, ["a", "b"], "text", ["text"], "docs")
    params = {"multinomial_nb": {"min_df": 15, "max_df": 1.0}}
    settings = Settings.default(quick=True, n_seeds=1, model_params=params)
    record = compare(
        ds,
        models=["multinomial_nb", "logreg"],
        experiments=["accuracy", "learning_curve"],
        settings=settings,
        progress=False,
    )
    section = record["experiments"]["learning_curve"]
    mean = section["curves"]["multinomial_nb"]["mean"]
    assert mean[0] is None and mean[-1] is not None  # the rest of the curve stays
    assert "could not be fitted are left blank: multinomial_nb at" in section["note"]
    write_outputs(record, tmp_path / "report")
    assert "could not be fitted" in (tmp_path / "report" / "report.html").read_text()


# ------------------------------------------------------------------ case 9: said in one line
def test_issue14_case09_duplicate_header_and_nested_images_are_said(tmp_path):
    src = tmp_path / "dup.csv"
    src.write_text("a,label,label\n1,x,y\n2,y,x\n", encoding="utf-8")
    one_line_error(run("inspect", src, "--target", "label"), "label")
    for cls in "ab":
        (tmp_path / "img" / cls / "deeper").mkdir(parents=True)
        for i in range(4):
            Image.new("L", (8, 8), 40 * i).save(tmp_path / "img" / cls / f"{i}.png")
            Image.new("L", (8, 8), 9 * i).save(tmp_path / "img" / cls / "deeper" / f"{i}.png")
    result = run("inspect", tmp_path / "img")
    assert result.exit_code == 0, result.output
    assert "deeper" in result.output or "sub-folder" in result.output


# ------------------------------------------------------------------ cases 10 and 11: reading
def test_issue14_case10_utf16_csv_with_bom_is_read(tmp_path):
    src = tmp_path / "u16.csv"
    src.write_bytes("a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n".encode("utf-16"))
    result = run("inspect", src, "--target", "label")
    assert result.exit_code == 0, result.output
    result = run("inspect", src, "--target", "label", "--encoding", "utf-16")
    assert result.exit_code == 0, result.output


def test_issue14_case11_compare_takes_the_reading_options(tmp_path):
    src = table(tmp_path / "t.csv", ["x", "y"] * 20)
    args = ["--encoding", "latin-1", "--max-file-mb", "5", *FAST, "--experiments", "accuracy"]
    result = run("compare", src, "--target", "label", *args, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------------ case 12: --quick bounded
def test_issue14_case12_quick_is_bounded_whatever_the_classes(tmp_path):
    labels = [f"c{i}" for i in range(200)] * 5
    src = table(tmp_path / "c200.csv", labels, n_features=150)
    args = ["--quick", "--models", "gaussian_nb,hgb"]
    result = run("compare", src, "--target", "label", *args, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    notes = json.loads((tmp_path / "o" / "results.json").read_text())["dataset"]["notes"]
    assert "--quick: compared the 20 largest of 200 classes" in notes
    assert any("used 100 of 150 feature columns" in n for n in notes)
    # its running time (12 s; 417 s before the bound) is measured by benchmarks/cli_speed.py


def test_issue14_case12_quick_states_its_bound_in_help():
    from genvsdisc.experiments.runner import QUICK_MAX_CLASSES, QUICK_MAX_FEATURES

    text = " ".join(run("compare", "--help").output.split())
    assert f"the {QUICK_MAX_CLASSES} largest classes" in text
    assert f"{QUICK_MAX_FEATURES} table columns" in text


# ------------------------------------------------------------------ case 13: bounded output
def test_issue14_case13_image_grid_is_capped_and_all_samples_saved(tmp_path):
    from genvsdisc.generation.output import MAX_GRID_COLUMNS

    out = tmp_path / "g.png"
    args = ["-m", "gaussian_nb", "--class", "0", "--class", "1", "--judge", "none"]
    result = run("generate", "digits", *args, "-n", 50, "--out", out)
    assert result.exit_code == 0, result.output
    with Image.open(out) as grid:
        width, height = grid.size
    assert width < 90 + MAX_GRID_COLUMNS * 70 and height < 22 + 2 * 80
    samples = np.load(tmp_path / "g.samples.npy")
    assert samples.shape == (2, 50, 8, 8)


def test_issue14_case13_too_many_samples_is_refused_with_the_limit(tmp_path):
    out = tmp_path / "g.png"
    result = run("generate", "digits", "-m", "gmm", "-n", 10_000, "--out", out)
    one_line_error(result, "at most 50,000 samples per run")
    assert not out.exists()


def test_issue14_case13_device_is_refused():
    one_line_error(run("inspect", "/dev/zero"))


# ------------------------------------------------------------------ case 16: messages
def test_issue14_case16_models_naming_nothing_is_refused(tmp_path):
    src = table(tmp_path / "t.csv", ["x", "y"] * 20)
    result = run("compare", src, "--target", "label", "--models", ",", "--out", tmp_path / "o")
    one_line_error(result, "--models")


def test_issue14_case16_no_feature_columns_names_the_dropped_one(tmp_path):
    src = tmp_path / "ids.csv"
    pd.DataFrame({"id": range(20), "label": ["x", "y"] * 10}).to_csv(src, index=False)
    one_line_error(run("inspect", src, "--target", "label"), "id")


# ------------------------------------------------------------------ case 5: crafted save files
@pytest.fixture(scope="module")
def saved_cvae(tmp_path_factory):
    from genvsdisc.data import load
    from genvsdisc.models import make
    from genvsdisc.models.torch import save_model

    ds = load("digits")
    params = {"epochs": 1, "hidden": 16, "n_importance": 2, "image_shape": (8, 8)}
    model = make("cvae", verbose=False, **params).fit(ds.X[:200], ds.y[:200])
    path = tmp_path_factory.mktemp("cvae") / "cvae.safetensors"
    return save_model(model, path, class_names=ds.classes)


def craft(src, dst, edit=None, raw_meta=None):
    """A copy of a save file whose metadata ``edit(meta)`` changed, digest recomputed
    (an attacker can recompute it too), or whose metadata text is ``raw_meta``."""
    from safetensors.torch import load, save

    from genvsdisc.models.torch.persist import _digest, _read_header

    data = src.read_bytes()
    meta, tensors = _read_header(src, data), load(data)
    if edit is not None:
        edit(meta)
        meta["sha256"] = _digest(tensors, meta)
    text = raw_meta if raw_meta is not None else json.dumps(meta)
    dst.write_bytes(save(tensors, metadata={"genvsdisc": text}))
    return dst


def _set(path, value):
    def edit(meta):
        *parents, last = path.split(".")
        node = meta
        for key in parents:
            node = node[key]
        node[last] = value

    return edit


@pytest.mark.parametrize(
    ("edit", "raw", "message"),
    [
        (None, "[" * 5000 + "]" * 5000, "nests deeper than"),
        (None, '{"format": ' * 3000 + "1" + "}" * 3000, "nests deeper than"),
        (_set("params.hidden", 10**9), None, "'params.hidden': expected a whole number"),
        (_set("params.hidden", -4), None, "'params.hidden': expected a whole number"),
        (_set("extras.arch.config.hidden", 10**8), None, "'extras.arch.config.hidden'"),
        (_set("extras.arch.config.hidden", 4096), None, "weights do not fit the network"),
        (_set("extras.arch.n_features", 10**6), None, "weights do not fit the network"),
        (_set("params.lr", "fast"), None, "'params.lr': expected a number"),
        (_set("params.epochs", 2.5), None, "'params.epochs': expected a whole number"),
        (_set("params", ["x"]), None, "'params': expected an object"),
        (_set("params.evil", 1), None, "expected parameters of this model"),
        (_set("classes", list(range(200_000))), None, "'classes': expected a list of 1 to"),
        (_set("class_names", [["nested"]] * 10), None, "'class_names': expected class labels"),
        (_set("extras", "x"), None, "'extras': expected an object"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else None,
)
def test_issue14_case05_crafted_save_file_is_one_line(tmp_path, saved_cvae, edit, raw, message):
    bad = craft(saved_cvae, tmp_path / "bad.safetensors", edit, raw)
    out = tmp_path / "g.png"
    result = run("generate", "digits", "-m", "cvae", "--load", bad, "--out", out, "--judge", "none")
    one_line_error(result, message)
    assert not out.exists()


def test_issue14_case05_untouched_save_file_loads(tmp_path, saved_cvae):
    out = tmp_path / "g.png"
    args = ["-m", "cvae", "--load", saved_cvae, "--out", out, "--judge", "none", "-n", 2]
    result = run("generate", "digits", *args)
    assert result.exit_code == 0, result.output
    assert out.exists()
