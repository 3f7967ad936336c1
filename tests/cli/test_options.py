"""Options shared by several commands: declared once, checked by click, one-line errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.cli.options import names, safe_stem


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["compare", "iris", "--workers", "-1"],
            "Invalid value for '--workers': -1 is not in the range x>=0.",
        ),
        (
            ["generate", "iris", "-m", "gmm", "-n", "0"],
            "Invalid value for '-n': 0 is not in the range 1<=x<=50000.",
        ),
        (["compare", "iris", "--no-such-option"], "No such option '--no-such-option'."),
        (["inspect"], "Missing argument 'SOURCE'."),
        (["no-such-command"], "No such command 'no-such-command'."),
    ],
)
def test_usage_error_is_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"genvsdisc: error: {message}")


@pytest.mark.parametrize("command", ["inspect", "compare", "generate"])
def test_reading_options_are_the_same_everywhere(command):
    help_text = run(command, "--help").output
    for option in ("--target", "--text-column", "--encoding"):
        assert option in help_text


def test_encoding_reaches_the_loader(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes(("a,label\n" + "1.5,caf\xe9\n2.5,th\xe9\n" * 3).encode("cp1252"))
    bad = run("inspect", path, "--target", "label")
    assert bad.exit_code == 2 and "--encoding" in bad.stderr
    good = run("inspect", path, "--target", "label", "--encoding", "cp1252")
    assert good.exit_code == 0, good.output
    assert "café 3" in good.output


def test_safe_stem_and_names():
    assert safe_stem("data/my data.csv") == "my_data"
    assert safe_stem("photos/") == "photos"
    assert names(" a, b ,,", "--models") == ["a", "b"]
    assert names(None, "--models") is None


def test_models_option_naming_nothing_is_refused():
    result = run("compare", "iris", "--models", ",", "--no-progress")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "genvsdisc: error: --models ',': expected comma-separated names, got none"
    )
