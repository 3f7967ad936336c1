"""Rows as images: the shape they are read in and one batched warp.

Every invariance step reads each row of ``X`` (n, h*w) as an h x w image.
Warps are done for all images in one call of
:func:`scipy.ndimage.map_coordinates` on the (n, h, w) stack, with the image
index as an exact integer coordinate, so no Python loop runs per image.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.ndimage import map_coordinates

from genvsdisc.exceptions import ParameterError

__all__ = ["resolve_image_shape", "warp", "pixel_grid"]


def resolve_image_shape(image_shape, n_features: int, owner: str) -> tuple[int, int]:
    """``(h, w)`` for rows of ``n_features`` pixels.

    ``image_shape`` None reads square images (28 x 28 for 784 pixels); a
    Dataset's ``image_shape`` is the value to pass. A shape whose product is
    not ``n_features`` (or a non-square count with None) is a ParameterError.
    """
    if image_shape is None:
        side = math.isqrt(n_features)
        if side * side != n_features:
            raise ParameterError(
                f"{owner}: image_shape=None reads square images, but rows have "
                f"{n_features} features (not a square); pass image_shape=(height, width)."
            )
        return side, side
    shape = tuple(int(v) for v in image_shape)
    if len(shape) != 2 or shape[0] * shape[1] != n_features or min(shape) < 1:
        raise ParameterError(
            f"{owner}: image_shape must be (height, width) with height * width == "
            f"{n_features} (the number of features); got {tuple(image_shape)!r}."
        )
    return shape


def pixel_grid(shape: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Row and column index of every pixel, each (h, w) float."""
    rows, cols = np.mgrid[: shape[0], : shape[1]]
    return rows.astype(float), cols.astype(float)


def warp(images: np.ndarray, src_rows: np.ndarray, src_cols: np.ndarray) -> np.ndarray:
    """Resample each image at its own source coordinates (bilinear, zero outside).

    Parameters
    ----------
    images : ndarray (n, h, w)
    src_rows, src_cols : ndarray (n, h, w)
        Where output pixel (i, r, c) reads from in image i.

    Returns
    -------
    ndarray (n, h, w)
    """
    index = np.broadcast_to(np.arange(len(images), dtype=float)[:, None, None], src_rows.shape)
    coords = np.stack([index, src_rows, src_cols])  # (3, n, h, w)
    return map_coordinates(images, coords, order=1, mode="constant", cval=0.0)
