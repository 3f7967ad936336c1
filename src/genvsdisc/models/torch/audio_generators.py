"""``audio_cvae`` and ``audio_diffusion``: class-conditional generators of log-mel spectrograms.

Each clip's MFCC frames become a fixed-size log-mel image
(:class:`~genvsdisc.models.torch.audio_logmel.LogMelImages`); the image
artists ``cvae`` and ``diffusion`` model those images as they are (their
training, scoring and sampling, on the one torch template). A sampled image
goes back to MFCC frames (DCT, cut after the last frame louder than the
speech threshold, NaN after it), so the samples are audio rows like the
data's, and :func:`genvsdisc.generation.sound.frames_to_audio` makes them
sound by Griffin-Lim.

Scores are those of the image models on the images: ``audio_cvae``'s
``score_samples`` is an importance-weighted **lower bound** on log p(image),
``audio_diffusion``'s an **unnormalised** denoising score. Neither is a
density of the MFCC rows: the image cuts clips at ``n_frames`` and scales
each band into [0, 1] (clipping unseen values), so it is a bound or score of
the clip as the image shows it.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.utils.validation import check_is_fitted

from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.torch._pixels import PixelGeneratorMixin
from genvsdisc.models.torch.audio_logmel import LogMelInput
from genvsdisc.models.torch.diffusion import DiffusionClassifier
from genvsdisc.models.torch.vae import CVAEClassifier

__all__ = ["AudioCVAE", "AudioDiffusion"]


class _LogMelGenerator(LogMelInput, GenerativeClassifier):
    """The generative contract on MFCC rows, through the wrapped image artist ``net_``.

    ``fit`` learns the image transform and trains ``net_`` on the images with
    the class indices, the weights (``sample_weight``) and ``priors``;
    ``class_count_``, ``class_prior_`` and ``class_log_prior_`` are then
    ``net_``'s. Sampling draws images from ``net_`` and turns them into MFCC rows.
    """

    supports_sample_weight = True
    _sample_options = PixelGeneratorMixin._sample_options

    def _validate_fit_X(self, X, reset=True):
        return self._raw_rows(X, reset=reset)

    def _validate_predict_X(self, X):
        check_is_fitted(self)
        return self._raw_rows(X, reset=False)

    def _record_feature_range(self, X, reset, weights=None):
        with warnings.catch_warnings():
            # all-NaN columns: frames no training clip reaches (their range stays NaN)
            warnings.simplefilter("ignore", RuntimeWarning)
            super()._record_feature_range(X, reset, weights)

    def _inner_fit_options(self) -> dict:
        return {"priors": self.priors}

    def _fit_weighted(self, X, R):
        """Train ``net_`` on the images of ``X`` (n, T * c); ``R`` (n, K) one-hot times weights."""
        weights = R.sum(1)
        images = self._fit_images(X, weights)
        self.net_ = self._new_inner(**self._inner_fit_options()).fit(
            images, R.argmax(1), sample_weight=None if np.all(weights == 1) else weights
        )
        self.class_count_ = self.net_.class_count_
        self.class_prior_ = self.net_.class_prior_
        self.class_log_prior_ = self.net_.class_log_prior_

    def _joint_log_likelihood(self, X):
        """``net_``'s score of each row's image with each class, (n, K) (see the model)."""
        return self.net_.predict_joint_log_proba(self._images(X))

    def _sample_class(self, k, n, rng, *, temperature):
        """``n`` MFCC rows (n, T * c) of class index ``k`` from ``net_``'s images."""
        images = self.net_._sample_class(k, n, rng, temperature=temperature)
        return self.logmel_.inverse_transform(images)

    def sample(
        self, n_samples=1, y=None, random_state=None, *, clip=False, temperature=1.0, **options
    ):
        """Draw MFCC rows (n_samples, T * c), NaN after each clip's end, and their labels.

        ``temperature`` (in (0, 10], default 1) scales the image model's noise:
        < 1 gives more typical, less varied clips.
        """
        return super().sample(
            n_samples, y, random_state, clip=clip, temperature=temperature, **options
        )


