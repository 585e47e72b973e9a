from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from conftest import sha256
from layers.errors import LayerError
from layers.importer import fitting_kinds, guess_kind, plan_import, run_import
from layers.store import ProjectStore
from layers.tables import table_csv_bytes, write_table


def write(tmp_path: Path, name: str, gdf: gpd.GeoDataFrame) -> Path:
    path = tmp_path / name
    gdf.to_file(path, engine="pyogrio")
    return path


def squares(n: int = 2) -> gpd.GeoDataFrame:
    geoms = [Polygon([(600000 + i * 1000, 2400000), (600500 + i * 1000, 2400000),
                      (600500 + i * 1000, 2400500), (600000 + i * 1000, 2400500)])
             for i in range(n)]
    return gpd.GeoDataFrame({"TEN": [f"Khu {i}" for i in range(n)], "Chu_Dau_Tu": "Công ty",
                             "ghi_chu_khac": "x"}, geometry=geoms, crs=3405)


def test_guess_kind_from_name_and_geometry(tmp_path: Path) -> None:
    (plan,) = plan_import(write(tmp_path, "du_an_de_xuat.geojson", squares()))
    assert guess_kind(plan.source) == "proposed_project"
    assert plan.kind == "proposed_project" and plan.name == "du_an_de_xuat"
    assert plan.mapping["name"] == "TEN" and plan.mapping["investor"] == "Chu_Dau_Tu"
    pts = gpd.GeoDataFrame({"ten": ["a"]}, geometry=[Point(106.7, 21.8)], crs=4326)
    (pplan,) = plan_import(write(tmp_path, "can_cu_chien_dau.geojson", pts))
    assert pplan.kind == "combat_base"


def test_unguessable_kind_is_refused_or_proposed(tmp_path: Path) -> None:
    path = write(tmp_path, "lop_1.geojson", squares())
    with pytest.raises(LayerError, match="--kind"):
        plan_import(path)
    (plan,) = plan_import(path, require_kind=False)
    assert plan.kind == "proposed_project"
    assert "admin_unit" in fitting_kinds(plan.source)
    assert "enterprise" not in fitting_kinds(plan.source)


def test_run_import_maps_columns_and_reports_unknown(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    (result,) = run_import(store, plan_import(write(tmp_path, "du_an.geojson", squares())))
    assert result.report.unknown_columns == ["ghi_chu_khac"]
    gdf = store.read("du_an")
    assert list(gdf.columns[:2]) == ["name", "investor"]
    assert gdf["name"].tolist() == ["Khu 0", "Khu 1"]
    assert result.as_dict()["features"] == 2 and result.as_dict()["version"] == 1


def test_wrong_geometry_for_kind_leaves_store_unchanged(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    before = sha256(store.path)
    plans = plan_import(write(tmp_path, "du_an.geojson", squares()), kind="enterprise")
    with pytest.raises(LayerError, match="Point"):
        run_import(store, plans)
    assert sha256(store.path) == before


def test_tables_csv_has_bom_and_refuses_other_formats(tmp_path: Path) -> None:
    frame = squares().drop(columns="geometry")
    assert table_csv_bytes(frame).decode("utf-8-sig").splitlines()[1].startswith("Khu 0")
    out = write_table(frame, tmp_path / "t.csv")
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(LayerError, match=r"\.csv"):
        write_table(frame, tmp_path / "t.xlsx")


def test_write_table_gpkg_needs_geometry(tmp_path: Path) -> None:
    gdf = squares()
    out = write_table(gdf, tmp_path / "r.gpkg", layer="kq")
    back = gpd.read_file(out, layer="kq")
    assert back["TEN"].tolist() == gdf["TEN"].tolist() and back.crs.to_epsg() == 3405
    with pytest.raises(LayerError, match="CSV"):
        write_table(gdf.drop(columns="geometry"), tmp_path / "r2.gpkg")
    csv = (tmp_path / "r.csv")
    write_table(gdf, csv)
    assert "POLYGON" in csv.read_text(encoding="utf-8-sig")
