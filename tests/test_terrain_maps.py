"""maps.hillshade: the relief overlay of the web map and of print sheets (offline)."""

from __future__ import annotations

import base64
import io
import math
import re
from pathlib import Path

import folium
import geopandas as gpd
import numpy as np
import pyproj
import pytest
from matplotlib.image import AxesImage, imread
from shapely.geometry import Point

from geo import terrain
from geo.terrain import Grid
from maps import hillshade
from maps.offline import standalone_html
from maps.print_layout import SheetSpec, build_sheet
from maps.styling import MapLayer

CRS = "EPSG:3405"


def hill(n: int = 120, cell: float = 100.0) -> Grid:
    """A gaussian hill of 600 m on a 200 m plain, near Lạng Sơn (EPSG:3405)."""
    x0, y0 = 700000.0, 2420000.0
    xs = x0 + (np.arange(n) + 0.5) * cell
    ys = y0 - (np.arange(n) + 0.5) * cell
    gx, gy = np.meshgrid(xs, ys)
    mid_x, mid_y = x0 + n * cell / 2, y0 - n * cell / 2
    z = 200 + 600 * np.exp(-((gx - mid_x) ** 2 + (gy - mid_y) ** 2) / (2 * 1500.0 ** 2))
    return Grid(z, x0, y0, cell, CRS)


def test_shade_is_clear_on_flat_ground_and_dark_away_from_the_light() -> None:
    flat = Grid(np.full((5, 5), 300.0), 0.0, 50.0, 10.0, CRS)
    assert (hillshade.shade_rgba(flat)[..., 3] == 0).all()
    # a plane rising to the north-west (z grows as x falls and y grows) faces south-east,
    # away from the light at 315°: shade s from geo.terrain, alpha = STRENGTH (f - s) / f
    xs = (np.arange(5) + 0.5) * 10.0
    gx, gy = np.meshgrid(xs, xs[::-1])
    away = Grid(300.0 - 0.3 * gx + 0.3 * gy, 0.0, 50.0, 10.0, CRS)
    s = float(terrain.hillshade(away)[2, 2])
    f = 255 * math.sin(math.radians(45))
    rgba = hillshade.shade_rgba(away)
    assert s < f
    assert rgba[..., 3] == pytest.approx(round(255 * hillshade.STRENGTH * (f - s) / f), abs=1)
    assert (rgba[..., :3] == 0).all()


def test_web_overlay_is_embedded_and_lies_on_the_grid() -> None:
    grid = hill()
    fmap = folium.Map(location=[21.8, 106.9], zoom_start=10, tiles=None)
    overlay = hillshade.add_to_map(fmap, grid, name="Địa hình")
    html = fmap.get_root().render()
    assert "data:image/png;base64," in html and hillshade.PANE in html
    # the overlay's bounds are the grid's corners in degrees (pyproj), to a few metres
    to_ll = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    minx, miny, maxx, maxy = grid.bounds
    lons, lats = to_ll.transform([minx, maxx, minx, maxx], [miny, miny, maxy, maxy])
    (south, west), (north, east) = overlay.bounds
    assert west == pytest.approx(min(lons), abs=2e-3) and east == pytest.approx(max(lons),
                                                                                  abs=2e-3)
    assert south == pytest.approx(min(lats), abs=2e-3) and north == pytest.approx(max(lats),
                                                                                    abs=2e-3)
    data = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)", html).group(1)
    image = imread(io.BytesIO(base64.b64decode(data)))
    assert image.shape[2] == 4
    alpha = image[..., 3]
    f = 255 * math.sin(math.radians(45))
    darkest = hillshade.STRENGTH * (f - terrain.hillshade(grid).min()) / f
    assert alpha.max() == pytest.approx(darkest, abs=0.02)  # resampled: about the same
    assert (alpha == 0).mean() > 0.3  # the plain and the lit flank stay clear
    # the south-east flank (lower right of the image) is the shaded one
    h, w = alpha.shape
    assert alpha[h // 2:, w // 2:].sum() > 5 * alpha[:h // 2, :w // 2].sum()


def test_print_sheet_gets_the_relief_between_basemap_and_layers() -> None:
    grid = hill()
    to_ll = pyproj.Transformer.from_crs(CRS, "EPSG:4326", always_xy=True)
    lon, lat = to_ll.transform(706000.0, 2414000.0)
    layer = MapLayer("Trận địa (giả định)", "air_defense",
                     gpd.GeoDataFrame({"name": ["PK"]}, geometry=[Point(lon, lat)],
                                      crs="EPSG:4326"))
    minx, miny, maxx, maxy = grid.bounds
    lons, lats = to_ll.transform([minx, maxx], [miny, maxy])
    sheet = build_sheet([layer], SheetSpec(title="T", extent=(lons[0], lats[0], lons[1],
                                                              lats[1])))
    box = sheet.frame.box
    ax = hillshade.add_to_sheet(sheet, grid, label="Địa hình: DEM (giả định)")
    assert (ax.get_xlim(), ax.get_ylim()) == ((box[0], box[2]), (box[1], box[3]))
    images = [a for a in ax.get_children() if isinstance(a, AxesImage)]
    assert len(images) == 1
    assert images[0].get_extent() == [minx, maxx, miny, maxy]
    assert images[0].get_zorder() == 2  # above the muted basemap (1), below layers (3+)
    assert np.array_equal(images[0].get_array(), hillshade.shade_rgba(grid))
    assert any(t.get_text() == "Địa hình: DEM (giả định)" for t in ax.texts)


@pytest.mark.browser
def test_terrain_map_in_a_browser_shows_the_relief_offline(tmp_path: Path) -> None:
    from browser import launch, open_page, serve_dir, wait_for_leaflet

    grid = hill()
    fmap = folium.Map(location=[21.8, 106.9], zoom_start=10, tiles=None)
    folium.LayerControl(collapsed=False).add_to(fmap)  # built maps have one already
    hillshade.add_to_map(fmap, grid, name="Địa hình")
    seen = gpd.GeoDataFrame(geometry=[Point(106.9, 21.8).buffer(0.02)], crs="EPSG:4326")
    hillshade.add_layer(fmap, folium.GeoJson(seen.to_json(), name="Vùng nhìn thấy"))
    (tmp_path / "map.html").write_text(standalone_html(fmap), encoding="utf-8")
    with launch() as browser, serve_dir(tmp_path) as url, open_page(browser) as (page, log):
        page.goto(f"{url}/map.html")
        wait_for_leaflet(page)
        image = page.locator(f".leaflet-{hillshade.PANE}-pane img.leaflet-image-layer")
        image.wait_for(state="attached")
        size = image.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
        assert size[0] and size[1] > 50 and size[2] > 50
        z_index = page.locator(f".leaflet-{hillshade.PANE}-pane").evaluate(
            "el => getComputedStyle(el).zIndex")
        assert z_index == "350"
        control = page.locator(".leaflet-control-layers").inner_text()
        assert "Địa hình" in control and "Vùng nhìn thấy" in control
        assert page.locator(".leaflet-overlay-pane svg path").count() == 1
        assert log.outside_localhost() == [] and log.page_errors == []
