"""The Map page's view of a project with big layers: their features drawn from vector tiles.

A layer of more than :data:`maps.viewport.BIG_LAYER_FEATURES` features is cut into vector
tiles once per layer version (:mod:`layers.tiles`, under a spinner) and drawn from them by
the browser (:mod:`maps.vector_tiles`); the other layers are drawn as on the normal map.
The map's HTML page is built once per layer versions, layers shown and language
(``cached``) and shown in a frame: panning and zooming fetch static tiles and never rerun
the page.
"""

from __future__ import annotations

import streamlit as st

from layers.errors import LayerError
from planning.project import Project
from ui.i18n import lang, tr
from ui.map_cache import shown_html
from ui.map_frames import show_map_page
from ui.map_pages import big_map_page
from ui.state import cached, error_text

MAP_HEIGHT_PX = 640


def big_map(proj: Project, names: tuple[str, ...]) -> None:
    """Draw the map of ``names``, the big layers' features from vector tiles."""
    with st.spinner(tr("Đang cắt các lớp lớn thành ô bản đồ vector (một lần cho mỗi phiên "
                       "bản của lớp)…",
                       "Cutting the big layers into vector tiles (once per layer "
                       "version)…")):
        try:
            page = cached(proj, big_map_page, names, lang())
        except LayerError as err:
            st.error(error_text(err))
            return
    show_map_page(shown_html(page), key="big_map", height=MAP_HEIGHT_PX)
