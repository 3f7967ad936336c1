"""Ask the detective to draw: one refusal, from the registry."""

from __future__ import annotations

import pytest

from genvsdisc.exceptions import CannotGenerateError, ParameterError
from genvsdisc.generation import check_generative, refusal


def test_refusal_is_the_detectives_own_words():
    message = refusal("logreg")
    assert message.startswith("LogReg is discriminative: it learned p(y|x) only")
    assert "cannot generate" in message


def test_refusal_names_the_artists_for_the_data():
    message = refusal("knn", modality="image")
    assert message.startswith(refusal("knn")) and "For image data: " in message
    assert "gmm" in message.split("For image data: ")[1]


def test_generative_model_does_not_refuse():
    assert refusal("gmm") is None


def test_check_generative_errors():
    with pytest.raises(CannotGenerateError, match=r"p\(y\|x\) only.*For tabular data: "):
        check_generative("logreg", "tabular")
    with pytest.raises(ParameterError, match="--model ngram_lm: reads text data, but this data"):
        check_generative("ngram_lm", "image")
    check_generative("gmm", "image")
