"""Test accuracy of every classical model on the built-in benchmark data sets.

Usage:
    .venv/bin/python benchmarks/accuracy.py                      # all, print only
    .venv/bin/python benchmarks/accuracy.py --write              # also update RESULTS.md
    .venv/bin/python benchmarks/accuracy.py --datasets digits --models logreg,gmm

Every model is fitted with its registry defaults on the stratified 70/30
split with seed 0 (``genvsdisc.data.train_test_split``) and scored on the
30 %. Beside each genvsdisc model the plain scikit-learn estimator it wraps
is fitted on the same split with scikit-learn's defaults (seeded where it
has a seed; TF-IDF or word counts in front for text), so "nothing worse
than scikit-learn" is measured, not assumed. ``issue`` repeats the reference
figures quoted in issue 3. Models that cannot take a data set's modality
are skipped and listed. Warnings raised while fitting (e.g. an optimiser
stopping at its iteration limit) are counted in the notes column.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis, QuadraticDiscriminantAnalysis
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
from threadpoolctl import threadpool_limits

from genvsdisc.data import load, train_test_split
from genvsdisc.models import available, make

DATASETS = ("iris", "wine", "breast_cancer", "digits", "mnist5k", "bbc_news")

#: registry name -> the plain scikit-learn classifier it wraps, with scikit-learn's defaults.
PLAIN = {
    "gaussian_nb": GaussianNB,
    "bernoulli_nb": BernoulliNB,
    "multinomial_nb": MultinomialNB,
    "lda": LinearDiscriminantAnalysis,
    "qda": QuadraticDiscriminantAnalysis,
    "logreg": LogisticRegression,
    "linear_svm": LinearSVC,
    "mlp": lambda: MLPClassifier(random_state=0),
    "hgb": lambda: HistGradientBoostingClassifier(random_state=0),
    "knn": KNeighborsClassifier,
}
#: The vectorizer scikit-learn's documentation puts in front of each model for text.
PLAIN_TEXT_VECTORIZER = {"multinomial_nb": CountVectorizer}

#: Reference accuracies (%) quoted in issue 3, measured with plain scikit-learn.
ISSUE = {
    ("digits", "gmm"): 98.9,
    ("digits", "logreg"): 97.2,
    ("mnist5k", "gmm"): 95.7,
    ("mnist5k", "logreg"): 87.9,
    ("bbc_news", "multinomial_nb"): 97.8,
    ("bbc_news", "logreg"): 98.4,
}

#: Printed under the verdicts: what a reader needs to weigh the `issue %` column.
NOTES = [
    "- `issue %` figures come from issue 3, preprocessing not stated. On this split plain "
    "`LogisticRegression()` scores 97.04 on digits and `StandardScaler` + "
    "`LogisticRegression()` 97.22 (the issue's 97.2) but 87.93 on mnist5k; genvsdisc's "
    "logreg standardises tables only and picks C on one warm-started regularisation path "
    "scored by validation log-loss.",
    "- One test row is worth 2.2 points on iris, 1.9 on wine, 0.58 on breast_cancer, "
    "0.19 on digits, 0.07 on mnist5k and 0.16 on bbc_news.",
]

#: (data set, family, minimum accuracy %) for the best model of that family.
TARGETS = [
    ("digits", "generative", 98.5),
    ("mnist5k", "generative", 96.0),
    ("bbc_news", "generative", 97.5),
    ("bbc_news", "discriminative", 98.0),
]


def fit_and_score(model, train, test):
    """(accuracy %, fit s, predict s, warning names) of ``model`` on one split."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t0 = time.perf_counter()
        model.fit(train.X, train.y)
        t1 = time.perf_counter()
        pred = model.predict(test.X)
        t2 = time.perf_counter()
    names = sorted({w.category.__name__ for w in caught})
    return 100.0 * float(np.mean(pred == test.y)), t1 - t0, t2 - t1, names


def plain_model(name, modality):
    if name not in PLAIN:
        return None
    model = PLAIN[name]()
    if modality == "text":
        return make_pipeline(PLAIN_TEXT_VECTORIZER.get(name, TfidfVectorizer)(), model)
    return model


def run_dataset(ds_name, model_names, with_plain):
    """Rows for one data set, models skipped for its modality, and failure lines."""
    train, test = train_test_split(load(ds_name), test_size=0.3, random_state=0)
    rows, skipped, failed = [], [], []
    for spec in available(deep=False):
        if model_names and spec.name not in model_names:
            continue
        if train.modality not in spec.modalities:
            skipped.append(spec.name)
            continue
        try:
            acc, fit_s, pred_s, warns = fit_and_score(make(spec.name), train, test)
        except Exception as err:  # report the failure in the table, measure the rest
            failed.append(f"- {ds_name}: {spec.name} FAILED: {type(err).__name__}: {err}")
            print(failed[-1], flush=True)
            continue
        plain = plain_model(spec.name, train.modality) if with_plain else None
        plain_acc, plain_warns = None, []
        if plain is not None:
            try:
                plain_acc, _, _, plain_warns = fit_and_score(plain, train, test)
            except Exception as err:  # plain QDA refuses rank-deficient classes, for one
                plain_warns = [f"fails ({type(err).__name__})"]
        notes = [f"{w}" for w in warns] + [f"sklearn: {w}" for w in plain_warns]
        row = dict(
            data=ds_name,
            model=spec.name,
            family=spec.family,
            acc=acc,
            fit=fit_s,
            pred=pred_s,
            plain=plain_acc,
            issue=ISSUE.get((ds_name, spec.name)),
            notes="; ".join(notes),
        )
        print(_format_row(row), flush=True)
        rows.append(row)
    return rows, skipped, failed


