"""Settings for the strongest artist chosen by cross-validation on the training side only.

The fixed split's 3,500 training images (mnist5k, ``train_test_split`` seed 0)
are cut into ``--folds`` stratified folds (seed 0); the 1,500 test images are
never read. For each configuration (a JSON object per ``--configs`` entry,
keys below) every fold's training images are deskewed, augmented and blurred,
the validation images deskewed and blurred, and the artist (or a detective)
is fitted once; test-time variants (``tta``) are scored from that one fit.
Printed: mean validation accuracy over the folds, its standard error, and the
CPU seconds of one fit and of one fold's predictions.

Configuration keys (defaults in ``BASE``): model ("mppca" or a registry name),
C, q, floor, tangents, gamma, noise, starts (mppca's n_components, n_latent,
min_noise, tangents, tangent_scale, noise, n_starts), order ("before":
augment raw images then deskew, as ``Augmented(Pipeline(Deskew, Blur, m))``;
"after": deskew, augment, blur), normalize (``MomentNormalize`` right after
deskewing), shift (px), diag (also the 4 diagonal shifts),
angles, scales, elastic (copies), alpha and esigma (their strength and
smoothness), sigma (blur), tta (test-time transforms: {"shift", "angles",
"scales"}, or "ttas": a list of them scored from the same fits); the class score is log-sum-exp over them of log p(T x, y) for an
artist, the mean of p(y | T x) for a detective). A tta key "two_sided": gamma
also lets each (variant of a) test image move along its own tangents
(``PPCAMixture.two_sided_joint_log_proba``; mppca, isotropic noise), and
"two_sided_tangents" names which of them (default "all"), "two_sided_moves" how often
each image is moved by its estimated transformation and rescored (iterated tangent
distance; default 0), "two_sided_cost" whether the move's log prior is added and
"two_sided_smoothing" the blur (pixels) of the copy its tangents are taken from. Each row also prints
the per-fold accuracies, so that rows can be compared fold by fold (paired).

Command (BLAS pinned to one thread):
    OMP_NUM_THREADS=1 PYTHONPATH=src python benchmarks/strongest_artist_cv.py \
        --configs '[{}, {"order": "after"}]'
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
from scipy.special import logsumexp
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline

from genvsdisc.data import load, train_test_split
from genvsdisc.models import make
from genvsdisc.preprocessing import (
    Blur,
    Deskew,
    MomentNormalize,
    augment_images,
    transform_variants,
)

BASE = {
    "model": "mppca",
    "C": 8,
    "q": 30,
    "floor": 1.0,
    "order": "before",
    "normalize": False,
    "shift": 1,
    "diag": False,
    "angles": [-10.0, 10.0],
    "scales": [],
    "sigma": 0.7,
    "elastic": 0,
    "alpha": 8.0,
    "esigma": 3.0,
    "tta": None,
    "tangents": None,
    "gamma": 1.0,
    "noise": "isotropic",
    "starts": 1,
}


def _model(cfg, seed):
    if cfg["model"] == "mppca":
        return make(
            "mppca",
            n_components=cfg["C"],
            n_latent=cfg["q"],
            min_noise=cfg["floor"],
            random_state=seed,
            tangents=cfg["tangents"],
            tangent_scale=cfg["gamma"],
            noise=cfg["noise"],
            n_starts=cfg["starts"],
        )
    return make(cfg["model"], **cfg.get("params", {}))


def _rows(cfg, X_tr, y_tr, X_va):
    aug = {
        "shift": cfg["shift"],
        "diagonal": cfg["diag"],
        "angles": cfg["angles"],
        "scales": cfg["scales"],
        "elastic": cfg["elastic"],
        "elastic_alpha": cfg["alpha"],
        "elastic_sigma": cfg["esigma"],
    }
    geometric = make_pipeline(Deskew(), *([MomentNormalize()] if cfg["normalize"] else []))
    blur = Blur(sigma=cfg["sigma"])
    if cfg["order"] == "before":
        X_tr, y_tr = augment_images(X_tr, y_tr, **aug)
        X_tr = geometric.fit_transform(X_tr)
    else:
        X_tr, y_tr = augment_images(geometric.fit_transform(X_tr), y_tr, **aug)
    return blur.fit_transform(X_tr), y_tr, blur.transform(geometric.transform(X_va))


def _scores(model, X_va, tta):
    """(n, K) class scores: log p(x, y) (artist) or p(y|x) (detective), over the variants."""
    tta = dict(tta or {})
    two_sided = tta.pop("two_sided", None)
    names = tta.pop("two_sided_tangents", "all")
    moves = tta.pop("two_sided_moves", 0)
    cost = tta.pop("two_sided_cost", False)
    smooth = tta.pop("two_sided_smoothing", 0.0)
    variants = transform_variants(X_va, **tta) if tta else [X_va]
    if two_sided:
        jll = np.stack(
            [
                model.two_sided_joint_log_proba(V, two_sided, names, moves, cost, smooth)
                for V in variants
            ]
        )
        return logsumexp(jll, axis=0)
    if hasattr(model, "predict_joint_log_proba"):
        jll = np.stack([model.predict_joint_log_proba(V) for V in variants])
        return logsumexp(jll, axis=0)
    return np.mean([model.predict_proba(V) for V in variants], axis=0)


def run(cfg, X, y, folds, seed=0):
    """Per test-time option (``cfg["ttas"]``, one fit serves them all): accuracies
    (folds, options), their standard error over the folds, and mean CPU s of one fit and one prediction."""
    ttas = cfg.get("ttas") or [cfg["tta"]]
    accs, fit_cpu, pred_cpu = [], [], []
    split = StratifiedKFold(folds, shuffle=True, random_state=seed).split(X, y)
    for tr, va in split:
        X_tr, y_tr, X_va = _rows(cfg, X[tr], y[tr], X[va])
        t = time.process_time()
        model = _model(cfg, seed).fit(X_tr, y_tr)
        fit_cpu.append(time.process_time() - t)
        row = []
        for tta in ttas:
            t = time.process_time()
            pred = model.classes_[_scores(model, X_va, tta).argmax(axis=1)]
            pred_cpu.append(time.process_time() - t)
            row.append(np.mean(pred == y[va]))
        accs.append(row)
    accs = np.array(accs)  # (folds, ttas)
    se = accs.std(axis=0, ddof=1) / np.sqrt(len(accs))
    return ttas, accs, se, np.mean(fit_cpu), np.mean(pred_cpu)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", default="mnist5k")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--configs", default="[{}]", help="JSON list of overrides of BASE")
    parser.add_argument("--seed", type=int, default=0, help="seed of the folds and the fits")
    args = parser.parse_args(argv)
    train, _ = train_test_split(load(args.dataset), random_state=0)  # test side unread
    print(
        f"{args.dataset}: {len(train.y)} training images, {args.folds}-fold CV (seed {args.seed})"
    )
    print("config | cv acc % | s.e. | fit cpu s | predict cpu s | per fold")
    for over in json.loads(args.configs):
        cfg = {**BASE, **over}
        ttas, accs, se, fit_s, pred_s = run(cfg, train.X, train.y, args.folds, args.seed)
        for tta, a, e in zip(ttas, accs.T, se, strict=True):
            label = json.dumps({**{k: v for k, v in over.items() if k != "ttas"}, "tta": tta})
            folds = " ".join(f"{100 * f:.2f}" for f in a)
            row = f"{100 * a.mean():.2f} | {100 * e:.2f} | {fit_s:.1f} | {pred_s:.1f} | {folds}"
            print(f"{label} | {row}")
        print(end="", flush=True)


if __name__ == "__main__":
    main()
