"""Models: the two contracts (:mod:`.base`), the registry, and one module per family.

>>> from genvsdisc.models import make, available
>>> model = make("logreg")          # an unfitted scikit-learn estimator
>>> [s.name for s in available(family="discriminative", modality="text")][:1]
['logreg']

Every model class is importable by name too, as from scikit-learn::

    from genvsdisc.models import GaussianNaiveBayes   # make("gaussian_nb") is the short way

What a model can do is a field of its registry entry::

    get_spec("hgb").handles_missing     # True
"""

import importlib

from genvsdisc.models.catalog import CATALOG
from genvsdisc.models.registry import available, get_spec, make, model_names, name_of, spec_of
from genvsdisc.models.spec import ModelSpec

#: Class name -> "module:Class", from the catalog: each class is imported on first access.
_CLASS_PATHS = {spec.estimator.partition(":")[2]: spec.estimator for spec in CATALOG}
_BASES = {
    "GenerativeClassifier": "genvsdisc.models.base:GenerativeClassifier",
    "DiscriminativeClassifier": "genvsdisc.models.base:DiscriminativeClassifier",
}

__all__ = [
    *_BASES,
    "ModelSpec",
    "available",
    "get_spec",
    "make",
    "model_names",
    "name_of",
    "spec_of",
    *_CLASS_PATHS,
]


def __getattr__(name):
    # Bases and model classes are loaded on first use, so that reading the registry
    # (``genvsdisc models``) imports neither scikit-learn nor PyTorch, and importing one
    # classical model never loads the PyTorch ones.
    path = _CLASS_PATHS.get(name) or _BASES.get(name)
    if path is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def __dir__():
    return sorted(set(globals()) | set(__all__))
