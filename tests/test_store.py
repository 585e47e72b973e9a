from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Point

import layers.store as store_mod
from layers.errors import LayerError
from layers.store import REGISTRY_TABLE, STORAGE_CRS, NewLayer, ProjectStore, slugify
from layers.store_open import init_store
from pg_support import BACKENDS, fingerprint, is_pg, reopen, table_names

DATA = Path(__file__).parent / "data" / "store_communes.geojson"
BASE_NAME = "Căn cứ chiến đấu (giả định)"


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DATA)
    return gdf.rename(columns={"commune_vn": "name"})


@pytest.fixture
def store(tmp_path: Path, request: pytest.FixtureRequest) -> ProjectStore:
    """A fresh GeoPackage project; with ``@both_backends``, also a PostGIS one."""
    if getattr(request, "param", "gpkg") == "postgis":
        return init_store(request.getfixturevalue("pg_url")())
    return ProjectStore.init(tmp_path / "project.gpkg")


both_backends = pytest.mark.parametrize("store", BACKENDS, indirect=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def assert_same_layer(got: gpd.GeoDataFrame, want: gpd.GeoDataFrame, tol: float = 1e-9) -> None:
    assert got.crs == want.crs
    pd.testing.assert_frame_equal(
        pd.DataFrame(got.drop(columns="geometry")),
        pd.DataFrame(want.drop(columns=want.geometry.name)).reset_index(drop=True))
    assert len(got) == len(want)
    for a, b in zip(got.geometry, want.geometry, strict=True):
        assert a.geom_type == b.geom_type
        assert shapely.equals_exact(a, b, tolerance=tol), (a.wkt[:80], b.wkt[:80])


# -- init and open -------------------------------------------------------------------------


def test_init_makes_a_valid_geopackage_with_an_attribute_registry(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    store = ProjectStore.init(path)
    assert store.path == path
    assert store.layers() == []
    listed = {str(n): t for n, t in pyogrio.list_layers(path)}
    assert listed == {REGISTRY_TABLE: None, "kvpt_meta": None}
    assert pyogrio.read_info(path, layer=REGISTRY_TABLE)["geometry_type"] is None
    with contextlib.closing(sqlite3.connect(path)) as con:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47
        kinds = dict(con.execute("SELECT table_name, data_type FROM gpkg_contents"))
        meta = dict(con.execute("SELECT key, value FROM kvpt_meta"))
    assert kinds == {REGISTRY_TABLE: "attributes", "kvpt_meta": "attributes"}
    assert meta["schema_version"] == str(store_mod.SCHEMA_VERSION) == "3"
    assert files_in(tmp_path) == ["p.gpkg"]


def test_init_refuses_existing_or_bad_paths(tmp_path: Path, store: ProjectStore) -> None:
    before = sha256(store.path)
    with pytest.raises(LayerError, match="already a KVPT project store"):
        ProjectStore.init(store.path)
    assert sha256(store.path) == before
    other = tmp_path / "notes.gpkg"
    other.write_text("hello")
    with pytest.raises(LayerError, match="already exists"):
        ProjectStore.init(other)
    assert other.read_text() == "hello"
    with pytest.raises(LayerError, match="ending in .gpkg"):
        ProjectStore.init(tmp_path / "p.sqlite")
    with pytest.raises(LayerError, match="does not exist"):
        ProjectStore.init(tmp_path / "missing" / "p.gpkg")
    assert files_in(tmp_path) == ["notes.gpkg", "project.gpkg"]


def test_open_missing_store_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(LayerError, match=r"kvpt init"):
        ProjectStore(tmp_path / "nope.gpkg")
    assert files_in(tmp_path) == []


def test_plain_geopackage_is_refused(tmp_path: Path, communes: gpd.GeoDataFrame) -> None:
    path = tmp_path / "plain.gpkg"
    communes.to_file(path, layer="communes", engine="pyogrio")
    before = sha256(path)
    with pytest.raises(LayerError, match="GeoPackage but not a KVPT project store"):
        ProjectStore(path)
    assert sha256(path) == before
    text = tmp_path / "text.gpkg"
    text.write_text("not sqlite")
    with pytest.raises(LayerError, match="not a GeoPackage"):
        ProjectStore(text)


def test_newer_schema_is_refused(store: ProjectStore) -> None:
    with contextlib.closing(sqlite3.connect(store.path)) as con, con:
        con.execute("UPDATE kvpt_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(LayerError, match="Update KVPT Planner"):
        ProjectStore(store.path)


# -- add and read --------------------------------------------------------------------------


@both_backends
def test_add_and_read_round_trip(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    rec = store.add_layer(NewLayer(communes, BASE_NAME, "admin_unit", source_file="x.geojson",
                                   checksum="ab" * 32, encoding="UTF-8"))
    assert rec.name == BASE_NAME
    assert rec.table == "can_cu_chien_dau_gia_dinh__v1"
    assert (rec.version, rec.current, rec.feature_count) == (1, True, 5)
    assert (rec.source_file, rec.checksum, rec.encoding) == ("x.geojson", "ab" * 32, "UTF-8")
    assert rec.source_crs == "EPSG:4326"
    assert rec.imported_at.endswith("+00:00")
    assert store.layers() == [rec]
    assert store.record(BASE_NAME) == rec
    got = store.read(BASE_NAME)
    assert_same_layer(got, communes)
    assert got["name"].tolist() == ["Phường Hoàng Văn Thụ", "Phường Đông Kinh", "Xã Quảng Lạc",
                                    "Xã Bắc Ái", "Xã Đình Lập"]
    # a reopened store sees the same thing, and GDAL lists the table with its Vietnamese id
    assert reopen(store).layers() == [rec]
    if is_pg(store):
        return
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        ident = con.execute("SELECT identifier FROM gpkg_contents WHERE table_name = ?",
                            (rec.table,)).fetchone()[0]
    assert ident == f"{BASE_NAME} (v1)"


@both_backends
def test_add_reprojects_to_storage_crs(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    vn2000 = communes.to_crs("EPSG:3405")
    rec = store.add_layer(NewLayer(vn2000, "Xã VN-2000", "admin_unit"))
    assert rec.source_crs == "EPSG:3405"
    got = store.read("Xã VN-2000")
    assert got.crs == STORAGE_CRS
    # back in degrees: within 1e-8 degree (about 1 mm) of the original lon/lat
    for a, b in zip(got.geometry, communes.geometry, strict=True):
        assert shapely.equals_exact(a, b, tolerance=1e-8)
    assert got.total_bounds[0] > 106  # really lon/lat, not metres


@both_backends
def test_mixed_geometry_types(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    poly = communes.geometry[0]
    mixed = gpd.GeoDataFrame({"name": ["Căn cứ A", "Điểm B"]},
                             geometry=[poly, Point(106.7, 21.8)], crs=4326)
    rec = store.add_layer(NewLayer(mixed, "Căn cứ", "combat_base"))
    if not is_pg(store):
        assert dict(pyogrio.list_layers(store.path))[rec.table] == "Unknown"  # GPKG GEOMETRY
    assert store.read("Căn cứ").geom_type.tolist() == ["MultiPolygon", "Point"]
    # Polygon + MultiPolygon of one base type: promoted to MultiPolygon
    single = communes.copy()
    single.loc[0, "geometry"] = poly.geoms[0]
    rec2 = store.add_layer(NewLayer(single, "Xã", "admin_unit"))
    if not is_pg(store):
        assert dict(pyogrio.list_layers(store.path))[rec2.table] == "MultiPolygon"
    got = store.read("Xã").geometry
    assert got[0].equals(MultiPolygon([poly.geoms[0]]))
    assert shapely.equals_exact(got[1], communes.geometry[1], tolerance=0)


@both_backends
def test_fid_column_is_kept_under_another_name(store: ProjectStore) -> None:
    gdf = gpd.GeoDataFrame({"FID": [7, 9], "name": ["a", "b"]},
                           geometry=[Point(106.7, 21.8), Point(106.8, 21.9)], crs=4326)
    store.add_layer(NewLayer(gdf, "Điểm cao", "high_point"))
    got = store.read("Điểm cao")
    assert got["src_fid"].tolist() == [7, 9]


@both_backends
@pytest.mark.parametrize(
    ("change", "kind", "message"),
    [
        (lambda g: g.set_crs(None, allow_override=True), "admin_unit", "no coordinate"),
        (lambda g: g.iloc[0:0], "admin_unit", "no features"),
        (lambda g: g, "castle", "Unknown layer kind 'castle'"),
        (lambda g: g, "high_point", "takes Point geometries, but the data has Polygon"),
        (lambda g: g.assign(Name=g["name"]), "admin_unit", "differ only by case"),
    ],
)
def test_invalid_layers_are_refused(store: ProjectStore, communes: gpd.GeoDataFrame,
                                    change, kind: str, message: str) -> None:
    before = fingerprint(store)
    good = NewLayer(communes, "ok", "admin_unit")
    with pytest.raises(LayerError, match=message):
        store.add_layers([good, NewLayer(change(communes), "bad", kind)])
    assert fingerprint(store) == before
    assert store.layers() == []


@both_backends
def test_every_problem_is_reported_at_once(store: ProjectStore,
                                           communes: gpd.GeoDataFrame) -> None:
    with pytest.raises(LayerError) as info:
        store.add_layers([NewLayer(communes, "A", "castle"),
                          NewLayer(communes, "B", "admin_unit"),
                          NewLayer(communes, "B", "admin_unit")])
    text = str(info.value)
    assert "layer 1 ('A')" in text and "castle" in text
    assert "layer 3 ('B')" in text and "same name as layer 2" in text


# -- versions, restore, delete ------------------------------------------------------------


@both_backends
def test_versions_and_restore(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    store.add_layer(NewLayer(communes.head(1), "Sông", "river"))
    v2 = store.add_layer(NewLayer(communes.iloc[[3, 4]], "Xã", "admin_unit", note="sửa"))
    assert (v2.version, v2.table, v2.feature_count, v2.note) == (2, "xa__v2", 2, "sửa")
    assert [r.name for r in store.layers()] == ["Xã", "Sông"]  # order of first import
    assert [(r.version, r.current) for r in store.versions("Xã")] == [(1, False), (2, True)]
    assert len(store.read("Xã")) == 2
    assert_same_layer(store.read("Xã", 1), communes)

    v3 = store.restore("Xã", 1)
    assert (v3.version, v3.current, v3.note) == (3, True, "restored from version 1")
    assert v3.feature_count == 5
    assert [r.version for r in store.versions("Xã")] == [1, 2, 3]
    assert_same_layer(store.read("Xã"), communes)
    assert_same_layer(store.read("Xã", 2), communes.iloc[[3, 4]])
    with pytest.raises(LayerError, match="already the current version"):
        store.restore("Xã", 3)
    with pytest.raises(LayerError, match=r"no version 7\. Versions: 1, 2, 3"):
        store.read("Xã", 7)
    with pytest.raises(LayerError, match=r"Layers: 'Xã', 'Sông'"):
        store.record("Đồi")


@both_backends
def test_read_kinds(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes, "Xã", "admin_unit"),
                      NewLayer(communes.head(2), "Sông", "river"),
                      NewLayer(communes.head(3), "Huyện", "admin_unit")])
    got = store.read_kinds(["admin_unit"])
    assert list(got) == ["Xã", "Huyện"]
    assert [len(g) for g in got.values()] == [5, 3]
    assert store.read_kinds(["hazard_zone"]) == {}
    with pytest.raises(LayerError, match="Unknown layer kind"):
        store.read_kinds(["nope"])


@both_backends
def test_delete_is_a_tombstone_version_and_undelete_restores(
        store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes, "Xã", "admin_unit"),
                      NewLayer(communes.head(2), "Sông", "river")])
    store.add_layer(NewLayer(communes.head(1), "Xã", "admin_unit"))
    tomb = store.delete("Xã")
    assert (tomb.version, tomb.deleted, tomb.current, tomb.feature_count, tomb.note) == (
        3, True, True, 0, "deleted")
    assert [r.name for r in store.layers()] == ["Sông"]
    assert [r.name for r in store.deleted_layers()] == ["Xã"]
    assert list(store.read_kinds(["admin_unit"])) == []
    # the data of every version stays in the file, the tombstone has no table
    listed = table_names(store)
    assert {"xa__v1", "xa__v2", "song__v1"} <= listed and tomb.table not in listed
    assert [(v.version, v.deleted) for v in store.versions("Xã")] == [(1, False), (2, False),
                                                                       (3, True)]
    with pytest.raises(LayerError, match="was deleted") as info:
        store.read("Xã")
    assert info.value.key == "layer_deleted" and "đã bị xóa" in info.value.text("vi")
    with pytest.raises(LayerError, match="already deleted"):
        store.delete("Xã")
    with pytest.raises(LayerError, match="only records the deletion"):
        store.restore("Xã", 3)
    assert_same_layer(store.read("Xã", 1), communes)  # history still readable

    back = store.undelete("Xã")
    assert (back.version, back.note, back.feature_count, back.deleted) == (
        4, "restored from version 2", 1, False)
    assert [r.name for r in store.layers()] == ["Xã", "Sông"]
    assert_same_layer(store.read("Xã"), communes.head(1))
    with pytest.raises(LayerError, match="not deleted"):
        store.undelete("Xã")
    # restoring any earlier version also undoes a deletion
    store.delete("Sông")
    again = store.restore("Sông", 1)
    assert again.version == 3 and [r.name for r in store.layers()] == ["Xã", "Sông"]


@both_backends
def test_import_under_a_deleted_name_brings_the_layer_back(
        store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    store.delete("Xã")
    rec = store.add_layer(NewLayer(communes.head(2), "Xã", "admin_unit"))
    assert (rec.version, rec.current, rec.deleted) == (3, True, False)
    assert len(store.read("Xã")) == 2 and store.deleted_layers() == []


@both_backends
def test_rename_keeps_history_and_is_undone_by_renaming_back(
        store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes, "Xã", "admin_unit"),
                      NewLayer(communes.head(2), "Sông", "river")])
    store.add_layer(NewLayer(communes.head(3), "Xã", "admin_unit"))
    rec = store.rename("Xã", " Xã Lạng Sơn ")
    assert (rec.name, rec.version, rec.note, rec.feature_count) == (
        "Xã Lạng Sơn", 3, "renamed from 'Xã'", 3)
    assert [r.name for r in store.layers()] == ["Xã Lạng Sơn", "Sông"]  # keeps its place
    assert [v.version for v in store.versions("Xã Lạng Sơn")] == [1, 2, 3]
    assert_same_layer(store.read("Xã Lạng Sơn", 1), communes)
    with pytest.raises(LayerError, match="No layer named 'Xã'"):
        store.read("Xã")
    if not is_pg(store):
        with contextlib.closing(sqlite3.connect(store.path)) as con:
            ids = dict(con.execute("SELECT table_name, identifier FROM gpkg_contents"))
        assert ids["xa__v1"] == "Xã Lạng Sơn (v1)"
    for bad, pattern in (("Sông", "already used"), ("  ", "empty"),
                         ("Xã Lạng Sơn", "new name is the old one")):
        with pytest.raises(LayerError, match=pattern):
            store.rename("Xã Lạng Sơn", bad)
    undo = store.rename("Xã Lạng Sơn", "Xã")
    assert (undo.name, undo.version, undo.note) == ("Xã", 4, "renamed from 'Xã Lạng Sơn'")
    assert [v.version for v in store.versions("Xã")] == [1, 2, 3, 4]
    assert_same_layer(store.read("Xã"), communes.head(3))
    store.delete("Sông")
    with pytest.raises(LayerError, match="already used"):  # a deleted layer keeps its name
        store.rename("Xã", "Sông")
    with pytest.raises(LayerError, match="was deleted"):
        store.rename("Sông", "Sông 2")


@both_backends
def test_purge_removes_every_version_for_good(store: ProjectStore,
                                              communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes, "Xã", "admin_unit"),
                      NewLayer(communes.head(2), "Sông", "river")])
    store.add_layer(NewLayer(communes.head(1), "Xã", "admin_unit"))
    store.delete("Xã")
    store.purge("Xã")
    assert [r.name for r in store.layers()] == ["Sông"] and store.deleted_layers() == []
    listed = table_names(store)
    if is_pg(store):  # base tables only (+ the empty users and audit tables)
        assert listed == {"song__v1", REGISTRY_TABLE, "kvpt_meta", "kvpt_users",
                          "kvpt_audit"}
        assert reopen(store).layer_views() == {"Sông": "Sông"}
        return
    assert listed == {"song__v1", "Sông", REGISTRY_TABLE, "kvpt_meta"}  # + its view
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master")]
        contents = [r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")]
    assert not [n for n in names + contents if "xa__" in n]
    with pytest.raises(LayerError, match="No layer named 'Xã'"):
        store.purge("Xã")


def test_version_one_store_is_read_then_upgraded_by_its_first_change(
        store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    with contextlib.closing(sqlite3.connect(store.path)) as con, con:  # as version 1 wrote it
        con.execute(f"ALTER TABLE {REGISTRY_TABLE} DROP COLUMN deleted")
        con.execute("UPDATE kvpt_meta SET value = '1' WHERE key = 'schema_version'")
    old = ProjectStore(store.path)
    assert [(r.name, r.deleted) for r in old.layers()] == [("Xã", False)]
    old.delete("Xã")
    with contextlib.closing(sqlite3.connect(store.path)) as con:
        assert con.execute("SELECT value FROM kvpt_meta WHERE key = 'schema_version'"
                           ).fetchone()[0] == "3"
    assert old.deleted_layers()[0].version == 2
    assert old.undelete("Xã").version == 3


def test_store_notes_in_both_languages() -> None:
    assert store_mod.note_text("restored from version 2", "vi") == "khôi phục từ phiên bản 2"
    assert store_mod.note_text("renamed from 'Xã'", "vi") == "đổi tên từ 'Xã'"
    assert store_mod.note_text("deleted", "vi") == "đã xóa"
    assert store_mod.note_text("sửa tay", "vi") == "sửa tay"


# -- all or nothing ---------------------------------------------------------------------


@pytest.mark.parametrize("error", [RuntimeError("GDAL failed"), OSError(28, "No space left"),
                                   KeyboardInterrupt()])
def test_failed_import_leaves_store_byte_identical(
        store: ProjectStore, communes: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch,
        error: BaseException) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    before = sha256(store.path)
    real_writer = store_mod._write_table
    calls: list[str] = []

    def failing_writer(path, table, gdf, **kw):
        calls.append(table)
        if len(calls) == 2:
            raise error
        real_writer(path, table, gdf, **kw)

    monkeypatch.setattr(store_mod, "_write_table", failing_writer)
    batch = [NewLayer(communes.head(2), "Xã", "admin_unit"),
             NewLayer(communes.head(3), "Sông", "river"),
             NewLayer(communes.head(4), "Huyện", "admin_unit")]
    with pytest.raises(type(error)):
        store.add_layers(batch)
    assert calls == ["xa__v2", "song__v1"]
    assert sha256(store.path) == before
    assert files_in(store.path.parent) == ["project.gpkg"]
    assert [(r.name, r.version) for r in store.layers()] == [("Xã", 1)]


def test_failure_after_registry_update_leaves_store_unchanged(
        store: ProjectStore, communes: gpd.GeoDataFrame,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    before = sha256(store.path)
    seen: list[int] = []

    def failing_check(con, rows, before_id) -> None:
        # the transaction already holds the new tables and registry rows
        seen.append(len(rows))
        raise RuntimeError("check failed")

    monkeypatch.setattr(store_mod, "_check_change", failing_check)
    with pytest.raises(RuntimeError, match="check failed"):
        store.add_layers([NewLayer(communes.head(2), "Sông", "river"),
                          NewLayer(communes.head(2), "Xã", "admin_unit")])
    with pytest.raises(RuntimeError, match="check failed"):
        store.delete("Xã")
    assert seen == [3, 2]  # the transaction held the tombstone beside version 1
    assert sha256(store.path) == before
    assert files_in(store.path.parent) == ["project.gpkg"]


@pytest.mark.parametrize("change", ["rename", "delete", "undelete"])
def test_failed_rename_or_delete_leaves_store_unchanged(
        store: ProjectStore, communes: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch,
        change: str) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    if change == "undelete":
        store.delete("Xã")
    before = sha256(store.path)

    def broken_register(path, records):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_mod, "_register", broken_register)
    with pytest.raises(sqlite3.OperationalError):
        if change == "rename":
            store.rename("Xã", "Xã mới")
        else:
            getattr(store, change)("Xã")
    assert sha256(store.path) == before
    assert files_in(store.path.parent) == ["project.gpkg"]


def test_restore_failure_leaves_store_unchanged(
        store: ProjectStore, communes: gpd.GeoDataFrame,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    store.add_layer(NewLayer(communes.head(1), "Xã", "admin_unit"))
    before = sha256(store.path)

    def broken_register(path, records):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_mod, "_register", broken_register)
    with pytest.raises(sqlite3.OperationalError):
        store.restore("Xã", 1)
    assert sha256(store.path) == before
    assert files_in(store.path.parent) == ["project.gpkg"]


def test_a_change_made_meanwhile_is_kept_and_the_next_version_follows(
        store: ProjectStore, communes: gpd.GeoDataFrame,
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_stage = store_mod._stage_layer
    other = ProjectStore(store.path)

    def stage_while_another_user_saves(stage, layer):
        data = real_stage(stage, layer)
        if layer.note == "mine":  # someone else stores version 1 while this one is staged
            other.add_layer(NewLayer(communes.head(1), "Xã", "admin_unit", note="theirs"))
        return data

    monkeypatch.setattr(store_mod, "_stage_layer", stage_while_another_user_saves)
    rec = store.add_layer(NewLayer(communes, "Xã", "admin_unit", note="mine"))
    assert [(r.version, r.note, r.feature_count) for r in store.versions("Xã")] == [
        (1, "theirs", 1), (2, "mine", 5)]
    assert rec.version == 2 and rec.table == "xa__v2"
    assert files_in(store.path.parent) == ["project.gpkg"]


def test_reading_never_changes_the_file(store: ProjectStore,
                                        communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes, "Xã", "admin_unit"),
                      NewLayer(communes.head(2), "Sông", "river")])
    store.add_layer(NewLayer(communes.head(1), "Xã", "admin_unit"))
    before = sha256(store.path)
    mtime = store.path.stat().st_mtime_ns
    reopened = ProjectStore(store.path)
    reopened.layers()
    reopened.versions("Xã")
    reopened.read("Xã", 1)
    reopened.read("Sông")
    reopened.read_kinds(["admin_unit", "river"])
    pyogrio.list_layers(store.path)
    assert sha256(store.path) == before
    assert store.path.stat().st_mtime_ns == mtime
    assert files_in(store.path.parent) == ["project.gpkg"]


# -- names ---------------------------------------------------------------------------------


@both_backends
def test_table_names_are_unique_ascii_slugs(store: ProjectStore,
                                            communes: gpd.GeoDataFrame) -> None:
    assert slugify(BASE_NAME) == "can_cu_chien_dau_gia_dinh"
    assert slugify("Đường 4B") == "duong_4b"
    assert slugify("123") == "l_123"
    assert slugify("???") == "layer"
    recs = store.add_layers([NewLayer(communes, "Sông Kỳ Cùng", "river"),
                             NewLayer(communes, "song ky cung", "river"),
                             NewLayer(communes, "gpkg contents", "river")])
    assert [r.table for r in recs] == ["song_ky_cung__v1", "song_ky_cung_2__v1",
                                       "l_gpkg_contents__v1"]
    assert [len(store.read(r.name)) for r in recs] == [5, 5, 5]


def test_adding_users_raises_a_version_two_store_to_three(tmp_path: Path) -> None:
    """A project with users must be refused by a version that knows no roles (schema 2)."""
    path = tmp_path / "old.gpkg"
    store = ProjectStore.init(path)
    with contextlib.closing(sqlite3.connect(path)) as con, con:  # as version 2 wrote it
        con.execute("UPDATE kvpt_meta SET value = '2' WHERE key = 'schema_version'")
    assert ProjectStore(path).layers() == []  # read as is
    store.add_user("chi_huy", "admin", "mật khẩu dài 12")
    with contextlib.closing(sqlite3.connect(path)) as con:
        version = con.execute("SELECT value FROM kvpt_meta WHERE key = 'schema_version'"
                              ).fetchone()[0]
    assert version == "3" and store_mod.SCHEMA_VERSION == 3
