"""multinomial_nb on bbc_news: speed of predict_proba against scikit-learn, and its length model.

Usage:
    OMP_NUM_THREADS=1 PYTHONPATH=src .venv/bin/python benchmarks/multinomial_nb.py

Fits on the default split (``genvsdisc.data.train_test_split``, seed 0) and
times ``predict_proba`` on the test documents' word counts, sparse (CSR, as
text models see them) and dense, against ``sklearn.naive_bayes.MultinomialNB``
fitted on the same counts: the median of 7 calls each. Then, for each
``length_model``, test accuracy, the correlation of ``score_samples`` (and of
the per-word score) with document length, and where an empty document falls
among the test documents' scores. The last columns print ``-`` where the
model has no such method (an older genvsdisc run for comparison).
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
from scipy.stats import pearsonr
from sklearn.naive_bayes import MultinomialNB

from genvsdisc.data import load, train_test_split
from genvsdisc.models.registry import make


def _median_seconds(fn, repeats=7):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    train, test = train_test_split(load("bbc_news"))
    docs_tr = np.asarray(train.X, dtype=object)
    docs_te = np.asarray(test.X, dtype=object)
    model = make("multinomial_nb").fit(docs_tr, train.y)
    X_tr = model.vectorizer_.transform(docs_tr)
    X_te = model.vectorizer_.transform(docs_te)
    ref = MultinomialNB().fit(X_tr, train.y)
    print(f"bbc_news: {X_tr.shape[0]} train, {X_te.shape[0]} test documents, {X_te.shape[1]} words")
    print("| input | call | genvsdisc (ms) | scikit-learn (ms) | ratio |")
    print("|---|---|---:|---:|---:|")
    for name, X in (("sparse", X_te), ("dense", X_te.toarray())):
        ours = _median_seconds(lambda X=X: model.predict_proba(X))
        theirs = _median_seconds(lambda X=X: ref.predict_proba(X))
        print(
            f"| {name} | predict_proba | {ours * 1e3:.1f} | {theirs * 1e3:.1f} | {ours / theirs:.1f} |"
        )
    empty_doc = np.array([""], dtype=object)
    print()
    print(
        "| length_model | test accuracy | corr(score_samples, N) | corr(per-word, N) "
        "| empty doc: log p(x) above % of test | empty doc: log p(N) below % of test |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    has_length = "length_model" in model.get_params()
    for kind in ("negbin", "poisson", None) if has_length else ("(none)",):
        params = {"length_model": kind} if has_length else {}
        m = make("multinomial_nb", **params).fit(docs_tr, train.y)
        acc = np.mean(m.predict(docs_te) == test.y)
        lengths = np.asarray(X_te.sum(axis=1)).ravel()
        scores = m.score_samples(X_te)
        above = 100 * np.mean(scores < m.score_samples(empty_doc)[0])
        per_word = length_pct = "-"
        if hasattr(m, "score_samples_per_word"):
            per_word = f"{pearsonr(m.score_samples_per_word(X_te), lengths)[0]:.2f}"
            length_pct = 100 * np.mean(m.score_length(X_te) > m.score_length(empty_doc)[0])
            length_pct = f"{length_pct:.1f}"
        corr = pearsonr(scores, lengths)[0]
        print(
            f"| {kind} | {100 * acc:.2f} % | {corr:.2f} | {per_word} | {above:.1f} | {length_pct} |"
        )
    print()
    print(
        f"command: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '')} "
        f"PYTHONPATH=src python {' '.join(sys.argv)}"
    )


if __name__ == "__main__":
    main()
