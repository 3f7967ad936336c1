"""`genvsdisc models` through click's runner."""

from __future__ import annotations

import re

from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.models import available


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_models_lists_the_registry_in_order():
    result = run("models")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["name", "family", "modalities", "likelihood", "description"]
    assert [line.split()[0] for line in lines[1:]] == [s.name for s in available()]
    assert re.search(
        r"^logreg\s+discriminative\s+tabular,image,text\s+none\s+\S", result.stdout, re.M
    )
    assert re.search(r"^gaussian_nb\s+generative\s+tabular,image\s+exact\s+\S", result.stdout, re.M)


def test_models_filters_family_and_modality():
    result = run("models", "--family", "discriminative", "--modality", "text")
    assert result.exit_code == 0, result.output
    names = [line.split()[0] for line in result.stdout.splitlines()[1:]]
    assert names == [s.name for s in available(family="discriminative", modality="text")]
    assert "logreg" in names and "knn" not in names


def test_models_unknown_family_is_a_usage_error():
    result = run("models", "--family", "artist")
    assert result.exit_code == 2
    assert "Invalid value for '--family'" in result.output


def test_models_help_has_an_example():
    result = run("models", "--help")
    assert result.exit_code == 0
    assert "genvsdisc models --family generative" in result.stdout
