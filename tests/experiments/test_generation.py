import numpy as np
import pytest

from genvsdisc.experiments import Skip, run_experiment
from genvsdisc.experiments.generation import memorisation_check


def test_memorisation_copies_detected():
    rng = np.random.default_rng(0)
    X_train, X_test = rng.normal(size=(200, 3)), rng.normal(size=(100, 3))
    out = memorisation_check(X_train[:50], X_train, X_test)
    assert out["copies"] == 50 and out["ratio"] == 0 and out["closer_than_test_p5"] == 1


def test_memorisation_fresh_samples_look_like_test_rows():
    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(300, 3))
    out = memorisation_check(rng.normal(size=(300, 3)), X_train, rng.normal(size=(300, 3)))
    assert out["copies"] == 0 and 0.7 < out["ratio"] < 1.4 and out["closer_than_test_p5"] < 0.15


def test_generation_rows(iris_split, quick):
    out = run_experiment("generation", *iris_split, ["gaussian_nb", "logreg"], quick)
    nb = next(r for r in out.rows if r["model"] == "gaussian_nb")
    lr = next(r for r in out.rows if r["model"] == "logreg")
    assert out.judge["accuracy"] > 0.8
    assert nb["judge_agreement"] > 0.7 and nb["cas"] > 0.7
    assert len(nb["shown"]["y"]) == 3 * 3
    assert "cannot generate" in lr["cannot_generate"]


def test_generation_skips_discriminative_only(iris_split, quick):
    with pytest.raises(Skip, match="no generative model in this run"):
        run_experiment("generation", *iris_split, ["logreg", "knn"], quick)
