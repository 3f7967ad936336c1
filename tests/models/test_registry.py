"""The model registry: names, specs, make() and its errors."""

from __future__ import annotations

import importlib

import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import ParameterError, UnknownNameError
from genvsdisc.models import ModelSpec, available, get_spec, make
from genvsdisc.models.registry import FAMILIES, MODALITIES, SPEC_MODULES

#: The classical models issue 3 asks for, by family.
CLASSICAL = {
    "generative": {"gaussian_nb", "bernoulli_nb", "multinomial_nb", "lda", "qda", "gmm", "kde"},
    "discriminative": {"logreg", "linear_svm", "mlp", "hgb", "knn"},
}


def test_available_has_every_classical_model():
    for family, names in CLASSICAL.items():
        found = {s.name for s in available(family=family, deep=False)}
        assert names <= found, f"{family}: missing {names - found}"


def test_available_filters_by_family_modality_and_depth():
    text = {s.name for s in available(modality="text")}
    assert {"logreg", "multinomial_nb"} <= text
    assert "knn" not in text
    assert all(s.family == "generative" for s in available(family="generative"))
    assert all(not s.deep for s in available(deep=False))
    assert all(s.deep for s in available(deep=True))
    assert len(available()) == len(available(deep=True)) + len(available(deep=False))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"family": "artist"}, "family must be one of generative, discriminative. Got 'artist'"),
        ({"modality": "audio"}, "modality must be one of tabular, image, text. Got 'audio'"),
    ],
)
def test_available_rejects_unknown_filter(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        available(**kwargs)


@pytest.mark.parametrize("spec", available(), ids=lambda s: s.name)
def test_spec_is_consistent_with_its_model(spec):
    assert isinstance(spec, ModelSpec)
    assert spec.family in FAMILIES
    assert spec.modalities and set(spec.modalities) <= set(MODALITIES)
    assert (spec.likelihood == "none") == (spec.family == "discriminative")
    assert spec.description and "\n" not in spec.description
    model = make(spec.name)
    assert model.family == spec.family
    assert get_spec(spec.name) is spec


@pytest.mark.parametrize("name", ["logreg", "gaussian_nb"])
def test_make_returns_fresh_unfitted_estimator(name):
    first, second = make(name), make(name)
    assert first is not second
    with pytest.raises(NotFittedError):
        check_is_fitted(first)
    assert clone(first).get_params() == first.get_params()


def test_make_sets_parameters():
    assert make("knn", n_neighbors=3).n_neighbors == 3


def test_make_unknown_name_lists_valid_names():
    with pytest.raises(
        UnknownNameError, match=r"unknown model 'forest'; valid models are: .*logreg"
    ):
        make("forest")


def test_make_close_name_suggests_the_right_one():
    with pytest.raises(UnknownNameError, match=r"Did you mean 'logreg'\?"):
        get_spec("logrg")


def test_make_unknown_parameter_lists_valid_ones():
    match = r"model 'knn' has no parameter 'k'; its parameters are: n_neighbors, p, "
    with pytest.raises(ParameterError, match=match):
        make("knn", k=3)


@pytest.mark.parametrize("path", SPEC_MODULES)
def test_every_registry_module_exposes_specs(path):
    specs = importlib.import_module(path).SPECS
    assert specs and all(isinstance(s, ModelSpec) for s in specs)
