"""Formatting shared by every experiment's report table, finding and summary cell.

Numbers are right-aligned (``class="n"``); a missing number (None, or NaN
before the record is written) shows as ``n/a``.
"""

from __future__ import annotations

import re
from html import escape

import numpy as np

__all__ = ["table", "note", "num", "pm", "pct", "summary_pct", "missing_value", "rank_value"]

_NUMBER = re.compile(r"^[-+]?[\d.,]+( ?± ?[\d.]+)?( ?%)?$|^n/a$|^—$")


def _td(c) -> str:
    text = str(c)
    cls = ' class="n"' if _NUMBER.match(text) else ""
    return f"<td{cls}>{escape(text)}</td>"


def table(head: list[str], rows: list[list], cls: str = "") -> str:
    """An HTML table; cells that read as numbers are right-aligned."""
    th = "".join(f"<th>{escape(str(h))}</th>" for h in head)
    body = "".join("<tr>" + "".join(_td(c) for c in row) + "</tr>" for row in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def note(text: str) -> str:
    """A small-print paragraph under a table (``text`` is escaped)."""
    return f'<p class="note">{escape(text)}</p>'


def missing_value(x) -> bool:
    """True for a number that is not there: None, or NaN."""
    return x is None or (isinstance(x, float) and np.isnan(x))


def rank_value(x) -> float:
    """A number to rank by; a missing one ranks last."""
    return -1.0 if missing_value(x) else float(x)


def num(x, fmt="{:.3f}") -> str:
    return "n/a" if x is None else fmt.format(x)


def pct(x) -> str:
    """``0.9123`` -> ``"91.2 %"``; ``n/a`` when missing."""
    return "n/a" if missing_value(x) else f"{100 * x:.1f} %"


def pm(mean, std) -> str:
    """Mean ± standard error in percent, ``"91.2 ± 1.3"``; the mean alone when there is
    no standard error (one repetition: no spread is known, so none is printed)."""
    if pct(mean) == "n/a":
        return "n/a"
    if missing_value(std):
        return f"{100 * mean:.1f}"
    return f"{100 * mean:.1f} ± {100 * std:.1f}"


def summary_pct(x) -> str:
    """A CLI summary cell: ``0.9123`` -> ``"91.2%"``; ``"-"`` when missing."""
    return "-" if missing_value(x) else f"{100 * x:.1f}%"
