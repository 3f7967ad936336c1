"""What the two text language models share: words, vocabulary and the text contract.

``ngram_lm`` and ``transformer_lm`` are class-conditional language models:
p(doc | y) is a product of next-word probabilities, so they classify by
Bayes' rule and generate text that continues a prompt. Both read raw
strings (one document per row), split them into lower-case words and
punctuation, and map words seen fewer than ``min_count`` times in training
to ``<unk>``. Their likelihood is exact for that token sequence: every rare
or unseen word counts as the one token ``<unk>``.
"""

from __future__ import annotations

import re
from collections import Counter
from numbers import Integral, Real

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import DataError
from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.params import POSITIVE_INT, check_arguments
from genvsdisc.models.text import is_raw_text

__all__ = ["tokenize", "detokenize", "Vocabulary", "TextLMClassifier", "BOS", "EOS", "UNK"]

BOS, EOS, UNK = "<s>", "</s>", "<unk>"

# Words (with inner apostrophes, dots and hyphens: "don't", "u.s", "e-mail", "3.5")
# or single punctuation marks.
_TOKEN = re.compile(r"[a-z0-9\u00c0-\u024f]+(?:['.\-][a-z0-9\u00c0-\u024f]+)*|[^\sa-z0-9]")
_NO_SPACE_BEFORE = set(".,;:!?)]}%'")
_NO_SPACE_AFTER = set("([{$")

#: What ``TextLMClassifier.sample`` accepts for each of its arguments.
_SAMPLE_ARGUMENTS = {
    "n_samples": POSITIVE_INT,
    "prompt": [str],
    "max_words": POSITIVE_INT,
    "min_words": [Interval(Integral, 0, None, closed="left")],
    "temperature": [Interval(Real, 0, 100, closed="right")],
    "top_k": [*POSITIVE_INT, None],
}


def tokenize(text: str) -> list[str]:
    """Lower-case words and punctuation marks of ``text``."""
    return _TOKEN.findall(text.lower())


def detokenize(tokens) -> str:
    """Join tokens into readable text (no space before ``.,;:!?)``; quotes hug their words)."""
    out: list[str] = []
    quote_open = after_open_quote = False
    for tok in tokens:
        closing = tok == '"' and quote_open
        glued = tok in _NO_SPACE_BEFORE or closing or after_open_quote
        if out and not glued and out[-1] not in _NO_SPACE_AFTER:
            out.append(" ")
        out.append(tok)
        after_open_quote = tok == '"' and not quote_open
        if tok == '"':
            quote_open = not quote_open
    return "".join(out)


class Vocabulary:
    """Word <-> id map fitted on training documents.

    Ids: 0 = ``<unk>``, 1 = ``</s>``, 2 = ``<s>``, then words by falling
    frequency (ties alphabetically, so the map is repeatable).
    """

    def __init__(self, words: list[str]):
        self.words = list(words)
        self.index = {w: i for i, w in enumerate(self.words)}

    @classmethod
    def fit(
        cls, docs_tokens, min_count: int = 2, max_size: int | None = None, weights=None
    ) -> Vocabulary:
        """``weights`` (n_docs,), optional: a document's words count that many times."""
        if weights is None:
            counts = Counter(tok for doc in docs_tokens for tok in doc)
        else:
            counts = Counter()
            for doc, w in zip(docs_tokens, weights, strict=True):
                for tok in doc:
                    counts[tok] += float(w)
        kept = sorted(
            (w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w)
        )
        if max_size is not None:
            kept = kept[: max(0, max_size - 3)]
        return cls([UNK, EOS, BOS, *kept])

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, tokens) -> list[int]:
        return [self.index.get(t, 0) for t in tokens]


