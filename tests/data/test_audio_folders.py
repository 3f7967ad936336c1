"""User audio folders: formats, rates, channels, and every kind of bad audio file.

Fixtures are written with soundfile into tmp_path; each bad file is checked
through ``load()`` and through ``genvsdisc inspect`` (a counted skip with one
warning line, or exit 2 with one error line).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf
from click.testing import CliRunner

from genvsdisc.cli import cli
from genvsdisc.data import load
from genvsdisc.exceptions import DataError, ParameterError

RATE = 8000


def tone(freq: float, seconds: float = 0.5, rate: int = RATE, channels: int = 1) -> np.ndarray:
    """A tone with a fade in and out, between stretches of silence (so trimming shows)."""
    t = np.arange(int(seconds * rate)) / rate
    wave = 0.5 * np.sin(2 * np.pi * freq * t) * np.hanning(len(t))
    wave = np.concatenate([np.zeros(rate // 10), wave, np.zeros(rate // 10)])
    return wave if channels == 1 else np.stack([wave] * channels, axis=1)


def write(path, data, rate=RATE, **kwargs):
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, data, rate, **kwargs)
    return path


def two_classes(root, n=2, **kwargs):
    for i in range(n):
        write(root / "low" / f"{i}.wav", tone(300 + 10 * i), **kwargs)
        write(root / "high" / f"{i}.wav", tone(2000 + 10 * i), **kwargs)
    return root


def length(row: np.ndarray) -> int:
    """Samples up to the last non-zero one (the clip's end)."""
    return int(np.flatnonzero(row).max()) + 1


def inspect(path):
    return CliRunner().invoke(cli, ["inspect", str(path)])


def test_audio_folder_loads_as_mfcc_frames_and_waveforms(tmp_path):
    ds = load(two_classes(tmp_path))
    assert ds.modality == "audio" and ds.classes == ["high", "low"]
    assert ds.sample_rate == RATE and ds.waveforms.dtype == np.float32
    T = ds.frame_shape[0]
    assert ds.frame_shape == (T, 13) and ds.X.shape == (4, T * 13)
    # silence trimmed: 0.5 s of tone (less its faint hanning ends), not 0.7 s
    assert 0.3 * RATE < length(ds.waveforms[0]) <= 0.5 * RATE
    # the two classes differ in their frames: mean MFCCs are far apart
    frames = ds.X.reshape(4, T, 13)
    means = np.array([np.nanmean(frames[ds.y == k], axis=(0, 1)) for k in (0, 1)])
    assert np.linalg.norm(means[0] - means[1]) > 10
    assert any("sample rates: 8000 Hz (4); 0 file(s) resampled" in n for n in ds.notes)
    assert any("durations as read 0.70-0.70 s" in n for n in ds.notes)
    assert ds.info["skipped"] == 0 and ds.info["sample_rates"] == {8000: 4}


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_audio_bit_depths_all_read_alike(tmp_path, subtype):
    reference = load(two_classes(tmp_path / "ref", subtype="PCM_24"))
    ds = load(two_classes(tmp_path / subtype, subtype=subtype))
    # 8-bit quantisation noise is about -48 dB: the waveforms agree to 1 %
    np.testing.assert_allclose(ds.waveforms, reference.waveforms, atol=0.01)
    assert ds.frame_shape == reference.frame_shape


def test_audio_flac_and_ogg(tmp_path):
    write(tmp_path / "low" / "a.flac", tone(300))
    write(tmp_path / "low" / "b.ogg", tone(310))
    write(tmp_path / "high" / "c.flac", tone(2000))
    write(tmp_path / "high" / "d.wav", tone(2010))
    ds = load(tmp_path)
    assert ds.n_samples == 4 and ds.info["skipped"] == 0


def test_audio_mixed_rates_resampled_and_noted(tmp_path):
    write(tmp_path / "low" / "a.wav", tone(300, rate=16000), rate=16000)
    write(tmp_path / "low" / "b.wav", tone(300, rate=44100), rate=44100)
    write(tmp_path / "high" / "c.wav", tone(2000))
    write(tmp_path / "high" / "d.wav", tone(2000, rate=22050), rate=22050)
    ds = load(tmp_path)
    assert ds.sample_rate == RATE
    assert any(
        "sample rates: 8000 Hz (1), 16000 Hz (1), 22050 Hz (1), 44100 Hz (1); "
        "3 file(s) resampled to 8000 Hz" in n
        for n in ds.notes
    )
    # the same tone read at 16 and 44.1 kHz ends up with the same length at 8 kHz
    lengths = np.array([length(row) for row in ds.waveforms])
    assert np.ptp(lengths[ds.y == ds.classes.index("low")]) < 0.02 * RATE
    assert load(tmp_path, sample_rate=16000).sample_rate == 16000


def test_audio_stereo_mixed_down(tmp_path):
    two_classes(tmp_path)
    left_only = tone(300, channels=2)
    left_only[:, 1] = 0
    write(tmp_path / "low" / "stereo.wav", left_only)
    ds = load(tmp_path)
    assert any("1 file(s) with 2 or more channels mixed down to mono" in n for n in ds.notes)
    row = ds.waveforms[ds.n_samples - 1 if ds.classes[ds.y[-1]] == "low" else 0]
    assert 0.2 < np.abs(row).max() < 0.3  # the mean of a 0.5 peak and silence


BAD = {  # name: (bytes or writer, the reason counted)
    "empty": (b"", "empty file"),
    "text": (b"this is not a sound file, only words\n" * 20, "not audio"),
    "zero_length": (lambda p: write(p, np.zeros(0)), "0 samples"),
    "truncated": (
        lambda p: p.write_bytes(write(p, tone(300)).read_bytes()[:3000]),
        "truncated",
    ),
    "five_minutes": (lambda p: write(p, np.zeros(300 * RATE), subtype="PCM_U8"), "too long"),
}


def _bad_file(path, kind):
    content, reason = BAD[kind]
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        content(path)
    return reason


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_audio_file_skipped_and_counted(tmp_path, kind):
    two_classes(tmp_path)
    reason = _bad_file(tmp_path / "low" / "bad.wav", kind)
    with pytest.warns(UserWarning, match=f"skipped 1 audio file\\(s\\): 1 {reason}"):
        ds = load(tmp_path)
    assert ds.n_samples == 4 and ds.info["skipped"] == 1
    assert any("low/bad.wav" in n for n in ds.notes)
    result = inspect(tmp_path)
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("genvsdisc: warning: ")
    assert f"1 {reason}" in lines[0] and "skipped 1 audio file" in result.stdout


@pytest.mark.parametrize("kind", list(BAD))
def test_only_bad_audio_refused_in_one_line(tmp_path, kind):
    for label in ("a", "b"):
        reason = _bad_file(tmp_path / label / "bad.wav", kind)
    with pytest.raises(
        DataError, match=f"no usable audio; all 2 file\\(s\\) skipped \\(2 {reason}"
    ):
        load(tmp_path)
    result = inspect(tmp_path)
    assert result.exit_code == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("genvsdisc: error: ")
    assert "no usable audio" in lines[0] and "Traceback" not in result.output


def test_long_clip_kept_with_a_higher_limit_and_cut(tmp_path):
    two_classes(tmp_path)
    write(tmp_path / "low" / "long.wav", 0.3 * np.sin(np.arange(5 * RATE) * 0.3))
    ds = load(tmp_path, max_seconds=10, clip_seconds=1.5)
    assert ds.n_samples == 5 and ds.waveforms.shape[1] == int(1.5 * RATE)
    assert any("1 clip(s) cut to 1.5 s" in n for n in ds.notes)


def test_audio_parameters_checked(tmp_path):
    two_classes(tmp_path)
    with pytest.raises(ParameterError, match="sample_rate must be an int"):
        load(tmp_path, sample_rate=10.5)
    with pytest.raises(ParameterError, match="clip_seconds must be a number above 0"):
        load(tmp_path, clip_seconds=0)


def test_audio_parameters_refused_for_image_folders(tmp_path):
    from PIL import Image

    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        Image.fromarray(np.zeros((4, 4), dtype=np.uint8)).save(tmp_path / label / "x.png")
    with pytest.raises(ParameterError, match="are for audio folders; this one holds image"):
        load(tmp_path, sample_rate=8000)


def test_audio_majority_wins_and_other_files_noted(tmp_path):
    two_classes(tmp_path)
    (tmp_path / "low" / "readme.txt").write_text("notes")
    ds = load(tmp_path)
    assert ds.modality == "audio"
    assert any("ignored 1 file(s) that are not audio files" in n for n in ds.notes)
