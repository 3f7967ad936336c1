"""What the class-conditional pixel generators (``cvae``, ``diffusion``) share.

Pixels in [0, 1], the fit (class prior -- the user's ``priors`` or the
weighted class shares --, rows of weight 0 dropped, architecture, one
training run on the template) and the ``temperature`` option of ``sample``, which
``GenerativeClassifier.sample`` hands to each model's ``_sample_class`` as
an argument, so threads that share one fitted model can sample at
different temperatures at once.
"""

from __future__ import annotations

from dataclasses import asdict
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from genvsdisc.models.registry import name_of
from genvsdisc.models.torch._images import check_unit_range, resolve_image_shape
from genvsdisc.models.torch._training import TorchEstimatorMixin
from genvsdisc.models.torch._weights import kept_rows

__all__ = ["PixelGeneratorMixin"]


class PixelGeneratorMixin(TorchEstimatorMixin):
    """Base of ``cvae`` and ``diffusion``; put before ``GenerativeClassifier``.

    A subclass fills the template's hooks, ``_training_data(X, R, cfg, device)``
    (the tensors its ``_batch_loss`` reads) and ``_sample_class(k, n, rng, *,
    temperature)``: ``n`` images (n, d) of class index ``k``, with the
    model's noise scaled by ``temperature``.
    """

    supports_sample_weight = True
    _sample_options = {"temperature": [Interval(Real, 0, 10, closed="right")]}

    def _validate_fit_X(self, X, reset=True):
        X = super()._validate_fit_X(X, reset=reset)
        check_unit_range(X, name_of(self), "fit")
        return X

    def _validate_predict_X(self, X):
        X = super()._validate_predict_X(X)
        check_unit_range(X, name_of(self), "predict")
        return X

    def _fit_weighted(self, X, R):
        """Train on rows ``X`` (n, d); ``R`` (n, K) is one-hot times ``sample_weight`` (no EM).

        Rows of weight 0 are dropped first (:mod:`._weights`); the others
        scale their losses. Sets ``class_count_``, ``class_prior_`` and
        ``class_log_prior_`` (K,; ``priors`` when given), ``arch_``,
        ``module_`` and ``loss_curve_``.
        """
        keep = kept_rows(R.sum(1))
        if keep is not None:
            X, R = X[keep], R[keep]
        counts = R.sum(0)
        self._check_every_class_weighted(counts)
        # The learned shares as before weights existed, so seeded outputs keep every bit.
        self._set_class_prior(counts, learned_log_prior=np.log(counts / counts.sum()))
        self._fit_rows(X, R)

    def _fit_rows(self, X, R):
        """Train the network on the kept rows ``X`` (n, d), ``R`` (n, K) weighted one-hot."""
        cfg = self._config()
        if self.image_shape is not None:
            resolve_image_shape(self.image_shape, X.shape[1])  # a wrong shape fails now
        arch = {"n_features": X.shape[1], "n_classes": R.shape[1], "config": asdict(cfg)}
        data = self._training_data(X, R, cfg, self._device())
        self._fit_network(arch, cfg, data, len(X))

    def sample(
        self, n_samples=1, y=None, random_state=None, *, clip=False, temperature=1.0, **options
    ):
        """Draw images: ``GenerativeClassifier.sample`` with the option ``temperature``.

        ``temperature`` (a float in (0, 10], default 1) scales the model's
        noise (see the model's ``_sample_class``): < 1 gives more typical,
        less varied images. Spelled out here so that ``help()`` and callers
        that read the signature (``genvsdisc generate --temperature``) see
        it; any other option is refused by the base with a ParameterError.
        """
        return super().sample(
            n_samples, y, random_state, clip=clip, temperature=temperature, **options
        )
