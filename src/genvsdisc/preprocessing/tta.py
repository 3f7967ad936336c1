"""Test-time variants: invariance at prediction as analysis by synthesis.

A model that scores each test image only as given must have learned every
small shift and turn from its training rows. Scoring a few transformed
versions T x of each test image instead, and combining them, builds the
invariance into prediction (in the spirit of Schott et al. 2018):

* an artist's class score is log sum_T p(T x, y) -- the image is explained
  by class y if *some* small transformation of it is likely under the
  class's density (a uniform prior over the transformations);
* a detective's is the mean of p(y | T x) over the variants (ordinary
  test-time augmentation), so both families get the same variants.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.models.params import ParameterChecks
from genvsdisc.preprocessing._images import resolve_image_shape
from genvsdisc.preprocessing.augment import (
    TRANSFORM_CONSTRAINTS,
    _estimator_has,
    image_copies,
    transform_kwargs,
)

__all__ = ["transform_variants", "TestTimeAugmented"]


def transform_variants(X, *, image_shape=None, shift=1, diagonal=False, angles=(), scales=()):
    """``X`` itself followed by its shifted, rotated and scaled versions.

    Parameters
    ----------
    X : array-like (n, h*w)
    image_shape : (height, width) or None, default=None
    shift, diagonal, angles, scales
        As for :func:`~genvsdisc.preprocessing.augment_images`.

    Returns
    -------
    list of ndarray (n, h*w)
        The identity first; one entry per transformation.
    """
    X = np.asarray(X, dtype=np.float64)
    shape = resolve_image_shape(image_shape, X.shape[1], "transform_variants")
    copies = image_copies(
        X.reshape(len(X), *shape), shift=shift, diagonal=diagonal, angles=angles, scales=scales
    )
    return [c.reshape(len(X), -1) for c in copies]


class TestTimeAugmented(ParameterChecks, MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` as given; predict from each test image and its transformed versions.

    An artist (an estimator with ``predict_joint_log_proba``) scores class k
    by log mean_T p(T x, y=k) (analysis by synthesis); any other classifier
    by the mean of p(y | T x) over the variants. Sampling delegates to the
    fitted estimator. ``score_samples`` is not offered: the mean over T of
    p(T x) is a score, not a normalised density of x.

    Parameters
    ----------
    estimator : classifier
        A genvsdisc model or any scikit-learn classifier (or Pipeline) with
        ``predict_proba``.
    image_shape : (height, width) or None, default=None
    shift : int >= 0, default=1
    diagonal : bool, default=False
    angles : tuple of float, default=()
    scales : tuple of float > 0, default=()
        The transformations, as for :func:`transform_variants`.

    Attributes
    ----------
    estimator_ : the fitted clone
    classes_ : ndarray (K,)
    n_features_in_ : int

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = load_digits(return_X_y=True)
    >>> model = TestTimeAugmented(LogisticRegression(max_iter=300)).fit(X[:200] / 16, y[:200])
    >>> model.predict_proba(X[:2] / 16).shape
    (2, 10)
    """

    __test__ = False  # not a pytest test class, despite the name
    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"])],
        **TRANSFORM_CONSTRAINTS,
    }

    def __init__(
        self, estimator, *, image_shape=None, shift=1, diagonal=False, angles=(), scales=()
    ):
        self.estimator = estimator
        self.image_shape = image_shape
        self.shift = shift
        self.diagonal = diagonal
        self.angles = angles
        self.scales = scales

    def fit(self, X, y, **fit_params):
        """Fit a clone of ``estimator`` on X (n, h*w), y (n,) as given."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        self.estimator_ = clone(self.estimator).fit(X, y, **fit_params)
        self.classes_ = self.estimator_.classes_
        return self

    def _variants(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return transform_variants(X, **transform_kwargs(self))

    def predict_proba(self, X):
        """p(y | x) from the variants of each row of X (n, h*w), shape (n, K)."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X):
        """log p(y | x) from the variants, shape (n, K)."""
        variants = self._variants(X)
        if hasattr(self.estimator_, "predict_joint_log_proba"):
            jll = logsumexp([self.estimator_.predict_joint_log_proba(V) for V in variants], axis=0)
            return jll - logsumexp(jll, axis=1, keepdims=True)
        with np.errstate(divide="ignore"):  # a class no variant supports: log 0
            return np.log(np.mean([self.estimator_.predict_proba(V) for V in variants], axis=0))

    def predict(self, X):
        """The most probable class of each row, shape (n,)."""
        return self.classes_[self.predict_log_proba(X).argmax(axis=1)]

    @available_if(_estimator_has("sample"))
    def sample(self, n_samples=1, y=None, random_state=None, **options):
        """The fitted estimator's draws (see its ``sample``)."""
        check_is_fitted(self)
        return self.estimator_.sample(n_samples, y=y, random_state=random_state, **options)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
