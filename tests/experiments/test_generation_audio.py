"""The generation experiment on sound: judged clips, copies of clips, playable report clips."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
import soundfile as sf

from genvsdisc.data import load, train_test_split
from genvsdisc.experiments import get_experiment, run_experiment
from genvsdisc.report.plots import Style


@pytest.fixture(scope="module")
def tiny_sound():
    """spoken_digits, 20 clips of each of the digits 0-2 (MFCCs only, no raw sound)."""
    ds = load("spoken_digits")
    rows = np.concatenate([np.flatnonzero(ds.y == k)[:20] for k in range(3)])
    sub = ds.subset(rows)
    sub.classes = sub.classes[:3]
    return train_test_split(sub, test_size=0.3, random_state=0)


@pytest.fixture(scope="module")
def outcome(tiny_sound, quick):
    return run_experiment("generation", *tiny_sound, ["frame_gmm", "clip_logreg"], quick)


def test_audio_generation_rows_are_judged_and_checked(outcome):
    gmm = next(r for r in outcome.rows if r["model"] == "frame_gmm")
    assert outcome.modality == "audio" and outcome.judge["model"] == "clip_svm"
    assert 0 <= gmm["judge_agreement"] <= 1 and 0 <= gmm["cas"] <= 1
    mem = gmm["memorisation"]
    assert mem["copies"] == 0 and mem["test_median"] > 0 and not mem["copying"]
    assert (
        "cannot generate"
        in next(r for r in outcome.rows if r["model"] == "clip_logreg")["cannot_generate"]
    )


def test_report_clips_are_short_16_bit_wavs_of_the_first_classes(outcome):
    gmm = next(r for r in outcome.rows if r["model"] == "frame_gmm")
    for shown in (gmm["shown"], outcome.real_clips):
        assert shown["y"] == [0, 1] and len(shown["wav"]) == 2
        for wav, frames in zip(shown["wav"], shown["X"], strict=True):
            data, rate = sf.read(io.BytesIO(base64.b64decode(wav)))
            assert rate == 8000 and 0 < len(data) <= 8000  # at most a second
            assert sf.info(io.BytesIO(base64.b64decode(wav))).subtype == "PCM_16"
            assert np.isfinite(np.asarray(frames)).all()  # results.json stays JSON
    assert len(gmm["shown"]["judged"]) == 2 and outcome.real_clips["judged"] is None


def test_report_plays_clips_beside_spectrograms(outcome):
    experiment = get_experiment("generation")
    html = experiment.table(outcome)
    # 2 real + 2 generated clips, embedded: the report stays one offline file
    assert html.count('<audio controls preload="none" src="data:audio/wav;base64,') == 4
    assert "Griffin-Lim" in html and "real (inverted)" in html and "clip summaries" in html
    style = Style([{"name": "frame_gmm", "family": "generative"}])
    fig = experiment.figure(outcome, style, outcome.classes)
    assert len([a for a in fig.axes if a.images]) == 4  # real and frame_gmm, 2 clips each
    assert "frame_gmm" in experiment.finding(outcome, "tiny")


def test_samples_display_shows_spectrograms_and_plays_the_clips(outcome):
    from genvsdisc.displays import SamplesDisplay

    style = Style([{"name": "frame_gmm", "family": "generative"}])
    display = SamplesDisplay(outcome, style=style, classes=outcome.classes)
    one = display.plot(model="frame_gmm")  # one artist on one Axes
    assert one.ax_.images and "frame_gmm" in one.ax_.get_title()
    assert display.players().count("data:audio/wav;base64,") == 4
    grid = SamplesDisplay(outcome, style=style, classes=outcome.classes).plot()
    html = grid._repr_html_()
    assert html.startswith('<img alt="spectrograms" src="data:image/png;base64,')
    assert html.count("<audio controls") == 4
