"""What the registry knows about each model, without importing the model."""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ModelSpec"]


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry: a model's name, where its class lives and what it can do.

    Every field is plain data, so the registry is read without importing any
    model (and so without PyTorch); ``factory`` and ``estimator_class`` import
    the model's module when they are used.

    Attributes
    ----------
    name : str
        Registry name used on the command line (``gaussian_nb``, ``logreg``...).
    family : {"generative", "discriminative"}
    modalities : tuple of str
        Which of ``tabular``, ``image``, ``text`` the model accepts.
    likelihood : {"exact", "bound", "unnormalised", "none"}
        How ``score_samples`` relates to log p(x); "none" for discriminative models.
    boundary : {"linear", "quadratic", "flexible"}
        The form of the decision boundary the model can draw in its input features:
        like-with-like comparisons pair an artist and a detective of the same form.
    description : str
        One line for ``genvsdisc models``.
    estimator : str
        Where the estimator class lives, as ``"module:Class"``.
    handles_missing : bool, default=False
        NaN features are accepted at predict time: integrated out by a
        generative model, routed natively by a discriminative one (hgb).
    fills_missing : {"interpolate", "restart"} or None, default=None
        How a model that neither integrates NaN out nor routes it natively
        meets the gaps by a rule of its own: "interpolate", linearly in
        time between the observed neighbours of a dropped audio frame
        (``audio_cnn``, ``audio_diffusion``); "restart", a frame after a
        dropped one scored by its state's free Gaussian instead of the
        autoregression on the missing frame (``ar_hmm``: a proper density of
        the observed frames under that rule, not an integral). None: the
        family's way above.
    semi_supervised : bool, default=False
        ``fit`` runs EM over rows labeled ``-1`` / ``None`` (Nigam et al. 2000).
    partial_fit : bool, default=False
        The estimator has ``partial_fit`` (fit == chunked partial_fit).
    sample_weight : bool, default=False
        ``fit`` (and ``partial_fit``) take ``sample_weight``: an integer weight
        counts a row that many times, a zero weight drops it.
    deep : bool, default=False
        PyTorch models, only run by ``compare`` when named or with ``--deep``.
    saveable : bool, default=False
        ``genvsdisc generate --save`` / ``--load`` can store the fitted model.
    test_params : mapping
        Constructor parameters that keep the model small and fast for the
        scikit-learn estimator checks (``tests/models/test_estimator_checks.py``);
        empty for models that are fast enough as they are. Never used outside tests.
    factory : callable
        ``factory(**params)`` returns a fresh, unfitted estimator (built from
        ``estimator``; not a constructor argument).
    """

    name: str
    family: Literal["generative", "discriminative"]
    modalities: tuple[str, ...]
    likelihood: Literal["exact", "bound", "unnormalised", "none"]
    description: str
    estimator: str
    boundary: Literal["linear", "quadratic", "flexible"]
    handles_missing: bool = False
    fills_missing: Literal["interpolate", "restart"] | None = None
    semi_supervised: bool = False
    partial_fit: bool = False
    sample_weight: bool = False
    deep: bool = False
    saveable: bool = False
    test_params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
    factory: Callable[..., Any] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "factory", functools.partial(_build, self.estimator))

    @property
    def can_sample(self) -> bool:
        """True for generative models: they learned p(x|y), so they can draw new x."""
        return self.family == "generative"

    @property
    def estimator_class(self) -> type:
        """The estimator class (imports its module: PyTorch for deep models)."""
        return _load_class(self.estimator)


def _load_class(path: str) -> type:
    """The class named by ``"module:Class"``."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def _build(path: str, **params):
    """A fresh estimator of the class named by ``path``."""
    return _load_class(path)(**params)
