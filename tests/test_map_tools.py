"""maps.tools: pointer readout, drawing toolbar and measure readout, offline, in Chromium."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import folium
import pytest
from playwright.sync_api import Browser, Page
from shapely.geometry import shape
from test_maps import border, communes, fictional_bases

from browser import launch, open_page, page_errors, serve_dir, wait_for_leaflet
from geo import measure
from maps.offline import STATIC_DIR, STATIC_URL, external_urls, standalone_html, use_local_assets
from maps.project_map import MapLayer, build_map
from maps.tools import DRAW_TEXTS, TEXTS, add_tools, drawn_items_js, pointer_text

MAP_JS = "window[document.querySelector('.folium-map').id]"


def tool_map(lang: str = "vi") -> tuple[folium.Map, folium.plugins.Draw]:
    m = folium.Map(location=[21.85, 106.75], zoom_start=11, tiles=None)
    add_tools(m, lang=lang)
    return m, the_draw(m)


def the_draw(m: folium.Map) -> folium.plugins.Draw:
    return next(c for c in m._children.values() if isinstance(c, folium.plugins.Draw))


def scripts(html: str) -> list[str]:
    return re.findall(r"<script\b[^>]*\bsrc=\"([^\"]+)\"", html)


# ---------------------------------------------------------------- page content
def test_static_page_loads_vendored_leaflet_draw_after_leaflet() -> None:
    m, _ = tool_map()
    use_local_assets(m, mode="static")
    html = m.get_root().render()
    assert external_urls(html) == []
    assert scripts(html) == [f"{STATIC_URL}/leaflet/leaflet.js",
                             f"{STATIC_URL}/leaflet-draw/leaflet.draw.js"]
    links = re.findall(r"<link\b[^>]*\bhref=\"([^\"]+)\"", html)
    assert f"{STATIC_URL}/leaflet-draw/leaflet.draw.css" in links
    for url in [*scripts(html), *links]:
        assert (STATIC_DIR / url.removeprefix(f"{STATIC_URL}/")).is_file(), url
    css = (STATIC_DIR / "leaflet-draw" / "leaflet.draw.css").read_text(encoding="utf-8")
    for image in set(re.findall(r"url\('(images/[^']+)'\)", css)):
        assert (STATIC_DIR / "leaflet-draw" / image).is_file(), image
    assert (STATIC_DIR / "leaflet-draw" / "LICENSE").read_text().startswith("Copyright")


def test_inline_page_is_self_contained() -> None:
    m, _ = tool_map()
    html = standalone_html(m)
    assert external_urls(html) == []
    assert STATIC_URL not in html and "<script src" not in html
    assert "url(images/" not in html and "url('images/" not in html
    assert "data:image/svg+xml;base64," in html  # the toolbar's sprite
    js = (STATIC_DIR / "leaflet-draw" / "leaflet.draw.js").read_text(encoding="utf-8")
    assert js[200:2000] in html


def test_maps_without_tools_do_not_load_leaflet_draw() -> None:
    plain = folium.Map(tiles=None)
    use_local_assets(plain, mode="static")
    assert "leaflet-draw" not in plain.get_root().render()
    assert "L.drawLocal" not in standalone_html(folium.Map(tiles=None))


def test_tools_on_the_project_map_in_both_modes() -> None:
    m = build_map([MapLayer("Xã, phường (mẫu)", "admin_unit", communes())])  # static
    add_tools(m, lang="en")
    use_local_assets(m, mode="static")
    html = m.get_root().render()
    assert f"{STATIC_URL}/leaflet-draw/leaflet.draw.js" in scripts(html)
    inline = standalone_html(m)
    assert external_urls(inline) == [] and "L.Control.Draw" in inline
    use_local_assets(m, mode="static")  # back again: the plugin's assets are remembered
    assert f"{STATIC_URL}/leaflet-draw/leaflet.draw.js" in scripts(m.get_root().render())


def in_script(text: str) -> str:
    """``text`` as the page's scripts hold it (JSON, non-ASCII escaped)."""
    return json.dumps(text)[1:-1]


