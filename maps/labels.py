"""Name labels of administrative units and places, shown by zoom.

A label sits at a point inside its feature computed in a metric CRS: the pole of
inaccessibility (the point farthest from the edges) of the feature's largest part, so
that it lands in the visual middle even of a crescent or a long valley. Points keep
their own position. Never a centroid in degrees.

Which labels show depends on the zoom and on the unit's level (:data:`LABEL_ZOOMS`):
districts from zoom 9, places from 10, communes from 11, provinces and countries only
when zoomed out beyond a province. A small script of ours (:class:`Labels`) adds the
labels of a layer while its zoom range holds and the layer itself is shown, only those
in view, and hides a label that would overlap one drawn before it (larger units first,
then bigger features first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from pyproj import CRS
from shapely.ops import polylabel

from layers.kinds import normalize_name

LEVELS = ("country", "province", "district", "commune")
"""Levels of administrative units, largest first."""

LABEL_ZOOMS: dict[str, tuple[int, int | None]] = {
    "country": (0, 6),
    "province": (0, 7),
    "district": (9, None),
    "place": (10, None),
    "commune": (11, None),
}
"""Zoom range ``(min, max)`` (inclusive; ``None``: no upper bound) of each label class.

A province fills the map at zoom 8–9: its own name is then the map's title, so
province labels show only when zoomed out further (several provinces in view).
"""

LABEL_PRIORITY = ("country", "province", "district", "place", "commune")
"""Order in which label classes claim room: a label overlapping one of an earlier class
(or an earlier, bigger feature of its own class) is hidden."""

LEVEL_WORDS: dict[str, frozenset[str]] = {
    "country": frozenset({"country", "nation", "quocgia", "admin0", "level0"}),
    "province": frozenset({"province", "tinh", "captinh", "thanhphotrunguong",
                           "admin1", "level1"}),
    "district": frozenset({"district", "huyen", "quan", "thixa", "caphuyen",
                           "thanhphothuoctinh", "admin2", "level2"}),
    "commune": frozenset({"commune", "ward", "xa", "phuong", "thitran", "capxa",
                          "admin3", "level3"}),
}
"""Values of a ``level`` column (compared by :func:`layers.kinds.normalize_name`) that
name each level. ``thành phố`` is left out: it may be a province or a district."""

LEVEL_MIN_AREA_KM2: dict[str, float] = {"country": 50_000.0, "province": 2_000.0,
                                        "district": 150.0, "commune": 0.0}
"""When a layer has no usable ``level`` column, the median area of its units decides:
the first level (largest first) whose minimum it reaches."""

MAX_LABELS = 20_000
"""A layer with more features than this gets no labels (the page would grow too big)."""

_POLE_TOLERANCE = 0.02
"""Tolerance of the pole of inaccessibility, as a share of the square root of the area."""


@dataclass
class LabelSet:
    """Labels of one map layer.

    Attributes
    ----------
    layer : str
        Folium name of the map layer (its JavaScript variable): labels show while it does.
    cls : str
        Label class, a key of :data:`LABEL_ZOOMS` (gives the zoom range and the look).
    points : list of [lat, lon, text]
        Label positions and texts, most important first.
    """

    layer: str
    cls: str
    points: list[list[Any]]

    @property
    def min_zoom(self) -> int:
        """Lowest zoom at which the labels show."""
        return LABEL_ZOOMS[self.cls][0]

    @property
    def max_zoom(self) -> int | None:
        """Highest zoom at which the labels show (``None``: no limit)."""
        return LABEL_ZOOMS[self.cls][1]


def admin_level(gdf: gpd.GeoDataFrame, metric: CRS | str | None = None,
                area_km2: np.ndarray | None = None) -> str:
    """Return the level of a layer of administrative units.

    Parameters
    ----------
    gdf : GeoDataFrame
        The units, with a CRS.
    metric : CRS or str, optional
        Metric CRS for the areas (needed unless ``area_km2`` is given or the ``level``
        column decides).
    area_km2 : ndarray, optional
        Areas of the units, already computed.

    Returns
    -------
    str
        One of :data:`LEVELS`: the most common recognised value of the ``level`` column,
        else the level whose :data:`LEVEL_MIN_AREA_KM2` the median area reaches.
    """
    if "level" in gdf.columns:
        found = [_level_word(v) for v in gdf["level"].dropna()]
        found = [v for v in found if v]
        if found:
            return pd.Series(found).mode().iloc[0]
    if area_km2 is None:
        if metric is None or not len(gdf):
            return "commune"
        area_km2 = gdf.geometry.to_crs(metric).area.to_numpy() / 1e6
    median = float(np.median(area_km2)) if len(area_km2) else 0.0
    return next(level for level in LEVELS if median >= LEVEL_MIN_AREA_KM2[level])


def label_points(gdf: gpd.GeoDataFrame, metric: CRS | str, *, name_col: str = "name",
                 rank: pd.Series | None = None) -> list[list[Any]]:
    """Return ``[lat, lon, text]`` of each named feature, biggest (or highest ``rank``) first.

    Parameters
    ----------
    gdf : GeoDataFrame
        Features with a CRS and a ``name_col`` column.
    metric : CRS or str
        Metric CRS in which positions (and areas, for the order) are computed.
    name_col : str
        Column with the label text; features without a text are left out.
    rank : Series, optional
        Order key (e.g. population of places), index-aligned, largest first; by default
        the area of polygons, else the given order.

    Returns
    -------
    list of [float, float, str]
        Latitude, longitude (6 decimals) and text.
    """
    if name_col not in gdf.columns or not len(gdf) or len(gdf) > MAX_LABELS:
        return []
    text = gdf[name_col].astype("string").str.strip()
    keep = text.notna() & (text != "") & gdf.geometry.notna() & ~gdf.geometry.is_empty
    if not keep.any():
        return []
    part = gdf[keep.to_numpy()]
    geoms = part.geometry.to_crs(metric).to_numpy()
    points = np.array([_inner_point(g) for g in geoms], dtype=object)
    lonlat = gpd.GeoSeries(points, crs=metric).to_crs(4326).get_coordinates().to_numpy()
    if rank is not None:
        order_key = pd.to_numeric(rank[keep], errors="coerce").fillna(-np.inf).to_numpy()
    else:
        order_key = shapely.area(geoms)
    order = np.argsort(-order_key, kind="stable")
    texts = text[keep].to_numpy()
    return [[round(float(lonlat[i, 1]), 6), round(float(lonlat[i, 0]), 6), str(texts[i])]
            for i in order]


def _level_word(value: object) -> str | None:
    word = normalize_name(str(value))
    return next((level for level, words in LEVEL_WORDS.items() if word in words), None)


def _inner_point(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the pole of inaccessibility of the largest polygon part, or a point on it."""
    if isinstance(geom, shapely.Point):
        return geom
    polygons = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, shapely.Polygon)]
    if not polygons:
        return shapely.point_on_surface(geom)
    largest = max(polygons, key=lambda p: p.area)
    tolerance = max(largest.area ** 0.5 * _POLE_TOLERANCE, 1.0)
    try:
        return polylabel(largest, tolerance=tolerance)
    except Exception:  # noqa: BLE001 - a degenerate polygon: fall back to GEOS
        return shapely.point_on_surface(largest)


