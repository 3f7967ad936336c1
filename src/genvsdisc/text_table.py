"""The one plain-text table genvsdisc prints (`genvsdisc models`, `datasets`, the
compare summary). Its own module so that the CLI and the library share it without
either importing the other."""

from __future__ import annotations

__all__ = ["format_table"]


def format_table(rows: list[dict], columns: list[str]) -> str:
    """Plain left-aligned text table with a header line; None shows as '-'."""
    cells = [
        [
            ("-" if r[c] is None else f"{r[c]:,}" if isinstance(r[c], int) else str(r[c]))
            for c in columns
        ]
        for r in rows
    ]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines += [
        "  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    return "\n".join(lines)
