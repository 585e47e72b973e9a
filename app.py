"""KVPT Planner: the Streamlit app. This file only builds the navigation."""

import streamlit as st

from ui.i18n import t

st.set_page_config(page_title="KVPT Planner", page_icon="🛡️", layout="wide")
st.navigation([
    st.Page("ui/layers_page.py", title=t("page_layers"), icon=":material/layers:"),
    st.Page("ui/map_page.py", title=t("page_map"), icon=":material/map:", default=True),
    st.Page("ui/appraisal_page.py", title=t("page_appraisal"), icon=":material/fact_check:"),
    st.Page("ui/posture_page.py", title=t("page_posture"), icon=":material/shield:"),
    st.Page("ui/network_page.py", title=t("page_network"), icon=":material/route:"),
    st.Page("ui/relocation_page.py", title=t("page_relocation"), icon=":material/factory:"),
    st.Page("ui/evacuation_page.py", title=t("page_evacuation"),
            icon=":material/emergency_home:"),
    st.Page("ui/links_page.py", title=t("page_links"), icon=":material/link:"),
    st.Page("ui/exercises_page.py", title=t("page_exercises"), icon=":material/event_repeat:"),
    st.Page("ui/terrain_page.py", title=t("page_terrain"), icon=":material/landscape:"),
    st.Page("ui/audit_page.py", title=t("page_audit"), icon=":material/history:"),
]).run()
