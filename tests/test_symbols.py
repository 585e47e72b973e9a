"""Point symbols per layer kind (:mod:`maps.symbols`), for prints and the web map."""

from __future__ import annotations

import base64
import json
import re
import xml.etree.ElementTree as ET
from html import unescape as html_unescape
from pathlib import Path

import folium
import pytest
from test_maps import fictional_bases

from layers.kinds import KINDS, POINT, Style
from layers.store import NewLayer, ProjectStore
from maps.offline import standalone_html
from maps.project import store_map
from maps.project_map import MapLayer, build_map
from maps.qgis_project import PX_MM, store_qgis_project
from maps.symbols import (
    DEFAULT_SYMBOL,
    ROLES,
    SYMBOLS,
    marker_paths,
    part_colours,
    point_kinds,
    svg_symbol,
    symbol_for,
)


def test_every_kind_that_holds_points_has_its_own_symbol() -> None:
    kinds = point_kinds()
    assert {"combat_base", "rear_base", "logistics_base", "air_defense", "enterprise",
            "relocation_site", "high_point"} <= set(kinds)
    assert all(KINDS[k].geometry_types >= {POINT} for k in kinds)
    assert set(kinds) <= set(SYMBOLS)
    shapes = {tuple(p.points for p in SYMBOLS[k].parts) for k in kinds}
    assert len(shapes) == len(kinds)  # all different
    assert symbol_for("training_ground") is DEFAULT_SYMBOL


@pytest.mark.parametrize("kind", sorted(SYMBOLS))
def test_parts_are_in_the_unit_box_with_known_roles(kind: str) -> None:
    for part in SYMBOLS[kind].parts:
        assert part.role in ROLES
        assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in part.points)
        assert len(part.points) >= 2
        assert part.closed or part.role == "line"


def test_bases_share_the_installation_frame_and_differ_inside() -> None:
    tops = [max(y for p in SYMBOLS[k].parts for _, y in p.points)
            for k in ("combat_base", "rear_base", "logistics_base")]
    assert tops[0] == tops[1] == tops[2] > 0.62  # the block above the frame
    assert SYMBOLS["combat_base"].parts[0] == SYMBOLS["rear_base"].parts[0]


def test_marker_paths_keep_each_part_in_place() -> None:
    paths = marker_paths("combat_base")
    assert [part.role for part, _ in paths] == [p.role for p in SYMBOLS["combat_base"].parts]
    frame = paths[0][1].get_extents()
    assert (frame.x0, frame.x1) == pytest.approx((-1.0, 1.0))  # not rescaled per part


def test_svg_uses_the_style_colours() -> None:
    style = Style("#b2182b", "#ef8a62")
    svg = svg_symbol("combat_base", style, size=20)
    root = ET.fromstring(svg)
    paths = root.findall("{http://www.w3.org/2000/svg}path") or root.findall("path")
    assert len(paths) == len(SYMBOLS["combat_base"].parts)
    assert paths[0].get("fill") == "#ef8a62" and paths[0].get("stroke") == "#b2182b"
    assert paths[1].get("fill") == "none"
    assert root.get("width") == "20"
    assert part_colours(SYMBOLS["combat_base"].parts[-1], style) == ("#b2182b", "#b2182b")
    assert "&lt;" in svg_symbol("place", Style('"><script>', None))


# ---------------------------------------------------------------- the same symbol everywhere
SVG = "{http://www.w3.org/2000/svg}"
ICON = re.compile(r'(\{"className": "kvpt-symbol [^}]*\})')


def path_data(svg: str) -> list[str]:
    return [p.get("d") for p in ET.fromstring(svg).iter(f"{SVG}path")]


def svg_colours(svg: str) -> tuple[set[str], set[str]]:
    """(strokes, fills) written in an SVG."""
    root = ET.fromstring(svg)
    strokes = {e.get("stroke") for e in root.iter() if e.get("stroke")}
    fills = {e.get("fill") for e in root.iter(f"{SVG}path")} - {"none"}
    return strokes, fills


def page_icons(html: str) -> dict[str, dict]:
    """Icon options of the point symbols of a map page, by kind."""
    icons = [json.loads(hit) for hit in ICON.findall(html)]
    return {icon["className"].split("kvpt-symbol-")[1]: icon for icon in icons}


