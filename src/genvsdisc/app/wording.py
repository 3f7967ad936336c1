"""The detective's refusal as the app's pages say it.

:func:`genvsdisc.generation.refusal` gives the model's own words, which name
its Python class ("LogReg") and every generative model in the registry. A page
names models by their registry names and offers only some artists, so the
refusal it shows keeps the model's reason and names only what the page has.
"""

from __future__ import annotations

from collections.abc import Sequence

from genvsdisc.generation import refusal

__all__ = ["page_refusal"]

#: Where the model's own message stops giving its reason and starts suggesting models.
_SUGGESTION = " Use a generative model instead"


def page_refusal(name: str, offered: Sequence[str]) -> str | None:
    """Why detective ``name`` cannot draw, naming it and only the artists ``offered``.

    Parameters
    ----------
    name : str
        The registry name, as the page's menu shows it.
    offered : sequence of str
        The generative models the page offers.

    Returns
    -------
    str or None
        None when ``name`` is generative (it can draw).
    """
    message = refusal(name)
    if message is None:
        return None
    # "LogReg is discriminative: <reason>. Use a generative model instead, e.g. ..."
    _, _, reason = message.partition(": ")
    reason = reason.split(_SUGGESTION)[0].strip() if reason else message
    if not reason.endswith("."):
        reason += "."
    artists = ", ".join(offered)
    return f"{name} is discriminative: {reason} Ask an artist on this page instead: {artists}."
