"""The app's caps and lab settings, in one place so tests and docs can quote them.

Caps bound everything a browser can ask for: request size, point counts,
sample counts, prompt length and the time a fit may take. The request
schemas (:mod:`.schemas`) enforce the count caps through pydantic
constraints; :func:`~genvsdisc.app.server.create_app` enforces the body
size and fit time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Caps", "LabConfig", "SoundConfig", "CAPS"]


@dataclass(frozen=True)
class Caps:
    """Upper bounds on what one request may ask of the server."""

    #: Bytes in one request body (2,000 points as JSON take about 60 kB).
    max_body_bytes: int = 200_000
    #: Points sent to the playground for one fit.
    max_points: int = 2_000
    #: Fewer points for the models whose cost grows fastest with them. kde's bandwidth
    #: search and density grid grow with the square of the points: kde+hgb at 2,000
    #: points took 3.4 s single-threaded (p50 7.2 s on a busy 2-core server), at
    #: 1,000 points 1.4 s. Other models stay within ``max_points``.
    model_max_points: dict[str, int] = field(default_factory=lambda: {"kde": 1_000})
    #: Points drawn from a toy data set.
    max_dataset_samples: int = 2_000
    #: Points drawn by the playground's Generate button.
    max_generate: int = 1_000
    #: Images generated per class in the image lab.
    max_images_per_class: int = 12
    #: Characters in a text-lab prompt.
    max_prompt_chars: int = 300
    #: Words a text model may add to a prompt.
    max_words: int = 120
    #: Seconds one playground fit may take once it has started (time spent queued
    #: behind other fits does not count) before the request gets a 422.
    fit_seconds: float = 10.0
    #: Playground fits running or waiting at once; one more gets a 503 "busy, retry".
    max_queued_fits: int = 8
    #: Seconds a fit may wait in the queue for a free worker before it gets a 503.
    queue_seconds: float = 30.0
    #: Cells per side of the playground's prediction grid.
    grid_size: int = 60
    #: Coordinates of playground points must lie within [-max_abs, max_abs].
    max_abs_coordinate: float = 1e4


#: The caps the request schemas are built with.
CAPS = Caps()


@dataclass(frozen=True)
class SoundConfig:
    """Which data and models the sound lab uses (tests pass smaller ones)."""

    #: Built-in audio set with real waveforms (spoken_digits has MFCCs only, no sound).
    dataset: str = "spoken_words"
    #: Its loading parameters, e.g. ``{"n_voices": 4}`` for a quick set.
    dataset_params: dict = field(default_factory=dict)
    #: Audio artists offered (first is the default): gmm_hmm reads the test voices best
    #: (79 % on held-out voices, against hmm 70 % and frame_gmm 59 %; seed 0, all 96 voices).
    artists: tuple[str, ...] = ("gmm_hmm", "hmm", "frame_gmm")
    #: The detective: the generation core's audio judge (86 % on held-out voices).
    detective: str = "clip_svm"
    #: Keep only this many training clips (None: the whole training split).
    max_train: int | None = None
    #: Constructor parameters per model.
    params: dict[str, dict] = field(default_factory=dict)
    #: Most clips per class of each kind one request may ask for.
    max_per_class: int = 3
    #: Seed for the split and the models.
    seed: int = 0


@dataclass(frozen=True)
class LabConfig:
    """Which data and models the image, text and sound labs use.

    The defaults are what ``genvsdisc serve`` shows; tests pass smaller
    ones (fewer training rows, tiny model parameters) so they run in seconds.
    """

    #: Built-in image data set the image lab learns from.
    image_dataset: str = "digits"
    #: Generative models offered in the image lab (first is the default). ``diffusion``
    #: works too but is left out: on a 2-core CPU it trains ~6 min and draws a grid in ~45 s.
    image_models: tuple[str, ...] = ("gmm", "qda", "gaussian_nb", "cvae")
    #: Discriminative model that judges generated images; trained on real images. The
    #: generation core's default image judge (:data:`genvsdisc.generation.JUDGES`).
    image_judge: str = "knn"
    #: Discriminative models the "ask the detective to draw" button may name.
    image_detectives: tuple[str, ...] = ("logreg", "mlp")
    #: Keep only this many training images (None: the whole training split).
    image_max_train: int | None = None
    #: Built-in text data set the text lab learns from.
    text_dataset: str = "bbc_news"
    #: Generative text model that continues prompts.
    text_model: str = "ngram_lm"
    #: Discriminative judge of generated text, trained on real raw text (the core's default).
    text_judge: str = "logreg"
    #: Keep only this many training documents (None: the whole training split).
    text_max_train: int | None = None
    #: Constructor parameters per image-lab model. logreg's C is the value its own
    #: cross-validation picks on this split (C=10 on digits), fixed to skip a
    #: 27-fit search at start-up.
    #: cvae: 30 epochs train in about a minute on digits (on first use).
    image_params: dict[str, dict] = field(
        default_factory=lambda: {"logreg": {"C": 10.0}, "cvae": {"epochs": 30, "verbose": False}}
    )
    #: Constructor parameters per text-lab model (C=100: cross-validation's pick on bbc_news).
    text_params: dict[str, dict] = field(default_factory=lambda: {"logreg": {"C": 100.0}})
    #: Seed for splits and model fitting in the labs.
    seed: int = 0
    #: Data and models of the sound lab (:mod:`genvsdisc.app.sound_lab`).
    sound: SoundConfig = field(default_factory=SoundConfig)
