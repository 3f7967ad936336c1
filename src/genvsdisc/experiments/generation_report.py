"""How the generation experiment shows its result: figure, table, finding, summary cell.

Kept beside :mod:`genvsdisc.experiments.generation` (which plans, computes and
combines) so each module stays short; :class:`GenerationReport` is the half of
:class:`~genvsdisc.experiments.generation.Generation` that reads only its result.
"""

from __future__ import annotations

from html import escape

import numpy as np

from genvsdisc.report.plots import CLASS_COLORS, Style, class_legend, new_figure, panel_per_model
from genvsdisc.report.tables import note, pct, summary_pct, table

__all__ = ["GenerationReport"]


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


def _is_2d(result) -> bool:
    """Samples are points in the plane: drawn as a scatter, not listed in a table."""
    return result.modality == "tabular" and len(result.feature_names or []) == 2


def _scatter(result, rows, style: Style, classes: list[str]):
    """One panel per generative model: its samples in the plane, coloured by class."""
    fig, axes = panel_per_model([r["model"] for r in rows], style, h=3.6)
    for r in rows:
        draw_scatter(axes[r["model"]], result, r, style)
    class_legend(fig, classes, loc="outside upper center", ncol=min(len(classes), 10))
    return fig


def _sample_rows(result) -> str:
    """Tables: a few sampled rows per generative model; text: a few generated documents;
    audio: playable clips (:func:`audio_players`)."""
    if result.modality == "audio":
        return audio_players(result)
    if result.image_shape or _is_2d(result):
        return ""  # images and 2-D points are drawn in the figure instead
    names, classes = result.feature_names or [], result.classes or []

    def label(y):
        return classes[y] if y < len(classes) else y

    out = []
    for r in result.rows:
        if "shown" not in r:
            continue
        pairs = list(zip(r["shown"]["X"], r["shown"]["y"], strict=True))
        if result.modality == "text":
            docs = "".join(
                f"<blockquote><b>{escape(str(label(y)))}</b>: {escape(x)}…</blockquote>"
                for x, y in pairs
            )
            bag = (
                note(
                    "A bag-of-words model draws word counts, not sentences: the words come "
                    "out in random order."
                )
                if r.get("bag_of_words")
                else ""
            )
            out.append(f"<h4>Documents drawn by {escape(r['model'])}</h4>{bag}{docs}")
            continue
        d = min(8, len(pairs[0][0]) if pairs else 0)
        head = ["class"] + [names[j] if j < len(names) else f"x{j}" for j in range(d)]
        rows = [[label(y)] + [f"{v:.3g}" for v in x[:d]] for x, y in pairs]
        out.append(f"<h4>Rows drawn by {escape(r['model'])}</h4>" + table(head, rows, "small"))
    return "".join(out)


