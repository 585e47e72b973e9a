"""Tables of the project store: staged by GDAL in memory, copied in by SQL, dropped whole.

A change of the store (:mod:`layers.store_tx`) runs on one ``sqlite3`` connection, but only
GDAL knows how to turn a GeoDataFrame into a GeoPackage table (geometry blobs, column
types, spatial index, ``gpkg_*`` rows). So a new table is first written by pyogrio into a
GeoPackage **in memory** (:func:`stage`, before the change begins: writers do this work in
parallel), then the change attaches those bytes and copies the table in under its final
name (:func:`copy_table`) with everything GDAL wrote for it: the rows, the R-tree index
(its node tables copied as they are, then checked with ``rtreecheck``), the triggers, and
its rows of ``gpkg_contents``, ``gpkg_geometry_columns``, ``gpkg_ogr_contents`` and
``gpkg_extensions``. The same copy makes a restored version from an old one inside the
store. Nothing is written beside the store; the stage is removed after the change.

:func:`drop_table` removes a table with its index and bookkeeping; :func:`drop_orphans`
removes version tables that the registry does not list (left by a tool that wrote into the
file directly), so the registry and the tables always agree.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyogrio

STAGE = "kvpt_stage"
"""Name under which the staging GeoPackage is attached, and prefix of its tables."""

VERSION_TABLE = re.compile(r"^[a-z][a-z0-9_]*__v[0-9]+$")
"""Names the store gives version tables (``<ascii slug>__v<N>``; a slug has no ``__``)."""

_RTREE = re.compile(r"^rtree_([a-z][a-z0-9_]*?__v[0-9]+)_.+$")
_CREATE = re.compile(r"^\s*CREATE\s+(VIRTUAL\s+)?TABLE\s+(\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|"
                     r"\[[^\]]*\]|`[^`]*`|[^\s(]+)", re.IGNORECASE)
_SHADOWS = ("node", "parent", "rowid")
_STAGE_PREFIX = "kvpt-stage-"
_STALE_S = 86400.0


class Stage:
    """A GeoPackage in a private temporary folder where GDAL writes new tables first.

    Use it as a context manager: the folder is removed on exit, whatever happened. A
    folder left by a killed process is removed by a later stage after a day.
    """

    def __init__(self) -> None:
        self.folder: Path | None = None
        self.tables: list[str] = []

    def __enter__(self) -> Stage:
        """Create the folder (and remove stale ones)."""
        _remove_stale_stages()
        self.folder = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX))
        return self

    def __exit__(self, *exc: object) -> None:
        """Remove the folder and the staged tables."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    @property
    def path(self) -> Path:
        """The staging GeoPackage."""
        if self.folder is None:
            msg = "use Stage() as a context manager"
            raise RuntimeError(msg)
        return self.folder / "stage.gpkg"

    def add(self, frame: pd.DataFrame, *, promote_to_multi: bool | None = None) -> str:
        """Write ``frame`` as a new table of the stage; return the table's name.

        A GeoDataFrame becomes a features table with an R-tree; a plain DataFrame an
        attributes table. ``promote_to_multi`` is pyogrio's (``None``: its default). Written
        through Arrow (a third faster than pyogrio's default path on big layers).

        Raises
        ------
        pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError, ValueError
            When GDAL cannot write the frame (e.g. a column of mixed value types).
        """
        name = f"{STAGE}_{len(self.tables)}"
        pyogrio.write_dataframe(frame, self.path, layer=name, driver="GPKG",
                                promote_to_multi=promote_to_multi, use_arrow=True)
        self.tables.append(name)
        return name

    def attach(self, con: sqlite3.Connection) -> None:
        """Attach the stage, read-only, to ``con`` as schema :data:`STAGE` (once)."""
        if STAGE not in {row[1] for row in con.execute("PRAGMA database_list")}:
            con.execute(f"ATTACH DATABASE ? AS {STAGE}", (f"{self.path.as_uri()}?mode=ro",))


