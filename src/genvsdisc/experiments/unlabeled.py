"""Difference 4: learning from unlabeled rows (Nigam et al. 2000).

Only ``k`` training rows per class keep their label; the rest of the training
side becomes an unlabeled pool. A generative model can use the pool through
EM: it guesses the missing labels with its own posterior, refits p(x|y) on
all rows, and repeats. It is compared with the same model trained on the
labeled rows alone (the unlabeled rows weighted 0: same features, same
vocabulary for text), and with discriminative models trained on the labeled
rows alone and through scikit-learn's ``SelfTrainingClassifier`` (which
adds confidently predicted pool rows as pseudo-labels). Every variant is
scored on the same held-out test side.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import numpy as np
from sklearn.semi_supervised import SelfTrainingClassifier

from genvsdisc.exceptions import GenvsdiscError
from genvsdisc.experiments import evidence
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext, Skip
from genvsdisc.experiments.common import (
    Settings,
    make_model,
    mean_std,
    model_spec,
    per_class_subset,
    unwrapped,
    vector_data,
)
from genvsdisc.experiments.learning_curve import CHANCE_WHY
from genvsdisc.experiments.unlabeled_effects import HYPER_NOTE, VARIANT_TEXT, effect_sentences
from genvsdisc.models import get_spec
from genvsdisc.report.plots import Style, log_axis, panel_per_model
from genvsdisc.report.tables import note, pm, summary_pct, table

__all__ = ["Unlabeled", "UnlabeledResult", "label_counts", "evaluate", "variants_for"]

#: Self-training rounds; scikit-learn's default (10) costs a refit each.
SELF_TRAINING_ROUNDS = 5


def label_counts(train, settings: Settings) -> list[int]:
    """The ``k`` values that leave an unlabeled pool: k below every class's size."""
    smallest = int(np.bincount(train.y, minlength=len(train.classes)).min())
    return [int(k) for k in settings.labels_per_class if k < smallest]


def variants_for(model: str, est, vector: bool = True) -> list[str]:
    """Which variants registry model ``model`` (an unfitted ``est``) runs: EM for
    generative models whose registry entry says semi_supervised; self-training for
    discriminative ones with probabilities (on text, only those with their own
    vectorizer: ``SelfTrainingClassifier`` needs numeric rows)."""
    spec = get_spec(model)
    if spec.family == "generative":
        return ["supervised", "em"] if spec.semi_supervised else ["supervised"]
    if hasattr(est, "predict_proba") and (vector or hasattr(est, "_make_vectorizer")):
        return ["supervised", "self_training"]
    return ["supervised"]


def _text_vectors(est, part):
    """The model's own vectorizer fitted on all training text (labeled + pool, never the
    test side): the supervised and self-training variants then share EM's vocabulary,
    and ``SelfTrainingClassifier``, which checks X as a numeric matrix, can run."""
    docs = np.asarray(part.X, dtype=object)
    vec = est._vectorizer_for(docs).fit(docs)  # character n-grams for short documents
    return vec.transform(docs), vec.transform


def _self_training(est, X, y_semi):
    return SelfTrainingClassifier(est, max_iter=SELF_TRAINING_ROUNDS).fit(X, y_semi)


def split_labels(y: np.ndarray, k: int, seed: int, max_pool: int) -> tuple[np.ndarray, np.ndarray]:
    """``k`` labeled rows per class and an unlabeled pool of at most ``max_pool`` other rows.

    Returns
    -------
    labeled, pool : ndarray of row indices (sorted)
    """
    labeled = per_class_subset(y, k, seed=seed * 1000 + k)
    rest = np.setdiff1d(np.arange(len(y)), labeled)
    if len(rest) > max_pool:
        rest = np.sort(np.random.default_rng([seed, k]).choice(rest, max_pool, replace=False))
    return labeled, rest


def evaluate(train, test, *, model: str, seed: int, ks: list[int], settings: Settings) -> dict:
    """Test accuracy of every variant of ``model`` for each k (one task, one seed).

    Returns
    -------
    dict ``accuracy``: ``{variant: [acc per k]}`` (NaN where the variant could not be
    fitted) and ``errors``: ``{variant: first message}``.
    """
    out: dict[str, list[float]] = {}
    errors: dict[str, str] = {}
    em_params = {}
    probe = make_model(model, seed)
    # Closed-form M-steps (sufficient statistics: the models with partial_fit) are cheap:
    # EM runs to the model's own limit. Iterative M-steps (mixtures) are capped.
    if (
        settings.em_max_iter is not None
        and "em_max_iter" in probe.get_params()
        and not get_spec(model).partial_fit
    ):
        em_params = {"em_max_iter": settings.em_max_iter}
    for k in ks:
        labeled, pool = split_labels(train.y, k, seed, settings.unlabeled_max_pool)
        rows = np.concatenate([labeled, pool])
        part = train.subset(rows)
        y_semi = np.full(len(rows), -1, dtype=int)
        y_semi[: len(labeled)] = train.y[labeled]
        for variant in variants_for(model, probe, vector_data(train)):
            est = make_model(model, seed, settings, **(em_params if variant == "em" else {}))
            try:
                acc = _fit_variant(est, variant, train, test, part, y_semi)
            except GenvsdiscError as err:  # e.g. too few labeled documents for a vocabulary
                acc = float("nan")
                errors.setdefault(variant, f"{k} per class: {err}")
            out.setdefault(variant, []).append(acc)
    return {"accuracy": out, "errors": errors}


