"""The layers as they will be drawn: one styling for the web map, prints and QGIS.

:func:`drawn_layers` checks the :class:`MapLayer` inputs, reprojects them to EPSG:4326,
orders them (areas, then lines, then points), gives administrative units their level and
gives layers that share a kind their own shade and legend line. The web map
(:func:`maps.project_map.build_map`), the printed sheets (:mod:`maps.print_map`) and the
QGIS project (:mod:`maps.qgis_project`) all draw the :class:`DrawnLayer` it returns, with
the same path options (:func:`path_options`), point symbols (:attr:`DrawnLayer.symbol`,
:mod:`maps.symbols`), legend (:func:`legend_sections`) and sources line
(:func:`attributions`), so the three look alike.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS

from geo import settings as geo_settings
from layers.errors import LayerError
from layers.kinds import LINE, POINT, POLYGON, Kind, Style, base_geometry_types, get_kind
from maps.kept import kept
from maps.labels import admin_level
from maps.legend import FICTIONAL_MARK, LegendEntry
from maps.symbols import SYMBOLS, svg_symbol

BASEMAP_GROUP = {"vi": "Nền bản đồ (dữ liệu thật)", "en": "Basemap (real data)"}
"""Name of the basemap overlay in the layer control and the legend."""

ATTRIBUTION_FICTIONAL = {"vi": "Lớp giả định: dữ liệu minh hoạ",
                         "en": "Fictional layers: demo data"}
"""Attribution shown when a layer has fictional features."""

ATTRIBUTION_SEPARATOR = " · "
"""Separates the sources in :attr:`MapLayer.attribution`."""

MUTED_WHITE = 0.45
"""Share of white mixed into the colours of muted (basemap) layers."""

SYMBOL_PX_PER_RADIUS = 1.5
"""Half width (pixels) of a point symbol's frame on the web map per pixel of the style's
radius: a base of radius 7 is a 21 × 13 px frame, a little wider than its circle."""

SYMBOL_BOX = 2.2
"""Width of a symbol's SVG box in frame half widths (:func:`maps.symbols.svg_symbol`)."""

_FALSY = {"", "0", "false", "no", "n", "f", "khong", "không", "none", "nan"}
_FICTIONAL_SUFFIX = re.compile(
    r"\s*\((?:" + "|".join(re.escape(m.strip("()")) for m in FICTIONAL_MARK.values())
    + r")\)\s*$", re.IGNORECASE)
_HUE_STEPS = (0.0, 35.0, -35.0, 70.0, -70.0, 105.0, -105.0, 140.0, -140.0, 180.0)
_LIGHT_STEPS = (0.0, -0.16, 0.18, -0.28, 0.3, -0.36, 0.38)
_GREY_SATURATION = 0.15
_ADMIN_RANKS = {level: i for i, level in enumerate(("country", "province", "district",
                                                    "commune"))}


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


@dataclass
class DrawnLayer:
    """A layer as every map draws it.

    Attributes
    ----------
    layer : MapLayer
        The layer given.
    kind : Kind
        Its kind.
    gdf : GeoDataFrame
        Its features in EPSG:4326, with no missing or empty geometry.
    shapes : tuple of str
        Base geometry types present, in drawing order (``Polygon``, ``LineString``,
        ``Point``).
    fictional : bool
        Whether a feature has a truthy ``fictional`` attribute.
    style : Style, optional
        The shade given when the layer shares its kind with others (see
        :attr:`drawn_style`).
    legend : str, optional
        The legend label given when the layer shares its kind with others.
    level : str, optional
        Administrative units: ``"country"``, ``"province"``, ``"district"`` or
        ``"commune"``.
    area_km2 : ndarray, optional
        Administrative units: the area of each, in the metric CRS.
    """

    layer: MapLayer
    kind: Kind
    gdf: gpd.GeoDataFrame
    shapes: tuple[str, ...]
    fictional: bool
    style: Style | None = None
    legend: str | None = None
    level: str | None = None
    area_km2: np.ndarray | None = None

    @property
    def drawn_style(self) -> Style:
        """The style drawn: the shade given, else the layer's own, else the kind's."""
        return self.style or self.layer.style or self.kind.style

    @property
    def symbol(self) -> str | None:
        """Key of the kind's point symbol (:data:`maps.symbols.SYMBOLS`), or None.

        Points of a layer with a symbol are drawn as it on every map (small asset areas
        too on paper); points of one without are circles. An admin-unit layer has its
        symbol (villages as points) only when it holds points: its areas are not assets.
        """
        if self.kind.key not in SYMBOLS:
            return None
        if self.kind.key in AREA_KINDS_WITH_POINT_SYMBOL and POINT not in self.shapes:
            return None
        return self.kind.key


