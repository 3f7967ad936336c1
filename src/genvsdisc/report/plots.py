"""The report's figures, drawn from a results record with matplotlib (Agg, no display).

One function per section, each ``(section dict, style) -> Figure`` reading
only plain data. Figures are made with ``matplotlib.figure.Figure`` directly
(not pyplot), so drawing keeps no global state and needs no display.
Generative models are drawn in warm colours with round markers (the
artists), discriminative ones in cool colours with square markers (the
detectives), the same colour per model in every figure.
"""

from __future__ import annotations

import io

import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure

__all__ = ["Style", "to_png", "accuracy_figure", "learning_curve_figure", "missing_figure",
           "unlabeled_figure", "novelty_figure", "generation_figure", "regions_figure"]  # fmt: skip

WARM = ["#d95f02", "#b2182b", "#e6ab02", "#a6761d", "#e7298a", "#8c510a"]
COOL = ["#1f78b4", "#1b9e77", "#7570b3", "#17becf", "#386cb0", "#01665e"]
CLASS_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
                "#7f7f7f", "#bcbd22", "#17becf"]  # fmt: skip
DPI = 110


class Style:
    """One colour and marker per model, fixed for the whole report."""

    def __init__(self, models: list[dict]):
        self.family = {m["name"]: m["family"] for m in models}
        gen = [m["name"] for m in models if m["family"] == "generative"]
        disc = [m["name"] for m in models if m["family"] != "generative"]
        self.color = {n: WARM[i % len(WARM)] for i, n in enumerate(gen)}
        self.color.update({n: COOL[i % len(COOL)] for i, n in enumerate(disc)})

    def of(self, model: str) -> dict:
        gen = self.family.get(model) == "generative"
        return {"color": self.color.get(model, "#555555"), "marker": "o" if gen else "s"}


