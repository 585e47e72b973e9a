"""Result objects: what every analysis returns to the front ends.

A :class:`Result` holds named tables (the first is the main one, written by ``--out``),
scalar values, the settings used and the warnings. Geometries are in EPSG:4326; features
are named ``"<layer>:<row>"`` with their ``code`` and ``name`` beside the id wherever the
layer has them. The CLI prints or exports a result, the pages draw it, the briefings print
it: nobody recomputes it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd

from planning.messages import Message

STORAGE_CRS = "EPSG:4326"


@dataclass
class Result:
    """The outcome of one analysis.

    Attributes
    ----------
    tables : dict of str to DataFrame
        Named result tables, main table first; GeoDataFrames in EPSG:4326.
    values : dict
        Scalars that describe the run (e.g. ``year``, ``bands``).
    settings : dict
        Every setting and parameter the analysis used, by name.
    warnings : list of Message
        What the user should know about the inputs (translate with ``.text(lang)``).
    json_keys : tuple of str
        Keys of the JSON object the command line prints (each a table or a value name);
        empty: the main table's records as a list.
    extra : dict
        Objects front ends draw but do not print (graphs, plans, map layers).
    """

    tables: dict[str, pd.DataFrame]
    values: dict[str, Any] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)
    json_keys: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        clash = set(self.tables) & set(self.values)
        if clash:
            msg = f"a result's tables and values share the names {sorted(clash)}."
            raise ValueError(msg)

    @property
    def main(self) -> pd.DataFrame:
        """The main table (the first)."""
        return next(iter(self.tables.values()))

    @property
    def main_name(self) -> str:
        """Name of the main table."""
        return next(iter(self.tables))

    def json_data(self) -> Any:
        """Return what ``--json`` prints: records, or an object of ``json_keys``."""
        if not self.json_keys:
            return records(self.main)
        return {key: records(self.tables[key]) if key in self.tables else self.values[key]
                for key in self.json_keys}


def records(frame: pd.DataFrame) -> list[dict]:
    """Return the rows of a table as JSON-ready dicts (geometry left out, NaN as null)."""
    plain = frame
    if isinstance(frame, gpd.GeoDataFrame):
        plain = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return json.loads(plain.to_json(orient="records", force_ascii=False))


def in_storage_crs(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with its geometry in EPSG:4326 (plain tables unchanged)."""
    if isinstance(frame, gpd.GeoDataFrame) and frame.crs is not None:
        return frame.to_crs(STORAGE_CRS)
    return frame


def feature_labels(features: pd.DataFrame, column: str) -> pd.Series:
    """Return ``column`` (``code`` or ``name``) of ``features`` as clean text ('' if none)."""
    if column not in features.columns:
        return pd.Series("", index=features.index, dtype="str")
    values = features[column].astype(object)
    text = values.where(values.notna(), "").astype(str).str.strip()
    return text.where(~text.isin(["None", "nan", "<NA>"]), "").astype("str")


def add_labels(table: pd.DataFrame, id_column: str, features: pd.DataFrame,
               prefix: str | None = None, *, names: bool = True) -> pd.DataFrame:
    """Add the code (and name) of the features named in ``id_column`` beside it.

    Parameters
    ----------
    table : DataFrame
        A result whose ``id_column`` holds feature ids (``"<layer>:<row>"``), or several
        ids joined by ``"; "``.
    id_column : str
        The id column.
    features : DataFrame
        The features, indexed by id, with ``code`` and ``name`` where the layers have them.
    prefix : str, optional
        Prefix of the new columns (default ``id_column + "_"``): ``<prefix>code`` and
        ``<prefix>name``. Columns already in ``table`` are left as they are.
    names : bool
        Also add the names.

    Returns
    -------
    DataFrame
        A copy with the new columns right after ``id_column``.
    """
    prefix = f"{id_column}_" if prefix is None else prefix
    out = table.copy()
    pos = out.columns.get_loc(id_column) + 1
    for attr in ("code", "name") if names else ("code",):
        column = f"{prefix}{attr}"
        if column in out.columns:
            continue
        lookup = feature_labels(features, attr).to_dict()
        out.insert(pos, column, [_lookup(v, lookup) for v in out[id_column]])
        pos += 1
    return out


def _lookup(value: object, lookup: Mapping[str, str]) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    text = str(value)
    if "; " in text:
        return "; ".join(lookup.get(v, "") for v in text.split("; "))
    return lookup.get(text, "")
