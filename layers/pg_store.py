"""The project store on PostgreSQL + PostGIS: the same store as the GeoPackage, shared.

:class:`PgStore` has the public methods of :class:`layers.store.ProjectStore` and keeps
their contract; :func:`layers.store_open.open_store` picks it for a ``postgresql://…``
project (see :mod:`layers.pg_connect` for the URL, the write lock and the snapshots).

One PostgreSQL schema per project holds:

``kvpt_meta``, ``kvpt_layers``
    The store's metadata and registry, with the columns of the GeoPackage store's
    (:class:`layers.store_registry.LayerRecord`).
``kvpt_users``, ``kvpt_audit``
    Users and the audit log (:mod:`layers.pg_users`).
``<slug>__v<N>``
    One table per layer version: ``fid``, the attributes and a PostGIS
    ``geometry(Geometry, 4326)`` column ``geom`` (:mod:`layers.pg_tables`), with a GiST
    index; a view named after each current layer shows its current version (QGIS).
``kvpt_rec_<name>``
    Tables of records (settings included), written whole.

New data goes through the same checks and the same GDAL staging as in the GeoPackage store
(:func:`layers.store._stage_layer`), so a layer reads back identically from either back
end. Every change is one transaction: all or nothing, audited, checked before commit.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio

from layers import pg_connect, pg_tables, pg_users, store_tables, store_users, store_views
from layers import store as gpkg
from layers.errors import LayerError
from layers.kinds import get_kind
from layers.messages import clip
from layers.prepare import NewLayer, _check_records, _prepare_all, _Prepared, _records_table
from layers.store_registry import (
    _NOTE_DELETED,
    _NOTE_RENAMED,
    _NOTE_RESTORED,
    _RECORD_COLUMNS,
    META_TABLE,
    REGISTRY_TABLE,
    SCHEMA_VERSION,
    LayerRecord,
    _find,
    _live,
    _rename_check,
    _restore_source,
    _to_record,
)
from layers.store_users import Actor, AuditRecord, UserRecord

_REGISTRY_SQL = f"""CREATE TABLE {REGISTRY_TABLE} (
    id bigserial PRIMARY KEY, name text NOT NULL, kind text NOT NULL,
    version integer NOT NULL CHECK (version >= 1), table_name text NOT NULL UNIQUE,
    source_file text NOT NULL DEFAULT '', checksum text NOT NULL DEFAULT '',
    source_crs text NOT NULL DEFAULT '', encoding text, feature_count integer NOT NULL,
    imported_at text NOT NULL, note text NOT NULL DEFAULT '', current boolean NOT NULL,
    deleted boolean NOT NULL DEFAULT false, UNIQUE (name, version))"""

_VIEWS_KEY, _VIEW_TABLES_KEY = "views", "view_tables"


class PgStore:
    """A KVPT project kept in a PostgreSQL schema (see :class:`layers.store.ProjectStore`).

    Parameters
    ----------
    target : str or Path
        ``postgresql://USER@HOST:PORT/DATABASE?schema=PROJECT`` of a project made by
        :meth:`init`.
    user : Actor, optional
        The acting user, as signed in (:meth:`as_user`).

    Raises
    ------
    LayerError
        If the server cannot be reached or the schema holds no KVPT project.
    """

    def __init__(self, target: str | Path, user: Actor | None = None) -> None:
        self._url, self.schema = pg_connect.split_target(target)
        self.target = pg_connect.url_text(target)
        self.name = pg_connect.display_name(target)
        self.path = Path(pg_connect.masked(self.target))
        self.user = user
        with self._reading() as con:
            _check_project(con, self.schema, self.name)

    def __repr__(self) -> str:
        """Return ``PgStore('postgresql://…')`` with the password masked."""
        return f"PgStore({pg_connect.masked(self.target)!r})"

    @classmethod
    def init(cls, target: str | Path, *, admin: str | None = None,
             password: str | None = None) -> PgStore:
        """Create an empty project in a new schema and open it (see ``ProjectStore.init``).

        Raises
        ------
        LayerError
            If the schema exists, PostGIS is missing, or the admin's name or password is
            unusable.
        """
        url, schema = pg_connect.split_target(target)
        name = pg_connect.display_name(target)
        if admin is not None:
            admin = store_users.check_name(admin)
            if not password or not password.strip():
                raise LayerError(key="password_empty")
        with pg_connect.change(url, schema, name) as con:
            _create_project(con, schema, name)
            if admin is not None:
                pg_users.add_user(con, admin, "admin", password or "")
                pg_users.write_audit(con, admin, "init", detail=name)
        return cls(target, Actor(admin, "admin") if admin is not None else None)

    # -- users, roles, audit ------------------------------------------------------------

    def as_user(self, name: str, password: str) -> PgStore:
        """Sign in: return this store acting for user ``name`` (``sign_in_failed`` if not)."""
        with self._reading() as con:
            actor = pg_users.authenticate(con, name, password, self.name)
        if actor is None:
            self._record("sign_in_failed", clip(name, store_users.NAME_MAX))
            raise LayerError(key="sign_in_failed", params={"file": self.name})
        return PgStore(self.target, actor)

    def has_users(self) -> bool:
        """Whether the project has users: changes then need a signed-in user's role."""
        with self._reading() as con:
            return pg_users.has_users(con)

    def users(self) -> list[UserRecord]:
        """Return the users (admin only in a project with users)."""
        self._require("users")
        with self._reading() as con:
            return pg_users.list_users(con)

    def audit(self) -> list[AuditRecord]:
        """Return the audit log, oldest first (admin only in a project with users)."""
        self._require("audit")
        with self._reading() as con:
            return pg_users.audit_log(con)

    def add_user(self, name: str, role: str, password: str) -> UserRecord:
        """Add a user (admin only; see ``ProjectStore.add_user``)."""
        self._require("user_add", name)
        with self._change("user_add", name) as con:
            rec = pg_users.add_user(con, name, role, password)
            self._audit(con, "user_add", rec.name, detail=f"role {role}")
            return rec

    def set_password(self, name: str, password: str) -> None:
        """Change the password of user ``name`` (an admin, or that user)."""
        own = self.user is not None and self.user.name == name
        if not own:
            self._require("user_passwd", name)
        with self._change(None if own else "user_passwd", name) as con:
            pg_users.set_password(con, name, password)
            self._audit(con, "user_passwd", name)

    def remove_user(self, name: str) -> None:
        """Remove user ``name`` (admin only; not the last admin)."""
        self._require("user_remove", name)
        with self._change("user_remove", name) as con:
            pg_users.remove_user(con, name)
            self._audit(con, "user_remove", name)

    def _require(self, action: str, layer: str = "") -> None:
        """Refuse (``role_needed``, audited) unless the acting user may do ``action``."""
        try:
            with self._reading() as con:
                pg_users.check(con, self.user, action, layer)
        except store_users.Refused as err:
            self._refused(err, action, layer)
            raise

    def _refused(self, err: LayerError, action: str, layer: str) -> None:
        self._record("refused", self.user.name if self.user else "", layer,
                     f"{action}: needs {err.params.get('role', '?')}")

    def _record(self, action: str, user: str, layer: str = "", detail: str = "") -> None:
        pg_users.record_refusal(self._url, self.schema, self.name, user, action, layer,
                                detail)

    def _audit(self, con: Any, action: str, layer: str = "", version: int | None = None,
               detail: str = "") -> None:
        pg_users.write_audit(con, self.user.name if self.user else "", action, layer,
                             version, detail)

    # -- reading ------------------------------------------------------------------------

    def layers(self) -> list[LayerRecord]:
        """Return the current version of every layer that is not deleted, in import order."""
        return [r for r in self._current() if not r.deleted]

    def deleted_layers(self) -> list[LayerRecord]:
        """Return the tombstone of every deleted layer, in import order."""
        return [r for r in self._current() if r.deleted]

    def _current(self) -> list[LayerRecord]:
        rows = self._registry()
        first: dict[str, int] = {}
        for i, rec in enumerate(rows):
            first.setdefault(rec.name, i)
        return sorted((r for r in rows if r.current), key=lambda r: first[r.name])

    def record(self, name: str, version: int | None = None) -> LayerRecord:
        """Return the record of layer ``name`` (see ``ProjectStore.record``)."""
        return _record(self._registry(), name, version)

    def versions(self, name: str) -> list[LayerRecord]:
        """Return every stored version of layer ``name``, oldest first."""
        rows = self._registry()
        rec = _find(rows, name, None)
        return sorted((r for r in rows if r.name == rec.name), key=lambda r: r.version)

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        """Read a layer (EPSG:4326, fresh ``RangeIndex``; see ``ProjectStore.read``)."""
        with self._reading() as con:
            rec = _record(registry_rows(con), name, version)
            if rec.deleted:
                raise LayerError(key="tombstone_version", params={"name": rec.name,
                                                                  "version": rec.version})
            return pg_tables.read_frame(con, rec.table)

    def read_kinds(self, kinds: Iterable[str]) -> dict[str, gpd.GeoDataFrame]:
        """Read the current version of every layer of the given kinds, in import order."""
        wanted = {get_kind(k).key for k in ([kinds] if isinstance(kinds, str) else kinds)}
        with self._reading() as con:
            live = store_views.current_records(registry_rows(con))
            return {r.name: pg_tables.read_frame(con, r.table) for r in live
                    if r.kind in wanted}

    def read_records(self, table: str) -> pd.DataFrame:
        """Read a table of plain records (empty frame when never written)."""
        name = _records_table(table)
        with self._reading() as con:
            if name not in pg_connect.table_names(con, self.schema):
                return pd.DataFrame()
            return pg_tables.read_frame(con, name)

    def layer_views(self) -> dict[str, str]:
        """Return ``{layer name: view name}`` of every current layer."""
        with self._reading() as con:
            return _views(con)

    # -- changing -----------------------------------------------------------------------

    def add_layers(self, layers: Sequence[NewLayer]) -> list[LayerRecord]:
        """Store several layers, all or nothing (see ``ProjectStore.add_layers``)."""
        names = ", ".join(str(getattr(layer, "name", "")) for layer in layers)
        self._require("import", names)
        prepared = _prepare_all(layers)
        if not prepared:
            return []
        staged = _staged(prepared)  # before queueing
        with self._change("import", names) as con:
            records = _store_layers(con, self.schema, prepared, staged)
            for rec in records:
                self._audit(con, "import", rec.name, rec.version,
                            gpkg._join(rec.kind, rec.source_file, rec.note))
            return records

    def add_layer(self, layer: NewLayer) -> LayerRecord:
        """Store one layer; see :meth:`add_layers`."""
        return self.add_layers([layer])[0]

    def restore(self, name: str, version: int) -> LayerRecord:
        """Make a new current version of ``name`` copying ``version`` (admin)."""
        self._require("restore", name)
        _restore_source(self._registry(), name, version)
        with self._change("restore", name) as con:
            rows = registry_rows(con)
            old = _restore_source(rows, name, version)
            new = _copy_version(con, self.schema, rows, old, old.name,
                                _NOTE_RESTORED.format(version=version))
            self._audit(con, "restore", new.name, new.version, new.note)
            return new

    def delete(self, name: str) -> LayerRecord:
        """Delete layer ``name`` with a tombstone version (admin; see ``undelete``)."""
        self._require("delete", name)
        _live(self._registry(), name, deleted=False)
        with self._change("delete", name) as con:
            rows = registry_rows(con)
            rec = _live(rows, name, deleted=False)
            version = max(r.version for r in rows if r.name == rec.name) + 1
            table = _new_table(con, self.schema, rows, rec.name, version)
            tomb = LayerRecord(rec.name, rec.kind, version, table, "", "", rec.source_crs,
                               None, 0, gpkg._now(), _NOTE_DELETED, True, True)
            register(con, [tomb])
            self._audit(con, "delete", tomb.name, tomb.version)
            return tomb

    def undelete(self, name: str) -> LayerRecord:
        """Bring back a deleted layer: a copy of its last version with data (admin)."""
        self._require("undelete", name)
        _live(self._registry(), name, deleted=True)
        with self._change("undelete", name) as con:
            rows = registry_rows(con)
            rec = _live(rows, name, deleted=True)
            last = max((r for r in rows if r.name == rec.name and not r.deleted),
                       key=lambda r: r.version)
            new = _copy_version(con, self.schema, rows, last, last.name,
                                _NOTE_RESTORED.format(version=last.version))
            self._audit(con, "undelete", new.name, new.version, new.note)
            return new

    def rename(self, name: str, new_name: str) -> LayerRecord:
        """Rename a layer, keeping its history under the new name (admin)."""
        self._require("rename", name)
        _rename_check(self._registry(), name, new_name)
        with self._change("rename", name) as con:
            rec, new = _rename_check(registry_rows(con), name, new_name)
            con.execute(f"UPDATE {REGISTRY_TABLE} SET name = %s WHERE name = %s",
                        (new, rec.name))
            rows = registry_rows(con)
            moved = _find(rows, new, rec.version)
            out = _copy_version(con, self.schema, rows, moved, new,
                                _NOTE_RENAMED.format(name=rec.name))
            self._audit(con, "rename", out.name, out.version, out.note)
            return out

    def purge(self, name: str) -> None:
        """Remove layer ``name`` and all its versions for good (admin, no undo)."""
        self._require("purge", name)
        _find(self._registry(), name, None)
        with self._change("purge", name) as con:
            rows = registry_rows(con)
            clean = _find(rows, name, None).name
            drop_views(con, tables={r.table for r in rows if r.name == clean})
            for rec in rows:
                if rec.name == clean and not rec.deleted:
                    pg_tables.drop_table(con, rec.table)
            con.execute(f"DELETE FROM {REGISTRY_TABLE} WHERE name = %s", (clean,))
            self._audit(con, "purge", clean, None,
                        f"{sum(r.name == clean for r in rows)} version(s) removed")

    def write_records(self, table: str, frame: pd.DataFrame) -> None:
        """Replace a table of plain records, all or nothing (see ``ProjectStore``)."""
        action = "settings" if table == "settings" else "records"
        self._require(action, table)
        name = _records_table(table)
        frame = _staged_records(_check_records(frame, table), table)
        with self._change(action, table) as con:
            if not pg_tables.replace_rows(con, name, frame):
                pg_tables.drop_table(con, name)
                pg_tables.write_frame(con, name, frame, comment=f"KVPT records: {table}")
            if pg_tables.count_rows(con, name) != len(frame):
                msg = f"Table {name} lost rows while being written."
                raise RuntimeError(msg)
            self._audit(con, action, table, None, f"{len(frame)} row(s)")

    # -- transactions -------------------------------------------------------------------

    def _registry(self) -> list[LayerRecord]:
        with self._reading() as con:
            return registry_rows(con)

    def _reading(self) -> contextlib.AbstractContextManager[Any]:
        return pg_connect.reading(self._url, self.schema, self.name)

    @contextlib.contextmanager
    def _change(self, action: str | None = None, layer: str = "") -> Iterator[Any]:
        """Yield the connection of one change; check the role first and the result last."""
        refused: LayerError | None = None
        try:
            with pg_connect.change(self._url, self.schema, self.name) as con:
                if action is not None:
                    pg_users.check(con, self.user, action, layer)
                before = con.execute(f"SELECT COALESCE(MAX(id), 0) FROM {REGISTRY_TABLE}"
                                     ).fetchone()[0]
                yield con
                rows = registry_rows(con)
                sync_views(con, self.schema, rows)
                check_change(con, self.schema, rows, before)
        except store_users.Refused as err:
            refused = err
        if refused is not None:
            self._refused(refused, action or "", layer)
            raise refused


