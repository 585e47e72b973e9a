"""A map one can read: labels by zoom, title, metric scale, legend per layer, focus.

The generated page is parsed (scripts and embedded JSON); the real-browser side is in
``test_browser_map.py``.
"""

from __future__ import annotations

import json
import re
from html import unescape as html_unescape
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pytest
import shapely
from test_maps import border, communes, fictional_bases, fit_bounds, places, unescape

from layers.basemap import real_layer
from layers.kinds import KINDS, Style
from maps.labels import LABEL_ZOOMS, admin_level, label_points
from maps.legend import FICTIONAL_MARK
from maps.project import (
    MAP_TITLE,
    basemap_layers,
    map_title,
    project_title,
    store_layers,
    store_map,
)
from maps.project_map import (
    ATTRIBUTION_FICTIONAL,
    MapLayer,
    build_map,
    style_variant,
)

PROVINCE_NAME = "Tỉnh Lạng Sơn"
TITLE_VI = f"{MAP_TITLE['vi']} – {PROVINCE_NAME}"


# ---------------------------------------------------------------- data and parsing helpers
def province() -> gpd.GeoDataFrame:
    return real_layer("province").assign(name=PROVINCE_NAME)


def districts() -> gpd.GeoDataFrame:
    return real_layer("districts")


def admin_layers() -> list[MapLayer]:
    """Province, districts and communes: three layers of one kind (as in the demo)."""
    return [MapLayer(PROVINCE_NAME, "admin_unit", province()),
            MapLayer("Huyện, thành phố", "admin_unit", districts()),
            MapLayer("Xã, phường (mẫu)", "admin_unit", communes())]


def render(m) -> str:
    return m.get_root().render()


def label_sets(html: str) -> dict[str, dict]:
    """The label sets of the page by class: layer variable, zoom range and points."""
    decoder = json.JSONDecoder()
    found = {}
    pattern = (r"\{layer: (\w+), cls: \"(\w+)\", min: (\d+),\s*max: (null|\d+), "
               r"points: ")
    for hit in re.finditer(pattern, html):
        points, _ = decoder.raw_decode(html, hit.end())
        found[hit.group(2)] = {"layer": hit.group(1), "min": int(hit.group(3)),
                               "max": None if hit.group(4) == "null" else int(hit.group(4)),
                               "points": points}
    return found


def legend_entries(html: str) -> list[tuple[str, list[str]]]:
    """(label text, stroke colours of its swatches) of every legend line."""
    hit = re.search(r"div\.innerHTML = ", html)
    assert hit, "no legend in the page"
    inner, _ = json.JSONDecoder().raw_decode(html, hit.end())
    out = []
    for entry in re.findall(r'<div class="kvpt-entry">(.*?)</span></div>', inner):
        text = html_unescape(re.sub(r"<[^>]+>", "", entry.split("</svg>")[-1])).strip()
        out.append((text, re.findall(r'stroke="(#[0-9a-f]{6})"', entry)))
    return out


def layer_styles(html: str) -> dict[str, dict]:
    """Default path options of each GeoJson layer, by its variable name."""
    out = {}
    for hit in re.finditer(r"function (geo_json_\w+)_styler\(feature\).*?default:\s*return "
                           r"(\{.*?\});", html, re.DOTALL):
        out[hit.group(1)] = json.loads(hit.group(2))
    return out


def fit_script(html: str) -> str:
    hit = re.search(r"function box\(selector\).*?fitBounds\(", html, re.DOTALL)
    assert hit, "no fitted view"
    return hit.group(0)


# ---------------------------------------------------------------- labels
def test_labels_by_level_with_zoom_thresholds() -> None:
    layers = [*admin_layers(), MapLayer("Điểm dân cư", "place", places())]
    sets = label_sets(render(build_map(layers)))
    assert set(sets) == {"province", "district", "commune", "place"}
    assert (sets["district"]["min"], sets["district"]["max"]) == (9, None)
    assert (sets["commune"]["min"], sets["commune"]["max"]) == (11, None)
    assert (sets["place"]["min"], sets["place"]["max"]) == (10, None)
    assert sets["province"]["min"] == 0 and sets["province"]["max"] == 7  # overview: none
    assert sets["district"]["min"] < sets["place"]["min"] < sets["commune"]["min"]
    for cls, (lo, hi) in LABEL_ZOOMS.items():
        if cls in sets:
            assert (sets[cls]["min"], sets[cls]["max"]) == (lo, hi)
    assert {p[2] for p in sets["district"]["points"]} == set(districts()["name"])
    assert {p[2] for p in sets["commune"]["points"]} == set(communes()["name"])
    assert {p[2] for p in sets["place"]["points"]} == set(places()["name"].dropna())


