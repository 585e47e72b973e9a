"""The project map in a real browser (Debian's Chromium), with no network."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Browser, Page
from test_maps import border, communes, fictional_bases, places

from browser import launch, open_page, page_errors, serve_dir, wait_for_leaflet
from layers.basemap import real_layer
from layers.kinds import KINDS
from maps.legend import FICTIONAL_MARK
from maps.offline import STATIC_DIR, standalone_html
from maps.project import basemap_layers
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


# ---------------------------------------------------------------- legibility
PROVINCE = "Tỉnh Lạng Sơn"

MAP_JS = "window[document.querySelector('.folium-map').id]"

VISIBLE_LABELS_JS = """cls => Array.from(document.querySelectorAll(`.kvpt-label-${cls} span`))
    .filter(el => getComputedStyle(el).visibility !== "hidden")
    .filter(el => { const r = el.getBoundingClientRect();
                    return r.right > 0 && r.bottom > 0 && r.left < innerWidth &&
                           r.top < innerHeight; })
    .map(el => el.textContent)"""

SCREEN_BOX_JS = """([south, west, north, east]) => {
    const map = __MAP__, frame = map.getContainer().getBoundingClientRect();
    const nw = map.latLngToContainerPoint([north, west]);
    const se = map.latLngToContainerPoint([south, east]);
    return {left: frame.left + nw.x, top: frame.top + nw.y,
            right: frame.left + se.x, bottom: frame.top + se.y};
}""".replace("__MAP__", MAP_JS)


def legible_layers() -> list[MapLayer]:
    """Province, districts and communes (three layers of one kind), border, bases, places."""
    return [
        MapLayer(PROVINCE, "admin_unit", real_layer("province").assign(name=PROVINCE),
                 attribution="dvhcvn (Đào Hoàng Sơn, GPL-3.0)"),
        MapLayer("Huyện, thành phố", "admin_unit", real_layer("districts")),
        MapLayer("Xã, phường (mẫu)", "admin_unit", communes()),
        MapLayer("Biên giới Việt – Trung", "border", border()),
        MapLayer("Căn cứ chiến đấu", "combat_base", fictional_bases()),
        MapLayer("Điểm dân cư", "place", places()),
    ]


def overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and \
        a["top"] < b["bottom"] and b["top"] < a["bottom"]


@pytest.mark.parametrize(("width", "height"), [(1200, 800), (760, 560)])
def test_map_is_legible(browser: Browser, tmp_path: Path, width: int, height: int) -> None:
    m = build_map(legible_layers(), basemap=basemap_layers(),
                  title=f"Bản đồ khu vực phòng thủ – {PROVINCE}")
    (tmp_path / "map.html").write_text(standalone_html(m), encoding="utf-8")
    with serve_dir(tmp_path) as base, \
            open_page(browser, width=width, height=height) as (page, log):
        page.goto(f"{base}/map.html")
        wait_for_leaflet(page)
        page.screenshot(path=str(tmp_path / "overview.png"))
        # a metric scale bar only: one line, in m or km
        lines = page.locator(".leaflet-control-scale-line")
        assert lines.count() == 1
        assert re.fullmatch(r"\d+ (m|km)", lines.first.inner_text().strip())
        assert not re.search(r"\b(mi|ft)\b", page.locator(".leaflet-control-scale").inner_text())
        # the data's sources, no "Leaflet" flag
        attribution = page.locator(".leaflet-control-attribution")
        assert "Leaflet" not in attribution.inner_text()
        assert attribution.locator("a").count() == 0
        assert "Natural Earth" in attribution.inner_text()
        assert "dvhcvn" in attribution.inner_text()

        # the province overview: no commune or place labels yet
        overview = page.evaluate(f"{MAP_JS}.getZoom()")
        assert overview < 10
        assert page.evaluate(VISIBLE_LABELS_JS, "commune") == []
        assert page.evaluate(VISIBLE_LABELS_JS, "place") == []
        # the legend sits beside the province, not on it (or opens folded)
        south_west_north_east = province_box()
        province = page.evaluate(SCREEN_BOX_JS, south_west_north_east)
        legend = page.locator(".kvpt-legend")
        unfolded = legend.locator("details").get_attribute("open") is not None
        if width >= 1200:
            assert unfolded  # room enough beside the data
        if unfolded:
            assert not overlaps(to_box(legend.bounding_box()), province)
        else:
            assert not legend.locator(".kvpt-entry").first.is_visible()
            assert legend.bounding_box()["width"] < 160
        assert not overlaps(to_box(page.locator(".kvpt-title").bounding_box()), province)

        # zoomed in on a commune: its name shows, with the district's
        commune = communes().to_crs(3405).iloc[3]
        inside = gpd.GeoSeries([commune.geometry.representative_point()], crs=3405) \
            .to_crs(4326).iloc[0]
        # a block body: returning the map would have Playwright serialize all of it
        page.evaluate(f"([y, x]) => {{ {MAP_JS}.setView([y, x], 12, {{animate: false}}); }}",
                      [inside.y, inside.x])
        wait_for_leaflet(page)
        shown = page.evaluate(VISIBLE_LABELS_JS, "commune")
        assert shown and set(shown) <= set(communes()["name"])
        assert page.evaluate(VISIBLE_LABELS_JS, "district")
        page.screenshot(path=str(tmp_path / "zoomed.png"))
        # hiding the communes hides their labels
        page.locator(".leaflet-control-layers").hover()
        page.get_by_label("Xã, phường (mẫu)").uncheck()
        assert page.evaluate(VISIBLE_LABELS_JS, "commune") == []
        # back out: no commune labels
        page.evaluate(f"() => {{ {MAP_JS}.setZoom({overview}, {{animate: false}}); }}")
        wait_for_leaflet(page)
        assert page.evaluate(VISIBLE_LABELS_JS, "commune") == []

        assert page_errors(page) == []
        assert log.outside_localhost() == [] and log.failed == []


def province_box() -> list[float]:
    west, south, east, north = real_layer("province").total_bounds
    return [float(south), float(west), float(north), float(east)]


def to_box(rect: dict) -> dict:
    return {"left": rect["x"], "top": rect["y"], "right": rect["x"] + rect["width"],
            "bottom": rect["y"] + rect["height"]}


def test_layers_drawn_once_at_the_fitted_view(browser: Browser, tmp_path: Path) -> None:
    """The map loads at its fitted view: each path is drawn once (issue #8)."""
    hidden = MapLayer("Điểm ẩn", "place", places(), show=False)
    m = build_map([*layers(), hidden], title="Bản đồ")
    html = standalone_html(m).replace(  # count Leaflet's path updates, once it is loaded
        "</head>", "<script>window.kvptDraws = 0; const u = L.SVG.prototype._updatePoly; "
        "L.SVG.prototype._updatePoly = function (...a) { window.kvptDraws++; "
        "return u.apply(this, a); };</script></head>", 1)
    (tmp_path / "map.html").write_text(html, encoding="utf-8")
    with serve_dir(tmp_path) as base, open_page(browser) as (page, _):
        page.goto(f"{base}/map.html")
        wait_for_leaflet(page)
        polys = page.locator(".leaflet-overlay-pane svg path").count() - \
            len(fictional_bases())  # circle markers are not polygons
        assert page.evaluate("window.kvptDraws") == polys  # once each, not twice
        assert page.evaluate(f"{MAP_JS}.getZoom()") > 8  # fitted, not the first guess
        # a layer hidden at opening stays hidden until checked
        assert page.locator(".leaflet-overlay-pane svg path").count() == \
            feature_count(layers())
        page.locator(".leaflet-control-layers").hover()
        page.get_by_label("Điểm ẩn").check()
        assert page.locator(".leaflet-overlay-pane svg path").count() == \
            feature_count(layers()) + len(places())
        assert page.locator(".kvpt-title").is_visible()
        assert page_errors(page) == []