def _fit_variant(est, variant, train, test, part, y_semi) -> float:
    """Fit one variant and score it on the test side.

    Every variant sees the same features: generative "labeled rows only" is the
    EM model with the unlabeled rows weighted 0 (same vocabulary, no EM steps);
    discriminative models on text use their vectorizer fitted on all training text.
    """
    X_test = test.X
    if variant == "em":
        est.fit(part.X, y_semi)
    elif variant == "supervised" and "unlabeled_weight" in unwrapped(est).get_params():
        unwrapped(est).set_params(unlabeled_weight=0.0)  # inside an Augmented wrapper too
        est.fit(part.X, y_semi)
    else:
        X, X_test = part.X, test.X
        if not vector_data(train) and hasattr(est, "_make_vectorizer"):
            X, transform = _text_vectors(est, part)
            X_test = transform(np.asarray(test.X, dtype=object))
        if variant == "supervised":
            n_lab = int(np.sum(y_semi >= 0))  # labeled rows come first in ``part``
            est.fit(X[:n_lab], y_semi[:n_lab])
        else:
            est = _self_training(est, X, y_semi)
    return float(np.mean(est.predict(X_test) == test.y))


@dataclass
class UnlabeledResult(ExperimentResult):
    """The ``unlabeled`` section of results.json.

    Attributes
    ----------
    labels_per_class : list of int
        The k labeled rows per class tried.
    n_pool : int
        Unlabeled rows offered at the smallest k.
    max_pool : int
        Cap on the unlabeled pool.
    em_max_iter : int or None
        EM iterations allowed to mixtures.
    seeds : list of int
        Label draws.
    rows : list of dict
        One per (model, variant): ``model``, ``family``, ``variant`` (supervised,
        em, self_training), ``label``, ``mean`` and ``std`` (per k; None where it
        could not be fitted), ``per_seed`` (seeds, ks), ``error`` (first message or None).
    errors : dict
        ``{model: message}`` of the models that failed.
    chance : float, optional
        Accuracy of always answering the most frequent test class (at least 1/K).
    n_test : int, optional
        Test rows scored.
    """

    labels_per_class: list[int]
    n_pool: int
    max_pool: int
    em_max_iter: int | None
    seeds: list[int]
    rows: list[dict]
    errors: dict
    chance: float | None = None
    n_test: int | None = None


