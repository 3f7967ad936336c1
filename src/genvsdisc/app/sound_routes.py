"""The sound lab's JSON API: ``/api/sound/...`` (thin: it validates and calls :class:`SoundLab`).

``GET info``, ``POST train`` (starts training, returns at once; progress at
``/api/labs/progress/sound/{model}``), ``POST clips``, ``POST record`` and
``GET wav/{name}`` (a clip the page plays). Handlers are plain ``def``, so
FastAPI runs them in its thread pool and a first fit never blocks the server.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import Field

from genvsdisc.app.errors import ApiError
from genvsdisc.app.schemas import ModelName, Seed, _Strict
from genvsdisc.app.sound_clips import MAX_RATE, MAX_RECORD_SECONDS, MIN_RATE
from genvsdisc.app.sound_lab import SoundLab

__all__ = ["ClipsRequest", "RecordRequest", "SoundLab", "sound_routes"]


class ClipsRequest(_Strict):
    """Real and generated clips of every class, judged by both families."""

    model: ModelName | None = None
    per_class: int = Field(1, ge=1, le=3)
    seed: Seed = 0


class RecordRequest(_Strict):
    """A recording: mono float PCM in [-1, 1] at ``rate`` samples per second.

    Emptiness, length, NaN and range are checked by the lab, which names the
    first bad sample; the schema only bounds the list so a huge one is refused
    before any work.
    """

    samples: list[float] = Field(..., max_length=int(MAX_RECORD_SECONDS * MAX_RATE))
    rate: int = Field(MIN_RATE, ge=MIN_RATE, le=MAX_RATE)
    model: ModelName | None = None


class TrainRequest(_Strict):
    """Start training an artist of the lab (and the detective)."""

    model: ModelName | None = None


def sound_routes(lab: SoundLab) -> APIRouter:
    """The sound lab's routes, bound to ``lab``."""
    api = APIRouter(prefix="/api/sound")

    @api.get("/info")
    def sound_info():
        return lab.info()

    @api.post("/train")
    def sound_train(req: TrainRequest):  # starts training and returns at once; poll info
        return lab.train(req.model)

    @api.post("/clips")
    def sound_clips(req: ClipsRequest):
        return lab.clips(req.model, req.per_class, req.seed)

    @api.post("/record")
    def sound_record(req: RecordRequest):
        return lab.record(req.samples, req.rate, req.model)

    @api.get("/wav/{name}")
    def sound_wav(name: str):
        data = lab.wavs.get(name)
        if data is None:
            raise ApiError(404, "name", "no such clip (the server keeps the newest 512); reload")
        return Response(data, media_type="audio/wav", headers={"Cache-Control": "no-store"})

    return api
