"""``cnn``: a small convolutional network, the strongest detective on images.

It models p(y|x) only; it is also genvsdisc's default *judge* of generated
images (:mod:`genvsdisc.generation`): trained on real data, it says which
class a generated image looks like.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from torch import nn

from genvsdisc.models.base import DiscriminativeClassifier
from genvsdisc.models.params import NON_NEGATIVE_REAL, POSITIVE_INT, POSITIVE_REAL
from genvsdisc.models.priors import check_sample_weight
from genvsdisc.models.torch._images import random_affine, resolve_image_shape, to_image_tensor
from genvsdisc.models.torch._params import IMAGE_SHAPE, RUNTIME_CONSTRAINTS, fraction
from genvsdisc.models.torch._runtime import configure_threads
from genvsdisc.models.torch._training import TorchEstimatorMixin
from genvsdisc.models.torch._weights import (
    kept_rows,
    loss_weights,
    refuse_unweighted_class,
    weighted_mean,
)

__all__ = ["CNNConfig", "ConvNet", "CNNClassifier"]


@dataclass
class CNNConfig:
    """Hyper-parameters of :class:`CNNClassifier` (defaults: mnist5k in about a minute)."""

    channels: int = 16  # feature maps of the first conv block; the second has twice as many
    hidden: int = 128  # width of the fully connected layer before the class logits
    dropout: float = 0.2  # dropout before the last two linear layers
    epochs: int = 20  # passes over the training rows
    batch_size: int = 64  # rows per optimiser step
    lr: float = 3e-3  # peak AdamW learning rate of the one-cycle schedule
    weight_decay: float = 1e-4  # AdamW weight decay
    augment: float = (
        0.1  # random shift (fraction of the side), rotation and zoom while training; 0 = off
    )


class ConvNet(nn.Module):
    """Two conv blocks and an MLP head: (B, C, H, W) -> logits (B, K).

    Each block is conv3x3-BatchNorm-ReLU followed by 2x2 max-pooling while the
    map is at least 8 pixels wide, so 28x28 -> 14 -> 7 and 8x8 -> 4 -> 4.
    """

    def __init__(self, in_channels: int, height: int, width: int, n_classes: int, cfg: CNNConfig):
        super().__init__()
        layers, c, h, w = [], in_channels, height, width
        for c_out in (cfg.channels, 2 * cfg.channels):
            layers += [nn.Conv2d(c, c_out, 3, padding=1), nn.BatchNorm2d(c_out), nn.ReLU()]
            if min(h, w) >= 8:
                layers.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
            c = c_out
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(cfg.dropout),
            nn.Linear(c * h * w, cfg.hidden),  # (B, hidden)
            nn.ReLU(),
            nn.Dropout(cfg.dropout),
            nn.Linear(cfg.hidden, n_classes),  # (B, K)
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))  # (B, K)


class CNNClassifier(TorchEstimatorMixin, DiscriminativeClassifier):
    """A small convolutional network for images (discriminative).

    Parameters
    ----------
    channels, hidden, dropout, epochs, batch_size, lr, weight_decay, augment
        See :class:`CNNConfig` for meaning and defaults.
    image_shape : tuple or None, default=None
        (height, width[, channels]) of the flattened rows; None infers a square.
    device : {"auto", "cpu", "cuda"}, default="auto"
    random_state : int or None, default=0
        Seeds initialisation, shuffling, dropout and augmentation.
    verbose : bool or None, default=None
        Progress bar; None shows it only on a terminal.

    Attributes
    ----------
    classes_ : ndarray (K,)
    n_features_in_ : int
    module_ : ConvNet
        The trained network; ``loss_curve_`` holds the mean loss per epoch.

    Notes
    -----
    ``fit(X, y, sample_weight=w)`` scales each row's cross-entropy by its
    weight over the mean weight, so ``CalibratedClassifierCV`` passes its
    weights on; a row of weight 0 is dropped before training, so it equals
    leaving the row out. Integer weights equal repeated rows in expectation,
    not bit for bit: repeated rows make more batches, and BatchNorm's batch
    statistics count rows, not weights (see
    :mod:`genvsdisc.models.torch._weights`). Like scikit-learn's
    ``MLPClassifier``, it has no class priors: p(y|x) is learned directly.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = CNNClassifier(epochs=1).fit(X[:200] / 16, y[:200])
    >>> clf.predict_proba(X[:3] / 16).shape
    (3, 10)
    """

    supports_sample_weight = True
    _config_class = CNNConfig
    _parameter_constraints = {
        "channels": POSITIVE_INT,
        "hidden": POSITIVE_INT,
        "dropout": fraction(0.9),
        "epochs": POSITIVE_INT,
        "batch_size": POSITIVE_INT,
        "lr": POSITIVE_REAL,
        "weight_decay": NON_NEGATIVE_REAL,
        "augment": fraction(0.5),
        "image_shape": IMAGE_SHAPE,
        **RUNTIME_CONSTRAINTS,
    }

    def __init__(
        self,
        *,
        channels=CNNConfig.channels,
        hidden=CNNConfig.hidden,
        dropout=CNNConfig.dropout,
        epochs=CNNConfig.epochs,
        batch_size=CNNConfig.batch_size,
        lr=CNNConfig.lr,
        weight_decay=CNNConfig.weight_decay,
        augment=CNNConfig.augment,
        image_shape=None,
        device="auto",
        random_state=0,
        verbose=None,
    ):
        self.channels = channels
        self.hidden = hidden
        self.dropout = dropout
        self.epochs = epochs
        self.batch_size = batch_size
        self.lr = lr
        self.weight_decay = weight_decay
        self.augment = augment
        self.image_shape = image_shape
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    def _build_module(self, arch: dict) -> ConvNet:
        h, w, c = arch["shape"]
        return ConvNet(c, h, w, arch["n_classes"], CNNConfig(**arch["config"]))

    def fit(self, X, y, sample_weight=None):
        """Train on images ``X`` (n, h*w*c) in [0, 1] and labels ``y`` (n,).

        ``sample_weight`` (n,), non-negative, scales each row's cross-entropy
        by its weight over the mean weight; rows of weight 0 are dropped
        before training. None: every row weighs 1.
        """
        self._check_params()
        cfg = self._config()
        X, y = validate_data(self, X, y, dtype=np.float32)
        check_classification_targets(y)
        weights = check_sample_weight(sample_weight, X)
        self.classes_, y_idx = np.unique(y, return_inverse=True)
        if weights is not None:
            refuse_unweighted_class(
                self.classes_, np.bincount(y_idx, weights, len(self.classes_)), "cnn"
            )
            keep = kept_rows(weights)
            if keep is not None:
                X, y_idx, weights = X[keep], y_idx[keep], weights[keep]
        shape = resolve_image_shape(self.image_shape, X.shape[1])
        arch = {"shape": list(shape), "n_classes": len(self.classes_), "config": asdict(cfg)}
        device = self._device()
        images = to_image_tensor(X, shape, device)  # (n, c, h, w)
        targets = torch.as_tensor(y_idx, dtype=torch.long, device=device)  # (n,)
        factors = loss_weights(weights, device=device)  # (n,), or None: no weights
        self._fit_network(arch, cfg, (images, targets, factors), len(X))
        return self

    def _optimiser(self, net, cfg: CNNConfig, total_steps: int):
        opt = torch.optim.AdamW(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
        return opt, torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=cfg.lr, total_steps=total_steps)

    def _batch_loss(self, net, cfg: CNNConfig, data, idx, gen) -> torch.Tensor:
        """Cross-entropy of the (augmented) images ``idx`` against their labels."""
        images, targets, factors = data
        idx = idx.to(images.device)
        logits = net(random_affine(images[idx], cfg.augment))  # (B, K)
        if factors is None:
            return F.cross_entropy(logits, targets[idx])
        return weighted_mean(F.cross_entropy(logits, targets[idx], reduction="none"), factors[idx])

    @torch.no_grad()
    def predict_proba(self, X):
        """p(y|x) from the softmax of the logits, shape (n, K)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float32)
        device = self._device()
        configure_threads()
        images = to_image_tensor(X, self.arch_["shape"], device)
        self.module_.eval()
        out = [
            torch.softmax(self.module_(images[i : i + 512]), dim=1).double().cpu()
            for i in range(0, len(images), 512)
        ]
        return torch.cat(out).numpy()
