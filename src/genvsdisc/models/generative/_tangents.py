"""Tangent vectors of an image: the directions small transformations move it in pixel space.

Simard, LeCun & Denker's tangent distance (1993) makes a classifier
insensitive to small shifts, rotations, scalings, shears and stroke-width
changes by allowing each prototype to move along the tangents of those
transformations. Keysers, Macherey, Ney & Dahmen ("Adaptation in statistical
pattern recognition using tangent vectors", IEEE PAMI 26(2), 2004) made this a
density: a Gaussian whose covariance gains gamma^2 T T^T, T the tangents of its
mean. :class:`~genvsdisc.models.generative.ppca_mixture.PPCAMixture` adds
``gamma * T`` as fixed columns of each component's loadings (``tangents=``).

A transformation with parameter a moves the point p (x right, y down, from the
image centre) to p + a v(p); the transformed image is I_a(p) = I(p - a v(p)),
so its tangent at a = 0 is -grad I . v. Coordinates are divided by a quarter
of the image side, so a unit parameter moves a point a quarter-side from the
centre by one pixel: one ``tangent_scale`` suits every transformation.
Written by hand (scipy.ndimage has the filters, not the tangents).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter

from genvsdisc.exceptions import ParameterError

__all__ = ["TANGENT_NAMES", "check_tangents", "image_tangents"]

#: name -> the displacement field v(x, y) of the transformation (None: thickness).
_FIELDS = {
    "x_shift": lambda x, y: (np.ones_like(x), np.zeros_like(y)),
    "y_shift": lambda x, y: (np.zeros_like(x), np.ones_like(y)),
    "rotation": lambda x, y: (-y, x),
    "scaling": lambda x, y: (x, y),
    "axis_deformation": lambda x, y: (x, -y),
    "diagonal_deformation": lambda x, y: (y, x),
    "thickness": None,
}
#: The seven tangents of Simard et al.: two shifts, rotation, scaling, two
#: hyperbolic (shear-like) deformations and line thickness.
TANGENT_NAMES = tuple(_FIELDS)


def image_tangents(images, image_shape, names=TANGENT_NAMES, smoothing=0.0):
    """Tangent vectors of each flattened image for the transformations ``names``.

    Parameters
    ----------
    images : ndarray (n, h * w)
        Row-major flattened images (e.g. the component means).
    image_shape : tuple (h, w)
    names : sequence of str, default=TANGENT_NAMES
        Any of ``TANGENT_NAMES``.
    smoothing : float >= 0, default=0.0
        Gaussian sigma (pixels) applied before the gradients are taken
        (central differences); 0 for images that are smooth already.

    Returns
    -------
    ndarray (n, h * w, len(names))
        Column j of row i is d I_a / d a of image i under transformation
        ``names[j]``: one pixel of displacement per unit at a quarter-side
        from the centre; thickness is grey dilation's rate, |grad I| per pixel.
    """
    h, w = image_shape
    imgs = np.asarray(images, dtype=float).reshape(-1, h, w)
    if smoothing > 0:
        imgs = gaussian_filter(imgs, sigma=(0, smoothing, smoothing))
    grad_y, grad_x = np.gradient(imgs, axis=(1, 2))  # (n, h, w) each
    unit = min(h, w) / 4
    rows, cols = np.mgrid[:h, :w]
    x, y = (cols - (w - 1) / 2) / unit, (rows - (h - 1) / 2) / unit
    out = []
    for name in names:
        field = _FIELDS[name]
        if field is None:  # growing a stroke by one pixel raises each pixel by |grad I|
            out.append(np.hypot(grad_x, grad_y))
        else:
            vx, vy = field(x, y)
            out.append(-(grad_x * vx + grad_y * vy))
    return np.stack(out, axis=-1).reshape(len(imgs), h * w, len(names))


def check_tangents(tangents, image_shape, n_features):
    """The tangent names and the (h, w) image shape ``PPCAMixture`` will use.

    ``tangents`` None, "all" or a sequence of ``TANGENT_NAMES``; ``image_shape``
    None (a square image) or (h, w) with h * w = ``n_features``. Raises
    ParameterError naming the parameter, what was expected and what was found.
    """
    if tangents is None:
        return (), None
    names = TANGENT_NAMES if isinstance(tangents, str) and tangents == "all" else tangents
    names = tuple(names) if not isinstance(names, str) else (names,)
    bad = [n for n in names if n not in _FIELDS]
    if bad or not names or len(set(names)) < len(names):
        raise ParameterError(
            f"The 'tangents' parameter of PPCAMixture must be 'all' or distinct names "
            f"among {', '.join(TANGENT_NAMES)}. Got {tangents!r} instead."
        )
    if image_shape is None:
        side = int(round(np.sqrt(n_features)))
        shape = (side, side)
    else:
        shape = tuple(int(s) for s in np.ravel(image_shape))
    if len(shape) != 2 or min(shape) < 3 or shape[0] * shape[1] != n_features:
        raise ParameterError(
            f"The 'image_shape' parameter of PPCAMixture must be (height, width), each >= 3, "
            f"whose product is the {n_features} features of X (None: a square image). "
            f"Got {image_shape!r} instead."
        )
    return names, shape
