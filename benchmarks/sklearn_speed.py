"""genvsdisc against the scikit-learn model a user would pick instead: speed, memory, accuracy.

Usage:
    OMP_NUM_THREADS=1 PYTHONPATH=src .venv/bin/python benchmarks/sklearn_speed.py
    ... benchmarks/sklearn_speed.py --rows 200000 --models gaussian_nb,bernoulli_nb --repeats 5
    ... benchmarks/sklearn_speed.py --data digits,mnist5k --float32
    ... benchmarks/sklearn_speed.py --logreg-accuracy 5   # logreg's default, 5 split seeds
    ... benchmarks/sklearn_speed.py --data digits,mnist5k --semi-supervised 3   # gmm, 3 runs
    ... benchmarks/sklearn_speed.py --data digits,mnist5k,bbc_counts --multinomial-parts 200

Pairs (genvsdisc registry default -> scikit-learn):
  gaussian_nb  -> GaussianNB()
  bernoulli_nb -> BernoulliNB(binarize=0.5)           (genvsdisc's default threshold)
  multinomial_nb -> MultinomialNB()                   (on counts: the pixels of digits and
                  mnist5k as given, dense; bbc_counts: bbc_news's word counts, sparse CSR,
                  from multinomial_nb's own vectorizer settings fitted on the training text)
  logreg       -> LogisticRegression(max_iter=1000)   (StandardScaler first where logreg's
                  standardize="auto" scales: any value outside [0, 1]; same max_iter)
  gmm          -> one GaussianMixture per class, with the number of components, the
                  covariance type and the diagonal floor that gmm chose for that class
                  (gmm's default: 4 components, capped at one per 40 rows of a class;
                  no BIC search unless n_components="bic"), k-means start, same tol.

Data: digits and mnist5k (genvsdisc.data.load) and make_classification(rows, 50
features, 10 informative, 5 classes, random_state=0); each split 70/30,
stratified, random_state=0. ``--float32`` also runs the naive Bayes pairs on
float32 copies of the data (bbc_counts too: sparse float32).

Both sides run with one BLAS thread (threadpoolctl), interleaved (ours, theirs,
ours, theirs...), median of ``--repeats`` runs of fit and of predict_proba on the
test rows, in CPU seconds of this process (``time.process_time``: on a shared machine
wall time measures the neighbours). Ratio = genvsdisc / scikit-learn (below 1:
genvsdisc is faster).
Memory: tracemalloc's peak during one fit (and one predict_proba), in a separate
run from the timings, divided by the training data's bytes ("extra memory").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.mixture import GaussianMixture
from sklearn.model_selection import train_test_split
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from genvsdisc.data import load
from genvsdisc.models import make

MODELS = ("gaussian_nb", "bernoulli_nb", "multinomial_nb", "logreg", "gmm")
NB = ("gaussian_nb", "bernoulli_nb", "multinomial_nb")


class PerClassGMM:
    """One scikit-learn GaussianMixture per class, combined by Bayes' rule with the class shares."""

    def __init__(self, n_components, reg_covar, covariance_type, scale, tol, max_iter):
        self.n_components, self.reg_covar = n_components, reg_covar
        self.covariance_type, self.scale = covariance_type, scale
        self.tol, self.max_iter = tol, max_iter

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        Xs = X / np.sqrt(self.scale)  # gmm's floor is in these units
        self.mixtures_, counts = [], []
        for k, c in enumerate(self.classes_):
            rows = Xs[y == c]
            gm = GaussianMixture(
                int(self.n_components[k]),
                covariance_type=self.covariance_type,
                reg_covar=float(self.reg_covar[k]),
                tol=self.tol,
                max_iter=self.max_iter,
                random_state=0,
            )
            self.mixtures_.append(gm.fit(rows))
            counts.append(len(rows))
        self.log_prior_ = np.log(np.asarray(counts) / len(y))
        return self

    def predict_proba(self, X):
        Xs = X / np.sqrt(self.scale)
        jll = np.column_stack([m.score_samples(Xs) for m in self.mixtures_]) + self.log_prior_
        jll -= jll.max(axis=1, keepdims=True)
        p = np.exp(jll)
        return p / p.sum(axis=1, keepdims=True)


