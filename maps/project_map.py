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

The page carries the features as drawn, not as stored: outlines simplified below a
screen pixel and coordinates rounded to about a metre, with only the attributes that
popups and tooltips show (:mod:`maps.display`). Labels, bounds, areas and levels are
computed from the stored geometry.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from html import escape
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template
from pyproj import CRS

from geo import settings as geo_settings
from layers.errors import LayerError
from layers.kinds import LINE, POINT, POLYGON, Kind, Style, base_geometry_types, get_kind
from maps.display import FeatureLayer, display_crs, feature_collection, json_values
from maps.labels import Labels, LabelSet, admin_level, label_points
from maps.legend import FICTIONAL_MARK, Legend, LegendEntry
from maps.offline import use_local_assets

LANGS = ("vi", "en")
"""Languages of the map's labels."""

BASEMAP_GROUP = {"vi": "Nền bản đồ (dữ liệu thật)", "en": "Basemap (real data)"}
"""Name of the basemap overlay in the layer control and the legend."""

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

ATTRIBUTION_FICTIONAL = {"vi": "Lớp giả định: dữ liệu minh hoạ",
                         "en": "Fictional layers: demo data"}
"""Attribution shown when a layer has fictional features."""

ATTRIBUTION_SEPARATOR = " · "
"""Separates the sources in :attr:`MapLayer.attribution`."""

_FALSY = {"", "0", "false", "no", "n", "f", "khong", "không", "none", "nan"}
_YES_NO = {"vi": ("có", "không"), "en": ("yes", "no")}
_RESERVED = {"style", "highlight"}  # property names folium reserves
_LABELLED_LEVELS = {"country", "province", "district", "commune"}
_FICTIONAL_SUFFIX = re.compile(
    r"\s*\((?:" + "|".join(re.escape(m.strip("()")) for m in FICTIONAL_MARK.values())
    + r")\)\s*$", re.IGNORECASE)
_HUE_STEPS = (0.0, 35.0, -35.0, 70.0, -70.0, 105.0, -105.0, 140.0, -140.0, 180.0)
_LIGHT_STEPS = (0.0, -0.16, 0.18, -0.28, 0.3, -0.36, 0.38)
_GREY_SATURATION = 0.15


@dataclass
class MapLayer:
    """One layer to draw.

    Attributes
    ----------
    name : str
        Display name (Vietnamese allowed).
    kind : str
        Key of :data:`layers.kinds.KINDS`; gives the style and attribute labels.
    gdf : GeoDataFrame
        The features, in EPSG:4326 or any CRS (reprojected); a CRS is required.
    show : bool
        Whether the layer is shown when the map opens.
    style : Style, optional
        Drawn with this style instead of the kind's (e.g. results coloured by verdict).
    legend : str, optional
        Legend label instead of the kind's name; layers with the same label share a line.
    attribution : str, optional
        Source of the data (plain text), shown in the map's attribution (e.g.
        ``"Natural Earth"``); several sources are separated by
        :data:`ATTRIBUTION_SEPARATOR`, and each shows once per map.
    """

    name: str
    kind: str
    gdf: gpd.GeoDataFrame
    show: bool = True
    style: Style | None = None
    legend: str | None = None
    attribution: str | None = None


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
    data = sorted((_prepare(layer) for layer in layers), key=_draw_rank)
    base = [_prepare(layer) for layer in basemap]
    metric = _metric_crs([*data, *base])
    _set_levels([*data, *base], metric)
    display = _display_crs([*data, *base])
    _distinguish(data)
    _distinguish(base)
    main = [p for p in data if p.kind.group != "reference"]
    bounds = _focus_bounds(focus) or _bounds(main) or _bounds(data) or _bounds(base)
    center, zoom = DEFAULT_VIEW
    if bounds:
        center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
        zoom = 8
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, height=height,
                   attribution_control=False)
    _PageStyle().add_to(m)
    _Controls(_attributions([*base, *data], lang)).add_to(m)  # first: at the very bottom
    if base:
        group = folium.FeatureGroup(name=escape(BASEMAP_GROUP[lang]), show=True)
        for prepared in base:
            _geojson(prepared, lang=lang, muted=True, metric=display).add_to(group)
        group.add_to(m)
    layer_names = {}
    for prepared in data:
        gj = _geojson(prepared, lang=lang, muted=False, metric=display)
        gj.add_to(m)
        layer_names[id(prepared)] = gj.get_name()
    folium.LayerControl(collapsed=len(data) + bool(base) > CONTROL_EXPANDED_MAX).add_to(m)
    Legend(_legend_sections(data, base, lang), lang=lang).add_to(m)
    if labels:
        sets = [_label_set(p, layer_names[id(p)], metric) for p in data]
        if any(sets):
            Labels([s for s in sets if s is not None]).add_to(m)
    if title:
        m.get_root().title = escape(title)
        _TitleBox(title).add_to(m)
    if bounds:
        # the map loads when _FitView sets its view: the layers are then drawn once, at
        # the fitted view, rather than at a first view and again at the fitted one
        m.options["center"] = None
        _FitView(bounds, center, zoom).add_to(m)  # last: measures the controls and title
    return use_local_assets(m, mode=assets)