# -- the registry and the views (inside a transaction) ---------------------------------


def registry_rows(con: Any) -> list[LayerRecord]:
    """Every registry row, in insertion order."""
    rows = con.execute(f"SELECT {', '.join(_RECORD_COLUMNS)} FROM {REGISTRY_TABLE} "
                       "ORDER BY id").fetchall()
    return [_to_record(r) for r in rows]


def register(con: Any, records: Sequence[LayerRecord], *, keep_current: bool = False) -> None:
    """Add ``records`` to the registry.

    Each becomes the current version of its name, unless ``keep_current`` (rows copied
    from another project as they are).
    """
    for rec in records:
        if not keep_current:
            con.execute(f"UPDATE {REGISTRY_TABLE} SET current = false WHERE name = %s",
                        (rec.name,))
        values = (rec.name, rec.kind, rec.version, rec.table, rec.source_file, rec.checksum,
                  rec.source_crs, rec.encoding, rec.feature_count, rec.imported_at, rec.note,
                  bool(rec.current), bool(rec.deleted))
        con.execute(f"INSERT INTO {REGISTRY_TABLE} ({', '.join(_RECORD_COLUMNS)}) "
                    f"VALUES ({', '.join(['%s'] * len(values))})", values)


def sync_views(con: Any, schema: str, rows: Sequence[LayerRecord]) -> None:
    """Keep one view per current layer, named after it, showing its current table.

    Only the views whose layer or table changed are dropped and made again (DDL locks
    them until the change commits; a reader of any other view never waits).
    """
    current = {r.name: r for r in store_views.current_records(rows)}
    shown = _meta_json(con, _VIEW_TABLES_KEY)
    views = {layer: view for layer, view in _views(con).items()
             if layer in current and shown.get(view) == current[layer].table}
    drop_views(con, keep=set(views.values()))
    taken = {t.lower() for t in pg_connect.table_names(con, schema)}
    for rec in current.values():
        if rec.name not in views:
            views[rec.name] = store_views._free_name(rec.name, taken)[:63]
            taken.add(views[rec.name].lower())
            con.execute(f"CREATE VIEW {pg_connect.quote(views[rec.name])} AS SELECT * FROM "
                        f"{pg_connect.quote(rec.table)}")
    views = {name: views[name] for name in current}  # in import order
    _set_meta_json(con, _VIEWS_KEY, views)
    _set_meta_json(con, _VIEW_TABLES_KEY, {v: current[n].table for n, v in views.items()})


