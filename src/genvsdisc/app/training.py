"""Watch a pair learn: training states the playground advances step by step.

A :class:`Training` holds one detective and one artist part-way through
their training on the user's points. :meth:`Training.step` moves both on by
``k`` steps of their own solver, and the server paints the result with the
same :func:`~genvsdisc.app.playground.fit_view` as a full fit:

- ``logreg``: one L-BFGS iteration per step (scikit-learn's ``warm_start``
  through :class:`~genvsdisc.models.discriminative.linear.LogReg`'s own
  ``warm_start``); done when L-BFGS finds nothing left to improve.
- ``mlp``: one epoch of Adam per step (``MLPClassifier.partial_fit`` on the
  wrapper's standardised rows, so the optimiser keeps its momentum); done after
  the playground's 200 epochs or when the loss stops falling, as scikit-learn's own rule.
- ``gmm`` on labeled points: EM iterations of each class mixture from the same
  seeded k-means start (refitted with ``max_iter`` = the step count: EM after t
  iterations, exactly; a few ms at 500 points).
- an artist with unlabeled points: semi-supervised EM iterations
  (``em_max_iter`` = the step count, from the labeled-only fit at step 0).
- everything else is fitted in one step, and :data:`ONE_STEP` says why.

Reset is a new :class:`Training` from the same request: every start is
seeded, so it begins from the same state. :class:`TrainingStore` keeps the
states per session id, bounded in number and expiring when idle.
"""

from __future__ import annotations

import secrets
import threading
import time
import warnings
from collections import OrderedDict
from contextlib import contextmanager

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from genvsdisc.app import playground as pg
from genvsdisc.experiments.common import make_model
from genvsdisc.models import get_spec

__all__ = ["ONE_STEP", "Training", "TrainingStore", "how_it_learns"]

#: Epochs the playground's MLP trains for at most (its one-shot fit's ``max_iter``).
MLP_EPOCHS = 200
#: scikit-learn's MLP rule: stop after this many epochs without a loss gain of ``MLP_TOL``.
MLP_PATIENCE, MLP_TOL = 10, 1e-4
#: EM iterations shown at most: ClassMixture's ``max_iter`` default (EM of each class
#: mixture), and every artist's ``em_max_iter`` default (semi-supervised EM, which is
#: refitted from its start at every step, so a step costs more the later it comes).
MAX_EM_STEPS, MAX_SEMI_EM_STEPS = 100, 30

#: Why a model is done in one step: that is itself a lesson.
ONE_STEP = {
    "gaussian_nb": "Naive Bayes is done in one step: its class means, variances and shares "
    "are averages of the points, computed in one pass (closed form); there is nothing to iterate.",
    "lda": "LDA is done in one step: class means and one shared covariance are averages "
    "of the points (closed form); there is nothing to iterate.",
    "qda": "QDA is done in one step: each class's mean and covariance are averages "
    "of its points (closed form); there is nothing to iterate.",
    "kde": "A kernel density is done in one step: it keeps every point and puts a bump on each; "
    "only its bandwidth is chosen (by cross-validation).",
    "knn": "k-nearest neighbours is done in one step: it only stores the points and "
    "votes among the nearest 5 when asked; there is nothing to train.",
    "linear_svm": "The linear SVM's solver runs to the end in one step here "
    "(scikit-learn's liblinear gives no steps to watch).",
    "hgb": "Boosted trees are fitted in one step here (scikit-learn grows all trees at once).",
}


def how_it_learns(role: str, name: str, has_unlabeled: bool) -> str:
    """``"gradient"``, ``"epochs"``, ``"em"``, ``"semi_em"`` or ``"one_step"``."""
    if role == "discriminative":
        return {"logreg": "gradient", "mlp": "epochs"}.get(name, "one_step")
    if has_unlabeled and get_spec(name).semi_supervised:
        return "semi_em"
    return "em" if name == "gmm" else "one_step"


