"""Big layers on the web map: only what the view shows, at the detail its zoom can show.

A layer of more than :data:`BIG_LAYER_FEATURES` features (a country's 11,163 communes, a
100,000-point inventory) is not put into the page whole: sending every feature makes a
page of tens of megabytes that a browser takes half a minute to draw, if at all. Instead
the map asks for the features in its view after every pan and zoom
(:mod:`ui.big_map`), and :meth:`BigLayer.part` answers with:

- **points**: the points in view, one by one when there are at most
  :data:`MAX_VIEW_POINTS`; otherwise grouped in cells of :data:`CLUSTER_PX` screen pixels,
  each group drawn as one circle labelled with its count (its position the mean of its
  points in Web Mercator, the projection of the screen, a multipoint counting once at
  the mean of its points);
- **lines and areas**: the features that cross the view, simplified by half a screen pixel
  of its zoom (:func:`pixel_m`), when there are at most :data:`MAX_VIEW_SHAPES`; else none
  and a note to zoom in (scale-dependent drawing, as in QGIS). Administrative units are
  simplified as a coverage (shared borders stay one line).

The view is padded by :data:`VIEW_PAD` of its size on every side so that a small pan
shows features already sent. What is drawn is for the screen only; analyses, exports and
prints use the stored features (see :mod:`maps.display`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from maps.project_map import build_map, overlay
from maps.styling import MapLayer, drawn_layers

BIG_LAYER_FEATURES = 5_000
"""A layer with more features than this is drawn by view (:class:`BigLayer`)."""

MAX_VIEW_POINTS = 2_000
"""At most this many points of a layer are drawn one by one in a view; more are grouped."""

MAX_VIEW_SHAPES = 3_000
"""At most this many lines or areas of a layer are drawn in a view; more: zoom in."""

CLUSTER_PX = 56
"""Side of the screen cells (pixels) in which points are grouped."""

VIEW_PAD = 0.25
"""Share of the view's width and height added on each side of the view."""

WEB_MERCATOR = "EPSG:3857"
_EQUATOR_M_PER_PX = 156_543.033_928  # metres per pixel of Web Mercator at zoom 0
_TO_MERCATOR = Transformer.from_crs("EPSG:4326", WEB_MERCATOR, always_xy=True)
_FROM_MERCATOR = Transformer.from_crs(WEB_MERCATOR, "EPSG:4326", always_xy=True)
_POINT_TYPES = (0, 4)


def pixel_m(zoom: float, lat: float) -> float:
    """Return the ground size of a screen pixel (metres) at ``zoom`` and latitude ``lat``.

    >>> round(pixel_m(15, 0.0), 3)
    4.777
    """
    return _EQUATOR_M_PER_PX * math.cos(math.radians(lat)) / 2.0 ** zoom


def is_big(layer: MapLayer) -> bool:
    """Whether ``layer`` has more features than :data:`BIG_LAYER_FEATURES`."""
    return len(layer.gdf) > BIG_LAYER_FEATURES


@dataclass(frozen=True)
class View:
    """What the map shows: bounds in degrees (EPSG:4326) and the zoom level."""

    west: float
    south: float
    east: float
    north: float
    zoom: float

    @classmethod
    def from_map(cls, state: object) -> View | None:
        """Return the view ``st_folium`` reported (its ``bounds`` and ``zoom``), if any."""
        if not isinstance(state, dict):
            return None
        bounds, zoom = state.get("bounds") or {}, state.get("zoom")
        try:
            sw, ne = bounds["_southWest"], bounds["_northEast"]
            view = cls(float(sw["lng"]), float(sw["lat"]), float(ne["lng"]),
                       float(ne["lat"]), float(zoom))
        except (KeyError, TypeError, ValueError):
            return None
        finite = all(map(math.isfinite, (view.west, view.south, view.east, view.north,
                                         view.zoom)))
        return view if finite and view.west < view.east and view.south < view.north \
            else None

    def padded(self) -> shapely.Polygon:
        """Return the view grown by :data:`VIEW_PAD` on every side, as a polygon."""
        dx, dy = (self.east - self.west) * VIEW_PAD, (self.north - self.south) * VIEW_PAD
        return shapely.box(self.west - dx, self.south - dy, self.east + dx, self.north + dy)

    @property
    def lat(self) -> float:
        """Latitude of the view's centre."""
        return (self.south + self.north) / 2.0


