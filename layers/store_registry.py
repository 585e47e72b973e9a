"""The registry of the project store: its rows, its checks, the store's identity.

:class:`LayerRecord` is one row of ``kvpt_layers`` (:data:`REGISTRY_TABLE`): one stored
version of a layer. This module reads the registry (through a connection of a change, or a
read-only one), finds rows with the messages users see when a name or version is wrong,
and checks a store: that a file is a store this code can open (:func:`_check_store`), that
a change leaves the registry and its new tables sound before it is committed
(:func:`_check_change`), and the whole file (:func:`_verify`). The writing steps are in
:mod:`layers.store`.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyogrio

from layers import store_tables, store_tx
from layers.errors import LayerError
from layers.messages import clip
from layers.prepare import _clean_name

REGISTRY_TABLE = "kvpt_layers"
"""Name of the registry table (one row per layer version)."""

META_TABLE = "kvpt_meta"
"""Name of the key/value table holding the store's schema version."""

SCHEMA_VERSION = 3
"""Version of the store layout written by this code (``kvpt_meta.schema_version``).

1: the first layout. 2: the registry has a ``deleted`` column (tombstone versions).
3: the store may hold users, roles and an audit log (``kvpt_users``, ``kvpt_audit``): a
KVPT Planner older than that knows no roles and must refuse the project ("made by a newer
version") rather than let anyone change it. A version-1 or 2 store is read as is and
upgraded in place by its first change."""

_GPKG_APPLICATION_ID = 0x47504B47  # "GPKG"
_SQLITE_MAGIC = b"SQLite format 3\x00"

_REGISTRY_SQL = f"""
CREATE TABLE {REGISTRY_TABLE} (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL CHECK (version >= 1),
    table_name TEXT NOT NULL UNIQUE,
    source_file TEXT NOT NULL DEFAULT '',
    checksum TEXT NOT NULL DEFAULT '',
    source_crs TEXT NOT NULL DEFAULT '',
    encoding TEXT,
    feature_count INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    current INTEGER NOT NULL CHECK (current IN (0, 1)),
    deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    UNIQUE (name, version)
)"""

_RECORD_COLUMNS = ("name", "kind", "version", "table_name", "source_file", "checksum",
                   "source_crs", "encoding", "feature_count", "imported_at", "note", "current",
                   "deleted")
_NOTE_RESTORED = "restored from version {version}"
_NOTE_DELETED = "deleted"
_NOTE_RENAMED = "renamed from {name!r}"


@dataclass(frozen=True)
class LayerRecord:
    """One stored version of a layer (a row of the registry).

    Attributes
    ----------
    name : str
        Display name, unique in the project (Vietnamese allowed).
    kind : str
        Key of :data:`layers.kinds.KINDS`.
    version : int
        1, 2, ...
    table : str
        GeoPackage table holding this version (ASCII slug of the name + ``__v<N>``).
    source_file : str
        Name of the file the data came from.
    checksum : str
        SHA-256 of the source bytes.
    source_crs : str
        CRS of the source before it was reprojected to EPSG:4326.
    encoding : str or None
        Text encoding of the source, where it had one.
    feature_count : int
        Number of features.
    imported_at : str
        ISO 8601 time (UTC) the version was stored.
    note : str
        Free note, e.g. ``"restored from version 1"``, ``"deleted"``,
        ``"renamed from 'Xã'"`` (:func:`note_text` gives it in Vietnamese).
    current : bool
        Whether this is the layer's current (latest) version.
    deleted : bool
        Whether this version is a tombstone: it records the deletion of the layer and
        has no data (its ``table`` does not exist, ``feature_count`` is 0).
    """

    name: str
    kind: str
    version: int
    table: str
    source_file: str
    checksum: str
    source_crs: str
    encoding: str | None
    feature_count: int
    imported_at: str
    note: str
    current: bool
    deleted: bool = False



