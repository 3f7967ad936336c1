import numpy as np
import pytest

from genvsdisc.data import load
from genvsdisc.exceptions import ParameterError, UnknownNameError
from genvsdisc.experiments import (
    DEFAULT_MODELS,
    Settings,
    compare,
    select_experiments,
    select_models,
)
from genvsdisc.experiments.runner import prepare


@pytest.mark.parametrize("modality", ["tabular", "image", "text"])
def test_select_models_default_has_both_families(modality):
    names, info = select_models(modality)
    assert {m["family"] for m in info} == {"generative", "discriminative"}
    assert names == [n for n, _ in DEFAULT_MODELS[modality] if n in names]
    assert all(m["picked"] for m in info)


def test_select_models_unknown_lists_valid():
    with pytest.raises(
        UnknownNameError,
        match="unknown model 'logregg'; valid models are: .*gaussian_nb.*Did you mean 'logreg'",
    ):
        select_models("tabular", ["logregg"])


def test_select_models_wrong_modality():
    with pytest.raises(
        ParameterError,
        match="--models: 'gaussian_nb' does not accept text data; models for text: .*multinomial_nb",
    ):
        select_models("text", ["gaussian_nb"])


def test_select_experiments_unknown_lists_valid():
    with pytest.raises(
        UnknownNameError,
        match="unknown experiment 'acuracy'; valid experiments are: accuracy, learning_curve",
    ):
        select_experiments(["acuracy"])


def test_select_experiments_report_order():
    assert select_experiments(["novelty", "accuracy"]) == ["accuracy", "novelty"]


def test_prepare_fills_existing_nan():
    ds = load("iris")
    ds.X[::10, 1] = np.nan
    train, test, notes = prepare(ds, Settings())
    assert not np.isnan(train.X).any() and not np.isnan(test.X).any()
    assert any("filled with the training mean" in n for n in notes)


def test_compare_record_statuses():
    ds = load("moons", n_samples=120)
    settings = Settings.default(quick=True, seeds=(0,), n_sizes=3)
    rec = compare(
        ds,
        models=["gaussian_nb", "logreg"],
        settings=settings,
        progress=False,
        experiments=["accuracy", "learning_curve", "regions", "missing"],
    )
    assert rec["schema_version"] == 1 and rec["engine"]["kind"] == "in-process"
    assert {k: v["status"] for k, v in rec["experiments"].items()} == {
        "accuracy": "ok",
        "learning_curve": "ok",
        "missing": "ok",
        "regions": "ok",
    }
    assert rec["settings"]["model_params"]["logreg"]["C"] > 0  # chosen once, then fixed
    assert rec["timings"]["total_s"] > 0


def test_compare_skips_with_reason():
    ds = load("iris")
    rec = compare(
        ds,
        models=["logreg"],
        experiments=["generation", "regions"],
        settings=Settings.default(quick=True),
        progress=False,
    )
    assert rec["experiments"]["generation"]["status"] == "skipped"
    assert "cannot draw new examples" in rec["experiments"]["generation"]["reason"]
    assert "2-D data only" in rec["experiments"]["regions"]["reason"]
