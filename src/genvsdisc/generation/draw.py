"""Drawing class-conditional samples from a generative model.

:func:`build_model` makes a registry model with the seed (and, for PyTorch
models, the device and progress bars) of the run; :func:`draw` asks a
fitted model for samples of given classes with the options its ``sample``
understands, and hands text back as documents even when the model draws
word counts.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from genvsdisc.exceptions import ParameterError
from genvsdisc.models import make
from genvsdisc.models.text import is_raw_text

__all__ = ["Samples", "build_model", "class_indices", "draw", "as_documents"]


@dataclass(frozen=True)
class Samples:
    """What :func:`draw` returns.

    Attributes
    ----------
    X : ndarray
        (m, d) rows for vector data, (m,) documents (str) for text.
    y : ndarray (m,) of int
        Class index each sample was drawn for.
    bag_of_words : bool
        The model drew word counts (a bag-of-words model), turned into
        documents by :func:`as_documents`.
    """

    X: np.ndarray
    y: np.ndarray
    bag_of_words: bool = False


def build_model(name: str, *, seed: int, params: dict | None = None, device=None, verbose=None):
    """A fresh registry model ``name`` with the run's seed, device and progress setting.

    Parameters
    ----------
    name : str
        Registry name.
    seed : int
        Set as ``random_state`` where the model has one (and ``params`` does not).
    params : dict or None
        Constructor parameters.
    device : {"auto", "cpu", "cuda"} or None
        Set where the model has a ``device``; None leaves the model's default.
        "cuda" for a model that is not a PyTorch model is a :class:`ParameterError`.
    verbose : bool or None
        Progress bars of models that have them; None leaves the model's default.
    """
    params = dict(params or {})
    model = make(name, **params)
    own = model.get_params(deep=False)
    extra = {"random_state": int(seed), "device": device, "verbose": verbose}
    model.set_params(
        **{k: v for k, v in extra.items() if k in own and k not in params and v is not None}
    )
    if device not in (None, "auto", "cpu") and "device" not in own:
        raise ParameterError(f"--device {device}: model {name!r} is not a PyTorch model.")
    return model


def class_indices(classes, wanted) -> list[int]:
    """Indices in ``classes`` of the class names in ``wanted`` (every class when empty)."""
    if not wanted:
        return list(range(len(classes)))
    names = [str(c) for c in classes]
    out = []
    for c in wanted:
        if str(c) not in names:
            raise ParameterError(f"--class {c}: unknown class; the classes are {', '.join(names)}.")
        out.append(names.index(str(c)))
    return out


def draw(
    model,
    wanted,
    *,
    seed: int,
    modality: str,
    clip: bool = False,
    prompt: str = "",
    temperature: float = 1.0,
    max_words: int | None = None,
    min_words: int = 0,
    top_k: int | None = None,
) -> Samples:
    """One sample per entry of ``wanted`` from the fitted generative ``model``.

    Parameters
    ----------
    model : fitted generative estimator
    wanted : array-like (m,) of int
        Class index of each sample to draw.
    seed : int
        ``random_state`` of the sampling.
    modality : {"tabular", "image", "text"}
    clip : bool, default=False
        Keep pixels / features within the training range (vector models with
        a ``clip`` option). ``genvsdisc generate`` and the image lab clip, so a
        sample file looks like data; ``compare`` clips images only, so the
        checks of tabular samples see what the model draws.
    prompt, max_words, min_words, top_k : text models only
        ``max_words=None`` keeps the model's default (and then ``min_words`` too).
    temperature : float, default=1.0
        Only for models whose ``sample`` takes a temperature.

    Returns
    -------
    Samples
    """
    accepted = inspect.signature(model.sample).parameters
    kwargs = {"random_state": seed}
    if "clip" in accepted and modality != "text":
        kwargs["clip"] = clip
    if prompt:
        if "prompt" not in accepted:
            raise ParameterError("--prompt: only text models continue a prompt.")
        kwargs["prompt"] = prompt
    if max_words is not None and "max_words" in accepted:
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
    wanted = np.asarray(wanted, dtype=int)
    X_new, y_new = model.sample(len(wanted), y=wanted, **kwargs)
    bag = modality == "text" and not is_raw_text(X_new)
    if modality == "text":
        X_new = as_documents(model, X_new, seed)
    return Samples(X_new, np.asarray(y_new, dtype=int), bag)


def as_documents(model, X_new, seed: int) -> np.ndarray:
    """Generated text as documents (m,): strings stay; word-count rows (a bag-of-words
    model's samples) become their words in random order, so a judge reads them like text."""
    if is_raw_text(X_new):
        return np.asarray(X_new, dtype=object)
    rng = np.random.default_rng(seed)
    vocab = model.vectorizer_.get_feature_names_out()
    counts = np.rint(np.asarray(X_new.toarray() if hasattr(X_new, "toarray") else X_new))
    docs = [" ".join(rng.permutation(np.repeat(vocab, c.clip(0).astype(int)))) for c in counts]
    return np.asarray(docs, dtype=object)
