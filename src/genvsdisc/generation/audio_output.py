"""Generated clips as files: one WAV per sample and a spectrogram grid, in one folder.

``genvsdisc generate`` of an audio set writes a folder::

    <out>/<class>-<i>.wav      8 kHz, 16-bit PCM mono (soundfile)
    <out>/spectrograms.png     one row per class, each clip's log-mel picture
                               labelled with the judge's verdict

The folder is built under a temporary name beside ``<out>`` and renamed into
place, so an interrupted run leaves no half-written folder.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import numpy as np

from genvsdisc.data.audio_io import SAMPLE_RATE
from genvsdisc.exceptions import ParameterError
from genvsdisc.generation.sound import frames_to_audio, log_mel, wav_bytes

__all__ = ["write_audio", "check_out_folder", "spectrogram_grid", "GRID_NAME", "MAX_GRID_CLIPS"]

#: The spectrogram picture's name inside the output folder.
GRID_NAME = "spectrograms.png"
#: Clips per class drawn in the grid (all are written as WAV files).
MAX_GRID_CLIPS = 8


def check_out_folder(path, option: str = "--out") -> None:
    """An output folder: not a file, empty if it exists, its parent exists and is writable.

    Raises
    ------
    ParameterError
        One line naming the path and what is wrong with it.
    """
    from genvsdisc.outputs import check_out_file

    path = Path(path)
    if path.is_file():
        raise ParameterError(f"{option} {path}: is a file; audio samples go into a folder")
    if path.is_dir() and any(path.iterdir()):
        raise ParameterError(f"{option} {path}: folder is not empty; name a new or empty folder")
    # the parent must take the temporary folder and the rename
    check_out_file(path.absolute().parent / f".{path.name}.probe", option)


def _stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "class"


def spectrogram_grid(result, path: Path) -> None:
    """PNG of the clips' log-mel spectrograms: a row per class, at most
    :data:`MAX_GRID_CLIPS` per row, each titled with the judge's verdict
    (green: the intended class, red: another)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    c = result.frame_shape[1] if result.frame_shape else 13
    rows = list(dict.fromkeys(result.intended.tolist()))
    per = min(MAX_GRID_CLIPS, max(int(np.sum(result.intended == k)) for k in rows))
    fig, axes = plt.subplots(
        len(rows), per, figsize=(1.6 * per + 0.8, 1.5 * len(rows) + 0.6), squeeze=False
    )
    for r, k in enumerate(rows):
        for j in range(per):
            ax = axes[r, j]
            ax.set_xticks([])
            ax.set_yticks([])
            idx = np.flatnonzero(result.intended == k)
            if j >= len(idx):
                ax.axis("off")
                continue
            i = idx[j]
            ax.imshow(log_mel(result.samples[i], c), origin="lower", aspect="auto", cmap="magma")
            if j == 0:
                ax.set_ylabel(result.classes[k], fontsize=9)
            if result.judged is not None:
                ok = result.judged[i] == k
                seen = result.classes[int(result.judged[i])]
                ax.set_title(
                    ("ok " if ok else "") + seen, fontsize=8, color="green" if ok else "red"
                )
    head = f"{result.model} on {result.dataset}: log-mel of the MFCCs drawn"
    if getattr(result, "temperature", 1.0) != 1.0:  # not the model's own distribution
        head += f" at temperature {result.temperature:g}"
    if result.judge:
        head += f" - judge {result.judge}: {100 * result.agreement:.0f}% as intended"
    # wrapped to the figure's width: a grid of two or three clips is narrower than the line
    fig.suptitle(textwrap.fill(head, width=max(30, int(13 * fig.get_figwidth()))), fontsize=9)
    fig.tight_layout()
    fig.savefig(path, format="png", dpi=80)
    plt.close(fig)


def write_audio(result, folder) -> Path:
    """Write every sample as ``<class>-<i>.wav`` and the grid :data:`GRID_NAME` into ``folder``.

    Each clip is the MFCC inversion of its frames
    (:func:`~genvsdisc.generation.sound.frames_to_audio`, seeded by the run's
    seed and the clip's number), 16-bit PCM at the data's rate (8 kHz).
    Returns the folder.
    """
    folder = Path(folder)
    tmp = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    rate = int(result.sample_rate or SAMPLE_RATE)
    c = result.frame_shape[1] if result.frame_shape else 13
    try:
        tmp.mkdir()
        for i, row in enumerate(result.samples):
            name = f"{_stem(result.classes[int(result.intended[i])])}-{i + 1}.wav"
            wave = frames_to_audio(row, c, rate, seed=result.seed + i)
            (tmp / name).write_bytes(wav_bytes(wave, rate))
        spectrogram_grid(result, tmp / GRID_NAME)
        if folder.is_dir():
            folder.rmdir()  # empty (checked before the run)
        tmp.replace(folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return folder
