"""Lessons 2, 3 and 5: the artist does more than classify, few examples vs many, EM.

Each claim is computed here from the lesson's seeded data (:func:`check`), and the same
figures are what the page shows when the learner reveals the answer, so the sentence on the
page and the test (tests/app/test_lessons.py) read one computation.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.app import playground as pg
from genvsdisc.app.lesson_steps import WHO, Lesson, Step
from genvsdisc.experiments import evidence

__all__ = ["LESSON_2", "LESSON_3", "LESSON_5", "check", "lesson_points"]

#: The detective counts as "sure" of a far point's label above this p(y|x).
SURE = 0.95
#: "Within a point of each other": the whole interval on the accuracy gap inside ±SAME.
SAME = 0.01
#: Training sets drawn per size in lesson 3, and the size of the seeded pool they come from.
DRAWS, POOL = 30, 3000

_MOONS = {"dataset": "moons", "n": 300, "noise": 0.2, "seed": 0, "hide": False}
_BLOBS = {"dataset": "blobs", "n": 300, "noise": 1.0, "seed": 0, "hide": False}
HELPS = (("helps", "EM helps"), ("hurts", "EM hurts"), ("tie", "Too close to call"))

LESSON_2 = Lesson(
    "more-than-classify",
    "2 · The artist does more than classify",
    (
        Step(
            "Ask the artist to draw",
            {**_MOONS, "gen": "gmm", "disc": "logreg"},
            "The artist (a Gaussian mixture per class) labels these moons. Ask it to draw 100 "
            "new points: where will they fall?",
            (
                ("on", "On the moons, each in its class's colour"),
                ("anywhere", "Anywhere in the picture"),
                ("none", "Nowhere: it is a classifier, it cannot draw"),
            ),
            "on",
            "On the moons: the artist learned p(x|y), where each class's points lie, and drawing "
            "is reading that back. A judge fitted on the real points reads most drawings as the "
            "class the artist meant. The detective learned only p(y|x) and refuses.",
            {"draws": True},
            action="generate",
        ),
        Step(
            "A point from nowhere",
            {**_MOONS, "gen": "gmm", "disc": "logreg", "probe": [4.0, -3.0]},
            "A new point arrives at (4, −3), far from every point either model has seen. "
            "What do the two models say about it?",
            (
                ("sure", "The detective labels it confidently; only the artist says it is strange"),
                ("unsure", "The detective says it does not know"),
                ("both", "Both flag it as strange"),
            ),
            "sure",
            "The detective only learned where one class ends and the next begins, so far beyond "
            "its boundary it is more sure, not less. The artist also learned log p(x), how "
            "likely a point is at all, and the far point scores below every training point: "
            "it can flag what it has never seen (novelty detection).",
            {"novel": True},
            figures=True,
        ),
    ),
)

_NG_JORDAN = (
    "Ng and Jordan showed that naive Bayes (an artist) can reach its best accuracy from fewer "
    "examples than logistic regression (a detective, its matched pair)."
)

LESSON_3 = Lesson(
    "few-many",
    "3 · Few examples vs many",
    (
        Step(
            "Two points per class",
            {**_BLOBS, "n": 15, "gen": "gaussian_nb", "disc": "logreg"},
            _NG_JORDAN + " Here each class gets only 2 training points (drawn 30 times from "
            "the same blobs, tested on the rest). Who labels better on average?",
            WHO,
            "detective",
            "Not the artist, on these 2-D blobs: with 2 points a class, naive Bayes estimates a "
            "variance per feature from two numbers, which swings wildly, while the detective's "
            "regularisation keeps its line cautious. The artist's head start grows with the "
            "number of features (it needs examples in proportion to log d, the detective to d); "
            "with d = 2 there is nothing for it to win.",
            {"few_many": "detective", "per_class": 2},
            figures=True,
        ),
        Step(
            "A hundred points per class",
            {**_BLOBS, "gen": "gaussian_nb", "disc": "logreg"},
            "Now 100 training points per class, drawn 30 times. How far apart are they?",
            (
                ("detective", "The detective ahead by a clear margin"),
                ("artist", "The artist ahead by a clear margin"),
                ("same", "Within a point of each other"),
            ),
            "same",
            "Within a point: the whole interval on the gap lies inside ±1 point, and which side "
            "the tiny gap falls on changes from one draw of blobs to the next. With enough points "
            "both reach the same straight boundaries between round blobs. The few-examples "
            "effect is about how fast each gets there, so look for the artist's head start with "
            "many features and few rows, not here.",
            {"few_many": "same", "per_class": 100},
            figures=True,
        ),
    ),
)

LESSON_5 = Lesson(
    "unlabeled-em",
    "5 · Unlabeled points and EM",
    (
        Step(
            "Two labels per class, the rest unlabeled",
            {**_BLOBS, "keep": 2, "gen": "lda", "disc": "logreg"},
            "Only 2 points per class keep their labels; the others are grey. The artist (LDA) "
            "also reads the grey points by EM: guess their labels, refit, repeat. On the grey "
            "points' true labels (kept on the server), does EM help it?",
            HELPS,
            "helps",
            "EM helps: the grey points show where the three blobs really are, and LDA's picture "
            "of a class (one Gaussian blob, the same spread for all) is the right shape for "
            "them, so each round of guesses pulls a class onto its blob.",
            {"em": "helps"},
            figures=True,
        ),
        Step(
            "When EM hurts",
            {"dataset": "xor", "n": 300, "noise": 0.35, "seed": 0, "hide": False, "keep": 3}
            | {"gen": "gmm", "disc": "logreg"},
            "Crossed classes (xor), 3 labels per class, and a Gaussian mixture per class as the "
            "artist. Does EM on the grey points help it now?",
            HELPS,
            "hurts",
            "EM hurts, and by a lot: EM makes the artist explain all the points well, not label "
            "them well. The mixture moves its parts onto clusters of grey points whatever their "
            "class, and the guessed labels pull each class further off. Unlabeled points only "
            "help an artist whose picture of a class matches the data.",
            {"em": "hurts"},
            figures=True,
        ),
    ),
)


def lesson_points(setup: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The step's points ``X (n, 2)``, labels as the page gets them ``(n,)`` (-1 for all but
    ``keep`` per class, chosen with the data's seed) and the true labels ``(n,)``."""
    data = pg.toy_points(setup["dataset"], setup["n"], setup["noise"], seed=setup["seed"])
    X, y = np.asarray(data["X"], float), np.asarray(data["y"], int)
    shown = y.copy()
    if "keep" in setup:
        rng = np.random.default_rng(setup["seed"])
        kept = [
            rng.choice(np.flatnonzero(y == c), setup["keep"], replace=False) for c in np.unique(y)
        ]
        shown[:] = -1
        shown[np.concatenate(kept)] = y[np.concatenate(kept)]
    return X, shown, y


