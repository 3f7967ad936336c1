"""Difference 1: accuracy and calibration on the held-out test set.

Every model is fitted once on the whole training side (first seed) and
scored on the test side: accuracy, macro-F1, log-loss, expected calibration
error with its reliability diagram, and fit / predict wall-clock time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from matplotlib.patheffects import withStroke
from sklearn.metrics import accuracy_score, f1_score, log_loss

from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext
from genvsdisc.experiments.common import (
    Settings,
    expected_calibration_error,
    make_model,
    model_spec,
    reliability_bins,
    timed,
    tuned_params,
)
from genvsdisc.report.plots import Style, new_figure
from genvsdisc.report.tables import num, pct, summary_pct, table

__all__ = ["Accuracy", "AccuracyResult", "fit_score", "full_proba"]


def full_proba(model, proba: np.ndarray, n_classes: int) -> np.ndarray:
    """Columns of ``proba`` placed at the model's class indices, shape (n, n_classes).

    A class absent from a (small) training set gets probability 0.
    """
    out = np.zeros((proba.shape[0], n_classes))
    out[:, np.asarray(model.classes_, dtype=int)] = proba
    return out


def fit_score(train, test, *, model: str, seed: int, settings: Settings) -> dict:
    """Fit ``model`` on ``train`` and score it on ``test`` (one task)."""
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
        One per model, scored ones first by accuracy, then the failed ones.
        Keys: ``model``, ``family``, and either ``error`` (message) or
        ``accuracy``, ``macro_f1``, ``log_loss``, ``ece`` (float),
        ``reliability`` (see :func:`~.common.reliability_bins`), ``tuned``
        (``{param: value}`` the model chose by itself), ``fit_s``, ``predict_s``.
    best : dict
        ``{family: {"model", "accuracy"}}`` of the most accurate model per family.
    """

    seed: int
    rows: list[dict]
    best: dict

    def scored(self) -> list[dict]:
        return [r for r in self.rows if "accuracy" in r]


class Accuracy(Experiment):
    """Every model fitted once on the whole training side, scored on the test side.

    These fits are also the run's first fits: the hyper-parameters a model
    chooses here are fixed for its tasks in every other experiment.
    """

    name = "accuracy"
    title = "Accuracy and calibration"
    why = (
        "The detective spends all its effort on the boundary between classes, so with "
        "enough rows it is usually the sharper classifier. The artist models how every "
        "class looks, feature by feature; when that picture is simpler than the truth "
        "(naive Bayes assumes features independent) its boundary suffers, but when the "
        "picture is good it classifies as well and gets everything else below for free."
    )
    result_type = AccuracyResult
    summary_headers = ("accuracy",)

    def plan(self, ctx: RunContext) -> dict:
        """``{model: task}``: one whole-training-side fit per model."""
        seed = ctx.settings.seeds[0]
        return {
            m: ctx.task(fit_score, model=m, seed=seed, settings=ctx.settings, cost=9)
            for m in ctx.models
        }

    def combine(self, ctx: RunContext, outputs: dict) -> AccuracyResult:
        """Rows per model, best first by accuracy, plus which family is ahead."""
        rows = []
        for m in ctx.models:
            out = outputs[m]
            row = {"model": m, "family": model_spec(m).family}
            if out.error:
                row["error"] = out.error
            else:
                row.update(out.result)
            rows.append(row)
        ok = [r for r in rows if "accuracy" in r]
        ok.sort(key=lambda r: -r["accuracy"])
        best = {}
        for fam in ("generative", "discriminative"):
            fam_rows = [r for r in ok if r["family"] == fam]
            if fam_rows:
                best[fam] = {"model": fam_rows[0]["model"], "accuracy": fam_rows[0]["accuracy"]}
        return AccuracyResult(
            seed=ctx.settings.seeds[0],
            rows=ok + [r for r in rows if "accuracy" not in r],
            best=best,
        )

    def finding(self, result: AccuracyResult, dataset: str) -> str:
        rows = result.scored()
        if not rows:
            return "No model could be scored."
        top = max(rows, key=lambda r: r["accuracy"])
        other = "discriminative" if top["family"] == "generative" else "generative"
        rivals = [r for r in rows if r["family"] == other]
        text = (
            f"On {dataset}, the most accurate model was {top['model']} ({top['family']}, "
            f"{pct(top['accuracy'])})"
        )
        if rivals:
            rival = max(rivals, key=lambda r: r["accuracy"])
            text += f"; the best {other} model, {rival['model']}, reached {pct(rival['accuracy'])}"
        cal = min(rows, key=lambda r: r["ece"])
        return text + f". Best calibrated: {cal['model']} (ECE {cal['ece']:.3f})."

    def table(self, result: AccuracyResult) -> str:
        rows = [
            [
                r["model"],
                r["family"],
                pct(r["accuracy"]),
                num(r["macro_f1"]),
                num(r["log_loss"]),
                num(r["ece"]),
                num(r["fit_s"], "{:.2f}"),
                num(r["predict_s"], "{:.3f}"),
            ]
            for r in result.scored()
        ]
        head = ["model", "family", "accuracy", "macro-F1", "log-loss", "ECE", "fit s", "predict s"]
        return table(head, rows)

    def figure(self, result: AccuracyResult, style: Style, classes: list[str]):
        """Test accuracy per model (bars from 0) and the reliability diagram with bin counts."""
        rows = result.scored()
        fig, ax = new_figure(ncols=2, w=9.2, h=4.4)
        a, b = ax[0]
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
        return fig

    def summary(self, result: AccuracyResult, model: str) -> dict[str, str]:
        row = next((r for r in result.scored() if r["model"] == model), None)
        return {"accuracy": "-" if row is None else summary_pct(row["accuracy"])}
