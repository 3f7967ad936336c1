"""The novelty figures: ROC curves, AUROC bars and the score histogram.

Drawn into any Matplotlib Axes, so the report's PNG and the notebook's
:class:`~genvsdisc.displays.NoveltyDisplay` are the same picture. Results
written before ROC points were stored (no ``roc_fpr``) draw AUROC bars.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.novelty_scores import mean_auroc, mean_interval
from genvsdisc.report.plots import CLASS_COLORS, Style, legend_outside

__all__ = ["KIND_TEXT", "has_roc", "draw_roc", "draw_auroc", "draw_scores", "draw_log_px"]

#: Each score's name in legends and tables.
KIND_TEXT = {
    "log_px": "log p(x)",
    "max_softmax": "max softmax",
    "per_word": "per-word log p(x)",
    "typicality": "per-word typicality",
}

_LINES = {"log_px": "-", "max_softmax": "--", "per_word": ":", "typicality": "-."}


def has_roc(result) -> bool:
    """Whether the result holds ROC points (records from before them do not)."""
    return bool(getattr(result, "roc_fpr", None)) and all("roc" in r for r in result.rows)


def draw_roc(a, result, style: Style, ood_set: str | None = None) -> None:
    """ROC curve of every model's novelty scores, with the chance diagonal, on ``a``.

    ``ood_set=None`` averages each curve over the OOD sets at fixed false-positive
    rates (its area is then the mean AUROC); the legend gives each curve's AUROC
    and its 95 % interval.
    """
    fpr = np.asarray(result.roc_fpr, dtype=float)
    a.plot([0, 1], [0, 1], color="#999999", lw=1, ls=":", label="chance (AUROC 0.50)")
    for row in result.rows:
        for kind, per_set in row["roc"].items():
            if ood_set is None:
                tpr = np.mean([per_set[s] for s in result.sets], axis=0)
                auc, (lo, hi) = mean_auroc(row["auroc"][kind]), mean_interval(row, kind)
            else:
                tpr = np.asarray(per_set[ood_set], dtype=float)
                auc = row["auroc"][kind][ood_set]
                lo, hi = row.get("auroc_ci", {}).get(kind, {}).get(ood_set, [auc, auc])
            a.plot(
                fpr,
                tpr,
                color=style.of(row["model"])["color"],
                ls=_LINES.get(kind, "-"),
                lw=1.6,
                label=f"{row['model']}, {KIND_TEXT.get(kind, kind)}: "
                f"{auc:.2f} ± {max(hi - auc, auc - lo):.2f}",
            )
    where = "mean over the unusual-input sets" if ood_set is None else f"set '{ood_set}'"
    a.set_xlim(0, 1)
    a.set_ylim(0, 1.01)
    a.set_xlabel("share of real test rows flagged (false-positive rate)")
    a.set_ylabel("share of unusual inputs flagged")
    a.set_title(f"ROC, {where}\nlegend: AUROC ± 95 % half-width", fontsize=9)
    legend_outside(a, fontsize=7)


def draw_auroc(a, result, style: Style) -> None:
    """AUROC per model, score (hatched: not log p(x)) and out-of-distribution set, on ``a``."""
    rows, sets = result.rows, result.sets
    entries = [(r, kind) for r in rows for kind in r["auroc"]]
    width = 0.8 / max(1, len(entries))
    hatches = {"log_px": "", "max_softmax": "///", "per_word": "xx", "typicality": "..."}
    for i, (row, kind) in enumerate(entries):
        vals = [row["auroc"][kind][s] for s in sets]
        a.bar(
            np.arange(len(sets)) + i * width,
            vals,
            width,
            color=style.of(row["model"])["color"],
            hatch=hatches.get(kind, "++"),
            edgecolor="white",
            label=f"{row['model']}: {KIND_TEXT.get(kind, kind)}",
        )
    a.axhline(0.5, color="#777777", ls=":", lw=1)
    a.set_xticks(np.arange(len(sets)) + 0.4 - width / 2, sets, fontsize=8)
    a.set_ylim(0, 1.05)
    a.set_ylabel("AUROC (1 = perfect, 0.5 = chance)")
    a.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)


def draw_scores(b, result, kind: str = "log_px") -> None:
    """Histogram of one score (``log_px``, ``per_word`` or ``typicality``) on test and OOD
    rows under the artist whose score separates them best."""
    gen = [r for r in result.rows if kind in r["hist"]]
    if not gen:
        b.axis("off")
        b.text(
            0.5,
            0.5,
            f"no generative model:\nno {KIND_TEXT[kind]} to show",
            ha="center",
            va="center",
        )
        return
    best = max(gen, key=lambda r: mean_auroc(r["auroc"][kind]))
    h = best["hist"][kind]
    edges = np.array(h["edges"])
    centers = (edges[:-1] + edges[1:]) / 2
    for j, (name, counts) in enumerate(h["counts"].items()):
        c = np.array(counts, dtype=float)
        b.step(
            centers,
            c / max(c.sum(), 1),
            where="mid",
            lw=2 if name == "test" else 1.2,
            color="black" if name == "test" else CLASS_COLORS[j % 10],
            label=name,
        )
    what = {
        "log_px": "log p(x)",
        "per_word": "log p(x) per word",
        "typicality": "minus the distance of per-word log p(x) to typical",
    }[kind]
    b.set_xlabel(f"{what} under {best['model']}\n(clipped to its 1st-99th percentile)")
    b.set_ylabel("share of rows")
    b.legend(fontsize=7)


def draw_log_px(b, result) -> None:
    """Histogram of log p(x) on test and out-of-distribution rows under the best artist."""
    draw_scores(b, result, "log_px")
