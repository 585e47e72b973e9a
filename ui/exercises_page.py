"""Exercises & targets page: exercise records, the rotation plan and the targets dashboard."""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import exercises as ex
from geo import settings
from layers import records as rec
from layers.encoding import ENCODINGS, LABELS
from layers.kinds import KINDS, Style
from layers.tables import table_csv_bytes
from maps.project_map import MapLayer, build_map
from planning import exercises as planning_exercises
from planning.project import Project
from ui.i18n import lang, t, tr
from ui.state import EXPECTED_ERRORS, error_text, project, sidebar
from ui.tables import header, show_table

PLANNED_STYLE = Style("#b35806", "#f1a340", 1.5, 0.7)
OTHER_STYLE = Style("#8c8c8c", "#f0f0f0", 0.6, 0.2)
DISTRICT_STYLE = Style("#333333", None, 2.0, 0.0)


def page() -> None:
    """Draw the Exercises & targets page."""
    sidebar()
    st.title(t("page_exercises"))
    proj = project()
    if proj is None:
        return
    try:
        communes = planning_exercises.communes(proj)
    except EXPECTED_ERRORS as err:
        st.warning(tr("Cần một lớp 'Đơn vị hành chính' có các xã (cột cấp = xã / commune). "
                      "Nhập lớp xã ở trang Lớp dữ liệu.",
                      "Needs an 'Administrative unit' layer holding the communes (level = "
                      "commune). Import it on the Layers page."))
        st.caption(error_text(err))
        _warnings(proj.take_notes())
        return
    flash = st.session_state.pop("ex_flash", None)
    if flash:
        st.success(flash)
    # only the open tab runs: a map drawn in a hidden tab would open zoomed out to the world
    tab_records, tab_plan, tab_targets = st.tabs([
        tr("Kết quả diễn tập", "Exercise records"), tr("Kế hoạch luân phiên", "Rotation plan"),
        tr("Chỉ tiêu", "Targets")], key="ex_tab", on_change="rerun")
    history = planning_exercises.records(proj)
    for tab, draw in ((tab_records, lambda: _records_tab(proj, communes, history)),
                      (tab_plan, lambda: _plan_tab(proj, history)),
                      (tab_targets, lambda: _targets_tab(proj, history))):
        if not tab.open:
            continue
        with tab:
            try:
                draw()
            except EXPECTED_ERRORS as err:
                st.error(error_text(err))


def _warnings(messages: list) -> None:
    for message in messages:
        st.warning(message.text(lang()))


# --- records ---------------------------------------------------------------------------------


def _records_tab(proj: Project, communes: gpd.GeoDataFrame, history: pd.DataFrame) -> None:
    st.caption(tr("Mỗi dòng: một cuộc diễn tập tại một xã trong một năm. Sửa, thêm, xoá dòng rồi "
                  "bấm Lưu; tên xã và mã huyện để trống sẽ lấy từ lớp xã.",
                  "One row per exercise held in a commune in a year. Edit, add or delete rows, "
                  "then Save; an empty commune name or district code is filled from the "
                  "commune layer."))
    names = dict(zip(communes["code"], communes["name"], strict=True))
    rev = st.session_state.setdefault("ex_editor_rev", 0)
    edited = st.data_editor(
        history, num_rows="dynamic", hide_index=True, width="stretch", key=f"ex_editor_{rev}",
        column_config={
            "commune_code": st.column_config.SelectboxColumn(
                tr("Mã xã", "Commune code"), options=list(names), required=True,
                format_func=lambda c: f"{c} – {names.get(c, '?')}"),
            "commune_name": st.column_config.TextColumn(tr("Tên xã", "Commune name")),
            "district_code": st.column_config.TextColumn(tr("Mã huyện", "District code")),
            "year": st.column_config.NumberColumn(tr("Năm", "Year"), min_value=rec.FIRST_YEAR,
                                                  step=1, format="%d", required=True),
            "type": st.column_config.SelectboxColumn(
                tr("Loại diễn tập", "Type"), options=list(rec.EXERCISE_TYPES), required=True,
                default="commune_combat_defense",
                format_func=lambda k: rec.type_label(k, lang())),
            "result": st.column_config.TextColumn(tr("Kết quả", "Result")),
            "note": st.column_config.TextColumn(tr("Ghi chú", "Note")),
        })
    if st.button(tr("Lưu", "Save"), key="ex_save", type="primary"):
        try:
            saved = planning_exercises.save_records(proj, edited, store=proj.reader.store)
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
        else:
            _done(tr(f"Đã lưu {len(saved)} kết quả diễn tập.", f"Saved {len(saved)} records."))
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(history),
                       file_name="exercises.csv", mime="text/csv", key="ex_download")
    with st.expander(tr("Nhập từ tệp CSV", "Import from a CSV file")):
        _upload(proj)