AREA_KINDS_WITH_POINT_SYMBOL: frozenset[str] = frozenset({"admin_unit"})
"""Kinds whose symbol marks their points only (villages), never their areas."""


@dataclass
class DrawnLayers:
    """What :func:`drawn_layers` returns.

    Attributes
    ----------
    data : list of DrawnLayer
        The layers, areas first, then lines, then points (each group in the given order).
    base : list of DrawnLayer
        The basemap layers, in the given order (drawn muted).
    metric : CRS or str
        The metric CRS of the levels' areas (and of label positions).
    """

    data: list[DrawnLayer]
    base: list[DrawnLayer]
    metric: CRS | str


def drawn_layers(layers: Sequence[MapLayer], basemap: Sequence[MapLayer] = (), *,
                 metric: CRS | str | None = None) -> DrawnLayers:
    """Return the layers and the basemap as they will be drawn.

    Parameters
    ----------
    layers : sequence of MapLayer
        Project layers.
    basemap : sequence of MapLayer
        Real reference layers, drawn muted below.
    metric : CRS or str, optional
        Metric CRS of areas; by default :data:`geo.settings.metric_crs`, else the UTM
        zone of the data.

    Returns
    -------
    DrawnLayers
        Layers sorted by :func:`draw_rank`, administrative units with their level,
        layers sharing a kind (the data and the basemap apart) with their own shade and
        legend label.

    Raises
    ------
    LayerError
        If a layer is not a GeoDataFrame, has no CRS or has an unknown kind.
    """
    data = sorted((_prepare(layer) for layer in layers), key=draw_rank)
    base = [_prepare(layer) for layer in basemap]
    metric = metric if metric is not None else _metric_crs([*data, *base])
    _set_levels([*data, *base], metric)
    _distinguish(data)
    _distinguish(base)
    return DrawnLayers(data, base, metric)


def draw_rank(drawn: DrawnLayer) -> int:
    """Return 0 for a layer of areas, 1 with lines, 2 with points (drawn last, on top)."""
    if POINT in drawn.shapes:
        return 2
    return 1 if LINE in drawn.shapes else 0


def path_options(style: Style, shape: str, *, muted: bool = False, highlight: bool = False,
                 symbol: bool = False) -> dict[str, Any]:
    """Return the Leaflet path options of one geometry type drawn in ``style``.

    Parameters
    ----------
    style : Style
        The layer's drawn style (:attr:`DrawnLayer.drawn_style`).
    shape : {"Point", "LineString", "Polygon"}
        Base geometry type.
    muted : bool
        Basemap: lighter, thinner, and areas not under the mouse.
    highlight : bool
        Under the mouse: heavier and more opaque.
    symbol : bool
        Points drawn as a symbol: the circle is transparent (on the web map it only
        catches the pointer) and rings the symbol when highlighted.

    Returns
    -------
    dict
        ``color``, ``weight``, ``opacity``, ``fillColor``, ``fillOpacity`` and, as the
        case may be, ``dashArray`` and ``interactive``. Prints and QGIS turn the same
        options into their units.
    """
    color, fill = style.color, style.fill_color or style.color
    weight, fill_opacity, opacity = style.weight, style.fill_opacity, 0.9
    options: dict[str, Any] = {}
    if shape == POINT:
        fill_opacity = max(fill_opacity, 0.7)
        weight = min(weight, 2.0)
    elif style.dash_array:
        options["dashArray"] = style.dash_array
    if muted:
        color, fill = mix_white(color, MUTED_WHITE), mix_white(fill, MUTED_WHITE)
        weight, fill_opacity, opacity = max(weight * 0.7, 0.8), fill_opacity * 0.6, 0.8
        if shape == POLYGON:
            options["interactive"] = False
    if highlight:
        weight, fill_opacity, opacity = weight + 2, min(fill_opacity + 0.2, 1.0), 1.0
    if symbol and shape == POINT:
        opacity, fill_opacity = (1.0, 0.25) if highlight else (0.0, 0.0)
    options.update(color=color, weight=round(weight, 2), opacity=opacity, fillColor=fill,
                   fillOpacity=round(fill_opacity, 2))
    return options


