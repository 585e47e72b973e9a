"""What the web map sends to the browser: features as drawn, not as stored.

**The displayed geometry differs from the stored one, on the web map only.** Lines and
outlines are simplified in a metric CRS with a tolerance of :data:`DISPLAY_TOLERANCE_M`
(administrative units as a coverage, so that borders shared by two units stay one line),
then coordinates are rounded to :data:`COORD_DECIMALS`. Both changes stay well below a
screen pixel at the zooms a planner uses (a pixel is about 4.4 m at zoom 15, the closest
:func:`maps.project_map.build_map` opens on data, and 2.2 m at zoom 16, at 22° N). Every
analysis, label position, area, bound, export of data, printed map and QGIS project uses
the stored geometry; only the GeoJSON embedded in a web map page is built here.

Only the attributes a popup or a tooltip shows are sent, and :class:`FeatureLayer` puts
the features into the page as compact JSON, without the second template pass folium
gives an element's script.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import Element
from folium.map import Layer
from jinja2.utils import htmlsafe_json_dumps
from pyproj import CRS

from maps.kept import kept
from maps.shared_data import shared_of

COORD_DECIMALS = 5
"""Decimals kept of each coordinate in the page (at most 0.56 m of latitude)."""

DISPLAY_TOLERANCE_M = 1.0
"""Simplification tolerance (metres, in the metric CRS) of the lines and outlines drawn:
a fifth of a pixel at zoom 15, under half a pixel at zoom 16 (at zoom 18, Leaflet's
deepest, a dense outline may be a pixel or two off). For a coverage of administrative
units (Visvalingam–Whyatt, :func:`shapely.coverage_simplify`) the corners removed are
triangles of less than about this squared (1 m²)."""

SPARSE_SPACING_M = 20.0
"""A layer whose vertices are on average this far apart (metres) or more is not
simplified: at :data:`DISPLAY_TOLERANCE_M` that would remove next to nothing (0.2 % of
the vertices of the demo's outlines, which have one every 100 m or so)."""

_POINT_TYPES = (0, 4)  # shapely type ids of Point and MultiPoint: nothing to simplify
_POLYGON_TYPES = (3, 6)


def feature_collection(gdf: gpd.GeoDataFrame, columns: Sequence[str], *,
                       metric: CRS | str | None = None, coverage: bool = False,
                       tolerance_m: float = DISPLAY_TOLERANCE_M) -> dict:
    """Return the GeoJSON FeatureCollection of ``gdf`` as the web map draws it.

    Parameters
    ----------
    gdf : GeoDataFrame
        Features in EPSG:4326, no missing or empty geometry.
    columns : sequence of str
        Attributes sent (those a popup or tooltip shows), as JSON-safe values.
    metric : CRS or str, optional
        Metric CRS of the simplification (:func:`display_geometries`); none without it.
    coverage : bool
        Whether the polygons form a coverage (administrative units).
    tolerance_m : float
        Simplification tolerance (metres); larger for a map drawn at a far zoom only
        (the basemap).

    Returns
    -------
    dict
        The collection; a feature's ``id`` is its index label when the index is unique
        and of strings or integers, else its position.
    """
    return _collection(gdf, columns, metric=metric, coverage=coverage,
                       tolerance_m=tolerance_m)


def kept_collection(source: gpd.GeoDataFrame, gdf: gpd.GeoDataFrame, columns: Sequence[str],
                    *, metric: CRS | str | None = None, coverage: bool = False,
                    tolerance_m: float = DISPLAY_TOLERANCE_M) -> dict:
    """Return :func:`feature_collection` of ``gdf``, kept while ``source`` lives.

    ``gdf`` is what ``source`` (a layer's frame as a page passed it) becomes to be drawn.
    Frames that live across reruns (the basemap, a layer of the project's inputs, a kept
    analysis result) are drawn into every map from the same collection; a frame made
    afresh is a miss and costs what a build costs. The collection is shared: do not
    change it, nor ``source`` in place.
    """
    key = ("collection", tuple(columns), None if metric is None else str(metric), coverage,
           tolerance_m)
    return kept(source, key, lambda: _collection(gdf, columns, metric=metric,
                                                 coverage=coverage, tolerance_m=tolerance_m))


def _collection(gdf: gpd.GeoDataFrame, columns: Sequence[str], *, metric: CRS | str | None,
                coverage: bool, tolerance_m: float) -> dict:
    """Build the collection of :func:`feature_collection`."""
    geoms = display_geometries(gdf, metric, coverage=coverage, tolerance_m=tolerance_m)
    props = {c: json_values(gdf[c]) or [None] * len(gdf) for c in columns}
    ids = gdf.index if gdf.index.is_unique else pd.RangeIndex(len(gdf))
    features = []
    for i, (geom, fid) in enumerate(zip(geoms, ids, strict=True)):
        fid = json_value(fid) if pd.api.types.is_scalar(fid) else None
        features.append({
            "type": "Feature",
            "id": fid if isinstance(fid, (str, int)) and not isinstance(fid, bool) else i,
            "properties": {c: props[c][i] for c in columns},
            "geometry": shapely.geometry.mapping(geom),
        })
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": features}
    if len(geoms):  # GeoJSON's own bbox member: the map's bounds without a walk in Python
        west, south, east, north = (float(v) for v in shapely.total_bounds(geoms))
        if all(map(math.isfinite, (west, south, east, north))):
            collection["bbox"] = [west, south, east, north]
    return collection


def display_geometries(gdf: gpd.GeoDataFrame, metric: CRS | str | None, *,
                       coverage: bool = False,
                       tolerance_m: float = DISPLAY_TOLERANCE_M) -> np.ndarray:
    """Return the geometries of ``gdf`` (EPSG:4326) simplified for display and rounded.

    Parameters
    ----------
    gdf : GeoDataFrame
        Features in EPSG:4326.
    metric : CRS or str or None
        Metric CRS (e.g. :func:`display_crs`) in which lines and outlines are simplified
        by :data:`DISPLAY_TOLERANCE_M`; ``None``: only rounded.
    coverage : bool
        Simplify polygons as a coverage (shared edges simplified once, alike on both
        sides), falling back to one polygon at a time if GEOS refuses them.
    tolerance_m : float
        Simplification tolerance (metres); the sparse screen scales with it.

    Returns
    -------
    ndarray of shapely geometries
        In EPSG:4326, coordinates rounded to :data:`COORD_DECIMALS`. A layer whose
        vertices are on average :data:`SPARSE_SPACING_M` apart or more is only rounded.
        Never used for analyses or exports (see the module's note).
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    if metric is not None and len(geoms):
        shaped = ~np.isin(shapely.get_type_id(geoms), _POINT_TYPES)
        simplified = _simplified(gdf.geometry[shaped], metric, coverage=coverage,
                                 tolerance_m=tolerance_m) if shaped.any() else None
        if simplified is not None:
            geoms = geoms.copy()
            geoms[shaped] = simplified
    return shapely.transform(geoms, lambda c: np.round(c, COORD_DECIMALS))


def display_crs(lon: float, lat: float) -> str:
    """Return the WGS 84 / UTM zone of a point, the metric CRS of display simplification.

    A plain projection (no datum shift), so a round trip is quick; for analyses the
    project's metric CRS (:data:`geo.settings.metric_crs`) is used instead.
    """
    zone = min(max(int((lon + 180.0) // 6.0) + 1, 1), 60)
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def _simplified(geoms: gpd.GeoSeries, metric: CRS | str, *, coverage: bool,
                tolerance_m: float = DISPLAY_TOLERANCE_M) -> np.ndarray | None:
    """Return lines and outlines simplified in ``metric``, back in EPSG:4326.

    ``None`` when their vertices are too far apart for the tolerance to matter.
    """
    if _sparse(geoms, SPARSE_SPACING_M * tolerance_m / DISPLAY_TOLERANCE_M):
        return None
    projected = np.asarray(geoms.to_crs(metric).values, dtype=object)
    out = None
    if coverage and np.isin(shapely.get_type_id(projected), _POLYGON_TYPES).all():
        try:
            out = shapely.coverage_simplify(projected, tolerance_m)
        except shapely.errors.GEOSException:
            out = None  # not a coverage GEOS can read: one polygon at a time
    if out is None:
        out = shapely.simplify(projected, tolerance_m, preserve_topology=True)
    return np.asarray(gpd.GeoSeries(out, crs=metric).to_crs("EPSG:4326").values, dtype=object)


def _sparse(geoms: gpd.GeoSeries, spacing_m: float = SPARSE_SPACING_M) -> bool:
    """Whether the vertices of ``geoms`` (EPSG:4326) are on average ``spacing_m`` apart.

    A quick screen before any projection, not a measurement: degrees of length are
    turned into metres at most 111,320 m a degree and at least that times the cosine of
    the latitude, and the shorter reading decides, so a doubtful layer is simplified.
    """
    values = geoms.values
    count = int(shapely.get_num_coordinates(values).sum())
    if not count:
        return True
    _, south, _, north = geoms.total_bounds
    shrink = math.cos(math.radians(min(max(abs(south), abs(north)), 89.0)))
    return shapely.length(values).sum() * 111_320.0 * shrink / count >= spacing_m


def json_values(values: pd.Series) -> list[Any] | None:
    """Return the values as JSON data, or None if one of them is not (the column is dropped).

    Whole columns of numbers, flags and text are converted at once; other columns (dates,
    mixed objects…) value by value (:func:`json_value`), with the same result.
    """
    fast = _json_column(values)
    if fast is not None:
        return fast
    try:
        return [json_value(v) for v in values]
    except TypeError:
        return None


def _json_column(values: pd.Series) -> list[Any] | None:
    """Return a column of numbers, flags or text as JSON data at once (None: another kind)."""
    dtype = values.dtype
    if pd.api.types.is_float_dtype(dtype):
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        out = numbers.tolist()
        for i in np.flatnonzero(~np.isfinite(numbers)).tolist():
            out[i] = None
        return out
    if (pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)) \
            and not values.isna().any():
        return values.to_numpy().tolist()
    if isinstance(dtype, pd.StringDtype) or (isinstance(dtype, pd.ArrowDtype)
                                             and pd.api.types.is_string_dtype(dtype)):
        return values.to_numpy(dtype=object, na_value=None).tolist()
    if pd.api.types.is_object_dtype(dtype):
        cells = values.to_numpy(dtype=object)
        if all(type(v) is str or v is None for v in cells):
            return cells.tolist()
    return None


def json_value(value: Any) -> Any:
    """Return ``value`` as a JSON value: NaN/NaT/NA → None, dates → ISO strings.

    Raises
    ------
    TypeError
        If the value has no JSON form (lists, bytes, geometries, …).
    """
    if isinstance(value, (str, bool)) or value is None:
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, (dt.date, dt.time, pd.Timestamp)):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return pd.Timestamp(value).isoformat()
    msg = f"{type(value).__name__} has no JSON form"
    raise TypeError(msg)


class _EmbedAfter(Layer):
    """The step of :class:`FeatureLayer` that folium's ``GeoJson.render`` runs last.

    It renders the script around a placeholder, then puts the features in its place.
    """

    def render(self, **kwargs: object) -> None:
        """Render the layer with its features in the page as compact JSON."""
        data, mark = self.data, f"kvpt-features-{self.get_name()}"
        self.data = mark  # what folium's template embeds (and reads again as a template)
        try:
            super().render(**kwargs)
        finally:
            self.data = data
        script, name = self.get_root().script, self.get_name()
        text = script._children[name].render()
        placeholder = json.dumps(mark)
        if placeholder in text:
            features = str(htmlsafe_json_dumps(data, dumps=json.dumps, separators=(",", ":"),
                                               sort_keys=True))
            shared = shared_of(self.get_root())  # a page of the app: features in a file
            if shared is not None:
                features = shared.reference(self.get_root(), features)
            script._children[name] = _Text(text.replace(placeholder, features, 1))


class FeatureLayer(folium.GeoJson, _EmbedAfter):
    """A ``folium.GeoJson`` that puts its features into the page as they are.

    Folium renders an element's script, then reads that text again as a Jinja template
    (branca's ``MacroElement.render``); with every coordinate inside, that pass took more
    time than the rest of the map and would read a ``{{`` in an attribute as template
    code. Here the features skip it, as compact JSON (no blanks). Otherwise the same
    as ``folium.GeoJson`` (styles, highlight, markers, layer control); the class order
    puts :class:`_EmbedAfter` between ``GeoJson`` and folium's ``Layer``. Its bounds are
    the collection's ``bbox`` (:func:`feature_collection`), not a walk over every
    coordinate in Python (which ``st_folium`` asks for on every run).
    """

    def _get_self_bounds(self) -> list[list[float | None]]:
        """Return ``[[south, west], [north, east]]`` from the collection's ``bbox``."""
        box = self.data.get("bbox") if isinstance(self.data, dict) else None
        if box is None:
            return super()._get_self_bounds()
        west, south, east, north = box
        return [[south, west], [north, east]]


class _Text(Element):
    """A piece of page text rendered as it is (not as a template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: object) -> str:
        """Return the text unchanged."""
        return self.text
