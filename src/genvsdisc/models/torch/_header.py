"""The schema of a save file's JSON header, checked before anything is built from it.

A ``.safetensors`` file from elsewhere is untrusted input. :func:`parse_json`
refuses a header deeper or larger than any genvsdisc writes (a thousand
nested brackets make ``json.loads`` recurse until Python gives up), and
:func:`check_meta` checks every field's type and size: parameters must be
the model's own, of the type of their default, and every whole number in
them (layer widths, time steps, vocabulary size...) lies within
:data:`INT_LIMITS`, so a crafted file cannot ask for an 80 TB tensor. The
weights' shapes are then checked against the network built from the header
on PyTorch's ``meta`` device (no memory) by :mod:`.persist`.

JSON Schema validators exist, but none is a genvsdisc dependency and the
checks below are few; they are written out here.
"""

from __future__ import annotations

import json
import re

import numpy as np

from genvsdisc.exceptions import DataError

__all__ = ["MAX_HEADER_BYTES", "MAX_DEPTH", "INT_LIMITS", "parse_json", "check_meta"]

#: Bytes of JSON header; genvsdisc's largest (an n-gram vocabulary) takes a few MB.
MAX_HEADER_BYTES = 64 * 1024**2
#: Nesting of brackets in the header; genvsdisc writes at most 4.
MAX_DEPTH = 16
#: Classes a saved model may have, and characters in one class name.
MAX_CLASSES, MAX_NAME_CHARS = 100_000, 1_000
#: Items in one list (image shapes, vocabularies).
MAX_LIST = 5_000_000
#: Largest value of each whole-number parameter (in ``params`` or the network
#: description ``extras.arch``); others get ``DEFAULT_INT_LIMIT``. Widths are
#: bounded so that one layer stays under a few GB even before the weights are
#: compared with the file.
INT_LIMITS = {
    "hidden": 16_384,
    "channels": 4_096,
    "latent_dim": 4_096,
    "n_embd": 8_192,
    "n_head": 256,
    "n_layer": 256,
    "n_blocks": 256,
    "block_size": 65_536,
    "max_vocab": 2_000_000,
    "timesteps": 100_000,
    "sample_steps": 100_000,
    "n_trials": 10_000,
    "n_importance": 10_000,
    "order": 16,
    "n_features": 16_777_216,
    "n_classes": MAX_CLASSES,
    "random_state": 2**32 - 1,
}
DEFAULT_INT_LIMIT = 10_000_000

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)


def parse_json(raw: bytes | str, where: str, what: str):
    """``json.loads`` of an untrusted header, refused above :data:`MAX_HEADER_BYTES`
    or :data:`MAX_DEPTH`.

    Raises
    ------
    DataError
        Too large, too deep or not JSON.
    """
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_HEADER_BYTES:
        raise DataError(
            f"{where}: the {what} takes {len(raw):,} bytes; at most {MAX_HEADER_BYTES:,} expected"
        )
    # brackets inside strings do not nest: blank the strings out, then count (numpy:
    # a Python loop over 64 MB of brackets would take seconds)
    code = np.frombuffer(_STRING.sub(b'""', raw), dtype=np.uint8)
    opens = (code == ord("[")) | (code == ord("{"))
    closes = (code == ord("]")) | (code == ord("}"))
    depth = np.cumsum(opens.astype(np.int64) - closes)
    if depth.size and depth.max() > MAX_DEPTH:
        raise DataError(
            f"{where}: the {what} nests deeper than {MAX_DEPTH} levels; not a genvsdisc model file"
        )
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise DataError(
            f"{where}: the {what} is not valid JSON; not a genvsdisc model file"
        ) from None


def _refuse(where: str, field: str, expected: str, value) -> DataError:
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return DataError(f"{where}: model file field {field!r}: expected {expected}, found {shown}")


def _check_int(where: str, field: str, name: str, value: int) -> None:
    limit = INT_LIMITS.get(name, DEFAULT_INT_LIMIT)
    if not 0 <= value <= limit:
        raise _refuse(where, field, f"a whole number in [0, {limit:,}]", value)