def drop_views(con: Any, *, keep: set[str] | None = None,
               tables: set[str] | None = None) -> None:
    """Drop the layer views the project keeps, but ``keep``, or only those of ``tables``."""
    shown = _meta_json(con, _VIEW_TABLES_KEY)
    for view in _views(con).values():
        if view not in (keep or set()) and (tables is None or shown.get(view) in tables):
            con.execute(f"DROP VIEW IF EXISTS {pg_connect.quote(view)}")


def check_change(con: Any, schema: str, rows: Sequence[LayerRecord], before: int) -> None:
    """Check the registry and the tables a change wrote before it commits.

    Raises
    ------
    RuntimeError
        Naming every problem ("nothing was saved": the transaction rolls back).
    """
    names = {r.name for r in rows}
    problems = [f"layer {n!r} has no single current version" for n in sorted(names)
                if sum(r.current for r in rows if r.name == n) != 1]
    tables = pg_connect.table_names(con, schema)
    problems += [f"tombstone {r.table} has a table" for r in rows
                 if r.deleted and r.table in tables]
    new = con.execute(f"SELECT table_name, feature_count FROM {REGISTRY_TABLE} "
                      "WHERE id > %s AND NOT deleted", (before,)).fetchall()
    for table, expected in new:
        if table not in tables:
            problems.append(f"table {table} is missing")
        elif (count := pg_tables.count_rows(con, table)) != expected:
            problems.append(f"table {table} has {count} rows, registry says {expected}")
    if problems:
        msg = f"The changed store failed its check ({'; '.join(problems)}); nothing was saved."
        raise RuntimeError(msg)


