"""Models: the two contracts (:mod:`.base`), the registry, and one module per family."""

from genvsdisc.models.base import DiscriminativeClassifier, GenerativeClassifier

__all__ = ["GenerativeClassifier", "DiscriminativeClassifier"]
