"""spoken_words: synthesis with espeak-ng (2 voices, a few seconds), cache, voices held out."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.data import audio_synth, load, train_test_split
from genvsdisc.data.builtins import BUILTINS
from genvsdisc.exceptions import DataError, ParameterError

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"
)


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """Each test synthesises into its own cache folder, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    audio_synth._words_raw.cache_clear()
    yield tmp_path / "cache" / "genvsdisc"
    audio_synth._words_raw.cache_clear()


@needs_espeak
def test_spoken_words_synthesised_cached_and_seeded(own_cache):
    ds = load("spoken_words", n_voices=2)
    assert ds.modality == "audio" and ds.classes[7] == "seven"
    assert ds.X.shape == (40, 32 * 13) and ds.frame_shape == (32, 13)
    assert ds.waveforms.shape == (40, 8000) and ds.sample_rate == 8000
    assert np.bincount(ds.y).tolist() == [4] * 10
    assert np.abs(ds.waveforms).max() <= 0.9 + 1e-6
    # every clip has frames, then NaN up to the row's end; waveforms are zero after it
    frames = ds.X.reshape(40, 32, 13)
    lengths = np.isfinite(frames[:, :, 0]).sum(axis=1)
    assert lengths.min() >= 8 and np.isnan(frames[lengths < 32, -1]).all()
    assert set(ds.row_info) == {"voice", "speed", "pitch", "snr_db", "noise"}
    assert sorted(set(ds.row_info["snr_db"].tolist())) == [0, 5, 10, 20]
    assert set(ds.groups.tolist()) == {"en-us+m1", "en-gb+m1"}
    assert ds.info["espeak_version"].startswith("eSpeak NG")
    files = list(own_cache.iterdir())
    assert [f.name for f in files] == ["spoken_words-v1-voices2-seed0.npz"]  # nothing partial
    # from the cache file (fresh process cache), the same set
    audio_synth._words_raw.cache_clear()
    again = load("spoken_words", n_voices=2)
    np.testing.assert_allclose(again.X, ds.X, atol=1e-4, equal_nan=True)  # stored as float32
    np.testing.assert_array_equal(again.waveforms, ds.waveforms)
    # synthesised afresh, the same seed gives the same clips; another seed others
    audio_synth._words_raw.cache_clear()
    files[0].unlink()
    np.testing.assert_array_equal(load("spoken_words", n_voices=2).waveforms, ds.waveforms)
    other = load("spoken_words", n_voices=2, random_state=1)
    assert not np.array_equal(other.row_info["speed"], ds.row_info["speed"])


@needs_espeak
def test_spoken_words_split_holds_voices_out():
    ds = load("spoken_words", n_voices=4)
    for seed in range(3):
        train, test = train_test_split(ds, test_size=0.25, random_state=seed)
        assert not set(train.groups) & set(test.groups)
        assert len(set(test.groups)) == 1 and test.n_samples == 20
        # waveforms and per-clip facts stay aligned with the rows
        row = np.flatnonzero((ds.waveforms == test.waveforms[0]).all(axis=1))[0]
        assert ds.row_info["voice"][row] == test.row_info["voice"][0] == test.groups[0]
    pooled = train.pooled(test)
    assert pooled.waveforms.shape == (80, 8000) and len(pooled.groups) == 80
    assert len(pooled.row_info["snr_db"]) == 80
    shared = load("spoken_words", n_voices=4, holdout_voices=False)
    assert shared.groups is None and any("at random" in n for n in shared.notes)
    train, test = train_test_split(shared, test_size=0.25, random_state=0)
    assert set(train.row_info["voice"]) & set(test.row_info["voice"])


def test_spoken_words_without_espeak_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    with pytest.raises(DataError, match=r"apt-get install espeak-ng"):
        load("spoken_words", n_voices=2)
    result = CliRunner().invoke(cli, ["inspect", "spoken_words"])
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "espeak-ng is not installed" in lines[0]
    # everything else still works, the listing included
    assert load("iris").n_samples == 150
    listing = CliRunner().invoke(cli, ["datasets"])
    assert listing.exit_code == 0 and "spoken_words" in listing.stdout


def test_spoken_words_parameters_checked():
    with pytest.raises(ParameterError, match="n_voices must be an int from 2 to 96"):
        load("spoken_words", n_voices=1)
    with pytest.raises(ParameterError, match="takes n_voices, holdout_voices; got noise"):
        load("spoken_words", noise=3)


def test_spoken_words_cache_write_is_atomic(own_cache, monkeypatch):
    def broken(handle, **arrays):
        handle.write(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(audio_synth.np, "savez", broken)
    data = {"X": np.zeros((2, 13)), "y": np.zeros(2)}
    with pytest.raises(OSError, match="disk full"):
        audio_synth._save(own_cache / "x.npz", data)
    assert list(own_cache.iterdir()) == []


def test_spoken_words_listing_matches_recipe():
    spec = BUILTINS["spoken_words"]
    n = len(audio_synth.voice_names())
    assert n == 96 and len(set(audio_synth.voice_names())) == 96
    assert spec.rows == n * 10 * audio_synth.RENDITIONS and spec.features == 32 * 13
    assert spec.modality == "audio" and spec.classes == 10
