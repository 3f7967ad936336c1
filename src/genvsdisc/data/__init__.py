"""Data layer: built-in data sets, user files, validation and splitting.

>>> from genvsdisc.data import load, train_test_split
>>> train, test = train_test_split(load("iris"), test_size=0.3, random_state=0)
"""

from genvsdisc.data.builtins import BUILTINS, builtin_names, describe_builtins
from genvsdisc.data.dataset import Dataset
from genvsdisc.data.encoder import TableEncoder
from genvsdisc.data.load import load
from genvsdisc.data.split import train_test_split

__all__ = [
    "BUILTINS",
    "Dataset",
    "TableEncoder",
    "builtin_names",
    "describe_builtins",
    "load",
    "train_test_split",
]
