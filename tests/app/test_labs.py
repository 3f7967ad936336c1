"""The labs' lazy, cached models and their one-line errors."""

from __future__ import annotations

import pytest

from genvsdisc.app.labs import ImageLab, TextLab
from genvsdisc.exceptions import ParameterError


def test_image_lab_info_fits_nothing(tiny_labs):
    lab = ImageLab(tiny_labs)
    info = lab.info()
    assert info["dataset"] == "digits" and not info["judge"]["ready"]
    assert [m["name"] for m in info["detectives"]] == ["logreg"]


def test_image_lab_warm_fits_default_and_judge_once(tiny_labs):
    lab = ImageLab(tiny_labs)
    lab.warm()
    info = lab.info()
    assert info["models"][0]["ready"] and info["judge"]["ready"]
    first = lab._models["gaussian_nb"].get()
    lab.warm()
    assert lab._models["gaussian_nb"].get() is first  # cached, not refitted


def test_image_lab_refuses_model_not_offered(tiny_labs):
    with pytest.raises(
        ParameterError, match="'cvae' is not offered here; choose one of: gaussian_nb"
    ) as info:
        ImageLab(tiny_labs).generate("cvae", 2)
    assert info.value.field == "model"


def test_image_lab_draw_refuses_generative_name(tiny_labs):
    with pytest.raises(
        ParameterError, match="'gaussian_nb' is not offered here; choose one of: logreg"
    ):
        ImageLab(tiny_labs).draw("gaussian_nb")


def test_text_lab_unknown_topic_lists_topics(tiny_labs):
    with pytest.raises(
        ParameterError, match="unknown topic 'cooking'; choose one of: business"
    ) as info:
        TextLab(tiny_labs).continue_prompt("cooking", "x", 5)
    assert info.value.field == "topic"
