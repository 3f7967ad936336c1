"""Generated samples as files: a labelled image grid, texts with verdicts, WAVs, or a CSV."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageDraw, ImageFont

from genvsdisc.exceptions import ParameterError
from genvsdisc.generation.run import GenerationResult

__all__ = ["save_image_grid", "format_texts", "write_samples", "MAX_GRID_COLUMNS", "samples_file"]

#: Samples per class shown in an image grid. More are drawn into ``<out>.npy`` beside
#: the grid instead: 10,000 columns make a PNG nobody can open (and gigabytes to build).
MAX_GRID_COLUMNS = 32


def save_image_grid(result: GenerationResult, path, *, cell: int = 56) -> Path:
    """PNG of image samples: one row per class, each labelled with the judge's verdict.

    A green verdict means the judge saw the intended class, red that it saw another.
    """
    if result.modality != "image" or result.image_shape is None:
        raise ParameterError(
            f"an image grid needs image data; {result.dataset} is {result.modality}."
        )
    h, w = result.image_shape[:2]
    c = result.image_shape[2] if len(result.image_shape) > 2 else 1
    scale = max(1, cell // max(h, w))
    rows = list(dict.fromkeys(result.intended.tolist()))
    n_cols = min(MAX_GRID_COLUMNS, max(int(np.sum(result.intended == k)) for k in rows))
    font = ImageFont.load_default(size=12)
    label_w, cap_h, pad = 90, 16, 4
    cw, ch = w * scale + pad, h * scale + cap_h + pad
    head = f"{result.model} on {result.dataset}"
    if result.judge:
        head += f" - judge {result.judge}: {100 * result.agreement:.0f}% as intended"
    width = max(label_w + n_cols * cw, int(font.getlength(head)) + 8)
    canvas = Image.new("RGB", (width, 22 + len(rows) * ch), "white")
    draw = ImageDraw.Draw(canvas)
    draw.text((4, 4), head, fill="black", font=font)
    for r, k in enumerate(rows):
        y0 = 22 + r * ch
        draw.text(
            (4, y0 + h * scale // 2 - 6), _short(result.classes[k], 13), fill="black", font=font
        )
        for j, i in enumerate(np.flatnonzero(result.intended == k)[:n_cols]):
            x0 = label_w + j * cw
            pix = np.clip(result.samples[i].reshape(h, w, c), 0, 1)
            img = Image.fromarray((255 * (1 - pix[..., 0] if c == 1 else pix)).astype(np.uint8))
            canvas.paste(img.resize((w * scale, h * scale), Image.NEAREST), (x0, y0))
            if result.judged is not None:
                ok = result.judged[i] == k
                verdict = ("ok " if ok else "") + _short(result.classes[result.judged[i]], 8)
                colour = (0, 128, 0) if ok else (200, 0, 0)
                draw.text((x0, y0 + h * scale + 1), verdict, font=font, fill=colour)
    path = Path(path)
    _atomic(path, lambda tmp: canvas.save(tmp, format="PNG"))
    return path


def samples_file(path) -> Path:
    """Where all image samples go when the grid shows only :data:`MAX_GRID_COLUMNS` per class."""
    path = Path(path)
    return path.with_name(path.stem + ".samples.npy")


def _save_npy(path: Path, array: np.ndarray) -> None:
    with open(path, "wb") as f:  # a file object: np.save would add ".npy" to a name
        np.save(f, array)


def _atomic(path: Path, write) -> None:
    """``write(tmp)`` beside ``path``, then rename: an interrupted run leaves no half file."""
    tmp = path.with_name(f".{path.name}.partial")
    try:
        write(tmp)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "."


def format_texts(result: GenerationResult) -> str:
    """Generated texts, each under a header with its class and the judge's verdict."""
    blocks = []
    for i, text in enumerate(result.samples):
        k = int(result.intended[i])
        head = f"[{i + 1}] class: {result.classes[k]}"
        if result.judged is not None:
            seen = result.classes[int(result.judged[i])]
            head += f" | judge ({result.judge}): {seen} " + (
                "(agrees)" if seen == result.classes[k] else "(DISAGREES)"
            )
        blocks.append(f"{head}\n{text}\n")
    return "\n".join(blocks)


def write_samples(result: GenerationResult, path) -> Path:
    """Write the samples where they belong: PNG for images, text file for texts, a folder
    of WAV files and a spectrogram grid for audio
    (:func:`~genvsdisc.generation.audio_output.write_audio`), CSV otherwise.

    Images beyond :data:`MAX_GRID_COLUMNS` per class are left out of the grid and all
    samples are also written to :func:`samples_file`, shape (classes, n, h, w[, c]).
    Every file is written under a temporary name and renamed into place.
    """
    path = Path(path)
    if result.modality == "audio":
        from genvsdisc.generation.audio_output import write_audio  # loads librosa late

        return write_audio(result, path)
    if result.modality == "image" and result.image_shape is not None:
        per_class = max(np.bincount(result.intended))
        if per_class > MAX_GRID_COLUMNS:
            drawn = list(dict.fromkeys(result.intended.tolist()))
            cube = np.stack([result.samples[result.intended == k] for k in drawn])
            cube = cube.reshape(len(drawn), -1, *result.image_shape).astype(np.float32)
            _atomic(samples_file(path), lambda tmp: _save_npy(tmp, cube))
        return save_image_grid(result, path)
    if result.modality == "text":
        _atomic(path, lambda tmp: tmp.write_text(format_texts(result), encoding="utf-8"))
        return path
    frame = pd.DataFrame(result.samples)
    frame.insert(0, "class", [result.classes[k] for k in result.intended])
    if result.judged is not None:
        frame.insert(1, "judge", [result.classes[k] for k in result.judged])
    _atomic(path, lambda tmp: frame.to_csv(tmp, index=False))
    return path
