"""The generation core: draw class-conditional samples, judge them, check for copies.

One implementation behind ``genvsdisc generate``, the ``compare``
experiment "generation" and the web app's image and text labs:

* :mod:`.draw` -- :func:`build_model` and :func:`draw` (images, tables,
  text with prompt, temperature, top-k and word limits).
* :mod:`.judge` -- the judge policy (:data:`JUDGES`, one default per
  modality, measured in that module's docstring), :func:`fit_judge`, the
  :class:`Judge`'s verdicts, and CAS (:func:`classification_accuracy_score`).
* :mod:`.memorisation` -- distance of samples to their nearest training row
  against real test rows, for vectors, documents and clips.
* :mod:`.sound` -- MFCC frames to sound (librosa's MFCC inversion, Griffin-Lim:
  rough), log-mel pictures, WAV bytes, the clip-summary memorisation check.
* :mod:`.refusal` -- "ask the detective to draw": :func:`refusal`.
* :mod:`.run` -- :func:`generate`, the whole ``genvsdisc generate`` run.
* :mod:`.output` -- image grids, texts and CSV files of the samples;
  :mod:`.audio_output` -- a folder of WAVs and a spectrogram grid.
"""

from genvsdisc.generation.draw import Samples, as_documents, build_model, class_indices, draw
from genvsdisc.generation.judge import (
    JUDGES,
    Judge,
    Verdicts,
    classification_accuracy_score,
    fit_judge,
    judge_name,
)
from genvsdisc.generation.memorisation import (
    check_memorisation,
    memorisation_check,
    text_memorisation_check,
)
from genvsdisc.generation.output import format_texts, save_image_grid, write_samples
from genvsdisc.generation.refusal import check_generative, refusal
from genvsdisc.generation.run import GenerationResult, generate

__all__ = [
    "JUDGES",
    "GenerationResult",
    "Judge",
    "Samples",
    "Verdicts",
    "as_documents",
    "build_model",
    "check_generative",
    "check_memorisation",
    "class_indices",
    "classification_accuracy_score",
    "draw",
    "fit_judge",
    "format_texts",
    "generate",
    "judge_name",
    "memorisation_check",
    "refusal",
    "save_image_grid",
    "text_memorisation_check",
    "write_samples",
]