def test_label_points_lie_inside_their_units_not_at_centroids() -> None:
    gdf = districts()
    points = label_sets(render(build_map([MapLayer("Huyện", "admin_unit", gdf)])))[
        "district"]["points"]
    by_name = gdf.set_index("name").geometry
    for lat, lon, name in points:
        assert by_name[name].contains(shapely.Point(lon, lat)), name
    # a unit whose degree centroid lies outside it still gets its label inside
    crescent = shapely.Point(0, 0).buffer(10_000).difference(
        shapely.Point(2_000, 0).buffer(8_500))
    one = gpd.GeoDataFrame({"name": ["Xã Lưỡi Liềm"]}, geometry=[crescent], crs=3405)
    assert not crescent.contains(crescent.centroid)
    [[lat, lon, _]] = label_points(one, "EPSG:3405")
    inside = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(3405).iloc[0]
    assert crescent.contains(inside)
    assert inside.distance(crescent.exterior) > 1_500  # in the middle of the band


def test_labels_order_biggest_first_and_skip_missing_names() -> None:
    gdf = communes()
    gdf.loc[gdf.index[0], "name"] = None
    gdf.loc[gdf.index[1], "name"] = "  "
    points = label_points(gdf, "EPSG:3405")
    assert len(points) == len(gdf) - 2
    areas = gdf.set_index("name").to_crs(3405).area
    got = [areas[p[2]] for p in points]
    assert got == sorted(got, reverse=True)
    ranked = label_points(places(), "EPSG:3405", rank=places()["population"])
    pops = places().set_index("name")["population"]
    assert pops[ranked[0][2]] == pops.max()


def test_admin_level_from_column_or_size() -> None:
    assert admin_level(province(), "EPSG:3405") == "province"
    assert admin_level(districts(), "EPSG:3405") == "district"
    assert admin_level(communes(), "EPSG:3405") == "commune"
    worded = districts().assign(level="Huyện")
    assert admin_level(worded.head(1)) == "district"  # the column decides, no area needed
    assert admin_level(communes().assign(level="xã")) == "commune"
    assert admin_level(province().assign(level="tỉnh")) == "province"
    assert admin_level(districts().assign(level="?"), "EPSG:3405") == "district"


def test_labels_off_and_only_for_admin_units_and_places() -> None:
    assert label_sets(render(build_map(admin_layers(), labels=False))) == {}
    html = render(build_map([MapLayer("Biên giới", "border", border()),
                             MapLayer("Căn cứ", "combat_base", fictional_bases())]))
    assert label_sets(html) == {}
    assert "kvpt-labels" not in html
    # the basemap is not labelled
    base = render(build_map([], basemap=[MapLayer("Huyện", "admin_unit", districts())]))
    assert label_sets(base) == {}


def test_labels_follow_their_layer_variable() -> None:
    html = render(build_map([MapLayer("Huyện", "admin_unit", districts(), show=False)]))
    sets = label_sets(html)
    layer = sets["district"]["layer"]
    assert re.search(rf"var {layer} = L\.geoJson", html)
    assert "map.hasLayer(s.layer)" in html  # shown only while the layer is
    assert f"{layer}.addTo(" not in html  # a hidden layer stays hidden, labels too


# ---------------------------------------------------------------- scale, attribution, title
def test_scale_bar_is_metric_only_and_no_leaflet_flag() -> None:
    html = render(build_map(admin_layers(), basemap=basemap_layers()))
    assert re.search(r"L\.control\.scale\(\{imperial: false, metric: true", html)
    assert "L.control.scale()" not in html  # folium's default (miles and km) is off
    assert '"attributionControl": false' in html
    assert re.search(r"L\.control\.attribution\(\{prefix: false", html)
    assert "leafletjs.com" not in html