def test_texts_follow_the_language() -> None:
    vi = standalone_html(tool_map("vi")[0])
    assert in_script(DRAW_TEXTS["vi"]["draw"]["toolbar"]["buttons"]["polygon"]) in vi
    assert in_script(TEXTS["vi"]["hint"]) in vi
    en = standalone_html(tool_map("en")[0])
    assert in_script(TEXTS["en"]["hint"]) in en and in_script(TEXTS["vi"]["hint"]) not in en
    with pytest.raises(ValueError, match="Unknown language 'fr'"):
        add_tools(folium.Map(tiles=None), lang="fr")


# ---------------------------------------------------------------- in the browser
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launch() as b:
        yield b


def click(page: Page, x: float, y: float) -> None:
    """A click Leaflet.draw takes as a vertex (a pointer move first, then down and up)."""
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.up()
    page.wait_for_timeout(60)


def lon_lat_at(page: Page, x: float, y: float) -> tuple[float, float]:
    lat, lng = page.evaluate(
        f"""([x, y]) => {{ const map = {MAP_JS};
            const box = map.getContainer().getBoundingClientRect();
            const p = map.containerPointToLatLng([x - box.left, y - box.top]);
            return [p.lat, p.lng]; }}""", [x, y])
    return lng, lat


def drawn(page: Page, draw: folium.plugins.Draw) -> list[dict]:
    return page.evaluate(f"{drawn_items_js(draw)}.toGeoJSON().features")


def readout_number(page: Page, name: str) -> float:
    return float(page.locator(".kvpt-measure").get_attribute(f"data-{name}"))


@pytest.mark.browser
def test_draw_measure_and_pointer_offline(browser: Browser, tmp_path: Path) -> None:
    m, draw = tool_map("vi")
    (tmp_path / "map.html").write_text(standalone_html(m), encoding="utf-8")
    with serve_dir(tmp_path) as base, open_page(browser) as (page, log):
        page.goto(f"{base}/map.html")
        wait_for_leaflet(page)
        # the toolbar: line, polygon, rectangle, point; then edit and delete
        titles = page.locator(".leaflet-draw-toolbar a").evaluate_all(
            "links => links.map(a => a.title)")
        buttons = DRAW_TEXTS["vi"]["draw"]["toolbar"]["buttons"]
        assert titles[:4] == [buttons[k] for k in ("polyline", "polygon", "rectangle",
                                                   "circlemarker")]
        assert page.locator(".leaflet-draw-draw-polygon").is_visible()

        # the pointer readout
        pointer = page.locator(".kvpt-pointer")
        assert pointer.text_content() == TEXTS["vi"]["hint"]
        page.mouse.move(613, 407)
        lat = float(pointer.get_attribute("data-lat"))
        lng = float(pointer.get_attribute("data-lng"))
        assert (lng, lat) == pytest.approx(lon_lat_at(page, 613, 407), abs=1e-9)
        assert pointer.text_content() == pointer_text(lng, lat)

        # a polygon by clicks, closed on its first corner
        corners = [(480, 300), (720, 320), (700, 520), (500, 500)]
        page.locator(".leaflet-draw-draw-polygon").click()
        for x, y in [*corners, corners[0]]:
            click(page, x, y)
        (feature,) = drawn(page, draw)
        assert feature["geometry"]["type"] == "Polygon"
        ring = feature["geometry"]["coordinates"][0]
        assert len(ring) == 5 and ring[0] == ring[-1]
        for (x, y), (lon, lat) in zip(corners, ring, strict=False):
            assert (lon, lat) == pytest.approx(lon_lat_at(page, x, y), abs=1e-5)
        found = measure.measure(feature)
        assert readout_number(page, "area-m2") == pytest.approx(found.area_m2, rel=0.002)
        assert readout_number(page, "perimeter-m") == pytest.approx(found.perimeter_m, rel=0.002)
        text = page.locator(".kvpt-measure").text_content()
        assert text.startswith(TEXTS["vi"]["area"]) and "km²" in text

        # a line, finished on its last point
        page.locator(".leaflet-draw-draw-polyline").click()
        for x, y in [(300, 300), (400, 350), (450, 600), (450, 600)]:
            click(page, x, y)
        line = drawn(page, draw)[-1]
        assert line["geometry"]["type"] == "LineString"
        assert len(line["geometry"]["coordinates"]) == 3
        length = measure.length_m(line)
        assert readout_number(page, "length-m") == pytest.approx(length, rel=0.002)
        assert page.locator(".kvpt-measure").text_content().startswith(TEXTS["vi"]["length"])

        # a point
        page.locator(".leaflet-draw-draw-circlemarker").click()
        click(page, 800, 200)
        point = drawn(page, draw)[-1]
        assert shape(point["geometry"]).geom_type == "Point"
        assert len(drawn(page, draw)) == 3

        page.screenshot(path=str(tmp_path / "tools.png"))
        assert page_errors(page) == []
        assert log.outside_localhost() == []
        assert log.urls == [f"{base}/map.html"]  # everything else is inline