@dataclass
class _Prepared:
    layer: MapLayer
    kind: Kind
    gdf: gpd.GeoDataFrame  # EPSG:4326, no missing or empty geometry
    shapes: tuple[str, ...]
    fictional: bool
    style: Style | None = None  # drawn with (the layer's, the kind's or a shade of it)
    legend: str | None = None  # the legend label given by _distinguish
    level: str | None = None  # admin units: country, province, district or commune
    area_km2: np.ndarray | None = None  # admin units: areas in the metric CRS

    @property
    def drawn_style(self) -> Style:
        return self.style or self.layer.style or self.kind.style


def _prepare(layer: MapLayer) -> _Prepared:
    """Check the layer, reproject it to EPSG:4326 and drop missing geometries."""
    kind = get_kind(layer.kind)
    gdf = layer.gdf
    if not isinstance(gdf, gpd.GeoDataFrame):
        msg = (f"Layer {layer.name!r} holds a {type(gdf).__name__}, not a GeoDataFrame. "
               "Read it with the layer import or geopandas.read_file.")
        raise LayerError(msg)
    if gdf.crs is None:
        msg = (f"Layer {layer.name!r} has no coordinate reference system (CRS), so it cannot "
               "be placed on the map. Set it, e.g. gdf.set_crs('EPSG:3405') for VN-2000 / "
               "UTM 48N or gdf.set_crs('EPSG:4326') for longitude/latitude, or import the "
               "file through the layer import, which detects it.")
        raise LayerError(msg)
    if gdf.crs != "EPSG:4326":
        gdf = gdf.to_crs("EPSG:4326")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    found = base_geometry_types(gdf.geometry)  # once: it looks at every feature
    shapes = tuple(s for s in (POLYGON, LINE, POINT) if s in found)
    return _Prepared(layer, kind, gdf, shapes, _is_fictional(gdf))


def _metric_crs(prepared: Sequence[_Prepared]) -> CRS | str:
    """Return the metric CRS of label positions and areas.

    :data:`geo.settings.metric_crs`, else the UTM zone of the data.
    """
    if geo_settings.metric_crs is not None:
        return geo_settings.metric_crs
    for p in prepared:
        if len(p.gdf):
            return p.gdf.estimate_utm_crs()
    return "EPSG:3405"


def _display_crs(prepared: Sequence[_Prepared]) -> str | None:
    """Return the metric CRS in which outlines are simplified for display (UTM zone)."""
    box = _bounds(prepared)
    if box is None:
        return None
    return display_crs((box[0][1] + box[1][1]) / 2, (box[0][0] + box[1][0]) / 2)


def _set_levels(prepared: Sequence[_Prepared], metric: CRS | str) -> None:
    """Give every layer of administrative units its level (and areas)."""
    for p in prepared:
        if p.kind.key != "admin_unit" or not len(p.gdf):
            continue
        p.area_km2 = p.gdf.geometry.to_crs(metric).area.to_numpy() / 1e6
        p.level = admin_level(p.gdf, area_km2=p.area_km2)


