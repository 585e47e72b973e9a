"""The project map: layers of a project on an offline Folium map.

No tile server is used: the caller passes real outlines (country borders,
provinces, rivers, …) as *basemap* layers, drawn first in a muted style. Each
project layer is one ``GeoJson`` overlay styled by its kind (see
:data:`layers.kinds.KINDS`), with popups listing its attributes and a tooltip
with its name. When several layers share a kind, each gets its own shade of the
kind's style and its own legend line (administrative units: the larger the unit,
the darker and heavier its outline). Names of administrative units and places
are labelled by zoom (:mod:`maps.labels`). A layer control, a legend, a metric
scale bar, the data's attribution (no Leaflet flag) and an optional title
complete the map, which opens fitted to the data (or to ``focus``) and clear of
the legend and the title.

Every style, shade, level, legend line and source comes from :mod:`maps.styling`, which
the printed maps and the QGIS project use too; points of a kind with a symbol are drawn as
it (:mod:`maps.symbols`). :class:`MapLayer`, :data:`BASEMAP_GROUP`,
:data:`ATTRIBUTION_SEPARATOR`, :data:`ATTRIBUTION_FICTIONAL` and :func:`style_variant` live
there and are importable from here as well.

The page carries the features as drawn, not as stored: outlines simplified below a
screen pixel and coordinates rounded to about a metre, with only the attributes that
popups and tooltips show (:mod:`maps.display`). Labels, bounds, areas and levels are
computed from the stored geometry.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from html import escape

import folium
import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

from layers.kinds import POINT, POLYGON, Style
from maps.display import (
    DISPLAY_TOLERANCE_M,
    FeatureLayer,
    display_crs,
    json_values,
    kept_collection,
)
from maps.labels import Labels, LabelSet, label_points
from maps.legend import Legend
from maps.map_parts import Controls, FeatureInfo, FitView, PageStyle, SymbolMarkers, TitleBox
from maps.offline import use_local_assets
from maps.styling import ATTRIBUTION_FICTIONAL as ATTRIBUTION_FICTIONAL
from maps.styling import ATTRIBUTION_SEPARATOR as ATTRIBUTION_SEPARATOR
from maps.styling import (
    BASEMAP_GROUP,
    DrawnLayer,
    MapLayer,
    attributions,
    drawn_layers,
    legend_sections,
    muted_radius,
    path_options,
    point_symbol,
)
from maps.styling import style_variant as style_variant

LANGS = ("vi", "en")
"""Languages of the map's labels."""

BASEMAP_TOLERANCE_M = 100.0
"""Simplification tolerance (metres) of the basemap (neighbouring provinces, countries,
rivers): context drawn muted under the data, itself generalised at the source (dvhcvn,
Natural Earth). Outlines are simplified as a coverage (Visvalingam–Whyatt): the corners cut
are triangles of less than about 100 m × 100 m, a few pixels at zoom 12 (35 m a pixel).
The project's own layers, drawn over it, keep :data:`maps.display.DISPLAY_TOLERANCE_M`.
At that finer tolerance the neighbouring provinces were half of a province map's page
(442 of 905 kB on the demo's Posture page); here 180 of 642 kB."""

MAX_POPUP_FIELDS = 15
"""At most this many attributes are listed in a feature's popup."""

CONTROL_EXPANDED_MAX = 8
"""The layer control starts open up to this many entries, folded above."""

DEFAULT_VIEW = ((16.0, 106.0), 5)
"""Centre and zoom when there is nothing to draw (Vietnam)."""

FIT_MAX_ZOOM = 15
"""Fitting the view to the data zooms in no further than this (e.g. a single point)."""

FIT_GAP_PX = 12
"""Room (pixels) kept between the fitted data and the map's edges and controls."""

LEGEND_MAX_SHARE = 0.4
"""The legend opens unfolded only if the right-hand column it needs (beside the data)
takes at most this share of the map's width, and costs no zoom level; otherwise it
opens folded (a click on its title unfolds it)."""

_RESERVED = {"style", "highlight"}  # property names folium reserves
_LABELLED_LEVELS = {"country", "province", "district", "commune"}


Focus = gpd.GeoDataFrame | gpd.GeoSeries | shapely.Geometry | Sequence[float]
"""What :func:`build_map` may fit its view to: features (any CRS) or
``(west, south, east, north)`` in degrees (EPSG:4326)."""


