"""The project store: one GeoPackage file that holds every layer and its history.

A store is a valid GeoPackage (it opens in QGIS, ``ogrinfo`` and
``pyogrio.list_layers``) with two extra non-spatial tables, both registered in
``gpkg_contents`` with ``data_type = 'attributes'``:

``kvpt_meta``
    ``key``/``value`` rows; ``schema_version`` (:data:`SCHEMA_VERSION`) lets a
    later version recognise and migrate the file.
``kvpt_layers`` (:data:`REGISTRY_TABLE`)
    One row per stored layer version (:class:`LayerRecord`).

History is never rewritten: a restore, a deletion and a rename each add a version.
:meth:`ProjectStore.delete` adds a *tombstone* version (``deleted``, no data table) that
hides the layer from :meth:`ProjectStore.layers`; :meth:`ProjectStore.undelete` (or
:meth:`ProjectStore.restore` of any earlier version) brings it back.
:meth:`ProjectStore.rename` moves the whole history to the new name and adds a version
noting the old one (rename back to undo). :meth:`ProjectStore.purge` is the only way to
remove a layer's data for good.

Tables of plain records (no geometry, e.g. exercise records) live beside the layers as
``kvpt_rec_<name>`` (:data:`RECORDS_PREFIX`) attribute tables, written whole by
:meth:`ProjectStore.write_records` and read by :meth:`ProjectStore.read_records`; they
have no versions. Layer tables never start with ``kvpt_``, so the names cannot clash.

Each version of a layer is its own feature table (``<ascii slug>__v<N>``), in
EPSG:4326 (:data:`STORAGE_CRS`). Geometries are stored as given; a table that
mixes single and multi parts of one type (Polygon and MultiPolygon) is promoted
to the multi type, and a table that mixes base types (Point and Polygon, which
some kinds allow) gets the GeoPackage ``GEOMETRY`` type.

Every change (:meth:`ProjectStore.add_layers`, :meth:`ProjectStore.restore`,
:meth:`ProjectStore.delete`, :meth:`ProjectStore.rename`, :meth:`ProjectStore.purge`…) is
all-or-nothing: it is one SQLite transaction (:mod:`layers.store_tx`). New data is first
written by GDAL into a staging GeoPackage (a big layer's spatial index packed from its
boxes, :mod:`layers.stage_index`), then copied into the store, registered, shown in the
views (:mod:`layers.store_views`) and checked inside that transaction
(:mod:`layers.store_tables`). If anything fails, including an interrupt, the transaction is
rolled back and the store file is byte-for-byte unchanged; a killed process leaves the
state before or after its change, and nothing else (no temporary files). Changes of one
store queue: a writer waits up to :data:`layers.store_tx.write_wait_s` for the one before
it, then gives up with a clear message, unchanged. Readers never wait for a writer and see
a change whole or not at all. Reading never changes the data.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors

from layers import store_tables, store_tx, store_users, store_views
from layers.errors import LayerError
from layers.kinds import base_geometry_types, get_kind
from layers.messages import text as message_text
from layers.prepare import (  # noqa: F401 - NewLayer and slugify are public here too
    _RESERVED_PREFIXES,
    _SLUG_MAX,
    RECORDS_PREFIX,
    STORAGE_CRS,
    NewLayer,
    _check_records,
    _clean_name,
    _has_geometry,
    _normalise_columns,
    _prepare,
    _prepare_all,
    _Prepared,
    _records_table,
    slugify,
    type_sample,
)
from layers.store_registry import (  # noqa: F401 - the constants and LayerRecord are public here
    _GPKG_APPLICATION_ID,
    _NOTE_DELETED,
    _NOTE_RENAMED,
    _NOTE_RESTORED,
    _RECORD_COLUMNS,
    _REGISTRY_SQL,
    META_TABLE,
    REGISTRY_TABLE,
    SCHEMA_VERSION,
    LayerRecord,
    _check_change,
    _check_store,
    _detail,
    _find,
    _live,
    _registry,
    _registry_rows,
    _rename_check,
    _restore_source,
    _verify,
)
from layers.store_users import Actor, AuditRecord, UserRecord


class ProjectStore:
    """A KVPT project: layers and their versions in one GeoPackage file.

    Parameters
    ----------
    path : str or Path
        An existing store, made by :meth:`init`.
    user : Actor, optional
        The acting user, as signed in (:meth:`as_user` gives a store acting for a user).
        In a project with users every change checks this user's role
        (:mod:`layers.store_users`) and is audited; without a user every change of such a
        project is refused. A project without users checks nothing.

    Raises
    ------
    LayerError
        If ``path`` does not exist or is not a KVPT project store.

    Notes
    -----
    Several processes and threads may use one store at once: changes queue (each one
    SQLite transaction, waiting at most :data:`layers.store_tx.write_wait_s` for the one
    before it, else ``store_busy``), and readers see a change whole or not at all.
    """

    def __init__(self, path: str | Path, user: Actor | None = None) -> None:
        self.path = Path(path)
        self.user = user
        _check_store(self.path)

    def __repr__(self) -> str:
        """Return ``ProjectStore('path')``."""
        return f"ProjectStore({str(self.path)!r})"

    @classmethod
    def init(cls, path: str | Path, *, admin: str | None = None,
             password: str | None = None) -> ProjectStore:
        """Create an empty store at ``path`` and open it.

        The path must end in ``.gpkg`` and must not exist: an existing file is
        never overwritten or reused, even if it already is an empty store
        (open that with ``ProjectStore(path)`` instead).

        Parameters
        ----------
        path : str or Path
            Where to create the store.
        admin : str, optional
            Name of the project's first user, an admin: the project then checks roles
            and keeps an audit log. Without it, the project has no users (no checks).
        password : str, optional
            The admin's password (required with ``admin``; stored as an argon2 hash).

        Returns
        -------
        ProjectStore
            The new, empty store (acting for ``admin`` when given).

        Raises
        ------
        LayerError
            If the path exists, does not end in ``.gpkg`` or its folder is missing, or
            the admin's name or password is unusable.
        """
        path = Path(path)
        _check_new_store_path(path)
        if admin is not None:
            admin = store_users.check_name(admin)
            if not password or not password.strip():
                raise LayerError(key="password_empty")
        tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", suffix=".kvpt-init",
                                       dir=path.parent))
        try:
            tmp = tmpdir / path.name
            _create_store(tmp)
            if admin is not None:
                with store_tx.change(tmp) as con:
                    store_users.add_user(con, admin, "admin", password or "")
                    store_users.write_audit(con, admin, "init", detail=path.name)
            _verify(tmp)
            _fsync(tmp)
            if path.exists():  # created by someone else meanwhile
                _check_new_store_path(path)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return cls(path, Actor(admin, "admin") if admin is not None else None)

    # -- users, roles, audit ----------------------------------------------------------

    def as_user(self, name: str, password: str) -> ProjectStore:
        """Sign in: return this store acting for user ``name``.

        Raises
        ------
        LayerError
            ``sign_in_failed`` (audited) for an unknown name or wrong password;
            ``no_users`` if the project has no users.
        """
        return ProjectStore(self.path, store_users.authenticate(self.path, name, password))

    def has_users(self) -> bool:
        """Whether the project has users: changes then need a signed-in user's role."""
        return store_users.store_has_users(self.path)

    def users(self) -> list[UserRecord]:
        """Return the project's users (names, roles; never passwords), oldest first.

        Raises
        ------
        LayerError
            ``role_needed`` (audited) unless the acting user is an admin (in a project
            with users).
        """
        self._require("users")
        return store_users.list_users(self.path)

    def audit(self) -> list[AuditRecord]:
        """Return the audit log, oldest first (empty in a project without users).

        Raises
        ------
        LayerError
            ``role_needed`` (audited) unless the acting user is an admin (in a project
            with users).
        """
        self._require("audit")
        return store_users.audit_log(self.path)

    def add_user(self, name: str, role: str, password: str) -> UserRecord:
        """Add a user (admin only; the first user of a project must be an admin).

        Parameters
        ----------
        name : str
            User name (1 to :data:`layers.store_users.NAME_MAX` printable characters).
        role : {"viewer", "planner", "admin"}
            What the user may do (:data:`layers.store_users.ACTIONS`).
        password : str
            Not empty; stored as an argon2 hash.

        Raises
        ------
        LayerError
            ``role_needed`` unless the acting user is an admin; a bad or taken name,
            unknown role, empty password.
        """
        self._require("user_add", name)
        with self._change("user_add", name) as con:
            rec = store_users.add_user(con, name, role, password)
            self._audit(con, "user_add", rec.name, detail=f"role {role}")
            return rec

    def set_password(self, name: str, password: str) -> None:
        """Change the password of user ``name`` (an admin, or that user).

        Raises
        ------
        LayerError
            ``role_needed`` unless the acting user is an admin or ``name``; an unknown
            user or empty password.
        """
        own = self.user is not None and self.user.name == name
        if not own:
            self._require("user_passwd", name)
        with self._change(None if own else "user_passwd", name) as con:
            store_users.set_password(con, name, password)  # refuses a user removed since
            self._audit(con, "user_passwd", name)

    def remove_user(self, name: str) -> None:
        """Remove user ``name`` (admin only; not the last admin).

        Raises
        ------
        LayerError
            ``role_needed`` unless the acting user is an admin; an unknown user or the
            last admin.
        """
        self._require("user_remove", name)
        with self._change("user_remove", name) as con:
            store_users.remove_user(con, name)
            self._audit(con, "user_remove", name)

    def _require(self, action: str, layer: str = "") -> None:
        """Refuse (``role_needed``, audited) unless the acting user may do ``action``.

        Runs before the change queues, on a read-only connection; the change checks again
        inside its transaction.
        """
        try:
            with store_users._reading(self.path) as con:
                store_users.check(con, self.user, action, layer)
        except store_users.Refused as err:
            self._refused(err, action, layer)
            raise

    def _refused(self, err: LayerError, action: str, layer: str) -> None:
        """Audit the refusal ``err`` of ``action`` in a transaction of its own."""
        store_users.record_refusal(self.path, self.user.name if self.user else "", "refused",
                                   layer, f"{action}: needs {err.params.get('role', '?')}")

    def _audit(self, con: sqlite3.Connection, action: str, layer: str = "",
               version: int | None = None, detail: str = "") -> None:
        """Add the audit row of this change inside its transaction (projects with users)."""
        store_users.write_audit(con, self.user.name if self.user else "", action, layer,
                                version, detail)

    def layers(self) -> list[LayerRecord]:
        """Return the current version of every layer that is not deleted.

        Returns
        -------
        list of LayerRecord
            In import order (the order in which each name was first stored; a new
            version does not move a layer).
        """
        return [r for r in self._current() if not r.deleted]

    def deleted_layers(self) -> list[LayerRecord]:
        """Return the tombstone of every deleted layer (restorable with :meth:`undelete`).

        Returns
        -------
        list of LayerRecord
            The current (``deleted``) version of each deleted layer, in import order.
        """
        return [r for r in self._current() if r.deleted]

    def _current(self) -> list[LayerRecord]:
        rows = _registry(self.path)
        first: dict[str, int] = {}
        for i, rec in enumerate(rows):
            first.setdefault(rec.name, i)
        current = [r for r in rows if r.current]
        return sorted(current, key=lambda r: first[r.name])

    def record(self, name: str, version: int | None = None) -> LayerRecord:
        """Return the record of layer ``name``.

        Parameters
        ----------
        name : str
            Layer name.
        version : int, optional
            Version number; the current version by default.

        Returns
        -------
        LayerRecord
            With ``version``, a tombstone version too (``deleted``).

        Raises
        ------
        LayerError
            If the name or version is unknown (the message lists what exists), or
            ``version`` is omitted and the layer is deleted.
        """
        rec = _find(_registry(self.path), name, version)
        if version is None and rec.deleted:
            raise LayerError(key="layer_deleted", params={"name": rec.name,
                                                          "version": rec.version})
        return rec

    def versions(self, name: str) -> list[LayerRecord]:
        """Return every stored version of layer ``name``, oldest first.

        A deleted layer's history ends with its tombstone (``deleted``).

        Raises
        ------
        LayerError
            If ``name`` is unknown.
        """
        rows = _registry(self.path)
        rec = _find(rows, name, None)
        return sorted((r for r in rows if r.name == rec.name), key=lambda r: r.version)

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        """Read a layer.

        Parameters
        ----------
        name : str
            Layer name.
        version : int, optional
            Version number; the current version by default.

        Returns
        -------
        GeoDataFrame
            In EPSG:4326, with a fresh ``RangeIndex`` and geometry column ``geometry``.

        Raises
        ------
        LayerError
            If the name or version is unknown, the layer is deleted, or ``version`` is
            a tombstone.
        """
        rec = self.record(name, version)
        if rec.deleted:
            raise LayerError(key="tombstone_version", params={"name": rec.name,
                                                              "version": rec.version})
        return _read_table(self.path, rec.table)

    def read_kinds(self, kinds: Iterable[str]) -> dict[str, gpd.GeoDataFrame]:
        """Read the current version of every layer of the given kinds.

        Parameters
        ----------
        kinds : iterable of str
            Kind keys.

        Returns
        -------
        dict
            ``{layer name: GeoDataFrame}`` in import order; empty when no layer
            has one of the kinds. Deleted layers are left out.

        Raises
        ------
        LayerError
            If a kind is unknown.
        """
        wanted = {get_kind(k).key for k in ([kinds] if isinstance(kinds, str) else kinds)}
        return {r.name: _read_table(self.path, r.table) for r in self.layers()
                if r.kind in wanted}

    def add_layers(self, layers: Sequence[NewLayer]) -> list[LayerRecord]:
        """Store several layers, all or nothing.

        A name already in the store gets a new version; the old versions are kept. A
        deleted layer's name brings the layer back, with its history.

        Parameters
        ----------
        layers : sequence of NewLayer
            The layers; their names must differ from each other.

        Returns
        -------
        list of LayerRecord
            The new records, in the order of ``layers``.

        Raises
        ------
        LayerError
            If any layer is invalid (the message lists every problem found), or
            (``store_busy``) another change of the store kept it longer than
            :data:`layers.store_tx.write_wait_s`. The store is unchanged when this or any
            other exception is raised.
        """
        names = ", ".join(str(getattr(layer, "name", "")) for layer in layers)
        self._require("import", names)
        prepared = _prepare_all(layers)
        if not prepared:
            return []
        with store_tables.Stage() as stage:
            staged = [_stage_layer(stage, layer) for layer in prepared]  # before queueing
            with self._change("import", names) as con:
                stage.attach(con)
                records = _store_layers(con, prepared, staged)
                for rec in records:
                    self._audit(con, "import", rec.name, rec.version,
                                _join(rec.kind, rec.source_file, rec.note))
                return records

    def add_layer(self, layer: NewLayer) -> LayerRecord:
        """Store one layer; see :meth:`add_layers`."""
        return self.add_layers([layer])[0]

    def restore(self, name: str, version: int) -> LayerRecord:
        """Make a new current version of ``name`` whose data is a copy of ``version``.

        History stays linear: nothing is removed, the new version's note says
        ``"restored from version N"``. Restoring a deleted layer's earlier version
        brings the layer back.

        Parameters
        ----------
        name : str
            Layer name.
        version : int
            The version to copy.

        Returns
        -------
        LayerRecord
            The new version.

        Raises
        ------
        LayerError
            If the name or version is unknown, ``version`` is already current, or it
            is a tombstone.
        """
        self._require("restore", name)
        _restore_source(_registry(self.path), name, version)  # refuse early, unqueued
        with self._change("restore", name) as con:
            rows = _registry_rows(con)
            old = _restore_source(rows, name, version)
            new = _copy_version(con, rows, old, old.name,
                                _NOTE_RESTORED.format(version=version))
            self._audit(con, "restore", new.name, new.version, new.note)
            return new

    def delete(self, name: str) -> LayerRecord:
        """Delete layer ``name``: add a tombstone version that hides it, all or nothing.

        The data of every version is kept: :meth:`undelete` (or :meth:`restore` of an
        earlier version) brings the layer back; :meth:`purge` removes it for good.

        Returns
        -------
        LayerRecord
            The tombstone (``deleted``, no data, note ``"deleted"``).

        Raises
        ------
        LayerError
            If ``name`` is unknown or already deleted.
        """
        self._require("delete", name)
        _live(_registry(self.path), name, deleted=False)
        with self._change("delete", name) as con:
            rows = _registry_rows(con)
            tomb = _add_tombstone(con, rows, _live(rows, name, deleted=False))
            self._audit(con, "delete", tomb.name, tomb.version)
            return tomb

    def undelete(self, name: str) -> LayerRecord:
        """Bring back a deleted layer: a new version copying its last version with data.

        Returns
        -------
        LayerRecord
            The new current version (note ``"restored from version N"``).

        Raises
        ------
        LayerError
            If ``name`` is unknown or not deleted.
        """
        self._require("undelete", name)
        _live(_registry(self.path), name, deleted=True)
        with self._change("undelete", name) as con:
            rows = _registry_rows(con)
            rec = _live(rows, name, deleted=True)
            last = max((r for r in rows if r.name == rec.name and not r.deleted),
                       key=lambda r: r.version)
            new = _copy_version(con, rows, last, last.name,
                                _NOTE_RESTORED.format(version=last.version))
            self._audit(con, "undelete", new.name, new.version, new.note)
            return new

    def rename(self, name: str, new_name: str) -> LayerRecord:
        """Rename a layer, keeping its history under the new name, all or nothing.

        Every version moves to ``new_name``; a new current version (a copy of the
        current data) notes ``"renamed from 'old name'"``. Rename back to undo it.

        Parameters
        ----------
        name : str
            The layer.
        new_name : str
            Its new name: not empty and not used by any layer, deleted ones included.

        Returns
        -------
        LayerRecord
            The new current version, under ``new_name``.

        Raises
        ------
        LayerError
            If ``name`` is unknown or deleted, or ``new_name`` is empty, the same or
            taken.
        """
        self._require("rename", name)
        _rename_check(_registry(self.path), name, new_name)
        with self._change("rename", name) as con:
            rec, new = _rename_check(_registry_rows(con), name, new_name)
            _rename_rows(con, rec.name, new)
            rows = _registry_rows(con)
            moved = _find(rows, new, rec.version)
            out = _copy_version(con, rows, moved, new, _NOTE_RENAMED.format(name=rec.name))
            self._audit(con, "rename", out.name, out.version, out.note)
            return out

    def purge(self, name: str) -> None:
        """Remove layer ``name`` and all its versions for good (no undo), all or nothing.

        The freed pages of the file are overwritten with zeros (SQLite's
        ``secure_delete``), so the data cannot be read back from the file either.

        Raises
        ------
        LayerError
            If ``name`` is unknown.
        """
        self._require("purge", name)
        _find(_registry(self.path), name, None)
        with self._change("purge", name) as con:
            rows = _registry_rows(con)
            clean = _find(rows, name, None).name
            con.execute("PRAGMA secure_delete = ON")
            _drop_tables(con, [r.table for r in rows if r.name == clean and not r.deleted])
            con.execute(f"DELETE FROM {REGISTRY_TABLE} WHERE name = ?", (clean,))
            self._audit(con, "purge", clean, None,
                        f"{sum(r.name == clean for r in rows)} version(s) removed")

    def layer_views(self) -> dict[str, str]:
        """Return ``{layer name: view name}``: the GeoPackage view showing each current layer.

        Every change keeps the views (:mod:`layers.store_views`); a store written before
        them gets them here, in a change of its own (all or nothing).
        """
        if store_views.views_stale(self.path, _registry(self.path)):
            with self._change():
                pass
        return store_views.view_names(self.path, _registry(self.path))

    def read_records(self, table: str) -> pd.DataFrame:
        """Read a table of plain records (no geometry) written by :meth:`write_records`.

        Parameters
        ----------
        table : str
            Short name of the table (``"exercises"``), stored as ``kvpt_rec_<table>``.

        Returns
        -------
        DataFrame
            The rows with a fresh ``RangeIndex``; an empty frame without columns
            when the table was never written.

        Raises
        ------
        LayerError
            If ``table`` is not a lower-case ASCII identifier.
        """
        name = _records_table(table)
        if name.lower() not in _table_names(self.path):
            return pd.DataFrame()
        with store_tx.access("gdal"):
            frame = pyogrio.read_dataframe(self.path, layer=name, read_geometry=False)
        return pd.DataFrame(frame).reset_index(drop=True)

    def write_records(self, table: str, frame: pd.DataFrame) -> None:
        """Replace a table of plain records (no geometry), all or nothing.

        The table is ``kvpt_rec_<table>``, registered in ``gpkg_contents`` as
        ``attributes`` (QGIS and ``ogrinfo`` list it). It has no versions: the
        new rows replace the old ones. The index of ``frame`` is not stored.

        Parameters
        ----------
        table : str
            Short name of the table: lower-case ASCII letters, digits and ``_``,
            starting with a letter (``"exercises"``).
        frame : DataFrame
            The rows (may be empty, but must have columns); one value type per column.

        Raises
        ------
        LayerError
            If the name or the frame is not storable (a geometry column, no
            columns, column names equal but for case, a column named ``fid``). The
            store is unchanged when this or any other exception is raised.
        """
        action = "settings" if table == "settings" else "records"
        self._require(action, table)
        name = _records_table(table)
        frame = _check_records(frame, table)
        with store_tables.Stage() as stage:
            try:
                source = stage.add(frame)
            except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError,
                    ValueError) as e:
                raise LayerError(key="records_write_failed", params={
                    "table": table, "detail": _detail(e, stage.path)}) from e
            with self._change(action, table) as con:
                stage.attach(con)
                _replace_records(con, name, source, table, len(frame))
                self._audit(con, action, table, None, f"{len(frame)} row(s)")

    @contextlib.contextmanager
    def _change(self, action: str | None = None,
                layer: str = "") -> Iterator[sqlite3.Connection]:
        """Yield the connection of one change; on success check it and commit it.

        Before the change: the acting user's role is checked for ``action`` (read again
        inside the transaction; a refusal is audited apart, nothing of the change is
        kept), the schema is upgraded and version tables the registry does not list are
        dropped. After it: the views follow (:func:`store_views.sync_views`) and
        :func:`_check_change` checks what it wrote. On any exception, ``KeyboardInterrupt``
        included, nothing of it is kept (:func:`store_tx.change`), the audit row the
        change wrote (:meth:`_audit`) included.
        """
        refused: LayerError | None = None
        try:
            with self._transaction(action, layer) as con:
                yield con
        except store_users.Refused as err:
            refused = err
        if refused is not None:
            self._refused(refused, action or "", layer)
            raise refused

    @contextlib.contextmanager
    def _transaction(self, action: str | None, layer: str) -> Iterator[sqlite3.Connection]:
        with store_tx.change(self.path) as con:
            if action is not None:
                store_users.check(con, self.user, action, layer)
            _migrate(con)
            before = con.execute(f"SELECT COALESCE(MAX(id), 0) FROM {REGISTRY_TABLE}"
                                 ).fetchone()[0]
            store_tables.drop_orphans(con, [r.table for r in _registry_rows(con)])
            yield con
            rows = _registry_rows(con)
            store_views.sync_views(con, rows)  # the layer views follow every change
            _check_change(con, rows, before)


