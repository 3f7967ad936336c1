"""Difference 2: data efficiency -- learning curves (Ng & Jordan 2001).

For each seed the training rows are put in one shuffled order (one row of
every class first); each curve point trains on a growing prefix of that
order and is scored on the whole test side. Sizes are log-spaced from two
rows per class to the full training side.

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

import numpy as np

from genvsdisc.experiments.common import (
    Settings,
    Task,
    make_model,
    mean_std,
    model_spec,
    stratified_order,
    vector_data,
)

__all__ = ["NAME", "TITLE", "plan", "combine", "curve", "training_sizes", "strategy", "crossings"]

NAME = "learning_curve"
TITLE = "Data efficiency: learning curves"


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


def curve(train, test, *, model: str, seed: int, sizes: list[int], settings: Settings,
          incremental: bool = True) -> dict:  # fmt: skip
    """Test accuracy of ``model`` trained on each prefix size of one seeded order (one task).

    Returns
    -------
    dict with ``accuracy`` (len(sizes),) and ``strategy``.
    """
    K = len(train.classes)
    order = stratified_order(train.y, K, seed)
    est = make_model(model, seed, settings)
    how = strategy(est, vector_data(train), incremental)
    if how == "warm_start":
        est.set_params(warm_start=True)
    accuracy, done = [], 0
    for n in sizes:
        rows = order[:n]
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
        done = n
        accuracy.append(float(np.mean(est.predict(test.X) == test.y)))
    return {"accuracy": accuracy, "strategy": how}


def plan(train, test, models, settings: Settings) -> list[Task]:
    sizes = training_sizes(train.n_samples, len(train.classes), settings.n_sizes)
    return [
        Task(
            f"{NAME}/{m}/{s}",
            curve,
            {"model": m, "seed": s, "sizes": sizes, "settings": settings},
            cost=2,
        )
        for m in models
        for s in settings.seeds
    ]


def crossings(sizes, gen_mean, disc_mean) -> list[dict]:
    """Where ``gen_mean - disc_mean`` changes sign, interpolated in log(size).

    Returns a list of ``{"size", "after"}``, ``after`` being the family that
    leads right after the crossing.
    """
    gap = np.asarray(gen_mean, dtype=float) - np.asarray(disc_mean, dtype=float)
    nonzero = [i for i, g in enumerate(gap) if g != 0]  # ties do not cross
    out = []
    for i, j in zip(nonzero, nonzero[1:], strict=False):
        a, b = gap[i], gap[j]
        if np.sign(a) == np.sign(b):
            continue
        t = a / (a - b)
        size = float(np.exp(np.log(sizes[i]) + t * (np.log(sizes[j]) - np.log(sizes[i]))))
        out.append({"size": size, "after": "generative" if b > 0 else "discriminative"})
    return out


def _best_per_size(curves: dict, names: list[str]) -> list[float] | None:
    means = [curves[m]["mean"] for m in names if m in curves]
    return np.max(means, axis=0).tolist() if means else None


def combine(train, test, models, settings: Settings, outputs: dict) -> dict:
    """Mean and spread per size and model; where the family curves cross."""
    sizes = training_sizes(train.n_samples, len(train.classes), settings.n_sizes)
    curves, errors = {}, {}
    for m in models:
        runs = [outputs[f"{NAME}/{m}/{s}"] for s in settings.seeds]
        failed = [r["error"] for r in runs if r["error"]]
        if failed:
            errors[m] = failed[0]
            continue
        acc = np.array([r["result"]["accuracy"] for r in runs])  # (seeds, sizes)
        stats = [mean_std(acc[:, j]) for j in range(len(sizes))]
        curves[m] = {
            "family": model_spec(m).family,
            "strategy": runs[0]["result"]["strategy"],
            "per_seed": acc.tolist(),
            "mean": [s[0] for s in stats],
            "std": [s[1] for s in stats],
        }
    gen = [m for m in curves if curves[m]["family"] == "generative"]
    disc = [m for m in curves if curves[m]["family"] == "discriminative"]
    out = {"sizes": sizes, "seeds": list(settings.seeds), "curves": curves, "errors": errors}
    fixed = [m for m in curves if settings.model_params.get(m)]
    if fixed:
        out["note"] = (
            f"{', '.join(fixed)}: every size uses the hyper-parameters chosen once on the full "
            "training side (see the header), not a new search on each prefix; that keeps "
            "the curves fast, but a small prefix's own search could choose differently"
        )
    gen_best, disc_best = _best_per_size(curves, gen), _best_per_size(curves, disc)
    if gen_best and disc_best:
        out["family_best"] = {"generative": gen_best, "discriminative": disc_best}
        out["crossings"] = crossings(sizes, gen_best, disc_best)
        out["leader_smallest"] = _leader(gen_best[0], disc_best[0])
        out["leader_largest"] = _leader(gen_best[-1], disc_best[-1])
    return out


def _leader(gen: float, disc: float) -> str:
    if gen > disc:
        return "generative"
    return "discriminative" if disc > gen else "tie"
