"""The judge policy, fitting a judge, its verdicts and CAS."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.exceptions import ParameterError
from genvsdisc.generation import (
    JUDGES,
    Judge,
    build_model,
    classification_accuracy_score,
    fit_judge,
    judge_name,
)


def test_one_default_judge_per_modality():
    assert {m: judge_name(m) for m in JUDGES} == {
        "image": "knn",
        "tabular": "hgb",
        "text": "logreg",
        "audio": "clip_svm",
    }
    assert judge_name("sound") is None


def test_fit_judge_default_reads_images(digits_split):
    judge = fit_judge(*digits_split)
    assert judge.name == "knn" and judge.accuracy > 0.85


def test_fit_judge_named_model_and_its_accuracy(iris_split):
    train, test = iris_split
    judge = fit_judge(train, test, "logreg", seed=0, params={"C": 1.0})
    expected = np.mean(judge.model.predict(test.X) == test.y)
    assert judge.name == "logreg" and judge.accuracy == pytest.approx(expected) and expected > 0.9


@pytest.mark.parametrize(
    ("name", "match"),
    [
        ("gaussian_nb", "--judge gaussian_nb: a judge must be a discriminative model"),
        ("knn", "--judge knn: reads tabular, image data, not text"),
    ],
)
def test_fit_judge_refuses_unfit_models(topics_split, name, match):
    with pytest.raises(ParameterError, match=match):
        fit_judge(*topics_split, name)


def test_verdicts_are_the_most_probable_class_and_its_probability(iris_split):
    train, test = iris_split
    model = build_model("logreg", seed=0, params={"C": 1.0}).fit(train.X, train.y)
    verdicts = Judge("logreg", model, 1.0).verdicts(test.X)
    np.testing.assert_array_equal(verdicts.judged, model.predict(test.X))
    np.testing.assert_allclose(verdicts.confidence, verdicts.proba.max(axis=1))
    assert verdicts.proba.shape == (test.n_samples, 3)


def test_cas_trains_a_fresh_copy_on_generated_rows(iris_split):
    train, test = iris_split
    judge = fit_judge(train, test, "logreg", params={"C": 1.0})
    # "generated" rows that carry no class information: CAS drops to about chance
    rng = np.random.default_rng(0)
    noise = rng.normal(size=(60, 4))
    noise_cas = judge.cas(noise, rng.integers(0, 3, 60), test.X, test.y)
    real_cas = classification_accuracy_score(judge.model, train.X, train.y, test.X, test.y)
    assert noise_cas < 0.6 < 0.9 < real_cas
    assert judge.accuracy == pytest.approx(real_cas)  # the judge itself was not refitted
