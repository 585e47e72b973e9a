"""geo.measure: lengths, areas and perimeters in a metric CRS, checked against pyproj.Geod."""

from __future__ import annotations

import pyproj
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping

from geo import measure as ms
from geo import settings
from geo.errors import AnalysisInputError
from layers.basemap import real_layer

GEOD = pyproj.Geod(ellps="WGS84")
TOLERANCE = 0.001  # 0.1 %

ROAD = LineString([(106.761, 21.853), (106.79, 21.87), (106.83, 21.86), (106.9, 21.91),
                   (107.02, 21.95), (107.3, 22.1)])
SQUARE = Polygon([(106.70, 21.80), (106.75, 21.80), (106.75, 21.85), (106.70, 21.85)])
WITH_HOLE = Polygon([(106.3, 21.6), (106.5, 21.58), (106.55, 21.75), (106.35, 21.8)],
                    [[(106.4, 21.65), (106.45, 21.65), (106.45, 21.7), (106.4, 21.7)]])


def relative(a: float, b: float) -> float:
    return abs(a - b) / b


def geod_area_perimeter(geom: Polygon | MultiPolygon) -> tuple[float, float]:
    """Geodesic area (rings oriented as pyproj expects: holes subtract) and length of every
    ring (pyproj's own perimeter counts the exterior rings only)."""
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom, exterior_cw=False))
    rings = shapely.get_rings(shapely.get_parts(geom))
    return abs(area), sum(GEOD.geometry_length(ring) for ring in rings)


@pytest.mark.parametrize("line", [ROAD, LineString([(106.75, 21.85), (106.7501, 21.8502)])])
def test_line_length_against_geod(line: LineString) -> None:
    found = ms.measure(line)
    assert found.shape == "line" and found.crs == "EPSG:3405"
    assert found.area_m2 is None and found.perimeter_m is None
    assert relative(found.length_m, GEOD.geometry_length(line)) < TOLERANCE
    assert ms.length_m(line) == found.length_m


@pytest.mark.parametrize("polygon", [SQUARE, WITH_HOLE], ids=["square", "with_hole"])
def test_polygon_area_and_perimeter_against_geod(polygon: Polygon) -> None:
    found = ms.measure(polygon)
    area, perimeter = geod_area_perimeter(polygon)
    assert found.shape == "polygon" and found.length_m is None
    assert relative(found.area_m2, area) < TOLERANCE
    assert relative(found.perimeter_m, perimeter) < TOLERANCE
    assert ms.area_m2(polygon) == found.area_m2 and ms.perimeter_m(polygon) == found.perimeter_m


def test_the_whole_province() -> None:
    province = real_layer("province").geometry.iloc[0]
    area, perimeter = geod_area_perimeter(province)
    found = ms.measure(province)
    assert 8.0e9 < found.area_m2 < 8.6e9  # Lạng Sơn: about 8,310 km²
    assert relative(found.area_m2, area) < TOLERANCE
    assert relative(found.perimeter_m, perimeter) < TOLERANCE


def test_geojson_from_the_drawing_tool() -> None:
    feature = {"type": "Feature", "properties": {}, "geometry": mapping(SQUARE)}
    assert ms.area_m2(feature) == pytest.approx(ms.area_m2(SQUARE))
    assert ms.area_m2(mapping(SQUARE)) == pytest.approx(ms.area_m2(SQUARE))


def test_local_utm_when_the_setting_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    far_east = Polygon([(109.15, 12.2), (109.2, 12.2), (109.2, 12.26), (109.15, 12.26)])
    area, _ = geod_area_perimeter(far_east)
    assert relative(ms.area_m2(far_east), area) > TOLERANCE  # EPSG:3405 is stretched there
    monkeypatch.setattr(settings, "metric_crs", None)
    found = ms.measure(far_east)
    assert found.crs == "EPSG:32649"
    assert relative(found.area_m2, area) < TOLERANCE


def test_crs_given_per_call() -> None:
    found = ms.measure(SQUARE, crs="EPSG:9215")
    assert found.crs == "EPSG:9215"
    assert relative(found.area_m2, geod_area_perimeter(SQUARE)[0]) < TOLERANCE


def test_a_point_has_no_size() -> None:
    found = ms.measure(Point(106.75, 21.85))
    assert (found.shape, found.length_m, found.area_m2, found.perimeter_m) == \
        ("point", None, None, None)


@pytest.mark.parametrize(("call", "words"), [
    (lambda: ms.measure(Polygon()), "empty"),
    (lambda: ms.measure("POLYGON ((0 0, 1 0, 1 1, 0 0))"), "Expected a point, line"),
    (lambda: ms.measure({"type": "Polygon", "coordinates": "x"}), "Expected a point, line"),
    (lambda: ms.measure(LineString([(680000, 2417000), (681000, 2417000)])),
     "not longitude/latitude"),
    (lambda: ms.measure(Polygon([(106.7, 21.8), (106.8, 21.9), (106.8, 21.8), (106.7, 21.9)])),
     "must not cross itself"),
    (lambda: ms.area_m2(ROAD), "area_m2 needs a polygon, not a line"),
    (lambda: ms.length_m(SQUARE), "length_m needs a line, not a polygon"),
    (lambda: ms.measure(SQUARE, crs="EPSG:4326"), "not a projected CRS in metres"),
    (lambda: ms.measure(SQUARE, crs="no such crs"), "not a coordinate reference system"),
])
def test_bad_input(call, words: str) -> None:  # noqa: ANN001 - a lambda
    with pytest.raises(AnalysisInputError, match=words):
        call()
