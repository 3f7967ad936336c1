"""Decoding, sizing and scaling a folder of class-labelled images (Pillow)."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image

from genvsdisc.data._checks import encode_labels, warn
from genvsdisc.data.dataset import Dataset
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["load_images"]

_SIXTEEN_BIT = {"I", "I;16", "I;16B", "I;16L", "I;16N"}
_GREY = {"1", "L", "LA", "F"} | _SIXTEEN_BIT


def _open(path: Path):
    """The decoded image, or None when Pillow cannot read all of it (damaged, truncated)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's format quirks are not the user's concern
            with Image.open(path) as img:
                img.load()  # decodes every pixel: a truncated file fails here
                return img.copy()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None


def _normalise(img: Image.Image) -> Image.Image:
    """Mode 'F' (grey, [0, 1]) or 'RGB' (colour, 0..255), ready to resize."""
    if img.mode in _SIXTEEN_BIT:
        return Image.fromarray(np.clip(np.asarray(img, dtype=np.float32) / 65535.0, 0, 1))
    if img.mode == "F":
        return Image.fromarray(np.clip(np.asarray(img, dtype=np.float32), 0, 1))
    if img.mode in _GREY:
        return Image.fromarray(np.asarray(img.convert("L"), dtype=np.float32) / 255.0)
    if img.mode == "P" or "transparency" in img.info:
        img = img.convert("RGBA")  # palette transparency must pass through RGBA
    return img.convert("RGB")


def _to_array(img: Image.Image, size: tuple[int, int]) -> np.ndarray:
    """(h, w) or (h, w, 3) float64 in [0, 1]; colour with three equal channels becomes grey."""
    img = _normalise(img)
    if img.size != size:
        img = img.resize(size, Image.Resampling.BILINEAR)  # antialiases when shrinking
    arr = np.asarray(img, dtype=np.float64)
    if arr.ndim == 3:
        arr = arr / 255.0
        if np.array_equal(arr[..., 0], arr[..., 1]) and np.array_equal(arr[..., 0], arr[..., 2]):
            arr = arr[..., 0]
    return np.clip(arr, 0.0, 1.0)


def _target_size(sizes: list[tuple[int, int]], image_size, max_side: int):
    """(width, height) for Pillow, and a note saying where it came from."""
    if image_size is not None:
        h, w = (image_size, image_size) if np.isscalar(image_size) else tuple(image_size)
        if not all(isinstance(v, int | np.integer) and v > 0 for v in (h, w)):
            raise ParameterError(
                f"image_size must be a positive int or (height, width); got {image_size!r}"
            )
        return (int(w), int(h)), f"images brought to {h}x{w} pixels (as asked)"
    (w, h), count = Counter(sizes).most_common(1)[0]
    note = (
        f"images brought to {{}} pixels (most common size {h}x{w}, {count} of {len(sizes)} images"
    )
    scale = min(1.0, max_side / max(w, h))
    if scale < 1.0:
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
        note += f", shrunk so no side exceeds {max_side}"
    return (w, h), note.format(f"{h}x{w}") + ")"


def load_images(
    path: Path, files: dict[str, list[Path]], notes: list[str], *, image_size, max_side
):
    """Decode, size and scale the images; skip unreadable ones with a warning."""
    images, labels, skipped = [], [], []
    for label, paths in files.items():
        for p in paths:
            img = _open(p)
            if img is None:
                skipped.append(f"{label}/{p.name}")
            else:
                images.append(img)
                labels.append(label)
    if skipped:
        message = (
            f"{path}: skipped {len(skipped)} unreadable or truncated image(s) "
            f"(e.g. {', '.join(skipped[:3])})"
        )
        if not images:
            raise DataError(
                f"{path}: no usable images; all {len(skipped)} could not be decoded "
                f"(e.g. {', '.join(skipped[:3])})"
            )
        warn(message)
        notes.append(message)
    size, size_note = _target_size([im.size for im in images], image_size, max_side)
    resized = sum(im.size != size for im in images)
    arrays = [_to_array(im, size) for im in images]
    colour = any(a.ndim == 3 for a in arrays)
    if colour:
        arrays = [a if a.ndim == 3 else np.repeat(a[..., None], 3, axis=2) for a in arrays]
    notes.append(f"{size_note}; {resized} resized")
    notes.append("colour: 3 channels (RGB)" if colour else "greyscale: 1 channel")
    y, classes = encode_labels(labels, where=str(path), what="class folders", notes=notes)
    X = np.stack(arrays).reshape(len(arrays), -1)
    shape = arrays[0].shape
    return Dataset(
        name=path.name,
        X=X,
        y=y,
        classes=classes,
        modality="image",
        feature_names=[f"px_{i}" for i in range(X.shape[1])],
        description=(
            f"{path.name}: {len(y)} images, {'x'.join(map(str, shape))} "
            f"{'colour' if colour else 'grey'}, {len(classes)} class folders"
        ),
        image_shape=tuple(int(v) for v in shape),
        notes=notes,
        info={
            "source": str(path),
            "kinds": {"pixels": X.shape[1]},
            "missing": {},
            "skipped": len(skipped),
        },
    )
