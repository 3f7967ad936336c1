"""Raw-text input for vector models: a vectorizer inside the model.

scikit-learn keeps the vectorizer outside the classifier (a ``Pipeline``);
genvsdisc puts it inside so that ``make("multinomial_nb").fit(texts, y)``
works on ``bbc_news`` with no manual feature step, and so the vocabulary is
always fitted on the training text only.

``partial_fit`` cannot fit a vocabulary: the first chunk would freeze it and
every later word would be dropped. Streams of raw text are therefore read by
scikit-learn's ``HashingVectorizer`` (``alternate_sign=False``, so counts stay
non-negative for multinomial naive Bayes): each word lands in one of
:data:`HASHED_FEATURES` columns whatever chunk it first appears in.
"""

from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import DataError, ParameterError

__all__ = [
    "is_raw_text",
    "TextInputMixin",
    "SHORT_DOCUMENT_WORDS",
    "CHAR_NGRAMS",
    "HASHED_FEATURES",
    "median_words",
    "text_features_note",
]

#: Documents whose median length is at most this many words are "short": word counts
#: see one or two tokens, mostly unseen at test time, so text models read character
#: n-grams instead (single words in five languages: every word-count model at chance,
#: character n-grams well above it).
SHORT_DOCUMENT_WORDS = 2
#: Character n-gram lengths for short documents (scikit-learn's ``char_wb``: n-grams
#: inside word boundaries, padded with spaces, so prefixes and suffixes count).
CHAR_NGRAMS = (2, 4)
#: Columns of the hashed word counts that ``partial_fit`` reads raw text into (2**18:
#: few collisions for tens of thousands of distinct words, and a (classes, columns)
#: table of word counts that stays a few megabytes).
HASHED_FEATURES = 2**18


def median_words(docs) -> float:
    """Median number of whitespace-separated words per document."""
    lengths = [len(str(d).split()) for d in docs]
    return float(np.median(lengths)) if lengths else 0.0


def text_features_note(docs) -> str | None:
    """One sentence when short documents make text models read character n-grams, else None."""
    words = median_words(docs)
    if words > SHORT_DOCUMENT_WORDS:
        return None
    lo, hi = CHAR_NGRAMS
    return (
        f"documents are short (median {words:g} word(s)): text models read character "
        f"{lo}-{hi}-grams instead of words"
    )


def is_raw_text(X) -> bool:
    """True when ``X`` is a 1-D sequence of strings (one document per row)."""
    if isinstance(X, str):
        return False
    if isinstance(X, (list, tuple)):
        return len(X) > 0 and all(isinstance(v, str) for v in X)
    arr = getattr(X, "values", X)  # pandas Series
    return (
        isinstance(arr, np.ndarray)
        and arr.ndim == 1
        and arr.dtype.kind in "OUS"
        and len(arr) > 0
        and all(isinstance(v, str) for v in arr)
    )


class TextInputMixin:
    """Mixin for models that also accept raw strings.

    The model defines ``_make_vectorizer()`` returning an unfitted
    scikit-learn vectorizer. ``_text_features(X, fit=...)`` returns a sparse
    (n, vocabulary) matrix for text input and leaves other input unchanged.
    """

    def _make_vectorizer(self):  # pragma: no cover - each model defines it
        raise NotImplementedError

    def _vectorizer_for(self, docs):
        """The model's vectorizer, switched to character n-grams for short documents
        (:data:`SHORT_DOCUMENT_WORDS`); the choice is kept in ``text_features_``."""
        vec = self._make_vectorizer()
        if median_words(docs) <= SHORT_DOCUMENT_WORDS:
            # stop words and word-level limits mean nothing for character n-grams
            vec.set_params(analyzer="char_wb", ngram_range=CHAR_NGRAMS, stop_words=None)
            self.text_features_ = "character {}-{}-grams".format(*CHAR_NGRAMS)
        else:
            self.text_features_ = "words"
        return vec

    def _stream_vectorizer(self):
        """Hashed word counts for ``partial_fit``: no vocabulary to freeze (module docstring).

        The word-level choices of ``_make_vectorizer`` (stop words, case) carry
        over; the whole-corpus ones (``min_df``, ``max_df``, character n-grams for
        short documents) cannot be made from a stream and are not applied.
        """
        vec = self._make_vectorizer()
        self.text_features_ = f"hashed words ({HASHED_FEATURES} columns)"
        return HashingVectorizer(
            n_features=HASHED_FEATURES,
            alternate_sign=False,
            norm=None,
            stop_words=vec.stop_words,
            lowercase=vec.lowercase,
        )

    def _text_features(self, X, *, fit: bool, stream: bool = False):
        """Sparse counts (n, vocabulary) for raw text, ``X`` unchanged otherwise.

        ``fit``: fit the vectorizer (a new model). ``stream``: called by
        ``partial_fit``, whose text goes through :meth:`_stream_vectorizer`.
        """
        if not is_raw_text(X):
            if fit:
                self.vectorizer_ = None
            return X
        docs = np.asarray(X, dtype=object)
        if fit and stream:
            self.vectorizer_ = self._stream_vectorizer()
            return self.vectorizer_.transform(docs)
        if stream and not isinstance(getattr(self, "vectorizer_", None), HashingVectorizer):
            raise ParameterError(
                f"{type(self).__name__}.partial_fit got raw text after fit fixed its "
                "vocabulary, which would drop every new word; fit again, or start with "
                "partial_fit, which reads text as hashed words."
            )
        if fit:
            self.vectorizer_ = self._vectorizer_for(docs)
            try:
                return self.vectorizer_.fit_transform(docs)
            except ValueError as err:  # every word pruned, or min_df/max_df contradict
                raise DataError(
                    f"{type(self).__name__}: no vocabulary left from {len(docs)} training "
                    f"documents ({err}); lower 'min_df' or raise 'max_df'."
                ) from err
        check_is_fitted(self)
        if getattr(self, "vectorizer_", None) is None:
            raise ParameterError(
                f"{type(self).__name__} was fitted on numeric features; got raw text at "
                "predict time."
            )
        return self.vectorizer_.transform(docs)
