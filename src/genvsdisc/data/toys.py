"""Two-dimensional toy data sets, seeded, with settable size and noise.

``moons``, ``circles`` and ``blobs`` come from :mod:`sklearn.datasets`.
``spirals`` and ``xor`` are written here by hand because scikit-learn has no
generator for them.
"""

from __future__ import annotations

import numpy as np

from genvsdisc.exceptions import ParameterError

__all__ = ["TOYS", "make_toy"]


# scikit-learn is imported inside the generators so `genvsdisc datasets` starts fast


def _moons(n_samples, noise, n_classes, rng):
    from sklearn.datasets import make_moons

    return make_moons(n_samples=n_samples, noise=noise, random_state=rng)


def _circles(n_samples, noise, n_classes, rng):
    from sklearn.datasets import make_circles

    return make_circles(n_samples=n_samples, noise=noise, factor=0.5, random_state=rng)


def _blobs(n_samples, noise, n_classes, rng):
    from sklearn.datasets import make_blobs

    # noise is the standard deviation of each blob; centres spread over [-6, 6]^2
    return make_blobs(
        n_samples=n_samples,
        n_features=2,
        centers=n_classes,
        cluster_std=noise,
        center_box=(-6.0, 6.0),
        random_state=rng,
    )


def _split_sizes(n_samples: int, n_classes: int) -> list[int]:
    base, extra = divmod(n_samples, n_classes)
    return [base + (k < extra) for k in range(n_classes)]


def _spirals(n_samples, noise, n_classes, rng):
    """Interleaved Archimedean spirals, one arm per class (hand-written).

    Arm k is r = t, angle = t + 2*pi*k/K for t in [0.25, 3*pi]; Gaussian noise of
    standard deviation ``noise`` is added to both coordinates, then scaled by 1/pi
    so the picture fits roughly in [-3, 3]^2.
    """
    X, y = [], []
    for k, size in enumerate(_split_sizes(n_samples, n_classes)):
        t = np.sqrt(rng.uniform(0.0, 1.0, size)) * 3 * np.pi + 0.25  # sqrt: even density along arm
        angle = t + 2 * np.pi * k / n_classes
        arm = np.column_stack([t * np.cos(angle), t * np.sin(angle)]) / np.pi
        X.append(arm + rng.normal(0.0, noise, arm.shape))
        y.append(np.full(size, k))
    return np.vstack(X), np.concatenate(y)


def _xor(n_samples, noise, n_classes, rng):
    """XOR: four Gaussian clusters at (+-1, +-1); class 1 where the signs differ (hand-written).

    No linear boundary separates the classes, yet each class is a simple
    two-component mixture: a classic case where a linear discriminative
    model fails and a class-conditional density succeeds.
    """
    corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], dtype=float)
    labels = np.array([0, 0, 1, 1])
    which = rng.permutation(np.arange(n_samples) % 4)  # balanced corners, shuffled
    X = corners[which] + rng.normal(0.0, noise, (n_samples, 2))
    return X, labels[which]


# name -> (generator, default noise, default n_classes, n_classes settable?, one-line description)
TOYS = {
    "moons": (_moons, 0.2, 2, False, "two interleaving half circles (scikit-learn make_moons)"),
    "circles": (_circles, 0.1, 2, False, "a circle inside a circle (scikit-learn make_circles)"),
    "blobs": (_blobs, 1.0, 3, True, "isotropic Gaussian blobs (scikit-learn make_blobs)"),
    "spirals": (_spirals, 0.1, 2, True, "interleaved spirals (hand-written generator)"),
    "xor": (_xor, 0.35, 2, False, "four clusters in an XOR pattern (hand-written generator)"),
}
DEFAULT_SAMPLES = 500


def make_toy(
    name: str, *, n_samples: int = DEFAULT_SAMPLES, noise=None, n_classes=None, random_state=0
):
    """Draw a 2-D toy data set.

    Parameters
    ----------
    name : {"moons", "circles", "blobs", "spirals", "xor"}
    n_samples : int, default 500
    noise : float or None
        Standard deviation of the Gaussian noise (the blob spread for ``blobs``);
        None takes the data set's default.
    n_classes : int or None
        Only for ``blobs`` (default 3) and ``spirals`` (default 2).
    random_state : int
        Seed; the same seed gives the same points.

    Returns
    -------
    X : ndarray of float64, shape (n_samples, 2)
    y : ndarray of int64, shape (n_samples,)
    """
    generator, default_noise, default_classes, classes_settable, _ = TOYS[name]
    noise = default_noise if noise is None else noise
    if n_classes is not None and not classes_settable and n_classes != default_classes:
        raise ParameterError(
            f"n_classes of '{name}' is fixed at {default_classes}; got {n_classes} "
            "(only blobs and spirals take n_classes)"
        )
    n_classes = default_classes if n_classes is None else n_classes
    if not isinstance(n_classes, int | np.integer) or n_classes < 2:
        raise ParameterError(f"n_classes of '{name}' must be an int >= 2; got {n_classes!r}")
    if not isinstance(n_samples, int | np.integer) or n_samples < 2 * n_classes:
        raise ParameterError(
            f"n_samples of '{name}' must be an int >= {2 * n_classes}; got {n_samples!r}"
        )
    if not isinstance(noise, int | float | np.floating) or not np.isfinite(noise) or noise < 0:
        raise ParameterError(f"noise of '{name}' must be a finite float >= 0; got {noise!r}")
    rng = np.random.default_rng(random_state) if name in ("spirals", "xor") else random_state
    X, y = generator(int(n_samples), float(noise), int(n_classes), rng)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.int64)
