"""``results.json``: the versioned, plain-data record of one comparison.

Everything the report and the app show comes from this record: every
number behind every plot, the seeds, the package versions and the timings.
It holds only JSON types (dict, list, str, float, int, bool, None); NaN and
infinities become None, because JSON has no way to write them.

Schema (version :data:`SCHEMA_VERSION`), top-level keys:

``schema`` / ``schema_version``
    ``"genvsdisc.results"`` and an integer, raised on any breaking change.
``created``, ``command``, ``genvsdisc_version``, ``versions``
    When, how (the command line), and with which packages.
``dataset``
    name, description, modality, rows, features, classes and counts, split.
``settings``
    The grid (:class:`~genvsdisc.experiments.common.Settings` as a dict).
``models``
    One dict per model: name, family, likelihood, description, deep, picked.
``model_choice``
    One sentence: which models were picked and why.
``engine``
    kind (in-process, dask-local, dask-scheduler), workers, address.
``experiments``
    ``{name: {"status": "ok" | "skipped", "title", "reason" (skipped), ...}}``,
    one entry per registered experiment that was asked for; the keys of an
    ``ok`` entry beyond status and title are the fields of that experiment's
    result dataclass (``AccuracyResult``, ``LearningCurveResult``, ... in
    :mod:`genvsdisc.experiments`), whose docstring documents them.
``timings``
    ``total_s``, per experiment seconds and per task seconds.
``warnings``
    Unique warnings raised while the models ran.
"""

from __future__ import annotations

import json
import math
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import numpy as np

from genvsdisc.exceptions import DataError

__all__ = [
    "SCHEMA",
    "SCHEMA_VERSION",
    "to_jsonable",
    "package_versions",
    "new_record",
    "save",
    "load",
]

SCHEMA = "genvsdisc.results"
SCHEMA_VERSION = 1
_REQUIRED = ("schema", "schema_version", "dataset", "settings", "models", "experiments")


def to_jsonable(obj):
    """``obj`` with numpy types turned into Python ones and non-finite floats into None."""
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return to_jsonable(obj.tolist())
    if isinstance(obj, (bool, np.bool_)):
        return bool(obj)
    if isinstance(obj, (int, np.integer)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    if obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"results: {type(obj).__name__} is not plain data: {obj!r:.80}")


def package_versions() -> dict:
    """Versions of Python and of the packages whose code produced the numbers."""
    out = {"python": platform.python_version(), "platform": platform.platform()}
    for name in ("genvsdisc", "numpy", "scipy", "scikit-learn", "dask", "distributed", "torch"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def new_record(
    *,
    dataset: dict,
    settings: dict,
    models: list,
    model_choice: str,
    engine: dict,
    command: str | None = None,
) -> dict:
    """The top of a results record; ``experiments`` and ``timings`` are filled in later."""
    versions = package_versions()
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "genvsdisc_version": versions["genvsdisc"],
        "versions": versions,
        "dataset": dataset,
        "settings": settings,
        "models": models,
        "model_choice": model_choice,
        "engine": engine,
        "experiments": {},
        "timings": {"total_s": None, "experiments": {}, "tasks": {}},
        "warnings": [],
    }


def save(record: dict, path) -> Path:
    """Write ``record`` as compact JSON (strict: no NaN) to ``path``."""
    path = Path(path)
    text = json.dumps(to_jsonable(record), separators=(",", ":"), allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def load(path) -> dict:
    """Read a results.json, checking the schema name and version.

    Raises
    ------
    DataError
        Not JSON, not a genvsdisc results record, or a newer schema version.
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DataError(f"{path}: cannot read a results record ({err})") from None
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        raise DataError(f"{path}: expected a genvsdisc results record (schema '{SCHEMA}')")
    version = record.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise DataError(
            f"{path}: schema_version {version!r}; this genvsdisc reads up to {SCHEMA_VERSION}"
        )
    missing = [k for k in _REQUIRED if k not in record]
    if missing:
        raise DataError(f"{path}: results record lacks {', '.join(missing)}")
    return record
