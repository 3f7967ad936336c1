"""The 2-D playground's computations, as plain functions the routes and tests share.

One refit = fit one generative and one discriminative model on the user's
points, predict both on a grid over the picture, trace the decision
boundaries and the generative model's class-density contours (with
``contourpy``, matplotlib's contouring engine), score both on held-out
points, and write a caption. With ``hide_x2`` the second feature is hidden
at prediction time: the generative model integrates it out (NaN), the
discriminative model gets the training mean instead (``SimpleImputer``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split

from genvsdisc.app.cache import FitCache
from genvsdisc.app.caption import MIN_PER_CLASS_FOR_TEST, caption
from genvsdisc.app.contours import CONTOUR_MASSES, boundaries, density_contours
from genvsdisc.app.hiding import hiding_costs, with_hiding
from genvsdisc.app.menu import FAST_PARAMS, SKIPPED, playground_models
from genvsdisc.app.wording import page_refusal
from genvsdisc.data import load
from genvsdisc.exceptions import GenvsdiscError, ParameterError
from genvsdisc.experiments import evidence
from genvsdisc.experiments.common import make_model
from genvsdisc.experiments.regions import grid_axes, grid_points, paint_fitted, paint_proba

__all__ = [
    "CONTOUR_MASSES",
    "PlaygroundFit",
    "FitCache",
    "playground_models",
    "toy_points",
    "fit_pair",
    "fit_view",
    "generate_points",
    "ask_detective",
    "caption",
    "SKIPPED",
    "FAST_PARAMS",
]

#: Held-out share of the points, once every class has enough of them
#: (:data:`~genvsdisc.app.caption.MIN_PER_CLASS_FOR_TEST` per class).
TEST_SIZE = 0.3


def _field_error(field: str, message: str) -> ParameterError:
    err = ParameterError(message)
    err.field = field  # the app's error handler names this request field
    return err


def toy_points(name: str, n_samples: int, noise: float, n_classes=None, seed: int = 0) -> dict:
    """A toy data set as plain lists, with a picture domain around it.

    Returns
    -------
    dict
        ``X`` (n, 2) list, ``y`` (n,) list of class indices, ``classes``
        (names), ``domain`` [x_min, x_max, y_min, y_max].
    """
    params = {"n_samples": n_samples, "noise": noise, "random_state": seed}
    if n_classes is not None:
        params["n_classes"] = n_classes
    ds = load(name, **params)
    X = np.asarray(ds.X, dtype=float)
    return {
        "X": np.round(X, 4).tolist(),
        "y": np.asarray(ds.y, dtype=int).tolist(),
        "classes": list(ds.classes),
        "domain": default_domain(X),
        "description": ds.description,
    }


def default_domain(X: np.ndarray) -> list[float]:
    """[x_min, x_max, y_min, y_max] around the points, with the 10 % margin of the report's plots."""
    xs, ys = grid_axes(np.asarray(X, dtype=float), n=2)
    return [float(xs[0]), float(xs[-1]), float(ys[0]), float(ys[-1])]