def _views(con: Any) -> dict[str, str]:
    return _meta_json(con, _VIEWS_KEY)


def _meta_json(con: Any, key: str) -> dict:
    row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = %s", (key,)).fetchone()
    return json.loads(row[0]) if row and row[0] else {}


def _set_meta_json(con: Any, key: str, value: dict) -> None:
    con.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s) ON CONFLICT (key) "
                "DO UPDATE SET value = EXCLUDED.value",
                (key, json.dumps(value, ensure_ascii=False)))


# -- writing helpers ---------------------------------------------------------------------


def _create_project(con: Any, schema: str, name: str) -> None:
    """Create the schema of a new, empty project (PostGIS needed in the database)."""
    if pg_connect.schema_exists(con, schema):
        raise LayerError(key="pg_project_exists", params={"name": name, "schema": schema})
    if con.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone() is None:
        raise LayerError(key="pg_no_postgis", params={"name": name})
    con.execute(f"CREATE SCHEMA {pg_connect.quote(schema)}")
    con.execute(f"CREATE TABLE {META_TABLE} (key text PRIMARY KEY, value text NOT NULL)")
    con.execute(_REGISTRY_SQL)
    for sql in pg_users.SCHEMA_SQL:
        con.execute(sql)
    for key, value in (("schema_version", str(SCHEMA_VERSION)),
                       ("application", "kvpt-planner"), ("created_at", gpkg._now()),
                       (_VIEWS_KEY, "{}")):
        con.execute(f"INSERT INTO {META_TABLE} (key, value) VALUES (%s, %s)", (key, value))


