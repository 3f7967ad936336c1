"""The shape of a guided lesson: a :class:`Step` (set up, ask, show, explain) and a :class:`Lesson`."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Step", "Lesson", "WHO"]

WHO = (("detective", "The detective"), ("artist", "The artist"), ("tie", "Too close to call"))


@dataclass(frozen=True)
class Step:
    """One step: the page sets up ``setup``, asks ``question``, then shows and explains.

    ``claim`` is what the models do on this data, as checked by
    :func:`genvsdisc.app.lessons.check_claim`: ``{"ahead": "artist" | "detective"}`` (a
    paired 95 % interval on held-out accuracy excludes zero in that direction), ``{"ahead":
    "tie"}`` (it does not), ``{"draws": True}`` (the artist's drawings are read as their
    classes and the detective refuses), ``{"loses_more": ...}`` (hiding x2), ``{"novel":
    True}`` (a far point), ``{"few_many": ...}`` (over many draws of a training set) or
    ``{"em": "helps" | "hurts"}`` (unlabeled points). ``action`` is what the page does when it
    shows the answer (``generate``, ``ask``, ``hide``); with ``figures`` the page also shows
    the figures the check computed (``GET /api/lessons/{key}/{index}/figures``).
    """

    title: str
    setup: dict
    question: str
    choices: tuple
    answer: str
    explain: str
    claim: dict
    action: str | None = None
    figures: bool = False


@dataclass(frozen=True)
class Lesson:
    key: str
    title: str
    steps: tuple
