"""A Gaussian mixture per class, fitted by weighted EM.

scikit-learn's ``GaussianMixture`` takes no ``sample_weight``, and
semi-supervised EM (Nigam et al. 2000) must fit each class's mixture to
*all* rows weighted by their class responsibilities, warm-starting from the
current fit so that the outer EM never goes downhill. So the per-class EM is
written here by hand (about as scikit-learn writes it: k-means start, the
same four covariance types, ``reg_covar`` on the diagonal, convergence on the
mean log-likelihood); scikit-learn's ``KMeans`` (which takes weights) makes
the start. Densities, NaN marginalisation and sampling reuse
:mod:`._gaussian_math`: a mixture's marginal over the observed features is
the mixture of the components' marginals, with the same weights -- exact.

``reg_covar`` is in *scaled* units (see ``standardize``), so one default
serves pixels and tables with columns in different units.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.cluster import KMeans
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.fast_logsumexp import logsumexp
from genvsdisc.models.generative._gaussian_math import (
    feature_variances,
    safe_cholesky,
    variance_units,
)
from genvsdisc.models.generative._lowrank_gaussian import (
    LOW_RANK_MIN_FEATURES,
    LOW_RANK_SHARE,
    low_rank_scatter,
)
from genvsdisc.models.generative.mixture_parts import (
    _distinct_rows_up_to,
    _Mixture,
    _weighted_scatter,
)
from genvsdisc.models.params import EM_CONSTRAINTS, POSITIVE_INT, STANDARDIZE

__all__ = ["ClassMixture"]

COVARIANCE_TYPES = ("full", "tied", "diag", "spherical")


class ClassMixture(GenerativeClassifier):
    """Gaussian mixture per class: p(x | y=k) = sum_c w_kc N(x; mu_kc, Sigma_kc).

    The strongest classical artist on images: several full-covariance
    components per digit capture its styles (slanted, round, thick...).

    Parameters
    ----------
    priors : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_`` (the spelling
        of scikit-learn's ``GaussianNB`` and discriminant analysis); None
        learns them from the (weighted) class shares.
    n_components : int or "bic", default=4
        Components per class, capped at one per ``min_rows_per_component``
        rows of the class and at its number of distinct rows. "bic": for each
        class, the number in 1..``max_components`` with the lowest BIC
        (with full covariances in many dimensions BIC's penalty is heavy and
        usually picks 1).
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
        As in scikit-learn; "tied" shares one covariance across the
        components of a class; "spherical" is spherical in scaled units.
    reg_covar : float > 0 or "auto", default="auto"
        Added to the covariance diagonal, in scaled units (``standardize``).
        "auto": 0.5 * min(1, d / n_k) for a class of n_k rows and d features
        -- a heavy floor when features outnumber rows (784 pixels, 350 images
        per digit: mnist5k 95.0 % test accuracy at 0.05, 96.3 % at 0.5), a
        light one for small tables (iris: 0.06). A heuristic, measured on the
        built-in data sets (see benchmarks/).
    standardize : "auto", bool, default="auto"
        Scaled units: True, each feature's variance over all training rows;
        False, their average for every feature; "auto", False when every
        training value lies in [0, 1] (pixels), True otherwise (tables).
    min_rows_per_component : int, default=40
        A full covariance needs rows: a class gets at most one component per
        this many rows (iris and wine classes get one).
    max_components : int, default=5
        Largest number tried when ``n_components="bic"``.
    max_iter : int, default=100
        EM iterations per class mixture.
    tol : float, default=1e-3
        Stop when the weighted mean log-likelihood gains less.
    random_state : int, RandomState or None, default=0
        Seeds the k-means starts (fixed by default: a fit is reproducible).
    unlabeled_weight : float in [0, 1], default=1.0
        Weight of unlabeled rows in semi-supervised EM. The covariance floor
        makes each M-step a regularised, not an exact, maximiser: the EM
        objective (``em_log_likelihood_``) rises overall but may dip slightly
        when the floor is heavy; with a negligible floor it never falls.
    em_max_iter : int, default=30
        Outer (semi-supervised) EM iterations.

    Attributes
    ----------
    mixtures_ : list of K fitted mixtures (``weights``, ``means``, ``covariances``)
    n_components_ : ndarray (K,) of int
    reg_covar_ : ndarray (K,)
        Diagonal floor of each class in scaled units (``reg_covar``, or what
        "auto" made of it from the class's labeled rows).
    n_iter_ : ndarray (K,) of int
        EM iterations of each class's mixture (the last M-step's fit when
        semi-supervised EM ran).
    class_count_ : ndarray (K,)
        Weighted number of training rows of each class (unlabeled rows count
        with their posteriors after semi-supervised EM).
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    classes_ : ndarray (K,)
    n_features_in_ : int
    scale_ : ndarray (d,)
        The variance units ``reg_covar`` is measured in.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> model = ClassMixture(n_components=2, random_state=0).fit(X / 16, y)
    >>> X_new, y_new = model.sample(4, y=7, random_state=0, clip=True)
    >>> X_new.shape, y_new.tolist()
    ((4, 64), [7, 7, 7, 7])
    """

    handles_missing = True
    semi_supervised = True
    supports_sample_weight = True
    _parameter_constraints = {
        **EM_CONSTRAINTS,
        "priors": ["array-like", None],
        "n_components": [Interval(Integral, 1, None, closed="left"), StrOptions({"bic"})],
        "covariance_type": [StrOptions(set(COVARIANCE_TYPES))],
        "reg_covar": [Interval(Real, 0, None, closed="neither"), StrOptions({"auto"})],
        "standardize": STANDARDIZE,
        "min_rows_per_component": POSITIVE_INT,
        "max_components": POSITIVE_INT,
        "max_iter": POSITIVE_INT,
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        priors=None,
        n_components=4,
        covariance_type="full",
        reg_covar="auto",
        standardize="auto",
        min_rows_per_component=40,
        max_components=5,
        max_iter=100,
        tol=1e-3,
        random_state=0,
        unlabeled_weight=1.0,
        em_max_iter=30,
    ):
        self.priors = priors
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.standardize = standardize
        self.min_rows_per_component = min_rows_per_component
        self.max_components = max_components
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter

    def _measure_units(self, X, weights):
        """Units from every training row, labeled or not, weighted by ``sample_weight``."""
        if weights is not None:  # a zero-weight row is dropped, as if never given
            X, weights = X[weights > 0], weights[weights > 0]
        std = self.standardize
        std = not (X.min() >= 0 and X.max() <= 1) if std == "auto" else bool(std)
        self.standardize_ = std
        self.scale_ = variance_units(feature_variances(X, weights), std)

    # ---------------------------------------------------------------- fit
    def _fit_weighted(self, X, R):
        """Fresh fit: k-means start and EM for each class, rows weighted by ``R[:, k]``."""
        self._check_every_class_weighted(R.sum(axis=0))
        rng = check_random_state(self.random_state)
        # The floor is settled here, from the labeled rows, and kept through
        # semi-supervised EM: a floor that thinned as unlabeled weight flowed in
        # would let components collapse onto clusters that are not classes.
        self.reg_covar_ = np.array([self._reg_units(X.shape[1], n) for n in R.sum(axis=0)])
        self.mixtures_, self._score_cache = [], None
        for k in range(R.shape[1]):
            rows = R[:, k] > 0
            self.mixtures_.append(self._fit_class(X[rows], R[rows, k], rng, self.reg_covar_[k], k))
        self._set_priors(R)

    def _m_step(self, X, R):
        """Semi-supervised M-step: EM for each class warm-started from its current mixture.

        Each class's EM starts from the scores of its current mixture on ``X``
        that the objective computed (``_em_scores``), and leaves those of its
        new mixture for the next objective: one pass over the rows per class
        and outer iteration instead of three, same numbers.
        """
        cache = self._score_cache if self._score_cache and self._score_cache[0] is X else None
        reuse, scores = self._reuses_scores(), []
        for k in range(R.shape[1]):
            rows = R[:, k] > 0  # all but the other classes' labeled rows, as a rule
            every = bool(rows.all())  # then no copy of the rows
            start = None if cache is None else cache[1][k] if every else cache[1][k][rows]
            mix = self._em(
                X if every else X[rows], R[rows, k], self.mixtures_[k], self.reg_covar_[k], k, start
            )
            self.mixtures_[k] = mix
            if reuse and every:
                scores.append(self._last_scores)
            elif reuse:  # score the few rows EM skipped: the objective needs every row's
                full = np.empty((len(X), len(mix.weights)))
                full[rows], full[~rows] = self._last_scores, mix.log_pdf(X[~rows], complete=True)
                scores.append(full)
        self._score_cache = (X, scores) if reuse else None
        self._set_priors(R)

    def _reuses_scores(self):
        """Whether the class scores are the mixtures' (subclasses that score frames: no)."""
        return type(self)._joint_log_likelihood is ClassMixture._joint_log_likelihood

    def _em_scores(self, X_lab, X_unl, X_all):
        """Joint log-likelihoods of the labeled and unlabeled rows, from the M-step's scores."""
        if X_all is None or not self._reuses_scores():
            return super()._em_scores(X_lab, X_unl, X_all)
        if not (self._score_cache and self._score_cache[0] is X_all):
            self._score_cache = (X_all, [m.log_pdf(X_all, complete=True) for m in self.mixtures_])
        cols = [logsumexp(sc, axis=1) for sc in self._score_cache[1]]
        jll = np.column_stack(cols) + self.class_log_prior_
        return jll[: len(X_lab)], jll[len(X_lab) :]

    def _run_em(self, X_lab, R_lab, X_unl, weight):
        try:
            super()._run_em(X_lab, R_lab, X_unl, weight)
        finally:  # the scores are a fit's scratch, not part of the fitted model
            self._score_cache = None

    def _set_priors(self, R):
        self._set_class_prior(R.sum(axis=0))
        self.n_components_ = np.array([len(m.weights) for m in self.mixtures_])
        self.n_iter_ = np.array([m.n_iter for m in self.mixtures_])

    def _fit_class(self, X, w, rng, reg, k):
        bic = self.n_components == "bic"
        n_distinct = _distinct_rows_up_to(X, self.max_components if bic else self.n_components)
        if bic:
            candidates = range(1, min(self.max_components, n_distinct) + 1)
            fits = [self._em(X, w, self._start(X, w, c, rng, reg), reg, k) for c in candidates]
            return min(fits, key=lambda m: self._bic(m, w))
        by_rows = max(1, int(w.sum() // self.min_rows_per_component))
        n_comp = min(self.n_components, n_distinct, by_rows)
        return self._em(X, w, self._start(X, w, n_comp, rng, reg), reg, k)

    def _start(self, X, w, n_comp, rng, reg):
        """Mixture from a weighted k-means partition (scikit-learn's KMeans, scaled units)."""
        if n_comp == 1:
            resp = w[:, None]
        else:
            km = KMeans(n_clusters=n_comp, n_init=1, random_state=rng.randint(2**31 - 1))
            labels = km.fit(X / np.sqrt(self.scale_), sample_weight=w).labels_
            resp = np.zeros((len(X), n_comp))
            resp[np.arange(len(X)), labels] = w
        return self._m(X, resp, reg)

    def _em(self, X, w, mix, reg, k=None, log_joint=None):
        """Weighted EM from ``mix`` (class index ``k``) until the mean log-likelihood settles.

        ``log_joint`` (n, C): ``mix.log_pdf(X)`` when the caller has it. The
        returned mixture's own leave in ``self._last_scores``.

        Stopped by ``max_iter`` right after an M-step, the mixture returned is
        scored once more, so it keeps a finite log-likelihood (BIC compares
        it), and a ``ConvergenceWarning`` names the class and component count.
        """
        total = w.sum()
        prev = -np.inf
        for it in range(self.max_iter):
            if it or log_joint is None:
                log_joint = mix.log_pdf(X, complete=True)  # (n, C); fit refuses NaN
            self._last_scores = log_joint
            ll = logsumexp(log_joint, axis=1)
            mix.log_likelihood = float(w @ ll / total)
            if mix.log_likelihood - prev < self.tol:
                return mix
            prev = mix.log_likelihood
            mix = self._m(X, np.exp(log_joint - ll[:, None]) * w[:, None], reg)
            mix.n_iter = it + 1
        self._last_scores = mix.log_pdf(X)
        mix.log_likelihood = float(w @ logsumexp(self._last_scores, axis=1) / total)
        gain = mix.log_likelihood - prev
        if gain >= self.tol:
            label = "?" if k is None else self.classes_[k]
            warnings.warn(
                f"{type(self).__name__}: EM of the {len(mix.weights)}-component mixture of "
                f"class {label} did not converge in max_iter={self.max_iter} iterations "
                f"(last gain {gain:.3g} in mean log-likelihood, tol={self.tol:g}); "
                "raise max_iter or tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return mix

    def _m(self, X, resp, reg):
        """Weighted M-step from ``resp`` (n, C), which already carries row weights.

        ``reg`` is the diagonal floor in scaled units. Full covariances of low rank
        (fewer weighty rows than features) are kept as floor I + U'U (:mod:`._lowrank_gaussian`).
        """
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        means = (resp.T @ X) / nk[:, None]
        reg = reg * self.scale_
        kind = self.covariance_type
        floor = float(reg[0]) if np.ptp(reg) == 0 else None
        if kind == "full" and floor is not None and X.shape[1] >= LOW_RANK_MIN_FEATURES:
            factors, max_rank = [], int(LOW_RANK_SHARE * X.shape[1])
            for c in range(len(nk)):
                factors.append(low_rank_scatter(X, means[c], resp[:, c], nk[c], floor, max_rank))
                if factors[-1] is None:
                    break
            else:
                return _Mixture(nk / nk.sum(), means, None, None, floor=floor, lowrank=factors)
        if kind in ("full", "tied"):
            covs = np.empty((len(nk), X.shape[1], X.shape[1]))
            for c in range(len(nk)):
                _weighted_scatter(X, means[c], resp[:, c], nk[c], covs[c])
            if kind == "tied":
                covs = np.tensordot(nk / nk.sum(), covs, axes=1)
                covs[np.diag_indices_from(covs)] += reg
                chols = [safe_cholesky(covs)] * len(nk)
                return _Mixture(nk / nk.sum(), means, covs, chols, floor=floor)
            for c in range(len(nk)):
                covs[c][np.diag_indices_from(covs[c])] += reg
            chols = [safe_cholesky(c) for c in covs]
            return _Mixture(nk / nk.sum(), means, covs, chols, floor=floor)
        var = np.stack([resp[:, c] @ (X - means[c]) ** 2 / nk[c] for c in range(len(nk))])
        if kind == "spherical":  # one variance per component, in scaled units
            var = (var / self.scale_).mean(axis=1, keepdims=True) * self.scale_
        return _Mixture(nk / nk.sum(), means, var + reg, None)

    def _reg_units(self, d, n):
        """Diagonal floor in scaled units for a class of (labeled) weight ``n``."""
        if self.reg_covar == "auto":  # heavier when features outnumber rows
            return 0.5 * min(1.0, d / max(n, 1.0))
        return float(self.reg_covar)

    def _n_parameters(self, n_comp, d):
        cov = {
            "full": n_comp * d * (d + 1) / 2,
            "tied": d * (d + 1) / 2,
            "diag": n_comp * d,
            "spherical": n_comp,
        }[self.covariance_type]
        return cov + n_comp * d + n_comp - 1

    def _bic(self, mix, w):
        n = w.sum()
        return -2 * mix.log_likelihood * n + self._n_parameters(
            len(mix.weights), mix.means.shape[1]
        ) * np.log(n)

    # ------------------------------------------------------------ predict
    def _joint_log_likelihood(self, X):
        with np.errstate(over="ignore"):  # once for all classes; an overflow is not NaN
            complete = not np.isnan(np.sum(X))
        cols = [logsumexp(m.log_pdf(X, complete), axis=1) for m in self.mixtures_]
        return np.column_stack(cols) + self.class_log_prior_

    def _sample_class(self, k, n, rng):
        mix = self.mixtures_[k]
        comp = rng.choice(len(mix.weights), size=n, p=mix.weights / mix.weights.sum())
        out = np.empty((n, mix.means.shape[1]))
        for c in np.unique(comp):
            rows = comp == c
            z = rng.standard_normal((rows.sum(), mix.means.shape[1]))
            if mix.chols is None:
                out[rows] = mix.means[c] + z * np.sqrt(mix.covariances[c])
            else:
                out[rows] = mix.means[c] + z @ mix.chols[c].T
        return out
