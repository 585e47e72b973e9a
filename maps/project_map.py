"""The project map: layers of a project on an offline Folium map.

No tile server is used: the caller passes real outlines (country borders,
provinces, rivers, …) as *basemap* layers, drawn first in a muted style. Each
project layer is one ``GeoJson`` overlay styled by its kind (see
:data:`layers.kinds.KINDS`), with popups listing its attributes and a tooltip
with its name; a layer control, a legend and an optional title complete the map.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from layers.errors import LayerError
from layers.kinds import LINE, POINT, POLYGON, Kind, Style, base_geometry_types, get_kind
from maps.legend import Legend, LegendEntry
from maps.offline import use_local_assets

LANGS = ("vi", "en")
"""Languages of the map's labels."""

BASEMAP_GROUP = {"vi": "Nền bản đồ (dữ liệu thật)", "en": "Basemap (real data)"}
"""Name of the basemap overlay in the layer control and the legend."""

MAX_POPUP_FIELDS = 15
"""At most this many attributes are listed in a feature's popup."""

COORD_DECIMALS = 6
"""Decimals kept of each coordinate in the page (about 0.1 m)."""

CONTROL_EXPANDED_MAX = 8
"""The layer control starts open up to this many entries, folded above."""

DEFAULT_VIEW = ((16.0, 106.0), 5)
"""Centre and zoom when there is nothing to draw (Vietnam)."""

FIT_MAX_ZOOM = 15
"""Fitting the view to the data zooms in no further than this (e.g. a single point)."""

_FALSY = {"", "0", "false", "no", "n", "f", "khong", "không", "none", "nan"}
_YES_NO = {"vi": ("có", "không"), "en": ("yes", "no")}
_RESERVED = {"style", "highlight"}  # property names folium reserves


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
    """

    name: str
    kind: str
    gdf: gpd.GeoDataFrame
    show: bool = True
    style: Style | None = None
    legend: str | None = None


def build_map(
    layers: Sequence[MapLayer],
    *,
    basemap: Sequence[MapLayer] = (),
    title: str | None = None,
    lang: str = "vi",
    assets: str = "static",
    height: int | str = "100%",
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

    Returns
    -------
    folium.Map
        The map, with no tile layer and no outside asset. It opens on the
        project layers, leaving out reference kinds (rivers, places: whole
        features that may reach far) unless there is nothing else, and on the
        basemap when there are no layers.

    Raises
    ------
    LayerError
        If a layer has no CRS or an unknown kind.
    ValueError
        If ``lang`` or ``assets`` is unknown.
    """
    if lang not in LANGS:
        msg = f"Unknown map language {lang!r}. Use one of: {', '.join(LANGS)}."
        raise ValueError(msg)
    data = sorted((_prepare(layer) for layer in layers), key=_draw_rank)
    base = [_prepare(layer) for layer in basemap]
    focus = [p for p in data if p.kind.group != "reference"]
    bounds = _bounds(focus) or _bounds(data) or _bounds(base)
    center, zoom = DEFAULT_VIEW
    if bounds:
        center = ((bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2)
        zoom = 8
    m = folium.Map(location=center, zoom_start=zoom, tiles=None, height=height,
                   control_scale=True)
    _PageStyle().add_to(m)
    if base:
        group = folium.FeatureGroup(name=escape(BASEMAP_GROUP[lang]), show=True)
        for prepared in base:
            _geojson(prepared, lang=lang, muted=True).add_to(group)
        group.add_to(m)
    for prepared in data:
        _geojson(prepared, lang=lang, muted=False).add_to(m)
    folium.LayerControl(collapsed=len(data) + bool(base) > CONTROL_EXPANDED_MAX).add_to(m)
    Legend(_legend_sections(data, base, lang), lang=lang).add_to(m)
    if title:
        m.get_root().title = escape(title)
        _TitleBox(title).add_to(m)
    if bounds:
        fit = folium.FitBounds(bounds, max_zoom=FIT_MAX_ZOOM)
        fit.options["animate"] = False  # open on the data, no zoom animation from the start view
        m.add_child(fit)
    return use_local_assets(m, mode=assets)


@dataclass
class _Prepared:
    layer: MapLayer
    kind: Kind
    gdf: gpd.GeoDataFrame  # EPSG:4326, no missing or empty geometry
    shapes: tuple[str, ...]
    fictional: bool


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
    shapes = tuple(s for s in (POLYGON, LINE, POINT) if s in base_geometry_types(gdf.geometry))
    return _Prepared(layer, kind, gdf, shapes, _is_fictional(gdf))


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


def _geojson(prepared: _Prepared, *, lang: str, muted: bool) -> folium.GeoJson:
    """Return the styled GeoJson overlay of one layer."""
    fields = _popup_fields(prepared, lang=lang)
    names = [f for f, _ in fields]
    tooltip_field = "name" if "name" in prepared.gdf.columns else None
    keep = names + ([tooltip_field] if tooltip_field and tooltip_field not in names else [])
    collection = _feature_collection(prepared.gdf, keep)
    style = prepared.layer.style or prepared.kind.style
    marker = None
    if POINT in prepared.shapes:
        marker = folium.CircleMarker(radius=_mute_radius(style.radius) if muted else style.radius)
    polygons_only = prepared.shapes == (POLYGON,)
    gj = folium.GeoJson(
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
        if values.isna().all() or _json_values(values) is None:
            continue
        fields.append((column, labels.get(column, column)))
    return fields


def _feature_collection(gdf: gpd.GeoDataFrame, columns: Sequence[str]) -> dict:
    """Return a GeoJSON FeatureCollection with rounded coordinates and JSON-safe properties."""
    geoms = shapely.transform(
        np.asarray(gdf.geometry.values), lambda c: np.round(c, COORD_DECIMALS)
    )
    props = {c: _json_values(gdf[c]) or [None] * len(gdf) for c in columns}
    ids = gdf.index if gdf.index.is_unique else pd.RangeIndex(len(gdf))
    features = []
    for i, (geom, fid) in enumerate(zip(geoms, ids, strict=True)):
        fid = _json_value(fid) if pd.api.types.is_scalar(fid) else None
        features.append({
            "type": "Feature",
            "id": fid if isinstance(fid, (str, int)) and not isinstance(fid, bool) else i,
            "properties": {c: props[c][i] for c in columns},
            "geometry": shapely.geometry.mapping(geom),
        })
    return {"type": "FeatureCollection", "features": features}


def _json_values(values: pd.Series) -> list[Any] | None:
    """Return the values as JSON data, or None if one of them is not (the column is dropped)."""
    try:
        return [_json_value(v) for v in values]
    except TypeError:
        return None


def _json_value(value: Any) -> Any:
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
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    try:
        rgb = [int(text[i:i + 2], 16) for i in (0, 2, 4)] if len(text) == 6 else None
    except ValueError:
        rgb = None
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
    """One entry per legend label (the kind's name unless the layer names its own)."""
    shapes: dict[tuple[str, bool], set[str]] = {}
    styles: dict[str, Style] = {}
    for p in prepared:
        label = p.layer.legend or p.kind.label(lang)
        key = (label, p.fictional and not muted)
        shapes.setdefault(key, set()).update(p.shapes)
        styles.setdefault(label, p.layer.style or p.kind.style)
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
