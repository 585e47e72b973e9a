"""Appraisal page: proposed projects against defense works, zones and dual-use infrastructure.

The written opinion on each project is drafted, edited and kept in the project.
"""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from geo import settings
from layers.kinds import KINDS
from layers.tables import table_csv_bytes
from maps.appraisal_map import appraisal_map
from planning import appraisal, opinion_records
from planning.appraisal import PROPOSAL_KIND
from planning.project import Project
from planning.results import Result
from ui.brief_buttons import appraisal_brief
from ui.i18n import lang, t, tr
from ui.map_cache import map_frame
from ui.state import EXPECTED_ERRORS, error_text, project, shown_result, sidebar
from ui.tables import show_table


def _zone_widths() -> dict[str, float]:
    defaults = pd.DataFrame(
        [{"kind": k, "label": KINDS[k].label(lang()), "width_m": float(w)}
         for k, w in settings.protection_zone_m.items()])
    edited = st.data_editor(defaults, hide_index=True, disabled=["kind", "label"],
                            key="zones_editor", column_config={
                                "width_m": st.column_config.NumberColumn(min_value=0.0)})
    widths = {row.kind: float(row.width_m) for row in edited.itertuples()}
    widths["border"] = st.number_input(
        tr("Vành đai biên giới dọc đường biên giới (m; mặc định của phần mềm, không theo "
           "văn bản quy định)", "Border belt along a border line (m; a default of this "
           "tool, not from a regulation)"),
        min_value=0.0, value=float(settings.border_belt_m), step=100.0, key="belt_m")
    widths["infrastructure"] = st.number_input(
        tr("Hành lang hạ tầng lưỡng dụng (m; mặc định của phần mềm, không theo văn bản quy "
           "định)", "Zone of dual-use infrastructure (m; a default of this tool, not from a "
           "regulation)"),
        min_value=0.0, value=float(settings.dual_use_zone_m), step=50.0, key="dual_use_m")
    return widths


def _opinions(proj: Project, result: Result) -> None:
    """Edit the written opinion of every project and keep it in the project."""
    st.subheader(tr("Ý kiến thẩm định", "Written opinions"))
    table = opinion_records.opinion_table(proj, result, lang="vi")
    st.caption(tr("Ý kiến soạn sẵn từ kết quả thẩm định; sửa rồi bấm Lưu để giữ trong dự án "
                  "(người lưu, thời gian, phiên bản các lớp).",
                  "Opinions drafted from the appraisal (in Vietnamese); edit them and press "
                  "Save to keep them in the project (who, when, layer versions)."))
    with st.form("opinions_form", border=False):
        texts = {}
        for row in table.to_dict("records"):
            label = " – ".join(x for x in (row["proposal_code"], row["proposal_name"]) if x)
            texts[row["proposal_id"]] = st.text_area(
                label or row["proposal_id"], value=row["opinion"], height=170,
                key=f"opinion_{row['proposal_id']}")
            st.caption(_status(row))
        author = st.text_input(tr("Người soạn", "Author"), key="opinion_author")
        saved = st.form_submit_button(tr("Lưu ý kiến", "Save the opinions"))
    if saved:
        changed = {k: v for k, v in texts.items() if v.strip()}
        try:
            opinion_records.save_opinions(proj, result, changed, author=author,
                                          store=proj.reader.store)
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
            return
        st.success(tr(f"Đã lưu {len(changed)} ý kiến.", f"Saved {len(changed)} opinion(s)."))
        table = opinion_records.opinion_table(proj, result, lang="vi")
    st.download_button(tr("Tải ý kiến (CSV)", "Download the opinions (CSV)"),
                       partial(table_csv_bytes, table), file_name="y_kien_tham_dinh.csv",
                       mime="text/csv", key="download_opinions")


def _status(row: dict) -> str:
    if row["status"] != "saved":
        return tr("Bản soạn sẵn, chưa lưu.", "Draft, not saved.")
    text = tr(f"Đã lưu bởi {row['author'] or '–'} lúc {row['saved_at']} (UTC).",
              f"Saved by {row['author'] or '–'} at {row['saved_at']} (UTC).")
    if row["layers_changed"]:
        text += tr(" Các lớp dữ liệu đã thay đổi từ khi lưu: xem lại ý kiến.",
                   " The layers changed since it was saved: review the opinion.")
    return text


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
    engine = "memory"
    if appraisal.on_postgis(proj) and st.toggle(
            tr("Đo bằng PostGIS (SQL trong cơ sở dữ liệu của dự án; cùng kết quả)",
               "Measure in PostGIS (SQL in the project's database; the same result)"),
            key="appraisal_on_postgis"):
        engine = "postgis"
    result = shown_result(lambda: appraisal.appraise(proj, name, zones=zones,
                                                     search_m=search_m, near_m=near_m,
                                                     engine=engine))
    if result is None:
        return
    # "index" is the row number of the command's JSON: the ids say the same to people
    projects = result.tables["projects"].drop(columns="index")
    pairs = result.main.drop(columns="index")
    st.subheader(t("summary"))
    show_table(projects, key="appraisal_projects")
    extra = result.extra
    map_frame(lambda: appraisal_map(
        extra["proposals"], extra["works"], projects, zones=zones,
        economic=extra.get("economic"), lang=lang()), extra["proposals"], extra["works"],
        projects, sorted(zones.items()), extra.get("economic"), lang(), key="appraisal_map",
        height=560)
    st.subheader(t("pairs"))
    show_table(pairs, key="appraisal_pairs")
    st.download_button(t("download_csv"), partial(table_csv_bytes, result.main),
                       file_name=f"appraisal_{name}.csv", mime="text/csv", key="download_csv")
    if len(result.tables["zones"]):
        st.subheader(tr("Khu kinh tế – quốc phòng liên quan", "Defense–economic zones nearby"))
        show_table(result.tables["zones"].drop(columns="index"), key="appraisal_zones")
    _opinions(proj, result)
    appraisal_brief(proj, name, result)


page()
