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
all-or-nothing: it is made on a copy of the file
in the same folder, the copy is checked, and only then moved over the store with
:func:`os.replace`. If anything fails, including an interrupt, the store file
is byte-for-byte unchanged and the copy is removed. Reading never writes. Each change also
keeps one GeoPackage view per current layer, named after it (:mod:`layers.store_views`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors

from layers import store_views
from layers.errors import LayerError
from layers.kinds import base_geometry_types, get_kind
from layers.messages import clip
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
)

REGISTRY_TABLE = "kvpt_layers"
"""Name of the registry table (one row per layer version)."""

META_TABLE = "kvpt_meta"
"""Name of the key/value table holding the store's schema version."""

SCHEMA_VERSION = 2
"""Version of the store layout written by this code (``kvpt_meta.schema_version``).

1: the first layout. 2: the registry has a ``deleted`` column (tombstone versions). A
version-1 store is read as is and upgraded in place by its first change."""

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


class ProjectStore:
    """A KVPT project: layers and their versions in one GeoPackage file.

    Parameters
    ----------
    path : str or Path
        An existing store, made by :meth:`init`.

    Raises
    ------
    LayerError
        If ``path`` does not exist or is not a KVPT project store.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _check_store(self.path)

    def __repr__(self) -> str:
        """Return ``ProjectStore('path')``."""
        return f"ProjectStore({str(self.path)!r})"

    @classmethod
    def init(cls, path: str | Path) -> ProjectStore:
        """Create an empty store at ``path`` and open it.

        The path must end in ``.gpkg`` and must not exist: an existing file is
        never overwritten or reused, even if it already is an empty store
        (open that with ``ProjectStore(path)`` instead).

        Parameters
        ----------
        path : str or Path
            Where to create the store.

        Returns
        -------
        ProjectStore
            The new, empty store.

        Raises
        ------
        LayerError
            If the path exists, does not end in ``.gpkg`` or its folder is missing.
        """
        path = Path(path)
        _check_new_store_path(path)
        tmpdir = Path(tempfile.mkdtemp(prefix=f".{path.stem}.", suffix=".kvpt-init",
                                       dir=path.parent))
        try:
            tmp = tmpdir / path.name
            _create_store(tmp)
            _verify(tmp)
            _fsync(tmp)
            if path.exists():  # created by someone else meanwhile
                _check_new_store_path(path)
            os.replace(tmp, path)
            _fsync_dir(path.parent)
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
        return cls(path)

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
            If any layer is invalid (the message lists every problem found). The
            store is unchanged when this or any other exception is raised.
        """
        prepared = _prepare_all(layers)
        if not prepared:
            return []
        with self._transaction() as tmp:
            return _store_layers(tmp, prepared)

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
        old = self.record(name, version)
        if old.deleted:
            raise LayerError(key="tombstone_version", params={"name": old.name,
                                                              "version": version})
        if old.current:
            raise LayerError(key="already_current", params={"name": old.name,
                                                            "version": version})
        with self._transaction() as tmp:
            return _copy_version(tmp, old, old.name, _NOTE_RESTORED.format(version=version))

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
        rec = _find(_registry(self.path), name, None)
        if rec.deleted:
            raise LayerError(key="already_deleted", params={"name": rec.name})
        with self._transaction() as tmp:
            return _add_tombstone(tmp, rec)

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
        rows = _registry(self.path)
        rec = _find(rows, name, None)
        if not rec.deleted:
            raise LayerError(key="not_deleted", params={"name": rec.name})
        last = max((r for r in rows if r.name == rec.name and not r.deleted),
                   key=lambda r: r.version)
        with self._transaction() as tmp:
            return _copy_version(tmp, last, last.name,
                                 _NOTE_RESTORED.format(version=last.version))

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
        rows = _registry(self.path)
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
        with self._transaction() as tmp:
            _rename_rows(tmp, rec.name, new)
            moved = _find(_registry(tmp), new, rec.version)
            return _copy_version(tmp, moved, new, _NOTE_RENAMED.format(name=rec.name))

    def purge(self, name: str) -> None:
        """Remove layer ``name`` and all its versions for good (no undo), all or nothing.

        Raises
        ------
        LayerError
            If ``name`` is unknown.
        """
        tables = [r.table for r in self.versions(name) if not r.deleted]
        clean = _find(_registry(self.path), name, None).name
        with self._transaction() as tmp:
            _drop_tables(tmp, tables)
            with contextlib.closing(sqlite3.connect(tmp)) as con, con:
                con.execute(f"DELETE FROM {REGISTRY_TABLE} WHERE name = ?", (clean,))

    def layer_views(self) -> dict[str, str]:
        """Return ``{layer name: view name}``: the GeoPackage view showing each current layer.

        Every change keeps the views (:mod:`layers.store_views`); a store written before
        them gets them here, in a change of its own (all or nothing).
        """
        if store_views.views_stale(self.path, _registry(self.path)):
            with self._transaction():
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
        name = _records_table(table)
        frame = _check_records(frame, table)
        with self._transaction() as tmp:
            if name.lower() in _table_names(tmp):
                _drop_tables(tmp, [name])
            try:
                pyogrio.write_dataframe(frame, tmp, layer=name, driver="GPKG",
                                        layer_options={"IDENTIFIER": name,
                                                       "DESCRIPTION": f"KVPT records: {table}"})
            except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError,
                    ValueError) as e:
                raise LayerError(key="records_write_failed", params={
                    "table": table, "detail": _detail(e, tmp)}) from e
            with contextlib.closing(_connect_ro(tmp)) as con:
                count = con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0]
            if count != len(frame):
                msg = f"Table {name} holds {count} rows after writing {len(frame)}."
                raise RuntimeError(msg)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Path]:
        """Yield a copy of the store to change; on success check it and move it in place.

        The copy lives in the store's folder (so :func:`os.replace` is atomic).
        On any exception, ``KeyboardInterrupt`` included, the copy is removed
        and the store is untouched.
        """
        before = _signature(self.path)
        fd, name = tempfile.mkstemp(prefix=f".{self.path.stem}.", suffix=".kvpt-tmp.gpkg",
                                    dir=self.path.parent)
        os.close(fd)
        tmp = Path(name)
        try:
            shutil.copy2(self.path, tmp)
            _migrate(tmp)
            yield tmp
            store_views.sync_views(tmp, _registry(tmp))  # the layer views follow every change
            _verify(tmp)
            _fsync(tmp)
            if _signature(self.path) != before:
                raise LayerError(key="store_changed", params={"file": self.path.name})
            os.replace(tmp, self.path)
            _fsync_dir(self.path.parent)
        finally:
            for leftover in (tmp, *(Path(f"{tmp}{s}") for s in ("-journal", "-wal", "-shm"))):
                leftover.unlink(missing_ok=True)


