"""Difference 5: novelty -- can the model tell that an input is unlike its data?

Out-of-distribution (OOD) sets are built from the data itself, one row per
test row:

``noise``
    each feature drawn independently from a Gaussian with that feature's
    training mean and spread (clipped to its training range): the per-feature
    marginals kept to two moments, every relation between features lost;
``shuffled``
    each feature column permuted across test rows: the exact marginals, no
    relations;
``inverted`` / ``rotated`` (images)
    ``min + max - x`` over the pixel range; rotated by 90 degrees (180 if not square);
``mixed_words`` / ``shuffled_order`` (text)
    words pooled over the test documents and dealt back at the same lengths
    (topics mixed); each document's own words in random order.

A generative model scores inputs with log p(x) (low = novel); every model
also has the detective's score, the top softmax probability max_y p(y|x).
AUROC 1 separates OOD from test rows perfectly, 0.5 is chance, below 0.5
means the score ranks the OOD rows as *more* typical (Nalisnick et al. 2019).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.metrics import roc_auc_score

from genvsdisc.data.audio_perturb import AUDIO_OOD_TEXT, audio_ood_sets
from genvsdisc.experiments import evidence
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext
from genvsdisc.experiments.common import Settings, make_model, model_spec, vector_data
from genvsdisc.report.plots import CLASS_COLORS, Style, new_figure
from genvsdisc.report.tables import note, table

__all__ = ["Novelty", "NoveltyResult", "ood_sets", "evaluate", "mean_interval", "HIST_BINS"]

HIST_BINS = 30
#: log p(x) AUROC under this counts as a failure of the likelihood (0.5 = chance).
FAIL_AUROC = 0.6

OOD_TEXT = {
    "noise": "noise with the per-feature mean and spread",
    "shuffled": "features shuffled across rows",
    "inverted": "inverted images",
    "rotated": "rotated images",
    "mixed_words": "words mixed across documents",
    "shuffled_order": "word order shuffled in each document",
    **AUDIO_OOD_TEXT,
}


def _vector_ood(train, test, rng) -> dict:
    X, ref = np.asarray(test.X, dtype=float), np.asarray(train.X, dtype=float)
    lo, hi = np.nanmin(ref, axis=0), np.nanmax(ref, axis=0)
    noise = rng.normal(np.nanmean(ref, axis=0), np.nanstd(ref, axis=0), size=X.shape)
    sets = {
        "noise": np.clip(noise, lo, hi),
        "shuffled": np.column_stack([rng.permutation(X[:, j]) for j in range(X.shape[1])]),
    }
    if train.modality == "image" and train.image_shape is not None:
        # invert within the global pixel range (a per-pixel range would push test pixels
        # brighter than any training pixel outside it)
        gmin, gmax = float(np.nanmin(lo)), float(np.nanmax(hi))
        sets["inverted"] = np.clip(gmin + gmax - X, gmin, gmax)
        shape = (len(X), *train.image_shape)
        imgs = X.reshape(shape)
        turns = 1 if shape[1] == shape[2] else 2
        sets["rotated"] = np.rot90(imgs, k=turns, axes=(1, 2)).reshape(len(X), -1)
    return sets


def _text_ood(test, rng) -> dict:
    docs = [str(d).split() for d in test.X]
    pool = rng.permutation(np.concatenate([np.asarray(d, dtype=object) for d in docs if d]))
    mixed, start = [], 0
    for d in docs:
        mixed.append(" ".join(pool[start : start + len(d)]))
        start += len(d)
    shuffled = [" ".join(rng.permutation(np.asarray(d, dtype=object))) for d in docs]
    return {
        "mixed_words": np.asarray(mixed, dtype=object),
        "shuffled_order": np.asarray(shuffled, dtype=object),
    }


def ood_sets(train, test, seed: int) -> dict:
    """``{name: X_ood}``, one OOD row per test row, all built from the data itself."""
    rng = np.random.default_rng(seed)
    if train.modality == "audio":
        return audio_ood_sets(train, test, rng)
    return _vector_ood(train, test, rng) if vector_data(train) else _text_ood(test, rng)


def _auroc(in_score: np.ndarray, out_score: np.ndarray) -> float:
    """AUROC of telling OOD (positive) from test rows by a novelty score (higher = novel)."""
    labels = np.r_[np.zeros(len(in_score)), np.ones(len(out_score))]
    return float(roc_auc_score(labels, np.r_[in_score, out_score]))


def evaluate(train, test, *, model: str, settings: Settings) -> dict:
    """AUROC per OOD set for log p(x) (generative) and max-softmax (all), plus score samples."""
    seed = settings.seeds[0]
    est = make_model(model, seed, settings).fit(train.X, train.y)
    sets = ood_sets(train, test, seed)
    generative = getattr(est, "family", None) == "generative"
    scores = {"test": _scores(est, test.X, generative)}
    for name, X in sets.items():
        scores[name] = _scores(est, X, generative)
    out = {"auroc": {}, "auroc_ci": {}, "hist": {}}
    n_in = len(scores["test"]["max_softmax"])
    for kind in ("log_px", "max_softmax") if generative else ("max_softmax",):
        # novelty = -score: low likelihood / low confidence means novel
        out["auroc"][kind] = {
            name: _auroc(-scores["test"][kind], -scores[name][kind]) for name in sets
        }
        out["auroc_ci"][kind] = {
            name: evidence.auroc_interval(a, n_in, len(scores[name][kind]))
            for name, a in out["auroc"][kind].items()
        }
        out["hist"][kind] = _histograms({n: s[kind] for n, s in scores.items()})
    return out


def _scores(est, X, generative: bool) -> dict:
    out = {"max_softmax": est.predict_proba(X).max(axis=1)}
    if generative:
        out["log_px"] = est.score_samples(X)
    return out


def _histograms(scores: dict) -> dict:
    """Shared-bin histograms of each set's scores; the range is the 1st-99th percentile."""
    allv = np.concatenate([v[np.isfinite(v)] for v in scores.values()])
    lo, hi = np.percentile(allv, [1, 99]) if len(allv) else (0.0, 1.0)
    if hi <= lo:
        lo, hi = lo - 0.5, hi + 0.5
    edges = np.linspace(lo, hi, HIST_BINS + 1)
    counts = {
        n: np.histogram(np.clip(v, lo, hi), bins=edges)[0].tolist() for n, v in scores.items()
    }
    return {"edges": edges.tolist(), "counts": counts}