# -- reading ------------------------------------------------------------------------------


def note_text(note: str, lang: str = "en") -> str:
    """Return a version note the store writes (restored, deleted, renamed) in ``lang``.

    Other notes are returned as they are.
    """
    if note == _NOTE_DELETED:
        return message_text("note_deleted", lang)
    match = re.fullmatch(r"restored from version (\d+)", note)
    if match:
        return message_text("note_restored", lang, version=int(match.group(1)))
    match = re.fullmatch(r"renamed from '(.*)'", note, flags=re.S)
    if match:
        return message_text("note_renamed", lang, name=match.group(1))
    return note


def _read_table(path: Path, table: str) -> gpd.GeoDataFrame:
    """Read one feature table (GDAL opens the file read-only)."""
    with store_tx.access("gdal"):
        gdf = pyogrio.read_dataframe(path, layer=table)
    if gdf.crs is None:
        gdf = gdf.set_crs(STORAGE_CRS)
    return gdf


# -- writing (inside a change's transaction) --------------------------------------------


def _create_store(path: Path) -> None:
    """Write an empty store at ``path`` (which must not exist)."""
    meta = pd.DataFrame({"key": ["schema_version", "application", "created_at"],
                         "value": [str(SCHEMA_VERSION), "kvpt-planner", _now()]})
    pyogrio.write_dataframe(meta, path, layer=META_TABLE, driver="GPKG",
                            layer_options={"DESCRIPTION": "KVPT Planner store metadata"})
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(_REGISTRY_SQL)
        con.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, "
            "last_change) VALUES (?, 'attributes', ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', "
            "'now'))",
            (REGISTRY_TABLE, REGISTRY_TABLE, "KVPT Planner layer registry (one row per "
             "layer version)"))