# -- validation ---------------------------------------------------------------------------


# -- reading ------------------------------------------------------------------------------


def _connect_ro(path: Path) -> sqlite3.Connection:
    """Open ``path`` read-only with sqlite3 (never writes, never creates)."""
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _check_store(path: Path) -> None:
    """Raise LayerError unless ``path`` is a KVPT store this code can read."""
    if not path.exists():
        raise LayerError(key="store_missing", params={"file": path.name, "path": str(path)})
    if not path.is_file():
        raise LayerError(key="store_is_folder", params={"file": path.name})
    with path.open("rb") as f:
        magic = f.read(len(_SQLITE_MAGIC))
    not_gpkg = LayerError(key="store_not_gpkg", params={"file": path.name})
    if magic != _SQLITE_MAGIC:
        raise not_gpkg
    try:
        with contextlib.closing(_connect_ro(path)) as con:
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
    """Every registry row, in insertion order (a version-1 store has no tombstones)."""
    with contextlib.closing(_connect_ro(path)) as con:
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
    gdf = pyogrio.read_dataframe(path, layer=table)
    if gdf.crs is None:
        gdf = gdf.set_crs(STORAGE_CRS)
    return gdf


# -- writing (only ever on a transaction's copy) ------------------------------------------


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


def _store_layers(path: Path, layers: Sequence[_Prepared]) -> list[LayerRecord]:
    """Write each layer as a new version into the store at ``path``; return the records."""
    rows = _registry(path)
    taken = _table_names(path) | {r.table.lower() for r in rows}
    records: list[LayerRecord] = []
    now = _now()
    for layer in layers:
        version = max((r.version for r in rows if r.name == layer.name), default=0) + 1
        table = _new_table_name(layer.name, version, taken)
        taken.add(table.lower())
        try:
            _write_table(path, table, layer.gdf, identifier=f"{layer.name} (v{version})",
                         description=layer.kind)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, TypeError,
                ValueError) as e:
            raise LayerError(key="layer_write_failed", params={
                "name": layer.name, "detail": _detail(e, path)}) from e
        records.append(LayerRecord(layer.name, layer.kind, version, table, layer.source_file,
                                   layer.checksum, layer.source_crs, layer.encoding,
                                   len(layer.gdf), now, layer.note, True))
    _register(path, records)
    return records


