"""Bounded, thread-safe stores the app keeps between requests."""

from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["FitCache"]


class FitCache:
    """The last few fitted pairs, keyed by request content (thread-safe LRU).

    Lets the Generate button and the hide-x₂ switch reuse the fit the user
    just saw instead of refitting.
    """

    def __init__(self, size: int = 16):
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
            return None

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)
