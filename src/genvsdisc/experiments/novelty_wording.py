"""The novelty finding's harder sentences: why log p(x) missed an unusual input.

Two causes are told apart and never confused:

``length``
    a length effect: the likelihood of a document falls with every word, so it
    favours short documents and document length swamps the signal; a
    length-aware score (per-word log-likelihood or typicality) sees what log p(x)
    missed;
``nalisnick``
    a likelihood failure in Nalisnick et al.'s (2019) sense: the unusual inputs
    get *higher* likelihood than real test rows beyond noise (interval below
    0.5), and on text no length-aware score sees them either, so length does
    not explain it;
``weak``
    log p(x) is only no better than chance on them (neither of the above).
"""

from __future__ import annotations

import math

from genvsdisc.experiments import evidence
from genvsdisc.experiments.novelty_figure import KIND_TEXT
from genvsdisc.experiments.novelty_scores import EMPTY_FLAG
from genvsdisc.report.tables import pct

__all__ = ["failure_cause", "failure_sentences", "length_sentences"]

#: The length-aware scores (text only), in the order they are tried.
LENGTH_AWARE = ("per_word", "typicality")

#: Each cause's wording in the finding (see the module docstring).
CAUSE_TEXT = {
    "length": "a length effect, not a likelihood failure in Nalisnick's sense",
    "nalisnick": "a genuine likelihood failure in Nalisnick's sense",
    "weak": "no better than chance",
}


def _ci(row: dict, kind: str, ood_set: str) -> list[float] | None:
    return row.get("auroc_ci", {}).get(kind, {}).get(ood_set)


def _seeing(row: dict, ood_set: str) -> str | None:
    """The length-aware score that tells ``ood_set`` from test rows beyond chance, if any
    (the one with the higher AUROC when both do)."""
    seen = [
        (row["auroc"][k][ood_set], k)
        for k in LENGTH_AWARE
        if k in row["auroc"]
        and _ci(row, k, ood_set)
        and evidence.auroc_verdict(row["auroc"][k][ood_set], _ci(row, k, ood_set)) is None
    ]
    return max(seen)[1] if seen else None


def failure_cause(row: dict, ood_set: str) -> str:
    """``length``, ``nalisnick`` or ``weak`` for a set on which ``row``'s log p(x) failed."""
    if _seeing(row, ood_set):
        return "length"  # a length-aware score sees what the raw likelihood missed
    ci = _ci(row, "log_px", ood_set)
    if ci and ci[1] < 0.5:
        return "nalisnick"
    return "weak"


def _auc(row: dict, kind: str, ood_set: str) -> str:
    a, ci = row["auroc"][kind][ood_set], _ci(row, kind, ood_set)
    return f"AUROC {a:.2f}" + (f" [{ci[0]:.2f}, {ci[1]:.2f}]" if ci else "")


def failure_sentences(result) -> list[str]:
    """One sentence per cause: its worst case, with the intervals behind it."""
    rows = {r["model"]: r for r in result.rows}
    by_cause: dict[str, list[dict]] = {}
    for f in result.likelihood_failures:
        cause = f.get("cause") or failure_cause(rows[f["model"]], f["set"])
        by_cause.setdefault(cause, []).append(f)
    out = []
    for cause in ("nalisnick", "length", "weak"):
        if cause not in by_cause:
            continue
        f = min(by_cause[cause], key=lambda f: f["auroc"])
        row, s = rows[f["model"]], f["set"]
        if cause == "nalisnick":
            text = (
                f"On '{s}', {f['model']} gives the unusual inputs higher log p(x) than real "
                f"test rows ({_auc(row, 'log_px', s)}): {CAUSE_TEXT[cause]}"
            )
            aware = [k for k in LENGTH_AWARE if k in row["auroc"]]
            if aware:
                said = "; ".join(f"{KIND_TEXT[k]} {_auc(row, k, s)}" for k in aware)
                text += (
                    f", and no length-aware score sees them either ({said}), so length "
                    "does not explain it"
                )
        elif cause == "length":
            k = _seeing(row, s)
            text = (
                f"On '{s}', log p(x) of {f['model']} barely tells the unusual inputs from "
                f"real ones ({_auc(row, 'log_px', s)}) while its {KIND_TEXT[k]} sees them "
                f"({_auc(row, k, s)}): document length swamps the likelihood, "
                f"{CAUSE_TEXT[cause]}"
            )
        else:
            text = (
                f"On '{s}', log p(x) of {f['model']} is {CAUSE_TEXT[cause]} "
                f"({_auc(row, 'log_px', s)})"
            )
        out.append(text + ".")
    return out


def length_sentences(result) -> list[str]:
    """What the likelihood does with document length, and what the length-aware score
    does with an empty document (text only; [] otherwise)."""
    out = []
    for row in result.rows:
        info = row.get("length")
        if not info:
            continue
        m = row["model"]
        rho, (lo, hi) = info["corr"], info["corr_ci"]
        rho_ok = rho is not None and math.isfinite(rho) and hi is not None and math.isfinite(hi)
        empty = info["empty"]
        favours = (rho_ok and hi < 0) or empty["log_px"] < 0.5
        corr = (
            f"Spearman's rho between log p(x) and length {rho:+.2f} [{lo:+.2f}, {hi:+.2f}] "
            "over the test documents"
            if rho_ok
            else "no rank correlation with length (constant length or score)"
        )
        if favours:
            text = (
                f"Under {m} the likelihood favours short documents (a length effect, not a "
                f"failure in Nalisnick's sense): {corr}, and an empty document looks more "
                f"typical than {pct(1 - empty['log_px'])} of them."
            )
        else:
            text = (
                f"Under {m} no length effect shows beyond noise ({corr}; an empty document "
                f"looks more typical than {pct(1 - empty['log_px'])} of test documents)."
            )
        flagged = empty["typicality"] >= EMPTY_FLAG
        per_word = empty.get("per_word", 0.0)
        # With a length model in p(x) (multinomial_nb), log p(N = 0) alone can make the
        # empty document's per-word score low: say what the numbers say, either way.
        per_word_says = (
            f"ranks an empty document as more unusual than {pct(per_word)}"
            if per_word >= EMPTY_FLAG
            else f"still ranks an empty document as more typical than {pct(1 - per_word)}"
        )
        text += (
            " Two length-aware scores are used here (N = words): per-word log-likelihood, "
            f"log p(x) / max(N, 1), which {per_word_says} of test documents, and per-word "
            "typicality, |log p(x) / max(N, 1) - its mean over training documents|, which "
            + ("flags" if flagged else "does not flag")
            + f" the empty document as unusual (more unusual than {pct(empty['typicality'])} "
            "of test documents)."
        )
        out.append(text)
    return out
