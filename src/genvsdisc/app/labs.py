"""The image lab and the text lab: generative models create, a discriminative judge reads.

Lab models are fitted lazily, once per server process, on first use (or in
the background: right after start-up with ``warm()``, or when the page asks
with ``train()`` and then polls ``info()`` for progress), and cached; a lock
makes sure two requests arriving together fit a model only once
(:class:`~genvsdisc.app.lab_training.Lazy`).
"""

from __future__ import annotations

import numpy as np

from genvsdisc.app.config import LabConfig
from genvsdisc.app.lab_scores import diversity, memorisation, next_words
from genvsdisc.app.lab_training import Lazy, menu_entry
from genvsdisc.app.wording import page_refusal
from genvsdisc.data import load, train_test_split
from genvsdisc.exceptions import ParameterError, UnknownNameError
from genvsdisc.generation import build_model, draw, fit_judge
from genvsdisc.models import available, get_spec

__all__ = ["Lazy", "ImageLab", "TextLab"]


def _field_error(field: str, message: str) -> ParameterError:
    err = ParameterError(message)
    err.field = field
    return err


def _spec(name: str):
    try:
        return get_spec(name)
    except UnknownNameError:
        return None


def _fit_scored(name: str, params: dict[str, dict], seed: int, split) -> tuple[object, float]:
    """Model ``name`` fitted on the lab's training rows, and its accuracy on the test rows."""
    train, test = split
    model = build_model(name, seed=seed, params=params.get(name)).fit(train.X, train.y)
    return model, float(np.mean(model.predict(test.X) == test.y))


def _split(dataset: str, max_train: int | None, seed: int, params: dict | None = None):
    data = load(dataset, **(params or {}))  # params: a built-in's own, e.g. spoken_words' n_voices
    train, test = train_test_split(data, test_size=0.3, random_state=seed)
    if max_train is not None and train.n_samples > max_train:
        # train_test_split already shuffled the rows, so a prefix is a random subset
        train = train.subset(np.arange(max_train))
    return train, test


