"""Page maps kept by what they show (ui/map_cache.py)."""

from __future__ import annotations

import geopandas as gpd
import shapely
from streamlit_folium import _get_map_string

from maps.project_map import build_map
from maps.styling import MapLayer
from ui import map_cache
from ui.map_cache import cached_map, fingerprint


def layer(x: float = 106.5, name: str = "Điểm") -> MapLayer:
    gdf = gpd.GeoDataFrame({"name": [name, "B"], "n": [1, 2]},
                           geometry=[shapely.Point(x, 21.8), shapely.Point(106.7, 21.9)],
                           crs="EPSG:4326")
    return MapLayer("Điểm cao", "high_point", gdf)


def test_fingerprint_follows_content_not_identity() -> None:
    assert fingerprint(layer(), "vi") == fingerprint(layer(), "vi")  # new objects, same data
    assert fingerprint(layer(), "vi") != fingerprint(layer(), "en")
    assert fingerprint(layer()) != fingerprint(layer(x=106.5000001))  # a moved point
    assert fingerprint(layer()) != fingerprint(layer(name="Đỉnh"))  # an attribute
    moved = layer()
    moved.gdf = moved.gdf.to_crs(3405)  # same place, other CRS: another map input
    assert fingerprint(layer()) != fingerprint(moved)
    assert fingerprint(None, [1, (2, 3)]) == fingerprint(None, [1, (2, 3)])
    assert fingerprint([1, 2], 3) != fingerprint([1], 2, 3)


def test_a_kept_map_is_built_once_and_renders_the_same_each_run() -> None:
    map_cache._MAPS.clear()
    builds = []

    def build(x: float = 106.5):  # noqa: ANN202 - folium.Map
        builds.append(x)
        return build_map([layer(x)], lang="vi")

    first = cached_map(build, layer(), "vi")
    second = cached_map(build, layer(), "vi")
    assert len(builds) == 1 and first is not second
    # what st_folium sends is the same text: the browser keeps the map it has
    assert _get_map_string(first) == _get_map_string(second)
    third = cached_map(lambda: build(106.6), layer(x=106.6), "vi")
    assert len(builds) == 2 and _get_map_string(third) != _get_map_string(first)


def test_the_cache_keeps_at_most_its_size() -> None:
    map_cache._MAPS.clear()
    for i in range(map_cache.MAP_CACHE_SIZE + 5):
        map_cache.cached_page(lambda i=i: f"page {i}", i)
    assert len(map_cache._MAPS) == map_cache.MAP_CACHE_SIZE
    assert map_cache.cached_page(lambda: "new", map_cache.MAP_CACHE_SIZE + 4) == \
        f"page {map_cache.MAP_CACHE_SIZE + 4}"
