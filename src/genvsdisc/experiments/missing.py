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

import numpy as np
from sklearn.experimental import enable_iterative_imputer  # noqa: F401 - enables the import
from sklearn.impute import IterativeImputer, SimpleImputer

from genvsdisc.experiments.common import (
    LARGE_FEATURES,
    Settings,
    Skip,
    Task,
    make_model,
    mean_std,
    model_spec,
)

__all__ = ["NAME", "TITLE", "plan", "combine", "remove_features", "methods_for", "evaluate"]

NAME = "missing"
TITLE = "Missing features"

#: Neighbouring features each iterative-imputation regression uses: all of them
#: for small tables, a bounded number for images (784 regressions on all 783
#: other pixels would take minutes).
MAX_IMPUTE_NEIGHBOURS = 30

METHOD_TEXT = {
    "integrate": "integrates missing features out",
    "native": "handles NaN natively",
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


def methods_for(model, iterative: bool = True) -> list[str]:
    """How ``model`` meets NaN: integrate (generative), native (hgb) or imputation
    (mean, and iterative unless ``iterative`` is False)."""
    if getattr(model, "family", None) == "generative" and getattr(model, "_handles_missing", False):
        return ["integrate"]
    if getattr(model, "handles_missing", False):
        return ["native", "mean"]
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
    from sklearn.model_selection import train_test_split

    try:
        keep = train_test_split(np.arange(n), train_size=settings.missing_max_rows,
                                stratify=test.y, random_state=settings.split_seed)[0]  # fmt: skip
    except ValueError:  # a class too small to stratify
        keep = np.random.default_rng(settings.split_seed).choice(n, settings.missing_max_rows,
                                                                  replace=False)  # fmt: skip
    return np.sort(keep)


def impute(train, test, *, settings: Settings) -> dict:
    """The masked test rows filled in by each imputer (one task shared by every model).

    Both imputers are fitted on the complete training rows only.

    Returns
    -------
    dict ``{"mean" | "iterative": [[X_filled per seed] per fraction]}``.
    """
    seed = settings.seeds[0]
    X_test = test.X[scored_rows(test, settings)]
    out = {}
    for method in ("mean", "iterative") if settings.iterative_impute else ("mean",):
        imputer = _imputer(method, train.X.shape[1], seed).fit(train.X)
        out[method] = [
            [imputer.transform(remove_features(X_test, f, s)) if f > 0 else X_test
             for s in settings.grid_seeds]
            for f in settings.missing_fractions
        ]  # fmt: skip
    return out


def evaluate(train, test, *, model: str, mask_seed: int, settings: Settings,
             imputed: dict | None = None) -> dict:  # fmt: skip
    """Accuracy of one model per method and fraction, for the masks of one seed (one task).

    The model itself is always fitted with the first seed, so every mask seed
    scores the same model. ``imputed`` is the result of :func:`impute` (needed
    by models that impute).

    Returns
    -------
    dict ``{method: [acc per fraction]}``.
    """
    j = list(settings.grid_seeds).index(mask_seed)
    rows = scored_rows(test, settings)
    X_test, y_test = test.X[rows], test.y[rows]
    est = make_model(model, settings.seeds[0], settings).fit(train.X, train.y)
    out = {}
    for method in methods_for(est, settings.iterative_impute):
        accs = []
        for i, frac in enumerate(settings.missing_fractions):
            if method in ("mean", "iterative"):
                Xm = imputed[method][i][j]
            else:
                Xm = remove_features(X_test, frac, mask_seed)
            accs.append(float(np.mean(est.predict(Xm) == y_test)))
        out[method] = accs
    return out


#: The native-NaN baseline joins every run whose training side has at most this
#: many cells (rows x features) and at most LARGE_FEATURES features; above that
#: (mnist5k: 3,500 x 784) one boosting fit takes minutes on 2 cores, and it runs
#: only when named with --models.
NATIVE_BASELINE = "hgb"
NATIVE_BASELINE_MAX_CELLS = 1_000_000


def baselines(train, models) -> list[str]:
    """Models added to this experiment only: hgb's native NaN handling, where cheap enough."""
    from genvsdisc.models import available

    names = {s.name for s in available()}
    cells = train.n_samples * (train.n_features or 0)
    if NATIVE_BASELINE in models or NATIVE_BASELINE not in names:
        return []
    # boosting builds a histogram per feature per tree: wide data is slow at any row count
    cheap = cells <= NATIVE_BASELINE_MAX_CELLS and (train.n_features or 0) <= LARGE_FEATURES
    return [NATIVE_BASELINE] if cheap else []


def plan(train, test, models, settings: Settings) -> list[Task]:
    if train.modality == "text":
        raise Skip(
            "text has no fixed feature columns to remove; the missing-features "
            "experiment applies to tables and images"
        )
    if train.n_features < 2:
        raise Skip("one feature only: removing it would leave nothing to classify")
    tasks = [Task(f"{NAME}/impute", impute, {"settings": settings}, cost=6)]
    for m in list(models) + baselines(train, models):
        needs = any(x in ("mean", "iterative") for x in methods_for(make_model(m, 0)))
        for s in settings.grid_seeds:
            tasks.append(Task(f"{NAME}/{m}/{s}", evaluate,
                              {"model": m, "mask_seed": s, "settings": settings},
                              deps={"imputed": f"{NAME}/impute"} if needs else {}, cost=5))  # fmt: skip
    return tasks


def combine(train, test, models, settings: Settings, outputs: dict) -> dict:
    """One curve per (model, method): mean and spread of accuracy over seeds per fraction."""
    rows, errors = [], {}
    extra = baselines(train, models)
    for m in list(models) + extra:
        runs = [outputs[f"{NAME}/{m}/{s}"] for s in settings.grid_seeds]
        failed = [r["error"] for r in runs if r["error"]]
        if failed:
            errors[m] = failed[0]
            continue
        for method in runs[0]["result"]:
            table = np.array([r["result"][method] for r in runs]).T.tolist()  # (fractions, seeds)
            stats = [mean_std(accs) for accs in table]
            rows.append(
                {
                    "model": m,
                    "family": model_spec(m).family,
                    "method": method,
                    "label": f"{m} ({METHOD_TEXT[method]})",
                    "baseline": m in extra,
                    "mean": [s[0] for s in stats],
                    "std": [s[1] for s in stats],
                    "per_seed": table,
                }
            )
    note = None
    if NATIVE_BASELINE not in list(models) + extra:
        note = (
            f"{NATIVE_BASELINE} (native NaN handling) was left out: on {train.n_samples} x "
            f"{train.n_features} training cells one boosting fit takes minutes; name it "
            "with --models to include it"
        )
    return {
        "baselines": extra,
        "note": note,
        "fractions": list(settings.missing_fractions),
        "seeds": list(settings.grid_seeds),
        "n_rows": int(len(scored_rows(test, settings))),
        "n_test": int(test.n_samples),
        "rows": rows,
        "errors": errors,
    }
