"""Attribute columns become JSON for the map's popups: whole columns at once, as value by value."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from maps.display import json_value, json_values

COLUMNS = {
    "float": pd.Series([1.5, np.nan, np.inf, -np.inf, 2.0]),
    "float32": pd.Series([0.1, 2.5], dtype="float32"),
    "Float64": pd.Series([1.0, None], dtype="Float64"),
    "int": pd.Series([1, -2, 3]),
    "Int64": pd.Series([1, None], dtype="Int64"),
    "bool": pd.Series([True, False]),
    "boolean": pd.Series([True, None], dtype="boolean"),
    "text": pd.Series(["Xã Tân Thanh", None, "b"]),
    "text with NaN": pd.Series(["a", np.nan], dtype=object),
    "string": pd.Series(["x", None], dtype="string"),
    "arrow string": pd.Series(["Lạng Sơn", None], dtype="string[pyarrow]"),
    "dates": pd.Series([dt.date(2020, 1, 1), None]),
    "datetimes": pd.Series(pd.to_datetime(["2020-01-01 08:30", None])),
    "mixed": pd.Series(["a", 1, 2.5]),
    "lists": pd.Series([[1], 2]),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_column_converts_as_its_values_one_by_one(name: str) -> None:
    column = COLUMNS[name]
    try:
        expected = [json_value(v) for v in column]
    except TypeError:
        expected = None  # no JSON form: the column is dropped
    got = json_values(column)
    assert got == expected
    for a, b in zip(got or [], expected or [], strict=True):
        assert type(a) is type(b), (a, b)
