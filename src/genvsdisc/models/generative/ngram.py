"""``ngram_lm``: one word n-gram language model per class, Kneser-Ney smoothed.

p(doc | y) = prod_i p_y(w_i | w_{i-n+1} ... w_{i-1}), each class with its own
counts; the document starts with n-1 ``<s>`` and ends with ``</s>``.
Smoothing is interpolated modified Kneser-Ney (Chen & Goodman 1998): at each
order the counts are discounted by D1, D2 or D3+ (estimated from that
order's counts of counts), the mass freed goes to the next lower order, whose
counts are *continuation* counts (in how many distinct contexts a word
follows), down to a uniform distribution over the vocabulary. So every
word of the vocabulary has a probability and, for any context, the
probabilities sum to one.

Written by hand: no maintained library for class-conditional Kneser-Ney
models is available offline (NLTK's ``lm`` is not installed and is slow).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from genvsdisc.exceptions import ParameterError
from genvsdisc.models.generative.text_lm import (
    BOS,
    EOS,
    TextLMClassifier,
    Vocabulary,
    tokenize,
)
from genvsdisc.models.params import POSITIVE_INT

__all__ = ["KneserNeyLM", "NGramLMClassifier"]


class KneserNeyLM:
    """Interpolated modified Kneser-Ney models of K classes over word ids ``0 .. V-1``.

    The classes share one index of contexts, so a document's contexts are
    looked up once and every class then scores it with array operations.

    Parameters
    ----------
    order : int
        n of the n-grams (1 = unigram).
    vocab_size : int
        V, including ``<s>`` (id ``bos``), which is never predicted.
    bos : int
        Id of ``<s>``.

    Attributes (after :meth:`fit`)
    ------------------------------
    contexts : list of dict
        ``contexts[m]`` maps a context of m ids to its row in the arrays below.
    keys, counts : list (K) of list (order) of ndarray
        Sorted ``context_row * V + word`` and its count: raw counts at the top
        order, continuation counts (distinct left neighbours) below it.
    totals, masses : list (K) of list (order) of ndarray
        Per context row: total count, and the discounted mass passed down.
    discounts : ndarray (K, order, 4)
        D(c) for c = 0, 1, 2, 3+ per class and order (D(0) = 0).
    """

    def __init__(self, order: int, vocab_size: int, bos: int):
        self.order, self.vocab_size, self.bos = order, vocab_size, bos

    # ---------------------------------------------------------------- fit
    def fit(self, docs_ids, y_idx, n_classes: int) -> KneserNeyLM:
        """Count n-grams per class; each document is a list of ids ending in ``</s>``."""
        n = self.order
        grams = []
        for k in range(n_classes):
            top: Counter = Counter()
            for i in np.flatnonzero(np.asarray(y_idx) == k):
                padded = [self.bos] * (n - 1) + list(docs_ids[i])
                top.update(tuple(padded[j : j + n]) for j in range(len(padded) - n + 1))
            per_order = {n: top}
            for m in range(n - 1, 0, -1):  # continuation counts: distinct left extensions
                per_order[m] = Counter(g[1:] for g in per_order[m + 1])
            grams.append(per_order)
        return self._from_grams(grams)

    def _from_grams(self, grams: list[dict]) -> KneserNeyLM:
        """Build the arrays from ``grams[k][m]`` = Counter(m-gram tuple -> count)."""
        V, K = self.vocab_size, len(grams)
        self.contexts = []
        for m in range(1, self.order + 1):
            ctxs = sorted({g[:-1] for per in grams for g in per[m]})
            self.contexts.append({c: i for i, c in enumerate(ctxs)})
        self.keys = [[None] * self.order for _ in range(K)]
        self.counts = [[None] * self.order for _ in range(K)]
        self.totals = [[None] * self.order for _ in range(K)]
        self.masses = [[None] * self.order for _ in range(K)]
        self.discounts = np.zeros((K, self.order, 4))
        for k, per in enumerate(grams):
            for m in range(self.order):
                index, counter = self.contexts[m], per[m + 1]
                rows = np.fromiter((index[g[:-1]] for g in counter), np.int64, len(counter))
                words = np.fromiter((g[-1] for g in counter), np.int64, len(counter))
                counts = np.fromiter(counter.values(), np.float64, len(counter))
                keys = rows * V + words
                order = np.argsort(keys)
                D = self.discounts[k, m] = _modified_kn_discounts(counts)
                self.keys[k][m], self.counts[k][m] = keys[order], counts[order]
                self.totals[k][m] = np.bincount(rows, counts, minlength=len(index))
                self.masses[k][m] = np.bincount(
                    rows, D[np.minimum(counts, 3).astype(int)], minlength=len(index)
                )
        return self

    # ------------------------------------------------------------ predict
    def _context_rows(self, padded: list[int]) -> list[np.ndarray]:
        """Row of the context of every predicted position, per order (-1 = unseen)."""
        n, L = self.order, len(padded) - self.order + 1
        out = []
        for m in range(n):
            index = self.contexts[m]
            out.append(
                np.fromiter(
                    (index.get(tuple(padded[i + n - 1 - m : i + n - 1]), -1) for i in range(L)),
                    np.int64,
                    L,
                )
            )
        return out

    def token_probs(self, ids, k: int) -> np.ndarray:
        """p(w_i | previous order-1 ids) under class ``k`` for each id, shape (len(ids),)."""
        padded = [self.bos] * (self.order - 1) + list(ids)
        return self._probs(self._context_rows(padded), np.asarray(ids, dtype=np.int64), k)

    def _probs(self, rows: list[np.ndarray], words: np.ndarray, k: int) -> np.ndarray:
        p = np.full(len(words), 1.0 / (self.vocab_size - 1))  # uniform over all ids but <s>
        for m in range(self.order):
            r = rows[m]
            total = np.where(r >= 0, self.totals[k][m][np.maximum(r, 0)], 0.0)
            seen = total > 0  # unseen context: keep the lower-order estimate
            c = self._lookup(k, m, np.maximum(r, 0) * self.vocab_size + words) * seen
            D = self.discounts[k, m][np.minimum(c, 3).astype(int)]
            mass = self.masses[k][m][np.maximum(r, 0)]
            p = np.where(seen, (np.maximum(c - D, 0.0) + mass * p) / np.where(seen, total, 1), p)
        return p

    def _lookup(self, k: int, m: int, keys: np.ndarray) -> np.ndarray:
        table = self.keys[k][m]
        pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        return np.where(table[pos] == keys, self.counts[k][m][pos], 0.0)

    def log_prob_docs(self, ids) -> np.ndarray:
        """log p(ids | class) for every class, shape (K,); ``ids`` should end with ``</s>``."""
        padded = [self.bos] * (self.order - 1) + list(ids)
        rows, words = self._context_rows(padded), np.asarray(ids, dtype=np.int64)
        return np.array([np.log(self._probs(rows, words, k)).sum() for k in range(len(self.keys))])

    def next_distribution(self, context, k: int) -> np.ndarray:
        """p(. | context) under class ``k`` over every id, shape (V,); sums to one."""
        V = self.vocab_size
        p = np.full(V, 1.0 / (V - 1))
        p[self.bos] = 0.0
        ctx_full = tuple(context)[len(context) - (self.order - 1) :] if self.order > 1 else ()
        for m in range(self.order):
            r = self.contexts[m].get(ctx_full[len(ctx_full) - m :] if m else (), -1)
            if r < 0 or self.totals[k][m][r] == 0:
                continue
            table = self.keys[k][m]
            lo, hi = np.searchsorted(table, [r * V, (r + 1) * V])
            counts = self.counts[k][m][lo:hi]
            D = self.discounts[k, m][np.minimum(counts, 3).astype(int)]
            total = self.totals[k][m][r]
            p *= self.masses[k][m][r] / total
            p[table[lo:hi] - r * V] += np.maximum(counts - D, 0.0) / total
        return p

    # ----------------------------------------------------- save as arrays
    def to_arrays(self) -> list[list[np.ndarray]]:
        """Per class and order m: int64 array (rows, m + 2) of context ids, word id, count."""
        out = []
        for k in range(len(self.keys)):
            per = []
            for m in range(self.order):
                ctxs = list(self.contexts[m])  # row -> context, in row order
                rows, words = np.divmod(self.keys[k][m], self.vocab_size)
                ctx_ids = np.asarray([ctxs[r] for r in rows], dtype=np.int64).reshape(len(rows), m)
                per.append(np.column_stack([ctx_ids, words, self.counts[k][m].astype(np.int64)]))
            out.append(per)
        return out

    @classmethod
    def from_arrays(cls, arrays, vocab_size: int, bos: int) -> KneserNeyLM:
        lm = cls(len(arrays[0]), vocab_size, bos)
        grams = [
            {m + 1: Counter({tuple(r[:-1]): r[-1] for r in a.tolist()}) for m, a in enumerate(per)}
            for per in arrays
        ]
        return lm._from_grams(grams)


def _modified_kn_discounts(counts) -> np.ndarray:
    """D(0..3+) from counts of counts n1..n4 (Chen & Goodman 1998, eq. 26).

    Falls back to a single discount of 0.75 when the counts of counts are too
    few to estimate (tiny training sets). Every D(c) stays within [0.1, c]:
    a discount of zero would leave no mass for unseen words in some
    contexts, and their probability would be zero.
    """
    cc = Counter(min(int(c), 5) for c in counts)
    n1, n2, n3, n4 = (cc.get(i, 0) for i in (1, 2, 3, 4))
    if min(n1, n2, n3, n4) == 0:
        return np.array([0.0, 0.75, 0.75, 0.75])
    Y = n1 / (n1 + 2 * n2)
    D = np.array([0.0, 1 - 2 * Y * n2 / n1, 2 - 3 * Y * n3 / n2, 3 - 4 * Y * n4 / n3])
    return np.clip(D, [0.0, 0.1, 0.1, 0.1], [0.0, 1.0, 2.0, 3.0])


class NGramLMClassifier(TextLMClassifier):
    """Class-conditional word n-gram language model with Kneser-Ney smoothing.

    A generative classifier for raw text: ``predict_joint_log_proba`` is
    log p(doc | y) + log p(y), exact for the token sequence (rare words
    share ``<unk>``); ``sample`` continues a prompt in the chosen class.

    Parameters
    ----------
    order : int, default=3
        n of the n-grams.
    min_count : int, default=2
        Words seen fewer times in training become ``<unk>``.
    priors : array-like (K,) or None, default=None
        Class probabilities p(y), in the order of ``classes_``; None learns
        them from the (weighted) class shares.

    Attributes
    ----------
    lm_ : KneserNeyLM
        The n-gram counts and discounts of every class.
    vocabulary_ : Vocabulary
    class_count_ : ndarray (K,)
        Weighted number of training documents of each class.
    class_prior_, class_log_prior_ : ndarray (K,)
        p(y) and log p(y): ``priors`` when given, else the class shares.
    classes_ : ndarray (K,)

    Notes
    -----
    ``sample_weight`` must hold whole numbers: Kneser-Ney discounts are
    estimated from counts of counts, so a document of weight 3 counts exactly
    as three copies of it, and a weight of 0.5 has no meaning.

    Examples
    --------
    >>> docs = ["the match ended in a draw", "shares fell on the market",
    ...         "the team won the match", "the market rallied as shares rose"]
    >>> lm = NGramLMClassifier(min_count=1).fit(docs, ["sport", "business"] * 2)
    >>> list(lm.predict(["the team drew the match"]))
    ['sport']
    """

    supports_sample_weight = True
    _parameter_constraints = {
        **TextLMClassifier._parameter_constraints,
        "order": POSITIVE_INT,
        "priors": ["array-like", None],
    }

    def __init__(self, *, order=3, min_count=2, priors=None):
        self.order = order
        self.min_count = min_count
        self.priors = priors

    def _fit_weighted(self, docs, R):
        """Count n-grams per class; ``R`` (n, K) is one-hot times whole row weights (no EM)."""
        copies = R.sum(1)
        if not np.array_equal(copies, np.round(copies)):
            bad = copies[copies != np.round(copies)][0]
            raise ParameterError(
                "sample_weight of ngram_lm must hold whole numbers (a weight of 3 counts the "
                f"document 3 times: Kneser-Ney counts need whole counts); got {bad:g}."
            )
        copies = copies.astype(int)
        docs = np.repeat(np.asarray(docs, dtype=object), copies)
        tokens = [tokenize(d) for d in docs]
        self.vocabulary_ = Vocabulary.fit(tokens, min_count=self.min_count)
        counts = R.sum(0)
        self._set_class_prior(counts, learned_log_prior=np.log(counts / counts.sum()))
        y_idx = np.repeat(R.argmax(1), copies)
        ids = [self.vocabulary_.encode(t) + [self.vocabulary_.index[EOS]] for t in tokens]
        bos = self.vocabulary_.index[BOS]
        self.lm_ = KneserNeyLM(self.order, len(self.vocabulary_), bos).fit(ids, y_idx, R.shape[1])

    def _joint_log_likelihood(self, docs):
        """log p(doc, y=k) for every document and class, shape (n, K)."""
        eos = self.vocabulary_.index[EOS]
        out = np.empty((len(docs), len(self.classes_)))
        for i, doc in enumerate(docs):
            out[i] = self.lm_.log_prob_docs(self.vocabulary_.encode(tokenize(doc)) + [eos])
        return out + self.class_log_prior_

    def _start(self, prompt_ids):
        return [self.vocabulary_.index[BOS]] * (self.lm_.order - 1) + list(prompt_ids)

    def _next_probs(self, k, context):
        return self.lm_.next_distribution(context, k)

    # -------------------------------------------------- save / load hooks
    def _export_state(self):
        """The n-gram counts as int64 tensors, for :func:`~genvsdisc.models.torch.save_model`."""
        import torch  # only to save: the model itself needs no torch (Dask workers start faster)

        tensors = {
            f"ngram.{k}.{m}": torch.from_numpy(np.ascontiguousarray(a))
            for k, per in enumerate(self.lm_.to_arrays())
            for m, a in enumerate(per)
        }
        return tensors, {"vocabulary": self.vocabulary_.words}

    def _import_state(self, tensors, extras):
        self.vocabulary_ = Vocabulary(extras["vocabulary"])
        order, V, bos = int(self.order), len(self.vocabulary_), self.vocabulary_.index[BOS]
        arrays = [
            [tensors[f"ngram.{k}.{m}"].numpy() for m in range(order)]
            for k in range(len(self.classes_))
        ]
        self.lm_ = KneserNeyLM.from_arrays(arrays, V, bos)
