"""The audio models: the forward pass against hmmlearn and brute force, missing
frames integrated out, sampling, and the detectives' clip summaries."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hmmlearn.hmm import GMMHMM, GaussianHMM
from scipy.stats import norm

from genvsdisc.data.audio_perturb import drop_frames
from genvsdisc.exceptions import DataError
from genvsdisc.models import make
from genvsdisc.models.audio._hmm_math import HMMParams, emissions, forward
from genvsdisc.models.audio.frames import ClipSummary, clip_lengths, pad_rows


def _params(rng, S=3, c=2):
    trans = rng.dirichlet(np.ones(S + 1), size=S)
    return HMMParams(
        start=rng.dirichlet(np.ones(S)),
        trans=trans[:, :S],
        end=trans[:, S],
        means=rng.normal(size=(S, c)),
        variances=rng.uniform(0.5, 2.0, size=(S, c)),
    )


def test_forward_matches_hmmlearn_score_without_end():
    rng = np.random.default_rng(0)
    p = _params(rng)
    trans = p.trans / p.trans.sum(axis=1, keepdims=True)
    p_plain = HMMParams(p.start, trans, np.ones(3), p.means, p.variances)
    ref = GaussianHMM(n_components=3, covariance_type="diag", init_params="", params="")
    ref.startprob_, ref.transmat_, ref.means_, ref.covars_ = p.start, trans, p.means, p.variances
    clips = [rng.normal(size=(L, 2)) for L in (1, 4, 7)]
    frames = pad_rows(clips, 7).reshape(3, 7, 2)
    lengths = clip_lengths(frames)
    _, ll = forward(emissions(frames, p_plain), lengths, p_plain, use_end=False)
    np.testing.assert_allclose(ll, [ref.score(c) for c in clips], rtol=1e-10)


def test_mixture_forward_matches_hmmlearn_gmmhmm():
    """States emitting from 2-Gaussian mixtures: log p(x) as hmmlearn's GMMHMM."""
    rng = np.random.default_rng(3)
    S, M, c = 3, 2, 2
    p = _params(rng, S=S, c=c)
    trans = p.trans / p.trans.sum(axis=1, keepdims=True)
    means, variances = rng.normal(size=(S, M, c)), rng.uniform(0.5, 2.0, size=(S, M, c))
    weights = rng.dirichlet(np.ones(M), size=S)
    mixed = HMMParams(p.start, trans, np.ones(S), means, variances, weights=weights)
    ref = GMMHMM(n_components=S, n_mix=M, covariance_type="diag", init_params="", params="")
    ref.startprob_, ref.transmat_, ref.weights_ = p.start, trans, weights
    ref.means_, ref.covars_ = means, variances
    clips = [rng.normal(size=(L, c)) for L in (1, 5, 8)]
    frames = pad_rows(clips, 8).reshape(3, 8, c)
    _, ll = forward(emissions(frames, mixed), clip_lengths(frames), mixed, use_end=False)
    np.testing.assert_allclose(ll, [ref.score(x) for x in clips], rtol=1e-10)


def test_missing_frame_is_integrated_out_exactly():
    """Brute force over every state path; a NaN frame's factor is 1."""
    rng = np.random.default_rng(1)
    p = _params(rng, S=2, c=1)
    clip = np.array([[0.3], [np.nan], [-1.2]])
    _, ll = forward(emissions(clip[None], p), np.array([3]), p)
    total = 0.0
    for path in itertools.product(range(2), repeat=3):
        prob = p.start[path[0]] * p.end[path[-1]]
        for t in range(1, 3):
            prob *= p.trans[path[t - 1], path[t]]
        for t in (0, 2):
            prob *= norm.pdf(clip[t, 0], p.means[path[t], 0], np.sqrt(p.variances[path[t], 0]))
        total += prob
    assert ll[0] == pytest.approx(np.log(total), rel=1e-10)


def _toy_audio(n_per_class=20, T=12, c=3, seed=0):
    """Two classes of clips: rising or falling coefficients, random lengths, NaN tail."""
    rng = np.random.default_rng(seed)
    clips, y = [], []
    for k in (0, 1):
        for _ in range(n_per_class):
            L = rng.integers(5, T + 1)
            ramp = np.linspace(-1, 1, L)[:, None] * (1 if k == 0 else -1)
            clips.append(ramp + 0.3 * rng.standard_normal((L, c)))
            y.append(k)
    return pad_rows(clips, T), np.array(y)


