"""Feature collections a map page loads as cached scripts instead of carrying them.

A page of the app used to carry every feature it draws: 1.3 MB for the demo's Map page,
1.1 MB for the plan A | plan B pair, sent anew over Streamlit's connection for each new
page, though most of it (the basemap, the communes, the roads…) is the same in every map.
Rendered with :func:`app_page`, a map's larger collections go to scripts named after their
content (``/app/static/cache/features-<hash>.js``) that the page loads: the browser keeps
them, so a collection shared by two maps (both sides of the pair, the basemap of every
page) is fetched once, and the page itself shrinks to its map code.

Nothing is written here (see :func:`layers.static_cache.publish`): the page comes with the
files it needs. An exported map (``standalone_html``) still carries its features.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import folium
from branca.element import Figure, JavascriptLink

URL_BASE = "/app/static/cache/"
"""Where the app serves the files (Streamlit's static serving of ``static/cache/``)."""

SHARED_MIN_CHARS = 4096
"""A smaller collection stays in the page: a request would cost more than it saves."""

_REF_RE = re.compile(r'<script src="' + re.escape(URL_BASE) + r'(features-[0-9a-f]+\.js)">'
                     r"</script>")


@dataclass
class SharedData:
    """The collections of one page that go to their own files, by file name."""

    files: dict[str, str] = field(default_factory=dict)

    def reference(self, figure: Figure, features: str) -> str:
        """Return the JavaScript expression that stands for ``features`` in the page.

        ``features`` is the collection as JSON text. A collection of at least
        :data:`SHARED_MIN_CHARS` characters goes to a file named after its content,
        which the page's header loads before the map's script runs; a smaller one is
        returned as it is.
        """
        if len(features) < SHARED_MIN_CHARS:
            return features
        key = hashlib.sha256(features.encode("utf-8")).hexdigest()[:32]
        name = f"features-{key}.js"
        self.files[name] = f'(window.kvptData=window.kvptData||{{}})["{key}"]={features};\n'
        figure.header.add_child(JavascriptLink(URL_BASE + name), name=f"kvpt_data_{key}")
        return f'window.kvptData["{key}"]'


@dataclass(frozen=True)
class AppPage:
    """A map's page for the app and the files of features it loads (name → text)."""

    html: str
    files: Mapping[str, str]


def app_page(m: folium.Map) -> AppPage:
    """Render ``m`` for the app, its larger feature collections in files of their own.

    Parameters
    ----------
    m : folium.Map
        A map whose assets are served by the app (``use_local_assets(m, mode="static")``,
        as :func:`maps.project_map.build_map` does by default).

    Returns
    -------
    AppPage
        The page and the files it loads from :data:`URL_BASE` (to publish with
        :func:`layers.static_cache.publish` before the page is shown).
    """
    figure = m.get_root()
    shared = SharedData()
    figure.kvpt_shared = shared  # read by maps.display.FeatureLayer as it renders
    try:
        html = figure.render()
    finally:
        del figure.kvpt_shared
    return AppPage(html, dict(shared.files))


def shared_of(figure: Figure) -> SharedData | None:
    """Return the :class:`SharedData` of a page being rendered by :func:`app_page`."""
    return getattr(figure, "kvpt_shared", None)


def inline_shared(html: str, files: Mapping[str, str]) -> str:
    """Return ``html`` with each of its feature files' text in place of its ``<script src>``.

    The page then works without the app's files (e.g. to read its features in a test or
    to save it); a file not in ``files`` is left as a reference.
    """
    def put(match: re.Match[str]) -> str:
        text = files.get(match.group(1))
        return match.group(0) if text is None else f"<script>{text}</script>"

    return _REF_RE.sub(put, html)


def referenced_files(html: str) -> list[str]:
    """Return the names of the feature files ``html`` loads, in order."""
    return _REF_RE.findall(html)
