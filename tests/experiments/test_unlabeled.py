import numpy as np
import pytest

from genvsdisc.experiments import Settings, Skip, run_experiment
from genvsdisc.experiments.unlabeled import label_counts


def test_label_counts_leave_a_pool(iris_split):
    train, _ = iris_split
    assert label_counts(train, Settings(labels_per_class=(1, 5, 34, 35, 500))) == [1, 5, 34]


def test_unlabeled_variants(iris_split, quick):
    out = run_experiment("unlabeled", *iris_split, ["gaussian_nb", "logreg"], quick)
    variants = {(r["model"], r["variant"]) for r in out.rows}
    assert ("gaussian_nb", "em") in variants and ("logreg", "self_training") in variants
    assert all(len(r["mean"]) == len(out.labels_per_class) for r in out.rows)


def test_unlabeled_text_em_and_self_training(tiny_text, quick):
    out = run_experiment("unlabeled", *tiny_text, ["multinomial_nb", "logreg"], quick)
    em = next(r for r in out.rows if r["variant"] == "em")
    assert 0 <= em["mean"][0] <= 1
    assert any(r["variant"] == "self_training" for r in out.rows)


def test_unlabeled_skips_without_pool(iris_split):
    with pytest.raises(Skip, match="no unlabeled pool would be left"):
        run_experiment("unlabeled", *iris_split, ["logreg"], Settings(labels_per_class=(100,)))


def test_unlabeled_same_seed_same_numbers(iris_split, quick):
    a = run_experiment("unlabeled", *iris_split, ["gaussian_nb"], quick)
    b = run_experiment("unlabeled", *iris_split, ["gaussian_nb"], quick)
    assert np.array_equal(a.rows[1]["per_seed"], b.rows[1]["per_seed"])


def test_unlabeled_text_model_without_vectorizer(tiny_text, quick):
    out = run_experiment("unlabeled", *tiny_text, ["ngram_lm"], quick)
    assert [r["variant"] for r in out.rows] == ["supervised"]
    row = out.rows[0]
    assert row["error"] is not None or 0 <= row["mean"][0] <= 1