def _stage_layer(stage: store_tables.Stage, layer: _Prepared) -> str:
    """Write ``layer`` into ``stage``; return its staged table's name."""
    gdf = layer.gdf
    sample = type_sample(gdf.geometry)  # one geometry per type: 1M texts cost a second
    types = set(sample.geom_type)
    promote = len(base_geometry_types(sample)) == 1 and any(
        t.startswith("Multi") for t in types) and len(types) > 1
    try:
        return stage.add(gdf, promote_to_multi=promote)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError,
            ValueError) as e:
        raise LayerError(key="layer_write_failed", params={
            "name": layer.name, "detail": _detail(e, stage.path)}) from e


def _store_layers(con: sqlite3.Connection, layers: Sequence[_Prepared],
                  staged: Sequence[str]) -> list[LayerRecord]:
    """Copy each staged layer in as a new version; register them; return the records."""
    rows = _registry_rows(con)
    taken = {t.lower() for t in store_tables.table_names(con)} | {r.table.lower() for r in rows}
    records: list[LayerRecord] = []
    now = _now()
    for layer, source in zip(layers, staged, strict=True):
        version = max((r.version for r in rows if r.name == layer.name), default=0) + 1
        table = _new_table_name(layer.name, version, taken)
        taken.add(table.lower())
        _write_table(con, table, source, identifier=f"{layer.name} (v{version})",
                     description=layer.kind)
        records.append(LayerRecord(layer.name, layer.kind, version, table, layer.source_file,
                                   layer.checksum, layer.source_crs, layer.encoding,
                                   len(layer.gdf), now, layer.note, True))
    _register(con, records)
    return records


