"""Rasters (elevation models) kept inside the project GeoPackage, with versions.

One attribute table, ``kvpt_rasters`` (:data:`RASTERS_TABLE`), registered in
``gpkg_contents`` like the store's other ``kvpt_*`` tables; one row per version of a
raster: its name, version, time, CRS, size, cell, source, a note (e.g. that it is
fictional) and the GeoTIFF itself as a BLOB (:func:`layers.dem.to_geotiff`: float32,
deflate, in the project's metric CRS). A new import of the same name adds a version; the
newest is current.

A write is one change of the store (:meth:`layers.store.ProjectStore._change`): the role
``planner`` is checked (action ``import``), the row and its audit line are written in the
store's SQLite transaction, and nothing is kept if anything fails. Reading uses a
read-only connection (:func:`layers.store_tx.connect_read`).

Only GeoPackage projects keep rasters for now: a PostGIS project (:mod:`layers.pg_store`)
is refused with ``dem_store_unsupported``. A PostGIS store would hold the same columns in
a table ``kvpt_rasters`` with the GeoTIFF in a ``bytea`` column (or as PostGIS raster,
``raster2pgsql``), written in the same transaction as its audit row.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from layers import store_tx
from layers.errors import LayerError
from layers.messages import clip

RASTERS_TABLE = "kvpt_rasters"
"""Name of the table of stored rasters."""

NAME_MAX = 80
"""Longest raster name."""

_COLUMNS = ("name", "version", "created", "crs", "width", "height", "cell_m", "source",
            "note", "size_bytes")

_CREATE = f"""CREATE TABLE IF NOT EXISTS {RASTERS_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL, version INTEGER NOT NULL, created TEXT NOT NULL, crs TEXT NOT NULL,
    width INTEGER NOT NULL, height INTEGER NOT NULL, cell_m REAL NOT NULL,
    source TEXT NOT NULL, note TEXT NOT NULL, size_bytes INTEGER NOT NULL,
    geotiff BLOB NOT NULL, UNIQUE (name, version))"""


@dataclass(frozen=True)
class RasterRecord:
    """One stored version of a raster (without its bytes).

    Attributes
    ----------
    name : str
        The raster's name (e.g. ``"DEM"``).
    version : int
        1 for the first import, then 2, 3…
    created : str
        UTC time of the import (ISO 8601).
    crs : str
        CRS of the stored grid (``"EPSG:3405"``).
    width, height : int
        Columns and rows.
    cell_m : float
        Cell size (metres).
    source : str
        The file it came from (base name) and its CRS.
    note : str
        E.g. :data:`layers.dem.FICTIONAL_NOTE`.
    size_bytes : int
        Size of the stored GeoTIFF.
    """

    name: str
    version: int
    created: str
    crs: str
    width: int
    height: int
    cell_m: float
    source: str
    note: str
    size_bytes: int


def add_raster(store: Any, name: str, geotiff: bytes, *, crs: str, width: int, height: int,
               cell_m: float, source: str, note: str = "") -> RasterRecord:
    """Store a new version of raster ``name``, all or nothing.

    Parameters
    ----------
    store : layers.store.ProjectStore
        The project (acting for its signed-in user).
    name : str
        The raster's name.
    geotiff : bytes
        The GeoTIFF (:func:`layers.dem.to_geotiff`).
    crs, width, height, cell_m, source, note
        As in :class:`RasterRecord`.

    Returns
    -------
    RasterRecord
        The version written.

    Raises
    ------
    LayerError
        ``dem_name_bad`` for an unusable name; ``role_needed`` when the user may not
        import. The store is unchanged on any error.
    """
    clean = _check_name(name)
    _check_file(store.path)
    store._require("import", clean)
    with store._change("import", clean) as con:
        _ensure_table(con)
        row = con.execute(f"SELECT COALESCE(MAX(version), 0) FROM {RASTERS_TABLE} "
                          "WHERE name = ?", (clean,)).fetchone()
        created = datetime.now(UTC).isoformat(timespec="seconds")
        rec = RasterRecord(clean, int(row[0]) + 1, created, crs, int(width), int(height),
                           float(cell_m), source, note, len(geotiff))
        marks = ", ".join("?" * (len(_COLUMNS) + 1))
        con.execute(f"INSERT INTO {RASTERS_TABLE} ({', '.join(_COLUMNS)}, geotiff) "
                    f"VALUES ({marks})", (*_values(rec), sqlite3.Binary(geotiff)))
        store._audit(con, "import", clean, rec.version, f"raster {width}x{height}")
    return rec


def rasters(path: Any) -> list[RasterRecord]:
    """Return the current (newest) version of every stored raster, by name."""
    newest: dict[str, RasterRecord] = {}
    for rec in _all(path):  # ordered by name, version
        newest[rec.name] = rec
    return list(newest.values())


def versions(path: Any, name: str) -> list[RasterRecord]:
    """Return every version of raster ``name``, oldest first."""
    return [r for r in _all(path) if r.name == name]


def read_raster(path: Any, name: str | None = None, version: int | None = None
                ) -> tuple[RasterRecord, bytes]:
    """Return a stored raster and its GeoTIFF bytes.

    Parameters
    ----------
    path : str or Path
        The store file.
    name : str, optional
        The raster; default: the only one, else the newest imported.
    version : int, optional
        Default: the current version.

    Raises
    ------
    LayerError
        ``dem_none`` when the project has no raster, ``dem_unknown`` for another name or
        version.
    """
    current = rasters(path)
    if not current:
        raise LayerError(key="dem_none")
    if name is None:
        name = max(current, key=lambda r: r.created).name
    pick = [r for r in versions(path, name) if version is None or r.version == version]
    if not pick:
        shown = ", ".join(f"{r.name!r} (v{r.version})" for r in current)
        raise LayerError(key="dem_unknown", params={
            "name": clip(f"{name} v{version}" if version else name), "names": shown})
    rec = pick[-1]
    with store_tx.access("sqlite"):
        con = store_tx.connect_read(Path(path))
        try:
            blob = con.execute(f"SELECT geotiff FROM {RASTERS_TABLE} WHERE name = ? AND "
                               "version = ?", (rec.name, rec.version)).fetchone()[0]
        finally:
            con.close()
    return rec, bytes(blob)


# --- helpers -------------------------------------------------------------------------------


def _all(path: Any) -> list[RasterRecord]:
    _check_file(path)
    with store_tx.access("sqlite"):
        con = store_tx.connect_read(Path(path))
        try:
            if not con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                               (RASTERS_TABLE,)).fetchone():
                return []
            rows = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM {RASTERS_TABLE} "
                               "ORDER BY name, version").fetchall()
        finally:
            con.close()
    return [RasterRecord(*row) for row in rows]


def _check_file(path: Any) -> None:
    """Refuse a store that is not a GeoPackage file (a PostGIS project: not yet)."""
    if not Path(path).is_file():
        raise LayerError(key="dem_store_unsupported", params={"project": clip(str(path))})


def _ensure_table(con: sqlite3.Connection) -> None:
    con.execute(_CREATE)
    con.execute("INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, "
                "description, last_change) VALUES (?, 'attributes', ?, ?, "
                "strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                (RASTERS_TABLE, RASTERS_TABLE, "KVPT rasters (DEM GeoTIFFs), one row per version"))


def _check_name(name: str) -> str:
    clean = " ".join(str(name).split())
    if not clean or len(clean) > NAME_MAX or not clean.isprintable():
        raise LayerError(key="dem_name_bad", params={"name": clip(str(name))})
    return clean


def _values(rec: RasterRecord) -> tuple:
    return tuple(getattr(rec, c) for c in _COLUMNS)
