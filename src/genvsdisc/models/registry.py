"""The model registry: every genvsdisc model by name.

Each family module exposes ``SPECS: list[ModelSpec]``; the registry imports
the modules listed in :data:`SPEC_MODULES` the first time it is asked, so
importing :mod:`genvsdisc.models` loads no model module (and no PyTorch) and
``genvsdisc --help`` stays quick. A new family adds one line there.
"""

from __future__ import annotations

import difflib
import functools
import importlib

from genvsdisc.exceptions import ParameterError, UnknownNameError
from genvsdisc.models.spec import ModelSpec

__all__ = ["SPEC_MODULES", "available", "get_spec", "make", "FAMILIES", "MODALITIES"]

#: Modules whose ``SPECS`` make up the registry, in the order ``available()`` lists them.
SPEC_MODULES = (
    "genvsdisc.models.generative.naive_bayes",
    "genvsdisc.models.generative.gaussian",
    "genvsdisc.models.generative.mixture",
    "genvsdisc.models.generative.kde",
    "genvsdisc.models.generative.ngram",
    "genvsdisc.models.torch.vae",
    "genvsdisc.models.torch.diffusion",
    "genvsdisc.models.torch.transformer_lm",
    "genvsdisc.models.discriminative.linear",
    "genvsdisc.models.discriminative.mlp",
    "genvsdisc.models.discriminative.boosting",
    "genvsdisc.models.discriminative.neighbors",
    "genvsdisc.models.torch.cnn",
)

FAMILIES = ("generative", "discriminative")
MODALITIES = ("tabular", "image", "text")


@functools.cache
def _registry() -> dict[str, ModelSpec]:
    """name -> spec for every module in SPEC_MODULES (imported once)."""
    specs: dict[str, ModelSpec] = {}
    for path in SPEC_MODULES:
        for spec in importlib.import_module(path).SPECS:
            if spec.name in specs:  # a programming error in genvsdisc, not a user's
                raise RuntimeError(f"model name {spec.name!r} registered twice ({path})")
            specs[spec.name] = spec
    return specs


def available(family=None, modality=None, *, deep=None) -> list[ModelSpec]:
    """Registered models, optionally filtered.

    Parameters
    ----------
    family : {"generative", "discriminative"} or None
    modality : {"tabular", "image", "text"} or None
        Keep models that accept this modality.
    deep : bool or None
        True: PyTorch models only; False: classical models only; None: both.

    Returns
    -------
    list of ModelSpec, generative families first, in registration order.
    """
    if family is not None and family not in FAMILIES:
        raise ParameterError(
            f"family must be one of {', '.join(FAMILIES)}. Got {family!r} instead."
        )
    if modality is not None and modality not in MODALITIES:
        raise ParameterError(
            f"modality must be one of {', '.join(MODALITIES)}. Got {modality!r} instead."
        )
    return [
        s
        for s in _registry().values()
        if (family is None or s.family == family)
        and (modality is None or modality in s.modalities)
        and (deep is None or s.deep == deep)
    ]


def get_spec(name: str) -> ModelSpec:
    """The registry entry called ``name``; UnknownNameError lists the valid names."""
    specs = _registry()
    if name in specs:
        return specs[name]
    close = difflib.get_close_matches(str(name), list(specs), n=1)
    hint = f" Did you mean {close[0]!r}?" if close else ""
    raise UnknownNameError(f"unknown model {name!r}; valid models are: {', '.join(specs)}.{hint}")


def make(name: str, **params):
    """A fresh, unfitted model ``name`` with the given constructor parameters.

    Examples
    --------
    >>> from genvsdisc.models import make
    >>> make("logreg", C=0.5).C
    0.5
    """
    spec = get_spec(name)
    model = spec.factory()
    valid = model.get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ParameterError(
            f"model {name!r} has no parameter {', '.join(map(repr, unknown))}; its "
            f"parameters are: {', '.join(sorted(valid))}."
        )
    return model.set_params(**params)