def muted_style(style: Style) -> Style:
    """Return ``style`` as the basemap draws it: lighter, thinner, a smaller radius."""
    return Style(mix_white(style.color, MUTED_WHITE),
                 mix_white(style.fill_color or style.color, MUTED_WHITE),
                 max(style.weight * 0.7, 0.8), style.fill_opacity * 0.6,
                 style.dash_array, muted_radius(style.radius))


def muted_radius(radius: float) -> float:
    """Return the radius (pixels) of a basemap point."""
    return max(round(radius * 0.75, 1), 2.5)


def point_symbol(drawn: DrawnLayer, *, muted: bool = False) -> tuple[str, int] | None:
    """Return the SVG the layer's points are drawn with and its size, or None.

    Parameters
    ----------
    drawn : DrawnLayer
        A layer (:func:`drawn_layers`).
    muted : bool
        On the basemap: in the muted style.

    Returns
    -------
    (str, int) or None
        The kind's symbol (:func:`maps.symbols.svg_symbol`) in the layer's drawn style,
        and its width and height in pixels (:func:`symbol_size_px`): the very SVG of
        the web map's points and of the QGIS project's. None when the kind has no
        symbol (its points are circles).
    """
    if drawn.symbol is None:
        return None
    style = muted_style(drawn.drawn_style) if muted else drawn.drawn_style
    size = symbol_size_px(style)
    return svg_symbol(drawn.symbol, style, size=size, shared_stroke=True), size


def symbol_size_px(style: Style) -> int:
    """Return the width and height (pixels) of a point symbol's SVG on the web map."""
    return max(round(SYMBOL_BOX * SYMBOL_PX_PER_RADIUS * style.radius), 8)


def legend_sections(data: Sequence[DrawnLayer], base: Sequence[DrawnLayer], lang: str
                    ) -> list[tuple[str | None, list[LegendEntry]]]:
    """Return the legend: one entry per label of the layers, then the basemap's, muted.

    Parameters
    ----------
    data, base : sequence of DrawnLayer
        Layers and basemap layers drawn (:func:`drawn_layers`).
    lang : {"vi", "en"}
        Language of the kinds' names and of the basemap's heading.

    Returns
    -------
    list of (str or None, list of LegendEntry)
        Sub-heading (None for the layers, :data:`BASEMAP_GROUP` for the basemap) and
        entries; empty sections are left out. A label is the layer's own, else its name
        when it shares its kind with others, else the kind's name.
    """
    sections: list[tuple[str | None, list[LegendEntry]]] = [
        (None, _entries(data, lang, muted=False)),
        (BASEMAP_GROUP[lang], _entries(base, lang, muted=True)),
    ]
    return [(head, entries) for head, entries in sections if entries]


def attributions(drawn: Sequence[DrawnLayer], lang: str) -> list[str]:
    """Return the sources of the layers (each once, in order) and the fictional note."""
    found: dict[str, None] = {}
    for p in drawn:
        for part in (p.layer.attribution or "").split(ATTRIBUTION_SEPARATOR):
            if part.strip():
                found[part.strip()] = None
    if any(p.fictional for p in drawn):
        found[ATTRIBUTION_FICTIONAL[lang]] = None
    return list(found)


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


def mix_white(color: str, share: float) -> str:
    """Return ``#rrggbb`` ``color`` mixed with ``share`` of white (other colours unchanged)."""
    rgb = _rgb(color)
    if rgb is None:
        return color
    return "#" + "".join(f"{round(c + (255 - c) * share):02x}" for c in rgb)


def is_fictional(gdf: gpd.GeoDataFrame) -> bool:
    """Whether any feature has a truthy ``fictional`` attribute."""
    if "fictional" not in gdf.columns:
        return False
    return any(_truthy(v) for v in gdf["fictional"])


# -- steps of drawn_layers ----------------------------------------------------------------


