"""``diffusion``: a small class-conditional denoising diffusion model (DDPM).

Training (Ho et al. 2020): pixels are scaled to [-1, 1]; a row x0 is noised
to x_t = sqrt(abar_t) x0 + sqrt(1 - abar_t) eps for a random step t of a
cosine schedule (Nichol & Dhariwal 2021), and a network learns to predict
from (x_t, t, y) the "velocity" v = sqrt(abar_t) eps - sqrt(1 - abar_t) x0
(Salimans & Ho 2022), from which eps and x0 follow:

    eps = sqrt(1 - abar_t) x_t + sqrt(abar_t) v,   x0 = sqrt(abar_t) x_t - sqrt(1 - abar_t) v.

The denoiser is a residual MLP (cheap enough for a CPU: mnist5k trains in
a few minutes) with a per-pixel gain and offset on x_t; an MLP narrower
than the image cannot pass x_t through, and predicting v rather than eps
spares it from having to (eps ~ x_t at high noise). The class is dropped
(replaced by a "null" class) for a fraction ``p_uncond`` of the rows, so the
same network is also an unconditional model: that is what classifier-free
guidance needs (Ho & Salimans 2022). Sampling runs the reverse process on a
strided schedule (DDIM's update, Song et al. 2021; ``eta`` = 1 is ancestral
DDPM sampling) with the guided estimate

    v_hat = (1 + w) v(x_t, t, y) - w v(x_t, t, null),   w = ``guidance``

(guidance is linear, so guiding v is guiding eps). On mnist5k a guidance
weight of 1 gave the cleanest samples for this small network; 2 to 4 add
artefacts that a CNN judge misreads.

Classification is the "diffusion classifier" (Li et al. 2023; Clark & Jaini
2023): noise the image at fixed steps t_j with fixed noise eps_j, and
compare how well each class's denoiser recovers the noise. The score

    log p(y) - 1/2 * mean_j || eps_j - eps(x_tj, t_j, y) ||^2

is **not a normalised likelihood**: it is the noise-prediction part of the
diffusion evidence bound with the per-step weights, the factor T and the
constants left out. ``predict_proba`` is a softmax over it and
``score_samples`` a logsumexp of it; both rank rows, neither is log p(x).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils._param_validation import Interval
from torch import nn

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.params import NON_NEGATIVE_REAL, POSITIVE_INT, POSITIVE_REAL
from genvsdisc.models.torch._params import IMAGE_SHAPE, RUNTIME_CONSTRAINTS, fraction
from genvsdisc.models.torch._pixels import PixelGeneratorMixin
from genvsdisc.models.torch._runtime import configure_threads, seeded
from genvsdisc.models.torch._weights import loss_weights, weighted_mean

__all__ = ["DiffusionConfig", "Denoiser", "DiffusionClassifier"]


@dataclass
class DiffusionConfig:
    """Hyper-parameters of :class:`DiffusionClassifier` (defaults: mnist5k in a few minutes)."""

    hidden: int = 512  # width of the residual MLP denoiser
    n_blocks: int = 3  # residual blocks, each conditioned on (t, y) by a scale and shift
    timesteps: int = 1000  # T, steps of the forward (noising) process
    epochs: int = 80  # passes over the training rows
    batch_size: int = 128  # rows per optimiser step
    lr: float = 1e-3  # peak AdamW learning rate (short warm-up, cosine decay)
    ema: float = 0.995  # decay of the weight average used for sampling and scoring
    p_uncond: float = 0.1  # fraction of training rows with the class dropped
    guidance: float = 1.0  # classifier-free guidance weight w at sampling (0 = plain conditional)
    sample_steps: int = 100  # reverse steps when sampling (strided over the T steps)
    eta: float = 1.0  # reverse-step noise: 1 = ancestral DDPM, 0 = deterministic DDIM
    n_trials: int = 32  # (t, eps) pairs per row and class when classifying


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoidal embedding of integer steps t (B,) -> (B, dim), as in transformers."""
    half = dim // 2
    freqs = torch.exp(-math.log(10_000) * torch.arange(half, device=t.device) / half)
    args = t.float()[:, None] * freqs[None]  # (B, half)
    return torch.cat([torch.sin(args), torch.cos(args)], dim=1)


