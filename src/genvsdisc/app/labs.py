"""The image lab and the text lab: generative models create, a discriminative judge reads.

Lab models are fitted lazily, once per server process, on first use (or in
the background right after start-up with ``warm()``), and cached; a lock
makes sure two requests arriving together fit a model only once.
"""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable

import numpy as np

from genvsdisc.app.config import LabConfig
from genvsdisc.exceptions import CannotGenerateError, ParameterError

__all__ = ["Lazy", "ImageLab", "TextLab"]


class Lazy:
    """A value built once, on first :meth:`get`, by ``build()`` (thread-safe)."""

    def __init__(self, build: Callable[[], object]):
        self._build = build
        self._lock = threading.Lock()
        self._value = None
        self._done = False
        self.seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self._done

    def get(self):
        if self._done:  # fast path, no lock once built
            return self._value
        with self._lock:
            if not self._done:
                start = time.perf_counter()
                self._value = self._build()
                self.seconds = time.perf_counter() - start
                self._done = True
        return self._value


def _field_error(field: str, message: str) -> ParameterError:
    err = ParameterError(message)
    err.field = field
    return err


def _spec(name: str):
    from genvsdisc.exceptions import UnknownNameError
    from genvsdisc.models import get_spec

    try:
        return get_spec(name)
    except UnknownNameError:
        return None


def _make(name: str, params: dict[str, dict], seed: int):
    from genvsdisc.experiments.common import make_model

    return make_model(name, seed, **params.get(name, {}))


def _split(dataset: str, max_train: int | None, seed: int):
    from genvsdisc.data import load, train_test_split

    train, test = train_test_split(load(dataset), test_size=0.3, random_state=seed)
    if max_train is not None and train.n_samples > max_train:
        # train_test_split already shuffled the rows, so a prefix is a random subset
        train = train.subset(np.arange(max_train))
    return train, test


