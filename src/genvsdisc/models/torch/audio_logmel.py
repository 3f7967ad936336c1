"""MFCC frame rows <-> fixed-size log-mel "images", for the deep audio models.

Audio rows hold T frames of c MFCCs, NaN after each clip's end
(:mod:`genvsdisc.data.audio`). The torch image models (``cnn``, ``cvae``,
``diffusion``) need a fixed-size picture in [0, 1]. :class:`LogMelImages`
makes one per clip:

1. the log-mel spectrogram the MFCCs stand for: the orthonormal inverse DCT of
   each frame's c coefficients, zero-padded to ``n_mels`` (the inverse of
   librosa's ``mfcc = dct(power_to_db(mel), norm="ortho")[:c]``; with
   ``n_mels=40``, the bands of :data:`genvsdisc.data.audio_io.MFCC_PARAMS`,
   the values are the dB of those bands, smoothed to the c-coefficient envelope);
2. cut or padded to ``n_frames`` frames (default: the 95th percentile of the
   training clips' lengths, so 5 % of those clips lose their tail), the
   padding at the *silence floor*;
3. each band scaled into [``silence``, 1] (``silence`` is 0 by default), from
   a floor just under its quietest training value (the silence floor) to a
   ceiling just over its loudest; unseen values outside that range are clipped.

Rows are flattened band-major, an image of shape (n_mels, n_frames): a row of
it is one band over time. :meth:`LogMelImages.inverse_transform` goes back:
unscale, DCT, keep the first c coefficients, and end the clip after the last
frame louder than the *speech threshold* (half the 1st percentile of the
training frames' mean level), NaN after it. On frames that were neither cut
nor clipped the round trip gives back the MFCCs (float rounding aside): the
inverse DCT of zero-padded coefficients is undone by the DCT.

A frame missing inside a clip (all NaN, before the clip's end) stays a NaN
column of the image; :func:`fill_dropped_frames` interpolates such columns
linearly in time for the models that cannot integrate pixels out.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import scipy.fft
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted, validate_data

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.audio.frames import as_frames, clip_lengths
from genvsdisc.models.params import POSITIVE_INT
from genvsdisc.models.torch._params import RUNTIME_CONSTRAINTS

__all__ = ["LogMelImages", "LogMelInput", "fill_dropped_frames"]

#: Share of each band's training range added below its floor and above its ceiling,
#: so the silence floor sits under every real value and training rows never clip.
MARGIN = 0.05
#: Training clips longer than this percentile of lengths are cut (default n_frames).
LENGTH_PERCENTILE = 95
#: Fitted arrays of the wrapped image model that a save file keeps (as :mod:`.persist`
#: keeps the wrapper's own).
_NET_ARRAYS = ("class_log_prior_", "class_count_", "class_prior_", "feature_min_", "feature_max_")


class LogMelImages(TransformerMixin, BaseEstimator):
    """MFCC frame rows (n, T * c) <-> log-mel images in [0, 1], (n, n_mels * n_frames).

    Parameters
    ----------
    frame_size : int, default=13
        c, coefficients per frame.
    n_mels : int, default=40
        Mel bands of the image (>= ``frame_size``).
    n_frames : int or None, default=None
        Frames of the image; None: the 95th percentile of the training lengths.
    silence : float in [0, 1), default=0.0
        Image value of the silence floor: each band is scaled into [silence, 1].

    Attributes
    ----------
    n_frames_ : int
    n_features_in_ : int
        T * c, the width of the MFCC rows (and of what ``inverse_transform`` returns).
    floor_, ceiling_ : ndarray (n_mels,)
        dB mapped to 0 and to 1 in each band.
    speech_threshold_ : float
        Mean scaled level above which a frame counts as speech.
    """

    def __init__(self, frame_size=13, n_mels=40, n_frames=None, silence=0.0):
        self.frame_size = frame_size
        self.n_mels = n_mels
        self.n_frames = n_frames
        self.silence = silence

    @property
    def image_shape(self) -> tuple[int, int]:
        """(height, width) = (n_mels, n_frames_) of the flattened images."""
        return int(self.n_mels), int(self.n_frames_)

    def _db(self, X):
        """Rows (n, T * c) -> dB spectrograms (n, T, n_mels) and clip lengths (n,)."""
        c = int(self.frame_size)
        if self.n_mels < c:
            raise ParameterError(
                f"n_mels must be at least frame_size ({c}) to keep every MFCC; got {self.n_mels}."
            )
        frames = as_frames(X, c)
        padded = np.zeros((*frames.shape[:2], int(self.n_mels)))
        padded[..., :c] = frames
        return scipy.fft.idct(padded, type=2, axis=2, norm="ortho"), clip_lengths(frames)

    def fit(self, X, y=None):
        """Learn the frame count, the band floors and ceilings and the speech threshold."""
        db, lengths = self._db(X)
        self.n_features_in_ = db.shape[1] * int(self.frame_size)
        if self.n_frames is None:
            n = int(np.ceil(np.percentile(np.maximum(lengths, 1), LENGTH_PERCENTILE)))
        else:
            n = int(self.n_frames)
        self.n_frames_ = max(1, min(n, db.shape[1]))
        seen = db[~np.isnan(db).any(axis=2)]  # (frames, n_mels): every observed frame
        lo, hi = seen.min(axis=0), seen.max(axis=0)
        pad = MARGIN * (hi - lo) + 1e-6
        self.floor_, self.ceiling_ = lo - pad, hi + pad
        levels = self._scale(seen).mean(axis=1)
        # halfway between silence and the quietest 1 % of real frames
        self.speech_threshold_ = self.silence + 0.5 * (
            float(np.percentile(levels, 1)) - self.silence
        )
        return self

    def _scale(self, db):
        unit = np.clip((db - self.floor_) / (self.ceiling_ - self.floor_), 0.0, 1.0)
        return self.silence + (1.0 - self.silence) * unit

    def transform(self, X):
        """Images (n, n_mels * n_frames_) in [0, 1]; 0 after a clip's end, NaN for a dropped frame."""
        check_is_fitted(self)
        db, lengths = self._db(X)
        T = self.n_frames_
        img = np.full((len(db), T, int(self.n_mels)), float(self.silence))  # the silence floor
        inside = np.arange(T)[None, :] < lengths[:, None]  # (n, T)
        # _scale keeps NaN: a frame missing inside a clip stays a NaN column
        scaled = self._scale(db[:, :T]) if db.shape[1] >= T else self._scale(db)
        img[:, : scaled.shape[1]] = np.where(
            inside[:, : scaled.shape[1], None], scaled, float(self.silence)
        )
        return img.transpose(0, 2, 1).reshape(len(db), -1)  # band-major (n_mels, T)

    def inverse_transform(self, images):
        """MFCC rows (n, T * c) from images (n, n_mels * n_frames_); NaN after the speech ends.

        A clip keeps at least one frame, even when every frame is under the
        speech threshold.
        """
        check_is_fitted(self)
        c, T = int(self.frame_size), self.n_frames_
        img = np.asarray(images, dtype=np.float64).reshape(len(images), int(self.n_mels), T)
        img = img.transpose(0, 2, 1)  # (n, T, n_mels)
        loud = img.mean(axis=2) > self.speech_threshold_  # (n, T)
        lengths = np.where(loud.any(axis=1), T - np.argmax(loud[:, ::-1], axis=1), 1)
        unit = (img - self.silence) / (1.0 - self.silence)
        db = self.floor_ + unit * (self.ceiling_ - self.floor_)
        mfcc = scipy.fft.dct(db, type=2, axis=2, norm="ortho")[..., :c]  # (n, T, c)
        out = np.full((len(img), self.n_features_in_ // c, c), np.nan)
        for i, L in enumerate(lengths):
            out[i, :L] = mfcc[i, :L]
        return out.reshape(len(img), -1)


def fill_dropped_frames(images, shape, silence: float = 0.0) -> np.ndarray:
    """Images (n, h * w) with NaN columns (dropped frames) filled by linear interpolation in time.

    Each band is interpolated between the nearest observed frames on either
    side (``np.interp``; the nearest one at the edges). A row with no observed
    frame (every frame it shows was dropped) becomes ``silence``.
    """
    h, w = shape
    img = np.array(images, dtype=np.float64).reshape(len(images), h, w)
    t = np.arange(w)
    for row in img:
        missing = np.isnan(row).any(axis=0)  # (w,)
        if not missing.any():
            continue
        if missing.all():
            row[:] = silence
            continue
        for band in row:
            band[missing] = np.interp(t[missing], t[~missing], band[~missing])
    return img.reshape(len(img), -1)


class LogMelInput:
    """Mixin of the deep audio models: MFCC rows in, a torch image model on their log-mel images.

    The model is the composition of a fitted :class:`LogMelImages` (``logmel_``)
    and the image model it wraps (``net_``, a fresh ``_inner_class`` built from
    the parameters named in ``_inner_params``), so the image model's training,
    scoring and sampling are used as they are. ``n_features_in_`` stays the
    width of the MFCC rows. Dropped frames are filled in time
    (:func:`fill_dropped_frames`) in training rows always, and in scored rows
    unless ``_fills_dropped_frames`` is False (the cvae integrates the NaN
    pixels out instead).

    Saving (:func:`~genvsdisc.models.torch.save_model`): the wrapped model's
    weights keep their own names (so the file's network is checked as the
    image models' are), beside the transform's fitted state (``logmel.*``
    tensors, ``extras["logmel"]``) and the wrapped model's classes and arrays.
    """

    _inner_class: type
    _inner_params: tuple[str, ...] = ()
    _fills_dropped_frames = True
    #: Image value of the silence floor (:class:`LogMelImages`'s ``silence``).
    _silence = 0.0

    @classmethod
    def _constraints(cls, inner: type, names: tuple[str, ...]) -> dict:
        """The wrapped model's constraints of ``names``, plus the transform's."""
        return {
            **{name: inner._parameter_constraints[name] for name in names},
            **RUNTIME_CONSTRAINTS,
            "frame_size": POSITIVE_INT,
            "n_mels": POSITIVE_INT,
            "n_frames": [Interval(Integral, 1, None, closed="left"), None],
        }

    def _raw_rows(self, X, *, reset):
        """MFCC rows (n, T * c) as float64; NaN (a clip's end, a dropped frame) allowed, inf not."""
        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        if np.isinf(X).any():
            raise ParameterError("X contains inf; audio frames must be finite or NaN.")
        as_frames(X, int(self.frame_size))
        return X

    def _fit_images(self, X, weights=None):
        """Fit ``logmel_`` on the training rows ``X`` (n, T * c) and return their images.

        Rows of ``weights`` (n,) 0 are left out of the transform's fit, as the
        image models drop them: a zero weight equals leaving the row out.
        """
        keep = None if weights is None else np.asarray(weights) > 0
        # all weights 0: fit on every row, and let the image model refuse the weights
        kept = X if keep is None or not keep.any() else X[keep]
        self.logmel_ = LogMelImages(self.frame_size, self.n_mels, self.n_frames, self._silence).fit(
            kept
        )
        # the image models train on complete images: a frame dropped from a training clip is
        # filled in time for every model (the cvae integrates such frames out when scoring)
        images = self.logmel_.transform(X)
        return fill_dropped_frames(images, self.logmel_.image_shape, self.logmel_.silence)

    def _images(self, X):
        images = self.logmel_.transform(X)
        if self._fills_dropped_frames:
            images = fill_dropped_frames(images, self.logmel_.image_shape, self.logmel_.silence)
        return images

    def _inner_fit_options(self) -> dict:
        """Parameters of the wrapped model that this model sets itself (none by default)."""
        return {}

    def _new_inner(self, **extra):
        """A fresh wrapped image model with this model's parameters and the image shape."""
        params = {name: getattr(self, name) for name in self._inner_params}
        runtime = {name: getattr(self, name) for name in RUNTIME_CONSTRAINTS}
        return self._inner_class(**params, **runtime, image_shape=self.logmel_.image_shape, **extra)

    # -------------------------------------------------- save / load hooks
    def _build_module(self, arch: dict):
        """The wrapped image model's network of ``arch`` (its build reads ``arch`` only)."""
        return self._inner_class()._build_module(arch)

    def _export_state(self):
        """Tensors and JSON extras of ``net_`` and ``logmel_``, for ``save_model``."""
        import torch  # only to save

        tensors, extras = self.net_._export_state()
        for attr in _NET_ARRAYS:
            if hasattr(self.net_, attr):
                # a copy: the wrapper's class_prior_ (saved too) is the same array
                tensors[f"net.{attr}"] = torch.tensor(np.array(getattr(self.net_, attr)))
        for attr in ("floor_", "ceiling_"):
            tensors[f"logmel.{attr}"] = torch.tensor(getattr(self.logmel_, attr))
        extras["net_classes"] = self.net_.classes_.tolist()
        extras["logmel"] = {
            "silence": float(self.logmel_.silence),
            "n_frames_": int(self.logmel_.n_frames_),
            "n_features_in_": int(self.logmel_.n_features_in_),
            "speech_threshold_": float(self.logmel_.speech_threshold_),
        }
        return tensors, extras

    def _import_state(self, tensors, extras):
        """Rebuild ``logmel_`` and ``net_`` from what :meth:`_export_state` wrote."""
        fitted = extras["logmel"]
        logmel = LogMelImages(self.frame_size, self.n_mels, self.n_frames, fitted["silence"])
        logmel.n_frames_ = int(fitted["n_frames_"])
        logmel.n_features_in_ = int(fitted["n_features_in_"])
        logmel.speech_threshold_ = float(fitted["speech_threshold_"])
        logmel.floor_ = tensors["logmel.floor_"].numpy().copy()
        logmel.ceiling_ = tensors["logmel.ceiling_"].numpy().copy()
        if logmel.floor_.shape != (int(self.n_mels),) or logmel.ceiling_.shape != (
            int(self.n_mels),
        ):
            raise ValueError(f"the log-mel floor and ceiling must have {self.n_mels} bands")
        self.logmel_ = logmel
        net = self._new_inner(**self._inner_fit_options())
        net.classes_ = np.asarray(extras["net_classes"])
        net.n_features_in_ = int(np.prod(logmel.image_shape))
        for attr in _NET_ARRAYS:
            if f"net.{attr}" in tensors:
                setattr(net, attr, tensors[f"net.{attr}"].numpy().copy())
        net._import_state(tensors, extras)
        self.net_ = net
