"""``--preprocess``: parsing the steps, preprocessing a Dataset, and compare recording it."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.data import load
from genvsdisc.exceptions import ParameterError, UnknownNameError
from genvsdisc.preprocessing import (
    Blur,
    Deskew,
    MomentNormalize,
    parse_preprocess,
    preprocess_dataset,
)


def test_parse_preprocess_names_and_errors():
    assert parse_preprocess("deskew, blur") == ("deskew", "blur")
    assert parse_preprocess(None) == () == parse_preprocess("none")
    with pytest.raises(UnknownNameError, match="unknown preprocessing step 'deskw'.*'deskew'"):
        parse_preprocess("deskw")
    with pytest.raises(ParameterError, match="each step at most once"):
        parse_preprocess(["blur", "blur"])


def test_preprocess_dataset_transforms_every_image_in_order():
    ds = load("digits")
    out = preprocess_dataset(ds, "deskew,blur")
    expected = Blur(image_shape=(8, 8)).fit_transform(
        Deskew(image_shape=(8, 8)).fit_transform(ds.X)
    )
    np.testing.assert_allclose(out.X, expected)
    assert out.info["preprocessing"] == ["deskew", "blur"] and "deskew + blur" in out.description
    np.testing.assert_array_equal(out.y, ds.y)
    assert preprocess_dataset(ds, None) is ds


def test_preprocess_dataset_normalize_step_between_deskew_and_blur():
    ds = load("digits")
    out = preprocess_dataset(ds, "deskew,normalize,blur")
    expected = ds.X
    for step in (Deskew, MomentNormalize, Blur):
        expected = step(image_shape=(8, 8)).fit_transform(expected)
    np.testing.assert_allclose(out.X, expected)
    assert out.info["preprocessing"] == ["deskew", "normalize", "blur"]


def test_preprocess_dataset_refuses_tables_and_missing_pixels():
    with pytest.raises(ParameterError, match="reads images, but iris is tabular data"):
        preprocess_dataset(load("iris"), "blur")
    ds = load("digits")
    ds.X[0, 0] = np.nan
    with pytest.raises(ParameterError, match="missing pixels"):
        preprocess_dataset(ds, "deskew")


def test_compare_records_the_preprocessing_of_each_model():
    from genvsdisc.experiments import Settings, compare
    from genvsdisc.report import render

    ds = load("digits")
    settings = Settings.default(quick=True, n_features=ds.n_features)
    record = compare(
        ds,
        models=["gaussian_nb", "logreg"],
        experiments=["accuracy"],
        settings=settings,
        progress=False,
        preprocess="deskew",
    )
    assert [m["preprocessing"] for m in record["models"]] == ["deskew", "deskew"]
    rows = record["experiments"]["accuracy"]["rows"]
    assert {r["preprocessing"] for r in rows} == {"deskew"}
    assert all(isinstance(r["model_bytes"], int) and r["model_bytes"] > 0 for r in rows)
    html = render(record, figures={})
    for head in ("<th>preprocessing</th>", "<th>model size</th>", "<th>predict s</th>"):
        assert head in html
    assert "<td>deskew</td>" in html
    assert "Not in this run, so not measured with these steps: cnn, linear_svm" in html


@pytest.mark.parametrize(
    ("source", "steps", "message"),
    [
        ("digits", "deskw", "genvsdisc: error: unknown preprocessing step 'deskw'"),
        ("iris", "blur", "genvsdisc: error: --preprocess blur: reads images, but iris is tabular"),
    ],
)
def test_compare_cli_preprocess_mistakes_are_one_line(tmp_path, source, steps, message):
    from click.testing import CliRunner

    from genvsdisc.cli import cli

    args = ["compare", source, "--preprocess", steps, "--out", str(tmp_path / "o"), "--quick"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and result.stderr.startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "o").exists()
