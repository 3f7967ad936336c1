"""Training-time augmentation: more rows, shifted and rotated copies of each image.

A scikit-learn transformer maps n rows to n rows, so it cannot add training
examples (and must not: at predict time the test rows stay as they are).
Augmentation is therefore two things here:

* :func:`augment_images` -- the rows themselves: ``(X, y) -> (X_aug, y_aug)``,
  like imbalanced-learn's ``fit_resample`` (a plain function, for notebooks
  and benchmarks);
* :class:`Augmented` -- a meta-estimator whose ``fit`` augments and fits a
  clone of its ``estimator`` (a model or a whole Pipeline), and whose
  prediction, scoring and sampling methods delegate to that fitted clone
  untouched. It is a classifier wherever its estimator is one, so it can
  stand in ``compare`` beside any other model.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from scipy.ndimage import gaussian_filter
from sklearn.base import BaseEstimator, ClassifierMixin, MetaEstimatorMixin, clone
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.params import ParameterChecks
from genvsdisc.preprocessing._images import pixel_grid, resolve_image_shape, warp

__all__ = ["augment_images", "image_copies", "Augmented"]


def _shifted(images: np.ndarray, dr: int, dc: int) -> np.ndarray:
    """Each image moved ``dr`` rows down and ``dc`` columns right, zeros shifted in."""
    out = np.zeros_like(images)
    h, w = images.shape[1:]
    out[:, max(dr, 0) : h + min(dr, 0), max(dc, 0) : w + min(dc, 0)] = images[
        :, max(-dr, 0) : h + min(-dr, 0), max(-dc, 0) : w + min(-dc, 0)
    ]
    return out


def _affine(images: np.ndarray, degrees: float = 0.0, scale: float = 1.0) -> np.ndarray:
    """Each image turned ``degrees`` anticlockwise and zoomed by ``scale`` about its centre.

    Bilinear; outside the frame is background (0). ``scale`` > 1 enlarges the digit.
    """
    h, w = images.shape[1:]
    rows, cols = pixel_grid((h, w))
    r, c = rows - (h - 1) / 2, cols - (w - 1) / 2
    t = np.deg2rad(degrees)
    # The output pixel reads the input at the inverse rotation and zoom of its position.
    src_r = (np.cos(t) * r - np.sin(t) * c) / scale + (h - 1) / 2
    src_c = (np.sin(t) * r + np.cos(t) * c) / scale + (w - 1) / 2
    n = len(images)
    return warp(images, np.broadcast_to(src_r, (n, h, w)), np.broadcast_to(src_c, (n, h, w)))


def _elastic(images: np.ndarray, alpha: float, sigma: float, rng) -> np.ndarray:
    """Each image under its own smooth random displacement (Simard et al. 2003).

    A field of uniform(-1, 1) displacements per pixel, smoothed by a Gaussian
    of ``sigma`` pixels and scaled by ``alpha``, moves every pixel a little and
    its neighbours alike: the wobble of a pen stroke, which no affine map makes.
    """
    n, h, w = images.shape
    rows, cols = pixel_grid((h, w))
    field = rng.uniform(-1.0, 1.0, size=(2, n, h, w))
    field = alpha * gaussian_filter(field, sigma=(0, 0, sigma, sigma), mode="constant")
    return warp(images, rows[None] + field[0], cols[None] + field[1])


def _moves(shift: int, diagonal: bool) -> list[tuple[int, int]]:
    """The (rows, columns) offsets of the shifted copies."""
    if shift <= 0:
        return []
    moves = [(shift, 0), (-shift, 0), (0, shift), (0, -shift)]
    if diagonal:
        moves += [(shift, shift), (shift, -shift), (-shift, shift), (-shift, -shift)]
    return moves


def image_copies(images, *, shift=1, diagonal=False, angles=(), scales=()) -> list[np.ndarray]:
    """``[images, shifted..., rotated..., scaled...]``, each (n, h, w).

    The one home of the transformations both training-time augmentation
    (:func:`augment_images`) and test-time variants
    (:func:`~genvsdisc.preprocessing.tta.transform_variants`) use.
    """
    copies = [images] + [_shifted(images, dr, dc) for dr, dc in _moves(shift, diagonal)]
    copies += [_affine(images, degrees=float(a)) for a in angles]
    copies += [_affine(images, scale=float(s)) for s in scales]
    return copies


def augment_images(
    X,
    y,
    *,
    image_shape=None,
    shift=1,
    angles=(-10.0, 10.0),
    diagonal=False,
    scales=(),
    elastic=0,
    elastic_alpha=8.0,
    elastic_sigma=3.0,
    random_state=0,
):
    """The rows of ``X`` followed by their shifted, rotated and scaled copies.

    Parameters
    ----------
    X : array-like (n, h*w)
        Images as rows, no NaN.
    y : array-like (n,)
    image_shape : (height, width) or None, default=None
        None: square images.
    shift : int >= 0, default=1
        Copies moved by this many pixels up, down, left and right (0: none).
    angles : sequence of float, default=(-10, 10)
        One rotated copy per angle, in degrees.
    diagonal : bool, default=False
        Also the four diagonal shifts (8 shifted copies in all).
    scales : sequence of float > 0, default=()
        One copy zoomed about the centre per factor (e.g. 0.9, 1.1).
    elastic : int >= 0, default=0
        Elastically distorted copies of each image (Simard et al. 2003).
    elastic_alpha, elastic_sigma : float, default=8.0, 3.0
        Their strength (pixels per unit of the smoothed field) and smoothness (pixels).
    random_state : int or RandomState, default=0
        Seeds the elastic fields.

    Returns
    -------
    X_aug : ndarray (n * (1 + shifted + len(angles) + len(scales) + elastic), h*w)
    y_aug : ndarray of the same length: each copy keeps its row's label
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    shape = resolve_image_shape(image_shape, X.shape[1], "augment_images")
    if any(float(s) <= 0 for s in scales):
        raise ParameterError(f"augment_images: scales must be > 0; got {list(scales)!r}.")
    images = X.reshape(len(X), *shape)
    copies = image_copies(images, shift=shift, diagonal=diagonal, angles=angles, scales=scales)
    rng = check_random_state(random_state)
    copies += [_elastic(images, elastic_alpha, elastic_sigma, rng) for _ in range(int(elastic))]
    X_aug = np.concatenate(copies).reshape(-1, X.shape[1])
    return X_aug, np.tile(y, len(copies))


