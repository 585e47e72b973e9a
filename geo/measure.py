"""Lengths, areas and perimeters of shapes given in longitude/latitude (EPSG:4326).

The measure tool of the working map draws in WGS 84 degrees; :func:`measure` projects the
shape to the metric CRS of the analyses (:data:`geo.settings.metric_crs`, VN-2000 / UTM
48N by default, so a drawn polygon measures as the appraisal measures it), or to the
shape's own WGS 84 UTM zone when that setting is ``None``, and measures there, never in
degrees. In Lạng Sơn, EPSG:3405 lengths and areas are within 0.1 % of the geodesic ones
(``pyproj.Geod``); far east of 108°E set ``metric_crs = "EPSG:3406"`` (or ``None``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import pyproj
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo import settings
from geo.errors import AnalysisInputError

_SHAPES = {"Point": "point", "MultiPoint": "point", "LineString": "line",
           "MultiLineString": "line", "LinearRing": "line", "Polygon": "polygon",
           "MultiPolygon": "polygon"}


@dataclass(frozen=True)
class Measurement:
    """The size of one shape.

    Attributes
    ----------
    shape : str
        ``"point"``, ``"line"`` or ``"polygon"``.
    length_m : float or None
        Length of a line (metres); ``None`` for points and polygons.
    area_m2 : float or None
        Area of a polygon (m², holes taken out); ``None`` otherwise.
    perimeter_m : float or None
        Perimeter of a polygon (metres, holes' rings included); ``None`` otherwise.
    crs : str
        The metric CRS measured in, e.g. ``"EPSG:3405"``.
    """

    shape: str
    length_m: float | None
    area_m2: float | None
    perimeter_m: float | None
    crs: str


def measure(geometry: BaseGeometry | Mapping, *, crs: object = None) -> Measurement:
    """Measure a shape given in longitude/latitude (EPSG:4326).

    Parameters
    ----------
    geometry : shapely geometry or mapping
        A point, line or polygon (or their multi forms), as a shapely geometry or a
        GeoJSON geometry or feature (what the map's drawing tool returns).
    crs : optional
        Metric CRS to measure in; :data:`geo.settings.metric_crs` by default (its
        ``None`` means the shape's WGS 84 UTM zone).

    Returns
    -------
    Measurement
        The length of a line, or the area and perimeter of a polygon, in metres.

    Raises
    ------
    AnalysisInputError
        If ``geometry`` is not a geometry, is empty, has coordinates outside
        longitude/latitude ranges, is an invalid polygon (a ring that crosses itself),
        or ``crs`` is not a projected CRS in metres.
    """
    geom = _geometry(geometry)
    metric = _metric_crs(geom, crs)
    projected = gpd.GeoSeries([geom], crs="EPSG:4326").to_crs(metric).iloc[0]
    kind = _SHAPES[geom.geom_type]
    code = _code(metric)
    if kind == "line":
        return Measurement(kind, float(projected.length), None, None, code)
    if kind == "polygon":
        return Measurement(kind, None, float(projected.area), float(projected.length), code)
    return Measurement(kind, None, None, None, code)


def length_m(geometry: BaseGeometry | Mapping, *, crs: object = None) -> float:
    """Return the length (m) of a line in EPSG:4326; see :func:`measure`.

    Raises
    ------
    AnalysisInputError
        As :func:`measure`, and if the shape is not a line.
    """
    return _value(measure(geometry, crs=crs), "length_m", "line")


def area_m2(geometry: BaseGeometry | Mapping, *, crs: object = None) -> float:
    """Return the area (m²) of a polygon in EPSG:4326; see :func:`measure`.

    Raises
    ------
    AnalysisInputError
        As :func:`measure`, and if the shape is not a polygon.
    """
    return _value(measure(geometry, crs=crs), "area_m2", "polygon")


def perimeter_m(geometry: BaseGeometry | Mapping, *, crs: object = None) -> float:
    """Return the perimeter (m) of a polygon in EPSG:4326; see :func:`measure`.

    Raises
    ------
    AnalysisInputError
        As :func:`measure`, and if the shape is not a polygon.
    """
    return _value(measure(geometry, crs=crs), "perimeter_m", "polygon")


def _value(found: Measurement, name: str, wanted: str) -> float:
    value = getattr(found, name)
    if value is None:
        msg = f"{name} needs a {wanted}, not a {found.shape}; use measure() for any shape."
        raise AnalysisInputError(msg)
    return value


def _geometry(value: BaseGeometry | Mapping) -> BaseGeometry:
    """Return ``value`` as a checked shapely geometry in longitude/latitude."""
    geom = value
    if isinstance(value, Mapping):
        data = value.get("geometry", value) if value.get("type") == "Feature" else value
        try:
            geom = shape(data)
        except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
            geom = None
    if not isinstance(geom, BaseGeometry) or geom.geom_type not in _SHAPES:
        msg = (f"Expected a point, line or polygon (a shapely geometry or GeoJSON), not "
               f"{type(value).__name__}.")
        raise AnalysisInputError(msg)
    if geom.is_empty:
        raise AnalysisInputError("The shape is empty: draw at least two points of a line or "
                                 "three corners of a polygon.")
    west, south, east, north = geom.bounds
    if not (all(map(math.isfinite, geom.bounds)) and -180 <= west <= east <= 180
            and -90 <= south <= north <= 90):
        msg = (f"The shape's coordinates {geom.bounds} are not longitude/latitude degrees: "
               "give it in EPSG:4326 (reproject first, e.g. gdf.to_crs(4326)).")
        raise AnalysisInputError(msg)
    if _SHAPES[geom.geom_type] == "polygon" and not geom.is_valid:
        msg = (f"The polygon is not valid ({shapely.is_valid_reason(geom)}): its outline must "
               "not cross itself. Redraw it, or repair it with shapely.make_valid.")
        raise AnalysisInputError(msg)
    return geom


def _metric_crs(geom: BaseGeometry, crs: object) -> pyproj.CRS:
    chosen = settings.metric_crs if crs is None else crs
    if chosen is None:
        return gpd.GeoSeries([geom], crs="EPSG:4326").estimate_utm_crs()
    try:
        metric = pyproj.CRS.from_user_input(chosen)
    except pyproj.exceptions.CRSError as exc:
        msg = f"crs {chosen!r} is not a coordinate reference system; use e.g. 'EPSG:3405'."
        raise AnalysisInputError(msg) from exc
    if not metric.is_projected or any(abs(a.unit_conversion_factor - 1) > 1e-12
                                      for a in metric.axis_info):
        msg = (f"crs {metric.name!r} is not a projected CRS in metres; use e.g. 'EPSG:3405' "
               "(VN-2000 / UTM 48N).")
        raise AnalysisInputError(msg)
    return metric


def _code(crs: pyproj.CRS) -> str:
    auth = crs.to_authority(min_confidence=90)
    return f"{auth[0]}:{auth[1]}" if auth else crs.name
