"""Big layers as vector tiles (layers/tiles.py, maps/vector_tiles.py, maps/viewport.py).

Tiles are read back with GDAL's MVT reader and compared with a brute-force shapely
intersection of the features with the tile's Web Mercator square, computed here from the
tile's z/x/y (the spherical Mercator world is 2 x 20,037,508.34 m wide).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from pyproj import Transformer

from layers.errors import LayerError
from layers.tiles import (
    COMPLETE,
    MAX_TILE_POINTS,
    MAX_ZOOM,
    TILE_LAYER,
    cut_tiles,
    prune_sets,
    ready,
    tile_key,
    tiles_root,
)
from maps.styling import MapLayer
from maps.vector_tiles import popup_fields, tile_styles
from maps.viewport import BIG_LAYER_FEATURES, split_big, tiles_map

HALF_WORLD = math.pi * 6_378_137.0  # 20,037,508.34 m: half the spherical Mercator world
TILE_EXTENT = 4096  # GDAL's default grid of a tile (EXTENT)


def points(n: int, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame({"name": [f"Điểm {i}" for i in range(n)],
                             "height_m": rng.uniform(100, 900, n).round(1)},
                            geometry=shapely.points(rng.uniform(106.0, 107.4, n),
                                                    rng.uniform(21.3, 22.5, n)),
                            crs="EPSG:4326")


def squares(side: int) -> gpd.GeoDataFrame:
    """A coverage of side x side squares of 0.01 degree over Lạng Sơn."""
    x, y = np.meshgrid(np.arange(side) * 0.01 + 106.2, np.arange(side) * 0.01 + 21.5)
    boxes = shapely.box(x.ravel(), y.ravel(), x.ravel() + 0.01, y.ravel() + 0.01)
    return gpd.GeoDataFrame({"name": [f"Ô {i}" for i in range(side * side)]},
                            geometry=boxes, crs="EPSG:4326")


def tile_box(z: int, x: int, y: int) -> shapely.Polygon:
    """The Web Mercator square of tile z/x/y (y counted from the north)."""
    size = 2 * HALF_WORLD / 2 ** z
    west, north = -HALF_WORLD + x * size, HALF_WORLD - y * size
    return shapely.box(west, north - size, west + size, north)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The tile holding a point: the slippy-map formula in degrees."""
    n = 2 ** z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def read_tile(root: Path, key: str, z: int, x: int, y: int) -> gpd.GeoDataFrame:
    return pyogrio.read_dataframe(root / key / str(z) / str(x) / f"{y}.pbf", layer=TILE_LAYER)


def test_tile_square_matches_pyproj() -> None:
    # the tile of Lạng Sơn city at zoom 10 holds the city's point in Web Mercator
    lon, lat = 106.76, 21.85
    x, y = tile_of(lon, lat, 10)
    mx, my = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(lon, lat)
    assert tile_box(10, x, y).contains(shapely.Point(mx, my))


