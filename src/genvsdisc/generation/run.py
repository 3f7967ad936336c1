"""One generation run: train a generative model, draw per class, judge and check the samples.

The whole of ``genvsdisc generate`` as one plain function, :func:`generate`,
returning a :class:`GenerationResult` that :mod:`.output` writes out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from genvsdisc.data import train_test_split
from genvsdisc.data._checks import warn
from genvsdisc.data.split import drop_small_classes
from genvsdisc.exceptions import DataError, ParameterError, few
from genvsdisc.generation.draw import build_model, class_indices, draw
from genvsdisc.generation.judge import fit_judge
from genvsdisc.generation.memorisation import check_memorisation
from genvsdisc.generation.refusal import check_generative

__all__ = ["GenerationResult", "generate"]


@dataclass
class GenerationResult:
    """Samples of one generative model and what the judge made of them.

    Attributes
    ----------
    samples : ndarray
        (m, d) rows for vector data, (m,) str for text.
    intended, judged : ndarray (m,)
        Class index asked for, and class index the judge gave (None without a judge).
    classes : list of str
    agreement : float or None
        Share of samples the judge assigns to their intended class.
    judge : str or None
        Registry name of the judge; ``judge_accuracy`` is its accuracy on real test rows.
    memorisation : dict
        :func:`~genvsdisc.generation.memorisation.memorisation_check` of the
        samples against the training rows (clip summaries for audio).
    temperature : float
        The sampling temperature asked for (1: the model's own distribution).
    frame_shape, sample_rate : audio only
        (T, c) of each sample row, and the rate of the data's waveforms (None
        for MFCC-only sets; the WAV files are written at 8 kHz then).
    """

    dataset: str
    model: str
    modality: str
    classes: list[str]
    samples: np.ndarray
    intended: np.ndarray
    judged: np.ndarray | None = None
    judge: str | None = None
    judge_accuracy: float | None = None
    agreement: float | None = None
    memorisation: dict = field(default_factory=dict)
    image_shape: tuple | None = None
    frame_shape: tuple | None = None
    sample_rate: int | None = None
    seed: int = 0
    temperature: float = 1.0
    fit_seconds: float = 0.0
    sample_seconds: float = 0.0
    fitted_model: object = None
    notes: list[str] = field(default_factory=list)


def _check_fitted_classes(fitted, dataset) -> None:
    """A loaded model must know the data's classes by name: class indices alone would
    silently rename them (a model of A..E drawing 'X' and 'Y' from its A and B)."""
    saved = getattr(fitted, "class_names_", None)
    if saved is None:
        raise ParameterError(
            "the loaded model does not name its classes (saved by an older genvsdisc); "
            "train and save it again"
        )
    if [str(c) for c in saved] != [str(c) for c in dataset.classes]:
        raise ParameterError(
            f"the loaded model was trained on classes {few(saved)}; {dataset.name} has "
            f"classes {few(dataset.classes)}"
        )


def _complete_rows(train, test):
    """Only the rows without missing values, and a note saying how many were left out.

    The artist integrates a missing feature out when it classifies, but fitting
    (and drawing whole rows) needs complete ones: no generative model here has an
    EM over missing features, and filling values in would teach the model the
    filler. The judge and the memorisation check use the same complete rows.
    """
    if train.modality in ("text", "audio"):
        # an audio row's NaN tail is the clip's end, and frames missing inside a
        # clip are integrated out by the artists and skipped by the clip judge
        return train, test, []
    keep_train = ~np.isnan(train.X).any(axis=1)
    keep_test = ~np.isnan(test.X).any(axis=1)
    if keep_train.all() and keep_test.all():
        return train, test, []
    if not keep_train.any() or not keep_test.any():
        raise DataError(
            f"{train.name}: every row of the {'training' if not keep_train.any() else 'test'} "
            "side has a missing value; generate needs complete rows to fit and judge on"
        )
    left = int((~keep_train).sum() + (~keep_test).sum())
    note = (
        f"{left} of {train.n_samples + test.n_samples} rows have missing values and were left "
        "out: the model, the judge and the memorisation check use complete rows only"
    )
    warn(f"{train.name}: {note}")
    return train.subset(keep_train), test.subset(keep_test), [note]


def generate(
    dataset,
    model: str,
    *,
    classes=None,
    n_per_class: int = 8,
    prompt: str = "",
    temperature: float = 1.0,
    top_k: int | None = None,
    max_words: int = 60,
    min_words: int = 0,
    seed: int = 0,
    device="auto",
    params: dict | None = None,
    judge: str | None = "auto",
    fitted=None,
    test_size: float = 0.3,
    verbose=None,
) -> GenerationResult:
    """Train ``model`` on ``dataset``'s training side, sample per class and judge the samples.

    Parameters
    ----------
    dataset : Dataset
    model : str
        Registry name of a generative model.
    classes : list of str or None
        Class names to draw; None draws every class.
    n_per_class : int, default=8
    prompt, max_words, min_words, top_k : text models only
    temperature : float, default=1.0
        Only for models whose ``sample`` takes a temperature.
    seed : int, default=0
        Seeds the split, the model, the judge and the sampling.
    params : dict or None
        Extra constructor parameters of the model.
    judge : str, "auto" or None
        Registry name of the judge; "auto" follows the judge policy
        (:data:`~genvsdisc.generation.judge.JUDGES`); None skips judging.
    fitted : estimator or None
        An already fitted model (e.g. from :func:`~genvsdisc.models.torch_utils.load_model`).
        It is used as is; the split still provides the judge's and the
        memorisation check's rows, so a model fitted on other rows may look
        like it memorised test rows.
    """
    if not isinstance(n_per_class, int) or n_per_class < 1:
        raise ParameterError(
            f"-n: expected a positive number of samples per class; got {n_per_class!r}."
        )
    check_generative(model, dataset.modality)
    dataset, notes = drop_small_classes(dataset)  # a one-row class cannot be judged
    train, test = train_test_split(dataset, test_size=test_size, random_state=seed)
    train, test, more = _complete_rows(train, test)
    notes += more
    wanted = np.repeat(class_indices(dataset.classes, classes), n_per_class)
    t0 = time.perf_counter()
    if fitted is None:
        est = build_model(model, seed=seed, params=params, device=device, verbose=verbose)
        if "image_shape" in est.get_params() and dataset.image_shape is not None:
            est.set_params(image_shape=tuple(dataset.image_shape))
        if "frame_size" in est.get_params() and dataset.frame_shape is not None:
            est.set_params(frame_size=int(dataset.frame_shape[1]))
        est.fit(train.X, train.y)
    else:
        _check_fitted_classes(fitted, dataset)
        est = fitted
    t1 = time.perf_counter()
    # a sample file keeps pixels and features within the training range
    samples = draw(
        est,
        wanted,
        seed=seed,
        modality=dataset.modality,
        clip=True,
        prompt=prompt,
        temperature=temperature,
        max_words=max_words,
        min_words=min_words,
        top_k=top_k,
    )
    t2 = time.perf_counter()
    result = GenerationResult(
        dataset=dataset.name,
        model=model,
        modality=dataset.modality,
        classes=[str(c) for c in dataset.classes],
        samples=samples.X,
        intended=wanted,
        image_shape=tuple(dataset.image_shape) if dataset.image_shape else None,
        frame_shape=tuple(dataset.frame_shape) if dataset.frame_shape else None,
        sample_rate=dataset.sample_rate,
        seed=seed,
        temperature=temperature,
        fit_seconds=t1 - t0,
        sample_seconds=t2 - t1,
        fitted_model=est,
        notes=notes,
    )
    if judge is not None:
        name = None if judge == "auto" else judge
        fitted_judge = fit_judge(train, test, name, seed=seed, device=device, verbose=verbose)
        result.judge = fitted_judge.name
        result.judge_accuracy = fitted_judge.accuracy
        result.judged = fitted_judge.verdicts(samples.X).judged
        result.agreement = float(np.mean(result.judged == wanted))
    result.memorisation = check_memorisation(samples.X, train, test)
    return result
