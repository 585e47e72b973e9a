"""Appraisal page: proposed projects against defense works and their protection zones."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import settings
from layers.kinds import KINDS
from layers.tables import table_csv_bytes
from maps.appraisal_map import appraisal_map
from planning import appraisal
from planning.appraisal import PROPOSAL_KIND
from ui.brief_buttons import appraisal_brief
from ui.i18n import lang, t
from ui.state import EXPECTED_ERRORS, error_text, project, sidebar
from ui.tables import show_table


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
    proj = project()
    if proj is None:
        return
    layers = proj.names([PROPOSAL_KIND])
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
    try:
        result = appraisal.appraise(proj, name, zones=zones, search_m=search_m, near_m=near_m)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    for warning in result.warnings:
        st.warning(warning.text(lang()))
    # "index" is the row number of the command's JSON: the ids say the same to people
    projects = result.tables["projects"].drop(columns="index")
    pairs = result.main.drop(columns="index")
    st.subheader(t("summary"))
    show_table(projects, key="appraisal_projects")
    st_folium(appraisal_map(result.extra["proposals"], result.extra["works"], projects,
                            zones=zones, lang=lang()),
              height=560, use_container_width=True, returned_objects=[], key="appraisal_map")
    st.subheader(t("pairs"))
    show_table(pairs, key="appraisal_pairs")
    st.download_button(t("download_csv"), table_csv_bytes(result.main),
                       file_name=f"appraisal_{name}.csv", mime="text/csv", key="download_csv")
    appraisal_brief(proj, name, result)


page()