def build_map(
    layers: Sequence[MapLayer],
    *,
    basemap: Sequence[MapLayer] = (),
    title: str | None = None,
    lang: str = "vi",
    assets: str = "static",
    height: int | str = "100%",
    focus: Focus | None = None,
    labels: bool = True,
) -> folium.Map:
    """Build the offline map of a project's layers.

    Parameters
    ----------
    layers : sequence of MapLayer
        Project layers. Areas are drawn first, then lines, then points (each
        group in the given order), so that small features stay clickable.
    basemap : sequence of MapLayer
        Real reference outlines, drawn below in a muted style, in one overlay
        named :data:`BASEMAP_GROUP`.
    title : str, optional
        Text of a title box at the top of the map and of the page title.
    lang : {"vi", "en"}
        Language of attribute labels, the legend and the layer control.
    assets : {"static", "inline"}
        How Leaflet is loaded, see :func:`maps.offline.use_local_assets`.
    height : int or str
        Height of the map (pixels or a CSS size such as ``"100%"``).
    focus : GeoDataFrame, GeoSeries, geometry or (west, south, east, north), optional
        What the map opens on, e.g. the results of an analysis (features in any CRS
        with one set; a geometry or bounds in EPSG:4326). By default the project
        layers (see Returns). An empty focus is ignored.
    labels : bool
        Label administrative units and places with their names by zoom (see
        :mod:`maps.labels`).

    Returns
    -------
    folium.Map
        The map, with no tile layer and no outside asset. It opens on ``focus``,
        else on the project layers, leaving out reference kinds (rivers, places:
        whole features that may reach far) unless there is nothing else, and on
        the basemap when there are no layers; the view is fitted so that the
        legend, the layer control and the title sit beside the data, not on it.

    Raises
    ------
    LayerError
        If a layer has no CRS or an unknown kind.
    ValueError
        If ``lang`` or ``assets`` is unknown, or ``focus`` is not features or bounds.
    """
    if lang not in LANGS:
        msg = f"Unknown map language {lang!r}. Use one of: {', '.join(LANGS)}."
        raise ValueError(msg)
    drawn = drawn_layers(layers, basemap)
    data, base, metric = drawn.data, drawn.base, drawn.metric
    display = _display_crs([*data, *base])
    main = [p for p in data if p.kind.group != "reference"]
    bounds = _focus_bounds(focus) or _bounds(main) or _bounds(data) or _bounds(base)
    center, zoom = DEFAULT_VIEW
    if bounds:
        center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
        zoom = 8
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, height=height,
                   attribution_control=False)
    PageStyle().add_to(m)
    Controls(attributions([*base, *data], lang)).add_to(m)  # first: at the very bottom
    if base:
        group = folium.FeatureGroup(name=escape(BASEMAP_GROUP[lang]), show=True)
        for prepared in base:
            _geojson(prepared, lang=lang, muted=True, metric=display,
                     tolerance_m=BASEMAP_TOLERANCE_M).add_to(group)
        group.add_to(m)
    layer_names = {}
    for prepared in data:
        gj = _geojson(prepared, lang=lang, muted=False, metric=display)
        gj.add_to(m)
        layer_names[id(prepared)] = gj.get_name()
    folium.LayerControl(collapsed=len(data) + bool(base) > CONTROL_EXPANDED_MAX).add_to(m)
    Legend(legend_sections(data, base, lang), lang=lang).add_to(m)
    if labels:
        sets = [_label_set(p, layer_names[id(p)], metric) for p in data]
        if any(sets):
            Labels([s for s in sets if s is not None]).add_to(m)
    if title:
        m.get_root().title = escape(title)
        TitleBox(title).add_to(m)
    if bounds:
        # the map loads when FitView sets its view: the layers are then drawn once, at
        # the fitted view, rather than at a first view and again at the fitted one
        m.options["center"] = None
        FitView(bounds, center, zoom, gap=FIT_GAP_PX, max_zoom=FIT_MAX_ZOOM,
                max_share=LEGEND_MAX_SHARE).add_to(m)  # last: measures the controls and title
    return use_local_assets(m, mode=assets)


def _display_crs(prepared: Sequence[DrawnLayer]) -> str | None:
    """Return the metric CRS in which outlines are simplified for display (UTM zone)."""
    box = _bounds(prepared)
    if box is None:
        return None
    return display_crs((box[0][1] + box[1][1]) / 2, (box[0][0] + box[1][0]) / 2)


def _focus_bounds(focus: Focus | None) -> list[list[float]] | None:
    """Return ``[[south, west], [north, east]]`` of ``focus``, or None if it is empty."""
    if focus is None:
        return None
    if isinstance(focus, (gpd.GeoDataFrame, gpd.GeoSeries)):
        if focus.crs is None:
            msg = ("The map's focus has no CRS: set it (e.g. .set_crs('EPSG:4326')) or "
                   "pass bounds (west, south, east, north) in degrees.")
            raise ValueError(msg)
        geoms = focus.geometry if isinstance(focus, gpd.GeoDataFrame) else focus
        geoms = geoms[geoms.notna() & ~geoms.is_empty]
        if not len(geoms):
            return None
        box = geoms.to_crs("EPSG:4326").total_bounds
    elif isinstance(focus, shapely.Geometry):
        if focus.is_empty:
            return None
        box = shapely.bounds(focus)
    else:
        try:
            box = np.asarray(focus, dtype=float)
        except (TypeError, ValueError):
            box = np.empty(0)
        if box.shape != (4,) or not np.isfinite(box).all() or box[0] > box[2] \
                or box[1] > box[3]:
            msg = (f"Unknown map focus {focus!r}: pass features (a GeoDataFrame or "
                   "GeoSeries with a CRS), a geometry in EPSG:4326, or bounds (west, "
                   "south, east, north) in degrees.")
            raise ValueError(msg)
    if not np.isfinite(box).all():
        return None
    return [[float(box[1]), float(box[0])], [float(box[3]), float(box[2])]]


