"""What the registry knows about each model, without importing the model."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["ModelSpec"]


@dataclass(frozen=True)
class ModelSpec:
    """One registry entry.

    Attributes
    ----------
    name : str
        Registry name used on the command line (``gaussian_nb``, ``logreg``...).
    factory : callable
        ``factory(**params)`` returns a fresh, unfitted estimator.
    family : {"generative", "discriminative"}
    modalities : tuple of str
        Which of ``tabular``, ``image``, ``text`` the model accepts.
    likelihood : {"exact", "bound", "unnormalised", "none"}
        How ``score_samples`` relates to log p(x); "none" for discriminative models.
    description : str
        One line for ``genvsdisc models``.
    deep : bool
        PyTorch models, only run by ``compare`` when named or with ``--deep``.
    test_params : mapping
        Constructor parameters that keep the model small and fast for the
        scikit-learn estimator checks (``tests/models/test_estimator_checks.py``);
        empty for models that are fast enough as they are. Never used outside tests.
    """

    name: str
    factory: Callable
    family: Literal["generative", "discriminative"]
    modalities: tuple[str, ...]
    likelihood: Literal["exact", "bound", "unnormalised", "none"]
    description: str
    deep: bool = False
    test_params: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)
