"""A QGIS project of a KVPT store: every current layer, styled like the web map.

:func:`store_qgis_project` returns the text of a QGIS 3 project file (``.qgs``; wrap it
with :func:`qgz_bytes` for a ``.qgz``) that opens the project GeoPackage by a path relative
to the project file (:func:`relative_source`). Each layer is read from the GeoPackage view
that shows its current version (:meth:`layers.store.ProjectStore.layer_views`), so the
project stays right after new versions. Layers keep their EPSG:4326 coordinates; the
project's CRS is the metric CRS of the analyses (:data:`geo.settings.metric_crs`,
VN-2000 / UTM 48N by default).

Styles are the web map's (:mod:`maps.styling`, as :func:`maps.project_map.build_map` draws
them): the kind's style, or the shade a layer gets when it shares its kind with others
(administrative units by level, other kinds by :func:`maps.styling.style_variant`), turned
into QGIS symbols (a fill and an outline for areas, a line, a circle marker for points)
with the same colours, opacities, widths and dashes; pixel sizes become millimetres at
96 dpi. Points of a kind with a symbol (:mod:`maps.symbols`) are drawn with the same SVG as
the web map and its legend, embedded in the project (an ``SvgMarker`` whose file is
``base64:`` data, so nothing beside the project is needed), over the web map's circle,
transparent there as here. Names of
administrative units and places are labelled, at the scales matching the web map's zoom
levels (:data:`maps.labels.LABEL_ZOOMS`). Layers are grouped by kind (group names in the
map's language) and drawn in the web map's order (areas, then lines, then points).

A layer holding several geometry types (points and areas) becomes one QGIS layer per type,
named ``"<layer> (điểm)"``, ``"<layer> (vùng)"`` … (a QGIS layer has one geometry type).
Nothing here touches a file.
"""

from __future__ import annotations

import base64
import io
import math
import os
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
from pyproj import CRS, Transformer

from layers.kinds import KINDS, LINE, POINT, POLYGON, get_kind
from layers.prepare import slugify
from maps.labels import LABEL_PRIORITY, LABEL_ZOOMS, LEVELS
from maps.project import LayerReader, project_title
from maps.project_map import LANGS
from maps.styling import (  # the web map's own styling, so that both maps draw alike
    DrawnLayer,
    MapLayer,
    drawn_layers,
    path_options,
    point_symbol,
)

QGIS_VERSION = "3.22.0-Białowieża"
"""QGIS version written in the project (the oldest long-term release it was made for)."""

PX_MM = 25.4 / 96
"""Millimetres per CSS pixel (96 dpi): web map sizes in pixels become QGIS sizes in mm."""

SCALE_AT_ZOOM_0 = 559_082_264.028
"""Scale denominator of web map zoom 0 at the equator (OGC 0.28 mm pixels)."""

LABEL_FONT = "Arial"
"""Font family of the labels."""

SHAPE_WORDS: dict[str, dict[str, str]] = {
    POINT: {"vi": "điểm", "en": "points"},
    LINE: {"vi": "đường", "en": "lines"},
    POLYGON: {"vi": "vùng", "en": "areas"},
}
"""Suffix of the QGIS layer of one geometry type of a layer holding several."""

VIETNAM_BOUNDS = (102.1, 8.4, 109.5, 23.4)
"""Extent (west, south, east, north) a project with no features opens on."""


@dataclass(frozen=True)
class LabelLook:
    """How the web map draws the name labels of one class (``maps.labels`` styles)."""

    size_px: float
    weight: int  # Qt font weight: 50 normal, 63 semi-bold, 75 bold
    color: str
    italic: bool = False
    capitals: bool = False


LABEL_LOOKS: dict[str, LabelLook] = {
    "country": LabelLook(15.0, 75, "#555555", capitals=True),
    "province": LabelLook(14.0, 75, "#333333"),
    "district": LabelLook(12.5, 63, "#222222"),
    "commune": LabelLook(10.5, 50, "#4a4a4a"),
    "place": LabelLook(11.0, 50, "#1f1f1f", italic=True),
}
"""Label look per label class (:data:`maps.labels.LABEL_ZOOMS`), as on the web map."""


