"""genvsdisc: generative and discriminative classifiers side by side.

A discriminative model (the detective) learns p(y|x) and predicts a label.
A generative model (the artist) learns p(x|y) p(y): it classifies through
Bayes' rule and can also create new examples, score how typical an input
is, fill in missing features and learn from unlabeled rows.

In a notebook::

    import genvsdisc as gd
    cmp = gd.compare(df, target="label", quick=True)   # renders the report inline
    gd.LearningCurveDisplay.from_comparison(cmp).plot()

Every name below is imported on first use (PEP 562), so ``import genvsdisc``
and the command line (``genvsdisc models``) load neither pandas, scikit-learn
nor PyTorch.
"""

import importlib
from importlib.metadata import PackageNotFoundError, version

from genvsdisc.models.catalog import CATALOG as _CATALOG

try:
    __version__ = version("genvsdisc")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

_DISPLAYS = (
    "AccuracyDisplay",
    "CalibrationDisplay",
    "LearningCurveDisplay",
    "MissingFeaturesDisplay",
    "UnlabeledDisplay",
    "NoveltyDisplay",
    "SamplesDisplay",
    "RegionsDisplay",
)
#: Public name -> module that holds it.
_LAZY = {
    "load": "genvsdisc.data.loader",
    "train_test_split": "genvsdisc.data.split",
    "make": "genvsdisc.models.registry",
    "compare": "genvsdisc.comparison",
    "Comparison": "genvsdisc.comparison",
    **dict.fromkeys(_DISPLAYS, "genvsdisc.displays"),
    # the model classes, as genvsdisc.models exposes them (read from the torch-free catalog)
    **{spec.estimator.partition(":")[2]: "genvsdisc.models" for spec in _CATALOG},
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'genvsdisc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
