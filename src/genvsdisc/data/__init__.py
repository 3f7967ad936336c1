"""Data layer: built-in data sets, user files, validation and splitting."""

from genvsdisc.data.dataset import Dataset

__all__ = ["Dataset"]
