""" "Here": the line under each "Why" box that says whether this data shows it.

An experiment's ``why`` is general (what the theory expects, with no
direction); the line here is computed from the result and says, through the
intervals of :mod:`genvsdisc.experiments.evidence`, whether the expectation
showed on this data, went the other way, or stayed within noise. So the box
under a figure never makes a claim the numbers above it contradict.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments import evidence

__all__ = ["here"]


def here(name: str, result) -> str | None:
    """The "Here" sentence for experiment ``name``'s typed ``result`` (None: none)."""
    build = _BUILDERS.get(name)
    text = build(result) if build is not None else None
    return text[0].upper() + text[1:] if text else None


def _mismatch(pair: dict) -> str:
    return "" if pair["matched"] else " (a mismatched pair: part of the gap is flexibility)"


def _accuracy(result) -> str | None:
    parts = []
    for p in result.pairs:
        g, d, iv = p["generative"], p["discriminative"], p["accuracy_diff"]
        head = f"for {g} ↔ {d}{_mismatch(p)}"
        if not evidence.differs(iv):
            parts.append(f"{head} neither effect shows beyond noise ({evidence.points(iv)})")
        elif iv["diff"] < 0:
            parts.append(
                f"{head} the detective is ahead beyond noise ({evidence.points(iv)}), as when "
                "the artist's picture of p(x|y) is simpler than the truth"
            )
        else:
            parts.append(
                f"{head} the artist is ahead beyond noise ({evidence.points(iv)}), as when "
                "its picture of p(x|y) is good"
            )
    return "; ".join(parts) + "." if parts else None


def _learning_curve(result) -> str | None:
    sizes, parts = result.sizes, []
    for p in result.pairs:
        g, d, rng = p["generative"], p["discriminative"], p["range"]
        head = f"for {g} ↔ {d}{_mismatch(p)}"
        ends = f"{sizes[0]} and {sizes[-1]} rows"
        before, after = rng["before"], rng["after"]
        if before == "generative" and after == "discriminative":
            parts.append(
                f"{head} Ng & Jordan's pattern shows: {g} is ahead at {sizes[0]} rows and "
                f"{d} at {sizes[-1]}, each beyond noise"
            )
        elif before and before == after:
            lead = g if before == "generative" else d
            parts.append(
                f"{head} {lead} is ahead beyond noise at both {ends}, so the crossing "
                "Ng & Jordan describe does not show"
            )
        elif before == "discriminative" and after == "generative":
            parts.append(f"{head} the reverse of Ng & Jordan's pattern shows, at {ends}")
        else:
            where = ends if not (before or after) else sizes[-1 if before else 0]
            parts.append(
                f"{head} the gap is within noise at {where}"
                + ("" if where == ends else " rows")
                + ", so the pattern is not established (too close to call)"
            )
    return "; ".join(parts) + "." if parts else None


def _unlabeled(result) -> str | None:
    from genvsdisc.experiments.unlabeled_effects import effects

    found = effects(result)
    if not found:
        return None
    count = {k: sum(e["kind"] == k for e in found) for k in ("gain", "harm", "close")}
    return (
        f"Over every model and number of labels tried, the unlabeled rows helped "
        f"beyond noise {count['gain']} time(s), hurt {count['harm']} time(s) and were too "
        f"close to call {count['close']} time(s) (the clear ones are in the finding above)."
    )


def _novelty(result) -> str | None:
    from genvsdisc.experiments.novelty_figure import KIND_TEXT
    from genvsdisc.experiments.novelty_scores import mean_auroc, mean_interval

    def best(kinds):
        cands = [
            (mean_auroc(r["auroc"][k]), r["model"], k, mean_interval(r, k))
            for r in result.rows
            for k in kinds
            if k in r["auroc"]
        ]
        return max(cands) if cands else None

    lik, conf = best(("log_px", "per_word", "typicality")), best(("max_softmax",))
    if lik is None or conf is None:
        return None
    # independent halves combined: the two scores are not paired row by row here
    half = float(np.hypot((lik[3][1] - lik[3][0]) / 2, (conf[3][1] - conf[3][0]) / 2))
    gap = {"diff": lik[0] - conf[0], "low": lik[0] - conf[0] - half}
    gap["high"] = lik[0] - conf[0] + half
    score = KIND_TEXT[lik[2]]
    what = (
        f"the best likelihood score ({lik[1]}, {score}, mean AUROC {lik[0]:.2f}) and the best "
        f"confidence score ({conf[1]}, max softmax, {conf[0]:.2f})"
    )
    iv = f"difference {gap['diff']:+.2f}, interval [{gap['low']:+.2f}, {gap['high']:+.2f}]"
    if not evidence.differs(gap):
        return f"{what} are too close to call ({iv})."
    side = "the likelihood" if gap["diff"] > 0 else "the detective's confidence"
    return f"{side} does better beyond noise: {what} ({iv})."


_BUILDERS = {
    "accuracy": _accuracy,
    "learning_curve": _learning_curve,
    "unlabeled": _unlabeled,
    "novelty": _novelty,
}
