"""The pieces of the web map page around its layers, as folium elements.

:class:`FeatureInfo` (popups and tooltips of a layer's features), :class:`SymbolMarkers`
(the point symbols of a layer, :mod:`maps.symbols`), :class:`PageStyle` (the page's
stylesheet), :class:`TitleBox`, :class:`Controls` (scale bar and sources) and
:class:`FitView` (the opening view, clear of the controls). Each renders a small script;
:func:`maps.project_map.build_map` puts them together.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from branca.element import MacroElement
from folium import Map
from folium.template import Template
from folium.utilities import get_obj_in_upper_tree

SYMBOL_PANE = "kvpt-symbols"
"""Leaflet pane of the point symbols: above areas, lines and circles (the overlay pane,
z-index 400), below the name labels (450) and popups; it takes no pointer events."""

SYMBOL_PANE_Z = 420
"""z-index of :data:`SYMBOL_PANE`."""

YES_NO = {"vi": ("có", "không"), "en": ("yes", "no")}

FORMAT_JS = """function fmt(v) {
                if (v === null || v === undefined) { return ""; }
                if (typeof v === "boolean") { return v ? yesNo[0] : yesNo[1]; }
                if (typeof v === "number") {
                    return Number.isInteger(v) ? String(v) : String(Math.round(v * 1000) / 1000);
                }
                return String(v);
            }"""
"""JavaScript ``fmt(v)`` of a popup's value (``yesNo`` in scope): booleans as yes/no in the
map's language, numbers to three decimals, nothing for a missing value."""


class SymbolMarkers(MacroElement):
    """The point symbol of every point of a ``GeoJson`` layer drawn with circle markers.

    Each circle marker of the layer (inside multi-points too) gets a non-interactive
    marker at its place whose icon is ``svg``, in :data:`SYMBOL_PANE`. The markers are
    members of the layer, so they show and hide with it in the layer control; the circle
    (transparent, see :func:`maps.styling.path_options`) still catches the pointer, so
    popups, tooltips and the highlight work as for any feature. One icon serves all the
    points, its SVG parsed once and cloned for each: 500 points add about 50 ms to
    drawing a layer in Chromium (2,000 about 0.3 s).

    Parameters
    ----------
    svg : str
        The symbol (:func:`maps.symbols.svg_symbol`), ``size`` pixels wide and high.
    size : float
        Size of the icon (pixels); it is centred on the point.
    kind : str
        Key of the symbol, written in the icon's class (``kvpt-symbol-<kind>``).
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .kvpt-symbol { background: none; border: none; }
        .kvpt-symbol svg { display: block; overflow: visible; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        (function (layer, map) {
            var paneName = {{ this.pane|tojson }};
            if (!map.getPane(paneName)) {
                var pane = map.createPane(paneName);
                pane.style.zIndex = {{ this.pane_z }};
                pane.style.pointerEvents = "none";
            }
            var options = {{ this.icon|tojson }}, html = options.html;
            var icon = L.divIcon(Object.assign({}, options, {html: false}));
            var template = document.createElement("div");
            template.innerHTML = html;  // parsed once, cloned for each point
            var svg = template.firstChild;
            icon.createIcon = function (old) {
                var div = L.DivIcon.prototype.createIcon.call(this, old);
                div.appendChild(svg.cloneNode(true));
                return div;
            };
            var points = [];
            function collect(l) {
                if (l instanceof L.CircleMarker) { points.push(l.getLatLng()); }
                else if (l.eachLayer) { l.eachLayer(collect); }
            }
            layer.eachLayer(collect);
            points.forEach(function (latlng) {
                layer.addLayer(L.marker(latlng, {icon: icon, pane: paneName,
                                                 interactive: false, keyboard: false}));
            });
        })({{ this._parent.get_name() }}, {{ this.map_name }});
        {% endmacro %}
        """
    )

    def __init__(self, svg: str, size: float, *, kind: str) -> None:
        super().__init__()
        self._name = "SymbolMarkers"
        self.icon = {"className": f"kvpt-symbol kvpt-symbol-{kind}", "html": svg,
                     "iconSize": [size, size]}
        self.pane = SYMBOL_PANE
        self.pane_z = SYMBOL_PANE_Z
        self.map_name = ""

    def render(self, **kwargs: object) -> None:
        """Render the script, for the map that holds the layer."""
        self.map_name = get_obj_in_upper_tree(self, Map).get_name()
        super().render(**kwargs)


class FeatureInfo(MacroElement):
    """Popup (attribute table) and tooltip (name) of every feature of a GeoJson.

    Text is set with ``textContent``, so attribute values cannot inject HTML.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (layer) {
            var fields = {{ this.fields|tojson }}, labels = {{ this.labels|tojson }};
            var yesNo = {{ this.yes_no|tojson }};
            {{ this.format_js }}
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
        self.yes_no = YES_NO[lang]
        self.format_js = FORMAT_JS


class PageStyle(MacroElement):
    """Stylesheet of the map background (no tiles), popups and the title box."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .leaflet-container { background: #f7f6f2; }
        .leaflet-container .leaflet-control-layers { font-size: 13px; line-height: 1.35; }
        /* an open layer list longer than the legend's corner stays above the legend */
        .leaflet-top.leaflet-right { z-index: 1001; }
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


class TitleBox(MacroElement):
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


class Controls(MacroElement):
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


class FitView(MacroElement):
    """Open the map on ``bounds``, clear of the legend, the layer control and the title.

    The map is built with no view (``center: null``), so that it loads, and draws its
    layers, only when this script sets the view (``center`` and ``zoom`` if it fails).
    The controls' sizes are known only in the browser: the script measures them and fits
    the bounds into the rest of the map (the right-hand column holds the legend and the
    layer control). The legend is folded when, open, its column would take more than
    ``max_share`` of the width or the data would open one zoom level further out; when
    even then there is no room, the controls are left over the data.

    Parameters
    ----------
    bounds : list
        ``[[south, west], [north, east]]`` to fit.
    center, zoom
        The view if fitting fails.
    gap : float
        Pixels kept between the data and the map's edges and controls.
    max_zoom : int
        Fitting zooms in no further.
    max_share : float
        Largest share of the map's width the open legend's column may take.
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
                 zoom: int = 8, *, gap: float, max_zoom: int, max_share: float) -> None:
        super().__init__()
        self._name = "FitView"
        self.bounds = bounds
        self.center = list(center)
        self.zoom = zoom
        self.gap = gap
        self.max_zoom = max_zoom
        self.max_share = max_share