def _write_table(con: sqlite3.Connection, table: str, source: str, *, identifier: str,
                 description: str) -> None:
    """Copy the staged table ``source`` into the store as the new table ``table``."""
    store_tables.copy_table(con, schema=store_tables.STAGE, source=source, target=table,
                            identifier=identifier, description=description)


def _replace_records(con: sqlite3.Connection, name: str, source: str, table: str,
                     rows: int) -> None:
    """Replace the records table ``name`` by the staged table ``source``."""
    if name.lower() in {t.lower() for t in store_tables.table_names(con)}:
        store_tables.drop_table(con, name)
    store_tables.copy_table(con, schema=store_tables.STAGE, source=source, target=name,
                            identifier=name, description=f"KVPT records: {table}")
    count = con.execute(f"SELECT COUNT(*) FROM {store_tables.quote(name)}").fetchone()[0]
    if count != rows:
        msg = f"Table {name} holds {count} rows after writing {rows}."
        raise RuntimeError(msg)


def _register(con: sqlite3.Connection, records: Sequence[LayerRecord]) -> None:
    """Add ``records`` to the registry, making each the current version of its name."""
    for rec in records:
        con.execute(f"UPDATE {REGISTRY_TABLE} SET current = 0 WHERE name = ?", (rec.name,))
        values = (rec.name, rec.kind, rec.version, rec.table, rec.source_file,
                  rec.checksum, rec.source_crs, rec.encoding, rec.feature_count,
                  rec.imported_at, rec.note, int(rec.current), int(rec.deleted))
        con.execute(f"INSERT INTO {REGISTRY_TABLE} ({', '.join(_RECORD_COLUMNS)}) "
                    f"VALUES ({', '.join('?' * len(values))})", values)
    con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', "
                "'now') WHERE table_name = ?", (REGISTRY_TABLE,))


