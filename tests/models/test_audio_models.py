"""The audio models: the forward pass against hmmlearn and brute force, missing
frames integrated out, sampling, and the detectives' clip summaries."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hmmlearn.hmm import GaussianHMM
from scipy.stats import norm

from genvsdisc.data.audio_perturb import drop_frames
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


def test_hmm_semi_supervised_em_runs_and_climbs():
    X, y = _toy_audio()
    y_semi = y.copy()
    y_semi[5:20] = -1
    y_semi[25:] = -1
    model = make("hmm", frame_size=3, n_states=3, em_max_iter=3).fit(X, y_semi)
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
