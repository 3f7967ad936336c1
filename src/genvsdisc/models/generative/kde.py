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
    priors : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_`` (the spelling
        of scikit-learn's ``GaussianNB`` and discriminant analysis); None
        learns them from the (weighted) class shares.
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
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    classes_ : ndarray (K,)
    n_features_in_ : int
    scale_ : ndarray (d,)

    Notes
    -----
    ``sample_weight`` weights each training row's kernel (a zero weight drops
    it); "scott" and "silverman" then count the total weight as the number of
    rows. Rows with NaN are scored exactly under the marginal over their observed
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
    supports_sample_weight = True
    _parameter_constraints = {
        "priors": ["array-like", None],
        "bandwidth": [
            StrOptions({"cv", "scott", "silverman"}),
            Interval(Real, 0, None, closed="neither"),
        ],
        "standardize": STANDARDIZE,
        "cv": [Interval(Integral, 2, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, *, priors=None, bandwidth="cv", standardize="auto", cv=5, random_state=0):
        self.priors = priors
        self.bandwidth = bandwidth
        self.standardize = standardize
        self.cv = cv
        self.random_state = random_state

    def _fit_weighted(self, X, R):
        # R is one-hot (this model runs no EM), times the rows' sample_weight when given
        self._check_every_class_weighted(R.sum(axis=0))
        weighted = not np.isin(R, (0.0, 1.0)).all()
        rows = R > 0
        used = rows.any(axis=1)  # a zero-weight row is dropped, as if never given
        X_used = X[used]
        std = self.standardize
        std = not (X_used.min() >= 0 and X_used.max() <= 1) if std == "auto" else bool(std)
        row_weight = R[used].sum(axis=1) if weighted else None
        self.scale_ = variance_units(feature_variances(X_used, row_weight), std)
        Z = X / np.sqrt(self.scale_)
        self.densities_ = [
            self._fit_class(Z[rows[:, k]], R[rows[:, k], k] if weighted else None)
            for k in range(R.shape[1])
        ]
        self.bandwidths_ = np.array([kd.bandwidth_ for kd in self.densities_])
        self._set_class_prior(R.sum(axis=0))

    def _fit_class(self, Z, weights):
        """The class's KernelDensity on its rows ``Z`` (n_k, d) with ``weights`` (n_k,) or None.

        With weights, "cv" fits each fold's density and scores its held-out
        rows with their weights.
        """
        bw = self.bandwidth
        if bw == "cv" and min(self.cv, len(Z)) < 2:
            bw = "scott"  # a single row: no fold to hold out
        if bw in ("scott", "silverman") and weights is not None:
            bw = _rule_of_thumb(bw, weights.sum(), Z.shape[1])  # n is the total weight
        if bw != "cv":
            return KernelDensity(bandwidth=bw).fit(Z, sample_weight=weights)
        folds = KFold(min(self.cv, len(Z)), shuffle=True, random_state=self.random_state)
        grid = {"bandwidth": _GRID * np.sqrt(Z.shape[1])}
        search = GridSearchCV(KernelDensity(), grid, cv=folds, scoring=_held_out_log_likelihood)
        return search.fit(Z, sample_weight=weights).best_estimator_

    def _joint_log_likelihood(self, X):
        Z = X / np.sqrt(self.scale_)
        miss = np.isnan(Z)
        jac = -0.5 * np.where(miss, 0.0, np.log(self.scale_)).sum(axis=1)  # (n,)
        out = np.column_stack([_log_density(Z, kd) for kd in self.densities_])
        return out + jac[:, None] + self.class_log_prior_

    def _sample_class(self, k, n, rng):
        Z = self.densities_[k].sample(n, random_state=rng)
        return Z * np.sqrt(self.scale_)


def _rule_of_thumb(rule, n, d):
    """scikit-learn's "scott" / "silverman" bandwidth for ``n`` rows (here: total weight) in d."""
    if rule == "scott":
        return n ** (-1 / (d + 4))
    return (n * (d + 2) / 4) ** (-1 / (d + 4))


def _log_density(Z, kd):
    """Exact log-density (n,) of a fitted ``KernelDensity`` at rows ``Z`` (NaN allowed)."""
    weights = kd.tree_.sample_weight  # None when fitted without weights
    return _gaussian_kde_log_density(
        Z,
        np.asarray(kd.tree_.data),
        kd.bandwidth_,
        None if weights is None else np.asarray(weights),
    )


def _held_out_log_likelihood(kd, Z, y=None, sample_weight=None):
    """GridSearchCV scorer: exact total (weighted) log-likelihood of the held-out rows."""
    if sample_weight is None:
        return float(np.sum(_log_density(Z, kd)))
    return float(sample_weight @ _log_density(Z, kd))


def _gaussian_kde_log_density(Z, train, h, weights=None, chunk=256):
    """log of the Gaussian KDE of ``train`` (m, d) at the observed part of rows ``Z`` (n, d).

    log (1/m) sum_i N(z_O; t_iO, h^2 I), or with ``weights`` (m,)
    log sum_i w_i N(z_O; t_iO, h^2 I) / sum_i w_i. Missing features (NaN) are
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
        if weights is None:
            log_mean = logsumexp(-0.5 * d2 / h**2, axis=1) - np.log(len(train))
        else:
            log_mean = logsumexp(-0.5 * d2 / h**2, axis=1, b=weights) - np.log(weights.sum())
        out[start : start + chunk] = log_mean - n_obs * (np.log(h) + 0.5 * LOG_2PI)
    return out
