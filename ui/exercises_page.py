"""Exercises & targets page: exercise records, the rotation plan and the targets dashboard."""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import exercises as ex
from geo import settings
from geo import targets as tg
from layers import records as rec
from layers.encoding import ENCODINGS, LABELS
from layers.errors import LayerError
from layers.kinds import KINDS, Style
from layers.store import ProjectStore
from layers.tables import table_csv_bytes
from maps.project_map import MapLayer, build_map
from ui.i18n import lang, t, tr
from ui.state import open_store, sidebar, store_stamp

PLANNED_STYLE = Style("#b35806", "#f1a340", 1.5, 0.7)
OTHER_STYLE = Style("#8c8c8c", "#f0f0f0", 0.6, 0.2)
DISTRICT_STYLE = Style("#333333", None, 2.0, 0.0)


def page() -> None:
    """Draw the Exercises & targets page."""
    sidebar()
    st.title(t("page_exercises"))
    store = open_store()
    if store is None:
        return
    stamp = store_stamp(store)
    try:
        communes = _communes(stamp)
    except LayerError as err:
        st.warning(tr("Cần một lớp 'Đơn vị hành chính' có các xã (cột cấp = xã / commune). "
                      "Nhập lớp xã ở trang Lớp dữ liệu.",
                      "Needs an 'Administrative unit' layer holding the communes (level = "
                      "commune). Import it on the Layers page."))
        st.caption(str(err))
        return
    districts = _districts(stamp)
    flash = st.session_state.pop("ex_flash", None)
    if flash:
        st.success(flash)
    # only the open tab runs: a map drawn in a hidden tab would open zoomed out to the world
    tab_records, tab_plan, tab_targets = st.tabs([
        tr("Kết quả diễn tập", "Exercise records"), tr("Kế hoạch luân phiên", "Rotation plan"),
        tr("Chỉ tiêu", "Targets")], key="ex_tab", on_change="rerun")
    history = rec.read_exercises(store)
    if tab_records.open:
        with tab_records:
            _records_tab(store, communes, history)
    if tab_plan.open:
        with tab_plan:
            _plan_tab(communes, districts, history)
    if tab_targets.open:
        with tab_targets:
            _targets_tab(stamp, communes, districts, history)


# --- records ---------------------------------------------------------------------------------


def _records_tab(store: ProjectStore, communes: gpd.GeoDataFrame, history: pd.DataFrame) -> None:
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
            saved = rec.write_exercises(store, edited, communes)
        except LayerError as err:
            st.error(str(err))
        else:
            _done(tr(f"Đã lưu {len(saved)} kết quả diễn tập.", f"Saved {len(saved)} records."))
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(history),
                       file_name="exercises.csv", mime="text/csv", key="ex_download")
    with st.expander(tr("Nhập từ tệp CSV", "Import from a CSV file")):
        _upload(store)


def _upload(store: ProjectStore) -> None:
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
            parsed = rec.import_exercises(store, uploaded.getvalue(), replace=replace,
                                          encoding=None if encoding == "auto" else encoding,
                                          source=uploaded.name)
        except LayerError as err:
            st.error(str(err))
        else:
            _done(tr(f"Đã nhập {len(parsed.records)} kết quả ({LABELS[parsed.encoding]}).",
                     f"Imported {len(parsed.records)} records ({LABELS[parsed.encoding]})."))


def _done(message: str) -> None:
    """Show ``message`` after a rerun with a fresh editor on the stored records."""
    st.session_state["ex_editor_rev"] = st.session_state.get("ex_editor_rev", 0) + 1
    st.session_state["ex_flash"] = message
    st.rerun()


# --- rotation plan ---------------------------------------------------------------------------


def _plan_tab(communes: gpd.GeoDataFrame, districts: gpd.GeoDataFrame,
              history: pd.DataFrame) -> None:
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
    names = dict(zip(districts["code"], districts["name"], strict=True))
    try:
        plan = ex.rotation_plan(communes, history, years=int(years), start=int(start),
                                district_names=names)
    except ValueError as err:
        st.error(str(err))
        return
    summary = ex.plan_summary(plan, communes)
    st.altair_chart(_coverage_chart(summary), key="plan_chart")
    year = st.selectbox(tr("Năm trên bản đồ", "Year on the map"), list(summary["year"]),
                        key="plan_year")
    chosen = plan[plan["year"] == year]
    st_folium(_plan_map(communes, districts, chosen), height=520, use_container_width=True,
              returned_objects=[], key="plan_map")
    st.subheader(tr(f"Các xã diễn tập năm {year}", f"Communes exercising in {year}"))
    st.dataframe(chosen, hide_index=True, width="stretch")
    st.subheader(tr("Tổng hợp theo năm", "Summary per year"))
    st.dataframe(summary, hide_index=True, width="stretch", column_config={
        "share": st.column_config.ProgressColumn(tr("Tỷ lệ", "Share"), min_value=0.0,
                                                 max_value=1.0, format="percent")})
    st.download_button(tr("Tải kế hoạch CSV", "Download the plan (CSV)"), table_csv_bytes(plan),
                       file_name=f"exercise_plan_{int(start)}.csv", mime="text/csv",
                       key="plan_download")


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
    return build_map(layers, lang=lang())


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


