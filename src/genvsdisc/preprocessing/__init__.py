"""Invariance steps for images: deskewing, moment normalisation, blurring, augmentation.

:class:`Deskew`, :class:`MomentNormalize` and :class:`Blur` are scikit-learn
transformers (rows in, rows out) that any model can take in a Pipeline, artist
or detective alike, so a comparison can give every model the same preprocessing.
:func:`augment_images` and the meta-estimator :class:`Augmented` add shifted
and rotated training copies (a transformer cannot add rows; see
:mod:`.augment`). :func:`preprocess_dataset` applies the steps to a whole
image Dataset (``compare --preprocess deskew,normalize,blur``).
"""

from genvsdisc.preprocessing.augment import Augmented, augment_images
from genvsdisc.preprocessing.datasets import STEPS, parse_preprocess, preprocess_dataset
from genvsdisc.preprocessing.transformers import Blur, Deskew, MomentNormalize
from genvsdisc.preprocessing.tta import TestTimeAugmented, transform_variants

__all__ = [
    "Deskew",
    "MomentNormalize",
    "Blur",
    "Augmented",
    "augment_images",
    "STEPS",
    "parse_preprocess",
    "preprocess_dataset",
    "transform_variants",
    "TestTimeAugmented",
]
