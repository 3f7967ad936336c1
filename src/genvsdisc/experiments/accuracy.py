"""Difference 1: accuracy and calibration on held-out test sets.

Every model is fitted on the whole training side and scored on the test side
of ``Settings.n_splits`` stratified splits (split 0 is the run's own split; the
others re-split the pooled rows): accuracy, macro-F1, log-loss, expected
calibration error with its reliability diagram (split 0), and fit / predict
wall-clock time. Each artist-detective pair (:func:`~.evidence.pairs_for`)
gets a paired interval on its accuracy difference over the same splits, and
the finding claims a direction only when that interval excludes zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import dask
import numpy as np
from sklearn.metrics import accuracy_score, f1_score, log_loss

from genvsdisc.experiments import evidence
from genvsdisc.experiments.accuracy_cost import cost_table, model_bytes
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext, fix_tuned
from genvsdisc.experiments.common import (
    Settings,
    expected_calibration_error,
    make_model,
    mean_std,
    model_spec,
    reliability_bins,
    resplit,
    timed,
    tuned_params,
)
from genvsdisc.report.plots import Style, new_figure
from genvsdisc.report.tables import note, num, pct, pm, summary_pct, table

__all__ = ["Accuracy", "AccuracyResult", "fit_score", "full_proba"]


def full_proba(model, proba: np.ndarray, n_classes: int) -> np.ndarray:
    """Columns of ``proba`` placed at the model's class indices, shape (n, n_classes).

    A class absent from a (small) training set gets probability 0.
    """
    out = np.zeros((proba.shape[0], n_classes))
    out[:, np.asarray(model.classes_, dtype=int)] = proba
    return out


def fit_score(train, test, *, model: str, seed: int, settings: Settings, split: int = 0) -> dict:
    """Fit ``model`` on split ``split`` of ``train`` + ``test`` and score it (one task)."""
    train, test = resplit(train, test, split, settings)
    K = len(train.classes)
    est = make_model(model, seed, settings)
    with timed() as t_fit:
        est.fit(train.X, train.y)
    with timed() as t_pred:
        proba = est.predict_proba(test.X)
    proba = full_proba(est, proba, K)
    proba = proba / proba.sum(axis=1, keepdims=True)  # float32 outputs drift from 1
    pred = proba.argmax(axis=1)
    return {
        "accuracy": float(accuracy_score(test.y, pred)),
        "macro_f1": float(
            f1_score(test.y, pred, average="macro", labels=np.arange(K), zero_division=0)
        ),
        "log_loss": float(log_loss(test.y, np.clip(proba, 1e-15, 1.0), labels=np.arange(K))),
        "ece": expected_calibration_error(proba, test.y),
        "reliability": reliability_bins(proba, test.y),
        "tuned": tuned_params(est),
        "fit_s": t_fit.seconds,
        "predict_s": t_pred.seconds,
        # split 0 only: pickling a large model once is enough to know its size
        "model_bytes": model_bytes(est) if split == 0 else None,
    }


def _reliability_line(ax, row: dict, style: Style) -> None:
    """One model's reliability curve over its non-empty bins, each point labelled with its count."""
    rel = row["reliability"]
    counts = rel.get("count") or [None] * len(rel["confidence"])
    pts = [
        (c, y, n)
        for c, y, n in zip(rel["confidence"], rel["accuracy"], counts, strict=True)
        if c is not None and n != 0
    ]
    if not pts:
        return
    from matplotlib.patheffects import withStroke  # here: matplotlib loads on first figure

    xs, ys, ns = zip(*pts, strict=True)
    ax.plot(xs, ys, label=row["model"], lw=1.5, ms=4, **style.of(row["model"]))
    color = style.of(row["model"])["color"]
    for x, y, n in pts:
        if n is not None:
            ax.annotate(
                str(n),
                (x, y),
                xytext=(4, -10),
                textcoords="offset points",
                fontsize=7.5,
                color=color,
                path_effects=[withStroke(linewidth=2.5, foreground="white")],  # readable on lines
            )


@dataclass
class AccuracyResult(ExperimentResult):
    """The ``accuracy`` section of results.json.

    Attributes
    ----------
    seed : int
        The seed every model was fitted with.
    rows : list of dict
        One per model, scored ones first by mean accuracy, then the failed ones.
        Keys: ``model``, ``family``, ``boundary``, and either ``error`` (message) or
        ``accuracy``, ``macro_f1``, ``log_loss``, ``ece`` (means over splits),
        ``accuracy_se`` (standard error, ddof=1), ``per_split`` (``{metric: list}``),
        ``at_chance`` (bool), ``reliability`` (split 0, see
        :func:`~.common.reliability_bins`), ``tuned`` (``{param: value}`` the model
        chose by itself on split 0), ``fit_s``, ``predict_s`` (means), ``model_bytes``
        (pickled size of split 0's fitted model; None if it cannot be pickled),
        ``preprocessing`` (the image steps every model had, "none" without).
    best : dict
        ``{family: {"model", "accuracy"}}`` of the most accurate model per family
        (a ranking only; comparisons between families are in ``pairs``).
    splits : list of int
        The splits (0: the run's own; i: re-split with seed ``split_seed + i``).
    pairs : list of dict
        Each pair of :func:`~.evidence.pairs_for` with ``accuracy_diff``: the
        paired interval (:func:`~.evidence.paired_interval`) on generative minus
        discriminative accuracy over the splits.
    chance : float
        Accuracy of always answering the most frequent test class (at least 1/K).
    """

    seed: int
    rows: list[dict]
    best: dict
    splits: list[int] = field(default_factory=lambda: [0])
    pairs: list[dict] = field(default_factory=list)
    chance: float | None = None

    def scored(self) -> list[dict]:
        return [r for r in self.rows if "accuracy" in r]


