"""Deep models on mnist5k, digits and bbc_news: accuracy, judges, CAS, time, samples/s.

Usage:
    .venv/bin/python benchmarks/deep_models.py                 # everything, print only
    .venv/bin/python benchmarks/deep_models.py --write         # also RESULTS.md and docs/img
    .venv/bin/python benchmarks/deep_models.py --models cnn,cvae

Every model is trained with its registry defaults on the stratified 70/30
split with seed 0 (``genvsdisc.data.train_test_split``) and scored on the
30 %. For the generative models:

judge agreement
    100 samples per class; the share that a judge trained on the *real*
    training rows (``cnn`` for images, ``logreg`` on tf-idf for text) assigns
    to the intended class.
CAS
    Classification Accuracy Score (Ravuri & Vinyals 2019): the judge's model
    trained on the generated samples only, tested on the real test rows; the
    judge's accuracy when trained on real rows is the yardstick.
memorisation
    :func:`genvsdisc.generation.memorisation_check`: median distance of
    samples to their nearest training row against the same for test rows,
    the share of samples closer than 95 % of test rows (about 0.05 when
    nothing is copied), and exact copies.

Text samples continue an empty prompt for up to 60 words; for the text
models the judge agreement of three more sampling seeds (same fitted
model) is reported too, since one draw of 500 texts moves by about a
point. ``diffusion`` classifies slowly (10 classes x 32 noise levels per
row), so its accuracy is measured on a stratified 300-row subset of the
test side, and said so. Times are wall-clock on this machine, with torch
on the threads given by ``--threads`` (1 by default: the 2 cores are
shared, and two threads waiting on each other under load are slower than
one).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    ("cnn", "mnist5k", "accuracy"): 98.0,
    ("cnn", "digits", "accuracy"): 98.5,
    ("cvae", "mnist5k", "accuracy"): 95.0,
    ("diffusion", "mnist5k", "judge"): 95.0,
    ("ngram_lm", "bbc_news", "accuracy"): 95.0,
    ("ngram_lm", "bbc_news", "judge"): 90.0,
    ("transformer_lm", "bbc_news", "judge"): 90.0,
}
IMAGE_GENERATIVE = ("cvae", "diffusion")
TEXT_GENERATIVE = ("ngram_lm", "transformer_lm")
PER_CLASS = 100
EXTRA_SAMPLING_SEEDS = (1, 2, 3)  # text models: judge agreement of further draws


def _timed(fn, *args, **kwargs):
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def _subset(test, n, seed=0):
    """Stratified ``n`` rows of ``test`` (the whole of it when n >= its size)."""
    from sklearn.model_selection import train_test_split as split

    if n >= test.n_samples:
        return test
    rows, _ = split(np.arange(test.n_samples), train_size=n, stratify=test.y, random_state=seed)
    return test.subset(np.sort(rows))


def _judge_and_cas(judge, judge_name, X_new, y_new, test, judge_params):
    from genvsdisc.generation import classification_accuracy_score
    from genvsdisc.models import make

    agree = 100 * float(np.mean(judge.predict(X_new) == y_new))
    cas = 100 * classification_accuracy_score(
        make(judge_name, **judge_params), X_new, y_new, test.X, test.y
    )
    return agree, cas


def _fit_discriminative(data, name):
    """Split ``data`` 70/30 (seed 0), fit ``name`` on the training side and print its row.

    Returns ``(train, test, model, row)``; ``row`` holds test accuracy % and fit seconds.
    """
    from genvsdisc.data import load, train_test_split
    from genvsdisc.models import make

    train, test = train_test_split(load(data), test_size=0.3, random_state=0)
    model, fit_s = _timed(make(name).fit, train.X, train.y)
    accuracy = 100 * float(np.mean(model.predict(test.X) == test.y))
    row = dict(model=name, data=data, accuracy=accuracy, fit=fit_s)
    print(_fmt(row), flush=True)
    return train, test, model, row


def image_rows(models, grid_dir):
    from genvsdisc.generation import GenerationResult, memorisation_check, save_image_grid
    from genvsdisc.models import make

    train, test, judge, judge_row = _fit_discriminative("mnist5k", "cnn")
    judge_acc, rows = judge_row["accuracy"], [judge_row]
    if "cnn" in models:
        rows.append(_fit_discriminative("digits", "cnn")[3])
    wanted = np.repeat(np.arange(10), PER_CLASS)
    for name in [m for m in IMAGE_GENERATIVE if m in models]:
        model, fit_s = _timed(make(name).fit, train.X, train.y)
        scored = _subset(test, 300) if name == "diffusion" else test
        pred, pred_s = _timed(model.predict, scored.X)
        (X_new, y_new), sample_s = _timed(
            model.sample, len(wanted), y=wanted, random_state=0, clip=True
        )
        agree, cas = _judge_and_cas(judge, "cnn", X_new, y_new, test, {})
        mem = memorisation_check(X_new, train.X, test.X)
        row = dict(
            model=name,
            data="mnist5k",
            accuracy=100 * float(np.mean(pred == scored.y)),
            n_test=scored.n_samples,
            fit=fit_s,
            predict=pred_s,
            judge=agree,
            cas=cas,
            cas_real=judge_acc,
            samples_per_s=len(wanted) / sample_s,
            mem=mem,
        )
        if name == "cvae":
            row["missing50"] = _missing_accuracy(model, test)
        rows.append(row)
        print(_fmt(row), flush=True)
        if grid_dir is not None:
            keep = np.concatenate([np.flatnonzero(y_new == k)[:8] for k in range(10)])
            result = GenerationResult(
                dataset="mnist5k",
                model=name,
                modality="image",
                classes=list(train.classes),
                samples=X_new[keep],
                intended=y_new[keep],
                judged=judge.predict(X_new[keep]),
                judge="cnn",
                agreement=agree / 100,
                image_shape=train.image_shape,
            )
            save_image_grid(result, Path(grid_dir) / f"deep_samples_{name}.png")
    return rows


def _missing_accuracy(model, test):
    """Accuracy with half of each test image's pixels missing (NaN), integrated out."""
    X = test.X.copy()
    X[np.random.default_rng(0).random(X.shape) < 0.5] = np.nan
    return 100 * float(np.mean(model.predict(X) == test.y))


