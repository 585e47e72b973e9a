"""The working map's tools: pointer coordinates, drawing and measuring, all offline.

:func:`add_tools` adds to a Folium map

* a pointer readout (bottom left): the coordinates under the mouse in decimal degrees and
  in degrees, minutes and seconds, computed in the browser in the style of
  :func:`geo.coordinates.format_dd` / :func:`geo.coordinates.format_dms`;
* the drawing toolbar (top left): folium's ``Draw`` plugin (Leaflet.draw, vendored in
  ``static/leaflet-draw/`` and served or inlined by :mod:`maps.offline`) with a line, a
  polygon, a rectangle and a point; its texts in the map's language;
* a measure readout (bottom left, shown once something is drawn): the length of a line,
  the area and perimeter of a polygon, the coordinates of a point, computed in the
  browser on the WGS 84 ellipsoid (within about 0.1 % of :func:`geo.measure.measure`,
  which gives the figures that are kept).

An existing feature can be put in the toolbar's edit group (``add_tools(..., editable=)``):
the edit tool drags a point or the vertices of a line or polygon, the delete tool removes it.
The group returns every digit of the coordinates (Leaflet rounds to 6 decimals by
default), and a removed feature of the group as a feature with no geometry and
``kvpt_deleted`` (:class:`_FullPrecision`).

The shapes drawn are GeoJSON in EPSG:4326: ``drawn_items_js(draw)`` names the
Leaflet feature group that holds them, which ``st_folium`` returns as
``all_drawings`` / ``last_active_drawing``. Call :func:`add_tools` before
:func:`maps.offline.use_local_assets` (or :func:`maps.offline.standalone_html`), which
then loads Leaflet.draw from ``static/``.
"""

from __future__ import annotations

from collections.abc import Mapping

import folium
from branca.element import MacroElement
from folium.plugins import Draw
from folium.template import Template

from geo.coordinates import format_dd, format_dms

LANGS = ("vi", "en")
"""Languages of the tools' texts."""

DRAW_COLOR = "#d7301f"
"""Colour of the shapes being drawn and drawn."""

EDIT_COLOR = "#6a3d9a"
"""Colour of the feature being edited (moved or deleted)."""

EDIT_MARK = "kvpt_edit"
"""Property that marks a feature of the edit group (:data:`planning.editing.EDIT_PROPERTY`)."""

EDIT_GROUP_NAME = "kvpt-edit"
"""Name of the edit group (:func:`edit_group`)."""

DD_DECIMALS, DMS_DECIMALS = 6, 1
"""Decimals of the pointer readout, as the defaults of :mod:`geo.coordinates`."""

TEXTS: dict[str, dict[str, str]] = {
    "vi": {"hint": "Rê chuột trên bản đồ để xem tọa độ", "length": "Chiều dài",
           "area": "Diện tích", "perimeter": "Chu vi", "point": "Điểm",
           "title": "Đo (ước tính)"},
    "en": {"hint": "Move the pointer over the map to read coordinates", "length": "Length",
           "area": "Area", "perimeter": "Perimeter", "point": "Point",
           "title": "Measure (approx.)"},
}
"""Words of the readouts, by language."""

