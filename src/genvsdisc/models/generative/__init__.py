"""Generative models: p(x | y) p(y), classified by Bayes' rule, able to sample.

One module per family, each listed in :mod:`genvsdisc.models.catalog` (which
names the classes without importing them, so importing this package pulls
in neither the families nor PyTorch):

classical, on vectors (scikit-learn fits, generative half by hand)
    :mod:`.naive_bayes` (``gaussian_nb``, ``bernoulli_nb``, ``multinomial_nb``,
    which also takes raw text), :mod:`.gaussian` (``lda``, ``qda``),
    :mod:`.mixture` (``gmm``), :mod:`.kde` (``kde``);
text (raw strings)
    :mod:`.ngram` (``ngram_lm``); the PyTorch artists (``cvae``, ``diffusion``,
    ``transformer_lm``) live in :mod:`genvsdisc.models.torch`.
"""
