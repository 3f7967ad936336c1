"""What the class-conditional pixel generators (``cvae``, ``diffusion``) share.

Pixels in [0, 1], the fit (class prior, architecture, one training run on
the template) and ``sample`` with a ``temperature`` that is handed to each
model's ``_sample_class`` as an argument, so threads that share one fitted
model can sample at different temperatures at once.
"""

from __future__ import annotations

import numbers
from dataclasses import asdict

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.torch._images import check_unit_range, resolve_image_shape
from genvsdisc.models.torch._params import check_positive_float
from genvsdisc.models.torch._training import TorchEstimatorMixin

__all__ = ["PixelGeneratorMixin"]


class PixelGeneratorMixin(TorchEstimatorMixin):
    """Base of ``cvae`` and ``diffusion``; put before ``GenerativeClassifier``.

    A subclass fills the template's hooks, ``_training_data(X, R, cfg, device)``
    (the tensors its ``_batch_loss`` reads) and ``_sample_class(k, n, rng,
    temperature)``: ``n`` images (n, d) of class index ``k``, with the
    model's noise scaled by ``temperature``.
    """

    def _validate_fit_X(self, X, reset=True):
        X = super()._validate_fit_X(X, reset=reset)
        check_unit_range(X, self._registry_name, "fit")
        return X

    def _validate_predict_X(self, X):
        X = super()._validate_predict_X(X)
        check_unit_range(X, self._registry_name, "predict")
        return X

    def _fit_weighted(self, X, R):
        """Train on rows ``X`` (n, d); ``R`` (n, K) is one-hot (these models run no EM).

        Sets ``class_log_prior_`` (K,), ``arch_``, ``module_`` and ``loss_curve_``.
        """
        cfg = self._config()
        if self.image_shape is not None:
            resolve_image_shape(self.image_shape, X.shape[1])  # a wrong shape fails now
        counts = R.sum(0)
        self.class_log_prior_ = np.log(counts / counts.sum())
        arch = {"n_features": X.shape[1], "n_classes": R.shape[1], "config": asdict(cfg)}
        data = self._training_data(X, R, cfg, self._device())
        self._fit_network(arch, cfg, data, len(X))

    def sample(self, n_samples=1, y=None, random_state=None, *, clip=False, temperature=1.0):
        """Draw images; see ``GenerativeClassifier.sample``.

        ``temperature`` scales the model's noise (see the model's
        ``_sample_class``): < 1 gives more typical, less varied images.
        """
        temperature = check_positive_float(self, "temperature", temperature, upper=10)
        check_is_fitted(self)
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ParameterError(
                f"sample: n_samples must be a positive integer. Got {n_samples!r} instead."
            )
        rng = check_random_state(random_state)
        idx = self._class_indices(y, int(n_samples), rng)
        order = np.argsort(idx, kind="stable")  # rows grouped by class, then put back
        blocks = [
            self._sample_class(int(k), int(np.sum(idx == k)), rng, temperature)
            for k in np.unique(idx)
        ]
        X_new = np.concatenate(blocks, axis=0)[np.argsort(order, kind="stable")]
        if clip:
            X_new = self._clip(X_new)
        return X_new, self.classes_[idx]
