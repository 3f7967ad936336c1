"""Checks of the torch models' hyper-parameters, each failing with one line that names it."""

from __future__ import annotations

import numpy as np

from genvsdisc.exceptions import ParameterError

__all__ = ["check_positive_int", "check_positive_float"]


def check_positive_int(owner, name: str, value, minimum: int = 1) -> int:
    """Validate an integer hyper-parameter and return it as int."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ParameterError(
            f"The '{name}' parameter of {type(owner).__name__} must be an int >= {minimum}. "
            f"Got {value!r} instead."
        )
    return int(value)


def check_positive_float(owner, name: str, value, *, allow_zero=False, upper=None) -> float:
    """Validate a real hyper-parameter (> 0, or >= 0 with ``allow_zero``; <= ``upper``)."""
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    ok = ok and np.isfinite(value) and (value >= 0 if allow_zero else value > 0)
    ok = ok and (upper is None or value <= upper)
    if not ok:
        rng = f"[0, {upper or 'inf'}]" if allow_zero else f"(0, {upper or 'inf'}]"
        raise ParameterError(
            f"The '{name}' parameter of {type(owner).__name__} must be a float in {rng}. "
            f"Got {value!r} instead."
        )
    return float(value)