@dataclass
class QgisLayer:
    """A layer of the project to put in the QGIS project.

    Attributes
    ----------
    name : str
        Layer name (shown in the QGIS layer tree).
    kind : str
        Key of :data:`layers.kinds.KINDS`.
    gdf : GeoDataFrame
        Its features (styles, labels and extents are computed from them).
    source : str
        Name of the GeoPackage layer (view or table) QGIS reads.
    """

    name: str
    kind: str
    gdf: gpd.GeoDataFrame
    source: str


@dataclass
class _Entry:
    """One QGIS map layer: one geometry type of a project layer, styled."""

    layer: QgisLayer
    shape: str
    options: dict[str, Any]  # Leaflet path options of the web map
    radius: float
    symbol: str | None  # points: the SVG of the kind's symbol, if it has one
    symbol_px: float  # its width and height on the web map
    label: str | None  # label class, or None
    split: bool  # the layer has several geometry types
    bounds: tuple[float, float, float, float] | None
    layer_id: str = ""


def store_qgis_project(store: LayerReader, *, gpkg: str, views: Mapping[str, str],
                       title: str | None = None, lang: str = "vi") -> str:
    """Return the QGIS project of every current layer of ``store``.

    Parameters
    ----------
    store : ProjectStore or LayerReader
        The project.
    gpkg : str
        Path of the GeoPackage as the project file sees it (:func:`relative_source`).
    views : mapping
        ``{layer name: GeoPackage layer}`` to read each layer from
        (:meth:`layers.store.ProjectStore.layer_views`).
    title : str, optional
        Project title; by default the web map's (:func:`maps.project.project_title`).
    lang : {"vi", "en"}
        Language of group names and the default title.

    Returns
    -------
    str
        The ``.qgs`` XML text.
    """
    layers = [QgisLayer(r.name, r.kind, store.read(r.name), views.get(r.name, r.name))
              for r in store.layers()]
    if title is None:
        maps = [MapLayer(q.name, q.kind, q.gdf) for q in layers]
        title = project_title(store, maps, lang=lang)
    return build_qgis_project(layers, gpkg=gpkg, title=title, lang=lang)


def build_qgis_project(layers: Sequence[QgisLayer], *, gpkg: str, title: str,
                       lang: str = "vi") -> str:
    """Return a QGIS 3 project (``.qgs`` XML text) of ``layers``.

    Parameters
    ----------
    layers : sequence of QgisLayer
        The layers, each read from ``gpkg`` by its ``source``.
    gpkg : str
        The GeoPackage's path as the project sees it, e.g. ``"./demo.gpkg"``.
    title : str
        Project title.
    lang : {"vi", "en"}
        Language of group and layer names.

    Raises
    ------
    ValueError
        If ``lang`` is unknown.
    LayerError
        If a layer has an unknown kind or no CRS.
    """
    if lang not in LANGS:
        msg = f"Unknown project language {lang!r}. Use one of: {', '.join(LANGS)}."
        raise ValueError(msg)
    entries, metric = _entries(layers)
    crs = CRS.from_user_input(metric)
    root = ET.Element("qgis", projectname=title, version=QGIS_VERSION)
    ET.SubElement(root, "homePath", path="")
    _text(root, "title", title)
    _srs(ET.SubElement(root, "projectCrs"), crs)
    _layer_tree(root, entries, gpkg, lang)
    ET.SubElement(root, "relations")
    _map_canvas(root, entries, crs)
    projectlayers = ET.SubElement(root, "projectlayers")
    lat = _centre_lat(entries)
    for entry in entries:
        _map_layer(projectlayers, entry, gpkg, lang, lat)
    order = ET.SubElement(root, "layerorder")
    for entry in reversed(entries):
        ET.SubElement(order, "layer", id=entry.layer_id)
    _properties(root)
    _metadata(root, title, lang)
    ET.indent(root)
    doctype = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
    return doctype + ET.tostring(root, encoding="unicode") + "\n"


