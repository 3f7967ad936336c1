"""The strongest artist against the detectives, each with the same image preprocessing.

For every split seed (seed 0 is the fixed split of ``compare``:
``genvsdisc.data.train_test_split`` with its defaults, 70/30) the training
images are deskewed (and moment-normalised with ``--preprocess
deskew,normalize,blur``, the setting chosen in RESULTS.md round 5), augmented
(``AUGMENT``: one-pixel shifts and +-10 degree rotations; ``--augment`` JSON
overrides it, e.g. elastic copies) and lightly
blurred; test images are deskewed and blurred only, and with ``--tta`` every
model also scores shifted versions of each (an artist by log mean_T
p(T x, y), a detective by mean_T p(y | T x)). With ``--two-sided G`` an artist that offers
``two_sided_joint_log_proba`` (``mppca_tan``) lets each test image also move along its
own tangents (tangent_scale G); the detectives are scored as without it. Every model -- artists and
detectives alike -- is fitted on the same rows and gets the same variants. Printed per model: accuracy on the fixed split (Wilson 95 %
interval), mean over the repeated splits (t 95 % interval), fit and predict
time (wall and CPU seconds, on this shared machine), pickled model size, and
for artists the share of 100 samples per class that a judge trained on the
real (preprocessed) training images assigns to the intended class, with the
memorisation check (nearest-training-row distance ratio; copying flag), their
diversity (within-class spread over real test images') and
its accuracy with half of each preprocessed test image's pixels hidden (NaN,
integrated out exactly; no test-time variants).

Command (BLAS pinned to one thread; about 15 CPU minutes with every model):
    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/strongest_artist.py --repeats 3
The chosen artist on the fixed split and 10 repeated splits (about 8 CPU minutes):
    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/strongest_artist.py --repeats 10 \
        --models mppca_tan --preprocess deskew,normalize,blur --two-sided 1.0
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import pickle
import time

import numpy as np
from scipy import stats
from scipy.special import logsumexp
from sklearn.decomposition import PCA
from sklearn.pipeline import make_pipeline
from sklearn.svm import SVC

from genvsdisc.app.lab_scores import diversity
from genvsdisc.data import load, train_test_split
from genvsdisc.generation.judge import fit_judge
from genvsdisc.generation.memorisation import memorisation_check
from genvsdisc.models import make
from genvsdisc.models.generative.mixture import ClassMixture
from genvsdisc.preprocessing import STEPS, Blur, augment_images, transform_variants

#: name -> (family, factory). mppca's settings (8 components, q = 30, floor 1.0) were
#: first picked on the fixed split's test images (a flaw); 3-fold cross-validation on its
#: training images alone (benchmarks/strongest_artist_cv.py, RESULTS.md) then found no
#: better choice among C = 8/12, q = 30/40, floor 0.6/1.0/1.5 and richer augmentation,
#: so they stay. pca40+gmm is the issue's trial as given. Detectives keep their defaults
#: except where the registry default would take hours here.
MODELS = {
    "mppca": ("generative", lambda: make("mppca", n_components=8, n_latent=30, min_noise=1.0)),
    # With the seven tangents of each component's mean as fixed loadings (Keysers et al.
    # 2004); tangent_scale 0.5 chosen by the same cross-validation among 0.25-4, and
    # --two-sided 1.0 (each test image's own tangents; 0.5/1/2) instead of --tta, with
    # --preprocess deskew,normalize,blur (RESULTS.md, rounds 3-5).
    "mppca_tan": (
        "generative",
        lambda: make(
            "mppca",
            n_components=8,
            n_latent=30,
            min_noise=1.0,
            tangents="all",
            tangent_scale=0.5,
        ),
    ),
    "gmm": ("generative", lambda: make("gmm")),
    # The scikit-learn trial: a density in PCA space, not pixel space.
    "pca40+gmm": (
        "generative",
        lambda: make_pipeline(
            PCA(40, random_state=0), ClassMixture(n_components=6, reg_covar=0.03)
        ),
    ),
    "logreg": ("discriminative", lambda: make("logreg", Cs=(0.1,), cv=2, max_iter=300)),
    "svc_rbf": ("discriminative", lambda: SVC(C=10, gamma="scale")),
    # 3 epochs over the 7x augmented rows: about the optimiser steps of its default 20
    # epochs over the real rows; its own random shift/rotation/zoom stays on.
    "cnn": ("discriminative", lambda: make("cnn", epochs=3, random_state=0)),
}


def _timed(fn, *args):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args)
    return out, time.perf_counter() - wall, time.process_time() - cpu


#: Training-time augmentation, chosen by 3-fold cross-validation on the fixed split's
#: training images (benchmarks/strongest_artist_cv.py; RESULTS.md): deskew first, then
#: the copies, then blur -- 98.09 % against 97.60 % for augmenting before deskewing.
AUGMENT = {"shift": 1, "angles": (-10.0, 10.0)}
#: Test-time variants (--tta): every model scores each test image and these versions.
TTA = {"shift": 1, "diagonal": True}


def _prepare(train, test, steps, augment, order="after"):
    """Training rows (preprocessed and augmented) and preprocessed test rows.

    ``order`` "after": deskew (and normalize), augment, blur (copies of upright digits,
    the order the cross-validation chose); "before": augment the raw images, then every step,
    as ``Augmented(Pipeline(Deskew, Blur, model))`` does.
    """
    X_tr, y_tr = train.X, train.y
    shape = train.image_shape
    prep = [step(image_shape=shape) for step in steps]
    # "after": the geometric steps (deskew, normalize) before the copies, blur after them.
    first = [p for p in prep if not isinstance(p, Blur)] if order == "after" else []
    rest = [p for p in prep if p not in first]
    for step in first:
        X_tr = step.fit_transform(X_tr)
    if augment:
        X_tr, y_tr = augment_images(X_tr, y_tr, image_shape=shape, **augment)
    for step in rest:
        X_tr = step.fit_transform(X_tr)
    X_te = test.X
    for step in prep:
        X_te = step.transform(X_te)
    return X_tr, y_tr, X_te


def _predict(model, X_te, tta, shape, two_sided=None):
    """Predicted labels with the test variants (``tta``; None: the rows alone), and
    those from the rows alone (the first variant, so no extra cost). ``two_sided``:
    an artist that offers it lets each test image move along its own tangents."""
    variants = transform_variants(X_te, image_shape=shape, **tta) if tta else [X_te]
    if two_sided and hasattr(model, "two_sided_joint_log_proba"):
        scores = [model.two_sided_joint_log_proba(V, two_sided) for V in variants]
        score = logsumexp(scores, axis=0)
    elif hasattr(model, "predict_joint_log_proba"):  # artist: log mean_T p(T x, y)
        scores = [model.predict_joint_log_proba(V) for V in variants]
        score = logsumexp(scores, axis=0)
    elif hasattr(model, "predict_proba"):  # detective: mean_T p(y | T x)
        scores = [model.predict_proba(V) for V in variants]
        score = np.mean(scores, axis=0)
    else:  # SVC without probabilities: the mean one-vs-rest decision value
        scores = [model.decision_function(V) for V in variants]
        score = np.mean(scores, axis=0)
    return model.classes_[score.argmax(axis=1)], model.classes_[scores[0].argmax(axis=1)]


def _artist_checks(model, train_pre, X_te, y_te, n_per_class, seed):
    """Judge agreement, memorisation and diversity of n_per_class samples of each class.

    Diversity: the samples' mean pairwise distance within a class over the real test
    images' (the playground's image lab measure; 1 = as varied as real digits)."""
    classes = np.unique(train_pre.y)
    X_new, y_new = model.sample(y=np.repeat(classes, n_per_class), random_state=seed, clip=True)
    test_pre = dataclasses.replace(train_pre, X=X_te, y=y_te)
    judge = fit_judge(train_pre, test_pre, seed=seed)
    memo = memorisation_check(X_new, train_pre.X, X_te)
    spread = diversity(X_new, np.searchsorted(classes, y_new), X_te, np.searchsorted(classes, y_te))
    agree = judge.agreement(X_new, y_new)
    return agree, judge.accuracy, memo["ratio"], memo["copying"], spread["ratio"]


def robustness(dataset, names=("gmm", "mppca"), steps=(), seed=0, labels_per_class=10):
    """Fixed split: accuracy with every pixel, with half of each test image's pixels
    hidden (NaN, integrated out), and trained on ``labels_per_class`` labels per class
    plus the other training rows unlabeled (semi-supervised EM). No augmentation, no
    test-time step. Without ``steps``: registry defaults on raw pixels; with them (e.g.
    Deskew, MomentNormalize, Blur), every image goes through them first and each name
    is built as ``MODELS`` builds it (registry defaults for names not there)."""
    train, test = train_test_split(load(dataset), random_state=seed)
    X_tr, _, X_te = _prepare(train, test, steps, None)
    rng = np.random.RandomState(seed)
    X_half = np.where(rng.rand(*X_te.shape) < 0.5, np.nan, X_te)
    y_few = np.full(len(train.y), -1)
    for k in np.unique(train.y):
        y_few[rng.permutation(np.flatnonzero(train.y == k))[:labels_per_class]] = k
    label = "+".join(s.__name__ for s in steps) if steps else "raw pixels"
    print(
        f"\n{dataset}, {label}, seed {seed}: all pixels | half hidden | "
        f"{labels_per_class} labels/class + EM"
    )
    for name in names:
        factory = MODELS[name][1] if steps and name in MODELS else (lambda n=name: make(n))
        model = factory().fit(X_tr, train.y)
        full = np.mean(model.predict(X_te) == test.y)
        half = np.mean(model.predict(X_half) == test.y)
        few = np.mean(factory().fit(X_tr, y_few).predict(X_te) == test.y)
        print(f"{name} | {100 * full:.2f} | {100 * half:.2f} | {100 * few:.2f}", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="mnist5k")
    parser.add_argument("--repeats", type=int, default=3, help="split seeds 0..repeats-1")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--preprocess", default="deskew,blur", help="'' for raw pixels")
    parser.add_argument("--no-augment", dest="augment", action="store_false")
    parser.add_argument("--augment", dest="aug", default="{}", help="JSON overrides of AUGMENT")
    parser.add_argument("--order", choices=("after", "before"), default="after")
    parser.add_argument("--tta", action="store_true", help="every model scores TTA variants too")
    parser.add_argument(
        "--two-sided",
        type=float,
        default=None,
        help="artists with two_sided_joint_log_proba use it with this tangent_scale",
    )
    parser.add_argument(
        "--robustness", action="store_true", help="only the missing-pixels / few-labels table"
    )
    parser.add_argument(
        "--robustness-preprocess",
        default="",
        help="image steps for --robustness (default: raw pixels and registry defaults)",
    )
    args = parser.parse_args(argv)
    if args.robustness:
        steps = [STEPS[s] for s in args.robustness_preprocess.split(",") if s]
        names = [m for m in args.models.split(",") if m] if steps else ("gmm", "mppca")
        return robustness(args.dataset, names, steps)
    names = [m for m in args.models.split(",") if m]
    steps = [STEPS[s] for s in args.preprocess.split(",") if s]
    augment = {**AUGMENT, **json.loads(args.aug)} if args.augment else None
    tta = TTA if args.tta else None
    prep_label = "+".join(
        [p for p in args.preprocess.split(",") if p]
        + ([f"augment({args.order}: {json.dumps(augment)})"] if augment else [])
        + ([f"tta({json.dumps(tta)})"] if tta else [])
        + (
            [f"two-sided tangents {args.two_sided} (artists that offer it)"]
            if args.two_sided
            else []
        )
    )
    data = load(args.dataset)
    rows = {n: {"acc": []} for n in names}
    for seed in range(args.repeats):
        train, test = train_test_split(data, random_state=seed)
        X_tr, y_tr, X_te = _prepare(train, test, steps, augment, args.order)
        for name in names:
            family, factory = MODELS[name]
            model, fit_s, fit_cpu = _timed(factory().fit, X_tr, y_tr)
            (pred, plain), pred_s, pred_cpu = _timed(
                _predict, model, X_te, tta, train.image_shape, args.two_sided
            )
            row = rows[name]
            row["acc"].append(float(np.mean(pred == test.y)))
            row.setdefault("plain", []).append(float(np.mean(plain == test.y)))
            print(f"seed {seed} {name}: {row['acc'][-1]:.4f} fit {fit_s:.0f}s", flush=True)
            if seed == 0:
                row.update(family=family, fit=(fit_s, fit_cpu), predict=(pred_s, pred_cpu))
                row["size"] = len(pickle.dumps(model)) / 2**20
                if family == "generative" and hasattr(model, "sample"):
                    X_real = _prepare(train, test, steps, None)[0]
                    train_pre = dataclasses.replace(train, X=X_real)
                    row["judge"] = _artist_checks(model, train_pre, X_te, test.y, 100, seed)
                if hasattr(model, "predict_joint_log_proba"):  # half the pixels integrated out
                    hidden = np.random.RandomState(seed).rand(*X_te.shape) < 0.5
                    row["half"] = float(
                        np.mean(model.predict(np.where(hidden, np.nan, X_te)) == test.y)
                    )
        n_test = len(test.y)
    _print_table(rows, prep_label or "none", n_test, args)


def _print_table(rows, prep_label, n_test, args):
    print(
        f"\ncommand: OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', '?')} "
        f"python benchmarks/strongest_artist.py --dataset {args.dataset} --repeats {args.repeats}"
        f" --models {args.models} --preprocess '{args.preprocess}' --order {args.order}"
        + (f" --augment '{args.aug}'" if args.aug != "{}" else "")
        + ("" if args.augment else " --no-augment")
        + (" --tta" if args.tta else "")
        + (f" --two-sided {args.two_sided}" if args.two_sided else "")
    )
    print(f"preprocessing (every model): {prep_label}; test rows per split: {n_test}")
    head = (
        "model",
        "family",
        "fixed split [95% CI]",
        f"mean of {args.repeats} splits",
        "without tta: fixed | mean",
        "fit s (cpu)",
        "predict s (cpu)",
        "MiB",
        "judge agrees",
        "judge acc",
        "nn ratio",
        "copying",
        "diversity",
        "half hidden",
    )
    print(" | ".join(head))
    for name, r in rows.items():
        acc0 = r["acc"][0]
        lo, hi = stats.binomtest(round(acc0 * n_test), n_test).proportion_ci(method="wilson")
        accs = np.array(r["acc"])
        half = (
            stats.t.ppf(0.975, len(accs) - 1) * accs.std(ddof=1) / np.sqrt(len(accs))
            if len(accs) > 1
            else float("nan")
        )
        judge = r.get("judge")
        cells = [
            name,
            r["family"],
            f"{100 * acc0:.2f} [{100 * lo:.2f}, {100 * hi:.2f}]",
            f"{100 * accs.mean():.2f} ± {100 * half:.2f}",
            f"{100 * r['plain'][0]:.2f} | {100 * np.mean(r['plain']):.2f}",
            f"{r['fit'][0]:.1f} ({r['fit'][1]:.1f})",
            f"{r['predict'][0]:.2f} ({r['predict'][1]:.2f})",
            f"{r['size']:.1f}",
        ]
        cells += (
            [f"{100 * judge[0]:.1f} %", f"{100 * judge[1]:.1f} %", f"{judge[2]:.2f}", str(judge[3])]
            + [f"{judge[4]:.2f}"]
            if judge
            else ["-"] * 5
        )
        cells.append(f"{100 * r['half']:.2f}" if "half" in r else "-")
        print(" | ".join(cells))


if __name__ == "__main__":
    main()