def _verdict(judge, X, classes: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The judge's class index, confidence and full p(y|x) for each row."""
    proba = judge.predict_proba(X)
    idx = np.argmax(proba, axis=1)
    return np.asarray(judge.classes_)[idx].astype(int), proba.max(axis=1), proba


class ImageLab:
    """Generated digits per class, each labelled by a judge trained on real digits."""

    def __init__(self, config: LabConfig):
        self.config = config
        self._data = Lazy(lambda: _split(config.image_dataset, config.image_max_train, config.seed))
        self._models = {
            name: Lazy(lambda name=name: self._fit(name))
            for name in dict.fromkeys((*config.image_models, config.image_judge,
                                       *config.image_detectives))
        }  # fmt: skip

    def _fit(self, name: str):
        train, test = self._data.get()
        model = _make(name, self.config.image_params, self.config.seed).fit(train.X, train.y)
        accuracy = float(np.mean(model.predict(test.X) == test.y))
        return model, accuracy

    def info(self) -> dict:
        """What the page needs to draw its controls; fits nothing."""

        def entry(name):
            spec = _spec(name)
            lazy = self._models[name]
            return {
                "name": name,
                "description": spec.description if spec else "",
                "deep": bool(spec and spec.deep),
                "ready": lazy.ready,
                "fit_seconds": None if lazy.seconds is None else round(lazy.seconds, 2),
            }

        return {
            "dataset": self.config.image_dataset,
            "models": [entry(n) for n in self.config.image_models],
            "judge": entry(self.config.image_judge),
            "detectives": [entry(n) for n in self.config.image_detectives],
        }

    def _check(self, field: str, name: str | None, allowed: tuple[str, ...]) -> str:
        name = name or allowed[0]
        if name not in allowed:
            raise _field_error(
                field, f"'{name}' is not offered here; choose one of: {', '.join(allowed)}"
            )
        return name

    def generate(self, model: str | None, n_per_class: int, seed: int = 0) -> dict:
        """``n_per_class`` samples of every class, and the judge's verdict on each.

        Returns
        -------
        dict
            ``image_shape``, ``classes`` (names), ``images`` (one dict per image:
            intended ``class``, ``pixels`` flattened in [0, 1], judge's ``judged``
            class and ``confidence``), ``agreement`` (share the judge recognised),
            ``model``/``judge`` with their accuracy on real test images.
        """
        name = self._check("model", model, self.config.image_models)
        gen, gen_acc = self._models[name].get()
        judge, judge_acc = self._models[self.config.image_judge].get()
        train, _ = self._data.get()
        K = len(train.classes)
        wanted = np.repeat(np.arange(K), n_per_class)
        kwargs = {"random_state": seed}
        if "clip" in inspect.signature(gen.sample).parameters:
            kwargs["clip"] = True  # keep pixels within the range seen in training
        X_new, y_new = gen.sample(len(wanted), y=wanted, **kwargs)
        X_new = np.clip(np.asarray(X_new, dtype=float), 0.0, 1.0)
        judged, conf, _ = _verdict(judge, X_new, train.classes)
        y_new = np.asarray(y_new, dtype=int)
        return {
            "image_shape": list(train.image_shape or (int(np.sqrt(X_new.shape[1])),) * 2),
            "classes": list(train.classes),
            "images": [
                {
                    "class": int(c),
                    "pixels": np.round(x, 2).tolist(),
                    "judged": int(j),
                    "confidence": round(float(p), 3),
                }
                for c, x, j, p in zip(y_new, X_new, judged, conf, strict=True)
            ],  # fmt: skip
            "agreement": float(np.mean(judged == y_new)),
            "model": {"name": name, "test_accuracy": gen_acc},
            "judge": {"name": self.config.image_judge, "test_accuracy": judge_acc},
        }

    def draw(self, model: str | None) -> dict:
        """Ask a discriminative model to draw a digit; returns its refusal, in its own words."""
        name = self._check("model", model, self.config.image_detectives)
        detective, acc = self._models[name].get()
        try:
            detective.sample(1, y=0, random_state=0)
        except CannotGenerateError as err:
            return {"model": name, "can_generate": False, "message": str(err),
                    "test_accuracy": acc}  # fmt: skip
        raise _field_error("model", f"'{name}' is generative; use the generate button")

    def warm(self) -> None:
        """Fit the default model and the judge now (for a background thread at start-up)."""
        self._models[self.config.image_models[0]].get()
        self._models[self.config.image_judge].get()


class TextLab:
    """A generative text model continues a prompt for a topic; a judge says what it reads."""

    def __init__(self, config: LabConfig):
        self.config = config
        self._data = Lazy(lambda: _split(config.text_dataset, config.text_max_train, config.seed))
        self._model = Lazy(lambda: self._fit(config.text_model))
        self._judge = Lazy(lambda: self._fit(config.text_judge))

    def _fit(self, name: str):
        train, test = self._data.get()
        model = _make(name, self.config.text_params, self.config.seed).fit(train.X, train.y)
        accuracy = float(np.mean(model.predict(test.X) == test.y))
        return model, accuracy

    def topics(self) -> list[str]:
        return list(self._data.get()[0].classes)

    def info(self) -> dict:
        return {
            "dataset": self.config.text_dataset,
            "topics": self.topics(),
            "model": self.config.text_model,
            "judge": self.config.text_judge,
            "ready": self._model.ready and self._judge.ready,
        }

    def continue_prompt(
        self, topic: str, prompt: str, n_words: int, temperature: float = 1.0, seed: int = 0
    ) -> dict:
        """Continue ``prompt`` as an article about ``topic``; the judge reads the new words.

        Returns
        -------
        dict
            ``topic``, ``prompt``, ``continuation``, ``judge`` (``topic``,
            ``confidence``, ``proba`` per topic, ``agrees``), and both models'
            accuracy on real test articles.
        """
        topics = self.topics()
        if topic not in topics:
            raise _field_error(
                "topic", f"unknown topic '{topic}'; choose one of: {', '.join(topics)}"
            )
        k = topics.index(topic)
        model, model_acc = self._model.get()
        judge, judge_acc = self._judge.get()
        continuation = self._generate(model, k, prompt, n_words, temperature, seed)
        judged, conf, proba = _verdict(
            judge, np.asarray([continuation or prompt], dtype=object), topics
        )
        return {
            "topic": topic,
            "prompt": prompt,
            "continuation": continuation,
            "judge": {
                "topic": topics[int(judged[0])],
                "confidence": round(float(conf[0]), 3),
                "proba": {topics[int(c)]: round(float(p), 3)
                          for c, p in zip(judge.classes_, proba[0], strict=True)},
                "agrees": int(judged[0]) == k,
            },
            "model": {"name": self.config.text_model, "test_accuracy": model_acc},
            "judge_model": {"name": self.config.text_judge, "test_accuracy": judge_acc},
        }  # fmt: skip

    @staticmethod
    def _generate(model, k: int, prompt: str, n_words: int, temperature: float, seed: int) -> str:
        """The words the text model adds after ``prompt`` (its sample() returns prompt + words)."""
        texts, _ = model.sample(1, y=k, random_state=seed, prompt=prompt, max_words=n_words,
                                temperature=temperature)  # fmt: skip
        text = str(texts[0])
        return text[len(prompt) :].lstrip() if text.startswith(prompt) else text

    def warm(self) -> None:
        self._model.get()
        self._judge.get()
