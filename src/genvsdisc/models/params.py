"""The one parameter mechanism of every genvsdisc model: scikit-learn's constraint tables.

Each model declares ``_parameter_constraints`` (parameter name -> list of
allowed kinds: ``Interval``, ``StrOptions``, ``"boolean"``, ``None``...) as
scikit-learn's own estimators do; the base ``fit`` and the first
``partial_fit`` check them through :meth:`ParameterChecks._check_params`.
A bad value gives scikit-learn's one-line message as a genvsdisc
:class:`~genvsdisc.exceptions.ParameterError`, e.g. *"The 'var_smoothing'
parameter of GaussianNaiveBayes must be a float in the range [0, inf). Got
-1 instead."* Defaults live in ``__init__`` only.

Method arguments (``sample(n_samples=...)``) go through :func:`check_arguments`
with the same tables and the same message.
"""

from __future__ import annotations

from numbers import Integral, Real

from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    StrOptions,
    validate_parameter_constraints,
)

from genvsdisc.exceptions import ParameterError

__all__ = [
    "ParameterChecks",
    "check_arguments",
    "EM_CONSTRAINTS",
    "NON_NEGATIVE_REAL",
    "POSITIVE_INT",
    "POSITIVE_REAL",
    "STANDARDIZE",
    "sklearn_constraints",
]

#: ``standardize``: True, False or "auto" (only when some value lies outside [0, 1]).
STANDARDIZE = ["boolean", StrOptions({"auto"})]
#: An int >= 1 (counts of components, folds, words...).
POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]
#: A real number > 0 (learning rates, temperatures); inf is refused.
POSITIVE_REAL = [Interval(Real, 0, None, closed="neither")]
#: A real number >= 0 (weight decay, guidance); inf is refused.
NON_NEGATIVE_REAL = [Interval(Real, 0, None, closed="left")]
#: The parameters of semi-supervised EM, shared by every model that runs it.
EM_CONSTRAINTS = {
    "unlabeled_weight": [Interval(Real, 0, 1, closed="both")],
    "em_max_iter": [Interval(Integral, 0, None, closed="left")],
}


def sklearn_constraints(estimator_class, *names: str) -> dict:
    """scikit-learn's own constraints of ``estimator_class`` for the parameters ``names``.

    For parameters a genvsdisc model passes on unchanged to the scikit-learn
    estimator it wraps: they are checked exactly as scikit-learn checks them.
    """
    return {name: estimator_class._parameter_constraints[name] for name in names}


def check_arguments(caller: str, constraints: dict, **values) -> None:
    """Check ``values`` against ``constraints``; ParameterError names ``caller`` and the value.

    Examples
    --------
    >>> check_arguments("sample", {"n_samples": POSITIVE_INT}, n_samples=0)
    Traceback (most recent call last):
    ...
    genvsdisc.exceptions.ParameterError: The 'n_samples' parameter of sample must be an int in the range [1, inf). Got 0 instead.
    """
    try:
        validate_parameter_constraints(constraints, values, caller_name=caller)
    except InvalidParameterError as err:  # a ValueError: make it a user's error for the CLI
        raise ParameterError(str(err)) from None


class ParameterChecks:
    """Mixin of both model bases: ``_check_params()`` checks ``_parameter_constraints``.

    Parameters without an entry are not checked (scikit-learn's rule), so a
    model converts by adding its table.
    """

    _parameter_constraints: dict = {}

    def _check_params(self, *names: str) -> None:
        """Check the constructor parameters ``names`` (default: all) against the class's table.

        Raises ParameterError. A model whose parameters constrain each other
        (``sample_steps <= timesteps``) extends this method with that check.
        """
        params = self.get_params(deep=False)
        if names:
            params = {name: params[name] for name in names}
        check_arguments(type(self).__name__, self._parameter_constraints, **params)
