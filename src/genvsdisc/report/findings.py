"""Findings in plain words: one sentence per section about *this* data, the "why",
and the closing recommendation. Everything is computed from the results
record only.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.learning_curve import crossings

__all__ = ["WHY", "finding", "recommendation", "pct"]

WHY = {
    "accuracy": (
        "The detective spends all its effort on the boundary between classes, so with "
        "enough rows it is usually the sharper classifier. The artist models how every "
        "class looks, feature by feature; when that picture is simpler than the truth "
        "(naive Bayes assumes features independent) its boundary suffers, but when the "
        "picture is good it classifies as well and gets everything else below for free."
    ),
    "learning_curve": (
        "Ng & Jordan (2001): an artist with a simple model of p(x|y) needs few rows to "
        "estimate it, so it reaches its (lower) ceiling fast; the detective has less "
        "structure to lean on and needs more rows, but climbs higher. Curves that cross "
        "show exactly that trade."
    ),
    "missing": (
        "The artist knows p(x|y) for every feature, so a missing feature is simply summed "
        "out of the picture: it classifies with what is there. The detective learned "
        "p(y|x) for complete x only, so the gaps must be guessed first (imputation), and "
        "every wrong guess pushes x somewhere it was never trained on."
    ),
    "unlabeled": (
        "Rows without labels still show what the data looks like, which is exactly what "
        "the artist models: EM guesses their labels, refits p(x|y) on them, and repeats "
        "(Nigam et al. 2000). The detective only models labels given x, so unlabeled rows "
        "tell it nothing directly; self-training feeds it its own confident guesses."
    ),
    "novelty": (
        "Only the artist has log p(x), a score of how typical an input is under the data "
        "it learned; the detective can only say how sure it is between known classes, "
        "which may be very sure about nonsense. But likelihood is not a guarantee: a model "
        "can give higher p(x) to strange inputs that are simple (Nalisnick et al. 2019)."
    ),
    "generation": (
        "Drawing an example needs a picture of what an x looks like: the artist has "
        "p(x|y) and can sample from it; the detective learned p(y|x) only and has nothing "
        "to draw from. Good samples are recognised by a judge, train a classifier that "
        "works on real data (CAS), and are not copies of training rows."
    ),
    "regions": (
        "Both kinds draw a boundary, but only the artist also holds a density for each "
        "class: where the data lives, and where it does not."
    ),
}


def pct(x) -> str:
    return "n/a" if _missing_value(x) else f"{100 * x:.1f} %"


def _missing_value(x) -> bool:
    return x is None or (isinstance(x, float) and np.isnan(x))


def _v(x) -> float:
    """A number to rank by; a missing one ranks last."""
    return -1.0 if _missing_value(x) else float(x)


def _best(rows, key, family=None):
    rows = [r for r in rows if (family is None or r["family"] == family) and r.get(key) is not None]
    return max(rows, key=lambda r: r[key]) if rows else None


def _accuracy(sec, ds):
    rows = sec["rows"]
    top = _best(rows, "accuracy")
    if top is None:
        return "No model could be scored."
    other = "discriminative" if top["family"] == "generative" else "generative"
    rival = _best(rows, "accuracy", other)
    text = f"On {ds}, the most accurate model was {top['model']} ({top['family']}, {pct(top['accuracy'])})"
    if rival:
        text += f"; the best {other} model, {rival['model']}, reached {pct(rival['accuracy'])}"
    cal = min((r for r in rows if "ece" in r), key=lambda r: r["ece"])
    return text + f". Best calibrated: {cal['model']} (ECE {cal['ece']:.3f})."


def _learning_curve(sec, ds):
    fb = sec.get("family_best")
    sizes = sec["sizes"]
    if not fb:
        return f"Learning curves on {ds} for one family only."
    g, d = fb["generative"], fb["discriminative"]
    text = (
        f"With {sizes[0]} training rows the best generative model scored {pct(g[0])} and "
        f"the best discriminative {pct(d[0])}; with all {sizes[-1]} rows, {pct(g[-1])} "
        f"against {pct(d[-1])}."
    )
    cross = sec.get("crossings") or []
    if len(cross) == 1:
        text += (
            f" The curves cross at about {cross[0]['size']:.0f} rows; above it the "
            f"{cross[0]['after']} family leads."
        )
    elif cross:
        text += (
            f" The families trade the lead {len(cross)} times between about "
            f"{cross[0]['size']:.0f} and {cross[-1]['size']:.0f} rows; from there on the "
            f"{cross[-1]['after']} family leads."
        )
    else:
        lead = sec.get("leader_largest")
        text += (
            f" The curves do not cross: the {lead} family leads at every size tried."
            if (lead == sec.get("leader_smallest") and lead != "tie")
            else ""
        )
    return text


def _at(fracs, target):
    fracs = np.asarray(fracs)
    return int(np.argmin(np.abs(fracs - target)))


def _missing(sec, ds):
    fr = sec["fractions"]
    j = _at(fr, 0.5)
    rows = sec["rows"]
    if not rows:
        return "No model could be scored."
    by = lambda fam: [r for r in rows if r["family"] == fam]  # noqa: E731
    gen = max(by("generative"), key=lambda r: _v(r["mean"][j]), default=None)
    disc = max(by("discriminative"), key=lambda r: _v(r["mean"][j]), default=None)
    parts = []
    for r in (gen, disc):
        if r is not None:
            parts.append(f"{r['label']} kept {pct(r['mean'][j])} (from {pct(r['mean'][0])})")
    return f"With {fr[j]:.0%} of the features removed, " + "; ".join(parts) + "."


def _unlabeled(sec, ds):
    ks = sec["labels_per_class"]
    rows = sec["rows"]
    em = [r for r in rows if r["variant"] == "em"]
    disc = [r for r in rows if r["family"] == "discriminative"]
    text = []
    if em:
        r = max(em, key=lambda r: _v(r["mean"][0]))
        sup = next(x for x in rows if x["model"] == r["model"] and x["variant"] == "supervised")
        text.append(
            f"With {ks[0]} label(s) per class, {r['model']} with EM over the unlabeled rows "
            f"reached {pct(r['mean'][0])} against {pct(sup['mean'][0])} from the labeled "
            "rows alone"
        )
    if disc:
        r = max(disc, key=lambda r: _v(r["mean"][0]))
        text.append(f"the best discriminative variant, {r['label']}, reached {pct(r['mean'][0])}")
    return ("; ".join(text) + ".") if text else "No model could be scored."


def _novelty(sec, ds):
    rows = sec["rows"]
    best = {}
    for kind in ("log_px", "max_softmax"):
        cands = [(np.mean(list(r["auroc"][kind].values())), r["model"]) for r in rows
                 if kind in r["auroc"]]  # fmt: skip
        if cands:
            best[kind] = max(cands)
    parts = []
    if "log_px" in best:
        parts.append(
            f"log p(x) of {best['log_px'][1]} reached a mean AUROC of {best['log_px'][0]:.2f}"
        )
    if "max_softmax" in best:
        parts.append(
            f"the best max-softmax score ({best['max_softmax'][1]}) {best['max_softmax'][0]:.2f}"
        )
    text = "Over the out-of-distribution sets, " + " and ".join(parts) + "."
    fooled = [(a, r["model"], s) for r in rows for s, a in r["auroc"].get("max_softmax", {}).items()
              if a < 0.5]  # fmt: skip
    if fooled:
        a, m, s = min(fooled)
        text += (f" The detective's confidence is fooled on '{s}': {m} is surer of those "
                 f"inputs than of real test rows (AUROC {a:.2f}).")  # fmt: skip
    fails = sec.get("likelihood_failures") or []
    if fails:
        worst = min(fails, key=lambda f: f["auroc"])
        if worst["auroc"] < 0.5:
            how = "gives those inputs higher log p(x) than real test rows"
        else:
            how = "barely tells them from real test rows"
        text += (
            f" The likelihood fails on '{worst['set']}': {worst['model']} {how} "
            f"(AUROC {worst['auroc']:.2f})."
        )
    blind = [s for s in sec["sets"] if all(
        abs(a - 0.5) < 1e-9 for r in rows for a in [v[s] for v in r["auroc"].values()])]  # fmt: skip
    if blind:
        text += (f" No model can see '{blind[0]}' at all (AUROC 0.50 everywhere): bag-of-words "
                 "inputs are unchanged by it.")  # fmt: skip
    return text


def _generation(sec, ds):
    rows = [r for r in sec["rows"] if r["family"] == "generative" and "memorisation" in r]
    if not rows:
        return "No generative model produced samples."
    judge = sec.get("judge")
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
    copying = "no sign of copying" if ratio > 0.5 else "they may copy training rows"
    return text + (
        f". Its samples lie {ratio:.2f}x as far from their nearest training row as real "
        f"test rows do: {copying}."
    )


def _regions(sec, ds):
    rows = sec["rows"]
    best = _best(rows, "accuracy")
    return (
        (
            f"On {ds}, {best['model']} drew the most accurate regions ({pct(best['accuracy'])}); "
            "the generative panels show where each class's density lies and samples drawn from it."
        )
        if best
        else "No model could be drawn."
    )


_FINDERS = {
    "accuracy": _accuracy,
    "learning_curve": _learning_curve,
    "missing": _missing,
    "unlabeled": _unlabeled,
    "novelty": _novelty,
    "generation": _generation,
    "regions": _regions,
}


def finding(name: str, sec: dict, dataset: str) -> str:
    """One plain sentence (or two) on what section ``name`` shows for this data."""
    return _FINDERS[name](sec, dataset)


def recommendation(record: dict) -> list[str]:
    """Advice for this data, one line per question, from the numbers in ``record``."""
    ex = {k: v for k, v in record["experiments"].items() if v.get("status") == "ok"}
    out = []
    lc = ex.get("learning_curve")
    if lc and lc.get("curves"):
        out.append(_advice_size(lc))
    if "missing" in ex and ex["missing"]["rows"]:
        sec = ex["missing"]
        j = _at(sec["fractions"], 0.5)
        r = max(sec["rows"], key=lambda r: _v(r["mean"][j]))
        out.append(f"If fields go missing at prediction time, use {r['label']}: "
                   f"{pct(r['mean'][j])} with {sec['fractions'][j]:.0%} of them gone.")  # fmt: skip
    if "unlabeled" in ex and ex["unlabeled"]["rows"]:
        sec = ex["unlabeled"]
        r = max(sec["rows"], key=lambda r: _v(r["mean"][0]))
        out.append(f"With only {sec['labels_per_class'][0]} label(s) per class and many "
                   f"unlabeled rows, use {r['label']} ({pct(r['mean'][0])}).")  # fmt: skip
    if "novelty" in ex and ex["novelty"]["rows"]:
        cands = [(np.mean(list(v.values())), r["model"], k) for r in ex["novelty"]["rows"]
                 for k, v in r["auroc"].items()]  # fmt: skip
        auc, m, k = max(cands)
        score = "its log p(x)" if k == "log_px" else "its max-softmax confidence"
        out.append(f"To flag unusual inputs, use {m} with {score} (mean AUROC {auc:.2f}).")
    gen = ex.get("generation")
    if gen:
        rows = [r for r in gen["rows"] if r["family"] == "generative" and "cas" in r]
        if rows:
            r = max(rows, key=lambda r: r["cas"])
            out.append(f"To generate synthetic rows, use {r['model']} (CAS {pct(r['cas'])}, "
                       f"judge agreement {pct(r['judge_agreement'])}).")  # fmt: skip
    elif record["experiments"].get("generation", {}).get("status") == "skipped":
        out.append("To generate synthetic rows you need a generative model: "
                   + record["experiments"]["generation"]["reason"] + ".")  # fmt: skip
    return out


def _advice_size(lc) -> str:
    curves, sizes = lc["curves"], lc["sizes"]
    first = max(curves, key=lambda m: _v(curves[m]["mean"][0]))
    last = max(curves, key=lambda m: _v(curves[m]["mean"][-1]))
    if first == last:
        return (f"At every training size tried ({sizes[0]} to {sizes[-1]} rows) "
                f"{first} was the best choice.")  # fmt: skip
    cross = crossings(sizes, curves[first]["mean"], curves[last]["mean"])
    where = f"~{cross[-1]['size']:.0f}" if cross else f"{sizes[len(sizes) // 2]}"
    return (f"With fewer than {where} labeled rows use {first} "
            f"({pct(curves[first]['mean'][0])} at {sizes[0]}); with more, use {last} "
            f"({pct(curves[last]['mean'][-1])} at {sizes[-1]}).")  # fmt: skip
