"""The spoken_digits built-in: shape, credit, and the shared-speakers note."""

from __future__ import annotations

import numpy as np

from genvsdisc.data import load
from genvsdisc.data.builtins import BUILTINS
from genvsdisc.models.audio.frames import clip_lengths


def test_spoken_digits_loads_as_nan_padded_frames():
    ds = load("spoken_digits")
    spec = BUILTINS["spoken_digits"]
    assert ds.modality == "audio" and ds.X.shape == (spec.rows, spec.features)
    assert ds.frame_shape == (92, 13) and ds.classes == [str(k) for k in range(10)]
    lengths = clip_lengths(ds.X.reshape(len(ds.X), 92, 13))
    assert lengths.sum() == 53_999 and lengths.min() == 6
    assert np.bincount(ds.y).tolist() == [300] * 10
    assert any("share speakers" in n for n in ds.notes)
    assert "CC BY-SA 4.0" in ds.description
    part = ds.subset(np.arange(5))
    assert part.frame_shape == ds.frame_shape and part.X.shape == (5, 92 * 13)
