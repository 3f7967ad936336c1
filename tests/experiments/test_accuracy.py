import numpy as np

from genvsdisc.experiments import run_experiment
from genvsdisc.experiments.accuracy import fit_score
from genvsdisc.models import make


def test_accuracy_matches_model(iris_split, quick):
    train, test = iris_split
    out = fit_score(train, test, model="gaussian_nb", seed=0, settings=quick)
    ref = make("gaussian_nb").fit(train.X, train.y).predict(test.X)
    assert out["accuracy"] == np.mean(ref == test.y)
    assert 0 <= out["ece"] <= 1 and out["log_loss"] > 0 and out["fit_s"] >= 0


def test_accuracy_rows_sorted_with_family_best(iris_split, quick):
    out = run_experiment("accuracy", *iris_split, ["gaussian_nb", "logreg"], quick)
    accs = [r["accuracy"] for r in out.rows]
    assert accs == sorted(accs, reverse=True)
    assert set(out.best) == {"generative", "discriminative"}
