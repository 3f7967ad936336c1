"""The autoregressive HMM (ar_hmm): its density against brute force, EM's climb,
recovery of known AR coefficients, sampling, weights and semi-supervised EM."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.stats import norm

from genvsdisc.data.audio_perturb import drop_frames
from genvsdisc.models import make
from genvsdisc.models.audio._ar_math import ARParams, ar_emissions
from genvsdisc.models.audio._hmm_math import forward, sample_paths
from genvsdisc.models.audio.frames import clip_lengths, pad_rows


def _params(rng, S=2, c=2, full=False) -> ARParams:
    trans = rng.uniform(0.2, 1.0, (S, S))
    end = rng.uniform(0.1, 0.5, S)
    total = trans.sum(axis=1) + end
    return ARParams(
        start=rng.dirichlet(np.ones(S)),
        trans=trans / total[:, None],
        end=end / total,
        means=rng.normal(size=(S, 1, c)),
        variances=rng.uniform(0.5, 2.0, (S, 1, c)),
        coef=rng.uniform(-0.9, 0.9, (S, c, c) if full else (S, c)),
        bias=rng.normal(size=(S, c)),
        noise=rng.uniform(0.2, 1.0, (S, c)),
    )


def _brute_force(clip, p: ARParams) -> float:
    """log of the sum over every state path of start * emissions * moves * end, each
    observed coefficient from the AR term if its predecessor (full: the whole previous
    frame) is observed, else free."""
    T, c = clip.shape
    S = len(p.start)
    total = 0.0
    for path in itertools.product(range(S), repeat=T):
        prob = p.start[path[0]] * p.end[path[-1]]
        for t in range(T):
            j = path[t]
            if t:
                prob *= p.trans[path[t - 1], j]
            for d in range(c):
                x = clip[t, d]
                if np.isnan(x):
                    continue
                prev = clip[t - 1] if t else np.full(c, np.nan)
                full = p.coef.ndim == 3
                if np.isnan(prev).any() if full else np.isnan(prev[d]):
                    mean, var = p.means[j, 0, d], p.variances[j, 0, d]
                else:
                    pull = p.coef[j, d] @ prev if full else p.coef[j, d] * prev[d]
                    mean, var = pull + p.bias[j, d], p.noise[j, d]
                prob *= norm.pdf(x, mean, np.sqrt(var))
        total += prob
    return float(np.log(total))


@pytest.mark.parametrize(
    "clip",
    [
        [[0.3, -0.5], [0.1, 0.4], [-1.2, 0.9]],
        [[0.3, -0.5], [np.nan, np.nan], [-1.2, 0.9]],  # a dropped frame: the next is free
        [[0.3, np.nan], [0.1, 0.4], [np.nan, 0.9]],  # single coefficients missing
    ],
)
@pytest.mark.parametrize("full", [False, True])
def test_ar_log_likelihood_equals_brute_force_over_state_paths(clip, full):
    p = _params(np.random.default_rng(3), S=2, c=2, full=full)
    clip = np.array(clip)
    _, ll = forward(ar_emissions(clip[None], p), np.array([3]), p)
    assert ll[0] == pytest.approx(_brute_force(clip, p), rel=1e-10)


def _ar_clips(coefs, biases, noises, n_per_class=30, seed=0, lengths=(30, 50)):
    """One class per (a, b, v): clips of a stationary AR(1) per coefficient."""
    rng = np.random.default_rng(seed)
    clips, y = [], []
    for k, (a, b, v) in enumerate(zip(coefs, biases, noises, strict=True)):
        a, b, v = map(np.asarray, (a, b, v))
        for _ in range(n_per_class):
            L = int(rng.integers(*lengths))
            x = np.empty((L, len(a)))
            x[0] = b / (1 - a) + rng.standard_normal(len(a)) * np.sqrt(v / (1 - a**2))
            for t in range(1, L):
                x[t] = a * x[t - 1] + b + rng.standard_normal(len(a)) * np.sqrt(v)
            clips.append(x)
            y.append(k)
    return pad_rows(clips, lengths[1]), np.array(y)


A = [(0.8, -0.5), (0.3, 0.9)]
B = [(0.3, 1.0), (-1.0, 0.2)]
V = [(0.1, 0.2), (0.3, 0.05)]


def test_ar_coefficients_are_recovered_from_synthetic_ar_data():
    X, y = _ar_clips(A, B, V)
    model = make("ar_hmm", frame_size=2, n_states=1, ar="diagonal", var_floor=1e-6).fit(X, y)
    for k in (0, 1):
        h = model.hmms_[k]
        np.testing.assert_allclose(h.coef[0], A[k], atol=0.05)
        np.testing.assert_allclose(h.bias[0], B[k], atol=0.15)
        np.testing.assert_allclose(h.noise[0], V[k], rtol=0.1)


def test_full_ar_matrix_is_recovered_with_its_cross_terms():
    rng = np.random.default_rng(5)
    A_full = np.array([[0.6, 0.3], [-0.4, 0.5]])
    clips = []
    for _ in range(60):
        x = np.zeros((40, 2))
        for t in range(1, 40):
            x[t] = A_full @ x[t - 1] + [0.2, -0.1] + 0.3 * rng.standard_normal(2)
        clips.append(x)
    X = pad_rows(clips, 40)
    y = np.repeat([0, 1], 30)
    model = make("ar_hmm", frame_size=2, n_states=1, ar="full", var_floor=1e-6).fit(X, y)
    for k in (0, 1):
        np.testing.assert_allclose(model.hmms_[k].coef[0], A_full, atol=0.06)
        np.testing.assert_allclose(model.hmms_[k].noise[0], [0.09, 0.09], rtol=0.1)
    diagonal = make("ar_hmm", frame_size=2, n_states=1, ar="diagonal", var_floor=1e-6).fit(X, y)
    # the cross terms are real: the full model gives the clips more density
    assert np.mean(model.score_samples(X)) > np.mean(diagonal.score_samples(X)) + 0.1


@pytest.mark.parametrize("ar", ["diagonal", "full"])
def test_em_raises_the_log_likelihood_at_every_iteration(ar):
    X, y = _ar_clips(A, B, V, n_per_class=15, seed=1)
    lls = []
    for n_iter in range(1, 8):
        model = make("ar_hmm", frame_size=2, n_states=3, n_iter=n_iter, tol=0.0, ar=ar).fit(X, y)
        joint = model.predict_joint_log_proba(X)[np.arange(len(y)), y]
        lls.append(float(np.mean(joint)))
    lls = np.array(lls)
    assert lls[-1] > lls[0]
    assert (np.diff(lls) >= -1e-9 * np.abs(lls[:-1])).all(), lls


def test_samples_take_training_lengths_end_in_the_last_state_and_run_smooth():
    X, y = _ar_clips(A, B, V, n_per_class=20, seed=2, lengths=(8, 20))
    model = make("ar_hmm", frame_size=2, n_states=3).fit(X, y)
    frames = X.reshape(len(X), 20, 2)
    train_len = clip_lengths(frames)
    Xs, ys = model.sample(100, y=0, random_state=0)
    lengths = clip_lengths(Xs.reshape(100, 20, 2))
    assert set(lengths) <= set(train_len[y == 0]) and (ys == 0).all()
    # conditioned on the end state, every path ends there, even where other states
    # end clips often
    h = model.hmms_[0]
    h.end = np.full(3, 0.3)
    h.trans = h.trans / h.trans.sum(axis=1, keepdims=True) * 0.7
    paths = sample_paths(h, lengths, np.random.RandomState(0), final=2)
    assert all(p[-1] == 2 for p in paths)
    assert np.mean([p[-1] == 2 for p in sample_paths(h, lengths, np.random.RandomState(0))]) < 0.9
    # the recursion keeps class 0's first coefficient as smooth as real clips (a = 0.8)
    s = Xs.reshape(100, 20, 2)[..., 0]
    real = frames[y == 0][..., 0]
    jitter = [np.nanmean(np.abs(np.diff(z, axis=1))) for z in (s, real)]
    assert jitter[0] == pytest.approx(jitter[1], rel=0.2)
    assert np.mean(model.predict(Xs) == 0) >= 0.9


def test_weights_equal_repeats_and_dropped_frames_still_classify():
    X, y = _ar_clips(A, B, V, n_per_class=10, seed=3, lengths=(8, 16))
    w = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    weighted = make("ar_hmm", frame_size=2, n_states=2).fit(X, y, sample_weight=w)
    rep = np.repeat(np.arange(len(y)), w.astype(int))
    repeated = make("ar_hmm", frame_size=2, n_states=2).fit(X[rep], y[rep])
    np.testing.assert_allclose(weighted.score_samples(X), repeated.score_samples(X), rtol=1e-6)
    dropped = drop_frames(X, 0.3, 0, (16, 2))
    assert np.isfinite(weighted.score_samples(dropped)).all()
    assert np.mean(weighted.predict(dropped) == y) >= 0.9


def test_semi_supervised_em_runs_and_climbs():
    X, y = _ar_clips(A, B, V, n_per_class=12, seed=4, lengths=(8, 16))
    y_semi = y.copy()
    y_semi[3:12] = -1
    y_semi[15:] = -1
    model = make("ar_hmm", frame_size=2, n_states=2, em_max_iter=3).fit(X, y_semi)
    history = np.array(model.em_log_likelihood_)
    assert model.n_em_iter_ >= 1
    assert (np.diff(history) >= -1e-6 * np.abs(history[:-1])).all()
    assert np.mean(model.predict(X) == y) >= 0.9