def _pct(v):
    return "-" if v is None else f"{v:.2f}"


def _format_row(r):
    return (
        f"| {r['data']} | {r['model']} | {r['family']} | {r['acc']:.2f} | {r['fit']:.2f} "
        f"| {r['pred']:.3f} | {_pct(r['plain'])} | {_pct(r['issue'])} | {r['notes']} |"
    )


def verdicts(rows):
    """Plain-text lines: each target met or not, and any model below its plain reference."""
    lines = []
    for ds, family, minimum in TARGETS:
        cands = [r for r in rows if r["data"] == ds and r["family"] == family]
        if not cands:
            continue
        best = max(cands, key=lambda r: r["acc"])
        ok = "met" if best["acc"] >= minimum else "NOT met"
        lines.append(
            f"- best {family} on {ds} >= {minimum:.1f} %: "
            f"{best['acc']:.2f} % ({best['model']}) -- {ok}"
        )
    worse = [r for r in rows if r["plain"] is not None and r["acc"] < r["plain"]]
    below_issue = [r for r in rows if r["issue"] is not None and r["acc"] < r["issue"]]
    if worse:
        lines += [
            f"- BELOW plain scikit-learn: {r['model']} on {r['data']} "
            f"{r['acc']:.2f} < {r['plain']:.2f}"
            for r in worse
        ]
    elif any(r["plain"] is not None for r in rows):
        lines.append("- no genvsdisc model is below the plain scikit-learn model it wraps")
    lines += [
        f"- below the issue's figure: {r['model']} on {r['data']} {r['acc']:.2f} < {r['issue']:.1f}"
        for r in below_issue
    ]
    return lines


HEADER = (
    "| data set | model | family | accuracy % | fit s | predict s | plain sklearn % "
    "| issue % | notes |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default=",".join(DATASETS), help="comma-separated names")
    parser.add_argument("--models", default="", help="comma-separated registry names (all)")
    parser.add_argument("--no-plain", action="store_true", help="skip the scikit-learn fits")
    parser.add_argument("--write", action="store_true", help="update benchmarks/RESULTS.md")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS/OpenMP threads per fit (default 1)"
    )
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv
    command = " ".join([".venv/bin/python benchmarks/accuracy.py", *argv])
    model_names = {m for m in args.models.split(",") if m}
    started = time.perf_counter()
    print(f"command: {command}\n{HEADER}", flush=True)
    rows, skipped_lines = [], []
    for ds_name in [d for d in args.datasets.split(",") if d]:
        # One thread by default: on shared cores OpenMP's spinning threads (boosting)
        # otherwise measure the neighbours' load more than the model.
        with threadpool_limits(args.threads):
            ds_rows, skipped, failed = run_dataset(ds_name, model_names, not args.no_plain)
        rows += ds_rows
        skipped_lines += failed
        if skipped:
            skipped_lines.append(
                f"- {ds_name}: skipped (cannot take its modality): {', '.join(skipped)}"
            )
    total = time.perf_counter() - started
    lines = [*skipped_lines, *verdicts(rows), *NOTES]
    print("\n".join(lines))
    if args.write:
        body = "\n".join(
            [
                "Test accuracy on the stratified 70/30 split, seed 0; every model with its "
                "registry defaults; `plain sklearn` is the scikit-learn estimator each one wraps, "
                "with scikit-learn's defaults, on the same split.",
                f"Machine: {platform.machine()}, {os.cpu_count()} shared CPUs, {args.threads} "
                f"BLAS/OpenMP thread(s), Python {platform.python_version()}; "
                f"{time.strftime('%Y-%m-%d')}; total {total / 60:.1f} min. "
                f"Command: `{command}`",
                "",
                HEADER,
                *map(_format_row, rows),
                "",
                *lines,
            ]
        )
        write_section(Path(__file__).with_name("RESULTS.md"), "accuracy.py", body)
    return 0


def write_section(path: Path, name: str, body: str) -> None:
    """Replace (or append) the ``## name`` section of RESULTS.md, leaving the others alone."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"## {name}\n\n{body}\n"
    pattern = re.compile(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", re.MULTILINE | re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip() + "\n"
    else:
        text = text.rstrip() + "\n\n" + section
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
