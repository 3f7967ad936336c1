"""Flat pixel rows <-> image tensors, augmentation, and the [0, 1] range pixel models need."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from genvsdisc.exceptions import DataError, ParameterError

__all__ = [
    "resolve_image_shape",
    "rows_to_images",
    "to_image_tensor",
    "random_affine",
    "check_unit_range",
]


def resolve_image_shape(image_shape, n_features: int) -> tuple[int, int, int]:
    """(height, width, channels) of flattened images with ``n_features`` pixels.

    ``image_shape`` None means a square single-channel image; otherwise
    (h, w) or (h, w, c) whose product must equal ``n_features``.
    """
    if image_shape is None:
        side = int(round(np.sqrt(n_features)))
        if side * side != n_features:
            raise ParameterError(
                f"image_shape: X has {n_features} features, which is not a square image; "
                "pass image_shape=(height, width) or (height, width, channels)."
            )
        return side, side, 1
    shape = tuple(int(s) for s in image_shape)
    if len(shape) == 2:
        shape = (*shape, 1)
    if len(shape) != 3 or min(shape) < 1 or int(np.prod(shape)) != n_features:
        raise ParameterError(
            f"image_shape: expected (height, width[, channels]) whose product is the "
            f"{n_features} features of X; got {image_shape!r}."
        )
    return shape


def rows_to_images(t: torch.Tensor, shape) -> torch.Tensor:
    """Flat rows (n, h*w*c), row-major as in :class:`~genvsdisc.data.Dataset` -> (n, c, h, w)."""
    h, w, c = shape
    return t.reshape(len(t), h, w, c).permute(0, 3, 1, 2).contiguous()


def to_image_tensor(X: np.ndarray, shape, device) -> torch.Tensor:
    """NumPy rows (n, h*w*c) -> float32 image tensor (n, c, h, w) on ``device``."""
    t = torch.as_tensor(np.ascontiguousarray(X), dtype=torch.float32, device=device)
    return rows_to_images(t, shape)


def random_affine(x: torch.Tensor, strength: float) -> torch.Tensor:
    """Random shift, rotation and zoom of a batch (B, C, H, W), for training only.

    ``strength`` is the largest shift as a fraction of the side; the rotation
    reaches ``strength * 100`` degrees and the zoom ``1 +- strength``.
    """
    if strength <= 0:
        return x
    B = x.shape[0]
    angle = (torch.rand(B, device=x.device) * 2 - 1) * np.deg2rad(100 * strength)
    scale = 1 + (torch.rand(B, device=x.device) * 2 - 1) * strength
    shift = (torch.rand(B, 2, device=x.device) * 2 - 1) * 2 * strength  # grid spans [-1, 1]
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin, shift[:, 0]], 1), torch.stack([sin, cos, shift[:, 1]], 1)], 1
    )  # (B, 2, 3)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, padding_mode="zeros", align_corners=False)


def check_unit_range(X: np.ndarray, model_name: str, where: str) -> None:
    """Pixel models need X in [0, 1] (NaN, a missing pixel, is let through)."""
    lo, hi = np.nanmin(X), np.nanmax(X)
    if lo < 0 or hi > 1:
        raise DataError(
            f"X ({where}): {model_name} models pixel intensities in [0, 1]; found values from "
            f"{lo:.4g} to {hi:.4g}. Scale the features to [0, 1] first."
        )