def _check_numbers(where: str, field: str, value) -> None:
    """Every whole number under ``value`` (a dict, list or scalar) within its limit."""
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, bool):
                continue
            if isinstance(v, int):
                _check_int(where, f"{field}.{k}", k, v)
            else:
                _check_numbers(where, f"{field}.{k}", v)
    elif isinstance(value, list):
        if len(value) > MAX_LIST:
            raise _refuse(where, field, f"at most {MAX_LIST:,} items", f"{len(value):,} items")
        name = field.rsplit(".", 1)[-1]
        for v in value:
            if isinstance(v, int) and not isinstance(v, bool):
                _check_int(where, field, name, v)
            elif isinstance(v, (dict, list)):
                _check_numbers(where, field, v)


_KINDS = {
    bool: "true or false",
    int: "a whole number",
    float: "a number",
    str: "a short text",
    list: "a list",
    tuple: "a list",
    type(None): "none, a number or a list",
}


def _same_kind(value, default) -> bool:
    """Whether a saved parameter has the type of the class's default for it."""
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and (default is None or isinstance(default, bool))
    if default is None:  # e.g. image_shape=None, verbose=None: None, a number or a list
        return value is None or isinstance(value, (int, float, list))
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, float):
        return isinstance(value, (int, float))
    if isinstance(default, str):
        return isinstance(value, str) and len(value) <= 100
    if isinstance(default, (list, tuple)):
        return isinstance(value, list)
    return False


def check_meta(meta, where: str, defaults: dict) -> None:
    """Types and sizes of genvsdisc's metadata, against the model class's ``defaults``.

    Parameters
    ----------
    meta : object
        The parsed metadata.
    where : str
        The file, for messages.
    defaults : dict
        ``cls().get_params(deep=False)`` of the class the file names.

    Raises
    ------
    DataError
        One line naming the field, what was expected and what was found.
    """
    params = meta.get("params")
    if not isinstance(params, dict):
        raise _refuse(where, "params", "an object of parameters", params)
    for key, value in params.items():
        if key not in defaults:
            raise _refuse(where, "params", f"parameters of this model ({', '.join(defaults)})", key)
        if not _same_kind(value, defaults[key]):
            raise _refuse(where, f"params.{key}", _KINDS.get(type(defaults[key]), "?"), value)
    _check_numbers(where, "params", params)
    classes = meta.get("classes")
    if not isinstance(classes, list) or not 1 <= len(classes) <= MAX_CLASSES:
        raise _refuse(where, "classes", f"a list of 1 to {MAX_CLASSES:,} classes", classes)
    names = meta.get("class_names")
    for field, values in (("classes", classes), ("class_names", names or [])):
        for c in values:
            if isinstance(c, bool) or not isinstance(c, (str, int, float)):
                raise _refuse(where, field, "class labels (text or numbers)", c)
            if isinstance(c, str) and len(c) > MAX_NAME_CHARS:
                raise _refuse(where, field, f"names of at most {MAX_NAME_CHARS} characters", c)
    if names is not None and (not isinstance(names, list) or len(names) != len(classes)):
        raise _refuse(where, "class_names", f"a list of {len(classes)} names", names)
    if meta.get("classes_kind", "O") not in ("O", "U", "S", "i", "u", "f", "b"):
        raise _refuse(where, "classes_kind", "a numpy dtype kind", meta.get("classes_kind"))
    n_in = meta.get("n_features_in")
    if n_in is not None and (not isinstance(n_in, int) or isinstance(n_in, bool)):
        raise _refuse(where, "n_features_in", "a whole number", n_in)
    if n_in is not None:
        _check_int(where, "n_features_in", "n_features", n_in)
    extras = meta.get("extras", {})
    if not isinstance(extras, dict):
        raise _refuse(where, "extras", "an object", extras)
    _check_numbers(where, "extras", extras)
