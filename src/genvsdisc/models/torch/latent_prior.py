"""The cvae's prior p(z | y): the standard normal, or a mixture fitted to the codes after training.

A VAE trained with p(z) = N(0, I) leaves the codes of its training rows,
the aggregate posterior q(z | y) = mean over rows of q(z | x, y), in only a
part of that ball; a z drawn from N(0, I) far from every code decodes to a
blurred, generic image. *Ex-post density estimation* (Ghosh et al. 2020,
"From variational to deterministic autoencoders"; the second stage of Dai &
Wipf 2019) keeps the trained encoder and decoder and replaces the prior by a
density fitted to the codes. ``latent_prior="mixture"`` fits, per class, a
full-covariance Gaussian mixture (scikit-learn's ``GaussianMixture``) to
draws z ~ q(z | x, y) of the class's training rows, and makes it the model's
p(z | y) for both of its uses:

- sampling draws z from the mixture, then the decoder's mean image;
- scoring uses its log density in the importance-weighted bound, which stays a
  valid lower bound on log p(x | y) of *this* model (any proposal and any
  normalised prior keep it one).

Weights: each draw picks a row with probability proportional to its weight
(``sample_weight``), so an integer weight equals repeating the row in expectation.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from sklearn.mixture import GaussianMixture

__all__ = ["LatentPriorMixin"]

#: Draws z ~ q(z | x, y) per training row of a class that the mixture is fitted to.
DRAWS_PER_ROW = 4
#: Added to the mixture's covariance diagonals (the codes are on a scale of about 1).
REG_COVAR = 1e-4
_ARRAYS = ("latent_weights_", "latent_means_", "latent_chol_")


class LatentPriorMixin:
    """p(z | y) of :class:`~genvsdisc.models.torch.vae.CVAEClassifier`: normal or a fitted mixture.

    Attributes set by :meth:`_fit_latent_prior` when ``latent_prior="mixture"``
    (None otherwise): ``latent_weights_`` (K, M), ``latent_means_`` (K, M, L)
    and ``latent_chol_`` (K, M, L, L), the Cholesky factors of the covariances.
    """

    def _fit_latent_prior(self, X, R) -> None:
        """Fit each class's mixture to codes of its training rows ``X`` (n, D), ``R`` (n, K)."""
        for attr in _ARRAYS:
            setattr(self, attr, None)
        if self.latent_prior != "mixture":
            return
        net, device = self.module_.eval(), self._device()
        rng = np.random.RandomState(self.random_state)
        gen = torch.Generator().manual_seed(int(rng.randint(2**31 - 1)))
        M = int(self.latent_components)
        weights, means, chols = [], [], []
        for k in range(R.shape[1]):
            rows = np.flatnonzero(R[:, k] > 0)
            n_draws = max(DRAWS_PER_ROW * len(rows), M)
            pick = rng.choice(rows, size=n_draws, p=R[rows, k] / R[rows, k].sum())
            with torch.no_grad():
                x = torch.as_tensor(X[pick], dtype=torch.float32, device=device)
                mu, logvar = net.encode(x, k)
                eps = torch.randn(mu.shape, generator=gen).to(device)
                z = (mu + eps * (0.5 * logvar).exp()).double().cpu().numpy()
            gm = GaussianMixture(
                M, covariance_type="full", reg_covar=REG_COVAR, random_state=self.random_state
            ).fit(z)
            weights.append(gm.weights_)
            means.append(gm.means_)
            chols.append(np.linalg.cholesky(gm.covariances_))
        self.latent_weights_ = np.array(weights)
        self.latent_means_ = np.array(means)
        self.latent_chol_ = np.array(chols)

    def _latent_tensors(self, k, device):
        """Mixture weights (M,), means (M, L) and Cholesky factors (M, L, L) of class ``k``."""
        return tuple(
            torch.as_tensor(getattr(self, a)[k], dtype=torch.float32, device=device)
            for a in _ARRAYS
        )

    def _log_prior_z(self, z, k, device):
        """log p(z | y=k) of codes z (..., L), same leading shape out."""
        if getattr(self, "latent_means_", None) is None:
            return (-0.5 * z.pow(2) - 0.5 * math.log(2 * math.pi)).sum(-1)
        w, mean, chol = self._latent_tensors(k, device)
        mix = torch.distributions.MixtureSameFamily(
            torch.distributions.Categorical(probs=w),
            torch.distributions.MultivariateNormal(mean, scale_tril=chol),
        )
        return mix.log_prob(z)

    def _draw_z(self, k, n, latent_dim, gen, device, temperature):
        """n codes (n, L) from p(z | y=k); ``temperature`` T scales the spread around the centre.

        Normal prior: z ~ N(0, T^2 I), drawn exactly as before the mixture
        existed (same generator calls). Mixture: a component by its weight,
        then its mean plus T times its Cholesky factor times N(0, I) noise.
        """
        if getattr(self, "latent_means_", None) is None:
            return torch.randn(n, latent_dim, generator=gen).to(device) * float(temperature)
        w, mean, chol = self._latent_tensors(k, "cpu")
        comp = torch.multinomial(w, n, replacement=True, generator=gen)
        eps = torch.randn(n, latent_dim, 1, generator=gen)
        z = mean[comp] + float(temperature) * (chol[comp] @ eps).squeeze(-1)
        return z.to(device)

    def _export_latent(self, tensors) -> None:
        for attr in _ARRAYS:
            if getattr(self, attr, None) is not None:
                tensors[attr] = torch.as_tensor(getattr(self, attr))

    def _import_latent(self, tensors) -> None:
        for attr in _ARRAYS:
            value = tensors.get(attr)
            setattr(self, attr, None if value is None else value.numpy().copy())