def sklearn_twin(name, ours, X):
    """The scikit-learn model a user would pick instead of genvsdisc's ``name``."""
    if name == "gaussian_nb":
        return GaussianNB()
    if name == "bernoulli_nb":
        return BernoulliNB(binarize=0.5)
    if name == "multinomial_nb":
        return MultinomialNB()
    if name == "logreg":
        lr = LogisticRegression(max_iter=1000)
        scaled = not (X.min() >= 0 and X.max() <= 1)
        return make_pipeline(StandardScaler(), lr) if scaled else lr
    # gmm: same components, covariance type and floor per class as the fitted ``ours``
    return PerClassGMM(
        ours.n_components_,
        ours.reg_covar_,
        ours.covariance_type,
        ours.scale_,
        ours.tol,
        ours.max_iter,
    )


def datasets(names, rows, float32):
    for name in names:
        if name == "synthetic":
            X, y = make_classification(
                rows, 50, n_informative=10, n_classes=5, random_state=0, class_sep=1.0
            )
            label = f"synth {rows // 1000}k x 50"
        elif name == "bbc_counts":  # sparse word counts, multinomial_nb's vectorizer settings
            ds = load("bbc_news")
            docs = np.asarray(ds.X, dtype=object)
            tr, te, ytr, yte = train_test_split(
                docs, ds.y, test_size=0.3, stratify=ds.y, random_state=0
            )
            vec = CountVectorizer(min_df=2, max_df=0.5, stop_words="english").fit(tr)
            split = (vec.transform(tr).astype(float), vec.transform(te).astype(float), ytr, yte)
            yield "bbc_counts", "float64", split
            if float32:  # sparse float32 counts
                Xtr, Xte = split[0].astype(np.float32), split[1].astype(np.float32)
                yield "bbc_counts", "float32", (Xtr, Xte, ytr, yte)
            continue
        else:
            ds = load(name)
            X, y, label = ds.X, ds.y, name
        split = train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)
        yield label, "float64", split
        if float32:
            Xtr, Xte, ytr, yte = split
            yield label, "float32", (Xtr.astype(np.float32), Xte.astype(np.float32), ytr, yte)


def timed(fn):
    """CPU seconds of this process while ``fn`` runs (one BLAS thread), and its result."""
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def peak_extra(fn):
    """Peak bytes allocated (tracemalloc, numpy included) while ``fn`` runs, and its result."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    out = fn()
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return peak, out


def _nbytes(X):
    """Bytes of the data: a sparse matrix's stored values and indices."""
    if hasattr(X, "indptr"):
        return X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    return X.nbytes


def compare(name, split, repeats):
    Xtr, Xte, ytr, yte = split
    ours0 = make(name).fit(Xtr, ytr)  # warm-up; gmm's twin reads its choices
    twin = sklearn_twin(name, ours0, Xtr)
    models = {"ours": lambda: make(name), "sk": lambda: sklearn_twin(name, ours0, Xtr)}
    fit_t = {"ours": [], "sk": []}
    pred_t = {"ours": [], "sk": []}
    fitted = {}
    for _ in range(repeats):
        for side in ("ours", "sk"):  # interleaved: load drifts hit both sides alike
            model = models[side]()
            t, fitted[side] = timed(lambda m=model: m.fit(Xtr, ytr))
            fit_t[side].append(t)
            t, _ = timed(lambda m=fitted[side]: m.predict_proba(Xte))
            pred_t[side].append(t)
    row = {}
    for side in ("ours", "sk"):
        m = fitted[side]
        p = m.predict_proba(Xte)
        row[f"acc_{side}"] = 100 * np.mean(m.classes_[p.argmax(axis=1)] == yte)
        row[f"fit_{side}"] = statistics.median(fit_t[side])
        row[f"pred_{side}"] = statistics.median(pred_t[side])
        fresh = models[side]()
        row[f"mem_fit_{side}"] = peak_extra(lambda m=fresh: m.fit(Xtr, ytr))[0] / _nbytes(Xtr)
        row[f"mem_pred_{side}"] = peak_extra(lambda m=m: m.predict_proba(Xte))[0] / _nbytes(Xte)
    del twin
    return row


