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
from genvsdisc.preprocessing._images import pixel_grid, warp

__all__ = ["TANGENT_NAMES", "check_tangents", "image_tangents", "move_images"]

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


def move_images(images, image_shape, names, params):
    """Each flattened image moved by its own transformation parameters, exactly.

    The six geometric transformations are affine: with parameters a, a point p
    goes to F(p) = p + sum_j a_j v_j(p) = (I + A) p + t, and the moved image
    reads I(F^-1(p)) (bilinear, background 0 outside). To first order this is
    the image plus ``image_tangents(...) @ a``; here the move is exact, so its
    tangents can be taken again where it lands (iterated tangent distance).
    The thickness parameter is not applied (no exact map for it; its tangent
    still acts in the scores).

    Parameters
    ----------
    images : ndarray (n, h * w)
    image_shape : tuple (h, w)
    names : sequence of str
        ``TANGENT_NAMES`` the columns of ``params`` belong to.
    params : ndarray (n, len(names))
        The parameters a, in ``image_tangents``' units.

    Returns
    -------
    ndarray (n, h * w)
    """
    h, w = image_shape
    n = len(images)
    A, t = np.zeros((n, 2, 2)), np.zeros((n, 2))
    ex, ey = np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])  # p = 0, e_x, e_y
    for j, name in enumerate(names):
        if _FIELDS[name] is None:
            continue
        v = np.array(_FIELDS[name](ex, ey), dtype=float)  # (2, 3): the field at 3 points
        t += params[:, j, None] * v[:, 0]
        A += params[:, j, None, None] * (v[:, 1:] - v[:, :1])
    # v is in pixels, its argument in quarter-sides: in pixels about the centre,
    # F(P) = P + t + (A / unit) P.
    rows, cols = pixel_grid((h, w))
    P = np.stack([cols - (w - 1) / 2, rows - (h - 1) / 2])  # (2, h, w)
    inv = np.linalg.inv(np.eye(2) + A / (min(h, w) / 4))  # (n, 2, 2)
    src = np.einsum("nij,njhw->nihw", inv, P[None] - t[:, :, None, None])
    src_cols, src_rows = src[:, 0] + (w - 1) / 2, src[:, 1] + (h - 1) / 2
    moved = warp(np.asarray(images, dtype=float).reshape(n, h, w), src_rows, src_cols)
    return moved.reshape(n, h * w)


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