class _Learner:
    """One model and its step count; ``step`` advances it by one step of its solver."""

    def __init__(self, role, name, X, y, seed):
        self.role, self.name, self.X, self.y, self.seed = role, name, X, y, seed
        labeled = y >= 0
        self.kind = how_it_learns(role, name, bool((~labeled).any()))
        if self.kind != "semi_em":  # only semi-supervised EM reads unlabeled rows
            self.X, self.y = X[labeled], y[labeled]
        self.done = False
        self.fit_ms = 0.0
        # steps taken: semi-supervised EM starts from its labeled-only fit (0 steps),
        # the others from their first step
        self.iteration = 0 if self.kind == "semi_em" else 1
        self.model = self._start()

    def _params(self, **extra):
        return {**pg.FAST_PARAMS.get(self.name, ({}, ""))[0], **extra}

    def _fit(self, **params):
        model = make_model(self.name, self.seed, **self._params(**params))
        return pg.fit_or_explain(self.role, self.name, model, self.X, self.y)

    def _start(self):
        """The seeded state at step 0 (one-step models: their finished fit)."""
        if self.kind == "gradient":
            return self._fit(max_iter=1, warm_start=True)
        if self.kind == "epochs":
            model = self._fit(max_iter=1)
            self._rows = self.X if model.scaler_ is None else model.scaler_.transform(self.X)
            return model
        if self.kind == "em":
            return self._fit(max_iter=1)
        if self.kind == "semi_em":
            return self._fit(em_max_iter=0)  # the labeled-only fit EM starts from
        self.done = True
        return self._fit()

    def step(self) -> None:
        if self.done:
            return
        t = self.iteration + 1
        if self.kind == "gradient":
            pg.fit_or_explain(self.role, self.name, self.model, self.X, self.y)
            # L-BFGS warm-started at its optimum takes no iteration: not a step
            if int(np.max(self.model.estimator_.n_iter_)) == 0:
                self.done = True
                return
        elif self.kind == "epochs":
            est = self.model.estimator_
            est.partial_fit(self._rows, self.y)
            curve = est.loss_curve_
            stalled = len(curve) > MLP_PATIENCE and (
                min(curve[:-MLP_PATIENCE]) - min(curve[-MLP_PATIENCE:]) < MLP_TOL
            )
            self.done = t >= MLP_EPOCHS or stalled
        elif self.kind == "em":
            self.model = self._fit(max_iter=t)
            # every class mixture stopped short of t iterations: EM has converged
            self.done = bool(np.all(self.model.n_iter_ < t)) or t >= MAX_EM_STEPS
            t = min(t, int(np.max(self.model.n_iter_)))  # the iterations EM really ran
        else:  # semi_em
            self.model = self._fit(em_max_iter=t)
            self.done = self.model.n_em_iter_ < t or t >= MAX_SEMI_EM_STEPS
            t = min(t, int(self.model.n_em_iter_))
        self.iteration = t

    def describe(self) -> dict:
        why = ONE_STEP.get(self.name, f"{self.name} is fitted in one step here.")
        return {
            "name": self.name,
            "kind": self.kind,
            "iteration": self.iteration,
            "done": bool(self.done),
            "why": why if self.kind == "one_step" else None,
        }


@contextmanager
def _quiet():
    """Silence the solvers' "not converged" warnings: one step is deliberately unfinished."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


class Training:
    """A detective and an artist part-way through training on the same points.

    Parameters
    ----------
    X : array-like (n, 2)
    y : array-like (n,) of int; -1 marks an unlabeled point (the artist's EM uses it)
    generative, discriminative : str
    seed : int
        Seeds the split and both models' starts: the same request, the same state 0.
    """

    def __init__(self, X, y, generative: str, discriminative: str, seed: int = 0):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=int)
        pg.check_request(y, generative, discriminative)
        self.X, self.y = X, y
        self.train, self.test = pg.split_points(y, seed)
        rows = np.union1d(self.train, np.flatnonzero(y < 0))
        with _quiet():
            self.learners = {
                role: _Learner(role, name, X[rows], y[rows], seed)
                for role, name in (("generative", generative), ("discriminative", discriminative))
            }
        self.lock = threading.Lock()
        self.used = time.monotonic()

    @property
    def iteration(self) -> int:
        return max(learner.iteration for learner in self.learners.values())

    @property
    def done(self) -> bool:
        return all(learner.done for learner in self.learners.values())

    def step(self, k: int) -> None:
        """Advance both models ``k`` steps (a finished one stays as it is)."""
        with _quiet():
            for learner in self.learners.values():
                for _ in range(k):
                    start = time.perf_counter()
                    learner.step()
                    learner.fit_ms = (time.perf_counter() - start) * 1000
        self.used = time.monotonic()

    def fitted(self) -> pg.PlaygroundFit:
        """The current state as a :class:`~genvsdisc.app.playground.PlaygroundFit` to paint."""
        gen, disc = self.learners["generative"], self.learners["discriminative"]
        return pg.PlaygroundFit(
            gen.model,
            disc.model,
            pg.mean_imputer(self.X, self.train),
            self.X,
            self.y,
            self.train,
            self.test,
            fit_ms={"generative": gen.fit_ms, "discriminative": disc.fit_ms},
            names={"generative": gen.name, "discriminative": disc.name},
        )

    def frame(self, *, hide_x2=False, domain=None, grid_size=60) -> dict:
        """:func:`~genvsdisc.app.playground.fit_view` of the current state, plus the step count."""
        gen, disc = self.learners["generative"], self.learners["discriminative"]
        view = pg.fit_view(
            self.fitted(),
            gen.name,
            disc.name,
            hide_x2=hide_x2,
            domain=domain,
            grid_size=grid_size,
        )
        view["training"] = {
            "iteration": self.iteration,
            "done": bool(self.done),
            "generative": gen.describe(),
            "discriminative": disc.describe(),
        }
        return view


class TrainingStore:
    """Training states by session id: at most ``size``, each dropped after ``ttl`` idle seconds.

    Memory is bounded by ``size`` times one request's points (capped by the
    schemas) and two small models.
    """

    def __init__(self, size: int = 32, ttl: float = 600.0):
        self._size, self._ttl = size, ttl
        self._items: OrderedDict[str, Training] = OrderedDict()
        self._lock = threading.Lock()

    def _expire(self) -> None:
        now = time.monotonic()
        for key in [k for k, t in self._items.items() if now - t.used > self._ttl]:
            del self._items[key]

    def add(self, training: Training) -> str:
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._expire()
            self._items[key] = training
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return key

    def get(self, key: str) -> Training | None:
        with self._lock:
            self._expire()
            training = self._items.get(key)
            if training is not None:
                self._items.move_to_end(key)
            return training

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
