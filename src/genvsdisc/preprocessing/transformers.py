"""Deskewing, moment normalisation and blurring: invariance steps any model can take.

All three are stateless scikit-learn transformers on rows of pixels (n, h*w).
They refuse NaN (scikit-learn's one-line "Input X contains NaN" error):
a missing pixel has no value to deskew or blur, and guessing one would hide
the missingness from a model that integrates it out. Preprocess the whole
images first, then hide pixels (the missing-pixels experiment's order).
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from scipy.ndimage import gaussian_filter
from sklearn.base import BaseEstimator, OneToOneFeatureMixin, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.models.params import ParameterChecks
from genvsdisc.preprocessing._images import pixel_grid, resolve_image_shape, warp

__all__ = ["Deskew", "MomentNormalize", "Blur"]


class _ImageStep(ParameterChecks, OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Shared fit/validate of the stateless image steps: learns only the shape."""

    _parameter_constraints: dict = {"image_shape": ["array-like", None]}

    def fit(self, X, y=None):
        """Check ``X`` (n, h*w) and settle ``image_shape_``; nothing is learned from values."""
        self._check_params()
        X = validate_data(self, X, dtype=np.float64)
        self.image_shape_ = resolve_image_shape(self.image_shape, X.shape[1], type(self).__name__)
        return self

    def transform(self, X):
        """The transformed rows, shape (n, h*w)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        images = X.reshape(len(X), *self.image_shape_)
        return self._transform_images(images).reshape(len(X), -1)


def _ink_moments(images, rows, cols):
    """Each image's ink mass, centroid and second central moments, all (n,).

    ``images`` (n, h, w), ``rows`` and ``cols`` the pixel grid. Returns mass, r0,
    c0, var_r, var_c, cov_rc; a blank image's moments are 0 (its mass is 0).
    """
    mass = images.sum(axis=(1, 2))
    safe = np.where(mass > 0, mass, 1.0)
    r0 = np.einsum("nij,ij->n", images, rows) / safe
    c0 = np.einsum("nij,ij->n", images, cols) / safe
    dr = rows[None] - r0[:, None, None]  # (n, h, w)
    dc = cols[None] - c0[:, None, None]
    var_r = np.einsum("nij,nij->n", images, dr**2) / safe
    var_c = np.einsum("nij,nij->n", images, dc**2) / safe
    cov_rc = np.einsum("nij,nij->n", images, dr * dc) / safe
    return mass, r0, c0, var_r, var_c, cov_rc


class Deskew(_ImageStep):
    """Moment-based deskewing: shear each image upright and centre its mass.

    For each image the intensity-weighted centroid (r0, c0) and the skew
    alpha = cov(r, c) / var(r) are measured; the output pixel (r, c) reads the
    input at (r - hr + r0, c - hc + c0 + alpha (r - hr)), with (hr, hc) the
    image centre -- a shear that makes the principal axis vertical. An image
    with no ink (or one row of ink) is only re-centred (alpha = 0).

    Parameters
    ----------
    image_shape : (height, width) or None, default=None
        How a row is read as an image; None: square images.

    Attributes
    ----------
    image_shape_ : tuple (h, w)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 25)); X[0, [2, 7, 12, 17, 22]] = 1  # a vertical bar
    >>> Deskew().fit_transform(X).reshape(5, 5)[:, 2].tolist()
    [1.0, 1.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, *, image_shape=None):
        self.image_shape = image_shape

    def _transform_images(self, images):
        n, h, w = images.shape
        rows, cols = pixel_grid((h, w))
        mass, r0, c0, var_r, _, cov_rc = _ink_moments(images, rows, cols)
        alpha = np.where(var_r > 1e-12, cov_rc / np.where(var_r > 1e-12, var_r, 1.0), 0.0)
        centre = (np.array([h, w]) - 1) / 2.0
        r0 = np.where(mass > 0, r0, centre[0])  # blank images stay where they are
        c0 = np.where(mass > 0, c0, centre[1])
        out_r = rows[None] - centre[0]  # (1, h, w): offsets of each output pixel
        out_c = cols[None] - centre[1]
        src_r = out_r + r0[:, None, None]
        src_c = out_c + c0[:, None, None] + alpha[:, None, None] * out_r
        return warp(images, src_r, src_c)


