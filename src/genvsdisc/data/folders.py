"""Folders with one sub-folder per class, holding images, .txt documents or audio files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from genvsdisc.data._checks import encode_labels, warn
from genvsdisc.data._read import MAX_FILE_BYTES, decode_text, read_bytes
from genvsdisc.data.audio_folders import AUDIO_SUFFIXES
from genvsdisc.data.dataset import Dataset
from genvsdisc.data.images import load_images
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["IMAGE_SUFFIXES", "load_folder", "scan_folder"]

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
TEXT_SUFFIXES = {".txt"}


def _visible(paths):
    return sorted(p for p in paths if not p.name.startswith("."))


def scan_folder(path: Path) -> tuple[str, dict[str, list[Path]], list[str]]:
    """Find the class folders and decide whether they hold images, text or audio.

    Returns
    -------
    modality : {"image", "text", "audio"}
        Whichever kind of file is in the majority.
    files : dict of class name to list of Path
        Only classes with at least one file of that kind, sorted.
    notes : list of str
        Files and class folders left out, and why.
    """
    subfolders = [p for p in _visible(path.iterdir()) if p.is_dir()]
    if not subfolders:
        found = len([p for p in _visible(path.iterdir()) if p.is_file()])
        raise DataError(
            f"{path}: expected one sub-folder per class holding images, .txt or audio files; "
            f"found no sub-folders ({found} file(s))"
        )
    listing = {d.name: [p for p in _visible(d.iterdir()) if p.is_file()] for d in subfolders}
    deeper = [
        f"{d.name}/{p.name}/" for d in subfolders for p in _visible(d.iterdir()) if p.is_dir()
    ]
    all_files = [p for files in listing.values() for p in files]
    n_image = sum(p.suffix.lower() in IMAGE_SUFFIXES for p in all_files)
    n_text = sum(p.suffix.lower() in TEXT_SUFFIXES for p in all_files)
    n_audio = sum(p.suffix.lower() in AUDIO_SUFFIXES for p in all_files)
    if n_image == 0 and n_text == 0 and n_audio == 0:
        raise DataError(
            f"{path}: no image ({', '.join(sorted(IMAGE_SUFFIXES))}), audio "
            f"({', '.join(sorted(AUDIO_SUFFIXES))}) or .txt files in its {len(subfolders)} "
            "class folder(s)"
        )
    # whichever kind is in the majority (images win ties, then text)
    modality, suffixes = max(
        [
            ("image", IMAGE_SUFFIXES, n_image),
            ("text", TEXT_SUFFIXES, n_text),
            ("audio", AUDIO_SUFFIXES, n_audio),
        ],
        key=lambda kind: kind[2],
    )[:2]
    files = {c: [p for p in fs if p.suffix.lower() in suffixes] for c, fs in listing.items()}
    notes = []
    if deeper:
        nested = sum(1 for d in deeper for p in (path / d).rglob("*") if p.is_file())
        message = (
            f"{path}: ignored {nested} file(s) in {len(deeper)} folder(s) below the class "
            f"folders (e.g. {', '.join(deeper[:3])}); each class's files must sit directly in "
            "its folder"
        )
        warn(message)
        notes.append(message)
    other = [
        f"{c}/{p.name}" for c, fs in listing.items() for p in fs if p.suffix.lower() not in suffixes
    ]
    if other:
        notes.append(
            f"ignored {len(other)} file(s) that are not {modality} files (e.g. {', '.join(other[:3])})"
        )
    empty = [c for c, fs in files.items() if not fs]
    if empty:
        notes.append(f"left out class folder(s) with no {modality} files: {', '.join(empty)}")
    files = {c: fs for c, fs in files.items() if fs}
    if len(files) < 2:
        raise DataError(
            f"{path}: one class folder ('{next(iter(files))}') holds {modality} files; "
            "expected at least 2 sub-folders, one per class"
        )
    return modality, files, notes


def _load_text(path: Path, files, notes, *, encoding: str, max_bytes: int) -> Dataset:
    texts, labels = [], []
    for label, paths in files.items():
        for p in paths:
            raw = read_bytes(p, max_bytes=max_bytes)
            texts.append(decode_text(raw, where=str(p), encoding=encoding))
            labels.append(label)
    y, classes = encode_labels(labels, where=str(path), what="class folders", notes=notes)
    X = np.empty(len(texts), dtype=object)
    X[:] = texts
    return Dataset(
        name=path.name,
        X=X,
        y=y,
        classes=classes,
        modality="text",
        feature_names=["text"],
        description=f"{path.name}: {len(y)} .txt documents in {len(classes)} class folders",
        notes=notes,
        info={"source": str(path), "kinds": {"text": 1}, "missing": {}},
    )


def load_folder(
    path: Path,
    *,
    encoding: str = "utf-8",
    image_size=None,
    max_side: int = 64,
    max_bytes: int = MAX_FILE_BYTES,
    **audio,
):
    """Load a class-per-sub-folder directory of images, .txt files or audio files.

    Parameters
    ----------
    path : Path
    encoding : str, default "utf-8"
        For .txt files.
    image_size : int or (height, width), optional
        Size every image is brought to; default the most common size, shrunk (keeping
        its aspect ratio) so neither side exceeds ``max_side``.
    max_side : int, default 64
    max_bytes : int, default 2 GiB
        Largest single file read.
    **audio
        For audio folders: ``sample_rate`` (8000), ``clip_seconds`` (2.0),
        ``max_seconds`` (60.0); see :mod:`genvsdisc.data.audio_folders`.

    Returns
    -------
    Dataset
        ``image``: X (n, h*w) or (n, h*w*3) float64 in [0, 1]; ``text``: X (n,) of str;
        ``audio``: X (n, T*13) MFCC frames with ``waveforms``.
    """
    modality, files, notes = scan_folder(path)
    if modality == "audio":
        from genvsdisc.data.audio_folders import load_audio

        return load_audio(path, files, notes, max_bytes=max_bytes, **audio)
    if audio:
        raise ParameterError(
            f"{path}: {', '.join(sorted(audio))} are for audio folders; this one holds {modality} files"
        )
    if modality == "text":
        return _load_text(path, files, notes, encoding=encoding, max_bytes=max_bytes)
    return load_images(path, files, notes, image_size=image_size, max_side=max_side)
