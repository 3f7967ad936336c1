"""Lab models trained once, on first use or in the background, with their real progress.

A lab model that trains in under a second is simply trained inside the
request that needs it. One that takes longer (cvae, transformer_lm) is
started in a background thread by the lab's ``train`` route, and the page
follows :meth:`Lazy.progress` (streamed by :func:`progress_events`, or from
the lab's ``info`` route) until it is ready, drawing a progress bar with the
time left. The torch models report every trained batch
(:mod:`genvsdisc.models.progress`), so the fraction done is measured and the
time left is ``elapsed × (1 − f) / f``; before the first report (loading the
data, building the network) and for the classical models, which report
nothing, the time left is the measured first-fit time of
:data:`_FIRST_FIT_SECONDS` minus the time already spent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable

from genvsdisc.models.progress import listening

__all__ = ["Lazy", "first_fit_seconds", "menu_entry", "progress_events"]

#: Seconds a lab model takes to train on first use, measured on this 2-core machine
#: (digits, seed 0, one thread): mlp 0.8 s; gmm 0.09 s, qda, gaussian_nb, knn and logreg
#: (C=10) 0.05 s or less; cvae (30 epochs) about a minute, 176 s on a busy machine.
#: transformer_lm on bbc_news: about 4 minutes. Models not listed count as a second.
#: Sound lab, spoken_words (all 96 voices), counting the first load of the set (6 s):
#: clip_svm 8 s, gmm_hmm 12 s, hmm 8 s, frame_gmm 7 s.
_FIRST_FIT_SECONDS = {"mlp": 1, "cvae": 60, "transformer_lm": 240}
_FIRST_FIT_SECONDS.update({"clip_svm": 8, "gmm_hmm": 12, "hmm": 8, "frame_gmm": 7})


def first_fit_seconds(name: str) -> int:
    """About how many seconds ``name`` takes to train on first use in a lab."""
    return _FIRST_FIT_SECONDS.get(name, 1)


class Lazy:
    """A value built once, on first :meth:`get`, by ``build()`` (thread-safe)."""

    def __init__(self, build: Callable[[], object]):
        self._build = build
        self._lock = threading.Lock()
        self._value = None
        self._done = False
        self.seconds: float | None = None
        self.started: float | None = None  # perf_counter() when building began
        self.error: str | None = None  # why the last background build failed
        self.fraction: float | None = None  # share of training steps done, as reported
        self._queued = False  # start() was called and its thread has not finished

    def _report(self, done: int, total: int) -> None:
        # steps of the model being built, in its own thread; a float store is atomic
        self.fraction = done / total if total > 0 else None

    @property
    def ready(self) -> bool:
        return self._done

    def get(self):
        if self._done:  # fast path, no lock once built
            return self._value
        with self._lock:
            if not self._done:
                self.started = time.perf_counter()
                self.fraction = None
                try:
                    with listening(self._report):
                        self._value = self._build()
                finally:
                    self.seconds = time.perf_counter() - self.started
                self._done = True
        return self._value

    def start(self) -> None:
        """Build in a background thread unless built or being built; returns at once."""
        if self._done or self._lock.locked() or self._queued:
            return
        self.error = None
        self._queued = True  # training from now on, even before the thread takes the lock
        threading.Thread(target=self._background, daemon=True).start()

    def _background(self) -> None:
        error = None
        try:
            self.get()
        except Exception as exc:  # the page is told; the server log keeps the trace
            error = str(exc) or type(exc).__name__
            logging.getLogger("genvsdisc.app").exception("training a lab model failed")
        self._queued = False
        self.error = error  # last: whoever sees the error may start again at once

    @property
    def training(self) -> bool:
        return not self._done and (self._queued or self._lock.locked())

    def progress(self, estimate: float) -> dict:
        """``training`` (bool), ``elapsed_seconds``, ``seconds_left`` and ``fraction``.

        ``fraction`` is the share of training steps done as the model reported
        it (None before its first report, or for a model that reports nothing);
        ``measured`` says whether ``seconds_left`` comes from it or from
        ``estimate``, the first-fit seconds. All None when not training.
        """
        started, fraction = self.started, self.fraction
        if not self.training or started is None:
            idle = {"elapsed_seconds": None, "seconds_left": None, "fraction": None}
            return {"training": self.training, **idle, "measured": False}
        elapsed = time.perf_counter() - started
        if fraction:  # elapsed × (1 − f) / f: the steps left at the pace so far
            left = elapsed * (1.0 - fraction) / fraction
        else:  # past the estimate the fit is simply slower than measured: "a few seconds"
            left = max(estimate - elapsed, 1.0)
        return {
            "training": True,
            "elapsed_seconds": round(elapsed, 1),
            "seconds_left": round(left, 1),
            "fraction": None if fraction is None else round(fraction, 4),
            "measured": bool(fraction),
        }


def menu_entry(name: str, lazy: Lazy) -> dict:
    """What a model menu shows of ``name``: trained, training (with time left) or not yet."""
    estimate = first_fit_seconds(name)
    progress = lazy.progress(estimate)
    if lazy.ready:
        status = "trained"
    elif progress["training"]:
        status = f"training, about {progress['seconds_left']:.0f} s left"
    else:
        status = (
            f"trains on first use (~{estimate} s)" if estimate > 1 else "trains on first use (<1 s)"
        )
    return {
        "name": name,
        "ready": lazy.ready,
        "status": status,
        "estimate_seconds": estimate,
        "error": lazy.error,
        **progress,
    }


#: Streams open at once (each holds a connection and wakes a few times a second).
MAX_STREAMS = 4
_streams = threading.BoundedSemaphore(MAX_STREAMS)


async def progress_events(
    name: str, lazy: Lazy, *, interval: float = 0.25, timeout: float = 900.0
) -> AsyncIterator[str]:
    """Server-Sent Events of ``lazy``'s training until it ends.

    With :data:`MAX_STREAMS` streams already open it yields only ``busy``
    (the page then polls). Otherwise it yields ``event: progress`` with
    :func:`menu_entry` as JSON, first at once and then whenever it changes
    (checked every ``interval`` seconds), then one final event:
    ``done`` (trained), ``failed`` (``error`` says why), ``idle`` (nothing is
    training it) or ``timeout`` (still training after ``timeout`` seconds;
    the page falls back to polling).
    """
    if not _streams.acquire(blocking=False):
        yield _event("busy", {"name": name, "max_streams": MAX_STREAMS})
        return
    try:  # taken and released inside the generator: a stream never started holds nothing
        deadline = time.monotonic() + timeout
        last = None
        while True:
            entry = menu_entry(name, lazy)
            if entry != last:  # the first event is always the state now, then each change
                yield _event("progress", entry)
                last = entry
            if lazy.ready:
                final = "done"
            elif lazy.error is not None and not lazy.training:
                final = "failed"
            elif not lazy.training:
                final = "idle"
            elif time.monotonic() > deadline:
                final = "timeout"
            else:
                final = None
            if final is not None:
                yield _event(final, entry)
                return
            await asyncio.sleep(interval)
    finally:
        _streams.release()


def _event(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(data)}\n\n"
