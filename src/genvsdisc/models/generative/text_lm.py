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

import numbers
import re
from collections import Counter

import numpy as np
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.base import GenerativeClassifier
from genvsdisc.models.text import is_raw_text

__all__ = ["tokenize", "detokenize", "Vocabulary", "TextLMClassifier", "BOS", "EOS", "UNK"]

BOS, EOS, UNK = "<s>", "</s>", "<unk>"

# Words (with inner apostrophes, dots and hyphens: "don't", "u.s", "e-mail", "3.5")
# or single punctuation marks.
_TOKEN = re.compile(r"[a-z0-9\u00c0-\u024f]+(?:['.\-][a-z0-9\u00c0-\u024f]+)*|[^\sa-z0-9]")
_NO_SPACE_BEFORE = set(".,;:!?)]}%'")
_NO_SPACE_AFTER = set("([{$")


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
    def fit(cls, docs_tokens, min_count: int = 2, max_size: int | None = None) -> Vocabulary:
        counts = Counter(tok for doc in docs_tokens for tok in doc)
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
    and ``_generate(k, prompt_tokens, max_words, temperature, rng)``.
    """

    _handles_missing = False

    # -------------------------------------------------------------- input
    def _validate_fit_X(self, X, reset=True):
        docs = _as_docs(X, "fit")
        if reset:
            self.n_features_in_ = 1  # one raw-text column
        return docs

    def _record_feature_range(self, X, reset):
        """Pixel ranges mean nothing for text; nothing to record."""

    def _validate_predict_X(self, X):
        check_is_fitted(self)
        return _as_docs(X, "predict")

    def _check_min_count(self) -> int:
        m = self.min_count
        if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < 1:
            raise ParameterError(
                f"The 'min_count' parameter of {type(self).__name__} must be an int >= 1. "
                f"Got {m!r} instead."
            )
        return int(m)

    # ------------------------------------------------------------- sample
    def sample(
        self, n_samples=1, y=None, random_state=None, *, prompt="", max_words=60, temperature=1.0
    ):
        """Generate texts that continue ``prompt``, one per row.

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
        temperature : float, default=1.0
            Divides the log-probabilities before sampling: < 1 is safer, > 1 wilder.

        Returns
        -------
        texts : ndarray (n,) of str
        y_new : ndarray (n,) of class labels
        """
        check_is_fitted(self)
        if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
            raise ParameterError(
                f"sample: n_samples must be a positive integer. Got {n_samples!r} instead."
            )
        if not isinstance(prompt, str):
            raise ParameterError(f"sample: prompt must be a str. Got {type(prompt).__name__}.")
        if (
            isinstance(max_words, bool)
            or not isinstance(max_words, numbers.Integral)
            or max_words < 1
        ):
            raise ParameterError(f"sample: max_words must be an int >= 1. Got {max_words!r}.")
        if not isinstance(temperature, numbers.Real) or not 0 < temperature <= 100:
            raise ParameterError(
                f"sample: temperature must be a float in (0, 100]. Got {temperature!r}."
            )
        rng = check_random_state(random_state)
        idx = self._class_indices(y, int(n_samples), rng)
        prompt_tokens = tokenize(prompt)
        texts = np.empty(len(idx), dtype=object)
        for i, k in enumerate(idx):
            new = self._generate(int(k), prompt_tokens, int(max_words), float(temperature), rng)
            texts[i] = _join_prompt(prompt, detokenize(new))
        return texts, self.classes_[idx]


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