def text_rows(models):
    from genvsdisc.generation import text_memorisation_check
    from genvsdisc.models import make

    train, test, judge, judge_row = _fit_discriminative("bbc_news", "logreg")
    judge_acc, rows = judge_row["accuracy"], [judge_row]
    wanted = np.repeat(np.arange(len(train.classes)), PER_CLASS)
    for name in [m for m in TEXT_GENERATIVE if m in models]:
        model, fit_s = _timed(make(name).fit, train.X, train.y)
        pred, pred_s = _timed(model.predict, test.X)
        (X_new, y_new), sample_s = _timed(
            model.sample, len(wanted), y=wanted, random_state=0, max_words=60
        )
        agree, cas = _judge_and_cas(judge, "logreg", X_new, y_new, test, {})
        spread = [agree] + [
            _judge_share(judge, model, wanted, seed) for seed in EXTRA_SAMPLING_SEEDS
        ]
        row = dict(
            model=name,
            data="bbc_news",
            accuracy=100 * float(np.mean(pred == test.y)),
            judge_seeds=spread,
            n_draw=len(wanted),
            n_test=test.n_samples,
            fit=fit_s,
            predict=pred_s,
            judge=agree,
            cas=cas,
            cas_real=judge_acc,
            samples_per_s=len(wanted) / sample_s,
            mem=text_memorisation_check(X_new, train.X, test.X),
            example=f"[{train.classes[y_new[0]]}] {X_new[0][:160]}",
        )
        rows.append(row)
        print(_fmt(row), flush=True)
    return rows


def _judge_share(judge, model, wanted, seed) -> float:
    """Judge agreement % of one more draw of texts with sampling seed ``seed``.

    One draw of 500 texts is a noisy estimate; further draws from the same
    fitted model show how much that share moves.
    """
    X_new, y_new = model.sample(len(wanted), y=wanted, random_state=seed, max_words=60)
    return 100 * float(np.mean(judge.predict(X_new) == y_new))


HEADER = (
    "| model | data | accuracy % | fit s | predict s | judge % | CAS % (real) | samples/s "
    "| memorisation: median dist. sample / test, closer than test p5, copies |\n"
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
)