class Accuracy(Experiment):
    """Every model fitted on the whole training side of each split, scored on its test side.

    Split 0's fits are also the run's first fits: the hyper-parameters a model
    chooses there are fixed for its tasks in every other split and experiment.
    """

    name = "accuracy"
    title = "Accuracy and calibration"
    # general, with no direction: the finding above the box says which way this data went
    why = (
        "The detective spends all its effort on the boundary between classes; the artist "
        "models how every class looks and classifies through Bayes' rule. When the "
        "artist's picture of p(x|y) is simpler than the truth (naive Bayes assumes "
        "features independent) its boundary suffers; when the picture is good it "
        "classifies as well and gets everything below for free. Which effect dominates "
        "depends on the data and on the pair (the 'Here' line says which showed on this data): "
        "compare an artist and a detective that can draw the same form of boundary, or "
        "the gap measures flexibility rather than family."
    )
    result_type = AccuracyResult
    summary_headers = ("accuracy",)

    def plan(self, ctx: RunContext) -> dict:
        """``{model: task}`` for split 0 (the first fits), ``{(model, split): task}`` for the
        others, which reuse the hyper-parameters split 0's fit chose (no new search)."""
        seed = ctx.settings.seeds[0]
        first = {
            m: ctx.task(fit_score, model=m, seed=seed, settings=ctx.settings, cost=9)
            for m in ctx.models
        }
        tasks = dict(first)
        for m in ctx.models:
            fixed = dask.delayed(fix_tuned, pure=False)(ctx.settings, {m: first[m]})
            for split in range(1, ctx.settings.n_splits):
                tasks[m, split] = ctx.task(
                    fit_score, model=m, seed=seed, settings=fixed, split=split, cost=3
                )
        return tasks

    def combine(self, ctx: RunContext, outputs: dict) -> AccuracyResult:
        """Mean and standard error per model over the splits, and a paired interval per pair."""
        splits = list(range(max(1, ctx.settings.n_splits)))
        rows, per_split = [], {}
        prep = " + ".join(ctx.train.info.get("preprocessing", [])) or "none"
        for m in ctx.models:
            outs = [outputs[m] if s == 0 else outputs[m, s] for s in splits]
            spec = model_spec(m)
            row = {"model": m, "family": spec.family, "boundary": spec.boundary}
            failed = [o.error for o in outs if o.error]
            if failed:
                row["error"] = failed[0]
                rows.append(row)
                continue
            res = [o.result for o in outs]
            metrics = ("accuracy", "macro_f1", "log_loss", "ece", "fit_s", "predict_s")
            per_split[m] = {k: [r[k] for r in res] for k in metrics}
            row.update({k: float(np.mean(v)) for k, v in per_split[m].items()})
            row["accuracy_se"] = mean_std(per_split[m]["accuracy"])[1]
            row["per_split"] = per_split[m]
            row["reliability"], row["tuned"] = res[0]["reliability"], res[0]["tuned"]
            row["model_bytes"] = res[0].get("model_bytes")
            row["preprocessing"] = prep
            rows.append(row)
        chance = evidence.chance_rate(ctx.test.y, len(ctx.test.classes))
        for r in rows:
            if "accuracy" in r:
                r["at_chance"] = evidence.at_chance(
                    r["per_split"]["accuracy"], chance, ctx.test.n_samples
                )
        ok = [r for r in rows if "accuracy" in r]
        ok.sort(key=lambda r: -r["accuracy"])
        best = {}
        for fam in ("generative", "discriminative"):
            fam_rows = [r for r in ok if r["family"] == fam]
            if fam_rows:
                best[fam] = {"model": fam_rows[0]["model"], "accuracy": fam_rows[0]["accuracy"]}
        pairs = []
        for pair in evidence.pairs_for(list(per_split), evidence.preferred(ctx.train.modality)):
            g, d = pair["generative"], pair["discriminative"]
            pair["accuracy_diff"] = evidence.paired_interval(
                per_split[g]["accuracy"],
                per_split[d]["accuracy"],
                test_fraction=ctx.test.n_samples / max(ctx.train.n_samples, 1),
                resolution=1 / max(ctx.test.n_samples, 1),
            )
            pairs.append(pair)
        return AccuracyResult(
            seed=ctx.settings.seeds[0],
            rows=ok + [r for r in rows if "accuracy" not in r],
            best=best,
            splits=splits,
            pairs=pairs,
            chance=chance,
        )

    def finding(self, result: AccuracyResult, dataset: str) -> str:
        rows = result.scored()
        if not rows:
            return "No model could be scored."
        n = len(result.splits)
        text = []
        for pair in result.pairs:
            clause = evidence.versus(
                pair["generative"], pair["discriminative"], pair["accuracy_diff"]
            )
            text.append(f"Pair {evidence.pair_text(pair)}: {clause}.")
        if not result.pairs:
            top = rows[0]
            text.append(
                f"On {dataset}, only {top['family']} models ran; the most accurate was "
                f"{top['model']} ({pm(top['accuracy'], top['accuracy_se'])} % over {n} splits)."
            )
        low = [r["model"] for r in rows if r.get("at_chance")]
        if low:
            text.append(
                f"At chance level ({pct(result.chance)}, the majority-class rate): "
                f"{', '.join(low)}."
            )
        cal = min(rows, key=lambda r: r["ece"])
        text.append(f"Lowest mean calibration error: {cal['model']} (ECE {cal['ece']:.3f}).")
        return " ".join(text)

    def table(self, result: AccuracyResult) -> str:
        n = len(result.splits)
        rows = [
            [
                r["model"],
                r["family"],
                r.get("boundary", "-"),
                pm(r["accuracy"], r.get("accuracy_se"))
                + (" (chance)" if r.get("at_chance") else ""),
                num(r["macro_f1"]),
                num(r["log_loss"]),
                num(r["ece"]),
                num(r["fit_s"], "{:.2f}"),
                num(r["predict_s"], "{:.3f}"),
            ]
            for r in result.scored()
        ]
        head = [
            "model",
            "family",
            "boundary",
            f"accuracy % (± s.e., {n} split{'s' if n != 1 else ''})",
            "macro-F1",
            "log-loss",
            "ECE",
            "fit s",
            "predict s",
        ]
        pair_rows = [
            [
                evidence.pair_text(p),
                evidence.versus(p["generative"], p["discriminative"], p["accuracy_diff"]),
            ]
            for p in result.pairs
        ]
        out = table(head, rows) + cost_table(result.scored(), n)
        if pair_rows:
            out += table(
                ["pair", f"generative minus discriminative accuracy ({n} paired splits)"], pair_rows
            )
        return out + note(
            f"Mean over {n} stratified train/test splits (split seed varies; ± is the standard "
            "error, ddof=1). Splits after the first reuse the hyper-parameters chosen on the "
            "first split's training side. Intervals on differences are paired t intervals "
            "with Nadeau & Bengio's correction for overlapping test sets. Calibration and "
            f"the reliability diagram are means / split 0. Chance: {pct(result.chance)}."
        )

    def figure(self, result: AccuracyResult, style: Style, classes: list[str]):
        """Test accuracy per model (bars from 0) and the reliability diagram with bin counts."""
        rows = result.scored()
        fig, ax = new_figure(ncols=2, w=9.2, h=4.4)
        draw_accuracy(ax[0][0], rows, style)
        draw_reliability(ax[0][1], rows, style)
        return fig

    def summary(self, result: AccuracyResult, model: str) -> dict[str, str]:
        row = next((r for r in result.scored() if r["model"] == model), None)
        if row is None:
            return {"accuracy": "-"}
        cell = summary_pct(row["accuracy"])
        return {"accuracy": cell + (" (chance)" if row.get("at_chance") else "")}


