"""The one styling of every map (:mod:`maps.styling`): web map, prints and QGIS project."""

from __future__ import annotations

import ast
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point
from test_maps import border, communes, fictional_bases, places

from layers.basemap import real_layer
from layers.errors import LayerError
from layers.kinds import KINDS, LINE, POINT, POLYGON, Style
from maps import print_map, project_map
from maps.styling import (
    ATTRIBUTION_FICTIONAL,
    ATTRIBUTION_SEPARATOR,
    BASEMAP_GROUP,
    MapLayer,
    attributions,
    draw_rank,
    drawn_layers,
    legend_sections,
    muted_style,
    path_options,
    point_symbol,
    style_variant,
    symbol_size_px,
)
from maps.symbols import svg_symbol

MAPS = Path(__file__).parents[1] / "maps"


def test_drawn_layers_order_levels_shades_and_labels() -> None:
    layers = [MapLayer("Căn cứ A", "combat_base", fictional_bases().head(2)),
              MapLayer("Xã (mẫu)", "admin_unit", communes()),
              MapLayer("Biên giới", "border", border()),
              MapLayer("Huyện", "admin_unit", real_layer("districts")),
              MapLayer("Căn cứ B", "combat_base", fictional_bases().tail(1))]
    basemap = [MapLayer("Điểm", "place", places())]
    drawn = drawn_layers(layers, basemap)
    names = [p.layer.name for p in drawn.data]
    assert names == ["Xã (mẫu)", "Huyện", "Biên giới", "Căn cứ A", "Căn cứ B"]
    assert [draw_rank(p) for p in drawn.data] == [0, 0, 1, 2, 2]
    commune, district = drawn.data[:2]
    assert (commune.level, district.level) == ("commune", "district")
    assert commune.drawn_style == KINDS["admin_unit"].style  # the finest keeps the kind's
    assert district.drawn_style.weight > commune.drawn_style.weight
    assert district.drawn_style.fill_opacity == 0.0
    base_a, base_b = drawn.data[3:]
    assert base_a.drawn_style == KINDS["combat_base"].style
    assert base_b.drawn_style == style_variant(KINDS["combat_base"].style, 1)
    assert (base_a.legend, base_b.legend) == ("Căn cứ A", "Căn cứ B")
    assert base_a.fictional and not commune.fictional
    assert base_a.symbol == "combat_base" and commune.symbol is None
    assert drawn.base[0].legend is None  # the basemap is distinguished on its own
    assert drawn.base[0].gdf.crs == "EPSG:4326"
    assert drawn.metric is not None


def test_drawn_layers_checks_its_input() -> None:
    no_crs = gpd.GeoDataFrame(geometry=[Point(106.7, 21.8)])
    with pytest.raises(LayerError, match="no coordinate reference system"):
        drawn_layers([MapLayer("A", "place", no_crs)])
    with pytest.raises(LayerError, match="not a GeoDataFrame"):
        drawn_layers([MapLayer("A", "place", no_crs.geometry)])  # type: ignore[arg-type]


def test_path_options_of_symbol_points() -> None:
    style = KINDS["air_defense"].style
    plain = path_options(style, POINT)
    assert plain["fillOpacity"] >= 0.7 and plain["weight"] <= 2.0 and plain["opacity"] == 0.9
    under = path_options(style, POINT, symbol=True)
    assert (under["opacity"], under["fillOpacity"]) == (0.0, 0.0)  # the symbol shows
    assert (under["color"], under["fillColor"]) == (plain["color"], plain["fillColor"])
    ring = path_options(style, POINT, symbol=True, highlight=True)
    assert ring["opacity"] == 1.0 and 0 < ring["fillOpacity"] < 0.5
    line = path_options(KINDS["border"].style, LINE, symbol=True)  # only points change
    assert line == path_options(KINDS["border"].style, LINE)
    assert line["dashArray"] == KINDS["border"].style.dash_array
    muted = path_options(KINDS["admin_unit"].style, POLYGON, muted=True)
    assert muted["interactive"] is False
    assert muted["color"] == muted_style(KINDS["admin_unit"].style).color


