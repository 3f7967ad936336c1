"""Drawing samples: model set-up, class names, options per model, text as documents."""

from __future__ import annotations

import numpy as np
import pytest

from genvsdisc.exceptions import ParameterError
from genvsdisc.generation import build_model, class_indices, draw


def test_build_model_seeds_and_keeps_given_params():
    model = build_model("gmm", seed=3, params={"n_components": 2})
    assert model.random_state == 3 and model.n_components == 2
    assert build_model("gmm", seed=3, params={"random_state": 7}).random_state == 7


def test_build_model_cuda_for_a_non_torch_model_is_an_error():
    with pytest.raises(ParameterError, match="--device cuda: model 'gaussian_nb' is not a PyTorch"):
        build_model("gaussian_nb", seed=0, device="cuda")


def test_class_indices_by_name_and_unknown_class():
    assert class_indices(["a", "b", "c"], None) == [0, 1, 2]
    assert class_indices(["a", "b", "c"], ["c", "a"]) == [2, 0]
    with pytest.raises(ParameterError, match="--class d: unknown class; the classes are a, b, c"):
        class_indices(["a", "b", "c"], ["d"])


def test_draw_images_per_class_clipped_and_seeded(digits_split):
    train, _ = digits_split
    model = build_model("gaussian_nb", seed=0).fit(train.X, train.y)
    wanted = np.repeat([3, 7], 4)
    samples = draw(model, wanted, seed=1, modality="image", clip=True)
    assert samples.X.shape == (8, 64) and samples.y.tolist() == wanted.tolist()
    assert train.X.min() <= samples.X.min() and samples.X.max() <= train.X.max()
    again = draw(model, wanted, seed=1, modality="image", clip=True)
    np.testing.assert_array_equal(samples.X, again.X)
    assert not samples.bag_of_words


@pytest.mark.parametrize(
    ("option", "match"),
    [
        ({"prompt": "hi"}, "--prompt: only text models continue a prompt"),
        ({"temperature": 0.5}, "--temperature: GaussianNaiveBayes has no sampling temperature"),
        ({"top_k": 3}, "--top-k: GaussianNaiveBayes draws no words"),
    ],
)
def test_draw_text_options_for_a_vector_model_are_errors(iris_split, option, match):
    train, _ = iris_split
    model = build_model("gaussian_nb", seed=0).fit(train.X, train.y)
    with pytest.raises(ParameterError, match=match):
        draw(model, [0], seed=0, modality="tabular", **option)


def test_draw_text_continues_the_prompt(topics_split):
    train, _ = topics_split
    model = build_model("ngram_lm", seed=0, params={"min_count": 1}).fit(train.X, train.y)
    samples = draw(model, [0, 1], seed=0, modality="text", prompt="The team", max_words=5)
    assert all(str(doc).startswith("The team") for doc in samples.X)
    assert all(len(str(doc).split()) <= 2 + 5 for doc in samples.X)
    assert not samples.bag_of_words


def test_draw_bag_of_words_model_gives_documents(topics_split):
    train, _ = topics_split
    model = build_model("multinomial_nb", seed=0).fit(train.X, train.y)
    samples = draw(model, [0, 0, 1], seed=0, modality="text")
    assert samples.bag_of_words and samples.X.shape == (3,)
    assert all(isinstance(doc, str) and doc for doc in samples.X)
    assert set(" ".join(samples.X).split()) <= set(" ".join(train.X).split())