def legend_svgs(html: str) -> dict[str, list[str]]:
    """SVG swatches of each legend line, by label (before the fictional mark)."""
    hit = re.search(r"div\.innerHTML = ", html)
    inner, _ = json.JSONDecoder().raw_decode(html, hit.end())
    out = {}
    for entry in re.findall(r'<div class="kvpt-entry">(.*?)</div>', inner):
        label = re.sub(r"<[^>]+>", "", entry.split("</svg>")[-1]).split(" (")[0]
        out[html_unescape(label).strip()] = re.findall(r"<svg.*?</svg>", entry)
    return out


@pytest.fixture(scope="module")
def demo_web(demo_master: Path) -> tuple[ProjectStore, str]:
    store = ProjectStore(demo_master)
    return store, store_map(store).get_root().render()


def point_layers(store: ProjectStore) -> list[tuple[str, str, int]]:
    """(name, kind, number of points) of the store's point layers."""
    out = []
    for record in store.layers():
        gdf = store.read(record.name)
        points = int(gdf.geom_type.isin(["Point", "MultiPoint"]).sum())
        if points:
            out.append((record.name, record.kind, points))
    return out


def test_demo_web_map_holds_the_symbol_of_each_point_kind(
        demo_web: tuple[ProjectStore, str]) -> None:
    store, html = demo_web
    icons = page_icons(html)
    kinds = {kind for _, kind, _ in point_layers(store)}
    assert {"place", "air_defense", "enterprise"} <= kinds
    assert set(icons) == kinds & set(SYMBOLS)
    for kind, icon in icons.items():
        style = KINDS[kind].style  # one layer per kind in the demo: the kind's own style
        size = icon["iconSize"][0]
        assert icon["html"] == svg_symbol(kind, style, size=size, shared_stroke=True)
        assert path_data(icon["html"]) == path_data(svg_symbol(kind, style))
        assert size > 2 * style.radius  # wider than the circle under it
        assert svg_colours(icon["html"])[0] == {style.color}


def test_legend_of_combat_base_points_shows_their_symbol() -> None:
    style = KINDS["combat_base"].style
    m = build_map([MapLayer("Căn cứ chiến đấu", "combat_base", fictional_bases())])
    html = m.get_root().render()
    (swatch,) = legend_svgs(html)[KINDS["combat_base"].label_vi]
    assert path_data(swatch) == path_data(svg_symbol("combat_base", style))
    assert svg_colours(swatch) == ({style.color}, {style.fill_color, style.color})
    # the map's icon is the same drawing in the same colours
    (icon,) = page_icons(html).values()
    assert path_data(icon["html"]) == path_data(swatch)
    assert svg_colours(icon["html"]) == svg_colours(swatch)
    # a shade of the kind: legend and icon in that shade
    shaded = build_map([MapLayer("A", "combat_base", fictional_bases().head(1)),
                        MapLayer("B", "combat_base", fictional_bases().tail(1))])
    html = shaded.get_root().render()
    swatches = legend_svgs(html)
    strokes = {svg_colours(swatches[name][0])[0].pop() for name in ("A", "B")}
    assert len(strokes) == 2 and style.color in strokes
    icons = [json.loads(hit) for hit in ICON.findall(html)]  # two layers of one kind
    assert {svg_colours(i["html"])[0].pop() for i in icons} == strokes


def test_circle_under_a_symbol_only_catches_the_pointer() -> None:
    m = build_map([MapLayer("Căn cứ", "combat_base", fictional_bases()),
                   MapLayer("Thao trường", "training_ground", fictional_bases())])
    layers = {gj.layer_name: gj for gj in m._children.values()
              if isinstance(gj, folium.GeoJson)}
    point = {"geometry": {"type": "Point"}}
    under = layers["Căn cứ"].style_function(point)
    assert (under["opacity"], under["fillOpacity"]) == (0.0, 0.0)
    assert layers["Căn cứ"].highlight_function(point)["opacity"] == 1.0  # a ring on hover
    plain = layers["Thao trường"].style_function(point)  # no symbol: a visible circle
    assert plain["opacity"] > 0 and plain["fillOpacity"] > 0
    html = m.get_root().render()
    assert set(page_icons(html)) == {"combat_base"}
    assert "<circle" in legend_svgs(html)[KINDS["training_ground"].label_vi][0]


