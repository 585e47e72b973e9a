"""Copy a whole project between GeoPackage and PostGIS (either way), nothing lost.

:func:`copy_project` copies every layer version (tombstones included, the registry rows
as they are: versions, times, checksums, notes), every table of records (settings
included), the users with their password hashes (nobody needs a new password) and the
audit log, into a new project. The copy is all or nothing: the destination must not exist,
is written in one transaction, and is removed again if anything fails.

Reading the users and the audit log of a project with users needs its admin, so the copy
of such a project does too.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio

from layers import (
    pg_connect,
    pg_store,
    pg_tables,
    pg_users,
    store_tables,
    store_tx,
    store_users,
    store_views,
)
from layers import store as gpkg
from layers.errors import LayerError
from layers.prepare import RECORDS_PREFIX
from layers.store_open import init_store, is_pg_target, target_text
from layers.store_registry import (
    _RECORD_COLUMNS,
    REGISTRY_TABLE,
    LayerRecord,
    _check_change,
    _registry,
    _verify,
)
from layers.store_users import AUDIT_TABLE, USERS_TABLE, AuditRecord


@dataclass(frozen=True)
class CopyReport:
    """What :func:`copy_project` copied.

    Attributes
    ----------
    layers : int
        Layers (names), deleted ones included.
    versions : int
        Registry rows (layer versions, tombstones included).
    records : int
        Tables of records (settings included).
    users : int
        Users.
    audit : int
        Rows of the audit log.
    """

    layers: int
    versions: int
    records: int
    users: int
    audit: int


@dataclass
class _Content:
    """Everything of a project but the layer tables' rows (read when written)."""

    store: Any
    rows: list[LayerRecord]
    records: dict[str, pd.DataFrame]
    users: list[tuple[str, str, str, str]]
    audit: list[AuditRecord]

    def frame(self, table: str) -> Any:
        """Read one layer version's table of the source."""
        if is_pg_target(getattr(self.store, "target", "")):
            with self.store._reading() as con:
                return pg_tables.read_frame(con, table)
        return gpkg._read_table(self.store.path, table)


def copy_project(source: Any, target: str | Path) -> CopyReport:
    """Copy the project ``source`` (an open store) into a new project at ``target``.

    Parameters
    ----------
    source : ProjectStore or PgStore
        The project, opened (signed in as an admin if it has users).
    target : str or Path
        A new ``.gpkg`` path or ``postgresql://…?schema=NEW`` URL.

    Returns
    -------
    CopyReport
        What was copied.

    Raises
    ------
    LayerError
        ``role_needed`` unless an admin copies a project with users; ``copy_same`` for
        the same project; the messages of :func:`layers.store_open.init_store` when the
        destination exists or cannot be made. The destination is then not created.
    """
    if target_text(target) == target_text(getattr(source, "target", source.path)):
        raise LayerError(key="copy_same", params={"name": Path(str(target)).name})
    content = _read(source)
    if is_pg_target(target):
        _to_postgis(content, str(target))
    else:
        _to_geopackage(content, Path(target))
    return CopyReport(len({r.name for r in content.rows}), len(content.rows),
                      len(content.records), len(content.users), len(content.audit))


# -- reading the source -------------------------------------------------------------------


def _read(store: Any) -> _Content:
    """Read the registry, records, users and audit log of ``store`` (admin checked)."""
    audit = store.audit()  # role_needed unless admin (in a project with users)
    if is_pg_target(getattr(store, "target", "")):
        with store._reading() as con:
            rows = pg_store.registry_rows(con)
            users = pg_users.user_rows(con)
            names = sorted(t for t in pg_connect.table_names(con, store.schema)
                           if t.startswith(RECORDS_PREFIX))
            records = {n: pg_tables.read_frame(con, n) for n in names}
        return _Content(store, rows, records, users, audit)
    path = store.path
    with _sqlite(path) as con:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = "
                                            "'table'")}
        users = ([tuple(r) for r in con.execute(
            f"SELECT name, role, password_hash, created FROM {USERS_TABLE} ORDER BY id")]
            if USERS_TABLE in tables else [])
    names = sorted(t for t in tables if t.startswith(RECORDS_PREFIX))
    with store_tx.access("gdal"):
        records = {n: pd.DataFrame(pyogrio.read_dataframe(path, layer=n, read_geometry=False)
                                   ).reset_index(drop=True) for n in names}
    return _Content(store, _registry(path), records, users, audit)


