"""The cvae's decoder likelihood: Bernoulli (the default) or Gaussian with a learned scale."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.special import expit
from scipy.stats import norm
from sklearn.datasets import load_digits

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.torch import load_model, save_model
from genvsdisc.models.torch.vae import MIN_SCALE, ClassVAE, CVAEClassifier, CVAEConfig

TINY = {"epochs": 2, "hidden": 16, "latent_dim": 2, "n_importance": 4, "device": "cpu"}


def _net(likelihood, K=2, D=5):
    torch.manual_seed(0)
    net = ClassVAE(D, K, CVAEConfig(likelihood=likelihood, hidden=4, latent_dim=2))
    if likelihood == "gaussian":
        with torch.no_grad():  # one scale under the floor, the others spread out
            net.log_scale.copy_(torch.linspace(np.log(MIN_SCALE / 4), 0.0, K * D).view(K, 1, D))
    return net


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_pixel_log_lik_is_the_sum_of_per_pixel_densities_over_observed_pixels(likelihood):
    net, rng = _net(likelihood), np.random.default_rng(0)
    logits, x = rng.normal(size=(3, 5)), rng.uniform(size=(3, 5))
    mask = rng.uniform(size=(3, 5)) > 0.4
    p = expit(logits)
    if likelihood == "gaussian":
        scale = np.maximum(np.exp(net.log_scale[1].detach().numpy()), MIN_SCALE)  # (1, 5)
        per_pixel = norm.logpdf(x, loc=p, scale=scale)
    else:
        per_pixel = x * np.log(p) + (1 - x) * np.log1p(-p)
    got = net.pixel_log_lik(
        torch.as_tensor(logits), torch.as_tensor(x), torch.as_tensor(mask, dtype=torch.float64), 1
    )
    # the decoder factorises over pixels: leaving a pixel out integrates it out exactly
    np.testing.assert_allclose(got.detach().numpy(), (per_pixel * mask).sum(1), rtol=1e-6)


def test_default_stays_bernoulli_with_no_scale_parameter():
    assert CVAEClassifier().likelihood == "bernoulli"
    assert not hasattr(_net("bernoulli"), "log_scale")
    with pytest.raises(ParameterError, match="likelihood"):
        CVAEClassifier(likelihood="poisson", **TINY).fit(np.zeros((4, 4)), [0, 0, 1, 1])


def test_gaussian_decoder_learns_the_noise_level():
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 80)
    X = np.clip(np.where(y[:, None] == 0, 0.3, 0.7) + rng.normal(0, 0.05, (160, 4)), 0, 1)
    vae = CVAEClassifier(
        likelihood="gaussian", **{**TINY, "epochs": 40, "lr": 1e-2, "batch_size": 16}
    ).fit(X, y)
    scale = np.exp(vae.module_.log_scale.detach().numpy())
    assert np.all((scale > 0.025) & (scale < 0.1)), scale
    assert np.mean(vae.predict(X) == y) == 1.0


def test_gaussian_cvae_integrates_nan_and_saves(tmp_path):
    X, y = load_digits(return_X_y=True)
    X, y = X[:120] / 16.0, y[:120]
    vae = CVAEClassifier(likelihood="gaussian", **TINY).fit(X, y)
    X_nan = X[:5].copy()
    X_nan[:, ::2] = np.nan
    assert np.isfinite(vae.predict_joint_log_proba(X_nan)).all()
    loaded = load_model(save_model(vae, tmp_path / "g.safetensors"))
    assert loaded.likelihood == "gaussian"
    np.testing.assert_array_equal(loaded.predict_proba(X_nan), vae.predict_proba(X_nan))
    np.testing.assert_array_equal(
        loaded.sample(3, random_state=1)[0], vae.sample(3, random_state=1)[0]
    )