class GenerationReport:
    """Figure, table, finding and summary cell of a ``GenerationResult``."""

    why = (
        "Drawing an example needs a picture of what an x looks like: the artist has "
        "p(x|y) and can sample from it; the detective learned p(y|x) only and has nothing "
        "to draw from. Good samples are recognised by a judge, train a classifier that "
        "works on real data (CAS), and are not copies of training rows."
    )
    summary_headers = ("generation CAS",)

    def finding(self, result, dataset: str) -> str:
        rows = [r for r in result.rows if r["family"] == "generative" and "memorisation" in r]
        if not rows:
            return "No generative model produced samples."
        judge = result.judge
        if judge and any("judge_agreement" in r for r in rows):
            top = max(rows, key=lambda r: r.get("cas", 0))
            text = (
                f"The judge ({judge['model']}, {pct(judge['accuracy'])} on real test rows) "
                f"recognised the intended class in {pct(top['judge_agreement'])} of "
                f"{top['model']}'s samples; trained on those samples alone it scored "
                f"{pct(top['cas'])} on the real test rows (CAS)"
            )
        else:
            top = rows[0]
            text = f"{top['model']} drew samples"
        ratio = top["memorisation"]["ratio"]
        # exact copies beyond the rate at which real test rows repeat count as copying too
        fresh = ratio > 0.5 and not top["memorisation"].get("copying", False)
        copying = "no sign of copying" if fresh else "they may copy training rows"
        return text + (
            f". Its samples lie {ratio:.2f}x as far from their nearest training row as real "
            f"test rows do: {copying}."
        )

    def table(self, result) -> str:
        head = [
            "model",
            "judge agreement",
            "CAS (train on samples)",
            "distance ratio",
            "closer than 95 % of non-copy test rows",
            "exact copies",
        ]
        rows = []
        for r in result.rows:
            if "cannot_generate" in r:
                rows.append([r["model"], "cannot generate", "—", "—", "—", "—"])
            elif "error" in r:
                rows.append([r["model"], f"error: {r['error']}", "", "", "", ""])
            else:
                mem = r["memorisation"]
                rows.append(
                    [
                        r["model"],
                        pct(r.get("judge_agreement")),
                        pct(r.get("cas")),
                        f"{mem['ratio']:.2f}",
                        pct(mem["closer_than_test_p5"]),
                        mem["copies"],
                    ]
                )
        out = table(head, rows)
        if result.judge:
            j = result.judge
            out += note(
                f"Judge: {j['model']} trained on the real training rows, "
                f"{pct(j['accuracy'])} on the real test rows — the ceiling for CAS."
            )
        if result.modality == "audio":
            out += note(
                "Distances are Euclidean between clip summaries (the fixed-length features the "
                "clip detectives read: word shape over four stretches, level, spread, deltas, "
                "length), each standardised on the training clips; an exact copy is at 0."
            )
        refusals = [r for r in result.rows if "cannot_generate" in r]
        if refusals:
            out += note(refusals[0]["cannot_generate"])
        return out + _sample_rows(result)

    def figure(self, result, style: Style, classes: list[str]):
        """Image grids of samples per generative model (images), a scatter (2-D points),
        log-mel spectrograms of the played clips (audio), or None for other data.

        Each model's samples are tiled into one mosaic (one ``imshow``), which draws
        far faster than an axes per sample.
        """
        shape = result.image_shape
        rows = [r for r in result.rows if "shown" in r]
        if rows and _is_2d(result):
            return _scatter(result, rows, style, classes)
        if result.modality == "audio" and rows:
            return _spectrograms(result, rows, style)
        if not shape or not rows:
            return None
        K = len(classes)
        per = max(1, len(rows[0]["shown"]["y"]) // max(K, 1))
        fig, ax = new_figure(w=min(3.2 * len(rows), 12), h=0.6 + 0.32 * K, ncols=len(rows))
        for a, r in zip(ax[0], rows, strict=True):
            draw_mosaic(a, result, r, style, classes, per=per)
        return fig

    def summary(self, result, model: str) -> dict[str, str]:
        """CAS of the model's samples; "cannot" for a model that cannot generate."""
        row = next((r for r in result.rows if r["model"] == model), None)
        if row is not None and "cannot_generate" in row:
            return {"generation CAS": "cannot"}
        return {"generation CAS": "-" if row is None else summary_pct(row.get("cas"))}


def draw_scatter(a, result, r: dict, style: Style) -> None:
    """One generative model's samples in the plane, coloured by class, on the Axes ``a``."""
    names = result.feature_names
    X, y = np.asarray(r["shown"]["X"], float), np.asarray(r["shown"]["y"], int)
    a.scatter(
        X[:, 0],
        X[:, 1],
        c=[CLASS_COLORS[k % len(CLASS_COLORS)] for k in y],
        marker=style.of(r["model"])["marker"],
        s=28,
        edgecolors="k",
        linewidths=0.4,
    )
    a.set_xlabel(names[0])
    a.set_ylabel(names[1])


def draw_mosaic(a, result, r: dict, style: Style, classes: list[str], per=None) -> None:
    """One generative model's sampled images, a row per class (``per`` images each;
    default: its samples shared out), as one mosaic on ``a``."""
    shape, K = result.image_shape, len(classes)
    h = shape[0]
    per = per or max(1, len(r["shown"]["y"]) // max(K, 1))
    X, y = np.asarray(r["shown"]["X"]), np.asarray(r["shown"]["y"])
    a.imshow(_mosaic(X, y, shape, K, per), cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    a.set_xticks([])
    a.set_yticks([k * (h + 1) + h / 2 for k in range(K)], classes, fontsize=8)
    a.set_title(r["model"], fontsize=10, color=style.of(r["model"])["color"])


def _clip_rows(result, rows) -> list[tuple[str, dict]]:
    """(label, shown clips) for the real reference clips, then each generative model."""
    out = [("real (inverted)", result.real_clips)] if getattr(result, "real_clips", None) else []
    return out + [(r["model"], r["shown"]) for r in rows]


def _spectrograms(result, rows, style: Style):
    """Log-mel pictures of the played clips: a row per model (real clips first)."""
    from genvsdisc.generation.sound import log_mel

    pairs = _clip_rows(result, rows)
    per = max(len(shown["y"]) for _, shown in pairs)
    c = len(pairs[0][1]["X"][0][0])
    fig, ax = new_figure(w=1.2 + 2.0 * per, h=0.5 + 1.1 * len(pairs), nrows=len(pairs), ncols=per)
    for r, (label, shown) in enumerate(pairs):
        for j in range(per):
            a = ax[r][j]
            a.set_xticks([])
            a.set_yticks([])
            if j >= len(shown["y"]):
                a.axis("off")
                continue
            frames = np.asarray(shown["X"][j], dtype=float)
            a.imshow(log_mel(frames.ravel(), c), origin="lower", aspect="auto", cmap="magma")
            a.set_title(result.classes[shown["y"][j]], fontsize=8)
            if j == 0:
                colour = "black" if label.startswith("real") else style.of(label)["color"]
                a.set_ylabel(label, fontsize=8, color=colour)
    return fig


def draw_clip(a, result, r: dict, style: Style) -> None:
    """The log-mel picture of model row ``r``'s first played clip on Axes ``a``."""
    from genvsdisc.generation.sound import log_mel

    shown = r["shown"]
    frames = np.asarray(shown["X"][0], dtype=float)
    a.imshow(log_mel(frames.ravel(), frames.shape[1]), origin="lower", aspect="auto", cmap="magma")
    a.set_xticks([])
    a.set_yticks([])
    a.set_title(
        f"{r['model']}: {result.classes[shown['y'][0]]}",
        fontsize=10,
        color=style.of(r["model"])["color"],
    )


def audio_players(result) -> str:
    """Playable clips (base64 WAV ``<audio>`` elements, the report stays one file)."""
    rows = [r for r in result.rows if "shown" in r and "wav" in r["shown"]]
    if not rows:
        return ""
    classes = result.classes or []
    cells = []
    for label, shown in _clip_rows(result, rows):
        clips = []
        for j, wav in enumerate(shown["wav"]):
            cls = escape(str(classes[shown["y"][j]]))
            seen = ""
            if shown.get("judged") is not None:
                verdict = classes[shown["judged"][j]]
                seen = f"; judge hears {escape(str(verdict))}"
            clips.append(
                f"<figure><figcaption>{cls} ({shown['seconds'][j]:g} s{seen})</figcaption>"
                f'<audio controls preload="none" src="data:audio/wav;base64,{wav}"></audio>'
                "</figure>"
            )
        cells.append(f"<h4>{escape(label)}</h4>" + "".join(clips))
    return (
        "<h4>Listen</h4>"
        + note(
            "The artists draw MFCC frames, not sound: each clip is made audible by librosa's "
            "MFCC inversion (Griffin-Lim), which loses phase and fine spectral detail, so it "
            "sounds rough. The real clips go through the same inversion, so like is heard "
            "with like. At most the first second of each clip is played; the pictures above "
            "are the log-mel spectrograms the MFCCs stand for."
        )
        + "".join(cells)
    )
