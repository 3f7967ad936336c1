import copy
from collections import Counter

import numpy as np
from sklearn.metrics import roc_auc_score

from genvsdisc.experiments import get_experiment, run_experiment
from genvsdisc.experiments.novelty import (
    EMPTY_FLAG,
    LENGTH_STATISTIC,
    NoveltyResult,
    has_roc,
    ood_sets,
)
from genvsdisc.experiments.novelty_scores import ROC_FPR, roc_points
from genvsdisc.experiments.novelty_wording import failure_cause, failure_sentences
from genvsdisc.report.plots import Style


def test_ood_sets_images(tiny_images):
    train, test = tiny_images
    sets = ood_sets(train, test, seed=0)
    assert set(sets) == {"noise", "shuffled", "inverted", "rotated"}
    assert all(X.shape == test.X.shape for X in sets.values())
    # shuffling keeps every column's values
    np.testing.assert_array_equal(np.sort(sets["shuffled"], axis=0), np.sort(test.X, axis=0))
    img = test.X[0].reshape(8, 8)
    np.testing.assert_array_equal(sets["rotated"][0].reshape(8, 8), np.rot90(img))


def test_ood_sets_text_keep_the_words(tiny_text):
    train, test = tiny_text
    sets = ood_sets(train, test, seed=0)
    words = Counter(" ".join(test.X).split())
    assert Counter(" ".join(sets["mixed_words"]).split()) == words
    assert [len(d.split()) for d in sets["mixed_words"]] == [len(d.split()) for d in test.X]


def test_novelty_auroc_noise(tiny_images, quick):
    out = run_experiment("novelty", *tiny_images, ["gaussian_nb", "logreg"], quick)
    nb = next(r for r in out.rows if r["model"] == "gaussian_nb")
    lr = next(r for r in out.rows if r["model"] == "logreg")
    assert set(nb["auroc"]) == {"log_px", "max_softmax"} and set(lr["auroc"]) == {"max_softmax"}
    assert nb["auroc"]["log_px"]["noise"] > 0.9
    assert all(f["auroc"] < 0.6 for f in out.likelihood_failures)
    assert sum(nb["hist"]["log_px"]["counts"]["test"]) == tiny_images[1].n_samples


def test_novelty_text(tiny_text, quick):
    out = run_experiment("novelty", *tiny_text, ["multinomial_nb", "logreg"], quick)
    assert out.sets == ["mixed_words", "shuffled_order"]
    nb = next(r for r in out.rows if r["model"] == "multinomial_nb")
    assert 0 <= nb["auroc"]["log_px"]["mixed_words"] <= 1


def test_novelty_text_length_aware_score_flags_an_empty_document(tiny_text, quick):
    out = run_experiment("novelty", *tiny_text, ["multinomial_nb", "logreg"], quick)
    assert out.length_statistic == LENGTH_STATISTIC
    nb = next(r for r in out.rows if r["model"] == "multinomial_nb")
    assert set(nb["auroc"]) == {"log_px", "max_softmax", "per_word", "typicality"}
    # the raw likelihood ranks an empty document as most typical (every extra word
    # multiplies in a probability below one) ...
    assert nb["length"]["empty"]["log_px"] < 0.05
    # ... per word, multinomial_nb's length model (log p(N = 0) is low) gives it away
    assert nb["length"]["empty"]["per_word"] >= EMPTY_FLAG
    # ... the typicality test flags it as unusual
    assert nb["length"]["empty"]["typicality"] >= EMPTY_FLAG
    assert nb["length"]["corr_ci"][1] < 0  # longer documents, lower log p(x)
    finding = get_experiment("novelty").finding(out, "tiny_text")
    assert "the likelihood favours short documents (a length effect" in finding
    assert "not a failure in Nalisnick's sense" in finding
    assert "per-word typicality" in finding and "flags the empty document as unusual" in finding
    assert "genuine likelihood failure" not in finding
    assert "ranks an empty document as more unusual than" in finding
    assert "per-word typicality" in get_experiment("novelty").table(out)


def test_vector_data_has_no_length_score(tiny_images, quick):
    out = run_experiment("novelty", *tiny_images, ["gaussian_nb"], quick)
    assert out.length_statistic is None and "length_statistic" not in out.to_dict()
    assert "typicality" not in out.rows[0]["auroc"]


