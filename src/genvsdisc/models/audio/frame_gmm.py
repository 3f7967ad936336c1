"""Bag of frames: a Gaussian mixture per class over single MFCC frames.

log p(x | y) is the sum over the clip's observed frames of the class
mixture's log-density: frame order is ignored (the simplest sound model, and
a foil for the HMM, which keeps it). The per-class weighted EM, k-means start
and variance floors are :class:`~genvsdisc.models.generative.mixture.ClassMixture`'s,
run on frames: each frame carries its clip's responsibility, so
semi-supervised EM and ``sample_weight`` work clip by clip. Sampled clips
take a length drawn from the class's training clips.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from sklearn.utils import check_random_state

from genvsdisc.models.audio.frames import as_frames
from genvsdisc.models.audio.hmm import AudioArtist
from genvsdisc.models.generative.mixture import ClassMixture
from genvsdisc.models.params import POSITIVE_INT

__all__ = ["FrameMixture"]


class FrameMixture(AudioArtist, ClassMixture):
    """Per-class Gaussian mixture on frames (bag of frames), diagonal covariances.

    Parameters
    ----------
    frame_size : int, default=13
    n_components : int, default=8
    covariance_type : {"diag", "full", "tied", "spherical"}, default="diag"
    Other parameters as :class:`~genvsdisc.models.generative.mixture.ClassMixture`
    (``reg_covar``, ``standardize``, ``max_iter``, ``tol``, ``random_state``,
    ``priors``, ``unlabeled_weight``, ``em_max_iter``); ``min_rows_per_component``
    counts frames.

    Attributes
    ----------
    mixtures_ : list, one mixture per class, over frames
    length_weight_ : ndarray (K, n_frames + 1)
        Weight of each clip length among each class's training clips (sampling).
    """

    _parameter_constraints = {**ClassMixture._parameter_constraints, "frame_size": POSITIVE_INT}

    def __init__(
        self,
        *,
        frame_size=13,
        priors=None,
        n_components=8,
        covariance_type="diag",
        reg_covar="auto",
        standardize=True,
        min_rows_per_component=40,
        max_components=5,
        max_iter=100,
        tol=1e-3,
        random_state=0,
        unlabeled_weight=1.0,
        em_max_iter=30,
    ):
        super().__init__(
            priors=priors,
            n_components=n_components,
            covariance_type=covariance_type,
            reg_covar=reg_covar,
            standardize=standardize,
            min_rows_per_component=min_rows_per_component,
            max_components=max_components,
            max_iter=max_iter,
            tol=tol,
            random_state=random_state,
            unlabeled_weight=unlabeled_weight,
            em_max_iter=em_max_iter,
        )
        self.frame_size = frame_size

    def _frame_rows(self, X, R=None):
        """Observed frames (m, c), the clip of each (m,), and R spread over frames."""
        frames = as_frames(X, self.frame_size)
        flat = frames.reshape(-1, self.frame_size)
        clip = np.repeat(np.arange(len(frames)), frames.shape[1])
        keep = ~np.isnan(flat).any(axis=1)  # padding, and frames not fully observed
        return flat[keep], clip[keep], None if R is None else R[clip[keep]]

    def _measure_units(self, X, weights):
        AudioArtist._measure_units(self, X, weights)
        frames, clip, _ = self._frame_rows(X)
        w = None if weights is None else weights[clip]
        ClassMixture._measure_units(self, frames, w)

    def _fit_weighted(self, X, R):
        self._check_every_class_weighted(R.sum(axis=0))
        frames, _, Rf = self._frame_rows(X, R)
        super()._fit_weighted(frames, Rf)
        self._clip_priors(X, R)

    def _m_step(self, X, R):
        frames, _, Rf = self._frame_rows(X, R)
        super()._m_step(frames, Rf)
        self._clip_priors(X, R)

    def _clip_priors(self, X, R):
        """Class priors from clips, not frames (a class of long words is not likelier)."""
        self._set_priors(R)
        self._record_lengths(X, R)

    def _joint_log_likelihood(self, X):
        frames = as_frames(X, self.frame_size)
        n, T, c = frames.shape
        flat = frames.reshape(n * T, c)
        seen = ~np.isnan(flat).all(axis=1)  # all-NaN frames contribute log 1
        clip = np.repeat(np.arange(n), T)[seen]
        cols = []
        for m in self.mixtures_:
            per_frame = logsumexp(m.log_pdf(flat[seen]), axis=1)
            cols.append(np.bincount(clip, weights=per_frame, minlength=n))
        return np.column_stack(cols) + self.class_log_prior_

    def _sample_class(self, k, n, rng):
        """n clips of class ``k``: a length from the class's training clips, then that
        many frames drawn independently from its mixture (the bag-of-frames model:
        no frame depends on its neighbours, so nothing keeps a word's shape in time)."""
        rng = check_random_state(rng)
        lengths = self._draw_lengths(k, n, rng)
        frames = ClassMixture._sample_class(self, k, int(lengths.sum()), rng)
        return self._padded(np.split(frames, np.cumsum(lengths)[:-1]))