def copy_table(con: sqlite3.Connection, *, schema: str, source: str, target: str,
               identifier: str, description: str) -> int:
    """Copy table ``schema.source`` to a new table ``main.target`` with its index and rows.

    Parameters
    ----------
    con : sqlite3.Connection
        Inside the change's transaction.
    schema : str
        ``"main"`` (a version of the store) or :data:`STAGE`.
    source, target : str
        Table names; ``target`` must be free.
    identifier, description : str
        The new table's ``gpkg_contents`` identifier (made unique) and description.

    Returns
    -------
    int
        The number of rows copied.
    """
    objects = con.execute(f"SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master "
                          "WHERE sql IS NOT NULL").fetchall()
    table_sql = next(sql for kind, name, _, sql in objects if kind == "table" and name == source)
    con.execute(_create_as(table_sql, target))
    rows = con.execute(f"INSERT INTO main.{quote(target)} SELECT * FROM "
                       f"{schema}.{quote(source)}").rowcount
    for kind, name, _, sql in objects:
        if kind == "table" and name.startswith(f"rtree_{source}_") and "VIRTUAL" in sql.upper():
            _copy_rtree(con, schema, name, _renamed(name, source, target), sql)
    _copy_bookkeeping(con, schema, source, target, identifier, description)
    for kind, _name, table, sql in objects:  # after the rows: triggers call GDAL's functions
        if kind in ("trigger", "index") and table == source:
            con.execute(_renamed(sql, source, target))
    return rows


def drop_table(con: sqlite3.Connection, table: str) -> None:
    """Drop ``table`` (if it exists), its R-trees, triggers and ``gpkg_*`` rows."""
    for rtree in _rtrees_of(con, table):
        con.execute(f"DROP TABLE IF EXISTS main.{quote(rtree)}")
    if table in table_names(con, kinds=("table",)):
        con.execute(f"DROP TABLE main.{quote(table)}")
    for meta in _bookkeeping_tables(con, "main"):
        con.execute(f"DELETE FROM main.{meta} WHERE lower(table_name) = lower(?)", (table,))


def drop_orphans(con: sqlite3.Connection, registered: Iterable[str]) -> list[str]:
    """Drop version tables (and their leftovers) that the registry does not list.

    Only names the store itself gives (:data:`VERSION_TABLE`) are touched: a user's own
    table, a view, ``kvpt_*`` and GeoPackage tables are never dropped.

    Returns
    -------
    list of str
        The names dropped, sorted.
    """
    keep = {t.lower() for t in registered}
    views = {v.lower() for v in table_names(con, kinds=("view",))}
    names = set(table_names(con, kinds=("table",)))
    for meta in _bookkeeping_tables(con, "main"):
        names |= {r[0] for r in con.execute(f"SELECT table_name FROM main.{meta}") if r[0]}
    found = {m.group(1) if (m := _RTREE.match(n)) else n for n in names}
    orphans = sorted(n for n in found if VERSION_TABLE.match(n) and n.lower() not in keep
                     and n.lower() not in views)
    for table in orphans:
        drop_table(con, table)
    return orphans


def check_table(con: sqlite3.Connection, table: str) -> list[str]:
    """Return the problems of one table: SQLite's ``quick_check`` and its R-tree's check."""
    problems = [f"{table}: {row[0]}" for row in
                con.execute(f"PRAGMA main.quick_check({quote(table)})") if row[0] != "ok"]
    for rtree in _rtrees_of(con, table):
        found = con.execute("SELECT rtreecheck('main', ?)", (rtree,)).fetchone()[0]
        if found != "ok":
            problems.append(f"{rtree}: {found}")
    return problems


def table_names(con: sqlite3.Connection, *, kinds: tuple[str, ...] = ("table", "view"),
                schema: str = "main") -> list[str]:
    """Names of the tables and/or views of ``schema``."""
    marks = ", ".join("?" * len(kinds))
    return [r[0] for r in con.execute(f"SELECT name FROM {schema}.sqlite_master "
                                      f"WHERE type IN ({marks})", kinds)]


def quote(identifier: str) -> str:
    """Quote an SQL identifier (any text)."""
    return '"' + identifier.replace('"', '""') + '"'


# -- helpers ---------------------------------------------------------------------------------


def _create_as(sql: str, target: str) -> str:
    """``CREATE [VIRTUAL] TABLE`` statement ``sql`` for a table ``main.target`` instead."""
    match = _CREATE.match(sql)
    if match is None:
        msg = f"unexpected table definition: {sql[:60]!r}"
        raise RuntimeError(msg)
    virtual = "VIRTUAL " if match.group(1) else ""
    return f"CREATE {virtual}TABLE main.{quote(target)}{sql[match.end():]}"


def _renamed(sql: str, source: str, target: str) -> str:
    """Return ``sql`` (of an index, trigger or R-tree) with the name ``source`` made ``target``.

    ``source`` counts where it is not part of a longer name of letters and digits (``_``
    separates: ``rtree_<source>_geom``, ``..._count_<source>``).
    """
    return re.sub(rf"(?<![A-Za-z0-9]){re.escape(source)}(?![A-Za-z0-9])",
                  target.replace("\\", "\\\\"), sql)


