"""The text language models (ngram_lm, transformer_lm): Kneser-Ney sums, classification, prompts."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from scipy.special import logsumexp

from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models import make
from genvsdisc.models.generative.ngram import KneserNeyLM, NGramLMClassifier
from genvsdisc.models.generative.text_lm import Vocabulary, detokenize, tokenize
from genvsdisc.models.torch.transformer_lm import TransformerLMClassifier

TOPICS = {
    "sport": "the team won the match and the coach praised the players after the goal".split(),
    "business": "the firm said shares rose as profits grew and the market rallied".split(),
}
TINY_GPT = {
    "epochs": 20,
    "batch_size": 8,
    "n_embd": 16,
    "n_head": 2,
    "n_layer": 1,
    "block_size": 12,
    "min_count": 1,
}


def _docs(n_per_topic: int, seed: int):
    rng = np.random.default_rng(seed)
    docs, labels = [], []
    for topic, words in TOPICS.items():
        for _ in range(n_per_topic):
            start = rng.integers(0, 4)
            docs.append(" ".join(words[start : start + rng.integers(6, 10)]) + ".")
            labels.append(topic)
    return np.asarray(docs, dtype=object), np.asarray(labels)


@pytest.fixture(scope="module")
def corpus():
    return _docs(30, 0), _docs(10, 1)


@pytest.fixture(scope="module")
def ngram(corpus):
    (X, y), _ = corpus
    return NGramLMClassifier(order=3, min_count=1).fit(X, y)


@pytest.fixture(scope="module")
def gpt(corpus):
    (X, y), _ = corpus
    return TransformerLMClassifier(**TINY_GPT).fit(X, y)


def test_tokenize_and_detokenize_round_trip_readably():
    text = 'He said: "we will win" (maybe), it\'s 3.5% of U.S. sales.'
    assert tokenize(text)[:5] == ["he", "said", ":", '"', "we"]
    assert detokenize(tokenize(text)) == 'he said: "we will win" (maybe), it\'s 3.5% of u.s. sales.'


def test_vocabulary_keeps_frequent_words_and_maps_the_rest_to_unk():
    vocab = Vocabulary.fit([["a", "b", "a"], ["a", "c", "b"]], min_count=2)
    assert vocab.words == ["<unk>", "</s>", "<s>", "a", "b"]
    assert vocab.encode(["a", "c", "zebra"]) == [3, 0, 0]


@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_kneser_ney_next_word_probabilities_sum_to_one(corpus, order):
    (X, y), _ = corpus
    model = NGramLMClassifier(order=order, min_count=1).fit(X, y)
    lm, vocab = model.lm_, model.vocabulary_
    for context in (["the", "team"], ["shares", "rose"], ["never", "seen"], []):
        ids = [vocab.index["<s>"]] * (order - 1) + vocab.encode(context)
        for k in range(2):
            p = lm.next_distribution(ids, k)
            assert p.sum() == pytest.approx(1.0, abs=1e-12)
            assert p[vocab.index["<s>"]] == 0 and np.all(p[np.arange(len(p)) != 2] > 0)
            # The scalar path used for scoring agrees with the full distribution.
            for w in (vocab.index["the"], vocab.index["</s>"], 0):
                assert lm.token_probs(context_ids(ids) + [w], k)[-1] == pytest.approx(p[w])


def context_ids(ids):
    """Strip leading <s> (token_probs pads them back)."""
    return [i for i in ids if i != 2]


def test_kneser_ney_discounts_follow_chen_goodman():
    # n1=4, n2=2, n3=1, n4=1 -> Y = 4/8; D1 = 1 - 2*0.5*2/4 = 0.5; D2 = 2 - 3*0.5*1/2 = 1.25;
    # D3+ = 3 - 4*0.5*1/1 = 1.0
    from genvsdisc.models.generative.ngram import _modified_kn_discounts

    D = _modified_kn_discounts([1, 1, 1, 1, 2, 2, 3, 4, 7])
    np.testing.assert_allclose(D, [0.0, 0.5, 1.25, 1.0])


def test_kneser_ney_unseen_context_backs_off_to_lower_order(corpus):
    (X, y), _ = corpus
    lm = NGramLMClassifier(order=3, min_count=1).fit(X, y).lm_
    unseen = lm.next_distribution([0, 0], 0)  # context never seen: bigram of <unk>, then unigram
    unigram = lm.next_distribution([], 0)
    np.testing.assert_allclose(unseen, unigram)


@pytest.mark.parametrize("model_name", ["ngram", "gpt"])
def test_text_model_contract(request, corpus, model_name):
    model = request.getfixturevalue(model_name)
    _, (X_test, y_test) = corpus
    proba = model.predict_proba(X_test)
    np.testing.assert_allclose(proba.sum(1), 1.0, atol=1e-9)
    joint = model.predict_joint_log_proba(X_test)
    np.testing.assert_allclose(model.score_samples(X_test), logsumexp(joint, axis=1))
    assert np.mean(model.predict(X_test) == y_test) >= 0.9


def test_ngram_doc_likelihood_is_sum_of_token_log_probs(ngram):
    doc = "the team won the match."
    vocab = ngram.vocabulary_
    ids = vocab.encode(tokenize(doc)) + [vocab.index["</s>"]]
    expected = np.log(ngram.lm_.token_probs(ids, 1)).sum() + ngram.class_log_prior_[1]
    assert ngram.predict_joint_log_proba([doc])[0, 1] == pytest.approx(expected)
    assert ngram.classes_[1] == "sport"


@pytest.mark.parametrize("model_name", ["ngram", "gpt"])
def test_sample_continues_the_prompt_in_the_class(request, model_name):
    model = request.getfixturevalue(model_name)
    texts, labels = model.sample(4, y="sport", random_state=0, prompt="The team", max_words=8)
    assert texts.shape == (4,) and list(labels) == ["sport"] * 4
    for t in texts:
        assert t.startswith("The team")
        assert "<unk>" not in t and "<s>" not in t
        assert len(tokenize(t)) <= 2 + 8


@pytest.mark.parametrize("model_name", ["ngram", "gpt"])
def test_sample_is_repeatable_with_a_seed(request, model_name):
    model = request.getfixturevalue(model_name)
    a, _ = model.sample(3, y=[0, 1, 1], random_state=3)
    b, _ = model.sample(3, y=[0, 1, 1], random_state=3)
    assert list(a) == list(b)


def test_ngram_low_temperature_picks_likely_words(ngram):
    cold, _ = ngram.sample(
        5, y="business", random_state=0, prompt="the firm", temperature=0.05, max_words=3
    )
    assert all(t.startswith("the firm said shares") for t in cold)


@pytest.mark.parametrize("model_name", ["ngram", "gpt"])
def test_top_k_one_is_greedy(request, model_name):
    model = request.getfixturevalue(model_name)
    a, _ = model.sample(3, y="sport", random_state=0, prompt="the", top_k=1, max_words=5)
    b, _ = model.sample(3, y="sport", random_state=9, prompt="the", top_k=1, max_words=5)
    assert len(set(a) | set(b)) == 1  # the single most probable word each time


@pytest.mark.parametrize("model_name", ["ngram", "gpt"])
def test_min_words_keeps_the_text_going(request, model_name):
    model = request.getfixturevalue(model_name)
    texts, _ = model.sample(5, y="business", random_state=0, min_words=15, max_words=15)
    assert all(len(tokenize(t)) == 15 for t in texts)


def test_transformer_fit_is_repeatable(corpus):
    (X, y), (X_test, _) = corpus
    a = TransformerLMClassifier(**TINY_GPT).fit(X, y).predict_joint_log_proba(X_test)
    b = TransformerLMClassifier(**TINY_GPT).fit(X, y).predict_joint_log_proba(X_test)
    np.testing.assert_array_equal(a, b)


def test_transformer_long_documents_are_scored_in_chunks(gpt):
    long_doc = " ".join(["the team won the match"] * 10)  # 50 words > block_size 12
    joint = gpt.predict_joint_log_proba([long_doc, long_doc + " and the team won"])
    assert np.all(joint[1] < joint[0])  # more tokens, lower probability


@pytest.mark.parametrize("model_name", ["ngram", "gpt"])
def test_numeric_input_is_refused(request, model_name):
    model = request.getfixturevalue(model_name)
    with pytest.raises(DataError, match=r"X \(predict\): text language models read raw text"):
        model.predict(np.zeros((2, 3)))


def test_single_string_is_refused_with_a_hint(ngram):
    with pytest.raises(DataError, match="a single string \\(wrap it in a list\\)"):
        ngram.predict("the team won")


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"prompt": 3},
            "'prompt' parameter of NGramLMClassifier.sample must be an instance of 'str'",
        ),
        ({"max_words": 0}, r"'max_words' .* must be an int in the range \[1, inf\)"),
        ({"temperature": -1}, r"'temperature' .* must be a float in the range \(0.0, 100.0\]"),
        ({"top_k": 0}, r"'top_k' .* must be an int in the range \[1, inf\) or None. Got 0"),
        ({"min_words": -1}, r"'min_words' .* must be an int in the range \[0, inf\)\. Got -1"),
        ({"y": "weather"}, "sample: unknown class 'weather'; the classes are business, sport"),
    ],
)
def test_bad_sample_arguments_are_refused(ngram, kwargs, match):
    with pytest.raises(ParameterError, match=match):
        ngram.sample(1, **kwargs)


def test_bad_constructor_parameters_are_refused(corpus):
    (X, y), _ = corpus
    with pytest.raises(
        ParameterError,
        match=r"'order' parameter of NGramLMClassifier must be an int in the range \[1, inf\)",
    ):
        NGramLMClassifier(order=0).fit(X, y)
    with pytest.raises(
        ParameterError, match=r"'min_count' .* must be an int in the range \[1, inf\)"
    ):
        NGramLMClassifier(min_count=0).fit(X, y)
    with pytest.raises(
        ParameterError, match="'n_embd' parameter .* must be a multiple of 'n_head'"
    ):
        TransformerLMClassifier(n_embd=10, n_head=3).fit(X, y)


def test_registry_builds_the_text_models():
    assert isinstance(make("ngram_lm", order=2), NGramLMClassifier)
    assert isinstance(make("transformer_lm"), TransformerLMClassifier)
    assert KneserNeyLM(2, 10, 2).order == 2


def test_ngram_module_imports_without_torch():
    # A Dask worker that unpickles an ngram_lm imports only its module; torch costs ~2 s there.
    code = "import sys, genvsdisc.models.generative.ngram; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