@dataclass
class ViewPart:
    """What a big layer draws in one view.

    Attributes
    ----------
    features : GeoDataFrame
        Features drawn one by one (EPSG:4326), as stored; ``tolerance_m`` says how
        much the map may simplify them.
    groups : GeoDataFrame
        Groups of points (``count`` and a point), when there are too many to draw.
    in_view : int
        Features of the layer in the (padded) view.
    hidden : int
        Lines or areas in view not drawn at this zoom (zoom in to see them).
    tolerance_m : float
        Simplification tolerance for this zoom (metres).
    """

    features: gpd.GeoDataFrame
    groups: gpd.GeoDataFrame
    in_view: int
    hidden: int
    tolerance_m: float


class BigLayer:
    """A big layer prepared for views: in EPSG:4326 with a spatial index.

    Parameters
    ----------
    layer : MapLayer
        The layer (any CRS).
    """

    def __init__(self, layer: MapLayer) -> None:
        gdf = layer.gdf.to_crs("EPSG:4326")
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
        self.layer = layer
        self.gdf = gdf
        geoms = np.asarray(gdf.geometry.values, dtype=object)
        self.points = bool(len(geoms)) and bool(np.isin(shapely.get_type_id(geoms),
                                                        _POINT_TYPES).all())
        self.tree = shapely.STRtree(geoms)
        self._mercator: np.ndarray | None = None

    def __len__(self) -> int:
        """Return the number of features."""
        return len(self.gdf)

    def in_view(self, view: View) -> np.ndarray:
        """Return the positions (sorted) of the features that meet the padded view."""
        return np.sort(self.tree.query(view.padded(), predicate="intersects"))

    def part(self, view: View) -> ViewPart:
        """Return what this layer draws in ``view`` (see the module notes)."""
        hits = self.in_view(view)
        tolerance = pixel_m(view.zoom, view.lat) / 2.0
        none = self.gdf.iloc[:0]
        empty_groups = gpd.GeoDataFrame({"count": pd.Series(dtype=int)},
                                        geometry=gpd.GeoSeries([], crs="EPSG:4326"))
        if self.points:
            if len(hits) <= MAX_VIEW_POINTS:
                return ViewPart(self.gdf.iloc[hits], empty_groups, len(hits), 0, tolerance)
            return ViewPart(none, self._groups(hits, view.zoom), len(hits), 0, tolerance)
        if len(hits) > MAX_VIEW_SHAPES:
            return ViewPart(none, empty_groups, len(hits), len(hits), tolerance)
        return ViewPart(self.gdf.iloc[hits], empty_groups, len(hits), 0, tolerance)

    def _groups(self, hits: np.ndarray, zoom: float) -> gpd.GeoDataFrame:
        """Group the points ``hits`` in screen cells of :data:`CLUSTER_PX` at ``zoom``."""
        xy = self._mercator_xy()[hits]
        cell = CLUSTER_PX * _EQUATOR_M_PER_PX / 2.0 ** zoom  # Web Mercator metres
        keys = np.floor(xy / cell).astype(np.int64)
        keys -= keys.min(axis=0)
        flat = keys[:, 0] * (int(keys[:, 1].max()) + 1) + keys[:, 1]  # one number a cell
        _, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
        mean = np.column_stack([np.bincount(inverse, weights=xy[:, i]) for i in (0, 1)])
        mean /= counts[:, None]
        lon, lat = _FROM_MERCATOR.transform(mean[:, 0], mean[:, 1])
        return gpd.GeoDataFrame({"count": counts.astype(int)},
                                geometry=shapely.points(lon, lat), crs="EPSG:4326")

    def _mercator_xy(self) -> np.ndarray:
        """Return the points' coordinates in Web Mercator (computed once).

        A multipoint counts once, at the mean of its points on the screen.
        """
        if self._mercator is None:
            geoms = np.asarray(self.gdf.geometry.values, dtype=object)
            if (shapely.get_type_id(geoms) == 0).all():
                lonlat = shapely.get_coordinates(geoms)
            else:
                parts, index = shapely.get_coordinates(geoms, return_index=True)
                counts = np.bincount(index, minlength=len(geoms))
                lonlat = np.column_stack([np.bincount(index, weights=parts[:, i],
                                                      minlength=len(geoms)) / counts
                                          for i in (0, 1)])
            x, y = _TO_MERCATOR.transform(lonlat[:, 0], lonlat[:, 1])
            self._mercator = np.column_stack([x, y])
        return self._mercator


