"""The audio rows of the model catalog (see :mod:`genvsdisc.models.catalog`).

Rows of NaN-padded MFCC frames (:mod:`genvsdisc.data.audio`): the classic
speech models on frames, the clip-summary detectives and the PyTorch image
models on log-mel images. Like the main table, it imports no model module.
"""

from __future__ import annotations

from genvsdisc.models.spec import ModelSpec

__all__ = ["AUDIO_CATALOG"]

_TORCH = "genvsdisc.models.torch"
_AUDIO = "genvsdisc.models.audio"

#: Audio models, in the order ``available()`` lists them after the others.
AUDIO_CATALOG: tuple[ModelSpec, ...] = (
    ModelSpec(
        name="hmm",
        boundary="flexible",
        estimator=f"{_AUDIO}.hmm:ClassHMM",
        family="generative",
        modalities=("audio",),
        likelihood="exact",
        description="Gaussian HMM per class on MFCC frames (left-right, 9 states); "
        "the classic speech recogniser",
        handles_missing=True,
        semi_supervised=True,
        sample_weight=True,
        test_params={"frame_size": 1, "n_states": 2, "n_iter": 3, "em_max_iter": 2},
    ),
    ModelSpec(
        name="gmm_hmm",
        boundary="flexible",
        estimator=f"{_AUDIO}.hmm:ClassGMMHMM",
        family="generative",
        modalities=("audio",),
        likelihood="exact",
        description="GMM-HMM per class on MFCC frames (left-right, 9 states of 4 Gaussians each)",
        handles_missing=True,
        semi_supervised=True,
        sample_weight=True,
        test_params={"frame_size": 1, "n_states": 2, "n_mix": 2, "n_iter": 3, "em_max_iter": 2},
    ),
    ModelSpec(
        name="frame_gmm",
        boundary="flexible",
        estimator=f"{_AUDIO}.frame_gmm:FrameMixture",
        family="generative",
        modalities=("audio",),
        likelihood="exact",
        description="Gaussian mixture per class on single frames (bag of frames: order ignored)",
        handles_missing=True,
        semi_supervised=True,
        sample_weight=True,
        test_params={"frame_size": 1, "n_components": 2, "em_max_iter": 2},
    ),
    ModelSpec(
        name="clip_logreg",
        boundary="linear",
        estimator=f"{_AUDIO}.detectives:ClipLogReg",
        family="discriminative",
        modalities=("audio",),
        likelihood="none",
        description="logistic regression on fixed-length clip summaries (MFCC means over "
        "stretches, spread, deltas, length)",
        test_params={"frame_size": 1, "Cs": (0.1, 1.0, 10.0), "cv": 3},
        sample_weight=True,
    ),
    ModelSpec(
        name="clip_knn",
        boundary="flexible",
        estimator=f"{_AUDIO}.detectives:ClipKNN",
        family="discriminative",
        modalities=("audio",),
        likelihood="none",
        description="k-nearest neighbours on standardised clip summaries",
        test_params={"frame_size": 1},
    ),
    ModelSpec(
        name="clip_mlp",
        boundary="flexible",
        estimator=f"{_AUDIO}.detectives:ClipMLP",
        family="discriminative",
        modalities=("audio",),
        likelihood="none",
        description="one-hidden-layer network on standardised clip summaries",
        test_params={"frame_size": 1, "hidden_layer_sizes": (10,), "max_iter": 300},
        sample_weight=True,
    ),
    ModelSpec(
        name="clip_svm",
        boundary="flexible",
        estimator=f"{_AUDIO}.detectives:ClipSVM",
        family="discriminative",
        modalities=("audio",),
        likelihood="none",
        description="RBF support-vector machine on standardised clip summaries (Platt "
        "probabilities)",
        test_params={"frame_size": 1},
        sample_weight=True,
    ),
    # ---- audio, deep: the torch image models on log-mel images of the MFCC frames
    ModelSpec(
        name="audio_cvae",
        boundary="flexible",
        estimator=f"{_TORCH}.audio_generators:AudioCVAE",
        family="generative",
        modalities=("audio",),
        likelihood="bound",
        description="class-conditional VAE (PyTorch) on log-mel spectrograms of the MFCC "
        "frames; samples become sound by Griffin-Lim",
        handles_missing=True,
        deep=True,
        test_params={
            "frame_size": 1,
            "n_mels": 2,
            "epochs": 1,
            "hidden": 8,
            "latent_dim": 2,
            "n_importance": 4,
        },
        sample_weight=True,
        saveable=True,
    ),
    ModelSpec(
        name="audio_diffusion",
        boundary="flexible",
        estimator=f"{_TORCH}.audio_generators:AudioDiffusion",
        family="generative",
        modalities=("audio",),
        likelihood="unnormalised",
        description="class-conditional diffusion model (PyTorch) on log-mel spectrograms; "
        "classifies by denoising error",
        fills_missing="interpolate",
        deep=True,
        test_params={
            "frame_size": 1,
            "n_mels": 2,
            "epochs": 1,
            "hidden": 8,
            "n_blocks": 1,
            "sample_steps": 4,
            "n_trials": 2,
        },
        sample_weight=True,
        saveable=True,
    ),
    ModelSpec(
        name="audio_cnn",
        boundary="flexible",
        estimator=f"{_TORCH}.audio_cnn:AudioCNN",
        family="discriminative",
        modalities=("audio",),
        likelihood="none",
        description="small convolutional network (PyTorch) on log-mel spectrograms of the "
        "MFCC frames",
        fills_missing="interpolate",
        deep=True,
        test_params={
            "frame_size": 1,
            "n_mels": 2,
            "epochs": 1,
            "channels": 4,
            "hidden": 8,
            "batch_size": 16,
        },
        sample_weight=True,
        saveable=True,
    ),
    ModelSpec(
        name="ar_hmm",
        boundary="flexible",
        estimator=f"{_AUDIO}.ar_hmm:ClassARHMM",
        family="generative",
        modalities=("audio",),
        likelihood="exact",
        description="autoregressive Gaussian HMM per class on MFCC frames (left-right, 12 "
        "states, each predicting the frame from the previous one)",
        # a frame after a missing one uses its state's free Gaussian (a stated rule,
        # not exact integration over the missing frame): see models/audio/_ar_math.py
        handles_missing=True,
        fills_missing="restart",
        semi_supervised=True,
        sample_weight=True,
        test_params={"frame_size": 1, "n_states": 2, "n_iter": 3, "em_max_iter": 2},
    ),
)