def test_attribution_names_sources_once_and_fictional_layers() -> None:
    layers = [MapLayer("Huyện", "admin_unit", districts(), attribution="dvhcvn · census"),
              MapLayer("Tỉnh", "admin_unit", province(), attribution="dvhcvn"),
              MapLayer("Căn cứ", "combat_base", fictional_bases())]
    html = unescape(render(build_map(layers, basemap=basemap_layers())))
    hit = re.search(r"(\[[^\]]*\])\.forEach\(function \(text\)", html)
    texts = json.loads(hit.group(1))
    assert texts[0] == "Natural Earth"  # the basemap's sources first
    assert texts.count("dvhcvn") == 1 and "census" in texts
    assert any(t.startswith("dvhcvn (Đào Hoàng Sơn") for t in texts)
    assert texts[-1] == ATTRIBUTION_FICTIONAL["vi"]
    assert FICTIONAL_MARK["vi"] not in ATTRIBUTION_FICTIONAL["vi"]
    plain = unescape(render(build_map([MapLayer("Huyện", "admin_unit", districts())])))
    assert ATTRIBUTION_FICTIONAL["vi"] not in plain


def test_title_from_the_province_layer() -> None:
    assert map_title(admin_layers()) == TITLE_VI
    assert map_title(admin_layers(), lang="en") == f"{MAP_TITLE['en']} – {PROVINCE_NAME}"
    assert map_title(admin_layers()[1:]) is None  # no province among them
    two = province().pipe(lambda g: g.assign(name="A")).pipe(
        lambda g: gpd.GeoDataFrame(
            gpd.pd.concat([g, g.assign(name="B")], ignore_index=True), crs=g.crs))
    assert map_title([MapLayer("Hai tỉnh", "admin_unit", two)]) is None


class FakeReader:
    """A project reader over layers in memory (what maps.project needs of a store)."""

    def __init__(self, layers: dict[str, tuple[str, gpd.GeoDataFrame, str]]) -> None:
        self.data = layers
        self.path = Path("/projects/demo.gpkg")
        self.reads: list[str] = []

    def layers(self) -> list[SimpleNamespace]:
        return [SimpleNamespace(name=n, kind=k, feature_count=len(g), source_file=src)
                for n, (k, g, src) in self.data.items()]

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        self.reads.append(name)
        return self.data[name][1]


def fake_project() -> FakeReader:
    return FakeReader({
        PROVINCE_NAME: ("admin_unit", province(), "data/real/province.geojson"),
        "Huyện": ("admin_unit", districts(), "data/real/districts.geojson"),
        "Căn cứ chiến đấu (giả định)": ("combat_base", fictional_bases(), "layers/demo.py"),
    })


def test_store_map_title_is_the_province_not_the_file_name() -> None:
    store = fake_project()
    html = unescape(render(store_map(store)))
    assert f"<title>{TITLE_VI}</title>" in html
    assert json.dumps(TITLE_VI, ensure_ascii=False) in html  # the title box
    assert "<title>demo</title>" not in html and '"demo"' not in html
    # the province not drawn: read once to name the map
    store.reads.clear()
    only_bases = unescape(render(store_map(store, names=["Căn cứ chiến đấu (giả định)"])))
    assert f"<title>{TITLE_VI}</title>" in only_bases
    assert store.reads.count(PROVINCE_NAME) == 1
    # an explicit title wins (kvpt map --title); "" means no title
    assert "<title>Kế hoạch A</title>" in unescape(render(store_map(store, title="Kế hoạch A")))
    assert "kvpt-title\", map" not in render(store_map(store, title=""))
    no_province = FakeReader({"Huyện": ("admin_unit", districts(), "x.shp")})
    assert project_title(no_province) == MAP_TITLE["vi"]


def test_store_layers_carry_bundled_sources() -> None:
    layers = {layer.name: layer for layer in store_layers(fake_project())}
    assert "dvhcvn" in layers[PROVINCE_NAME].attribution
    assert "censusVN2009" in layers["Huyện"].attribution
    assert layers["Căn cứ chiến đấu (giả định)"].attribution is None
    assert all(layer.attribution for layer in basemap_layers())


# ---------------------------------------------------------------- legend per layer
def test_one_legend_line_per_layer_of_a_shared_kind() -> None:
    html = render(build_map(admin_layers()))
    entries = legend_entries(html)
    labels = [label for label, _ in entries]
    assert labels == [PROVINCE_NAME, "Huyện, thành phố", "Xã, phường (mẫu)"]
    assert KINDS["admin_unit"].label_vi not in labels
    colours = [tuple(c) for _, c in entries]
    assert len(set(colours)) == 3  # three distinct strokes
    styles = list(layer_styles(html).values())
    assert len({s["color"] for s in styles}) == 3
    # larger units: heavier outlines; the finest layer keeps the kind's style
    assert [s["weight"] for s in styles] == sorted((s["weight"] for s in styles), reverse=True)
    assert styles[-1]["color"] == KINDS["admin_unit"].style.color
    # deterministic
    assert legend_entries(render(build_map(admin_layers()))) == entries


