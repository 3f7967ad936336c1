"""Guided lessons of the playground: set up, ask the learner to predict, show, explain.

Each step names its data (a seeded toy data set), its two models, a question
with choices, the answer, and a short explanation. The answer is a claim about
what the models do on that data, written as data (:attr:`Step.claim`) so that
:func:`check_claim` can test it against real fits (tests/app/test_lessons.py
checks every step). The page fits exactly what the step names (fit seed 0).
"""

from __future__ import annotations

import functools
from dataclasses import asdict

import numpy as np

from genvsdisc.app import lessons_more as more
from genvsdisc.app import playground as pg
from genvsdisc.app.lesson_steps import WHO, Lesson, Step
from genvsdisc.exceptions import CannotGenerateError, UnknownNameError
from genvsdisc.experiments import evidence
from genvsdisc.experiments.common import make_model

__all__ = [
    "LESSONS",
    "Step",
    "Lesson",
    "check_claim",
    "lessons_json",
    "lesson_figures",
    "lesson_page_points",
]

#: Share of the artist's drawings a k-NN judge fitted on the real points must read as
#: the class the artist meant, for "the artist draws its classes" to hold.
DRAWN_RECOGNISED = 0.8


_MOONS = {"dataset": "moons", "n": 300, "noise": 0.25, "seed": 1, "hide": False}
_CIRCLES = {"dataset": "circles", "n": 300, "noise": 0.1, "seed": 0, "hide": False}

_LESSONS_1_4_6 = (
    Lesson(
        "detective-artist",
        "1 · The detective and the artist",
        (
            Step(
                "Who can draw?",
                {**_MOONS, "gen": "gmm", "disc": "knn"},
                "Both models learned to label these moons. Which of them can also draw new points "
                "that look like the moons?",
                (("detective", "The detective"), ("artist", "The artist"), ("both", "Both")),
                "artist",
                "The artist learned p(x|y), where the points of each class lie, so it can draw "
                "from it: its crosses fall on the moons, and a judge reads them as the class it "
                "meant. The detective learned only p(y|x), where one class ends and the next "
                "begins; asked to draw, it refuses, because nothing in it says what a point looks like.",
                {"draws": True},
                action="generate",
            ),
            Step(
                "Does drawing make it a better classifier?",
                {**_MOONS, "gen": "gmm", "disc": "knn"},
                "Both are flexible (curved boundaries). On the held-out points, who labels better?",
                WHO,
                "tie",
                "Here they are too close to call: the interval on the difference includes zero. "
                "Knowing how to draw the classes is more than a classifier needs, and it does "
                "not by itself make the artist the better one.",
                {"ahead": "tie"},
            ),
        ),
    ),
    Lesson(
        "missing-feature",
        "4 · A missing feature",
        (
            Step(
                "Who loses more when x₂ goes missing?",
                {
                    "dataset": "moons",
                    "n": 300,
                    "noise": 0.2,
                    "seed": 0,
                    "hide": False,
                    "gen": "gmm",
                    "disc": "knn",
                },
                "Both learned from (x₁, x₂). Now x₂ goes missing at prediction time: the artist "
                "averages over every x₂ it could be, the detective is handed the mean. Who loses "
                "more accuracy on the held-out points?",
                (
                    ("detective", "The detective"),
                    ("artist", "The artist"),
                    ("tie", "Too close to call"),
                ),
                "tie",
                "Both lose a lot (before → after is beside each picture), and the difference "
                "between their losses is too close to call here. Integrating x₂ out is the "
                "principled answer, but it cannot bring back what x₂ told both of them.",
                {"loses_more": "tie"},
                action="hide",
            ),
            Step(
                "A loss needs something to lose",
                {**_CIRCLES, "gen": "gaussian_nb", "disc": "logreg"},
                "Rings again: naive Bayes (which can draw curved boundaries) against logistic "
                "regression (straight ones). Hide x₂: who loses more?",
                (
                    ("detective", "The detective"),
                    ("artist", "The artist"),
                    ("tie", "Too close to call"),
                ),
                "artist",
                "The artist loses more, but only because it had more to lose: the straight "
                "detective was near chance before x₂ went missing. Read a before → after "
                "together with the before.",
                {"loses_more": "artist"},
                action="hide",
            ),
        ),
    ),
    Lesson(
        "flexibility",
        "6 · Flexibility is not family",
        (
            Step(
                "A straight artist against a curved detective",
                {**_CIRCLES, "gen": "lda", "disc": "mlp"},
                "One class is a ring around the other. The artist (LDA) can only draw straight "
                "boundaries, the detective (an MLP) curved ones. Who labels better?",
                WHO,
                "detective",
                "The detective wins by a wide margin, but not because it is a detective: LDA's "
                "shared covariance forces a straight line, and no straight line separates a ring "
                "from its centre.",
                {"ahead": "detective"},
            ),
            Step(
                "The reverse",
                {**_CIRCLES, "gen": "gmm", "disc": "logreg"},
                "Now a flexible artist (a Gaussian mixture per class) against a straight "
                "detective (logistic regression). Who labels better?",
                WHO,
                "artist",
                "The winner flipped with the flexibility, not with the family: the straight "
                "model loses either way.",
                {"ahead": "artist"},
            ),
            Step(
                "Like with like",
                {**_CIRCLES, "gen": "gmm", "disc": "knn"},
                "Both flexible now: a mixture per class against k-nearest neighbours. Who labels better?",
                WHO,
                "tie",
                "Too close to call. To compare the families, compare models that can draw the "
                "same form of boundary (a matched pair); the caption says when a pair is not matched.",
                {"ahead": "tie"},
            ),
        ),
    ),
)


