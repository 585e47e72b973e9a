"""The project map in a real browser (Debian's Chromium), with no network."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page
from test_maps import border, communes, fictional_bases, places

from browser import launch, open_page, page_errors, serve_dir, wait_for_leaflet
from layers.kinds import KINDS
from maps.legend import FICTIONAL_MARK
from maps.offline import STATIC_DIR, standalone_html
from maps.project_map import BASEMAP_GROUP, MapLayer, build_map

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as b:
        yield b


def layers() -> list[MapLayer]:
    return [
        MapLayer("Xã, phường (mẫu)", "admin_unit", communes()),
        MapLayer("Biên giới Việt – Trung", "border", border()),
        MapLayer("Căn cứ chiến đấu", "combat_base", fictional_bases()),
    ]


BASEMAP = [MapLayer("Điểm dân cư", "place", places())]


def feature_count(items: list[MapLayer]) -> int:
    return sum(len(x.gdf) for x in items)


def check_drawn(page: Page) -> None:
    """The layers, legend and popups of the map built from layers() and BASEMAP."""
    wait_for_leaflet(page)
    paths = page.locator(".leaflet-overlay-pane svg path")
    # Leaflet draws one SVG path per feature (polygon, line or circle marker)
    assert paths.count() == feature_count(layers()) + feature_count(BASEMAP)
    legend = page.locator(".kvpt-legend")
    assert legend.is_visible()
    assert legend.locator("details").get_attribute("open") is not None  # a wide map: unfolded
    text = legend.inner_text()
    for key in ("admin_unit", "border", "combat_base", "place"):
        assert KINDS[key].label_vi in text
    assert FICTIONAL_MARK["vi"] in text and BASEMAP_GROUP["vi"] in text
    control = page.locator(".leaflet-control-layers").inner_text()
    assert "Biên giới Việt – Trung" in control and BASEMAP_GROUP["vi"] in control
    # a popup: click inside the last commune (far from the point markers)
    commune = communes().iloc[-1]
    inside = commune.geometry.representative_point()
    x, y = page.evaluate(
        """([lat, lon]) => {
            const map = window[document.querySelector(".folium-map").id];
            const p = map.latLngToContainerPoint([lat, lon]);
            const box = map.getContainer().getBoundingClientRect();
            return [box.left + p.x, box.top + p.y];
        }""",
        [inside.y, inside.x],
    )
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible", timeout=5000)
    assert "Tên" in popup.inner_text() and commune["name"] in popup.inner_text()
    assert page_errors(page) == []


def test_standalone_map_draws_offline(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "map.html").write_text(standalone_html(build_map(layers(), basemap=BASEMAP)),
                                       encoding="utf-8")
    with serve_dir(tmp_path) as base, open_page(browser) as (page, log):
        page.goto(f"{base}/map.html")
        check_drawn(page)
        page.screenshot(path=str(tmp_path / "map.png"))
        assert log.outside_localhost() == []
        assert log.urls == [f"{base}/map.html"]  # everything else is inline
        assert log.bad_responses() == [] and log.failed == []


def test_static_map_loads_vendored_leaflet(browser: Browser, tmp_path: Path) -> None:
    shutil.copytree(STATIC_DIR, tmp_path / "app" / "static")
    m = build_map(layers(), basemap=BASEMAP, assets="static")
    (tmp_path / "index.html").write_text(m.get_root().render(), encoding="utf-8")
    with serve_dir(tmp_path) as base, open_page(browser) as (page, log):
        page.goto(f"{base}/index.html")
        check_drawn(page)
        assert log.outside_localhost() == []
        assert f"{base}/app/static/leaflet/leaflet.js" in log.urls
        assert f"{base}/app/static/leaflet/leaflet.css" in log.urls
        assert log.bad_responses() == [] and log.failed == []
