"""The deep audio models on spoken_digits: accuracy, the judge's reading of samples, copies, time.

Usage:
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/audio_deep.py                # 1 split
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/audio_deep.py --seeds 3
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/audio_deep.py --models audio_cvae \\
        --params '{"audio_cvae": {"epochs": 80}}'
    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/audio_deep.py \\
        --tune '[{}, {"n_mels": 80}, {"temperature": 0.5}]'     # audio_cvae, validation

``--tune`` fits ``audio_cvae`` with each parameter set (``temperature`` is
the sampling option) on 75 % of the seed-0 training side and scores it on the
other 25 % (the test side is not looked at): accuracy, and the agreement of
a judge trained on the 75 % with 30 samples per digit.

Each model (registry defaults unless ``--params``) is fitted on stratified
70/30 splits of ``spoken_digits`` with seeds 0..J-1 and scored on the 30 %;
intervals are 95 % t intervals with Nadeau & Bengio's correction
(``evidence.paired_interval`` against zero; none for one split). On the
seed-0 split every artist draws ``--per-class`` clips of each digit
(``random_state=0``), which the generation judge (the default audio judge,
a detective trained on the real training clips) reads: *agreement* is the
share it assigns to the intended digit, beside the judge's own accuracy on
the real test clips. Memorisation is
:func:`genvsdisc.generation.sound.clip_memorisation_check` (nearest training
clip in standardised clip summaries; ratio of the samples' median distance to
the real test clips'; exact copies). Times are CPU seconds of this process
(torch and BLAS on one thread), so they count the work whatever else shares
the machine. ``spoken_digits`` has no speaker labels: train and test share
its 6 speakers.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
import torch
from threadpoolctl import threadpool_limits

from genvsdisc.data import load, train_test_split
from genvsdisc.experiments.evidence import paired_interval
from genvsdisc.generation.judge import fit_judge
from genvsdisc.generation.sound import clip_memorisation_check
from genvsdisc.models import get_spec, make

DEFAULT_MODELS = "audio_cnn,audio_cvae,audio_diffusion,gmm_hmm"


def _fit_score(name, params, train, test):
    model = make(name, **params)
    if "verbose" in model.get_params():
        model.set_params(verbose=False)
    t0 = time.process_time()
    model.fit(train.X, train.y)
    t1 = time.process_time()
    acc = float(np.mean(model.predict(test.X) == test.y))
    return model, acc, t1 - t0, time.process_time() - t1


def _judge_samples(model, judge, train, test, per_class):
    """Agreement, its lowest class, memorisation and CPU seconds of drawing per_class clips a digit."""
    y = np.repeat(model.classes_, per_class)
    t0 = time.process_time()
    X_new, y_new = model.sample(len(y), y=y, random_state=0)
    seconds = time.process_time() - t0
    hit = judge.verdicts(X_new).judged == np.asarray(y_new).astype(int)
    worst = min(float(hit[y_new == k].mean()) for k in model.classes_)
    mem = clip_memorisation_check(X_new, train.X, test.X)
    return float(hit.mean()), worst, mem, seconds


def run(models, n_seeds, per_class, params) -> None:
    data = load("spoken_digits")
    rows = {m: [] for m in models}
    samples = {}
    for seed in range(n_seeds):
        train, test = train_test_split(data, test_size=0.3, random_state=seed)
        if seed == 0:
            t0 = time.process_time()
            judge = fit_judge(train, test, seed=0)
            judge_fit = time.process_time() - t0
        for m in models:
            model, *scores = _fit_score(m, params.get(m, {}), train, test)
            rows[m].append(scores)
            print(f"  seed {seed} {m}: {scores[0]:.4f}", file=sys.stderr, flush=True)
            if seed == 0 and get_spec(m).family == "generative":
                samples[m] = _judge_samples(model, judge, train, test, per_class)
    ratio = test.n_samples / train.n_samples
    print(
        f"spoken_digits, {n_seeds} stratified 70/30 split(s) (seeds 0..{n_seeds - 1}), "
        f"{train.n_samples} train / {test.n_samples} test clips\n"
    )
    print("| model | family | accuracy | 95 % interval | fit CPU s | predict CPU s |")
    print("|---|---|---|---|---|---|")
    for m in models:
        acc, fit, pred = (np.array(col) for col in zip(*rows[m], strict=True))
        if n_seeds > 1:
            iv = paired_interval(
                acc, np.zeros_like(acc), test_fraction=ratio, resolution=1 / test.n_samples
            )
            interval = f"[{iv['low']:.2%}, {iv['high']:.2%}]"
        else:
            interval = "-"
        fam = "artist" if get_spec(m).family == "generative" else "detective"
        print(
            f"| {m} | {fam} | {acc.mean():.2%} | {interval} | {fit.mean():.1f} | {pred.mean():.1f} |"
        )
    print(
        f"\nsamples, seed-0 split: {per_class} per digit, random_state=0; judge {judge.name} "
        f"(trained on the real training clips: {judge.accuracy:.2%} on the real test clips, "
        f"fit {judge_fit:.1f} CPU s)\n"
    )
    print(
        "| artist | judge agreement | lowest digit | nearest-train ratio | copies "
        "| closer than test p5 | sample CPU s |"
    )
    print("|---|---|---|---|---|---|---|")
    for m, (agree, worst, mem, seconds) in samples.items():
        print(
            f"| {m} | {agree:.1%} | {worst:.1%} | {mem['ratio']:.2f} | {mem['copies']} "
            f"| {mem['closer_than_test_p5']:.1%} | {seconds:.1f} |"
        )
    extra = f" --params '{json.dumps(params)}'" if params else ""
    print(
        f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/audio_deep.py --seeds {n_seeds} "
        f"--per-class {per_class} --models {','.join(models)}{extra}"
    )


def tune(configs) -> None:
    data = load("spoken_digits")
    train, _ = train_test_split(data, test_size=0.3, random_state=0)
    fit, val = train_test_split(train, test_size=0.25, random_state=0)
    judge = fit_judge(fit, val, seed=0)
    print(f"audio_cvae on a validation split; judge {judge.name} {judge.accuracy:.2%}\n")
    print("| change | validation accuracy | judge agreement | lowest digit | fit CPU s |")
    print("|---|---|---|---|---|")
    for config in configs:
        params = dict(config)
        temperature = params.pop("temperature", 1.0)
        model, acc, fit_s, _ = _fit_score("audio_cvae", params, fit, val)
        y = np.repeat(model.classes_, 30)
        X_new, y_new = model.sample(len(y), y=y, random_state=0, temperature=temperature)
        hit = judge.verdicts(X_new).judged == y_new
        worst = min(hit[y_new == k].mean() for k in model.classes_)
        print(
            f"| {json.dumps(config)} | {acc:.1%} | {hit.mean():.1%} | {worst:.0%} | {fit_s:.0f} |",
            flush=True,
        )
    print(
        f"\ncommand: OMP_NUM_THREADS=1 python benchmarks/audio_deep.py --tune '{json.dumps(configs)}'"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--per-class", type=int, default=20)
    parser.add_argument("--models", default=DEFAULT_MODELS)
    parser.add_argument("--params", default="{}", help="JSON: model name -> parameters")
    parser.add_argument("--tune", default="", help="JSON list of audio_cvae parameter sets")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with threadpool_limits(1):
        if args.tune:
            tune(json.loads(args.tune))
            return
        run(args.models.split(","), args.seeds, args.per_class, json.loads(args.params))


if __name__ == "__main__":
    main()
