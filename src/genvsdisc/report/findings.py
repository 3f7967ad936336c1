"""The closing recommendation: advice for this data across the experiments that ran.

Each experiment writes its own finding (``Experiment.finding``); this module
only weighs them against the user's questions (little data, missing fields,
few labels, unusual inputs, synthetic rows). Everything is computed from the
results record only.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.exceptions import UnknownNameError
from genvsdisc.experiments import evidence
from genvsdisc.experiments.generation import GenerationResult
from genvsdisc.experiments.learning_curve import LearningCurveResult
from genvsdisc.experiments.missing import MissingResult, half_index
from genvsdisc.experiments.novelty import NoveltyResult, mean_interval
from genvsdisc.experiments.novelty_figure import KIND_TEXT
from genvsdisc.experiments.unlabeled import UnlabeledResult
from genvsdisc.experiments.unlabeled_effects import HYPER_NOTE, effect_sentence, effects
from genvsdisc.report.tables import pct, rank_value

__all__ = ["recommendation", "advice_novelty", "advice_unlabeled"]


def _ok(record: dict, name: str, result_type):
    """The typed result of experiment ``name`` when it ran, else None."""
    sec = record["experiments"].get(name, {})
    return result_type.from_dict(sec) if sec.get("status") == "ok" else None


def recommendation(record: dict) -> list[str]:
    """Advice for this data, one line per question, from the numbers in ``record``.

    Every line that prefers one model to another is gated by an interval on
    their difference: "too close to call" when it includes zero.
    """
    out = []
    lc = _ok(record, "learning_curve", LearningCurveResult)
    if lc and lc.pairs:
        out += [_advice_size(p, lc.sizes) for p in lc.pairs]
    missing = _ok(record, "missing", MissingResult)
    if missing and missing.rows:
        j = half_index(missing.fractions)
        out.append(
            _advice_best(
                missing.rows,
                j,
                f"If fields go missing at prediction time "
                f"({missing.fractions[j]:.0%} of them gone)",
                unit="masks",
                resolution=1 / max(missing.n_rows, 1),
            )
        )
    unlabeled = _ok(record, "unlabeled", UnlabeledResult)
    if unlabeled and unlabeled.rows:
        out.append(
            _advice_best(
                unlabeled.rows,
                0,
                f"With only {unlabeled.labels_per_class[0]} label(s) per class and many "
                "unlabeled rows",
                unit="label draws",
            )
        )
        out.append(advice_unlabeled(unlabeled))
    novelty = _ok(record, "novelty", NoveltyResult)
    if novelty and novelty.rows:
        out.append(advice_novelty(novelty.rows))
    generation = _ok(record, "generation", GenerationResult)
    if generation:
        rows = [r for r in generation.rows if r["family"] == "generative" and "cas" in r]
        if rows:
            r = max(rows, key=lambda r: r["cas"])
            out.append(
                f"To generate synthetic rows, use {r['model']} (CAS {pct(r['cas'])}, "
                f"judge agreement {pct(r['judge_agreement'])})."
            )
    elif record["experiments"].get("generation", {}).get("status") == "skipped":
        out.append(
            "To generate synthetic rows you need a generative model: "
            + record["experiments"]["generation"]["reason"]
            + "."
        )
    return out


def _advice_size(pair: dict, sizes: list[int]) -> str:
    """One pair's advice by training size, each end gated by its interval."""
    g, d = pair["generative"], pair["discriminative"]
    return (
        f"Data size, pair {evidence.pair_text(pair)}: with {sizes[0]} labeled rows "
        f"{evidence.versus(g, d, pair['gap'][0])}; with {sizes[-1]}, "
        f"{evidence.versus(g, d, pair['gap'][-1])}."
    )


