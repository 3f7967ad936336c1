"""``compare`` on a Parquet table bigger than memory: the out-of-core plan.

Passes over the partitions, each a Dask graph whose tasks read one partition
and return a few statistics (never the rows):

1. one pass of per-class moments (:mod:`.stats`): gaussian_nb, lda and qda,
   at every learning-curve size (prefix sums of the moments) and without the
   novelty experiment's held-out class;
2. SGD logistic regression (:mod:`.streaming`), ``epochs`` passes per fit,
   the chains of the full fit, the curve sizes and the novelty fit running
   side by side;
3. one pass per EM iteration of the per-class gmm (:mod:`.mixture`);
4. one scoring pass over the test partitions (:mod:`.evaluate`).
"""

from __future__ import annotations

import time

import dask
import numpy as np

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.scale import evaluate, mixture, stats, streaming
from genvsdisc.scale.evaluate import DETECTIVE
from genvsdisc.scale.partitions import frame_rows, open_table

__all__ = ["compare_out_of_core", "NOT_RUN", "ALL_MODELS"]

#: The models this mode fits: the one-pass artists, the streamed detective, gmm.
ALL_MODELS = (*stats.ONE_PASS_MODELS, DETECTIVE, "gmm")

#: Experiments of the in-memory compare that this mode does not run, and why.
NOT_RUN = {
    "regions": "draws decision regions over a grid of a 2-D projection fitted on all rows",
    "generation": "judges generated rows against training rows held in memory",
    "unlabeled": "semi-supervised EM over partitions is not written yet",
}


def _tree(items, merge, fan=8):
    """Merge delayed items in a tree of ``fan``-way merges (a small graph, log depth)."""
    items = list(items)
    while len(items) > 1:
        items = [dask.delayed(merge)(*items[i : i + fan]) for i in range(0, len(items), fan)]
    return items[0]


def curve_sizes(n_train: int) -> list[int]:
    """Doubling numbers of training partitions, ending at all of them."""
    sizes, m = [], 1
    while m < n_train:
        sizes.append(m)
        m *= 2
    return [*sizes, n_train]


