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

Discriminative models appear with the reason they cannot generate. For audio
the distances are between clip summaries
(:func:`~genvsdisc.generation.sound.clip_memorisation_check`), and the report
plays two clips per artist, MFCCs inverted to sound, beside real clips
inverted the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from genvsdisc.experiments.base import Experiment, ExperimentResult, RunContext, Skip
from genvsdisc.experiments.common import Settings, augmented, model_spec, unwrapped
from genvsdisc.experiments.generation_report import GenerationReport
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
from genvsdisc.generation.refusal import refusal
from genvsdisc.generation.sound import shown_clips

__all__ = [
    "Generation",
    "GenerationResult",
    "judge_name",
    "fit_judge",
    "generate",
    "memorisation_check",
    "JUDGES",
]

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
    est = build_model(model, seed=seed, params=_params(settings, model))
    if "frame_size" in est.get_params() and train.frame_shape is not None:
        est.set_params(frame_size=int(train.frame_shape[1]))
    est = augmented(est, settings)  # --preprocess ...,augment: the same rows as every fit
    est.fit(train.X, train.y)
    K, n = len(train.classes), settings.n_generate
    # compare measures what the model draws: only pixels are kept in range
    wanted = np.repeat(np.arange(K), n)
    est = unwrapped(est)  # the fitted model itself: draw reads its own sample options
    samples = draw(est, wanted, seed=seed, modality=train.modality, clip=train.modality == "image")
    X_new, y_new = samples.X, samples.y
    out = {"n_per_class": n, "bag_of_words": samples.bag_of_words}
    judged = None
    if judge is not None:
        fitted = Judge(judge["name"], judge["model"], judge["accuracy"])
        judged = fitted.verdicts(X_new).judged
        out["judge_agreement"] = float(np.mean(judged == y_new))
        out["cas"] = fitted.cas(X_new, y_new, test.X, test.y)
    out["memorisation"] = check_memorisation(X_new, train, test)
    if train.modality == "audio":
        out["shown"] = shown_clips(X_new, y_new, train, seed=seed, judged=judged)
        return out
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


def _real_clips_task(train, test, *, seed):
    """The reference clips: real test clips through the same MFCC inversion as the samples."""
    return shown_clips(test.X, test.y, train, seed=seed)


@dataclass
class GenerationResult(ExperimentResult):
    """The ``generation`` section of results.json.

    Attributes
    ----------
    seed : int
    judge : dict or None
        ``{"model", "accuracy"}``: the judge and its accuracy on the real test rows.
    rows : list of dict
        One per model: ``model``, ``family``, and ``cannot_generate`` (the
        model's own reason; discriminative), ``error`` (message), or
        ``likelihood``, ``n_per_class``, ``bag_of_words``, ``judge_agreement``
        and ``cas`` (with a judge), ``memorisation`` (see
        :func:`memorisation_check`) and ``shown`` (``{"X", "y"}`` of a few samples;
        for audio :func:`~genvsdisc.generation.sound.shown_clips`: frames and WAVs).
    modality : str
    classes : list of str
    image_shape : list of int or None
    feature_names : list of str
    real_clips : dict or None
        Audio only: :func:`~genvsdisc.generation.sound.shown_clips` of a few real
        test clips, inverted like the samples, for reference.
    """

    seed: int
    judge: dict | None
    rows: list[dict]
    modality: str
    classes: list[str]
    image_shape: list[int] | None
    feature_names: list[str]
    real_clips: dict | None = None


class Generation(GenerationReport, Experiment):
    """Samples of every generative model, judged, used for training and checked for copies."""

    name = "generation"
    title = "Generation: drawing new examples"
    result_type = GenerationResult

    def plan(self, ctx: RunContext) -> dict:
        """``{"judge": task, model: task}``; every generative model's task waits for the judge."""
        gen = [m for m in ctx.models if model_spec(m).family == "generative"]
        if not gen:
            raise Skip(
                "no generative model in this run: discriminative models learn p(y|x) only "
                "and cannot draw new examples"
            )
        seed = ctx.settings.seeds[0]
        judge = judge_name(ctx.train.modality)
        tasks = {}
        if ctx.train.modality == "audio":
            tasks["real clips"] = ctx.task(_real_clips_task, seed=seed, cost=1)
        if judge is not None:
            tasks["judge"] = ctx.task(
                _judge_task, model=judge, seed=seed, settings=ctx.settings_for(judge), cost=3
            )
        for m in gen:
            # the task also trains the judge's model on the samples (CAS): its tuned
            # hyper-parameters too
            tasks[m] = ctx.task(
                generate,
                model=m,
                seed=seed,
                judge=tasks.get("judge"),
                settings=ctx.settings_for(m, judge),
                cost=2,
            )
        return tasks

    def combine(self, ctx: RunContext, outputs: dict) -> GenerationResult:
        train = ctx.train
        judge_out = outputs.get("judge")
        judge = None
        if judge_out is not None and judge_out.result is not None:
            judge = {"model": judge_out.result["name"], "accuracy": judge_out.result["accuracy"]}
        real = outputs.get("real clips")
        rows = []
        for m in ctx.models:
            spec = model_spec(m)
            if spec.family != "generative":
                rows.append({"model": m, "family": spec.family, "cannot_generate": refusal(m)})
                continue
            out = outputs[m]
            row = {"model": m, "family": spec.family, "likelihood": spec.likelihood}
            row.update({"error": out.error} if out.error else out.result)
            rows.append(row)
        return GenerationResult(
            seed=ctx.settings.seeds[0],
            judge=judge,
            rows=rows,
            modality=train.modality,
            classes=list(train.classes),
            image_shape=list(train.image_shape) if train.image_shape else None,
            feature_names=list(train.feature_names),
            real_clips=real.result if real is not None and real.result is not None else None,
        )
