"""``cvae``: a class-conditional variational autoencoder as a generative classifier.

The model is p(y) p(z) p(x | z, y) with z ~ N(0, I) (or, with
``latent_prior="mixture"``, a mixture fitted to the codes after training:
:mod:`.latent_prior`) and a decoder that gives each pixel a Bernoulli probability; an encoder q(z | x, y) is trained with
it by maximising the evidence lower bound (Kingma & Welling 2014). The
class conditions both networks by *selecting their weights*: each class has
its own encoder and decoder, all trained at once with batched matrix
products. A decoder shared by the classes (class as an input, Sohn et al.
2015) learns to draw any digit from z alone and then tells the classes
apart badly (about 88 % on mnist5k against 96 % here); one model per class
is what Schott et al. (2018) use for their VAE classifier too.

It classifies by Bayes' rule with an importance-weighted estimate of
log p(x | y) (Burda et al. 2016):

    log p(x|y) ~= log (1/S) sum_s p(x | z_s, y) p(z_s) / q(z_s | x, y),  z_s ~ q(z | x, y)

**This is a bound, not the exact likelihood**: its expectation is a lower
bound on log p(x | y) that tightens as ``n_importance`` (S) grows. So
``predict_joint_log_proba`` and ``score_samples`` are stochastic lower
bounds (seeded by ``random_state``, hence repeatable). Grey levels are
scored with the Bernoulli log-likelihood x log p + (1 - x) log(1 - p), the
usual choice for MNIST; for pixels strictly between 0 and 1 that is not a
normalised density over [0, 1], one more reason to read the score as a
relative one. ``likelihood="gaussian"`` scores them with a normal density
instead, of mean sigmoid(logit) and a learned standard deviation per pixel
and class (not depending on z; at least :data:`MIN_SCALE`, so a pixel that
never varies, such as a spectrogram's silent padding, cannot make the
density infinite): the natural choice for continuous levels such as log-mel
spectrograms.

Missing pixels (NaN) at predict time are integrated out exactly in the
decoder, which factorises over pixels: they are left out of log p(x | z, y).
The encoder only proposes z (any proposal keeps the estimate a valid bound),
so it sees the missing pixels filled with the class's training mean. The
score of a partly observed image is therefore a bound on log p(x_obs | y).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import StrOptions
from torch import nn

from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.params import POSITIVE_INT, POSITIVE_REAL
from genvsdisc.models.torch._params import IMAGE_SHAPE, RUNTIME_CONSTRAINTS
from genvsdisc.models.torch._pixels import PixelGeneratorMixin
from genvsdisc.models.torch._runtime import configure_threads, seeded
from genvsdisc.models.torch._weights import loss_weights
from genvsdisc.models.torch.latent_prior import LatentPriorMixin

__all__ = ["CVAEConfig", "ClassLinear", "ClassVAE", "CVAEClassifier"]

#: Smallest standard deviation of the Gaussian decoder, in pixel units ([0, 1]).
MIN_SCALE = 0.01


@dataclass
class CVAEConfig:
    """Hyper-parameters of :class:`CVAEClassifier` (defaults: mnist5k in a few minutes on 2 cores)."""

    latent_dim: int = 16  # size of z per class
    hidden: int = 256  # width of the two hidden layers of each encoder and decoder
    epochs: int = 80  # passes over the training rows
    batch_size: int = 80  # rows per optimiser step, split evenly over the classes
    lr: float = 1e-3  # Adam learning rate (cosine-annealed to zero)
    n_importance: int = 64  # importance samples S per row and class when scoring
    likelihood: str = "bernoulli"  # decoder: "bernoulli" or "gaussian" (learned scale)


class ClassLinear(nn.Module):
    """K independent linear layers: x (K, B, in) -> (K, B, out), or one class k: (B, in) -> (B, out)."""

    def __init__(self, n_classes: int, n_in: int, n_out: int):
        super().__init__()
        bound = 1 / math.sqrt(n_in)  # nn.Linear's default initialisation, per class
        self.weight = nn.Parameter(torch.empty(n_classes, n_in, n_out).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(n_classes, 1, n_out).uniform_(-bound, bound))

    def forward(self, x, k: int | None = None):
        if k is None:
            return torch.baddbmm(self.bias, x, self.weight)  # (K, B, out)
        return x @ self.weight[k] + self.bias[k]  # (B, out)


class ClassVAE(nn.Module):
    """One two-layer MLP encoder q(z | x, y) and decoder p(x | z, y) per class.

    Shapes: x (K, B, D) for all classes at once, or (B, D) with a class ``k``; z (..., L).
    """

    def __init__(self, n_features: int, n_classes: int, cfg: CVAEConfig):
        super().__init__()
        D, K, L, H = n_features, n_classes, cfg.latent_dim, cfg.hidden
        self.n_classes, self.latent_dim = K, L
        self.gaussian = cfg.likelihood == "gaussian"
        if self.gaussian:  # log standard deviation per class and pixel, (K, 1, D)
            self.log_scale = nn.Parameter(torch.full((K, 1, D), math.log(0.1)))
        self.encoder = nn.ModuleList(
            [ClassLinear(K, D, H), ClassLinear(K, H, H), ClassLinear(K, H, 2 * L)]
        )
        self.decoder = nn.ModuleList(
            [ClassLinear(K, L, H), ClassLinear(K, H, H), ClassLinear(K, H, D)]
        )

    @staticmethod
    def _mlp(layers, x, k):
        for i, layer in enumerate(layers):
            x = layer(x, k)
            if i < len(layers) - 1:
                x = F.relu(x)
        return x

    def encode(self, x, k=None):
        mu, logvar = self._mlp(self.encoder, x, k).chunk(2, dim=-1)  # (..., L) each
        return mu, logvar.clamp(-12.0, 8.0)

    def decode(self, z, k=None):
        return self._mlp(self.decoder, z, k)  # pixel logits (..., D)

    def pixel_log_lik(self, logits, x, mask=None, k=None):
        """log p(x | z, y) summed over pixels (class ``k``, or all classes along the first
        axis); ``mask`` keeps observed pixels."""
        x = x.expand_as(logits)  # (B, D) rows against (S, B, D) draws
        if self.gaussian:  # a normal density around the mean level sigmoid(logits)
            log_scale = (self.log_scale if k is None else self.log_scale[k]).clamp(
                min=math.log(MIN_SCALE)
            )
            z = (x - torch.sigmoid(logits)) * torch.exp(-log_scale)
            ll = -0.5 * z.pow(2) - log_scale - 0.5 * math.log(2 * math.pi)
        else:
            ll = -F.binary_cross_entropy_with_logits(logits, x, reduction="none")
        if mask is not None:
            ll = ll * mask
        return ll.sum(-1)

    def forward(self, x):
        """Negative ELBO (K, B) of class-grouped rows x (K, B, D), the training loss."""
        mu, logvar = self.encode(x)
        z = mu + torch.randn_like(mu) * (0.5 * logvar).exp()
        rec = self.pixel_log_lik(self.decode(z), x)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(-1)
        return kl - rec


class CVAEClassifier(LatentPriorMixin, PixelGeneratorMixin, GenerativeClassifier):
    """Class-conditional VAE: a generative classifier with a bound on log p(x|y).

    ``predict_joint_log_proba`` / ``score_samples`` are importance-weighted
    **lower bounds** (in expectation) on log p(x, y) / log p(x); missing
    pixels (NaN) are integrated out in the decoder. ``sample`` draws z from
    the prior and returns the decoder's mean image.

    Parameters
    ----------
    latent_dim, hidden, epochs, batch_size, lr, n_importance
        See :class:`CVAEConfig`.
    likelihood : {"bernoulli", "gaussian"}, default="bernoulli"
        The decoder's density of a pixel given z: Bernoulli (the grey level
        as a probability), or normal around the mean level with a learned
        scale per pixel and class (see the module notes).
    latent_prior : {"normal", "mixture"}, default="normal"
        p(z | y): N(0, I), or a Gaussian mixture of ``latent_components``
        fitted per class to the training rows' codes after training, used for
        sampling and scoring alike (:mod:`~genvsdisc.models.torch.latent_prior`).
    latent_components : int, default=4
    image_shape : tuple or None, default=None
        (height, width[, channels]) for showing samples; the networks see
        flat rows, so any number of features in [0, 1] works.
    priors : array-like (K,) or None, default=None
        Class probabilities p(y) in the order of ``classes_`` (as
        ``GaussianNB(priors=...)``), used by Bayes' rule and by
        ``sample(y=None)``; None learns them from the (weighted) class shares.
    device : {"auto", "cpu", "cuda"}, default="auto"
    random_state : int or None, default=0
        Seeds training and the importance samples used at predict time.
    verbose : bool or None, default=None

    Attributes
    ----------
    classes_ : ndarray (K,)
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    class_mean_ : ndarray (K, D)
        Weighted mean image of each class (fills missing pixels for the encoder).
    module_ : ClassVAE
        The trained networks; ``loss_curve_`` holds the mean loss per epoch.

    Notes
    -----
    ``fit(X, y, sample_weight=w)`` scales each row's negative ELBO by its
    weight relative to the mean weight of its class (each class trains its
    own VAE on class-balanced batches) and counts the weights in
    ``class_count_``; a row of weight 0 is dropped before training, so it
    equals leaving the row out. Integer weights equal repeated rows in
    expectation, not bit for bit (see :mod:`genvsdisc.models.torch._weights`).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> vae = CVAEClassifier(epochs=2, hidden=32).fit(X[:300] / 16, y[:300])
    >>> X_new, y_new = vae.sample(4, y=3, random_state=0)
    >>> X_new.shape, y_new.tolist()
    ((4, 64), [3, 3, 3, 3])
    """

    handles_missing = True
    _config_class = CVAEConfig
    _parameter_constraints = {
        "latent_dim": POSITIVE_INT,
        "hidden": POSITIVE_INT,
        "epochs": POSITIVE_INT,
        "batch_size": POSITIVE_INT,
        "lr": POSITIVE_REAL,
        "n_importance": POSITIVE_INT,
        "likelihood": [StrOptions({"bernoulli", "gaussian"})],
        "latent_prior": [StrOptions({"normal", "mixture"})],
        "latent_components": POSITIVE_INT,
        "image_shape": IMAGE_SHAPE,
        "priors": ["array-like", None],
        **RUNTIME_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        latent_dim=CVAEConfig.latent_dim,
        hidden=CVAEConfig.hidden,
        epochs=CVAEConfig.epochs,
        batch_size=CVAEConfig.batch_size,
        lr=CVAEConfig.lr,
        n_importance=CVAEConfig.n_importance,
        likelihood=CVAEConfig.likelihood,
        latent_prior="normal",
        latent_components=4,
        image_shape=None,
        priors=None,
        device="auto",
        random_state=0,
        verbose=None,
    ):
        self.latent_dim = latent_dim
        self.hidden = hidden
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.n_importance = n_importance
        self.likelihood = likelihood
        self.latent_prior = latent_prior
        self.latent_components = latent_components
        self.image_shape = image_shape
        self.priors = priors
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_module(self, arch: dict) -> ClassVAE:
        return ClassVAE(arch["n_features"], arch["n_classes"], CVAEConfig(**arch["config"]))

    # ---------------------------------------------------------------- fit
    def _fit_rows(self, X, R):
        """Train on rows ``X`` (n, D), ``R`` (n, K) one-hot times weights; see the pixel base."""
        # Per-class (weighted) mean image: fills missing pixels for the encoder's proposal.
        self.class_mean_ = (R.T @ X) / np.maximum(R.sum(0)[:, None], 1e-12)  # (K, D)
        super()._fit_rows(X, R)
        self._fit_latent_prior(X, R)

    def _training_data(self, X, R, cfg, device):
        """Rows (n, D) on the device, their class indices (n,) and loss factors (n,) or None.

        Each class trains its own VAE on class-balanced batches, so a row's
        weight is relative to the mean weight of its class.
        """
        y_idx = R.argmax(1)
        factors = loss_weights(R.sum(1), groups=y_idx, device=device)
        return torch.as_tensor(X, dtype=torch.float32, device=device), y_idx, factors

    def _epoch_batches(self, cfg: CVAEConfig, data, n_rows, gen):
        """Class-balanced batches (K, b): each class's VAE sees b rows per step."""
        K = self.arch_["n_classes"]
        return _balanced_batches(data[1], K, max(1, cfg.batch_size // K), gen)

    def _optimiser(self, net, cfg: CVAEConfig, total_steps: int):
        opt = torch.optim.Adam(net.parameters(), lr=cfg.lr)
        return opt, torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=total_steps)

    def _batch_loss(self, net, cfg, data, idx, gen) -> torch.Tensor:
        """Negative ELBO of the rows ``idx`` (K, b), summed over the classes' own VAEs."""
        x_all, _, factors = data
        idx = idx.to(x_all.device)
        if factors is None:
            return net(x_all[idx]).sum(0).mean()
        return (net(x_all[idx]) * factors[idx]).sum(0).mean()  # (K, b) losses, weighted

    def _curve_value(self, loss: float) -> float:
        """The loss per class: each class trains its own VAE."""
        return loss / self.arch_["n_classes"]

    # ------------------------------------------------------------ predict
    @torch.no_grad()
    def _joint_log_likelihood(self, X):
        """Importance-weighted bound on log p(x, y=k), shape (n, K); NaN pixels integrated out."""
        net, device = self.module_.eval(), self._device()
        configure_threads()
        self._check_params("n_importance")  # read here, so it may be set after fit
        S, K = int(self.n_importance), len(self.classes_)
        out = np.empty((len(X), K))
        rows = max(1, 8192 // S)  # rows per chunk keeps the (S * rows, D) tensors small
        with seeded(self.random_state, device):
            for start in range(0, len(X), rows):
                chunk = X[start : start + rows]
                for k in range(K):
                    out[start : start + rows, k] = self._log_lik_class(net, chunk, k, S, device)
        return out + self.class_log_prior_

    def _log_lik_class(self, net, X, k, S, device) -> np.ndarray:
        """Importance-weighted estimate of log p(x_obs | y=k) for rows ``X`` (B, D) -> (B,)."""
        missing = np.isnan(X)
        x = torch.as_tensor(
            np.where(missing, self.class_mean_[k], X), dtype=torch.float32, device=device
        )
        mask = torch.as_tensor(~missing, dtype=torch.float32, device=device)
        mu, logvar = net.encode(x, k)  # (B, L)
        eps = torch.randn(S, *mu.shape, device=device)  # (S, B, L)
        z = mu + eps * (0.5 * logvar).exp()
        log_q = (-0.5 * eps.pow(2) - 0.5 * logvar - 0.5 * math.log(2 * math.pi)).sum(-1)
        log_pz = self._log_prior_z(z, k, device)  # (S, B)
        log_px = net.pixel_log_lik(net.decode(z, k), x, mask, k)  # (S, B), broadcast over S
        log_w = log_px + log_pz - log_q
        return (torch.logsumexp(log_w, 0) - math.log(S)).double().cpu().numpy()

    # ------------------------------------------------------------- sample
    @torch.no_grad()
    def _sample_class(self, k, n, rng, *, temperature):
        """Mean images E[x | z, y=k] for z ~ p(z | y=k) with spread T, shape (n, D).

        Each row is the decoder's mean image for a fresh z (T = ``temperature``):
        the usual way to show VAE samples (drawing every pixel
        independently on top would only add salt-and-pepper noise). T < 1
        keeps z near the centre: more typical, less varied.
        """
        net, device = self.module_.eval(), self._device()
        gen = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))
        z = self._draw_z(k, n, net.latent_dim, gen, device, temperature)  # (n, L)
        return torch.sigmoid(net.decode(z, k)).double().cpu().numpy()

    def _export_state(self):
        tensors, extras = super()._export_state()
        tensors["class_mean_"] = torch.as_tensor(self.class_mean_)
        self._export_latent(tensors)
        return tensors, extras

    def _import_state(self, tensors, extras):
        super()._import_state(tensors, extras)
        self.class_mean_ = tensors["class_mean_"].numpy().copy()
        self._import_latent(tensors)


def _balanced_batches(y_idx, K: int, per_class: int, gen: torch.Generator):
    """``(batches per epoch, draw)`` of class-balanced batches (K, per_class) of row indices.

    An epoch has as many batches as the training rows fill; each class walks
    through its own shuffled rows and starts a new shuffle when they run out,
    so small classes are revisited more often -- each class trains its own VAE.
    """
    pools = [torch.as_tensor(np.flatnonzero(y_idx == k)) for k in range(K)]
    queues = [torch.empty(0, dtype=torch.long) for _ in range(K)]
    n_batches = max(1, -(-len(y_idx) // (K * per_class)))

    def take(k):
        while len(queues[k]) < per_class:
            perm = pools[k][torch.randperm(len(pools[k]), generator=gen)]
            queues[k] = torch.cat([queues[k], perm])
        out, queues[k] = queues[k][:per_class], queues[k][per_class:]
        return out

    def epoch():
        return [torch.stack([take(k) for k in range(K)]) for _ in range(n_batches)]

    return n_batches, epoch
