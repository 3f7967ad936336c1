"""`genvsdisc generate` through click's runner: images, texts, tables, saved models and errors."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from genvsdisc.cli import cli
from genvsdisc.cli.generate_command import parse_params
from genvsdisc.exceptions import ParameterError

TINY_CVAE = ["--set", "epochs=2", "--set", "hidden=16", "--set", "n_importance=2"]


def run(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


@pytest.fixture
def topics(tmp_path):
    """A text folder: two topics, 20 short documents each."""
    words = {
        "sport": "the team won the match and the coach praised the players".split(),
        "business": "the firm said shares rose as profits grew on the market".split(),
    }
    rng = np.random.default_rng(0)
    for topic, vocab in words.items():
        (tmp_path / "docs" / topic).mkdir(parents=True)
        for i in range(20):
            text = " ".join(rng.choice(vocab, size=12))
            (tmp_path / "docs" / topic / f"{i}.txt").write_text(text + ".", encoding="utf-8")
    return tmp_path / "docs"


def test_generate_image_model_writes_labelled_grid(tmp_path):
    out = tmp_path / "grid.png"
    result = run(
        "generate",
        "digits",
        "--model",
        "cvae",
        "-n",
        "3",
        "--judge",
        "logreg",
        "--class",
        "3",
        "--class",
        "7",
        *TINY_CVAE,
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    assert "6 samples from cvae written to" in result.output
    assert (
        "judge logreg (accuracy" in result.output
        and "memorisation: median distance" in result.output
    )
    with Image.open(out) as image:
        assert image.format == "PNG" and image.height > 2 * 56  # two class rows


def test_generate_text_model_prints_and_writes_texts(topics, tmp_path):
    out = tmp_path / "texts.txt"
    result = run(
        "generate",
        topics,
        "--model",
        "ngram_lm",
        "--set",
        "min_count=1",
        "-n",
        "2",
        "--prompt",
        "The team",
        "--max-words",
        "6",
        "--out",
        out,
    )
    assert result.exit_code == 0, result.output
    written = out.read_text(encoding="utf-8")
    assert written.count("class: sport | judge (logreg): ") == 2
    assert written.count("\nThe team") == 4
    assert "[1] class: business" in result.output and "4 samples from ngram_lm" in result.output


def test_generate_bag_of_words_model_writes_documents(topics, tmp_path):
    # multinomial naive Bayes draws word counts: they are written (and judged) as texts
    out = tmp_path / "texts.txt"
    result = run("generate", topics, "--model", "multinomial_nb", "-n", "2", "--out", out)
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").count("| judge (logreg): ") == 4
    assert "4 samples from multinomial_nb" in result.output


def test_generate_classical_model_through_the_registry(tmp_path):
    out = tmp_path / "nb.png"
    result = run(
        "generate", "digits", "--model", "gaussian_nb", "-n", "2", "--judge", "logreg", "--out", out
    )
    assert result.exit_code == 0, result.output
    assert "20 samples from gaussian_nb" in result.output
    assert out.stat().st_size > 500


def test_generate_table_writes_csv(tmp_path):
    out = tmp_path / "iris.csv"
    result = run("generate", "iris", "--model", "gaussian_nb", "-n", "2", "--out", out)
    assert result.exit_code == 0, result.output
    lines = out.read_text().splitlines()
    assert lines[0].startswith("class,judge,") and len(lines) == 1 + 3 * 2


def test_generate_with_discriminative_model_explains_and_suggests(tmp_path):
    result = run("generate", "digits", "--model", "logreg", "--out", tmp_path / "x.png")
    assert result.exit_code == 2
    assert "genvsdisc: error: LogReg is discriminative: it learned p(y|x) only" in result.output
    assert "For image data: " in result.output and "cvae" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "x.png").exists()


def test_generate_save_then_load_gives_the_same_samples(tmp_path):
    saved = tmp_path / "cvae.safetensors"
    first = run(
        "generate",
        "digits",
        "--model",
        "cvae",
        "-n",
        "2",
        "--judge",
        "none",
        *TINY_CVAE,
        "--save",
        saved,
        "--out",
        tmp_path / "a.png",
    )
    assert first.exit_code == 0, first.output
    second = run(
        "generate",
        "digits",
        "--model",
        "cvae",
        "-n",
        "2",
        "--judge",
        "none",
        "--load",
        saved,
        "--out",
        tmp_path / "b.png",
    )
    assert second.exit_code == 0, second.output
    with Image.open(tmp_path / "a.png") as a, Image.open(tmp_path / "b.png") as b:
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (
            ["--model", "cvae", "--class", "eleven"],
            "--class eleven: unknown class; the classes are 0, 1",
        ),
        (["--model", "ngram_lm"], "--model ngram_lm: reads text data, but this data set is image"),
        (
            ["--model", "gaussian_nb", "--prompt", "hi"],
            "--prompt: only text models continue a prompt",
        ),
        (
            ["--model", "gaussian_nb", "--temperature", "0.5"],
            "--temperature: GaussianNaiveBayes has no sampling",
        ),
        (["--model", "cvae", "--set", "epochs"], "--set epochs: expected KEY=VALUE"),
        (["--model", "gaussian_nb", "--top-k", "3"], "--top-k: GaussianNaiveBayes draws no words"),
        (["--model", "cvae", "--set", "depth=3"], "model 'cvae' has no parameter 'depth'"),
        (
            ["--model", "gaussian_nb", "--device", "cuda"],
            "--device cuda: model 'gaussian_nb' is not a PyTorch",
        ),
        (
            ["--model", "cvae", "--load", "missing.safetensors"],
            "missing.safetensors: cannot read the model file",
        ),
    ],
)
def test_generate_bad_options_are_one_line_errors(tmp_path, args, match):
    result = run("generate", "digits", *args, "--judge", "none", "--out", tmp_path / "x.png")
    assert result.exit_code == 2, result.output
    assert match in result.output
    assert "Traceback" not in result.output


def test_parse_params_reads_numbers_booleans_and_tuples():
    assert parse_params(
        ["epochs=3", "lr=0.5", "verbose=false", "image_shape=8,8", "x=none", "s=abc"]
    ) == {
        "epochs": 3,
        "lr": 0.5,
        "verbose": False,
        "image_shape": (8, 8),
        "x": None,
        "s": "abc",
    }
    with pytest.raises(ParameterError, match="--set =3: expected KEY=VALUE"):
        parse_params(["=3"])


def _tone_folder(root, n=10):
    """A user audio folder: two classes of faded tones (low and high), 16-bit WAVs."""
    import soundfile as sf

    rng = np.random.default_rng(0)
    for name, low in (("low", 300), ("high", 1800)):
        (root / name).mkdir(parents=True)
        for i in range(n):
            t = np.arange(int(rng.uniform(0.3, 0.6) * 8000)) / 8000
            wave = 0.5 * np.sin(2 * np.pi * (low + rng.uniform(0, 400)) * t) * np.hanning(len(t))
            sf.write(root / name / f"{i}.wav", wave.astype(np.float32), 8000, subtype="PCM_16")
    return root


def test_generate_audio_writes_judged_wavs_and_spectrograms(tmp_path):
    import soundfile as sf

    source, out = _tone_folder(tmp_path / "tones"), tmp_path / "clips"
    result = run(
        "generate", source, "--model", "frame_gmm", "--class", "high", "-n", 3, "--out", out
    )
    assert result.exit_code == 0, result.output
    wavs = sorted(out.glob("*.wav"))
    assert [w.name for w in wavs] == ["high-1.wav", "high-2.wav", "high-3.wav"]
    for w in wavs:
        info = sf.info(w)
        assert info.samplerate == 8000 and info.subtype == "PCM_16" and info.channels == 1
    with Image.open(out / "spectrograms.png") as grid:
        assert grid.size[0] > 100
    assert "judge clip_svm" in result.output and "exact copies: 0" in result.output
    assert not list(tmp_path.glob(".*partial"))


def test_generate_audio_refuses_a_full_folder_or_a_file(tmp_path):
    source = _tone_folder(tmp_path / "tones", n=3)
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    (tmp_path / "file.wav").write_bytes(b"")
    for out, why in (("full", "folder is not empty"), ("file.wav", "is a file")):
        result = run("generate", source, "--model", "frame_gmm", "--out", tmp_path / out)
        assert result.exit_code == 2 and why in result.output and "Traceback" not in result.output
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"


def test_generate_audio_leaves_no_half_folder_when_writing_fails(tmp_path, monkeypatch):
    from genvsdisc.generation import audio_output

    def broken(result, path):
        raise OSError("disk full")

    monkeypatch.setattr(audio_output, "spectrogram_grid", broken)
    source = _tone_folder(tmp_path / "tones", n=3)
    run("generate", source, "--model", "frame_gmm", "-n", 1, "--out", tmp_path / "clips")
    assert not (tmp_path / "clips").exists() and not list(tmp_path.glob(".clips*"))
