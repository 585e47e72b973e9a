"""A big layer on the web map as vector tiles (Leaflet.VectorGrid), styled as its legend.

The tiles are cut by :mod:`layers.tiles` and served by Streamlit; :class:`VectorTiles`
draws them with the vendored Leaflet.VectorGrid (``static/leaflet-vectorgrid/``): the
browser fetches only the tiles in view, at the zoom of the view, and draws them on canvas,
so a pan or zoom needs no server round trip beyond the static tiles.

- **Style**: the layer's drawn style (:func:`tile_styles`, the same as its legend entry
  and the normal map's overlay), points as circles of the kind's radius.
- **Popups**: a click on a feature opens the attribute table the normal map's popups
  show (:func:`popup_fields`: same columns, same labels, same number format), the values
  set as text (no HTML injection). The click's position is tested against the
  features of the tile under the pointer. Points are drawn over the other layers and take
  a click first (a listener in the capture phase); lines and areas, drawn under them,
  answer a click that no other layer took (the map's ``click``).
- **Tooltips**: the pointer over a feature shows its name, as on the normal map (one
  tooltip for all the big layers, points first; an area or line under another layer's
  feature shows none there).
- **Zooms past the tiles**: tiles exist up to :data:`layers.tiles.MAX_ZOOM`; deeper, each
  tile is drawn from its ancestor's features rescaled (lines and circles keep their
  width on screen, unlike Leaflet's ``maxNativeZoom``, which enlarges the drawing).
- **Layer control**: each big layer keeps its (empty) overlay in the legend and the
  layer control; the tiles show and hide with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from layers.tiles import MAX_ZOOM, TILE_LAYER, TileSet
from maps.map_parts import FORMAT_JS, YES_NO
from maps.offline import STATIC_URL
from maps.project_map import drawn_popup_fields
from maps.styling import LINE, POINT, POLYGON, MapLayer, drawn_layers, path_options

VECTORGRID_JS = "leaflet-vectorgrid/Leaflet.VectorGrid.bundled.min.js"
"""The vendored script, relative to the static folder."""

POINT_PANE, SHAPE_PANE = ("kvptBigPoints", 450), ("kvptBigShapes", 390)
"""Map panes (name, z-index) of big point layers (over the other overlays, at 400) and of
big line and area layers (under them, over the basemap's tile pane)."""

_GEOMETRY_TYPES = {POINT: 1, LINE: 2, POLYGON: 3}  # MVT geometry types


def tile_styles(layer: MapLayer) -> dict[int, dict[str, Any]]:
    """Return the Leaflet path options of each MVT geometry type (1 point, 2 line, 3 area).

    The layer's drawn style (:func:`maps.styling.path_options`, as on the normal map);
    points are filled circles of the style's radius, lines are not filled.
    """
    (drawn,) = drawn_layers([MapLayer(layer.name, layer.kind, layer.gdf.iloc[:1],
                                      style=layer.style)]).data
    style = drawn.drawn_style
    styles = {}
    for shape, code in _GEOMETRY_TYPES.items():
        options = path_options(style, shape)
        options.pop("interactive", None)
        options["fill"] = shape != LINE
        if shape == POINT:
            options["radius"] = style.radius
        styles[code] = options
    return styles


def popup_fields(layer: MapLayer, *, lang: str) -> list[tuple[str, str]]:
    """Return ``(column, label)`` of the attributes the layer's popups list.

    As on the normal map: the kind's attributes first, labelled in ``lang``.
    """
    (drawn,) = drawn_layers([layer]).data
    return drawn_popup_fields(drawn, lang=lang)


class VectorTiles(MacroElement):
    """One big layer drawn from its vector tiles (see the module).

    Parameters
    ----------
    tiles : TileSet
        The cut tiles.
    layer : MapLayer
        The layer (its style, kind and name).
    stand_in : str
        JavaScript name of the layer's empty overlay (legend and layer control entry).
    fields : sequence of (str, str)
        ``(column, label)`` of the popup (:func:`popup_fields`).
    lang : {"vi", "en"}
        Language of the popup's yes/no.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map, standIn) {
            var styles = {{ this.styles|tojson }}, fields = {{ this.fields|tojson }};
            var labels = {{ this.labels|tojson }}, yesNo = {{ this.yes_no|tojson }};
            var tipField = {{ this.tooltip_field|tojson }};
            var maxZ = {{ this.max_zoom }}, paneName = {{ this.pane|tojson }};
            if (!map.getPane(paneName)) {
                map.createPane(paneName).style.zIndex = {{ this.z_index }};
            }
            var renderers = {}, parents = {};
            var grid = L.vectorGrid.protobuf({{ this.url|tojson }}, {
                pane: paneName, interactive: false, maxZoom: 22,
                vectorTileLayerStyles: {{ this.layer_styles|tojson }},
                rendererFactory: function (coords, size, options) {
                    var r = L.canvas.tile(coords, size, options);
                    renderers[coords.x + ":" + coords.y + ":" + coords.z] = r;
                    return r;
                }
            });
            grid.on("tileunload", function (e) {
                delete renderers[e.coords.x + ":" + e.coords.y + ":" + e.coords.z];
            });
            var create = grid._createLayer;
            grid._createLayer = function (feat, pxPerExtent) {
                var layer = create.call(this, feat, pxPerExtent), render = layer.render;
                var style = L.extend({}, L.Path.prototype.options, styles[feat.type]);
                layer.render = function (renderer) {
                    render.call(this, renderer, style);
                    if (this._parts) { this._pxBounds = this._getPixelBounds(); }  // hit()
                };
                return layer;
            };
            var fetchTile = grid._getVectorTilePromise;
            grid._getVectorTilePromise = function (coords) {
                if (coords.z <= maxZ) { return fetchTile.call(this, coords); }
                var k = Math.pow(2, coords.z - maxZ);
                var px = Math.floor(coords.x / k), py = Math.floor(coords.y / k);
                var key = px + ":" + py;
                if (!parents[key]) {
                    if (Object.keys(parents).length >= 64) { parents = {}; }  // bounded
                    parents[key] = fetchTile.call(this, {x: px, y: py, z: maxZ});
                }
                return parents[key].then(function (tile) {
                    return zoomed(tile, coords.x - px * k, coords.y - py * k, k);
                });
            };
            map.on("zoomend", function () {
                if (map.getZoom() <= maxZ) { parents = {}; }
            });
            function zoomed(tile, dx, dy, k) {
                var out = {layers: {}};
                for (var name in tile.layers) {
                    var source = tile.layers[name], e = source.extent, feats = [];
                    var x0 = dx * e / k, y0 = dy * e / k, pad = e / k / 8;
                    for (var i = 0; i < source.features.length; i++) {
                        var f = source.features[i], inside = false, geometry = [];
                        for (var j = 0; j < f.geometry.length; j++) {
                            var ring = [];
                            for (var m = 0; m < f.geometry[j].length; m++) {
                                var p = f.geometry[j][m];
                                if (p.x >= x0 - pad && p.x <= x0 + e / k + pad &&
                                    p.y >= y0 - pad && p.y <= y0 + e / k + pad) {
                                    inside = true;
                                }
                                ring.push({x: (p.x - x0) * k, y: (p.y - y0) * k});
                            }
                            geometry.push(ring);
                        }
                        if (inside || f.type === 3) {
                            feats.push({type: f.type, properties: f.properties,
                                        geometry: geometry});
                        }
                    }
                    out.layers[name] = {extent: e, length: feats.length, features: feats};
                }
                return out;
            }
            {{ this.format_js }}
            function table(p) {
                var t = L.DomUtil.create("table", "kvpt-popup");
                for (var i = 0; i < fields.length; i++) {
                    var row = t.insertRow(), th = document.createElement("th");
                    th.textContent = labels[i];
                    row.appendChild(th);
                    row.insertCell().textContent = fmt(p[fields[i]]);
                }
                return t;
            }
            function hit(latlng) {
                var z = grid._tileZoom, size = grid.getTileSize();
                if (z === undefined) { return null; }
                var px = map.project(latlng, z), c = px.unscaleBy(size).floor();
                var r = renderers[c.x + ":" + c.y + ":" + z];
                if (!r) { return null; }
                var pt = px.subtract(c.scaleBy(size)), found = null;
                for (var id in r._layers) {
                    var l = r._layers[id];
                    if (l._containsPoint && l._containsPoint(pt)) { found = l; }
                }
                return found;
            }
            function hovering(map) {  // one tooltip of a name under the pointer, all grids
                if (map.kvptHovers) { return map.kvptHovers; }
                var hovers = map.kvptHovers = [], tip = L.tooltip({direction: "top"});
                var queued = null, pending = 0;
                function show() {
                    pending = 0;
                    var text = "";
                    for (var i = 0; i < hovers.length && !text; i++) {
                        // areas and lines are under the other layers: not where one is
                        if (hovers[i].top || !queued.onOther) {
                            text = hovers[i].text(queued.latlng);
                        }
                    }
                    if (!text) { map.closeTooltip(tip); return; }
                    var span = document.createElement("span");
                    span.textContent = text;
                    tip.setLatLng(queued.latlng).setContent(span);
                    if (!map.hasLayer(tip)) { tip.openOn(map); }
                }
                map.on("mousemove", function (e) {
                    var t = e.originalEvent.target;
                    queued = {latlng: e.latlng, onOther: !!(t.closest &&
                        t.closest(".leaflet-interactive, .leaflet-marker-icon"))};
                    if (!pending) { pending = requestAnimationFrame(show); }
                });
                map.on("mouseout zoomstart movestart", function () {
                    map.closeTooltip(tip);
                });
                return hovers;
            }
            function open(latlng) {
                var l = map.hasLayer(grid) && fields.length ? hit(latlng) : null;
                if (l) {
                    L.popup({maxWidth: 380}).setLatLng(latlng)
                        .setContent(table(l.properties || {})).openOn(map);
                }
                return l !== null;
            }
            hovering(map).push({top: {{ this.on_top|tojson }}, text: function (latlng) {
                if (!map.hasLayer(grid) || tipField === null) { return ""; }
                var l = hit(latlng);
                return l && l.properties ? fmt(l.properties[tipField]) : "";
            }});
            map.kvptHovers.sort(function (a, b) { return b.top - a.top; });  // points first
            if ({{ this.on_top|tojson }}) {  // points: drawn over the other layers
                map.getContainer().addEventListener("click", function (e) {
                    if (e.target.closest(".leaflet-popup, .leaflet-control") ||
                        (map.dragging && map.dragging.moved())) { return; }
                    if (open(map.mouseEventToLatLng(e))) { e.stopPropagation(); }
                }, true);
            } else {  // lines and areas: under the other layers, clicked where they are not
                map.on("click", function (e) { open(e.latlng); });
            }
            if (map.hasLayer(standIn)) { map.addLayer(grid); }
            standIn.on("add", function () { map.addLayer(grid); });
            standIn.on("remove", function () { map.removeLayer(grid); });
            grid.kvptRenderers = renderers;  // the drawn tiles (for tests and the bench)
            window.kvptVectorTiles = (window.kvptVectorTiles || []).concat([grid]);
        })({{ this._parent.get_name() }}, {{ this.stand_in }});
        {% endmacro %}
        """
    )

    def __init__(self, tiles: TileSet, layer: MapLayer, *, stand_in: str,
                 fields: Sequence[tuple[str, str]], lang: str) -> None:
        super().__init__()
        self._name = "VectorTiles"
        self.url = tiles.url()
        self.layer_styles = {TILE_LAYER: {}}  # each feature's style: by its type
        self.max_zoom = int(MAX_ZOOM)
        self.stand_in = stand_in
        self.styles = tile_styles(layer)
        kept = set(tiles.columns)
        self.fields = [f for f, _ in fields if f in kept]
        self.labels = [label for f, label in fields if f in kept]
        self.tooltip_field = "name" if "name" in kept else None  # as the normal map's
        self.yes_no = YES_NO[lang]
        self.format_js = FORMAT_JS
        points = len(layer.gdf) and layer.gdf.geom_type.isin(["Point", "MultiPoint"]).all()
        self.on_top = bool(points)
        self.pane, self.z_index = POINT_PANE if points else SHAPE_PANE

    def render(self, **kwargs: object) -> None:
        """Load the vendored Leaflet.VectorGrid (after Leaflet), then draw."""
        figure = self.get_root()
        if isinstance(figure, Figure):
            script = f'<script src="{STATIC_URL}/{VECTORGRID_JS}"></script>'
            figure.header.add_child(Element(script), name="leaflet_vectorgrid_js")
        super().render(**kwargs)
