"""Generate examples with any generative model, judge them, and write them out.

Plain functions behind ``genvsdisc generate`` (and reusable by the
comparison engine):

* :func:`generate` trains (or takes) a generative model on the training side
  of a data set, draws samples per class, and has a *judge* -- a
  discriminative model trained on the same real rows -- say which class each
  sample looks like. It also runs the memorisation check (are samples
  copies of training rows?).
* :func:`save_image_grid` draws image samples as a PNG, one row per class,
  each image labelled with the judge's verdict.
* :func:`format_texts` lays generated texts out with class and verdict.
* :func:`classification_accuracy_score` is CAS (Ravuri & Vinyals 2019):
  train on generated rows only, test on real rows.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.base import clone

from genvsdisc.exceptions import CannotGenerateError, ParameterError
from genvsdisc.experiments.generation import memorisation_check

__all__ = [
    "JUDGES",
    "GenerationResult",
    "generate",
    "fit_judge",
    "memorisation_check",
    "memorisation_passed",
    "text_memorisation_check",
    "classification_accuracy_score",
    "save_image_grid",
    "format_texts",
    "write_samples",
]

#: The judge per modality for ``genvsdisc generate``: the strongest detective
#: of that kind of data (the comparison engine picks quicker ones).
JUDGES = {"image": "cnn", "text": "logreg", "tabular": "logreg"}


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
        :func:`memorisation_check` of the samples against the training rows.
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


def _with_common_params(name: str, params: dict, *, seed, device, verbose) -> object:
    """``make(name, **params)`` plus seed, device and progress where the model has them."""
    from genvsdisc.models import make

    model = make(name, **params)
    own = model.get_params(deep=False)
    extra = {"random_state": seed, "device": device, "verbose": verbose}
    model.set_params(**{k: v for k, v in extra.items() if k in own and k not in params})
    if device not in (None, "auto", "cpu") and "device" not in own:
        raise ParameterError(f"--device {device}: model {name!r} is not a PyTorch model.")
    return model


def fit_judge(train, name: str | None = None, *, seed: int = 0, device="auto", verbose=None):
    """A discriminative judge fitted on the real training rows of ``train`` (a Dataset)."""
    from genvsdisc.models.registry import get_spec

    name = name or JUDGES[train.modality]
    spec = get_spec(name)
    if spec.family != "discriminative":
        raise ParameterError(f"--judge {name}: a judge must be a discriminative model.")
    if train.modality not in spec.modalities:
        raise ParameterError(
            f"--judge {name}: reads {', '.join(spec.modalities)} data, not {train.modality}."
        )
    judge = _with_common_params(name, {}, seed=seed, device=device, verbose=verbose)
    return judge.fit(train.X, train.y)


def _check_generative(name: str, modality: str) -> None:
    from genvsdisc.models import available
    from genvsdisc.models.registry import get_spec

    spec = get_spec(name)
    if spec.family != "generative":
        # The model's own refusal says why; add the generative models for this data.
        fits = [s.name for s in available(family="generative", modality=modality)]
        try:
            spec.factory().sample(1)
        except CannotGenerateError as err:
            raise CannotGenerateError(f"{err} For {modality} data: {', '.join(fits)}.") from None
        raise CannotGenerateError(f"model {name!r} is discriminative and cannot generate.")
    if modality not in spec.modalities:
        raise ParameterError(
            f"--model {name}: reads {', '.join(spec.modalities)} data, but this data set is "
            f"{modality}."
        )


def _class_indices(classes, wanted) -> list[int]:
    if not wanted:
        return list(range(len(classes)))
    names = [str(c) for c in classes]
    out = []
    for c in wanted:
        if str(c) not in names:
            raise ParameterError(f"--class {c}: unknown class; the classes are {', '.join(names)}.")
        out.append(names.index(str(c)))
    return out


def _draw(model, idx, *, seed, modality, prompt, temperature, max_words, min_words=0, top_k=None):
    """Call ``model.sample`` with the options this model understands."""
    accepted = inspect.signature(model.sample).parameters
    kwargs = {"random_state": seed}
    if "clip" in accepted and modality != "text":
        kwargs["clip"] = True  # keep pixels / features within the training range
    if prompt:
        if "prompt" not in accepted:
            raise ParameterError("--prompt: only text models continue a prompt.")
        kwargs["prompt"] = prompt
    if "max_words" in accepted:
        kwargs["max_words"] = max_words
        kwargs["min_words"] = min(min_words, max_words)
    if top_k is not None:
        if "top_k" not in accepted:
            raise ParameterError(
                f"--top-k: {type(model).__name__} draws no words; top-k is for text models."
            )
        kwargs["top_k"] = top_k
    if temperature != 1.0:
        if "temperature" not in accepted:
            raise ParameterError(
                f"--temperature: {type(model).__name__} has no sampling temperature."
            )
        kwargs["temperature"] = temperature
    return model.sample(len(idx), y=np.asarray(idx), **kwargs)


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
        Registry name of the judge; "auto" picks :data:`JUDGES`; None skips judging.
    fitted : estimator or None
        An already fitted model (e.g. from :func:`~genvsdisc.models.torch.load_model`).
        It is used as is; the split still provides the judge's and the
        memorisation check's rows, so a model fitted on other rows may look
        like it memorised test rows.
    """
    from genvsdisc.data import train_test_split

    if not isinstance(n_per_class, int) or n_per_class < 1:
        raise ParameterError(
            f"-n: expected a positive number of samples per class; got {n_per_class!r}."
        )
    _check_generative(model, dataset.modality)
    train, test = train_test_split(dataset, test_size=test_size, random_state=seed)
    idx = np.repeat(_class_indices(dataset.classes, classes), n_per_class)
    t0 = time.perf_counter()
    if fitted is None:
        est = _with_common_params(
            model, dict(params or {}), seed=seed, device=device, verbose=verbose
        )
        if "image_shape" in est.get_params() and dataset.image_shape is not None:
            est.set_params(image_shape=tuple(dataset.image_shape))
        est.fit(train.X, train.y)
    else:
        est = fitted
    t1 = time.perf_counter()
    X_new, _ = _draw(est, idx, seed=seed, modality=dataset.modality, prompt=prompt,
                     temperature=temperature, max_words=max_words, min_words=min_words,
                     top_k=top_k)  # fmt: skip
    t2 = time.perf_counter()
    result = GenerationResult(
        dataset=dataset.name, model=model, modality=dataset.modality,
        classes=[str(c) for c in dataset.classes], samples=X_new, intended=idx,
        image_shape=tuple(dataset.image_shape) if dataset.image_shape else None, seed=seed,
        fit_seconds=t1 - t0, sample_seconds=t2 - t1, fitted_model=est,
    )  # fmt: skip
    if judge is not None:
        name = JUDGES[dataset.modality] if judge == "auto" else judge
        j = fit_judge(train, name, seed=seed, device=device, verbose=verbose)
        result.judge = name
        result.judge_accuracy = float(np.mean(j.predict(test.X) == test.y))
        result.judged = np.asarray(j.predict(X_new), dtype=int)
        result.agreement = float(np.mean(result.judged == idx))
    if dataset.modality == "text":
        result.memorisation = text_memorisation_check(X_new, train.X, test.X)
    else:
        result.memorisation = memorisation_check(X_new, train.X, test.X)
    return result


