"""Frames in and out of PostgreSQL tables (layer versions and records), exactly.

A layer version is a table with a ``fid`` (the row order), its attribute columns and one
PostGIS ``geometry(Geometry, 4326)`` column; a table of records has no geometry. The
pandas type of every column is kept in the table's comment (JSON), so a frame read back
has the types it was written with (``int32`` stays ``int32``, text stays text) and a copy
GeoPackage → PostGIS → GeoPackage loses nothing. Rows go in with ``COPY``; geometries as
extended WKB (exact coordinates).
"""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.pg_connect import quote
from layers.prepare import STORAGE_CRS

GEOMETRY_COLUMN = "geom"
"""Preferred name of the geometry column (another when an attribute has that name)."""

_TYPES = (("bool", "boolean"), ("boolean", "boolean"), ("int8", "smallint"),
          ("int16", "smallint"), ("int32", "integer"), ("int64", "bigint"),
          ("uint8", "smallint"), ("uint16", "integer"), ("uint32", "bigint"),
          ("float32", "real"), ("float64", "double precision"))


def write_frame(con: Any, table: str, frame: pd.DataFrame, *, comment: str = "") -> int:
    """Create ``table`` holding ``frame`` (a GeoDataFrame gets a geometry column).

    Parameters
    ----------
    con : psycopg.Connection
        Inside the change's transaction, ``search_path`` on the project schema.
    table : str
        New table name (must not exist).
    frame : DataFrame or GeoDataFrame
        The rows; a GeoDataFrame must be in EPSG:4326. The index is not stored.
    comment : str
        Words for people, kept in the comment beside the column types.

    Returns
    -------
    int
        Rows written.
    """
    geo = isinstance(frame, gpd.GeoDataFrame)
    attrs = frame.drop(columns=frame.geometry.name) if geo else frame
    columns = [(str(c), _pg_type(attrs[c].dtype)) for c in attrs.columns]
    geom = _geometry_name({c for c, _ in columns}) if geo else None
    ddl = ["fid bigserial PRIMARY KEY"] + [f"{quote(c)} {t}" for c, t in columns]
    if geom:
        ddl.append(f"{quote(geom)} geometry(Geometry, 4326)")
    con.execute(f"CREATE TABLE {quote(table)} ({', '.join(ddl)})")
    meta = {"columns": [[str(c), str(attrs[c].dtype)] for c in attrs.columns],
            "geometry": geom, "about": comment}
    con.execute(f"COMMENT ON TABLE {quote(table)} IS {_literal(meta)}")
    names = [c for c, _ in columns] + ([geom] if geom else [])
    values = [_values(attrs[c]) for c in attrs.columns]
    if geom:
        values.append(_ewkb(frame.geometry))
    _copy_rows(con, table, names, values, len(frame))
    return len(frame)


def read_frame(con: Any, table: str) -> pd.DataFrame:
    """Read a table written by :func:`write_frame`, with its column types, in row order.

    Returns
    -------
    DataFrame or GeoDataFrame
        A GeoDataFrame (geometry column ``geometry``, EPSG:4326) when the table has a
        geometry; a fresh ``RangeIndex``.
    """
    meta = table_meta(con, table)
    cols = [c for c, _ in meta["columns"]]
    select = [quote(c) for c in cols]
    if meta["geometry"]:
        select.append(f"ST_AsEWKB({quote(meta['geometry'])})")
    sql = f"SELECT {', '.join(select) or '1'} FROM {quote(table)} ORDER BY fid"
    rows = con.execute(sql).fetchall()
    data = {c: _typed([r[i] for r in rows], dtype)
            for i, (c, dtype) in enumerate(meta["columns"])}
    frame = pd.DataFrame(data, index=pd.RangeIndex(len(rows)), columns=cols)
    if not meta["geometry"]:
        return frame
    wkb = [None if r[-1] is None else bytes(r[-1]) for r in rows]
    geometry = gpd.GeoSeries(shapely.from_wkb(np.array(wkb, dtype=object)), crs=STORAGE_CRS)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=STORAGE_CRS)


