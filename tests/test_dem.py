"""layers.dem and layers.store_rasters: reading GeoTIFF DEMs (VN-2000 aware) and storing them.

Reprojection is checked with pyproj on a plane (whose value at any point is known), the
stored rows against GDAL's own reading of the GeoPackage table.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pyogrio
import pyproj
import pytest
import rasterio
from rasterio.transform import from_origin

from geo import terrain
from layers import dem, store_rasters
from layers.errors import LayerError, MissingCRSError
from layers.store import ProjectStore


def esri_tm(cm: float, name: str = "VN_2000_Lang_Son_KTT_107_15_mui_3") -> str:
    datum = 'DATUM["D_Vietnam_2000",SPHEROID["WGS_1984",6378137.0,298.257223563]]'
    return (f'PROJCS["{name}",GEOGCS["GCS_VN_2000",{datum},PRIMEM["Greenwich",0.0],'
            'UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],'
            'PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],'
            f'PARAMETER["Central_Meridian",{cm}],PARAMETER["Scale_Factor",0.9999],'
            'PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]')


def write_tif(path: Path, z: np.ndarray, transform, crs, nodata=None) -> Path:  # noqa: ANN001
    with rasterio.open(path, "w", driver="GTiff", width=z.shape[1], height=z.shape[0],
                       count=1, dtype=z.dtype, crs=crs, transform=transform,
                       nodata=nodata) as dst:
        dst.write(z, 1)
    return path


def plane_tif(path: Path, crs, x0: float, y0: float, cell: float, n: int,  # noqa: ANN001
              a: float, b: float, c: float) -> Path:
    xs = x0 + (np.arange(n) + 0.5) * cell
    ys = y0 - (np.arange(n) + 0.5) * cell
    gx, gy = np.meshgrid(xs, ys)
    z = (c + a * (gx - x0) + b * (gy - y0)).astype("float64")
    return write_tif(path, z, from_origin(x0, y0, cell, cell), crs)


def test_vn2000_tm3_geotiff_is_recognised_and_reprojected(tmp_path: Path) -> None:
    # a plane in VN-2000 / TM-3 107°15' (Lạng Sơn, EPSG:9215) written with an ESRI custom
    # name; z = 300 + 0.01 (x - x0) - 0.02 (y - y0) in the file's own metres
    x0, y0, cell, n = 430000.0, 2430000.0, 30.0, 200
    path = plane_tif(tmp_path / "lang_son_tm3.tif", esri_tm(107.25), x0, y0, cell, n,
                     0.01, -0.02, 300.0)
    found = dem.read_dem(path, target_crs="EPSG:3405")
    assert found.source_crs == "VN-2000 / TM-3 107-15 (EPSG:9215)"
    grid = found.grid
    assert grid.crs == "EPSG:3405"
    assert grid.cell == pytest.approx(cell, rel=0.01)
    # points well inside, taken in EPSG:3405 and brought back to TM-3 with pyproj
    back = pyproj.Transformer.from_crs("EPSG:3405", "EPSG:9215", always_xy=True)
    to = pyproj.Transformer.from_crs("EPSG:9215", "EPSG:3405", always_xy=True)
    rng = np.random.default_rng(0)
    sx = rng.uniform(x0 + 300, x0 + n * cell - 300, 50)
    sy = rng.uniform(y0 - n * cell + 300, y0 - 300, 50)
    px, py = to.transform(sx, sy)
    got = terrain.sample(grid, np.array(px), np.array(py))
    bx, by = back.transform(px, py)
    expected = 300.0 + 0.01 * (np.array(bx) - x0) - 0.02 * (np.array(by) - y0)
    assert np.allclose(got, expected, atol=0.05)


def test_srtm_like_tile_in_degrees_with_voids(tmp_path: Path) -> None:
    # an int16 tile in EPSG:4326 with the SRTM void value; z = 500 + 1000 (lon - 106.5)
    n, step = 120, 1 / 3600 * 3  # 3 arc-seconds
    lon0, lat0 = 106.5, 21.9
    lons = lon0 + (np.arange(n) + 0.5) * step
    z = np.tile(np.round(500 + 1000 * (lons - lon0)).astype("int16"), (n, 1))
    z[40:50, 40:50] = -32768
    path = write_tif(tmp_path / "srtm.tif", z, from_origin(lon0, lat0, step, step),
                     "EPSG:4326", nodata=-32768)
    found = dem.read_dem(path)  # the project's metric CRS: geo.settings.metric_crs
    assert found.grid.crs == "EPSG:3405"
    assert 0 < found.nodata_share < 0.2
    to = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:3405", always_xy=True)
    lon, lat = lon0 + 0.02, lat0 - 0.08
    x, y = to.transform(lon, lat)
    assert terrain.sample(found.grid, np.array([x]), np.array([y]))[0] == pytest.approx(
        500 + 1000 * (lon - lon0), abs=1.0)  # int16 rounding
    hole_lon, hole_lat = lon0 + 45 * step, lat0 - 45 * step
    hx, hy = to.transform(hole_lon, hole_lat)
    assert np.isnan(terrain.sample(found.grid, np.array([hx]), np.array([hy]))[0])


def test_geotiff_without_crs_names_candidates_and_reads_with_one(tmp_path: Path) -> None:
    path = plane_tif(tmp_path / "nocrs.tif", None, 430000.0, 2430000.0, 50.0, 40,
                     0.0, 0.0, 200.0)
    with pytest.raises(MissingCRSError) as err:
        dem.read_dem(path)
    assert err.value.key == "dem_no_crs"
    assert err.value.candidates and err.value.candidates[0].code.startswith("EPSG:")
    assert "nocrs.tif" in str(err.value) and str(tmp_path) not in str(err.value)
    assert "không ghi hệ tọa độ" in err.value.text("vi")
    found = dem.read_dem(path, crs="EPSG:9215")
    assert np.nanmax(found.grid.z) == pytest.approx(200.0)


def test_bad_files_are_refused_with_the_file_name_only(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch
                                                        ) -> None:
    text = tmp_path / "not_a_dem.tif"
    text.write_text("hello, not a tiff")
    with pytest.raises(LayerError) as err:
        dem.read_dem(text)
    assert err.value.key == "dem_unreadable"
    assert "not_a_dem.tif" in str(err.value) and str(tmp_path) not in str(err.value)
    with pytest.raises(LayerError) as err:
        dem.read_dem(tmp_path / "missing.tif")
    assert err.value.key == "no_such_file"
    feet = plane_tif(tmp_path / "cm.tif", "EPSG:3405", 430000.0, 2430000.0, 50.0, 20,
                     0.0, 0.0, 35000.0)  # centimetres
    with pytest.raises(LayerError) as err:
        dem.read_dem(feet)
    assert err.value.key == "dem_values_bad" and "35000" in str(err.value)
    monkeypatch.setattr(dem, "max_source_cells", 100)
    with pytest.raises(LayerError) as err:
        dem.read_dem(feet)
    assert err.value.key == "dem_too_large" and "400" in str(err.value)


def test_geotiff_bytes_round_trip_exactly() -> None:
    z = np.arange(12, dtype=float).reshape(3, 4) * 1.5
    z[1, 2] = np.nan
    grid = terrain.Grid(z, 430000.0, 2430000.0, 25.0, "EPSG:3405")
    back = dem.from_geotiff(dem.to_geotiff(grid))
    assert (back.x0, back.y0, back.cell, back.crs) == (430000.0, 2430000.0, 25.0, "EPSG:3405")
    assert np.array_equal(np.isnan(back.z), np.isnan(z))
    assert np.allclose(back.z[~np.isnan(z)], z[~np.isnan(z)])


def test_fictional_dem_is_deterministic_and_plausible() -> None:
    bounds = (106.6, 21.7, 106.9, 21.95)
    a = dem.fictional_dem(bounds, cell_m=200.0)
    b = dem.fictional_dem(bounds, cell_m=200.0)
    assert np.array_equal(a.z, b.z)
    assert np.nanmin(a.z) >= 250.0 and np.nanmax(a.z) == pytest.approx(1400.0)
    x0, y0 = pyproj.Transformer.from_crs("EPSG:4326", a.crs, always_xy=True).transform(
        bounds[0], bounds[3])
    assert a.x0 <= x0 and a.y0 >= y0  # covers the corner
    assert "FICTIONAL" in dem.FICTIONAL_NOTE and "giả định" in dem.FICTIONAL_NOTE


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rasters_are_stored_with_versions_inside_the_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    store = ProjectStore.init(path)
    assert store_rasters.rasters(path) == []
    with pytest.raises(LayerError) as err:
        store_rasters.read_raster(path)
    assert err.value.key == "dem_none"
    grid = terrain.Grid(np.full((5, 6), 321.0), 430000.0, 2430000.0, 30.0, "EPSG:3405")
    data = dem.to_geotiff(grid)
    first = store_rasters.add_raster(store, "DEM", data, crs="EPSG:3405", width=6, height=5,
                                     cell_m=30.0, source="a.tif")
    second = store_rasters.add_raster(store, " DEM ", data[:], crs="EPSG:3405", width=6,
                                      height=5, cell_m=30.0, source="b.tif", note="n")
    assert (first.version, second.version, second.name) == (1, 2, "DEM")
    assert [r.version for r in store_rasters.rasters(path)] == [2]
    assert [r.source for r in store_rasters.versions(path, "DEM")] == ["a.tif", "b.tif"]
    rec, blob = store_rasters.read_raster(path, "DEM", version=1)
    assert rec.source == "a.tif" and blob == data
    assert dem.from_geotiff(blob).z.mean() == pytest.approx(321.0)
    # GDAL sees a valid GeoPackage with the table registered, and the same rows
    assert "kvpt_rasters" in pyogrio.list_layers(path)[:, 0]
    rows = pyogrio.read_dataframe(path, layer="kvpt_rasters", read_geometry=False)
    assert sorted(rows["version"]) == [1, 2]
    assert list(rows["size_bytes"]) == [len(data)] * 2
    # a bad name changes nothing
    before = _sha(path)
    with pytest.raises(LayerError) as err:
        store_rasters.add_raster(store, "  ", data, crs="EPSG:3405", width=6, height=5,
                                 cell_m=30.0, source="c.tif")
    assert err.value.key == "dem_name_bad"
    with pytest.raises(LayerError) as err:
        store_rasters.read_raster(path, "Other")
    assert err.value.key == "dem_unknown" and "'DEM' (v2)" in str(err.value)
    assert _sha(path) == before


def test_a_failed_raster_write_leaves_the_store_unchanged(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    path = tmp_path / "p.gpkg"
    store = ProjectStore.init(path)
    before = _sha(path)

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("interrupted")

    monkeypatch.setattr(store, "_audit", boom)  # fails after the row is inserted
    with pytest.raises(RuntimeError):
        store_rasters.add_raster(store, "DEM", b"x" * 100, crs="EPSG:3405", width=1,
                                 height=1, cell_m=1.0, source="x.tif")
    assert _sha(path) == before
    with sqlite3.connect(path) as con:
        assert not con.execute("SELECT name FROM sqlite_master WHERE name = 'kvpt_rasters'"
                               ).fetchall()
    assert store_rasters.rasters(path) == []


def test_metres_labelled_as_degrees_are_refused_as_outside(tmp_path: Path) -> None:
    # a classic mistake: VN-2000 metres in a file that says EPSG:4326
    wrong = plane_tif(tmp_path / "wrong.tif", "EPSG:4326", 430000.0, 2430000.0, 30.0, 20,
                      0.0, 0.0, 300.0)
    with pytest.raises(LayerError) as err:
        dem.read_dem(wrong)
    assert err.value.key == "dem_outside" and "EPSG:3405" in str(err.value)
    # degrees far from Vietnam: the same
    far = write_tif(tmp_path / "far.tif", np.zeros((10, 10)), from_origin(10.0, 50.0, 0.1,
                                                                          0.1), "EPSG:4326")
    with pytest.raises(LayerError) as err:
        dem.read_dem(far)
    assert err.value.key == "dem_outside" and "10.0000, 49.0000" in str(err.value)
    # named right, it reads
    assert dem.read_dem(wrong, crs="EPSG:9215").grid.crs == "EPSG:3405"


def test_a_store_that_is_not_a_geopackage_file_is_refused() -> None:
    with pytest.raises(LayerError) as err:
        store_rasters.rasters("postgresql:/kvpt@db:5432/kvpt?schema=p")
    assert err.value.key == "dem_store_unsupported"
    assert "GeoPackage" in str(err.value) and "GeoPackage" in err.value.text("vi")


def test_a_huge_sparse_geotiff_is_refused_before_its_pixels_are_read(tmp_path: Path) -> None:
    # 60,000 × 60,000 cells declared (3.6 G), almost nothing stored: a decompression bomb
    path = tmp_path / "bomb.tif"
    with rasterio.open(path, "w", driver="GTiff", width=60_000, height=60_000, count=1,
                       dtype="float32", crs="EPSG:3405", tiled=True, sparse_ok=True,
                       transform=from_origin(430000, 2430000, 1, 1)):
        pass
    assert path.stat().st_size < 50 * 1024 * 1024
    with pytest.raises(LayerError) as err:
        dem.read_dem(path)
    assert err.value.key == "dem_too_large"
    assert "3600000000" in str(err.value) and str(dem.max_source_cells) in str(err.value)
