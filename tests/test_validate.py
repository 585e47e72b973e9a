"""Tests for layers.validate: repair, drops and the import report."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
import shapely
from shapely import wkt

from layers.validate import ImportReport, validate_geometries

BOWTIE = "POLYGON ((0 0, 2 2, 2 0, 0 2, 0 0))"
# A ring that touches itself at (2 4): an "inverted hole" GEOS calls invalid.
SELF_TOUCHING = "POLYGON ((0 0, 4 0, 4 4, 2 4, 3 2, 1 2, 2 4, 0 4, 0 0))"
SPIKE = "POLYGON ((0 0, 2 0, 2 2, 0 2, 0 0, -1 -1, 0 0))"
COLLAPSED_LINE = "LINESTRING (1 1, 1 1)"
SQUARE = "POLYGON ((10 10, 12 10, 12 12, 10 12, 10 10))"


def shoelace(coords: list[tuple[float, float]]) -> float:
    xs, ys = zip(*coords, strict=True)
    return abs(sum(xs[i] * ys[i + 1] - xs[i + 1] * ys[i] for i in range(len(xs) - 1))) / 2


def frame(geoms: list, index=None) -> gpd.GeoDataFrame:
    shapes = [wkt.loads(g) if isinstance(g, str) else g for g in geoms]
    return gpd.GeoDataFrame({"n": range(len(shapes))}, geometry=shapes, crs="EPSG:3405",
                            index=index)


def test_bowtie_is_split_into_two_triangles():
    out, rep = validate_geometries(frame([BOWTIE]))
    geom = out.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "MultiPolygon"
    # Two triangles with base 2 and height 1 each.
    assert geom.area == pytest.approx(2 * shoelace([(0, 0), (1, 1), (0, 2), (0, 0)]))
    assert (rep.repaired, rep.features_kept, rep.parts_dropped) == (1, 1, 0)


def test_self_touching_ring_becomes_polygon_with_hole():
    out, rep = validate_geometries(frame([SELF_TOUCHING]))
    geom = out.geometry.iloc[0]
    assert geom.is_valid and geom.geom_type == "Polygon"
    outer = shoelace([(0, 0), (4, 0), (4, 4), (0, 4), (0, 0)])
    hole = shoelace([(1, 2), (3, 2), (2, 4), (1, 2)])
    assert geom.area == pytest.approx(outer - hole)
    assert len(geom.interiors) == 1
    assert rep.repaired == 1


def test_spike_repair_keeps_only_the_polygon_part():
    assert shapely.make_valid(wkt.loads(SPIKE)).geom_type == "GeometryCollection"
    out, rep = validate_geometries(frame([SPIKE]))
    geom = out.geometry.iloc[0]
    assert geom.geom_type == "Polygon" and geom.area == pytest.approx(4.0)
    assert rep.repaired == 1 and rep.parts_dropped == 1
    assert rep.geometry_types == {"Polygon": 1}
    assert any("lower dimension" in w for w in rep.warnings)


def test_collapsed_line_is_dropped_not_turned_into_a_point():
    out, rep = validate_geometries(frame([COLLAPSED_LINE, "LINESTRING (0 0, 1 1)"]))
    assert list(out["n"]) == [1]
    assert rep.dropped_invalid == 1 and rep.repaired == 0
    assert rep.features_read == 2 and rep.features_kept == 1


def test_empties_and_nones_are_dropped_and_index_reset():
    gdf = frame([SQUARE, None, "POLYGON EMPTY", "POINT EMPTY", SQUARE],
                index=[10, 20, 30, 40, 50])
    out, rep = validate_geometries(gdf)
    assert list(out.index) == [0, 1]
    assert list(out["n"]) == [0, 4]
    assert rep.dropped_empty == 3 and rep.features_kept == 2
    assert out.crs == gdf.crs


def test_valid_geometries_are_untouched():
    gdf = frame([SQUARE, "LINESTRING (0 0, 3 1)", "POINT (5 5)"])
    out, rep = validate_geometries(gdf)
    assert all(a.equals_exact(b, 0) for a, b in zip(out.geometry, gdf.geometry, strict=True))
    assert rep.repaired == 0 and rep.warnings[-1].startswith("The layer mixes")


def test_mixed_types_reported():
    gdf = frame([SQUARE, "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))", "POINT (1 1)"])
    _, rep = validate_geometries(gdf)
    assert rep.mixed_types
    assert rep.geometry_types == {"MultiPolygon": 1, "Point": 1, "Polygon": 1}
    _, same = validate_geometries(frame([SQUARE, "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)))"]))
    assert not same.mixed_types


def test_geometry_collection_keeps_its_highest_dimension():
    gc = "GEOMETRYCOLLECTION (POINT (9 9), LINESTRING (0 0, 1 1), LINESTRING (2 2, 3 3))"
    out, rep = validate_geometries(frame([gc]))
    assert out.geometry.iloc[0].geom_type == "MultiLineString"
    assert out.geometry.iloc[0].length == pytest.approx(2 * 2 ** 0.5)
    assert rep.parts_dropped == 1 and rep.repaired == 0


def test_empty_frame_and_report_as_dict():
    out, rep = validate_geometries(frame([]))
    assert len(out) == 0 and rep.features_read == 0 and rep.geometry_types == {}
    _, rep = validate_geometries(frame([BOWTIE, None]))
    rep.unknown_columns = ["ghi_chu"]
    data = rep.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["repaired"] == 1 and data["dropped_empty"] == 1
    assert data["unknown_columns"] == ["ghi_chu"]
    assert isinstance(rep, ImportReport)


def test_warnings_are_notes_in_both_languages() -> None:
    _, report = validate_geometries(frame([BOWTIE, None, SQUARE]))
    texts = [str(w) for w in report.warnings]
    assert "1 feature(s) without geometry (null or empty) were left out." in texts
    assert [w.key for w in report.warnings] == ["dropped_empty", "repaired"]
    assert report.warnings[1].text("vi").startswith("1 hình học không hợp lệ đã được sửa")


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_geometry_geos_cannot_process_names_its_feature() -> None:
    from layers.errors import LayerError

    nan_ring = shapely.Polygon([(0, 0), (1, 0), (1, float("nan")), (0, 0)])
    with pytest.raises(LayerError) as info:
        validate_geometries(frame([None, SQUARE, nan_ring]), where="xa.geojson")
    assert info.value.key == "geometry_unreadable"
    assert "feature 3" in str(info.value) and "đối tượng thứ 3" in info.value.text("vi")