def test_legend_sections_carry_the_symbol_of_point_layers() -> None:
    layers = [MapLayer("Căn cứ", "combat_base", fictional_bases()),
              MapLayer("Thao trường", "training_ground",
                       gpd.GeoDataFrame(geometry=[Point(106.6, 21.9)], crs=4326)),
              MapLayer("Xã", "admin_unit", communes())]
    drawn = drawn_layers(layers, [MapLayer("Điểm", "place", places())])
    sections = legend_sections(drawn.data, drawn.base, "en")
    (head, entries), (base_head, base_entries) = sections
    assert head is None and base_head == BASEMAP_GROUP["en"]
    by_label = {e.label: e for e in entries}
    bases = by_label[KINDS["combat_base"].label_en]
    assert bases.symbol == "combat_base" and bases.shapes == (POINT,) and bases.fictional
    assert bases.style == KINDS["combat_base"].style
    assert by_label[KINDS["training_ground"].label_en].symbol is None  # no symbol: a circle
    assert by_label[KINDS["admin_unit"].label_en].symbol is None
    (place,) = base_entries
    assert place.symbol == "place" and place.style == muted_style(KINDS["place"].style)


def test_attributions_each_once_then_the_fictional_note() -> None:
    square = gpd.GeoDataFrame({"fictional": ["true"]}, geometry=[Point(106.6, 21.9)], crs=4326)
    layers = [MapLayer("A", "place", places(), attribution="Natural Earth"),
              MapLayer("B", "admin_unit", communes(),
                       attribution=f"censusVN2009{ATTRIBUTION_SEPARATOR}Natural Earth"),
              MapLayer("C", "combat_base", square)]
    drawn = drawn_layers(layers)
    assert attributions(drawn.data, "vi") == ["censusVN2009", "Natural Earth",
                                              ATTRIBUTION_FICTIONAL["vi"]]


def test_symbol_size_grows_with_the_radius() -> None:
    small, large = Style("#000000", radius=4.0), Style("#000000", radius=7.0)
    assert 8 <= symbol_size_px(small) < symbol_size_px(large)
    assert symbol_size_px(large) > 2 * large.radius  # wider than its circle


def test_web_map_and_prints_share_the_names() -> None:
    """The names callers import from the web map are the styling module's."""
    assert project_map.MapLayer is MapLayer is print_map.MapLayer
    assert project_map.style_variant is style_variant
    assert project_map.ATTRIBUTION_SEPARATOR == ATTRIBUTION_SEPARATOR
    assert project_map.BASEMAP_GROUP is BASEMAP_GROUP


def test_no_maps_module_imports_private_names_of_another() -> None:
    """Prints, QGIS and the web map share styling through public names only."""
    found = []
    for path in sorted(MAPS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("maps"):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_")]
    assert found == []


def test_point_symbol_is_the_kinds_svg_in_the_drawn_style() -> None:
    drawn = drawn_layers([MapLayer("Căn cứ", "combat_base", fictional_bases()),
                          MapLayer("Thao trường", "training_ground", fictional_bases())],
                         [MapLayer("Điểm", "place", places())])
    bases, ground = drawn.data
    svg, size = point_symbol(bases)
    assert svg == svg_symbol("combat_base", KINDS["combat_base"].style, size=size,
                             shared_stroke=True)
    assert point_symbol(ground) is None  # a kind without a symbol: circles
    muted_svg, muted_size = point_symbol(drawn.base[0], muted=True)
    assert muted_size < symbol_size_px(KINDS["place"].style)
    assert muted_svg == svg_symbol("place", muted_style(KINDS["place"].style),
                                   size=muted_size, shared_stroke=True)
