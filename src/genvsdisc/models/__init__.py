"""Models: the two contracts (:mod:`.base`), the registry, and one module per family.

>>> from genvsdisc.models import make, available
>>> model = make("logreg")          # an unfitted scikit-learn estimator
>>> [s.name for s in available(family="discriminative", modality="text")][:1]
['logreg']
"""

from genvsdisc.models.base import DiscriminativeClassifier, GenerativeClassifier
from genvsdisc.models.registry import available, get_spec, make
from genvsdisc.models.spec import ModelSpec

__all__ = [
    "GenerativeClassifier",
    "DiscriminativeClassifier",
    "ModelSpec",
    "available",
    "get_spec",
    "make",
]