class TextLMClassifier(GenerativeClassifier):
    """Base of genvsdisc's class-conditional language models (raw text in, text out).

    Subclasses fill ``_fit_weighted(docs, R)``, ``_joint_log_likelihood(docs)``
    and the two generation hooks: ``_start(prompt_ids)`` (the context a text
    starts from) and ``_next_probs(k, context)`` (p(next word | class k,
    context) over the vocabulary, shape (V,)). The sampling loop is written
    once, here.
    """

    _parameter_constraints = {"min_count": POSITIVE_INT}

    # -------------------------------------------------------------- input
    def _validate_fit_X(self, X, reset=True):
        docs = _as_docs(X, "fit")
        if reset:
            self.n_features_in_ = 1  # one raw-text column
        return docs

    def _record_feature_range(self, X, reset, weights=None):
        """Pixel ranges mean nothing for text; nothing to record."""

    def _validate_predict_X(self, X):
        check_is_fitted(self)
        return _as_docs(X, "predict")

    # ------------------------------------------------------------- sample
    def sample(
        self,
        n_samples=1,
        y=None,
        random_state=None,
        *,
        prompt="",
        max_words=60,
        min_words=0,
        temperature=1.0,
        top_k=None,
    ):
        """Generate texts that continue ``prompt``, one per row.

        With the defaults every word is drawn from the model's own
        distribution; ``min_words``, ``temperature`` < 1 and ``top_k`` trade
        that faithfulness for longer, safer, more typical texts.

        Parameters
        ----------
        n_samples : int, default=1
        y : None, label, class index or array of them
            None draws classes from the prior; otherwise the class is fixed.
        random_state : int, RandomState or None
        prompt : str, default=""
            Text to continue; it is the start of every returned text.
        max_words : int, default=60
            Most tokens generated after the prompt (fewer if the model ends the text).
        min_words : int, default=0
            The text may not end before this many tokens.
        temperature : float, default=1.0
            Divides the log-probabilities before sampling: < 1 is safer, > 1 wilder.
        top_k : int or None, default=None
            Draw each word among the ``top_k`` most probable ones only (None: all).

        Returns
        -------
        texts : ndarray (n,) of str
        y_new : ndarray (n,) of class labels
        """
        check_is_fitted(self)
        check_arguments(
            f"{type(self).__name__}.sample",
            _SAMPLE_ARGUMENTS,
            n_samples=n_samples,
            prompt=prompt,
            max_words=max_words,
            min_words=min_words,
            temperature=temperature,
            top_k=top_k,
        )
        rng = check_random_state(random_state)
        idx = self._class_indices(y, int(n_samples), rng)
        prompt_tokens = tokenize(prompt)
        texts = np.empty(len(idx), dtype=object)
        for i, k in enumerate(idx):
            new = self._generate(
                int(k), prompt_tokens, rng, max_words, min_words, temperature, top_k
            )
            texts[i] = _join_prompt(prompt, detokenize(new))
        return texts, self.classes_[idx]

    def _generate(self, k, prompt_tokens, rng, max_words, min_words, temperature, top_k):
        """Draw words one by one after the prompt until ``</s>`` or ``max_words``."""
        v = self.vocabulary_
        context = self._start(v.encode(prompt_tokens))
        new = []
        for step in range(max_words):
            p = np.array(self._next_probs(k, context), dtype=np.float64)
            p[[v.index[UNK], v.index[BOS]]] = 0.0  # never write "<unk>", never restart
            if step < min_words:
                p[v.index[EOS]] = 0.0
            w = int(rng.choice(len(p), p=_top_k(_temper(p, temperature), top_k)))
            if w == v.index[EOS]:
                break
            new.append(v.words[w])
            context.append(w)
        return new


def _temper(p: np.ndarray, temperature: float) -> np.ndarray:
    """p ** (1 / T), renormalised (zeros stay zero)."""
    if temperature == 1.0:
        return p / p.sum()
    with np.errstate(divide="ignore"):
        logp = np.log(p) / temperature
    logp -= logp.max()
    q = np.exp(logp)
    return q / q.sum()


def _top_k(p: np.ndarray, top_k: int | None) -> np.ndarray:
    """Keep the ``top_k`` largest probabilities of ``p`` (V,), renormalised; None keeps all."""
    if top_k is None or top_k >= np.count_nonzero(p):
        return p / p.sum()
    keep = np.argpartition(p, -top_k)[-top_k:]
    out = np.zeros_like(p)
    out[keep] = p[keep]
    return out / out.sum()


def _join_prompt(prompt: str, continuation: str) -> str:
    if not prompt:
        return continuation
    if not continuation or continuation[0] in _NO_SPACE_BEFORE or prompt[-1].isspace():
        return prompt + continuation
    return prompt + " " + continuation


def _as_docs(X, where: str) -> np.ndarray:
    """Raw text (list / array / Series of str) -> object array (n,)."""
    if not is_raw_text(X):
        raise DataError(
            f"X ({where}): text language models read raw text, one string per row; got "
            f"{_describe(X)}."
        )
    return np.asarray(list(getattr(X, "values", X)), dtype=object)


def _describe(X) -> str:
    if isinstance(X, str):
        return "a single string (wrap it in a list)"
    arr = np.asarray(X, dtype=object) if not hasattr(X, "shape") else X
    return f"{type(X).__name__} of shape {getattr(arr, 'shape', '?')}"
