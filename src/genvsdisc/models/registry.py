"""The model registry: every genvsdisc model by name, read from :mod:`.catalog`.

Reading the registry imports no model module (and no PyTorch), so
``genvsdisc models`` stays quick; :func:`make` imports only the module of
the model it builds. What a model can do is a field of its entry::

    get_spec("gaussian_nb").handles_missing   # True: NaN is integrated out
"""

from __future__ import annotations

from genvsdisc.exceptions import ParameterError, unknown_name_error
from genvsdisc.models.catalog import CATALOG
from genvsdisc.models.spec import ModelSpec

__all__ = [
    "available",
    "get_spec",
    "make",
    "model_names",
    "name_of",
    "spec_of",
    "FAMILIES",
    "MODALITIES",
]

FAMILIES = ("generative", "discriminative")
MODALITIES = ("tabular", "image", "text", "audio")

#: name -> entry, in catalog order.
_SPECS: dict[str, ModelSpec] = {spec.name: spec for spec in CATALOG}
#: "module:Class" -> entry, for a model that looks itself up (:func:`spec_of`).
_BY_CLASS: dict[str, ModelSpec] = {spec.estimator: spec for spec in CATALOG}


def available(family=None, modality=None, *, deep=None) -> list[ModelSpec]:
    """Registered models, optionally filtered.

    Parameters
    ----------
    family : {"generative", "discriminative"} or None
    modality : {"tabular", "image", "text", "audio"} or None
        Keep models that accept this modality.
    deep : bool or None
        True: PyTorch models only; False: classical models only; None: both.

    Returns
    -------
    list of ModelSpec, generative families first, in catalog order.
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
        for s in _SPECS.values()
        if (family is None or s.family == family)
        and (modality is None or modality in s.modalities)
        and (deep is None or s.deep == deep)
    ]


def model_names(family=None, modality=None, *, deep=None, **capabilities) -> list[str]:
    """Names of the models :func:`available` lists whose capability fields match.

    For messages that point the user to the models that can do something.

    Examples
    --------
    >>> model_names(family="discriminative", handles_missing=True)
    ['hgb']
    """
    return [
        s.name
        for s in available(family, modality, deep=deep)
        if all(getattr(s, field) == value for field, value in capabilities.items())
    ]


def get_spec(name: str) -> ModelSpec:
    """The registry entry called ``name``; UnknownNameError lists the valid names."""
    if name in _SPECS:
        return _SPECS[name]
    raise unknown_name_error("model", name, _SPECS)


def spec_of(estimator) -> ModelSpec | None:
    """The registry entry of ``estimator``'s class (an instance or a class); None if unlisted."""
    cls = estimator if isinstance(estimator, type) else type(estimator)
    return _BY_CLASS.get(f"{cls.__module__}:{cls.__qualname__}")


def name_of(estimator) -> str:
    """The registry name of ``estimator``'s class; its class name if the catalog lacks it.

    For messages and progress bars that name a model, a user's subclass included.

    Examples
    --------
    >>> from genvsdisc.models import make
    >>> name_of(make("knn"))
    'knn'
    """
    spec = spec_of(estimator)
    if spec is not None:
        return spec.name
    return estimator.__name__ if isinstance(estimator, type) else type(estimator).__name__


def make(name: str, **params):
    """A fresh, unfitted model ``name`` with the given constructor parameters.

    Examples
    --------
    >>> from genvsdisc.models import make
    >>> make("logreg", C=0.5).C
    0.5
    """
    model = get_spec(name).factory()
    valid = model.get_params(deep=False)
    unknown = sorted(set(params) - set(valid))
    if unknown:
        raise ParameterError(
            f"model {name!r} has no parameter {', '.join(map(repr, unknown))}; its "
            f"parameters are: {', '.join(sorted(valid))}."
        )
    return model.set_params(**params)
