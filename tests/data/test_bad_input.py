"""Every bad input named in the data-layer issue, through load(): one line naming file and problem."""

from __future__ import annotations

import re

import pytest

from genvsdisc.data import load
from genvsdisc.exceptions import DataError, DataWarning, GenvsdiscError


def test_load_bad_input_one_line(bad_input, bad_kind):
    case = bad_input(bad_kind)
    if case.warning:
        with pytest.warns(DataWarning, match=case.match) as record:
            ds = load(case.source, **case.kwargs)
        assert ds.n_samples > 0
        assert all("\n" not in str(w.message) for w in record)
        assert any(re.search(case.match, note) for note in ds.notes)  # inspect shows it
    else:
        with pytest.raises(GenvsdiscError, match=case.match) as err:
            load(case.source, **case.kwargs)
        assert "\n" not in str(err.value)
        assert isinstance(err.value, DataError)


def test_load_unknown_name_lists_builtins():
    from genvsdisc.exceptions import UnknownNameError

    with pytest.raises(
        UnknownNameError, match=r"unknown data set 'irsi'.*did you mean 'iris'.*moons, circles"
    ):
        load("irsi")