def _check_store(path: Path) -> None:
    """Raise LayerError unless ``path`` is a KVPT store this code can read."""
    if not path.exists():
        raise LayerError(key="store_missing", params={"file": path.name, "path": str(path)})
    if not path.is_file():
        raise LayerError(key="store_is_folder", params={"file": path.name})
    with store_tx.access("file"), path.open("rb") as f:
        magic = f.read(len(_SQLITE_MAGIC))
    not_gpkg = LayerError(key="store_not_gpkg", params={"file": path.name})
    if magic != _SQLITE_MAGIC:
        raise not_gpkg
    try:
        with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
            app_id = con.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master "
                                                "WHERE type = 'table'")}
            version = None
            if META_TABLE in tables:
                row = con.execute(f"SELECT value FROM {META_TABLE} "
                                  "WHERE key = 'schema_version'").fetchone()
                version = row[0] if row else None
    except sqlite3.DatabaseError as e:
        raise LayerError(key="store_damaged", params={"file": path.name,
                                                      "detail": _detail(e, path)}) from e
    if app_id != _GPKG_APPLICATION_ID or "gpkg_contents" not in tables:
        raise not_gpkg
    if REGISTRY_TABLE not in tables or version is None:
        raise LayerError(key="store_plain_gpkg", params={"file": path.name,
                                                         "registry": REGISTRY_TABLE})
    try:
        version_num = int(version)
    except ValueError:
        version_num = -1
    if not 1 <= version_num <= SCHEMA_VERSION:
        raise LayerError(key="store_newer", params={"file": path.name, "version": version,
                                                    "latest": SCHEMA_VERSION})


def _registry(path: Path) -> list[LayerRecord]:
    """Every registry row of the store at ``path`` (one consistent read)."""
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        return _registry_rows(con)


def _registry_rows(con: sqlite3.Connection) -> list[LayerRecord]:
    """Every registry row, in insertion order (a version-1 store has no tombstones)."""
    have = {r[1] for r in con.execute(f"PRAGMA table_info({REGISTRY_TABLE})")}
    cols = ", ".join(c if c in have else "0" for c in _RECORD_COLUMNS)
    rows = con.execute(f"SELECT {cols} FROM {REGISTRY_TABLE} ORDER BY id").fetchall()
    return [_to_record(r) for r in rows]


def _to_record(row: Sequence) -> LayerRecord:
    (name, kind, version, table, source_file, checksum, source_crs, encoding, count,
     imported_at, note, current, deleted) = row
    return LayerRecord(name, kind, int(version), table, source_file, checksum, source_crs,
                       encoding, int(count), imported_at, note, bool(current), bool(deleted))


def _find(rows: list[LayerRecord], name: str, version: int | None) -> LayerRecord:
    """Return the row of ``name`` (current, or ``version``) or raise a helpful LayerError."""
    clean = _clean_name(name)
    mine = [r for r in rows if r.name == clean]
    if not mine:
        live = {r.name for r in rows if r.current and not r.deleted}
        names = [n for n in dict.fromkeys(r.name for r in rows) if n in live]
        known = ", ".join(repr(n) for n in names) if names else "-"
        raise LayerError(key="layer_unknown", params={"name": str(name), "names": known})
    for r in mine:
        if (r.current if version is None else r.version == version):
            return r
    have = ", ".join(str(r.version) for r in sorted(mine, key=lambda r: r.version))
    raise LayerError(key="version_unknown", params={"name": clean, "version": version,
                                                    "versions": have})


def _live(rows: list[LayerRecord], name: str, *, deleted: bool) -> LayerRecord:
    """Return the current row of ``name``; raise unless its ``deleted`` is as expected."""
    rec = _find(rows, name, None)
    if rec.deleted and not deleted:
        raise LayerError(key="already_deleted", params={"name": rec.name})
    if deleted and not rec.deleted:
        raise LayerError(key="not_deleted", params={"name": rec.name})
    return rec


def _restore_source(rows: list[LayerRecord], name: str, version: int) -> LayerRecord:
    """Return the version to restore, or raise why it cannot be restored."""
    old = _find(rows, name, version)
    if old.deleted:
        raise LayerError(key="tombstone_version", params={"name": old.name,
                                                          "version": version})
    if old.current:
        raise LayerError(key="already_current", params={"name": old.name,
                                                        "version": version})
    return old


