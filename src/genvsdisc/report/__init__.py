"""The self-contained HTML report, made from a results record only.

>>> from genvsdisc.report import write_report      # doctest: +SKIP
>>> write_report(record, "genvsdisc-report/digits")  # report.html + figures/*.png
"""

from __future__ import annotations

from pathlib import Path

from genvsdisc.report.html import build_figures, render

__all__ = ["write_report", "render", "build_figures"]


def write_report(record: dict, out_dir, drawn: dict | None = None) -> Path:
    """Write ``report.html`` and ``figures/<section>.png`` into ``out_dir``.

    ``drawn``: figures already drawn from this record (``compare(figures=...)``),
    ``{section: PNG bytes or None}``; the others are drawn here.

    Returns
    -------
    Path of report.html.
    """
    out_dir = Path(out_dir)
    figures = build_figures(record, drawn=drawn)
    fig_dir = out_dir / "figures"
    fig_dir.mkdir(parents=True, exist_ok=True)
    for name, png in figures.items():
        (fig_dir / f"{name}.png").write_bytes(png)
    path = out_dir / "report.html"
    path.write_text(render(record, figures), encoding="utf-8")
    return path