class AudioCVAE(_LogMelGenerator):
    """Class-conditional VAE on log-mel images of MFCC clips (generative).

    ``predict_joint_log_proba`` / ``score_samples`` are the cvae's
    importance-weighted **lower bounds** on log p(image, y) / log p(image).

    Parameters
    ----------
    frame_size, n_mels, n_frames
        The image: see :class:`~genvsdisc.models.torch.audio_cnn.AudioCNN`.
    latent_dim : int, default=8
    hidden : int, default=128
    epochs : int, default=40
    batch_size : int, default=80
    lr : float, default=3e-3
    n_importance : int, default=32
        As :class:`~genvsdisc.models.torch.vae.CVAEClassifier` (smaller
        defaults: spoken_digits trains in well under a minute on one core).
    likelihood : {"bernoulli", "gaussian"}, default="gaussian"
        The decoder's density of a log-mel level, as the cvae's: a normal
        density with a learned scale per pixel and class (grey levels, not
        near-binary pixels).
    latent_prior : {"normal", "mixture"}, default="mixture"
    latent_components : int, default=4
        p(z | y), as the cvae's: a 4-component Gaussian mixture fitted to the
        training clips' codes after training. Chosen on a validation split of
        spoken_digits' training clips (``benchmarks/RESULTS.md``, "audio_cvae
        with a fitted latent prior"): with N(0, I) the prior's draws fall
        between the codes and decode to over-smoothed clips a judge misreads.
    priors : array-like (K,) or None, default=None
        p(y), as the cvae; None learns the (weighted) class shares.
    device, random_state, verbose
        As the cvae.

    Notes
    -----
    A frame missing inside a clip (NaN) is a NaN column of the image, and
    the cvae integrates NaN pixels out of its decoder exactly (its encoder
    sees them filled with the class's mean image): the score of a clip with
    dropped frames is a bound on log p(observed pixels | y).
    ``sample_weight`` as the cvae: each row's negative ELBO scaled by its
    weight relative to its class's mean weight; rows of weight 0 dropped.
    ``sample`` returns the decoder's mean image of a z ~ p(z | y) (spread T), as MFCC rows.

    Examples
    --------
    >>> from genvsdisc.data import load
    >>> d = load("spoken_digits")
    >>> vae = AudioCVAE(epochs=1).fit(d.X[:200], d.y[:200])
    >>> vae.sample(2, y=3, random_state=0)[0].shape
    (2, 1196)
    """

    handles_missing = True
    _fills_dropped_frames = False
    _inner_class = CVAEClassifier
    _inner_params = (
        "latent_dim",
        "hidden",
        "epochs",
        "batch_size",
        "lr",
        "n_importance",
        "likelihood",
        "latent_prior",
        "latent_components",
    )
    _parameter_constraints = {
        **LogMelInput._constraints(CVAEClassifier, _inner_params),
        "priors": ["array-like", None],
    }

    def __init__(
        self,
        *,
        frame_size=13,
        n_mels=40,
        n_frames=None,
        latent_dim=8,
        hidden=128,
        epochs=40,
        batch_size=80,
        lr=3e-3,
        n_importance=32,
        likelihood="gaussian",
        latent_prior="mixture",
        latent_components=4,
        priors=None,
        device="auto",
        random_state=0,
        verbose=None,
    ):
        self.frame_size = frame_size
        self.n_mels = n_mels
        self.n_frames = n_frames
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.n_importance = n_importance
        self.likelihood = likelihood
        self.latent_prior = latent_prior
        self.latent_components = latent_components
        self.priors = priors
        self.device = device
        self.random_state = random_state
        self.verbose = verbose


class AudioDiffusion(_LogMelGenerator):
    """Class-conditional diffusion model on log-mel images of MFCC clips (generative).

    ``predict_joint_log_proba`` is the diffusion model's **unnormalised**
    denoising score of the image (see :mod:`genvsdisc.models.torch.diffusion`),
    not log p(x, y).

    Parameters
    ----------
    frame_size, n_mels, n_frames
        The image: see :class:`~genvsdisc.models.torch.audio_cnn.AudioCNN`.
    hidden : int, default=256
    n_blocks : int, default=2
    timesteps : int, default=1000
    epochs : int, default=40
    batch_size : int, default=128
    lr : float, default=1e-3
    ema : float, default=0.99
    p_uncond : float, default=0.1
    guidance : float, default=1.0
    sample_steps : int, default=50
    eta : float, default=1.0
    n_trials : int, default=16
        As :class:`~genvsdisc.models.torch.diffusion.DiffusionClassifier`
        (smaller defaults: spoken_digits trains in well under a minute).
    priors : array-like (K,) or None, default=None
    device, random_state, verbose

    Notes
    -----
    The image ``diffusion`` refuses NaN pixels; here a frame missing inside a
    clip is filled by linear interpolation in time between its observed
    neighbours before scoring (an imputation, not an integral: hence no
    ``handles_missing``). ``sample_weight`` as the diffusion model: each row's
    v-prediction error scaled by its weight; rows of weight 0 dropped.

    Examples
    --------
    >>> from genvsdisc.data import load
    >>> d = load("spoken_digits")
    >>> dm = AudioDiffusion(epochs=1, sample_steps=5).fit(d.X[:200], d.y[:200])
    >>> dm.sample(2, y=7, random_state=0)[0].shape
    (2, 1196)
    """

    _inner_class = DiffusionClassifier
    _inner_params = (
        "hidden",
        "n_blocks",
        "timesteps",
        "epochs",
        "batch_size",
        "lr",
        "ema",
        "p_uncond",
        "guidance",
        "sample_steps",
        "eta",
        "n_trials",
    )
    _parameter_constraints = {
        **LogMelInput._constraints(DiffusionClassifier, _inner_params),
        "priors": ["array-like", None],
    }

    def __init__(
        self,
        *,
        frame_size=13,
        n_mels=40,
        n_frames=None,
        hidden=256,
        n_blocks=2,
        timesteps=1000,
        epochs=40,
        batch_size=128,
        lr=1e-3,
        ema=0.99,
        p_uncond=0.1,
        guidance=1.0,
        sample_steps=50,
        eta=1.0,
        n_trials=16,
        priors=None,
        device="auto",
        random_state=0,
        verbose=None,
    ):
        self.frame_size = frame_size
        self.n_mels = n_mels
        self.n_frames = n_frames
        self.hidden = hidden
        self.n_blocks = n_blocks
        self.timesteps = timesteps
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.ema = ema
        self.p_uncond = p_uncond
        self.guidance = guidance
        self.sample_steps = sample_steps
        self.eta = eta
        self.n_trials = n_trials
        self.priors = priors
        self.device = device
        self.random_state = random_state
        self.verbose = verbose
