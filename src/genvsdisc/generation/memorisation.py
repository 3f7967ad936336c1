"""Are samples copies of training rows? Nearest-training-row distances, against real test rows."""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

__all__ = ["memorisation_check", "text_memorisation_check", "check_memorisation"]


def memorisation_check(samples, X_train, X_test) -> dict:
    """Each sample's distance to its nearest training row, against the test rows' distances.

    Parameters
    ----------
    samples : array-like (m, d)
    X_train : array-like (n, d)
    X_test : array-like (t, d)
        Real rows the model never saw: their distances to the training rows are
        the yardstick of "as close as a new real example".

    Returns
    -------
    dict
        ``sample_median`` and ``test_median`` nearest-training distances,
        ``ratio`` (sample / test median; well below 1 suggests copying),
        ``closer_than_test_p5`` (share of samples nearer to a training row than
        95 % of test rows are; about 0.05 when nothing is copied) and
        ``copies`` (samples at distance ~0 from a training row).
    """
    nn = NearestNeighbors(n_neighbors=1).fit(X_train)
    d_sample = nn.kneighbors(samples)[0][:, 0]
    d_test = nn.kneighbors(X_test)[0][:, 0]
    p5 = float(np.percentile(d_test, 5))
    scale = float(np.median(d_test)) or 1.0
    return {
        "sample_median": float(np.median(d_sample)),
        "test_median": float(np.median(d_test)),
        "ratio": float(np.median(d_sample) / scale),
        "closer_than_test_p5": float(np.mean(d_sample < p5)),
        "copies": int(np.sum(d_sample < 1e-9 * max(scale, 1.0))),
    }


def text_memorisation_check(samples, train_docs, test_docs) -> dict:
    """:func:`memorisation_check` for documents (m,), (n,), (t,): on word counts over the
    training side's vocabulary, L2-normalised so document length does not dominate."""
    vectorizer = CountVectorizer().fit(np.asarray(train_docs, dtype=object))

    def counts(docs):
        return normalize(vectorizer.transform(np.asarray(docs, dtype=object)))

    return memorisation_check(counts(samples), counts(train_docs), counts(test_docs))


def check_memorisation(samples, train, test) -> dict:
    """The memorisation check that fits the data: documents for text, rows otherwise.

    ``samples`` are (m, d) rows or (m,) documents; ``train`` and ``test`` are Datasets.
    """
    check = text_memorisation_check if train.modality == "text" else memorisation_check
    return check(samples, train.X, test.X)