def qgz_bytes(qgs: str, name: str = "project.qgs") -> bytes:
    """Return a ``.qgz`` file: a zip holding the project XML as ``name``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, qgs.encode("utf-8"))
    return buffer.getvalue()


def relative_source(gpkg: str | Path, project_file: str | Path) -> str:
    """Return the path of ``gpkg`` as a QGIS project at ``project_file`` reads it.

    ``"./demo.gpkg"`` beside it, ``"../var/demo.gpkg"`` elsewhere (QGIS resolves paths that
    start with ``./`` or ``../`` from the project file's folder); an absolute path when no
    relative one exists (another drive).
    """
    target = Path(gpkg).resolve()
    try:
        rel = Path(os.path.relpath(target, Path(project_file).resolve().parent)).as_posix()
    except ValueError:
        return target.as_posix()
    return rel if rel.startswith("../") else f"./{rel}"


def svg_data(svg: str) -> str:
    """Return an SVG as the file name of a QGIS ``SvgMarker`` that embeds it (``base64:``)."""
    return "base64:" + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def zoom_scale(zoom: float, lat: float) -> float:
    """Return the scale denominator of web map zoom ``zoom`` at latitude ``lat``."""
    return SCALE_AT_ZOOM_0 * math.cos(math.radians(lat)) / 2 ** zoom


# -- layers and their styles --------------------------------------------------------------


def _entries(layers: Sequence[QgisLayer]) -> tuple[list[_Entry], CRS | str]:
    """Return the QGIS layers in the web map's draw order (first drawn first), its metric CRS."""
    map_layers = [MapLayer(layer.name, layer.kind, layer.gdf) for layer in layers]
    qgis_layer = {id(m): layer for m, layer in zip(map_layers, layers, strict=True)}
    drawn = drawn_layers(map_layers)
    entries = [e for p in drawn.data for e in _split(p, qgis_layer[id(p.layer)])]
    taken: set[str] = set()
    for i, entry in enumerate(entries):
        entry.layer_id = _layer_id(entry, i, taken)
    return entries, drawn.metric


def _split(prepared: DrawnLayer, layer: QgisLayer) -> list[_Entry]:
    """One entry per geometry type of a layer as the web map draws it."""
    shapes = prepared.shapes or (_kind_shape(layer.kind),)
    style = prepared.drawn_style
    label = _label_class(prepared)
    gdf = prepared.gdf
    entries = []
    for shape in shapes:
        part = gdf[gdf.geom_type.str.replace("Multi", "") == shape] if len(shapes) > 1 else gdf
        symbol = point_symbol(prepared) if shape == POINT else None
        options = path_options(style, shape, symbol=symbol is not None)
        svg, size = symbol or (None, 0)
        entries.append(_Entry(layer, shape, options, style.radius, svg, size,
                              label if shape != LINE else None, len(shapes) > 1,
                              _bounds(part)))
    return entries


def _kind_shape(kind: str) -> str:
    """Geometry type of an empty layer: the kind's first of areas, lines, points."""
    allowed = get_kind(kind).geometry_types
    return next(s for s in (POLYGON, LINE, POINT) if s in allowed)


def _label_class(prepared: DrawnLayer) -> str | None:
    """Label class of a layer, as on the web map: admin units by level, and places."""
    if "name" not in prepared.gdf.columns:
        return None
    if prepared.kind.key == "admin_unit" and prepared.level in LEVELS:
        return prepared.level
    return "place" if prepared.kind.key == "place" else None


def _bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    if not len(gdf):
        return None
    west, south, east, north = (float(v) for v in gdf.total_bounds)
    return west, south, east, north


def _layer_id(entry: _Entry, index: int, taken: set[str]) -> str:
    base = f"{slugify(entry.layer.name)}_{entry.shape.lower()}"
    layer_id = base if base not in taken else f"{base}_{index}"
    taken.add(layer_id)
    return layer_id


def _display_name(entry: _Entry, lang: str) -> str:
    if not entry.split:
        return entry.layer.name
    return f"{entry.layer.name} ({SHAPE_WORDS[entry.shape][lang]})"


# -- project parts ------------------------------------------------------------------------


def _layer_tree(root: ET.Element, entries: Sequence[_Entry], gpkg: str, lang: str) -> None:
    """Add the layer tree: groups by kind, drawn in the web map's order (points on top)."""
    tree = ET.SubElement(root, "layer-tree-group")
    ET.SubElement(tree, "customproperties")
    for key, kind in KINDS.items():
        mine = [e for e in entries if e.layer.kind == key]
        if not mine:
            continue
        group = ET.SubElement(tree, "layer-tree-group", name=kind.label(lang),
                              checked="Qt::Checked", expanded="1")
        ET.SubElement(group, "customproperties")
        for entry in mine:
            node = ET.SubElement(group, "layer-tree-layer", id=entry.layer_id,
                                 name=_display_name(entry, lang),
                                 source=_datasource(entry, gpkg),
                                 providerKey="ogr", checked="Qt::Checked", expanded="1")
            ET.SubElement(node, "customproperties")
    order = ET.SubElement(tree, "custom-order", enabled="1")
    for entry in reversed(entries):  # the first item is drawn on top
        _text(order, "item", entry.layer_id)


def _map_canvas(root: ET.Element, entries: Sequence[_Entry], crs: CRS) -> None:
    canvas = ET.SubElement(root, "mapcanvas", name="theMapCanvas", annotationsVisible="1")
    _text(canvas, "units", "meters")
    west, south, east, north = _view_bounds(entries)
    box = Transformer.from_crs(4326, crs, always_xy=True).transform_bounds(
        west, south, east, north)
    _extent(canvas, "extent", box)
    _text(canvas, "rotation", "0")
    _srs(ET.SubElement(canvas, "destinationsrs"), crs)
    _text(canvas, "rendermaptile", "0")


def _view_bounds(entries: Sequence[_Entry]) -> tuple[float, float, float, float]:
    """Return what the project opens on: like the web map, the layers but reference kinds."""
    main = [e.bounds for e in entries
            if e.bounds and get_kind(e.layer.kind).group != "reference"]
    boxes = main or [e.bounds for e in entries if e.bounds]
    if not boxes:
        return VIETNAM_BOUNDS
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _centre_lat(entries: Sequence[_Entry]) -> float:
    _, south, _, north = _view_bounds(entries)
    return (south + north) / 2


def _map_layer(parent: ET.Element, entry: _Entry, gpkg: str, lang: str, lat: float) -> None:
    """Add the ``maplayer`` element of one entry: source, CRS, symbol and labels."""
    layer = ET.SubElement(parent, "maplayer", type="vector", geometry=_GEOMETRY[entry.shape],
                          labelsEnabled="1" if entry.label else "0", readOnly="0",
                          hasScaleBasedVisibilityFlag="0", minScale="100000000",
                          maxScale="0", autoRefreshEnabled="0")
    if entry.bounds:
        _extent(layer, "extent", entry.bounds)
        _extent(layer, "wgs84extent", entry.bounds)
    _text(layer, "id", entry.layer_id)
    _text(layer, "datasource", _datasource(entry, gpkg))
    _text(ET.SubElement(layer, "keywordList"), "value", "")
    _text(layer, "layername", _display_name(entry, lang))
    _srs(ET.SubElement(layer, "srs"), CRS.from_epsg(4326))
    _text(layer, "provider", "ogr", encoding="UTF-8")
    style_manager = ET.SubElement(layer, "map-layer-style-manager", current="default")
    ET.SubElement(style_manager, "map-layer-style", name="default")
    flags = ET.SubElement(layer, "flags")
    for flag in ("Identifiable", "Removable", "Searchable"):
        _text(flags, flag, "1")
    _renderer(layer, entry)
    if entry.label:
        _labeling(layer, entry.label, entry.shape, lat)
    for tag, value in (("blendMode", "0"), ("featureBlendMode", "0"), ("layerOpacity", "1")):
        _text(layer, tag, value)
    if "name" in entry.layer.gdf.columns:
        _text(layer, "previewExpression", '"name"')
    _text(layer, "layerGeometryType", _GEOMETRY_CODE[entry.shape])


def _datasource(entry: _Entry, gpkg: str) -> str:
    """``<gpkg>|layername=<source>``, with ``|geometrytype=<type>`` for one type of several."""
    source = f"{gpkg}|layername={entry.layer.source}"
    return f"{source}|geometrytype={entry.shape}" if entry.split else source


def _renderer(layer: ET.Element, entry: _Entry) -> None:
    """Add a single-symbol renderer drawing the entry as the web map does."""
    renderer = ET.SubElement(layer, "renderer-v2", type="singleSymbol", symbollevels="0",
                             forceraster="0", enableorderby="0", referencescale="-1")
    symbols = ET.SubElement(renderer, "symbols")
    symbol = ET.SubElement(symbols, "symbol", type=_SYMBOL_TYPE[entry.shape], name="0",
                           alpha="1", clip_to_extent="1", force_rhr="0")
    for cls, props in _symbol_layers(entry):
        _symbol_layer(symbol, cls, props)
    ET.SubElement(renderer, "rotation")
    ET.SubElement(renderer, "sizescale")


def _symbol_layers(entry: _Entry) -> list[tuple[str, dict[str, str]]]:
    """``(class, properties)`` of the symbol layers: Leaflet path options in QGIS terms."""
    opt = entry.options
    stroke = _rgba(opt["color"], opt["opacity"])
    fill = _rgba(opt["fillColor"], opt["fillOpacity"])
    width = _mm(opt["weight"])
    if entry.shape == POINT:
        circle = ("SimpleMarker", {
            "name": "circle", "color": fill, "outline_color": stroke,
            "outline_style": "solid", "outline_width": width, "outline_width_unit": "MM",
            "size": _mm(2 * entry.radius), "size_unit": "MM", "scale_method": "diameter",
            "angle": "0", "offset": "0,0", "offset_unit": "MM", "joinstyle": "round",
            "horizontal_anchor_point": "1", "vertical_anchor_point": "1"})
        if entry.symbol is None:
            return [circle]
        return [circle, ("SvgMarker", {  # on top of its (transparent) circle, as on the web
            "name": svg_data(entry.symbol), "size": _mm(entry.symbol_px), "size_unit": "MM",
            "fixedAspectRatio": "0", "scale_method": "diameter",
            "color": _rgba(opt["fillColor"], 1.0), "outline_color": _rgba(opt["color"], 1.0),
            "outline_width": "0", "outline_width_unit": "MM", "angle": "0",
            "offset": "0,0", "offset_unit": "MM",
            "horizontal_anchor_point": "1", "vertical_anchor_point": "1"})]
    line = _line_props(stroke, width, opt.get("dashArray"))
    if entry.shape == LINE:
        return [("SimpleLine", line)]
    return [("SimpleFill", {"color": fill, "style": "solid", "outline_style": "no",
                            "outline_color": stroke, "outline_width": "0",
                            "outline_width_unit": "MM", "offset": "0,0", "offset_unit": "MM",
                            "joinstyle": "round"}),
            ("SimpleLine", line)]  # the outline, dashed like the web map's


def _line_props(color: str, width: str, dash: str | None) -> dict[str, str]:
    dashes = [float(v) for v in re.split(r"[\s,]+", dash.strip())] if dash else []
    return {"line_color": color, "line_width": width, "line_width_unit": "MM",
            "line_style": "solid", "capstyle": "round", "joinstyle": "round",
            "use_custom_dash": "1" if dashes else "0",
            "customdash": ";".join(_mm(v) for v in dashes) if dashes else "5;2",
            "customdash_unit": "MM", "offset": "0", "offset_unit": "MM"}


def _symbol_layer(symbol: ET.Element, cls: str, props: Mapping[str, str]) -> None:
    """Add a symbol layer, its properties written both ways QGIS 3 reads them."""
    layer = ET.SubElement(symbol, "layer", attrib={"class": cls, "enabled": "1",
                                                   "locked": "0", "pass": "0"})
    options = ET.SubElement(layer, "Option", type="Map")
    for key, value in props.items():
        ET.SubElement(options, "Option", type="QString", name=key, value=value)
    for key, value in props.items():
        ET.SubElement(layer, "prop", k=key, v=value)


def _labeling(layer: ET.Element, cls: str, shape: str, lat: float) -> None:
    """Name labels of one class: the web map's look, priority and zoom range."""
    look = LABEL_LOOKS[cls]
    settings = ET.SubElement(ET.SubElement(layer, "labeling", type="simple"), "settings",
                             calloutType="simple")
    style = ET.SubElement(settings, "text-style", _text_style(look))
    ET.SubElement(style, "families")
    ET.SubElement(style, "text-buffer", bufferDraw="1", bufferSize="0.6",
                  bufferSizeUnits="MM", bufferColor="255,255,255,255", bufferOpacity="0.9",
                  bufferNoFill="1", bufferJoinStyle="128", bufferBlendMode="0")
    ET.SubElement(settings, "text-format", wrapChar="", multilineAlign="3",
                  autoWrapLength="0", formatNumbers="0", decimals="3", plussign="0")
    ET.SubElement(settings, "placement", _placement(cls, shape))
    ET.SubElement(settings, "rendering", _rendering(cls, lat))


def _text_style(look: LabelLook) -> dict[str, str]:
    named = "Bold" if look.weight >= 75 else ("Italic" if look.italic else "Regular")
    caps = "1" if look.capitals else "0"
    return {"fieldName": "name", "isExpression": "0", "fontFamily": LABEL_FONT,
            "fontSize": f"{look.size_px * 0.75:g}", "fontSizeUnit": "Point",
            "fontWeight": str(look.weight), "fontItalic": "1" if look.italic else "0",
            "namedStyle": named, "textColor": _rgba(look.color, 1.0), "textOpacity": "1",
            "capitalization": caps, "fontCapitals": caps, "fontLetterSpacing": "0",
            "fontWordSpacing": "0", "multilineHeight": "1", "blendMode": "0",
            "useSubstitutions": "0", "previewBkgrdColor": "255,255,255,255"}


def _placement(cls: str, shape: str) -> dict[str, str]:
    """Areas: at a point inside (web map: pole of inaccessibility); places: to the right."""
    rank = LABEL_PRIORITY.index(cls)
    common = {"priority": str(max(10 - 2 * rank, 0)), "dist": "0", "distUnits": "MM",
              "offsetUnits": "MM", "yOffset": "0", "offsetType": "0",
              "layerType": f"{_GEOMETRY[shape]}Geometry", "overlapHandling": "PreventOverlap"}
    if shape == POINT:
        return {**common, "placement": "1", "quadOffset": "5", "xOffset": _mm(7.0)}
    return {**common, "placement": "1", "quadOffset": "4", "xOffset": "0",
            "centroidInside": "1", "centroidWhole": "1", "fitInPolygonOnly": "0",
            "polygonPlacementFlags": "2"}


def _rendering(cls: str, lat: float) -> dict[str, str]:
    """Scale range of the labels: the web map's zoom range, at half zoom levels."""
    low, high = LABEL_ZOOMS[cls]
    zoomed_out = zoom_scale(low - 0.5, lat) if low > 0 else 0.0
    zoomed_in = zoom_scale(high + 0.5, lat) if high is not None else 0.0
    return {"scaleVisibility": "1" if zoomed_out or zoomed_in else "0",
            "scaleMin": f"{zoomed_in:.0f}", "scaleMax": f"{zoomed_out:.0f}",
            "drawLabels": "1", "obstacle": "1", "labelPerPart": "0", "mergeLines": "0",
            "limitNumLabels": "0", "maxNumLabels": "2000", "minFeatureSize": "0",
            "upsidedownLabels": "0", "displayAll": "0", "zIndex": "0",
            "fontLimitPixelSize": "0"}


def _properties(root: ET.Element) -> None:
    """Project properties: data paths relative to the project file, the CRS switched on.

    QGIS 3.22 reads ``projectCrs`` only when ``SpatialRefSys/ProjectionsEnabled`` is 1;
    without it the project opens with no CRS at all (checked with real QGIS in
    ``tests/test_qgis_open.py``).
    """
    properties = ET.SubElement(root, "properties")
    _text(ET.SubElement(properties, "SpatialRefSys"), "ProjectionsEnabled", "1", type="int")
    paths = ET.SubElement(properties, "Paths")
    _text(paths, "Absolute", "false", type="bool")


def _metadata(root: ET.Element, title: str, lang: str) -> None:
    meta = ET.SubElement(root, "projectMetadata")
    for tag, value in (("identifier", ""), ("parentidentifier", ""), ("language", lang),
                       ("type", "project"), ("title", title), ("abstract", "")):
        _text(meta, tag, value)


def _srs(parent: ET.Element, crs: CRS) -> None:
    """Add a ``spatialrefsys`` QGIS 3 reads (by ``authid``, else ``wkt`` or ``proj4``)."""
    auth = crs.to_authority() or ("", "")
    ref = ET.SubElement(parent, "spatialrefsys", nativeFormat="Wkt")
    for tag, value in (("wkt", crs.to_wkt()), ("proj4", _proj4(crs)),
                       ("srid", auth[1]), ("authid", ":".join(auth) if auth[0] else ""),
                       ("description", crs.name),
                       ("projectionacronym", "longlat" if crs.is_geographic else "utm"),
                       ("ellipsoidacronym", _ellipsoid(crs)),
                       ("geographicflag", "true" if crs.is_geographic else "false")):
        _text(ref, tag, value)


def _ellipsoid(crs: CRS) -> str:
    found = crs.ellipsoid.to_json_dict().get("id", {}) if crs.ellipsoid else {}
    return f"{found['authority']}:{found['code']}" if found else ""


def _proj4(crs: CRS) -> str:
    """PROJ string of ``crs`` (a fallback for QGIS; the WKT and the code come first)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "you will likely lose information"
        return crs.to_proj4() or ""


def _extent(parent: ET.Element, tag: str, box: Sequence[float]) -> None:
    extent = ET.SubElement(parent, tag)
    for name, value in zip(("xmin", "ymin", "xmax", "ymax"), box, strict=True):
        _text(extent, name, repr(float(value)))


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def _rgba(color: str, opacity: float) -> str:
    """``"r,g,b,a"`` (0–255) of a ``#rrggbb`` or ``#rgb`` colour with an opacity."""
    text = color.lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    red, green, blue = (int(text[i:i + 2], 16) for i in (0, 2, 4))
    return f"{red},{green},{blue},{round(255 * min(max(opacity, 0.0), 1.0))}"


def _mm(pixels: float) -> str:
    return f"{pixels * PX_MM:.3f}".rstrip("0").rstrip(".")


_GEOMETRY = {POINT: "Point", LINE: "Line", POLYGON: "Polygon"}
_GEOMETRY_CODE = {POINT: "0", LINE: "1", POLYGON: "2"}
_SYMBOL_TYPE = {POINT: "marker", LINE: "line", POLYGON: "fill"}
