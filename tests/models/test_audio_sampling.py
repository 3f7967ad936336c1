"""Sampling the audio artists: clip lengths from the training clips, state paths drawn
exactly given the length, the emission temperature and the clip to the training range."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from genvsdisc.models import make
from genvsdisc.models.audio._hmm_math import HMMParams, sample_paths
from genvsdisc.models.audio.frames import clip_lengths, pad_rows

T, C = 16, 3


def _clips(n_per_class=30, seed=0):
    """Two classes of ramps, class 0 of 6-9 frames, class 1 of 11-14 (padded to 16)."""
    rng = np.random.default_rng(seed)
    clips, y = [], []
    for k, (lo, hi) in enumerate([(6, 9), (11, 14)]):
        for _ in range(n_per_class):
            L = int(rng.integers(lo, hi + 1))
            ramp = np.linspace(-1, 1, L)[:, None] * (1 if k == 0 else -1)
            clips.append(ramp + 0.3 * rng.standard_normal((L, C)))
            y.append(k)
    return pad_rows(clips, T), np.array(y)


@pytest.mark.parametrize("name", ["hmm", "gmm_hmm", "frame_gmm"])
def test_sampled_lengths_follow_each_class_training_lengths(name):
    X, y = _clips()
    params = {"n_states": 4, "n_mix": 2} if "hmm" in name else {"min_rows_per_component": 10}
    model = make(name, frame_size=C, **params).fit(X, y)
    train_len = clip_lengths(X.reshape(len(X), T, C))
    for k in (0, 1):
        Xs, _ = model.sample(200, y=k, random_state=1)
        lengths = clip_lengths(Xs.reshape(200, T, C))
        seen = train_len[y == k]
        assert set(lengths) <= set(seen)  # only lengths the class's clips have
        assert abs(np.median(lengths) - np.median(seen)) <= 1
        assert not np.isnan(Xs.reshape(200, T, C)[np.arange(T) < lengths[:, None]]).any()


def test_left_right_paths_end_in_the_last_state_and_move_forward():
    X, y = _clips()
    model = make("hmm", frame_size=C, n_states=5).fit(X, y)
    rng = np.random.RandomState(0)
    lengths = rng.choice([6, 9, 14], size=300)
    # unconditioned, the pseudo-count's end probability cuts a rare word short
    free = sample_paths(model.hmms_[1], lengths, rng)
    assert np.mean([p[-1] == 4 for p in free]) >= 0.98
    paths = sample_paths(model.hmms_[1], lengths, rng, final=4)  # as the model samples
    assert [len(p) for p in paths] == list(lengths)
    assert all(p[0] == 0 and p[-1] == 4 for p in paths)
    assert all(set(np.diff(p)) <= {0, 1, 2} for p in paths)  # Bakis moves only


def test_sample_paths_is_the_exact_conditional_given_the_length():
    """Path frequencies against brute force p(path | L) over all 3^4 paths of an ergodic chain."""
    rng = np.random.default_rng(2)
    S, L = 3, 4
    moves = rng.dirichlet(np.ones(S + 1), size=S)
    p = HMMParams(
        start=rng.dirichlet(np.ones(S)),
        trans=moves[:, :S],
        end=moves[:, S],
        means=np.zeros((S, 1)),
        variances=np.ones((S, 1)),
    )
    exact = {}
    for path in itertools.product(range(S), repeat=L):
        prob = p.start[path[0]] * p.end[path[-1]]
        for a, b in itertools.pairwise(path):
            prob *= p.trans[a, b]
        exact[path] = prob
    total = sum(exact.values())
    n = 20000
    drawn = sample_paths(p, np.full(n, L), np.random.RandomState(3))
    counts = {}
    for path in drawn:
        counts[tuple(path)] = counts.get(tuple(path), 0) + 1
    for path, prob in exact.items():
        share = prob / total
        # binomial standard error, 5 of them: fails for a wrong conditional, not by chance
        assert abs(counts.get(path, 0) / n - share) <= 5 * np.sqrt(share * (1 - share) / n) + 1e-4


def test_temperature_scales_the_frame_noise_and_defaults_to_the_model():
    X, y = _clips()
    model = make("hmm", frame_size=C, n_states=4).fit(X, y)
    own, _ = model.sample(50, y=0, random_state=0)
    same, _ = model.sample(50, y=0, random_state=0, temperature=1.0)
    np.testing.assert_array_equal(own, same)
    cool, _ = model.sample(50, y=0, random_state=0, temperature=0.01)
    means = model.hmms_[0].means.reshape(-1, C)
    frames = cool.reshape(-1, C)
    frames = frames[~np.isnan(frames).any(axis=1)]
    gap = np.min(np.abs(frames[:, None, :] - means[None]).max(axis=2), axis=1)
    assert gap.max() < 0.05  # every frame next to one state's mean
    with pytest.raises(Exception, match="temperature"):
        make("frame_gmm", frame_size=C).fit(X, y).sample(2, temperature=0.5)


def test_clip_keeps_each_coefficient_within_its_range_over_all_frames():
    X, y = _clips()
    model = make("hmm", frame_size=C, n_states=4).fit(X, y)
    Xs, _ = model.sample(100, y=1, random_state=0, temperature=10.0, clip=True)
    frames, real = Xs.reshape(-1, C), X.reshape(-1, C)
    assert (np.nanmin(frames, axis=0) >= np.nanmin(real, axis=0) - 1e-12).all()
    assert (np.nanmax(frames, axis=0) <= np.nanmax(real, axis=0) + 1e-12).all()
    # padding stays padding: every clip keeps its drawn length
    assert (clip_lengths(Xs.reshape(100, T, C)) >= 11).all()
