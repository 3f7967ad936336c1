"""Kernel density per class, bandwidth chosen by cross-validated likelihood.

scikit-learn's ``KernelDensity`` holds each class's rows and draws samples,
and ``GridSearchCV`` runs the bandwidth search. The log-density itself is
computed here by hand, by brute force: ``KernelDensity.score_samples``
walks a tree whose bounds go wrong far from the data in many dimensions
(on digits it is off by tens of nats for some rows, which wrecks both the
classifier and the bandwidth search; scikit-learn issue #7492), so the
search scores held-out folds with the exact formula too.

The Gaussian kernel is a product of one-dimensional Gaussians, so
integrating missing features out of every kernel leaves the same kernel
over the observed features: rows with NaN are scored exactly, with one
masked distance computation.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.neighbors import KernelDensity
from sklearn.utils._param_validation import Interval, StrOptions

from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.generative._gaussian_math import LOG_2PI, feature_variances, variance_units
from genvsdisc.models.params import STANDARDIZE

__all__ = ["ClassKernelDensity"]

#: Bandwidths tried by "cv", in scaled units times sqrt(d) (distances grow like sqrt(d)).
_GRID = np.logspace(-2.5, 0, 16)


class ClassKernelDensity(GenerativeClassifier):
    """p(x | y=k) = mean over the class's training rows of a Gaussian kernel.

    Works in scaled units (``standardize``): a kernel of width h there has
    width h * sqrt(scale_j) along feature j, and the density is converted
    back to the user's units exactly (log-Jacobian included).

    Parameters
    ----------
    bandwidth : "cv", "scott", "silverman" or float > 0, default="cv"
        "cv": per class, the bandwidth with the best ``cv``-fold held-out
        log-likelihood on a log grid (``GridSearchCV``); "scott" /
        "silverman": scikit-learn's rules; a float: that width in scaled units.
    standardize : "auto", bool, default="auto"
        True: each feature in units of its own standard deviation; False: one
        common unit (the average variance); "auto": False for data in [0, 1]
        (pixels), True otherwise.
    cv : int, default=5
        Folds for "cv" (fewer for a class with fewer rows; a class with one
        row uses "scott").
    random_state : int, default=0
        Shuffles the folds.

    Attributes
    ----------
    densities_ : list of K fitted ``sklearn.neighbors.KernelDensity`` (scaled units)
    bandwidths_ : ndarray (K,)
    class_log_prior_ : ndarray (K,)
    scale_ : ndarray (d,)

    Notes
    -----
    Rows with NaN are scored exactly under the marginal over their observed
    features. Unlabeled rows (-1 / None) are ignored: no EM.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = ClassKernelDensity().fit(X, y)
    >>> model.sample(2, y=1, random_state=0)[0].shape
    (2, 4)
    """

    handles_missing = True
    _parameter_constraints = {
        "bandwidth": [
            StrOptions({"cv", "scott", "silverman"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "standardize": STANDARDIZE,
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, bandwidth="cv", standardize="auto", cv=5, random_state=0):
        self.bandwidth = bandwidth
        self.standardize = standardize
        self.cv = cv
        self.random_state = random_state

    def _fit_weighted(self, X, R):
        std = self.standardize
        std = not (X.min() >= 0 and X.max() <= 1) if std == "auto" else bool(std)
        self.scale_ = variance_units(feature_variances(X), std)
        Z = X / np.sqrt(self.scale_)
        y_idx = R.argmax(axis=1)  # one-hot: this model runs no EM
        self.densities_ = [self._fit_class(Z[y_idx == k]) for k in range(R.shape[1])]
        self.bandwidths_ = np.array([kd.bandwidth_ for kd in self.densities_])
        counts = R.sum(axis=0)
        self.class_log_prior_ = np.log(counts) - np.log(counts.sum())

    def _fit_class(self, Z):
        bw = self.bandwidth
        if bw != "cv":
            return KernelDensity(bandwidth=bw).fit(Z)
        n_folds = min(self.cv, len(Z))
        if n_folds < 2:
            return KernelDensity(bandwidth="scott").fit(Z)
        folds = KFold(n_folds, shuffle=True, random_state=self.random_state)
        grid = {"bandwidth": _GRID * np.sqrt(Z.shape[1])}
        search = GridSearchCV(KernelDensity(), grid, cv=folds, scoring=_held_out_log_likelihood)
        return search.fit(Z).best_estimator_

    def _joint_log_likelihood(self, X):
        Z = X / np.sqrt(self.scale_)
        miss = np.isnan(Z)
        jac = -0.5 * np.where(miss, 0.0, np.log(self.scale_)).sum(axis=1)  # (n,)
        out = np.column_stack([_log_density(Z, kd) for kd in self.densities_])
        return out + jac[:, None] + self.class_log_prior_

    def _sample_class(self, k, n, rng):
        Z = self.densities_[k].sample(n, random_state=rng)
        return Z * np.sqrt(self.scale_)


def _log_density(Z, kd):
    """Exact log-density (n,) of a fitted ``KernelDensity`` at rows ``Z`` (NaN allowed)."""
    return _gaussian_kde_log_density(Z, np.asarray(kd.tree_.data), kd.bandwidth_)


def _held_out_log_likelihood(kd, Z, y=None):
    """GridSearchCV scorer: exact total log-likelihood of the held-out rows."""
    return float(np.sum(_log_density(Z, kd)))


def _gaussian_kde_log_density(Z, train, h, chunk=256):
    """log of the Gaussian KDE of ``train`` (m, d) at the observed part of rows ``Z`` (n, d).

    log (1/m) sum_i N(z_O; t_iO, h^2 I). Missing features (NaN) are
    integrated out of every kernel, which leaves the kernel over the
    observed features; the masked squared distance
    ||z_O - t_O||^2 = sum_O z^2 - 2 z_O . t + sum_O t^2 is three matrix products.
    """
    out = np.empty(len(Z))
    for start in range(0, len(Z), chunk):
        zc = Z[start : start + chunk]
        obs = ~np.isnan(zc)
        z0 = np.where(obs, zc, 0.0)
        d2 = (z0**2).sum(1)[:, None] - 2.0 * z0 @ train.T + obs.astype(float) @ (train**2).T
        d2 = np.maximum(d2, 0.0)
        n_obs = obs.sum(axis=1)
        out[start : start + chunk] = (
            logsumexp(-0.5 * d2 / h**2, axis=1)
            - np.log(len(train))
            - n_obs * (np.log(h) + 0.5 * LOG_2PI)
        )
    return out