def _fmt(r) -> str:
    f = lambda k, spec: format(r[k], spec) if r.get(k) is not None else "-"  # noqa: E731
    acc = f("accuracy", ".2f") + (
        f" ({r['n_test']} rows)" if r.get("n_test", 1500) not in (1500, 668) else ""
    )
    if r.get("missing50") is not None:
        acc += f"; {r['missing50']:.2f} with 50 % pixels missing"
    cas = f"{r['cas']:.1f} ({r['cas_real']:.1f})" if r.get("cas") is not None else "-"
    m = r.get("mem")
    mem = (
        (
            f"{m['sample_median']:.3g} / {m['test_median']:.3g}, {m['closer_than_test_p5']:.2f}, "
            f"{m['copies']}"
        )
        if m
        else "-"
    )
    return (
        f"| {r['model']} | {r['data']} | {acc} | {f('fit', '.1f')} | {f('predict', '.1f')} "
        f"| {f('judge', '.1f')} | {cas} | {f('samples_per_s', '.1f')} | {mem} |"
    )


def verdicts(rows) -> list[str]:
    lines = []
    for (model, data, what), target in TARGETS.items():
        row = next((r for r in rows if r["model"] == model and r["data"] == data), None)
        if row is None or row.get(what) is None:
            continue
        label = "accuracy" if what == "accuracy" else "judge agreement"
        ok = "met" if row[what] >= target else "NOT met"
        lines.append(f"- {model} {label} on {data} >= {target:.1f} %: {row[what]:.2f} % -- {ok}")
    for r in rows:
        if r.get("mem"):
            m = r["mem"]
            fresh = m["copies"] == 0 and m["closer_than_test_p5"] <= 0.2
            lines.append(
                f"- {r['model']} memorisation check: {'passed' if fresh else 'FAILED'} "
                f"({m['copies']} copies, {m['closer_than_test_p5']:.2f} closer than test p5)"
            )
    for r in rows:
        if r.get("judge_seeds"):
            js = r["judge_seeds"]
            lines.append(
                f"- {r['model']} judge agreement with sampling seeds 0, "
                f"{', '.join(map(str, EXTRA_SAMPLING_SEEDS))}: "
                f"{' / '.join(f'{j:.1f}' for j in js)} % (mean {np.mean(js):.1f} % "
                f"of {len(js) * r['n_draw']} texts)"
            )
    for r in rows:
        if r.get("example"):
            lines.append(f"- {r['model']} sample: {r['example']!r}")
    return lines


def write_section(path: Path, name: str, body: str) -> None:
    """Replace (or append) the ``## name`` section of RESULTS.md, leaving the others alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"## {name}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = (
        pattern.sub(lambda _: section + "\n", text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + section
    )
    path.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="cnn,cvae,diffusion,ngram_lm,transformer_lm")
    parser.add_argument("--threads", type=int, default=1, help="torch CPU threads (default 1)")
    parser.add_argument("--write", action="store_true", help="update RESULTS.md and docs/img/")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads)
    argv = sys.argv[1:] if argv is None else argv
    command = " ".join([".venv/bin/python benchmarks/deep_models.py", *argv])
    models = {m for m in args.models.split(",") if m}
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    print(f"command: {command}\n{HEADER}", flush=True)
    grid_dir = ROOT / "docs" / "img" if args.write else None
    if grid_dir is not None:
        grid_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    if models & {"cnn", *IMAGE_GENERATIVE}:
        rows += image_rows(models, grid_dir)
    if models & set(TEXT_GENERATIVE):
        rows += text_rows(models)
    total = time.perf_counter() - started
    lines = verdicts(rows)
    print("\n".join(lines))
    if args.write:
        body = "\n".join(
            [
                "Stratified 70/30 split, seed 0; registry defaults; 100 samples per class. Judges: "
                "`cnn` (images) and `logreg` on tf-idf (text), trained on the real training rows; "
                "CAS trains the judge's model on the samples only (in brackets: trained on real rows).",
                f"Machine: {platform.machine()}, {os.cpu_count()} shared CPUs, torch on "
                f"{args.threads} thread(s), load average {load_before:.1f} at the start and "
                f"{os.getloadavg()[0]:.1f} at the end (other work shares the cores, so times are "
                f"upper bounds); Python {platform.python_version()}; {time.strftime('%Y-%m-%d')}; "
                f"total {total / 60:.1f} min. Command: `{command}`",
                "",
                HEADER,
                *map(_fmt, rows),
                "",
                *lines,
                "",
                "Sample grids: `docs/img/deep_samples_cvae.png`, `docs/img/deep_samples_diffusion.png`.",
            ]
        )
        write_section(ROOT / "benchmarks" / "RESULTS.md", "deep_models.py", body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