class ResidualBlock(nn.Module):
    """h + MLP(LayerNorm(h) * (1 + scale) + shift); (scale, shift) come from (t, y)."""

    def __init__(self, hidden: int):
        super().__init__()
        self.norm = nn.LayerNorm(hidden, elementwise_affine=False)
        self.film = nn.Linear(hidden, 2 * hidden)
        self.mlp = nn.Sequential(nn.Linear(hidden, hidden), nn.SiLU(), nn.Linear(hidden, hidden))

    def forward(self, h, emb):
        scale, shift = self.film(emb).chunk(2, dim=1)  # (B, H) each
        return h + self.mlp(self.norm(h) * (1 + scale) + shift)


class Denoiser(nn.Module):
    """v(x_t, t, y): noisy rows (B, D), steps (B,), class ids (B,) -> velocity (B, D).

    Class id ``n_classes`` is the null class of classifier-free guidance.
    """

    def __init__(self, n_features: int, n_classes: int, cfg: DiffusionConfig):
        super().__init__()
        H = cfg.hidden
        self.n_classes = n_classes
        self.time_mlp = nn.Sequential(nn.Linear(H, H), nn.SiLU(), nn.Linear(H, H))
        self.class_emb = nn.Embedding(n_classes + 1, H)
        self.inp = nn.Linear(n_features, H)
        self.blocks = nn.ModuleList(ResidualBlock(H) for _ in range(cfg.n_blocks))
        self.out = nn.Sequential(nn.LayerNorm(H), nn.SiLU(), nn.Linear(H, n_features))
        # A per-pixel gain and offset on x_t, set by (t, y): the narrow MLP cannot copy
        # every pixel of x_t through, but removing noise from a pixel whose value the
        # class and step make clear (the background of a digit) is such a copy.
        self.skip = nn.Linear(H, 2 * n_features)
        for layer in (self.out[-1], self.skip):  # start by predicting v = 0: stable early steps
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)

    def forward(self, x, t, y):
        H = self.inp.out_features
        emb = F.silu(self.time_mlp(timestep_embedding(t, H)) + self.class_emb(y))  # (B, H)
        h = self.inp(x)  # (B, H)
        for block in self.blocks:
            h = block(h, emb)
        gain, offset = self.skip(emb).chunk(2, dim=1)  # (B, D) each
        return self.out(h) + gain * x + offset  # (B, D)


def cosine_alpha_bar(T: int) -> torch.Tensor:
    """abar_t for t = 0..T (abar_0 = 1), the cosine schedule; shape (T + 1,), float64."""
    s = 0.008
    f = torch.cos((torch.arange(T + 1, dtype=torch.float64) / T + s) / (1 + s) * math.pi / 2) ** 2
    abar = f / f[0]
    # Clip each step's beta at 0.999 as Nichol & Dhariwal do, so the last steps stay finite.
    betas = (1 - abar[1:] / abar[:-1]).clamp(max=0.999)
    return torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(1 - betas, 0)])


