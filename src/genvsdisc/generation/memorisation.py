"""Are samples copies of training rows? Nearest-training-row distances, against real test rows."""

from __future__ import annotations

import numpy as np
from scipy.stats import fisher_exact
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import normalize

__all__ = ["memorisation_check", "text_memorisation_check", "check_memorisation"]


# A sample "copies" a training row when its nearest-row distance is this small
# relative to a typical fresh test row's distance (floating-point noise, not shape).
_COPY_TOLERANCE = 1e-9
# The copy test fires below this one-sided p-value.
_COPY_ALPHA = 0.05


def memorisation_check(samples, X_train, X_test) -> dict:
    """Each sample's distance to its nearest training row, against the test rows' distances.

    Two questions, because real test rows can themselves repeat training rows
    (a corpus that holds an article twice): are there more *exact copies* of
    training rows among the samples than among real test rows, and are the
    other samples unusually close? The yardstick for "close" is taken from the
    test rows that are not copies, so repeated rows cannot pull it to zero.

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
        ``sample_median``: median nearest-training distance of all samples;
        ``test_median`` and ``test_p5``: median and 5th percentile over the test
        rows that are not exact copies (0.0 when every test row is one);
        ``ratio`` (sample / test median; well below 1 suggests copying);
        ``closer_than_test_p5`` (share of samples nearer to a training row than
        95 % of non-copy test rows are; about 0.05 when nothing is copied);
        ``copies`` and ``test_copies`` (exact copies of a training row, distance
        ~0, among samples and test rows); ``sample_copy_rate`` and
        ``test_copy_rate`` (the same as shares); ``copy_p_value`` (Fisher's exact
        test, one-sided: samples copy more often than real test rows repeat);
        ``copying`` (True when that p-value is below 0.05).
    """
    nn = NearestNeighbors(n_neighbors=1).fit(X_train)
    d_sample = _nearest_distance(nn, samples, X_train)
    d_test = _nearest_distance(nn, X_test, X_train)
    # the scale of "exactly the same row": relative to the typical distance, so
    # it works for pixels in [0, 1] and for raw measurements alike
    positive = d_test[d_test > 0]
    tol = _COPY_TOLERANCE * max(float(np.median(positive)) if positive.size else 1.0, 1.0)
    test_copy = d_test <= tol
    fresh = d_test[~test_copy]  # the yardstick: real rows that are not copies
    p5 = float(np.percentile(fresh, 5)) if fresh.size else 0.0
    test_median = float(np.median(fresh)) if fresh.size else 0.0
    copies, test_copies = int(np.sum(d_sample <= tol)), int(np.sum(test_copy))
    m, t = len(d_sample), len(d_test)
    # scipy's exact test on the 2x2 table; no approximation needed at these counts
    p_value = float(
        fisher_exact(
            [[copies, m - copies], [test_copies, t - test_copies]], alternative="greater"
        ).pvalue
    )
    return {
        "sample_median": float(np.median(d_sample)),
        "test_median": test_median,
        "test_p5": p5,
        "ratio": float(np.median(d_sample) / (test_median or 1.0)),
        "closer_than_test_p5": float(np.mean(d_sample < p5)),
        "copies": copies,
        "test_copies": test_copies,
        "sample_copy_rate": copies / m,
        "test_copy_rate": test_copies / t,
        "copy_p_value": p_value,
        "copying": bool(p_value < _COPY_ALPHA),
    }


def _nearest_distance(nn, A, X_train) -> np.ndarray:
    """Distance of each row of ``A`` to its nearest training row, (len(A),).

    The neighbour comes from ``nn``; its distance is computed again directly,
    because scikit-learn's fast Euclidean distance (via dot products) leaves
    about 1e-6 of rounding error on an identical row of many features, more
    than the copy tolerance.
    """
    idx = nn.kneighbors(A, return_distance=False)[:, 0]
    diff = A - X_train[idx]
    if hasattr(diff, "multiply"):  # sparse rows (documents)
        return np.sqrt(np.asarray(diff.multiply(diff).sum(axis=1)).ravel())
    return np.sqrt(np.sum(np.asarray(diff, dtype=np.float64) ** 2, axis=1))


def text_memorisation_check(samples, train_docs, test_docs) -> dict:
    """:func:`memorisation_check` for documents (m,), (n,), (t,): on word counts over the
    training side's vocabulary, L2-normalised so document length does not dominate."""
    vectorizer = CountVectorizer().fit(np.asarray(train_docs, dtype=object))

    def counts(docs):
        return normalize(vectorizer.transform(np.asarray(docs, dtype=object)))

    return memorisation_check(counts(samples), counts(train_docs), counts(test_docs))


def check_memorisation(samples, train, test) -> dict:
    """The memorisation check that fits the data: documents for text, clip summaries for
    audio (:func:`~genvsdisc.generation.sound.clip_memorisation_check`), rows otherwise.

    ``samples`` are (m, d) rows or (m,) documents; ``train`` and ``test`` are Datasets.
    """
    if train.modality == "audio":
        from genvsdisc.generation.sound import clip_memorisation_check  # loads librosa late

        frame_size = train.frame_shape[1] if train.frame_shape else 13
        return clip_memorisation_check(samples, train.X, test.X, frame_size)
    check = text_memorisation_check if train.modality == "text" else memorisation_check
    return check(samples, train.X, test.X)
