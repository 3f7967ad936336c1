"""results.json and a short report.html for the out-of-core comparison, written atomically.

The full report (:mod:`genvsdisc.report`) draws the in-memory experiments'
typed results; the out-of-core record has its own sections (``accuracy``
keeps the in-memory row shape: model, accuracy, log_loss, ece, reliability),
so this page shows them as tables and says which experiments did not run.
"""

from __future__ import annotations

import html
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


def _table(head, rows):
    cells = "".join(f"<th>{html.escape(str(h))}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def _page(record: dict) -> str:
    d, acc = record["data"], record["accuracy"]
    parts = [
        f"<h1>genvsdisc out-of-core comparison: {html.escape(d['source'])}</h1>",
        f"<p>{d['n_train']} training rows in {d['train_partitions']} partitions, {d['n_test']} "
        f"test rows in {d['test_partitions']} ({html.escape(d['split'])}, seed {d['seed']}); "
        f"{len(d['features'])} features, {len(d['classes'])} classes.</p>",
        "<h2>Accuracy and calibration</h2>",
        _table(
            ["model", "family", "accuracy", "log-loss", "ECE"],
            [
                [
                    r["model"],
                    r["family"],
                    _pct(r["accuracy"]),
                    f"{r['log_loss']:.4f}",
                    f"{r['ece']:.4f}",
                ]
                for r in acc["rows"]
            ],
        ),
        "<h3>Paired differences in accuracy (95 % interval, same test rows)</h3>",
        _table(
            ["a", "b", "a - b", "interval", "verdict"],
            [
                [
                    p["a"],
                    p["b"],
                    _pct(p["difference"]),
                    f"[{_pct(p['low'])}, {_pct(p['high'])}]",
                    p["verdict"],
                ]
                for p in acc["pairs"]
            ],
        ),
        "<h2>Learning curve (test accuracy by training partitions)</h2>",
        _table(
            ["model", "partitions", "training rows", "accuracy"],
            [
                [r["model"], r["partitions"], r["n_train"], _pct(r["accuracy"])]
                for r in record["learning_curve"]["rows"]
            ],
        ),
        f"<h2>Missing features</h2><p>{html.escape(record['missing']['how'])}.</p>",
        _table(
            ["model", "hidden share", "accuracy"],
            [[r["model"], r["fraction"], _pct(r["accuracy"])] for r in record["missing"]["rows"]],
        ),
        f"<h2>Novelty</h2><p>Class {html.escape(record['novelty']['held_out_class'])} held out "
        f"of training; score: {html.escape(record['novelty']['score'])}.</p>",
        _table(
            ["model", "AUROC", "rows scored"],
            [
                [r["model"], "n/a" if r["auroc"] is None else f"{r['auroc']:.4f}", r["n_scored"]]
                for r in record["novelty"]["rows"]
            ],
        ),
        "<h2>Not run in this mode</h2>",
        _table(["experiment", "why"], [[r["experiment"], r["reason"]] for r in record["not_run"]]),
    ]
    if record["notes"]:
        parts.append(
            "<h2>Notes</h2><ul>"
            + "".join(f"<li>{html.escape(n)}</li>" for n in record["notes"])
            + "</ul>"
        )
    return "<!doctype html><meta charset='utf-8'><title>genvsdisc</title>" + "".join(parts)


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
        results.save(record, tmp / "results.json")
        (tmp / "report.html").write_text(_page(record), encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
