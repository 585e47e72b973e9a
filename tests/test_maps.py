"""Tests of maps/: offline assets, the project map, the legend."""

from __future__ import annotations

import json
import re
from pathlib import Path

import folium
import folium.plugins
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from layers.errors import LayerError
from layers.kinds import KINDS, apply_mapping
from maps.display import COORD_DECIMALS, DISPLAY_TOLERANCE_M
from maps.legend import FICTIONAL_MARK, LEGEND_TITLE, LegendEntry, legend_html
from maps.offline import (
    STATIC_DIR,
    STATIC_URL,
    external_urls,
    standalone_html,
    use_local_assets,
)
from maps.project_map import BASEMAP_GROUP, MAX_POPUP_FIELDS, MapLayer, build_map

DATA = Path(__file__).parent / "data"


# ---------------------------------------------------------------- fixtures and helpers
def communes() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DATA / "lang_son_communes_sample.geojson")
    mapping = {"name": "commune_vn", "code": "commune_id", "parent_code": "district_id",
               "population": "population", "area_ha": "area"}
    out, _ = apply_mapping(gdf, "admin_unit", mapping)
    return out


def places() -> gpd.GeoDataFrame:
    gdf = gpd.read_file(DATA / "ne_places_lang_son_region.geojson")
    return gdf.rename(columns={"NAME": "name", "POP_MAX": "population"})


def border() -> gpd.GeoDataFrame:
    return gpd.read_file(DATA / "ne_border_vn_china_lang_son.geojson")


def fictional_bases() -> gpd.GeoDataFrame:
    """Demo points at three commune centroids (computed in VN-2000 / UTM 48N)."""
    src = communes().head(3)
    pts = src.to_crs(3405).centroid.to_crs(4326)
    return gpd.GeoDataFrame(
        {"name": [f"Căn cứ {n}" for n in src["name"]], "fictional": ["true"] * 3},
        geometry=pts.values, crs="EPSG:4326",
    )


def project_layers() -> list[MapLayer]:
    return [
        MapLayer("Xã, phường (mẫu)", "admin_unit", communes()),
        MapLayer("Biên giới Việt – Trung", "border", border()),
        MapLayer("Căn cứ chiến đấu", "combat_base", fictional_bases()),
    ]


def unescape(html: str) -> str:
    """Undo the ``\\uXXXX`` escapes of JSON embedded by Jinja's tojson."""
    return re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), html)


def payloads(html: str) -> list[dict]:
    """The GeoJSON FeatureCollections embedded in a folium page, in order."""
    decoder = json.JSONDecoder()
    out = []
    for hit in re.finditer(r"_add\(\s*", html):
        obj, _ = decoder.raw_decode(html, hit.end())
        out.append(obj)
    return out


def popup_tables(html: str) -> list[tuple[list[str], list[str]]]:
    """(fields, labels) of each feature popup script."""
    found = re.findall(r"var fields = (\[.*?\]), labels = (\[.*?\]);", html)
    return [(json.loads(f), json.loads(lab)) for f, lab in found]


def fit_bounds(html: str) -> list[list[float]]:
    hit = re.search(r"fitBounds\(\s*(\[\[.*?\]\])", html, re.DOTALL)
    assert hit, "no fitBounds call in the page"
    return json.loads(hit.group(1))


def coords(collection: dict) -> np.ndarray:
    geoms = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    return shapely.get_coordinates(geoms)


# ---------------------------------------------------------------- offline assets
def test_static_mode_links_only_vendored_files() -> None:
    m = build_map(project_layers(), basemap=[MapLayer("Điểm dân cư", "place", places())])
    html = m.get_root().render()
    assert external_urls(html) == []
    local = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)
    assert f"{STATIC_URL}/leaflet/leaflet.js" in local
    assert f"{STATIC_URL}/leaflet/leaflet.css" in local
    for url in local:
        assert url.startswith(STATIC_URL + "/"), url
        assert (STATIC_DIR / url.removeprefix(STATIC_URL + "/")).is_file(), url
    # no library beyond Leaflet is loaded (jQuery, Bootstrap, fonts...)
    assert len(re.findall(r"<script\b[^>]*\bsrc=", html)) == 1
    assert len(re.findall(r"<link\b[^>]*stylesheet", html)) == 1


