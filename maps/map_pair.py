"""Two maps side by side, panned and zoomed together (plan A beside plan B).

Folium's ``DualMap`` needs the Leaflet.Sync plugin from a CDN, which a planning
network cannot reach, and the plugin is not vendored here. :func:`synced_pair_html`
instead puts each map, a complete offline page of its own (title, legend, layer
control), in an ``<iframe srcdoc>`` of one page, and a short script moves each map
to the other's centre and zoom whenever the other moves. Both frames share the
page's origin, so the script reaches each frame's Leaflet map by its Folium name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from html import escape

import folium

from maps.offline import use_local_assets
from maps.shared_data import app_page

FRAME_IDS = ("kvpt-map-a", "kvpt-map-b")
"""``id`` of the left and right ``<iframe>``."""

_SYNC_JS = """
(function () {
  var names = %(names)s, maps = {}, busy = false;
  function follow(src, dst) {
    src.on("move zoom", function () {
      if (busy) { return; }
      busy = true;
      dst.setView(src.getCenter(), src.getZoom(), {animate: false});
      busy = false;
    });
  }
  function link() {
    var a = maps[%(a)s], b = maps[%(b)s];
    if (!a || !b || document.body.dataset.synced) { return; }
    follow(a, b);
    follow(b, a);
    b.setView(a.getCenter(), a.getZoom(), {animate: false});
    document.body.dataset.synced = "1";
  }
  Object.keys(names).forEach(function (id) {
    var frame = document.getElementById(id);
    function grab() {
      var map = frame.contentWindow && frame.contentWindow[names[id]];
      if (map) { maps[id] = map; link(); }
    }
    frame.addEventListener("load", grab);
    grab();
  });
})();
"""

_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>%(title)s</title>
<style>
html, body { margin: 0; height: 100%%; }
.kvpt-pair { display: flex; gap: 6px; height: 100%%; }
.kvpt-pair iframe { flex: 1 1 0; min-width: 0; height: 100%%; border: 1px solid #ccc; }
</style></head>
<body><div class="kvpt-pair">
<iframe id="%(id_a)s" title="%(title_a)s" srcdoc="%(doc_a)s"></iframe>
<iframe id="%(id_b)s" title="%(title_b)s" srcdoc="%(doc_b)s"></iframe>
</div>
<script>%(script)s</script>
</body></html>
"""


@dataclass(frozen=True)
class MapDoc:
    """One side of a pair: the map's complete page, its Leaflet name and its title.

    ``files``: the feature files the page loads (name → text), for a side rendered with
    ``shared=True``; empty when the page carries its features.
    """

    html: str
    name: str
    title: str
    files: Mapping[str, str] = field(default_factory=dict)


def map_doc(m: folium.Map, *, assets: str = "static", shared: bool = False) -> MapDoc:
    """Return the page of ``m`` for a side of :func:`pair_page`.

    A side can be kept and paired again with another map. With ``shared`` (for the app),
    its larger feature collections go to files (:func:`maps.shared_data.app_page`): the
    two sides of a pair load the layers they share once.
    """
    use_local_assets(m, mode=assets)
    if shared:
        page = app_page(m)
        return MapDoc(page.html, m.get_name(), _frame_title(m, ""), page.files)
    return MapDoc(m.get_root().render(), m.get_name(), _frame_title(m, ""))


def pair_page(doc_a: MapDoc, doc_b: MapDoc, *, title: str = "A | B") -> str:
    """Return the page of :func:`synced_pair_html` from the pages of its two maps."""
    names = dict(zip(FRAME_IDS, (doc_a.name, doc_b.name), strict=True))
    script = _SYNC_JS % {"names": _js(names), "a": _js(FRAME_IDS[0]), "b": _js(FRAME_IDS[1])}
    return _PAGE % {
        "title": escape(title), "id_a": FRAME_IDS[0], "id_b": FRAME_IDS[1],
        "title_a": doc_a.title or "A", "doc_a": escape(doc_a.html, quote=True),
        "title_b": doc_b.title or "B", "doc_b": escape(doc_b.html, quote=True),
        "script": script,
    }


def synced_pair_html(map_a: folium.Map, map_b: folium.Map, *, assets: str = "static",
                     title: str = "A | B") -> str:
    """Return one HTML page showing ``map_a`` left and ``map_b`` right, in step.

    Panning or zooming either map moves the other to the same centre and zoom;
    on load, the right map takes the left map's view.

    Parameters
    ----------
    map_a, map_b : folium.Map
        Complete maps (e.g. from :func:`maps.project_map.build_map`); their asset
        mode is set to ``assets``.
    assets : {"static", "inline"}
        ``"static"`` for the app (Leaflet from ``/app/static``); ``"inline"`` for a
        file that works alone, see :func:`maps.offline.use_local_assets`.
    title : str
        Title of the page.

    Returns
    -------
    str
        The HTML document; it loads nothing but Leaflet from the local server
        (``"static"``) or nothing at all (``"inline"``).

    Raises
    ------
    ValueError
        If ``assets`` is unknown.
    """
    return pair_page(map_doc(map_a, assets=assets), map_doc(map_b, assets=assets), title=title)


def _js(value: object) -> str:
    """Return ``value`` as a JavaScript literal (JSON, safe inside ``<script>``)."""
    return json.dumps(value).replace("</", "<\\/")


def _frame_title(m: folium.Map, default: str) -> str:
    """Return the map's page title (already HTML-escaped by ``build_map``) or ``default``."""
    return getattr(m.get_root(), "title", None) or default
