"""The cached vectorizers give scikit-learn's matrices to the bit, vocabulary order included."""

import pickle

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from genvsdisc.models.text_counts import (
    CachedCountVectorizer,
    CachedTfidfVectorizer,
    clear_token_cache,
)

WORDS = "goal match team vote party poll law the and of a film star music tax bank".split()
WORDS += [f"word{i}" for i in range(300)]
ZIPF = 1.0 / np.arange(1, len(WORDS) + 1)


def _corpus(n, seed):
    """Documents of Zipf-distributed words, some empty, some in title case."""
    rng = np.random.RandomState(seed)
    return [
        " ".join(rng.choice(WORDS, rng.randint(0, 40), p=ZIPF / ZIPF.sum())).title()
        for _ in range(n)
    ]


def _same(a, b):
    return (
        type(a) is type(b)
        and a.shape == b.shape
        and a.dtype == b.dtype
        and np.array_equal(a.indptr, b.indptr)
        and np.array_equal(a.indices, b.indices)
        and np.array_equal(a.data, b.data)
    )


@pytest.mark.parametrize(
    "ref, ours, params",
    [
        (
            CountVectorizer,
            CachedCountVectorizer,
            {"min_df": 2, "max_df": 0.5, "stop_words": "english"},
        ),
        (CountVectorizer, CachedCountVectorizer, {"analyzer": "char_wb", "ngram_range": (2, 4)}),
        (TfidfVectorizer, CachedTfidfVectorizer, {"ngram_range": (1, 2), "sublinear_tf": True}),
        (CountVectorizer, CachedCountVectorizer, {"stop_words": ["goal", "the"], "binary": True}),
    ],
)
def test_fit_and_transform_equal_scikit_learn(ref, ours, params):
    clear_token_cache()
    test = _corpus(30, 99)
    for n, seed in [(50, 0), (8, 1), (50, 0), (120, 2)]:  # repeats read the cache
        docs = _corpus(n, seed)
        a, b = ref(**params), ours(**params)
        assert _same(a.fit_transform(docs), b.fit_transform(docs))
        assert list(a.vocabulary_.items()) == list(b.vocabulary_.items())
        assert _same(a.transform(test), b.transform(test))
    assert _same(pickle.loads(pickle.dumps(b)).transform(test), a.transform(test))


def test_errors_and_uncached_settings_as_scikit_learn():
    with pytest.raises(ValueError, match="empty vocabulary"):
        CachedCountVectorizer(stop_words="english").fit(["the and of", "a the"])
    docs = _corpus(20, 3)
    custom = CachedCountVectorizer(tokenizer=str.split, token_pattern=None).fit_transform(docs)
    assert _same(
        custom, CountVectorizer(tokenizer=str.split, token_pattern=None).fit_transform(docs)
    )
