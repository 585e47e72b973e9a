"""A big layer on the Map page, in a real browser: drawn from vector tiles.

The demo project plus 12,000 generated points (more than BIG_LAYER_FEATURES): the map
page holds none of the points; the browser fetches their tiles from the app's static
files and draws them on canvas; zooming in fetches the tiles of the new zoom; a click on a
point opens its popup (its name, found here by brute force as the only point under the
pointer) and the pointer over it shows its name, as over a square; panning and zooming
never rerun the Streamlit script; the layer control hides and shows the tiles. Nothing
leaves 127.0.0.1, no JavaScript error, no traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from playwright.sync_api import Frame, Page
from test_big_map import project_tile_sets

from browser import launch, open_page, page_errors, serve_app, wait_for_streamlit
from layers.store import NewLayer, ProjectStore
from layers.tiles import MAX_ZOOM
from maps.viewport import BIG_LAYER_FEATURES

pytestmark = pytest.mark.browser

N_POINTS = 12_000
LAYER = "Điểm quan sát (sinh ra)"
AREAS = "Ô vuông (sinh ra)"
SHOTS = Path(os.environ.get("TMPDIR", "/tmp"))
TILE_URL = re.compile(r"/app/static/tiles/\w+/(\d+)/(\d+)/(\d+)\.pbf$")

DRAWN = """() => { let n = 0; for (const g of window.kvptVectorTiles || []) {
    for (const r of Object.values(g.kvptRenderers)) n += Object.keys(r._layers).length; }
    return n; }"""
"""Features drawn on the tiles' canvases now."""

RUNS = """() => { window.__kvptRuns = 0;
    const app = document.querySelector('[data-testid="stApp"]');
    new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running')
        window.__kvptRuns++; }).observe(app, {attributes: true}); }"""
"""Count the Streamlit script's runs from now on (the app's script-state attribute)."""


def points() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(4)
    return gpd.GeoDataFrame({"name": [f"Điểm {i}" for i in range(N_POINTS)]},
                            geometry=shapely.points(rng.uniform(106.2, 107.2, N_POINTS),
                                                    rng.uniform(21.5, 22.3, N_POINTS)),
                            crs="EPSG:4326")


def squares(side: int = 80) -> gpd.GeoDataFrame:
    """side x side squares of 0.01 degree (more than BIG_LAYER_FEATURES), named.

    In Quảng Ninh, beside the demo's Lạng Sơn: no layer of the demo covers them.
    """
    x, y = np.meshgrid(np.arange(side) * 0.01 + 107.5, np.arange(side) * 0.01 + 21.0)
    boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + 0.01, y.ravel() + 0.01)
    return gpd.GeoDataFrame({"name": [f"Ô {i}" for i in range(side * side)]},
                            geometry=boxes, crs="EPSG:4326")


def click_at(frame: Frame, name: str, lon: float, lat: float) -> str:
    """Click the map at (lon, lat) and return the text of the popup that opens."""
    xy = frame.evaluate(f"() => {name}.latLngToContainerPoint([{lat}, {lon}])")
    frame.locator(".leaflet-container").first.click(position={"x": xy["x"], "y": xy["y"]})
    popup = frame.locator(".leaflet-popup-content")
    popup.wait_for(timeout=10_000)
    return popup.inner_text()


def hover_at(frame: Frame, name: str, lon: float, lat: float) -> str:
    """Move the pointer to (lon, lat) on the map and return the tooltip's text."""
    xy = frame.evaluate(f"() => {name}.latLngToContainerPoint([{lat}, {lon}])")
    box = frame.locator(".leaflet-container").first
    box.hover(position={"x": xy["x"] + 30, "y": xy["y"] + 30})  # a move, then onto it
    box.hover(position={"x": xy["x"], "y": xy["y"]})
    tip = frame.locator(".leaflet-tooltip")
    tip.wait_for(timeout=10_000)
    return tip.inner_text()


def map_frame(page: Page) -> Frame:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in page.frames:
            if frame == page.main_frame or frame.is_detached():
                continue
            try:
                if frame.evaluate("() => (window.kvptVectorTiles || []).length > 0"):
                    return frame
            except Exception:  # noqa: BLE001 - a frame being replaced
                pass
        page.wait_for_timeout(200)
    raise AssertionError("no map with vector tiles on the page")


def leaflet_map(frame: Frame) -> str:
    """The JavaScript name of the frame's map."""
    return frame.evaluate("() => Object.keys(window).find(k => /^map_[0-9a-f]+$/.test(k))")


def tiles_fetched(urls: list[str]) -> set[tuple[int, int, int]]:
    return {tuple(int(v) for v in m.groups()) for u in urls if (m := TILE_URL.search(u))}


@pytest.fixture
def new_tile_sets(demo_project: Path) -> Iterator[None]:
    """Remove the test project's tile sets from the checkout's static/tiles/ at the end."""
    yield
    for path in project_tile_sets(demo_project):  # only this project's: tests run in parallel
        shutil.rmtree(path, ignore_errors=True)