def _targets_tab(stamp: tuple[str, int], communes: gpd.GeoDataFrame,
                 districts: gpd.GeoDataFrame, history: pd.DataFrame) -> None:
    default = rec.default_target_year(history)
    options = sorted(set(history["year"].astype(int)) | {default}, reverse=True)
    year = st.selectbox(tr("Năm", "Year"), options, index=options.index(default),
                        key="targets_year")
    layers = {"training_grounds": _kind(stamp, "training_ground"),
              "combat_bases": _kind(stamp, "combat_base")}
    try:
        province = tg.province_progress(communes=communes, records=history, year=year,
                                        districts=districts, **layers)
        per_district = tg.district_progress(districts, communes=communes, records=history,
                                            year=year, **layers)
    except ValueError as err:
        st.error(str(err))
        return
    i = 0 if lang() == "vi" else 1
    shown = province.assign(measure=province["measure"].map(lambda m: MEASURE_LABELS[m][i]),
                            status=province["status"].map(lambda s: STATUS_LABELS[s][i]))
    progress = {"format": "percent", "min_value": 0.0, "max_value": 1.0}
    st.subheader(tr("Toàn tỉnh", "Province"))
    st.dataframe(shown, hide_index=True, width="stretch", column_config={
        "measure": tr("Chỉ tiêu", "Target"),
        "value": st.column_config.ProgressColumn(tr("Kết quả", "Value"), **progress),
        "achieved": tr("Đạt được", "Achieved"), "total": tr("Tổng số", "Total"),
        "target_min": st.column_config.NumberColumn(tr("Tối thiểu", "Min"), format="percent"),
        "target_max": st.column_config.NumberColumn(tr("Tối đa", "Max"), format="percent"),
        "status": tr("Đánh giá", "Status")})
    st.subheader(tr("Theo huyện", "Per district"))
    table = per_district.assign(**{c: per_district[c].map(lambda s: STATUS_LABELS[s][i])
                                   for c in ("exercise_status", "base_status")})
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        "district_code": tr("Mã huyện", "District code"),
        "district_name": tr("Huyện", "District"),
        "communes": tr("Số xã", "Communes"), "exercised": tr("Xã đã diễn tập", "Exercised"),
        "exercise_share": st.column_config.ProgressColumn(
            tr("Tỷ lệ xã diễn tập", "Share exercised"), **progress),
        "exercise_status": tr("Đánh giá diễn tập", "Exercise status"),
        "training_grounds": tr("Thao trường", "Training grounds"),
        "has_training_ground": tr("Có thao trường", "Has a training ground"),
        "combat_bases": tr("Căn cứ chiến đấu", "Combat bases"),
        "base_completion": st.column_config.ProgressColumn(
            tr("Tiến độ căn cứ", "Base progress"), **progress),
        "base_status": tr("Đánh giá căn cứ", "Base status")})
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(per_district),
                       file_name=f"targets_{year}.csv", mime="text/csv", key="targets_download")
    _targets_map(districts, per_district, layers)


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


# --- cached reads ----------------------------------------------------------------------------


@st.cache_data(max_entries=16, show_spinner=False)
def _communes(stamp: tuple[str, int]) -> gpd.GeoDataFrame:
    return rec.read_communes(ProjectStore(stamp[0]))


@st.cache_data(max_entries=16, show_spinner=False)
def _districts(stamp: tuple[str, int]) -> gpd.GeoDataFrame:
    return rec.read_districts(ProjectStore(stamp[0]))


@st.cache_data(max_entries=32, show_spinner=False)
def _kind(stamp: tuple[str, int], kind: str) -> gpd.GeoDataFrame:
    return rec.read_kind(ProjectStore(stamp[0]), kind)


page()
