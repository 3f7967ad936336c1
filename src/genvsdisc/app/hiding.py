"""Hiding x2: what it costs each model on the held-out points, before -> after.

The caption's own sentences (:mod:`.caption`) explain what each model does with
a hidden feature; this adds the figures, and names the model that loses more
only when a paired interval on the two losses excludes zero.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.app.caption import caption
from genvsdisc.experiments import evidence

__all__ = ["hiding_costs", "with_hiding"]


def hiding_costs(gen: dict, disc: dict) -> str:
    """Before -> after on the held-out points for both, and who lost more only if it shows."""
    if gen["test_accuracy"] is None or disc["test_accuracy"] is None:
        return ""

    def change(panel):
        return f"{_pct(panel['test_accuracy_x2_shown'])} → {_pct(panel['test_accuracy'])}"

    text = f"Hiding x₂ on the held-out points: artist {change(gen)}, detective {change(disc)}."
    drop_gen = np.subtract(gen["test_correct_x2_shown"], gen["test_correct"])
    drop_disc = np.subtract(disc["test_correct_x2_shown"], disc["test_correct"])
    iv = evidence.paired_interval(drop_gen, drop_disc, unit="points")
    if evidence.differs(iv):
        loser = "artist" if iv["diff"] > 0 else "detective"
        text += f" The {loser} loses more ({_held_gap(iv)})."
    else:
        text += f" Which loses more is too close to call ({_held_gap(iv)})."
    return text


def _held_gap(iv: dict) -> str:
    if not np.isfinite(iv["low"]):
        return "too few held-out points for an interval"
    return (
        f"{100 * iv['diff']:+.0f} points, {100 * iv['level']:.0f} % interval "
        f"[{100 * iv['low']:+.0f}, {100 * iv['high']:+.0f}] over {iv['n']} points"
    )


def _pct(acc) -> str:
    return f"{100 * acc:.0f} %"


def with_hiding(hiding: str, *args, **kwargs) -> str:
    """:func:`~genvsdisc.app.caption.caption`, then ``hiding`` (the before -> after of x2)."""
    return f"{caption(*args, **kwargs)} {hiding}".strip()
