"""Data layer: built-in data sets, user files, validation and splitting.

>>> from genvsdisc.data import load, train_test_split
>>> train, test = train_test_split(load("iris"), test_size=0.3, random_state=0)
"""

import importlib

from genvsdisc.data.builtins import BUILTINS, builtin_names, describe_builtins
from genvsdisc.data.dataset import Dataset

__all__ = [
    "BUILTINS",
    "Dataset",
    "TableEncoder",
    "builtin_names",
    "describe_builtins",
    "from_arrays",
    "from_frame",
    "load",
    "train_test_split",
]

# Imported on first use (PEP 562): pandas and scikit-learn take seconds to import,
# which `genvsdisc datasets` and `--help` do not need.
_LAZY = {
    "load": "genvsdisc.data.loader",
    "train_test_split": "genvsdisc.data.split",
    "TableEncoder": "genvsdisc.data.encoder",
    "from_arrays": "genvsdisc.data.memory",
    "from_frame": "genvsdisc.data.memory",
}


def __getattr__(name):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'genvsdisc.data' has no attribute '{name}'")


def __dir__():
    return sorted(set(globals()) | set(__all__))
