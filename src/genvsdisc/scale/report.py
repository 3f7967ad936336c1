"""The out-of-core record as the in-memory report's typed experiment results.

:func:`report_record` turns what :func:`~genvsdisc.scale.compare.compare_out_of_core`
returns into a results record of the in-memory schema: the accuracy (with
calibration), learning-curve, missing-features and novelty sections are the
experiments' own :class:`~genvsdisc.experiments.base.ExperimentResult`
dataclasses, so :func:`genvsdisc.report.html.render` draws their figures,
tables, findings and the closing recommendation unchanged. The experiments
that cannot run out of core are ``skipped`` sections with their reason.

What differs from the in-memory run is said where it is shown: the test rows
are whole held-out partitions (one split, not several), so the accuracy
experiment's intervals are paired over *test rows* and its table is this
module's (:class:`OutOfCoreAccuracy`: the in-memory table's note speaks of
repeated splits); the learning curve is one training order with the test
set's sampling error as its band; the missing-features masks are drawn per
test partition, each partition one repetition.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from genvsdisc import results
from genvsdisc.experiments import evidence
from genvsdisc.experiments.accuracy import Accuracy, AccuracyResult
from genvsdisc.experiments.base import get_experiment, registered
from genvsdisc.experiments.learning_curve import LearningCurveResult
from genvsdisc.experiments.missing import MissingResult
from genvsdisc.experiments.novelty import NoveltyResult
from genvsdisc.experiments.novelty_scores import ROC_FPR
from genvsdisc.models.registry import get_spec
from genvsdisc.report.tables import note, num, pm, table
from genvsdisc.scale.evaluate import DETECTIVE

__all__ = ["report_record", "report_experiments", "OutOfCoreAccuracy", "RAN"]

#: The in-memory experiments this mode runs (the rest are skipped sections).
RAN = ("accuracy", "learning_curve", "missing", "novelty")

_HOW = {
    "gaussian_nb": "one pass: per-class sums over partitions",
    "lda": "one pass: per-class sums and outer products over partitions",
    "qda": "one pass: per-class sums and outer products over partitions",
    "gmm": "k-means++ start on a sample, then one pass per EM iteration",
    DETECTIVE: "SGDClassifier(loss='log_loss').partial_fit, one partition at a time",
}


_CURVE_HOW = {
    "gmm": "its own EM on the first m partitions, in the same passes as the full fit",
    DETECTIVE: "SGD over the first m partitions (one epoch: the full chain after m steps)",
}


def _spec(name: str) -> dict:
    if name == DETECTIVE:  # not a registry model: scikit-learn's SGD, streamed
        return {"family": "discriminative", "boundary": "linear", "likelihood": "none"}
    s = get_spec(name)
    return {"family": s.family, "boundary": s.boundary, "likelihood": s.likelihood}


def _iv(diff: float, low: float, high: float, n: int, unit: str) -> dict:
    return {"diff": diff, "low": low, "high": high, "n": n, "level": evidence.LEVEL, "unit": unit}


def _row_interval(s: float, s2: float, n: int) -> dict:
    """95 % normal interval on a mean per-row paired difference from its sums."""
    mean = s / n
    var = max(s2 / n - mean**2, 0.0) * n / max(n - 1, 1)
    half = 1.96 * math.sqrt(var / n)
    return _iv(mean, max(mean - half, -1.0), min(mean + half, 1.0), n, "test rows")


def _pairs(models: list[str]) -> list[dict]:
    """Every artist against the streamed detective, matched when the boundaries agree."""
    out = []
    for g in models if DETECTIVE in models else ():  # no detective: no pair
        if g == DETECTIVE:
            continue
        bg = _spec(g)["boundary"]
        out.append(
            {
                "generative": g,
                "discriminative": DETECTIVE,
                "boundary": {g: bg, DETECTIVE: "linear"},
                "matched": bg == "linear",
            }
        )
    return out


def _accuracy(ooc: dict) -> AccuracyResult:
    acc, n = ooc["accuracy"], ooc["accuracy"]["n_test"]
    rows = []
    for r in sorted(acc["rows"], key=lambda r: -r["accuracy"]):
        p = r["accuracy"]
        rows.append(
            {
                "model": r["model"],
                **_spec(r["model"]),
                "accuracy": p,
                "accuracy_se": math.sqrt(p * (1 - p) / n),
                "macro_f1": None,
                "log_loss": r["log_loss"],
                "ece": r["ece"],
                "reliability": r["reliability"],
                "fit_s": None,
                "predict_s": None,
                "at_chance": False,
            }
        )
    pairs = []
    for pair in _pairs([r["model"] for r in rows]):
        g = pair["generative"]
        for p in acc["pairs"]:
            if {p["a"], p["b"]} == {g, DETECTIVE}:
                sign = 1 if p["a"] == g else -1
                lo, hi = sorted((sign * p["low"], sign * p["high"]))
                pairs.append(
                    {**pair, "accuracy_diff": _iv(sign * p["difference"], lo, hi, n, "test rows")}
                )
    best = {}
    for r in rows:
        best.setdefault(r["family"], {"model": r["model"], "accuracy": r["accuracy"]})
    return AccuracyResult(seed=ooc["data"]["seed"], rows=rows, best=best, pairs=pairs)


def _learning_curve(ooc: dict) -> LearningCurveResult:
    lc, n = ooc["learning_curve"], ooc["data"]["n_test"]
    by_model: dict[str, dict[int, tuple[int, float]]] = {}
    for r in lc["rows"]:
        by_model.setdefault(r["model"], {})[r["partitions"]] = (r["n_train"], r["accuracy"])
    parts = lc["sizes_partitions"]
    # a curve needs every size; gmm is fitted at the full size only (one EM run)
    full = {m: v for m, v in by_model.items() if all(p in v for p in parts)}
    sizes = [next(iter(full.values()))[p][0] for p in parts] if full else []
    curves = {}
    for m, v in full.items():
        mean = [v[p][1] for p in parts]
        curves[m] = {
            "family": _spec(m)["family"],
            "strategy": _CURVE_HOW.get(
                m, "moments of the first m partitions (a prefix of the one pass)"
            ),
            "per_seed": [mean],
            "mean": mean,
            # one training order: the band is the test set's sampling error
            "std": [math.sqrt(a * (1 - a) / n) for a in mean],
        }
    paired = {(r["partitions"], r["model"]): (r["sum"], r["sum_sq"]) for r in lc.get("paired", [])}
    at_full = {p["generative"]: p["accuracy_diff"] for p in _accuracy(ooc).pairs}
    pairs = []
    for pair in _pairs(list(curves)):
        g, gaps = pair["generative"], []
        for p in parts:
            if (p, g) in paired:
                gaps.append(_row_interval(*paired[(p, g)], n))
            elif p == parts[-1] and g in at_full:  # the full fit: the accuracy's paired interval
                gaps.append(at_full[g])
            else:  # a record without paired sums: unpaired, so wider than it need be
                a, b = full[g][p][1], full[DETECTIVE][p][1]
                half = 1.96 * math.sqrt((a * (1 - a) + b * (1 - b)) / n)
                gaps.append(_iv(a - b, a - b - half, a - b + half, n, "test rows"))
        pairs.append({**pair, "gap": gaps, "range": evidence.close_range(sizes, gaps)})
    left = sorted(set(by_model) - set(curves))
    note_text = (
        "Out of core: one training order (the first m training partitions of a seeded "
        "permutation); the band and ± are the test set's sampling error"
        + (f"; {', '.join(left)} fitted at the full size only (see Accuracy)" if left else "")
    )
    return LearningCurveResult(
        sizes=sizes,
        seeds=[ooc["data"]["seed"]],
        curves=curves,
        errors={},
        note=note_text,
        pairs=pairs,
    )


def _missing(ooc: dict) -> MissingResult:
    mi = ooc["missing"]
    fr = mi["fractions"]
    n_per = mi.get("n_per_partition", [mi["n_rows"]])
    rows = []
    for m in dict.fromkeys(r["model"] for r in mi["rows"]):
        fam = _spec(m)["family"]
        method = "integrate" if fam == "generative" else "mean"
        per_seed, mean, std = [], [], []
        for f in fr:
            r = next(r for r in mi["rows"] if r["model"] == m and r["fraction"] == f)
            counts = r.get("per_partition", [round(r["accuracy"] * mi["n_rows"])])
            acc = [c / k for c, k in zip(counts, n_per, strict=True) if k]
            per_seed.append(acc)
            mean.append(r["accuracy"])
            std.append(float(np.std(acc, ddof=1) / np.sqrt(len(acc))) if len(acc) > 1 else None)
        rows.append(
            {
                "model": m,
                "family": fam,
                "method": method,
                "label": f"{m} ({method})",
                "baseline": False,
                "mean": mean,
                "std": std,
                "per_seed": per_seed,
            }
        )
    return MissingResult(
        baselines=[],
        note=(
            "Out of core: each test partition draws its own masks on its own seeded "
            "subsample, so a partition is one repetition; no native-NaN baseline (hgb) "
            "and no iterative imputer (both need the training rows in memory)"
        ),
        fractions=fr,
        seeds=list(range(len(n_per))),
        n_rows=mi["n_rows"],
        n_test=ooc["data"]["n_test"],
        rows=rows,
        errors={},
    )


def _novelty(ooc: dict) -> NoveltyResult:
    nv = ooc["novelty"]
    rows = []
    for r in nv["rows"]:
        if r["auroc"] is None:
            continue
        spec = _spec(r["model"])
        kind = "log_px" if spec["family"] == "generative" else "max_softmax"
        n_in = r["n_scored"] - r["n_novel"]
        row = {
            "model": r["model"],
            "family": spec["family"],
            "likelihood": spec["likelihood"],
            "auroc": {kind: {"held_out": r["auroc"]}},
            "auroc_ci": {
                kind: {"held_out": evidence.auroc_interval(r["auroc"], n_in, r["n_novel"])}
            },
            "hist": {kind: r["hist"]} if "hist" in r else {},
        }
        if "roc" in r:
            row["roc"] = {kind: {"held_out": r["roc"]}}
        rows.append(row)
    has_roc = bool(rows) and all("roc" in r for r in rows)
    return NoveltyResult(
        sets=["held_out"],
        set_text={"held_out": f"class {nv['held_out_class']} (held out of training)"},
        seed=ooc["data"]["seed"],
        rows=rows,
        likelihood_failures=[],
        errors={},
        roc_fpr=[round(float(f), 4) for f in ROC_FPR] if has_roc else None,
    )


class OutOfCoreAccuracy(Accuracy):
    """The accuracy experiment's section for one held-out set of partitions."""

    def table(self, result: AccuracyResult) -> str:
        head = [
            "model",
            "family",
            "boundary",
            "accuracy % (± s.e. over test rows)",
            "log-loss",
            "ECE",
        ]
        rows = [
            [
                r["model"],
                r["family"],
                r["boundary"],
                pm(r["accuracy"], r["accuracy_se"]),
                num(r["log_loss"]),
                num(r["ece"]),
            ]
            for r in result.scored()
        ]
        out = table(head, rows)  # each pair's paired interval is in the finding above
        return out + note(
            "Out of core: one split, whole partitions held out for testing (seeded); ± is the "
            "binomial standard error; the intervals on differences in the finding are paired "
            "over the same test rows. Calibration (ECE, reliability diagram) is summed over every test row."
        )