class DiffusionClassifier(PixelGeneratorMixin, GenerativeClassifier):
    """Class-conditional DDPM with classifier-free guidance; classifies by denoising error.

    ``predict_joint_log_proba`` is an **unnormalised** score (see the module
    docstring), not log p(x, y); ``sample`` draws images by the guided
    reverse process. Pixels must lie in [0, 1].

    Parameters
    ----------
    hidden, n_blocks, timesteps, epochs, batch_size, lr, ema, p_uncond, guidance,
    sample_steps, eta, n_trials
        See :class:`DiffusionConfig`.
    image_shape : tuple or None, default=None
        (height, width[, channels]), checked and kept for showing samples; the
        denoiser sees flat rows, so any number of features in [0, 1] works.
    priors : array-like (K,) or None, default=None
        Class probabilities p(y) in the order of ``classes_`` (as
        ``GaussianNB(priors=...)``): the log p(y) of the score and the class
        draws of ``sample(y=None)``; None learns them from the (weighted)
        class shares.
    device : {"auto", "cpu", "cuda"}, default="auto"
    random_state : int or None, default=0
        Seeds training and the fixed (t, eps) pairs used for scoring.
    verbose : bool or None, default=None

    Attributes
    ----------
    classes_ : ndarray (K,)
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    module_ : Denoiser
        The weight average of the trained denoiser; ``loss_curve_`` holds the
        mean loss per epoch.

    Notes
    -----
    ``fit(X, y, sample_weight=w)`` scales each row's v-prediction error by
    its weight over the mean weight and counts the weights in
    ``class_count_``; a row of weight 0 is dropped before training, so it
    equals leaving the row out. Integer weights equal repeated rows in
    expectation, not bit for bit (see :mod:`genvsdisc.models.torch._weights`).

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> dm = DiffusionClassifier(epochs=1, hidden=32, sample_steps=5).fit(X[:200] / 16, y[:200])
    >>> dm.sample(2, y=7, random_state=0)[0].shape
    (2, 64)
    """

    _config_class = DiffusionConfig
    _parameter_constraints = {
        "hidden": POSITIVE_INT,
        "n_blocks": [Interval(Integral, 0, None, closed="left")],
        "timesteps": [Interval(Integral, 2, None, closed="left")],
        "epochs": POSITIVE_INT,
        "batch_size": POSITIVE_INT,
        "lr": POSITIVE_REAL,
        "ema": fraction(0.99999),
        "p_uncond": fraction(),
        "guidance": NON_NEGATIVE_REAL,
        "sample_steps": POSITIVE_INT,  # and <= timesteps: _check_params
        "eta": fraction(),
        "n_trials": POSITIVE_INT,
        "image_shape": IMAGE_SHAPE,
        "priors": ["array-like", None],
        **RUNTIME_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        hidden=DiffusionConfig.hidden,
        n_blocks=DiffusionConfig.n_blocks,
        timesteps=DiffusionConfig.timesteps,
        epochs=DiffusionConfig.epochs,
        batch_size=DiffusionConfig.batch_size,
        lr=DiffusionConfig.lr,
        ema=DiffusionConfig.ema,
        p_uncond=DiffusionConfig.p_uncond,
        guidance=DiffusionConfig.guidance,
        sample_steps=DiffusionConfig.sample_steps,
        eta=DiffusionConfig.eta,
        n_trials=DiffusionConfig.n_trials,
        image_shape=None,
        priors=None,
        device="auto",
        random_state=0,
        verbose=None,
    ):
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
        self.image_shape = image_shape
        self.priors = priors
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _check_params(self, *names):
        """The parameter table, then ``sample_steps <= timesteps`` (one reverse step per step)."""
        super()._check_params(*names)
        if not names and self.sample_steps > self.timesteps:
            raise ParameterError(
                f"The 'sample_steps' parameter of DiffusionClassifier must be <= timesteps "
                f"({self.timesteps}). Got {self.sample_steps} instead."
            )

    def _build_module(self, arch: dict) -> Denoiser:
        return Denoiser(arch["n_features"], arch["n_classes"], DiffusionConfig(**arch["config"]))

    def _abar(self, device) -> torch.Tensor:
        return cosine_alpha_bar(self.arch_["config"]["timesteps"]).to(device)

    # ---------------------------------------------------------------- fit
    def _training_data(self, X, R, cfg: DiffusionConfig, device):
        """Rows scaled to [-1, 1] (n, D), class indices (n,), abar (T + 1,) and loss
        factors (n,) or None (no weights), on the device."""
        x0 = torch.as_tensor(X * 2 - 1, dtype=torch.float32, device=device)
        y = torch.as_tensor(R.argmax(1), dtype=torch.long, device=device)
        abar = cosine_alpha_bar(cfg.timesteps).to(device).float()
        return x0, y, abar, loss_weights(R.sum(1), device=device)

    def _ema_decay(self, cfg: DiffusionConfig) -> float:
        """Sampling and scoring use the weight average (``module_``), not the last weights."""
        return cfg.ema

    def _optimiser(self, net, cfg: DiffusionConfig, total_steps: int):
        opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=0.0)
        sched = torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=cfg.lr, total_steps=total_steps, pct_start=min(0.05, 100 / total_steps)
        )
        return opt, sched

    def _batch_loss(self, net, cfg: DiffusionConfig, data, idx, gen) -> torch.Tensor:
        """v-prediction error at a random step t, the class dropped for a fraction p_uncond."""
        x0_all, y_all, abar, factors = data
        device = x0_all.device
        idx = idx.to(device)
        x0, y = x0_all[idx], y_all[idx]  # (B, D), (B,)
        t = torch.randint(1, cfg.timesteps + 1, (len(idx),), device=device)
        y = torch.where(torch.rand(len(idx), device=device) < cfg.p_uncond, net.n_classes, y)
        eps = torch.randn_like(x0)
        a = abar[t][:, None]  # (B, 1)
        v = a.sqrt() * eps - (1 - a).sqrt() * x0
        pred = net(a.sqrt() * x0 + (1 - a).sqrt() * eps, t, y)  # (B, D)
        if factors is None:
            return F.mse_loss(pred, v)
        return weighted_mean(F.mse_loss(pred, v, reduction="none").mean(1), factors[idx])

    # ------------------------------------------------------------ predict
    @torch.no_grad()
    def _joint_log_likelihood(self, X):
        """Unnormalised score log p(y) - 1/2 mean_j ||eps_j - eps(x_tj, t_j, y)||^2, (n, K)."""
        net, device = self.module_.eval(), self._device()
        configure_threads()
        cfg = self.arch_["config"]
        T, J, K = cfg["timesteps"], cfg["n_trials"], len(self.classes_)
        abar = self._abar(device).float()
        # Steps spread evenly over (0, T]: a stratified estimate of the average over t.
        t_grid = (
            torch.linspace(T / J / 2, T - T / J / 2, J, device=device).round().long().clamp(1, T)
        )
        x0_all = torch.as_tensor(X * 2 - 1, dtype=torch.float32, device=device)
        out = np.empty((len(X), K))
        rows = max(1, 4096 // (J * K))
        with seeded(self.random_state, device):
            for start in range(0, len(X), rows):
                x0 = x0_all[start : start + rows]  # (B, D)
                B = len(x0)
                eps = torch.randn(J, B, x0.shape[1], device=device)  # same noise for all classes
                a = abar[t_grid][:, None, None]  # (J, 1, 1)
                xt = a.sqrt() * x0 + (1 - a).sqrt() * eps  # (J, B, D)
                t = t_grid.repeat_interleave(B)  # (J*B,)
                for k in range(K):
                    v = net(xt.reshape(J * B, -1), t, torch.full_like(t, k)).reshape(J, B, -1)
                    pred = (1 - a).sqrt() * xt + a.sqrt() * v  # the class's estimate of eps
                    err = (pred - eps).pow(2).sum(-1).mean(0)  # (B,)
                    out[start : start + B, k] = -0.5 * err.double().cpu().numpy()
        return out + self.class_log_prior_

    # ------------------------------------------------------------- sample
    @torch.no_grad()
    def _sample_class(self, k, n, rng, *, temperature):
        """Images of class k by the guided reverse process, shape (n, D).

        ``temperature`` scales the noise of the starting point
        and of each reverse step (< 1: cleaner, less varied images).
        """
        net, device = self.module_.eval(), self._device()
        configure_threads()
        cfg = self.arch_["config"]
        gen = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))

        def noise():  # (n, D), from this call's own generator
            return torch.randn(n, self.n_features_in_, generator=gen).to(device) * float(
                temperature
            )

        abar = self._abar(device)
        steps = torch.linspace(cfg["timesteps"], 0, cfg["sample_steps"] + 1).round().long().tolist()
        w = cfg["guidance"]
        y = torch.cat([torch.full((n,), k), torch.full((n,), net.n_classes)]).to(device)
        x = noise()
        for t, s in zip(steps[:-1], steps[1:], strict=True):
            both = net(x.repeat(2, 1), torch.full((2 * n,), t, device=device), y)
            v = (1 + w) * both[:n] - w * both[n:]  # classifier-free guidance (linear in v and eps)
            a_t, a_s = abar[t].float(), abar[s].float()
            x0 = (a_t.sqrt() * x - (1 - a_t).sqrt() * v).clamp(-1, 1)
            eps = (x - a_t.sqrt() * x0) / (1 - a_t).sqrt()  # re-derived after clipping
            # DDIM step from t to s (Song et al. 2021): eta = 1 is the ancestral DDPM
            # step on the strided schedule, eta = 0 the deterministic one.
            var = cfg["eta"] ** 2 * (1 - a_s) / (1 - a_t) * (1 - a_t / a_s)
            x = a_s.sqrt() * x0 + (1 - a_s - var).clamp(min=0).sqrt() * eps
            if s > 0:
                x = x + var.sqrt() * noise()
        return ((x.clamp(-1, 1) + 1) / 2).double().cpu().numpy()