def split_points(y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test row indices of the labeled points (``y >= 0``).

    A class holds out 30 % of its points (stratified, seeded) once it has
    :data:`MIN_PER_CLASS_FOR_TEST` of them; a class with fewer trains on them all,
    so a learner's first clicks of a new class never take the test away from the others.
    Unlabeled points (-1) are in neither.
    """
    y = np.asarray(y)
    labeled = np.flatnonzero(y >= 0)
    classes, counts = np.unique(y[labeled], return_counts=True)
    enough = np.isin(y[labeled], classes[counts >= MIN_PER_CLASS_FOR_TEST])
    pool = labeled[enough]
    if not len(pool):
        return labeled, labeled[:0]
    # the same stratified scikit-learn split genvsdisc.data.train_test_split makes, on indices
    # so the page can draw the held-out points hollow
    train, test = train_test_split(pool, test_size=TEST_SIZE, stratify=y[pool], random_state=seed)
    return np.sort(np.concatenate([train, labeled[~enough]])), np.sort(test)


def mean_imputer(X: np.ndarray, train: np.ndarray) -> SimpleImputer:
    """What the detective fills a hidden x2 with: the training mean."""
    return SimpleImputer(strategy="mean").fit(X[train])


@dataclass
class PlaygroundFit:
    """Both fitted models, their registry names and the split they were fitted on."""

    generative: object
    discriminative: object
    imputer: SimpleImputer
    X: np.ndarray
    y: np.ndarray
    train: np.ndarray
    test: np.ndarray
    fit_ms: dict
    names: dict


def _check_names(generative: str, discriminative: str) -> None:
    names = playground_models()
    for role, name in (("generative", generative), ("discriminative", discriminative)):
        valid = [m["name"] for m in names[role]]
        if name not in valid:
            raise _field_error(
                role, f"unknown {role} model '{name}'; choose one of: {', '.join(valid)}"
            )


def fit_or_explain(role: str, name: str, model, X: np.ndarray, y: np.ndarray):
    """``model.fit(X, y)``, or the one-line error naming the role's request field."""
    try:
        return model.fit(X, y)
    except (GenvsdiscError, ValueError, np.linalg.LinAlgError) as err:
        raise _field_error(
            role, f"model '{name}' could not be fitted on these points: {err}"
        ) from err


def check_request(y: np.ndarray, generative: str, discriminative: str) -> None:
    """Two labeled classes and two playground models, or the error naming the field."""
    if len(np.unique(y[y >= 0])) < 2:
        raise _field_error("y", "points of at least 2 classes are needed to fit a classifier")
    _check_names(generative, discriminative)


def _fit_one(role: str, name: str, X: np.ndarray, y: np.ndarray, seed: int):
    model = make_model(name, seed, **FAST_PARAMS.get(name, ({}, ""))[0])
    if role == "discriminative" or not model.semi_supervised:
        X, y = X[y >= 0], y[y >= 0]  # only the artist's EM reads unlabeled points
    start = time.perf_counter()
    fit_or_explain(role, name, model, X, y)
    return model, (time.perf_counter() - start) * 1000


def fit_pair(X, y, generative: str, discriminative: str, seed: int = 0) -> PlaygroundFit:
    """Fit one model of each family on the training part of the points.

    Parameters
    ----------
    X : array-like (n, 2)
    y : array-like (n,) of int class labels; -1 marks an unlabeled point, which
        only a semi-supervised artist uses (by EM)
    generative, discriminative : str
        Registry names, as listed by :func:`playground_models`.
    seed : int
        Seed of the train/test split and of the models.
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=int)
    check_request(y, generative, discriminative)
    train, test = split_points(y, seed)
    rows = np.union1d(train, np.flatnonzero(y < 0))
    gen, gen_ms = _fit_one("generative", generative, X[rows], y[rows], seed)
    disc, disc_ms = _fit_one("discriminative", discriminative, X[rows], y[rows], seed)
    return PlaygroundFit(
        gen,
        disc,
        mean_imputer(X, train),
        X,
        y,
        train,
        test,
        fit_ms={"generative": gen_ms, "discriminative": disc_ms},
        names={"generative": generative, "discriminative": discriminative},
    )


def _hide(X: np.ndarray) -> np.ndarray:
    X = X.copy()
    X[:, 1] = np.nan
    return X


def _proba(fit: PlaygroundFit, role: str, X: np.ndarray, hide_x2: bool) -> np.ndarray:
    """p(y|x) (n, K) with x2 integrated out (generative) or mean-imputed (discriminative)."""
    if role == "generative":
        return fit.generative.predict_proba(_hide(X) if hide_x2 else X)
    X_in = fit.imputer.transform(_hide(X)) if hide_x2 else X
    return fit.discriminative.predict_proba(X_in)


def _painted(fit: PlaygroundFit, role: str, xs, ys, hide_x2: bool) -> dict:
    """The report's painting of one model over the grid (:func:`paint_fitted`).

    With x2 hidden, the regions depend on x1 alone: p(y|x) comes from one grid
    row, repeated for every y, and is painted by the same rule (:func:`paint_proba`).
    """
    model = fit.generative if role == "generative" else fit.discriminative
    if not hide_x2 and role == "generative":
        # paint_fitted's rule, with p(y|x) from the artist's log p(x, y) on the grid:
        # one pass over the grid instead of two, the largest cost of a training frame
        joint = model.predict_joint_log_proba(grid_points(xs, ys))  # (H * G, K)
        proba = np.exp(joint - logsumexp(joint, axis=1, keepdims=True))
        return {**paint_proba(proba, model.classes_, (len(ys), len(xs))), "log_joint": joint}
    if not hide_x2:
        return paint_fitted(model, xs, ys)
    row = _proba(fit, role, np.column_stack([xs, np.zeros_like(xs)]), True)  # (G, K)
    return paint_proba(np.tile(row, (len(ys), 1)), model.classes_, (len(ys), len(xs)))


def _grid(domain, size: int):
    xs = np.linspace(domain[0], domain[1], size)
    ys = np.linspace(domain[2], domain[3], size)
    return xs, ys, grid_points(xs, ys)


def _scores(fit: PlaygroundFit, role: str, rows: np.ndarray, hide_x2: bool) -> dict:
    """Accuracy, log-loss and mean top-class probability on ``rows``; None when there are none."""
    if not len(rows):
        return {"accuracy": None, "loss": None, "confidence": None, "correct": []}
    model = fit.generative if role == "generative" else fit.discriminative
    proba = _proba(fit, role, fit.X[rows], hide_x2)  # (n, K)
    truth = np.searchsorted(model.classes_, fit.y[rows])  # every scored class was trained on
    correct = (np.argmax(proba, axis=1) == truth).astype(float)
    p_true = np.clip(proba[np.arange(len(rows)), truth], 1e-15, 1.0)
    return {
        "accuracy": float(np.mean(correct)),
        "loss": float(-np.mean(np.log(p_true))),  # log-loss, the detective's training objective
        "confidence": float(np.mean(proba.max(axis=1))),
        "correct": correct,
    }


def _panel(fit: PlaygroundFit, role: str, painted: dict, xs, ys, hide_x2: bool) -> dict:
    test = _scores(fit, role, fit.test, hide_x2)
    train = _scores(fit, role, fit.train, hide_x2)
    # with x2 hidden, the same held-out points with x2 shown: the before of before -> after
    shown = _scores(fit, role, fit.test, False) if hide_x2 else test
    return {
        "label": painted["label"].ravel().tolist(),
        # the top-class probability, as in the report; the page shades from 1/K (a coin toss)
        "confidence": np.round(painted["confidence"].ravel(), 3).tolist(),
        "n_classes": len(painted["classes"]),
        "boundaries": boundaries(xs, ys, painted["proba"]),
        "test_accuracy": test["accuracy"],
        "test_loss": test["loss"],
        "test_confidence": test["confidence"],  # mean probability of the predicted class
        "train_accuracy": train["accuracy"],
        "train_loss": train["loss"],
        "test_accuracy_x2_shown": shown["accuracy"],
        "test_correct": test["correct"],  # per held-out point; fit_view pairs them, then drops them
        "test_correct_x2_shown": shown["correct"],
        "fit_ms": round(fit.fit_ms[role], 1),
    }


def fit_view(
    fit: PlaygroundFit,
    generative: str,
    discriminative: str,
    *,
    hide_x2: bool = False,
    domain=None,
    grid_size: int = 60,
) -> dict:
    """Everything the playground draws for one fitted pair, as JSON-ready data.

    Returns
    -------
    dict
        ``domain``, ``grid_size``, ``test_index``, ``x2_fill`` (the training
        mean of x2), ``generative`` and ``discriminative`` panels (cell
        ``label`` and ``confidence`` lists of length grid_size**2, row-major
        from the bottom row; ``boundaries``; accuracies; fit time),
        ``contours`` of the generative class densities, and ``caption``.
    """
    domain = list(domain) if domain is not None else default_domain(fit.X)
    xs, ys, grid = _grid(domain, grid_size)
    # numpy's divide/overflow warnings become the one clear error below instead
    with np.errstate(all="ignore"):
        painted = {
            role: _painted(fit, role, xs, ys, hide_x2) for role in ("generative", "discriminative")
        }
        # the density contours are drawn over the whole plane, x2 hidden or not
        gen_joint = painted["generative"].get("log_joint")
        if gen_joint is None:
            gen_joint = fit.generative.predict_joint_log_proba(grid)  # (cells, K)
        for role, name in (("generative", generative), ("discriminative", discriminative)):
            if not np.isfinite(painted[role]["proba"]).all():
                raise _field_error(
                    role,
                    f"model '{name}' gives no usable probabilities for "
                    "these points (a class whose points all sit in one spot has "
                    "zero spread); add more varied points",
                )
        panels = {role: _panel(fit, role, painted[role], xs, ys, hide_x2) for role in painted}
    gen, disc = panels["generative"], panels["discriminative"]
    gen["name"], disc["name"] = generative, discriminative
    # the same held-out points for both: a paired interval on the accuracy gap
    hiding = hiding_costs(gen, disc) if hide_x2 else ""
    for panel in (gen, disc):
        panel.pop("test_correct_x2_shown")
    gap = evidence.paired_interval(gen.pop("test_correct"), disc.pop("test_correct"), unit="points")
    pair = evidence.pairs_for([generative, discriminative])[0]
    x2_fill = float(fit.imputer.statistics_[1])
    return {
        "domain": domain,
        "grid_size": grid_size,
        "hide_x2": hide_x2,
        "test_index": fit.test.astype(int).tolist(),
        "x2_fill": round(x2_fill, 4),
        "generative": gen,
        "discriminative": disc,
        "contours": density_contours(xs, ys, gen_joint, fit.generative),
        "caption": with_hiding(
            hiding,
            generative,
            discriminative,
            gen["test_accuracy"],
            disc["test_accuracy"],
            hide_x2=hide_x2,
            x2_fill=x2_fill,
            confidence=(gen["test_confidence"], disc["test_confidence"]),
            gap=gap,
            pair=pair,
        ),
        "pair": pair,
    }


def generate_points(fit: PlaygroundFit, n: int, seed: int = 0) -> dict:
    """Draw ``n`` new points from the fitted generative model: ``X`` (n, 2) and ``y`` (n,)."""
    X_new, y_new = fit.generative.sample(n, random_state=seed)
    return {"X": np.round(X_new, 4).tolist(), "y": np.asarray(y_new, dtype=int).tolist()}


def ask_detective(fit: PlaygroundFit) -> dict:
    """Ask the discriminative model to draw; return its refusal, naming only this page's artists."""
    artists = [m["name"] for m in playground_models()["generative"]]
    message = page_refusal(fit.names["discriminative"], artists)
    if message is None:
        raise _field_error("discriminative", "this model generated points; it is not a detective")
    return {"can_generate": False, "message": message}
