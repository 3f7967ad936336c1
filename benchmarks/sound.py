"""Accuracy, with an interval, and fit / predict time of every audio model on spoken_digits.

Usage:
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py                  # 5 splits
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --seeds 3 --models gmm_hmm,clip_svm
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --tune           # CV of gmm_hmm

Every audio model of the registry (deep ones only when named) is fitted with
its registry defaults on stratified 70/30 splits of ``spoken_digits`` with
seeds 0..J-1 (``genvsdisc.data.train_test_split``) and scored on the 30 %.
The interval on each mean accuracy is the t interval with Nadeau & Bengio's
correction for overlapping random splits (``evidence.paired_interval``
against zero), at 95 %. Times are CPU seconds of this process (BLAS pinned to
one thread), so they say the work done, whatever else shares the machine.
The FSDD has no speaker labels: train and test share its 6 speakers, so these
figures say nothing about voices never heard.

``--tune`` runs 3-fold stratified CV on the training side of the seed-0 split
only (the test side is not looked at) over the GMM-HMM's states and mixtures.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from genvsdisc.data import load, train_test_split
from genvsdisc.experiments.evidence import paired_interval
from genvsdisc.models import get_spec, make, model_names

TUNE_GRID = [(s, m) for s in (6, 9, 12) for m in (2, 3, 4)]


def _fit_score(name, train, test, **params):
    model = make(name, **params)
    t0 = time.process_time()
    model.fit(train.X, train.y)
    t1 = time.process_time()
    acc = float(np.mean(model.predict(test.X) == test.y))
    return acc, t1 - t0, time.process_time() - t1


def run(models: list[str], n_seeds: int) -> None:
    data = load("spoken_digits")
    rows = {m: [] for m in models}
    for seed in range(n_seeds):
        train, test = train_test_split(data, test_size=0.3, random_state=seed)
        for m in models:
            rows[m].append(_fit_score(m, train, test))
            print(f"  seed {seed} {m}: {rows[m][-1][0]:.4f}", file=sys.stderr, flush=True)
    ratio = test.n_samples / train.n_samples
    print(
        f"spoken_digits, {n_seeds} stratified 70/30 splits (seeds 0..{n_seeds - 1}), "
        f"{train.n_samples} train / {test.n_samples} test clips, 95 % intervals\n"
    )
    print("| model | family | accuracy | 95 % interval | fit CPU s | predict CPU s |")
    print("|---|---|---|---|---|---|")
    for m in models:
        acc, fit, pred = (np.array(col) for col in zip(*rows[m], strict=True))
        iv = paired_interval(
            acc, np.zeros_like(acc), test_fraction=ratio, resolution=1 / test.n_samples
        )
        fam = "artist" if _is_artist(m) else "detective"
        print(
            f"| {m} | {fam} | {acc.mean():.2%} | [{iv['low']:.2%}, {iv['high']:.2%}] "
            f"| {fit.mean():.1f} | {pred.mean():.2f} |"
        )
    _best_pair(models, rows, ratio, 1 / test.n_samples)
    print(
        f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/sound.py --seeds {n_seeds} "
        f"--models {','.join(models)}"
    )


def _best_pair(models, rows, ratio, resolution) -> None:
    """The best artist against the best detective, paired over the same splits."""
    acc = {m: np.array([r[0] for r in rows[m]]) for m in models}
    artists = [m for m in models if _is_artist(m)]
    detectives = [m for m in models if not _is_artist(m)]
    if not artists or not detectives:
        return
    a = max(artists, key=lambda m: acc[m].mean())
    d = max(detectives, key=lambda m: acc[m].mean())
    iv = paired_interval(acc[a], acc[d], test_fraction=ratio, resolution=resolution)
    print(
        f"\nbest artist {a} - best detective {d}: {iv['diff']:+.2%} "
        f"(95 % interval [{iv['low']:+.2%}, {iv['high']:+.2%}], paired over the splits)"
    )


def _is_artist(name: str) -> bool:
    return get_spec(name).family == "generative"


def tune() -> None:
    data = load("spoken_digits")
    train, _ = train_test_split(data, test_size=0.3, random_state=0)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(train.X, train.y))
    print("gmm_hmm, 3-fold CV on the seed-0 training side only\n")
    print("| n_states | n_mix | CV accuracy | fit CPU s (per fold) |")
    print("|---|---|---|---|")
    for states, mix in TUNE_GRID:
        accs, fits = [], []
        for tr, va in folds:
            model = make("gmm_hmm", n_states=states, n_mix=mix)
            t0 = time.process_time()
            model.fit(train.X[tr], train.y[tr])
            fits.append(time.process_time() - t0)
            accs.append(np.mean(model.predict(train.X[va]) == train.y[va]))
        print(f"| {states} | {mix} | {np.mean(accs):.2%} | {np.mean(fits):.1f} |", flush=True)
    print("\ncommand: OMP_NUM_THREADS=1 python benchmarks/sound.py --tune")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", default="")
    parser.add_argument("--tune", action="store_true")
    args = parser.parse_args()
    with threadpool_limits(1):
        if args.tune:
            tune()
            return
        models = (
            args.models.split(",") if args.models else model_names(modality="audio", deep=False)
        )
        run(models, args.seeds)


if __name__ == "__main__":
    main()
