"""The two-sided tangent score of ``mppca``, optionally iterated (moving the test image).

Keysers, Macherey, Ney & Dahmen (IEEE PAMI 26(2), 2004) let a test image x
move along its own tangents T_x as well: the class score is
log sum_c w_c N(x; mu_c, Sigma_c + g^2 T_x T_x^T). The tangents are first
order, so they reach only small transformations. Tangent distance has long
been iterated for larger ones (Simard, LeCun, Denker & Victorri,
"Transformation invariance in pattern recognition -- tangent distance and
tangent propagation", 1998, sec. 4: Newton-like steps of the expansion point;
Keysers et al. 2004, sec. 3, same): estimate the transformation, apply it to
the image exactly, take the tangents again where it lands and score again.

Here, per class, the estimate is the posterior mean of x's move along its
tangents under the class's best component (closed form from the Woodbury
step, :func:`~._ppca_math.ppca_log_pdf_moving`); the image is moved back by
it (:func:`~._tangents.move_images`: the six affine transformations exactly;
thickness only through its tangent) and rescored under all the class's
components. Each class moves the image its own way, so the score is a
classification score, not a density of x, like the one-step two-sided score.
With ``move_cost`` the log prior of the move made, -|a|^2 / (2 g^2), is
added, so a class cannot claim an image by moving it far.

On mnist5k (3-fold cross-validation on the fixed split's training images,
benchmarks/RESULTS.md "round 4") neither moving nor smoothed tangents beat the
one-step score: one move lost 0.17 and 0.08 points (two fold seeds), two moves
0.55; both options stay off by default.
"""

from __future__ import annotations

import numpy as np
from scipy.special import logsumexp

from genvsdisc.models.generative._ppca_math import ppca_log_pdf_moving
from genvsdisc.models.generative._tangents import image_tangents, move_images

__all__ = ["two_sided_class_scores"]


def two_sided_class_scores(
    mixtures, X, scale, shape, names, gamma, n_moves=0, move_cost=False, smoothing=0.0
):
    """(n, K) log sum_c w_kc N(z; mu_kc, Sigma_kc + g^2 T_x T_x^T) of each class k.

    Parameters
    ----------
    mixtures : list of K fitted ``_Mixture`` (scaled units)
    X : ndarray (n, h * w), complete rows in the data's own units
    scale : ndarray (h * w,)
        The model's variance units (z = x / sqrt(scale)).
    shape : tuple (h, w)
    names : tuple of str
        The test image's tangents.
    gamma : float > 0
        g: the standard deviation of each transformation's parameter.
    n_moves : int >= 0, default=0
        Times each image is moved by its estimated transformation and
        rescored, per class (0: Keysers et al.'s one-step score).
    move_cost : bool, default=False
        Add the log prior of the total move made (0 with ``n_moves=0``).
    smoothing : float >= 0, default=0.0
        Gaussian sigma (pixels) of the copy of x its tangents are taken from
        (Simard et al. 1998 take tangents of a smoothed image); x itself is
        scored unsmoothed.

    Returns
    -------
    ndarray (n, K), in scaled units (no Jacobian, no class prior)
    """
    root = np.sqrt(scale)
    n = len(X)
    applied = np.array([name != "thickness" for name in names])  # what move_images does
    cols = []
    for mix in mixtures:
        params, X_k = np.zeros((n, len(names))), X
        for step in range(n_moves + 1):
            G = image_tangents(X_k, shape, names, smoothing) * gamma / root[None, :, None]
            Z = X_k / root
            parts = zip(mix.means, mix.factors, mix.noises, strict=True)
            outs = [ppca_log_pdf_moving(Z, m, A, s, G, return_moves=True) for m, A, s in parts]
            log_joint = np.column_stack([o[0] for o in outs]) + np.log(mix.weights)
            if step == n_moves:
                break
            best = log_joint.argmax(axis=1)
            moves = np.stack([o[1] for o in outs], axis=1)[np.arange(n), best]  # (n, t)
            # x_k ~ y + T a (a = g u): y ~ x_k moved by -a, from the original image.
            params -= gamma * moves * applied
            X_k = move_images(X, shape, names, params)
        cost = 0.5 * ((params / gamma) ** 2).sum(axis=1) if move_cost else 0.0
        cols.append(logsumexp(log_joint, axis=1) - cost)
    return np.column_stack(cols)