def test_roc_points_match_the_auroc():
    rng = np.random.default_rng(0)
    normal, unusual = rng.normal(0, 1, 300), rng.normal(1, 1, 200)
    tpr = roc_points(normal, unusual)
    assert len(tpr) == len(ROC_FPR) <= 101 and tpr[0] >= 0 and tpr[-1] == 1.0
    assert np.all(np.diff(tpr) >= 0)
    auc = roc_auc_score(np.r_[np.zeros(300), np.ones(200)], np.r_[normal, unusual])
    assert abs(np.trapezoid(tpr, ROC_FPR) - auc) < 0.01
    # all scores tied: the chance diagonal, not a step under it
    np.testing.assert_allclose(roc_points(np.zeros(5), np.zeros(5)), ROC_FPR, atol=1e-4)


def _fake(auroc: dict, ci: dict) -> dict:
    return {"model": "m", "auroc": auroc, "auroc_ci": ci}


def test_failure_cause_tells_length_from_nalisnick():
    length = _fake(
        {"log_px": {"s": 0.55}, "typicality": {"s": 0.9}},
        {"log_px": {"s": [0.45, 0.65]}, "typicality": {"s": [0.85, 0.95]}},
    )
    per_word = _fake(  # bbc_news's mixed words: typicality misses them, per-word sees them
        {"log_px": {"s": 0.58}, "per_word": {"s": 0.71}, "typicality": {"s": 0.46}},
        {
            "log_px": {"s": [0.55, 0.61]},
            "per_word": {"s": [0.68, 0.74]},
            "typicality": {"s": [0.43, 0.49]},
        },
    )
    assert failure_cause(per_word, "s") == "length"
    nalisnick = _fake(
        {"log_px": {"s": 0.2}, "typicality": {"s": 0.52}},
        {"log_px": {"s": [0.15, 0.25]}, "typicality": {"s": [0.45, 0.6]}},
    )
    weak = _fake({"log_px": {"s": 0.55}}, {"log_px": {"s": [0.45, 0.65]}})
    assert failure_cause(length, "s") == "length"
    assert failure_cause(nalisnick, "s") == "nalisnick"
    assert failure_cause(weak, "s") == "weak"
    below = _fake({"log_px": {"s": 0.2}}, {"log_px": {"s": [0.15, 0.25]}})
    assert failure_cause(below, "s") == "nalisnick"  # vector data: no length to blame


def test_failure_sentences_name_the_cause():
    class Result:
        rows = [
            dict(
                _fake(
                    {"log_px": {"s": 0.55}, "typicality": {"s": 0.9}},
                    {"log_px": {"s": [0.45, 0.65]}, "typicality": {"s": [0.85, 0.95]}},
                )
            )
        ]
        likelihood_failures = [{"model": "m", "set": "s", "auroc": 0.55}]

    (sentence,) = failure_sentences(Result)
    assert "a length effect, not a likelihood failure in Nalisnick's sense" in sentence
    assert "[0.45, 0.65]" in sentence and "[0.85, 0.95]" in sentence
    Result.rows[0]["auroc"]["log_px"]["s"] = 0.2
    Result.rows[0]["auroc_ci"]["log_px"]["s"] = [0.15, 0.25]
    Result.rows[0]["auroc"]["typicality"]["s"] = 0.5
    Result.rows[0]["auroc_ci"]["typicality"]["s"] = [0.4, 0.6]
    (sentence,) = failure_sentences(Result)
    assert "a genuine likelihood failure in Nalisnick's sense" in sentence
    assert "length does not explain it" in sentence


def test_old_record_without_roc_points_still_loads_and_draws(tiny_images, quick):
    out = run_experiment("novelty", *tiny_images, ["gaussian_nb"], quick)
    section = copy.deepcopy(out.to_dict())
    del section["roc_fpr"]
    for r in section["rows"]:
        del r["roc"]
    old = NoveltyResult.from_dict(section)
    assert not has_roc(old) and has_roc(out)
    fig = get_experiment("novelty").figure(old, Style([]), [])
    assert fig.axes[0].patches  # AUROC bars


def test_scores_take_one_joint_pass_and_equal_the_two_calls():
    """p(y|x) and log p(x) from one predict_joint_log_proba equal the models' own two calls."""
    from genvsdisc.data import load
    from genvsdisc.experiments.novelty_scores import _bayes_rule_as_base, _scores
    from genvsdisc.models import make

    X, y = load("iris").X, load("iris").y
    for name in ("gmm", "qda", "gaussian_nb"):
        est = make(name).fit(X, y)
        assert _bayes_rule_as_base(est)
        got = _scores(est, X, generative=True, centre=None)
        np.testing.assert_array_equal(got["max_softmax"], est.predict_proba(X).max(axis=1))
        np.testing.assert_array_equal(got["log_px"], est.score_samples(X))
