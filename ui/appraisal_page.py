"""Appraisal page: proposed projects against defense works and their protection zones."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import appraisal, settings
from layers.kinds import KINDS
from layers.project import read_defense_works
from layers.tables import table_csv_bytes
from maps.appraisal_map import appraisal_map
from ui.i18n import lang, t
from ui.state import open_store, read_layer, sidebar, store_stamp


def _zone_widths() -> dict[str, float]:
    defaults = pd.DataFrame(
        [{"kind": k, "label": KINDS[k].label(lang()), "width_m": float(w)}
         for k, w in settings.protection_zone_m.items()])
    edited = st.data_editor(defaults, hide_index=True, disabled=["kind", "label"],
                            key="zones_editor", column_config={
                                "width_m": st.column_config.NumberColumn(min_value=0.0)})
    return {row.kind: float(row.width_m) for row in edited.itertuples()}


def page() -> None:
    """Draw the Appraisal page."""
    sidebar()
    st.title(t("page_appraisal"))
    store = open_store()
    if store is None:
        return
    layers = [r.name for r in store.layers() if r.kind == "proposed_project"]
    if not layers:
        st.info(t("no_polygons"))
        return
    name = st.selectbox(t("proposals"), layers, key="proposals_layer")
    with st.expander(t("zones")):
        zones = _zone_widths()
        search_m = st.number_input(t("search_m"), min_value=0.0,
                                   value=float(settings.search_distance_m), step=500.0)
        near_m = st.number_input(t("near_m"), min_value=0.0,
                                 value=float(settings.near_distance_m), step=100.0)
    stamp = store_stamp(store)
    proposals = read_layer(stamp, name)
    works = read_defense_works(store)
    try:
        pairs = appraisal.appraise(proposals, works, zones=zones, search_distance=search_m,
                                   near_distance=near_m)
    except ValueError as err:
        st.error(str(err))
        return
    summary = appraisal.appraisal_summary(proposals, pairs)
    st.subheader(t("summary"))
    st.dataframe(summary, width="stretch")
    st_folium(appraisal_map(proposals, works, summary, zones=zones, lang=lang()),
              height=560, use_container_width=True, returned_objects=[], key="appraisal_map")
    st.subheader(t("pairs"))
    st.dataframe(pairs, hide_index=True, width="stretch")
    st.download_button(t("download_csv"), table_csv_bytes(pairs),
                       file_name=f"appraisal_{name}.csv", mime="text/csv", key="download_csv")


page()
