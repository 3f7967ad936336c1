"""Difference 5: novelty -- can the model tell that an input is unlike its data?

Out-of-distribution (OOD) sets are built from the data itself, one row per test
row (see :mod:`.novelty_scores`). A generative model scores inputs with log p(x)
(low = novel); every model also has the detective's score, the top softmax
probability max_y p(y|x); on text, each artist also gets a length-aware score
(:data:`~.novelty_scores.LENGTH_STATISTIC`), because a document's likelihood
falls with every word it has. AUROC 1 separates OOD from test rows perfectly,
0.5 is chance, below 0.5 means the score ranks the OOD rows as *more* typical.

Two different things make log p(x) a poor novelty score, and the finding keeps
them apart: a *length effect* (the likelihood favours short documents, so
length swamps what else the score sees; the length-aware score recovers it) and
a *likelihood failure in Nalisnick et al.'s (2019) sense* (unusual inputs get
higher likelihood than real ones beyond noise, and on text the length-aware
score does not see them either).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genvsdisc.experiments import evidence
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext
from genvsdisc.experiments.common import model_spec
from genvsdisc.experiments.novelty_figure import (
    KIND_TEXT,
    draw_auroc,
    draw_log_px,
    draw_roc,
    draw_scores,
    has_roc,
)
from genvsdisc.experiments.novelty_scores import (
    EMPTY_FLAG,
    HIST_BINS,
    LENGTH_STATISTIC,
    OOD_TEXT,
    ROC_FPR,
    evaluate,
    mean_auroc,
    mean_interval,
    ood_sets,
)
from genvsdisc.experiments.novelty_wording import failure_cause, failure_sentences, length_sentences
from genvsdisc.report.plots import Style, new_figure
from genvsdisc.report.tables import note, table

__all__ = [
    "Novelty",
    "NoveltyResult",
    "ood_sets",
    "evaluate",
    "mean_interval",
    "HIST_BINS",
    "draw_roc",
    "draw_auroc",
    "draw_log_px",
    "draw_scores",
    "has_roc",
    "EMPTY_FLAG",
    "LENGTH_STATISTIC",
]

#: log p(x) AUROC under this counts as a failure of the likelihood (0.5 = chance).
FAIL_AUROC = 0.6

_mean_auroc = mean_auroc


def _auroc_cell(auroc: float, ci) -> str:
    """``"0.912 [0.88, 0.94]"``, with ``" (chance)"`` when no better than chance."""
    if not ci:
        return f"{auroc:.3f}"
    verdict = evidence.auroc_verdict(auroc, ci)
    flag = " (chance)" if verdict == "no better than chance" else f" ({verdict})" if verdict else ""
    return f"{auroc:.3f} [{ci[0]:.2f}, {ci[1]:.2f}]{flag}"


def _verdict(rows: list[dict], model: str, kind: str) -> str | None:
    row = next(r for r in rows if r["model"] == model)
    return evidence.auroc_verdict(_mean_auroc(row["auroc"][kind]), mean_interval(row, kind))


@dataclass
class NoveltyResult(ExperimentResult):
    """The ``novelty`` section of results.json.

    Attributes
    ----------
    sets : list of str
        The out-of-distribution sets, built from the data itself.
    set_text : dict
        ``{set: plain description}``.
    seed : int
    rows : list of dict
        One per scored model: ``model``, ``family``, ``likelihood``, ``auroc``
        (``{"log_px" (generative only) | "max_softmax" | "typicality" (generative,
        text): {set: AUROC}}``), ``auroc_ci`` (the same, 95 % intervals), ``roc``
        (``{kind: {set: true-positive rate at each of roc_fpr}}``), ``hist``
        (``{score kind: {"edges", "counts": {"test" | set: counts}}}``) and, for a
        generative model on text, ``length`` (``statistic``, ``corr``, ``corr_ci``,
        ``empty``: see :func:`~.novelty_scores.evaluate`).
    likelihood_failures : list of dict
        ``{"model", "set", "auroc", "cause"}`` where log p(x) scored under the failure
        line; ``cause`` is ``length``, ``nalisnick`` or ``weak`` (:mod:`.novelty_wording`).
    errors : dict
        ``{model: message}`` of the models that failed.
    roc_fpr : list of float, optional
        The false-positive rates the ROC points are read at (None in records written
        before ROC points were kept: the figure then draws AUROC bars).
    length_statistic : str, optional
        The length-aware score used on text (written for text only).
    """

    OPTIONAL = ("length_statistic",)

    sets: list[str]
    set_text: dict
    seed: int
    rows: list[dict]
    likelihood_failures: list[dict]
    errors: dict
    roc_fpr: list[float] | None = None
    length_statistic: str | None = None


class Novelty(Experiment):
    """log p(x) against max-softmax as a detector of out-of-distribution inputs."""

    name = "novelty"
    title = "Novelty: spotting inputs unlike the training data"
    why = (
        "Only the artist has log p(x), a score of how typical an input is under the data "
        "it learned; the detective can only say how sure it is between known classes, "
        "which may be very sure about nonsense. But likelihood is not a guarantee: a model "
        "can give higher p(x) to strange inputs that are simple (Nalisnick et al. 2019). "
        "On text there is a plainer trap: every extra word multiplies in a probability "
        "below one, so log p(x) favours short documents whatever they say; that length "
        "effect is not Nalisnick's failure, and a per-word, two-sided typicality score "
        "removes it. The finding above says which of these happened here."
    )
    result_type = NoveltyResult
    summary_headers = ("novelty AUROC",)

    def plan(self, ctx: RunContext) -> dict:
        """``{model: task}``."""
        return {
            m: ctx.task(
                evaluate, model=m, settings=ctx.settings_for(m), fitted=ctx.fitted(m), cost=1
            )
            for m in ctx.models
        }

    def combine(self, ctx: RunContext, outputs: dict) -> NoveltyResult:
        train, test = ctx.train, ctx.test
        rows, errors = [], {}
        for m in ctx.models:
            out = outputs[m]
            if out.error:
                errors[m] = out.error
                continue
            spec = model_spec(m)
            rows.append(
                {"model": m, "family": spec.family, "likelihood": spec.likelihood, **out.result}
            )
        sets = list(ood_sets(train, test.subset(np.arange(min(2, test.n_samples))), 0))
        # below 0.5: OOD rows look *more* likely; below FAIL_AUROC: hardly better than chance
        failures = [
            {"model": r["model"], "set": s, "auroc": a, "cause": failure_cause(r, s)}
            for r in rows
            for s, a in r["auroc"].get("log_px", {}).items()
            if a < FAIL_AUROC and abs(a - 0.5) > 1e-9
        ]
        text = any("length" in r for r in rows)
        return NoveltyResult(
            sets=sets,
            set_text={s: OOD_TEXT[s] for s in sets},
            seed=ctx.settings.seeds[0],
            rows=rows,
            likelihood_failures=failures,
            errors=errors,
            roc_fpr=[round(float(f), 4) for f in ROC_FPR],
            length_statistic=LENGTH_STATISTIC if text else None,
        )

    def finding(self, result: NoveltyResult, dataset: str) -> str:
        rows = result.rows
        if not rows:
            return "No model could be scored."
        best = {}
        for kind in ("log_px", "per_word", "typicality", "max_softmax"):
            cands = [
                (_mean_auroc(r["auroc"][kind]), r["model"]) for r in rows if kind in r["auroc"]
            ]
            if cands:
                best[kind] = max(cands)
        parts = []
        verdicts = {k: _verdict(rows, m, k) for k, (_, m) in best.items()}
        if "log_px" in best:
            parts.append(
                f"log p(x) of {best['log_px'][1]} reached {best['log_px'][0]:.2f}"
                + (f" ({verdicts['log_px']})" if verdicts["log_px"] else "")
            )
        for kind in ("per_word", "typicality"):  # the length-aware scores (text)
            if kind in best:
                parts.append(
                    f"the length-aware {KIND_TEXT[kind]} of {best[kind][1]} {best[kind][0]:.2f}"
                    + (f" ({verdicts[kind]})" if verdicts[kind] else "")
                )
        if "max_softmax" in best:
            parts.append(
                f"the best max-softmax score ({best['max_softmax'][1]}) "
                f"{best['max_softmax'][0]:.2f}"
                + (f" ({verdicts['max_softmax']})" if verdicts["max_softmax"] else "")
            )
        text = "Over the out-of-distribution sets (mean AUROC), " + ", ".join(parts) + "."
        fooled = [  # below 0.5 beyond noise: the interval lies under chance (when known)
            (a, r["model"], s)
            for r in rows
            for s, a in r["auroc"].get("max_softmax", {}).items()
            if a < 0.5 and r.get("auroc_ci", {}).get("max_softmax", {}).get(s, [0, 0])[1] < 0.5
        ]
        if fooled:
            a, m, s = min(fooled)
            text += (
                f" The detective's confidence is fooled on '{s}': {m} is surer of those "
                f"inputs than of real test rows (AUROC {a:.2f})."
            )
        for sentence in length_sentences(result) + failure_sentences(result):
            text += " " + sentence
        blind = [
            s
            for s in result.sets
            if all(abs(v[s] - 0.5) < 1e-9 for r in rows for v in r["auroc"].values())
        ]
        if blind:
            text += (
                f" No model can see '{blind[0]}' at all (AUROC 0.50 everywhere): "
                "bag-of-words inputs are unchanged by it."
            )
        return text

    def table(self, result: NoveltyResult) -> str:
        head = ["model", "score"] + [result.set_text[s] for s in result.sets]
        rows = []
        for r in result.rows:
            for kind, vals in r["auroc"].items():
                label = KIND_TEXT.get(kind, kind)
                if kind == "log_px" and r.get("likelihood") == "bound":
                    label += " (a bound)"
                cis = r.get("auroc_ci", {}).get(kind, {})
                rows.append(
                    [r["model"], label] + [_auroc_cell(vals[s], cis.get(s)) for s in result.sets]
                )
        return table(head, rows) + note(
            "AUROC: 0.5 is chance, 1 a perfect detector; [low, high] is a 95 % interval "
            "(Hanley & McNeil 1982). '(chance)': the interval includes 0.5 or the AUROC is "
            f"below {evidence.AUROC_USEFUL}, no better than chance for flagging inputs."
            + (
                f" Length-aware score on text: {result.length_statistic}."
                if result.length_statistic
                else ""
            )
        )

    def figure(self, result: NoveltyResult, style: Style, classes: list[str]):
        """ROC curves averaged over the OOD sets (AUROC bars for records without ROC
        points); histogram of log p(x) for the best artist."""
        fig, ax = new_figure(ncols=2, w=12.0, h=4.6)
        if has_roc(result):
            draw_roc(ax[0][0], result, style)
        else:
            draw_auroc(ax[0][0], result, style)
        draw_log_px(ax[0][1], result)
        return fig

    def summary(self, result: NoveltyResult, model: str) -> dict[str, str]:
        """The model's best score, as mean AUROC over the OOD sets."""
        row = next((r for r in result.rows if r["model"] == model), None)
        if row is None:
            return {"novelty AUROC": "-"}
        best, kind = max((_mean_auroc(v), k) for k, v in row["auroc"].items())
        flag = " (chance)" if evidence.auroc_verdict(best, mean_interval(row, kind)) else ""
        return {"novelty AUROC": f"{best:.2f}{flag}"}
