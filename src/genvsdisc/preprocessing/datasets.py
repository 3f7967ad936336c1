"""Preprocessing a whole image Dataset for ``compare`` (``--preprocess deskew,normalize,blur``).

Deskew, MomentNormalize and Blur learn nothing from the rows (each image is
transformed by its own moments), so applying them to every image before the
train/test split leaks nothing, and every model of the comparison -- artist and
detective alike -- reads the same transformed pixels: like with like. The
missing-pixels experiment then hides pixels of the *preprocessed* images
(the steps refuse NaN; see :mod:`.transformers`).

Augmentation adds training rows, so it cannot touch the Dataset: ``augment``
is only recorded here (``info["preprocessing"]``, always last, since it runs
at fit time on the already deskewed / blurred rows), and ``compare`` wraps
every model of the run in :class:`~genvsdisc.preprocessing.Augmented` (see
:func:`genvsdisc.experiments.common.make_model`): each training fit sees the
shifted and rotated copies, the test rows stay as they are.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from genvsdisc.exceptions import ParameterError, unknown_name_error
from genvsdisc.preprocessing._images import resolve_image_shape
from genvsdisc.preprocessing.transformers import Blur, Deskew, MomentNormalize

__all__ = ["STEPS", "AUGMENT", "parse_preprocess", "preprocess_dataset", "augment_shape"]

#: The row-to-row steps ``--preprocess`` may name, applied in the order given.
STEPS = {"deskew": Deskew, "normalize": MomentNormalize, "blur": Blur}
#: The training-time step ``--preprocess`` may also name (see :class:`.Augmented`).
AUGMENT = "augment"


def parse_preprocess(value) -> tuple[str, ...]:
    """Step names from ``"deskew,blur"`` or a list; () for None / "" / "none"."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    steps = tuple(s.strip() for s in items if s.strip() and s.strip() != "none")
    for s in steps:
        if s not in STEPS and s != AUGMENT:
            raise unknown_name_error("preprocessing step", s, [*STEPS, AUGMENT])
    if len(set(steps)) != len(steps):
        raise ParameterError(f"--preprocess: each step at most once; got {','.join(steps)}.")
    return steps


def preprocess_dataset(ds, steps):
    """A copy of image Dataset ``ds`` with every image passed through ``steps`` in order.

    Parameters
    ----------
    ds : Dataset
        Image data (``modality == "image"``), no NaN pixels.
    steps : str or sequence of str
        Names in :data:`STEPS`, and :data:`AUGMENT` (recorded, applied at fit time).

    Returns
    -------
    Dataset
        Same rows and labels; ``info["preprocessing"]`` lists the steps in the
        order they act (``augment`` last) and the description says them.
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
            f"--preprocess: {ds.name} has missing pixels (NaN); deskewing, blurring and "
            "augmenting need whole images -- preprocess before hiding pixels, or drop those rows."
        )
    X = ds.X
    for name in steps:
        if name in STEPS:
            X = STEPS[name](image_shape=ds.image_shape).fit_transform(X)
    steps = tuple(s for s in steps if s != AUGMENT) + ((AUGMENT,) if AUGMENT in steps else ())
    label = " + ".join(steps)
    out = dataclasses.replace(
        ds,
        X=X,
        description=f"{ds.description}; preprocessed: {label}",
        info={**ds.info, "preprocessing": list(steps)},
    )
    augment_shape(out)  # an augmented run's images must read as (h, w): say so now
    return out


def augment_shape(ds) -> tuple[int, int] | None:
    """(height, width) of the images when ``ds`` was preprocessed with ``augment``, else None."""
    if AUGMENT not in ds.info.get("preprocessing", []):
        return None
    shape = resolve_image_shape(ds.image_shape, ds.n_features, "--preprocess augment")
    return (int(shape[0]), int(shape[1]))