def _who(gap: dict, names=("artist", "detective")) -> str:
    return "tie" if not evidence.differs(gap) else (names[0] if gap["diff"] > 0 else names[1])


def _novel(setup: dict) -> tuple[bool, str]:
    X, y, _ = lesson_points(setup)
    fit = pg.fit_pair(X, y, setup["gen"], setup["disc"], seed=0)
    probe = np.asarray([setup["probe"]], float)
    sure = float(fit.discriminative.predict_proba(probe).max())
    log_p = float(fit.generative.score_samples(probe)[0])
    lowest = float(fit.generative.score_samples(X[fit.train]).min())
    text = (
        f"the detective gives the far point p(y|x) = {sure:.1%}; the artist gives it "
        f"log p(x) = {log_p:.1f}, below every training point's (the lowest is {lowest:.1f})"
    )
    return sure >= SURE and log_p < lowest, text


def _few_many(setup: dict, claim: dict) -> tuple[bool, str]:
    """Paired interval over ``DRAWS`` seeded training sets of ``per_class`` points a class."""
    data = pg.toy_points(setup["dataset"], POOL, setup["noise"], seed=setup["seed"])
    X, y = np.asarray(data["X"], float), np.asarray(data["y"], int)
    accs = []
    for draw in range(DRAWS):
        rng = np.random.default_rng(draw)
        rows = np.concatenate(
            [
                rng.choice(np.flatnonzero(y == c), claim["per_class"], replace=False)
                for c in np.unique(y)
            ]
        )
        rest = np.setdiff1d(np.arange(len(y)), rows)
        fit = pg.fit_pair(X[rows], y[rows], setup["gen"], setup["disc"], seed=0)
        accs.append(
            [np.mean(m.predict(X[rest]) == y[rest]) for m in (fit.generative, fit.discriminative)]
        )
    accs = np.asarray(accs)
    # a plain paired t interval over draws: the tiny training sets barely overlap, and each
    # is tested on the rest of a pool of 3000
    gap = evidence.paired_interval(accs[:, 0], accs[:, 1], unit="draws")
    seen = _who(gap)
    if claim["few_many"] == "same" and -SAME < gap["low"] and gap["high"] < SAME:
        seen = "same"
    ahead = int(np.sum(accs[:, 1] > accs[:, 0]))
    text = (
        f"{claim['per_class']} training points a class, {DRAWS} draws: artist − detective "
        f"{evidence.points(gap)}; the detective ahead in {ahead} of {DRAWS}"
    )
    return seen == claim["few_many"], text


def _em(setup: dict, claim: dict) -> tuple[bool, str]:
    X, shown, y = lesson_points(setup)
    grey = np.flatnonzero(shown < 0)
    kept = np.flatnonzero(shown >= 0)
    with_em = pg.fit_pair(X, shown, setup["gen"], setup["disc"], seed=0).generative
    labels_only = pg.fit_pair(X[kept], shown[kept], setup["gen"], setup["disc"], seed=0).generative
    right = [(m.predict(X[grey]) == y[grey]).astype(float) for m in (with_em, labels_only)]
    gap = evidence.paired_interval(right[0], right[1], unit="points")
    seen = _who(gap, ("helps", "hurts"))
    text = (
        f"on the {len(grey)} grey points' true labels the artist scores {right[1].mean():.1%} "
        f"from the labels alone and {right[0].mean():.1%} with EM: {evidence.points(gap)}"
    )
    return seen == claim["em"], text


def check(step: Step) -> tuple[bool, str] | None:
    """The claim and figures of a lesson 2/3/5 step, or None for a claim this module does not own."""
    if step.claim.get("novel"):
        return _novel(step.setup)
    if "few_many" in step.claim:
        return _few_many(step.setup, step.claim)
    if "em" in step.claim:
        return _em(step.setup, step.claim)
    return None