#: Constraints of the transformation parameters both meta-estimators take.
TRANSFORM_CONSTRAINTS = {
    "image_shape": ["array-like", None],
    "shift": [Interval(Integral, 0, None, closed="left")],
    "angles": ["array-like"],
    "diagonal": ["boolean"],
    "scales": ["array-like"],
}


def transform_kwargs(est) -> dict:
    """The transformation parameters of ``est`` as :func:`image_copies` keywords."""
    return {
        "image_shape": est.image_shape,
        "shift": est.shift,
        "angles": [float(a) for a in np.ravel(est.angles)],
        "diagonal": est.diagonal,
        "scales": [float(v) for v in np.ravel(est.scales)],
    }


def _estimator_has(name):
    def check(self):
        return hasattr(self.estimator_ if hasattr(self, "estimator_") else self.estimator, name)

    return check


class Augmented(ParameterChecks, MetaEstimatorMixin, ClassifierMixin, BaseEstimator):
    """Fit ``estimator`` on augmented images; predict with it on the rows as given.

    Parameters
    ----------
    estimator : classifier
        Any scikit-learn classifier or Pipeline ending in one (a genvsdisc
        model, possibly behind ``Deskew`` and ``Blur``).
    image_shape : (height, width) or None, default=None
        None: square images.
    shift : int >= 0, default=1
        Pixels of the four shifted copies (0: none).
    angles : tuple of float, default=(-10, 10)
        Degrees of the rotated copies.
    diagonal : bool, default=False
        Also the four diagonal shifts.
    scales : tuple of float > 0, default=()
        Zoom factors of the scaled copies.

    Attributes
    ----------
    estimator_ : the fitted clone
    classes_ : ndarray (K,)
    n_features_in_ : int
    n_train_rows_ : int
        Rows the clone was fitted on (the given rows and their copies).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from sklearn.linear_model import LogisticRegression
    >>> X, y = load_digits(return_X_y=True)
    >>> model = Augmented(LogisticRegression(max_iter=200), angles=()).fit(X[:100] / 16, y[:100])
    >>> model.n_train_rows_
    500
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"])],
        **TRANSFORM_CONSTRAINTS,
    }

    def __init__(
        self,
        estimator,
        *,
        image_shape=None,
        shift=1,
        angles=(-10.0, 10.0),
        diagonal=False,
        scales=(),
    ):
        self.estimator = estimator
        self.image_shape = image_shape
        self.shift = shift
        self.angles = angles
        self.diagonal = diagonal
        self.scales = scales

    def fit(self, X, y, **fit_params):
        """Augment (X (n, h*w), y (n,)) and fit a clone of ``estimator`` on the result."""
        self._check_params()
        X, y = validate_data(self, X, y, dtype=np.float64)
        X_aug, y_aug = augment_images(X, y, **transform_kwargs(self))
        self.estimator_ = clone(self.estimator).fit(X_aug, y_aug, **fit_params)
        self.classes_ = self.estimator_.classes_
        self.n_train_rows_ = len(X_aug)
        return self

    @property
    def family(self):
        """The wrapped model's family ("generative" / "discriminative"), None if it has none."""
        return getattr(self.estimator, "family", None)

    @available_if(_estimator_has("partial_fit"))
    def partial_fit(self, X, y, **fit_params):
        """Augment one batch (X (n, h*w), y (n,)) and pass it to the clone's ``partial_fit``.

        The first call clones ``estimator``; each batch's copies join it as they come,
        so a model with exact sufficient statistics ends as :meth:`fit` on all the rows.
        """
        first = not hasattr(self, "estimator_")
        if first:
            self._check_params()
            self.estimator_, self.n_train_rows_ = clone(self.estimator), 0
        X, y = validate_data(self, X, y, dtype=np.float64, reset=first)
        X_aug, y_aug = augment_images(X, y, **transform_kwargs(self))
        self.estimator_.partial_fit(X_aug, y_aug, **fit_params)
        self.classes_ = self.estimator_.classes_
        self.n_train_rows_ += len(X_aug)
        return self

    def predict(self, X):
        """The fitted estimator's predictions for ``X`` (n, h*w) -> (n,)."""
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """p(y|x), shape (n, K)."""
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """log p(y|x), shape (n, K)."""
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(X)

    @available_if(_estimator_has("predict_joint_log_proba"))
    def predict_joint_log_proba(self, X):
        """log p(x, y) of a generative estimator, shape (n, K)."""
        check_is_fitted(self)
        return self.estimator_.predict_joint_log_proba(X)

    @available_if(_estimator_has("score_samples"))
    def score_samples(self, X):
        """The fitted estimator's log-density of each row, shape (n,)."""
        check_is_fitted(self)
        return self.estimator_.score_samples(X)

    @available_if(_estimator_has("sample"))
    def sample(self, n_samples=1, y=None, random_state=None, **options):
        """The fitted estimator's draws (see its ``sample``)."""
        check_is_fitted(self)
        return self.estimator_.sample(n_samples, y=y, random_state=random_state, **options)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags
