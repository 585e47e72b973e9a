"""The content blocks of atlas and briefing pages: text and tables, in the reader's language.

Planning writes what a page says as blocks (:class:`BriefText`, :class:`BriefTable`);
:mod:`maps.pdf_table` lays them out on paper. A table is text already: headers from
:func:`planning.table_labels.header`, codes translated (:func:`planning.table_labels.value_text`),
numbers rounded by what they measure (:func:`planning.table_labels.rounding`) and written
the language's way (``1.891,7`` in Vietnamese, ``1,891.7`` in English).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planning.table_labels import TRANSLATED_COLUMNS, header, rounding, value_text

LIST_COLUMNS: frozenset[str] = frozenset({"missing", "binding"})
"""Columns holding codes joined by ``","`` (each translated)."""

YES_NO: dict[str, tuple[str, str]] = {"vi": ("có", "không"), "en": ("yes", "no")}


@dataclass(frozen=True)
class BriefText:
    """A paragraph.

    Attributes
    ----------
    text : str
        The words (wrapped to the box).
    style : {"body", "heading", "lead", "note"}
        ``heading``: bold, larger; ``lead``: bold body (e.g. a verdict); ``note``: smaller,
        grey.
    """

    text: str
    style: str = "body"


@dataclass(frozen=True)
class BriefTable:
    """A table of text, continued on the next box or page (headers repeated) when long.

    Attributes
    ----------
    columns : list of str
        Headers, in the language.
    rows : list of list of str
        Cells.
    keys : list of str
        Stable name of each column (``code``, ``travel_min``…).
    numeric : list of bool
        Columns of numbers (right-aligned).
    caption : str, optional
        A line above the table.
    """

    columns: list[str]
    rows: list[list[str]]
    keys: list[str] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)
    caption: str | None = None

    def column(self, key: str) -> list[str]:
        """Return the cells of the column named ``key``."""
        i = self.keys.index(key)
        return [row[i] for row in self.rows]


Block = BriefText | BriefTable
"""What a page's text part is made of."""


def format_number(value: float, decimals: int | None, lang: str) -> str:
    """Write a number the language's way: ``1.891,7`` (``vi``), ``1,891.7`` (``en``).

    ``decimals`` ``None``: at most two decimals, trailing zeros dropped.
    """
    number = round(float(value), 2 if decimals is None else decimals) + 0.0  # no "-0"
    text = f"{number:,.{2 if decimals is None else decimals}f}"
    if decimals is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if lang == "vi":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def cell_text(value: Any, column: str, lang: str) -> str:
    """Return one cell for people: rounded number, translated code, ``""`` when missing."""
    if _missing(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return YES_NO[lang][0 if value else 1]
    if isinstance(value, int | float | np.integer | np.floating):
        return format_number(float(value), rounding(column), lang)
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(v, column, lang) for v in value)
    text = str(value)
    if column in LIST_COLUMNS:
        return ", ".join(str(value_text(part.strip(), lang)) for part in text.split(",")
                         if part.strip())
    if column in TRANSLATED_COLUMNS:
        return str(value_text(text, lang))
    return text


def text_table(frame: pd.DataFrame, columns: Sequence[str], lang: str, *,
               caption: str | None = None,
               headers: Mapping[str, str] | None = None) -> BriefTable:
    """Return ``columns`` of a result table as a :class:`BriefTable` in ``lang``.

    Parameters
    ----------
    frame : DataFrame
        A result table (stable column names).
    columns : sequence of str
        Columns shown, in order (missing ones are left out).
    lang : {"vi", "en"}
        Language of headers and values.
    caption : str, optional
        A line above the table.
    headers : mapping, optional
        Headers instead of :func:`planning.table_labels.header`.
    """
    keys = [c for c in columns if c in frame.columns]
    rows = [[cell_text(value, key, lang) for key, value in zip(keys, row, strict=True)]
            for row in frame[keys].itertuples(index=False, name=None)]
    numeric = [pd.api.types.is_numeric_dtype(frame[k]) and not pd.api.types.is_bool_dtype(
        frame[k]) for k in keys]
    names = [(headers or {}).get(k) or header(k, lang) for k in keys]
    return BriefTable(names, rows, keys, numeric, caption)


def setting_text(value: Any, lang: str) -> str:
    """Write a setting's value: numbers the language's way, mappings as ``key = value``."""
    if isinstance(value, Mapping):
        return "; ".join(f"{k} = {setting_text(v, lang)}" for k, v in value.items()) or "–"
    if isinstance(value, list | tuple):
        return ", ".join(setting_text(v, lang) for v in value) or "–"
    if isinstance(value, bool):
        return YES_NO[lang][0 if value else 1]
    if isinstance(value, int | float) and not _missing(value):
        return format_number(float(value), None, lang)
    return "–" if _missing(value) else str(value)


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "None", "nan", "<NA>", "NaN")