def _distinguish(prepared: Sequence[_Prepared]) -> None:
    """Give layers that share a kind their own legend line and shade of the kind's style.

    Only layers without a legend label of their own take part; those among them without
    a style of their own get a shade. Administrative units are shaded by level (the
    finest keeps the kind's style; each level up is darker, heavier and unfilled), other
    kinds by order (the first keeps the kind's style, the next turn its hue, or its
    lightness for a grey).
    """
    groups: dict[str, list[_Prepared]] = {}
    for p in prepared:
        if p.layer.legend is None:
            groups.setdefault(p.kind.key, []).append(p)
    for group in groups.values():
        if len(group) < 2:
            continue
        for p in group:
            p.legend = _FICTIONAL_SUFFIX.sub("", p.layer.name) or p.layer.name
        plain = [p for p in group if p.layer.style is None]
        if plain and plain[0].kind.key == "admin_unit":
            ranks = {level: i for i, level in enumerate(("country", "province", "district",
                                                         "commune"))}
            finest_first = sorted(
                plain, key=lambda p: (-ranks.get(p.level or "commune", 3),
                                      _median(p.area_km2)))
            for step, p in enumerate(finest_first):
                p.style = _admin_shade(p.kind.style, step)
        else:
            for i, p in enumerate(plain):
                p.style = style_variant(p.kind.style, i)


def _median(values: np.ndarray | None) -> float:
    return float(np.median(values)) if values is not None and len(values) else 0.0


