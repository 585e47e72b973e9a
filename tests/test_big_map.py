"""Big layers drawn by view (maps/viewport.py), checked against brute force."""

from __future__ import annotations

import json

import folium
import geopandas as gpd
import numpy as np
import pytest
import shapely
from pyproj import Transformer

from maps.styling import MapLayer
from maps.viewport import (
    BIG_LAYER_FEATURES,
    CLUSTER_PX,
    MAX_VIEW_POINTS,
    MAX_VIEW_SHAPES,
    BigLayer,
    View,
    pixel_m,
    split_big,
    view_groups,
    view_map,
)


def points(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame({"name": [f"Điểm {i}" for i in range(n)]},
                            geometry=shapely.points(rng.uniform(106.0, 107.4, n),
                                                    rng.uniform(21.3, 22.5, n)),
                            crs="EPSG:4326")


def squares(side: int) -> gpd.GeoDataFrame:
    """A coverage of side x side squares of 0.01 degree over Lạng Sơn."""
    x, y = np.meshgrid(np.arange(side) * 0.01 + 106.2, np.arange(side) * 0.01 + 21.5)
    boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + 0.01, y.ravel() + 0.01)
    return gpd.GeoDataFrame({"name": [f"Ô {i}" for i in range(side * side)]},
                            geometry=boxes, crs="EPSG:4326")


def test_pixel_size_is_web_mercator_resolution() -> None:
    # 40,075,016.686 m of equator over 256 pixels at zoom 0, halved at each zoom
    assert pixel_m(0, 0.0) == pytest.approx(40_075_016.686 / 256, rel=1e-9)
    assert pixel_m(10, 60.0) == pytest.approx(40_075_016.686 / 256 / 1024 / 2, rel=1e-9)


def test_view_from_the_map_state() -> None:
    state = {"bounds": {"_southWest": {"lat": 21.0, "lng": 106.0},
                        "_northEast": {"lat": 22.0, "lng": 107.0}}, "zoom": 9}
    assert View.from_map(state) == View(106.0, 21.0, 107.0, 22.0, 9.0)
    assert View.from_map(None) is None
    assert View.from_map({"bounds": {}, "zoom": 9}) is None
    flat = {"bounds": {"_southWest": {"lat": 21.0, "lng": 106.0},
                       "_northEast": {"lat": 21.0, "lng": 106.0}}, "zoom": 9}
    assert View.from_map(flat) is None  # a map not laid out yet reports a point


def test_only_layers_over_the_limit_are_big() -> None:
    small = MapLayer("nhỏ", "high_point", points(BIG_LAYER_FEATURES))
    big = MapLayer("lớn", "high_point", points(BIG_LAYER_FEATURES + 1))
    assert split_big([small, big]) == ([small], [big])


def test_points_in_view_are_exactly_those_in_the_padded_box() -> None:
    pts = points(20_000)
    layer = BigLayer(MapLayer("Điểm", "high_point", pts))
    view = View(106.5, 21.8, 106.6, 21.9, 13)
    part = layer.part(view)
    box = view.padded()
    expected = [i for i, g in enumerate(pts.geometry) if box.intersects(g)]
    assert 0 < len(expected) <= MAX_VIEW_POINTS
    assert list(part.features.index) == expected
    assert len(part.groups) == 0 and part.hidden == 0


def test_many_points_are_grouped_in_screen_cells_and_none_is_lost() -> None:
    pts = points(30_000)
    layer = BigLayer(MapLayer("Điểm", "high_point", pts))
    view = View(105.0, 20.0, 108.0, 23.0, 8)
    part = layer.part(view)
    assert part.in_view == 30_000 > MAX_VIEW_POINTS
    assert len(part.features) == 0
    assert part.groups["count"].sum() == 30_000
    # brute force: the same cells from pyproj's Web Mercator, one group per cell
    merc = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True)
    x, y = merc.transform(pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy())
    cell = CLUSTER_PX * 156_543.033_928 / 2 ** 8
    cells = {}
    for cx, cy in zip(np.floor(x / cell), np.floor(y / cell), strict=True):
        cells[(cx, cy)] = cells.get((cx, cy), 0) + 1
    assert sorted(part.groups["count"]) == sorted(cells.values())
    # each group's circle sits at the mean of its points (in Web Mercator)
    biggest = part.groups.loc[part.groups["count"].idxmax()]
    gx, gy = merc.transform(biggest.geometry.x, biggest.geometry.y)
    key = (np.floor(gx / cell), np.floor(gy / cell))
    members = (np.floor(x / cell) == key[0]) & (np.floor(y / cell) == key[1])
    assert members.sum() == biggest["count"]
    assert (gx, gy) == pytest.approx((x[members].mean(), y[members].mean()), abs=1e-3)


def test_areas_are_drawn_only_when_few_enough_in_view() -> None:
    cells = squares(80)  # 6,400 squares: a big layer
    layer = BigLayer(MapLayer("Ô", "admin_unit", cells))
    wide = layer.part(View(106.0, 21.3, 107.2, 22.5, 9))
    assert wide.in_view == 6_400 > MAX_VIEW_SHAPES
    assert wide.hidden == 6_400 and len(wide.features) == 0
    near = layer.part(View(106.3, 21.6, 106.4, 21.7, 13))
    box = View(106.3, 21.6, 106.4, 21.7, 13).padded()
    assert list(near.features.index) == [i for i, g in enumerate(cells.geometry)
                                         if box.intersects(g)]
    assert near.hidden == 0
    assert near.tolerance_m == pytest.approx(pixel_m(13, 21.65) / 2)


def test_a_view_sends_a_small_part_of_the_layer() -> None:
    pts = points(60_000)
    prepared = view_map([MapLayer("Điểm", "high_point", pts)])
    whole = folium.Map(tiles=None)
    folium.GeoJson(pts.__geo_interface__).add_to(whole)
    for view in (View(105.0, 20.0, 108.0, 23.0, 8), View(106.5, 21.8, 106.6, 21.9, 13)):
        groups, _ = view_groups(prepared.big, view)
        m = folium.Map(tiles=None)
        for group in groups:
            group.add_to(m)
        assert len(m.get_root().render()) * 20 < len(whole.get_root().render())
    # the big layer is in the layer control (and the legend) of the map without its features
    assert json.dumps("Điểm")[1:-1] in prepared.base.get_root().render()
