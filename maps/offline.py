"""Offline assets for Folium maps: local Leaflet, no CDN.

A default Folium page loads Leaflet, jQuery, Bootstrap and fonts from the
internet and stays blank on a network without it. :func:`use_local_assets`
replaces every asset of a map by the copy vendored in ``static/`` (Leaflet in
``static/leaflet/``; a plugin's own assets, such as Leaflet.draw in
``static/leaflet-draw/``, only in maps that hold the plugin): either as links
under :data:`STATIC_URL` (served by Streamlit's static file serving, for the
app) or inlined into the page (for an HTML file that works alone from disk or
e-mail, see :func:`standalone_html`).
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

import folium
from branca.element import Element, Figure
from folium.elements import JSCSSMixin

from layers.resources import resource_dir

STATIC_DIR: Path = resource_dir("static")
"""The bundled ``static/`` folder (vendored web assets), installed as package
``kvpt_static`` (see :mod:`layers.resources`)."""

STATIC_URL = "/app/static"
"""Where Streamlit serves ``static/`` (``server.enableStaticServing = true``).

Absolute on purpose: a relative URL resolves under the URL of st_folium's
iframe and gives 404.
"""

MODES = ("static", "inline")
"""Values of ``mode`` for :func:`use_local_assets`."""

LOCAL_JS: dict[str, str] = {"leaflet": "leaflet/leaflet.js",
                            "leaflet_draw_js": "leaflet-draw/leaflet.draw.js"}
"""Vendored scripts by Folium asset name, relative to :data:`STATIC_DIR`."""

LOCAL_CSS: dict[str, str] = {"leaflet_css": "leaflet/leaflet.css",
                             "leaflet_draw_css": "leaflet-draw/leaflet.draw.css"}
"""Vendored stylesheets by Folium asset name, relative to :data:`STATIC_DIR`."""

_CORE_JS, _CORE_CSS = ("leaflet",), ("leaflet_css",)  # what the map itself loads
_NAMES_ATTR = "_kvpt_local_assets"  # an element's vendored assets, kept across calls

_INLINE_NAME = "kvpt_inline_assets"
_URL = r"(?:https?:)?//[^\s\"'<>()]+"
_TAG_RE = re.compile(r"<([a-zA-Z][\w:-]*)\b([^<>]*)>")
_ATTR_RE = re.compile(r"(?<![\w:-])(?:src|href|xlink:href)\s*=\s*([\"']?)(" + _URL + r")\1",
                      re.IGNORECASE)
_CSS_URL_RE = re.compile(r"url\(\s*([\"']?)(" + _URL + r")\1\s*\)", re.IGNORECASE)
_IMPORT_RE = re.compile(r"@import\s+([\"'])(" + _URL + r")\1", re.IGNORECASE)
_LINK_TAGS = {"a", "area"}
_SOURCE_MAP_RE = re.compile(r"^\s*//# sourceMappingURL=.*$", re.MULTILINE)
_CSS_IMAGE_RE = re.compile(r"url\(\s*([\"']?)(images/[\w.-]+\.(png|svg))\1\s*\)")
_IMAGE_TYPES = {"png": "image/png", "svg": "image/svg+xml"}


def use_local_assets(m: folium.Map, *, mode: str = "static") -> folium.Map:
    """Make ``m`` load its scripts and stylesheets from the vendored copies.

    Folium's default assets (Leaflet, jQuery, Bootstrap, Font Awesome, …) are
    replaced entirely by vendored Leaflet; a plugin element's assets by their
    vendored copies (:data:`LOCAL_JS`, :data:`LOCAL_CSS`), loaded only when the
    map holds the plugin. Call it after every element has been added to the map
    (again after adding more: a second call, in either mode, keeps them).

    Parameters
    ----------
    m : folium.Map
        The map; changed in place.
    mode : {"static", "inline"}
        ``"static"``: ``<script src="/app/static/leaflet/leaflet.js">`` and
        the like, for the Streamlit app (served from :data:`STATIC_DIR`).
        ``"inline"``: the script and stylesheet text embedded in the page,
        with the stylesheet's images as ``data:`` URIs, so the page works
        alone.

    Returns
    -------
    folium.Map
        ``m`` itself.

    Raises
    ------
    ValueError
        If ``mode`` is unknown, or an element of the map needs a script or
        stylesheet that is not vendored in ``static/``.
    """
    if mode not in MODES:
        msg = f"Unknown asset mode {mode!r}. Use one of: {', '.join(MODES)}."
        raise ValueError(msg)
    figure = m.get_root()
    elements = [e for e in _walk(m) if isinstance(e, JSCSSMixin)]
    _check_vendored(elements)
    used_js, used_css = list(_CORE_JS), list(_CORE_CSS)
    for element in elements:
        js, css = _asset_names(element, m)
        for name in {*js, *css, *(n for n, _ in [*element.default_js, *element.default_css])}:
            figure.header._children.pop(name, None)
        used_js += [n for n in js if n not in used_js]
        used_css += [n for n in css if n not in used_css]
        if mode == "static":
            element.default_js = [(n, _static_url(LOCAL_JS[n])) for n in js]
            element.default_css = [(n, _static_url(LOCAL_CSS[n])) for n in css]
        else:
            element.default_js, element.default_css = [], []
    figure.header._children.pop(_INLINE_NAME, None)
    if mode == "inline":
        _add_inline_assets(figure, used_js, used_css)
    return m


def standalone_html(m: folium.Map) -> str:
    """Return the full HTML page of ``m`` with Leaflet inlined.

    The page needs no server and no internet: it can be opened from disk or
    sent by e-mail. ``m`` is switched to inline assets (see
    :func:`use_local_assets`).

    Parameters
    ----------
    m : folium.Map
        The map.

    Returns
    -------
    str
        The HTML document.
    """
    use_local_assets(m, mode="inline")
    return m.get_root().render()


def external_urls(html: str) -> list[str]:
    """Return every outside URL a page loads, in order of appearance, once each.

    Looks at ``src`` and ``href`` attributes of any tag except links a person
    may follow (``<a>``, ``<area>``), at CSS ``url(...)`` and at ``@import``,
    also inside inlined scripts and stylesheets. An outside URL is one with
    ``http:``, ``https:`` or a protocol-relative ``//`` prefix.

    Parameters
    ----------
    html : str
        An HTML page.

    Returns
    -------
    list of str
        The URLs; empty for a page that works with no network.
    """
    found: list[tuple[int, str]] = []
    for tag in _TAG_RE.finditer(html):
        if tag.group(1).lower() in _LINK_TAGS:
            continue
        for attr in _ATTR_RE.finditer(tag.group(2)):
            found.append((tag.start(2) + attr.start(2), attr.group(2)))
    for regex in (_CSS_URL_RE, _IMPORT_RE):
        found += [(hit.start(2), hit.group(2)) for hit in regex.finditer(html)]
    return list(dict.fromkeys(url for _, url in sorted(found)))


def _walk(element: Element):
    """Yield ``element`` and all its descendants."""
    yield element
    for child in list(element._children.values()):
        yield from _walk(child)


def _check_vendored(elements: list[JSCSSMixin]) -> None:
    """Raise ValueError if an element other than the map needs an asset not vendored."""
    missing = [
        f"{type(e).__name__} needs {name!r} ({url})"
        for e in elements
        if not isinstance(e, folium.Map)
        for name, url in [*e.default_js, *e.default_css]
        if name not in LOCAL_JS and name not in LOCAL_CSS
    ]
    if missing:
        msg = (f"Map elements need assets that are not available offline: "
               f"{'; '.join(missing)}. Vendor them under {STATIC_DIR} and register them "
               "in maps.offline.LOCAL_JS / LOCAL_CSS, or draw with core Leaflet instead.")
        raise ValueError(msg)


def _asset_names(element: JSCSSMixin, m: folium.Map) -> tuple[list[str], list[str]]:
    """Return the vendored scripts and stylesheets ``element`` needs, by asset name."""
    if element is m:
        return list(_CORE_JS), list(_CORE_CSS)
    names = getattr(element, _NAMES_ATTR, None)
    if names is None:
        names = ([n for n, _ in element.default_js if n in LOCAL_JS],
                 [n for n, _ in element.default_css if n in LOCAL_CSS])
        setattr(element, _NAMES_ATTR, names)
    return names


def _static_url(relative: str) -> str:
    return f"{STATIC_URL}/{relative}"


def _add_inline_assets(figure: Figure, js: list[str], css: list[str]) -> None:
    """Put the text of the vendored scripts and stylesheets named first in the header."""
    parts = [f"<style>\n{_inline_css(LOCAL_CSS[name])}\n</style>" for name in css]
    parts += [f"<script>\n{_inline_js(LOCAL_JS[name])}\n</script>" for name in js]
    figure.header.add_child(_RawElement("\n".join(parts)), name=_INLINE_NAME, index=0)


class _RawElement(Element):
    """An element that renders its text as is (not as a Jinja template)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def render(self, **kwargs: object) -> str:
        """Return the text unchanged."""
        return self.text


@cache
def _inline_js(relative: str) -> str:
    text = (STATIC_DIR / relative).read_text(encoding="utf-8")
    return _SOURCE_MAP_RE.sub("", text).replace("</script", "<\\/script")


@cache
def _inline_css(relative: str) -> str:
    path = STATIC_DIR / relative
    text = path.read_text(encoding="utf-8")

    def to_data_uri(match: re.Match[str]) -> str:
        data = base64.b64encode((path.parent / match.group(2)).read_bytes()).decode("ascii")
        return f"url(data:{_IMAGE_TYPES[match.group(3)]};base64,{data})"

    return _CSS_IMAGE_RE.sub(to_data_uri, text).replace("</style", "<\\/style")

