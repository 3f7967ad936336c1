from dataclasses import replace

import numpy as np
import pytest

from genvsdisc.experiments import Settings, run_experiment
from genvsdisc.experiments.learning_curve import LearningCurve, curve, strategy, training_sizes
from genvsdisc.models import make


def test_training_sizes_log_spaced_to_full():
    sizes = training_sizes(1000, 10, 6)
    assert sizes[0] == 20 and sizes[-1] == 1000 and sizes == sorted(set(sizes))


def test_training_sizes_tiny_pool():
    assert training_sizes(5, 3, 4)[-1] == 5


def test_strategy_per_model():
    assert strategy(make("gaussian_nb"), vector=True) == "partial_fit"
    assert strategy(make("gaussian_nb"), vector=False) == "refit"
    assert strategy(make("knn"), vector=True) == "refit"
    assert strategy(make("logreg"), vector=True) == "warm_start"


def test_partial_fit_curve_equals_refit(iris_split, quick):
    train, test = iris_split
    sizes = training_sizes(train.n_samples, 3, 5)
    fast = curve(train, test, model="gaussian_nb", seed=3, sizes=sizes, settings=quick)
    slow = curve(
        train, test, model="gaussian_nb", seed=3, sizes=sizes, settings=quick, incremental=False
    )
    assert fast["strategy"] == "partial_fit" and slow["strategy"] == "refit"
    np.testing.assert_allclose(fast["accuracy"], slow["accuracy"])


def test_learning_curve_combined(iris_split, quick):
    out = run_experiment("learning_curve", *iris_split, ["gaussian_nb", "logreg"], quick)
    assert list(out.curves) == ["gaussian_nb", "logreg"]
    c = out.curves["logreg"]
    assert np.shape(c["per_seed"]) == (2, len(out.sizes))
    assert c["mean"][-1] == pytest.approx(np.mean(np.array(c["per_seed"])[:, -1]))
    assert out.leader_largest in ("generative", "discriminative", "tie")


def test_warm_start_curve_matches_refit(iris_split):
    train, test = iris_split
    settings = Settings(model_params={"logreg": {"C": 1.0}})
    sizes = training_sizes(train.n_samples, 3, 5)
    fast = curve(train, test, model="logreg", seed=1, sizes=sizes, settings=settings)
    slow = curve(
        train, test, model="logreg", seed=1, sizes=sizes, settings=settings, incremental=False
    )
    assert fast["strategy"] == "warm_start"
    # same convex optimum, reached from another start: equal up to a test row or two
    np.testing.assert_allclose(fast["accuracy"], slow["accuracy"], atol=2.5 / test.n_samples)


def test_learning_curve_notes_hyper_parameters_fixed_for_every_size(iris_split, quick):
    fixed = replace(quick, seeds=(0,), model_params={"logreg": {"C": 1.0}})
    out = run_experiment("learning_curve", *iris_split, ["gaussian_nb", "logreg"], fixed)
    assert out.note.startswith("logreg: every size uses the hyper-parameters chosen once")
    plain = run_experiment("learning_curve", *iris_split, ["gaussian_nb"], quick)
    assert plain.note is None and "note" not in plain.to_dict()


def test_hgb_chance_plateau_is_explained(moons_split, quick):
    out = run_experiment("learning_curve", *moons_split, ["hgb"], quick)
    low = out.chance["hgb"]["sizes"]
    assert low and max(low) < 40 and out.sizes[-1] not in low
    text = LearningCurve().finding(out, "moons")
    assert "hgb is at chance level" in text and "predicts the majority class" in text
    assert "min_samples_leaf=20" in text


def test_a_chance_plateau_without_a_known_cause_gets_the_generic_sentence(iris_split, quick):
    out = run_experiment("learning_curve", *iris_split, ["gaussian_nb"], quick)
    out.chance = {"gaussian_nb": {"sizes": out.sizes[:1], "rate": 1 / 3, "why": None}}
    text = LearningCurve().finding(out, "iris")
    assert "no better than always answering the most frequent class" in text
