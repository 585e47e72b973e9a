"""The map legend: one swatch per kind of layer drawn, in plain HTML and CSS.

Points of a kind with a symbol show that symbol (:func:`maps.symbols.svg_symbol`, the SVG
the map draws them with); other points a circle, lines a line, areas a box.

The legend is a Leaflet control built by a small script, so it shows both in
a standalone HTML page and inside ``st_folium`` (which runs the script of
every element but keeps no HTML of its own).

It folds by its title. It opens folded on a narrow map (:data:`FOLD_BELOW_PX`),
and :func:`maps.project_map.build_map` fits the view beside it, folding it
when open it would take too much of the map or cost a zoom level.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from branca.element import MacroElement
from folium.template import Template

from layers.kinds import LINE, POINT, POLYGON, Style
from maps.symbols import svg_symbol

LEGEND_TITLE = {"vi": "Chú giải", "en": "Legend"}
"""Heading of the legend, by language."""

FICTIONAL_MARK = {"vi": "(giả định)", "en": "(fictional)"}
"""Appended to the label of entries whose features are made up for a demo."""

FOLD_BELOW_PX = 560
"""On a map narrower than this (pixels) the legend opens folded: a click on its title
unfolds it (e.g. plan A and plan B side by side). ``build_map`` may fold it on wider maps
too (see :data:`maps.project_map.LEGEND_MAX_SHARE`)."""

SHAPE_ORDER = (POLYGON, LINE, POINT)
"""Order of the swatches of one entry."""

SYMBOL_SWATCH_PX = 18
"""Width and height of the point symbol of an entry (:func:`maps.symbols.svg_symbol`)."""


@dataclass(frozen=True)
class LegendEntry:
    """One line of the legend.

    Attributes
    ----------
    label : str
        Text shown (plain text; escaped when drawn).
    style : Style
        Style the features are drawn with.
    shapes : tuple of str
        Base geometry types drawn (``Point``, ``LineString``, ``Polygon``): one
        swatch each.
    fictional : bool
        Whether the features are made up; the label then gets
        :data:`FICTIONAL_MARK`.
    symbol : str, optional
        Key of the point symbol (:data:`maps.symbols.SYMBOLS`) the points are drawn
        with; the point swatch is then that symbol, else a circle.
    """

    label: str
    style: Style
    shapes: tuple[str, ...] = (POLYGON,)
    fictional: bool = False
    symbol: str | None = None


class Legend(MacroElement):
    """A legend control with sections of :class:`LegendEntry` lines, foldable by its title.

    Parameters
    ----------
    sections : sequence of (str or None, sequence of LegendEntry)
        Sub-heading (or ``None``) and entries of each section; empty sections
        are left out.
    lang : {"vi", "en"}
        Language of the heading and of the fictional mark.
    position : str
        Leaflet control position.
    """

    _template = Template(
        """
        {% macro header(this, kwargs) %}
        <style>
        .kvpt-legend { background: rgba(255,255,255,0.92); padding: 6px 9px; font: 12px/1.35
            system-ui, "Segoe UI", Roboto, Arial, sans-serif; color: #222; max-height: 45vh;
            overflow-y: auto; border-radius: 4px; box-shadow: 0 1px 4px rgba(0,0,0,0.35); }
        .kvpt-legend h4 { display: inline; margin: 0; font-size: 13px; }
        .kvpt-legend summary { cursor: pointer; margin-bottom: 4px; }
        .kvpt-legend h5 { margin: 6px 0 2px; font-size: 11px; color: #555; font-weight: 600; }
        .kvpt-legend .kvpt-entry { display: flex; align-items: center; gap: 6px;
            margin: 2px 0; white-space: nowrap; }
        .kvpt-legend svg { flex: none; }
        .kvpt-legend .kvpt-fictional { font-style: italic; color: #8a4b00; }
        </style>
        {% endmacro %}
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.control({position: {{ this.position|tojson }}});
        {{ this.get_name() }}.onAdd = function (map) {
            var div = L.DomUtil.create("div", "kvpt-legend");
            div.innerHTML = {{ this.html|tojson }};
            if (map.getSize().x < {{ this.fold_below_px }}) {  // narrow map: start folded
                div.querySelector("details").open = false;
            }
            L.DomEvent.disableClickPropagation(div);
            L.DomEvent.disableScrollPropagation(div);
            return div;
        };
        {{ this.get_name() }}.addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(
        self,
        sections: Sequence[tuple[str | None, Sequence[LegendEntry]]],
        *,
        lang: str = "vi",
        position: str = "bottomright",
    ) -> None:
        super().__init__()
        self._name = "Legend"
        self.sections = [(head, list(entries)) for head, entries in sections if entries]
        self.lang = lang
        self.position = position
        self.html = legend_html(self.sections, lang=lang)
        self.fold_below_px = FOLD_BELOW_PX


def legend_html(
    sections: Iterable[tuple[str | None, Sequence[LegendEntry]]], *, lang: str = "vi"
) -> str:
    """Return the inner HTML of the legend.

    Parameters
    ----------
    sections : iterable of (str or None, sequence of LegendEntry)
        Sub-heading and entries of each section.
    lang : {"vi", "en"}
        Language of the heading and of the fictional mark.

    Returns
    -------
    str
        HTML with inline SVG swatches; every label is escaped.
    """
    title = escape(LEGEND_TITLE.get(lang, LEGEND_TITLE["en"]))
    parts = [f"<details open><summary><h4>{title}</h4></summary>"]
    for head, entries in sections:
        if head:
            parts.append(f"<h5>{escape(head)}</h5>")
        parts += [_entry_html(entry, lang) for entry in entries]
    return "".join(parts) + "</details>"


def _entry_html(entry: LegendEntry, lang: str) -> str:
    shapes = [s for s in SHAPE_ORDER if s in entry.shapes] or [POLYGON]
    swatches = "".join(svg_symbol(entry.symbol, entry.style, size=SYMBOL_SWATCH_PX,
                                  shared_stroke=True)
                       if shape == POINT and entry.symbol else _swatch(entry.style, shape)
                       for shape in shapes)
    label = escape(entry.label)
    if entry.fictional:
        mark = escape(FICTIONAL_MARK.get(lang, FICTIONAL_MARK["en"]))
        label += f' <span class="kvpt-fictional">{mark}</span>'
    return f'<div class="kvpt-entry">{swatches}<span>{label}</span></div>'


def _swatch(style: Style, shape: str) -> str:
    """Return an 18×14 inline SVG drawing ``shape`` in ``style``."""
    color = escape(style.color)
    fill = escape(style.fill_color or style.color)
    dash = f' stroke-dasharray="{escape(style.dash_array)}"' if style.dash_array else ""
    weight = min(max(style.weight, 1.0), 4.0)
    if shape == POINT:
        radius = min(max(style.radius, 3.0), 6.0)
        body = (f'<circle cx="9" cy="7" r="{radius:g}" stroke="{color}" '
                f'stroke-width="{min(weight, 2.0):g}" fill="{fill}" '
                f'fill-opacity="{max(style.fill_opacity, 0.7):g}"/>')
    elif shape == LINE:
        body = (f'<line x1="1" y1="7" x2="17" y2="7" stroke="{color}" '
                f'stroke-width="{weight:g}"{dash}/>')
    else:
        body = (f'<rect x="1.5" y="1.5" width="15" height="11" stroke="{color}" '
                f'stroke-width="{min(weight, 2.5):g}"{dash} fill="{fill}" '
                f'fill-opacity="{style.fill_opacity:g}"/>')
    return f'<svg width="18" height="14" viewBox="0 0 18 14" aria-hidden="true">{body}</svg>'
