"""scikit-learn's word-count vectorizers with each document tokenised once per process.

``compare`` on a text data set fits a vectorizer inside every text model at
every learning-curve size, label draw and split, and transforms the same test
documents after each fit: on ``bbc_news`` scikit-learn's ``_count_vocab``
(a regular expression over the text, then a Python loop over every token) was
more than half of the run's CPU time. :class:`CachedCountVectorizer` and
:class:`CachedTfidfVectorizer` are scikit-learn's classes with that one step
replaced: a document's token counts are computed once per analyzer setting
and kept (ids in a process-wide term table, in the order the tokens first
appear), and every later fit or transform only assembles rows from them.

The result is scikit-learn's to the bit: the vocabulary is numbered in order
of first appearance and each row's entries are put in the same order before
scikit-learn's own pruning (``min_df``, ``max_df``), sorting and tf-idf run,
so the columns, the counts and the order of the stored entries (which sets
the order of floating-point sums downstream) are the same. Custom callables
(``analyzer``, ``preprocessor``, ``tokenizer``) and file input are not cached.
"""

from __future__ import annotations

import threading
from collections import Counter

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import (
    CountVectorizer,
    TfidfVectorizer,
    _align_api_if_sparse,
)

__all__ = ["CachedCountVectorizer", "CachedTfidfVectorizer", "clear_token_cache"]

#: Stored (term id, count) pairs above which a setting's cache starts again (about
#: 8 bytes a pair): bounds a long-running server's memory.
MAX_CACHED_PAIRS = 20_000_000


class _TokenCache:
    """For one analyzer setting: the term table and every document's counts seen so far."""

    def __init__(self):
        self.lock = threading.Lock()
        self.terms: dict[str, int] = {}
        self.names: list[str] = []
        self.docs: dict = {}  # document -> (term ids in first-appearance order, counts)
        self.pairs = 0

    def rows(self, docs, analyze) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(term ids, counts)`` of each document, analysing only the ones not seen before."""
        out = [self.docs.get(d) for d in docs]
        if any(r is None for r in out):
            with self.lock:  # term ids are handed out in one order, whatever the threads
                if self.pairs > MAX_CACHED_PAIRS:
                    self.docs, self.pairs = {}, 0
                for i, d in enumerate(docs):
                    if out[i] is None:
                        out[i] = self.docs.get(d) or self._add(d, analyze)
        return out

    def _add(self, doc, analyze):
        counts = Counter(analyze(doc))  # insertion order: the order tokens first appear
        ids = np.fromiter(
            (self.terms.setdefault(t, len(self.terms)) for t in counts), np.int64, len(counts)
        )
        self.names.extend(list(self.terms)[len(self.names) :])
        row = (ids, np.fromiter(counts.values(), np.intc, len(counts)))
        self.docs[doc] = row
        self.pairs += len(ids)
        return row


_CACHES: dict = {}
_CACHES_LOCK = threading.Lock()


def clear_token_cache() -> None:
    """Forget every cached document (tests; a server that wants its memory back)."""
    with _CACHES_LOCK:
        _CACHES.clear()


def _cache_for(vectorizer) -> _TokenCache | None:
    """The cache of ``vectorizer``'s analyzer setting; None when it cannot be cached."""
    v = vectorizer
    if (
        not isinstance(v.analyzer, str)
        or v.preprocessor is not None
        or v.tokenizer is not None
        or v.input != "content"
    ):
        return None
    stop = v.stop_words
    if stop is not None and not isinstance(stop, str):
        stop = tuple(sorted(stop))
    key = (
        v.analyzer,
        v.lowercase,
        v.strip_accents,
        v.token_pattern,
        tuple(v.ngram_range),
        stop,
        v.encoding,
        v.decode_error,
    )
    with _CACHES_LOCK:
        return _CACHES.setdefault(key, _TokenCache())


class _CachedCounts:
    """``_count_vocab`` from cached token counts (module docstring); the rest is scikit-learn's."""

    def _count_vocab(self, raw_documents, fixed_vocab):
        cache = _cache_for(self)
        docs = list(raw_documents)
        if cache is None or not all(isinstance(d, str) for d in docs):
            return super()._count_vocab(docs, fixed_vocab)
        rows = cache.rows(docs, self.build_analyzer())
        ids = np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, np.int64)
        values = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, np.intc)
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum([len(r[0]) for r in rows], out=indptr[1:])
        if fixed_vocab:
            vocabulary = self.vocabulary_
            local = np.full(len(cache.names), -1, dtype=np.int64)
            known = [(cache.terms[t], j) for t, j in vocabulary.items() if t in cache.terms]
            if known:
                g, j = np.array(known).T
                local[g] = j
            j_indices = local[ids]
            keep = j_indices >= 0  # words outside the vocabulary are dropped
            indptr = np.concatenate([[0], np.cumsum(keep)])[indptr]
            j_indices, values = j_indices[keep], values[keep]
        else:
            # number the terms in order of first appearance, as scikit-learn's loop does
            used, first = np.unique(ids, return_index=True)
            order = used[np.argsort(first, kind="stable")]
            rank = np.empty(len(cache.names), dtype=np.int64)
            rank[order] = np.arange(len(order))
            j_indices = rank[ids]
            vocabulary = {cache.names[g]: i for i, g in enumerate(order.tolist())}
            if not vocabulary:
                raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        index_dtype = np.int64 if indptr[-1] > np.iinfo(np.int32).max else np.int32
        X = sp.csr_array(
            (values, j_indices.astype(index_dtype), indptr.astype(index_dtype)),
            shape=(len(rows), len(vocabulary)),
            dtype=self.dtype,
        )
        X.sort_indices()
        return vocabulary, _align_api_if_sparse(X)


class CachedCountVectorizer(_CachedCounts, CountVectorizer):
    """``sklearn.feature_extraction.text.CountVectorizer``, each document tokenised once."""


class CachedTfidfVectorizer(_CachedCounts, TfidfVectorizer):
    """``sklearn.feature_extraction.text.TfidfVectorizer``, each document tokenised once."""