def _rename_check(rows: list[LayerRecord], name: str,
                  new_name: str) -> tuple[LayerRecord, str]:
    """Return the layer's current row and its clean new name, or raise why not."""
    rec = _find(rows, name, None)
    if rec.deleted:
        raise LayerError(key="layer_deleted", params={"name": rec.name,
                                                      "version": rec.version})
    new = _clean_name(new_name)
    if not new:
        raise LayerError(key="name_empty")
    if new == rec.name:
        raise LayerError(key="same_name", params={"name": new})
    if any(r.name == new for r in rows):
        raise LayerError(key="name_taken", params={"name": new})
    return rec, new


def _check_change(con: sqlite3.Connection, rows: list[LayerRecord], before: int) -> None:
    """Check the store as a change leaves it, before it is committed.

    The registry as a whole (one current version per layer, no table for a tombstone)
    and each table the change registered (its row count, SQLite's check of its pages and
    its R-tree); old tables are not read again, so a change costs the same in a large
    project.

    Raises
    ------
    RuntimeError
        Naming every problem found ("nothing was saved": the change is rolled back).
    """
    names = {r.name for r in rows}
    problems = [f"layer {n!r} has no single current version" for n in sorted(names)
                if sum(r.current for r in rows if r.name == n) != 1]
    tables = {t.lower() for t in store_tables.table_names(con, kinds=("table",))}
    listed = {r[0].lower() for r in con.execute("SELECT table_name FROM gpkg_contents")}
    problems += [f"tombstone {r.table} has a table" for r in rows
                 if r.deleted and r.table.lower() in tables]
    new = con.execute(f"SELECT table_name, feature_count FROM {REGISTRY_TABLE} "
                      "WHERE id > ? AND deleted = 0", (before,)).fetchall()
    for table, expected in new:
        if table.lower() not in tables or table.lower() not in listed:
            problems.append(f"table {table} is missing")
            continue
        count = con.execute(f"SELECT COUNT(*) FROM {store_tables.quote(table)}").fetchone()[0]
        if count != expected:
            problems.append(f"table {table} has {count} rows, registry says {expected}")
        problems += store_tables.check_table(con, table)
    if problems:
        msg = f"The changed store failed its check ({'; '.join(problems)}); nothing was saved."
        raise RuntimeError(msg)


def _verify(path: Path) -> None:
    """Check that ``path`` is a sound store whose registry matches its tables (all of it).

    Raises
    ------
    RuntimeError
        If GDAL cannot open it, a registered table is missing or holds another
        number of rows, or SQLite's quick check fails.
    """
    _check_store(path)
    with store_tx.access("gdal"):
        listed = {str(n) for n, _ in pyogrio.list_layers(path)}
    problems = [f"{t} is not listed by GDAL" for t in (REGISTRY_TABLE, META_TABLE)
                if t not in listed]
    records = _registry(path)
    names = {r.name for r in records}
    problems += [f"layer {n!r} has no single current version" for n in sorted(names)
                 if sum(r.current for r in records if r.name == n) != 1]
    problems += [f"tombstone {r.table} has a table" for r in records
                 if r.deleted and r.table in listed]
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            problems.append("SQLite quick_check failed")
        for rec in records:
            if rec.deleted:
                continue
            if rec.table not in listed:
                problems.append(f"table {rec.table} is missing")
                continue
            count = con.execute(f'SELECT COUNT(*) FROM "{rec.table}"').fetchone()[0]
            if count != rec.feature_count:
                problems.append(f"table {rec.table} has {count} rows, registry says "
                                f"{rec.feature_count}")
    if problems:
        msg = f"The store failed its check ({'; '.join(problems)}); nothing was saved."
        raise RuntimeError(msg)


def _detail(err: Exception, path: Path | None) -> str:
    """Return a library's error text, short, naming ``path`` by its base name only."""
    text = re.sub(r"/vsimem/\S+", "(memory)", str(err))
    return clip(text.replace(str(path), path.name) if path else text, 200)
