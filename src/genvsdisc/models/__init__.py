"""Models: the two contracts (:mod:`.base`), the registry, and one module per family.

>>> from genvsdisc.models import make, available
>>> model = make("logreg")          # an unfitted scikit-learn estimator
>>> [s.name for s in available(family="discriminative", modality="text")][:1]
['logreg']

What a model can do is a field of its registry entry::

    get_spec("hgb").handles_missing     # True
"""

from genvsdisc.models.registry import available, get_spec, make, model_names, name_of, spec_of
from genvsdisc.models.spec import ModelSpec

__all__ = [
    "GenerativeClassifier",
    "DiscriminativeClassifier",
    "ModelSpec",
    "available",
    "get_spec",
    "make",
    "model_names",
    "name_of",
    "spec_of",
]


def __getattr__(name):
    # The two bases import scikit-learn; loaded on first use so that reading the
    # registry (``genvsdisc models``) imports neither scikit-learn nor PyTorch.
    if name in ("GenerativeClassifier", "DiscriminativeClassifier"):
        from genvsdisc.models import base

        return getattr(base, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
