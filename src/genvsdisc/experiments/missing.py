"""Difference 3: missing features at test time.

Models are trained on the complete training side. Then a growing share of
each test row's features is removed at random (the same masks for every
model, one set per seed). A generative model that knows p(x|y) integrates
the missing features out: it classifies with p(x_observed | y) p(y).
Discriminative models only know p(y|x) for complete x, so they need the gaps
filled first -- with the training mean, or by scikit-learn's
``IterativeImputer`` (each feature regressed on the others) -- unless, like
``hgb``, they route missing values natively.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn import model_selection
from sklearn.experimental import enable_iterative_imputer  # noqa: F401 - enables the import
from sklearn.impute import IterativeImputer, SimpleImputer

from genvsdisc.data.audio_perturb import frame_mask
from genvsdisc.experiments import evidence
from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext, Skip
from genvsdisc.experiments.common import LARGE_FEATURES, Settings, make_model, mean_std, model_spec
from genvsdisc.models import available, get_spec
from genvsdisc.report.plots import Style, panel_per_model
from genvsdisc.report.tables import note, pct, pm, rank_value, summary_pct, table

__all__ = ["Missing", "MissingResult", "remove_features", "methods_for", "evaluate", "half_index"]

#: Neighbouring features each iterative-imputation regression uses: all of them
#: for small tables, a bounded number for images (784 regressions on all 783
#: other pixels would take minutes).
MAX_IMPUTE_NEIGHBOURS = 30

METHOD_TEXT = {
    "integrate": "integrates missing features out",
    "native": "handles NaN natively",
    "interpolate": "fills dropped frames by interpolation in time",
    "restart": "scores a frame after a dropped one without the dropped frame",
    "mean": "mean imputation",
    "iterative": "iterative imputation",
}


def remove_features(X: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """A copy of ``X`` (n, d) with ``round(fraction * d)`` random features per row set to NaN.

    At least one feature per row is kept, so every row still says something.
    """
    n, d = X.shape
    m = min(int(round(fraction * d)), d - 1)
    out = np.array(X, dtype=float, copy=True)
    if m <= 0:
        return out
    rng = np.random.default_rng([seed, int(round(fraction * 1000))])
    drop = np.argsort(rng.random((n, d)), axis=1)[:, :m]
    np.put_along_axis(out, drop, np.nan, axis=1)
    return out


def methods_for(model: str, iterative: bool = True) -> list[str]:
    """How registry model ``model`` meets NaN, from its registry entry: its own rule
    (``fills_missing``), integrate, native (hgb) or mean (and iterative) imputation."""
    spec = get_spec(model)
    if spec.fills_missing or "audio" in spec.modalities:  # audio: frames dropped from clips
        # filled by the model's own rule, integrated out, or left out of clip summaries
        return [spec.fills_missing or ("integrate" if spec.family == "generative" else "native")]
    if spec.handles_missing:
        return ["integrate"] if spec.family == "generative" else ["native", "mean"]
    return ["mean", "iterative"] if iterative else ["mean"]


def _imputer(method: str, d: int, seed: int):
    if method == "mean":
        return SimpleImputer(strategy="mean")
    return IterativeImputer(
        max_iter=5,
        n_nearest_features=min(d - 1, MAX_IMPUTE_NEIGHBOURS) or None,
        random_state=seed,
        keep_empty_features=True,
    )


def scored_rows(test, settings: Settings) -> np.ndarray:
    """Test rows this experiment scores: all, or a stratified seeded subsample of
    ``settings.missing_max_rows`` (the same rows for every model)."""
    n = test.n_samples
    if n <= settings.missing_max_rows:
        return np.arange(n)
    try:
        keep = model_selection.train_test_split(
            np.arange(n),
            train_size=settings.missing_max_rows,
            stratify=test.y,
            random_state=settings.split_seed,
        )[0]
    except ValueError:  # a class too small to stratify
        keep = np.random.default_rng(settings.split_seed).choice(
            n, settings.missing_max_rows, replace=False
        )
    return np.sort(keep)


def masked_test(X_test: np.ndarray, settings: Settings, mask=remove_features) -> list[list]:
    """``[[X_test with fraction f removed by ``mask``, per mask seed] per fraction]``."""
    return [
        [mask(X_test, f, s) if f > 0 else X_test for s in settings.grid_seeds]
        for f in settings.missing_fractions
    ]


def _stacked(blocks: list[list[np.ndarray]]) -> np.ndarray:
    """The (fractions x seeds x rows, d) stack of ``blocks``: one call to transform or
    predict scores every mask (every model here treats rows independently)."""
    return np.vstack([X for per_fraction in blocks for X in per_fraction])


def impute(train, test, *, settings: Settings) -> dict:
    """The masked test rows filled in by each imputer (one task shared by every model).

    Both imputers are fitted on the complete training rows only.

    Returns
    -------
    dict ``{"mean" | "iterative": ndarray (fractions, seeds, rows, d)}``.
    """
    seed = settings.seeds[0]
    X_test = test.X[scored_rows(test, settings)]
    masked = masked_test(X_test, settings)
    shape = (len(settings.missing_fractions), len(settings.grid_seeds), *X_test.shape)
    out = {}
    for method in ("mean", "iterative") if settings.iterative_impute else ("mean",):
        imputer = _imputer(method, train.X.shape[1], seed).fit(train.X)
        out[method] = imputer.transform(_stacked(masked)).reshape(shape)
        out[method][np.asarray(settings.missing_fractions) == 0] = X_test  # nothing to fill
    return out


def evaluate(train, test, *, model: str, settings: Settings, imputed=None, fitted=None) -> dict:
    """Accuracy of one model per method, fraction and mask seed (one task per model).

    The model is fitted once (with the first seed) and scores every mask:
    all of them stacked into one predict call per method, so a generative
    model integrates the gaps out of thousands of rows in one batch.
    ``imputed``: :func:`impute`'s result (for models that impute); ``fitted``:
    the run's shared fit of ``model`` (:meth:`RunContext.fitted`), None: fit here.

    Returns
    -------
    dict ``{method: [[acc per mask seed] per fraction]}``.
    """
    rows = scored_rows(test, settings)
    X_test, y_test = test.X[rows], test.y[rows]
    n_fr, n_seeds = len(settings.missing_fractions), len(settings.grid_seeds)
    if (est := fitted) is None:
        est = make_model(model, settings.seeds[0], settings).fit(train.X, train.y)
    out = {}
    for method in methods_for(model, settings.iterative_impute):
        if method in ("mean", "iterative"):
            X_all = imputed[method].reshape(-1, X_test.shape[1])
        else:
            mask = frame_mask(test) or remove_features  # audio drops whole frames
            X_all = _stacked(masked_test(X_test, settings, mask))
        pred = np.asarray(est.predict(X_all)).reshape(n_fr, n_seeds, len(rows))
        out[method] = (pred == y_test).mean(axis=2).tolist()
    return out


#: The native-NaN baseline joins every run whose training side has at most this
#: many cells (rows x features) and at most LARGE_FEATURES features; above that
#: (mnist5k: 3,500 x 784) one boosting fit takes minutes on 2 cores, and it runs
#: only when named with --models.
NATIVE_BASELINE = "hgb"
NATIVE_BASELINE_MAX_CELLS = 1_000_000


def baselines(train, models) -> list[str]:
    """Models added to this experiment only: hgb's native NaN handling, where cheap enough."""
    names = {s.name for s in available()}
    cells = train.n_samples * (train.n_features or 0)
    if train.modality == "audio" or NATIVE_BASELINE in models or NATIVE_BASELINE not in names:
        return []
    # boosting builds a histogram per feature per tree: wide data is slow at any row count
    cheap = cells <= NATIVE_BASELINE_MAX_CELLS and (train.n_features or 0) <= LARGE_FEATURES
    return [NATIVE_BASELINE] if cheap else []


