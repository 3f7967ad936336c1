"""Raw-text input for vector models: a vectorizer inside the model.

scikit-learn keeps the vectorizer outside the classifier (a ``Pipeline``);
genvsdisc puts it inside so that ``make("multinomial_nb").fit(texts, y)``
works on ``bbc_news`` with no manual feature step, and so the vocabulary is
always fitted on the training text only.
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import DataError, ParameterError

__all__ = ["is_raw_text", "TextInputMixin"]


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

    def _text_features(self, X, *, fit: bool):
        if not is_raw_text(X):
            if fit:
                self.vectorizer_ = None
            return X
        docs = np.asarray(X, dtype=object)
        if fit:
            self.vectorizer_ = self._make_vectorizer()
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
