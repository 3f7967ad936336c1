"""The cost beside the accuracy: fit and predict time and the fitted model's size.

"Discriminative models are often simpler and faster for classification" is a
claim to measure, not repeat: every model of the accuracy experiment reports
its fit and predict seconds (this run's own timings, means over the splits)
and the size of the fitted model of split 0 (pickled bytes: what saving it
would cost; a model that cannot be pickled reports None). The report puts them
in one small table with the preprocessing each model had.
"""

from __future__ import annotations

import pickle

import numpy as np

from genvsdisc.report.tables import note, num, pm, table

__all__ = ["model_bytes", "cost_table", "size_text", "preprocessing_note"]


def model_bytes(estimator) -> int | None:
    """Size of the fitted ``estimator`` in bytes: what saving it costs; None if unknown.

    The bytes of its arrays plus the pickled size of every other attribute,
    walked through nested estimators, lists and dicts. Not ``len(pickle.dumps(est))``:
    pickle's bookkeeping shares equal dtype objects only when they are the same
    object, so the same model pickles a few dozen bytes larger when it was fitted
    in a Dask worker thread than in the main one, and the figure would depend on
    the engine that ran it.
    """
    seen: set[int] = set()

    def size(obj) -> int:
        if id(obj) in seen:  # shared parts are saved once
            return 0
        seen.add(id(obj))
        if isinstance(obj, np.ndarray) and obj.dtype != object:
            return int(obj.nbytes)
        if type(obj).__module__.startswith("torch") and hasattr(obj, "nbytes"):
            return int(obj.nbytes)  # a tensor or parameter: its __dict__ holds no data
        if isinstance(obj, dict):
            return sum(size(v) for v in obj.values())
        if isinstance(obj, list | tuple):
            return sum(size(v) for v in obj)
        if hasattr(obj, "__dict__") and not isinstance(obj, type):
            return sum(size(v) for v in vars(obj).values())
        return len(pickle.dumps(obj, pickle.HIGHEST_PROTOCOL))

    try:
        return size(estimator)
    except Exception:  # noqa: BLE001 -- any unpicklable part means "size unknown", not a failure
        return None


def size_text(n_bytes) -> str:
    """``1536`` -> ``"1.5 KiB"``; ``n/a`` when unknown."""
    if n_bytes is None:
        return "n/a"
    if n_bytes < 1024:
        return f"{n_bytes} B"
    if n_bytes < 1024**2:
        return f"{n_bytes / 1024:.1f} KiB"
    return f"{n_bytes / 1024**2:.1f} MiB"


def cost_table(rows: list[dict], n_splits: int) -> str:
    """Accuracy beside fit s, predict s and model size, with each model's preprocessing.

    Parameters
    ----------
    rows : list of dict
        The accuracy experiment's scored rows (``model``, ``family``,
        ``accuracy``, ``accuracy_se``, ``fit_s``, ``predict_s``, and, when
        recorded, ``model_bytes`` and ``preprocessing``).
    n_splits : int
    """
    body = [
        [
            r["model"],
            r["family"],
            r.get("preprocessing", "none"),
            pm(r["accuracy"], r.get("accuracy_se")),
            num(r["fit_s"], "{:.2f}"),
            num(r["predict_s"], "{:.3f}"),
            size_text(r.get("model_bytes")),
        ]
        for r in rows
    ]
    head = [
        "model",
        "family",
        "preprocessing",
        "accuracy %",
        "fit s",
        "predict s",
        "model size",
    ]
    return table(head, body) + note(
        f"Cost: fit and predict wall-clock seconds are means over the {n_splits} split(s) of "
        "this run (on this machine, with whatever else it was doing); model size is the "
        "pickled fitted model of the first split. " + preprocessing_note(rows)
    )


#: The detectives an image artist with invariance steps should be read against.
REFERENCE_DETECTIVES = ("cnn", "logreg", "linear_svm")


def preprocessing_note(rows: list[dict]) -> str:
    """Which models had which steps, and which reference detectives did not run."""
    steps = {r.get("preprocessing", "none") for r in rows}
    if steps == {"none"}:
        return "No preprocessing: every model read the pixels or values as loaded."
    by_family = {
        fam: ", ".join(r["model"] for r in rows if r["family"] == fam) or "none"
        for fam in ("generative", "discriminative")
    }
    text = (
        f"Every model of this run had the same preprocessing ({', '.join(sorted(steps))}): "
        f"the artists {by_family['generative']} and the detectives "
        f"{by_family['discriminative']} -- like with like."
    )
    absent = [m for m in REFERENCE_DETECTIVES if m not in {r["model"] for r in rows}]
    if absent:
        text += (
            f" Not in this run, so not measured with these steps: {', '.join(absent)} "
            "(name them with --models to compare them on the same pixels)."
        )
    return text