def test_a_tile_holds_exactly_the_points_in_its_square(tmp_path: Path) -> None:
    pts = points(8_000)
    tiles = cut_tiles(pts, "pts", columns=["name", "height_m"], root=tmp_path)
    assert tiles.features == len(pts) and tiles.columns == ("name", "height_m")
    check_tiles(tmp_path, "pts", pts, [(MAX_ZOOM, 106.7, 21.9), (MAX_ZOOM, 107.1, 22.3)])
    few = points(MAX_TILE_POINTS // 2, seed=3)  # under the limit: every zoom is exact
    cut_tiles(few, "few", columns=["name", "height_m"], root=tmp_path)
    check_tiles(tmp_path, "few", few, [(5, 106.7, 21.9), (9, 106.5, 22.1)])


def check_tiles(root: Path, key: str, pts: gpd.GeoDataFrame,
                where: list[tuple[int, float, float]]) -> None:
    """The tiles at ``where`` (zoom, lon, lat) hold the points of their squares, no more."""
    mercator = pts.to_crs("EPSG:3857")
    for z, lon, lat in where:
        x, y = tile_of(lon, lat, z)
        got = read_tile(root, key, z, x, y)
        box = tile_box(z, x, y)
        unit = (box.bounds[2] - box.bounds[0]) / TILE_EXTENT  # GDAL's grid in the tile
        expected = mercator[mercator.intersects(box)]
        sure = set(mercator["name"][mercator.within(box.buffer(-unit, join_style="mitre"))])
        near = set(mercator["name"][mercator.intersects(box.buffer(unit, join_style="mitre"))])
        assert 0 < len(expected) < MAX_TILE_POINTS
        assert len(near) - len(sure) <= max(5, len(expected) // 50)  # few on the edge
        assert sure <= set(got["name"]) <= near  # exact but for points on the grid's edge
        assert len(set(got["name"])) == len(got)
        heights = dict(zip(expected["name"], expected["height_m"], strict=True))
        assert all(h == pytest.approx(heights[n]) for n, h in
                   zip(got["name"], got["height_m"], strict=True) if n in heights)


def test_a_far_out_tile_keeps_at_most_the_point_limit(tmp_path: Path) -> None:
    pts = points(MAX_TILE_POINTS * 3)
    cut_tiles(pts, "many", columns=["name"], root=tmp_path)
    x, y = tile_of(106.7, 21.9, 3)  # one tile holds every point
    assert tile_box(3, x, y).contains(shapely.box(*pts.to_crs("EPSG:3857").total_bounds))
    got = read_tile(tmp_path, "many", 3, x, y)
    assert 0 < len(got) <= MAX_TILE_POINTS
    assert set(got["name"]) <= set(pts["name"])  # a sample of the layer, nothing made up


def test_a_tile_holds_exactly_the_areas_crossing_its_square(tmp_path: Path) -> None:
    cells = squares(60)
    cut_tiles(cells, "cells", columns=["name"], root=tmp_path)
    z = MAX_ZOOM
    x, y = tile_of(106.45, 21.75, z)
    got = read_tile(tmp_path, "cells", z, x, y)
    box = tile_box(z, x, y)
    mercator = cells.to_crs("EPSG:3857")
    # areas that share more than a sliver with the tile (GDAL's grid rounds the edges)
    overlap = mercator.intersection(box).area / mercator.area
    inside = set(mercator["name"][overlap > 0.01])
    touching = set(mercator["name"][mercator.intersects(box)])
    assert len(inside) > 10
    assert inside <= set(got["name"]) <= touching


def test_a_complete_set_is_reused_not_cut_again(tmp_path: Path) -> None:
    pts = points(500)
    first = cut_tiles(pts, "once", columns=["name"], root=tmp_path)
    tile = next((tmp_path / "once").rglob("*.pbf"))
    stamp = tile.stat().st_mtime_ns
    again = cut_tiles(points(600, seed=2), "once", columns=["name"], root=tmp_path)
    assert again == first and again.features == 500  # the set already cut
    assert tile.stat().st_mtime_ns == stamp  # not written again
    assert [p.name for p in tmp_path.iterdir()] == ["once"]  # no temporary folder left


def test_old_sets_go_beyond_the_most_recently_used(tmp_path: Path) -> None:
    import os

    pts = points(50)
    for i in range(4):
        cut_tiles(pts, f"set{i}", root=tmp_path)
        os.utime(tmp_path / f"set{i}" / COMPLETE, (1000 + i, 1000 + i))
    cut_tiles(pts, "set0", root=tmp_path)  # used again: now the most recent
    assert sorted(prune_sets(tmp_path, keep=2)) == ["set1", "set2"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["set0", "set3"]
    (tmp_path / ".partial").mkdir()  # a set being cut is not a complete one: left alone
    assert prune_sets(tmp_path, keep=0, keep_key="set3") == ["set0"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [".partial", "set3"]


def test_a_half_written_set_is_never_used(tmp_path: Path) -> None:
    half = tmp_path / "half" / "10" / "0"
    half.mkdir(parents=True)
    (half / "0.pbf").write_bytes(b"not a tile")
    assert ready("half", tmp_path) is None
    tiles = cut_tiles(points(300), "half", columns=["name"], root=tmp_path)
    assert tiles.features == 300
    assert not (half / "0.pbf").exists()  # the partial set was replaced
    done = json.loads((tmp_path / "half" / COMPLETE).read_text(encoding="utf-8"))
    assert done["features"] == 300 and done["maxzoom"] == MAX_ZOOM


def test_a_failed_cut_says_so_without_the_path(tmp_path: Path) -> None:
    root = tmp_path / "not_a_folder"
    root.write_text("a file where the tiles should go", encoding="utf-8")
    with pytest.raises(LayerError) as err:
        cut_tiles(points(10), "x", columns=["name"], root=root, name="Điểm")
    assert err.value.key == "tiles_failed"
    for language in ("vi", "en"):
        text = err.value.text(language)
        assert "Điểm" in text and "static/tiles/" in text and str(tmp_path) not in text
    assert ready("x", root) is None


def test_a_gdal_failure_says_so_without_the_path(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise pyogrio.errors.DataSourceError(f"{tmp_path}/secret: No space left on device")

    monkeypatch.setattr(pyogrio, "write_dataframe", fail)
    with pytest.raises(LayerError) as err:
        cut_tiles(points(10), "gdal", columns=["name"], root=tmp_path, name="Điểm")
    vi, en = err.value.text("vi"), err.value.text("en")
    assert "GDAL báo lỗi" in vi and "GDAL failed" in en and "Điểm" in vi
    assert str(tmp_path) not in vi + en
    assert ready("gdal", tmp_path) is None and list(tmp_path.iterdir()) == []


def test_keys_differ_by_version_and_columns() -> None:
    a = tile_key("p.gpkg", "diem__v1", ("name",))
    assert a == tile_key("p.gpkg", "diem__v1", ("name",))
    assert len({a, tile_key("p.gpkg", "diem__v2", ("name",)),
                tile_key("p.gpkg", "diem__v1", ("name", "height_m")),
                tile_key("q.gpkg", "diem__v1", ("name",))}) == 4


def test_only_layers_over_the_limit_are_big() -> None:
    small = MapLayer("nhỏ", "high_point", points(BIG_LAYER_FEATURES))
    big = MapLayer("lớn", "high_point", points(BIG_LAYER_FEATURES + 1))
    assert split_big([small, big]) == ([small], [big])


def test_styles_are_the_normal_maps(tmp_path: Path) -> None:
    layer = MapLayer("Điểm", "high_point", points(10))
    styles = tile_styles(layer)
    assert styles[1]["fill"] and styles[3]["fill"] and not styles[2]["fill"]
    assert styles[1]["radius"] > 0
    assert {"color", "weight", "fillColor", "fillOpacity"} <= set(styles[3])


def test_the_map_page_draws_big_layers_from_their_tiles(tmp_path: Path) -> None:
    big = MapLayer("Điểm lớn", "high_point", points(BIG_LAYER_FEATURES + 1))
    small = MapLayer("Ô nhỏ", "admin_unit", squares(3))
    fields = popup_fields(big, lang="vi")
    tiles = cut_tiles(big.gdf, "page", columns=[c for c, _ in fields], root=tmp_path)
    html = tiles_map([small], [big], {big.name: tiles}, lang="vi").get_root().render()
    assert "/app/static/leaflet-vectorgrid/Leaflet.VectorGrid.bundled.min.js" in html
    assert html.index("leaflet/leaflet.js") < html.index("Leaflet.VectorGrid")
    assert tiles.url() in html
    assert "Điểm 5000" not in html  # the big layer's features are not in the page
    assert json.dumps("Ô 8")[1:-1] in html or "Ô 8" in html  # the small layer's are
    assert len(html) < 200_000
    labels = [label for _, label in fields]
    assert labels and json.dumps(labels) in html  # the popup's labels


def project_tile_sets(project: Path) -> list[Path]:
    """The tile sets the app cuts for the big layers of ``project`` (whether cut or not)."""
    from layers.store import ProjectStore
    from maps.project import store_layers
    from planning.project import Project
    from ui.map_pages import tiles_key

    proj = Project(ProjectStore(project))
    _, big = split_big(store_layers(proj.reader))
    return [tiles_root() / tiles_key(proj, layer)[0] for layer in big]


def test_tile_attributes_are_text_as_the_normal_popups_show_them() -> None:
    import datetime as dt

    import pandas as pd

    from layers.tiles import tile_frame
    from maps.display import json_value

    when = [pd.Timestamp("2024-01-01"), pd.Timestamp("2025-06-30 08:15"), pd.NaT]
    day = [dt.date(2024, 1, 1), None, dt.date(2026, 12, 2)]
    gdf = gpd.GeoDataFrame({"when": when, "day": day, "n": [1, 2, 3], "name": ["a", None, "c"]},
                           geometry=[shapely.Point(106.7, 21.8)] * 3, crs=4326)
    got = tile_frame(gdf, ["when", "day", "n", "name"]).sort_values("n")
    for column in ("when", "day", "name"):
        expected = [json_value(v) for v in gdf[column]]
        assert list(got[column]) == expected, column
    assert list(got["n"]) == [1, 2, 3]
