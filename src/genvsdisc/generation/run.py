"""One generation run: train a generative model, draw per class, judge and check the samples.

The whole of ``genvsdisc generate`` as one plain function, :func:`generate`,
returning a :class:`GenerationResult` that :mod:`.output` writes out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from genvsdisc.data import train_test_split
from genvsdisc.exceptions import ParameterError
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
        samples against the training rows.
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
    seed: int = 0
    fit_seconds: float = 0.0
    sample_seconds: float = 0.0
    fitted_model: object = None


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
    train, test = train_test_split(dataset, test_size=test_size, random_state=seed)
    wanted = np.repeat(class_indices(dataset.classes, classes), n_per_class)
    t0 = time.perf_counter()
    if fitted is None:
        est = build_model(model, seed=seed, params=params, device=device, verbose=verbose)
        if "image_shape" in est.get_params() and dataset.image_shape is not None:
            est.set_params(image_shape=tuple(dataset.image_shape))
        est.fit(train.X, train.y)
    else:
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
        seed=seed,
        fit_seconds=t1 - t0,
        sample_seconds=t2 - t1,
        fitted_model=est,
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
