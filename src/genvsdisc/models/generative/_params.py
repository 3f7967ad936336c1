"""Parameter checks shared by the generative models.

scikit-learn validates its own estimators with a private constraint system;
genvsdisc wants its own one-line :class:`ParameterError` (name, expected,
found), so these few checks are written by hand. They run at the start of
``fit`` (never in ``__init__``, which only stores its arguments).
"""

from __future__ import annotations

import numbers

from genvsdisc.exceptions import ParameterError

__all__ = ["check_real", "check_int", "check_choice"]


def _fail(est, name, expected, value):
    raise ParameterError(
        f"The '{name}' parameter of {type(est).__name__} must be {expected}. Got {value!r} instead."
    )


def check_real(est, name, low=None, high=None, *, low_open=False, high_open=False):
    """Return ``est.<name>`` as float after checking it lies in the given interval."""
    value = getattr(est, name)
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    if ok:
        ok = value == value  # not NaN
        if low is not None:
            ok = ok and (value > low if low_open else value >= low)
        if high is not None:
            ok = ok and (value < high if high_open else value <= high)
    if not ok:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        _fail(est, name, f"a float in the range {left}{lo}, {hi}{right}", value)
    return float(value)


def check_int(est, name, low=1, high=None):
    """Return ``est.<name>`` as int after checking ``low <= value <= high``."""
    value = getattr(est, name)
    ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    ok = ok and value >= low and (high is None or value <= high)
    if not ok:
        hi = "inf" if high is None else high
        _fail(est, name, f"an int in the range [{low}, {hi}]", value)
    return int(value)


def check_choice(est, name, choices):
    """Return ``est.<name>`` after checking it is one of ``choices`` (strings)."""
    value = getattr(est, name)
    if not isinstance(value, str) or value not in choices:
        _fail(est, name, "one of " + ", ".join(repr(c) for c in choices), value)
    return value
