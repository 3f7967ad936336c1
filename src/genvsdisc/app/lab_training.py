"""Lab models trained once, on first use or in the background, with progress the page can poll.

A lab model that trains in under a second is simply trained inside the
request that needs it. One that takes longer (cvae, transformer_lm) is
started in a background thread by the lab's ``train`` route, and the page
polls the lab's ``info`` route for :meth:`Lazy.progress` until it is ready,
drawing a progress bar with the time left. The time left is an estimate:
the measured first-fit time of :data:`_FIRST_FIT_SECONDS` minus the time
already spent (the models do not report their own progress to the lab).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

__all__ = ["Lazy", "first_fit_seconds", "menu_entry"]

#: Seconds a lab model takes to train on first use, measured on this 2-core machine
#: (digits, seed 0, one thread): mlp 0.8 s; gmm 0.09 s, qda, gaussian_nb, knn and logreg
#: (C=10) 0.05 s or less; cvae (30 epochs) about a minute, 176 s on a busy machine.
#: transformer_lm on bbc_news: about 4 minutes. Models not listed count as a second.
_FIRST_FIT_SECONDS = {"mlp": 1, "cvae": 60, "transformer_lm": 240}


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

    @property
    def ready(self) -> bool:
        return self._done

    def get(self):
        if self._done:  # fast path, no lock once built
            return self._value
        with self._lock:
            if not self._done:
                self.started = time.perf_counter()
                try:
                    self._value = self._build()
                finally:
                    self.seconds = time.perf_counter() - self.started
                self._done = True
        return self._value

    def start(self) -> None:
        """Build in a background thread unless built or being built; returns at once."""
        if self._done or self._lock.locked():
            return
        self.error = None
        threading.Thread(target=self._background, daemon=True).start()

    def _background(self) -> None:
        try:
            self.get()
        except Exception as exc:  # the page polls for it; the server log keeps the trace
            self.error = str(exc) or type(exc).__name__
            logging.getLogger("genvsdisc.app").exception("training a lab model failed")

    def progress(self, estimate: float) -> dict:
        """``training`` (bool), ``elapsed_seconds`` and ``seconds_left`` (None when idle)."""
        training = not self._done and self._lock.locked() and self.started is not None
        if not training:
            return {"training": False, "elapsed_seconds": None, "seconds_left": None}
        elapsed = time.perf_counter() - self.started
        # past the estimate the fit is simply slower than measured: say "a few seconds"
        return {
            "training": True,
            "elapsed_seconds": round(elapsed, 1),
            "seconds_left": round(max(estimate - elapsed, 1.0), 1),
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
