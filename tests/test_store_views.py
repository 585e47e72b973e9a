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
from shapely.geometry import Point
from typer.testing import CliRunner

import layers.store_views as views_mod
from cli import app
from layers.store import NewLayer, ProjectStore

DATA = Path(__file__).parent / "data" / "store_communes.geojson"
runner = CliRunner()


@pytest.fixture(scope="module")
def communes() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA).rename(columns={"commune_vn": "name"})


@pytest.fixture
def store(tmp_path: Path) -> ProjectStore:
    return ProjectStore.init(tmp_path / "project.gpkg")


def listed(path: Path) -> dict[str, str | None]:
    return {str(n): t for n, t in pyogrio.list_layers(path)}


def sqlite_views(path: Path) -> set[str]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}


def descriptions(path: Path) -> dict[str, str]:
    with contextlib.closing(sqlite3.connect(path)) as con:
        return dict(con.execute("SELECT table_name, description FROM gpkg_contents"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_view_is_current(store: ProjectStore, name: str, view: str | None = None) -> None:
    """The view reads what store.read returns, fids included, by GDAL and by GDAL SQL."""
    view = view or name
    rec = store.record(name)
    want = store.read(name)
    got = pyogrio.read_dataframe(store.path, layer=view)
    assert list(got.columns) == list(want.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(got.drop(columns="geometry")),
                                  pd.DataFrame(want.drop(columns="geometry")))
    assert all(shapely.equals_exact(a, b, tolerance=0)
               for a, b in zip(got.geometry, want.geometry, strict=True))
    by_fid = pyogrio.read_dataframe(store.path, layer=view, fid_as_index=True)
    table = pyogrio.read_dataframe(store.path, layer=rec.table, fid_as_index=True)
    assert by_fid.index.tolist() == table.index.tolist()
    quoted = view.replace('"', '""')
    sql = pyogrio.read_dataframe(store.path, sql=f'SELECT * FROM "{quoted}"')
    assert len(sql) == rec.feature_count == len(want)
    info = pyogrio.read_info(store.path, layer=view)
    assert info["crs"] == "EPSG:4326" and info["features"] == rec.feature_count


def test_each_current_layer_has_a_view_named_after_it(store: ProjectStore,
                                                     communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes, "Xã, phường", "admin_unit"),
                      NewLayer(communes.head(2), "Sông", "river")])
    found = listed(store.path)
    assert found["Xã, phường"] == found["xa_phuong__v1"] == "MultiPolygon"
    assert "Sông" in found
    assert store.layer_views() == {"Xã, phường": "Xã, phường", "Sông": "Sông"}
    assert_view_is_current(store, "Xã, phường")
    assert_view_is_current(store, "Sông")
    # a filtered GDAL SQL query on the view reads the same rows as on the table
    where = "WHERE name LIKE 'Xã%'"
    on_view = pyogrio.read_dataframe(store.path, sql=f'SELECT name FROM "Xã, phường" {where}')
    on_table = pyogrio.read_dataframe(store.path, sql=f"SELECT name FROM xa_phuong__v1 {where}")
    assert on_view["name"].tolist() == on_table["name"].tolist() != []
    desc = descriptions(store.path)
    assert desc["xa_phuong__v1"].startswith("admin_unit: current version 1 of layer")
    assert "read-only view of table xa_phuong__v1" in desc["Xã, phường"]