DRAW_TEXTS: dict[str, dict] = {
    "vi": {
        "draw": {
            "toolbar": {
                "actions": {"title": "Hủy vẽ", "text": "Hủy"},
                "finish": {"title": "Kết thúc vẽ", "text": "Xong"},
                "undo": {"title": "Xóa điểm vừa vẽ", "text": "Xóa điểm cuối"},
                "buttons": {"polyline": "Vẽ đường (đo chiều dài)",
                            "polygon": "Vẽ vùng (đo diện tích)",
                            "rectangle": "Vẽ hình chữ nhật", "circlemarker": "Đặt điểm"},
            },
            "handlers": {
                "circlemarker": {"tooltip": {"start": "Nhấp vào bản đồ để đặt điểm."}},
                "polygon": {"tooltip": {"start": "Nhấp để bắt đầu vẽ vùng.",
                                        "cont": "Nhấp để vẽ tiếp.",
                                        "end": "Nhấp vào điểm đầu để khép vùng."}},
                "polyline": {"error": "<strong>Lỗi:</strong> các cạnh không được cắt nhau!",
                             "tooltip": {"start": "Nhấp để bắt đầu vẽ đường.",
                                         "cont": "Nhấp để vẽ tiếp.",
                                         "end": "Nhấp vào điểm cuối để kết thúc."}},
                "rectangle": {"tooltip": {"start": "Nhấp và kéo để vẽ hình chữ nhật."}},
                "simpleshape": {"tooltip": {"end": "Thả chuột để kết thúc."}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {"save": {"title": "Lưu thay đổi", "text": "Lưu"},
                            "cancel": {"title": "Hủy sửa, bỏ mọi thay đổi", "text": "Hủy"},
                            "clearAll": {"title": "Xóa tất cả hình vẽ", "text": "Xóa hết"}},
                "buttons": {"edit": "Sửa hình vẽ", "editDisabled": "Không có hình để sửa",
                            "remove": "Xóa hình vẽ", "removeDisabled": "Không có hình để xóa"},
            },
            "handlers": {
                "edit": {"tooltip": {"text": "Kéo các nút để sửa hình.",
                                     "subtext": "Nhấp Hủy để bỏ thay đổi."}},
                "remove": {"tooltip": {"text": "Nhấp vào một hình để xóa."}},
            },
        },
    },
    "en": {
        "draw": {"toolbar": {"buttons": {"polyline": "Draw a line (measure its length)",
                                         "polygon": "Draw a polygon (measure its area)",
                                         "circlemarker": "Place a point"}},
                 "handlers": {"circlemarker": {"tooltip": {
                     "start": "Click the map to place a point."}}}},
    },
}
"""Texts of the drawing toolbar (``L.drawLocal``), merged over Leaflet.draw's English."""


def add_tools(m: folium.Map, *, lang: str, editable: Mapping | None = None) -> folium.Map:
    """Add the pointer readout, the drawing toolbar and the measure readout to ``m``.

    Parameters
    ----------
    m : folium.Map
        The map; changed in place. Add the tools before
        :func:`maps.offline.use_local_assets`.
    lang : {"vi", "en"}
        Language of the tools' texts.
    editable : mapping, optional
        A GeoJSON feature (EPSG:4326) put in the toolbar's edit group
        (:func:`edit_group`): the toolbar's edit tool moves it (a point) or its vertices,
        its delete tool removes it, and ``st_folium`` returns it in ``all_drawings`` with
        its properties.

    Returns
    -------
    folium.Map
        ``m`` itself.

    Raises
    ------
    ValueError
        If ``lang`` is not one of :data:`LANGS`.
    """
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}. Use one of: {', '.join(LANGS)}."
        raise ValueError(msg)
    m.add_child(_ToolStyle())
    m.add_child(_PointerReadout(lang))
    m.add_child(_DrawTexts(lang))
    group = None
    if editable is not None:
        group = edit_group(editable)
        m.add_child(group)
    draw = draw_control(feature_group=group)
    m.add_child(draw)
    m.add_child(_FullPrecision(draw))
    m.add_child(_MeasureReadout(lang))
    return m


def edit_group(feature: Mapping) -> folium.GeoJson:
    """Return the edit group holding ``feature`` (a point as a circle marker).

    Its ``label`` property, when given, is its tooltip.
    """
    label = (feature.get("properties") or {}).get("label")
    return folium.GeoJson(
        {"type": "FeatureCollection", "features": [dict(feature)]},
        name=EDIT_GROUP_NAME, control=False,
        style_function=lambda _: {"color": EDIT_COLOR, "weight": 4, "opacity": 0.95,
                                  "fillOpacity": 0.2, "dashArray": "6 4"},
        marker=folium.CircleMarker(radius=9, color=EDIT_COLOR, weight=3, fill=True,
                                   fill_color=EDIT_COLOR, fill_opacity=0.6),
        tooltip=folium.GeoJsonTooltip(fields=["label"], labels=False) if label else None)


