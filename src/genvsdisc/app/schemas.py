"""Request bodies of the app's JSON API, with every cap as a pydantic constraint.

A request that breaks a constraint never reaches the model code: FastAPI
answers 422 and the error handler (:mod:`.errors`) names the field and why.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from genvsdisc.app.config import CAPS

__all__ = [
    "Coordinate",
    "DatasetRequest",
    "FitRequest",
    "GenerateRequest",
    "StepRequest",
    "ImageRequest",
    "DrawRequest",
    "TextRequest",
    "TOY_NAMES",
]

#: The 2-D toy data sets the playground offers.
TOY_NAMES = ("moons", "circles", "blobs", "spirals", "xor")
#: Classes a user may click onto the playground canvas.
MAX_CLASSES = 4
#: Training steps one request may ask for (play sends a few per frame).
MAX_STEPS_PER_CALL = 50

Coordinate = Annotated[
    float,
    Field(allow_inf_nan=False, ge=-CAPS.max_abs_coordinate, le=CAPS.max_abs_coordinate),
]
ModelName = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")]
Seed = Annotated[int, Field(ge=0, le=2**31 - 1)]


class _Strict(BaseModel):
    # Unknown keys are a client mistake worth naming, not something to ignore.
    model_config = ConfigDict(extra="forbid")


class DatasetRequest(_Strict):
    """Draw a toy data set for the playground."""

    name: str = Field("moons", pattern="^(" + "|".join(TOY_NAMES) + ")$")
    n_samples: int = Field(300, ge=8, le=CAPS.max_dataset_samples)
    noise: float = Field(0.2, ge=0.0, le=3.0, allow_inf_nan=False)
    n_classes: int | None = Field(None, ge=2, le=MAX_CLASSES)
    seed: Seed = 0


class FitRequest(_Strict):
    """Points with labels and the two models to fit on them."""

    X: list[tuple[Coordinate, Coordinate]] = Field(..., min_length=2, max_length=CAPS.max_points)
    #: class index per point; -1: unlabeled (a semi-supervised artist learns from it by EM)
    y: list[Annotated[int, Field(ge=-1, lt=MAX_CLASSES)]] = Field(
        ..., min_length=2, max_length=CAPS.max_points
    )
    generative: ModelName = "gmm"
    discriminative: ModelName = "logreg"
    hide_x2: bool = False
    #: [x_min, x_max, y_min, y_max] of the picture; None: around the points.
    domain: tuple[Coordinate, Coordinate, Coordinate, Coordinate] | None = None
    seed: Seed = 0

    @field_validator("y")
    @classmethod
    def _one_label_per_point(cls, y, info: ValidationInfo):
        X = info.data.get("X")
        if X is not None and len(y) != len(X):
            raise ValueError(f"{len(y)} labels for {len(X)} points; give one label per point")
        return y

    @field_validator("domain")
    @classmethod
    def _ordered(cls, domain):
        if domain is not None and not (domain[0] < domain[1] and domain[2] < domain[3]):
            raise ValueError("must be [x_min, x_max, y_min, y_max] with min < max")
        return domain


class GenerateRequest(FitRequest):
    """A fit request plus how many new points the generative model should draw."""

    n: int = Field(200, ge=1, le=CAPS.max_generate)


class StepRequest(_Strict):
    """Advance a training session (started by a :class:`FitRequest`) by ``k`` steps."""

    session: str = Field(..., min_length=8, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    k: int = Field(1, ge=0, le=MAX_STEPS_PER_CALL)
    hide_x2: bool = False
    domain: tuple[Coordinate, Coordinate, Coordinate, Coordinate] | None = None


class ImageRequest(_Strict):
    """Generate digits with a generative image model."""

    model: ModelName | None = None
    n_per_class: int = Field(6, ge=1, le=CAPS.max_images_per_class)
    seed: Seed = 0


class DrawRequest(_Strict):
    """Ask a discriminative model to draw (it will explain why it cannot)."""

    model: ModelName | None = None


class TextRequest(_Strict):
    """Continue a prompt for one topic, then ask the judge what it reads."""

    topic: str = Field(..., min_length=1, max_length=60)
    prompt: str = Field("", max_length=CAPS.max_prompt_chars)
    n_words: int = Field(40, ge=1, le=CAPS.max_words)
    temperature: float = Field(1.0, gt=0.0, le=3.0, allow_inf_nan=False)
    seed: Seed = 0