def _check_project(con: Any, schema: str, name: str) -> None:
    """Raise unless ``schema`` holds a KVPT project this code can read."""
    tables = pg_connect.table_names(con, schema)
    if META_TABLE not in tables or REGISTRY_TABLE not in tables:
        raise LayerError(key="pg_no_project", params={"name": name, "schema": schema})
    row = con.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'schema_version'"
                      ).fetchone()
    version = row[0] if row else "?"
    if not version.isdigit() or not 1 <= int(version) <= SCHEMA_VERSION:
        raise LayerError(key="store_newer", params={"file": name, "version": version,
                                                    "latest": SCHEMA_VERSION})


def _record(rows: list[LayerRecord], name: str, version: int | None) -> LayerRecord:
    rec = _find(rows, name, version)
    if version is None and rec.deleted:
        raise LayerError(key="layer_deleted", params={"name": rec.name,
                                                      "version": rec.version})
    return rec


def _staged(layers: Sequence[_Prepared]) -> list[gpd.GeoDataFrame]:
    """Each layer as the GeoPackage store would read it back (same GDAL staging)."""
    with store_tables.Stage(spatial_index=False) as stage:  # read back, never copied
        names = [gpkg._stage_layer(stage, layer) for layer in layers]
        return [gpkg._read_table(stage.path, name) for name in names]


