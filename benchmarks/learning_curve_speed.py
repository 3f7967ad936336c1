"""Learning curves: incremental fitting against refitting every point from scratch.

Times the same curves in one run (mnist5k; gaussian_nb, bernoulli_nb, logreg;
10 log-spaced sizes x 10 seeds, every point scored on the whole test side):

incremental
    what ``genvsdisc compare`` does: each model's self-chosen
    hyper-parameters (logreg's C, by its own 5-fold cross-validation) are
    fixed once from one fit on the full training side -- that fit is timed
    and counted here -- then every curve grows by ``partial_fit`` over the
    prefix (naive Bayes) or by warm starts (logreg).
scratch, same params
    a fresh fit at every point with the same fixed hyper-parameters: isolates
    what ``partial_fit`` and warm starts save.
scratch, registry model
    a fresh fit of the registry model at every point, as
    ``sklearn.model_selection.learning_curve`` would run it: logreg re-runs
    its cross-validated choice of C on every prefix.

The ratios are scratch time / incremental time. The curves must agree within
seed noise: the mean curves may differ by at most two standard errors across
seeds at any size. BLAS runs on one thread (``--threads``), as in ``compare``'s
Dask workers.

Usage: .venv/bin/python benchmarks/learning_curve_speed.py [--data mnist5k] [--seeds 10]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from genvsdisc.data import load, train_test_split
from genvsdisc.experiments import Settings
from genvsdisc.experiments.common import make_model, tuned_params
from genvsdisc.experiments.learning_curve import curve, training_sizes


def _time_curves(train, test, model, sizes, settings, incremental):
    """Wall-clock seconds and results of one curve per seed."""
    runs, t0 = [], time.perf_counter()
    for s in settings.seeds:
        runs.append(
            curve(
                train,
                test,
                model=model,
                seed=s,
                sizes=sizes,
                settings=settings,
                incremental=incremental,
            )
        )
    return time.perf_counter() - t0, runs


def _agreement(runs, reference, n_seeds):
    """Largest gap between the mean curves, and two standard errors of ``reference``."""
    a = np.array([r["accuracy"] for r in runs])
    b = np.array([r["accuracy"] for r in reference])
    diff = float(np.max(np.abs(a.mean(0) - b.mean(0))))
    se2 = float(np.max(2 * b.std(0) / np.sqrt(n_seeds)))
    return diff, se2, diff <= max(se2, 1e-12)


def _bench_model(train, test, m, sizes, seeds):
    """Times (incremental incl. tuning, tuning, scratch same params, scratch registry)."""
    t0 = time.perf_counter()
    tuned = tuned_params(make_model(m, 0).fit(train.X, train.y))
    t_tune = time.perf_counter() - t0
    fixed = Settings(seeds=seeds, model_params={m: tuned} if tuned else {})
    registry = Settings(seeds=seeds)
    t_inc, inc = _time_curves(train, test, m, sizes, fixed, True)
    t_same, same = _time_curves(train, test, m, sizes, fixed, False)
    if tuned:
        t_reg, reg = _time_curves(train, test, m, sizes, registry, False)
    else:  # nothing is self-chosen: the registry model is the fixed one
        t_reg, reg = t_same, same
    return {
        "tuned": tuned,
        "strategy": inc[0]["strategy"],
        "times": (t_inc + t_tune, t_tune, t_same, t_reg),
        "curves": [np.mean([r["accuracy"] for r in runs], axis=0) for runs in (inc, same, reg)],
        "same": _agreement(inc, same, len(seeds)),
        "registry": _agreement(inc, reg, len(seeds)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="mnist5k")
    parser.add_argument("--models", default="gaussian_nb,bernoulli_nb,logreg")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sizes", type=int, default=10)
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads")
    parser.add_argument("--curves", action="store_true", help="also print the mean curves")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # convergence notes of small prefixes are not the point here

    train, test = train_test_split(load(args.data), test_size=0.3, random_state=0)
    sizes = training_sizes(train.n_samples, len(train.classes), args.sizes)
    seeds = tuple(range(args.seeds))
    print(
        f"command: .venv/bin/python benchmarks/learning_curve_speed.py --data {args.data} "
        f"--models {args.models} --seeds {args.seeds} --sizes {args.sizes} "
        f"--threads {args.threads}{' --curves' if args.curves else ''}"
    )
    print(
        f"{args.data}: {train.n_samples} training rows, {test.n_samples} test rows, "
        f"sizes {sizes}, seeds 0-{args.seeds - 1}; load average at start "
        f"{os.getloadavg()[0]:.1f}"
    )
    print("times in seconds; incremental includes the one fit that fixes the hyper-parameters")
    print(
        f"{'model':<15}{'strategy':<12}{'tuned':<12}{'incremental':>12}{'(tuning)':>10}"
        f"{'scratch same':>13}{'ratio':>7}{'scratch registry':>17}{'ratio':>7}"
        f"  {'gap / 2 SE (same; registry)'}"
    )
    totals, curves = np.zeros(4), []
    for m in args.models.split(","):  # import the registry's modules before any clock runs
        make_model(m, 0)
    with threadpool_limits(args.threads):
        for m in args.models.split(","):
            r = _bench_model(train, test, m, sizes, seeds)
            t_inc, t_tune, t_same, t_reg = r["times"]
            totals += r["times"]
            agree = "; ".join(
                f"{d:.4f} / {s:.4f} {'ok' if ok else 'DIFFERENT'}"
                for d, s, ok in (r["same"], r["registry"])
            )
            tuned = ",".join(f"{k}={v:g}" for k, v in r["tuned"].items()) or "-"
            print(
                f"{m:<15}{r['strategy']:<12}{tuned:<12}{t_inc:>12.2f}{t_tune:>10.2f}"
                f"{t_same:>13.2f}{t_same / t_inc:>6.1f}x{t_reg:>17.2f}{t_reg / t_inc:>6.1f}x"
                f"  {agree}"
            )
            curves.append((m, r["curves"]))
    t_inc, t_tune, t_same, t_reg = totals
    print(
        f"{'total':<39}{t_inc:>12.2f}{t_tune:>10.2f}{t_same:>13.2f}{t_same / t_inc:>6.1f}x"
        f"{t_reg:>17.2f}{t_reg / t_inc:>6.1f}x"
    )
    if args.curves:
        print(f"mean test accuracy % over seeds at sizes {sizes}")
        for m, (inc, same, reg) in curves:
            for way, c in (("incremental", inc), ("scratch same", same), ("scratch registry", reg)):
                print(f"{m:<15}{way:<18}" + " ".join(f"{100 * a:5.1f}" for a in c))


if __name__ == "__main__":
    main()