def test_inline_mode_is_self_contained() -> None:
    m = build_map(project_layers(), assets="inline")
    html = m.get_root().render()
    assert external_urls(html) == []
    assert STATIC_URL not in html
    assert "<script src" not in html and "<link rel=\"stylesheet\"" not in html
    leaflet_js = (STATIC_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8")
    assert leaflet_js[:2000] in html  # the library itself, not a link to it
    assert "url(images/" not in html
    css = (STATIC_DIR / "leaflet" / "leaflet.css").read_text(encoding="utf-8")
    assert html.count("url(data:image/png;base64,") == css.count("url(images/") > 0


def test_standalone_html_after_static_drops_static_links() -> None:
    m = build_map(project_layers())  # static
    assert f"{STATIC_URL}/leaflet/leaflet.js" in m.get_root().render()
    html = standalone_html(m)
    assert STATIC_URL not in html
    assert external_urls(html) == []
    assert "L.map(" in html


def test_default_folium_page_is_flagged() -> None:
    m = folium.Map()
    html = m.get_root().render()
    found = external_urls(html)
    defaults = [url for _, url in [*folium.Map.default_js, *folium.Map.default_css]]
    assert set(defaults) <= set(found)
    use_local_assets(m, mode="static")
    assert not any(url in m.get_root().render() for url in defaults)
    # the class-level defaults of folium are left alone
    assert [url for _, url in folium.Map.default_js] == defaults[: len(folium.Map.default_js)]


def test_external_urls_kinds_of_reference() -> None:
    html = """<link rel="stylesheet" href="//fonts.example.org/a.css">
    <img src='https://img.example.org/x.png'><a href="https://example.org/doc">doc</a>
    <style>@import "http://css.example.org/b.css";
    .x{background:url( "https://i.example.org/c.png" )}
    .y{background:url(data:image/png;base64,AAAA)} .z{background:url(images/ok.png)}</style>
    <script src="/app/static/leaflet/leaflet.js"></script>"""
    assert external_urls(html) == [
        "//fonts.example.org/a.css", "https://img.example.org/x.png",
        "http://css.example.org/b.css", "https://i.example.org/c.png",
    ]


def test_unvendored_plugin_is_refused() -> None:
    m = build_map(project_layers())
    folium.plugins.MarkerCluster().add_to(m)
    with pytest.raises(ValueError, match="MarkerCluster needs 'markerclusterjs'"):
        use_local_assets(m)


def test_unknown_asset_mode() -> None:
    with pytest.raises(ValueError, match="Unknown asset mode 'cdn'"):
        use_local_assets(folium.Map(tiles=None), mode="cdn")


# ---------------------------------------------------------------- project map content
def test_layer_names_legend_and_fictional_mark_vi() -> None:
    m = build_map(project_layers(), basemap=[MapLayer("Điểm dân cư", "place", places())],
                  title="Khu vực phòng thủ tỉnh Lạng Sơn")
    html = unescape(m.get_root().render())
    for name in ("Xã, phường (mẫu)", "Biên giới Việt – Trung", "Căn cứ chiến đấu",
                 BASEMAP_GROUP["vi"]):
        assert json.dumps(name, ensure_ascii=False) in html, name  # a layer control key
    for key in ("admin_unit", "border", "combat_base", "place"):
        assert KINDS[key].label_vi in html, key
    assert LEGEND_TITLE["vi"] in html
    assert html.count(FICTIONAL_MARK["vi"]) == 1  # only the combat bases are made up
    assert "<title>Khu vực phòng thủ tỉnh Lạng Sơn</title>" in html
    assert '"Khu vực phòng thủ tỉnh Lạng Sơn"' in html  # the title box


def test_legend_in_english() -> None:
    m = build_map(project_layers(), lang="en")
    html = unescape(m.get_root().render())
    assert LEGEND_TITLE["en"] in html and FICTIONAL_MARK["en"] in html
    assert KINDS["admin_unit"].label_en in html
    assert KINDS["admin_unit"].label_vi not in html


def test_popups_carry_kind_labels() -> None:
    m = build_map(project_layers())
    tables = popup_tables(m.get_root().render())
    admin = KINDS["admin_unit"]
    fields, labels = tables[0]  # areas are drawn first: the communes
    expected = [a for a in admin.attributes if a.name in communes().columns]
    assert fields[: len(expected)] == [a.name for a in expected]
    assert labels[: len(expected)] == [a.label_vi for a in expected]
    # source columns that are not attributes keep their own name; no geometry
    rest = dict(zip(fields[len(expected):], labels[len(expected):], strict=True))
    assert rest and all(k == v for k, v in rest.items())
    assert "geometry" not in fields
    assert len(fields) <= MAX_POPUP_FIELDS
    en_fields, en_labels = popup_tables(build_map(project_layers(), lang="en")
                                        .get_root().render())[0]
    assert en_labels[: len(expected)] == [a.label_en for a in expected]


def test_popup_fields_capped_and_values_json_safe() -> None:
    gdf = communes()
    for i in range(20):
        gdf[f"extra_{i:02d}"] = i
    gdf["surveyed"] = pd.Timestamp("2024-05-01 08:30")
    gdf.loc[gdf.index[0], "population"] = np.nan
    gdf["parts"] = [[1, 2]] * len(gdf)  # no JSON form for a popup: dropped
    gdf["empty"] = None  # no value at all: not listed
    html = build_map([MapLayer("Xã", "admin_unit", gdf)]).get_root().render()
    fields, _ = popup_tables(html)[0]
    assert len(fields) == MAX_POPUP_FIELDS
    assert "parts" not in fields and "empty" not in fields
    [collection] = payloads(html)
    first = collection["features"][0]["properties"]
    assert first["population"] is None
    assert set(first) == set(fields)  # only what the popup shows (the name is a field)
    gdf2 = communes().assign(surveyed=pd.Timestamp("2024-05-01 08:30"))
    [col2] = payloads(build_map([MapLayer("Xã", "admin_unit", gdf2)]).get_root().render())
    assert col2["features"][0]["properties"]["surveyed"] == "2024-05-01T08:30:00"


def test_features_and_coordinates_rounded() -> None:
    layers = project_layers()
    html = build_map(layers).get_root().render()
    got = payloads(html)
    assert [len(c["features"]) for c in got] == [len(x.gdf) for x in layers]
    xy = np.vstack([coords(c) for c in got])
    assert np.array_equal(xy, np.round(xy, COORD_DECIMALS))
    # drawn within the display tolerance (plus rounding) of the stored outlines (issue #8)
    drawn = gpd.GeoSeries([shapely.geometry.shape(f["geometry"]) for f in got[0]["features"]],
                          crs=4326).to_crs(3405)
    stored = communes().to_crs(3405).geometry
    gap = drawn.hausdorff_distance(stored, align=False)
    assert (gap <= DISPLAY_TOLERANCE_M + 1.0).all()
    assert np.array_equal(coords(got[2]), np.round(shapely.get_coordinates(
        fictional_bases().geometry.values), COORD_DECIMALS))  # points: only rounded


def test_features_go_into_the_page_as_compact_json_untouched() -> None:
    gdf = communes()
    gdf.loc[gdf.index[0], "name"] = "{{ 7 * 7 }} <b>Xã</b> & 'x'"  # not template code
    html = build_map([MapLayer("Xã", "admin_unit", gdf)]).get_root().render()
    [collection] = payloads(html)
    assert collection["features"][0]["properties"]["name"] == gdf["name"].iloc[0]
    start = html.index("_add(") + len("_add(")
    raw = html[start:html.index(");", start)]
    assert ", " not in raw and '": ' not in raw and "<b>" not in raw  # compact, HTML-safe


def test_dense_outlines_are_simplified_and_shared_borders_stay_shared() -> None:
    # two units sharing a wiggly border with a vertex every 0.5 m (issue #8)
    x = np.arange(0.0, 2000.5, 0.5)
    wiggle = np.column_stack([x, 0.3 * np.sin(x / 7.0)])
    west = shapely.Polygon([*wiggle, (2000, 1000), (0, 1000)])
    east = shapely.Polygon([*wiggle, (2000, -1000), (0, -1000)])
    units = gpd.GeoDataFrame({"name": ["Xã A", "Xã B"]}, geometry=[west, east],
                             crs=3405).to_crs(4326)
    [collection] = payloads(build_map([MapLayer("Xã", "admin_unit", units)]).get_root()
                            .render())
    drawn = [shapely.geometry.shape(f["geometry"]) for f in collection["features"]]
    sent = shapely.get_num_coordinates(drawn).sum()
    assert sent < shapely.get_num_coordinates(units.geometry.values).sum() / 10
    gap = gpd.GeoSeries(drawn, crs=4326).to_crs(3405).hausdorff_distance(
        units.to_crs(3405).geometry, align=False)
    assert (gap <= DISPLAY_TOLERANCE_M + 1.0).all()
    shared = shapely.intersection(drawn[0].boundary, drawn[1].boundary)
    assert shapely.length(shapely.line_merge(shared)) > 0.017  # one line, the whole border
    assert not shapely.intersection(*drawn).area  # no overlap, no sliver


def test_layers_drawn_areas_then_lines_then_points() -> None:
    points, lines, areas = (MapLayer("P", "place", places()), MapLayer("B", "border", border()),
                            MapLayer("C", "admin_unit", communes()))
    html = unescape(build_map([points, lines, areas]).get_root().render())
    control = re.search(r"overlays :\s*\{(.*?)\}", html, re.DOTALL).group(1)
    assert [k for k in re.findall(r'"(\w)"', control)] == ["C", "B", "P"]


def test_bounds_fit_project_data_not_basemap() -> None:
    layers = project_layers()
    html = build_map(layers, basemap=[MapLayer("Điểm", "place", places())]).get_root().render()
    b = np.vstack([x.gdf.total_bounds for x in layers])
    expected = [[b[:, 1].min(), b[:, 0].min()], [b[:, 3].max(), b[:, 2].max()]]
    assert np.allclose(fit_bounds(html), expected, atol=1e-9)
    wide = places().total_bounds
    assert wide[0] < b[:, 0].min() - 0.5  # the basemap is wider: it would show
    only_base = build_map([], basemap=[MapLayer("Điểm", "place", places())])
    assert np.allclose(fit_bounds(only_base.get_root().render()),
                       [[wide[1], wide[0]], [wide[3], wide[2]]])


def test_bounds_leave_out_reference_layers_that_reach_far() -> None:
    c, p = communes(), places()
    assert p.total_bounds[0] < c.total_bounds[0] - 0.5
    html = build_map([MapLayer("Xã", "admin_unit", c), MapLayer("Điểm", "place", p)]) \
        .get_root().render()
    b = c.total_bounds
    assert np.allclose(fit_bounds(html), [[b[1], b[0]], [b[3], b[2]]])
    only_reference = build_map([MapLayer("Điểm", "place", p)]).get_root().render()
    w = p.total_bounds
    assert np.allclose(fit_bounds(only_reference), [[w[1], w[0]], [w[3], w[2]]])


def test_layer_control_folds_when_long() -> None:
    few = build_map(project_layers()).get_root().render()
    many = build_map([MapLayer(f"Lớp {i}", "place", places()) for i in range(9)])
    assert '"collapsed": false' in few
    assert '"collapsed": true' in many.get_root().render()


def test_empty_map_still_renders() -> None:
    html = build_map([]).get_root().render()
    assert "fitBounds" not in html and "L.map(" in html
    assert external_urls(html) == []


def test_vn2000_layer_is_reprojected() -> None:
    gdf = communes()
    projected = gdf.to_crs("EPSG:3405")
    assert projected.total_bounds[0] > 1000  # metres, not degrees
    html = build_map([MapLayer("Xã (VN-2000)", "admin_unit", projected)]).get_root().render()
    [collection] = payloads(html)
    drawn = gpd.GeoSeries([shapely.geometry.shape(f["geometry"])
                           for f in collection["features"]], crs=4326)
    gap = drawn.to_crs(3405).hausdorff_distance(projected.geometry, align=False)
    assert (gap <= DISPLAY_TOLERANCE_M + 1.0).all()  # simplified and rounded, not moved
    b = gdf.total_bounds
    assert np.allclose(fit_bounds(html), [[b[1], b[0]], [b[3], b[2]]], atol=1e-6)


def test_layer_without_crs_is_refused() -> None:
    gdf = communes().set_crs(None, allow_override=True)
    with pytest.raises(LayerError, match=r"Layer 'Xã không CRS' has no coordinate reference "
                                         r"system.*set_crs\('EPSG:3405'\)"):
        build_map([MapLayer("Xã không CRS", "admin_unit", gdf)])
    with pytest.raises(LayerError, match="no coordinate reference system"):
        build_map([], basemap=[MapLayer("Nền", "admin_unit", gdf)])


def test_unknown_kind_and_language() -> None:
    with pytest.raises(LayerError, match="Unknown layer kind 'castle'"):
        build_map([MapLayer("X", "castle", communes())])
    with pytest.raises(ValueError, match="Unknown map language 'fr'"):
        build_map(project_layers(), lang="fr")


def test_layer_name_is_escaped() -> None:
    html = build_map([MapLayer("<b>Xã</b>", "admin_unit", communes())]).get_root().render()
    assert "<b>Xã</b>" not in unescape(html)
    assert "&lt;b&gt;Xã&lt;/b&gt;" in unescape(html)


def test_hidden_layer_is_not_added_at_start() -> None:
    def added(show: bool) -> bool:
        html = build_map([MapLayer("Điểm", "place", places(), show=show)]).get_root().render()
        name = re.search(r"var (geo_json_\w+) = L\.geoJson", html).group(1)
        return f"{name}.addTo(" in html

    assert added(True) and not added(False)


# ---------------------------------------------------------------- legend
def test_legend_html_swatches_and_escaping() -> None:
    style = KINDS["combat_base"].style
    html = legend_html([(None, [LegendEntry("A & <B>", style, ("Point", "Polygon"), True)])],
                       lang="vi")
    assert "A &amp; &lt;B&gt;" in html
    assert html.count("<svg") == 2 and "<circle" in html and "<rect" in html
    assert FICTIONAL_MARK["vi"] in html
    dashed = legend_html([("Nền", [LegendEntry("Biên giới", KINDS["border"].style,
                                                 ("LineString",))])])
    assert 'stroke-dasharray="8 4"' in dashed and "<h5>Nền</h5>" in dashed


def test_a_layer_s_bounds_come_from_its_bbox_and_equal_folium_s_walk() -> None:
    from folium.utilities import get_bounds

    from maps.display import FeatureLayer, feature_collection

    rng = np.random.default_rng(3)
    pts = shapely.points(rng.uniform(104, 108, 40), rng.uniform(20, 23, 40))
    geoms = [*pts[:20], *shapely.buffer(pts[20:30], 0.05),
             *[shapely.LineString([p, q]) for p, q in zip(pts[30:35], pts[35:40],
                                                           strict=True)]]
    gdf = gpd.GeoDataFrame({"name": [f"f{i}" for i in range(len(geoms))]}, geometry=geoms,
                           crs="EPSG:4326")
    collection = feature_collection(gdf, ["name"])
    walked = get_bounds({"type": "FeatureCollection", "features": collection["features"]},
                        lonlat=True)
    layer = FeatureLayer(collection)
    assert np.allclose(layer._get_self_bounds(), walked, rtol=0, atol=1e-12)
    assert collection["bbox"] == pytest.approx(list(gdf.total_bounds), abs=1e-5)  # rounded
