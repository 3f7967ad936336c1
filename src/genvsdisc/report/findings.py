"""The closing recommendation: advice for this data across the experiments that ran.

Each experiment writes its own finding (``Experiment.finding``); this module
only weighs them against the user's questions (little data, missing fields,
few labels, unusual inputs, synthetic rows). Everything is computed from the
results record only.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.generation import GenerationResult
from genvsdisc.experiments.learning_curve import LearningCurveResult, crossings
from genvsdisc.experiments.missing import MissingResult, half_index
from genvsdisc.experiments.novelty import NoveltyResult
from genvsdisc.experiments.unlabeled import UnlabeledResult
from genvsdisc.report.tables import pct, rank_value

__all__ = ["recommendation"]


def _ok(record: dict, name: str, result_type):
    """The typed result of experiment ``name`` when it ran, else None."""
    sec = record["experiments"].get(name, {})
    return result_type.from_dict(sec) if sec.get("status") == "ok" else None


def recommendation(record: dict) -> list[str]:
    """Advice for this data, one line per question, from the numbers in ``record``."""
    out = []
    lc = _ok(record, "learning_curve", LearningCurveResult)
    if lc and lc.curves:
        out.append(_advice_size(lc))
    missing = _ok(record, "missing", MissingResult)
    if missing and missing.rows:
        j = half_index(missing.fractions)
        r = max(missing.rows, key=lambda r: rank_value(r["mean"][j]))
        out.append(
            f"If fields go missing at prediction time, use {r['label']}: "
            f"{pct(r['mean'][j])} with {missing.fractions[j]:.0%} of them gone."
        )
    unlabeled = _ok(record, "unlabeled", UnlabeledResult)
    if unlabeled and unlabeled.rows:
        r = max(unlabeled.rows, key=lambda r: rank_value(r["mean"][0]))
        out.append(
            f"With only {unlabeled.labels_per_class[0]} label(s) per class and many "
            f"unlabeled rows, use {r['label']} ({pct(r['mean'][0])})."
        )
    novelty = _ok(record, "novelty", NoveltyResult)
    if novelty and novelty.rows:
        cands = [
            (np.mean(list(v.values())), r["model"], k)
            for r in novelty.rows
            for k, v in r["auroc"].items()
        ]
        auc, m, k = max(cands)
        score = "its log p(x)" if k == "log_px" else "its max-softmax confidence"
        out.append(f"To flag unusual inputs, use {m} with {score} (mean AUROC {auc:.2f}).")
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


def _advice_size(lc: LearningCurveResult) -> str:
    curves, sizes = lc.curves, lc.sizes
    first = max(curves, key=lambda m: rank_value(curves[m]["mean"][0]))
    last = max(curves, key=lambda m: rank_value(curves[m]["mean"][-1]))
    if first == last:
        return (
            f"At every training size tried ({sizes[0]} to {sizes[-1]} rows) "
            f"{first} was the best choice."
        )
    cross = crossings(sizes, curves[first]["mean"], curves[last]["mean"])
    where = f"~{cross[-1]['size']:.0f}" if cross else f"{sizes[len(sizes) // 2]}"
    return (
        f"With fewer than {where} labeled rows use {first} "
        f"({pct(curves[first]['mean'][0])} at {sizes[0]}); with more, use {last} "
        f"({pct(curves[last]['mean'][-1])} at {sizes[-1]})."
    )
