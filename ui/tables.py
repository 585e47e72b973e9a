"""Result tables for people: headers in the interface language, rounded, no "None".

Every page shows a result table through :func:`show_table`, so a column reads the same on
every page. Headers come from :data:`COLUMN_LABELS` (a column not listed keeps its name;
``n_<kind>`` / ``has_<kind>`` use the kind's label), values from :data:`VALUE_LABELS` and
the layer kinds (the vocabulary lives in :mod:`planning.table_labels`, shared with the
briefing PDFs). Numbers are rounded by what they measure (:func:`rounding`): minutes to
0.1, km to 0.01, metres and m² to whole numbers, percentages to 0.1. Downloads keep the
stable column names and full precision (:func:`layers.tables.table_csv_bytes`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from planning import table_labels
from planning.table_labels import COLUMN_LABELS as COLUMN_LABELS
from planning.table_labels import LIST_COLUMNS
from planning.table_labels import TRANSLATED_COLUMNS as TRANSLATED_COLUMNS
from planning.table_labels import VALUE_LABELS as VALUE_LABELS
from planning.table_labels import rounding as rounding
from ui.i18n import lang


def header(column: str, language: str | None = None) -> str:
    """Return the header of ``column`` in the interface language."""
    return table_labels.header(column, language or lang())


def value_text(value: object, language: str | None = None) -> object:
    """Return a translated value (a kind's label, a verdict…), else the value."""
    return table_labels.value_text(value, language or lang())


def localized(frame: pd.DataFrame, language: str | None = None) -> pd.DataFrame:
    """Return ``frame`` for people: rounded, translated values and headers, no "None".

    Parameters
    ----------
    frame : DataFrame
        A result table (a GeoDataFrame loses its geometry).
    language : str, optional
        ``"vi"`` or ``"en"``; the interface language by default.
    """
    language = language or lang()
    if isinstance(frame, gpd.GeoDataFrame):
        frame = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return pd.DataFrame({header(str(c), language): _column(frame[c], str(c), language)
                         for c in frame.columns}, index=frame.index)


def show_table(frame: pd.DataFrame, *, key: str | None = None, **kwargs: object) -> None:
    """Show a result table in the interface language (see :func:`localized`)."""
    st.dataframe(localized(frame), hide_index=True, width="stretch", key=key, **kwargs)


def _column(values: pd.Series, column: str, language: str) -> pd.Series:
    """One column for people: rounded numbers, translated codes, blanks for missing.

    A numeric column with gaps becomes text (the numbers formatted with their decimals):
    a grid shows a missing number as "None" otherwise.
    """
    if pd.api.types.is_bool_dtype(values):
        return values
    if pd.api.types.is_numeric_dtype(values):
        decimals = rounding(column)
        if decimals is not None:
            values = values.round(decimals)
        if not values.isna().any():
            return values.astype("int64") if decimals == 0 else values
        digits = f".{decimals}f" if decimals is not None else "g"
        return values.map(lambda v: "" if _is_missing(v) else format(v, digits))
    if column in TRANSLATED_COLUMNS:
        values = values.map(lambda v: value_text(v, language))
    elif column in LIST_COLUMNS:
        values = values.map(lambda v: ", ".join(str(value_text(k, language))
                                                for k in v.split(", ") if k)
                            if isinstance(v, str) else v)
    return values.astype(object).map(lambda v: "" if _is_missing(v) else v)


def _is_missing(value: object) -> bool:
    if isinstance(value, str):
        return value in {"None", "nan", "<NA>", "NaN"}
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))
