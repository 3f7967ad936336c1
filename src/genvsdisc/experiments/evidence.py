"""Like with like, and only what the noise allows: pairs, intervals and their wording.

Every sentence genvsdisc writes that compares the two families goes through
this module:

- :func:`pairs_for` pairs each artist with a detective of the same boundary
  form (``ModelSpec.boundary``) where the run has one, and says so when not;
- :func:`paired_interval` puts an interval on a paired difference (the same
  splits for both models);
- :func:`versus` turns a difference and its interval into words: a direction
  only when the interval excludes zero, "too close to call" otherwise;
- :func:`chance_rate`, :func:`at_chance` and :func:`auroc_interval` flag
  results that are no better than chance.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from genvsdisc.models import get_spec

__all__ = [
    "DEFAULT_PAIRS",
    "LEVEL",
    "AUROC_USEFUL",
    "pairs_for",
    "preferred",
    "pair_text",
    "form_note",
    "paired_interval",
    "differs",
    "close_range",
    "size_list",
    "versus",
    "points",
    "chance_rate",
    "at_chance",
    "chance_note",
    "auroc_interval",
    "auroc_verdict",
]

#: Confidence level of every interval genvsdisc prints.
LEVEL = 0.95

#: An AUROC below this is "no better than chance" for a detector, even when its
#: interval excludes 0.5: it would flag many normal rows for each unusual one caught.
AUROC_USEFUL = 0.6


# ---------------------------------------------------------------- pairs
#: The matched pairs ``compare`` runs by default, per modality, with the reason.
#: Linear: lda <-> logreg, the Ng-Jordan pair in its cleanest form. gaussian_nb
#: is the textbook artist, but with a variance per class its boundary is
#: quadratic, and on correlated pixels its independence assumption costs it
#: most of the gap (measured on split 0, seed 0: digits 84.8 % against lda's
#: 95.9 % and logreg's 97.0 %; breast_cancer 92.4 / 95.3 / 95.9 %), so
#: lda <-> logreg isolates family from flexibility.
#: Quadratic: the registry has no quadratic detective (logistic regression on
#: degree-2 features would be one, but it is not a registered model), so qda
#: runs against logreg and every sentence says that pair is mismatched; on
#: images qda is left out (784-pixel covariances per class make the
#: missing-features grid cost minutes). Flexible: gmm <-> knn (knn is cheap;
#: mlp is the other flexible detective). Text: multinomial_nb <-> logreg, both
#: linear in the words (logreg on TF-IDF weights); no flexible text detective
#: is registered outside the deep models.
DEFAULT_PAIRS: dict[str, list[tuple[str, str, str]]] = {
    "tabular": [
        (
            "lda",
            "logreg",
            "linear pair (Ng & Jordan): shared-covariance Gaussians vs logistic regression",
        ),
        ("qda", "logreg", "quadratic artist; no quadratic detective is registered (mismatched)"),
        ("gmm", "knn", "flexible pair: Gaussian mixtures vs nearest neighbours"),
    ],
    "image": [
        (
            "lda",
            "logreg",
            "linear pair (Ng & Jordan): shared-covariance Gaussians vs logistic regression",
        ),
        ("gmm", "knn", "flexible pair: Gaussian mixtures vs nearest neighbours"),
    ],
    "text": [
        (
            "multinomial_nb",
            "logreg",
            "linear pair (Ng & Jordan): naive Bayes vs logistic regression",
        ),
    ],  # audio: no linear artist exists for variable-length clips, so both pairs are
    # flexible: each family's strongest model (benchmarks/sound.py), then the simplest
    # flexible ones; hmm, clip_logreg (linear) and clip_mlp run when named with --models
    "audio": [
        ("gmm_hmm", "clip_svm", "flexible pair: GMM-HMMs vs an RBF SVM on clip summaries"),
        ("frame_gmm", "clip_knn", "flexible pair: bag-of-frames mixtures vs nearest neighbours"),
    ],
}


def pairs_for(models: list[str], preferred: list[tuple[str, str]] | None = None) -> list[dict]:
    """The artist-detective pairs a run compares, matched by boundary form where possible.

    Parameters
    ----------
    models : list of str
        Registry names of the run's models.
    preferred : list of (generative, discriminative), optional
        Pairs to use first (the defaults of ``compare``), when both models are in ``models``.

    Returns
    -------
    list of dict
        ``{"generative", "discriminative", "boundary": {model: form}, "matched": bool}``;
        every artist appears in at most one pair. An artist with no detective
        of its form is paired with the first detective left (``matched`` False):
        part of any gap between them is flexibility, not family.
    """
    specs = {m: get_spec(m) for m in models}
    gen = [m for m in models if specs[m].family == "generative"]
    disc = [m for m in models if specs[m].family == "discriminative"]
    out, used_gen, used_disc = [], set(), set()

    def add(g, d):
        used_gen.add(g)
        used_disc.add(d)
        bg, bd = specs[g].boundary, specs[d].boundary
        out.append(
            {
                "generative": g,
                "discriminative": d,
                "boundary": {g: bg, d: bd},
                "matched": bg == bd,
            }
        )

    for g, d in preferred or []:
        if g in gen and d in disc and g not in used_gen:
            add(g, d)
    for g in gen:  # same form first, a detective not yet paired preferred
        if g in used_gen:
            continue
        same = [d for d in disc if specs[d].boundary == specs[g].boundary]
        fresh = [d for d in same if d not in used_disc]
        if same:
            add(g, (fresh or same)[0])
    for g in gen:  # no detective of its form: mismatched, and said so
        if g not in used_gen and disc:
            fresh = [d for d in disc if d not in used_disc]
            add(g, (fresh or disc)[0])
    return out


def pair_text(pair: dict) -> str:
    """``"lda ↔ logreg (both linear: like with like)"`` or the mismatch said plainly."""
    g, d = pair["generative"], pair["discriminative"]
    bg, bd = pair["boundary"][g], pair["boundary"][d]
    if pair["matched"]:
        return f"{g} ↔ {d} (both {bg}: like with like)"
    return (
        f"{g} ↔ {d} ({bg} against {bd}: a mismatched pair, so part of any gap is "
        "flexibility, not family)"
    )


def form_note(a: str, b: str) -> str:
    """Whether registry models ``a`` and ``b`` draw the same form of boundary, in words."""
    fa, fb = get_spec(a).boundary, get_spec(b).boundary
    if fa == fb:
        return f"both draw {fa} boundaries"
    return f"{a} draws {fa} boundaries and {b} {fb} ones, so part of the gap is flexibility"


# ---------------------------------------------------------------- intervals
def paired_interval(
    a,
    b,
    *,
    test_fraction: float | None = None,
    resolution: float = 0.0,
    level: float = LEVEL,
    unit: str = "splits",
) -> dict:
    """Interval on mean(a - b) over paired repetitions (the same splits for both models).

    A paired t interval. Repeated random splits share test rows, so the plain
    t interval is too narrow; with ``test_fraction`` (n_test / n_train) the
    variance gets Nadeau & Bengio's (2003) correction ``(1/J + n_test/n_train)``
    in place of ``1/J``. Written here because scipy has the t quantile but not
    this corrected resampled t-test.

    Parameters
    ----------
    a, b : array-like (J,)
        The two models' figures on the same J repetitions.
    test_fraction : float, optional
    resolution : float, default=0
        Smallest spread the per-repetition differences are taken to have (one
        test row, ``1 / n_test``, for accuracies): a few splits that happen to
        give the same difference do not make a zero-width interval.
    level : float
    unit : str, default="splits"
        What a repetition is (``splits``, ``label draws``, ``masks``, ``points``),
        for the text.

    Returns
    -------
    dict with ``diff`` (mean of a - b), ``low``, ``high`` (clipped to [-1, 1], the
    range of a difference of shares; NaN when J < 2: one repetition gives no
    interval), ``n`` (J) and ``level``.
    """
    d = np.asarray(a, dtype=float) - np.asarray(b, dtype=float)
    d = d[np.isfinite(d)]
    out = {"diff": float(np.mean(d)) if len(d) else math.nan, "low": math.nan, "high": math.nan}
    out.update(n=int(len(d)), level=level, unit=unit)
    if len(d) < 2:
        return out
    factor = 1.0 / len(d) + (test_fraction or 0.0)
    se = math.sqrt(factor * max(float(np.var(d, ddof=1)), resolution**2))
    half = float(stats.t.ppf(0.5 + level / 2, df=len(d) - 1)) * se
    # differences of shares (accuracy, AUROC) lie in [-1, 1]; a t interval over 2 or 3
    # repetitions can reach past that, which says nothing more than the bound itself
    out["low"], out["high"] = max(out["diff"] - half, -1.0), min(out["diff"] + half, 1.0)
    return out


def _num(x) -> float:
    """A number read back from results.json, where NaN was written as null."""
    return math.nan if x is None else float(x)


def differs(iv: dict) -> bool:
    """True when the interval excludes zero (a direction may be claimed)."""
    low, high = _num(iv["low"]), _num(iv["high"])
    return bool(np.isfinite(low) and (low > 0 or high < 0))


def points(iv: dict) -> str:
    """``+1.2 points [−0.4, +2.8]`` (differences of shares, in percentage points)."""
    if not np.isfinite(_num(iv["low"])):
        return f"{100 * _num(iv['diff']):+.1f} points, one repetition: no interval"
    return (
        f"{100 * iv['diff']:+.1f} points, {100 * iv['level']:.0f} % interval "
        f"[{100 * iv['low']:+.1f}, {100 * iv['high']:+.1f}] "
        f"over {iv['n']} {iv.get('unit', 'splits')}"
    )


def undecided(iv: dict) -> str:
    """Why no direction is claimed for ``iv``: ``"too close to call"`` when its
    interval includes zero, and ``"not settled"`` when one repetition gave no
    interval at all (a large gap from one draw is not a tie, and not a win)."""
    return "too close to call" if np.isfinite(_num(iv["low"])) else "not settled"


def versus(a_name: str, b_name: str, iv: dict, what: str = "accuracy") -> str:
    """A comparative clause gated by ``iv`` (``a`` minus ``b``).

    ``"lda is ahead of logreg on accuracy by +2.1 points, 95 % interval [...]"`` when
    the interval excludes zero; ``"lda and logreg are too close to call on accuracy
    (...)"`` when it does not, and ``"... not settled ..."`` when there is no interval.
    """
    if not differs(iv):
        return f"{a_name} and {b_name} are {undecided(iv)} on {what} ({points(iv)})"
    lead, trail = (a_name, b_name) if iv["diff"] > 0 else (b_name, a_name)
    flip = dict(iv, diff=abs(iv["diff"]), low=min(abs(iv["low"]), abs(iv["high"])))
    flip["high"] = max(abs(iv["low"]), abs(iv["high"]))
    return f"{lead} is ahead of {trail} on {what} ({points(flip)})"


def close_range(sizes, gaps: list[dict]) -> dict:
    """Where a pair's curves are within noise, and who leads clearly on either side.

    Parameters
    ----------
    sizes : list of int
    gaps : list of dict
        One :func:`paired_interval` per size (generative minus discriminative).

    Returns
    -------
    dict with ``close`` (sizes whose interval includes 0), ``from`` / ``to``
    (the smallest and largest such size, or None), ``before`` / ``after``
    (``generative``, ``discriminative`` or None: the family ahead beyond
    reasonable doubt at the smallest / largest size).
    """

    def ahead(iv):
        if not differs(iv):
            return None
        return "generative" if iv["diff"] > 0 else "discriminative"

    close = [n for n, iv in zip(sizes, gaps, strict=True) if not differs(iv)]
    return {
        "close": close,
        "from": close[0] if close else None,
        "to": close[-1] if close else None,
        "before": ahead(gaps[0]),
        "after": ahead(gaps[-1]),
    }


def size_list(sizes: list[int]) -> str:
    """``"40"``, ``"40 and 80"`` or ``"40 to 320"``."""
    if len(sizes) == 1:
        return str(sizes[0])
    if len(sizes) == 2:
        return f"{sizes[0]} and {sizes[1]}"
    return f"{sizes[0]} to {sizes[-1]}"


# ---------------------------------------------------------------- chance
def chance_rate(y, n_classes: int) -> float:
    """Accuracy of always answering the most frequent class of ``y`` (at least 1/K)."""
    counts = np.bincount(np.asarray(y, dtype=int), minlength=n_classes)
    return float(max(counts.max() / max(counts.sum(), 1), 1.0 / max(n_classes, 1)))


def at_chance(values, rate: float, n_test: int) -> bool:
    """True when mean accuracy ``values`` is within noise of ``rate``.

    Noise: two binomial standard errors of an accuracy of ``rate`` on ``n_test``
    rows, or the interval over repetitions when that is wider.
    """
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return False
    margin = 2 * math.sqrt(rate * (1 - rate) / max(n_test, 1))
    if len(v) > 1:
        margin = max(margin, 2 * float(np.std(v, ddof=1)) / math.sqrt(len(v)))
    return float(np.mean(v)) <= rate + margin


def auroc_interval(auroc: float, n_in: int, n_out: int, level: float = LEVEL) -> list[float]:
    """Hanley & McNeil (1982) interval of an AUROC from n_in normal and n_out unusual rows.

    Written here because scikit-learn gives the AUROC but no standard error.
    """
    a = min(max(float(auroc), 1e-9), 1 - 1e-9)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_out - 1) * (q1 - a * a) + (n_in - 1) * (q2 - a * a)) / max(
        n_in * n_out, 1
    )
    half = float(stats.norm.ppf(0.5 + level / 2)) * math.sqrt(max(var, 0.0))
    return [float(auroc) - half, float(auroc) + half]


def auroc_verdict(auroc: float, interval) -> str | None:
    """``"no better than chance"`` (interval includes 0.5 or AUROC below
    :data:`AUROC_USEFUL`), ``"worse than chance"`` (interval below 0.5), else None."""
    lo, hi = interval
    if hi < 0.5:
        return "worse than chance"
    if lo <= 0.5 or auroc < AUROC_USEFUL:
        return "no better than chance"
    return None


def preferred(modality: str) -> list[tuple[str, str]]:
    """The (generative, discriminative) default pairs of ``modality``."""
    return [(g, d) for g, d, _ in DEFAULT_PAIRS.get(modality, [])]


def chance_note(labels: list[str], rate: float | None, where: str) -> str:
    """`` At chance level (10.0 %, the majority-class rate) <where>: a, b.`` or ``""``."""
    if not labels or rate is None:
        return ""
    return (
        f" At chance level ({100 * rate:.1f} %, the majority-class rate) {where}: "
        f"{', '.join(labels)}."
    )