ACCURACY_DATA = ("digits", "mnist5k", "bbc_news", "breast_cancer", "iris")


def logreg_accuracy(n_seeds):
    """logreg with its defaults (C chosen from the training rows) on 70/30 splits, seeds 0..S-1.

    Beside it, plain ``LogisticRegression(max_iter=1000)`` on logreg's own features (its
    fitted scaler or TF-IDF, when it has one): the issue's "equal or better accuracy".
    """
    print(
        f"{'data':<14} {'mean acc':>8} {'mean log-loss':>13} {'fit s':>7}  C chosen / acc per seed"
        "  | plain: mean acc / log-loss, acc per seed"
    )
    for name in ACCURACY_DATA:
        ds = load(name)
        accs, losses, secs, cs, plain = [], [], [], [], []
        for seed in range(n_seeds):
            Xtr, Xte, ytr, yte = train_test_split(
                ds.X, ds.y, test_size=0.3, stratify=ds.y, random_state=seed
            )
            t, model = timed(lambda Xtr=Xtr, ytr=ytr: make("logreg").fit(Xtr, ytr))
            p = model.predict_proba(Xte)
            accs.append(100 * np.mean(model.classes_[p.argmax(axis=1)] == yte))
            losses.append(log_loss(yte, p, labels=model.classes_))
            secs.append(t)
            cs.append(model.C_)
            plain.append(_plain_logreg(model, Xtr, ytr, Xte, yte))
        per_seed = " ".join(f"{c:g}/{a:.2f}" for c, a in zip(cs, accs, strict=True))
        p_acc, p_loss = np.mean(plain, axis=0)
        print(
            f"{name:<14} {np.mean(accs):8.2f} {np.mean(losses):13.4f} {np.median(secs):7.2f}  "
            f"{per_seed}  | {p_acc:.2f} / {p_loss:.4f}, " + " ".join(f"{a:.2f}" for a, _ in plain),
            flush=True,
        )


def _plain_logreg(model, Xtr, ytr, Xte, yte):
    """(accuracy %, log-loss) of LogisticRegression() on ``model``'s own features."""

    def features(X):
        if getattr(model, "vectorizer_", None) is not None:
            return model.vectorizer_.transform(np.asarray(X, dtype=object))
        X = np.asarray(X, dtype=float)
        return X if getattr(model, "scaler_", None) is None else model.scaler_.transform(X)

    plain = LogisticRegression(max_iter=1000).fit(features(Xtr), ytr)
    p = plain.predict_proba(features(Xte))
    return 100 * np.mean(plain.classes_[p.argmax(axis=1)] == yte), log_loss(yte, p)


def semi_supervised(names, repeats):
    """gmm's semi-supervised fit (every 5th training row labelled, the rest -1): CPU s."""
    print(f"{'data':<18} {'labelled':>8} {'EM iter':>7} {'fit s (median)':>14}  runs")
    for label, _, (Xtr, _, ytr, _) in datasets(names, 0, False):
        y_semi = np.where(np.arange(len(ytr)) % 5 == 0, ytr, -1)
        fit = lambda X=Xtr, y=y_semi: make("gmm").fit(X, y)  # noqa: E731
        runs = [timed(fit) for _ in range(repeats)]
        secs = [t for t, _ in runs]
        print(
            f"{label:<18} {np.mean(y_semi != -1):8.2f} {runs[-1][1].n_em_iter_:7d} "
            f"{statistics.median(secs):14.2f}  {' '.join(f'{t:.2f}' for t in secs)}",
            flush=True,
        )


class _NoFeatureRange:
    """multinomial_nb without the per-feature range it keeps for ``sample(clip=True)``."""

    def _record_feature_range(self, X, reset, weights=None):
        pass