def _label_set(prepared: DrawnLayer, layer_name: str, metric: CRS | str) -> LabelSet | None:
    """Return the name labels of a layer of administrative units or places, if any."""
    gdf = prepared.gdf
    if prepared.kind.key == "admin_unit" and prepared.level in _LABELLED_LEVELS:
        points = label_points(gdf, metric)
        return LabelSet(layer_name, prepared.level, points) if points else None
    if prepared.kind.key == "place":
        rank = gdf["population"] if "population" in gdf.columns else None
        points = label_points(gdf, metric, rank=rank)
        return LabelSet(layer_name, "place", points) if points else None
    return None


def _bounds(prepared: Sequence[DrawnLayer]) -> list[list[float]] | None:
    """Return ``[[south, west], [north, east]]`` of all features, or None if there are none."""
    boxes = [p.gdf.total_bounds for p in prepared if len(p.gdf)]
    if not boxes:
        return None
    b = np.vstack(boxes)
    return [[float(b[:, 1].min()), float(b[:, 0].min())],
            [float(b[:, 3].max()), float(b[:, 2].max())]]


def _geojson(prepared: DrawnLayer, *, lang: str, muted: bool, metric: CRS | str | None,
             tolerance_m: float = DISPLAY_TOLERANCE_M) -> folium.GeoJson:
    """Return the styled GeoJson overlay of one layer.

    Its features are sent as drawn (:mod:`maps.display`): simplified for display and
    rounded, not as stored. Points are circle markers; those of a kind with a symbol
    are drawn as it (:class:`maps.map_parts.SymbolMarkers`) over their circle, left
    transparent to catch the pointer.
    """
    polygons_only = prepared.shapes == (POLYGON,)
    fields = drawn_popup_fields(prepared, lang=lang)
    names = [f for f, _ in fields]
    tooltip_field = "name" if "name" in prepared.gdf.columns else None
    keep = names + ([tooltip_field] if tooltip_field and tooltip_field not in names else [])
    if muted and polygons_only:
        keep = []  # no popup or tooltip: no attribute sent
    collection = kept_collection(prepared.layer.gdf, prepared.gdf, keep, metric=metric,
                                 coverage=prepared.kind.key == "admin_unit",
                                 tolerance_m=tolerance_m)
    style = prepared.drawn_style
    points = POINT in prepared.shapes
    symbol = point_symbol(prepared, muted=muted) if points else None
    marker = None
    if points:
        marker = folium.CircleMarker(radius=muted_radius(style.radius) if muted else style.radius)
    gj = FeatureLayer(
        collection,
        name=escape(prepared.layer.name),
        show=prepared.layer.show,
        control=not muted,
        style_function=_style_function(style, muted=muted, symbol=symbol is not None),
        highlight_function=None if muted else _style_function(
            style, muted=False, highlight=True, symbol=symbol is not None),
        marker=marker,
    )
    if muted and polygons_only:
        return gj  # large outlines: no popup or tooltip under the mouse everywhere
    FeatureInfo([] if muted else fields, tooltip_field=tooltip_field, lang=lang).add_to(gj)
    if symbol is not None:
        SymbolMarkers(*symbol, kind=prepared.kind.key).add_to(gj)
    return gj


def drawn_popup_fields(prepared: DrawnLayer, *, lang: str) -> list[tuple[str, str]]:
    """Return ``(column, label)`` of the attributes a popup lists.

    The kind's attributes come first (labelled in ``lang``), then other columns
    under their own name; columns with no value at all, or whose values are
    not JSON data, are left out; at most :data:`MAX_POPUP_FIELDS`.
    """
    gdf = prepared.gdf
    labels = {a.name: (a.label_vi if lang == "vi" else a.label_en)
              for a in prepared.kind.attributes}
    geometry = gdf.geometry.name
    columns = [c for c in labels if c in gdf.columns]
    columns += [c for c in gdf.columns if c not in labels and c != geometry]
    fields: list[tuple[str, str]] = []
    for column in columns:
        if len(fields) == MAX_POPUP_FIELDS:
            break
        if not isinstance(column, str) or column in _RESERVED:
            continue
        values = gdf[column]
        if values.isna().all() or json_values(values) is None:
            continue
        fields.append((column, labels.get(column, column)))
    return fields


def _style_function(
    style: Style, *, muted: bool, highlight: bool = False, symbol: bool = False
) -> Callable[[dict], dict]:
    """Return folium's per-feature style function for a kind's style."""

    def style_of(feature: dict) -> dict:
        geom_type = (feature.get("geometry") or {}).get("type", "")
        return path_options(style, geom_type.replace("Multi", ""), muted=muted,
                            highlight=highlight, symbol=symbol)

    return style_of
