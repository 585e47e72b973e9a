"""A big layer on the Map page, in a real browser: its features sent by view.

The demo project plus 12,000 generated points (more than BIG_LAYER_FEATURES): the map
opens with the points grouped; zooming in on a few of them reruns the map's fragment,
which sends the points of the new view one by one into the same map (not loaded again).
Nothing leaves 127.0.0.1, no JavaScript error, no traceback.
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from playwright.sync_api import Frame, Page

from browser import launch, open_page, page_errors, serve_app, wait_for_streamlit
from layers.store import NewLayer, ProjectStore
from maps.viewport import BIG_LAYER_FEATURES

pytestmark = pytest.mark.browser

N_POINTS = 12_000
LAYER = "Điểm quan sát (sinh ra)"

DRAWN = """() => { let markers = 0, groups = 0;
    window.map.eachLayer(l => { if (l instanceof L.CircleMarker) {
        if (l.feature && l.feature.properties && 'count' in l.feature.properties) groups++;
        else markers++; } });
    return [markers, groups]; }"""
"""Circle markers on the map: single points and groups (which carry a count)."""


def points() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(4)
    return gpd.GeoDataFrame({"name": [f"Điểm {i}" for i in range(N_POINTS)]},
                            geometry=shapely.points(rng.uniform(106.2, 107.2, N_POINTS),
                                                    rng.uniform(21.5, 22.3, N_POINTS)),
                            crs="EPSG:4326")


def map_frame(page: Page) -> Frame:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for frame in page.frames:
            if "streamlit_folium" in frame.url and not frame.is_detached():
                try:
                    if frame.evaluate("() => !!(window.map && window.map.getCenter)"):
                        return frame
                except Exception:  # noqa: BLE001 - a frame being replaced
                    pass
        page.wait_for_timeout(200)
    raise AssertionError("no map on the page")


def drawn(frame: Frame) -> tuple[int, int]:
    markers, groups = frame.evaluate(DRAWN)
    return markers, groups


def test_a_big_layer_is_drawn_by_view(demo_project: Path) -> None:
    assert N_POINTS > BIG_LAYER_FEATURES
    pts = points()
    ProjectStore(demo_project).add_layer(NewLayer(pts, LAYER, "high_point"))
    with serve_app(demo_project) as url, launch() as browser, \
            open_page(browser, width=1400, height=1200) as (page, log):
        page.goto(url)
        wait_for_streamlit(page)
        frame = map_frame(page)
        frame.wait_for_function(f"() => ({DRAWN})()[1] > 0", timeout=60_000)
        markers, groups = drawn(frame)
        assert groups > 0
        main = page.get_by_test_id("stMain")
        assert "vòng tròn" in main.inner_text()  # the caption says the points are grouped
        frame.evaluate("() => { window.__kvptSameMap = true; }")
        # zoom in on one point: the few points in view come one by one
        target = pts.geometry.iloc[0]
        frame.evaluate(f"() => window.map.setView([{target.y}, {target.x}], 15)")
        frame.wait_for_function(f"() => ({DRAWN})()[1] === 0 && ({DRAWN})()[0] > 0",
                                timeout=60_000)
        # single markers only come from the server for the new view (the first had groups)
        markers, _ = drawn(frame)
        box = frame.evaluate("() => { const b = window.map.getBounds(); "
                             "return [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]; }")
        dx, dy = (box[2] - box[0]) * 0.25, (box[3] - box[1]) * 0.25
        padded = shapely.box(box[0] - dx, box[1] - dy, box[2] + dx, box[3] + dy)
        expected = int(pts.intersects(padded).sum())
        demo_points = markers - expected  # the demo's own point layers are drawn whole
        assert expected >= 1 and demo_points >= 0
        assert frame.evaluate("() => window.__kvptSameMap === true")  # the same map
        assert page.query_selector('[data-testid="stException"]') is None
        assert "Traceback" not in main.inner_text()
        assert page_errors(page) == []
        assert log.outside_localhost() == []
