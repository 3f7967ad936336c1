"""Per-class model of a document's length N, so multinomial naive Bayes scores a true log p(x).

The multinomial alone gives log p(x | N): it says how likely the words are
*given* how many there are, and an empty document (N = 0) gets probability 1.
A model of N per class turns it into log p(x | y) = log p(N | y) + log p(x | N, y).

Written by hand because scikit-learn fits no count distribution from weighted
statistics. Both models are fitted from three weighted sums per class
(sum w, sum w N, sum w N^2), so chunked ``partial_fit`` and EM's soft
responsibilities give exactly what one fit gives:

* ``"poisson"``: N ~ Poisson(mu), mu the weighted mean length (maximum likelihood);
* ``"negbin"``: N ~ NegativeBinomial(mean mu, size r), r by the method of moments,
  r = mu^2 / (var - mu); when the lengths are not over-dispersed (var <= mu)
  the limit r -> inf, the Poisson, is used. Document lengths are strongly
  over-dispersed (a Poisson's standard deviation is sqrt(mu), a news article's
  is nearer mu / 2), so the Poisson calls most real documents freaks.

Missing counts: both are closed under thinning (a Poisson or a gamma-Poisson
mixture whose words are each kept with probability m keeps its family with mean
m mu and the same size r), so the observed total N_obs has the same model with
mean mu * m, m the class's probability mass on the observed words: exact.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln, xlogy

__all__ = ["LengthModel", "LENGTH_MODELS"]

#: Choices of ``length_model``; None leaves the length out of every score.
LENGTH_MODELS = ("negbin", "poisson")
#: Floor on a class's mean length: a class whose documents are all empty keeps a
#: finite (very low) probability for any non-empty document.
_MIN_MEAN = 1e-10
#: Relative over-dispersion below which the negative binomial is its Poisson limit.
_POISSON_LIMIT = 1e-8


class LengthModel:
    """Weighted sums of document lengths per class, and the count model fitted to them.

    Parameters
    ----------
    kind : {"negbin", "poisson"}
    n_classes : int

    Attributes
    ----------
    stats : ndarray (3, K)
        sum w, sum w N, sum w N^2 per class.
    mean, size : ndarray (K,)
        Mean length and negative-binomial size r per class (inf: Poisson).
        A class with no weight gets the pooled model of all rows.
    """

    def __init__(self, kind, n_classes):
        self.kind = kind
        self.stats = np.zeros((3, n_classes))

    def update(self, lengths, R):
        """Add documents of lengths (n,) with class responsibilities ``R`` (n, K)."""
        self.stats += np.vstack([R.sum(0), lengths @ R, lengths**2 @ R])

    def fit(self):
        """Set ``mean`` and ``size`` from the statistics; returns self."""
        pooled = self.stats.sum(axis=1, keepdims=True)
        w, s1, s2 = np.where(self.stats[0] > 0, self.stats, pooled)  # an unseen class: all rows
        w = np.where(w > 0, w, 1.0)  # no row at all: mean 0 (floored below)
        mean = s1 / w
        var = s2 / w - mean**2
        self.mean = np.maximum(mean, _MIN_MEAN)
        size = np.full_like(self.mean, np.inf)
        if self.kind == "negbin":
            over = var > mean * (1.0 + _POISSON_LIMIT)
            size[over] = mean[over] ** 2 / (var[over] - mean[over])
        self.size = size
        return self

    def log_pmf(self, lengths, mass=None, factorial=True):
        """log p(N | class), shape (n, K).

        Parameters
        ----------
        lengths : ndarray (n,)
            Observed totals N (real values are scored by the gamma-function
            extension of the pmf).
        mass : ndarray (n, K) or None
            Probability mass of each class's words on the observed words of
            each row (missing counts: the thinned model); None: all observed.
        factorial : bool
            False leaves out -log N!, which the multinomial coefficient cancels.
        """
        N = np.asarray(lengths, dtype=float)[:, None]
        # without missing counts mu is one row (K,): the terms of mu alone are taken once
        # per class, not once per row (the same numbers, broadcast afterwards)
        mu = self.mean[None, :] if mass is None else self.mean * mass
        nb = np.isfinite(self.size)
        # each family's columns computed in place (the same bits as the plain expressions),
        # straight into the result when every class has that family
        out = None if nb.all() or not nb.any() else np.empty((N.shape[0], len(self.mean)))

        def columns(family):  # C order (the result's, as np.empty's); no copy for all of them
            return mu if family.all() else np.ascontiguousarray(mu[:, family])

        if not nb.all():
            m = columns(~nb)
            block = _xlogy(N, m)  # Poisson, without -log N!
            block -= m
            out = _place(out, ~nb, block)
        if nb.any():
            r, m = self.size if nb.all() else self.size[nb], columns(nb)
            block = gammaln(N + r)  # - gammaln(r) + r log(r / (r + m)) + xlogy(N, m / (r + m))
            block -= gammaln(r)
            block += r * np.log(r / (r + m))
            block += _xlogy(N, m / (r + m))
            out = _place(out, nb, block)
        if factorial:
            out -= gammaln(N + 1.0)
        return out

    def sample(self, k, n, rng):
        """``n`` lengths (int, (n,)) of class ``k``."""
        r, mu = self.size[k], self.mean[k]
        if np.isinf(r):
            return rng.poisson(mu, n)
        return rng.negative_binomial(r, r / (r + mu), n)


def _place(out, columns, block):
    """``block`` as the result (``out`` None: every column), or written into ``out[:, columns]``."""
    if out is None:
        return block
    out[:, columns] = block
    return out


def _xlogy(N, m):
    """``scipy.special.xlogy(N, m)`` for lengths ``N`` (n, 1) and ``m`` (n, K) or one row (1, K).

    For one row the logarithms are taken once per class (scipy's own, ``xlogy(1, m)``)
    and multiplied by N: the same bits as xlogy, which takes n x K logarithms.
    """
    if m.shape[0] != 1 or N.shape[0] == 1:
        return xlogy(N, m)
    with np.errstate(invalid="ignore"):  # 0 * log 0: set to xlogy's 0 below
        out = N * xlogy(1.0, m)
    out[N[:, 0] == 0] = 0.0  # xlogy's 0 log m = 0 (also where m = 0)
    return out