def multinomial_parts(names, runs):
    """What multinomial_nb's extras cost: CPU medians, ratio to MultinomialNB.

    predict_proba calls are timed among themselves, fits among themselves, in an
    order that rotates every run (a call right after a fit finds a cold cache).
    """
    no_range = type("NoFeatureRange", (_NoFeatureRange, type(make("multinomial_nb"))), {})
    print(f"{'data':<12} {'call':<4} variant: median CPU ms (x MultinomialNB)")
    for label, _, (Xtr, Xte, ytr, _) in datasets(names, 0, False):
        fitted = {
            "default": make("multinomial_nb").fit(Xtr, ytr),
            "length_model=None": make("multinomial_nb", length_model=None).fit(Xtr, ytr),
            "sklearn": MultinomialNB().fit(Xtr, ytr),
        }
        groups = {
            "pp": {k: (lambda m=m, X=Xte: m.predict_proba(X)) for k, m in fitted.items()},
            "fit": {
                "default": lambda X=Xtr, y=ytr: make("multinomial_nb").fit(X, y),
                "no feature range": lambda X=Xtr, y=ytr: no_range().fit(X, y),
                "sklearn": lambda X=Xtr, y=ytr: MultinomialNB().fit(X, y),
            },
        }
        for what, calls in groups.items():
            names_ = list(calls)
            secs = {k: [] for k in names_}
            for run in range(runs):
                for k in names_[run % 3 :] + names_[: run % 3]:
                    secs[k].append(timed(calls[k])[0])
            sk = statistics.median(secs["sklearn"])
            cells = [
                f"{k} {1e3 * statistics.median(v):.3f} ({statistics.median(v) / sk:.2f}x)"
                for k, v in secs.items()
                if k != "sklearn"
            ]
            print(f"{label:<12} {what:<4} " + "; ".join(cells), flush=True)


HEADER = (
    f"{'data':<18} {'dtype':<7} {'model':<13} {'fit ours s':>10} {'fit sk s':>9} {'fit x':>6} "
    f"{'pp ours s':>9} {'pp sk s':>8} {'pp x':>6} {'acc ours':>8} {'acc sk':>7} "
    f"{'mem fit ours/sk':>15} {'mem pp ours/sk':>14}"
)


def format_row(label, dtype, name, r):
    return (
        f"{label:<18} {dtype:<7} {name:<13} {r['fit_ours']:10.4f} {r['fit_sk']:9.4f} "
        f"{r['fit_ours'] / r['fit_sk']:6.2f} {r['pred_ours']:9.4f} {r['pred_sk']:8.4f} "
        f"{r['pred_ours'] / r['pred_sk']:6.2f} {r['acc_ours']:8.2f} {r['acc_sk']:7.2f} "
        f"{r['mem_fit_ours']:7.2f}/{r['mem_fit_sk']:<7.2f} {r['mem_pred_ours']:6.2f}/{r['mem_pred_sk']:<7.2f}"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="digits,mnist5k,synthetic")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the synthetic table")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--float32", action="store_true", help="also naive Bayes on float32")
    parser.add_argument(
        "--logreg-accuracy", type=int, default=0, metavar="SEEDS", help="logreg accuracy only"
    )
    parser.add_argument(
        "--semi-supervised", type=int, default=0, metavar="RUNS", help="gmm semi-supervised only"
    )
    parser.add_argument(
        "--multinomial-parts",
        type=int,
        default=0,
        metavar="RUNS",
        help="multinomial_nb's length model and feature range: their cost",
    )
    args = parser.parse_args(argv)
    print("command: " + " ".join(["python", *sys.argv]))
    if args.semi_supervised:
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            semi_supervised(args.data.split(","), args.semi_supervised)
        return
    if args.multinomial_parts:
        with threadpool_limits(1):
            multinomial_parts(args.data.split(","), args.multinomial_parts)
        return
    if args.logreg_accuracy:
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            logreg_accuracy(args.logreg_accuracy)
        return
    print(HEADER)
    warnings.simplefilter("ignore", ConvergenceWarning)  # both sides alike
    with threadpool_limits(1):
        for label, dtype, split in datasets(args.data.split(","), args.rows, args.float32):
            for name in args.models.split(","):
                if dtype == "float32" and name not in NB:
                    continue
                if label == "bbc_counts" and name != "multinomial_nb":
                    continue  # word counts: the count model only
                if label.startswith("synth") and name == "multinomial_nb":
                    continue  # make_classification's features are negative: no counts
                row = compare(name, split, args.repeats)
                print(format_row(label, dtype, name, row), flush=True)


if __name__ == "__main__":
    main()
