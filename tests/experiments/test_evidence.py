"""Pairs, intervals and the gated wording, on seeded fake results."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.experiments import evidence
from genvsdisc.experiments.accuracy import Accuracy, AccuracyResult
from genvsdisc.experiments.evidence import close_range
from genvsdisc.experiments.learning_curve import LearningCurve
from genvsdisc.report.findings import advice_novelty


def _splits(mean: float, n: int = 5, sd: float = 0.01, seed: int = 0) -> list[float]:
    return list(mean + np.random.default_rng(seed).normal(0, sd, n))


def test_pairs_for_matches_boundary_forms_and_flags_mismatch():
    pairs = evidence.pairs_for(
        ["lda", "qda", "gmm", "logreg", "knn"], evidence.preferred("tabular")
    )
    got = {(p["generative"], p["discriminative"]): p["matched"] for p in pairs}
    assert got == {("lda", "logreg"): True, ("qda", "logreg"): False, ("gmm", "knn"): True}
    assert "part of any gap is flexibility" in evidence.pair_text(pairs[1])


def test_paired_interval_uses_sample_variance_and_t_quantile():
    iv = evidence.paired_interval([0.9, 0.8, 0.7], [0.8, 0.8, 0.8])
    half = 2.919986 * 0.1 / np.sqrt(3) * np.sqrt(1.0)  # t(0.975, 2) * sd(ddof=1) / sqrt(J)
    assert iv["diff"] == pytest.approx(0.0, abs=1e-12)
    assert iv["high"] == pytest.approx(half * 4.302653 / 2.919986, rel=1e-4)
    single = evidence.paired_interval([0.9], [0.8])
    assert np.isnan(single["low"]) and not evidence.differs(single)


def _accuracy(gen: list[float], disc: list[float]) -> AccuracyResult:
    rows = [
        {
            "model": m,
            "family": f,
            "boundary": "linear",
            "accuracy": float(np.mean(v)),
            "accuracy_se": 0.01,
            "ece": 0.05,
            "at_chance": False,
        }
        for m, f, v in (("lda", "generative", gen), ("logreg", "discriminative", disc))
    ]
    pair = evidence.pairs_for(["lda", "logreg"])[0]
    pair["accuracy_diff"] = evidence.paired_interval(gen, disc, test_fraction=0.4)
    return AccuracyResult(
        seed=0, rows=rows, best={}, splits=list(range(5)), pairs=[pair], chance=0.1
    )


def test_accuracy_finding_inside_noise_is_too_close_to_call():
    text = Accuracy().finding(_accuracy(_splits(0.90, seed=1), _splits(0.902, seed=2)), "toy")
    assert "lda and logreg are too close to call on accuracy" in text
    assert "ahead" not in text and "leads" not in text
    assert "lda ↔ logreg (both linear: like with like)" in text


def test_accuracy_finding_clear_difference_names_the_leader():
    text = Accuracy().finding(_accuracy(_splits(0.95, seed=1), _splits(0.80, seed=2)), "toy")
    assert "lda is ahead of logreg on accuracy (+15" in text and "too close" not in text


def _curve_pair(gen: np.ndarray, disc: np.ndarray, sizes: list[int]) -> dict:
    pair = evidence.pairs_for(["lda", "logreg"])[0]
    pair["gap"] = [evidence.paired_interval(gen[:, j], disc[:, j]) for j in range(len(sizes))]
    pair["range"] = close_range(sizes, pair["gap"])
    return pair


def test_learning_curve_crossover_is_a_range_within_noise():
    sizes = [10, 40, 160, 640]
    rng = np.random.default_rng(0)
    noise = rng.normal(0, 0.01, (5, 4))
    gen = np.array([0.80, 0.85, 0.88, 0.89]) + noise
    disc = np.array([0.60, 0.84, 0.89, 0.97]) + rng.normal(0, 0.01, (5, 4))
    pair = _curve_pair(gen, disc, sizes)
    assert pair["range"]["close"] == [40, 160]
    text = LearningCurve.pair_finding(pair, sizes)
    assert "within noise of each other at 40 and 160 rows" in text
    assert "below that lda is ahead, above it logreg" in text
    assert "cross at" not in text


def test_learning_curve_all_inside_noise_claims_no_direction():
    sizes = [10, 100]
    gen = np.array([[0.7, 0.9], [0.8, 0.8], [0.75, 0.85]])
    disc = np.array([[0.75, 0.85], [0.7, 0.9], [0.8, 0.8]])
    text = LearningCurve.pair_finding(_curve_pair(gen, disc, sizes), sizes)
    assert text.count("too close to call") == 2 and "ahead" not in text


def _novelty_row(model: str, kind: str, aurocs: dict, n: int = 300) -> dict:
    return {
        "model": model,
        "auroc": {kind: aurocs},
        "auroc_ci": {kind: {s: evidence.auroc_interval(a, n, n) for s, a in aurocs.items()}},
    }


def test_novelty_recommendation_near_chance_is_never_recommended():
    rows = [_novelty_row("gmm", "log_px", {"noise": 0.62, "flip": 0.52}, n=40)]
    text = advice_novelty(rows)
    assert "no better than chance" in text and "use gmm" not in text


def test_novelty_recommendation_close_rivals_are_too_close_to_call():
    rows = [
        _novelty_row("gmm", "log_px", {"noise": 0.90, "flip": 0.86}),
        _novelty_row("logreg", "max_softmax", {"noise": 0.89, "flip": 0.86}),
    ]
    assert "too close to call" in advice_novelty(rows)


def test_novelty_recommendation_clear_winner_is_recommended():
    rows = [
        _novelty_row("gmm", "log_px", {"noise": 0.99, "flip": 0.97}),
        _novelty_row("logreg", "max_softmax", {"noise": 0.70, "flip": 0.65}),
    ]
    text = advice_novelty(rows)
    assert text.startswith("To flag unusual inputs, use gmm with its log p(x)")


def test_at_chance_flags_majority_rate():
    assert evidence.at_chance([0.5, 0.5, 0.5], 0.5, 100)
    assert not evidence.at_chance([0.9, 0.91, 0.89], 0.5, 100)


def test_unlabeled_harm_is_said_as_loudly_as_a_gain():
    from genvsdisc.experiments.unlabeled import Unlabeled, UnlabeledResult

    def row(variant, accs):
        return {
            "model": "gaussian_nb",
            "family": "generative",
            "variant": variant,
            "label": f"gaussian_nb ({variant})",
            "mean": [float(np.mean(accs))],
            "std": [0.01],
            "per_seed": [[a] for a in accs],
            "error": None,
        }

    result = UnlabeledResult(
        labels_per_class=[1],
        n_pool=100,
        max_pool=100,
        em_max_iter=None,
        seeds=[0, 1, 2],
        rows=[row("supervised", [0.69, 0.68, 0.70]), row("em", [0.52, 0.53, 0.51])],
        errors={},
    )
    text = Unlabeled().finding(result, "digits")
    assert "HARM: EM over the unlabeled rows lowered gaussian_nb from 69.0 % to 52.0 %" in text
    assert "fixed on all training labels" in text