def _mean_auroc(values: dict) -> float:
    return float(np.mean(list(values.values())))


def mean_interval(row: dict, kind: str) -> list[float]:
    """Interval of a row's mean AUROC over the OOD sets: the per-set Hanley-McNeil
    half-widths combined as independent (sets are scored against the same test rows,
    so this is a rough, not a conservative, bound); the mean alone's ends when a
    result from an older record has no ``auroc_ci``."""
    values = row["auroc"][kind]
    mean = _mean_auroc(values)
    cis = row.get("auroc_ci", {}).get(kind)
    if not cis:
        return [mean, mean]
    half = np.sqrt(sum(((hi - lo) / 2) ** 2 for lo, hi in cis.values())) / len(cis)
    return [mean - float(half), mean + float(half)]


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
        (``{"log_px" (generative only) | "max_softmax": {set: AUROC}}``) and
        ``hist`` (``{score kind: {"edges", "counts": {"test" | set: counts}}}``).
    likelihood_failures : list of dict
        ``{"model", "set", "auroc"}`` where log p(x) scored under the failure line.
    errors : dict
        ``{model: message}`` of the models that failed.
    """

    sets: list[str]
    set_text: dict
    seed: int
    rows: list[dict]
    likelihood_failures: list[dict]
    errors: dict


class Novelty(Experiment):
    """log p(x) against max-softmax as a detector of out-of-distribution inputs."""

    name = "novelty"
    title = "Novelty: spotting inputs unlike the training data"
    why = (
        "Only the artist has log p(x), a score of how typical an input is under the data "
        "it learned; the detective can only say how sure it is between known classes, "
        "which may be very sure about nonsense. But likelihood is not a guarantee: a model "
        "can give higher p(x) to strange inputs that are simple (Nalisnick et al. 2019)."
    )
    result_type = NoveltyResult
    summary_headers = ("novelty AUROC",)

    def plan(self, ctx: RunContext) -> dict:
        """``{model: task}``."""
        return {
            m: ctx.task(evaluate, model=m, settings=ctx.settings_for(m), cost=1) for m in ctx.models
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
            {"model": r["model"], "set": s, "auroc": a}
            for r in rows
            for s, a in r["auroc"].get("log_px", {}).items()
            if a < FAIL_AUROC and abs(a - 0.5) > 1e-9
        ]
        return NoveltyResult(
            sets=sets,
            set_text={s: OOD_TEXT[s] for s in sets},
            seed=ctx.settings.seeds[0],
            rows=rows,
            likelihood_failures=failures,
            errors=errors,
        )

    def finding(self, result: NoveltyResult, dataset: str) -> str:
        rows = result.rows
        if not rows:
            return "No model could be scored."
        best = {}
        for kind in ("log_px", "max_softmax"):
            cands = [
                (_mean_auroc(r["auroc"][kind]), r["model"]) for r in rows if kind in r["auroc"]
            ]
            if cands:
                best[kind] = max(cands)
        parts = []
        verdicts = {k: _verdict(rows, m, k) for k, (_, m) in best.items()}
        if "log_px" in best:
            parts.append(
                f"log p(x) of {best['log_px'][1]} reached a mean AUROC of {best['log_px'][0]:.2f}"
                + (f" ({verdicts['log_px']})" if verdicts["log_px"] else "")
            )
        if "max_softmax" in best:
            parts.append(
                f"the best max-softmax score ({best['max_softmax'][1]}) "
                f"{best['max_softmax'][0]:.2f}"
                + (f" ({verdicts['max_softmax']})" if verdicts["max_softmax"] else "")
            )
        text = "Over the out-of-distribution sets, " + " and ".join(parts) + "."
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
        if result.likelihood_failures:
            worst = min(result.likelihood_failures, key=lambda f: f["auroc"])
            if worst["auroc"] < 0.5:
                how = "gives those inputs higher log p(x) than real test rows"
            else:
                how = "barely tells them from real test rows"
            text += (
                f" The likelihood fails on '{worst['set']}': {worst['model']} {how} "
                f"(AUROC {worst['auroc']:.2f})."
            )
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
                label = "log p(x)" if kind == "log_px" else "max softmax"
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
        )

    def figure(self, result: NoveltyResult, style: Style, classes: list[str]):
        """AUROC per model, score and OOD set (bars); histogram of log p(x) for the best artist."""
        fig, ax = new_figure(ncols=2, w=10.0, h=4.2)
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


def draw_auroc(a, result: NoveltyResult, style: Style) -> None:
    """AUROC per model, score (hatched: max softmax) and out-of-distribution set, on ``a``."""
    rows, sets = result.rows, result.sets
    entries = [(r, kind) for r in rows for kind in r["auroc"]]
    width = 0.8 / max(1, len(entries))
    for i, (row, kind) in enumerate(entries):
        vals = [row["auroc"][kind][s] for s in sets]
        a.bar(
            np.arange(len(sets)) + i * width,
            vals,
            width,
            color=style.of(row["model"])["color"],
            hatch="" if kind == "log_px" else "///",
            edgecolor="white",
            label=f"{row['model']}: {'log p(x)' if kind == 'log_px' else 'max softmax'}",
        )
    a.axhline(0.5, color="#777777", ls=":", lw=1)
    a.set_xticks(np.arange(len(sets)) + 0.4 - width / 2, sets, fontsize=8)
    a.set_ylim(0, 1.05)
    a.set_ylabel("AUROC (1 = perfect, 0.5 = chance)")
    a.legend(fontsize=6, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)


def draw_log_px(b, result: NoveltyResult) -> None:
    """Histogram of log p(x) on test and out-of-distribution rows under the best artist."""
    rows = result.rows
    gen = [r for r in rows if "log_px" in r["hist"]]
    if gen:
        best = max(gen, key=lambda r: _mean_auroc(r["auroc"]["log_px"]))
        h = best["hist"]["log_px"]
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
        b.set_xlabel(f"log p(x) under {best['model']} (clipped to 1st-99th percentile)")
        b.set_ylabel("share of rows")
        b.legend(fontsize=7)
    else:
        b.axis("off")
        b.text(0.5, 0.5, "no generative model:\nno log p(x) to show", ha="center", va="center")