def replace_rows(con: Any, table: str, frame: pd.DataFrame) -> bool:
    """Replace the rows of the records ``table`` in place; return whether it could.

    It can when ``table`` exists with the columns and types of ``frame`` (no geometry):
    no DDL then, so a reader of the table never waits for the change (it sees the old rows
    until the change commits). Otherwise the caller drops and writes the table anew.
    """
    if con.execute("SELECT to_regclass(%s)", (quote(table),)).fetchone()[0] is None:
        return False
    meta = table_meta(con, table)
    if meta["geometry"] or meta["columns"] != [[str(c), str(frame[c].dtype)]
                                               for c in frame.columns]:
        return False
    con.execute(f"DELETE FROM {quote(table)}")
    _copy_rows(con, table, [str(c) for c in frame.columns],
               [_values(frame[c]) for c in frame.columns], len(frame))
    return True


def table_meta(con: Any, table: str) -> dict:
    """Return the column types and geometry column kept in the comment of ``table``."""
    row = con.execute("SELECT obj_description(to_regclass(%s), 'pg_class')",
                      (quote(table),)).fetchone()
    if row is None or row[0] is None:
        msg = f"Table {table} has no column types in its comment."
        raise RuntimeError(msg)
    return json.loads(row[0])


def drop_table(con: Any, table: str) -> None:
    """Drop ``table`` if it exists."""
    con.execute(f"DROP TABLE IF EXISTS {quote(table)}")


def count_rows(con: Any, table: str) -> int:
    """Return the number of rows of ``table``."""
    return int(con.execute(f"SELECT COUNT(*) FROM {quote(table)}").fetchone()[0])


def copy_table(con: Any, source: str, target: str, comment: str = "") -> None:
    """Create ``target`` as an exact copy of ``source`` (rows, order, column types)."""
    meta = table_meta(con, source)
    con.execute(f"CREATE TABLE {quote(target)} (LIKE {quote(source)} INCLUDING ALL)")
    con.execute(f"ALTER TABLE {quote(target)} ALTER COLUMN fid DROP DEFAULT")
    con.execute(f"INSERT INTO {quote(target)} SELECT * FROM {quote(source)} ORDER BY fid")
    meta["about"] = comment or meta.get("about", "")
    con.execute(f"COMMENT ON TABLE {quote(target)} IS {_literal(meta)}")


# -- helpers ---------------------------------------------------------------------------


def _pg_type(dtype: object) -> str:
    name = str(dtype).lower()
    for pandas_name, pg in _TYPES:
        if name == pandas_name:
            return pg
    if name.startswith("datetime64"):
        return "timestamptz" if "," in name else "timestamp"
    return "text"


def _geometry_name(taken: set[str]) -> str:
    name, n = GEOMETRY_COLUMN, 1
    while name.lower() in {t.lower() for t in taken | {"fid"}}:
        n += 1
        name = f"{GEOMETRY_COLUMN}_{n}"
    return name


def _values(series: pd.Series) -> list[object]:
    """Python values of a column for COPY (missing values as ``None``)."""
    missing = series.isna().to_numpy()
    kind = _pg_type(series.dtype)
    out = series.astype(object).tolist()
    if kind == "text":
        out = [None if m else str(v) for v, m in zip(out, missing, strict=True)]
    else:
        out = [None if m else (v.item() if hasattr(v, "item") else v)
               for v, m in zip(out, missing, strict=True)]
    return out


def _ewkb(geometry: gpd.GeoSeries) -> list[str | None]:
    """Hex extended WKB (SRID 4326) of each geometry: what PostGIS reads as text in COPY."""
    arr = shapely.set_srid(np.asarray(geometry.array, dtype=object), 4326)
    wkb = shapely.to_wkb(arr, hex=True, include_srid=True, flavor="extended")
    return [None if g is None else str(g) for g in wkb]


def _copy_rows(con: Any, table: str, names: list[str], values: list[list], rows: int) -> None:
    cols = ", ".join(quote(c) for c in names)
    with con.cursor() as cur:
        if not names:
            for _ in range(rows):
                cur.execute(f"INSERT INTO {quote(table)} DEFAULT VALUES")
            return
        with cur.copy(f"COPY {quote(table)} ({cols}) FROM STDIN") as copy:
            for row in zip(*values, strict=True):
                copy.write_row(row)


def _typed(values: list[object], dtype: str) -> pd.Series:
    """Values read back as a column of the pandas type they were written from."""
    if dtype.startswith("datetime64") and "," in dtype:
        return pd.Series(pd.to_datetime(values, utc=True)).astype(dtype)
    try:
        return pd.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pd.Series(values, dtype=object)


def _literal(meta: dict) -> str:
    """Return the JSON of ``meta`` as an SQL string literal."""
    return "'" + json.dumps(meta, ensure_ascii=False).replace("'", "''") + "'"
