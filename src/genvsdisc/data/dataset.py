"""The one shape every data set takes inside genvsdisc."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = ["Dataset", "Modality"]

Modality = Literal["tabular", "image", "text", "audio"]


@dataclass
class Dataset:
    """A labeled data set, ready for any genvsdisc model that accepts its modality.

    Attributes
    ----------
    name : str
        Short name: the built-in name or the file / folder stem.
    X : ndarray
        (n, d) float64 for ``tabular`` and ``image`` (pixels flattened row-major,
        scaled to [0, 1]); (n,) object array of str for ``text``; for ``audio``
        (n, T * c) float64: each clip's frames of c coefficients (MFCCs), row-major,
        NaN after the clip's end (see ``frame_shape``).
    y : ndarray (n,)
        Integer class indices into ``classes``.
    classes : list of str
        Class names, ``classes[y[i]]`` is the label of row i.
    modality : {"tabular", "image", "text", "audio"}
    feature_names : list of str
        One per column of X (``["text"]`` for text).
    description : str
        One line: what it is and where it came from.
    image_shape : tuple of int or None
        (height, width) or (height, width, channels) for images.
    frame_shape : tuple of int or None
        (T, c) for audio: at most T frames of c coefficients per clip.
    waveforms : ndarray or None
        Audio with raw sound: (n, samples) float32 in [-1, 1] at ``sample_rate``,
        zero after each clip's end; None when only features exist.
    sample_rate : int or None
        Samples per second of ``waveforms``.
    groups : ndarray (n,) or None
        The group of each row (e.g. the voice that spoke a clip): a train/test
        split keeps each group on one side. None: rows split one by one.
    row_info : dict of str to ndarray (n,)
        Per-row facts (e.g. each clip's voice, speed, SNR); subsets keep them aligned.
    encoder : object or None
        For user tables: the fitted column transformer that turns new raw rows
        into the same feature columns (``encoder.transform(frame)``).
    notes : list of str
        What the loader did that the user should know (dropped id columns,
        skipped files, resized images...). ``genvsdisc inspect`` prints them.
    info : dict
        Loader facts for ``inspect``: column kinds, missing counts, source path.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    classes: list[str]
    modality: Modality
    feature_names: list[str]
    description: str
    image_shape: tuple[int, ...] | None = None
    encoder: Any = None
    notes: list[str] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    frame_shape: tuple[int, int] | None = None
    waveforms: np.ndarray | None = None
    sample_rate: int | None = None
    groups: np.ndarray | None = None
    row_info: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_samples(self) -> int:
        return len(self.y)

    @property
    def n_features(self) -> int | None:
        """Number of feature columns; None for raw text."""
        return None if self.modality == "text" else int(self.X.shape[1])

    @property
    def labels(self) -> np.ndarray:
        """Class names per row, shape (n,)."""
        return np.asarray(self.classes, dtype=object)[self.y]

    def class_counts(self) -> dict[str, int]:
        counts = np.bincount(self.y, minlength=len(self.classes))
        return {c: int(k) for c, k in zip(self.classes, counts, strict=True)}

    def subset(self, rows) -> Dataset:
        """A Dataset with only ``rows`` (index array or mask); same classes and encoder."""
        return Dataset(
            name=self.name,
            X=self.X[rows],
            y=self.y[rows],
            classes=list(self.classes),
            modality=self.modality,
            feature_names=list(self.feature_names),
            description=self.description,
            image_shape=self.image_shape,
            encoder=self.encoder,
            notes=list(self.notes),
            info=dict(self.info),
            frame_shape=self.frame_shape,
            waveforms=None if self.waveforms is None else self.waveforms[rows],
            sample_rate=self.sample_rate,
            groups=None if self.groups is None else self.groups[rows],
            row_info={k: v[rows] for k, v in self.row_info.items()},
        )

    def pooled(self, other: Dataset) -> Dataset:
        """The rows of ``self`` then those of ``other`` (same classes; e.g. train and test)."""

        def both(a, b):
            return None if a is None or b is None else np.concatenate([a, b])

        out = self.subset(slice(None))
        out.X, out.y = np.concatenate([self.X, other.X]), np.concatenate([self.y, other.y])
        out.waveforms = both(self.waveforms, other.waveforms)
        out.groups = both(self.groups, other.groups)
        out.row_info = {
            k: np.concatenate([v, other.row_info[k]])
            for k, v in self.row_info.items()
            if k in other.row_info
        }
        return out