def draw_control(*, feature_group: folium.FeatureGroup | folium.GeoJson | None = None
                 ) -> Draw:
    """Return folium's ``Draw`` plugin set up for planning shapes.

    A line, a polygon (its edges may not cross), a rectangle and a point (a circle
    marker, which needs no icon image); no circle (not a GeoJSON shape), no alert on
    click, no export button (the app takes the shapes through ``st_folium``).
    ``feature_group``: the group of shapes the edit and delete tools work on (a new
    empty one by default).
    """
    shape = {"color": DRAW_COLOR, "weight": 3, "opacity": 0.9, "fillOpacity": 0.15}
    return Draw(
        position="topleft", show_geometry_on_click=False, export=False,
        feature_group=feature_group,
        draw_options={
            "polyline": {"shapeOptions": shape, "metric": True, "showLength": True},
            "polygon": {"shapeOptions": shape, "allowIntersection": False, "showArea": True,
                        "metric": True, "showLength": True},
            "rectangle": {"shapeOptions": shape, "showArea": False, "metric": True},
            "circlemarker": {"color": DRAW_COLOR, "radius": 6, "fillOpacity": 0.8},
            "circle": False, "marker": False,
        },
        edit_options={"poly": {"allowIntersection": False}},
    )


def drawn_items_js(draw: Draw) -> str:
    """Return the JavaScript name of the feature group holding the shapes of ``draw``."""
    return f"drawnItems_{draw.get_name()}"


def pointer_text(lon: float, lat: float) -> str:
    """Return what the pointer readout shows at ``(lon, lat)`` (computed here in Python).

    The browser computes the same text (:class:`_PointerReadout`); tests compare the two.
    """
    return f"{format_dd(lon, lat, decimals=DD_DECIMALS)}  |  " \
           f"{format_dms(lon, lat, decimals=DMS_DECIMALS)}"


class _ToolStyle(MacroElement):
    """Stylesheet of the two readouts."""

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .kvpt-readout { background: rgba(255,255,255,0.9); padding: 3px 8px;
            border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35); color: #222;
            font: 12px/1.4 system-ui, "Segoe UI", Roboto, Arial, sans-serif;
            font-variant-numeric: tabular-nums; white-space: nowrap; }
        .kvpt-readout b { font-weight: 600; }
        .kvpt-measure[hidden] { display: none; }
        </style>
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "ToolStyle"


