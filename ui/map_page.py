"""Map page: every layer of the project on an offline map."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from maps.offline import standalone_html
from maps.project import store_map
from ui.i18n import lang, t
from ui.state import CachedReader, open_store, sidebar


def page() -> None:
    """Draw the Map page."""
    sidebar()
    st.title(t("page_map"))
    store = open_store()
    if store is None:
        return
    names = [r.name for r in store.layers()]
    if not names:
        st.info(t("no_layers"))
        return
    with st.expander(t("layers_shown")):
        shown = st.multiselect(t("layers_shown"), names, default=names, key="map_layers",
                               placeholder=t("choose"))
    reader = CachedReader(store)  # layers read once per version, not on every rerun
    # title: the project's province (maps.project.project_title), never the file name
    m = store_map(reader, names=shown, lang=lang())
    st_folium(m, height=640, use_container_width=True, returned_objects=[], key="project_map")
    if st.button(t("download_html"), key="prepare_html"):
        html = standalone_html(store_map(reader, names=shown, lang=lang(), assets="inline"))
        st.download_button(t("download_html"), html.encode("utf-8"),
                           file_name=f"{store.path.stem}_map.html", mime="text/html",
                           key="download_html")


page()