@pytest.mark.parametrize(
    "name", ["hmm", "gmm_hmm", "frame_gmm", "clip_logreg", "clip_knn", "clip_mlp", "clip_svm"]
)
def test_audio_models_learn_order_or_content(name):
    X, y = _toy_audio()
    Xt, yt = _toy_audio(seed=1)
    model = make(name, frame_size=3).fit(X, y)
    acc = np.mean(model.predict(Xt) == yt)
    if name == "frame_gmm":  # a bag of frames cannot tell rising from falling: near chance
        assert acc < 0.8
    else:
        assert acc >= 0.9
    # dropped frames: every model still answers, from the frames it has
    assert model.predict(drop_frames(Xt, 0.5, 0, (12, 3))).shape == yt.shape


def test_hmm_samples_end_and_look_like_their_class():
    X, y = _toy_audio()
    model = make("hmm", frame_size=3, n_states=3).fit(X, y)
    Xs, ys = model.sample(20, y=1, random_state=0)
    lengths = clip_lengths(Xs.reshape(20, 12, 3))
    assert Xs.shape == (20, 36) and (lengths >= 1).all() and (lengths <= 12).all()
    assert np.mean(model.predict(Xs) == 1) >= 0.9
    assert np.isfinite(model.score_samples(Xs)).all()


@pytest.mark.parametrize("name", ["hmm", "gmm_hmm"])
def test_hmm_semi_supervised_em_runs_and_climbs(name):
    X, y = _toy_audio()
    y_semi = y.copy()
    y_semi[5:20] = -1
    y_semi[25:] = -1
    model = make(name, frame_size=3, n_states=3, em_max_iter=3).fit(X, y_semi)
    history = np.array(model.em_log_likelihood_)
    assert model.n_em_iter_ >= 1
    assert (np.diff(history) >= -1e-6 * np.abs(history[:-1])).all()


def test_clip_summary_skips_missing_frames_and_is_finite():
    X, _ = _toy_audio()
    F = ClipSummary(3, 4).transform(drop_frames(X, 0.9, 0, (12, 3)))
    assert F.shape == (len(X), 3 * 7 + 1) and np.isfinite(F).all()


def test_drop_frames_keeps_each_clips_end():
    X, _ = _toy_audio()
    before = clip_lengths(X.reshape(len(X), 12, 3))
    out = drop_frames(X, 0.5, 3, (12, 3)).reshape(len(X), 12, 3)
    np.testing.assert_array_equal(clip_lengths(out), before)
    dropped = np.isnan(out).all(axis=2).sum(axis=1) - (12 - before)
    np.testing.assert_array_equal(dropped, np.round(0.5 * before).astype(int))


def test_gmm_hmm_samples_and_weights_match_repeats():
    X, y = _toy_audio()
    model = make("gmm_hmm", frame_size=3, n_states=3, n_mix=2).fit(X, y)
    assert model.hmms_[0].weights.shape == (3, 2)
    np.testing.assert_allclose(model.hmms_[0].weights.sum(axis=1), 1.0)
    Xs, _ = model.sample(10, y=0, random_state=0)
    assert np.mean(model.predict(Xs) == 0) >= 0.9
    # a weight of 2 is the clip twice (the k-means start sees the same frames either way)
    w = np.where(np.arange(len(y)) % 3 == 0, 2.0, 1.0)
    weighted = make("gmm_hmm", frame_size=3, n_states=3, n_mix=2).fit(X, y, sample_weight=w)
    rep = np.repeat(np.arange(len(y)), w.astype(int))
    repeated = make("gmm_hmm", frame_size=3, n_states=3, n_mix=2).fit(X[rep], y[rep])
    np.testing.assert_allclose(weighted.score_samples(X), repeated.score_samples(X), rtol=1e-6)


def test_clip_svm_needs_two_clips_per_class():
    X, y = _toy_audio(n_per_class=3)
    keep = np.r_[0, 3:6]  # class 0 keeps one clip
    with pytest.raises(DataError, match="class 0 has 1 sample"):
        make("clip_svm", frame_size=3).fit(X[keep], y[keep])