def to_png(fig: Figure) -> bytes:
    """The figure as PNG bytes."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)  # constrained layout already fits the labels
    return buf.getvalue()


def _fig(w=7.5, h=4.0, ncols=1, nrows=1, **kw):
    fig = Figure(figsize=(w, h), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw)
    return fig, axes


def accuracy_figure(sec: dict, style: Style) -> Figure:
    """Test accuracy per model (bars) and the reliability diagram (lines)."""
    rows = [r for r in sec["rows"] if "accuracy" in r]
    fig, ax = _fig(ncols=2, w=9.0)
    a, b = ax[0]
    names = [r["model"] for r in rows]
    vals = [r["accuracy"] for r in rows]
    bars = a.barh(names[::-1], vals[::-1], color=[style.of(n)["color"] for n in names[::-1]])
    for bar, v in zip(bars, vals[::-1], strict=True):
        a.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {v:.1%}", va="center",
               fontsize=8)  # fmt: skip
    a.set_xlim(max(0.0, min(vals) - 0.15) if vals else 0, 1.08)
    a.set_xticks([t for t in a.get_xticks() if t <= 1.0])
    a.set_xlabel("test accuracy")
    a.set_title("accuracy (warm: generative, cool: discriminative)", fontsize=9)
    b.plot([0, 1], [0, 1], color="#999999", lw=1, ls=":")
    for r in rows:
        rel = r["reliability"]
        pts = [(c, y) for c, y in zip(rel["confidence"], rel["accuracy"], strict=True)
               if c is not None]  # fmt: skip
        if pts:
            xs, ys = zip(*pts, strict=True)
            b.plot(xs, ys, label=r["model"], lw=1.5, ms=4, **style.of(r["model"]))
    b.set_xlabel("confidence (top-class probability)")
    b.set_ylabel("accuracy in the bin")
    b.set_title("reliability: on the dotted line = well calibrated", fontsize=9)
    b.legend(fontsize=7)
    return fig


def learning_curve_figure(sec: dict, style: Style) -> Figure:
    """Mean test accuracy against training size (log axis), with a band across seeds."""
    fig, ax = _fig()
    a = ax[0][0]
    sizes = sec["sizes"]
    for name, c in sec["curves"].items():
        mean, std = np.asarray(c["mean"], float), np.asarray(c["std"], float)
        st = style.of(name)
        a.plot(sizes, mean, label=f"{name} ({c['family'][:3]}.)", lw=1.8, ms=4, **st)
        a.fill_between(sizes, mean - std, mean + std, color=st["color"], alpha=0.15, lw=0)
    cross = sec.get("crossings") or []
    if len(cross) == 1:
        a.axvline(cross[0]["size"], color="#777777", ls="--", lw=1)
        a.text(cross[0]["size"], a.get_ylim()[0], f" cross ~{cross[0]['size']:.0f}", fontsize=7,
               va="bottom")  # fmt: skip
    elif cross:  # several: the families trade the lead within that span
        a.axvspan(cross[0]["size"], cross[-1]["size"], color="#999999", alpha=0.15, lw=0)
        a.text(cross[0]["size"], a.get_ylim()[0], " families trade the lead", fontsize=7,
               va="bottom")  # fmt: skip
    a.set_xscale("log")
    a.set_xlabel("training rows")
    a.set_ylabel("test accuracy")
    a.legend(fontsize=8)
    a.grid(alpha=0.3)
    return fig


def missing_figure(sec: dict, style: Style) -> Figure:
    """Test accuracy against the share of features removed, per model and method."""
    fig, ax = _fig()
    a = ax[0][0]
    fr = np.array(sec["fractions"])
    styles = {"integrate": "-", "native": "-.", "mean": "--", "iterative": ":"}
    for r in sec["rows"]:
        st = style.of(r["model"])
        mean, std = np.asarray(r["mean"], float), np.asarray(r["std"], float)
        a.plot(fr, mean, ls=styles[r["method"]], label=r["label"], lw=1.8, ms=4, **st)
        a.fill_between(fr, mean - std, mean + std, color=st["color"], alpha=0.12, lw=0)
    a.set_xlabel("share of test features removed")
    a.set_ylabel("test accuracy")
    a.legend(fontsize=7)
    a.grid(alpha=0.3)
    return fig


def unlabeled_figure(sec: dict, style: Style) -> Figure:
    """Test accuracy against labeled rows per class, per model and variant."""
    fig, ax = _fig()
    a = ax[0][0]
    ks = sec["labels_per_class"]
    styles = {"supervised": ":", "em": "-", "self_training": "--"}
    for r in sec["rows"]:
        st = style.of(r["model"])
        mean, std = np.asarray(r["mean"], float), np.asarray(r["std"], float)
        a.plot(ks, mean, ls=styles[r["variant"]], label=r["label"], lw=1.8, ms=4, **st)
        a.fill_between(ks, mean - std, mean + std, color=st["color"], alpha=0.12, lw=0)
    if len(ks) > 1:
        a.set_xscale("log")
    a.set_xticks(ks, [str(k) for k in ks])
    a.set_xlabel(f"labeled rows per class (plus {sec['n_pool']} unlabeled training rows)")
    a.set_ylabel("test accuracy")
    a.legend(fontsize=7)
    a.grid(alpha=0.3)
    return fig


def novelty_figure(sec: dict, style: Style) -> Figure:
    """AUROC per model, score and OOD set (bars); histogram of log p(x) for the best artist."""
    rows = sec["rows"]
    sets = sec["sets"]
    fig, ax = _fig(ncols=2, w=10.0, h=4.2)
    a, b = ax[0]
    entries = [(r["model"], kind) for r in rows for kind in r["auroc"]]
    width = 0.8 / max(1, len(entries))
    for i, (model, kind) in enumerate(entries):
        row = next(r for r in rows if r["model"] == model)
        vals = [row["auroc"][kind][s] for s in sets]
        st = style.of(model)
        a.bar(np.arange(len(sets)) + i * width, vals, width, color=st["color"],
              hatch="" if kind == "log_px" else "///", edgecolor="white",
              label=f"{model}: {'log p(x)' if kind == 'log_px' else 'max softmax'}")  # fmt: skip
    a.axhline(0.5, color="#777777", ls=":", lw=1)
    a.set_xticks(np.arange(len(sets)) + 0.4 - width / 2, sets, fontsize=8)
    a.set_ylim(0, 1.05)
    a.set_ylabel("AUROC (1 = perfect, 0.5 = chance)")
    a.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    gen = [r for r in rows if "log_px" in r["hist"]]
    if gen:
        best = max(gen, key=lambda r: np.mean(list(r["auroc"]["log_px"].values())))
        h = best["hist"]["log_px"]
        edges = np.array(h["edges"])
        centers = (edges[:-1] + edges[1:]) / 2
        for j, (name, counts) in enumerate(h["counts"].items()):
            c = np.array(counts, dtype=float)
            b.step(centers, c / max(c.sum(), 1), where="mid", lw=2 if name == "test" else 1.2,
                   color="black" if name == "test" else CLASS_COLORS[j % 10], label=name)  # fmt: skip
        b.set_xlabel(f"log p(x) under {best['model']} (clipped to 1st-99th percentile)")
        b.set_ylabel("share of rows")
        b.legend(fontsize=7)
    else:
        b.axis("off")
        b.text(0.5, 0.5, "no generative model:\nno log p(x) to show", ha="center", va="center")
    return fig


def _mosaic(X: np.ndarray, y: np.ndarray, shape, K: int, per: int) -> np.ndarray:
    """One image of ``per`` samples per class (rows), 1-pixel white gaps between them."""
    h, w = shape[0], shape[1]
    out = np.full((K * (h + 1), per * (w + 1)), 0.8)  # light grey gaps
    for k in range(K):
        for j, img in enumerate(X[y == k][:per]):
            block = img.reshape(shape)
            block = block.mean(axis=2) if block.ndim == 3 else block  # colour shown as grey
            out[k * (h + 1) : k * (h + 1) + h, j * (w + 1) : j * (w + 1) + w] = 1 - block
    return out


def generation_figure(sec: dict, style: Style, classes: list[str]) -> Figure | None:
    """Image grids of samples per generative model (images), or None for other data.

    Each model's samples are tiled into one mosaic (one ``imshow``), which draws
    far faster than an axes per sample.
    """
    shape = sec.get("image_shape")
    rows = [r for r in sec["rows"] if "shown" in r]
    if not shape or not rows:
        return None
    K = len(classes)
    per = max(1, len(rows[0]["shown"]["y"]) // max(K, 1))
    fig, ax = _fig(w=min(3.2 * len(rows), 12), h=0.6 + 0.32 * K, ncols=len(rows))
    h = shape[0]
    for a, r in zip(ax[0], rows, strict=True):
        mosaic = _mosaic(np.asarray(r["shown"]["X"]), np.asarray(r["shown"]["y"]), shape, K, per)
        a.imshow(mosaic, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        a.set_xticks([])
        a.set_yticks([k * (h + 1) + h / 2 for k in range(K)], classes, fontsize=7)
        a.set_title(r["model"], fontsize=9, color=style.of(r["model"])["color"])
    return fig


def regions_figure(sec: dict, style: Style, classes: list[str]) -> Figure:
    """Per model: decision regions; for generative models also class densities and samples."""
    rows = sec["rows"]
    panels = [(r, "regions") for r in rows] + [(r, "density") for r in rows if "log_density" in r]
    ncols = min(4, len(panels))
    nrows = int(np.ceil(len(panels) / ncols))
    fig, ax = _fig(w=3.0 * ncols, h=2.9 * nrows, ncols=ncols, nrows=nrows)
    xs, ys = np.array(sec["xs"]), np.array(sec["ys"])
    Xtr, ytr = np.array(sec["train"]["X"]), np.array(sec["train"]["y"])
    K = len(classes)
    cmap = ListedColormap(CLASS_COLORS[:K])
    flat = [a for row in ax for a in row]
    for a, (r, kind) in zip(flat, panels, strict=False):
        if kind == "regions":
            label = np.array(r["label"])
            conf = np.array(r["confidence"])
            a.imshow(label, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap=cmap,
                     vmin=-0.5, vmax=K - 0.5, alpha=0.25 + 0.5 * (conf - conf.min()) /
                     max(np.ptp(conf), 1e-9), aspect="auto", interpolation="nearest")  # fmt: skip
            a.scatter(Xtr[:, 0], Xtr[:, 1], c=ytr, cmap=cmap, vmin=-0.5, vmax=K - 0.5, s=6,
                      edgecolors="k", linewidths=0.2)  # fmt: skip
            a.set_title(f"{r['model']}: decision regions ({r['accuracy']:.0%})", fontsize=8,
                        color=style.of(r["model"])["color"])  # fmt: skip
        else:
            for j, dens in enumerate(r["log_density"]):
                k = r["density_classes"][j]
                d = np.array(dens)
                levels = np.max(d) - np.array([6.0, 4.0, 2.0, 1.0, 0.0])
                a.contour(xs, ys, d, levels=np.unique(levels), colors=[CLASS_COLORS[k % 10]], linestyles="solid",
                          linewidths=0.8)  # fmt: skip
            S, sy = np.array(r["samples"]["X"]), np.array(r["samples"]["y"])
            a.scatter(S[:, 0], S[:, 1], c=sy, cmap=cmap, vmin=-0.5, vmax=K - 0.5, s=7,
                      marker="x", linewidths=0.7)  # fmt: skip
            a.set_xlim(xs[0], xs[-1])
            a.set_ylim(ys[0], ys[-1])
            a.set_title(f"{r['model']}: p(x|y)p(y) and samples (x)", fontsize=8,
                        color=style.of(r["model"])["color"])  # fmt: skip
        a.tick_params(labelsize=6)
    for a in flat[len(panels) :]:
        a.axis("off")
    return fig
