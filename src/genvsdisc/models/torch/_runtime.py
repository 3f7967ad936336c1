"""Where and how repeatably a genvsdisc torch model runs: device, threads and seeds."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import numpy as np
import torch

from genvsdisc.exceptions import ParameterError

__all__ = ["resolve_device", "configure_threads", "one_thread_for_tasks", "seeded"]


def resolve_device(device) -> torch.device:
    """``"auto"`` -> CUDA when available else CPU; ``"cpu"``; ``"cuda"`` (must exist)."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device == "cpu":
        return torch.device("cpu")
    if device == "cuda":
        if not torch.cuda.is_available():
            raise ParameterError(
                "device='cuda' was asked for, but PyTorch sees no CUDA GPU here; "
                "use device='auto' or 'cpu'."
            )
        return torch.device("cuda")
    raise ParameterError(f"The 'device' parameter must be 'auto', 'cpu' or 'cuda'. Got {device!r}.")


#: True while torch's thread count is the one thread set for engine tasks (not a user's).
_ONE_FOR_TASKS = False


def one_thread_for_tasks() -> None:
    """One torch CPU thread, as an engine task's BLAS has (:func:`genvsdisc.tasks.execute`).

    A sum split over two threads adds in another order: the same task gave a
    cnn's log-loss that differed in the fifth digit between forked workers and
    threads. One thread per task keeps the numbers the same on every engine.
    """
    global _ONE_FOR_TASKS
    if torch.get_num_threads() != 1:
        torch.set_num_threads(1)
    _ONE_FOR_TASKS = True


def configure_threads() -> int:
    """Set torch's CPU threads for the fit about to run; return the count.

    Inside an engine task, one (:func:`one_thread_for_tasks`). Otherwise the
    cores this process may use: torch counts the machine's cores, not the
    ones the process is allowed (containers, ``taskset``), and oversubscribing
    a 2-core machine makes training slower, not faster; a lower count the
    user set stays.
    """
    global _ONE_FOR_TASKS
    from genvsdisc.tasks import in_task

    if in_task():
        one_thread_for_tasks()
        return 1
    try:
        allowed = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        allowed = os.cpu_count() or 1
    if not _ONE_FOR_TASKS:
        allowed = min(allowed, torch.get_num_threads())
    _ONE_FOR_TASKS = False
    if torch.get_num_threads() != allowed:
        torch.set_num_threads(allowed)
    return torch.get_num_threads()


@contextlib.contextmanager
def seeded(seed, device: torch.device | None = None) -> Iterator[torch.Generator]:
    """Run a block with torch's global random state seeded, then restore it.

    Dropout and ``torch.randn`` inside modules use the global generator, so
    seeding it (inside ``fork_rng``) is what makes CPU training repeatable
    without changing the random state the caller sees afterwards. Yields a
    CPU ``torch.Generator`` seeded the same way, for shuffling.
    """
    seed = _check_seed(seed)
    devices = [device.index or 0] if device is not None and device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield torch.Generator().manual_seed(seed)


def _check_seed(seed) -> int:
    if seed is None:
        return int(np.random.SeedSequence().generate_state(1)[0])
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool) and seed >= 0:
        return int(seed)
    if isinstance(seed, np.random.RandomState):
        return int(seed.randint(2**31 - 1))
    raise ParameterError(
        f"The 'random_state' parameter must be None, a non-negative int or a RandomState. "
        f"Got {seed!r}."
    )