class _PointerReadout(MacroElement):
    """The coordinates under the pointer: decimal degrees and DMS, computed in the browser."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            function dms(value, pos, neg, decimals) {
                var scale = Math.pow(10, decimals);
                var total = Math.floor(Math.abs(value) * 3600 * scale + 0.5);
                var deg = Math.floor(total / (3600 * scale));
                var rest = total - deg * 3600 * scale;
                var min = Math.floor(rest / (60 * scale));
                var sec = ((rest - min * 60 * scale) / scale).toFixed(decimals);
                if (sec.length < (decimals ? 3 + decimals : 2)) { sec = "0" + sec; }
                return deg + "\\u00b0" + (min < 10 ? "0" : "") + min + "'" + sec + '"' +
                    (value >= 0 ? pos : neg);
            }
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "kvpt-readout kvpt-pointer");
                div.textContent = {{ this.hint|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
            var box = control.getContainer();
            map.on("mousemove", function (e) {
                var lat = e.latlng.lat, lng = L.Util.wrapNum(e.latlng.lng, [-180, 180], true);
                box.textContent = lat.toFixed({{ this.dd }}) + ", " + lng.toFixed({{ this.dd }}) +
                    "  |  " + dms(lat, "N", "S", {{ this.dms }}) + " " +
                    dms(lng, "E", "W", {{ this.dms }});
                box.dataset.lat = lat;
                box.dataset.lng = lng;
            });
            map.on("mouseout", function () { box.textContent = {{ this.hint|tojson }}; });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "PointerReadout"
        self.hint = TEXTS[lang]["hint"]
        self.dd, self.dms = DD_DECIMALS, DMS_DECIMALS


class _FullPrecision(MacroElement):
    """Make the toolbar's group give every digit of its coordinates, and its removals.

    Leaflet rounds coordinates to 6 decimals by default (about 0.1 m): a feature moved
    on the map would come back with its undragged vertices rounded. ``st_folium`` calls
    ``toGeoJSON()`` with no argument, so the group's own method asks for full precision.
    A feature of the edit group (:func:`edit_group`) removed with the delete tool stays in
    the result as a feature with no geometry and the property ``kvpt_deleted`` (the page
    needs to know which one was removed, not only that it is gone).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (group, map) {
            var base = group.toGeoJSON, removed = [];
            group.toGeoJSON = function (precision) {
                var out = base.call(this, precision === undefined ? false : precision);
                removed.forEach(function (props) {
                    out.features.push({type: "Feature", geometry: null,
                        properties: Object.assign({}, props, {kvpt_deleted: true})});
                });
                return out;
            };
            map.on("draw:deleted", function (e) {
                e.layers.eachLayer(function (layer) {
                    var props = layer.feature && layer.feature.properties;
                    if (props && props[{{ this.mark|tojson }}]) { removed.push(props); }
                });
            });
        })({{ this.group }}, {{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, draw: Draw) -> None:
        super().__init__()
        self._name = "FullPrecision"
        self.group = drawn_items_js(draw)
        self.mark = EDIT_MARK


class _DrawTexts(MacroElement):
    """Put the toolbar's texts in the map's language (before the toolbar is made)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (texts) {
            function merge(target, source) {
                Object.keys(source).forEach(function (key) {
                    if (typeof source[key] === "object" && target[key]) {
                        merge(target[key], source[key]);
                    } else {
                        target[key] = source[key];
                    }
                });
            }
            if (window.L && L.drawLocal) { merge(L.drawLocal, texts); }
        })({{ this.texts|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "DrawTexts"
        self.texts = DRAW_TEXTS[lang]


class _MeasureReadout(MacroElement):
    """Length, area and perimeter of the last shape drawn or edited (ellipsoidal, approx.).

    Lengths add up segments measured with the WGS 84 radii of curvature at their middle;
    areas are those of the shape in the ellipsoidal sinusoidal projection centred on it
    (an equal-area projection). ``data-length-m``, ``data-area-m2`` and
    ``data-perimeter-m`` hold the numbers.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function (map) {
            var A = 6378137.0, F = 1 / 298.257223563, E2 = F * (2 - F);
            var RAD = Math.PI / 180, words = {{ this.words|tojson }};
            function radii(lat) {
                var s = Math.sin(lat * RAD), w = 1 - E2 * s * s;
                return {n: A / Math.sqrt(w), m: A * (1 - E2) / Math.pow(w, 1.5)};
            }
            function arc(lat) {  // meridian arc length from the equator (m)
                var p = lat * RAD, e4 = E2 * E2, e6 = e4 * E2;
                return A * ((1 - E2 / 4 - 3 * e4 / 64 - 5 * e6 / 256) * p
                    - (3 * E2 / 8 + 3 * e4 / 32 + 45 * e6 / 1024) * Math.sin(2 * p)
                    + (15 * e4 / 256 + 45 * e6 / 1024) * Math.sin(4 * p)
                    - (35 * e6 / 3072) * Math.sin(6 * p));
            }
            function pathLength(points, closed) {
                var total = 0, n = points.length, last = closed ? n : n - 1;
                for (var i = 0; i < last; i++) {
                    var a = points[i], b = points[(i + 1) % n];
                    var r = radii((a.lat + b.lat) / 2);
                    var dx = (b.lng - a.lng) * RAD * r.n * Math.cos((a.lat + b.lat) / 2 * RAD);
                    var dy = (b.lat - a.lat) * RAD * r.m;
                    total += Math.sqrt(dx * dx + dy * dy);
                }
                return total;
            }
            function ringArea(points, lng0) {
                var sum = 0, n = points.length;
                var xy = points.map(function (p) {
                    return [(p.lng - lng0) * RAD * radii(p.lat).n * Math.cos(p.lat * RAD),
                            arc(p.lat)];
                });
                for (var i = 0; i < n; i++) {
                    var a = xy[i], b = xy[(i + 1) % n];
                    sum += a[0] * b[1] - b[0] * a[1];
                }
                return Math.abs(sum) / 2;
            }
            function rings(layer) {  // [outer, hole, ...] of each part of a polygon
                var ll = layer.getLatLngs();
                if (!L.LineUtil.isFlat(ll[0])) { return ll; }
                return [ll];
            }
            function measure(layer) {
                if (layer instanceof L.Polygon) {
                    var lng0 = layer.getBounds().getCenter().lng, area = 0, perimeter = 0;
                    rings(layer).forEach(function (part) {
                        part.forEach(function (ring, k) {
                            area += (k === 0 ? 1 : -1) * ringArea(ring, lng0);
                            perimeter += pathLength(ring, true);
                        });
                    });
                    return {area: area, perimeter: perimeter};
                }
                if (layer instanceof L.Polyline) {
                    var ll = layer.getLatLngs(), parts = L.LineUtil.isFlat(ll) ? [ll] : ll;
                    return {length: parts.reduce(function (t, p) {
                        return t + pathLength(p, false); }, 0)};
                }
                return {point: layer.getLatLng()};
            }
            function metres(v) {
                return v < 1000 ? v.toFixed(0) + " m" : (v / 1000).toFixed(2) + " km";
            }
            function squareMetres(v) {
                if (v < 10000) { return v.toFixed(0) + " m\\u00b2"; }
                if (v < 1e8) { return (v / 10000).toFixed(2) + " ha"; }
                return (v / 1e6).toFixed(2) + " km\\u00b2";
            }
            var control = L.control({position: "bottomleft"});
            control.onAdd = function () {
                var div = L.DomUtil.create("div", "kvpt-readout kvpt-measure");
                div.hidden = true;
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            control.addTo(map);
            var box = control.getContainer();
            function show(layer) {
                var found = measure(layer), text;
                ["lengthM", "areaM2", "perimeterM"].forEach(function (k) {
                    delete box.dataset[k];
                });
                if (found.point) {
                    text = words.point + ": " + found.point.lat.toFixed({{ this.dd }}) + ", " +
                        found.point.lng.toFixed({{ this.dd }});
                } else if (found.area !== undefined) {
                    text = words.area + " \\u2248 " + squareMetres(found.area) + " \\u00b7 " +
                        words.perimeter + " \\u2248 " + metres(found.perimeter);
                    box.dataset.areaM2 = found.area;
                    box.dataset.perimeterM = found.perimeter;
                } else {
                    text = words.length + " \\u2248 " + metres(found.length);
                    box.dataset.lengthM = found.length;
                }
                box.textContent = text;
                box.title = words.title;
                box.hidden = false;
            }
            map.on("draw:created", function (e) { show(e.layer); });
            map.on("draw:edited", function (e) {
                e.layers.eachLayer(function (layer) { show(layer); });
            });
            map.on("draw:deleted", function () { box.hidden = true; });
            // a popup left open by a click on a feature would take the first clicks of a
            // drawing, even while it fades out: close it, letting clicks through at once
            var popup = null;
            map.on("popupopen", function (e) {
                popup = e.popup;
                if (popup.getElement()) { popup.getElement().style.pointerEvents = ""; }
            });
            map.on("draw:drawstart draw:editstart draw:deletestart", function () {
                if (popup && popup.getElement()) {
                    popup.getElement().style.pointerEvents = "none";
                }
                map.closePopup();
            });
        })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, lang: str) -> None:
        super().__init__()
        self._name = "MeasureReadout"
        self.words = TEXTS[lang]
        self.dd = DD_DECIMALS