def report_experiments() -> list:
    """The experiments the out-of-core report draws, in the registry's order."""
    return [OutOfCoreAccuracy() if e.name == "accuracy" else e for e in registered()]


def report_record(ooc: dict) -> dict:
    """A results record of the in-memory schema from an out-of-core record ``ooc``."""
    d = ooc["data"]
    models = [r["model"] for r in ooc["accuracy"]["rows"]]
    sections = {
        "accuracy": _accuracy(ooc),
        "learning_curve": _learning_curve(ooc),
        "missing": _missing(ooc),
        "novelty": _novelty(ooc),
    }
    reasons = {r["experiment"]: r["reason"] for r in ooc["not_run"]}
    experiments = {}
    for e in registered():
        if e.name in sections:
            experiments[e.name] = {"status": "ok", "title": e.title, **sections[e.name].to_dict()}
        else:
            why = reasons.get(e.name, "not written for the out-of-core path")
            experiments[e.name] = {
                "status": "skipped",
                "title": e.title,
                "reason": f"not run out of core: {why}",
            }
    ran = ", ".join(get_experiment(n).title for n in RAN)
    record = results.new_record(
        dataset={
            "name": Path(d["source"]).name,
            "description": (
                f"Parquet table read as {d['n_partitions']} Dask partitions, never gathered "
                f"whole (out of core; {d['train_partitions']} training, {d['test_partitions']} "
                "test partitions)"
            ),
            "modality": "tabular",
            "n_samples": d["n_train"] + d["n_test"],
            "n_features": len(d["features"]),
            "classes": d["classes"],
            "n_train": d["n_train"],
            "n_test": d["n_test"],
            "split_seed": d["seed"],
            "split_text": f"whole partitions held out, seed {d['seed']}",
            "repetitions_text": "one held-out set of partitions for every experiment",
            "notes": [f"Ran out of core: {ran}.", *ooc.get("notes", [])],
        },
        settings={"seeds": [d["seed"]], "n_splits": 1, "model_params": {}},
        models=[
            {"name": m, **_spec(m), "description": _HOW[m], "deep": False, "picked": _HOW[m]}
            for m in models
        ],
        model_choice=(
            "Out of core, the artists are fitted from statistics summed over partitions and "
            "the detective is streamed over them; no other model runs in this mode."
        ),
        engine={"kind": ooc.get("engine", "dask"), "workers": ooc.get("workers", "?")},
        command=ooc.get("command"),
    )
    record["experiments"] = experiments
    record["timings"] = {
        "total_s": ooc["timings"]["total_s"],
        "experiments": ooc["timings"],
        "tasks": {},
    }
    record["mode"] = "out-of-core"
    record["out_of_core"] = ooc
    return record
