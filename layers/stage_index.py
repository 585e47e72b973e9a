"""The spatial index of a big staged layer, packed from its boxes (not built by GDAL).

GDAL builds the R-tree of a new GeoPackage table after writing its rows: more than half the
time of writing a million points. From :data:`BULK_INDEX_MIN` features the stage
(:class:`layers.store_tables.Stage`) has GDAL write the rows without it, and this module
gives the table the R-tree packed from the boxes already in memory
(:mod:`layers.rtree_bulk`), with the triggers and ``gpkg_extensions`` row GDAL writes for a
one-feature template table beside it: the same GeoPackage as GDAL's, in a fraction of the
time.

The packed tree is written twice: to a file of its own, where SQLite's ``rtreecheck``
checks it in a thread while GDAL writes the rows (GDAL holds Python's GIL, SQLite does not),
and to the stage; the check's answer holds for the stage's copy when the two hold as many
rows (:class:`PackedCheck`). GDAL numbers the rows of a new table 1, 2, ... in the order
written; :func:`check_row_order` checks that before the ids are trusted.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import shapely

from layers import rtree_bulk
from layers import store_tables as tables

BULK_INDEX_MIN = 20_000
"""Features from which a staged layer's R-tree is packed here rather than built by GDAL.

GDAL's build takes more than half the time of writing a million points; packing the boxes
in memory (:mod:`layers.rtree_bulk`) takes a fraction of it. Both give an index SQLite's
``rtreecheck`` accepts (and the store checks it before it keeps it)."""

_TEMPLATE = "kvpt_template"
_PACKED = "packed"  # the R-tree's name in the file a PackedCheck writes
_CACHE = -262144  # KiB of SQLite page cache (at most, as needed): a tree of 1M entries fits


def add_index(path: Path, table: str, crs: object, packed: Packed, check: PackedCheck, *,
              with_template: bool) -> None:
    """Give ``table`` of the stage ``path`` the R-tree packed for it.

    GDAL numbers the rows of a new table 1, 2, ... in the order written; the count,
    the first and last ids and the boxes of a sample of rows are checked against the
    features first. The R-tree's triggers and ``gpkg_extensions`` row are GDAL's own,
    taken from a one-feature template table GDAL writes beside it. The tree written is
    the one ``check`` writes and checks in its own file (:meth:`PackedCheck.result`
    compares the two). ``with_template``: GDAL writes the template first (once a stage).

    Raises
    ------
    RuntimeError
        If the rows are not the features in the order written.
    """
    if with_template:
        pyogrio.write_dataframe(gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=crs),
                                path, layer=_TEMPLATE, driver="GPKG")
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("PRAGMA journal_mode = OFF")  # a throwaway file: no journal, no sync
        con.execute("PRAGMA synchronous = OFF")
        con.execute(f"PRAGMA cache_size = {_CACHE}")
        check_row_order(con, table, packed.rows, packed.ids, packed.bounds)
        con.execute("BEGIN")
        rtree, size = _rtree_like_template(con, table)
        if size != rtree_bulk.NODE_SIZE:
            msg = f"R-tree nodes of {size} bytes in the stage, {rtree_bulk.NODE_SIZE} packed"
            raise RuntimeError(msg)
        if packed.tree is not None:
            rtree_bulk.write(con, rtree, packed.tree)
        con.execute("COMMIT")
        check.staged(rtree, rtree_counts(con, "main", rtree))


def check_row_order(con: sqlite3.Connection, table: str, rows: int, ids: np.ndarray,
                    bounds: np.ndarray) -> None:
    """Check that GDAL gave the ``rows`` of ``table`` the ids 1..rows in the order written.

    ``ids`` are those of the features with a geometry, ``bounds`` their boxes (``minx,
    miny, maxx, maxy``); up to 64 of them, spread over the table, are read back.

    Raises
    ------
    RuntimeError
        If the count, the first or last id or a box read back differs.
    """
    key = next((r[1] for r in con.execute(f"PRAGMA table_info({tables.quote(table)})") if r[5]),
               None)
    column = con.execute("SELECT column_name FROM gpkg_geometry_columns WHERE table_name = ?",
                         (table,)).fetchone()
    if key is None or column is None:
        msg = f"staged table {table} has no id or no geometry column"
        raise RuntimeError(msg)
    found = con.execute(f"SELECT COUNT(*), MIN({tables.quote(key)}), MAX({tables.quote(key)}) "
                        f"FROM {tables.quote(table)}").fetchone()
    if tuple(found) != (rows, 1, rows):
        msg = f"staged table {table} holds rows {found}, not 1..{rows} as written"
        raise RuntimeError(msg)
    picks = np.unique(np.linspace(0, len(ids) - 1, min(64, len(ids))).astype(np.int64))
    for i in picks:
        blob = con.execute(f"SELECT {tables.quote(column[0])} FROM {tables.quote(table)} WHERE "
                           f"{tables.quote(key)} = ?", (int(ids[i]),)).fetchone()[0]
        if not np.array_equal(_blob_bounds(blob), bounds[i]):
            msg = f"staged table {table}: row {int(ids[i])} is not the feature written there"
            raise RuntimeError(msg)


def _blob_bounds(blob: bytes) -> np.ndarray:
    """``minx, miny, maxx, maxy`` of a GeoPackage geometry blob (header, then WKB)."""
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}.get((blob[3] >> 1) & 7, 0)
    return np.asarray(shapely.from_wkb(bytes(blob[8 + envelope:])).bounds)


def _rtree_like_template(con: sqlite3.Connection, table: str) -> tuple[str, int]:
    """Create an empty R-tree for ``table`` with the template's triggers and extension row.

    Returns the R-tree's name and the size of its nodes (of its empty root).
    """
    columns = dict(con.execute("SELECT table_name, column_name FROM gpkg_geometry_columns "
                               "WHERE table_name IN (?, ?)", (table, _TEMPLATE)))
    if columns.get(table) != columns.get(_TEMPLATE):
        msg = f"staged table {table} and the template differ in geometry column: {columns}"
        raise RuntimeError(msg)
    model, rtree = (f"rtree_{t}_{columns[table]}" for t in (_TEMPLATE, table))
    made = con.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                       (model,)).fetchone()
    triggers = [r[0] for r in con.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? AND "
        "substr(name, 1, ?) = ?", (_TEMPLATE, len(model), model))]
    if made is None or not triggers:
        msg = f"GDAL's template has no R-tree {model} or no triggers for it"
        raise RuntimeError(msg)
    con.execute(tables._create_as(made[0], rtree))
    size = con.execute(f"SELECT length(data) FROM {tables.quote(rtree + '_node')} WHERE nodeno = 1"
                       ).fetchone()[0]
    for sql in triggers:
        con.execute(tables._renamed(sql, _TEMPLATE, table))
    con.execute("INSERT INTO gpkg_extensions (table_name, column_name, extension_name, "
                "definition, scope) SELECT ?, column_name, extension_name, definition, scope "
                "FROM gpkg_extensions WHERE table_name = ? AND extension_name = "
                "'gpkg_rtree_index'", (table, _TEMPLATE))
    return rtree, size


class Packed:
    """The boxes of a layer's features with a geometry, packed into an R-tree.

    Attributes
    ----------
    rows : int
        Features (with and without a geometry).
    ids, bounds : ndarray
        Ids ``1..rows`` and ``minx, miny, maxx, maxy`` of the features with a geometry.
    tree : PackedTree or None
        ``None`` when no feature has a geometry.
    """

    def __init__(self, geoms: gpd.GeoSeries) -> None:
        arr = np.asarray(geoms.array, dtype=object)
        present = np.flatnonzero(~(shapely.is_missing(arr) | shapely.is_empty(arr)))
        self.rows = len(arr)
        self.ids, self.bounds = present + 1, shapely.bounds(arr[present])
        self.tree = rtree_bulk.pack(self.ids, self.bounds[:, [0, 2, 1, 3]],
                                    rtree_bulk.NODE_SIZE) if len(present) else None
        if self.tree is not None:  # made here, once, for both writes
            self.tree.leaves_json()
            self.tree.nodes_blob()


class PackedCheck:
    """SQLite's ``rtreecheck`` of a packed tree, written to a file of its own, in a thread.

    The stage gets the same tree (:func:`add_index`); :meth:`result` is ``"ok"``
    only when the check passed and the stage's copy holds as many nodes, parents and
    entries (:meth:`staged`).
    """

    def __init__(self, path: Path, tree: rtree_bulk.PackedTree | None) -> None:
        self.path = path
        self.rtrees: list[str] = []
        self._staged: tuple[int, int, int] | None = None
        self._found = "the packed index was not checked"
        self._counts: tuple[int, int, int] | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(tree,),
                                        name="kvpt-rtree-check", daemon=True)
        self._thread.start()

    def _run(self, tree: rtree_bulk.PackedTree | None) -> None:
        try:
            with contextlib.closing(sqlite3.connect(self.path, isolation_level=None)) as con:
                con.execute("PRAGMA journal_mode = OFF")  # a throwaway file
                con.execute("PRAGMA synchronous = OFF")
                con.execute(f"PRAGMA cache_size = {_CACHE}")  # the check: half the time
                con.execute("BEGIN")
                con.execute(f"CREATE VIRTUAL TABLE {_PACKED} USING rtree(id, minx, maxx, "
                            "miny, maxy)")
                if tree is not None:
                    rtree_bulk.write(con, _PACKED, tree)
                con.execute("COMMIT")
                self._counts = rtree_counts(con, "main", _PACKED)
                if not self._stop.is_set():
                    self._found = con.execute("SELECT rtreecheck(?)", (_PACKED,)).fetchone()[0]
        except sqlite3.Error as e:
            self._found = f"the check of the packed index failed: {e}"

    def staged(self, rtree: str, counts: tuple[int, int, int]) -> None:
        """Name the stage's copy of the tree and give its row counts."""
        self.rtrees, self._staged = [rtree], counts

    def wait(self) -> None:
        """Wait for the check to end."""
        self._thread.join()

    def result(self, rtree: str) -> str:
        """Wait for the check; return ``"ok"`` or what is wrong with the staged ``rtree``."""
        self._thread.join()
        if self._found == "ok" and self._counts != self._staged:
            return f"the staged index holds {self._staged} rows, the checked one {self._counts}"
        return self._found

    def stop(self) -> None:
        """Skip the check if it has not begun, and wait for the thread to end."""
        self._stop.set()
        self._thread.join()


def rtree_counts(con: sqlite3.Connection, schema: str, rtree: str) -> tuple[int, int, int]:
    """Rows of the node, parent and rowid tables of ``schema.rtree``."""
    counts = [con.execute(f"SELECT COUNT(*) FROM {schema}.{tables.quote(f'{rtree}_{part}')}"
                          ).fetchone()[0] for part in tables.SHADOWS]
    return counts[0], counts[1], counts[2]