def test_single_layer_keeps_kind_label_and_style() -> None:
    entries = legend_entries(render(build_map([MapLayer("Xã", "admin_unit", communes())])))
    assert entries == [(KINDS["admin_unit"].label_vi, [KINDS["admin_unit"].style.color])]


def test_shared_kind_points_get_turned_hues_and_one_fictional_mark() -> None:
    bases = fictional_bases()
    layers = [MapLayer("Căn cứ A (giả định)", "combat_base", bases.head(2)),
              MapLayer("Căn cứ B (giả định)", "combat_base", bases.tail(1))]
    html = unescape(render(build_map(layers)))
    entries = legend_entries(html)
    assert [label for label, _ in entries] == [f"Căn cứ A {FICTIONAL_MARK['vi']}",
                                               f"Căn cứ B {FICTIONAL_MARK['vi']}"]
    assert entries[0][1] != entries[1][1]
    assert entries[0][1] == [KINDS["combat_base"].style.color]


def test_layers_with_their_own_legend_still_share_a_line() -> None:
    style = Style("#1a7837", "#a6dba0")
    layers = [MapLayer("Xã A", "admin_unit", communes().head(3), style=style, legend="Đạt"),
              MapLayer("Xã B", "admin_unit", communes().tail(3), style=style, legend="Đạt"),
              MapLayer("Huyện", "admin_unit", districts())]
    entries = legend_entries(render(build_map(layers)))
    assert [label for label, _ in entries] == ["Đạt", KINDS["admin_unit"].label_vi]


def test_style_variant() -> None:
    red = KINDS["combat_base"].style
    grey = KINDS["infrastructure"].style
    assert style_variant(red, 0) == red
    assert [style_variant(red, i) for i in range(5)] == [style_variant(red, i)
                                                         for i in range(5)]
    hues = {style_variant(red, i).color for i in range(6)}
    assert len(hues) == 6
    turned = style_variant(red, 1)
    assert (turned.weight, turned.radius, turned.fill_opacity) == (red.weight, red.radius,
                                                                    red.fill_opacity)
    darker = style_variant(grey, 1)
    assert darker.color != grey.color and darker.dash_array  # a grey line: shade and dash
    assert style_variant(Style("red"), 2) == Style("red")  # not #rrggbb: left alone


# ---------------------------------------------------------------- view: focus and room
def test_fit_bounds_follow_focus() -> None:
    layers = admin_layers()
    whole = fit_bounds(render(build_map(layers)))
    b = province().total_bounds
    assert np.allclose(whole, [[b[1], b[0]], [b[3], b[2]]], atol=1e-6)
    results = fictional_bases().to_crs(3405)  # any CRS
    html = render(build_map(layers, focus=results))
    r = fictional_bases().total_bounds
    assert np.allclose(fit_bounds(html), [[r[1], r[0]], [r[3], r[2]]], atol=1e-6)
    assert np.allclose(fit_bounds(render(build_map(layers, focus=results.geometry))),
                       fit_bounds(html))
    box = (106.5, 21.7, 106.9, 22.0)
    assert fit_bounds(render(build_map(layers, focus=box))) == [[21.7, 106.5], [22.0, 106.9]]
    assert np.allclose(fit_bounds(render(build_map(layers, focus=shapely.box(*box)))),
                       [[21.7, 106.5], [22.0, 106.9]])
    assert fit_bounds(render(build_map(layers, focus=results.iloc[:0]))) == whole
    assert "maxZoom = 15" in render(build_map(layers, focus=results.head(1)))


def test_bad_focus_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown map focus"):
        build_map(admin_layers(), focus=(1, 2, 3))
    with pytest.raises(ValueError, match="Unknown map focus"):
        build_map(admin_layers(), focus=(107, 22, 106, 21))  # west > east
    with pytest.raises(ValueError, match="no CRS"):
        build_map(admin_layers(), focus=gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)]))


def test_view_keeps_legend_and_title_beside_the_data() -> None:
    script = fit_script(render(build_map(admin_layers(), title=TITLE_VI)))
    for selector in (".kvpt-legend", ".leaflet-control-layers", ".kvpt-title",
                     ".leaflet-control-attribution"):
        assert selector in script, selector
    assert "paddingBottomRight" in script
    assert "details.open = false" in script  # no room: the legend opens folded
