"""Learning curves: incremental fitting against refitting every point from scratch.

Times the same curves twice in one run -- genvsdisc's incremental path
(``partial_fit`` over the growing prefix of one shuffled order per seed,
warm starts for iterative models) and a fresh fit at every point -- and
checks the two give the same curves (within seed noise: the mean curves may
differ by at most two standard errors across seeds at any size).

Default: mnist5k, gaussian_nb, bernoulli_nb and logreg, 10 sizes x 10 seeds.
logreg's C is chosen once by its own cross-validation on the full training
side (untimed), then fixed, as ``genvsdisc compare`` does.

Usage: .venv/bin/python benchmarks/learning_curve_speed.py [--data mnist5k] [--seeds 10]
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np

from genvsdisc.data import load, train_test_split
from genvsdisc.experiments import Settings
from genvsdisc.experiments.common import make_model, tuned_params
from genvsdisc.experiments.learning_curve import curve, training_sizes


def _time_curves(train, test, model, sizes, settings, incremental):
    runs, t0 = [], time.perf_counter()
    for s in settings.seeds:
        runs.append(curve(train, test, model=model, seed=s, sizes=sizes, settings=settings,
                          incremental=incremental))  # fmt: skip
    return time.perf_counter() - t0, runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="mnist5k")
    parser.add_argument("--models", default="gaussian_nb,bernoulli_nb,logreg")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--sizes", type=int, default=10)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # convergence notes of small prefixes are not the point here

    train, test = train_test_split(load(args.data), test_size=0.3, random_state=0)
    K = len(train.classes)
    sizes = training_sizes(train.n_samples, K, args.sizes)
    models = args.models.split(",")
    params = {}
    for m in models:  # hyper-parameters fixed once, as compare does (untimed)
        tuned = tuned_params(make_model(m, 0).fit(train.X, train.y))
        if tuned:
            params[m] = tuned
    settings = Settings(seeds=tuple(range(args.seeds)), model_params=params)

    print(f"command: .venv/bin/python benchmarks/learning_curve_speed.py --data {args.data} "
          f"--models {args.models} --seeds {args.seeds} --sizes {args.sizes}")  # fmt: skip
    print(f"{args.data}: {train.n_samples} training rows, sizes {sizes}, seeds {args.seeds}; "
          f"fixed params {params}")  # fmt: skip
    head = f"{'model':<14}{'strategy':<13}{'incremental s':>14}{'scratch s':>11}{'ratio':>8}"
    print(head + f"{'max |diff|':>12}{'2 SE':>8}  same?")
    tot_inc = tot_scr = 0.0
    for m in models:
        t_inc, inc = _time_curves(train, test, m, sizes, settings, True)
        t_scr, scr = _time_curves(train, test, m, sizes, settings, False)
        a = np.array([r["accuracy"] for r in inc])
        b = np.array([r["accuracy"] for r in scr])
        diff = float(np.max(np.abs(a.mean(0) - b.mean(0))))
        se2 = float(np.max(2 * b.std(0) / np.sqrt(len(settings.seeds))))
        same = diff <= max(se2, 1e-12)
        tot_inc, tot_scr = tot_inc + t_inc, tot_scr + t_scr
        print(f"{m:<14}{inc[0]['strategy']:<13}{t_inc:>14.2f}{t_scr:>11.2f}"
              f"{t_scr / t_inc:>7.1f}x{diff:>12.4f}{se2:>8.4f}  {'yes' if same else 'NO'}")  # fmt: skip
    print(f"{'total':<27}{tot_inc:>14.2f}{tot_scr:>11.2f}{tot_scr / tot_inc:>7.1f}x")


if __name__ == "__main__":
    main()
