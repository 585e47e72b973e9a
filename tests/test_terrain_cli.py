"""``kvpt terrain`` and planning.terrain on the demo project with the fictional DEM.

Elevations are checked against scipy's own bilinear interpolation of the stored GeoTIFF
(read back with rasterio, apart from the code under test); seen areas against a count of
the seen cells inside each district.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pyproj
import pytest
import rasterio
import shapely
from rasterio.io import MemoryFile
from scipy.ndimage import map_coordinates
from typer.testing import CliRunner

from cli import app
from layers import dem, store_rasters
from layers.store import ProjectStore
from planning import inputs
from planning import terrain as pt
from planning.project import Project

runner = CliRunner()
AD = "Trận địa phòng không (giả định):0"


@pytest.fixture(scope="module")
def dem_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = no_dem(demo_master, tmp_path_factory.mktemp("terrain") / "demo_dem.gpkg")
    done = runner.invoke(app, ["terrain", "fictional", str(path), "--cell-m", "200",
                               "--json"])
    assert done.exit_code == 0, done.output
    stored = json.loads(done.stdout)
    assert stored["dem"][0]["name"] == pt.FICTIONAL_NAME
    assert "FICTIONAL" in stored["dem"][0]["note"]
    return path


def no_dem(source: Path, path: Path) -> Path:
    """Copy the demo to ``path`` without its DEM (the demo now carries one)."""
    shutil.copy2(source, path)
    with sqlite3.connect(path) as con:
        con.execute(f"DELETE FROM {store_rasters.RASTERS_TABLE}")
    return path


@pytest.fixture
def dem_project(dem_master: Path, tmp_path: Path) -> Path:
    path = tmp_path / "p.gpkg"
    shutil.copy2(dem_master, path)
    return path


def stored_array(path: Path) -> tuple[np.ndarray, rasterio.Affine, str]:
    _, blob = store_rasters.read_raster(path)
    with MemoryFile(blob) as mem, mem.open() as src:
        return src.read(1).astype(float), src.transform, src.crs.to_string()


def test_assets_elevation_matches_an_independent_bilinear_read(dem_project: Path) -> None:
    done = runner.invoke(app, ["terrain", "assets", str(dem_project), "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["dem"] == f"{pt.FICTIONAL_NAME} v1"
    records = {r["asset"]: r for r in out["records"]}
    z, transform, crs = stored_array(dem_project)
    assets = inputs.assets(Project(ProjectStore(dem_project)))
    assert set(records) == set(assets.index) and len(records) > 50
    points = assets.geometry.to_crs(crs).representative_point()
    col = (points.x.to_numpy() - transform.c) / transform.a
    row = (points.y.to_numpy() - transform.f) / transform.e
    expected = map_coordinates(z, [row - 0.5, col - 0.5], order=1)
    got = np.array([records[i]["elevation_m"] for i in assets.index])
    assert np.allclose(got, expected, atol=0.01)
    assert all(r["elevation_min_m"] <= r["elevation_max_m"] for r in out["records"])
    is_point = assets.geom_type == "Point"
    assert is_point.any() and (~is_point).any()
    for ident in assets.index[is_point]:  # a point's range is its own elevation
        assert records[ident]["elevation_min_m"] == records[ident]["elevation_m"]
    assert all(0 <= r["slope_deg"] < 90 for r in out["records"])


def test_viewshed_areas_per_district_by_counting_cells(dem_project: Path) -> None:
    project = Project(ProjectStore(dem_project))
    result = pt.viewshed(project, AD, radius_km=12, observer_m=10)
    mask, grid = result.extra["mask"], result.extra["grid"]
    values = result.values
    assert values["visible_km2"] == pytest.approx(mask.sum() * grid.cell ** 2 / 1e6)
    assert 0 < values["visible_km2"] < values["looked_km2"]
    looked = np.pi * 12 ** 2
    assert values["looked_km2"] == pytest.approx(looked, rel=0.02)
    units = result.tables["units"]
    assert len(units) >= 1 and units["seen_km2"].is_monotonic_decreasing
    assert units["seen_km2"].sum() <= values["visible_km2"] + 1e-6
    districts = inputs.districts(project).to_crs(grid.crs)
    xs, ys = grid.centres()
    gx, gy = np.meshgrid(xs, ys)
    for unit, seen in zip(units["unit"], units["seen_km2"], strict=True):
        shape = districts.geometry.loc[unit]
        counted = (shapely.contains_xy(shape, gx, gy) & mask).sum() * grid.cell ** 2 / 1e6
        assert seen == pytest.approx(counted, rel=0.05, abs=0.2)
    # the command prints the same numbers
    done = runner.invoke(app, ["terrain", "viewshed", str(dem_project), "--from", AD,
                               "--radius-km", "12", "--observer-m", "10", "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["visible_km2"] == values["visible_km2"]
    assert [u["code"] for u in out["units"]] == list(units["code"])


def test_line_of_sight_agrees_with_the_viewshed(dem_project: Path) -> None:
    project = Project(ProjectStore(dem_project))
    result = pt.viewshed(project, AD, radius_km=8, observer_m=10, target_m=0)
    mask, grid = result.extra["mask"], result.extra["grid"]
    xs, ys = grid.centres()
    to_lonlat = pyproj.Transformer.from_crs(grid.crs, "EPSG:4326", always_xy=True)
    rows, cols = np.nonzero(mask | ~mask)
    rng = np.random.default_rng(5)
    ox, oy = pyproj.Transformer.from_crs("EPSG:4326", grid.crs, always_xy=True).transform(
        *result.tables["observers"].loc[0, ["lon", "lat"]])
    near = np.hypot(xs[cols] - ox, ys[rows] - oy) < 7500
    pick = rng.choice(np.flatnonzero(near), 60, replace=False)
    agree = 0
    for k in pick:
        lon, lat = to_lonlat.transform(xs[cols[k]], ys[rows[k]])
        line = pt.sight_line(project, AD, f"{lon:.7f},{lat:.7f}", observer_m=10, target_m=0)
        agree += bool(line.main["visible"].iloc[0]) == bool(mask[rows[k], cols[k]])
    assert agree >= 57  # the two methods differ only on cells the horizon grazes


def test_los_command_text_and_json(dem_project: Path) -> None:
    done = runner.invoke(app, ["terrain", "los", str(dem_project), "--from", AD, "--to",
                               "CCCD-T", "--json"])
    assert done.exit_code == 0, done.output
    row = json.loads(done.stdout)[0]
    assert row["from_code"] == "PK-01" and row["to_code"] == "CCCD-T"
    assert row["visible"] == (row["blocked_at_m"] is None) == (row["min_clearance_m"] >= 0)
    text = runner.invoke(app, ["terrain", "los", str(dem_project), "--from", AD, "--to",
                               "CCCD-T"])
    assert ("VISIBLE" if row["visible"] else "BLOCKED") in text.stdout


def test_import_a_vn2000_geotiff_through_the_command(dem_project: Path, tmp_path: Path
                                                     ) -> None:
    tif = tmp_path / "tm3.tif"
    z = np.full((50, 60), 432.0)
    with rasterio.open(tif, "w", driver="GTiff", width=60, height=50, count=1,
                       dtype="float64", crs="EPSG:9215",
                       transform=rasterio.transform.from_origin(430000, 2430000, 30, 30)
                       ) as dst:
        dst.write(z, 1)
    done = runner.invoke(app, ["terrain", "import", str(dem_project), str(tif), "--name",
                               "Survey", "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert out["source_crs"] == "VN-2000 / TM-3 107-15 (EPSG:9215)"
    assert out["elevation_min_m"] == out["elevation_max_m"] == 432.0
    listed = json.loads(runner.invoke(app, ["terrain", "list", str(dem_project),
                                            "--json"]).stdout)
    assert sorted(r["name"] for r in listed) == sorted([pt.FICTIONAL_NAME, "Survey"])
    assert dem.from_geotiff(store_rasters.read_raster(dem_project, "Survey")[1]).crs == (
        "EPSG:3405")


def test_bad_input_exits_2_with_one_line_and_no_path(demo_project: Path, dem_project: Path,
                                                     tmp_path: Path) -> None:
    done = runner.invoke(app, ["terrain", "assets", str(no_dem(demo_project,
                                                               tmp_path / "no_dem.gpkg"))])
    assert done.exit_code == 2 and "has no DEM" in done.stderr
    assert "kvpt terrain import" in done.stderr
    done = runner.invoke(app, ["terrain", "viewshed", str(dem_project), "--from", "120,10"])
    assert done.exit_code == 2 and "off the DEM" in done.stderr
    done = runner.invoke(app, ["terrain", "viewshed", str(dem_project), "--from", AD,
                               "--observer-m", "-3"])
    assert done.exit_code == 2 and "observer_height" in done.stderr
    bad = tmp_path / "secret_dir" / "x.tif"
    bad.parent.mkdir()
    bad.write_bytes(b"II*\x00garbage")
    before = (dem_project.read_bytes())
    done = runner.invoke(app, ["terrain", "import", str(dem_project), str(bad)])
    assert done.exit_code == 2 and "x.tif" in done.stderr
    assert "secret_dir" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert dem_project.read_bytes() == before


def test_map_and_print_commands_draw_the_relief(dem_project: Path, tmp_path: Path) -> None:
    html = tmp_path / "relief.html"
    done = runner.invoke(app, ["terrain", "map", str(dem_project), str(html),
                               "--viewshed-from", "PK-01", "--radius-km", "5"])
    assert done.exit_code == 0, done.output
    text = html.read_text(encoding="utf-8")
    assert "L.imageOverlay" in text and "data:image/png;base64," in text
    for name in ("Vùng nhìn thấy", f"Địa hình ({pt.FICTIONAL_NAME})"):  # layer control
        assert json.dumps(name)[1:-1] in text
    png = tmp_path / "sheet.png"
    done = runner.invoke(app, ["terrain", "print", str(dem_project), str(png), "--dpi", "40",
                               "--extent", "Huyện Cao Lộc"])
    assert done.exit_code == 0, done.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "with hillshade" in done.stdout


def test_terrain_problems_read_in_vietnamese(dem_project: Path) -> None:
    from geo.errors import AnalysisInputError
    from planning.messages import analysis_text

    project = Project(ProjectStore(dem_project))
    with pytest.raises(AnalysisInputError) as err:
        pt.viewshed(project, AD, radius_km=-1, observer_m=-2)
    vi = analysis_text(err.value, "vi")
    assert "chiều cao người quan sát" in vi and "-2" in vi
    assert "observer_height" not in vi and "must" not in vi
    with pytest.raises(AnalysisInputError) as err:
        pt.sight_line(project, AD, "110.5,10.0")
    assert "nằm ngoài mô hình số độ cao" in analysis_text(err.value, "vi")
    with pytest.raises(pt.PlanningError) as perr:
        pt.sight_line(project, AD, "200,95")
    assert perr.value.key == "terrain_lonlat_bad" and "kinh độ" in perr.value.text("vi")


def test_peaks_are_the_highest_cell_of_each_district(dem_project: Path) -> None:
    from rasterio.features import geometry_mask

    done = runner.invoke(app, ["terrain", "peaks", str(dem_project), "--json"])
    assert done.exit_code == 0, done.output
    records = json.loads(done.stdout)["records"]
    z, transform, crs = stored_array(dem_project)
    districts = inputs.districts(Project(ProjectStore(dem_project))).to_crs(crs)
    assert len(records) == len(districts)
    assert [r["elevation_m"] for r in records] == sorted(
        (r["elevation_m"] for r in records), reverse=True)
    for r in records:  # GDAL's rasterisation (cell centres inside) as the independent rule
        outside = geometry_mask([districts.geometry.loc[r["unit"]]], z.shape, transform)
        assert r["elevation_m"] == pytest.approx(z[~outside].max(), abs=0.05)


def test_several_observers_see_the_union_of_their_views(dem_project: Path) -> None:
    project = Project(ProjectStore(dem_project))
    ones = [pt.viewshed(project, code, radius_km=6, observer_m=10) for code in
            ("PK-01", "PK-02")]
    both = pt.viewshed(project, ["PK-01", "PK-02"], radius_km=6, observer_m=10)
    union = ones[0].extra["mask"] | ones[1].extra["mask"]
    assert np.array_equal(both.extra["mask"], union)
    cell_km2 = both.extra["grid"].cell ** 2 / 1e6
    assert both.values["visible_km2"] == pytest.approx(union.sum() * cell_km2, abs=1e-3)
    observers = both.tables["observers"]
    assert list(observers["code"]) == ["PK-01", "PK-02"]
    assert list(observers["visible_km2"]) == [o.values["visible_km2"] for o in ones]
    done = runner.invoke(app, ["terrain", "viewshed", str(dem_project), "--from", "PK-01",
                               "--from", "PK-02", "--radius-km", "6", "--json"])
    assert done.exit_code == 0, done.output
    out = json.loads(done.stdout)
    assert [o["code"] for o in out["observers"]] == ["PK-01", "PK-02"]
    assert out["visible_km2"] == both.values["visible_km2"]
