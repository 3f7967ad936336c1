"""The playground's caption: what the two pictures show, in words the noise allows.

Every comparison it makes is gated by a paired interval on the held-out
points, and it names the pair and whether the two models can draw the same
form of boundary.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments import evidence

__all__ = ["MIN_PER_CLASS_FOR_TEST", "caption"]

#: Points per class before any are held out, so a learner's first clicks all train.
MIN_PER_CLASS_FOR_TEST = 5


def _pct(acc) -> str:
    return f"{100 * acc:.0f} %"


def caption(
    generative: str,
    discriminative: str,
    gen_acc,
    disc_acc,
    *,
    hide_x2=False,
    x2_fill=0.0,
    confidence=(None, None),
    gap=None,
    pair=None,
) -> str:
    """A few plain sentences on what the two pictures show.

    ``confidence`` is each model's mean probability for the class it
    predicts on the held-out points (artist, detective), used when x2 is hidden.
    ``gap`` is the paired interval (:func:`~genvsdisc.experiments.evidence.paired_interval`)
    on artist minus detective correctness over the same held-out points: a winner
    is named only when it excludes zero. ``pair`` (from
    :func:`~genvsdisc.experiments.evidence.pairs_for`) says whether the two can draw
    the same form of boundary; a mismatch is said plainly.
    """
    parts = [
        f"The detective ({discriminative}) learned only p(y|x): where one class ends "
        "and the next begins.",
        f"The artist ({generative}) learned what each class looks like, p(x|y): the rings "
        "hold 50 % and 90 % of each class, and it labels a point by asking which class "
        "would most likely have made it.",
    ]
    if gen_acc is None or disc_acc is None:
        parts.append(
            f"Add at least {MIN_PER_CLASS_FOR_TEST} points per class and some are held "
            "out to measure test accuracy."
        )
    else:
        if pair is not None:
            parts.append(f"Pair {evidence.pair_text(pair)}.")
        scores = f"artist {_pct(gen_acc)}, detective {_pct(disc_acc)}"
        if gap is None or not evidence.differs(gap):
            parts.append(
                f"On the held-out points they are too close to call: {scores}{_held_out(gap)}."
            )
        else:
            lead = "artist" if gap["diff"] > 0 else "detective"
            parts.append(f"On the held-out points the {lead} is ahead: {scores}{_held_out(gap)}.")
        if pair is not None and not pair["matched"]:
            parts.append(
                "These two can draw different forms of boundary, so part of the gap is "
                "flexibility, not family; pick a pair of the same form to compare families."
            )
    if hide_x2:
        parts.append(
            "With x₂ hidden, the artist averages over every value x₂ could take "
            "(it integrates x₂ out); the detective can only guess x₂ = "
            f"{x2_fill:.2f}, the training mean, so its stripes are one slice of its 2-D map."
        )
        if None not in confidence:
            parts.append(
                f"On average the artist is {_pct(confidence[0])} sure of its answers, "
                f"the detective {_pct(confidence[1])}."
            )
    return " ".join(parts)


def _held_out(gap) -> str:
    """`` (difference +12 points, 95 % interval [+4, +20] over 30 points)``."""
    if gap is None or not np.isfinite(gap["low"]):
        return ""
    return (
        f" (difference {100 * gap['diff']:+.0f} points, {100 * gap['level']:.0f} % interval "
        f"[{100 * gap['low']:+.0f}, {100 * gap['high']:+.0f}] over {gap['n']} points)"
    )