class Unlabeled(Experiment):
    """k labels per class plus an unlabeled pool: EM against self-training."""

    name = "unlabeled"
    title = "Unlabeled data"
    why = (
        "Rows without labels still show what the data looks like, which is exactly what "
        "the artist models: EM guesses their labels, refits p(x|y) on them, and repeats "
        "(Nigam et al. 2000). The detective only models labels given x, so unlabeled rows "
        "tell it nothing directly; self-training feeds it its own confident guesses. "
        "Either can hurt: when the artist's picture of p(x|y) is wrong, EM fits the "
        "unlabeled rows at the labels' expense (Nigam et al. saw this too), and "
        "self-training can learn from its own mistakes; the finding above says which "
        "happened here."
    )
    result_type = UnlabeledResult
    summary_headers = ("fewest labels",)

    def plan(self, ctx: RunContext) -> dict:
        """``{(model, seed): task}``, every k of one label draw in one task."""
        ks = label_counts(ctx.train, ctx.settings)
        if not ks:
            raise Skip(
                f"every class has at most {min(ctx.settings.labels_per_class)} training rows; "
                "no unlabeled pool would be left"
            )
        return {
            (m, s): ctx.task(evaluate, model=m, seed=s, ks=ks, settings=ctx.settings_for(m), cost=4)
            for m in ctx.models
            for s in ctx.settings.grid_seeds
        }

    def combine(self, ctx: RunContext, outputs: dict) -> UnlabeledResult:
        train, settings = ctx.train, ctx.settings
        ks = label_counts(train, settings)
        rows, errors = [], {}
        for m in ctx.models:
            runs = [outputs[m, s] for s in settings.grid_seeds]
            failed = [r.error for r in runs if r.error]
            if failed:
                errors[m] = failed[0]
                continue
            for variant in runs[0].result["accuracy"]:
                acc = np.array([r.result["accuracy"][variant] for r in runs])  # (seeds, ks)
                stats = [mean_std(acc[:, j]) for j in range(len(ks))]
                msgs = [r.result["errors"][variant] for r in runs if variant in r.result["errors"]]
                rows.append(
                    {
                        "model": m,
                        "family": model_spec(m).family,
                        "variant": variant,
                        "label": f"{m} ({VARIANT_TEXT[variant]})",
                        "mean": [s[0] for s in stats],
                        "std": [s[1] for s in stats],
                        "per_seed": acc.tolist(),
                        "error": msgs[0] if msgs else None,
                    }
                )
        return UnlabeledResult(
            labels_per_class=ks,
            n_pool=int(
                min(train.n_samples - ks[0] * len(train.classes), settings.unlabeled_max_pool)
            ),
            max_pool=settings.unlabeled_max_pool,
            em_max_iter=settings.em_max_iter,
            seeds=list(settings.grid_seeds),
            rows=rows,
            errors=errors,
            chance=evidence.chance_rate(ctx.test.y, len(ctx.test.classes)),
            n_test=int(ctx.test.n_samples),
        )

    def finding(self, result: UnlabeledResult, dataset: str) -> str:
        """Every use of the unlabeled rows against the same model on labels alone, a harm
        said as loudly as a gain, each with its interval; then how the settings were fixed."""
        if not result.rows:
            return "No model could be scored."
        text = effect_sentences(result)
        low = [r for r in result.rows if _chance_flag(result, r)]
        chance = evidence.chance_note(
            [r["label"] for r in low],
            result.chance,
            f"with {result.labels_per_class[0]} label(s) per class",
        )
        why = "".join(
            f" {m}: {CHANCE_WHY[m]}."
            for m in dict.fromkeys(r["model"] for r in low)
            if m in CHANCE_WHY
        )
        out = ("; ".join(text) + "." if text else "") + chance + why + " " + HYPER_NOTE + "."
        return out.strip()

    def table(self, result: UnlabeledResult) -> str:
        head = ["model (variant)"] + [f"{k} per class (%)" for k in result.labels_per_class]
        rows = [
            [r["label"]]
            + [
                pm(m, s) + (_chance_flag(result, r, j) if m is not None else "")
                for j, (m, s) in enumerate(zip(r["mean"], r["std"], strict=True))
            ]
            for r in result.rows
        ]
        notes = "".join(
            f'<p class="note">{escape(r["label"])}: n/a where it could not be fitted '
            f"({escape(r['error'])})</p>"
            for r in result.rows
            if r.get("error")
        )
        cap = (
            f"; EM of mixtures capped at {result.em_max_iter} iterations"
            if result.em_max_iter
            else ""
        )
        grid = note(
            f"Mean ± standard error over {len(result.seeds)} draw(s) of the labeled rows; up to "
            f"{result.max_pool} other training rows form the unlabeled pool{cap}. "
            f"{HYPER_NOTE}."
        )
        return table(head, rows) + notes + grid

    def figure(self, result: UnlabeledResult, style: Style, classes: list[str]):
        """Test accuracy against labeled rows per class: one panel per model, one line
        per way of using the unlabeled rows (so eight lines never share one plot)."""
        models = list(dict.fromkeys(r["model"] for r in result.rows))
        fig, axes = panel_per_model(models, style)
        for model, a in axes.items():
            draw_unlabeled(a, result, model, style)
        next(iter(axes.values())).set_ylabel("test accuracy")
        fig.suptitle(f"plus {result.n_pool} unlabeled training rows", fontsize=9)
        return fig

    def summary(self, result: UnlabeledResult, model: str) -> dict[str, str]:
        """The model's best variant with the fewest labels."""
        mine = [r for r in result.rows if r["model"] == model]
        if not mine or any(r["mean"][0] is None for r in mine):
            return {"fewest labels": "-"}
        best = max(mine, key=lambda r: r["mean"][0])
        return {"fewest labels": summary_pct(best["mean"][0]) + _chance_flag(result, best)}


def _chance_flag(result: UnlabeledResult, row: dict, j: int = 0) -> str:
    """`` (chance)`` when ``row`` with the ``j``-th label count is within noise of the
    majority rate, else ``""``."""
    if result.chance is None or row["per_seed"] is None:
        return ""
    acc = np.asarray(row["per_seed"], dtype=float)[:, j]
    return " (chance)" if evidence.at_chance(acc, result.chance, result.n_test or 0) else ""


def draw_unlabeled(a, result: UnlabeledResult, model: str, style: Style) -> None:
    """One model's accuracy against labeled rows per class, one line per way of using
    the unlabeled rows (mean and a band of one std across seeds), on the Axes ``a``."""
    ks = result.labels_per_class
    styles = {"supervised": ":", "em": "-", "self_training": "--"}
    names = {"supervised": "labels only", "em": "EM", "self_training": "self-training"}
    st = style.of(model)
    for r in result.rows:
        if r["model"] != model:
            continue
        mean, std = np.asarray(r["mean"], float), np.asarray(r["std"], float)
        label = names.get(r["variant"], r["variant"])
        a.plot(ks, mean, ls=styles[r["variant"]], label=label, lw=1.8, ms=4, **st)
        a.fill_between(ks, mean - std, mean + std, color=st["color"], alpha=0.12, lw=0)
    if len(ks) > 1 and min(ks) > 0:
        log_axis(a, "x")  # ticks read 1, 10, 100
    a.set_xticks(ks, [str(k) for k in ks])
    a.minorticks_off()
    a.set_xlabel("labeled rows per class")
    a.legend(fontsize=8)
