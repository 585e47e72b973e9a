"""GeoPackage views that show each layer's current version under the layer's own name.

The project store (:mod:`layers.store`) keeps every version of a layer as a table of its
own (``<ascii slug>__v<N>``). Someone who opens the GeoPackage directly (QGIS, ``ogrinfo``,
``pyogrio.list_layers``) would only see those tables. So the store also keeps, for each
current layer that is not deleted, one SQL view named after the layer (``Xã, phường``) that
selects the table of its current version. Each view is registered in ``gpkg_contents`` and
``gpkg_geometry_columns``, so GDAL and QGIS list it as a (read-only) layer with the same
features, fields and feature ids (the table's ``fid`` as ``OGC_FID``) as the table. The
``gpkg_contents`` description of every version table says whether it is the current or an
old version and which view shows the layer.

:func:`sync_views` brings the views and the descriptions up to date inside every change of
the store, in the change's own SQLite transaction (:mod:`layers.store_tx`), so views follow
imports, restores, deletions, renames and undeletions all or nothing, and a reader sees the
views of before or after a change, never a mix. Only the views whose layer changed are
rebuilt and checked, so a change costs the same in a large project as in a small one. A
deleted layer has no view. A QGIS project opens the views by name (:func:`view_names`), so
it shows the current data after any new version. A store written before views existed
gets them with its next change, or from :meth:`layers.store.ProjectStore.layer_views`.

A view takes the layer's name unless that name cannot be one: a name starting with a
reserved prefix (``gpkg_``, ``rtree_``, ``sqlite_``, ``kvpt_``), holding a ``|`` or a
control character, or equal (ignoring case) to another table or view gets a changed name,
e.g. ``"Sông (2)"``. The choice depends only on the registry and the tables, so it is the
same each time.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from layers import store_tx

if TYPE_CHECKING:
    from layers.store import LayerRecord

VIEW_MARK = "/* kvpt layer view */"
"""Comment in the SQL of every view the store keeps (how they are told from other views)."""

RESERVED_PREFIXES = ("gpkg_", "rtree_", "sqlite_", "kvpt_")
"""A view name never starts with these (GeoPackage, SQLite and store tables do)."""

_BAD_CHARS = re.compile(r"[|\x00-\x1f\x7f]")  # '|' separates a QGIS data source's parts
_GPKG_META = ("gpkg_contents", "gpkg_geometry_columns", "gpkg_ogr_contents", "gpkg_extensions",
              "gpkg_data_columns")


@dataclass(frozen=True)
class LayerView:
    """The view of one current layer.

    Attributes
    ----------
    name : str
        Name of the view (the layer's name, unless it cannot be one).
    layer : str
        The layer's name in the store.
    table : str
        Table of the layer's current version.
    kind : str
        The layer's kind.
    version : int
        The current version.
    """

    name: str
    layer: str
    table: str
    kind: str
    version: int


def sync_views(con: sqlite3.Connection, records: Sequence[LayerRecord]) -> list[LayerView]:
    """Bring the views and the table descriptions of the store up to date.

    Called by the store inside a change's transaction, after the change. Views that
    already show the right table are kept; the others are rebuilt and their feature counts
    checked.

    Parameters
    ----------
    con : sqlite3.Connection
        The change's connection (its transaction is open).
    records : sequence of LayerRecord
        Every registry row of the store, in registry order, as the change leaves them.

    Returns
    -------
    list of LayerView
        The views now in the file, in import order.

    Raises
    ------
    RuntimeError
        If a rebuilt view does not read as many features as its layer's version holds.
    """
    own = _own_views(con)
    views = plan_views(con, records)
    registered = _registered(con)
    kept = {v.name for v in views
            if own.get(v.name) == _view_sql(con, v) and v.name in registered}
    made = [v for v in views if v.name not in kept]
    _drop_views(con, (set(own) | {v.name for v in made}) - kept)
    for view in made:
        _create_view(con, view)
    _describe_tables(con, records, views)
    _check_counts(con, made, records)
    return views


def views_stale(path: Path, records: Sequence[LayerRecord]) -> bool:
    """Return whether the views of the store at ``path`` are missing or out of date."""
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        planned = {v.name: _view_sql(con, v) for v in plan_views(con, records)}
        return _own_views(con) != planned or not set(planned) <= _registered(con)


def view_names(path: Path, records: Sequence[LayerRecord]) -> dict[str, str]:
    """Return ``{layer name: view name}`` of every current layer (reads only).

    The names are those :func:`sync_views` gives; they are in the file once it has run.
    """
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        return {v.layer: v.name for v in plan_views(con, records)}


def plan_views(con: sqlite3.Connection, records: Sequence[LayerRecord]) -> list[LayerView]:
    """Return the view each current layer should have, in import order.

    Parameters
    ----------
    con : sqlite3.Connection
        Open on the store.
    records : sequence of LayerRecord
        Every registry row, in registry order.
    """
    own = set(_own_views(con))
    taken = {n.lower() for n in _schema_names(con) if n not in own}
    views = []
    for rec in current_records(records):
        name = _free_name(rec.name, taken)
        taken.add(name.lower())
        views.append(LayerView(name, rec.name, rec.table, rec.kind, rec.version))
    return views


def current_records(records: Iterable[LayerRecord]) -> list[LayerRecord]:
    """Return the current, not deleted version of each layer, in import order."""
    rows = list(records)
    first: dict[str, int] = {}
    for i, rec in enumerate(rows):
        first.setdefault(rec.name, i)
    live = [r for r in rows if r.current and not r.deleted]
    return sorted(live, key=lambda r: first[r.name])


# -- helpers ------------------------------------------------------------------------------


def _free_name(layer: str, taken: set[str]) -> str:
    """Return the layer's name, or the closest name a view can have that is not taken."""
    base = _BAD_CHARS.sub("_", layer).strip() or "layer"
    if base.lower().startswith(RESERVED_PREFIXES):
        base = f"layer {base}"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base} ({n})"
    return name


