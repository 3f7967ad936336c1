"""Get a data set ready for a comparison: drop one-row classes, bound it for
``--quick``, split it (stratified, seeded), subsample, fill the NaN already there.

:func:`prepare` is the first step of :func:`genvsdisc.experiments.runner.compare`.
"""

from __future__ import annotations

import numpy as np
from sklearn import model_selection
from sklearn.impute import SimpleImputer

from genvsdisc.data import train_test_split
from genvsdisc.data.dataset import Dataset
from genvsdisc.data.split import drop_small_classes, keep_classes
from genvsdisc.experiments.common import Settings

__all__ = ["prepare", "QUICK_MAX_CLASSES", "QUICK_MAX_FEATURES"]

#: ``--quick`` keeps the classes with the most rows, at most this many: every model's
#: cost grows with the classes (hgb fits one tree per class per round), and 200
#: classes made a "seconds" preview take minutes. (The CLI's help quotes these.)
QUICK_MAX_CLASSES = 20
#: ``--quick`` keeps at most this many table columns (a seeded random choice).
QUICK_MAX_FEATURES = 100


def _subsample(ds: Dataset, n: int | None, seed: int) -> Dataset:
    """A stratified subsample of ``n`` rows (all rows when ``n`` is None or larger)."""
    if n is None or ds.n_samples <= n:
        return ds
    rows = np.arange(ds.n_samples)
    try:
        keep = model_selection.train_test_split(
            rows, train_size=n, stratify=ds.y, random_state=seed
        )[0]
    except ValueError:  # a class too small to stratify: a plain shuffled subsample
        keep = np.random.default_rng(seed).choice(rows, size=n, replace=False)
    return ds.subset(np.sort(keep))


def _quick_bounds(ds: Dataset, seed: int) -> tuple[Dataset, list[str]]:
    """``--quick``'s bound on classes and table columns, whatever the data (rows are
    bounded by ``Settings.max_train`` / ``max_test``)."""
    notes = []
    counts = np.bincount(ds.y, minlength=len(ds.classes))
    if len(ds.classes) > QUICK_MAX_CLASSES:
        keep = np.argsort(-counts, kind="stable")[:QUICK_MAX_CLASSES]
        notes.append(
            f"--quick: compared the {QUICK_MAX_CLASSES} largest of {len(ds.classes)} classes"
        )
        ds = keep_classes(ds, keep)
    if ds.modality == "tabular" and ds.n_features > QUICK_MAX_FEATURES:
        cols = np.sort(
            np.random.default_rng(seed).choice(ds.n_features, QUICK_MAX_FEATURES, replace=False)
        )
        notes.append(
            f"--quick: used {QUICK_MAX_FEATURES} of {ds.n_features} feature columns "
            f"(a random choice, seed {seed})"
        )
        ds = ds.subset(slice(None))
        ds.X = ds.X[:, cols]
        ds.feature_names = [ds.feature_names[i] for i in cols]
    return ds, notes


def _fill_missing(train: Dataset, test: Dataset) -> tuple[Dataset, Dataset, str | None]:
    """Fill NaN already in the data with training means so every model can be fitted."""
    if train.modality in ("text", "audio"):  # audio: NaN marks a clip's end
        return train, test, None
    n_missing = int(np.isnan(train.X).sum() + np.isnan(test.X).sum())
    if not n_missing:
        return train, test, None
    imp = SimpleImputer(strategy="mean", keep_empty_features=True).fit(train.X)
    train, test = train.subset(slice(None)), test.subset(slice(None))
    train.X, test.X = imp.transform(train.X), imp.transform(test.X)
    note = (
        f"{n_missing} values were missing in the data; they were filled with the training "
        "mean before any model was fitted (the missing-features experiment removes "
        "features on purpose, after that)"
    )
    return train, test, note


def prepare(ds: Dataset, settings: Settings):
    """Split (stratified, seeded), subsample for ``--quick``, fill existing NaN.

    Returns
    -------
    train, test : Dataset
    notes : list of str
    """
    ds, notes = drop_small_classes(ds)  # a one-row class can be neither learned nor tested
    if settings.quick:
        ds, more = _quick_bounds(ds, settings.split_seed)
        notes += more
    train, test = train_test_split(
        ds, test_size=settings.test_size, random_state=settings.split_seed
    )
    sub_train = _subsample(train, settings.max_train, settings.split_seed)
    sub_test = _subsample(test, settings.max_test, settings.split_seed)
    if sub_train is not train or sub_test is not test:
        notes.append(
            f"--quick: trained on {sub_train.n_samples} of {train.n_samples} training rows "
            f"and tested on {sub_test.n_samples} of {test.n_samples} test rows"
        )
    train, test, note = _fill_missing(sub_train, sub_test)
    if note:
        notes.append(note)
    return train, test, notes
