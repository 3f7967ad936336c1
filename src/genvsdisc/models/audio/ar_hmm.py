"""An autoregressive HMM per class: speech frames that follow on from each other.

A Gaussian HMM (:class:`~genvsdisc.models.audio.hmm.ClassHMM`) emits every
frame independently given its state, so its samples jitter from frame to
frame far more than speech does (``benchmarks/sound_generation.py``). Here
each state j predicts every MFCC coefficient from the same coefficient one
frame earlier,

    x[t] | s[t] = j, x[t-1]  ~  N(A_j x[t-1] + b_j, diag(v_j)),

with ``A_j`` a c x c matrix (``ar="full"``, the default) or diagonal (each
coefficient from its own previous value), so the correlation in time is
part of the density: log p(x) is exact (forward algorithm), classification is
Bayes' rule, and samples run through the recursion. A clip's first frame, and
a coefficient whose previous value is missing, come from the state's "free"
Gaussian (:mod:`._ar_math` states the rule and why). Everything else -- the
left-right chain, the uniform-split start, Baum-Welch, the end probabilities,
clip lengths for sampling, ``sample_weight``, priors and semi-supervised EM --
is :class:`ClassHMM`'s.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from genvsdisc.models.audio._ar_math import ARParams, ar_counts, ar_emissions, ar_fit, ar_sample
from genvsdisc.models.audio._hmm_math import HMMParams, emissions, forward, posteriors, sample_paths
from genvsdisc.models.audio.hmm import PSEUDO_COUNT, ClassHMM

__all__ = ["ClassARHMM"]

#: Pseudo-frames of the state's pooled Gaussian (all its frames) mixed into its free
#: Gaussian: most states never hold a clip's first frame, and there the free
#: Gaussian -- used after a dropped frame -- is the state's own spread of frames.
FREE_PRIOR_FRAMES = 1.0


class ClassARHMM(ClassHMM):
    """Autoregressive Gaussian HMM per class (AR(1) per coefficient in each state).

    Parameters
    ----------
    frame_size : int, default=13
    n_states : int, default=12
        12 states with a full AR matrix and ``var_floor=1e-2`` won 3-fold CV on
        spoken_digits' seed-0 training side (``benchmarks/sound.py --tune
        ar_hmm``: 99.1 %; the best diagonal AR, 12 states, 96.2 %).
    ar : {"diagonal", "full"}, default="full"
        diagonal: each coefficient is predicted from its own previous value (one
        a per state and coefficient); full: from the whole previous frame (a
        c x c matrix per state; a coefficient is chained only when the whole
        previous frame is observed).
    topology : {"left-right", "ergodic"}, default="left-right"
    n_iter : int >= 1, default=15
        Baum-Welch iterations per class; the first turns the uniform-split
        Gaussian start into an AR-HMM.
    tol : float, default=1e-3
    var_floor : float, default=1e-2
        Smallest innovation and free variance, as a share of each coefficient's
        variance over all training frames.
    priors : array-like (K,) or None, default=None
    unlabeled_weight : float in [0, 1], default=1.0
    em_max_iter : int, default=10

    Attributes
    ----------
    hmms_ : list of ARParams, one per class
        ``coef`` (S, c), or (S, c, c) if full, ``bias``, ``noise`` (S, c): each
        state's AR(1); ``means``,
        ``variances`` (S, 1, c): its free Gaussians.
    length_weight_, class_prior_, class_log_prior_, classes_, n_iter_
        As :class:`ClassHMM`.

    Examples
    --------
    >>> import numpy as np
    >>> from genvsdisc.models.audio.frames import pad_rows
    >>> rng = np.random.default_rng(0)
    >>> walk = [np.cumsum(rng.normal(size=(12, 2)), axis=0) * s for s in (1, -1) * 5]
    >>> model = ClassARHMM(frame_size=2, n_states=2).fit(pad_rows(walk, 12), [0, 1] * 5)
    >>> model.hmms_[0].coef.shape  # (states, c, c): the full AR matrix of each state
    (2, 2, 2)
    """

    n_mix = 1  # one Gaussian per state: ClassHMM's start reads it
    _parameter_constraints = {
        **{k: v for k, v in ClassHMM._parameter_constraints.items() if k != "n_mix"},
        "n_iter": [Interval(Integral, 1, None, closed="left")],
        "ar": [StrOptions({"diagonal", "full"})],
    }

    def __init__(
        self,
        *,
        frame_size=13,
        n_states=12,
        ar="full",
        topology="left-right",
        n_iter=15,
        tol=1e-3,
        var_floor=1e-2,
        priors=None,
        unlabeled_weight=1.0,
        em_max_iter=10,
    ):
        self.frame_size = frame_size
        self.n_states = n_states
        self.ar = ar
        self.topology = topology
        self.n_iter = n_iter
        self.tol = tol
        self.var_floor = var_floor
        self.priors = priors
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    def _log_emissions(self, frames, h: HMMParams) -> np.ndarray:
        """(n, T, c) -> (n, T, S); a plain HMMParams is the Gaussian start of EM."""
        return ar_emissions(frames, h) if isinstance(h, ARParams) else emissions(frames, h)

    def _e_step(self, frames, lengths, w, p: HMMParams) -> dict:
        """Chain counts (:func:`._hmm_math.posteriors`) and the AR and free-Gaussian
        statistics (:func:`._ar_math.ar_counts`) under the current parameters."""
        gamma, chain = posteriors(self._log_emissions(frames, p), lengths, w, p)
        return {**chain, **ar_counts(frames, gamma, self.ar == "full")}

    def _m(self, counts) -> HMMParams:
        """The chain and free Gaussians by :meth:`ClassHMM._m`, then each state's AR(1)
        by weighted least squares. Counts without ``ar`` are ClassHMM's (the start)."""
        if "ar" not in counts:
            return super()._m(counts)
        pooled, free = counts["pooled"], dict(counts["free"])
        occ = np.maximum(pooled["occ"], 1e-12)
        has = (pooled["occ"] > 0) * FREE_PRIOR_FRAMES
        free["occ"] = free["occ"] + has
        free["x"] = free["x"] + has * pooled["x"] / occ
        free["x2"] = free["x2"] + has * pooled["x2"] / occ
        free["mix"] = free["mix"] + FREE_PRIOR_FRAMES
        p = super()._m({**counts, **free})
        floor = self.var_floor * self.frame_var_
        ar = ar_fit(counts["ar"], PSEUDO_COUNT * self.frame_var_, floor, p)
        return ARParams(**vars(p), **ar)

    def _joint_log_likelihood(self, X):
        frames, lengths = self._clips(X)
        cols = [forward(self._log_emissions(frames, h), lengths, h)[1] for h in self.hmms_]
        return np.column_stack(cols) + self.class_log_prior_

    def _sample_class(self, k, n, rng, *, temperature=1.0):
        """n clips of class ``k``: length and state path as :class:`ClassHMM` draws them,
        then frames through each state's AR recursion (:func:`._ar_math.ar_sample`)."""
        h = self.hmms_[k]
        final = len(h.start) - 1 if self.topology == "left-right" else None
        paths = sample_paths(h, self._draw_lengths(k, n, rng), rng, final)
        return self._padded([ar_sample(h, s, rng, temperature) for s in paths])