def draw_accuracy(a, rows: list[dict], style: Style) -> None:
    """Test accuracy per model as bars from 0 on the Axes ``a`` (rows: ``result.scored()``)."""
    names = [r["model"] for r in rows]
    vals = [r["accuracy"] for r in rows]
    bars = a.barh(names[::-1], vals[::-1], color=[style.of(n)["color"] for n in names[::-1]])
    for bar, v in zip(bars, vals[::-1], strict=True):
        a.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {v:.1%}",
            va="center",
            fontsize=8,
        )
    # bars start at 0: a cut axis would make small gaps look large
    a.set_xlim(0.0, 1.18)
    a.set_xticks([0.0, 0.25, 0.5, 0.75, 1.0], ["0", "25 %", "50 %", "75 %", "100 %"])
    a.set_xlabel("test accuracy")
    a.set_title("accuracy (purple: generative, green: discriminative)", fontsize=9)


def draw_reliability(b, rows: list[dict], style: Style) -> None:
    """The reliability diagram (calibration) of every model on the Axes ``b``."""
    b.plot([0, 1], [0, 1], color="#999999", lw=1, ls=":")
    for r in rows:
        _reliability_line(b, r, style)
    b.set_xlim(0, 1.02)
    b.set_ylim(0, 1.08)
    b.set_xlabel("confidence (top-class probability)")
    b.set_ylabel("accuracy in the bin")
    b.set_title(
        "reliability: on the dotted line = well calibrated\n"
        "number = test rows in the bin; empty bins left out",
        fontsize=9,
    )
    b.legend(fontsize=8, loc="upper left")