def style_variant(style: Style, index: int) -> Style:
    """Return the ``index``-th variant of ``style`` for layers sharing a kind (0: itself).

    A coloured style turns its hue (by ±35°, ±70°, …); a grey one (little saturation)
    gets lighter or darker, and its lines dashed every other step. Deterministic: the same
    style and index always give the same variant.
    """
    if index == 0:
        return style
    h, lightness, s = _hls(style.color)
    if s >= _GREY_SATURATION:
        turn = _HUE_STEPS[index % len(_HUE_STEPS)] / 360.0
        extra = (index // len(_HUE_STEPS)) * -0.1

        def shift(color: str) -> str:
            return _from_hls(color, dh=turn, dl=extra)

        return replace(style, color=shift(style.color),
                       fill_color=style.fill_color and shift(style.fill_color))
    dl = _LIGHT_STEPS[index % len(_LIGHT_STEPS)] or -0.1 * (index // len(_LIGHT_STEPS))
    dash = style.dash_array or ("6 3" if index % 2 else None)
    return replace(style, color=_from_hls(style.color, dl=dl),
                   fill_color=style.fill_color and _from_hls(style.fill_color, dl=dl / 2),
                   dash_array=dash)


def _admin_shade(style: Style, step: int) -> Style:
    """Style of administrative units ``step`` levels above the finest layer drawn."""
    if step == 0:
        return style
    return replace(style, color=_from_hls(style.color, dl=-0.13 * step),
                   weight=round(style.weight + 0.9 * step, 2), fill_opacity=0.0)


def _hls(color: str) -> tuple[float, float, float]:
    rgb = _rgb(color)
    return colorsys.rgb_to_hls(*(c / 255 for c in rgb)) if rgb else (0.0, 0.5, 0.0)


def _from_hls(color: str, *, dh: float = 0.0, dl: float = 0.0) -> str:
    """Return ``color`` with its hue turned by ``dh`` (turns) and lightness moved by ``dl``."""
    if _rgb(color) is None:
        return color
    h, lightness, s = _hls(color)
    lightness = min(max(lightness + dl, 0.06), 0.94)
    rgb = colorsys.hls_to_rgb((h + dh) % 1.0, lightness, s)
    return "#" + "".join(f"{round(c * 255):02x}" for c in rgb)


def _rgb(color: str) -> list[int] | None:
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    try:
        return [int(text[i:i + 2], 16) for i in (0, 2, 4)] if len(text) == 6 else None
    except ValueError:
        return None


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


def _label_set(prepared: _Prepared, layer_name: str, metric: CRS | str) -> LabelSet | None:
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


def _draw_rank(prepared: _Prepared) -> int:
    if POINT in prepared.shapes:
        return 2
    return 1 if LINE in prepared.shapes else 0


def _is_fictional(gdf: gpd.GeoDataFrame) -> bool:
    """Whether any feature has a truthy ``fictional`` attribute."""
    if "fictional" not in gdf.columns:
        return False
    return any(_truthy(v) for v in gdf["fictional"])


def _truthy(value: Any) -> bool:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return False
    if isinstance(value, str):
        return value.strip().casefold() not in _FALSY
    return bool(value)


def _bounds(prepared: Sequence[_Prepared]) -> list[list[float]] | None:
    """Return ``[[south, west], [north, east]]`` of all features, or None if there are none."""
    boxes = [p.gdf.total_bounds for p in prepared if len(p.gdf)]
    if not boxes:
        return None
    b = np.vstack(boxes)
    return [[float(b[:, 1].min()), float(b[:, 0].min())],
            [float(b[:, 3].max()), float(b[:, 2].max())]]


def _geojson(prepared: _Prepared, *, lang: str, muted: bool, metric: CRS | str | None
             ) -> folium.GeoJson:
    """Return the styled GeoJson overlay of one layer.

    Its features are sent as drawn (:mod:`maps.display`): simplified for display and
    rounded, not as stored.
    """
    polygons_only = prepared.shapes == (POLYGON,)
    fields = _popup_fields(prepared, lang=lang)
    names = [f for f, _ in fields]
    tooltip_field = "name" if "name" in prepared.gdf.columns else None
    keep = names + ([tooltip_field] if tooltip_field and tooltip_field not in names else [])
    if muted and polygons_only:
        keep = []  # no popup or tooltip: no attribute sent
    collection = feature_collection(prepared.gdf, keep, metric=metric,
                                    coverage=prepared.kind.key == "admin_unit")
    style = prepared.drawn_style
    marker = None
    if POINT in prepared.shapes:
        marker = folium.CircleMarker(radius=_mute_radius(style.radius) if muted else style.radius)
    gj = FeatureLayer(
        collection,
        name=escape(prepared.layer.name),
        show=prepared.layer.show,
        control=not muted,
        style_function=_style_function(style, muted=muted),
        highlight_function=None if muted else _style_function(style, muted=False, highlight=True),
        marker=marker,
    )
    if muted and polygons_only:
        return gj  # large outlines: no popup or tooltip under the mouse everywhere
    _FeatureInfo([] if muted else fields, tooltip_field=tooltip_field, lang=lang).add_to(gj)
    return gj


def _attributions(prepared: Sequence[_Prepared], lang: str) -> list[str]:
    """Return the sources of the layers (each once, in order) and the fictional note."""
    found: dict[str, None] = {}
    for p in prepared:
        for part in (p.layer.attribution or "").split(ATTRIBUTION_SEPARATOR):
            if part.strip():
                found[part.strip()] = None
    if any(p.fictional for p in prepared):
        found[ATTRIBUTION_FICTIONAL[lang]] = None
    return list(found)


def _popup_fields(prepared: _Prepared, *, lang: str) -> list[tuple[str, str]]:
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
    style: Style, *, muted: bool, highlight: bool = False
) -> Callable[[dict], dict]:
    """Return folium's per-feature style function for a kind's style."""

    def style_of(feature: dict) -> dict:
        geom_type = (feature.get("geometry") or {}).get("type", "")
        return _path_options(style, geom_type.replace("Multi", ""), muted=muted,
                             highlight=highlight)

    return style_of


def _path_options(style: Style, shape: str, *, muted: bool, highlight: bool) -> dict:
    """Return Leaflet path options for one geometry type."""
    color, fill = style.color, style.fill_color or style.color
    weight, fill_opacity, opacity = style.weight, style.fill_opacity, 0.9
    options: dict[str, Any] = {}
    if shape == POINT:
        fill_opacity = max(fill_opacity, 0.7)
        weight = min(weight, 2.0)
    elif style.dash_array:
        options["dashArray"] = style.dash_array
    if muted:
        color, fill = _mix_white(color, 0.45), _mix_white(fill, 0.45)
        weight, fill_opacity, opacity = max(weight * 0.7, 0.8), fill_opacity * 0.6, 0.8
        if shape == POLYGON:
            options["interactive"] = False
    if highlight:
        weight, fill_opacity, opacity = weight + 2, min(fill_opacity + 0.2, 1.0), 1.0
    options.update(color=color, weight=round(weight, 2), opacity=opacity, fillColor=fill,
                   fillOpacity=round(fill_opacity, 2))
    return options


def _mute_radius(radius: float) -> float:
    return max(round(radius * 0.75, 1), 2.5)


def _mix_white(color: str, share: float) -> str:
    """Return ``#rrggbb`` ``color`` mixed with ``share`` of white (other colours unchanged)."""
    rgb = _rgb(color)
    if rgb is None:
        return color
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def _legend_sections(
    data: Sequence[_Prepared], base: Sequence[_Prepared], lang: str
) -> list[tuple[str | None, list[LegendEntry]]]:
    """One entry per (kind, fictional) of the layers, then the basemap's kinds, muted."""
    sections: list[tuple[str | None, list[LegendEntry]]] = [
        (None, _entries(data, lang, muted=False)),
        (BASEMAP_GROUP[lang], _entries(base, lang, muted=True)),
    ]
    return [(head, entries) for head, entries in sections if entries]


def _entries(prepared: Sequence[_Prepared], lang: str, *, muted: bool) -> list[LegendEntry]:
    """One entry per legend label.

    The label is the layer's own, else its name when it shares its kind with other
    layers (see :func:`_distinguish`), else the kind's name.
    """
    shapes: dict[tuple[str, bool], set[str]] = {}
    styles: dict[str, Style] = {}
    for p in prepared:
        label = p.layer.legend or p.legend or p.kind.label(lang)
        key = (label, p.fictional and not muted)
        shapes.setdefault(key, set()).update(p.shapes)
        styles.setdefault(label, p.drawn_style)
    entries = []
    for (label, fictional), found in shapes.items():
        style = styles[label]
        if muted:
            style = Style(_mix_white(style.color, 0.45),
                          _mix_white(style.fill_color or style.color, 0.45),
                          max(style.weight * 0.7, 0.8), style.fill_opacity * 0.6,
                          style.dash_array, _mute_radius(style.radius))
        entries.append(LegendEntry(label, style, tuple(found) or (POLYGON,), fictional))
    return entries


class _FeatureInfo(MacroElement):
    """Popup (attribute table) and tooltip (name) of every feature of a GeoJson.

    Text is set with ``textContent``, so attribute values cannot inject HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer) {
            var fields = {{ this.fields|tojson }}, labels = {{ this.labels|tojson }};
            var yesNo = {{ this.yes_no|tojson }};
            function fmt(v) {
                if (v === null || v === undefined) { return ""; }
                if (typeof v === "boolean") { return v ? yesNo[0] : yesNo[1]; }
                if (typeof v === "number") {
                    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
                }
                return String(v);
            }
            {%- if this.fields %}
            layer.bindPopup(function (l) {
                var p = (l.feature && l.feature.properties) || {};
                var table = L.DomUtil.create("table", "kvpt-popup");
                for (var i = 0; i < fields.length; i++) {
                    var row = table.insertRow();
                    var th = document.createElement("th");
                    th.textContent = labels[i];
                    row.appendChild(th);
                    row.insertCell().textContent = fmt(p[fields[i]]);
                }
                return table;
            }, {maxWidth: 380});
            {%- endif %}
            {%- if this.tooltip_field %}
            layer.bindTooltip(function (l) {
                var span = document.createElement("span");
                var p = (l.feature && l.feature.properties) || {};
                span.textContent = fmt(p[{{ this.tooltip_field|tojson }}]);
                return span;
            }, {sticky: true});
            {%- endif %}
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self, fields: Sequence[tuple[str, str]], *, tooltip_field: str | None, lang: str
    ) -> None:
        super().__init__()
        self._name = "FeatureInfo"
        self.fields = [f for f, _ in fields]
        self.labels = [label for _, label in fields]
        self.tooltip_field = tooltip_field
        self.yes_no = _YES_NO[lang]


class _PageStyle(MacroElement):
    """Stylesheet of the map background (no tiles), popups and the title box."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: #f7f6f2; }
        .leaflet-container .leaflet-control-layers { font-size: 13px; line-height: 1.35; }
        .kvpt-popup { border-collapse: collapse; font-size: 12px; }
        .kvpt-popup th { text-align: left; padding: 1px 8px 1px 0; vertical-align: top;
            font-weight: 600; color: #444; white-space: nowrap; }
        .kvpt-popup td { padding: 1px 0; }
        .kvpt-title { position: absolute; top: 10px; left: 50%; transform: translateX(-50%);
            z-index: 1000; background: rgba(255,255,255,0.92); padding: 5px 14px;
            border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35); pointer-events: none;
            font: 600 15px/1.3 system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #222;
            max-width: 60%; text-align: center; }
        </style>
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "PageStyle"


class _TitleBox(MacroElement):
    """A title box at the top centre of the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var box = L.DomUtil.create("div", "kvpt-title", map.getContainer());
            box.textContent = {{ this.text|tojson }};
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "TitleBox"
        self.text = text


class _Controls(MacroElement):
    """A metric-only scale bar and the data's attribution with no "Leaflet" flag.

    Parameters
    ----------
    attributions : sequence of str
        Plain-text sources (escaped when drawn), each shown once.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container .leaflet-control-attribution { font-size: 10.5px;
            line-height: 1.35; max-width: calc(100% - 190px); }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (map) {
            L.control.scale({imperial: false, metric: true, maxWidth: 150,
                             position: "bottomleft"}).addTo(map);
            var attribution = L.control.attribution({prefix: false, position: "bottomright"});
            attribution.addTo(map);
            {{ this.attributions|tojson }}.forEach(function (text) {
                attribution.addAttribution(text);
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, attributions: Sequence[str]) -> None:
        super().__init__()
        self._name = "Controls"
        self.attributions = [escape(text) for text in attributions]


class _FitView(MacroElement):
    """Open the map on ``bounds``, clear of the legend, the layer control and the title.

    The map is built with no view (``center: null``), so that it loads, and draws its
    layers, only when this script sets the view (``center`` and ``zoom`` if it fails).
    The controls' sizes are known only in the browser: the script measures them and fits
    the bounds into the rest of the map (the right-hand column holds the legend and the
    layer control). The legend is folded when, open, its column would take more than
    :data:`LEGEND_MAX_SHARE` of the width or the data would open one zoom level further
    out; when even then there is no room, the controls are left over the data.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
          try {
            var root = map.getContainer(), gap = {{ this.gap }};
            function box(selector) {
                var el = root.querySelector(selector);
                return el ? el.getBoundingClientRect() : null;
            }
            function rightColumn() {
                var frame = root.getBoundingClientRect(), left = frame.right;
                [".kvpt-legend", ".leaflet-control-layers"].forEach(function (sel) {
                    var b = box(sel);
                    if (b && b.width) { left = Math.min(left, b.left); }
                });
                return frame.right - left;
            }
            function padding() {
                var size = map.getSize(), right = rightColumn();
                var frame = root.getBoundingClientRect();
                var zoom = box(".leaflet-control-zoom"), title = box(".kvpt-title");
                var left = zoom ? zoom.right - frame.left : 0;
                var top = title ? title.bottom - frame.top : 0;
                var bottom = 0;
                [".leaflet-control-attribution", ".leaflet-control-scale"].forEach(
                    function (sel) {
                        var b = box(sel);
                        if (b && b.height) { bottom = Math.max(bottom, frame.bottom - b.top); }
                    });
                if (size.x - left - right < size.x * 0.35) { right = 0; left = 0; }
                if (size.y - top - bottom < size.y * 0.5) { top = 0; bottom = 0; }
                return {paddingTopLeft: [left + gap, top + gap],
                        paddingBottomRight: [right + gap, bottom + gap]};
            }
            function zoomWith(options) {
                var tl = options.paddingTopLeft, br = options.paddingBottomRight;
                var z = map.getBoundsZoom(bounds, false, L.point(tl[0] + br[0], tl[1] + br[1]));
                return Math.min(z, {{ this.max_zoom }});
            }
            var bounds = L.latLngBounds({{ this.bounds|tojson }});
            var options = padding();
            var details = root.querySelector(".kvpt-legend details");
            if (details && details.open) {
                // fold the legend if, open, it takes too much of the width or costs a zoom level
                var wide = rightColumn() > map.getSize().x * {{ this.max_share }};
                details.open = false;
                var folded = padding();
                if (wide || zoomWith(folded) > zoomWith(options)) {
                    options = folded;
                } else {
                    details.open = true;
                }
            }
            options.maxZoom = {{ this.max_zoom }};
            options.animate = false;
            map.fitBounds({{ this.bounds|tojson }}, options);
          } catch (err) {  // never leave the map without a view (it would stay blank)
            map.setView({{ this.center|tojson }}, {{ this.zoom }}, {animate: false});
            throw err;
          }
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], center: Sequence[float] = (0.0, 0.0),
                 zoom: int = 8) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.center = list(center)
        self.zoom = zoom
        self.gap = FIT_GAP_PX
        self.max_zoom = FIT_MAX_ZOOM
        self.max_share = LEGEND_MAX_SHARE
