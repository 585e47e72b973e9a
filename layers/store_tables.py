"""Tables of the project store: staged by GDAL, copied in by SQL, dropped whole.

A change of the store (:mod:`layers.store_tx`) runs on one ``sqlite3`` connection, but only
GDAL knows how to turn a GeoDataFrame into a GeoPackage table (geometry blobs, column
types, spatial index, ``gpkg_*`` rows). So a new table is first written by pyogrio into a
GeoPackage in a private temporary folder (:class:`Stage`, before the change begins: writers
do this work in parallel), then the change attaches it and copies the table in under its
final name (:func:`copy_table`) with everything written for it: the rows, the R-tree index
(its node tables copied as they are), the triggers, and its rows of ``gpkg_contents``,
``gpkg_geometry_columns``, ``gpkg_ogr_contents`` and ``gpkg_extensions``. The same copy
makes a restored version from an old one inside the store. Nothing is written beside the
store; the stage is removed after the change.

**The spatial index.** A layer of :data:`layers.stage_index.BULK_INDEX_MIN` features or
more is written by GDAL without its R-tree, which is packed from the features' boxes
instead (:mod:`layers.stage_index`, :mod:`layers.rtree_bulk`: a fraction of GDAL's time)
with GDAL's own triggers and ``gpkg_extensions`` row. Every R-tree a change copies in is
checked by SQLite's ``rtreecheck`` before the commit: a packed one in a thread while GDAL
writes the rows, the staged ones GDAL built in a thread while the change copies them, the
others (restores) in the change; a copy must hold as many rows as what was checked
(:func:`check_table`).
"""

from __future__ import annotations

import contextlib
import re
import shutil
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from layers import stage_index

STAGE = "kvpt_stage"
"""Name under which the staging GeoPackage is attached, and prefix of its tables."""

VERSION_TABLE = re.compile(r"^[a-z][a-z0-9_]*__v[0-9]+$")
"""Names the store gives version tables (``<ascii slug>__v<N>``; a slug has no ``__``)."""

_RTREE = re.compile(r"^rtree_([a-z][a-z0-9_]*?__v[0-9]+)_.+$")
_CREATE = re.compile(r"^\s*CREATE\s+(VIRTUAL\s+)?TABLE\s+(\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'|"
                     r"\[[^\]]*\]|`[^`]*`|[^\s(]+)", re.IGNORECASE)
SHADOWS = ("node", "parent", "rowid")
"""Suffixes of the tables in which SQLite keeps an R-tree (``<rtree>_node``...)."""
_STAGE_PREFIX = "kvpt-stage-"
_STALE_S = 86400.0
# by id() of a change's connection (kept alive here until the stage ends, so the id is not
# reused): the connection and the stage attached to it, and the R-trees copied as they were
_ATTACHED: dict[int, tuple[sqlite3.Connection, Stage]] = {}
_COPIED: dict[int, dict[str, str]] = {}


