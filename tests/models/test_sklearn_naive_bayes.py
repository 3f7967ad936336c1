"""scikit-learn's own naive Bayes tests, run against genvsdisc's three naive Bayes models.

The tests are those of the installed scikit-learn (``sklearn/tests/test_naive_bayes.py``,
never copied): each test function is rebound here to a copy of its module's
namespace in which ``GaussianNB``, ``BernoulliNB`` and ``MultinomialNB`` are
genvsdisc's classes, and its ``parametrize`` lists get the same substitution.
What a scikit-learn user relies on (priors, sample weights, partial_fit,
fitted attributes, error messages) must therefore behave as they know it.

Tests of scikit-learn's private helpers and of classes genvsdisc does not
wrap are left out by name in ``NOT_RUN``, each with its reason.
"""

from __future__ import annotations

import os
import types

import numpy as np
import pytest
import sklearn.tests.test_naive_bayes as sklearn_tests
from sklearn.naive_bayes import BernoulliNB, CategoricalNB, ComplementNB, GaussianNB, MultinomialNB

from genvsdisc.models.generative.multinomial import MultinomialNaiveBayes
from genvsdisc.models.generative.naive_bayes import (
    BernoulliNaiveBayes,
    GaussianNaiveBayes,
)

#: scikit-learn's class -> the genvsdisc model that replaces it in the tests.
SUBSTITUTES = {
    GaussianNB: GaussianNaiveBayes,
    BernoulliNB: BernoulliNaiveBayes,
    MultinomialNB: MultinomialNaiveBayes,
}

_PRIVATE = "tests a private helper of scikit-learn's class, not public behaviour"
_UNWRAPPED = "genvsdisc does not wrap this scikit-learn class"
#: Test functions, and parametrized classes, not run here, each with its reason.
NOT_RUN = {
    "test_gnb_check_update_with_no_data": f"{_PRIVATE} (GaussianNB._update_mean_variance)",
    "test_check_alpha": f"{_PRIVATE} (_BaseDiscreteNB._check_alpha)",
    "test_alpha_vector": (
        f"{_PRIVATE}: its middle calls MultinomialNB._check_alpha(); the public half "
        "(alpha vector smoothing and its two error messages) runs as "
        "test_alpha_vector_public in test_generative_naive_bayes.py"
    ),
    "test_alpha": (
        "its MultinomialNB half expects the posterior without a length term on two "
        "documents of different lengths; genvsdisc's default weighs the length too "
        "(length_model): test_length_model.py runs the same expectations with "
        "length_model=None and checks what the length term adds, and repeats its "
        "BernoulliNB half as is"
    ),
    "test_cnb": _UNWRAPPED + " (ComplementNB)",
    "test_categoricalnb": _UNWRAPPED + " (CategoricalNB)",
    "test_categoricalnb_with_min_categories": _UNWRAPPED + " (CategoricalNB)",
    "test_categoricalnb_min_categories_errors": _UNWRAPPED + " (CategoricalNB)",
    "test_gnb_array_api_compliance": (
        "array API inputs (torch, cupy arrays): genvsdisc models compute in NumPy float64"
    ),
    "ComplementNB": _UNWRAPPED + ": its cases of the parametrized tests are dropped",
    "CategoricalNB": _UNWRAPPED + ": its cases of the parametrized tests are dropped",
}

_UNWRAPPED_CLASSES = {ComplementNB, CategoricalNB}
_namespace = {
    **vars(sklearn_tests),
    **{cls.__name__: ours for cls, ours in SUBSTITUTES.items()},
}


def _substitute(values):
    """A parametrize list with scikit-learn's classes swapped for ours, unwrapped ones dropped."""
    out = []
    for value in values:
        if isinstance(value, tuple):
            if any(v in _UNWRAPPED_CLASSES for v in value if isinstance(v, type)):
                continue
            out.append(tuple(SUBSTITUTES.get(v, v) if isinstance(v, type) else v for v in value))
        elif value in _UNWRAPPED_CLASSES:
            continue
        else:
            out.append(SUBSTITUTES.get(value, value) if isinstance(value, type) else value)
    return out


def _rebind(func):
    """``func`` with our classes in its globals and its parametrize lists."""
    test = types.FunctionType(func.__code__, _namespace, func.__name__, func.__defaults__)
    marks = []
    for mark in getattr(func, "pytestmark", []):
        if mark.name == "parametrize":
            argnames, values = mark.args[:2]
            mark = pytest.mark.parametrize(argnames, _substitute(values), **mark.kwargs).mark
        marks.append(mark)
    test.pytestmark = marks
    return test


for _name, _func in vars(sklearn_tests).items():
    if _name.startswith("test_") and callable(_func) and _name not in NOT_RUN:
        globals()[_name] = _rebind(_func)


@pytest.fixture
def global_random_seed():
    """scikit-learn's fixture: the seed its tests draw data from (42 unless set, as there)."""
    return int(os.environ.get("SKLEARN_TESTS_GLOBAL_RANDOM_SEED", "42").split("-")[0])


@pytest.fixture(params=[np.float64])
def global_dtype(request):
    """scikit-learn's fixture: float64 (its float32 runs are opt-in; genvsdisc computes in float64)."""
    return request.param