@pytest.mark.browser
def test_pointer_dms_in_the_browser_matches_python(browser: Browser, tmp_path: Path) -> None:
    m, _ = tool_map("en")
    (tmp_path / "map.html").write_text(standalone_html(m), encoding="utf-8")
    points = [(106.75, 21.85), (106.0, 21.9999999), (107.0000001, 22.5), (105.123456, 8.7),
              (-0.5, -0.25), (114.35, 8.64), (106.7504166, 21.8534722)]
    with serve_dir(tmp_path) as base, open_page(browser) as (page, _log):
        page.goto(f"{base}/map.html")
        wait_for_leaflet(page)
        for lon, lat in points:
            shown = page.evaluate(
                f"""([lat, lng]) => {{ const map = {MAP_JS};
                    map.fire("mousemove", {{latlng: L.latLng(lat, lng)}});
                    return document.querySelector(".kvpt-pointer").textContent; }}""",
                [lat, lon])
            assert shown == pointer_text(lon, lat), (lon, lat)


@pytest.mark.browser
def test_tools_over_the_project_map_served_static(browser: Browser, tmp_path: Path) -> None:
    """The app's way: /app/static files, the tools over the styled layers."""
    shutil.copytree(STATIC_DIR, tmp_path / "app" / "static")
    layers = [MapLayer("Xã, phường (mẫu)", "admin_unit", communes()),
              MapLayer("Biên giới Việt – Trung", "border", border()),
              MapLayer("Căn cứ chiến đấu", "combat_base", fictional_bases())]
    m = build_map(layers, assets="static")
    add_tools(m, lang="en")
    use_local_assets(m, mode="static")
    draw = the_draw(m)
    (tmp_path / "index.html").write_text(m.get_root().render(), encoding="utf-8")
    with serve_dir(tmp_path) as base, open_page(browser) as (page, log):
        page.goto(f"{base}/index.html")
        wait_for_leaflet(page)
        assert page.locator(".leaflet-draw-draw-polyline").get_attribute("title") == \
            DRAW_TEXTS["en"]["draw"]["toolbar"]["buttons"]["polyline"]
        page.locator(".leaflet-draw-draw-polygon").click()
        corners = [(520, 330), (640, 330), (640, 450)]  # over the communes
        for x, y in [*corners, corners[0]]:
            click(page, x, y)
        (feature,) = drawn(page, draw)
        assert feature["geometry"]["type"] == "Polygon"
        assert page.locator(".leaflet-popup-content").count() == 0  # no popup opened
        page.mouse.move(300, 300)
        assert re.fullmatch(r"[\d.]+, [\d.]+  \|  \d+°\d\d'\d\d\.\d\"N \d+°\d\d'\d\d\.\d\"E",
                            page.locator(".kvpt-pointer").text_content())
        assert f"{base}/app/static/leaflet-draw/leaflet.draw.js" in log.urls
        assert f"{base}/app/static/leaflet-draw/images/spritesheet.svg" in log.urls
        assert log.outside_localhost() == []
        assert log.bad_responses() == [] and log.failed == []
        assert page_errors(page) == []
