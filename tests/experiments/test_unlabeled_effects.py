"""A harm from the unlabeled rows is said as loudly as a gain, with its interval."""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.unlabeled import Unlabeled, UnlabeledResult
from genvsdisc.experiments.unlabeled_effects import effects
from genvsdisc.report.findings import advice_unlabeled


def _row(model, family, variant, accs):
    """accs: (seeds, ks) accuracies of one variant."""
    accs = np.asarray(accs, dtype=float)
    return {
        "model": model,
        "family": family,
        "variant": variant,
        "label": f"{model} ({variant})",
        "mean": accs.mean(axis=0).tolist(),
        "std": [0.01] * accs.shape[1],
        "per_seed": accs.tolist(),
        "error": None,
    }


def _result(rows):
    return UnlabeledResult(
        labels_per_class=[1, 10],
        n_pool=500,
        max_pool=500,
        em_max_iter=None,
        seeds=[0, 1, 2, 3, 4],
        rows=rows,
        errors={},
    )


def _fake():
    """Seeded: EM harms gaussian_nb (68.7 -> 52.2 %), self-training drags logreg down at
    10 labels only, EM on lda is within noise."""
    rng = np.random.default_rng(0)

    def acc(center):
        return np.clip(np.asarray(center) + rng.normal(0, 0.005, (5, 2)), 0, 1)

    return _result(
        [
            _row("gaussian_nb", "generative", "supervised", acc([0.687, 0.80])),
            _row("gaussian_nb", "generative", "em", acc([0.522, 0.70])),
            _row("lda", "generative", "supervised", acc([0.60, 0.85])),
            _row("lda", "generative", "em", rng.normal([0.60, 0.85], 0.05, (5, 2))),
            _row("logreg", "discriminative", "supervised", acc([0.55, 0.90])),
            _row("logreg", "discriminative", "self_training", acc([0.55, 0.80])),
        ]
    )


def test_effects_classify_harm_gain_and_close():
    kinds = {(e["model"], e["variant"], e["k"]): e["kind"] for e in effects(_fake())}
    assert kinds[("gaussian_nb", "em", 1)] == "harm"
    assert kinds[("logreg", "self_training", 10)] == "harm"
    assert kinds[("lda", "em", 1)] == "close"


def test_a_harm_yields_the_harm_sentence_in_finding_and_recommendation():
    result = _fake()
    finding = Unlabeled().finding(result, "digits")
    advice = advice_unlabeled(result)
    for text in (finding, advice):
        assert "HARM: EM over the unlabeled rows lowered gaussian_nb from 68." in text
        assert " to 51.8 %" in text and "95 % interval [" in text
        # self-training's harm shows at 10 labels even though 1 label is a tie
        assert "HARM: self-training lowered logreg" in text and "with 10 label(s)" in text
        assert "fixed on all training labels" in text
    assert "too close to call" in finding  # lda's EM: said, without a direction
    assert "lda" not in advice  # the recommendation lists clear effects only


def test_a_gain_gets_the_same_loud_wording():
    rng = np.random.default_rng(1)
    result = _result(
        [
            _row("gaussian_nb", "generative", "supervised", 0.5 + rng.normal(0, 0.005, (5, 2))),
            _row("gaussian_nb", "generative", "em", 0.7 + rng.normal(0, 0.005, (5, 2))),
        ]
    )
    assert "GAIN: EM over the unlabeled rows raised gaussian_nb" in advice_unlabeled(result)


def test_no_clear_effect_is_said_too():
    rng = np.random.default_rng(2)
    result = _result(
        [
            _row("gaussian_nb", "generative", "supervised", rng.normal(0.6, 0.05, (5, 2))),
            _row("gaussian_nb", "generative", "em", rng.normal(0.6, 0.05, (5, 2))),
        ]
    )
    assert "changed no model's accuracy beyond noise" in advice_unlabeled(result)


def test_one_label_draw_claims_neither_harm_nor_gain():
    result = _result(
        [
            _row("logreg", "discriminative", "supervised", [[0.727, 0.9]]),
            _row("logreg", "discriminative", "self_training", [[0.637, 0.8]]),
        ]
    )
    result.seeds = [0]
    advice = advice_unlabeled(result)
    assert "neither a harm nor a gain can be claimed" in advice and "HARM" not in advice
    finding = Unlabeled().finding(result, "digits")
    assert "a drop, but not settled" in finding and "one repetition: no interval" in finding
    assert "too close to call" not in finding  # no interval: not a tie either