class Stage:
    """A GeoPackage in a private temporary folder where GDAL writes new tables first.

    Use it as a context manager: the folder is removed on exit, whatever happened. A
    folder left by a killed process is removed by a later stage after a day.

    Parameters
    ----------
    spatial_index : bool
        Give features tables an R-tree (``False`` for tables only read back, never
        copied into a store).
    """

    def __init__(self, *, spatial_index: bool = True) -> None:
        self.spatial_index = spatial_index  # False: features tables get none (read back only)
        self.folder: Path | None = None
        self.tables: list[str] = []
        self._template = False
        self._attached = False
        self._checks: list[_RtreeChecks | stage_index.PackedCheck] = []  # running or done

    def __enter__(self) -> Stage:
        """Create the folder (and remove stale ones)."""
        _remove_stale_stages()
        self.folder = Path(tempfile.mkdtemp(prefix=_STAGE_PREFIX))
        return self

    def __exit__(self, *exc: object) -> None:
        """Stop the checks of the staged R-trees; remove the folder and the staged tables."""
        for check in self._checks:
            check.stop()
        for key in [k for k, (_, stage) in _ATTACHED.items() if stage is self]:
            _ATTACHED.pop(key, None)
            _COPIED.pop(key, None)
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

        A GeoDataFrame becomes a features table with an R-tree (GDAL's, or from
        :data:`layers.stage_index.BULK_INDEX_MIN` features one packed by
        :mod:`layers.stage_index`); a plain DataFrame an attributes table.
        ``promote_to_multi`` is pyogrio's (``None``: its default). Written through Arrow
        (a third faster than pyogrio's default path on big layers).

        Raises
        ------
        pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError, ValueError
            When GDAL cannot write the frame (e.g. a column of mixed value types).
        """
        if self._attached:
            msg = "the stage is attached to a change: GDAL must not write it any more"
            raise RuntimeError(msg)
        name = f"{STAGE}_{len(self.tables)}"
        spatial = isinstance(frame, gpd.GeoDataFrame)
        bulk = (spatial and self.spatial_index and len(frame) >= stage_index.BULK_INDEX_MIN
                and "fid" not in {str(c).lower() for c in frame.columns})  # GDAL's row ids
        no_index = bulk or (spatial and not self.spatial_index)  # (GDAL's)
        packed = stage_index.Packed(frame.geometry) if bulk else None
        # SQLite checks the packed tree in a file of its own while GDAL writes the rows
        # (GDAL holds the GIL; SQLite does not)
        check = None if packed is None else stage_index.PackedCheck(
            self.path.with_name(f"{name}.rtree"), packed.tree)
        if check is not None:
            self._checks.append(check)
        pyogrio.write_dataframe(frame, self.path, layer=name, driver="GPKG",
                                promote_to_multi=promote_to_multi, use_arrow=True,
                                layer_options={"SPATIAL_INDEX": "NO"} if no_index else None)
        self.tables.append(name)
        if packed is not None and check is not None:
            self._add_index(name, frame.geometry.crs, packed, check)
        return name

    def _add_index(self, table: str, crs: object, packed: stage_index.Packed,
                   check: stage_index.PackedCheck) -> None:
        """Give staged ``table`` its packed R-tree (:func:`layers.stage_index.add_index`)."""
        stage_index.add_index(self.path, table, crs, packed, check,
                              with_template=not self._template)
        self._template = True

    def attach(self, con: sqlite3.Connection) -> None:
        """Attach the stage, read-only, to ``con`` as schema :data:`STAGE` (once).

        GDAL has written every staged table by then. SQLite's ``rtreecheck`` of each
        staged R-tree runs in a thread of its own, on a read-only connection, while the
        change goes on (a packed R-tree's check starts as soon as it is written, the others'
        here); :func:`check_table` takes its answer for the verbatim copies.
        """
        if STAGE not in {row[1] for row in con.execute("PRAGMA database_list")}:
            con.execute(f"ATTACH DATABASE ? AS {STAGE}", (f"{self.path.as_uri()}?mode=ro",))
        if not self._attached:
            self._attached = True
            checked = {name for check in self._checks for name in check.rtrees}
            rest = [r[0] for r in con.execute(
                f"SELECT name FROM {STAGE}.sqlite_master WHERE type = 'table' AND name "
                "LIKE 'rtree%' AND sql LIKE 'CREATE VIRTUAL TABLE%'") if r[0] not in checked]
            if rest:
                self._checks.append(_RtreeChecks(self.path, rest))
        _ATTACHED[id(con)] = (con, self)

    def rtree_problem(self, rtree: str) -> str:
        """Return ``"ok"`` or what SQLite's ``rtreecheck`` found in staged R-tree ``rtree``.

        Waits for its check (started when it was packed, or by :meth:`attach`).
        """
        for check in self._checks:
            if rtree in check.rtrees:
                return check.result(rtree)
        return "the staged index was not checked"


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
            if schema == STAGE and id(con) in _ATTACHED:
                _COPIED.setdefault(id(con), {})[_renamed(name, source, target)] = name
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
    """Return the problems of one table: SQLite's ``quick_check`` and its R-tree's check.

    An R-tree copied from the attached stage (:meth:`Stage.attach`) as it was is checked
    where GDAL built it (``rtreecheck``, in a thread while the change copied it): the copy
    must then hold as many nodes, parents and entries. Any other R-tree is checked here.
    """
    problems = [f"{table}: {row[0]}" for row in
                con.execute(f"PRAGMA main.quick_check({quote(table)})") if row[0] != "ok"]
    for rtree in _rtrees_of(con, table):
        source = _COPIED.get(id(con), {}).get(rtree)
        if source is None:
            found = con.execute("SELECT rtreecheck('main', ?)", (rtree,)).fetchone()[0]
        else:
            found = _ATTACHED[id(con)][1].rtree_problem(source)
            if found == "ok":
                found = _copy_difference(con, source, rtree)
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
    for part in SHADOWS:
        con.execute(f"DELETE FROM main.{quote(f'{target}_{part}')}")
        con.execute(f"INSERT INTO main.{quote(f'{target}_{part}')} "
                    f"SELECT * FROM {schema}.{quote(f'{source}_{part}')}")


def _copy_difference(con: sqlite3.Connection, source: str, target: str) -> str:
    """``"ok"`` when R-tree ``main.target`` has the rows of ``STAGE.source``, else the counts."""
    for part in SHADOWS:
        counts = [con.execute(f"SELECT COUNT(*) FROM {schema}.{quote(f'{name}_{part}')}"
                              ).fetchone()[0]
                  for schema, name in ((STAGE, source), ("main", target))]
        if counts[0] != counts[1]:
            return f"{part} holds {counts[1]} rows, the staged index {counts[0]}"
    return "ok"


class _RtreeChecks:
    """SQLite's ``rtreecheck`` of some R-trees of a stage, in a thread of its own.

    Runs on its own read-only connection (SQLite lets other threads run meanwhile).
    :meth:`stop` interrupts it (a change that failed does not wait for it).
    """

    def __init__(self, path: Path, rtrees: list[str]) -> None:
        self.rtrees = list(rtrees)
        self._con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True,
                                    check_same_thread=False)
        self._con.execute("PRAGMA cache_size = -262144")  # up to 256 MiB: a faster check
        self._lock = threading.Lock()  # closing and interrupting never at once
        self._found: dict[str, str] = {}
        self._thread = threading.Thread(target=self._run, name="kvpt-rtreecheck", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for rtree in self.rtrees:
                self._found[rtree] = self._con.execute(
                    "SELECT rtreecheck('main', ?)", (rtree,)).fetchone()[0]
        except sqlite3.Error as e:
            self._found["*"] = f"the check of the staged index failed: {e}"
        finally:
            with self._lock:
                self._con.close()

    def wait(self) -> None:
        """Wait for the check to end."""
        self._thread.join()

    def result(self, rtree: str) -> str:
        """Wait for the check; return its finding for ``rtree`` (``"ok"`` when sound)."""
        self._thread.join()
        return self._found.get("*") or self._found.get(rtree, "the staged index was not checked")

    def stop(self) -> None:
        """Interrupt the check (if still running) and wait for the thread to end."""
        with self._lock:
            if self._thread.is_alive():
                with contextlib.suppress(sqlite3.ProgrammingError):  # closed: it has ended
                    self._con.interrupt()
        self._thread.join()


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
