"""results.json and report.html for the out-of-core comparison, written atomically.

The record is converted to the in-memory schema (:mod:`genvsdisc.scale.report`:
the accuracy, learning-curve, missing-features and novelty experiments' typed
results, the others as skipped sections with their reason), so the page is the
in-memory report (:func:`genvsdisc.report.html.render`); results.json holds
that record and, under ``out_of_core``, the out-of-core sections as computed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from genvsdisc import results
from genvsdisc.outputs import check_out_folder
from genvsdisc.text_table import format_table

__all__ = ["write_out_of_core", "summary_lines"]


def _pct(x):
    return "n/a" if x is None else f"{100 * x:.2f} %"


def summary_lines(record: dict) -> str:
    """The CLI summary: one line per model."""
    rows = [
        {
            "model": r["model"],
            "family": r["family"],
            "accuracy": _pct(r["accuracy"]),
            "log-loss": f"{r['log_loss']:.4f}",
            "ECE": f"{r['ece']:.4f}",
        }
        for r in record["accuracy"]["rows"]
    ]
    return format_table(rows, ["model", "family", "accuracy", "log-loss", "ECE"])


def write_out_of_core(record: dict, out: Path) -> Path:
    """results.json and report.html into ``out`` (a hidden folder renamed into place)."""
    out = Path(out)
    check_out_folder(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        umask = os.umask(0)
        os.umask(umask)
        tmp.chmod(0o777 & ~umask)
        from genvsdisc.report.html import render
        from genvsdisc.scale.report import report_experiments, report_record

        full = report_record(record)
        results.save(full, tmp / "results.json")
        html = render(full, experiments=report_experiments())
        (tmp / "report.html").write_text(html, encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
