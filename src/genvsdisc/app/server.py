"""The FastAPI app: pages, the JSON API and the report browser.

Route handlers stay thin: they validate (pydantic schemas), call the plain
functions of :mod:`.playground`, :mod:`.labs` and :mod:`.reports`, and turn
their answers into JSON. Handlers are plain ``def`` so FastAPI runs them in
its thread pool and a slow fit never blocks other requests.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FitTimeout
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, StreamingResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from threadpoolctl import ThreadpoolController, threadpool_limits

from genvsdisc import __version__
from genvsdisc.app import playground as pg
from genvsdisc.app.config import Caps, LabConfig
from genvsdisc.app.errors import ApiError, install_error_handlers
from genvsdisc.app.lab_training import progress_events
from genvsdisc.app.labs import ImageLab, TextLab
from genvsdisc.app.lessons import lesson_figures, lesson_page_points, lessons_json
from genvsdisc.app.middleware import (
    BodyLimitMiddleware,
    SecurityHeadersMiddleware,
    ServerTimingMiddleware,
)
from genvsdisc.app.reports import list_reports, resolve_inside, with_back_link
from genvsdisc.app.schemas import (
    DatasetRequest,
    DrawRequest,
    FitRequest,
    GenerateRequest,
    ImageRequest,
    StepRequest,
    TextRequest,
)
from genvsdisc.app.sound_routes import SoundLab, sound_routes
from genvsdisc.app.training import Training, TrainingStore

__all__ = ["create_app", "STATIC_DIR"]

STATIC_DIR = Path(__file__).parent / "static"
#: Host names a browser on this machine uses for the app. Requests naming any other
#: host are refused, so a page elsewhere cannot reach the app by DNS rebinding.
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
PAGES = {
    "/": "playground.html",
    "/images": "images.html",
    "/text": "text.html",
    "/sound": "sound.html",
    "/reports": "reports.html",
}


def _one_math_thread() -> None:
    """Pool-thread initializer: BLAS and OpenMP use one thread (see ``create_app``)."""
    threadpool_limits(limits=1)


class _State:
    """Per-app objects: caps, labs, the fit cache and the compute pool."""

    def __init__(self, results_dir, caps: Caps, labs: LabConfig):
        self.results_dir = Path(results_dir).absolute() if results_dir is not None else None
        self.caps = caps
        self.image_lab = ImageLab(labs)
        self.text_lab = TextLab(labs)
        self.sound_lab = SoundLab(labs.sound)
        self.fits = pg.FitCache()
        self.trainings = TrainingStore()
        # Playground work runs here, under the time cap. Two workers: a job
        # past its cap keeps one busy until it ends (threads cannot be killed).
        self.pool = ThreadPoolExecutor(
            max_workers=2, thread_name_prefix="genvsdisc-fit", initializer=_one_math_thread
        )
        # Fits running or queued; a request that finds none free is told to retry
        # instead of waiting behind an unbounded queue.
        self.slots = threading.BoundedSemaphore(caps.max_queued_fits)

    def run(self, fn, *args, **kwargs):
        """``fn(*args, **kwargs)`` in the compute pool.

        503 when ``max_queued_fits`` are already running or waiting, or when no
        worker frees up within ``queue_seconds``; 422 when the fit itself runs
        past ``fit_seconds`` (timed from its start, not from the request).
        """
        if not self.slots.acquire(blocking=False):
            raise _busy(f"{self.caps.max_queued_fits} fits are already running or waiting")
        started = threading.Event()

        def job():
            started.set()
            try:
                return fn(*args, **kwargs)
            finally:
                self.slots.release()

        future = self.pool.submit(job)
        if not started.wait(timeout=self.caps.queue_seconds):
            if future.cancel():  # never started: its slot is still ours to give back
                self.slots.release()
                raise _busy(f"no worker was free within {self.caps.queue_seconds:g} s")
            started.wait()
        try:
            return future.result(timeout=self.caps.fit_seconds)
        except FitTimeout:
            raise ApiError(
                422,
                "X",
                f"fitting took longer than the {self.caps.fit_seconds:g} s cap; "
                "use fewer points or a simpler model",
            ) from None


def _busy(why: str) -> ApiError:
    return ApiError(503, None, f"busy, retry in a moment ({why})", headers={"Retry-After": "2"})


def _fit_key(req: FitRequest) -> str:
    payload = json.dumps([req.X, req.y, req.generative, req.discriminative, req.seed])
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def _check_points(caps: Caps, req: FitRequest) -> None:
    """422 naming the model when the points exceed its own cap (:attr:`Caps.model_max_points`)."""
    for name in (req.generative, req.discriminative):
        cap = caps.model_max_points.get(name)
        if cap is not None and len(req.X) > cap:
            raise ApiError(
                422,
                "X",
                f"{len(req.X):,} points; '{name}' takes at most {cap:,} here (its cost grows "
                "with the square of the points): remove points or pick another model",
            )


def _fitted(state: _State, req: FitRequest) -> pg.PlaygroundFit:
    """The fitted pair for these points, from the cache or fitted now (in the pool thread)."""
    key = _fit_key(req)
    fit = state.fits.get(key)
    if fit is None:
        fit = pg.fit_pair(req.X, req.y, req.generative, req.discriminative, req.seed)
        state.fits.put(key, fit)
    return fit


def _refit(state: _State, req: FitRequest) -> dict:
    fit = _fitted(state, req)
    return pg.fit_view(
        fit,
        req.generative,
        req.discriminative,
        hide_x2=req.hide_x2,
        domain=req.domain,
        grid_size=state.caps.grid_size,
    )


def _frame(state: _State, training: Training, hide_x2: bool, domain) -> dict:
    return training.frame(hide_x2=hide_x2, domain=domain, grid_size=state.caps.grid_size)


def _api(state: _State) -> APIRouter:
    api = APIRouter(prefix="/api")

    @api.get("/health")
    def health():
        return {"status": "ok", "version": __version__}

    @api.get("/models")
    def models():
        return {**pg.playground_models(), "skipped": pg.SKIPPED}

    @api.post("/playground/dataset")
    def dataset(req: DatasetRequest):
        return pg.toy_points(req.name, req.n_samples, req.noise, req.n_classes, req.seed)

    @api.post("/playground/fit")
    def fit(req: FitRequest):
        _check_points(state.caps, req)
        # already plain lists and numbers: skip FastAPI's jsonable_encoder walk (~40 ms here)
        return JSONResponse(state.run(_refit, state, req))

    @api.post("/playground/train")
    def train(req: FitRequest):
        """Start (or restart: the same request gives the same seeded state) a training session."""
        _check_points(state.caps, req)

        def start():
            training = Training(req.X, req.y, req.generative, req.discriminative, req.seed)
            return training, _frame(state, training, req.hide_x2, req.domain)

        training, frame = state.run(start)
        return JSONResponse({**frame, "session": state.trainings.add(training)})

    @api.post("/playground/step")
    def step(req: StepRequest):
        """Advance a session by ``k`` steps (0: repaint) and return the painted frame."""
        training = state.trainings.get(req.session)
        if training is None:
            raise ApiError(404, "session", "no such training session (it expired); press reset")

        def advance():
            with training.lock:  # one step at a time per session
                training.step(req.k)
                return _frame(state, training, req.hide_x2, req.domain)

        return JSONResponse({**state.run(advance), "session": req.session})

    @api.post("/playground/generate")
    def generate(req: GenerateRequest):
        _check_points(state.caps, req)
        fit = state.run(_fitted, state, req)
        return pg.generate_points(fit, req.n, req.seed)

    @api.post("/playground/draw")
    def draw(req: FitRequest):
        _check_points(state.caps, req)
        return pg.ask_detective(state.run(_fitted, state, req))

    @api.get("/lessons")
    def lessons():
        return lessons_json()

    @api.get("/lessons/{key}/{index}/figures")
    def lessons_figures(key: str, index: int):
        return state.run(lesson_figures, key, index)

    @api.get("/lessons/{key}/{index}/points")
    def lessons_points(key: str, index: int):
        return lesson_page_points(key, index)

    @api.get("/images/info")
    def images_info():
        return state.image_lab.info()

    @api.post("/images/generate")
    def images_generate(req: ImageRequest):
        return state.image_lab.generate(req.model, req.n_per_class, req.seed)

    @api.post("/images/train")
    def images_train(req: DrawRequest):  # starts training and returns at once; poll info
        return state.image_lab.train(req.model)

    @api.post("/images/draw")
    def images_draw(req: DrawRequest):
        return state.image_lab.draw(req.model)

    @api.get("/text/info")
    def text_info():
        return state.text_lab.info()

    @api.post("/text/continue")
    def text_continue(req: TextRequest):
        return state.text_lab.continue_prompt(
            req.topic, req.prompt, req.n_words, req.temperature, req.seed
        )

    @api.post("/text/train")
    def text_train(req: DrawRequest):  # starts training and returns at once; poll info
        return state.text_lab.train(req.model)

    @api.post("/text/write")
    def text_write():  # the judge explains why it cannot write
        return state.text_lab.write()

    @api.post("/text/next")
    def text_next(req: TextRequest):  # n_words and seed are not used: nothing is drawn
        return state.text_lab.next_words(req.topic, req.prompt, req.temperature)

    @api.get("/labs/progress/{lab}/{model}")
    def labs_progress(lab: str, model: str):  # Server-Sent Events until training ends
        labs = {"images": state.image_lab, "text": state.text_lab, "sound": state.sound_lab}
        if lab not in labs:
            raise ApiError(404, "lab", f"'{lab}' is not a lab; choose one of: {', '.join(labs)}")
        lazy = labs[lab].lazy(model)
        if lazy is None:
            raise ApiError(404, "model", f"'{model}' is not offered in the {lab} lab")
        events = progress_events(model, lazy)
        headers = {"Cache-Control": "no-cache"}  # every event is news; a cache would stall it
        return StreamingResponse(events, media_type="text/event-stream", headers=headers)

    @api.get("/reports")
    def reports():
        return {
            "results_dir": str(state.results_dir) if state.results_dir else None,
            "reports": list_reports(state.results_dir),
        }

    return api


def _pages(app: FastAPI, state: _State) -> None:
    for route, filename in PAGES.items():
        path = STATIC_DIR / filename

        def page(path=path):
            return FileResponse(path, media_type="text/html")

        app.add_api_route(route, page, methods=["GET"], include_in_schema=False)

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():  # browsers ask for it on pages without an icon link (the reports)
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    @app.get("/reports/files/{relative:path}", include_in_schema=False)
    def report_file(relative: str):
        target = None if state.results_dir is None else resolve_inside(state.results_dir, relative)
        if target is None:
            raise ApiError(404, "path", "no such report file")
        if target.suffix.lower() == ".html":  # a report opened from the app leads back to it
            page = target.read_text(encoding="utf-8", errors="replace")
            return HTMLResponse(with_back_link(page))
        return FileResponse(target)


def create_app(
    results_dir=None,
    *,
    caps: Caps | None = None,
    labs: LabConfig | None = None,
    warm_labs: bool = False,
    single_thread_math: bool = True,
    allowed_hosts=LOCAL_HOSTS,
) -> FastAPI:
    """Build the genvsdisc web app.

    Parameters
    ----------
    results_dir : str or Path, optional
        Folder whose ``report.html`` files the report browser lists and serves.
    caps : Caps, optional
        Body size, fit time and grid size (count caps live in the schemas).
    labs : LabConfig, optional
        Data and models of the image, text and sound labs (tests pass tiny ones).
    warm_labs : bool, default False
        Fit the labs' default models in a background thread at start-up.
    single_thread_math : bool, default True
        While the app runs (its lifespan), limit BLAS and OpenMP to one thread
        each, process-wide; the previous limits come back at shutdown.
    allowed_hosts : sequence of str, default :data:`LOCAL_HOSTS`
        Values of the ``Host`` header the app answers (``"*"``: any); other
        requests get 400. ``genvsdisc serve`` adds the address it binds.

    Returns
    -------
    FastAPI
    """
    caps = caps or Caps()
    state = _State(results_dir, caps, labs or LabConfig())

    @asynccontextmanager
    async def lifespan(app):
        # One BLAS/OpenMP thread while the app runs. Playground problems are
        # tiny; on 2 shared cores, idle BLAS threads spinning between calls
        # made a 500-point refit 5-10 times slower. Restored at shutdown.
        limiter = ThreadpoolController().limit(limits=1) if single_thread_math else None
        if warm_labs:
            for lab in (state.image_lab, state.text_lab):
                threading.Thread(target=_warm, args=(lab,), daemon=True).start()
        try:
            yield
        finally:
            state.pool.shutdown(wait=False, cancel_futures=True)
            if limiter is not None:
                limiter.restore_original_limits()

    app = FastAPI(
        title="genvsdisc", version=__version__, lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.genvsdisc = state
    install_error_handlers(app)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=caps.max_body_bytes)
    app.add_middleware(ServerTimingMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts))
    app.include_router(_api(state))
    app.include_router(sound_routes(state.sound_lab))
    _pages(app, state)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return app


def _warm(lab) -> None:
    try:
        lab.warm()
    except Exception:  # a failed warm-up is retried, and reported, on first use
        logging.getLogger("genvsdisc.app").exception("warming %s failed", type(lab).__name__)