def _copy_version(con: sqlite3.Connection, rows: list[LayerRecord], rec: LayerRecord,
                  name: str, note: str) -> LayerRecord:
    """Store a copy of the table of ``rec`` (SQL, exact) as the new current version of ``name``."""
    version = max(r.version for r in rows if r.name == name) + 1
    taken = {t.lower() for t in store_tables.table_names(con)} | {r.table.lower() for r in rows}
    table = _new_table_name(name, version, taken)
    store_tables.copy_table(con, schema="main", source=rec.table, target=table,
                            identifier=f"{name} (v{version})", description=rec.kind)
    new = LayerRecord(name, rec.kind, version, table, rec.source_file, rec.checksum,
                      rec.source_crs, rec.encoding, rec.feature_count, _now(), note, True)
    _register(con, [new])
    return new


def _add_tombstone(con: sqlite3.Connection, rows: list[LayerRecord],
                   rec: LayerRecord) -> LayerRecord:
    """Register a tombstone version of ``rec.name`` (a reserved table name, no table)."""
    version = max(r.version for r in rows if r.name == rec.name) + 1
    taken = {t.lower() for t in store_tables.table_names(con)} | {r.table.lower() for r in rows}
    table = _new_table_name(rec.name, version, taken)
    tomb = LayerRecord(rec.name, rec.kind, version, table, "", "", rec.source_crs, None, 0,
                       _now(), _NOTE_DELETED, True, True)
    _register(con, [tomb])
    return tomb


