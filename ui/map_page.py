"""Map page: every layer of the project on an offline map."""

from __future__ import annotations

import streamlit as st

from maps.offline import standalone_html
from maps.project import store_map
from maps.viewport import BIG_LAYER_FEATURES
from planning.project import Project
from planning.terrain import dem_stamp
from ui.big_map import big_map
from ui.i18n import lang, t, tr
from ui.map_cache import shown_html
from ui.map_frames import show_map_page
from ui.map_pages import project_map_page
from ui.state import CachedReader, cached, open_store, sidebar

MAP_HEIGHT_PX = 640  # height of the map on the page
MODES: dict[str, tuple[str, str]] = {
    "view": ("Xem", "View"),
    "work": ("Tọa độ, đo, vẽ", "Coordinates, measure, draw"),
    "print": ("In bản đồ", "Print"),
    "atlas": ("Tập bản đồ", "Atlas"),
}  # the page's modes; only "view" is the fast read-only map


def page() -> None:
    """Draw the Map page."""
    sidebar()
    st.title(t("page_map"))
    store = open_store(prefetch_map=False)  # no map of all layers built behind this one
    if store is None:
        return
    names = [r.name for r in store.layers()]
    if not names:
        st.info(t("no_layers"))
        return
    with st.expander(t("layers_shown")):
        shown = st.multiselect(t("layers_shown"), names, default=names, key="map_layers",
                               placeholder=t("choose"))
    proj = Project(CachedReader(store))  # layers read once per version, not on every rerun
    mode = st.segmented_control(tr("Chế độ", "Mode"), list(MODES), default="view",
                                format_func=lambda m: tr(*MODES[m]), key="map_mode")
    # the other modes' modules (print layout and PDF backend, streamlit-folium…) are
    # imported when chosen: ~0.5 s less for the first visitor of a freshly started app
    if mode == "work":
        from ui.working_map import working_map
        working_map(store, proj, shown)
        return
    if mode == "print":
        from ui.print_panel import print_panel
        print_panel(proj, shown)
        return
    if mode == "atlas":
        from ui.brief_buttons import atlas_panel
        atlas_panel(proj)
        return
    if any(r.feature_count > BIG_LAYER_FEATURES for r in store.layers() if r.name in shown):
        big_map(proj, tuple(shown))  # big layers: drawn from vector tiles (ui/big_map.py)
    else:  # the page of the map, built once per layer versions, layers shown and language
        page = cached(proj, project_map_page, tuple(shown), lang(), dem_stamp(proj))
        show_map_page(shown_html(page), key="project_map", height=MAP_HEIGHT_PX)
    if st.button(t("download_html"), key="prepare_html"):
        html = standalone_html(store_map(proj.reader, names=shown, lang=lang(),
                                         assets="inline"))
        st.download_button(t("download_html"), html.encode("utf-8"),
                           file_name=f"{store.path.stem}_map.html", mime="text/html",
                           key="download_html")


page()