def _write_table(path: Path, table: str, gdf: gpd.GeoDataFrame, *, identifier: str,
                 description: str) -> None:
    """Write ``gdf`` as a new feature table of the GeoPackage at ``path``."""
    types = set(gdf.geometry[~gdf.geometry.is_empty & gdf.geometry.notna()].geom_type)
    promote = len(base_geometry_types(gdf.geometry)) == 1 and any(
        t.startswith("Multi") for t in types) and len(types) > 1
    pyogrio.write_dataframe(gdf, path, layer=table, driver="GPKG", promote_to_multi=promote,
                            layer_options={"IDENTIFIER": identifier,
                                           "DESCRIPTION": description})


def _register(path: Path, records: Sequence[LayerRecord]) -> None:
    """Add ``records`` to the registry, making each the current version of its name."""
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        for rec in records:
            con.execute(f"UPDATE {REGISTRY_TABLE} SET current = 0 WHERE name = ?", (rec.name,))
            values = (rec.name, rec.kind, rec.version, rec.table, rec.source_file,
                      rec.checksum, rec.source_crs, rec.encoding, rec.feature_count,
                      rec.imported_at, rec.note, int(rec.current), int(rec.deleted))
            con.execute(f"INSERT INTO {REGISTRY_TABLE} ({', '.join(_RECORD_COLUMNS)}) "
                        f"VALUES ({', '.join('?' * len(values))})", values)
        con.execute("UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ', "
                    "'now') WHERE table_name = ?", (REGISTRY_TABLE,))


def _copy_version(path: Path, rec: LayerRecord, name: str, note: str) -> LayerRecord:
    """Store a copy of the data of ``rec`` as the new current version of ``name``."""
    gdf = _read_table(path, rec.table)
    layer = _Prepared(gdf, name, rec.kind, rec.source_file, rec.checksum, rec.source_crs,
                      rec.encoding, note)
    return _store_layers(path, [layer])[0]


def _add_tombstone(path: Path, rec: LayerRecord) -> LayerRecord:
    """Register a tombstone version of ``rec.name`` (a reserved table name, no table)."""
    rows = _registry(path)
    version = max(r.version for r in rows if r.name == rec.name) + 1
    taken = _table_names(path) | {r.table.lower() for r in rows}
    table = _new_table_name(rec.name, version, taken)
    tomb = LayerRecord(rec.name, rec.kind, version, table, "", "", rec.source_crs, None, 0,
                       _now(), _NOTE_DELETED, True, True)
    _register(path, [tomb])
    return tomb


