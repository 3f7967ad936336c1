"""Save and load fitted genvsdisc models: safetensors weights plus JSON metadata.

:func:`save_model` stores a fitted torch or n-gram model in one
``.safetensors`` file; :func:`load_model` reads it back. Loading never
unpickles: the file holds only tensors and JSON, and the model class comes
from the registry: the name written in the file is looked up among the
catalog's entries with ``saveable=True`` and their own ``estimator`` path
is imported, never a path read from the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load, save
from sklearn.utils.validation import check_is_fitted

from genvsdisc import __version__
from genvsdisc.exceptions import DataError, ParameterError
from genvsdisc.models.registry import get_spec, model_names, spec_of
from genvsdisc.models.torch._header import check_meta, parse_json

__all__ = ["save_model", "load_model"]

#: Largest model file :func:`load_model` reads (the whole file is read into memory).
MAX_MODEL_BYTES = 4 * 1024**3

_FORMAT = "genvsdisc.model"
_FORMAT_VERSION = 1
_META_KEY = "genvsdisc"

#: Fitted scikit-learn-side arrays stored beside the weights when a model has them.
#: Fitted arrays stored beside the weights when a model has them (ngram_lm's class
#: counts and priors included, so a reloaded model reports them as fitted).
_ARRAY_ATTRS = (
    "class_log_prior_",
    "class_count_",
    "class_prior_",
    "feature_min_",
    "feature_max_",
)


def _json_safe(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):  # e.g. priors given as an array
        return _json_safe(value.tolist())
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise ParameterError(
        f"save_model: the value {value!r} ({type(value).__name__}) cannot be stored as JSON."
    )


def _digest(tensors: dict[str, torch.Tensor], meta: dict) -> str:
    """SHA-256 over the metadata (all but the digest) and the tensors' names, dtypes,
    shapes and bytes, in name order.

    safetensors has no checksum of its own; this catches a file whose
    weights or metadata were altered or damaged after saving. (It is a
    check against accidents, not a signature: loading stays safe anyway,
    because the file holds only tensors and JSON.)
    """
    h = hashlib.sha256()
    body = {k: v for k, v in meta.items() if k != "sha256"}
    h.update(json.dumps(body, sort_keys=True).encode())
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        h.update(f"{name}|{t.dtype}|{tuple(t.shape)}|".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes() if t.numel() else b"")
    return h.hexdigest()


def save_model(model, path, *, class_names=None) -> Path:
    """Save a fitted genvsdisc deep or n-gram model to one ``.safetensors`` file.

    The file holds the weights (and the model's other fitted arrays) as
    safetensors tensors, plus JSON metadata: the model name, its parameters,
    the classes, genvsdisc's version and a SHA-256 of the tensors.

    Parameters
    ----------
    model : fitted estimator
        A model whose registry entry says ``saveable`` (the deep models and ``ngram_lm``).
    path : str or Path
    class_names : list of str, optional
        The name of each class index in ``model.classes_`` (a model fitted on
        class indices); default: ``model.classes_`` itself when it holds text.
        Stored so that loading against other classes is refused, not relabelled.

    Returns
    -------
    Path
        Where the file was written.
    """
    spec = spec_of(model)
    if spec is None or not spec.saveable:
        raise ParameterError(
            f"save_model: {type(model).__name__} cannot be saved this way; it works for "
            f"{', '.join(_saveable())}."
        )
    check_is_fitted(model)
    tensors, extras = model._export_state()
    for attr in _ARRAY_ATTRS:
        if hasattr(model, attr):
            tensors[f"sk.{attr}"] = torch.as_tensor(np.asarray(getattr(model, attr)))
    tensors = {k: v.contiguous() for k, v in tensors.items()}
    classes = model.classes_
    if class_names is None and classes.dtype.kind in "OUS":
        class_names = [str(c) for c in classes]
    if class_names is not None and len(class_names) != len(classes):
        raise ParameterError(
            f"save_model: {len(class_names)} class names for {len(classes)} classes"
        )
    meta = {
        "format": _FORMAT,
        "format_version": _FORMAT_VERSION,
        "genvsdisc_version": __version__,
        "model": spec.name,
        "params": _json_safe(model.get_params(deep=False)),
        "classes": _json_safe(list(classes)),
        "classes_kind": classes.dtype.kind,
        "class_names": None if class_names is None else [str(c) for c in class_names],
        "n_features_in": _json_safe(getattr(model, "n_features_in_", None)),
        "extras": _json_safe(extras),
    }
    meta["sha256"] = _digest(tensors, meta)
    path = Path(path)
    data = save(tensors, metadata={_META_KEY: json.dumps(meta)})
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)  # never leave a half-written model behind
    return path


def _read_header(path: Path, data: bytes) -> dict:
    """Parse the safetensors header and return genvsdisc's JSON metadata."""
    if len(data) < 8:
        raise DataError(f"{path}: not a genvsdisc model file (only {len(data)} bytes).")
    (n,) = struct.unpack("<Q", data[:8])
    if n > len(data) - 8:
        raise DataError(f"{path}: the model file is truncated (header runs past the end).")
    header = parse_json(data[8 : 8 + n], path, "safetensors header")
    try:
        meta = parse_json(header["__metadata__"][_META_KEY], path, "genvsdisc metadata")
    except (KeyError, TypeError):
        raise DataError(f"{path}: not a genvsdisc model file (no genvsdisc metadata).") from None
    if not isinstance(meta, dict) or meta.get("format") != _FORMAT:
        raise DataError(f"{path}: not a genvsdisc model file (format is not {_FORMAT!r}).")
    if meta.get("format_version") != _FORMAT_VERSION:
        raise DataError(
            f"{path}: model file format version {meta.get('format_version')!r}; this "
            f"genvsdisc reads version {_FORMAT_VERSION}."
        )
    if not isinstance(meta.get("model"), str):
        raise DataError(f"{path}: model file field 'model': expected a model name.")
    return meta


def _saveable() -> list[str]:
    """Names of the models that can be saved and loaded, sorted."""
    return sorted(model_names(saveable=True))


def _load_class(name, path: Path) -> type:
    """The class of the saveable model ``name``; a name outside that fixed list is refused."""
    if not isinstance(name, str) or name not in _saveable():
        raise DataError(
            f"{path}: unknown model {name!r}; genvsdisc loads {', '.join(_saveable())}."
        )
    return get_spec(name).estimator_class


def load_model(path, *, device=None):
    """Load a model written by :func:`save_model`.

    Parameters
    ----------
    path : str or Path
    device : {"auto", "cpu", "cuda"} or None
        Where to put the weights; None keeps the saved ``device`` parameter.

    Raises
    ------
    DataError
        Missing, truncated, altered or foreign file, with one line saying which.
    """
    path = Path(path)
    try:
        if not path.is_file():
            why = "not a regular file" if path.exists() else "no such file"
            raise DataError(f"{path}: cannot read the model file ({why}).")
        size = path.stat().st_size
        if size > MAX_MODEL_BYTES:
            raise DataError(
                f"{path}: {size:,} bytes; genvsdisc model files are at most {MAX_MODEL_BYTES:,}."
            )
        data = path.read_bytes()
    except OSError as err:
        raise DataError(f"{path}: cannot read the model file ({err.strerror}).") from None
    meta = _read_header(path, data)
    try:
        tensors = load(data)
    except (SafetensorError, ValueError, RuntimeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise DataError(f"{path}: the model file is damaged or truncated ({reason}).") from None
    if _digest(tensors, meta) != meta.get("sha256"):
        raise DataError(
            f"{path}: the weights and metadata do not match their SHA-256; the file was "
            "altered or damaged after saving."
        )
    cls = _load_class(meta.get("model"), path)
    defaults = cls().get_params(deep=False)
    check_meta(meta, path, defaults)  # types and sizes, before anything is built
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in meta["params"].items()}
    if device is not None and "device" in defaults:  # n-gram models have no device
        params["device"] = device
    try:
        model = cls(**params)
    except TypeError as err:
        raise DataError(f"{path}: the saved parameters do not fit {cls.__name__}: {err}.") from None
    kind = meta.get("classes_kind", "O")
    model.classes_ = np.asarray(meta["classes"], dtype=object if kind in "OUS" else None)
    if kind in "US":
        model.classes_ = model.classes_.astype(str)
    model.class_names_ = meta.get("class_names")
    if meta.get("n_features_in") is not None:
        model.n_features_in_ = int(meta["n_features_in"])
    for attr in _ARRAY_ATTRS:
        if f"sk.{attr}" in tensors:
            setattr(model, attr, tensors[f"sk.{attr}"].numpy().copy())
    _check_weight_shapes(model, tensors, meta.get("extras", {}), path)
    try:
        model._import_state(tensors, meta.get("extras", {}))
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, DataError):
            raise DataError(f"{path}: {err}") from None
        raise DataError(
            f"{path}: the model file is incomplete ({type(err).__name__}: {err})."
        ) from None
    return model


def _check_weight_shapes(model, tensors: dict, extras: dict, path: Path) -> None:
    """The network the header describes, built on PyTorch's ``meta`` device (shapes,
    no memory), must have exactly the file's weights: a header asking for layers
    larger than its weights is refused before anything is allocated."""
    build = getattr(model, "_build_module", None)
    if build is None:
        return
    try:
        with torch.device("meta"):
            probe = build(extras["arch"])
    except (KeyError, TypeError, ValueError, RuntimeError) as err:
        raise DataError(
            f"{path}: the network description does not fit {type(model).__name__} "
            f"({type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''})."
        ) from None
    wanted = {f"module.{k}": tuple(v.shape) for k, v in probe.state_dict().items()}
    found = {k: tuple(v.shape) for k, v in tensors.items() if k.startswith("module.")}
    if wanted != found:
        odd = sorted(set(wanted.items()) ^ set(found.items()))[:1]
        raise DataError(
            f"{path}: the weights do not fit the network the file describes "
            f"(first difference: {odd[0][0]} {odd[0][1]})."
        )
