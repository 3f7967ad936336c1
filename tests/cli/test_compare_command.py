"""`genvsdisc compare` through click's runner, and once through the installed script."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli, compare_command

QUICK = ["--quick", "--seeds", "1", "--no-progress"]


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cmp") / "moons"
    result = run("compare", "moons", "--models", "gaussian_nb,logreg", "--out", out, *QUICK)
    return result, out


def test_compare_writes_report_results_figures(moons_run):
    result, out = moons_run
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["figures", "report.html", "results.json"]
    record = json.loads((out / "results.json").read_text())
    assert record["schema"] == "genvsdisc.results" and record["settings"]["seeds"] == [0]
    assert record["command"].startswith("genvsdisc compare moons --models gaussian_nb,logreg")
    assert (out / "figures" / "accuracy.png").stat().st_size > 1000
    assert not [p for p in out.parent.iterdir() if ".partial-" in p.name]


def test_compare_prints_models_and_summary(moons_run):
    result, out = moons_run
    assert "genvsdisc: models: gaussian_nb, logreg" in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["model", "family", "accuracy"]
    assert lines[1].split()[:2] == ["gaussian_nb", "generative"]
    assert f"report: {out / 'report.html'}" in result.stdout


def test_compare_default_models_named(tmp_path):
    result = run("compare", "iris", "--experiments", "accuracy", "--out", tmp_path / "o", *QUICK)
    assert result.exit_code == 0, result.output
    assert "(picked for tabular data)" in result.stderr
    assert "skipped" not in result.stdout


def test_compare_unknown_model_lists_valid(tmp_path):
    result = run("compare", "iris", "--models", "bayes", "--out", tmp_path / "o", *QUICK)
    assert result.exit_code == 2
    assert result.stderr.startswith("genvsdisc: error: unknown model 'bayes'")
    assert "valid models are: " in result.stderr and "gaussian_nb" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "o").exists()


def test_compare_unknown_experiment_lists_valid(tmp_path):
    result = run("compare", "iris", "--experiments", "speed", "--out", tmp_path / "o", *QUICK)
    assert result.exit_code == 2
    assert "unknown experiment 'speed'" in result.stderr and "learning_curve" in result.stderr


def test_compare_refuses_non_empty_out(tmp_path):
    (tmp_path / "keep.txt").write_text("mine")
    result = run("compare", "iris", "--out", tmp_path, *QUICK)
    assert result.exit_code == 2
    assert f"--out {tmp_path}: exists and is not an empty folder" in result.stderr


def test_compare_bad_source_one_line(tmp_path):
    result = run("compare", tmp_path / "none.csv", "--target", "y", *QUICK)
    assert result.exit_code == 2 and "none.csv" in result.stderr


def test_compare_leaves_nothing_on_error(tmp_path, monkeypatch):
    def broken(record, out_dir):
        (Path(out_dir) / "report.html").write_text("<half")
        raise OSError("disk full")

    monkeypatch.setattr("genvsdisc.report.write_report", broken)
    result = run(
        "compare",
        "moons",
        "--models",
        "logreg",
        "--experiments",
        "accuracy",
        "--out",
        tmp_path / "o",
        *QUICK,
    )
    assert result.exit_code != 0
    assert list(tmp_path.iterdir()) == []


def test_default_out_dir_names_source():
    out = compare_command.default_out_dir("data/my file.csv")
    assert out.parent == Path("genvsdisc-report") and out.name.startswith("my_file-")


def test_installed_script_compare(tmp_path):
    script = Path(sys.executable).parent / "genvsdisc"
    out = tmp_path / "r"
    proc = subprocess.run(
        [
            str(script),
            "compare",
            "moons",
            "--models",
            "gaussian_nb,logreg",
            "--experiments",
            "accuracy,regions",
            "--out",
            str(out),
            *QUICK,
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert (out / "report.html").read_text().startswith("<!DOCTYPE html>")


def test_compare_bad_seeds_one_line(tmp_path):
    result = run("compare", "iris", "--seeds", "0", "--out", tmp_path / "o", "--no-progress")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "genvsdisc: error: Invalid value for '--seeds': 0 is not in the range x>=1. "
        "(see 'cli compare --help')"
    )


def test_compare_records_command_as_typed(moons_run):
    _, out = moons_run
    record = json.loads((out / "results.json").read_text())
    args = ["compare", "moons", "--models", "gaussian_nb,logreg", "--out", str(out), *QUICK]
    assert record["command"] == shlex.join(["genvsdisc", *args])


def test_summary_table_lists_skipped(moons_run):
    _, out = moons_run
    record = json.loads((out / "results.json").read_text())
    record["experiments"]["regions"] = {"status": "skipped", "title": "x", "reason": "why not"}
    assert compare_command.summary_table(record).splitlines()[-1] == "skipped regions: why not"