@contextlib.contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        yield con


# -- writing the destination -------------------------------------------------------------


def _to_postgis(content: _Content, target: str) -> None:
    """Create the PostGIS project ``target`` holding ``content``, in one transaction."""
    url, schema = pg_connect.split_target(target)
    name = pg_connect.display_name(target)
    with pg_connect.change(url, schema, name) as con:
        pg_store._create_project(con, schema, name)
        for rec in content.rows:
            if not rec.deleted:
                pg_store.write_layer_table(con, rec.table, content.frame(rec.table),
                                           f"{rec.name} (v{rec.version}): {rec.kind}")
        pg_store.register(con, content.rows, keep_current=True)
        for table, frame in content.records.items():
            pg_tables.write_frame(con, table, frame, comment=f"KVPT records: {table}")
        for user in content.users:
            pg_users.insert_user(con, *user)
        for a in content.audit:
            pg_users.write_audit(con, a.user, a.action, a.layer, a.version, a.detail,
                                 time=a.time)
        pg_store.sync_views(con, schema, content.rows)
        pg_store.check_change(con, schema, content.rows, 0)


def _to_geopackage(content: _Content, path: Path) -> None:
    """Create the GeoPackage project ``path`` holding ``content``; remove it on failure."""
    init_store(path)
    try:
        with store_tables.Stage() as stage:
            staged = {rec.table: stage.add(content.frame(rec.table))
                      for rec in content.rows if not rec.deleted}
            records = {t: stage.add(f) for t, f in content.records.items()}
            with store_tx.change(path) as con:
                stage.attach(con)
                _gpkg_load(con, content, staged, records)
        _verify(path)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _gpkg_load(con: sqlite3.Connection, content: _Content, staged: dict[str, str],
               records: dict[str, str]) -> None:
    """Write the staged tables, the registry, users and audit rows (inside one change)."""
    for rec in content.rows:
        if not rec.deleted:
            store_tables.copy_table(con, schema=store_tables.STAGE, source=staged[rec.table],
                                    target=rec.table, identifier=f"{rec.name} (v{rec.version})",
                                    description=rec.kind)
    for rec in content.rows:
        values = (rec.name, rec.kind, rec.version, rec.table, rec.source_file, rec.checksum,
                  rec.source_crs, rec.encoding, rec.feature_count, rec.imported_at, rec.note,
                  int(rec.current), int(rec.deleted))
        con.execute(f"INSERT INTO {REGISTRY_TABLE} ({', '.join(_RECORD_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(values))})", values)
    for table, source in records.items():
        store_tables.copy_table(con, schema=store_tables.STAGE, source=source, target=table,
                                identifier=table,
                                description=f"KVPT records: {table[len(RECORDS_PREFIX):]}")
    if content.users:
        store_users._ensure_tables(con)
        con.executemany(f"INSERT INTO {USERS_TABLE} (name, role, password_hash, created) "
                        "VALUES (?, ?, ?, ?)", content.users)
        con.executemany(f"INSERT INTO {AUDIT_TABLE} (time, user, action, layer, version, "
                        "detail) VALUES (?, ?, ?, ?, ?, ?)",
                        [(a.time, a.user, a.action, a.layer, a.version, a.detail)
                         for a in content.audit])
    store_views.sync_views(con, content.rows)
    _check_change(con, content.rows, 0)
