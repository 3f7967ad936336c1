"""Accuracy, with an interval, and fit / predict time of every audio model on spoken_digits.

Usage:
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py                  # 5 splits
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --seeds 3 --models gmm_hmm,clip_svm
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --tune           # CV of gmm_hmm
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --tune ar_hmm    # CV of ar_hmm
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --dropped --models ar_hmm,gmm_hmm
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound.py --curve --seeds 3  # learning curve

Every audio model of the registry (deep ones only when named) is fitted with
its registry defaults on stratified 70/30 splits of ``spoken_digits`` with
seeds 0..J-1 (``genvsdisc.data.train_test_split``) and scored on the 30 %.
The interval on each mean accuracy is the t interval with Nadeau & Bengio's
correction for overlapping random splits (``evidence.paired_interval``
against zero), at 95 %. Times are CPU seconds of this process (BLAS pinned to
one thread), so they say the work done, whatever else shares the machine.
The FSDD has no speaker labels: train and test share its 6 speakers, so these
figures say nothing about voices never heard.

``--curve`` is the learning curve of the two default audio pairs of
``compare`` (``evidence.DEFAULT_PAIRS["audio"]``: gmm_hmm / clip_svm and
frame_gmm / clip_knn): stratified 80/20 splits (240 training clips per digit,
600 test clips), and from each split's training side the first 1, 2, 4, ...,
128 and all 240 clips of every digit in a seeded random order, so every size
holds every class equally and each size's clips contain the smaller sizes'.
All models see the same clips; the interval on the artist - detective gap is
the paired t interval over the splits with Nadeau & Bengio's correction at the
split's own n_test / n_train (600 / 2400: how much the splits' test and
training sides overlap), whatever the number of clips used for training.
A model that cannot fit so few clips (clip_svm needs 2 per class: its
probabilities are cross-validated) has no figure there. ``--pairs
gmm_hmm:clip_logreg`` runs other artist:detective pairs.

``--dropped`` scores the same splits' test clips with 25, 50 and 75 % of each
clip's frames dropped (``genvsdisc.data.audio_perturb.drop_frames``, mask seed =
split seed), and the first model of ``--models`` against each other one, paired.

``--tune`` runs 3-fold stratified CV on the training side of the seed-0 split
only (the test side is not looked at) over the GMM-HMM's states and mixtures
(``--tune ar_hmm``: the AR-HMM's states, variance floor and AR matrix).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from genvsdisc.data import load, train_test_split
from genvsdisc.data.audio_perturb import drop_frames
from genvsdisc.exceptions import DataError
from genvsdisc.experiments.evidence import paired_interval
from genvsdisc.generation.draw import build_model
from genvsdisc.models import get_spec, make, model_names

#: Each tunable model's CV grid (constructor parameters).
TUNE_GRIDS = {
    "gmm_hmm": [{"n_states": s, "n_mix": m} for s in (6, 9, 12) for m in (2, 3, 4)],
    "ar_hmm": [
        {"n_states": s, "var_floor": v, "ar": "diagonal"}
        for s in (6, 9, 12, 15)
        for v in (1e-2, 1e-3)
    ]
    + [{"n_states": s, "var_floor": 1e-2, "ar": "full"} for s in (6, 9, 12, 15)],
}


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


DROP_FRACTIONS = (0.0, 0.25, 0.5, 0.75)


def dropped(models: list[str], n_seeds: int) -> None:
    data = load("spoken_digits")
    acc = {(m, f): [] for m in models for f in DROP_FRACTIONS}
    for seed in range(n_seeds):
        train, test = train_test_split(data, test_size=0.3, random_state=seed)
        masked = {f: drop_frames(test.X, f, seed, data.frame_shape) for f in DROP_FRACTIONS}
        for m in models:
            model = make(m).fit(train.X, train.y)
            for f, X in masked.items():
                acc[(m, f)].append(float(np.mean(model.predict(X) == test.y)))
        print(f"  seed {seed} done", file=sys.stderr, flush=True)
    ratio, res = test.n_samples / train.n_samples, 1 / test.n_samples
    print(f"spoken_digits, frames dropped from the test clips; {n_seeds} splits, 95 % intervals\n")
    first = models[0]
    head = " | ".join(models) + "".join(f" | {first} - {m}" for m in models[1:])
    print(f"| dropped | {head} |\n|---|" + "---|" * (2 * len(models) - 1))
    for f in DROP_FRACTIONS:
        cells = [f"{np.mean(acc[(m, f)]):.1%}" for m in models]
        for m in models[1:]:
            iv = paired_interval(
                np.array(acc[(first, f)]),
                np.array(acc[(m, f)]),
                test_fraction=ratio,
                resolution=res,
            )
            cells.append(f"{iv['diff']:+.1%} [{iv['low']:+.1%}, {iv['high']:+.1%}]")
        print(f"| {f:.0%} | " + " | ".join(cells) + " |")
    print(
        f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/sound.py --dropped --seeds {n_seeds} "
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


def tune(name: str) -> None:
    data = load("spoken_digits")
    train, _ = train_test_split(data, test_size=0.3, random_state=0)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(train.X, train.y))
    keys = list(TUNE_GRIDS[name][0])
    print(f"{name}, 3-fold CV on the seed-0 training side only\n")
    print(f"| {' | '.join(keys)} | CV accuracy | fit CPU s (per fold) |")
    print("|---|" + "---|" * (len(keys) + 1))
    for params in TUNE_GRIDS[name]:
        accs, fits = [], []
        for tr, va in folds:
            model = make(name, **params)
            t0 = time.process_time()
            model.fit(train.X[tr], train.y[tr])
            fits.append(time.process_time() - t0)
            accs.append(np.mean(model.predict(train.X[va]) == train.y[va]))
        cells = " | ".join(str(params[k]) for k in keys)
        print(f"| {cells} | {np.mean(accs):.2%} | {np.mean(fits):.1f} |", flush=True)
    print(f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/sound.py --tune {name}")


CURVE_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 240)


def _per_class_order(y, rng) -> np.ndarray:
    """Row indices in an order whose first k * K rows hold k rows of each of K classes."""
    classes = np.unique(y)
    lists = [rng.permutation(np.flatnonzero(y == c)) for c in classes]
    return np.stack([col for col in zip(*lists, strict=False)]).ravel()


def _curve_pairs(text: str) -> list[tuple[str, str]]:
    """``artist:detective,...``, or the default audio pairs of ``compare`` when empty."""
    from genvsdisc.experiments.evidence import DEFAULT_PAIRS

    if not text:
        return [(g, d) for g, d, _ in DEFAULT_PAIRS["audio"]]
    return [tuple(pair.split(":")) for pair in text.split(",")]


def _curve_fit(m, seed, sub, test) -> float:
    """Test accuracy of ``m`` fitted on ``sub``; NaN when it cannot fit so few clips."""
    try:
        model = build_model(m, seed=seed)  # random_state = seed where it has one
        model.fit(sub.X, sub.y)
    except (DataError, ValueError) as err:  # e.g. clip_svm: 2 clips per class at least
        print(f"  {m} at {sub.n_samples} clips: {err}", file=sys.stderr)
        return np.nan
    return float(np.mean(model.predict(test.X) == test.y))


def curve(n_seeds: int, pairs: list[tuple[str, str]]) -> None:
    data = load("spoken_digits")
    models = list(dict.fromkeys(m for pair in pairs for m in pair))
    acc = {(m, k): [] for m in models for k in CURVE_SIZES}
    for seed in range(n_seeds):
        train, test = train_test_split(data, test_size=0.2, random_state=seed)
        order = _per_class_order(train.y, np.random.default_rng(seed))
        K = len(np.unique(train.y))
        for k in CURVE_SIZES:
            rows = order[: k * K]
            sub = train.subset(rows)
            for m in models:
                acc[(m, k)].append(_curve_fit(m, seed, sub, test))
            print(
                f"  seed {seed} {k}/class: "
                + " ".join(f"{m} {acc[(m, k)][-1]:.3f}" for m in models),
                file=sys.stderr,
                flush=True,
            )
    n_test = test.n_samples
    print(
        f"spoken_digits learning curve: {n_seeds} stratified 80/20 splits (seeds 0..{n_seeds - 1}), "
        f"{n_test} test clips; k clips per digit from each split's training side; "
        "mean accuracy, and artist - detective with its 95 % paired interval\n"
    )
    head = " | ".join(f"{g} | {d} | {g} - {d} [95 %]" for g, d in pairs)
    print(f"| clips per digit | {head} |")
    print("|---|" + "---|---|---|" * len(pairs))
    for k in CURVE_SIZES:
        cells = []
        for g, d in pairs:
            a, b = np.array(acc[(g, k)]), np.array(acc[(d, k)])
            cells.append("-" if np.isnan(a).all() else f"{a.mean():.1%}")
            if np.isnan(b).all() or np.isnan(a).all():
                cells += ["-" if np.isnan(b).all() else f"{b.mean():.1%}", "-"]
                continue
            iv = paired_interval(
                a, b, test_fraction=n_test / train.n_samples, resolution=1 / n_test
            )
            cells.append(f"{b.mean():.1%}")
            cells.append(f"{iv['diff']:+.1%} [{iv['low']:+.1%}, {iv['high']:+.1%}]")
        print(f"| {k} | " + " | ".join(cells) + " |")
    extra = f" --pairs {','.join(':'.join(p) for p in pairs)}" if pairs != _curve_pairs("") else ""
    print(
        f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/sound.py --curve --seeds {n_seeds}{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--models", default="")
    parser.add_argument(
        "--tune", nargs="?", const="gmm_hmm", choices=sorted(TUNE_GRIDS), help="CV of a model"
    )
    parser.add_argument("--curve", action="store_true")
    parser.add_argument("--dropped", action="store_true", help="accuracy with frames dropped")
    parser.add_argument("--pairs", default="", help="--curve: artist:detective,... pairs")
    args = parser.parse_args()
    with threadpool_limits(1):
        if args.tune:
            tune(args.tune)
            return
        if args.curve:
            curve(args.seeds, _curve_pairs(args.pairs))
            return
        models = (
            args.models.split(",") if args.models else model_names(modality="audio", deep=False)
        )
        if args.dropped:
            dropped(models, args.seeds)
            return
        run(models, args.seeds)


if __name__ == "__main__":
    main()
