"""Difference 6: generation -- only the artist can draw new examples.

Each generative model draws ``n_generate`` samples per class from its
fitted p(x|y). Three checks (vector data):

judge agreement
    a strong discriminative model trained on the *real* training rows labels
    the samples; the share it labels as the intended class.
Classification Accuracy Score (CAS, Ravuri & Vinyals 2019)
    a fresh copy of the judge's model trained on the generated rows only,
    scored on the real test side; next to the same model trained on the real
    training rows it says how much of the class information the samples carry.
memorisation check
    each sample's distance to its nearest training row, against the test
    rows' distances to theirs: samples much closer than real unseen rows are
    copies, not generalisations.

Discriminative models appear with the reason they cannot generate.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.experiments.common import Settings, Skip, Task, model_spec
from genvsdisc.generation import (
    JUDGES,
    Judge,
    build_model,
    check_memorisation,
    draw,
    judge_name,
    memorisation_check,
)
from genvsdisc.generation import fit_judge as _fit_core_judge

# The generation core's functions under the names this module has always offered.
from genvsdisc.generation.draw import as_documents as _as_documents  # noqa: F401
from genvsdisc.generation.memorisation import (  # noqa: F401
    text_memorisation_check as _text_memorisation,
)
from genvsdisc.generation.refusal import refusal as _why_not

__all__ = [
    "NAME",
    "TITLE",
    "plan",
    "combine",
    "judge_name",
    "fit_judge",
    "generate",
    "memorisation_check",
    "JUDGES",
]

NAME = "generation"
TITLE = "Generation: drawing new examples"

#: Samples kept per class for the pictures / sample tables in the report.
SHOW_PER_CLASS = {"image": 8, "tabular": 3, "text": 2}
#: Characters of each generated document kept for the report.
TEXT_SHOWN_CHARS = 400


def _params(settings: Settings, model: str) -> dict:
    """Constructor parameters of ``model`` in this run (``--set`` and tuned values)."""
    return settings.model_params.get(model, {})


def fit_judge(train, test, *, model: str, seed: int, settings: Settings) -> dict:
    """The judge fitted on the real training rows, with its real-data test accuracy."""
    judge = _fit_core_judge(train, test, model, seed=seed, params=_params(settings, model))
    return {"model": judge.model, "accuracy": judge.accuracy}


def generate(train, test, *, model: str, seed: int, settings: Settings, judge: dict) -> dict:
    """Samples of one generative model and the three checks (one task)."""
    est = build_model(model, seed=seed, params=_params(settings, model)).fit(train.X, train.y)
    K, n = len(train.classes), settings.n_generate
    # compare measures what the model draws: only pixels are kept in range
    wanted = np.repeat(np.arange(K), n)
    samples = draw(est, wanted, seed=seed, modality=train.modality, clip=train.modality == "image")
    X_new, y_new = samples.X, samples.y
    out = {"n_per_class": n, "bag_of_words": samples.bag_of_words}
    if judge is not None:
        fitted = Judge(judge["name"], judge["model"], judge["accuracy"])
        out["judge_agreement"] = fitted.agreement(X_new, y_new)
        out["cas"] = fitted.cas(X_new, y_new, test.X, test.y)
    out["memorisation"] = check_memorisation(X_new, train, test)
    show = SHOW_PER_CLASS.get(train.modality, 3)
    keep = np.concatenate([np.flatnonzero(y_new == k)[:show] for k in range(K)])
    if train.modality == "text":
        shown = [str(d)[:TEXT_SHOWN_CHARS] for d in X_new[keep]]
    else:
        shown = np.round(X_new[keep], 4).tolist()
    out["shown"] = {"X": shown, "y": y_new[keep].tolist()}
    return out


def _judge_task(train, test, *, model, seed, settings):
    out = fit_judge(train, test, model=model, seed=seed, settings=settings)
    out["name"] = model
    return out


def plan(train, test, models, settings: Settings) -> list[Task]:
    gen = [m for m in models if model_spec(m).family == "generative"]
    if not gen:
        raise Skip(
            "no generative model in this run: discriminative models learn p(y|x) only "
            "and cannot draw new examples"
        )
    seed = settings.seeds[0]
    tasks = []
    judge = judge_name(train.modality)
    deps = {}
    if judge is not None:
        tasks.append(Task(f"{NAME}/judge", _judge_task,
                          {"model": judge, "seed": seed, "settings": settings}, cost=3))  # fmt: skip
        deps = {"judge": f"{NAME}/judge"}
    for m in gen:
        tasks.append(
            Task(
                f"{NAME}/{m}",
                generate,
                {"model": m, "seed": seed, "settings": settings},
                deps=deps,
                cost=2,
            )  # fmt: skip
        )
    return tasks


def combine(train, test, models, settings: Settings, outputs: dict) -> dict:
    judge_out = outputs.get(f"{NAME}/judge")
    judge = None
    if judge_out is not None and judge_out["result"] is not None:
        judge = {"model": judge_out["result"]["name"],
                 "accuracy": judge_out["result"]["accuracy"]}  # fmt: skip
    rows = []
    for m in models:
        spec = model_spec(m)
        if spec.family != "generative":
            rows.append({"model": m, "family": spec.family, "cannot_generate": _why_not(m)})
            continue
        out = outputs[f"{NAME}/{m}"]
        row = {"model": m, "family": spec.family, "likelihood": spec.likelihood}
        row.update({"error": out["error"]} if out["error"] else out["result"])
        rows.append(row)
    return {
        "seed": settings.seeds[0],
        "judge": judge,
        "rows": rows,
        "modality": train.modality,
        "classes": list(train.classes),
        "image_shape": list(train.image_shape) if train.image_shape else None,
        "feature_names": list(train.feature_names),
    }
