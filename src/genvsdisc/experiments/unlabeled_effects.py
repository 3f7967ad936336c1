"""What using the unlabeled rows did to each model, in words the noise allows.

Each use (EM, self-training) is compared with the same model on the labeled
rows alone, paired over the same label draws, at every number of labels per
class. A harm (the interval lies below zero) is said as loudly as a gain: both
get a sentence of their own in the unlabeled finding and in the report's
closing recommendation, with the interval behind it.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments import evidence
from genvsdisc.report.tables import pct

__all__ = ["VARIANT_TEXT", "HYPER_NOTE", "effects", "effect_sentence", "effect_sentences"]

VARIANT_TEXT = {
    "supervised": "labeled rows only",
    "em": "EM over the unlabeled rows",
    "self_training": "self-training",
}

#: Said wherever the unlabeled results are: a user with k labels could not do this.
HYPER_NOTE = (
    "Hyper-parameters were fixed on all training labels, as in the learning curve, "
    "which a user with only a few labels per class could not do"
)


def effects(result) -> list[dict]:
    """One entry per (model, use of the unlabeled rows, labels per class).

    Returns
    -------
    list of dict
        ``model``, ``variant``, ``k``, ``before`` and ``after`` (mean accuracy on
        labels alone / with the unlabeled rows), ``interval`` (paired over label
        draws, after minus before) and ``kind``: ``harm``, ``gain`` or ``close``.
    """
    rows = result.rows
    out = []
    for r in rows:
        if r["variant"] == "supervised" or r.get("per_seed") is None:
            continue
        sup = next(
            (x for x in rows if x["model"] == r["model"] and x["variant"] == "supervised"), None
        )
        if sup is None or sup.get("per_seed") is None:
            continue
        after, before = np.asarray(r["per_seed"], float), np.asarray(sup["per_seed"], float)
        for j, k in enumerate(result.labels_per_class):
            if r["mean"][j] is None or sup["mean"][j] is None:
                continue
            iv = evidence.paired_interval(after[:, j], before[:, j], unit="label draws")
            kind = "close"
            if evidence.differs(iv):
                kind = "harm" if iv["diff"] < 0 else "gain"
            out.append(
                {
                    "model": r["model"],
                    "variant": r["variant"],
                    "k": k,
                    "before": sup["mean"][j],
                    "after": r["mean"][j],
                    "interval": iv,
                    "kind": kind,
                }
            )
    return out


def effect_sentence(e: dict) -> str:
    """``HARM: EM over the unlabeled rows lowered gaussian_nb from 68.7 % to 52.2 % with
    1 label(s) per class (-16.5 points, 95 % interval [...])`` and its gain / close kin."""
    how, m = VARIANT_TEXT[e["variant"]], e["model"]
    move = f"from {pct(e['before'])} to {pct(e['after'])} with {e['k']} label(s) per class"
    iv = evidence.points(e["interval"])
    if e["kind"] == "harm":
        return f"HARM: {how} lowered {m} {move} ({iv})"
    if e["kind"] == "gain":
        return f"GAIN: {how} raised {m} {move} ({iv})"
    d = e["interval"]["diff"]
    drift = "a drop" if d < 0 else "a rise" if d > 0 else "no change"
    return f"{how} took {m} {move} ({drift}, but {evidence.undecided(e['interval'])}: {iv})"


def effect_sentences(result) -> list[str]:
    """Per (model, use): the sentence at the fewest labels, plus every other label count
    where it clearly harmed or helped (a harm at 10 labels is not hidden by a tie at 1)."""
    out, seen = [], set()
    for e in effects(result):
        key = (e["model"], e["variant"])
        if key not in seen:
            seen.add(key)
            out.append(effect_sentence(e))
        elif e["kind"] != "close":
            out.append(effect_sentence(e))
    return out
