"""genvsdisc: generative and discriminative classifiers side by side.

A discriminative model (the detective) learns p(y|x) and predicts a label.
A generative model (the artist) learns p(x|y) p(y): it classifies through
Bayes' rule and can also create new examples, score how typical an input
is, fill in missing features and learn from unlabeled rows.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("genvsdisc")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