def _advice_best(
    rows: list[dict], j: int, situation: str, unit: str, resolution: float = 0.0
) -> str:
    """The best row at column ``j``, recommended only when it beats the best row of the
    other family beyond noise (paired over the same seeds), else "too close to call"."""
    best = max(rows, key=lambda r: rank_value(r["mean"][j]))
    other = [r for r in rows if r["family"] != best["family"]]
    if not other:
        return (
            f"{situation}, {best['label']} scored best ({pct(best['mean'][j])}); "
            "no other family ran."
        )
    rival = max(other, key=lambda r: rank_value(r["mean"][j]))
    iv = evidence.paired_interval(_column(best, j), _column(rival, j), resolution=resolution)
    try:
        forms = evidence.form_note(best["model"], rival["model"])
    except UnknownNameError:  # a model outside the registry (the out-of-core SGD detective)
        forms = "their boundary forms are in the model table"
    if evidence.differs(iv):
        return (
            f"{situation}, use {best['label']} ({pct(best['mean'][j])}); "
            f"{evidence.versus(best['label'], rival['label'], iv)}; {forms}."
        )
    return (
        f"{situation}, {evidence.versus(best['label'], rival['label'], iv)}: "
        f"{pct(best['mean'][j])} against {pct(rival['mean'][j])}; {forms}."
    )


def _column(row: dict, j: int) -> np.ndarray:
    """A row's per-seed values at column ``j``: unlabeled rows hold ``per_seed`` as
    (seeds, ks), missing-features rows as (fractions, seeds)."""
    per = np.asarray(row["per_seed"], dtype=float)
    return per[:, j] if "variant" in row else per[j]


def advice_unlabeled(result: UnlabeledResult) -> str:
    """What using the unlabeled rows did: every clear harm and every clear gain (at any
    number of labels), each with its interval, or that none showed beyond noise."""
    clear = [e for e in effects(result) if e["kind"] != "close"]
    # harms first: a harm is said at least as loudly as a gain
    clear.sort(key=lambda e: (e["kind"] != "harm", e["interval"]["diff"]))
    if not clear:
        what = "Using the unlabeled rows (EM, self-training) changed no model's accuracy "
        if all(e["interval"]["n"] < 2 for e in effects(result)):
            return (
                "Using the unlabeled rows: with one label draw no change has an interval, so "
                "neither a harm nor a gain can be claimed (each change is in the unlabeled "
                f"finding); run more seeds to judge. {HYPER_NOTE}."
            )
        return f"{what}beyond noise at any number of labels tried. {HYPER_NOTE}."
    return (
        "Using the unlabeled rows: "
        + "; ".join(effect_sentence(e) for e in clear)
        + f". {HYPER_NOTE}."
    )


def advice_novelty(rows: list[dict]) -> str:
    """The novelty score to use, or why none is: an AUROC whose interval includes 0.5,
    or below 0.6, is no better than chance and is never recommended."""
    cands = []
    for r in rows:
        for kind in r["auroc"]:
            auc = float(np.mean(list(r["auroc"][kind].values())))
            iv = mean_interval(r, kind)
            cands.append((auc, iv, r["model"], kind))
    cands.sort(key=lambda c: -c[0])
    auc, iv, m, kind = cands[0]
    score = "its max-softmax confidence" if kind == "max_softmax" else f"its {KIND_TEXT[kind]}"
    verdict = evidence.auroc_verdict(auc, iv)
    if verdict:
        return (
            f"To flag unusual inputs: no score here is worth using; the best, {m} with "
            f"{score}, has mean AUROC {auc:.2f} [{iv[0]:.2f}, {iv[1]:.2f}], {verdict}."
        )
    rivals = [c for c in cands[1:] if c[2] != m]
    if rivals:
        r_auc, r_iv, r_m, r_kind = rivals[0]
        # independent halves combined: the two scores are not paired row by row here
        half = float(np.hypot((iv[1] - iv[0]) / 2, (r_iv[1] - r_iv[0]) / 2))
        gap = {"diff": auc - r_auc, "low": auc - r_auc - half, "high": auc - r_auc + half}
        if not evidence.differs(gap):
            r_score = "max-softmax" if r_kind == "max_softmax" else KIND_TEXT[r_kind]
            return (
                f"To flag unusual inputs, {m} ({score}, mean AUROC {auc:.2f}) and {r_m} "
                f"({r_score}, {r_auc:.2f}) are too close to call (difference {gap['diff']:+.2f}, "
                f"interval [{gap['low']:+.2f}, {gap['high']:+.2f}])."
            )
    return (
        f"To flag unusual inputs, use {m} with {score} (mean AUROC {auc:.2f}, "
        f"interval [{iv[0]:.2f}, {iv[1]:.2f}])."
    )
