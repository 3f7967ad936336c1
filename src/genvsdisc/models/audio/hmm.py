"""The classic speech recogniser: one Gaussian (or GMM-) HMM per class over MFCC frames.

Each class's clips are modelled by a hidden Markov chain of ``n_states``
states, each emitting frames from a diagonal Gaussian, or from a mixture of
``n_mix`` of them (GMM-HMM, ``gmm_hmm``); a clip ends from each
state with a learned probability, so log p(x) is an exact density over clips
of every length. Classification is Bayes' rule over the classes' HMMs.
Baum-Welch (EM) fits each class from its clips, weighted by their class
responsibilities, so semi-supervised EM over unlabeled clips and
``sample_weight`` come from the generative base unchanged. The forward-backward
pass is in :mod:`._hmm_math` (why it is not hmmlearn's is said there).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from genvsdisc.models.audio._hmm_math import (
    HMMParams,
    emissions,
    expected_counts,
    forward,
    moment_counts,
    sample_emissions,
    sample_paths,
)
from genvsdisc.models.audio.frames import as_frames, clip_lengths, pad_rows
from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.generative._gaussian_math import feature_variances
from genvsdisc.models.params import EM_CONSTRAINTS, POSITIVE_INT

__all__ = ["AudioArtist", "ClassHMM", "ClassGMMHMM"]

#: Pseudo-count added to every allowed transition and end at each M-step, so a
#: path the training clips never took keeps a small probability (a test clip
#: shorter than the states, or with frames dropped, is never impossible).
PSEUDO_COUNT = 1e-2

#: Semi-supervised EM's M-step: one Baum-Welch iteration from the current HMMs
#: (generalised EM: each iteration still raises the objective), and clips whose
#: class responsibility is below ``EM_MIN_RESPONSIBILITY`` left out of that
#: class's counts (HMM posteriors are nearly one-hot: most are 1e-30 or less, and
#: running every pool clip through every class's HMM made EM 10x a plain fit).
EM_BAUM_WELCH_ITER = 1
EM_MIN_RESPONSIBILITY = 1e-6


class AudioArtist(GenerativeClassifier):
    """What the audio artists share: NaN-padded frame rows in, a variance unit per
    coefficient, the training clip lengths, and sampling into padded rows."""

    handles_missing = True

    def _validate_fit_X(self, X, reset=True):
        # NaN after a clip's end is the audio format, not missing data: allowed in fit
        from sklearn.utils.validation import validate_data

        X = validate_data(self, X, reset=reset, dtype=np.float64, ensure_all_finite=False)
        if np.isinf(X).any():
            from genvsdisc.exceptions import ParameterError

            raise ParameterError("X contains inf; audio frames must be finite or NaN.")
        as_frames(X, self.frame_size)
        return X

    def _record_feature_range(self, X, reset, weights=None):
        with warnings.catch_warnings():
            # all-NaN columns: frames no training clip reaches (their range stays NaN)
            warnings.simplefilter("ignore", RuntimeWarning)
            super()._record_feature_range(X, reset, weights)

    def _clips(self, X):
        """Frames (n, T', c) trimmed to the longest clip, and lengths (n,)."""
        frames = as_frames(X, self.frame_size)
        lengths = clip_lengths(frames)
        return frames[:, : max(1, int(lengths.max(initial=1)))], lengths

    def _measure_units(self, X, weights):
        frames = as_frames(X, self.frame_size)
        w = np.ones(len(frames)) if weights is None else np.asarray(weights, dtype=float)
        flat = frames.reshape(-1, self.frame_size)
        w = np.repeat(w, frames.shape[1])
        keep = ~np.isnan(flat).any(axis=1) & (w > 0)  # weighted: a weight of 2 == a repeat
        var = feature_variances(flat[keep], w[keep])
        self.frame_var_ = np.where(var > 0, var, 1.0)
        self.n_frames_ = frames.shape[1]

    def _padded(self, sequences):
        return pad_rows(sequences, self.n_frames_)

    def _record_lengths(self, X, R):
        """``length_weight_`` (K, n_frames + 1): each class's clip lengths, weighted
        by the class responsibilities ``R`` (n, K), for sampling."""
        lengths = clip_lengths(as_frames(X, self.frame_size))
        self.length_weight_ = np.stack(
            [
                np.bincount(lengths, weights=R[:, k], minlength=self.n_frames_ + 1)
                for k in range(R.shape[1])
            ]
        )

    def _draw_lengths(self, k, n, rng) -> np.ndarray:
        """n clip lengths (n,) >= 1 drawn from class ``k``'s training clips."""
        w = self.length_weight_[k].copy()
        w[0] = 0.0  # an empty clip is no sample
        return rng.choice(len(w), size=n, p=w / w.sum())

    def _clip(self, X):
        """Each coefficient kept within its range over all training frames: the range
        at one frame position would hold only the few clips that reach it."""
        c = self.frame_size
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # positions no clip reaches
            lo = np.nanmin(self.feature_min_.reshape(-1, c), axis=0)
            hi = np.nanmax(self.feature_max_.reshape(-1, c), axis=0)
        frames = np.clip(X.reshape(len(X), -1, c), lo, hi)  # NaN padding stays NaN
        return frames.reshape(X.shape)


class ClassHMM(AudioArtist):
    """Gaussian HMM per class (diagonal covariances) on MFCC frame sequences.

    Parameters
    ----------
    frame_size : int, default=13
        Coefficients per frame (rows hold whole frames, NaN after the clip's end).
    n_states : int, default=9
    n_mix : int, default=1
        Gaussians per state (1: a Gaussian HMM; more: a GMM-HMM).
    topology : {"left-right", "ergodic"}, default="left-right"
        left-right: each state moves to itself, the next or the one after
        (Bakis), as in speech recognisers; ergodic: any state to any state.
    n_iter : int, default=15
        Baum-Welch iterations per class.
    tol : float, default=1e-3
        Stop when the weighted mean log-likelihood per clip gains less.
    var_floor : float, default=1e-2
        Smallest state variance, as a share of each coefficient's variance over
        all training frames.
    priors : array-like (K,) or None, default=None
    unlabeled_weight : float in [0, 1], default=1.0
    em_max_iter : int, default=10
        Semi-supervised EM iterations over unlabeled clips.

    Attributes
    ----------
    hmms_ : list of HMMParams, one per class
    length_weight_ : ndarray (K, n_frames + 1)
        Weight of each clip length among each class's training clips (sampling).
    class_prior_, class_log_prior_, classes_, n_iter_ (K,)

    Notes
    -----
    States start from a uniform split of each clip in time; with ``n_mix > 1``
    each state's frames are then cut into equal-weight groups along their first
    principal direction, one per component. Both are deterministic, so the fit
    has no random seed. NaN frames inside a clip are integrated out at
    predict time; in training they carry no statistics.
    """

    semi_supervised = True
    supports_sample_weight = True
    _sample_options = {"temperature": [Interval(Real, 0, 10, closed="right")]}

    _parameter_constraints = {
        **EM_CONSTRAINTS,
        "frame_size": POSITIVE_INT,
        "n_states": POSITIVE_INT,
        "n_mix": POSITIVE_INT,
        "topology": [StrOptions({"left-right", "ergodic"})],
        "n_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "var_floor": [Interval(Real, 0, None, closed="neither")],
        "priors": ["array-like", None],
    }

    def __init__(
        self,
        *,
        frame_size=13,
        n_states=9,
        n_mix=1,
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
        self.n_mix = n_mix
        self.topology = topology
        self.n_iter = n_iter
        self.tol = tol
        self.var_floor = var_floor
        self.priors = priors
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    # ------------------------------------------------------------------ fit
    def _allowed(self):
        S = self.n_states
        if self.topology == "ergodic":
            return np.ones((S, S))
        i, j = np.indices((S, S))
        return ((j >= i) & (j <= i + 2)).astype(float)

    def _fit_weighted(self, X, R, warm=False):
        self._check_every_class_weighted(R.sum(axis=0))
        frames, lengths = self._clips(X)
        hmms = []
        for k in range(R.shape[1]):
            rows = R[:, k] > (EM_MIN_RESPONSIBILITY if warm else 0.0)
            f, L, w = frames[rows], lengths[rows], R[rows, k]
            f = f[:, : max(1, int(L.max()))]
            if warm:
                hmms.append(self._baum_welch(f, L, w, self.hmms_[k], EM_BAUM_WELCH_ITER))
            else:
                start = self._m(self._segment_counts(f, L, w))
                hmms.append(self._baum_welch(f, L, w, start, self.n_iter))
        self.hmms_ = hmms
        self._record_lengths(X, R)
        self._set_class_prior(R.sum(axis=0))
        self.n_iter_ = np.array([h.n_iter for h in hmms])

    def _m_step(self, X, R):
        """Semi-supervised M-step: Baum-Welch warm-started from the current HMMs
        (``EM_BAUM_WELCH_ITER`` iterations)."""
        self._fit_weighted(X, R, warm=True)

    def _segment_counts(self, frames, lengths, w):
        """Counts of a uniform split of each clip into the states (the usual start)."""
        n, T, c = frames.shape
        S = self.n_states
        t = np.arange(T)[None, :]
        state = np.minimum(t * S // np.maximum(lengths, 1)[:, None], S - 1)  # (n, T)
        inside = t < lengths[:, None]
        weight = inside * w[:, None]  # (n, T)
        gamma = np.zeros((n, T, S, self.n_mix))
        comp = self._split_states(frames, state, weight)
        gamma[np.arange(n)[:, None], t, state, comp] = weight
        trans = np.zeros((S, S))
        src, dst = state[:, :-1], state[:, 1:]
        live = inside[:, 1:]
        np.add.at(trans, (src[live], dst[live]), np.repeat(w, live.sum(axis=1)))
        state_g = gamma.sum(axis=3)
        return {
            "start": state_g[:, 0].sum(axis=0),
            "trans": trans,
            "end": state_g[np.arange(n), np.maximum(lengths, 1) - 1].sum(axis=0),
            **moment_counts(frames.reshape(n * T, c), gamma.reshape(n * T, S, -1)),
        }

    def _split_states(self, frames, state, weight):
        """Component (n, T) of each frame (0 if M = 1): each state's frames cut into
        ``n_mix`` groups of equal weight along their first principal direction.

        Deterministic, and a clip of weight 2 splits exactly as the clip twice
        (k-means' seeded start would not), so ``sample_weight`` means repeats.
        """
        comp = np.zeros(state.shape, dtype=int)
        if self.n_mix == 1:
            return comp
        for s in range(self.n_states):
            rows = (state == s) & (weight > 0)
            pts, w = frames[rows], weight[rows]
            if not len(pts):
                continue
            # a coefficient gone missing counts as the state's mean for the split only
            mean = np.nansum(pts * w[:, None], axis=0) / w.sum()
            centred = np.where(np.isnan(pts), 0.0, pts - mean)
            cov = (centred * w[:, None]).T @ centred
            axis = np.linalg.eigh(cov)[1][:, -1]
            axis *= np.sign(axis[np.argmax(np.abs(axis))])  # one sign, whatever the rounding
            proj = centred @ axis
            order = np.argsort(proj, kind="stable")
            share = np.cumsum(w[order]) / w.sum()
            # cuts at weighted quantiles, each a frame's own value: equal frames (a clip
            # and its repeat) always fall in the same group
            at = np.searchsorted(share, np.arange(1, self.n_mix) / self.n_mix)
            cuts = proj[order][np.minimum(at, len(order) - 1)]
            comp[rows] = np.searchsorted(cuts, proj, side="left")
        return comp

    def _m(self, counts) -> HMMParams:
        """Parameters from expected counts (M-step), smoothed over allowed moves."""
        allowed = self._allowed()
        start = counts["start"] + PSEUDO_COUNT * (np.arange(self.n_states) == 0)
        if self.topology == "ergodic":
            start = counts["start"] + PSEUDO_COUNT
        trans = counts["trans"] + PSEUDO_COUNT * allowed
        end = counts["end"] + PSEUDO_COUNT
        total = trans.sum(axis=1) + end
        occ = counts["occ"]  # (S, M, c)
        safe = np.maximum(occ, 1e-12)
        floor = self.var_floor * self.frame_var_
        mix = counts["mix"] + PSEUDO_COUNT
        # a state no frame visited keeps the overall spread around 0 (never sampled
        # into a clip with much weight: its occupancy is the pseudo-count)
        means = np.where(occ > 0, counts["x"] / safe, 0.0)
        var = np.where(occ > 0, counts["x2"] / safe - means**2, self.frame_var_)
        return HMMParams(
            start=start / start.sum(),
            trans=trans / total[:, None],
            end=end / total,
            means=means,
            variances=np.maximum(var, 0.0) + floor,
            weights=mix / mix.sum(axis=1, keepdims=True),
        )

    def _baum_welch(self, frames, lengths, w, p: HMMParams, n_iter: int) -> HMMParams:
        total, prev = w.sum(), -np.inf
        for _ in range(n_iter):
            counts = self._e_step(frames, lengths, w, p)
            ll = counts["ll"] / total
            p.log_likelihood = ll
            if ll - prev < self.tol:
                break
            prev = ll
            n_iter = p.n_iter
            p = self._m(counts)
            p.n_iter, p.log_likelihood = n_iter + 1, ll
        return p

    def _e_step(self, frames, lengths, w, p):  # a hook: ar_hmm's emissions fill it
        return expected_counts(frames, lengths, w, p)

    # ------------------------------------------------------------ predict
    def _joint_log_likelihood(self, X):
        frames, lengths = self._clips(X)
        cols = [forward(emissions(frames, h), lengths, h)[1] for h in self.hmms_]
        return np.column_stack(cols) + self.class_log_prior_

    def sample(self, n_samples=1, y=None, random_state=None, *, clip=False, temperature=1.0):
        """Draw clips: ``GenerativeClassifier.sample`` with the option ``temperature``.

        ``temperature`` (a float in (0, 10], default 1: the model's own
        distribution) scales the standard deviation of every frame's Gaussian
        noise; below 1 the frames stay nearer their state's means. Returns
        NaN-padded rows (n, n_frames * frame_size) and their labels (n,).
        """
        return super().sample(n_samples, y, random_state, clip=clip, temperature=temperature)

    def _sample_class(self, k, n, rng, *, temperature=1.0):
        """n clips of class ``k``: a length, then a state path given it, then frames.

        The length is drawn from the class's training clip lengths, not from the
        chain's end probabilities: those make a length a sum of geometric stays
        in the states, wrong for speech (on spoken_digits the sampled log lengths
        lay 1.9 times as far from the mean as real clips'); log p(x) keeps them, so
        classification is unchanged. Given the length, the path is drawn
        exactly from the HMM's p(path | length) (:func:`._hmm_math.sample_paths`;
        a left-right chain's path also ends in its last state), then each frame
        from its state's Gaussians. Rows NaN-padded.
        """
        h = self.hmms_[k]
        final = len(h.start) - 1 if self.topology == "left-right" else None
        paths = sample_paths(h, self._draw_lengths(k, n, rng), rng, final)
        return self._padded([sample_emissions(h, s, rng, temperature) for s in paths])


class ClassGMMHMM(ClassHMM):
    """GMM-HMM per class: :class:`ClassHMM` whose states each emit from a mixture
    of ``n_mix`` diagonal Gaussians (parameters as there). The defaults, 9 states
    of 4 Gaussians, won 3-fold CV on a training split over 6/9/12 states and 2/3/4
    Gaussians (``benchmarks/sound.py --tune``)."""

    def __init__(
        self,
        *,
        frame_size=13,
        n_states=9,
        n_mix=4,
        topology="left-right",
        n_iter=15,
        tol=1e-3,
        var_floor=1e-2,
        priors=None,
        unlabeled_weight=1.0,
        em_max_iter=10,
    ):
        super().__init__(
            frame_size=frame_size,
            n_states=n_states,
            n_mix=n_mix,
            topology=topology,
            n_iter=n_iter,
            tol=tol,
            var_floor=var_floor,
            priors=priors,
            unlabeled_weight=unlabeled_weight,
            em_max_iter=em_max_iter,
        )
