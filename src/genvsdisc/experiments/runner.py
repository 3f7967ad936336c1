"""Pick the models and experiments, run their task graph on an engine, build the record.

:func:`compare` is what ``genvsdisc compare`` calls: split the data, plan
every registered experiment (or note why it is skipped) into one Dask graph,
hand it at once to the engine (so a cluster stays busy), show one progress
bar per experiment, then combine each experiment's task outputs into its
typed result, and those into the plain-data record of :mod:`genvsdisc.results`.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace

from tqdm.auto import tqdm

from genvsdisc import results as results_mod
from genvsdisc.data.dataset import Dataset
from genvsdisc.engine import InProcessEngine
from genvsdisc.exceptions import ParameterError, unknown_name_error
from genvsdisc.experiments import evidence
from genvsdisc.experiments.accuracy import Accuracy
from genvsdisc.experiments.base import (
    ExperimentResult,
    RunContext,
    Skip,
    fix_tuned,
    get_experiment,
    registered,
)
from genvsdisc.experiments.common import Settings
from genvsdisc.experiments.overlap import CombineAsDone
from genvsdisc.experiments.preparation import (
    QUICK_MAX_CLASSES,
    QUICK_MAX_FEATURES,
    prepare,
)
from genvsdisc.models import available
from genvsdisc.models.registry import get_spec
from genvsdisc.preprocessing.datasets import augment_shape, preprocess_dataset

__all__ = [
    "DEFAULT_MODELS",
    "select_models",
    "select_experiments",
    "prepare",
    "run_experiment",
    "compare",
    "QUICK_MAX_CLASSES",
    "QUICK_MAX_FEATURES",
]


_LIBRARY_DEFAULT = "the default when no engine is given"


def _defaults(modality: str) -> list[tuple[str, str]]:
    """``(model, why)`` of every model in the default pairs of ``modality``, in pair order."""
    out = {}
    for g, d, why in evidence.DEFAULT_PAIRS[modality]:
        out.setdefault(g, f"{why}: the artist")
        out.setdefault(d, f"{why}: the detective")
    return list(out.items())


#: Default models per modality, with the reason each is there: the models of the
#: matched pairs in :data:`genvsdisc.experiments.evidence.DEFAULT_PAIRS`, so every
#: default comparison is like with like (or says plainly that it is not).
DEFAULT_MODELS = {modality: _defaults(modality) for modality in evidence.DEFAULT_PAIRS}


def select_models(modality: str, names=None, *, deep: bool = False) -> tuple[list[str], list[dict]]:
    """The models of a run and, for each, why it is there.

    Parameters
    ----------
    modality : {"tabular", "image", "text"}
    names : list of str, optional
        ``--models``; None picks :data:`DEFAULT_MODELS` (plus the deep models
        for this modality when ``deep``).

    Returns
    -------
    names : list of str
    info : list of dict
        name, family, boundary, likelihood, description, deep, picked (the reason).

    Raises
    ------
    UnknownNameError
        A name the registry does not know (the valid ones are listed).
    ParameterError
        A model that does not accept this modality.
    """
    specs = {s.name: s for s in available()}
    fits = [s.name for s in specs.values() if modality in s.modalities]
    if names:
        picked = {}
        for n in names:
            if n not in specs:
                raise unknown_name_error("model", n, sorted(specs))
            if modality not in specs[n].modalities:
                raise ParameterError(
                    f"--models: '{n}' does not accept {modality} data; models for "
                    f"{modality}: {', '.join(fits)}"
                )
            picked[n] = "named with --models"
    else:
        picked = {n: why for n, why in DEFAULT_MODELS[modality] if n in specs}
        if deep:
            picked.update(
                {n: "deep model (--deep)" for n in fits if specs[n].deep and n not in picked}
            )
    info = [
        {
            "name": n,
            "family": specs[n].family,
            "boundary": specs[n].boundary,
            "likelihood": specs[n].likelihood,
            "description": specs[n].description,
            "deep": specs[n].deep,
            "picked": why,
        }
        for n, why in picked.items()
    ]
    return list(picked), info


def select_experiments(names=None) -> list[str]:
    """``--experiments`` checked against the registered experiments, in report order;
    None: all."""
    valid = [e.name for e in registered()]
    if not names:
        return valid
    for n in names:
        if n not in valid:
            raise unknown_name_error("experiment", n, valid)
    return [n for n in valid if n in names]


def _progress_bars(planned: dict, enabled: bool) -> dict:
    """``{experiment: tqdm bar}`` on stderr: one bar per experiment on a terminal; one
    shared bar when stderr is a file or pipe (stacked bars would repeat every line)."""
    common = dict(file=sys.stderr, disable=not enabled, unit="task", dynamic_ncols=True)
    if not sys.stderr.isatty():
        total = sum(len(t) for t in planned.values())
        bar = tqdm(total=total, desc=", ".join(planned), mininterval=2.0, **common)
        return dict.fromkeys(planned, bar)
    return {
        name: tqdm(total=len(tasks), desc=f"{name:<15}", position=i, leave=True, **common)
        for i, (name, tasks) in enumerate(planned.items())
    }


def run_experiment(
    name: str, train, test, models, settings: Settings | None = None, engine=None
) -> ExperimentResult:
    """Run one experiment alone and return its typed result.

    Raises :class:`~.base.Skip` when it does not apply. ``engine`` defaults
    to in-process. Models are not fitted first: each task searches its own
    hyper-parameters where the model does.
    """
    experiment = get_experiment(select_experiments([name])[0])
    engine = engine or InProcessEngine(reason=_LIBRARY_DEFAULT)
    _serial_for_torch(engine, [get_spec(m).deep for m in models])
    ctx = RunContext(
        train, test, list(models), settings or Settings.default(), engine.data(train, test)
    )
    tasks = experiment.plan(ctx)
    outputs = engine.run(tasks)
    return experiment.combine(ctx, outputs)


def compare(
    ds: Dataset,
    *,
    models=None,
    experiments=None,
    settings: Settings | None = None,
    engine=None,
    deep: bool = False,
    progress: bool = True,
    command: str | None = None,
    preprocess=None,
    figures: dict | None = None,
) -> dict:
    """Run every experiment that applies to ``ds`` and return the results record.

    Parameters
    ----------
    ds : Dataset
    models, experiments : list of str, optional
        Registry names / experiment names; None picks the defaults / all.
    settings : Settings, optional
    engine : engine from :func:`genvsdisc.engine.make_engine`, optional
        Default: in-process. An :class:`~genvsdisc.engine.AutoEngine` picks
        in-process or a LocalCluster here, from the prepared training side.
    deep : bool
        Add the deep models of this modality to the default set.
    progress : bool
        tqdm bars on stderr, one per experiment.
    preprocess : str or list of str, optional
        Image steps applied to every image before the split, so every model reads
        the same pixels (:func:`genvsdisc.preprocessing.preprocess_dataset`);
        ``augment`` adds shifted and rotated copies to every training fit of
        every model (:func:`~genvsdisc.experiments.common.augmented`).
    figures : dict, optional
        Filled with ``{experiment: PNG bytes or None}``: the report's figures, each drawn
        on a side thread as soon as its experiment is done, while the other tasks
        compute (:mod:`.overlap`); hand it to ``write_report(..., drawn=figures)``.

    Returns
    -------
    dict
        The record described in :mod:`genvsdisc.results`.
    """
    t0 = time.perf_counter()
    ds = preprocess_dataset(ds, preprocess)
    settings = settings or Settings.default(n_features=ds.n_features)
    if (shape := augment_shape(ds)) is not None:  # every model's fits: like with like
        settings = replace(settings, augment=shape)
    engine = engine or InProcessEngine(reason=_LIBRARY_DEFAULT)
    names, info = select_models(ds.modality, models, deep=deep)
    for row in info:  # the same steps for every model: like with like
        row["preprocessing"] = " + ".join(ds.info.get("preprocessing", [])) or "none"
    exp_names = select_experiments(experiments)
    train, test, notes = prepare(ds, settings)
    _serial_for_torch(engine, [row["deep"] for row in info])
    data = engine.data(train, test)  # first: an AutoEngine picks itself from the data
    record = results_mod.new_record(
        dataset=_dataset_info(ds, train, test, settings, notes),
        settings=settings.to_dict(),
        models=info,
        model_choice=_choice_sentence(info, models is None, ds.modality),
        engine=engine.describe(),
        command=command,
    )
    record["pairs"] = evidence.pairs_for(names, evidence.preferred(ds.modality))
    ctx = RunContext(train, test, names, settings, data)
    planned, skipped = _schedule(exp_names, ctx)
    early = None if figures is None else CombineAsDone(planned, exp_names, ctx, info)
    try:
        outputs = _run(engine, planned, exp_names, progress, early and early.finished)
    finally:
        combined = early.wait() if early else {}  # {experiment: (section, png)}
    # split 0's fits (keyed by model name; other splits are keyed (model, split))
    first = {k: v for k, v in outputs[Accuracy.name].items() if isinstance(k, str)}
    ctx = replace(ctx, settings=fix_tuned(settings, first), fits={})
    record["settings"] = ctx.settings.to_dict()
    _collect(record, exp_names, skipped, outputs, ctx, combined)
    if figures is not None:
        figures.update({name: png for name, (_, png) in combined.items()})
    record["timings"]["total_s"] = time.perf_counter() - t0
    return results_mod.to_jsonable(record)


def _serial_for_torch(engine, deep: list[bool]) -> None:
    """Tasks one at a time when a torch model runs: torch draws dropout and noise from
    one process-wide generator (seeded per fit), which concurrent fits would share."""
    if any(deep):
        engine.one_thread("torch models draw from one process-wide random generator")


#: The pseudo-experiment under which :func:`_schedule` plans the shared fits.
SHARED_FITS = "fit"


def _schedule(exp_names, ctx: RunContext) -> tuple[dict, dict]:
    """Every experiment's tasks, and the skipped experiments with their reasons.

    Every model is fitted once on the whole training side (the accuracy
    experiment, planned even when not asked for). Hyper-parameters it chose by
    itself there (C by cross-validation...) are then fixed for that model's
    grid tasks: each takes a settings value that waits for that fit only
    (:meth:`RunContext.settings_for`), so the other models' tasks start at once.
    A fit that several experiments score (missing features, novelty:
    :meth:`RunContext.fitted`) is one task, planned under :data:`SHARED_FITS`.

    Returns
    -------
    planned : dict ``{experiment: {task key: Delayed}}``, accuracy first
    skipped : dict ``{experiment: reason}``
    """
    first = get_experiment(Accuracy.name).plan(ctx)
    grid = replace(ctx, fits={k: v for k, v in first.items() if isinstance(k, str)})
    planned, skipped = {Accuracy.name: first}, {}
    for name in exp_names:
        if name == Accuracy.name:
            continue
        try:
            planned[name] = get_experiment(name).plan(grid)
        except Skip as why:
            skipped[name] = str(why)
    if grid.shared:  # fits several experiments score (RunContext.fitted): their times, warnings
        planned[SHARED_FITS] = dict(grid.shared)
    return planned, skipped


def _run(engine, planned: dict, exp_names, progress: bool, finished=None) -> dict:
    """The whole graph on ``engine``, one progress bar per experiment that was asked for.

    Returns ``{experiment: {task key: TaskOutput}}``.
    """
    shown = {k: v for k, v in planned.items() if k in exp_names}
    bars = _progress_bars(shown, progress)
    graph = {(name, key): t for name, tasks in planned.items() for key, t in tasks.items()}

    def tick(label):
        if label[0] in bars:
            bars[label[0]].update()

    done = engine.run(graph, progress=tick, finished=finished)
    for bar in bars.values():
        bar.close()
    outputs = {name: {} for name in planned}
    for (name, key), out in done.items():
        outputs[name][key] = out
    return outputs


def _collect(record, exp_names, skipped, outputs, ctx: RunContext, combined=None) -> None:
    """Each experiment's typed result, task times and warnings, into ``record``;
    ``combined``: sections already combined while the graph ran (:mod:`.overlap`)."""
    warnings_seen = []
    for name in exp_names:
        experiment = get_experiment(name)
        if name in skipped:
            record["experiments"][name] = {
                "status": "skipped",
                "title": experiment.title,
                "reason": skipped[name],
            }
            continue
        mine = outputs[name]
        if name in (combined or {}):
            record["experiments"][name] = combined[name][0]
        else:
            result = experiment.combine(ctx, mine)
            record["experiments"][name] = {
                "status": "ok",
                "title": experiment.title,
                **result.to_dict(),
            }
        record["timings"]["experiments"][name] = sum(o.seconds for o in mine.values())
        for key, out in mine.items():
            record["timings"]["tasks"][experiment.task_label(key)] = out.seconds
            warnings_seen += [w for w in out.warnings if w not in warnings_seen]
    for model, out in outputs.get(SHARED_FITS, {}).items():
        record["timings"]["tasks"][f"{SHARED_FITS}/{model}"] = out.seconds
        warnings_seen += [w for w in out.warnings if w not in warnings_seen]
    record["warnings"] = warnings_seen


def _dataset_info(ds, train, test, settings, notes) -> dict:
    return {
        "name": ds.name,
        "description": ds.description,
        "modality": ds.modality,
        "n_samples": ds.n_samples,
        "n_features": ds.n_features,
        "feature_names": list(ds.feature_names)[:200],
        "classes": list(train.classes),  # classes left out by prepare are not compared
        "class_counts": ds.class_counts(),
        "image_shape": list(ds.image_shape) if ds.image_shape else None,
        "n_train": train.n_samples,
        "n_test": test.n_samples,
        "split_seed": settings.split_seed,
        "test_size": settings.test_size,
        "notes": list(ds.notes) + notes,
    }


def _choice_sentence(info: list[dict], default: bool, modality: str) -> str:
    """Which models ran, why, and the artist-detective pairs compared (matched or not)."""
    gen = [m["name"] for m in info if m["family"] == "generative"]
    disc = [m["name"] for m in info if m["family"] == "discriminative"]
    how = "picked by default for this kind of data" if default else "named with --models"
    pairs = evidence.pairs_for([m["name"] for m in info], evidence.preferred(modality))
    text = (
        f"Models {how}: generative {', '.join(gen) or 'none'}; "
        f"discriminative {', '.join(disc) or 'none'}."
    )
    if pairs:
        text += " Pairs compared: " + "; ".join(evidence.pair_text(p) for p in pairs) + "."
    return text