def _upload(proj: Project) -> None:
    st.caption(tr("Cột bắt buộc: commune_code (ma_xa), year (nam), type (loai); tuỳ chọn: "
                  "commune_name, district_code, result (ket_qua), note. Nhập tất cả hoặc "
                  "không nhập gì.",
                  "Required columns: commune_code, year, type; optional: commune_name, "
                  "district_code, result, note. All rows or none are imported."))
    uploaded = st.file_uploader("CSV", type=["csv", "txt"], key="ex_upload")
    encoding = st.selectbox(tr("Bảng mã ký tự", "Text encoding"), ["auto", *ENCODINGS],
                            format_func=lambda e: tr("Tự nhận dạng", "Detect") if e == "auto"
                            else LABELS[e], key="ex_encoding")
    replace = st.radio(tr("Cách nhập", "Mode"), [False, True], horizontal=True,
                       format_func=lambda r: tr("Thay toàn bộ", "Replace all") if r
                       else tr("Thêm vào", "Add"), key="ex_replace")
    if st.button(tr("Nhập", "Import"), key="ex_import", disabled=uploaded is None):
        try:
            parsed = planning_exercises.import_records(
                proj, uploaded.getvalue(), replace=replace,
                encoding=None if encoding == "auto" else encoding, source=uploaded.name,
                store=proj.reader.store)
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
        else:
            _done(tr(f"Đã nhập {len(parsed.records)} kết quả ({LABELS[parsed.encoding]}).",
                     f"Imported {len(parsed.records)} records ({LABELS[parsed.encoding]})."))


def _done(message: str) -> None:
    """Show ``message`` after a rerun with a fresh editor on the stored records."""
    st.session_state["ex_editor_rev"] = st.session_state.get("ex_editor_rev", 0) + 1
    st.session_state["ex_flash"] = message
    st.rerun()


# --- rotation plan ---------------------------------------------------------------------------


def _plan_tab(proj: Project, history: pd.DataFrame) -> None:
    left, right = st.columns(2)
    years = left.number_input(tr("Số năm", "Years"), min_value=1, max_value=30,
                              value=ex.cycle_years(), step=1, key="plan_years")
    start = right.number_input(tr("Năm bắt đầu", "First year"), min_value=rec.FIRST_YEAR,
                               max_value=2200, value=rec.default_plan_start(history), step=1,
                               key="plan_start")
    st.caption(tr(
        f"Mỗi năm {settings.exercise_share_min:.0%}–{settings.exercise_share_max:.0%} số xã; "
        f"mọi xã trong chu kỳ {ex.cycle_years()} năm; xã chờ lâu nhất trước (chưa diễn tập "
        "bao giờ trước hết), rải đều các huyện theo số xã.",
        f"{settings.exercise_share_min:.0%}–{settings.exercise_share_max:.0%} of the communes "
        f"a year; every commune within {ex.cycle_years()} years; longest-waiting first "
        "(never exercised first), spread across districts by size."))
    result = planning_exercises.rotation(proj, years=int(years), start=int(start))
    _warnings(result.warnings)
    plan, summary = result.main, result.tables["summary"]
    st.altair_chart(_coverage_chart(summary), key="plan_chart")
    year = st.selectbox(tr("Năm trên bản đồ", "Year on the map"), list(summary["year"]),
                        key="plan_year")
    chosen = plan[plan["year"] == year]
    st_folium(_plan_map(result.extra["communes"], result.extra["districts"], chosen),
              height=520, use_container_width=True, returned_objects=[], key="plan_map")
    st.subheader(tr(f"Các xã diễn tập năm {year}", f"Communes exercising in {year}"))
    show_table(chosen, key="plan_year_table")
    st.subheader(tr("Tổng hợp theo năm", "Summary per year"))
    show_table(summary, key="plan_summary_table", column_config=_progress(summary, ["share"]))
    st.download_button(tr("Tải kế hoạch CSV", "Download the plan (CSV)"), table_csv_bytes(plan),
                       file_name=f"exercise_plan_{int(start)}.csv", mime="text/csv",
                       key="plan_download")


def _progress(frame: pd.DataFrame, columns: list[str]) -> dict:
    """Progress bars (0–100 %) for the share columns that have a value in every row."""
    return {header(c): st.column_config.ProgressColumn(header(c), min_value=0.0,
                                                       max_value=1.0, format="percent")
            for c in columns if c in frame.columns and frame[c].notna().all()}


def _coverage_chart(summary: pd.DataFrame) -> alt.LayerChart:
    data = summary.assign(year=summary["year"].astype(str))
    bars = alt.Chart(data).mark_bar(color="#f1a340").encode(
        x=alt.X("year:N", title=tr("Năm", "Year")),
        y=alt.Y("share:Q", title=tr("Tỷ lệ xã diễn tập", "Share of communes"),
                axis=alt.Axis(format="%")),
        tooltip=["year", "planned", alt.Tooltip("share:Q", format=".1%"), "first_time",
                 "districts_covered"])
    bounds = pd.DataFrame({"share": [settings.exercise_share_min, settings.exercise_share_max]})
    rules = alt.Chart(bounds).mark_rule(color="#b2182b", strokeDash=[4, 4]).encode(y="share:Q")
    return bars + rules


