"""The Terrain page (ui/terrain_page.py) in Streamlit's AppTest.

On the demo (its fictional DEM): the DEM list says it is fictional, the elevations shown
are an independent bilinear read of the stored GeoTIFF (rasterio + scipy). On a cone DEM
centred between two air-defense positions (an analytic case): the line of sight between
them is blocked where the cone's slope first rises above the sight line, by the depth of
the apex below it, and the viewshed from the apex is the whole disc (π r²), shared among
the districts.
"""

from __future__ import annotations

import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.io import MemoryFile
from scipy.ndimage import map_coordinates

from conftest import app_test, shown_table
from layers import demo, store_rasters
from layers.store import ProjectStore
from planning import inputs
from planning import terrain as pt
from planning.project import Project

PAGE = "ui/terrain_page.py"
A, B = "Trận địa phòng không (giả định):0", "Trận địa phòng không (giả định):2"
SLOPE = 0.05
"""Fall of the cone (metres per metre)."""
APEX = 1500.0
CELL = 50.0


def test_fictional_name_is_the_planning_one() -> None:
    assert demo.DEM_NAME == pt.FICTIONAL_NAME


def test_demo_dem_listed_and_assets_elevation(demo_project: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_test(PAGE, demo_project, monkeypatch)
    assert not at.exception and not at.error
    assert at.title[0].value == "Địa hình"
    assert any("GIẢ ĐỊNH" in w.value for w in at.warning)
    assert not any("Session key" in m.value for m in at.markdown)  # no stray magic text
    dems = shown_table(at, "dem_version")
    assert list(dems["name"]) == [pt.FICTIONAL_NAME]
    assert "FICTIONAL" not in " ".join(map(str, dems["dem_note"]))  # Vietnamese on the page
    shown = shown_table(at, "slope_deg")
    project = Project(ProjectStore(demo_project))
    assets = inputs.assets(project)
    ids = shown.iloc[:, 0]  # the asset id (its header is also the one of "feature")
    assert sorted(ids) == sorted(assets.index)
    _, blob = store_rasters.read_raster(demo_project)
    with MemoryFile(blob) as mem, mem.open() as src:
        z, tf, crs = src.read(1).astype(float), src.transform, src.crs.to_string()
    points = assets.geometry.to_crs(crs).representative_point()
    col = (points.x.to_numpy() - tf.c) / tf.a
    row = (points.y.to_numpy() - tf.f) / tf.e
    expected = dict(zip(assets.index, map_coordinates(z, [row - 0.5, col - 0.5], order=1),
                        strict=True))
    for ident, value in zip(ids, shown["elevation_m"], strict=True):
        assert float(value) == pytest.approx(expected[ident], abs=0.51)  # shown in whole m
    at.sidebar.radio(key="lang_choice").set_value("en").run()
    assert not at.exception and at.title[0].value == "Terrain"
    assert any("FICTIONAL" in w.value for w in at.warning)


@pytest.fixture(scope="module")
def cone_master(demo_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo with a cone DEM (EPSG:3405) whose apex is midway between A and B."""
    folder = tmp_path_factory.mktemp("cone")
    path = folder / "cone.gpkg"
    shutil.copy2(demo_master, path)
    cx, cy = _ends(path).mean(axis=0)
    cx, cy = (math.floor(cx / CELL) + 0.5) * CELL, (math.floor(cy / CELL) + 0.5) * CELL
    n = int(2 * 9000 / CELL) + 1  # odd: the apex is the centre of the middle cell
    x0, y0 = cx - n / 2 * CELL, cy + n / 2 * CELL
    xs = x0 + (np.arange(n) + 0.5) * CELL
    ys = y0 - (np.arange(n) + 0.5) * CELL
    gx, gy = np.meshgrid(xs, ys)
    z = APEX - SLOPE * np.hypot(gx - cx, gy - cy)
    tif = folder / "cone.tif"
    with rasterio.open(tif, "w", driver="GTiff", width=n, height=n, count=1, dtype="float64",
                       crs="EPSG:3405", transform=Affine(CELL, 0.0, x0, 0.0, -CELL, y0)
                       ) as dst:
        dst.write(z, 1)
    pt.import_dem(ProjectStore(path), tif, name="Nón")
    return path


def _ends(path: Path) -> np.ndarray:
    assets = inputs.assets(Project(ProjectStore(path))).loc[[A, B]]
    points = assets.geometry.to_crs("EPSG:3405").representative_point()
    return np.c_[points.x.to_numpy(), points.y.to_numpy()]


def _number(text: str) -> float:
    """A number written the Vietnamese way (1.234,5)."""
    return float(text.replace(".", "").replace(",", "."))


def test_line_of_sight_over_the_cone(cone_master: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.gpkg"
    shutil.copy2(cone_master, path)
    at = app_test(PAGE, path, monkeypatch)
    assert not at.exception and not at.error
    assert at.selectbox(key="terrain_dem").value == "Nón"  # the newest DEM
    at.selectbox(key="terrain_los_from").set_value(A)
    at.selectbox(key="terrain_los_to").set_value(B)
    at.number_input(key="terrain_los_eye").set_value(2.0)
    at.number_input(key="terrain_los_top").set_value(2.0)
    at.button(key="FormSubmitter:terrain_los_form-Xét tầm nhìn").click().run()
    assert not at.exception and not at.error
    found = [re.search(r"che khuất cách vị trí quan sát ([\d.,]+) m .*khoảng cách ([\d.,]+) m"
                       r", địa hình cao hơn tia nhìn tới ([\d.,]+) m", w.value)
             for w in at.warning]
    hit = next(f for f in found if f)
    blocked_at, distance, above = (_number(g) for g in hit.groups())
    ends = _ends(path)
    d = float(np.hypot(*(ends[1] - ends[0])))
    k = (1 - 0.13) / (2 * 6_371_000.0)  # curvature with refraction, per metre²
    assert distance == pytest.approx(d, abs=0.5)
    # the sight line (2 m above A, falling by the curvature drop d²k towards B) meets the
    # cone's rising slope where 2 - d²k·s/d = SLOPE·s; samples every half cell at most
    first = 2 / (SLOPE + d * k)
    assert first <= blocked_at <= first + CELL / 2 + 1
    # deepest below the line: the apex, SLOPE·d/2 - 2 m plus a quarter of the drop over d
    assert above == pytest.approx(SLOPE * d / 2 - 2 + d * d * k / 4, abs=2.0)


def test_sight_profile_is_the_cone(cone_master: Path) -> None:
    project = Project(ProjectStore(cone_master))
    result = pt.sight_line(project, A, B, observer_m=2, target_m=2)
    profile = result.extra["profile"]
    ends = _ends(cone_master)
    d = float(np.hypot(*(ends[1] - ends[0])))
    expected = APEX - SLOPE * np.abs(profile["distance_m"].to_numpy() - d / 2)
    assert np.allclose(profile["ground_m"], expected, atol=1.5)  # bilinear at the apex
    clearance = profile["line_m"] - profile["ground_m"]
    assert clearance.iloc[0] == pytest.approx(2.0, abs=0.01)
    assert clearance.iloc[-1] == pytest.approx(2.0, abs=0.01)
    assert clearance.min() == pytest.approx(result.main["min_clearance_m"].iloc[0], abs=0.3)


def test_viewshed_from_the_apex_sees_the_whole_disc(cone_master: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.gpkg"
    shutil.copy2(cone_master, path)
    at = app_test(PAGE, path, monkeypatch)
    peak = pt.high_points(Project(ProjectStore(path))).main.iloc[0]  # the highest
    assert peak["elevation_m"] == pytest.approx(APEX, abs=2)
    at.selectbox(key="terrain_view_from").set_value(f"{peak['lon']},{peak['lat']}")
    at.number_input(key="terrain_view_radius").set_value(5.0)
    at.number_input(key="terrain_view_eye").set_value(10.0)
    at.button(key="FormSubmitter:terrain_view_form-Tính vùng quan sát").click().run()
    assert not at.exception and not at.error
    metrics = {m.label: _number(m.value) for m in at.metric}
    disc = math.pi * 5.0 ** 2
    assert metrics["Diện tích nhìn thấy (km²)"] == pytest.approx(disc, rel=0.02)
    assert metrics["Trong bán kính (km²)"] == pytest.approx(disc, rel=0.02)
    assert metrics["Tỷ lệ nhìn thấy (%)"] == pytest.approx(100.0, abs=0.1)
    units = shown_table(at, "seen_km2")
    assert units["seen_km2"].astype(float).sum() == pytest.approx(disc, rel=0.02)
    assert (units["seen_pct"].astype(float) <= 100).all()
    # the selection survives a rerun of the whole page (another widget)
    at.selectbox(key="terrain_dem").set_value("Nón").run()
    assert at.metric and _number(at.metric[0].value) == pytest.approx(disc, rel=0.02)


def test_without_dem_the_page_says_how_to_import(demo_project: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    with sqlite3.connect(demo_project) as con:
        con.execute(f"DELETE FROM {store_rasters.RASTERS_TABLE}")
    at = app_test(PAGE, demo_project, monkeypatch)
    assert not at.exception and not at.error
    assert any("chưa có mô hình độ cao" in i.value for i in at.info)
    assert len(at.dataframe) == 0 and len(at.tabs) == 0


def test_same_position_twice_asks_for_two(demo_project: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    at = app_test(PAGE, demo_project, monkeypatch)
    at.selectbox(key="terrain_los_from").set_value(A)
    at.selectbox(key="terrain_los_to").set_value(A)
    at.button(key="FormSubmitter:terrain_los_form-Xét tầm nhìn").click().run()
    assert not at.exception and not at.error
    assert any("hai vị trí khác nhau" in i.value for i in at.info)