def test_a_big_layer_is_drawn_from_vector_tiles(demo_project: Path, new_tile_sets: None
                                                ) -> None:
    assert N_POINTS > BIG_LAYER_FEATURES
    pts, cells = points(), squares()
    assert len(cells) > BIG_LAYER_FEATURES
    ProjectStore(demo_project).add_layer(NewLayer(pts, LAYER, "high_point"))
    ProjectStore(demo_project).add_layer(NewLayer(cells, AREAS, "admin_unit"))
    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1200) as (page, log):
        page.goto(url)
        wait_for_streamlit(page, timeout=120_000)
        frame = map_frame(page)
        name = leaflet_map(frame)
        frame.wait_for_function(f"() => ({DRAWN})() > 100", timeout=60_000)
        page.screenshot(path=str(SHOTS / "kvpt_big_map_far.png"))
        html = frame.content()
        assert "Điểm 11999" not in html and "Điểm 0" not in html  # the points come in tiles
        first = tiles_fetched(log.urls)
        assert first and all(z <= MAX_ZOOM for z, _, _ in first)
        assert all(log.statuses.get(u) in (200, 304, 404) for u in log.urls
                   if TILE_URL.search(u))  # 404: no point in that tile
        page.evaluate(RUNS)
        # zoom in on one point, isolated here by brute force: the tiles of the new zoom come
        mercator = pts.to_crs("EPSG:3857").geometry
        target = int(np.argmax([np.sort(mercator.distance(g).to_numpy())[1]
                                for g in mercator.iloc[:50]]))
        gaps = np.sort(mercator.distance(mercator.iloc[target]).to_numpy())
        assert gaps[1] > 60  # no other point within 60 m (~14 px at zoom 15)
        p = pts.geometry.iloc[target]
        frame.evaluate(f"() => {{ {name}.setView([{p.y}, {p.x}], 15, {{animate: false}}); }}")
        frame.wait_for_function(
            """() => window.kvptVectorTiles.some(g => Object.values(g.kvptRenderers)
                .some(r => r._tileCoord && r._tileCoord.z === 15
                      && Object.keys(r._layers).length > 0))""", timeout=60_000)
        deeper = tiles_fetched(log.urls) - first
        assert any(z == MAX_ZOOM for z, _, _ in deeper)  # the deepest tiles, cut at MAX_ZOOM
        # a click on the point opens its popup, with its name
        assert pts["name"].iloc[target] in click_at(frame, name, p.x, p.y)
        frame.evaluate(f"() => {{ {name}.closePopup(); }}")
        assert hover_at(frame, name, p.x, p.y) == pts["name"].iloc[target]  # its name
        page.screenshot(path=str(SHOTS / "kvpt_big_map_popup.png"))
        # a click in a square opens the square's popup (areas are drawn under the other
        # layers and answer a click that no other layer takes: none covers the squares)
        cell = 3240
        c = cells.geometry.iloc[cell].centroid
        frame.evaluate(f"() => {{ {name}.closePopup(); "
                       f"{name}.setView([{c.y}, {c.x}], 14, {{animate: false}}); }}")
        frame.wait_for_function(
            "() => window.kvptVectorTiles.every(g => g._noTilesToLoad())", timeout=30_000)
        assert cells["name"].iloc[cell] in click_at(frame, name, c.x, c.y)
        frame.evaluate(f"() => {{ {name}.closePopup(); }}")
        assert hover_at(frame, name, c.x, c.y) == cells["name"].iloc[cell]
        # pan: new tiles, drawn, and the Streamlit script never ran
        frame.evaluate("() => { window.__kvptBefore = new Set(window.kvptVectorTiles.flatMap("
                       "g => Object.keys(g.kvptRenderers))); }")
        frame.evaluate(f"() => {{ {name}.panBy([600, 0], {{animate: false}}); }}")
        frame.wait_for_function(  # tiles of the new view, drawn
            """() => window.kvptVectorTiles.some(g => Object.entries(g.kvptRenderers).some(
                ([k, r]) => !window.__kvptBefore.has(k) && Object.keys(r._layers).length))""",
            timeout=30_000)
        page.wait_for_timeout(1_000)
        assert page.evaluate("() => window.__kvptRuns") == 0
        # the layer control's entry hides and shows the tiles
        entry = frame.locator(".leaflet-control-layers-overlays label", has_text=LAYER)
        entry.locator("input").evaluate("el => el.click()")
        frame.wait_for_function("() => window.kvptVectorTiles.filter(g => g._map).length "
                                "=== 1", timeout=10_000)
        entry.locator("input").evaluate("el => el.click()")
        frame.wait_for_function("() => window.kvptVectorTiles.every(g => g._map)",
                                timeout=10_000)
        main = page.get_by_test_id("stMain")
        assert page.query_selector('[data-testid="stException"]') is None
        assert "Traceback" not in main.inner_text()
        assert page_errors(page) == []
        assert log.outside_localhost() == []
