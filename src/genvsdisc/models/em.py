"""Semi-supervised EM over unlabeled rows (Nigam et al. 2000), shared by every artist.

:class:`SemiSupervisedEM` is mixed into
:class:`~genvsdisc.models.base.GenerativeClassifier`: ``fit`` calls
``_run_em`` when some labels are unknown. It needs only the base's hooks,
``_fit_weighted`` (the M-step, through ``_m_step``) and
``_joint_log_likelihood`` (the E-step and the objective).
"""

from __future__ import annotations

import numpy as np

from genvsdisc.models.fast_logsumexp import logsumexp
from genvsdisc.models.rows import stack_rows

__all__ = ["SemiSupervisedEM", "EM_TOL"]

#: Relative tolerance on EM's objective at which semi-supervised EM stops.
EM_TOL = 1e-6


class SemiSupervisedEM:
    """EM's loop, M-step hook and objective; sets ``n_em_iter_`` and ``em_log_likelihood_``."""

    def _run_em(self, X_lab, R_lab, X_unl, weight):
        """Semi-supervised EM; records the objective it climbs, once per iteration.

        Starts from the labeled-only fit (Nigam et al. 2000). Each iteration
        computes the posteriors of the unlabeled rows (E-step) and refits on
        all rows, the unlabeled ones weighted ``weight * posterior`` (M-step,
        ``_m_step``). ``weight`` is ``unlabeled_weight``, times each unlabeled
        row's ``sample_weight`` (n_u,) when given.
        """
        X_all = stack_rows(X_lab, X_unl)
        row_weight = np.reshape(weight, (-1, 1))  # (1, 1) or (n_u, 1)
        objective, jll = self._em_objective(X_lab, R_lab, X_unl, weight, X_all)
        history = [objective]
        for _ in range(self.em_max_iter):
            # the E-step reuses the objective's joint log-likelihoods of the
            # unlabeled rows: same parameters, same numbers, one pass fewer
            post = np.exp(jll - logsumexp(jll, axis=1, keepdims=True))
            self._m_step(X_all, np.vstack([R_lab, row_weight * post]))
            objective, jll = self._em_objective(X_lab, R_lab, X_unl, weight, X_all)
            history.append(objective)
            self.n_em_iter_ += 1
            if abs(history[-1] - history[-2]) <= EM_TOL * max(1.0, abs(history[-2])):
                break
        self.em_log_likelihood_ = history

    def _m_step(self, X, R):
        """EM's M-step; mixtures override it to warm-start from the current fit."""
        self._fit_weighted(X, R)

    def _log_param_prior(self):
        """log p(parameters) of the smoothing prior the M-step maximises with (0: plain ML)."""
        return 0.0

    def _em_scores(self, X_lab, X_unl, X_all):
        """Joint log-likelihoods (n_lab, K) and (n_u, K) of the labeled and unlabeled rows.

        ``X_all`` is ``X_lab`` stacked on ``X_unl``, the rows the M-step fits:
        mixtures answer from the scores their last M-step left.
        """
        jll_lab = self._joint_log_likelihood(X_lab)
        if not X_unl.shape[0]:
            return jll_lab, np.zeros((0, jll_lab.shape[1]))
        return jll_lab, self._joint_log_likelihood(X_unl)

    def _em_objective(self, X_lab, R_lab, X_unl, weight, X_all=None):
        """Weighted observed-data log-likelihood plus ``_log_param_prior()``.

        sum_labeled w log p(x, y) + sum_unlabeled weight log p(x), plus the
        log-prior when the M-step is a MAP estimate (naive Bayes smoothing):
        exactly the quantity EM never lowers.

        Returns
        -------
        objective : float
        jll : ndarray (n_u, K)
            Joint log-likelihoods of the unlabeled rows, which the next E-step reuses.
        """
        jll_lab, jll = self._em_scores(X_lab, X_unl, X_all)
        ll = float(np.sum(R_lab * jll_lab))
        if X_unl.shape[0]:
            log_px = logsumexp(jll, axis=1)
            # a scalar weight multiplies the sum (as before row weights existed: same bits)
            ll += weight * float(np.sum(log_px)) if np.ndim(weight) == 0 else float(weight @ log_px)
        return ll + self._log_param_prior(), jll
