"""Where and how repeatably a genvsdisc torch model runs: device, threads and seeds."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import numpy as np
import torch

from genvsdisc.exceptions import ParameterError

__all__ = ["resolve_device", "configure_threads", "seeded"]


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


def configure_threads() -> int:
    """Cap torch's CPU threads at the cores this process may use; return the count.

    torch counts the machine's cores, not the ones the process is allowed
    (containers, ``taskset``); oversubscribing a 2-core machine makes
    training slower, not faster.
    """
    try:
        allowed = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        allowed = os.cpu_count() or 1
    if torch.get_num_threads() > allowed:
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