class Labels(MacroElement):
    """The label sets of a map and the script that shows them by zoom.

    Parameters
    ----------
    sets : sequence of LabelSet
        Sets in order of priority (see :data:`LABEL_PRIORITY`).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .kvpt-label { pointer-events: none; }
        .kvpt-label span { position: absolute; left: 0; top: 0; white-space: nowrap;
            transform: translate(-50%, -50%); color: #333;
            font: 11px/1.2 system-ui, "Segoe UI", Roboto, Arial, sans-serif;
            text-shadow: 0 0 2px #fff, 0 0 2px #fff, 0 0 3px #fff, 0 0 4px #fff; }
        .kvpt-label-country span { font-size: 15px; font-weight: 700; color: #555;
            letter-spacing: 0.06em; text-transform: uppercase; }
        .kvpt-label-province span { font-size: 14px; font-weight: 700; color: #333; }
        .kvpt-label-district span { font-size: 12.5px; font-weight: 600; color: #222; }
        .kvpt-label-commune span { font-size: 10.5px; color: #4a4a4a; }
        .kvpt-label-place span { transform: translate(7px, -50%); font-style: italic;
            color: #1f1f1f; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            var sets = [
            {%- for s in this.sets %}
                {layer: {{ s.layer }}, cls: {{ s.cls|tojson }}, min: {{ s.min_zoom }},
                 max: {{ s.max_zoom|tojson }}, points: {{ s.points|tojson }}},
            {%- endfor %}
            ];
            if (!map.getPane("kvpt-labels")) {
                var pane = map.createPane("kvpt-labels");
                pane.style.zIndex = 450;  // above areas and lines, below popups
                pane.style.pointerEvents = "none";
            }
            sets.forEach(function (s) {
                s.group = L.layerGroup().addTo(map);
                s.markers = s.points.map(function (p) {
                    var span = document.createElement("span");
                    span.textContent = p[2];
                    var icon = L.divIcon({className: "kvpt-label kvpt-label-" + s.cls,
                                          html: span, iconSize: null});
                    return L.marker([p[0], p[1]], {icon: icon, pane: "kvpt-labels",
                                                   interactive: false, keyboard: false});
                });
            });
            function declutter(markers) {
                var spans = markers.map(function (m) { return m.getElement().firstChild; });
                spans.forEach(function (el) { el.style.visibility = ""; });
                var boxes = spans.map(function (el) { return el.getBoundingClientRect(); });
                var kept = [];
                boxes.forEach(function (b, i) {
                    var clash = kept.some(function (k) {
                        return b.left < k.right + 3 && k.left < b.right + 3 &&
                            b.top < k.bottom + 1 && k.top < b.bottom + 1;
                    });
                    if (clash) { spans[i].style.visibility = "hidden"; } else { kept.push(b); }
                });
            }
            function update() {
                var zoom = map.getZoom(), view = map.getBounds().pad(0.2), drawn = [];
                sets.forEach(function (s) {
                    var on = map.hasLayer(s.layer) && zoom >= s.min &&
                        (s.max === null || zoom <= s.max);
                    s.markers.forEach(function (m) {
                        var want = on && view.contains(m.getLatLng());
                        if (want !== s.group.hasLayer(m)) {
                            if (want) { s.group.addLayer(m); } else { s.group.removeLayer(m); }
                        }
                        if (want) { drawn.push(m); }
                    });
                });
                declutter(drawn);
            }
            map.whenReady(function () {  // a map may load after this script (fitted view)
                map.on("moveend overlayadd overlayremove", update);
                update();
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, sets: Sequence[LabelSet]) -> None:
        super().__init__()
        self._name = "Labels"
        order = {cls: i for i, cls in enumerate(LABEL_PRIORITY)}
        self.sets = sorted((s for s in sets if s.points), key=lambda s: order[s.cls])