class MomentNormalize(_ImageStep):
    """Moment normalisation: scale each image to a standard size and a tempered aspect ratio.

    Liu, Nakashima, Sako & Fujisawa ("Handwritten digit recognition: benchmarking
    of state-of-the-art techniques", Pattern Recognition 36, 2003; "... investigation
    of normalization and feature extraction techniques", 37, 2004) found this the
    best-performing normalisation for digit classifiers. Each image's height and
    width are measured as 4 standard deviations of its ink (rows, columns); the
    longer side is mapped to ``size`` times the frame's shorter side, and the
    aspect ratio R = short / long becomes sqrt(sin(pi R / 2)) (their "ARAN"
    function), so a narrow "1" is widened part of the way, never to a square; the
    centroid goes to the centre. Run it after :class:`Deskew` (which makes the
    ink's principal axis vertical). An image with no ink is returned as it is;
    a side thinner than one pixel is read as one pixel.

    Parameters
    ----------
    size : float > 0, default=0.8
        The longer side (4 standard deviations of the ink) as a fraction of the
        frame's shorter side: 0.8 of 28 pixels is 22.4, the median height of
        mnist5k's deskewed training digits (22.3), so a typical digit keeps
        its size.
    image_shape : (height, width) or None, default=None
        How a row is read as an image; None: square images.

    Attributes
    ----------
    image_shape_ : tuple (h, w)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 28 * 28)); X[0].reshape(28, 28)[4:24, 13:15] = 1  # a thin bar
    >>> out = MomentNormalize().fit_transform(X).reshape(28, 28)
    >>> int((out.sum(axis=0) > 0.5).sum()) > 2  # widened beyond its 2 columns
    True
    """

    _parameter_constraints = {
        **_ImageStep._parameter_constraints,
        "size": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, *, size=0.8, image_shape=None):
        self.size = size
        self.image_shape = image_shape

    def _transform_images(self, images):
        n, h, w = images.shape
        rows, cols = pixel_grid((h, w))
        mass, r0, c0, var_r, var_c, _ = _ink_moments(images, rows, cols)
        height = np.maximum(4 * np.sqrt(var_r), 1.0)  # (n,) ink extent in pixels
        width = np.maximum(4 * np.sqrt(var_c), 1.0)
        longer = np.maximum(height, width)
        out_long = self.size * min(h, w)
        out_short = out_long * np.sqrt(np.sin(np.pi / 2 * np.minimum(height, width) / longer))
        zoom_r = np.where(height >= width, out_long, out_short) / height
        zoom_c = np.where(height >= width, out_short, out_long) / width
        centre = (np.array([h, w]) - 1) / 2.0
        # Output pixel p reads the input at centroid + (p - centre) / zoom.
        src_r = (rows[None] - centre[0]) / zoom_r[:, None, None] + r0[:, None, None]
        src_c = (cols[None] - centre[1]) / zoom_c[:, None, None] + c0[:, None, None]
        out = warp(images, src_r, src_c)
        return np.where((mass > 0)[:, None, None], out, images)


class Blur(_ImageStep):
    """Light Gaussian blur of each image (scipy.ndimage.gaussian_filter).

    Blurring makes nearby strokes overlap, so a model comparing pixels is less
    sensitive to one-pixel differences in position.

    Parameters
    ----------
    sigma : float >= 0, default=0.7
        Standard deviation of the kernel in pixels (0: no blur).
    image_shape : (height, width) or None, default=None
        How a row is read as an image; None: square images.

    Attributes
    ----------
    image_shape_ : tuple (h, w)
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> X = np.zeros((1, 25)); X[0, 12] = 1  # one lit pixel in the centre
    >>> blurred = Blur(sigma=1.0).fit_transform(X).reshape(5, 5)
    >>> bool(blurred[2, 2] < 1 and blurred[2, 3] > 0)  # spread onto its neighbours
    True
    """

    _parameter_constraints = {
        **_ImageStep._parameter_constraints,
        "sigma": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, sigma=0.7, image_shape=None):
        self.sigma = sigma
        self.image_shape = image_shape

    def _transform_images(self, images):
        # sigma 0 on the image axis keeps images apart; outside the frame is background (0).
        return gaussian_filter(images, sigma=(0, self.sigma, self.sigma), mode="constant")