def test_qgis_project_embeds_the_web_maps_symbol(demo_project: Path,
                                                 demo_web: tuple[ProjectStore, str]) -> None:
    _, html = demo_web
    icons = page_icons(html)
    store = ProjectStore(demo_project)
    root = ET.fromstring(store_qgis_project(store, gpkg="./demo.gpkg",
                                            views=store.layer_views()).split("\n", 1)[1])
    kinds = {r.name: r.kind for r in store.layers()}
    seen = set()
    for layer in root.findall("./projectlayers/maplayer"):
        kind = kinds[layer.find("layername").text]
        symbol = layer.find("./renderer-v2/symbols/symbol")
        classes = [sl.get("class") for sl in symbol.findall("layer")]
        if layer.get("geometry") != "Point":
            assert "SvgMarker" not in classes
            continue
        assert classes == ["SimpleMarker", "SvgMarker"]
        props = {p.get("k"): p.get("v") for p in symbol.findall("layer")[1].findall("prop")}
        assert props["name"].startswith("base64:")
        svg = base64.b64decode(props["name"].removeprefix("base64:")).decode("utf-8")
        assert svg == icons[kind]["html"]  # the very SVG of the web map's points
        assert float(props["size"]) == pytest.approx(icons[kind]["iconSize"][0] * PX_MM,
                                                     abs=1e-3)
        seen.add(kind)
    assert seen == {"place", "air_defense", "enterprise", "shelter"}


def test_qgis_svg_of_a_combat_base_layer(tmp_path: Path) -> None:
    store = ProjectStore.init(tmp_path / "p.gpkg")
    store.add_layer(NewLayer(fictional_bases(), "Căn cứ", "combat_base"))
    root = ET.fromstring(store_qgis_project(store, gpkg="./p.gpkg",
                                            views=store.layer_views()).split("\n", 1)[1])
    (svg_layer,) = [sl for sl in root.iter("layer") if sl.get("class") == "SvgMarker"]
    name = next(p.get("v") for p in svg_layer.findall("prop") if p.get("k") == "name")
    svg = base64.b64decode(name.removeprefix("base64:")).decode("utf-8")
    style = KINDS["combat_base"].style
    assert path_data(svg) == path_data(svg_symbol("combat_base", style))
    assert svg_colours(svg) == ({style.color}, {style.fill_color, style.color})


@pytest.mark.browser
def test_symbols_drawn_in_chromium_offline(demo_web: tuple[ProjectStore, str],
                                           tmp_path: Path) -> None:
    from browser import launch, open_page, page_errors, serve_dir, wait_for_leaflet

    store, _ = demo_web
    html = standalone_html(store_map(store))
    (tmp_path / "map.html").write_text(html, encoding="utf-8")
    layers = point_layers(store)
    with launch() as browser, serve_dir(tmp_path) as base, \
            open_page(browser, width=1200, height=800) as (page, log):
        page.goto(f"{base}/map.html")
        wait_for_leaflet(page)
        for _, kind, count in layers:
            if kind not in SYMBOLS:
                continue
            markers = page.locator(f".leaflet-kvpt-symbols-pane .kvpt-symbol-{kind}")
            assert markers.count() == count, kind
            assert markers.first.locator("svg path").count() == len(SYMBOLS[kind].parts)
        visible = page.evaluate("""() => Array.from(document.querySelectorAll('.kvpt-symbol'))
            .filter(el => { const r = el.getBoundingClientRect();
                            return r.width > 0 && r.left >= 0 && r.right <= innerWidth &&
                                   r.top >= 0 && r.bottom <= innerHeight; }).length""")
        assert visible > 0
        # an enterprise's popup opens from its symbol (the circle under it catches the click)
        box = page.locator(".kvpt-symbol-enterprise").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for(state="visible", timeout=5000)
        assert popup.inner_text().strip()
        # hiding the layer hides its symbols
        name = next(n for n, kind, _ in layers if kind == "enterprise")
        page.locator(".leaflet-control-layers").hover()
        page.get_by_label(name).uncheck()
        assert page.locator(".kvpt-symbol-enterprise").count() == 0
        page.get_by_label(name).check()
        assert page.locator(".kvpt-symbol-enterprise").count() == next(
            c for _, kind, c in layers if kind == "enterprise")
        page.screenshot(path=str(tmp_path / "symbols.png"))
        assert page_errors(page) == []
        assert log.outside_localhost() == [] and log.failed == []
        assert log.urls == [f"{base}/map.html"]
