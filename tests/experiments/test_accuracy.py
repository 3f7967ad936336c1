from dataclasses import replace

import numpy as np

from genvsdisc.experiments import get_experiment, run_experiment
from genvsdisc.experiments.accuracy import fit_score
from genvsdisc.experiments.common import resplit
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


def test_accuracy_repeats_over_splits_and_says_how_many(iris_split, quick):
    settings = replace(quick, n_splits=3)
    out = run_experiment("accuracy", *iris_split, ["lda", "logreg"], settings)
    row = out.scored()[0]
    assert out.splits == [0, 1, 2] and len(row["per_split"]["accuracy"]) == 3
    assert row["accuracy"] == np.mean(row["per_split"]["accuracy"])
    assert row["accuracy_se"] == np.std(row["per_split"]["accuracy"], ddof=1) / np.sqrt(3)
    (pair,) = out.pairs
    assert (pair["generative"], pair["discriminative"], pair["matched"]) == ("lda", "logreg", True)
    assert pair["accuracy_diff"]["n"] == 3
    assert "3 splits" in get_experiment("accuracy").table(out)


def test_resplit_keeps_sizes_and_changes_rows(iris_split, quick):
    train, test = iris_split
    a, b = resplit(train, test, 1, quick)
    assert (a.n_samples, b.n_samples) == (train.n_samples, test.n_samples)
    assert resplit(train, test, 0, quick) == (train, test)
    assert not np.array_equal(np.sort(b.X, axis=0), np.sort(test.X, axis=0))
