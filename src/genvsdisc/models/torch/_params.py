"""What the torch models' parameter tables share, and each model's config from its parameters.

The checks are the one mechanism of every genvsdisc model
(:mod:`genvsdisc.models.params`): a torch model's ``_parameter_constraints``
holds its hyper-parameters plus :data:`RUNTIME_CONSTRAINTS`, and ``fit``
checks them all before it reads any of them.
"""

from __future__ import annotations

from dataclasses import fields
from numbers import Real

from sklearn.utils._param_validation import Interval, StrOptions

__all__ = ["IMAGE_SHAPE", "RUNTIME_CONSTRAINTS", "fraction", "config_from_params"]

#: ``device``, ``random_state`` and ``verbose``: where and how repeatably a torch model runs.
RUNTIME_CONSTRAINTS = {
    "device": [StrOptions({"auto", "cpu", "cuda"})],
    "random_state": ["random_state"],
    "verbose": ["boolean", None],
}
#: ``image_shape``: None or (height, width[, channels]); ``fit`` checks it against the features.
IMAGE_SHAPE = ["array-like", None]


def fraction(upper: float = 1.0) -> list:
    """Constraint of a real number in [0, ``upper``] (dropout, EMA decay, noise level)."""
    return [Interval(Real, 0, upper, closed="both")]


def config_from_params(config_class, estimator):
    """``config_class`` filled from ``estimator``'s parameters of the same names.

    Each value is cast to the type of its field's default (int or float), so
    that ``arch_``, saved as JSON with the weights, reads the same whatever
    numeric type the user passed (``lr=1`` is stored as ``1.0``). Call it
    after ``_check_params``: the values are then known to be numbers in range.
    """
    return config_class(
        **{f.name: type(f.default)(getattr(estimator, f.name)) for f in fields(config_class)}
    )
