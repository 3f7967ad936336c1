"""Difference 2: data efficiency -- learning curves (Ng & Jordan 2001).

For each seed the rows are split anew (seed ``i`` uses split ``i``, see
:func:`~.common.resplit`, so the spread holds test-set variance too) and the
training rows are put in one shuffled order (one row of every class first);
each curve point trains on a growing prefix of that order and is scored on
the whole test side. Sizes are log-spaced from two rows per class to the
full training side. Each artist-detective pair gets a paired interval on its
accuracy gap at every size; the finding names the sizes where the curves are
within noise instead of a single crossing point.

Fitting is incremental where the model allows:

``partial_fit``
    models with sufficient statistics (naive Bayes, LDA, QDA) see only the
    rows added since the previous point;
``warm_start``
    iterative models that expose it start from the previous point's solution;
``refit``
    everything else (and raw text, whose vocabulary grows with the prefix) is
    fitted from scratch at every point.

Both incremental paths reach the same model as a refit (exactly for
sufficient statistics, to the solver's tolerance for a convex warm start);
``benchmarks/learning_curve_speed.py`` checks it and times it. The saving is
modest: refits of log-spaced prefixes add up to about 2.3 passes over the
training side against one, a warm start still needs most of lbfgs's
iterations because each size nearly doubles the rows, and scoring the test
side at every point costs the same either way. What keeps curves cheap in
``compare`` is that hyper-parameters a model would choose by cross-validation
are fixed once from the full training side (``Settings.model_params``) instead
of being searched again on every prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from genvsdisc.exceptions import GenvsdiscError
from genvsdisc.experiments import evidence
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext
from genvsdisc.experiments.common import (
    Settings,
    make_model,
    mean_std,
    model_spec,
    resplit,
    stratified_order,
    vector_data,
)
from genvsdisc.experiments.learning_curve_figure import draw_learning_curve
from genvsdisc.report.plots import Style, new_figure
from genvsdisc.report.tables import pct, pm, summary_pct, table

__all__ = [
    "LearningCurve",
    "LearningCurveResult",
    "curve",
    "training_sizes",
    "strategy",
]

#: Why a model sits at chance on small training sets, where the cause is known.
CHANCE_WHY = {
    "hgb": "with min_samples_leaf=20 (scikit-learn's default for gradient boosting) every "
    "leaf needs 20 rows, so below about 40 training rows no split is possible, each tree "
    "is a single leaf and the model predicts the majority class for every row",
    "knn": "with no more training rows than neighbours (n_neighbors=5 by default), every "
    "training row votes on every prediction, so the answer is the same everywhere (the "
    "majority class, or the first class on a tie)",
}

#: Said of a model at chance level whose cause is not known.
CHANCE_GENERIC = "no better than always answering the most frequent class"


def training_sizes(n_train: int, n_classes: int, n_sizes: int) -> list[int]:
    """``n_sizes`` log-spaced training sizes from 2 rows per class (at least 4) to ``n_train``."""
    low = min(max(2 * n_classes, 4), n_train)
    sizes = np.unique(np.round(np.geomspace(low, n_train, n_sizes)).astype(int))
    return [int(s) for s in sizes]


def strategy(model, vector: bool, incremental: bool = True) -> str:
    """How a curve is grown for ``model``: ``partial_fit``, ``warm_start`` or ``refit``."""
    if not incremental or not vector:
        return "refit"
    if hasattr(model, "partial_fit"):
        return "partial_fit"
    if "warm_start" in model.get_params(deep=False):
        return "warm_start"
    return "refit"


def curve(
    train,
    test,
    *,
    model: str,
    seed: int,
    sizes: list[int],
    settings: Settings,
    incremental: bool = True,
) -> dict:
    """Test accuracy of ``model`` trained on each prefix size of one seeded order (one task).

    Seed ``seed`` also picks the train/test split (:func:`~.common.resplit`).

    Returns
    -------
    dict with ``accuracy`` (len(sizes),) and ``strategy``.
    """
    train, test = resplit(train, test, seed, settings)
    K = len(train.classes)
    order = stratified_order(train.y, K, seed)
    est = make_model(model, seed, settings)
    how = strategy(est, vector_data(train), incremental)
    if how == "warm_start":
        est.set_params(warm_start=True)
    accuracy, done, unfitted = [], 0, {}
    for n in sizes:
        rows = order[:n]
        try:
            if how == "partial_fit":
                new = order[done:n]
                if done == 0:
                    est.partial_fit(train.X[new], train.y[new], classes=np.arange(K))
                else:
                    est.partial_fit(train.X[new], train.y[new])
            else:
                if how == "refit":
                    est = make_model(model, seed, settings)
                est.fit(train.X[rows], train.y[rows])
        except GenvsdiscError as err:  # e.g. no vocabulary in 10 documents: this size only
            if how != "refit":
                raise
            unfitted[n] = str(err)
            accuracy.append(float("nan"))
            continue
        done = n
        accuracy.append(float(np.mean(est.predict(test.X) == test.y)))
    return {"accuracy": accuracy, "strategy": how, "unfitted": unfitted}


def _best_per_size(curves: dict, names: list[str]) -> list[float] | None:
    means = [curves[m]["mean"] for m in names if m in curves]
    return np.max(means, axis=0).tolist() if means else None


def _leader(gen: float, disc: float) -> str:
    if gen > disc:
        return "generative"
    return "discriminative" if disc > gen else "tie"


@dataclass
class LearningCurveResult(ExperimentResult):
    """The ``learning_curve`` section of results.json.

    Attributes
    ----------
    sizes : list of int
        Training sizes of the curve points.
    seeds : list of int
        One shuffled order per seed.
    curves : dict
        ``{model: {"family", "strategy", "per_seed" (seeds, sizes), "mean", "std"}}``
        (accuracy in [0, 1]); failed models are left out.
    errors : dict
        ``{model: message}`` of the models that failed.
    note : str, optional
        Which models used hyper-parameters fixed on the full training side.
    family_best : dict, optional
        ``{"generative" | "discriminative": best mean accuracy per size}``
        (both families present only).
    crossings : list of dict, optional
        Read from records written before pairs had intervals (``{"size", "after"}``);
        never written now: a single crossing point claims more than the noise
        allows, so see each pair's ``range`` instead.
    leader_smallest, leader_largest : str, optional
        ``generative``, ``discriminative`` or ``tie`` at the smallest / largest size
        (of the means; see ``pairs`` for what the noise allows).
    pairs : list of dict
        Each pair of :func:`~.evidence.pairs_for` with ``gap`` (one paired interval
        per size, generative minus discriminative, over the seeds) and ``range``
        (:func:`~.evidence.close_range`).
    chance : dict
        ``{model: [sizes at chance level]}`` (accuracy within noise of the
        majority rate), with ``why`` per model where the cause is known.
    """

    OPTIONAL = ("note", "family_best", "crossings", "leader_smallest", "leader_largest")

    sizes: list[int]
    seeds: list[int]
    curves: dict
    errors: dict
    note: str | None = None
    family_best: dict | None = None
    crossings: list[dict] | None = None
    leader_smallest: str | None = None
    leader_largest: str | None = None
    pairs: list[dict] = field(default_factory=list)
    chance: dict = field(default_factory=dict)

    def has_rows(self) -> bool:
        return bool(self.curves)

    def footnote(self) -> str | None:
        return self.note


class LearningCurve(Experiment):
    """Test accuracy against training size, per model and seed (Ng & Jordan 2001)."""

    name = "learning_curve"
    title = "Data efficiency: learning curves"
    why = (
        "Ng & Jordan (2001): an artist with a simple model of p(x|y) needs few rows to "
        "estimate it, so it reaches its (lower) ceiling fast; the detective has less "
        "structure to lean on and needs more rows, but climbs higher. Curves that cross "
        "show exactly that trade. Whether it shows on this data is in the finding above: "
        "only a gap whose interval excludes zero counts, so a crossing often appears as a "
        "range of sizes where the curves are within noise."
    )
    result_type = LearningCurveResult
    summary_headers = ("curve@smallest", "curve@full")

    def plan(self, ctx: RunContext) -> dict:
        """``{(model, seed): task}``: one curve per model and seed."""
        sizes = training_sizes(ctx.train.n_samples, len(ctx.train.classes), ctx.settings.n_sizes)
        return {
            (m, s): ctx.task(
                curve, model=m, seed=s, sizes=sizes, settings=ctx.settings_for(m), cost=2
            )
            for m in ctx.models
            for s in ctx.settings.seeds
        }

    def combine(self, ctx: RunContext, outputs: dict) -> LearningCurveResult:
        """Mean and spread per size and model; where the family curves cross."""
        settings = ctx.settings
        sizes = training_sizes(ctx.train.n_samples, len(ctx.train.classes), settings.n_sizes)
        curves, errors, unfitted = {}, {}, {}
        for m in ctx.models:
            runs = [outputs[m, s] for s in settings.seeds]
            failed = [r.error for r in runs if r.error]
            if failed:
                errors[m] = failed[0]
                continue
            acc = np.array([r.result["accuracy"] for r in runs])  # (seeds, sizes)
            for r in runs:  # a size that cannot be fitted is said; the rest of the curve stays
                for n, why in r.result.get("unfitted", {}).items():
                    unfitted.setdefault(f"{m} at {n} rows", why)
            stats = [mean_std(acc[:, j]) for j in range(len(sizes))]
            curves[m] = {
                "family": model_spec(m).family,
                "strategy": runs[0].result["strategy"],
                "per_seed": acc.tolist(),
                "mean": [s[0] for s in stats],
                "std": [s[1] for s in stats],
            }
        out = LearningCurveResult(
            sizes=sizes, seeds=list(settings.seeds), curves=curves, errors=errors
        )
        fixed = [m for m in curves if settings.model_params.get(m)]
        if fixed:
            out.note = (
                f"{', '.join(fixed)}: every size uses the hyper-parameters chosen once on the "
                "full training side (see the header), not a new search on each prefix; that "
                "keeps the curves fast, but a small prefix's own search could choose differently"
            )
        if unfitted:
            said = "; ".join(f"{k} ({why.rstrip('.')})" for k, why in list(unfitted.items())[:3])
            before = f"{out.note.rstrip('.')}. " if out.note else ""
            out.note = f"{before}Sizes that could not be fitted are left blank: {said}."
        gen = [m for m in curves if curves[m]["family"] == "generative"]
        disc = [m for m in curves if curves[m]["family"] == "discriminative"]
        gen_best, disc_best = _best_per_size(curves, gen), _best_per_size(curves, disc)
        if gen_best and disc_best:
            out.family_best = {"generative": gen_best, "discriminative": disc_best}
            # no single crossing point is claimed: see each pair's ``range`` (sizes within noise)
            out.leader_smallest = _leader(gen_best[0], disc_best[0])
            out.leader_largest = _leader(gen_best[-1], disc_best[-1])
        frac = ctx.test.n_samples / max(ctx.train.n_samples, 1)
        for pair in evidence.pairs_for(list(curves), evidence.preferred(ctx.train.modality)):
            g = np.asarray(curves[pair["generative"]]["per_seed"])
            d = np.asarray(curves[pair["discriminative"]]["per_seed"])
            pair["gap"] = [
                evidence.paired_interval(
                    g[:, j], d[:, j], test_fraction=frac, resolution=1 / max(ctx.test.n_samples, 1)
                )
                for j in range(len(sizes))
            ]
            pair["range"] = evidence.close_range(sizes, pair["gap"])
            out.pairs.append(pair)
        rate = evidence.chance_rate(ctx.test.y, len(ctx.test.classes))
        for m, c in curves.items():
            per = np.asarray(c["per_seed"])
            low = [
                n
                for j, n in enumerate(sizes)
                if evidence.at_chance(per[:, j], rate, ctx.test.n_samples)
            ]
            if low:
                out.chance[m] = {"sizes": low, "rate": rate, "why": CHANCE_WHY.get(m)}
        return out

    def finding(self, result: LearningCurveResult, dataset: str) -> str:
        sizes = result.sizes
        text = [self.pair_finding(p, sizes) for p in result.pairs] or [
            f"Learning curves on {dataset} for one family only: no pair to compare."
        ]
        for m, c in result.chance.items():
            why = f": {c['why']}" if c.get("why") else f", {CHANCE_GENERIC}"
            text.append(
                f"{m} is at chance level ({pct(c['rate'])}) with "
                f"{evidence.size_list(c['sizes'])} training rows{why}."
            )
        return " ".join(text)

    @staticmethod
    def pair_finding(pair: dict, sizes: list[int]) -> str:
        """One pair's curves in words: each end gated by its interval, and the sizes
        where the curves are within noise (never a single crossing point)."""
        g, d = pair["generative"], pair["discriminative"]
        first, last, rng = pair["gap"][0], pair["gap"][-1], pair["range"]
        text = (
            f"Pair {evidence.pair_text(pair)}: with {sizes[0]} training rows "
            f"{evidence.versus(g, d, first)}; with all {sizes[-1]}, "
            f"{evidence.versus(g, d, last)}."
        )
        if not rng["close"]:
            return text + " The curves are apart beyond noise at every size tried."
        if len(rng["close"]) == len(sizes):
            return text + " The curves are within noise of each other at every size tried."
        text += (
            f" The curves are within noise of each other at {evidence.size_list(rng['close'])} rows"
        )
        lead = {"generative": g, "discriminative": d}
        if rng["before"] and rng["after"] and rng["before"] != rng["after"]:
            text += f"; below that {lead[rng['before']]} is ahead, above it {lead[rng['after']]}"
        return text + "."

    def table(self, result: LearningCurveResult) -> str:
        sizes = result.sizes
        picks = sorted({0, len(sizes) // 2, len(sizes) - 1})
        head = ["model", "family", "fitting"] + [
            f"{sizes[j]} rows (% ± s.e., {len(result.seeds)} splits)" for j in picks
        ]
        rows = [
            [m, c["family"], c["strategy"]]
            + [
                pm(c["mean"][j], c["std"][j])
                + (" (chance)" if sizes[j] in result.chance.get(m, {}).get("sizes", []) else "")
                for j in picks
            ]
            for m, c in result.curves.items()
        ]
        return table(head, rows)

    def figure(self, result: LearningCurveResult, style: Style, classes: list[str]):
        """Mean test accuracy against training size (log axis), with a band across seeds."""
        fig, ax = new_figure()
        draw_learning_curve(ax[0][0], result, style)
        return fig

    def summary(self, result: LearningCurveResult, model: str) -> dict[str, str]:
        c = result.curves.get(model)
        if c is None:
            return {"curve@smallest": "-", "curve@full": "-"}
        low = result.chance.get(model, {}).get("sizes", [])

        def cell(j):
            return summary_pct(c["mean"][j]) + (" (chance)" if result.sizes[j] in low else "")

        return {"curve@smallest": cell(0), "curve@full": cell(-1)}