def _copy_rtree(con: sqlite3.Connection, schema: str, source: str, target: str,
                sql: str) -> None:
    """Create R-tree ``target`` like ``source`` and copy its node tables as they are."""
    con.execute(_create_as(sql, target))
    for part in _SHADOWS:
        con.execute(f"DELETE FROM main.{quote(f'{target}_{part}')}")
        con.execute(f"INSERT INTO main.{quote(f'{target}_{part}')} "
                    f"SELECT * FROM {schema}.{quote(f'{source}_{part}')}")


def _copy_bookkeeping(con: sqlite3.Connection, schema: str, source: str, target: str,
                      identifier: str, description: str) -> None:
    """Copy the ``gpkg_*`` rows of ``source`` for ``target`` (creating missing tables)."""
    have = set(table_names(con, kinds=("table",)))
    for meta in _bookkeeping_tables(con, schema):
        rows = con.execute(f"SELECT * FROM {schema}.{meta} WHERE lower(table_name) = "
                           "lower(?)", (source,)).fetchall()
        if not rows:
            continue
        if meta not in have:
            sql = con.execute(f"SELECT sql FROM {schema}.sqlite_master WHERE name = ?",
                              (meta,)).fetchone()[0]
            con.execute(_create_as(sql, meta))
        columns = [r[1] for r in con.execute(f"PRAGMA {schema}.table_info({meta})")]
        for row in rows:
            values = dict(zip(columns, row, strict=True))
            values["table_name"] = target
            if meta == "gpkg_contents":
                values["identifier"] = _free_identifier(con, identifier)
                values["description"] = description
                values["last_change"] = _now_sql(con)
                _copy_srs(con, schema, values.get("srs_id"))
            names = ", ".join(quote(c) for c in values)
            con.execute(f"INSERT INTO main.{meta} ({names}) VALUES "
                        f"({', '.join('?' * len(values))})", tuple(values.values()))


def _copy_srs(con: sqlite3.Connection, schema: str, srs_id: int | None) -> None:
    """Make sure ``main.gpkg_spatial_ref_sys`` has the CRS ``srs_id`` (copied if missing)."""
    if srs_id is None or schema == "main" or con.execute(
            "SELECT 1 FROM main.gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,)).fetchone():
        return
    con.execute(f"INSERT INTO main.gpkg_spatial_ref_sys SELECT * FROM "
                f"{schema}.gpkg_spatial_ref_sys WHERE srs_id = ?", (srs_id,))


def _bookkeeping_tables(con: sqlite3.Connection, schema: str) -> list[str]:
    """``gpkg_*`` tables of ``schema`` with a ``table_name`` column, contents last."""
    found = []
    for name in table_names(con, kinds=("table",), schema=schema):
        if name.startswith("gpkg_") and name != "gpkg_spatial_ref_sys" and "table_name" in {
                r[1] for r in con.execute(f"PRAGMA {schema}.table_info({quote(name)})")}:
            found.append(name)
    return sorted(found, key=lambda n: (n == "gpkg_contents", n))


def _rtrees_of(con: sqlite3.Connection, table: str) -> list[str]:
    """Return the R-tree virtual tables of ``table`` (``rtree_<table>_<geometry column>``)."""
    prefix = f"rtree_{table}_".lower()
    columns = {r[0].lower() for r in con.execute(
        "SELECT column_name FROM gpkg_geometry_columns WHERE lower(table_name) = lower(?)",
        (table,))}
    rows = con.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'table' "
                       "AND sql LIKE 'CREATE VIRTUAL TABLE%'").fetchall()
    return [name for name, _ in rows if name.lower().startswith(prefix)
            and (name.lower()[len(prefix):] in columns or VERSION_TABLE.match(table))]


def _free_identifier(con: sqlite3.Connection, identifier: str) -> str:
    """Return ``identifier``, changed if another table has it (identifiers are unique)."""
    used = {r[0] for r in con.execute("SELECT identifier FROM main.gpkg_contents")}
    name, n = identifier, 1
    while name in used:
        n += 1
        name = f"{identifier} ({n})"
    return name


def _remove_stale_stages() -> None:
    """Remove staging folders older than a day (left by killed processes)."""
    now = time.time()
    for folder in Path(tempfile.gettempdir()).glob(f"{_STAGE_PREFIX}*"):
        try:
            if folder.is_dir() and now - folder.stat().st_mtime > _STALE_S:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _now_sql(con: sqlite3.Connection) -> str:
    return con.execute("SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')").fetchone()[0]