def _rename_rows(path: Path, old: str, new: str) -> None:
    """Move every registry row of ``old`` to ``new`` and relabel its GeoPackage tables."""
    rows = [r for r in _registry(path) if r.name == old]
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        con.execute(f"UPDATE {REGISTRY_TABLE} SET name = ? WHERE name = ?", (new, old))
        for rec in rows:
            if not rec.deleted:
                con.execute("UPDATE gpkg_contents SET identifier = ? "
                            "WHERE lower(table_name) = lower(?)",
                            (f"{new} (v{rec.version})", rec.table))


def _migrate(path: Path) -> None:
    """Upgrade a version-1 store (the copy being changed) to :data:`SCHEMA_VERSION`."""
    with contextlib.closing(sqlite3.connect(path)) as con, con:
        have = {r[1] for r in con.execute(f"PRAGMA table_info({REGISTRY_TABLE})")}
        if "deleted" not in have:
            con.execute(f"ALTER TABLE {REGISTRY_TABLE} ADD COLUMN deleted INTEGER NOT NULL "
                        "DEFAULT 0 CHECK (deleted IN (0, 1))")
        con.execute(f"UPDATE {META_TABLE} SET value = ? WHERE key = 'schema_version' "
                    "AND CAST(value AS INTEGER) < ?", (str(SCHEMA_VERSION), SCHEMA_VERSION))


def _drop_tables(path: Path, tables: Sequence[str]) -> None:
    """Drop feature tables and their GeoPackage bookkeeping, then their registry rows."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        with con:
            existing = {r[0] for r in con.execute("SELECT name FROM sqlite_master "
                                                  "WHERE type = 'table'")}
            for table in tables:
                for rtree in [t for t in existing if t.startswith(f"rtree_{table}_")
                              and not t.endswith(("_node", "_parent", "_rowid"))]:
                    con.execute(f'DROP TABLE IF EXISTS "{rtree}"')
                con.execute(f'DROP TABLE IF EXISTS "{table}"')
                for meta in ("gpkg_extensions", "gpkg_ogr_contents", "gpkg_geometry_columns",
                             "gpkg_data_columns", "gpkg_contents"):
                    if meta in existing:
                        con.execute(f"DELETE FROM {meta} WHERE lower(table_name) = lower(?)",
                                    (table,))
                con.execute(f"DELETE FROM {REGISTRY_TABLE} WHERE table_name = ?", (table,))
        con.execute("VACUUM")


def _verify(path: Path) -> None:
    """Check that ``path`` is a sound store whose registry matches its tables.

    Raises
    ------
    RuntimeError
        If GDAL cannot open it, a registered table is missing or holds another
        number of rows, or SQLite's quick check fails.
    """
    _check_store(path)
    listed = {str(n) for n, _ in pyogrio.list_layers(path)}
    problems = [f"{t} is not listed by GDAL" for t in (REGISTRY_TABLE, META_TABLE)
                if t not in listed]
    records = _registry(path)
    names = {r.name for r in records}
    problems += [f"layer {n!r} has no single current version" for n in sorted(names)
                 if sum(r.current for r in records if r.name == n) != 1]
    problems += [f"tombstone {r.table} has a table" for r in records
                 if r.deleted and r.table in listed]
    with contextlib.closing(_connect_ro(path)) as con:
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
        msg = f"The changed store failed its check ({'; '.join(problems)}); nothing was saved."
        raise RuntimeError(msg)


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


def _detail(err: Exception, path: Path) -> str:
    """Return a library's error text, short, naming ``path`` by its base name only."""
    return clip(str(err).replace(str(path), path.name), 200)


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
    with contextlib.closing(_connect_ro(path)) as con:
        return {r[0].lower() for r in con.execute("SELECT name FROM sqlite_master "
                                                  "WHERE type IN ('table', 'view')")}


def _signature(path: Path) -> tuple[int, int, int, str]:
    """Identity of the file's current content: inode, size, mtime and a hash of the header."""
    st = path.stat()
    with path.open("rb") as f:
        head = hashlib.sha256(f.read(100)).hexdigest()  # SQLite bumps a change counter here
    return st.st_ino, st.st_size, st.st_mtime_ns, head


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
