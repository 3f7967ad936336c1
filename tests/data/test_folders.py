"""Folders with one sub-folder per class: images (sizes, modes, scaling) and .txt documents."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from genvsdisc.data import load
from genvsdisc.exceptions import DataError, ParameterError


def save_image(path, array):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array.astype(np.uint8)).save(path)


def _grey(value, shape=(4, 6)):
    return np.full(shape, value, dtype=np.uint8)


def test_images_grey_scaled_and_flattened(tmp_path):
    save_image(tmp_path / "dark" / "a.png", _grey(0))
    save_image(tmp_path / "dark" / "b.bmp", _grey(51))
    save_image(tmp_path / "light" / "c.png", _grey(255))
    save_image(tmp_path / "light" / "d.png", np.arange(24, dtype=np.uint8).reshape(4, 6) * 10)
    ds = load(tmp_path)
    assert ds.modality == "image" and ds.image_shape == (4, 6) and ds.X.shape == (4, 24)
    assert ds.classes == ["dark", "light"] and ds.y.tolist() == [0, 0, 1, 1]
    np.testing.assert_allclose(ds.X[1], 0.2)
    np.testing.assert_allclose(ds.X[3].reshape(4, 6), np.arange(24).reshape(4, 6) * 10 / 255)
    assert "greyscale: 1 channel" in ds.notes
    assert (
        "images brought to 4x6 pixels (most common size 4x6, 4 of 4 images); 0 resized" in ds.notes
    )


def test_images_colour_and_most_common_size(tmp_path):
    red = np.zeros((8, 8, 3), dtype=np.uint8)
    red[..., 0] = 255
    save_image(tmp_path / "red" / "a.png", red)
    save_image(tmp_path / "red" / "b.jpg", red)
    save_image(tmp_path / "grey" / "c.png", _grey(128, (8, 8)))
    save_image(tmp_path / "grey" / "d.png", _grey(128, (16, 4)))  # odd size: resized
    ds = load(tmp_path)
    assert ds.image_shape == (8, 8, 3) and ds.X.shape == (4, 192)
    pixels = ds.X.reshape(4, 8, 8, 3)
    np.testing.assert_allclose(pixels[ds.y == ds.classes.index("red")][..., 1], 0, atol=0.02)
    np.testing.assert_allclose(pixels[ds.y == ds.classes.index("grey")], 128 / 255, atol=1e-6)
    assert "colour: 3 channels (RGB)" in ds.notes
    assert any("most common size 8x8, 3 of 4 images" in n and "1 resized" in n for n in ds.notes)


def test_images_large_shrunk_to_max_side(tmp_path):
    for label in ("a", "b"):
        for i in range(2):
            save_image(tmp_path / label / f"{i}.png", _grey(100, (200, 100)))
    ds = load(tmp_path)
    assert ds.image_shape == (64, 32)
    assert any("shrunk so no side exceeds 64" in n for n in ds.notes)
    assert load(tmp_path, image_size=(10, 12)).image_shape == (10, 12)
    assert load(tmp_path, max_side=20).image_shape == (20, 10)
    with pytest.raises(
        ParameterError, match=r"image_size must be a positive int or \(height, width\); got 0"
    ):
        load(tmp_path, image_size=0)


def test_images_sixteen_bit_palette_and_grey_rgb(tmp_path):
    (tmp_path / "a").mkdir()
    sixteen = Image.fromarray(np.full((5, 5), 65535, dtype=np.uint16))
    sixteen.save(tmp_path / "a" / "x.png")
    with Image.open(tmp_path / "a" / "x.png") as img:
        assert img.mode.startswith("I")  # 16-bit grey
    Image.fromarray(_grey(0, (5, 5))).convert("P").save(tmp_path / "a" / "p.png", transparency=0)
    save_image(tmp_path / "b" / "rgb_grey.png", np.stack([_grey(64, (5, 5))] * 3, axis=-1))
    save_image(tmp_path / "b" / "l.png", _grey(32, (5, 5)))
    ds = load(tmp_path)  # files in name order: a/p, a/x, b/l, b/rgb_grey
    assert ds.image_shape == (5, 5)  # three equal channels count as grey
    np.testing.assert_allclose(ds.X.max(axis=1), [0.0, 1.0, 32 / 255, 64 / 255], atol=1e-6)


def test_text_folder(tmp_path):
    for label, docs in {"ham": ["hello there", "see you"], "spam": ["win money", ""]}.items():
        for i, doc in enumerate(docs):
            (tmp_path / label).mkdir(exist_ok=True)
            (tmp_path / label / f"{i}.txt").write_text(doc, encoding="utf-8")
    (tmp_path / "ham" / "notes.md").write_text("not a document")
    (tmp_path / "empty").mkdir()
    ds = load(tmp_path)
    assert ds.modality == "text" and ds.X.tolist() == ["hello there", "see you", "win money", ""]
    assert ds.classes == ["ham", "spam"] and ds.feature_names == ["text"]
    assert ds.notes == [
        "ignored 1 file(s) that are not text files (e.g. ham/notes.md)",
        "left out class folder(s) with no text files: empty",
        # two-word documents: the note says text models read character n-grams
        "documents are short (median 2 word(s)): text models read character 2-4-grams "
        "instead of words",
    ]


def test_text_folder_encoding_option(tmp_path):
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        for i in range(2):
            (tmp_path / label / f"{i}.txt").write_bytes("£5".encode("cp1252"))
    with pytest.raises(DataError, match=r"0\.txt: line 1 is not valid utf-8 \(byte 0xa3\)"):
        load(tmp_path)
    assert load(tmp_path, encoding="cp1252").X[0] == "£5"


def test_folder_without_class_folders(tmp_path):
    save_image(tmp_path / "a.png", _grey(1))
    with pytest.raises(
        DataError, match=r"expected one sub-folder per class .*found no sub-folders \(1 file\(s\)\)"
    ):
        load(tmp_path)


def test_folder_without_usable_files(tmp_path):
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "data.csv").write_text("x\n1\n")
    with pytest.raises(
        DataError, match=r"no image \(.*\.png.*\) or \.txt files in its 2 class folder\(s\)"
    ):
        load(tmp_path)


def test_folder_rejects_target(tmp_path):
    for label in ("a", "b"):
        (tmp_path / label).mkdir()
        (tmp_path / label / "1.txt").write_text("x")
    with pytest.raises(ParameterError, match=r"a folder's labels are its class sub-folders"):
        load(tmp_path, target="label")
