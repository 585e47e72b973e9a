"""The DEM's hillshade on the project map (Map page, ``kvpt map``) and on ``kvpt print``.

The overlay's place is checked against the DEM's bounds carried into Web Mercator by
rasterio (``transform_bounds``) and back to degrees by pyproj; the printed shade only
darkens the sheet (black with alpha), which a pixel comparison with the same sheet printed
without it shows.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import folium
import numpy as np
import pyproj
import pytest
from matplotlib.image import imread
from rasterio.warp import transform_bounds
from typer.testing import CliRunner

from cli import app
from conftest import page_texts
from layers import demo, store_rasters
from layers.dem import from_geotiff
from layers.store import ProjectStore
from maps.hillshade import add_to_map
from maps.project import store_map
from planning import terrain as pt
from planning.project import Project

runner = CliRunner()
RELIEF = f"Địa hình ({pt.FICTIONAL_NAME})"


def _html(fmap: folium.Map) -> str:
    return fmap.get_root().render()


def _overlays(html: str) -> list[str]:
    return re.findall(r"var (image_overlay_\w+) = L\.imageOverlay", html)


@pytest.fixture
def no_dem(demo_project: Path) -> Path:
    """The demo without its DEM."""
    with sqlite3.connect(demo_project) as con:
        con.execute(f"DELETE FROM {store_rasters.RASTERS_TABLE}")
    return demo_project


def test_demo_has_the_fictional_dem_only(demo_master: Path) -> None:
    (rec,) = store_rasters.rasters(demo_master)
    assert rec.name == pt.FICTIONAL_NAME == demo.DEM_NAME and "FICTIONAL" in rec.note
    assert rec.cell_m == demo.DEM_CELL_M and rec.crs == "EPSG:3405"


def test_project_map_lists_the_relief_off(demo_master: Path) -> None:
    html = _html(store_map(ProjectStore(demo_master)))
    (var,) = _overlays(html)
    assert f"{json.dumps(RELIEF)} : {var}" in html  # in the layer control
    assert f"{var}.addTo(" not in html  # off until ticked
    _, data = store_rasters.read_raster(demo_master)
    grid = from_geotiff(data)
    west, south, east, north = transform_bounds(grid.crs, "EPSG:3857", *grid.bounds,
                                                densify_pts=51)
    to_ll = pyproj.Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    (lon0, lat0), (lon1, lat1) = to_ll.transform(west, south), to_ll.transform(east, north)
    found = re.search(var + r' = L\.imageOverlay\(\s*"data:image/png;base64,[^"]+",\s*'
                      r"(\[\[[^\]]+\],\s*\[[^\]]+\]\])", html)
    bounds = np.array(json.loads(found.group(1)))
    assert bounds == pytest.approx(np.array([[lat0, lon0], [lat1, lon1]]), abs=0.003)
    # English names it so; relief=False and a project without DEM draw none
    assert json.dumps(f"Relief ({pt.FICTIONAL_NAME})") in _html(
        store_map(ProjectStore(demo_master), lang="en"))
    assert _overlays(_html(store_map(ProjectStore(demo_master), relief=False))) == []


def test_no_dem_no_relief_and_one_relief_per_map(demo_master: Path, no_dem: Path) -> None:
    assert _overlays(_html(store_map(ProjectStore(no_dem)))) == []
    assert pt.dem_stamp(Project(ProjectStore(no_dem))) == ""
    fmap = store_map(ProjectStore(demo_master))
    grid, _ = pt.load_grid(Project(ProjectStore(demo_master)))
    add_to_map(fmap, grid, name="Khác")
    html = _html(fmap)
    (var,) = _overlays(html)  # replaced, not doubled
    assert f'{json.dumps("Khác")} : {var}' in html and json.dumps(RELIEF) not in html
    assert f"{var}.addTo(" in html  # shown by default when added on purpose


def _print(project: Path, out: Path, *extra: str) -> str:
    done = runner.invoke(app, ["print", str(project), str(out), "--dpi", "40", "--paper",
                               "A4", "--extent", "Huyện Cao Lộc", *extra])
    assert done.exit_code == 0, done.output
    return done.stdout


def test_print_hillshade_only_darkens_the_sheet(demo_project: Path, tmp_path: Path) -> None:
    plain, shaded = tmp_path / "plain.png", tmp_path / "shaded.png"
    assert "with hillshade" not in _print(demo_project, plain)
    assert "with hillshade" in _print(demo_project, shaded, "--hillshade")
    a = imread(plain)[..., :3].astype(float).sum(axis=2)
    b = imread(shaded)[..., :3].astype(float).sum(axis=2)
    assert a.shape == b.shape
    changed = np.abs(a - b) > 0.02
    assert changed.mean() > 0.05  # the relief shows on the map
    assert (b[changed] < a[changed]).mean() > 0.98  # and only darkens it
    pdf = tmp_path / "en.pdf"
    _print(demo_project, pdf, "--hillshade", "--lang", "en")
    text = " ".join(page_texts(pdf)[0].split())
    assert f"Relief: {pt.FICTIONAL_NAME} v1 — FICTIONAL" in text


def test_print_hillshade_without_dem_exits_2(no_dem: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.png"
    done = runner.invoke(app, ["print", str(no_dem), str(out), "--hillshade"])
    assert done.exit_code == 2 and "has no DEM" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and not out.exists()


def test_the_app_page_loads_the_relief_from_a_file(demo_master: Path) -> None:
    from maps.shared_data import app_page, inline_shared

    exported = _html(store_map(ProjectStore(demo_master)))
    (png,) = re.findall(r'"(data:image/png;base64,[^"]+)"', exported)
    page = app_page(store_map(ProjectStore(demo_master)))
    assert "data:image/png" not in page.html  # ~100 kB less in the page
    (var,) = _overlays(page.html)
    key = re.search(var + r' = L\.imageOverlay\(\s*window\.kvptData\["([0-9a-f]+)"\]',
                    page.html).group(1)
    (name,) = [n for n, text in page.files.items() if "data:image/png" in text]
    assert key in name and json.dumps(png) in page.files[name]  # the same image
    assert json.dumps(png) in inline_shared(page.html, page.files)
