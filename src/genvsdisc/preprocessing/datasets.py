"""Preprocessing a whole image Dataset for ``compare`` (``--preprocess deskew,blur``).

Deskew and Blur learn nothing from the rows (each image is transformed by
its own moments), so applying them to every image before the train/test
split leaks nothing, and every model of the comparison -- artist and
detective alike -- reads the same transformed pixels: like with like. The
missing-pixels experiment then hides pixels of the *preprocessed* images
(the steps refuse NaN; see :mod:`.transformers`). Augmentation adds training
rows, so it is not a step here: use :class:`~genvsdisc.preprocessing.Augmented`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from genvsdisc.exceptions import ParameterError, unknown_name_error
from genvsdisc.preprocessing.transformers import Blur, Deskew

__all__ = ["STEPS", "parse_preprocess", "preprocess_dataset"]

#: The steps ``--preprocess`` may name, in the order they may be given.
STEPS = {"deskew": Deskew, "blur": Blur}


def parse_preprocess(value) -> tuple[str, ...]:
    """Step names from ``"deskew,blur"`` or a list; () for None / "" / "none"."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    steps = tuple(s.strip() for s in items if s.strip() and s.strip() != "none")
    for s in steps:
        if s not in STEPS:
            raise unknown_name_error("preprocessing step", s, STEPS)
    if len(set(steps)) != len(steps):
        raise ParameterError(f"--preprocess: each step at most once; got {','.join(steps)}.")
    return steps


def preprocess_dataset(ds, steps):
    """A copy of image Dataset ``ds`` with every image passed through ``steps`` in order.

    Parameters
    ----------
    ds : Dataset
        Image data (``modality == "image"``), no NaN pixels.
    steps : sequence of str
        Names in :data:`STEPS`.

    Returns
    -------
    Dataset
        Same rows and labels; ``info["preprocessing"]`` lists the steps and the
        description says them.
    """
    steps = parse_preprocess(steps)
    if not steps:
        return ds
    if ds.modality != "image":
        raise ParameterError(
            f"--preprocess {','.join(steps)}: reads images, but {ds.name} is {ds.modality} data."
        )
    if np.isnan(ds.X).any():
        raise ParameterError(
            f"--preprocess: {ds.name} has missing pixels (NaN); deskewing and blurring need "
            "whole images -- preprocess before hiding pixels, or drop those rows."
        )
    X = ds.X
    for name in steps:
        X = STEPS[name](image_shape=ds.image_shape).fit_transform(X)
    label = " + ".join(steps)
    return dataclasses.replace(
        ds,
        X=X,
        description=f"{ds.description}; preprocessed: {label}",
        info={**ds.info, "preprocessing": list(steps)},
    )
