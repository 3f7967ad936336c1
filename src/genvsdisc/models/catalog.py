"""Every genvsdisc model as one row of data: name, class path and capabilities.

This table is the registry's only source. It imports no model module, so
``genvsdisc models``, :func:`~genvsdisc.models.available` and
:func:`~genvsdisc.models.get_spec` never load PyTorch;
:func:`~genvsdisc.models.make` imports only the module of the model it
builds. ``tests/models/test_registry.py`` checks every row against its class
(family, ``handles_missing``, ``partial_fit``, EM, saving), so the table
cannot drift from the code. A new model adds one row here.
"""

from __future__ import annotations

from genvsdisc.models.spec import ModelSpec

__all__ = ["CATALOG"]

_GEN = "genvsdisc.models.generative"
_DISC = "genvsdisc.models.discriminative"
_TORCH = "genvsdisc.models.torch"

#: Every model, in the order ``available()`` lists them (generative first).
CATALOG: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="gaussian_nb",
        estimator=f"{_GEN}.naive_bayes:GaussianNaiveBayes",
        family="generative",
        modalities=("tabular", "image"),
        likelihood="exact",
        description="Gaussian naive Bayes: one independent normal per feature and class.",
        handles_missing=True,
        semi_supervised=True,
        partial_fit=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="bernoulli_nb",
        estimator=f"{_GEN}.naive_bayes:BernoulliNaiveBayes",
        family="generative",
        modalities=("tabular", "image"),
        likelihood="exact",
        description="Bernoulli naive Bayes: binarized features (pixels on/off), independent per class.",
        handles_missing=True,
        semi_supervised=True,
        partial_fit=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="multinomial_nb",
        estimator=f"{_GEN}.multinomial:MultinomialNaiveBayes",
        family="generative",
        modalities=("tabular", "image", "text"),
        likelihood="exact",
        description="Multinomial naive Bayes: word counts per class; takes raw text.",
        handles_missing=True,
        semi_supervised=True,
        partial_fit=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="lda",
        estimator=f"{_GEN}.gaussian:LinearDiscriminant",
        family="generative",
        modalities=("tabular", "image"),
        likelihood="exact",
        description="Gaussian per class with one shared, shrunk covariance (linear boundaries).",
        handles_missing=True,
        semi_supervised=True,
        partial_fit=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="qda",
        estimator=f"{_GEN}.gaussian:QuadraticDiscriminant",
        family="generative",
        modalities=("tabular", "image"),
        likelihood="exact",
        description="Gaussian per class, each with its own covariance, Ledoit-Wolf shrunk.",
        handles_missing=True,
        semi_supervised=True,
        partial_fit=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="gmm",
        estimator=f"{_GEN}.mixture:ClassMixture",
        family="generative",
        modalities=("tabular", "image"),
        likelihood="exact",
        description="Gaussian mixture per class (components settable or chosen by BIC).",
        handles_missing=True,
        semi_supervised=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="kde",
        estimator=f"{_GEN}.kde:ClassKernelDensity",
        family="generative",
        modalities=("tabular", "image"),
        likelihood="exact",
        description="Gaussian kernel density per class, bandwidth by cross-validated likelihood.",
        handles_missing=True,
        sample_weight=True,
    ),
    ModelSpec(
        name="ngram_lm",
        estimator=f"{_GEN}.ngram:NGramLMClassifier",
        family="generative",
        modalities=("text",),
        likelihood="exact",
        description="class-conditional word n-gram language model, Kneser-Ney smoothed; continues prompts",
        saveable=True,
        test_params={"order": 2, "min_count": 1},
        sample_weight=True,
    ),
    ModelSpec(
        name="cvae",
        estimator=f"{_TORCH}.vae:CVAEClassifier",
        family="generative",
        modalities=("image",),
        likelihood="bound",
        description="class-conditional VAE (PyTorch); Bayes' rule on an importance-weighted bound",
        handles_missing=True,
        deep=True,
        saveable=True,
        test_params={"epochs": 1, "hidden": 8, "latent_dim": 2, "n_importance": 4},
    ),
    ModelSpec(
        name="diffusion",
        estimator=f"{_TORCH}.diffusion:DiffusionClassifier",
        family="generative",
        modalities=("image",),
        likelihood="unnormalised",
        description="class-conditional diffusion model (PyTorch) with classifier-free guidance; "
        "classifies by denoising error",
        deep=True,
        saveable=True,
        test_params={"epochs": 1, "hidden": 8, "n_blocks": 1, "sample_steps": 4, "n_trials": 2},
    ),
    ModelSpec(
        name="transformer_lm",
        estimator=f"{_TORCH}.transformer_lm:TransformerLMClassifier",
        family="generative",
        modalities=("text",),
        likelihood="exact",
        description="tiny decoder-only transformer (PyTorch) with a class token; continues prompts",
        deep=True,
        saveable=True,
        test_params={"epochs": 1, "n_embd": 8, "n_head": 2, "n_layer": 1, "block_size": 8},
    ),
    ModelSpec(
        name="logreg",
        estimator=f"{_DISC}.linear:LogReg",
        family="discriminative",
        modalities=("tabular", "image", "text"),
        likelihood="none",
        description="logistic regression; C by cross-validated log-loss; TF-IDF for text",
        test_params={"Cs": (0.1, 1.0, 10.0), "cv": 3},
        sample_weight=True,
    ),
    ModelSpec(
        name="linear_svm",
        estimator=f"{_DISC}.linear:LinearSVM",
        family="discriminative",
        modalities=("tabular", "image", "text"),
        likelihood="none",
        description="linear SVM with Platt-calibrated probabilities; TF-IDF for text",
        sample_weight=True,
    ),
    ModelSpec(
        name="mlp",
        estimator=f"{_DISC}.mlp:MLP",
        family="discriminative",
        modalities=("tabular", "image"),
        likelihood="none",
        description="multi-layer perceptron (one hidden ReLU layer of 100, Adam)",
        test_params={"hidden_layer_sizes": (10,), "max_iter": 300},
        sample_weight=True,
    ),
    ModelSpec(
        name="hgb",
        estimator=f"{_DISC}.boosting:HGB",
        family="discriminative",
        modalities=("tabular", "image"),
        likelihood="none",
        description="histogram gradient-boosted trees; handles NaN natively",
        handles_missing=True,
        test_params={"max_iter": 10},
        sample_weight=True,
    ),
    ModelSpec(
        name="knn",
        estimator=f"{_DISC}.neighbors:KNN",
        family="discriminative",
        modalities=("tabular", "image"),
        likelihood="none",
        description="k-nearest neighbours (k=5, Euclidean)",
    ),
    ModelSpec(
        name="cnn",
        estimator=f"{_TORCH}.cnn:CNNClassifier",
        family="discriminative",
        modalities=("image",),
        likelihood="none",
        description="small convolutional network (PyTorch); the default judge of generated images",
        deep=True,
        saveable=True,
        test_params={"epochs": 1, "channels": 4, "hidden": 8, "batch_size": 16},
    ),
)