def test_views_follow_versions_restore_delete_rename_undelete(
        store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    store.add_layer(NewLayer(communes.head(2), "Xã", "admin_unit"))
    assert len(pyogrio.read_dataframe(store.path, layer="Xã")) == 2
    assert_view_is_current(store, "Xã")
    desc = descriptions(store.path)
    assert "old version 1 of layer 'Xã' (shown as layer 'Xã')" in desc["xa__v1"]
    assert "current version 2" in desc["xa__v2"]

    store.restore("Xã", 1)
    assert len(pyogrio.read_dataframe(store.path, layer="Xã")) == 5
    assert_view_is_current(store, "Xã")

    store.delete("Xã")
    assert "Xã" not in listed(store.path) and sqlite_views(store.path) == set()
    assert "the layer is deleted" in descriptions(store.path)["xa__v3"]
    store.undelete("Xã")
    assert_view_is_current(store, "Xã")

    store.rename("Xã", "Xã Lạng Sơn")
    assert "Xã" not in listed(store.path)
    assert sqlite_views(store.path) == {"Xã Lạng Sơn"}
    assert_view_is_current(store, "Xã Lạng Sơn")

    store.purge("Xã Lạng Sơn")
    assert sqlite_views(store.path) == set()
    assert store.layer_views() == {}


def test_mixed_geometry_layer_view(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    mixed = gpd.GeoDataFrame({"name": ["Căn cứ A", "Điểm B"]},
                             geometry=[communes.geometry[0], Point(106.7, 21.8)], crs=4326)
    store.add_layer(NewLayer(mixed, "Căn cứ", "combat_base"))
    assert listed(store.path)["Căn cứ"] == "Unknown"
    assert_view_is_current(store, "Căn cứ")


def test_view_names_avoid_reserved_and_taken_names(store: ProjectStore,
                                                   communes: gpd.GeoDataFrame) -> None:
    store.add_layers([NewLayer(communes.head(1), "Sông Kỳ Cùng", "river"),
                      NewLayer(communes.head(1), "song_ky_cung__v1", "river"),
                      NewLayer(communes.head(1), "kvpt_meta", "river"),
                      NewLayer(communes.head(1), "Sông | nhánh", "river"),
                      NewLayer(communes.head(1), 'Sông "A"', "river")])
    names = store.layer_views()
    assert names == {"Sông Kỳ Cùng": "Sông Kỳ Cùng",
                     "song_ky_cung__v1": "song_ky_cung__v1 (2)",
                     "kvpt_meta": "layer kvpt_meta",
                     "Sông | nhánh": "Sông _ nhánh",
                     'Sông "A"': 'Sông "A"'}
    for layer, view in names.items():
        assert_view_is_current(store, layer, view)
    # the same names after another change
    store.add_layer(NewLayer(communes.head(2), "Sông Kỳ Cùng", "river"))
    assert store.layer_views() == names


def test_a_store_without_views_gets_them_once(store: ProjectStore,
                                              communes: gpd.GeoDataFrame) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    with contextlib.closing(sqlite3.connect(store.path)) as con, con:  # as written before views
        con.execute('DROP VIEW "Xã"')
        con.execute("DELETE FROM gpkg_contents WHERE table_name = 'Xã'")
        con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'Xã'")
    assert views_mod.views_stale(store.path, store_records(store))
    before = sha256(store.path)
    assert store.layer_views() == {"Xã": "Xã"}
    assert sha256(store.path) != before
    assert_view_is_current(store, "Xã")
    after = sha256(store.path)
    assert store.layer_views() == {"Xã": "Xã"}  # up to date: reading only
    assert sha256(store.path) == after


def store_records(store: ProjectStore):  # noqa: ANN201 - list of LayerRecord
    return [v for r in store.layers() for v in store.versions(r.name)]


def test_a_failed_view_check_leaves_the_store_unchanged(
        store: ProjectStore, communes: gpd.GeoDataFrame,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store.add_layer(NewLayer(communes, "Xã", "admin_unit"))
    before = sha256(store.path)

    def broken(*args: object) -> None:
        msg = "The layer views failed their check"
        raise RuntimeError(msg)

    monkeypatch.setattr(views_mod, "_check_counts", broken)
    with pytest.raises(RuntimeError, match="layer views failed"):
        store.add_layer(NewLayer(communes.head(1), "Xã", "admin_unit"))
    assert sha256(store.path) == before
    assert sorted(p.name for p in store.path.parent.iterdir()) == ["project.gpkg"]


def test_cli_import_and_restore_keep_the_view_current(demo_project: Path,
                                                      tmp_path: Path) -> None:
    store = ProjectStore(demo_project)
    name = next(r.name for r in store.layers() if r.kind == "combat_base")
    smaller = store.read(name).head(3)
    src = tmp_path / "can_cu.geojson"
    smaller.to_file(src)
    res = runner.invoke(app, ["import", str(demo_project), str(src), "--kind", "combat_base",
                              "--name", name])
    assert res.exit_code == 0, res.output
    assert store.record(name).version == 2
    assert len(pyogrio.read_dataframe(demo_project, layer=name)) == 3
    assert_view_is_current(store, name)
    res = runner.invoke(app, ["restore", str(demo_project), name, "1"])
    assert res.exit_code == 0, res.output
    assert_view_is_current(store, name)
    assert len(pyogrio.read_dataframe(demo_project, layer=name)) == len(store.read(name, 1))
    res = runner.invoke(app, ["delete", str(demo_project), name])
    assert res.exit_code == 0, res.output
    assert name not in listed(demo_project)
    assert name not in store.layer_views()