def _own_views(con: sqlite3.Connection) -> dict[str, str]:
    """``{name: SQL}`` of the views the store keeps (marked with :data:`VIEW_MARK`)."""
    rows = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'view'")
    return {name: sql for name, sql in rows if sql and VIEW_MARK in sql}


def _registered(con: sqlite3.Connection) -> set[str]:
    """Names listed in both ``gpkg_contents`` and ``gpkg_geometry_columns``."""
    return {r[0] for r in con.execute(
        "SELECT c.table_name FROM gpkg_contents c JOIN gpkg_geometry_columns g "
        "ON g.table_name = c.table_name")}


def _schema_names(con: sqlite3.Connection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM sqlite_master "
                                      "WHERE type IN ('table', 'view')")]


def _drop_views(con: sqlite3.Connection, names: Iterable[str]) -> None:
    existing = set(_schema_names(con))
    for name in names:
        con.execute(f"DROP VIEW IF EXISTS {_quote(name)}")
        for meta in _GPKG_META:
            if meta in existing:
                con.execute(f"DELETE FROM {meta} WHERE table_name = ?", (name,))


def _create_view(con: sqlite3.Connection, view: LayerView) -> None:
    """Create ``view`` and register it as a features layer of the GeoPackage."""
    con.execute(_view_sql(con, view))
    geom = con.execute("SELECT column_name, geometry_type_name, srs_id, z, m FROM "
                       "gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
                       (view.table,)).fetchone()
    box = con.execute("SELECT min_x, min_y, max_x, max_y, srs_id FROM gpkg_contents "
                      "WHERE lower(table_name) = lower(?)", (view.table,)).fetchone()
    con.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
        "last_change, min_x, min_y, max_x, max_y, srs_id) VALUES (?, 'features', ?, ?, "
        "strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, ?, ?, ?, ?)",
        (view.name, _free_identifier(con, view.layer),
         f"{view.kind}: current version (v{view.version}) of layer {view.layer!r}, "
         f"read-only view of table {view.table}", *box))
    con.execute("INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                "geometry_type_name, srs_id, z, m) VALUES (?, ?, ?, ?, ?, ?)",
                (view.name, *geom))


def _view_sql(con: sqlite3.Connection, view: LayerView) -> str:
    """``CREATE VIEW`` of ``view``: the table's primary key as ``OGC_FID``, then its columns.

    GDAL takes a view's ``OGC_FID`` column as the feature id, so the view's features keep
    the table's ids.
    """
    info = con.execute(f"PRAGMA table_info({_quote(view.table)})").fetchall()
    pk = next((row[1] for row in info if row[5] == 1), None)
    columns = [_quote(row[1]) for row in info if row[1] != pk]
    key = _quote(pk) if pk else "rowid"
    return (f"CREATE VIEW {_quote(view.name)} AS {VIEW_MARK} SELECT {key} AS OGC_FID, "
            f"{', '.join(columns)} FROM {_quote(view.table)}")


def _free_identifier(con: sqlite3.Connection, layer: str) -> str:
    """Return the layer's name, changed if needed: ``gpkg_contents`` identifiers are unique."""
    used = {r[0] for r in con.execute("SELECT identifier FROM gpkg_contents")}
    identifier, n = layer, 1
    while identifier in used:
        n += 1
        identifier = f"{layer} (view {n})"
    return identifier


def _describe_tables(con: sqlite3.Connection, records: Sequence[LayerRecord],
                     views: Sequence[LayerView]) -> None:
    """Say in each version table's description whether it is current or old."""
    shown = {v.layer: v.name for v in views}
    have = dict(con.execute("SELECT table_name, description FROM gpkg_contents"))
    for rec in records:
        if rec.deleted:
            continue
        where = (f"shown as layer {shown[rec.name]!r}" if rec.name in shown
                 else "the layer is deleted")
        state = "current" if rec.current else "old"
        text = f"{rec.kind}: {state} version {rec.version} of layer {rec.name!r} ({where})"
        if have.get(rec.table, text) != text:
            con.execute("UPDATE gpkg_contents SET description = ? WHERE table_name = ?",
                        (text, rec.table))


def _check_counts(con: sqlite3.Connection, views: Sequence[LayerView],
                  records: Sequence[LayerRecord]) -> None:
    counts = {r.table: r.feature_count for r in records}
    problems = []
    for view in views:
        got = con.execute(f"SELECT COUNT(*) FROM {_quote(view.name)}").fetchone()[0]
        if got != counts[view.table]:
            problems.append(f"view {view.name!r} reads {got} features, version "
                            f"{view.version} of {view.layer!r} has {counts[view.table]}")
    if problems:
        msg = f"The layer views failed their check ({'; '.join(problems)}); nothing was saved."
        raise RuntimeError(msg)


def _quote(identifier: str) -> str:
    """Quote an SQL identifier (any text, Vietnamese and quotes included)."""
    return '"' + identifier.replace('"', '""') + '"'