def _rename_rows(con: sqlite3.Connection, old: str, new: str) -> None:
    """Move every registry row of ``old`` to ``new`` and relabel its GeoPackage tables."""
    rows = [r for r in _registry_rows(con) if r.name == old]
    con.execute(f"UPDATE {REGISTRY_TABLE} SET name = ? WHERE name = ?", (new, old))
    for rec in rows:
        if not rec.deleted:
            con.execute("UPDATE gpkg_contents SET identifier = ? "
                        "WHERE lower(table_name) = lower(?)",
                        (f"{new} (v{rec.version})", rec.table))


def _migrate(con: sqlite3.Connection) -> None:
    """Upgrade a version-1 or 2 store to :data:`SCHEMA_VERSION` (inside the change)."""
    have = {r[1] for r in con.execute(f"PRAGMA table_info({REGISTRY_TABLE})")}
    if "deleted" not in have:
        con.execute(f"ALTER TABLE {REGISTRY_TABLE} ADD COLUMN deleted INTEGER NOT NULL "
                    "DEFAULT 0 CHECK (deleted IN (0, 1))")
    con.execute(f"UPDATE {META_TABLE} SET value = ? WHERE key = 'schema_version' "
                "AND CAST(value AS INTEGER) < ?", (str(SCHEMA_VERSION), SCHEMA_VERSION))