def _staged_records(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return records as the GeoPackage store would read them back."""
    with store_tables.Stage() as stage:
        try:
            name = stage.add(frame)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError,
                ValueError) as e:
            raise LayerError(key="records_write_failed", params={
                "table": table, "detail": gpkg._detail(e, stage.path)}) from e
        back = pyogrio.read_dataframe(stage.path, layer=name, read_geometry=False)
    return pd.DataFrame(back).reset_index(drop=True)


def _store_layers(con: Any, schema: str, layers: Sequence[_Prepared],
                  frames: Sequence[gpd.GeoDataFrame]) -> list[LayerRecord]:
    """Write each layer as a new version and register them; return the records."""
    rows = registry_rows(con)
    records: list[LayerRecord] = []
    now = gpkg._now()
    for layer, frame in zip(layers, frames, strict=True):
        version = max((r.version for r in rows + records if r.name == layer.name),
                      default=0) + 1
        table = _new_table(con, schema, rows + records, layer.name, version)
        write_layer_table(con, table, frame, f"{layer.name} (v{version}): {layer.kind}")
        records.append(LayerRecord(layer.name, layer.kind, version, table, layer.source_file,
                                   layer.checksum, layer.source_crs, layer.encoding,
                                   len(frame), now, layer.note, True))
    register(con, records)
    return records


def write_layer_table(con: Any, table: str, frame: gpd.GeoDataFrame, about: str) -> None:
    """Write one layer version's table with its spatial index."""
    pg_tables.write_frame(con, table, frame, comment=about)
    geom = pg_tables.table_meta(con, table)["geometry"]
    con.execute(f"CREATE INDEX ON {pg_connect.quote(table)} USING gist "
                f"({pg_connect.quote(geom)})")


def _copy_version(con: Any, schema: str, rows: list[LayerRecord], rec: LayerRecord,
                  name: str, note: str) -> LayerRecord:
    """Store an exact copy of ``rec``'s table as the new current version of ``name``."""
    version = max(r.version for r in rows if r.name == name) + 1
    table = _new_table(con, schema, rows, name, version)
    pg_tables.copy_table(con, rec.table, table, f"{name} (v{version}): {rec.kind}")
    new = LayerRecord(name, rec.kind, version, table, rec.source_file, rec.checksum,
                      rec.source_crs, rec.encoding, rec.feature_count, gpkg._now(), note, True)
    register(con, [new])
    return new


def _new_table(con: Any, schema: str, rows: Sequence[LayerRecord], name: str,
               version: int) -> str:
    taken = ({t.lower() for t in pg_connect.table_names(con, schema)}
             | {r.table.lower() for r in rows})
    return gpkg._new_table_name(name, version, taken)
