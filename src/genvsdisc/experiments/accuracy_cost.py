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

from genvsdisc.report.tables import note, num, pm, table

__all__ = ["model_bytes", "cost_table", "size_text"]


def model_bytes(estimator) -> int | None:
    """Pickled size of the fitted ``estimator`` in bytes; None if it cannot be pickled."""
    try:
        return len(pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL))
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
        "pickled fitted model of the first split. Preprocessing is the same for every model "
        "of a run (compare --preprocess), so the accuracies compare like with like."
    )
