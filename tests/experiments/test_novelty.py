from collections import Counter

import numpy as np

from genvsdisc.experiments import run_experiment
from genvsdisc.experiments.novelty import ood_sets


def test_ood_sets_images(tiny_images):
    train, test = tiny_images
    sets = ood_sets(train, test, seed=0)
    assert set(sets) == {"noise", "shuffled", "inverted", "rotated"}
    assert all(X.shape == test.X.shape for X in sets.values())
    # shuffling keeps every column's values
    np.testing.assert_array_equal(np.sort(sets["shuffled"], axis=0), np.sort(test.X, axis=0))
    img = test.X[0].reshape(8, 8)
    np.testing.assert_array_equal(sets["rotated"][0].reshape(8, 8), np.rot90(img))


def test_ood_sets_text_keep_the_words(tiny_text):
    train, test = tiny_text
    sets = ood_sets(train, test, seed=0)
    words = Counter(" ".join(test.X).split())
    assert Counter(" ".join(sets["mixed_words"]).split()) == words
    assert [len(d.split()) for d in sets["mixed_words"]] == [len(d.split()) for d in test.X]


def test_novelty_auroc_noise(tiny_images, quick):
    out = run_experiment("novelty", *tiny_images, ["gaussian_nb", "logreg"], quick)
    nb = next(r for r in out.rows if r["model"] == "gaussian_nb")
    lr = next(r for r in out.rows if r["model"] == "logreg")
    assert set(nb["auroc"]) == {"log_px", "max_softmax"} and set(lr["auroc"]) == {"max_softmax"}
    assert nb["auroc"]["log_px"]["noise"] > 0.9
    assert all(f["auroc"] < 0.6 for f in out.likelihood_failures)
    assert sum(nb["hist"]["log_px"]["counts"]["test"]) == tiny_images[1].n_samples


def test_novelty_text(tiny_text, quick):
    out = run_experiment("novelty", *tiny_text, ["multinomial_nb", "logreg"], quick)
    assert out.sets == ["mixed_words", "shuffled_order"]
    nb = next(r for r in out.rows if r["model"] == "multinomial_nb")
    assert 0 <= nb["auroc"]["log_px"]["mixed_words"] <= 1
