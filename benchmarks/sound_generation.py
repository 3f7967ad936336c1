"""Generated audio: does a detective trained on real clips hear the intended word?

Usage:
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound_generation.py
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sound_generation.py -n 20 \\
        --datasets spoken_words --models gmm_hmm --temperatures 1,0.5

For each data set and each audio artist of the registry (every generative
entry with modality ``audio`` at the time of the run, deep ones included), on
the stratified 70/30 split of ``genvsdisc.data.train_test_split`` (seed 0):
the artist is fitted with its registry defaults (or ``--params``) on the training clips and
draws ``n`` clips per class (``sample(clip=True)``, as ``genvsdisc generate``
does; seed 0). The judge is the audio default of the judge policy
(``genvsdisc.generation.judge``, clip_svm), fitted on the same real training
clips through the same clip-summary features; its accuracy on the real test
clips is printed beside its agreement with the samples, so the two can be read
together. Agreement is per class and overall, with a Wilson 95 % interval.

Memorisation is ``genvsdisc.generation.check_memorisation`` (standardised clip
summaries): ``nn ratio`` is the samples' median distance to their nearest
training clip over real test clips' (well below 1 would mean copying),
``copies`` the samples at distance ~0 from a training clip.
``delta z`` says why a judge may not hear the word: the samples' mean
frame-to-frame change (the clip summary's delta features), in standard
deviations of the real training clips (real test clips: about 0).

``--judges`` adds other detectives (each fitted the same way) as a second
table of agreement at every temperature: how much the verdict depends on the
judge. The first judge of the list is the one of the main table.

``--smooth K`` (a diagnosis, not the models' samples) also judges every
artist's samples, and the real test clips, after a centred K-frame moving
average in time within each clip (each coefficient; the window shrinks at
the clip's ends and skips missing frames): if frame-to-frame jitter alone is
what the judges misread, smoothing brings agreement up while it leaves the
real clips' accuracy where it was.

Every temperature other than 1 (the model's own distribution) is labelled in
the table: it scales the standard deviation of the frames' noise.
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
import time

import numpy as np
from scipy import stats
from threadpoolctl import threadpool_limits

from genvsdisc.data import load, train_test_split
from genvsdisc.generation import check_memorisation, fit_judge
from genvsdisc.generation.draw import build_model
from genvsdisc.models import model_names
from genvsdisc.models.audio.frames import ClipSummary

SEED = 0


def wilson(k: int, n: int) -> tuple[float, float]:
    """Wilson 95 % interval of k successes in n (scipy)."""
    ci = stats.binomtest(int(k), int(n)).proportion_ci(method="wilson")
    return ci.low, ci.high


def delta_z(samples, train_X, c: int) -> float:
    """Mean frame-to-frame change of the samples, in sd of the real training clips."""
    summary = ClipSummary(c)
    real = summary.transform(train_X)
    delta = slice(-c - 1, -1)  # the deltas sit before the log length
    mu, sd = real[:, delta].mean(0), real[:, delta].std(0) + 1e-12
    return float(((summary.transform(samples)[:, delta] - mu) / sd).mean())


def smooth_frames(X, c: int, width: int) -> np.ndarray:
    """Rows (n, T * c) after a centred moving average of ``width`` frames in time, NaN kept.

    The average of each coefficient over the observed frames of the window
    (fewer at a clip's ends and around missing frames); a diagnosis of jitter,
    written here because numpy and scipy's uniform filters do not skip NaN.
    """
    frames = X.reshape(len(X), -1, c)
    seen = ~np.isnan(frames)
    values = np.where(seen, frames, 0.0)
    total, count = np.zeros_like(values), np.zeros_like(values)
    T, half = frames.shape[1], width // 2
    for shift in range(-half, width - half):
        lo, hi = max(0, shift), T + min(0, shift)  # source frames t + shift inside [0, T)
        total[:, lo - shift : hi - shift] += values[:, lo:hi]
        count[:, lo - shift : hi - shift] += seen[:, lo:hi]
    out = np.where(seen, total / np.maximum(count, 1), np.nan)
    return out.reshape(len(X), -1)


def run_dataset(name, models, n, temperatures, judges, smooth=0, params=None) -> None:
    data = load(name)
    train, test = train_test_split(data, test_size=0.3, random_state=SEED)
    fitted = [fit_judge(train, test, j or None, seed=SEED) for j in judges]
    judge, others = fitted[0], []
    c = int(data.frame_shape[1])
    print(
        f"\n{name}: {train.n_samples} training / {test.n_samples} test clips, "
        f"{n} samples per class; judge {judge.name} (fitted on the real training "
        f"clips): {judge.accuracy:.1%} on the real test clips; delta z of the real "
        f"test clips {delta_z(test.X, train.X, c):+.2f}\n"
    )
    smoothed = []
    if smooth:
        real = [j.agreement(smooth_frames(test.X, c, smooth), test.y) for j in fitted]
        smoothed.append(
            ("real test clips", "-", real, delta_z(smooth_frames(test.X, c, smooth), train.X, c))
        )
    print(
        "| artist | temperature | agreement [95 % Wilson] | per class | delta z | nn ratio "
        "| copies | fit CPU s | sample CPU s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    wanted = np.repeat(np.arange(len(data.classes)), n)
    for m in models:
        est = build_model(m, seed=SEED)
        est.set_params(frame_size=c, **(params or {}).get(m, {}))
        t0 = time.process_time()
        est.fit(train.X, train.y)
        fit_s = time.process_time() - t0
        for temp in temperatures:
            if temp != 1.0 and "temperature" not in est._sample_options:
                continue
            kw = {} if temp == 1.0 else {"temperature": temp}
            t0 = time.process_time()
            X, y = est.sample(len(wanted), y=wanted, random_state=SEED, clip=True, **kw)
            sample_s = time.process_time() - t0
            hit = judge.verdicts(X).judged == wanted
            lo, hi = wilson(hit.sum(), len(hit))
            per = " ".join(f"{c}:{hit[wanted == k].mean():.0%}" for k, c in enumerate(data.classes))
            mem = check_memorisation(X, train, test)
            others.append((m, temp, [j.agreement(X, wanted) for j in fitted]))
            if smooth:
                Xs = smooth_frames(X, c, smooth)
                agree = [j.agreement(Xs, wanted) for j in fitted]
                smoothed.append((m, temp, agree, delta_z(Xs, train.X, c)))
            label = "1 (own)" if temp == 1.0 else f"**{temp:g}**"
            print(
                f"| {m} | {label} | {hit.mean():.1%} [{lo:.1%}, {hi:.1%}] | {per} "
                f"| {delta_z(X, train.X, c):+.2f} | {mem['ratio']:.2f} | {mem['copies']} "
                f"| {fit_s:.1f} | {sample_s:.2f} |",
                flush=True,
            )
    if len(fitted) > 1:
        print(f"\nagreement by judge ({name}; accuracy on the real test clips in brackets)\n")
        print(
            "| artist | temperature | "
            + " | ".join(f"{j.name} ({j.accuracy:.1%})" for j in fitted)
            + " |"
        )
        print("|---|---|" + "---|" * len(fitted))
        for m, temp, agree in others:
            cells = " | ".join(f"{a:.1%}" for a in agree)
            print(f"| {m} | {temp:g} | {cells} |")
    if smooth:
        print(
            f"\ndiagnosis ({name}): clips after a {smooth}-frame moving average in time "
            "(NOT the models' samples); agreement with the intended class, by judge\n"
        )
        print("| clips | temperature | " + " | ".join(j.name for j in fitted) + " | delta z |")
        print("|---|---|" + "---|" * len(fitted) + "---|")
        for m, temp, agree, dz in smoothed:
            cells = " | ".join(f"{a:.1%}" for a in agree)
            print(f"| {m} | {temp} | {cells} | {dz:+.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=20, help="samples per class")
    parser.add_argument("--datasets", default="spoken_digits,spoken_words")
    parser.add_argument("--models", default="")
    parser.add_argument("--temperatures", default="1")
    parser.add_argument(
        "--judges", default="", help="comma-separated; first: the main table's (default: policy)"
    )
    parser.add_argument(
        "--smooth", type=int, default=0, help="diagnosis: also judge K-frame moving averages"
    )
    parser.add_argument("--params", default="{}", help="JSON: artist -> parameters")
    args = parser.parse_args()
    models = (
        args.models.split(",")
        if args.models
        else model_names(family="generative", modality="audio")
    )
    temps = [float(t) for t in args.temperatures.split(",")]
    params = json.loads(args.params)
    with threadpool_limits(1):
        for name in args.datasets.split(","):
            run_dataset(name, models, args.n, temps, args.judges.split(","), args.smooth, params)
    cmd = shlex.join(sys.argv[1:])
    print(f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/sound_generation.py {cmd}".rstrip())


if __name__ == "__main__":
    main()