def split_big(layers: list[MapLayer]) -> tuple[list[MapLayer], list[MapLayer]]:
    """Return the layers drawn whole and the big ones (:func:`is_big`), in order."""
    return [x for x in layers if not is_big(x)], [x for x in layers if is_big(x)]


GROUP_TEXT = {"vi": "Số đối tượng", "en": "Features"}
"""Tooltip label of a group of points."""


def base_map(layers: Sequence[MapLayer], big: Sequence[BigLayer], *,
             basemap: Sequence[MapLayer] = (), title: str | None = None,
             lang: str = "vi") -> folium.Map:
    """Build the map without the features of the big layers (they come by view).

    The big layers are in the legend and the map opens on every layer's extent.
    """
    stand_ins = [MapLayer(b.layer.name, b.layer.kind, b.gdf.iloc[:0], show=b.layer.show,
                          style=b.layer.style, legend=b.layer.legend,
                          attribution=b.layer.attribution) for b in big]
    boxes = [x.gdf.to_crs("EPSG:4326").total_bounds for x in layers if len(x.gdf)]
    boxes += [b.gdf.total_bounds for b in big if len(b)]
    focus = None
    if boxes:
        box = np.vstack(boxes)
        focus = (box[:, 0].min(), box[:, 1].min(), box[:, 2].max(), box[:, 3].max())
    return build_map([*layers, *stand_ins], basemap=basemap, title=title, lang=lang,
                     focus=focus)


def view_groups(big: Sequence[BigLayer], view: View, *, lang: str = "vi"
                ) -> tuple[list[folium.FeatureGroup], list[tuple[str, ViewPart]]]:
    """Return one feature group per big layer with what it draws in ``view``.

    Returns
    -------
    list of folium.FeatureGroup
        For ``st_folium(feature_group_to_add=...)``.
    list of (str, ViewPart)
        Each layer's name and part, for the page to say what is left out.
    """
    groups, parts = [], []
    for layer in big:
        part = layer.part(view)
        group = folium.FeatureGroup(name=escape(layer.layer.name), control=False)
        if len(part.features):
            shown = MapLayer(layer.layer.name, layer.layer.kind, part.features,
                             style=layer.layer.style, legend=layer.layer.legend)
            overlay(shown, lang=lang, tolerance_m=part.tolerance_m).add_to(group)
        if len(part.groups):
            _group_markers(layer.layer, part.groups, lang).add_to(group)
        groups.append(group)
        parts.append((layer.layer.name, part))
    return groups, parts


def _group_markers(layer: MapLayer, groups: gpd.GeoDataFrame, lang: str) -> folium.GeoJson:
    """Circles for groups of points, their area growing with the count."""
    (drawn,) = drawn_layers([MapLayer(layer.name, layer.kind, groups.iloc[:1],
                                      style=layer.style)]).data
    colour = drawn.drawn_style.color
    radius = (8.0 + 4.0 * np.log10(groups["count"].to_numpy())).round(1)
    data = gpd.GeoDataFrame({"count": groups["count"].astype(int), "radius": radius},
                            geometry=groups.geometry, crs="EPSG:4326")

    def style(feature: dict) -> dict:
        return {"radius": feature["properties"]["radius"], "color": colour, "weight": 1.5,
                "fillColor": colour, "fillOpacity": 0.45}

    return folium.GeoJson(
        data.__geo_interface__, marker=folium.CircleMarker(radius=8), style_function=style,
        tooltip=folium.GeoJsonTooltip(["count"], aliases=[GROUP_TEXT[lang]]))


@dataclass
class ViewMap:
    """A project's map whose big layers are drawn by view.

    Attributes
    ----------
    base : folium.Map
        Everything but the big layers' features (give ``st_folium`` a copy: it changes
        the map it draws).
    big : list of BigLayer
        The big layers, prepared.
    """

    base: folium.Map
    big: list[BigLayer]


def view_map(layers: Sequence[MapLayer], *, basemap: Sequence[MapLayer] = (),
             title: str | None = None, lang: str = "vi") -> ViewMap:
    """Prepare a map of ``layers`` whose big ones (:func:`is_big`) are drawn by view."""
    small, big = split_big(list(layers))
    prepared = [BigLayer(x) for x in big]
    return ViewMap(base_map(small, prepared, basemap=basemap, title=title, lang=lang),
                   prepared)