def _plan_map(communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
              chosen: pd.DataFrame):  # noqa: ANN202 - folium.Map
    planned = communes["code"].isin(chosen["commune_code"])
    info = chosen.set_index("commune_code")[["last_exercised", "waited_years"]]
    marked = communes[planned].join(info, on="code")
    layers = [MapLayer(tr("Xã khác", "Other communes"), "admin_unit", communes[~planned],
                       style=OTHER_STYLE, legend=tr("Xã khác", "Other communes"))]
    if len(districts):
        layers.append(MapLayer(tr("Huyện", "Districts"), "admin_unit", districts,
                               style=DISTRICT_STYLE, legend=tr("Ranh giới huyện", "Districts")))
    if len(marked):
        label = tr("Xã diễn tập trong năm", "Communes exercising that year")
        layers.append(MapLayer(label, "admin_unit", marked, style=PLANNED_STYLE, legend=label))
    return build_map(layers, lang=lang(), focus=marked)  # opens on the year's communes


# --- targets ---------------------------------------------------------------------------------


MEASURE_LABELS = {
    "commune_exercise": ("Xã diễn tập chiến đấu phòng thủ trong năm",
                         "Communes with a combat-defense exercise in the year"),
    "training_ground": ("Huyện có thao trường", "Districts with a training ground"),
    "combat_base_completion": ("Tiến độ xây dựng căn cứ chiến đấu",
                               "Combat-base construction progress"),
}
# Target → (column of district_progress, layer drawn with it), for the targets map.
MAP_MEASURES: dict[str, tuple[str, str | None]] = {
    "commune_exercise": ("exercise_status", None),
    "training_ground": ("has_training_ground", "training_grounds"),
    "combat_base_completion": ("base_status", "combat_bases"),
}
STATUS_STYLES = {
    "below": Style("#b2182b", "#f4a582", 1.2, 0.55), "within": Style("#1a7837", "#a6dba0",
                                                                     1.2, 0.55),
    "above": Style("#2166ac", "#92c5de", 1.2, 0.55), "no_data": Style("#6b6b6b", "#f0f0f0",
                                                                      1.0, 0.2),
}
STATUS_LABELS = {
    "below": ("dưới chỉ tiêu", "below target"), "within": ("đạt", "within target"),
    "above": ("vượt chỉ tiêu", "above target"), "no_data": ("không có dữ liệu", "no data"),
}


def _targets_tab(proj: Project, history: pd.DataFrame) -> None:
    default = rec.default_target_year(history)
    options = sorted(set(history["year"].astype(int)) | {default}, reverse=True)
    year = st.selectbox(tr("Năm", "Year"), options, index=options.index(default),
                        key="targets_year")
    result = planning_exercises.targets(proj, year=int(year))
    _warnings(result.warnings)
    province, per_district = result.tables["province"], result.main
    i = 0 if lang() == "vi" else 1
    shown = province.assign(measure=province["measure"].map(lambda m: MEASURE_LABELS[m][i]))
    percent = {header(c): st.column_config.NumberColumn(header(c), format="percent")
               for c in ("target_min", "target_max")}
    st.subheader(tr("Toàn tỉnh", "Province"))
    show_table(shown, key="targets_province_table",
               column_config={**_progress(province, ["value"]), **percent})
    st.subheader(tr("Theo huyện", "Per district"))
    show_table(per_district, key="targets_district_table",
               column_config=_progress(per_district, ["exercise_share", "base_completion"]))
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(per_district),
                       file_name=f"targets_{year}.csv", mime="text/csv", key="targets_download")
    _targets_map(result.extra["districts"], per_district,
                 {k: result.extra[k] for k in ("training_grounds", "combat_bases")})


def _targets_map(districts: gpd.GeoDataFrame, per_district: pd.DataFrame,
                 layers: dict[str, gpd.GeoDataFrame]) -> None:
    """Districts coloured by their status for one target, with its assets."""
    i = 0 if lang() == "vi" else 1
    measure = st.radio(tr("Bản đồ chỉ tiêu", "Target on the map"), list(MAP_MEASURES),
                       format_func=lambda m: MEASURE_LABELS[m][i], horizontal=True,
                       key="targets_map_measure")
    column, assets = MAP_MEASURES[measure]
    status = per_district.set_index("district_code")[column]
    if status.dtype == bool:
        status = status.map({True: "within", False: "below"})
    joined = districts.assign(status=districts["code"].astype(str).map(status).fillna(
        "no_data"))
    shown = []
    for key, style in STATUS_STYLES.items():
        part = joined[joined["status"] == key]
        if len(part):
            label = STATUS_LABELS[key][i]
            shown.append(MapLayer(label, "admin_unit", part[["code", "name", "geometry"]],
                                  style=style, legend=label))
    works = layers.get(assets) if assets else None
    if works is not None and len(works):
        kind = {"training_grounds": "training_ground", "combat_bases": "combat_base"}[assets]
        shown.append(MapLayer(KINDS[kind].label(lang()), kind, works))
    st_folium(build_map(shown, lang=lang()), height=480, use_container_width=True,
              returned_objects=[], key="targets_map")


page()