LESSONS = (
    _LESSONS_1_4_6[0],
    more.LESSON_2,
    more.LESSON_3,
    _LESSONS_1_4_6[1],
    more.LESSON_5,
    _LESSONS_1_4_6[2],
)


def _fitted(setup: dict) -> pg.PlaygroundFit:
    data = pg.toy_points(setup["dataset"], setup["n"], setup["noise"], seed=setup["seed"])
    return pg.fit_pair(data["X"], data["y"], setup["gen"], setup["disc"], seed=0)


def check_claim(step: Step) -> tuple[bool, str]:
    """Fit the step's models on its data as the page does; does its claim hold? (and the figures)"""
    computed = more.check(step)
    if computed is not None:
        return computed
    fit = _fitted(step.setup)
    if "loses_more" in step.claim:
        return _check_hiding(fit, step.claim["loses_more"])
    if step.claim.get("draws"):
        X_new, y_new = fit.generative.sample(200, random_state=0)
        judge = make_model("knn", 0).fit(fit.X[fit.train], fit.y[fit.train])
        read = float(np.mean(judge.predict(X_new) == y_new))
        try:
            fit.discriminative.sample(1)
            refused = False
        except CannotGenerateError:
            refused = True
        return read >= DRAWN_RECOGNISED and refused, f"judge reads {read:.0%}; refused={refused}"
    X_test, y_test = fit.X[fit.test], fit.y[fit.test]
    gap = evidence.paired_interval(
        (fit.generative.predict(X_test) == y_test).astype(float),
        (fit.discriminative.predict(X_test) == y_test).astype(float),
        unit="points",
    )
    if not evidence.differs(gap):
        seen = "tie"
    else:
        seen = "artist" if gap["diff"] > 0 else "detective"
    return seen == step.claim["ahead"], f"{seen}: {evidence.points(gap)}"


def _check_hiding(fit: pg.PlaygroundFit, expected: str) -> tuple[bool, str]:
    """Who loses more held-out accuracy when x2 is hidden, by a paired interval on the losses."""
    X_test, y_test = fit.X[fit.test], fit.y[fit.test]
    hidden = X_test.copy()
    hidden[:, 1] = np.nan
    drops = []
    for model, X_hidden in (
        (fit.generative, hidden),  # integrates x2 out
        (fit.discriminative, fit.imputer.transform(hidden)),  # the training mean of x2
    ):
        before = model.predict(X_test) == y_test
        after = model.predict(X_hidden) == y_test
        drops.append(before.astype(float) - after)
    gap = evidence.paired_interval(drops[0], drops[1], unit="points")
    seen = "tie" if not evidence.differs(gap) else ("artist" if gap["diff"] > 0 else "detective")
    return seen == expected, f"{seen} loses more: {evidence.points(gap)}"


def lessons_json() -> list[dict]:
    """The lessons as the page reads them (``GET /api/lessons``)."""
    out = []
    for lesson in LESSONS:
        steps = []
        for step in lesson.steps:
            item = asdict(step)
            item["choices"] = [{"key": k, "label": label} for k, label in step.choices]
            del item["claim"]
            steps.append(item)
        out.append({"key": lesson.key, "title": lesson.title, "steps": steps})
    return out


def _step(key: str, index: int) -> Step:
    lesson = next((lesson for lesson in LESSONS if lesson.key == key), None)
    if lesson is None:
        raise UnknownNameError(f"lesson {key!r}: expected one of {[x.key for x in LESSONS]}")
    if not 0 <= index < len(lesson.steps):
        raise UnknownNameError(
            f"lesson {key!r} step {index}: expected 0 to {len(lesson.steps) - 1}"
        )
    return lesson.steps[index]


@functools.cache
def lesson_figures(key: str, index: int) -> dict:
    """What the models did on the step's seeded data (``GET /api/lessons/{key}/{index}/figures``):
    the sentence the page shows on reveal is the one the claim's test reads."""
    holds, figures = check_claim(_step(key, index))
    return {"holds": holds, "figures": figures}


def lesson_page_points(key: str, index: int) -> dict:
    """The step's points as the page gets them: the labels of the unlabeled points stay here."""
    step = _step(key, index)
    X, shown, _ = more.lesson_points(step.setup)
    return {"X": X.tolist(), "y": shown.tolist(), "domain": pg.default_domain(X)}
