"""Mixture of probabilistic PCA per class: a strong artist that is a density in pixel space.

Each class is a mixture of C components, each the Gaussian
N(mu_c, W_c W_c^T + s_c I): a q-dimensional linear "style space" (slant,
width, thickness of a digit) plus isotropic pixel noise (Tipping & Bishop
1999, mixtures of probabilistic principal component analysers). Unlike a
Gaussian mixture in a PCA space, every component is a proper density over
all pixels, so ``score_samples``, ``sample`` and the exact integration of
missing pixels keep working, at O(d q) per row (:mod:`._ppca_math`).

scikit-learn has no mixture of PPCA (``PCA`` is one PPCA without weights),
so the EM is written here by hand: a weighted k-means start (scikit-learn's
``KMeans``), each component started by weighted PCA, then EM whose M-step
updates weights and means exactly and W and the noise by Tipping & Bishop's
step (eq. 29-30), rows weighted by their class responsibilities -- the same
routine serves ``fit``, ``sample_weight`` and semi-supervised EM.

Fitting happens in scaled units (``standardize``, as for ``gmm``); for pixels
the unit is one common variance, so the noise stays isotropic in pixels.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.generative._ppca_math import (
    _Mixture,
    _pool,
    ppca_em_update,
    ppca_from_moments,
)
from genvsdisc.models.generative._tangents import check_tangents, image_tangents
from genvsdisc.models.generative._two_sided import two_sided_class_scores
from genvsdisc.models.generative.mixture import ClassMixture
from genvsdisc.models.params import (
    EM_CONSTRAINTS,
    POSITIVE_INT,
    POSITIVE_REAL,
    STANDARDIZE,
    check_arguments,
)

__all__ = ["PPCAMixture"]


class PPCAMixture(GenerativeClassifier):
    """Mixture of probabilistic PCA per class (Tipping & Bishop 1999).

    p(x | y=k) = sum_c w_kc N(x; mu_kc, W_kc W_kc^T + s_kc I), each W (d, q).

    Parameters
    ----------
    priors : array-like (K,) or None, default=None
        Class probabilities p(y) in the order of ``classes_``; None learns them.
    n_components : int, default=4
        Components per class, capped at one per ``min_rows_per_component``
        (weighted) rows of the class and at its number of distinct rows.
    n_latent : int, default=20
        Latent dimensions q of every component (capped at d - 1).
    min_noise : float > 0, default=0.3
        Floor of each component's noise variance, in scaled units (1 = the
        average feature variance): keeps a component from collapsing onto its
        subspace (a pixel the class never inks would otherwise get almost no
        variance and veto the class). A heavy floor classifies best: digits,
        fixed split, 4 components, q = 20: 97.4 % at 0.01, 99.8 % at 0.3,
        98.9 % at 1.0; deskewed, blurred and augmented mnist5k: 1.0 (see
        benchmarks/strongest_artist.py).
    standardize : "auto", bool, default="auto"
        Scaled units as for ``gmm``: True, each feature's variance; False, their
        average (pixels); "auto": False when every value lies in [0, 1].
    min_rows_per_component : int, default=40
    max_iter : int, default=100
        EM iterations per class mixture.
    tol : float >= 0, default=1e-3
        Stop when the weighted mean log-likelihood per feature gains less.
    random_state : int, RandomState or None, default=0
        Seeds the k-means starts.
    unlabeled_weight : float in [0, 1], default=1.0
        Weight of unlabeled rows in semi-supervised EM.
    em_max_iter : int, default=30
        Outer (semi-supervised) EM iterations.
    tangents : None, "all" or sequence of str, default=None
        Tangent vectors of small image transformations added to every
        component as fixed loadings ``tangent_scale * T`` (d, t), T computed
        from the component's mean at every M-step
        (:func:`~genvsdisc.models.generative._tangents.image_tangents`;
        Keysers et al. 2004): the covariance becomes W W^T + gamma^2 T T^T + s I,
        still a Gaussian over all pixels, and W is fitted around T. Names:
        "x_shift", "y_shift", "rotation", "scaling", "axis_deformation",
        "diagonal_deformation", "thickness"; "all" is the seven. Rows must be
        flattened images (``image_shape``). None: plain PPCA.
    tangent_scale : float > 0, default=1.0
        gamma: the standard deviation of each transformation's parameter (one
        unit moves a point a quarter-side from the centre by one pixel).
    image_shape : (height, width) or None, default=None
        The shape of the flattened images, for ``tangents``; None: square.
    n_starts : int, default=1
        Independent k-means starts per class, each run through EM, all kept: the
        class density is their equal-share pool (up to n_starts * n_components).
    noise : {"isotropic", "per_feature"}, default="isotropic"
        "isotropic": s I (PPCA); "per_feature": a diagonal Psi, each feature's
        own noise variance floored at ``min_noise`` (a mixture of factor
        analysers, Ghahramani & Hinton 1996).

    Attributes
    ----------
    mixtures_ : list of K fitted mixtures (``weights``, ``means``, ``loadings``, ``noises``,
        in scaled units)
    n_components_, n_iter_ : ndarray (K,) of int
    n_latent_ : int
        q, capped at d - 1 - t (t tangent columns).
    tangent_names_ : tuple of str
        The tangents in use (empty without ``tangents``).
    image_shape_ : tuple (h, w) or None
        The image shape the tangents are taken in (None without ``tangents``).
    scale_ : ndarray (d,)
        The variance units the model is fitted in.
    class_count_, class_prior_, class_log_prior_ : ndarray (K,)
    classes_ : ndarray (K,)
    n_features_in_ : int

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> X, y = load_digits(return_X_y=True)
    >>> model = PPCAMixture(n_components=2, n_latent=5).fit(X / 16, y)
    >>> X_new, y_new = model.sample(3, y=4, random_state=0, clip=True)
    >>> X_new.shape, y_new.tolist()
    ((3, 64), [4, 4, 4])
    """

    handles_missing = True
    semi_supervised = True
    supports_sample_weight = True
    _parameter_constraints = {
        **EM_CONSTRAINTS,
        "priors": ["array-like", None],
        "n_components": POSITIVE_INT,
        "n_latent": POSITIVE_INT,
        "min_noise": [Interval(Real, 0, None, closed="neither")],
        "standardize": STANDARDIZE,
        "min_rows_per_component": POSITIVE_INT,
        "max_iter": POSITIVE_INT,
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "tangents": [None, StrOptions({"all"}), "array-like"],
        "tangent_scale": POSITIVE_REAL,
        "image_shape": ["array-like", None],
        "noise": [StrOptions({"isotropic", "per_feature"})],
        "n_starts": POSITIVE_INT,
    }

    def __init__(
        self,
        *,
        priors=None,
        n_components=4,
        n_latent=20,
        min_noise=0.3,
        standardize="auto",
        min_rows_per_component=40,
        max_iter=100,
        tol=1e-3,
        random_state=0,
        unlabeled_weight=1.0,
        em_max_iter=30,
        tangents=None,
        tangent_scale=1.0,
        image_shape=None,
        noise="isotropic",
        n_starts=1,
    ):
        self.priors = priors
        self.n_components = n_components
        self.n_latent = n_latent
        self.min_noise = min_noise
        self.standardize = standardize
        self.min_rows_per_component = min_rows_per_component
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state
        self.unlabeled_weight = unlabeled_weight
        self.em_max_iter = em_max_iter
        self.tangents = tangents
        self.tangent_scale = tangent_scale
        self.image_shape = image_shape
        self.noise = noise
        self.n_starts = n_starts

    # The units and the per-class bookkeeping are gmm's, to the letter (one home each).
    _measure_units = ClassMixture._measure_units
    _set_priors = ClassMixture._set_priors

    def _scaled(self, X):
        return X / np.sqrt(self.scale_)

    # ---------------------------------------------------------------- fit
    def _fit_weighted(self, X, R):
        """Fresh fit: k-means start and EM for each class, rows weighted by ``R[:, k]``."""
        self._check_every_class_weighted(R.sum(axis=0))
        rng = check_random_state(self.random_state)
        Z = self._scaled(X)
        names, self.image_shape_ = check_tangents(self.tangents, self.image_shape, Z.shape[1])
        self.tangent_names_ = names
        self.n_latent_ = int(min(self.n_latent, max(Z.shape[1] - 1 - len(names), 0)))
        self.mixtures_ = []
        for k in range(R.shape[1]):
            rows = R[:, k] > 0
            self.mixtures_.append(self._fit_class(Z[rows], R[rows, k], rng))
        self._set_priors(R)

    def _m_step(self, X, R):
        """Semi-supervised M-step: EM for each class warm-started from its current mixture."""
        Z = self._scaled(X)
        for k in range(R.shape[1]):
            rows = R[:, k] > 0
            self.mixtures_[k] = self._em(Z[rows], R[rows, k], self.mixtures_[k])
        self._set_priors(R)

    def _fit_class(self, Z, w, rng):
        by_rows = max(1, int(w.sum() // self.min_rows_per_component))
        n_comp = min(self.n_components, len(np.unique(Z, axis=0)), by_rows)
        fits = []
        for _ in range(1 if n_comp == 1 else self.n_starts):
            if n_comp == 1:
                resp = w[:, None]
            else:
                km = KMeans(n_clusters=n_comp, n_init=1, random_state=rng.randint(2**31 - 1))
                labels = km.fit(Z, sample_weight=w).labels_
                resp = np.zeros((len(Z), n_comp))
                resp[np.arange(len(Z)), labels] = w
            fits.append(self._em(Z, w, self._m(Z, resp, None)))
        return fits[0] if len(fits) == 1 else _pool(fits)

    def _em(self, Z, w, mix):
        """Weighted EM from ``mix`` until the mean log-likelihood per feature settles."""
        total, d = w.sum(), Z.shape[1]
        prev = -np.inf
        for it in range(self.max_iter):
            log_joint = mix.log_pdf(Z)  # (n, C)
            ll = logsumexp(log_joint, axis=1)
            mix.log_likelihood = float(w @ ll / total)
            if (mix.log_likelihood - prev) / d < self.tol:
                break
            prev = mix.log_likelihood
            mix = self._m(Z, np.exp(log_joint - ll[:, None]) * w[:, None], mix)
            mix.n_iter = it + 1
        return mix

    def _m(self, Z, resp, old):
        """M-step from ``resp`` (n, C), which carries row weights.

        ``old`` None: each component by weighted PCA (the start); otherwise one
        Tipping-Bishop step from the old W and noise (cheap: O(n d q)).
        """
        nk = resp.sum(axis=0) + 10 * np.finfo(float).eps
        means = (resp.T @ Z) / nk[:, None]
        tangents = self._tangents_of(means)
        loadings, noises = [], []
        for c in range(len(nk)):
            rows = resp[:, c] > 0
            D, r = Z[rows] - means[c], resp[rows, c]
            T = None if tangents is None else tangents[c]
            if old is None:  # the start ignores T; the EM steps fit W around it
                W, s = ppca_from_moments(D, r, self.n_latent_, self.min_noise)
                s = np.full(len(W), s) if self.noise == "per_feature" else s
            else:
                W, s = ppca_em_update(D, r, old.loadings[c], old.noises[c], self.min_noise, T)
            loadings.append(W)
            noises.append(s)
        return _Mixture(nk / nk.sum(), means, np.stack(loadings), np.array(noises), tangents)

    def _tangents_of(self, means):
        """(C, d, t) gamma * T of each mean (scaled units), or None without tangents.

        The tangents are taken of the mean in the data's own units, then scaled
        like the data, so per-feature ``standardize`` does not bend them.
        """
        if not self.tangent_names_:
            return None
        root = np.sqrt(self.scale_)
        T = image_tangents(means * root, self.image_shape_, self.tangent_names_)
        return self.tangent_scale * T / root[None, :, None]

    # ------------------------------------------------------------ predict
    def _joint_log_likelihood(self, X):
        Z = self._scaled(X)
        # log p(x) = log p(z) - 1/2 sum over observed features of log scale.
        jacobian = -0.5 * (~np.isnan(X)) @ np.log(self.scale_)
        cols = [logsumexp(m.log_pdf(Z), axis=1) for m in self.mixtures_]
        return np.column_stack(cols) + jacobian[:, None] + self.class_log_prior_

    def two_sided_joint_log_proba(
        self, X, tangent_scale=1.0, tangents="all", n_moves=0, move_cost=False, smoothing=0.0
    ):
        """(n, K) class scores with each test image also free to move along its own tangents.

        log p(y=k) + log sum_c w_kc N(x; mu_kc, Sigma_kc + g^2 T_x T_x^T), T_x the
        tangents ``tangents`` of x itself (Keysers et al. 2004's two-sided tangent
        model; :mod:`._two_sided`). A score, not a density of x (the covariance
        depends on x).

        Parameters
        ----------
        X : array-like (n, h * w), no NaN
        tangent_scale : float > 0, default=1.0
            g, as ``tangent_scale`` is for the components' own tangents.
        tangents : "all" or sequence of str, default="all"
            The test image's tangents, as the ``tangents`` parameter names them.
        n_moves : int >= 0, default=0
            Iterated tangent distance (Simard et al. 1998): per class, move the
            image back by the transformation its best component estimates, take
            its tangents again and rescore, this many times (0: one step).
        move_cost : bool, default=False
            With ``n_moves``, add the log prior of the move made, -|a|^2 / (2 g^2).
        smoothing : float >= 0, default=0.0
            Gaussian sigma (pixels) of the copy of x its tangents are taken from.

        Returns
        -------
        ndarray (n, K)
        """
        name = "two_sided_joint_log_proba"
        rules = {
            "tangent_scale": POSITIVE_REAL,
            "tangents": [StrOptions({"all"}), "array-like"],
            "n_moves": [Interval(Integral, 0, None, closed="left")],
            "move_cost": ["boolean"],
            "smoothing": [Interval(Real, 0, None, closed="left")],
        }
        check_arguments(
            name,
            rules,
            tangent_scale=tangent_scale,
            tangents=tangents,
            n_moves=n_moves,
            move_cost=move_cost,
            smoothing=smoothing,
        )
        X = self._validate_predict_X(X)
        n_nan = int(np.isnan(X).any(axis=1).sum())
        if n_nan or self.noise != "isotropic":
            raise ParameterError(
                f"{name} needs complete rows and noise='isotropic'; got {n_nan} rows with NaN"
                f" and noise={self.noise!r}. Use predict_joint_log_proba instead."
            )
        names, shape = check_tangents(tangents, self.image_shape, X.shape[1])
        scores = two_sided_class_scores(
            self.mixtures_,
            X,
            self.scale_,
            shape,
            names,
            tangent_scale,
            n_moves,
            move_cost,
            smoothing,
        )
        return scores - 0.5 * np.log(self.scale_).sum() + self.class_log_prior_

    def _sample_class(self, k, n, rng):
        """z ~ N(0, I_q), x = mu + W z + sqrt(s) eps for a component drawn by weight."""
        mix = self.mixtures_[k]
        comp = rng.choice(len(mix.weights), size=n, p=mix.weights / mix.weights.sum())
        factors = mix.factors  # (C, d, q + t): tangent moves are drawn like the rest
        d, q = factors.shape[1:]
        latent, noise = rng.standard_normal((n, q)), rng.standard_normal((n, d))
        Z = (
            mix.means[comp]
            + np.einsum("ndq,nq->nd", factors[comp], latent)
            + np.sqrt(mix.noises[comp]).reshape(n, -1) * noise
        )
        return Z * np.sqrt(self.scale_)
