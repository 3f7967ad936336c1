"""What the labs say about generated samples beyond the judge: diversity, memorisation, next words.

Judge agreement alone rewards bland samples (eighty near-identical blurry
digits can all be recognised), so the image lab shows two more numbers
beside it: how varied the samples of a class are compared with real images
of that class, and whether samples copy training images (the generation
core's :func:`~genvsdisc.generation.memorisation_check`, the same one
``genvsdisc generate`` reports). The text lab shows a language model's
next-word distribution for the prompt, at temperature 1 and at the chosen one.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import pdist

from genvsdisc.generation import memorisation_check
from genvsdisc.models.generative.text_lm import BOS, UNK, tokenize

# the very rule sampling uses, so the bars show what the sampler draws from
from genvsdisc.models.generative.text_lm import _temper as temper

__all__ = ["diversity", "memorisation", "next_words"]


def diversity(X_new, y_new, X_real, y_real) -> dict:
    """Mean pairwise distance of samples per class, relative to real images of that class.

    Parameters
    ----------
    X_new : ndarray (m, d)
        Generated samples; ``y_new`` (m,) their intended class indices.
    X_real : ndarray (t, d)
        Real images the model never saw; ``y_real`` (t,) their class indices.

    Returns
    -------
    dict
        ``ratio``: mean over classes of (sample spread / real spread), None when
        no class has two samples (1 ≈ as varied as real images, near 0 = copies
        of one image); ``per_class``: that ratio per class index (None where the
        class has fewer than two samples or real images).
    """
    per_class = []
    for k in range(int(max(np.max(y_new), np.max(y_real))) + 1):
        gen, real = X_new[y_new == k], X_real[y_real == k]
        if len(gen) < 2 or len(real) < 2:
            per_class.append(None)
            continue
        per_class.append(float(pdist(gen).mean() / pdist(real).mean()))
    known = [r for r in per_class if r is not None]
    return {"ratio": float(np.mean(known)) if known else None, "per_class": per_class}


def memorisation(X_new, X_train, X_test) -> dict:
    """The generation core's memorisation check, cut to what the image lab shows.

    Returns
    -------
    dict
        ``ratio`` (median nearest-training distance of the samples over that of
        real test images; well below 1 suggests copying), ``copies`` and
        ``test_copies`` (exact copies of a training image among the samples and
        among the real test images), ``copying`` (Fisher's test, p < 0.05) and
        ``copy_p_value``.
    """
    check = memorisation_check(X_new, X_train, X_test)
    keys = ("ratio", "copies", "test_copies", "copying", "copy_p_value")
    return {key: check[key] for key in keys}


def next_words(model, k: int, prompt: str, temperature: float, top: int = 10) -> list[dict]:
    """The ``top`` most probable next words, and the rest, after ``prompt`` for class index ``k``.

    Uses the two generation hooks every genvsdisc text language model has
    (``_start`` and ``_next_probs``, see ``TextLMClassifier``), and hides the
    words sampling never writes (``<unk>`` and ``<s>``), exactly as sampling does.

    Returns
    -------
    list of dict
        Per word, most probable first at temperature 1: ``word`` (``</s>`` is
        "end of text"), ``p`` (at temperature 1) and ``p_t`` (at ``temperature``);
        one more entry with ``word`` None holds every other word's probability together.
    """
    vocab = model.vocabulary_
    context = model._start(vocab.encode(tokenize(prompt)))
    p = np.array(model._next_probs(k, context), dtype=np.float64)
    p[[vocab.index[UNK], vocab.index[BOS]]] = 0.0
    p /= p.sum()
    q = temper(p, temperature)
    order = np.argsort(-p, kind="stable")[:top]

    def entry(word, p_1, p_t):
        return {"word": word, "p": round(float(p_1), 4), "p_t": round(float(p_t), 4)}

    words = [entry(vocab.words[i], p[i], q[i]) for i in order]
    # where a high temperature moves the probability: to the thousands of other words
    return [*words, entry(None, 1 - p[order].sum(), 1 - q[order].sum())]
