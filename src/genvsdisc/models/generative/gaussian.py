"""Gaussian class-conditionals: LDA (one shared covariance) and QDA (one per class).

scikit-learn's ``LinearDiscriminantAnalysis`` and ``QuadraticDiscriminantAnalysis``
fit from rows in one go; genvsdisc needs the same models from *sufficient
statistics* (``partial_fit``, EM responsibilities), so the statistics, the
Ledoit-Wolf / OAS intensities computed from them, the NaN marginalisation
and the sampler live in :mod:`._gaussian_math` (hand-written; see there).
Shrinkage follows ``sklearn.covariance`` exactly: the tests compare the
intensity with ``sklearn.covariance.ledoit_wolf_shrinkage`` on the same rows.

Shrinkage makes QDA usable when features outnumber the rows of a class
(784 pixels, a few hundred images per digit): the empirical covariance is
singular there, its shrunk version is not.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.generative._gaussian_math import (
    ClassMoments,
    gaussian_log_pdf,
    ledoit_wolf_intensity,
    oas_intensity,
    safe_cholesky,
    shrink,
    variance_units,
)
from genvsdisc.models.params import EM_CONSTRAINTS, STANDARDIZE
from genvsdisc.models.sufficient_stats import SufficientStatsMixin

__all__ = ["LinearDiscriminant", "QuadraticDiscriminant"]


class _GaussianDiscriminant(SufficientStatsMixin, GenerativeClassifier):
    """Shared: statistics in ``stats_``, one Gaussian per class, exact marginals.

    Shrinkage and the floor act in *scaled* units: each feature divided by
    its standard deviation over all training rows when ``standardize_`` (so
    a table's columns in metres and in grams are treated alike, as
    scikit-learn's LDA does by standardising before Ledoit-Wolf), or all
    features by one common scale otherwise (pixels: an isotropic floor).
    The model itself stays in the user's units.
    """

    handles_missing = True
    semi_supervised = True
    supports_sample_weight = True
    _parameter_constraints = {
        **EM_CONSTRAINTS,
        "priors": ["array-like", None],
        "shrinkage": [StrOptions({"auto", "oas"}), Interval(Real, 0, 1, closed="both"), None],
        "reg_covar": [Interval(Real, 0, None, closed="left")],
        "standardize": STANDARDIZE,
    }

    # ---------------------------------------------------------- statistics
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Add a chunk of labeled rows to the fit (see ``SufficientStatsMixin.partial_fit``).

        The statistics stay in the user's units and are scaled only when the
        parameters are computed, so ``standardize="auto"`` is decided from every
        row seen so far, not from the first chunk: chunks give what one ``fit``
        on all their rows gives. (With ``shrinkage="auto"`` a stream therefore
        keeps the (d, d) fourth moments any scaling needs, as standardised fits do.)
        """
        self._streaming = True
        return super().partial_fit(X, y, classes=classes, sample_weight=sample_weight)

    def _fit_weighted(self, X, R):
        self._streaming = False  # every row is here: "auto" is settled by these rows
        super()._fit_weighted(X, R)

    def _fit_labeled(self, X, y_idx, weights):
        self._streaming = False  # as _fit_weighted: the unweighted, all-labeled fit
        super()._fit_labeled(X, y_idx, weights)

    def _reset_stats(self, n_features, n_classes):
        self.stats_ = None  # created by the first chunk
        self._shape = (n_classes, n_features)
        self._seen_range = (np.inf, -np.inf)

    def _decide_standardize(self, seen_range):
        """``standardize_``: "auto" is False when every row seen lies in [0, 1] (pixels)."""
        if self.standardize != "auto":
            return bool(self.standardize)
        lo, hi = seen_range
        return not (lo >= 0 and hi <= 1)

    def _accumulate(self, X, R):
        lo, hi = self._seen_range
        seen = (min(lo, float(X.min())), max(hi, float(X.max())))
        standardize = self._decide_standardize(seen)
        if self.stats_ is None:
            fourth = "none"
            if self.shrinkage == "auto":
                # one common scale needs only scalar fourth moments; a stream may
                # still turn "auto" to per-feature scaling, which needs the matrix
                streaming = self.standardize == "auto" and self._streaming
                fourth = "matrix" if standardize or streaming else "scalar"
            self.stats_ = ClassMoments(*self._shape, fourth=fourth)
        elif standardize and self.stats_.fourth == "scalar":
            raise ParameterError(
                f"{type(self).__name__}.partial_fit got rows outside [0, 1] after fit "
                "settled standardize='auto' as False from rows in [0, 1]; pass "
                "standardize=True or standardize=False."
            )
        self.stats_.update(X, R)
        self._seen_range, self.standardize_ = seen, standardize

    def _scales(self):
        """Per-feature variance units (d,) from the total variance of all rows seen."""
        st = self.stats_
        n = st.weight.sum()
        means = st.means()
        grand = (st.weight @ means) / n
        var = (
            sum(
                np.diag(st.scatter(k)) + st.weight[k] * (means[k] - grand) ** 2
                for k in range(len(st.weight))
            )
            / n
        )
        return variance_units(var, self.standardize_)

    def _shrunk(self, scatter, n, scale, fourth):
        """Covariance from a scatter matrix: shrunk and floored in scaled units, shape (d, d)."""
        root = np.sqrt(scale)
        emp = (scatter / n if n > 0 else scatter) / np.outer(root, root)
        if self.shrinkage == "auto":
            s = ledoit_wolf_intensity(emp, n, fourth())
        elif self.shrinkage == "oas":
            s = oas_intensity(emp, n)
        else:
            s = 0.0 if self.shrinkage is None else float(self.shrinkage)
        return shrink(emp, s, self.reg_covar) * np.outer(root, root), s

    def _finalize(self):
        st = self.stats_
        self._set_class_prior(st.weight)  # a class not seen yet has prior 0
        self.priors_ = self.class_prior_  # scikit-learn's LDA / QDA name
        self.means_ = st.means()
        covs, self.shrinkage_ = self._covariances(self._scales())
        factors = {}  # Cholesky factors, shared objects when the covariance is tied
        for c in covs:
            if id(c) not in factors:
                factors[id(c)] = safe_cholesky(c)
        self._covs = list(covs)
        self._chols = [factors[id(c)] for c in covs]

    # ------------------------------------------------------------ predict
    def _joint_log_likelihood(self, X):
        return gaussian_log_pdf(X, self.means_, self._covs, self._chols) + self.class_log_prior_

    def _sample_class(self, k, n, rng):
        L = self._chols[k]
        return self.means_[k] + rng.standard_normal((n, len(L))) @ L.T


class LinearDiscriminant(_GaussianDiscriminant):
    """Gaussian classes sharing one covariance (linear discriminant analysis).

    x | y=k ~ N(mean_k, Sigma). The shared covariance is the pooled
    within-class covariance (scikit-learn's LDA without shrinkage, its
    default), plus a small floor that keeps it invertible when pixels never
    vary. With ``shrinkage``, it is shrunk towards a scaled identity in scaled
    units; unlike scikit-learn's LDA (which shrinks each class's covariance
    and then averages them), Ledoit-Wolf is applied to the pooled
    within-class rows.

    Parameters
    ----------
    priors : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_``; None learns
        them from the (weighted) class shares, as scikit-learn's
        ``LinearDiscriminantAnalysis(priors=...)``.
    shrinkage : "auto", "oas", None or float in [0, 1], default=None
        "auto": Ledoit-Wolf intensity; "oas": Oracle Approximating Shrinkage;
        a float: that intensity; None: the plain pooled covariance.
    reg_covar : float >= 0, default=1e-4
        Added to the diagonal in scaled units (``standardize``): a floor that
        keeps the covariance invertible.
    standardize : "auto", bool, default="auto"
        Scaled units: True, each feature's variance over all training rows;
        False, their average for every feature; "auto", False when every
        row fitted lies in [0, 1] (pixels), True otherwise (tables); with
        ``partial_fit``, every row of every chunk seen so far.
    unlabeled_weight : float in [0, 1], default=1.0
        Weight of unlabeled rows in EM. With shrinkage the M-step is not an
        exact maximiser, so the EM objective is only approximately monotone.
    em_max_iter : int, default=30

    Attributes
    ----------
    means_ : ndarray (K, d)
    covariance_ : ndarray (d, d)
    shrinkage_ : float
        The intensity used.
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares
        (scikit-learn's LDA calls the former ``priors_``, also set).
    classes_ : ndarray (K,)
    n_features_in_ : int
    stats_ : ClassMoments
        Weighted sufficient statistics (what ``partial_fit`` adds to).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> X, y = load_iris(return_X_y=True)
    >>> model = LinearDiscriminant().fit(X, y)
    >>> X_miss = X[:2].copy(); X_miss[0, 1] = float("nan")
    >>> model.predict(X_miss).tolist()
    [0, 0]
    """

    def __init__(
        self,
        *,
        priors=None,
        shrinkage=None,
        reg_covar=1e-4,
        standardize="auto",
        unlabeled_weight=1.0,
        em_max_iter=30,
    ):
        self.priors = priors
        self.shrinkage = shrinkage
        self.reg_covar = reg_covar
        self.standardize = standardize
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    def _covariances(self, scale):
        st = self.stats_
        K = len(st.weight)
        self.covariance_, s = self._shrunk(
            sum(st.scatter(k) for k in range(K)),
            st.weight.sum(),
            scale,
            lambda: sum(st.fourth_moment(k, scale) for k in range(K)),
        )
        return [self.covariance_] * K, s


class QuadraticDiscriminant(_GaussianDiscriminant):
    """One Gaussian per class, each with its own covariance (QDA), shrunk.

    x | y=k ~ N(mean_k, Sigma_k), Sigma_k = (1 - s_k) S_k + s_k (tr S_k / d) I
    + floor I, with s_k chosen per class (Ledoit-Wolf by default). Works when
    features outnumber rows (784 pixels, 350 images per class).

    Parameters
    ----------
    priors : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_``; None learns
        them from the (weighted) class shares, as scikit-learn's
        ``QuadraticDiscriminantAnalysis(priors=...)``.
    shrinkage : "auto", "oas", None or float in [0, 1], default="auto"
        Per-class intensity: "auto" Ledoit-Wolf, "oas" OAS, a float, or None (0).
    reg_covar : float >= 0, default=0.01
        Diagonal floor in scaled units (``standardize``); also what keeps a
        one-row class usable.
    standardize : "auto", bool, default="auto"
        As for :class:`LinearDiscriminant`.
    unlabeled_weight : float in [0, 1], default=1.0
        Weight of unlabeled rows in EM (approximately monotone with shrinkage).
    em_max_iter : int, default=30

    Attributes
    ----------
    means_ : ndarray (K, d)
    covariances_ : ndarray (K, d, d)
    shrinkage_ : ndarray (K,)
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares
        (scikit-learn's LDA calls the former ``priors_``, also set).
    classes_ : ndarray (K,)
    n_features_in_ : int
    stats_ : ClassMoments

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> model = QuadraticDiscriminant().fit(X / 16, y)
    >>> model.sample(2, y=3, random_state=0, clip=True)[0].shape
    (2, 64)
    """

    def __init__(
        self,
        *,
        priors=None,
        shrinkage="auto",
        reg_covar=0.01,
        standardize="auto",
        unlabeled_weight=1.0,
        em_max_iter=30,
    ):
        self.priors = priors
        self.shrinkage = shrinkage
        self.reg_covar = reg_covar
        self.standardize = standardize
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    def _covariances(self, scale):
        st = self.stats_
        covs, intensities = [], []
        for k in range(len(st.weight)):
            cov, s = self._shrunk(
                st.scatter(k), st.weight[k], scale, lambda k=k: st.fourth_moment(k, scale)
            )
            covs.append(cov)
            intensities.append(s)
        self.covariances_ = np.stack(covs)
        return list(self.covariances_), np.array(intensities)