def _prepare(layer: MapLayer) -> DrawnLayer:
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
    gdf, shapes, fictional = kept(gdf, "drawn", lambda: _drawn_frame(gdf))
    return DrawnLayer(layer, kind, gdf, shapes, fictional)


def _drawn_frame(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, tuple[str, ...], bool]:
    """Return ``gdf`` in EPSG:4326 without missing geometries, its shapes, if fictional."""
    if gdf.crs != "EPSG:4326":
        gdf = gdf.to_crs("EPSG:4326")
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    found = base_geometry_types(gdf.geometry)  # once: it looks at every feature
    shapes = tuple(s for s in (POLYGON, LINE, POINT) if s in found)
    return gdf, shapes, is_fictional(gdf)


def _metric_crs(drawn: Sequence[DrawnLayer]) -> CRS | str:
    """:data:`geo.settings.metric_crs`, else the UTM zone of the data."""
    if geo_settings.metric_crs is not None:
        return geo_settings.metric_crs
    for p in drawn:
        if len(p.gdf):
            return p.gdf.estimate_utm_crs()
    return "EPSG:3405"


def _set_levels(drawn: Sequence[DrawnLayer], metric: CRS | str) -> None:
    """Give every layer of administrative units its level (and areas)."""
    for p in drawn:
        if p.kind.key != "admin_unit" or not len(p.gdf):
            continue
        p.area_km2 = kept(p.gdf, ("area_km2", str(metric)),
                          lambda g=p.gdf: g.geometry.to_crs(metric).area.to_numpy() / 1e6)
        p.level = admin_level(p.gdf, area_km2=p.area_km2)


def _distinguish(drawn: Sequence[DrawnLayer]) -> None:
    """Give layers that share a kind their own legend line and shade of the kind's style.

    Only layers without a legend label of their own take part; those among them without
    a style of their own get a shade. Administrative units are shaded by level (the
    finest keeps the kind's style; each level up is darker, heavier and unfilled), other
    kinds by order (the first keeps the kind's style, the next turn its hue, or its
    lightness for a grey).
    """
    groups: dict[str, list[DrawnLayer]] = {}
    for p in drawn:
        if p.layer.legend is None:
            groups.setdefault(p.kind.key, []).append(p)
    for group in groups.values():
        if len(group) < 2:
            continue
        for p in group:
            p.legend = _FICTIONAL_SUFFIX.sub("", p.layer.name) or p.layer.name
        plain = [p for p in group if p.layer.style is None]
        if plain and plain[0].kind.key == "admin_unit":
            finest_first = sorted(
                plain, key=lambda p: (-_ADMIN_RANKS.get(p.level or "commune", 3),
                                      _median(p.area_km2)))
            for step, p in enumerate(finest_first):
                p.style = _admin_shade(p.kind.style, step)
        else:
            for i, p in enumerate(plain):
                p.style = style_variant(p.kind.style, i)


def _entries(drawn: Sequence[DrawnLayer], lang: str, *, muted: bool) -> list[LegendEntry]:
    """One legend entry per label (the style and symbol of its first layer)."""
    shapes: dict[tuple[str, bool], set[str]] = {}
    firsts: dict[str, DrawnLayer] = {}
    for p in drawn:
        label = p.layer.legend or p.legend or p.kind.label(lang)
        shapes.setdefault((label, p.fictional and not muted), set()).update(p.shapes)
        firsts.setdefault(label, p)
    entries = []
    for (label, fictional), found in shapes.items():
        first = firsts[label]
        style = muted_style(first.drawn_style) if muted else first.drawn_style
        entries.append(LegendEntry(label, style, tuple(found) or (POLYGON,), fictional,
                                   symbol=first.symbol))
    return entries


def _median(values: np.ndarray | None) -> float:
    return float(np.median(values)) if values is not None and len(values) else 0.0


def _admin_shade(style: Style, step: int) -> Style:
    """Style of administrative units ``step`` levels above the finest layer drawn."""
    if step == 0:
        return style
    return replace(style, color=_from_hls(style.color, dl=-0.13 * step),
                   weight=round(style.weight + 0.9 * step, 2), fill_opacity=0.0)


def _truthy(value: Any) -> bool:
    if value is None or (pd.api.types.is_scalar(value) and pd.isna(value)):
        return False
    if isinstance(value, str):
        return value.strip().casefold() not in _FALSY
    return bool(value)


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