class ImageLab:
    """Generated digits per class, each labelled by a judge trained on real digits."""

    def __init__(self, config: LabConfig):
        self.config = config
        self._data = Lazy(lambda: _split(config.image_dataset, config.image_max_train, config.seed))
        self._models = {
            name: Lazy(lambda name=name: self._fit(name))
            for name in dict.fromkeys((*config.image_models, *config.image_detectives))
        }
        self._judge = Lazy(
            lambda: fit_judge(
                *self._data.get(),
                config.image_judge,
                seed=config.seed,
                params=config.image_params.get(config.image_judge),
            )
        )

    def _fit(self, name: str):
        return _fit_scored(name, self.config.image_params, self.config.seed, self._data.get())

    def info(self) -> dict:
        """What the page needs to draw its controls; fits nothing."""

        def entry(name, lazy=None):
            spec = _spec(name)
            lazy = lazy or self._models[name]
            return {
                **menu_entry(name, lazy),
                "description": spec.description if spec else "",
                "deep": bool(spec and spec.deep),
                "fit_seconds": None if lazy.seconds is None else round(lazy.seconds, 2),
            }

        return {
            "dataset": self.config.image_dataset,
            "models": [entry(n) for n in self.config.image_models],
            "judge": entry(self.config.image_judge, self._judge),
            "detectives": [entry(n) for n in self.config.image_detectives],
        }

    def lazy(self, name: str) -> Lazy | None:
        """The one-time training of model ``name`` (None when the page does not offer it)."""
        return self._judge if name == self.config.image_judge else self._models.get(name)

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
            ``model``/``judge`` with their accuracy on real test images,
            ``diversity`` (:func:`~genvsdisc.app.lab_scores.diversity`, against the
            real test images) and ``memorisation``
            (:func:`~genvsdisc.app.lab_scores.memorisation`).
        """
        name = self._check("model", model, self.config.image_models)
        gen, gen_acc = self._models[name].get()
        judge = self._judge.get()
        train, test = self._data.get()
        wanted = np.repeat(np.arange(len(train.classes)), n_per_class)
        samples = draw(gen, wanted, seed=seed, modality="image", clip=True)
        X_new = np.clip(np.asarray(samples.X, dtype=float), 0.0, 1.0)  # pixels the page can show
        y_new = samples.y
        verdicts = judge.verdicts(X_new)
        judged, conf = verdicts.judged, verdicts.confidence
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
            ],
            "agreement": float(np.mean(judged == y_new)),
            "diversity": diversity(X_new, y_new, np.asarray(test.X, dtype=float), test.y),
            "memorisation": memorisation(X_new, train.X, test.X),
            "model": {"name": name, "test_accuracy": gen_acc},
            "judge": {"name": judge.name, "test_accuracy": judge.accuracy},
        }

    def train(self, model: str | None) -> dict:
        """Start training ``model`` and the judge in the background; poll :meth:`info`."""
        name = self._check("model", model, self.config.image_models)
        # the judge first, in its own thread, so a fast judge is not queued behind a slow model
        self._judge.start()
        self._models[name].start()
        return self.info()

    def draw(self, model: str | None) -> dict:
        """Ask a discriminative model to draw a digit; returns its refusal, in its own words."""
        name = self._check("model", model, self.config.image_detectives)
        message = page_refusal(name, self.config.image_models)
        if message is None:
            raise _field_error("model", f"'{name}' is generative; use the generate button")
        _, acc = self._models[name].get()
        return {"model": name, "can_generate": False, "message": message, "test_accuracy": acc}

    def warm(self) -> None:
        """Fit the default model and the judge now (for a background thread at start-up)."""
        self._models[self.config.image_models[0]].get()
        self._judge.get()


class TextLab:
    """A generative text model continues a prompt for a topic; a judge says what it reads."""

    def __init__(self, config: LabConfig):
        self.config = config
        self._data = Lazy(lambda: _split(config.text_dataset, config.text_max_train, config.seed))
        self._model = Lazy(lambda: self._fit(config.text_model))
        # The page's text artists: the configured one, and transformer_lm where PyTorch is
        # installed. transformer_lm trains for minutes, so it is never trained implicitly:
        # its bars appear once something has trained or loaded it (``artists[name].get()``).
        names = [config.text_model]
        if "transformer_lm" != config.text_model and "transformer_lm" in {
            spec.name for spec in available()
        }:
            names.append("transformer_lm")
        self.artists = {
            name: self._model if name == config.text_model else Lazy(lambda n=name: self._fit(n))
            for name in names
        }
        self._judge = Lazy(
            lambda: fit_judge(
                *self._data.get(),
                config.text_judge,
                seed=config.seed,
                params=config.text_params.get(config.text_judge),
            )
        )

    def _fit(self, name: str):
        return _fit_scored(name, self.config.text_params, self.config.seed, self._data.get())

    def topics(self) -> list[str]:
        return list(self._data.get()[0].classes)

    def info(self) -> dict:
        return {
            "dataset": self.config.text_dataset,
            "topics": self.topics(),
            "model": self.config.text_model,
            "artists": self._offered(),
            "judge": self.config.text_judge,
            "ready": self._model.ready and self._judge.ready,
        }

    def lazy(self, name: str) -> Lazy | None:
        """The one-time training of text artist ``name`` (None when the page does not offer it)."""
        return self.artists.get(name)

    def _offered(self) -> list[dict]:
        """Every text artist the page offers, with what its menu says (fits nothing)."""
        return [menu_entry(name, lazy) for name, lazy in self.artists.items()]

    def train(self, model: str | None) -> dict:
        """Start training text artist ``model`` in the background; poll :meth:`info`."""
        allowed = tuple(self.artists)
        name = model or allowed[0]
        if name not in allowed:
            raise _field_error(
                "model", f"'{name}' is not offered here; choose one of: {', '.join(allowed)}"
            )
        self.artists[name].start()
        return self.info()

    def write(self) -> dict:
        """Ask the judge (a discriminative model) to write; returns its refusal, in its words."""
        name = self.config.text_judge
        message = page_refusal(name, tuple(self.artists))
        if message is None:  # a generative judge could write; the page offers none such
            raise _field_error("model", f"'{name}' is generative; use 'Continue the text'")
        return {"model": name, "can_generate": False, "message": message}

    def _topic_index(self, topic: str) -> int:
        topics = self.topics()
        if topic not in topics:
            raise _field_error(
                "topic", f"unknown topic '{topic}'; choose one of: {', '.join(topics)}"
            )
        return topics.index(topic)

    def next_words(self, topic: str, prompt: str, temperature: float = 1.0, top: int = 10):
        """Each ready text artist's most probable next words after ``prompt`` for ``topic``.

        The configured artist is trained on first use; the others (transformer_lm)
        take part only once trained or loaded.

        Returns
        -------
        dict
            ``topic``, ``prompt``, ``temperature``, ``artists``: per ready artist
            its ``name`` and ``words`` (:func:`~genvsdisc.app.lab_scores.next_words`),
            and ``offered`` (every artist with its status, as in :meth:`info`).
        """
        k = self._topic_index(topic)
        self._model.get()
        return {
            "topic": topic,
            "prompt": prompt,
            "temperature": temperature,
            "artists": [
                {"name": name, "words": next_words(lazy.get()[0], k, prompt, temperature, top)}
                for name, lazy in self.artists.items()
                if lazy.ready
            ],
            "offered": self._offered(),
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
        k = self._topic_index(topic)
        model, model_acc = self._model.get()
        judge = self._judge.get()
        continuation = self._generate(model, k, prompt, n_words, temperature, seed)
        verdicts = judge.verdicts(np.asarray([continuation or prompt], dtype=object))
        judged = int(verdicts.judged[0])
        proba = zip(judge.model.classes_, verdicts.proba[0], strict=True)
        return {
            "topic": topic,
            "prompt": prompt,
            "continuation": continuation,
            "judge": {
                "topic": topics[judged],
                "confidence": round(float(verdicts.confidence[0]), 3),
                "proba": {topics[int(c)]: round(float(p), 3) for c, p in proba},
                "agrees": judged == k,
            },
            "model": {"name": self.config.text_model, "test_accuracy": model_acc},
            "judge_model": {"name": judge.name, "test_accuracy": judge.accuracy},
        }

    @staticmethod
    def _generate(model, k: int, prompt: str, n_words: int, temperature: float, seed: int) -> str:
        """The words the text model adds after ``prompt`` (its sample() returns prompt + words)."""
        samples = draw(
            model,
            [k],
            seed=seed,
            modality="text",
            prompt=prompt,
            temperature=temperature,
            max_words=n_words,
        )
        text = str(samples.X[0])
        return text[len(prompt) :].lstrip() if text.startswith(prompt) else text

    def warm(self) -> None:
        self._model.get()
        self._judge.get()