def compare_out_of_core(
    source,
    target,
    *,
    seed=0,
    epochs=3,
    em_iter=8,
    n_components=4,
    missing=(0.25, 0.5),
    test_fraction=0.2,
    models=ALL_MODELS,
    progress=None,
):
    """Run the out-of-core comparison; returns the results.json record (a dict).

    Runs on whatever Dask scheduler is active (a ``distributed.Client``, or
    ``dask.config.set(scheduler="synchronous")`` in-process). ``models``: a subset of
    :data:`ALL_MODELS` (the one-pass artists alone make one pass over the training
    partitions and one over the test partitions).
    """
    wanted = set(models)
    if not wanted or not wanted <= set(ALL_MODELS):
        raise ParameterError(f"models: expected some of {', '.join(ALL_MODELS)}; got {models}")
    say = progress or (lambda msg: None)
    t0 = time.perf_counter()
    table = open_table(source, target, test_fraction=test_fraction, seed=seed)
    parts = table.frame.to_delayed()
    F, T = table.features, table.target
    sample = parts[table.train[0]].compute()  # one partition: shifts and the k-means start
    Xs, ys, _ = frame_rows(sample, F, T)
    keep = np.random.default_rng(seed).permutation(len(ys))[:20_000]  # the k-means start's sample
    Xs, ys = Xs[keep], ys[keep]
    if not len(ys):
        raise DataError(f"{table.path}: the first training partition has no complete rows")
    shifts = {k: Xs[ys == k].mean(axis=0) for k in np.unique(ys).tolist()}
    timings = {}

    say("pass 1: per-class moments")
    t = time.perf_counter()
    per = [
        dask.delayed(stats.partition_stats)(parts[i], F, T, shifts, Xs.mean(axis=0))
        for i in table.train
    ]
    sizes = curve_sizes(len(per))
    segments = [
        _tree(per[a:b], stats.merge_stats) for a, b in zip([0, *sizes[:-1]], sizes, strict=True)
    ]
    (segments,) = dask.compute(segments)
    prefix = [segments[0]]
    for seg in segments[1:]:
        prefix.append(stats.merge_stats(prefix[-1], seg))
    full = prefix[-1]
    timings["moments_s"] = time.perf_counter() - t
    classes = sorted(full.moments)
    if len(classes) < 2:
        raise DataError(
            f"{table.path}: target column '{T}' has one class in the training partitions"
        )
    counts = full.counts
    one_pass = [n for n in stats.ONE_PASS_MODELS if n in wanted]
    models = {n: stats.fit_from_stats(n, full) for n in one_pass}
    mean_var = stats.pooled_mean_var(full)
    held_out = classes[int(np.random.default_rng(seed).integers(len(classes)))]
    rest = [c for c in classes if c != held_out]
    nov = {n: stats.fit_from_stats(n, full, classes=rest) for n in one_pass}
    curve = {}
    for m, st in zip(sizes[:-1], prefix[:-1], strict=True):
        if all(c in st.moments for c in classes):
            for n in one_pass:
                curve[(m, n)] = stats.fit_from_stats(n, st, classes=classes)

    if DETECTIVE in wanted:
        say(f"SGD logistic regression: {epochs} epochs per fit")
        t = time.perf_counter()

        def chain(train, keep=None, klass=classes, tag=0, snapshots=()):
            model, kept = streaming.new_streaming(mean_var, klass, seed), {}
            order = streaming.epoch_orders(train, epochs, seed + tag) if epochs > 1 else list(train)
            for step, i in enumerate(order):
                read = streaming.ReadInStep(parts[i])  # no read-ahead of a sequential chain
                model = dask.delayed(streaming.sgd_step)(model, read, F, T, seed + step, keep)
                if step + 1 in snapshots:
                    kept[step + 1] = model
            return model, kept

        # One epoch: the full chain visits the training partitions in the curve's
        # order, so its state after m partitions IS the one-epoch fit on the first
        # m partitions; the curve then costs no further SGD pass.
        whole, kept = chain(table.train, snapshots=sizes[:-1] if epochs == 1 else ())
        jobs = {"full": whole, "novelty": chain(table.train, rest, rest, 1)[0], **kept}
        for m in sizes[:-1] if epochs > 1 else ():
            jobs[m] = chain(table.train[:m], tag=m)[0]
        (done,) = dask.compute(jobs)
        models["sgd_logreg"], nov["sgd_logreg"] = done["full"], done["novelty"]
        for m in sizes[:-1]:
            curve[(m, "sgd_logreg")] = done[m]
        timings["sgd_s"] = time.perf_counter() - t

    gmm = None
    em_trace = []
    if "gmm" in wanted:
        say(f"gmm: k-means++ start on {len(ys)} rows, {em_iter} EM passes (every curve size)")
        t = time.perf_counter()
        # one fit per learning-curve size (its prefix's counts and units) and the full
        # fit; every EM pass reads each partition once for all the fits it belongs to
        fits = {sizes[-1]: (full, mean_var)}
        for m, st in zip(sizes[:-1], prefix[:-1], strict=True):
            if all(c in st.moments for c in classes):
                fits[m] = (st, stats.pooled_mean_var(st))
        gmms = {
            m: mixture.start_mixture(
                Xs, ys, classes, st.counts, mv, seed=seed, n_components=n_components
            )
            for m, (st, mv) in fits.items()
        }
        for _ in range(em_iter):
            # the pass's mixtures are one node of the graph, sent once to each worker: written
            # into every partition's task, they were deserialised once per task (all the fits
            # of the curve, 380 copies a pass at 40M rows) and filled the workers' memory
            shared = dask.delayed({m: g.mixtures_ for m, g in gmms.items()}, traverse=False)
            per = [
                dask.delayed(mixture.em_partition_stats_many)(
                    parts[i], F, T, classes, shared, position=p
                )
                for p, i in enumerate(table.train)
            ]
            (sums,) = dask.compute(_tree(per, mixture.merge_em_many))
            trace = {m: mixture.m_step(g, classes, sums[m]) for m, g in gmms.items()}
            em_trace.append(trace[sizes[-1]])
        for m, g in gmms.items():
            st = fits[m][0]
            mixture.finish_mixture(g, classes, st.counts, st.lo, st.hi)
            if m < sizes[-1]:
                curve[(m, "gmm")] = g
        gmm = models["gmm"] = gmms[sizes[-1]]
        timings["gmm_s"] = time.perf_counter() - t

    say("scoring the test partitions")
    t = time.perf_counter()
    # the fitted models, one graph node each (not a copy inside every test partition's task)
    shared_models, shared_curve, shared_nov = (
        dask.delayed(x, traverse=False) for x in (models, curve, (held_out, nov))
    )
    scored = [
        dask.delayed(evaluate.score_partition)(
            parts[i],
            F,
            T,
            classes,
            shared_models,
            curve=shared_curve,
            novelty=shared_nov,
            missing=missing,
            cap=max(200, 200_000 // len(table.test)),
            missing_cap=max(50, 2_000 // len(table.test)),
            seed=seed + i,
        )
        for i in table.test
    ]
    (total,) = dask.compute(_tree(scored, lambda *xs: _fold(evaluate.add_scores, xs)))
    timings["score_s"] = time.perf_counter() - t
    timings["total_s"] = time.perf_counter() - t0
    n = total["n"]
    acc = evaluate.summarise(total, models)
    absent = [classes[k] for k in range(len(classes)) if k not in total["present"]]
    notes = list(table.notes)
    if absent:
        notes.append(
            f"classes {absent} have no rows in the test partitions (whole partitions are held out)"
        )
    dropped = full.n_dropped + total["dropped"]
    if dropped:
        notes.append(f"{dropped} row(s) with an empty target or a missing feature left out")
    n_train = int(sum(counts.values()))
    return {
        "mode": "out-of-core",
        "data": {
            "source": table.path,
            "target": T,
            "features": F,
            "classes": [str(c) for c in classes],
            "n_partitions": len(parts),
            "train_partitions": len(table.train),
            "test_partitions": len(table.test),
            "n_train": n_train,
            "n_test": n,
            "split": "whole partitions held out (seeded permutation)",
            "seed": seed,
        },
        "accuracy": acc,
        "learning_curve": {
            "sizes_partitions": sizes,
            "rows": [
                {
                    "model": name,
                    "partitions": m,
                    "n_train": _rows(prefix, sizes, m),
                    "accuracy": (
                        total[("curve", m, name)] if m < sizes[-1] else total[name]["correct"]
                    )
                    / n,
                }
                for name in models
                for m in sizes
                if m == sizes[-1] or ("curve", m, name) in total
            ],
            "note": "a size whose partitions miss a class is skipped",
            "paired": [
                {"partitions": key[1], "model": key[2], "sum": v[0], "sum_sq": v[1]}
                for key, v in total.items()
                if isinstance(key, tuple) and key[0] == "curve_pair"
            ],
        },
        "missing": {
            "fractions": list(missing),
            "rows": [
                {
                    "model": name,
                    "fraction": f,
                    "accuracy": sum(total[("missing", f, name)]) / sum(total["missing_n"]),
                    "per_partition": total[("missing", f, name)],
                }
                for f in missing
                for name in models
            ],
            "how": "artists integrate the hidden features out; the detective fills the training mean",
            "n_rows": sum(total["missing_n"]),
            "n_per_partition": total["missing_n"],
        },
        "novelty": {
            "held_out_class": str(held_out),
            "rows": evaluate.novelty_summary(total),
            "score": "log p(x) for artists, top-class probability for the detective",
        },
        "gmm": {
            "em_mean_log_likelihood": em_trace,
            "n_components": None if gmm is None else gmm.n_components_.tolist(),
        },
        "not_run": [{"experiment": k, "reason": v} for k, v in NOT_RUN.items()],
        "notes": notes,
        "timings": timings,
        "rows_per_s_moments": n_train / timings["moments_s"],
    }


def _fold(add, items):
    out = items[0]
    for item in items[1:]:
        out = add(out, item)
    return out


def _rows(prefix, sizes, m):
    return int(sum(prefix[sizes.index(m)].counts.values()))