def half_index(fractions) -> int:
    """Index of the fraction nearest to one half (the headline point)."""
    return int(np.argmin(np.abs(np.asarray(fractions) - 0.5)))


@dataclass
class MissingResult(ExperimentResult):
    """The ``missing`` section of results.json.

    Attributes
    ----------
    baselines : list of str
        Models added to this experiment only (``hgb``'s native NaN handling).
    note : str or None
        Why the native baseline was left out, if it was.
    fractions : list of float
        Shares of test features removed.
    seeds : list of int
        Mask seeds.
    n_rows, n_test : int
        Test rows scored, of all test rows.
    rows : list of dict
        One per (model, method): ``model``, ``family``, ``method`` (integrate,
        native, interpolate, mean, iterative), ``label``, ``baseline`` (bool), ``mean`` and
        ``std`` (per fraction), ``per_seed`` (fractions, seeds).
    errors : dict
    chance : float, optional
        Accuracy of always answering the most frequent test class (at least 1/K).
        ``{model: message}`` of the models that failed.
    """

    baselines: list[str]
    note: str | None
    fractions: list[float]
    seeds: list[int]
    n_rows: int
    n_test: int
    rows: list[dict]
    errors: dict
    chance: float | None = None

    def footnote(self) -> str | None:
        return self.note