def memorisation_passed(check: dict, *, max_close_share: float = 0.2) -> bool:
    """True when no sample is an exact copy and few sit closer to a training row than
    95 % of real test rows do (``closer_than_test_p5`` about 0.05 for fresh samples)."""
    return check["copies"] == 0 and check["closer_than_test_p5"] <= max_close_share


def text_memorisation_check(samples, train_docs, test_docs) -> dict:
    """:func:`memorisation_check` for documents, on L2-normalised word counts."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    vec = CountVectorizer().fit(np.asarray(train_docs, dtype=object))
    f = lambda docs: normalize(vec.transform(np.asarray(docs, dtype=object)))  # noqa: E731
    return memorisation_check(f(samples), f(train_docs), f(test_docs))


def classification_accuracy_score(classifier, X_gen, y_gen, X_test, y_test) -> float:
    """CAS: accuracy on real ``X_test`` of a fresh copy of ``classifier`` trained on generated rows."""
    model = clone(classifier).fit(X_gen, y_gen)
    return float(np.mean(model.predict(X_test) == np.asarray(y_test)))


# --------------------------------------------------------------- output
def save_image_grid(result: GenerationResult, path, *, cell: int = 56) -> Path:
    """PNG of image samples: one row per class, each labelled with the judge's verdict.

    A green verdict means the judge saw the intended class, red that it saw another.
    """
    from PIL import Image, ImageDraw, ImageFont

    if result.modality != "image" or result.image_shape is None:
        raise ParameterError(
            f"an image grid needs image data; {result.dataset} is {result.modality}."
        )
    h, w = result.image_shape[:2]
    c = result.image_shape[2] if len(result.image_shape) > 2 else 1
    scale = max(1, cell // max(h, w))
    rows = list(dict.fromkeys(result.intended.tolist()))
    n_cols = max(int(np.sum(result.intended == k)) for k in rows)
    font = ImageFont.load_default(size=12)
    label_w, cap_h, pad = 90, 16, 4
    cw, ch = w * scale + pad, h * scale + cap_h + pad
    head = f"{result.model} on {result.dataset}"
    if result.judge:
        head += f" - judge {result.judge}: {100 * result.agreement:.0f}% as intended"
    width = max(label_w + n_cols * cw, int(font.getlength(head)) + 8)
    canvas = Image.new("RGB", (width, 22 + len(rows) * ch), "white")
    draw = ImageDraw.Draw(canvas)
    draw.text((4, 4), head, fill="black", font=font)
    for r, k in enumerate(rows):
        y0 = 22 + r * ch
        draw.text(
            (4, y0 + h * scale // 2 - 6), _short(result.classes[k], 13), fill="black", font=font
        )
        for j, i in enumerate(np.flatnonzero(result.intended == k)):
            x0 = label_w + j * cw
            pix = np.clip(result.samples[i].reshape(h, w, c), 0, 1)
            img = Image.fromarray((255 * (1 - pix[..., 0] if c == 1 else pix)).astype(np.uint8))
            canvas.paste(img.resize((w * scale, h * scale), Image.NEAREST), (x0, y0))
            if result.judged is not None:
                ok = result.judged[i] == k
                verdict = ("ok " if ok else "") + _short(result.classes[result.judged[i]], 8)
                draw.text((x0, y0 + h * scale + 1), verdict, font=font,
                          fill=(0, 128, 0) if ok else (200, 0, 0))  # fmt: skip
    path = Path(path)
    canvas.save(path, format="PNG")
    return path


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "."


def format_texts(result: GenerationResult) -> str:
    """Generated texts, each under a header with its class and the judge's verdict."""
    blocks = []
    for i, text in enumerate(result.samples):
        k = int(result.intended[i])
        head = f"[{i + 1}] class: {result.classes[k]}"
        if result.judged is not None:
            seen = result.classes[int(result.judged[i])]
            head += f" | judge ({result.judge}): {seen} " + (
                "(agrees)" if seen == result.classes[k] else "(DISAGREES)"
            )
        blocks.append(f"{head}\n{text}\n")
    return "\n".join(blocks)


def write_samples(result: GenerationResult, path) -> Path:
    """Write the samples where they belong: PNG for images, text file for texts, CSV otherwise."""
    path = Path(path)
    if result.modality == "image" and result.image_shape is not None:
        return save_image_grid(result, path)
    if result.modality == "text":
        path.write_text(format_texts(result), encoding="utf-8")
        return path
    import pandas as pd

    frame = pd.DataFrame(result.samples)
    frame.insert(0, "class", [result.classes[k] for k in result.intended])
    if result.judged is not None:
        frame.insert(1, "judge", [result.classes[k] for k in result.judged])
    frame.to_csv(path, index=False)
    return path