def _drop_tables(con: sqlite3.Connection, tables: Sequence[str]) -> None:
    """Drop feature tables and their GeoPackage bookkeeping, then their registry rows."""
    for table in tables:
        store_tables.drop_table(con, table)
        con.execute(f"DELETE FROM {REGISTRY_TABLE} WHERE table_name = ?", (table,))


# -- small helpers -----------------------------------------------------------------------


def _check_new_store_path(path: Path) -> None:
    if path.suffix.lower() != ".gpkg":
        raise LayerError(key="store_bad_suffix", params={"file": path.name})
    if path.exists():
        try:
            _check_store(path)
        except LayerError:
            raise LayerError(key="store_exists", params={"file": path.name}) from None
        raise LayerError(key="store_already", params={"file": path.name})
    if not path.parent.is_dir():
        raise LayerError(key="no_folder", params={"folder": path.parent.name,
                                                  "path": str(path.parent)})


def _new_table_name(name: str, version: int, taken: set[str]) -> str:
    """Return ``<slug>__v<version>``, made unique (case-insensitively) against ``taken``."""
    base = slugify(name)
    if base.startswith(_RESERVED_PREFIXES):
        base = f"l_{base}"[:_SLUG_MAX]
    table, n = f"{base}__v{version}", 1
    while table.lower() in taken:
        n += 1
        table = f"{base}_{n}__v{version}"
    return table


def _table_names(path: Path) -> set[str]:
    """Lower-cased names of every table and view in the SQLite file."""
    with store_tx.access("sqlite"), contextlib.closing(store_tx.connect_read(path)) as con:
        return {t.lower() for t in store_tables.table_names(con)}


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX only; a no-op where folders cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _join(*parts: str | None) -> str:
    """Join the non-empty parts of an audit detail with ``"; "``."""
    return "; ".join(p for p in parts if p)