def _at_chance(result: MissingResult, per_seed) -> bool:
    return (
        result.chance is not None
        and per_seed is not None
        and evidence.at_chance(per_seed, result.chance, result.n_rows)
    )


class Missing(Experiment):
    """Accuracy as a growing share of test features is removed."""

    name = "missing"
    title = "Missing features"
    why = (
        "The artist knows p(x|y) for every feature, so a missing feature is simply summed "
        "out of the picture: it classifies with what is there. The detective learned "
        "p(y|x) for complete x only, so the gaps must be guessed first (imputation), and "
        "every wrong guess pushes x somewhere it was never trained on."
    )
    result_type = MissingResult
    summary_headers = ("missing@50%",)

    def plan(self, ctx: RunContext) -> dict:
        """``{"impute": task, model: task}``: one fit per model, scored on every mask;
        models that impute wait for the shared imputation task."""
        train, settings = ctx.train, ctx.settings
        if train.modality == "text":
            raise Skip(
                "text has no fixed feature columns to remove; the missing-features "
                "experiment applies to tables and images"
            )
        if train.n_features < 2:
            raise Skip("one feature only: removing it would leave nothing to classify")
        imputed = None if train.modality == "audio" else ctx.task(impute, settings=settings, cost=6)
        tasks = {} if imputed is None else {"impute": imputed}
        for m in list(ctx.models) + baselines(train, ctx.models):
            needs = any(x in ("mean", "iterative") for x in methods_for(m))
            extra = {"imputed": imputed} if needs else {}
            extra |= {"fitted": ctx.fitted(m)} if m in ctx.models else {}  # novelty's too
            tasks[m] = ctx.task(evaluate, model=m, settings=ctx.settings_for(m), cost=5, **extra)
        return tasks

    def combine(self, ctx: RunContext, outputs: dict) -> MissingResult:
        """One curve per (model, method): mean and spread of accuracy over seeds per fraction."""
        train, test, settings = ctx.train, ctx.test, ctx.settings
        rows, errors = [], {}
        extra = baselines(train, ctx.models)
        for m in list(ctx.models) + extra:
            run = outputs[m]
            if run.error:
                errors[m] = run.error
                continue
            for method, per_seed in run.result.items():  # per_seed: (fractions, seeds)
                stats = [mean_std(accs) for accs in per_seed]
                rows.append(
                    {
                        "model": m,
                        "family": model_spec(m).family,
                        "method": method,
                        "label": f"{m} ({METHOD_TEXT[method]})",
                        "baseline": m in extra,
                        "mean": [s[0] for s in stats],
                        "std": [s[1] for s in stats],
                        "per_seed": per_seed,
                    }
                )
        left_out = None
        if NATIVE_BASELINE not in list(ctx.models) + extra:
            left_out = (
                f"{NATIVE_BASELINE} (native NaN handling) was left out: on {train.n_samples} x "
                f"{train.n_features} training cells one boosting fit takes minutes; name it "
                "with --models to include it"
            )
        return MissingResult(
            baselines=extra,
            note=left_out,
            fractions=list(settings.missing_fractions),
            seeds=list(settings.grid_seeds),
            n_rows=int(len(scored_rows(test, settings))),
            n_test=int(test.n_samples),
            rows=rows,
            errors=errors,
            chance=evidence.chance_rate(test.y, len(test.classes)),
        )

    def finding(self, result: MissingResult, dataset: str) -> str:
        fr, rows = result.fractions, result.rows
        j = half_index(fr)
        if not rows:
            return "No model could be scored."
        parts, tops = [], []
        for fam in ("generative", "discriminative"):
            mine = [r for r in rows if r["family"] == fam]
            if mine:
                r = max(mine, key=lambda r: rank_value(r["mean"][j]))
                tops.append(r)
                parts.append(f"{r['label']} kept {pct(r['mean'][j])} (from {pct(r['mean'][0])})")
        text = f"With {fr[j]:.0%} of the features removed, " + "; ".join(parts) + "."
        if len(tops) == 2:  # the same masks for every model: a paired comparison over them
            iv = evidence.paired_interval(
                tops[0]["per_seed"][j],
                tops[1]["per_seed"][j],
                resolution=1 / result.n_rows,
                unit="masks",
            )
            text += (
                f" Between these two, {evidence.versus(tops[0]['label'], tops[1]['label'], iv)}."
            )
        return text

    def table(self, result: MissingResult) -> str:
        head = ["model (method)"] + [f"{f:.0%} removed (%)" for f in result.fractions]
        rows = [
            [r["label"]]
            + [
                pm(m, s) + (" (chance)" if _at_chance(result, per) else "")
                for m, s, per in zip(r["mean"], r["std"], r["per_seed"], strict=True)
            ]
            for r in result.rows
        ]
        grid = note(
            f"Mean ± standard error over {len(result.seeds)} random mask(s) per fraction, on "
            f"{result.n_rows} of the {result.n_test} test rows (a stratified subsample, the "
            "same rows and masks for every model); imputers are fitted on the training rows only."
        )
        return table(head, rows) + grid

    def figure(self, result: MissingResult, style: Style, classes: list[str]):
        """Test accuracy against the share of features removed: one panel per model,
        one line per way of handling the gaps (so eight lines never share one plot)."""
        models = list(dict.fromkeys(r["model"] for r in result.rows))
        fig, axes = panel_per_model(models, style)
        for model, a in axes.items():
            draw_missing(a, result, model, style)
        next(iter(axes.values())).set_ylabel("test accuracy")
        return fig

    def summary(self, result: MissingResult, model: str) -> dict[str, str]:
        """The model's best method with half the features removed."""
        j = half_index(result.fractions)
        values = [r["mean"][j] for r in result.rows if r["model"] == model]
        if not values or any(v is None for v in values):
            return {"missing@50%": "-"}
        return {"missing@50%": summary_pct(max(values))}


def draw_missing(a, result: MissingResult, model: str, style: Style) -> None:
    """One model's accuracy by share of features removed, a line per gap handling, on ``a``."""
    fr = np.array(result.fractions)
    # long dashes: the model's own rule (interpolate, restart), not one of the imputers
    styles = {"integrate": "-", "native": "-.", "mean": "--", "iterative": ":"}
    styles.update(interpolate=(0, (6, 2)), restart=(0, (6, 2)))
    st = style.of(model)
    for r in result.rows:
        if r["model"] != model:
            continue
        mean, std = np.asarray(r["mean"], float), np.asarray(r["std"], float)
        a.plot(fr, mean, ls=styles[r["method"]], label=r["method"], lw=1.8, ms=4, **st)
        a.fill_between(fr, mean - std, mean + std, color=st["color"], alpha=0.12, lw=0)
    a.set_xlabel("share of test features removed")
    a.legend(fontsize=8, title="gaps handled by", title_fontsize=8)
