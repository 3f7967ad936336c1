"""A Gaussian mixture per class, fitted over partitions: one pass per EM iteration.

The start is scikit-learn's ``KMeans`` (k-means++ seeding) on a sample of each
class's rows, in the scaled units the in-memory ``gmm`` works in; then every
EM iteration is one pass over the training partitions. On each partition the
worker computes the responsibilities of the current mixture and returns, per
class and component, the responsibility total, the sum of rows and the sum of
outer products, centred on the current component means (a common shift for
that pass, so partition sums add exactly). The M-step is the in-memory
model's: same floor (``reg_covar`` in scaled units), same full covariances.
Only ``covariance_type="full"`` and a fixed ``n_components`` are fitted here.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import KMeans

from genvsdisc.models.generative._gaussian_math import safe_cholesky, variance_units
from genvsdisc.models.generative.mixture import _Mixture
from genvsdisc.models.registry import make
from genvsdisc.scale.partitions import frame_rows

__all__ = [
    "start_mixture",
    "em_partition_stats",
    "em_partition_stats_many",
    "merge_em_stats",
    "merge_em_many",
    "m_step",
    "finish_mixture",
]


def start_mixture(sample_X, sample_y, classes, counts, mean_var, *, seed=0, n_components=4):
    """An unfinished ``gmm`` estimator with its k-means++ start, from a sample of rows.

    Parameters
    ----------
    sample_X : ndarray (m, d)
    sample_y : ndarray (m,)
    classes : list of labels (sorted)
    counts : dict label -> number of training rows
    mean_var : (mean (d,), var (d,), n)
        Of all training rows (the units the floor and k-means work in).
    """
    est = make("gmm", random_state=seed, n_components=n_components)
    est._check_params()
    _, var, _ = mean_var
    lo, hi = sample_X.min(), sample_X.max()
    std = est.standardize
    est.standardize_ = not (lo >= 0 and hi <= 1) if std == "auto" else bool(std)
    est.scale_ = variance_units(var, est.standardize_)
    d = sample_X.shape[1]
    est.reg_covar_ = np.array([est._reg_units(d, counts[c]) for c in classes])
    rng = np.random.RandomState(seed)
    est.mixtures_ = []
    for k, label in enumerate(classes):
        Xk = sample_X[sample_y == label]
        by_rows = max(1, int(counts[label] // est.min_rows_per_component))
        n_comp = max(1, min(n_components, by_rows, len(Xk)))
        labels = np.zeros(len(Xk), dtype=int)
        if n_comp > 1:
            km = KMeans(
                n_clusters=n_comp, init="k-means++", n_init=1, random_state=rng.randint(2**31 - 1)
            )
            labels = km.fit(Xk / np.sqrt(est.scale_)).labels_
        resp = np.zeros((len(Xk), n_comp))
        resp[np.arange(len(Xk)), labels] = 1.0
        est.mixtures_.append(est._m(Xk, resp, est.reg_covar_[k]))
    return est


def em_partition_stats(frame, features, target, classes, mixtures):
    """E-step sums of one partition: {label: (nk (C,), s1 (C, d), s2 (C, d, d), ll)}."""
    X, y, _ = frame_rows(frame, features, target)
    out = {}
    for label, mix in zip(classes, mixtures, strict=True):
        Xk = X[y == label]
        if not len(Xk):
            continue
        log_joint = mix.log_pdf(Xk)
        ll = logsumexp(log_joint, axis=1)
        resp = np.exp(log_joint - ll[:, None])
        C, d = mix.means.shape
        s1, s2 = np.empty((C, d)), np.empty((C, d, d))
        for c in range(C):
            Z = Xk - mix.means[c]  # the common shift of this pass
            Zw = Z * resp[:, c, None]
            s1[c], s2[c] = Zw.sum(axis=0), Zw.T @ Z
        out[label] = (resp.sum(axis=0), s1, s2, float(ll.sum()))
    return out


def em_partition_stats_many(frame, features, target, classes, fits: dict, position=None):
    """E-step sums of one partition for several fits at once: {key: em_partition_stats}.

    The learning curve's gmm fits (one per number of training partitions) take
    their E-steps from the same read of the partition: the pass per EM
    iteration stays one pass, only the arithmetic grows with the fits.
    ``fits``: ``{m: mixtures}``, the fit on the first ``m`` training partitions;
    ``position`` (this partition's place in the training order, None: all fits)
    keeps the fits whose first ``m`` partitions hold this one (``position < m``).
    """
    return {
        key: em_partition_stats(frame, features, target, classes, m)
        for key, m in fits.items()
        if position is None or position < key
    }


def merge_em_many(*parts):
    """Sum :func:`em_partition_stats_many` results fit by fit."""
    out = {}
    for part in parts:
        for key, values in part.items():
            out[key] = merge_em_stats(out[key], values) if key in out else values
    return out


def merge_em_stats(*parts):
    """Sum E-step statistics of partitions, label by label."""
    out = {}
    for part in parts:
        for label, values in part.items():
            if label not in out:
                out[label] = values
            else:
                out[label] = tuple(a + b for a, b in zip(out[label], values, strict=True))
    return out


def m_step(est, classes, sums):
    """New mixtures from summed statistics; returns the mean log-likelihood of the pass."""
    total_ll, total_n = 0.0, 0.0
    for k, label in enumerate(classes):
        nk, s1, s2, ll = sums[label]
        mix = est.mixtures_[k]
        nk = nk + 10 * np.finfo(float).eps
        delta = s1 / nk[:, None]
        means = mix.means + delta
        covs = s2 / nk[:, None, None] - np.einsum("ci,cj->cij", delta, delta)
        reg = est.reg_covar_[k] * est.scale_
        for c in range(len(nk)):
            covs[c][np.diag_indices_from(covs[c])] += reg
        floor = float(reg[0]) if np.ptp(reg) == 0 else None  # as the in-memory M-step
        new = _Mixture(nk / nk.sum(), means, covs, [safe_cholesky(c) for c in covs], floor=floor)
        new.n_iter = mix.n_iter + 1
        new.log_likelihood = ll / nk.sum()
        est.mixtures_[k] = new
        total_ll, total_n = total_ll + ll, total_n + nk.sum()
    return total_ll / total_n


def finish_mixture(est, classes, counts, lo, hi):
    """Set the fitted attributes ``predict`` and ``sample`` read."""
    est.classes_ = np.asarray(classes)
    est.n_features_in_ = len(lo)
    est.feature_min_, est.feature_max_ = lo.copy(), hi.copy()
    est.n_em_iter_, est.em_log_likelihood_ = 0, []
    est._set_class_prior(np.array([counts[c] for c in classes], dtype=float))
    est.n_components_ = np.array([len(m.weights) for m in est.mixtures_])
    est.n_iter_ = np.array([m.n_iter for m in est.mixtures_])
    return est
