"""The cvae's prior p(z | y): N(0, I) by default, or a Gaussian mixture fitted to the codes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.special import logsumexp
from scipy.stats import multivariate_normal, norm
from sklearn.datasets import load_digits

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.torch import load_model, save_model
from genvsdisc.models.torch.vae import CVAEClassifier

TINY = {"epochs": 3, "hidden": 16, "latent_dim": 2, "n_importance": 4, "device": "cpu"}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300] % 3


@pytest.fixture(scope="module")
def mixture(digits):
    return CVAEClassifier(latent_prior="mixture", latent_components=3, **TINY).fit(*digits)


def test_default_prior_is_the_standard_normal(digits):
    vae = CVAEClassifier(**TINY).fit(*digits)
    assert vae.latent_prior == "normal" and vae.latent_means_ is None
    z = torch.as_tensor(np.random.default_rng(0).normal(size=(5, 2)))
    np.testing.assert_allclose(
        vae._log_prior_z(z, 0, "cpu").numpy(), norm.logpdf(z.numpy()).sum(1), rtol=1e-12
    )


def test_mixture_prior_log_density_is_the_fitted_mixture(mixture):
    w, means, chol = (mixture.latent_weights_, mixture.latent_means_, mixture.latent_chol_)
    assert w.shape == (3, 3) and means.shape == (3, 3, 2) and chol.shape == (3, 3, 2, 2)
    np.testing.assert_allclose(w.sum(1), 1.0)
    z = np.random.default_rng(1).normal(size=(6, 2))
    for k in range(3):
        covs = chol[k] @ chol[k].transpose(0, 2, 1)
        want = logsumexp(
            [
                np.log(w[k, m]) + multivariate_normal(means[k, m], covs[m]).logpdf(z)
                for m in range(3)
            ],
            axis=0,
        )
        got = mixture._log_prior_z(torch.as_tensor(z, dtype=torch.float32), k, "cpu").numpy()
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


def test_mixture_fits_the_codes_better_than_the_standard_normal(digits):
    # trained long enough for informative codes: the aggregate posterior is then
    # not N(0, I), and the mixture fitted to it scores fresh codes higher
    X, y = digits
    params = {**TINY, "epochs": 30, "lr": 3e-3, "latent_prior": "mixture"}
    vae = CVAEClassifier(**params).fit(X, y)
    torch.manual_seed(1)
    with torch.no_grad():
        mu, logvar = vae.module_.encode(torch.as_tensor(X[y == 1], dtype=torch.float32), 1)
        codes = mu + torch.randn_like(mu) * (0.5 * logvar).exp()  # z ~ q(z | x, y)
        fitted = float(vae._log_prior_z(codes, 1, "cpu").mean())
    assert fitted > norm.logpdf(codes.numpy()).sum(1).mean() + 0.1


def test_mixture_draws_follow_the_mixture(mixture):
    gen = torch.Generator().manual_seed(0)
    z = mixture._draw_z(2, 20000, 2, gen, "cpu", 1.0).numpy()
    w, means = mixture.latent_weights_[2], mixture.latent_means_[2]
    np.testing.assert_allclose(z.mean(0), w @ means, atol=0.05)
    half = mixture._draw_z(2, 20000, 2, torch.Generator().manual_seed(0), "cpu", 0.5).numpy()
    assert half.std(0).max() < z.std(0).max()  # temperature narrows each component


def test_mixture_model_saves_and_loads(mixture, digits, tmp_path):
    loaded = load_model(save_model(mixture, tmp_path / "m.safetensors"))
    X = digits[0][:5]
    np.testing.assert_array_equal(loaded.predict_proba(X), mixture.predict_proba(X))
    np.testing.assert_array_equal(
        loaded.sample(4, random_state=2)[0], mixture.sample(4, random_state=2)[0]
    )


def test_mixture_zero_weight_equals_dropping_the_row(digits):
    X, y = digits
    w = np.ones(len(X))
    w[::5] = 0
    params = {"latent_prior": "mixture", "latent_components": 2, **TINY}
    weighted = CVAEClassifier(**params).fit(X, y, sample_weight=w)
    dropped = CVAEClassifier(**params).fit(X[w > 0], y[w > 0])
    np.testing.assert_allclose(weighted.latent_means_, dropped.latent_means_, rtol=1e-6)
    np.testing.assert_allclose(weighted.predict_proba(X), dropped.predict_proba(X), atol=1e-6)


def test_unknown_latent_prior_is_refused(digits):
    with pytest.raises(ParameterError, match="latent_prior"):
        CVAEClassifier(latent_prior="flow", **TINY).fit(*digits)
