"""The fitted encoder that turns raw table rows into genvsdisc feature columns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from genvsdisc.exceptions import DataError

__all__ = ["TableEncoder", "parse_numeric"]


#: Largest magnitude a numeric cell may have. Models square differences and sum
#: them over rows; numbers much above 1e100 overflow float64 (inf, then NaN) there.
MAX_ABS_VALUE = 1e100


def parse_numeric(column: pd.Series, *, name: str, where: str, line_offset: int | None = None):
    """Parse a column of numbers (str or numeric dtype) into float64, NaN kept.

    Parameters
    ----------
    column : Series, length n
    name, where : str
        Column and file, for messages.
    line_offset : int or None
        When given, messages also name the file line (data row + offset).

    Returns
    -------
    ndarray of float64, shape (n,)

    Raises
    ------
    DataError
        A cell that is not a number (naming the first such row) or an infinite value.
    """
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        values = column.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        stripped = column.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
        values = pd.to_numeric(stripped, errors="coerce").to_numpy(dtype=np.float64)
        bad = np.isnan(values) & column.notna().to_numpy() & (stripped != "").to_numpy()
        if bad.any():
            pos = int(np.argmax(bad))
            raise DataError(
                f"{where}: column '{name}' holds numbers but {_row(pos, line_offset)} holds "
                f"{column.iloc[pos]!r}; fix it, or leave the cell empty for a missing value"
            )
    infinite = np.isinf(values)
    if infinite.any():
        pos = int(np.argmax(infinite))
        raise DataError(
            f"{where}: column '{name}' has an infinite value at {_row(pos, line_offset)} "
            f"({values[pos]}); expected finite numbers (leave the cell empty for missing)"
        )
    with np.errstate(invalid="ignore"):  # NaN compares False: missing cells pass
        huge = np.abs(values) > MAX_ABS_VALUE
    if huge.any():
        pos = int(np.argmax(huge))
        raise DataError(
            f"{where}: column '{name}' holds {values[pos]:g} at {_row(pos, line_offset)}; "
            f"expected values within ±{MAX_ABS_VALUE:g} (squares and variances of larger "
            "numbers overflow float64): rescale the column"
        )
    return values


def _row(pos: int, line_offset: int | None) -> str:
    return f"row {pos + 1}" + (f" (line {pos + 1 + line_offset})" if line_offset else "")


class TableEncoder(TransformerMixin, BaseEstimator):
    """Numeric columns as float64, categorical columns one-hot; missing stays NaN.

    Written here rather than with :class:`~sklearn.compose.ColumnTransformer` and
    :class:`~sklearn.preprocessing.OneHotEncoder` because a missing category must
    become NaN in *all* its indicator columns (so generative models can integrate
    the feature out), where OneHotEncoder makes it a category of its own. An
    unseen category becomes all zeros, as OneHotEncoder's ``handle_unknown="ignore"``.

    Parameters
    ----------
    numeric : sequence of str
        Columns kept as numbers.
    categorical : sequence of str
        Columns one-hot encoded; categories are the sorted distinct non-missing values
        seen in ``fit``, compared as str.

    Attributes
    ----------
    categories_ : dict of str to list of str
    feature_names_out_ : list of str
        ``name`` for numeric columns, ``name=value`` for indicators, in output order.

    Examples
    --------
    >>> import pandas as pd
    >>> enc = TableEncoder(numeric=["age"], categorical=["city"])
    >>> enc.fit_transform(pd.DataFrame({"age": ["31", None], "city": ["Oslo", None]}))
    array([[31.,  1.],
           [nan, nan]])
    """

    def __init__(self, *, numeric=(), categorical=()):
        self.numeric = numeric
        self.categorical = categorical

    def fit(self, frame: pd.DataFrame, y=None):
        self._check_columns(frame)
        self.categories_ = {
            c: sorted({str(v) for v in frame[c].dropna()}) for c in self.categorical
        }
        self.feature_names_out_ = list(self.numeric) + [
            f"{c}={v}" for c in self.categorical for v in self.categories_[c]
        ]
        self.n_features_out_ = len(self.feature_names_out_)
        return self

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Encode ``frame`` (raw columns by name) into an (n, n_features_out_) float64 array."""
        check_is_fitted(self, "categories_")
        self._check_columns(frame)
        blocks = [
            parse_numeric(frame[c], name=c, where="rows to encode")[:, None] for c in self.numeric
        ]
        for c in self.categorical:
            cats = self.categories_[c]
            values = frame[c].to_numpy(dtype=object)
            present = pd.notna(frame[c]).to_numpy()
            as_str = np.array([str(v) for v in values], dtype=object)
            block = (as_str[:, None] == np.array(cats, dtype=object)[None, :]).astype(np.float64)
            block[~present] = np.nan
            blocks.append(block)
        if not blocks:
            return np.empty((len(frame), 0), dtype=np.float64)
        return np.hstack(blocks)

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        check_is_fitted(self, "categories_")
        return np.asarray(self.feature_names_out_, dtype=object)

    def _check_columns(self, frame) -> None:
        if not isinstance(frame, pd.DataFrame):
            raise DataError(
                f"rows to encode: expected a pandas DataFrame, got {type(frame).__name__}"
            )
        missing = [c for c in (*self.numeric, *self.categorical) if c not in frame.columns]
        if missing:
            raise DataError(
                f"rows to encode: column(s) {', '.join(missing)} missing; "
                f"expected {', '.join((*self.numeric, *self.categorical))}"
            )
