import pytest

from genvsdisc import generation
from genvsdisc.experiments import Skip, run_experiment
from genvsdisc.experiments.generation import memorisation_check


def test_memorisation_check_is_the_generation_cores():
    # the experiment measures copies with the one check genvsdisc generate uses
    assert memorisation_check is generation.memorisation_check


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
