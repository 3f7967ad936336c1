"""Every number behind every figure of a results record, as tidy pandas DataFrames.

One row per model x condition (a training size, a share of features removed, a
labels-per-class count, an out-of-distribution set...), with the spread the
result holds: ``std`` (across seeds / masks), ``se`` (standard error of the
mean) or an interval ``low``-``high``; NaN where the result has none.
"""

from __future__ import annotations

import numpy as np

__all__ = ["COLUMNS", "experiment_rows"]

#: The columns of every tidy table, in this order.
COLUMNS = [
    "experiment",
    "model",
    "family",
    "measure",
    "condition",
    "value",
    "mean",
    "std",
    "se",
    "low",
    "high",
    "n",
]


def _row(experiment, model, family, measure, condition, mean, **spread) -> dict:
    nan = float("nan")
    out = dict.fromkeys(COLUMNS, nan)
    out.update(
        experiment=experiment,
        model=model,
        family=family,
        measure=measure,
        condition=condition,
        mean=nan if mean is None else float(mean),
    )
    out.update({k: (nan if v is None else v) for k, v in spread.items()})
    # the numeric condition (size, fraction, k) again, for plotting; NaN for a named one
    out["value"] = condition if not isinstance(condition, str) else nan
    return out


def _se(std, n):
    return None if std is None or not n else float(std) / np.sqrt(n)


def _accuracy(sec):
    rows = []
    for r in sec["rows"]:
        n = len(r.get("per_split", {}).get("accuracy", [])) or None
        for measure in ("accuracy", "macro_f1", "log_loss", "ece"):
            if r.get(measure) is None:
                continue
            se = r.get(f"{measure}_se")
            rows.append(
                _row("accuracy", r["model"], r["family"], measure, "test", r[measure], se=se, n=n)
            )
    for p in sec.get("pairs", []):
        d = p["accuracy_diff"]
        rows.append(
            _row(
                "accuracy",
                f"{p['generative']} - {p['discriminative']}",
                "pair",
                "accuracy difference",
                "test",
                d["diff"],
                low=d["low"],
                high=d["high"],
                n=d["n"],
            )
        )
    return rows


def _learning_curve(sec):
    n = len(sec["seeds"])
    return [
        _row(
            "learning_curve",
            model,
            c["family"],
            "accuracy",
            size,
            mean,
            std=std,
            se=_se(std, n),
            n=n,
        )
        for model, c in sec["curves"].items()
        for size, mean, std in zip(sec["sizes"], c["mean"], c["std"], strict=True)
    ]


def _by_grid(name, grid, key, measure):
    def build(sec):
        n = len(sec["seeds"])
        return [
            _row(
                name,
                r["model"],
                r["family"],
                f"{measure} ({r[key]})",
                x,
                mean,
                std=std,
                se=_se(std, n),
                n=n,
            )
            for r in sec["rows"]
            for x, mean, std in zip(sec[grid], r["mean"], r["std"], strict=True)
        ]

    return build


def _novelty(sec):
    rows = []
    for r in sec["rows"]:
        for kind, per_set in r["auroc"].items():
            for s, value in per_set.items():
                low, high = (r.get("auroc_ci", {}).get(kind, {}).get(s) or [None, None])[:2]
                rows.append(
                    _row(
                        "novelty",
                        r["model"],
                        r["family"],
                        f"AUROC ({kind})",
                        s,
                        value,
                        low=low,
                        high=high,
                    )
                )
    # the ROC curves the figure draws: true-positive rate (mean) at each false-positive
    # rate (condition, and value) of the shared grid; absent from older results
    fpr = sec.get("roc_fpr") or []
    for r in sec["rows"]:
        for kind, per_set in (r.get("roc") or {}).items():
            for s, tpr in per_set.items():
                rows += [
                    _row("novelty", r["model"], r["family"], f"ROC TPR ({kind}, {s})", f, t)
                    for f, t in zip(fpr, tpr, strict=True)
                ]
    return rows


def _generation(sec):
    return [
        _row("generation", r["model"], r["family"], measure, "samples", r.get(measure))
        for r in sec["rows"]
        if "cannot_generate" not in r
        for measure in ("cas", "judge_agreement")
        if r.get(measure) is not None
    ]


def _regions(sec):
    return [
        _row("regions", r["model"], r["family"], "accuracy", "test", r["accuracy"])
        for r in sec["rows"]
    ]


_BUILDERS = {
    "accuracy": _accuracy,
    "learning_curve": _learning_curve,
    "missing": _by_grid("missing", "fractions", "method", "accuracy"),
    "unlabeled": _by_grid("unlabeled", "labels_per_class", "variant", "accuracy"),
    "novelty": _novelty,
    "generation": _generation,
    "regions": _regions,
}


def experiment_rows(name: str, section: dict) -> list[dict]:
    """The tidy rows (dicts with :data:`COLUMNS`) of one experiment's results section.

    An experiment registered from outside genvsdisc gets one row per entry of its
    ``rows`` field that has ``model`` and a numeric ``mean`` or ``accuracy``.
    """
    build = _BUILDERS.get(name)
    if build is not None:
        return build(section)
    out = []
    for r in section.get("rows", []):
        value = r.get("mean", r.get("accuracy"))
        if "model" in r and isinstance(value, (int, float)):
            out.append(_row(name, r["model"], r.get("family"), "value", "test", value))
    return out
