"""Exercises & targets page: exercise records, the rotation plan and the targets dashboard."""

from __future__ import annotations

from functools import partial

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import exercises as ex
from geo import roadmap as rm
from geo import settings
from layers import records as rec
from layers.encoding import ENCODINGS, LABELS
from layers.kinds import KINDS, Style
from layers.tables import table_csv_bytes
from maps.project_map import MapLayer, build_map
from planning import exercises as planning_exercises
from planning import roadmap as planning_roadmap
from planning.project import Project
from ui.i18n import lang, t, tr
from ui.map_cache import map_frame
from ui.state import EXPECTED_ERRORS, cached, error_text, project, sidebar
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


def _target_records(proj: Project, history: pd.DataFrame) -> tuple[pd.DataFrame, ...]:
    """Return the records targets read besides layers: exercises, roadmap, plan periods."""
    return history, planning_roadmap.history(proj), planning_roadmap.periods(proj)


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
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, history),
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


ROTATION_LABELS: dict[str, tuple[str, str]] = {
    "commune": ("Diễn tập chiến đấu phòng thủ xã", "Commune combat-defense exercises"),
    "district": ("Diễn tập khu vực phòng thủ huyện", "District defense-area exercises"),
    "rescue": ("Diễn tập phòng chống lụt bão, tìm kiếm cứu nạn cấp huyện",
               "District flood and search-and-rescue exercises"),
    "province": ("Diễn tập khu vực phòng thủ tỉnh", "Province defense-area exercise"),
}


def _plan_tab(proj: Project, history: pd.DataFrame) -> None:
    i = 0 if lang() == "vi" else 1
    kind = st.radio(tr("Kế hoạch", "Plan"), list(ROTATION_LABELS), horizontal=True,
                    format_func=lambda k: ROTATION_LABELS[k][i], key="plan_kind")
    if kind != "commune":
        _district_plan_tab(proj, history, kind)
        return
    left, right = st.columns(2)
    years = left.number_input(tr("Số năm", "Years"), min_value=1, max_value=30,
                              value=ex.cycle_years(), step=1, key="plan_years")
    start = right.number_input(tr("Năm bắt đầu", "First year"), min_value=rec.FIRST_YEAR,
                               max_value=2200, value=rec.default_plan_start(history), step=1,
                               key="plan_start")
    st.caption(tr(
        f"Mỗi năm {settings.exercise_share_min:.0%}–{settings.exercise_share_max:.0%} số xã; "
        f"không xã nào chờ quá chu kỳ {ex.cycle_years()} năm khi mức trần cho phép; trong "
        "giới hạn đó, xã chờ lâu nhất trước (chưa diễn tập bao giờ trước hết), rải đều các "
        "huyện theo số xã.",
        f"{settings.exercise_share_min:.0%}–{settings.exercise_share_max:.0%} of the communes "
        f"a year; no commune waits more than the {ex.cycle_years()}-year cycle when the cap "
        "allows it; within that, longest-waiting first (never exercised first), spread "
        "across districts by size."))
    result = cached(proj, planning_exercises.rotation, years=int(years), start=int(start),
                    depends_on=history)
    _warnings(result.warnings)
    plan, summary = result.main, result.tables["summary"]
    st.altair_chart(_coverage_chart(summary), key="plan_chart")
    year = st.selectbox(tr("Năm trên bản đồ", "Year on the map"), list(summary["year"]),
                        key="plan_year")
    chosen = plan[plan["year"] == year]
    _plan_map(result.extra["communes"], result.extra["districts"], chosen)
    st.subheader(tr(f"Các xã diễn tập năm {year}", f"Communes exercising in {year}"))
    show_table(chosen, key="plan_year_table")
    st.subheader(tr("Tổng hợp theo năm", "Summary per year"))
    show_table(summary, key="plan_summary_table", column_config=_progress(summary, ["share"]))
    st.download_button(tr("Tải kế hoạch CSV", "Download the plan (CSV)"),
                       partial(table_csv_bytes, plan), file_name=f"exercise_plan_{int(start)}.csv",
                       mime="text/csv", key="plan_download")


def _district_plan_tab(proj: Project, history: pd.DataFrame, kind: str) -> None:
    """Draw a district or province rotation: every unit once per plan period (seed 003)."""
    cycle = settings.plan_period_years
    left, right = st.columns(2)
    years = left.number_input(tr("Số năm", "Years"), min_value=1, max_value=30, value=cycle,
                              step=1, key="district_plan_years")
    start = right.number_input(tr("Năm bắt đầu", "First year"), min_value=rec.FIRST_YEAR,
                               max_value=2200, value=rec.default_plan_start(history), step=1,
                               key="district_plan_start")
    st.caption(tr(
        f"Mỗi đơn vị diễn tập một lần trong mỗi giai đoạn {cycle} năm (chỉ tiêu 100 %, văn "
        "bản 003), rải đều các năm của giai đoạn; đơn vị chờ lâu nhất trước.",
        f"Every unit exercises once in each {cycle}-year plan period (target 100 %, seed "
        "003), spread evenly over the period; longest-waiting first."))
    result = cached(proj, planning_exercises.rotation, years=int(years), start=int(start),
                    kind=kind, depends_on=history)
    _warnings(result.warnings)
    show_table(result.main, key="district_plan_table")
    st.subheader(tr("Tổng hợp theo năm", "Summary per year"))
    show_table(result.tables["summary"], key="district_plan_summary")
    st.download_button(tr("Tải kế hoạch CSV", "Download the plan (CSV)"),
                       partial(table_csv_bytes, result.main),
                       file_name=f"{kind}_exercise_plan_{int(start)}.csv", mime="text/csv",
                       key="district_plan_download")


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
              chosen: pd.DataFrame) -> None:
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
    map_frame(lambda: build_map(layers, lang=lang(), focus=marked),  # the year's communes:
              layers, marked, lang(), key="exercises_year_map")  # the map opens on them


# --- targets ---------------------------------------------------------------------------------


MEASURE_LABELS = {
    "commune_exercise": ("Xã diễn tập chiến đấu phòng thủ trong năm",
                         "Communes with a combat-defense exercise in the year"),
    "district_exercise": ("Huyện diễn tập khu vực phòng thủ trong giai đoạn",
                          "Districts with a defense-area exercise in the period"),
    "province_exercise": ("Tỉnh diễn tập khu vực phòng thủ trong giai đoạn",
                          "Province defense-area exercise in the period"),
    "rescue_exercise": ("Huyện diễn tập phòng chống lụt bão, tìm kiếm cứu nạn trong giai đoạn",
                        "Districts with a flood and search-and-rescue exercise in the period"),
    "training_ground": ("Tiến độ xây dựng thao trường cấp huyện, cấp tỉnh",
                        "Build progress of district and province training grounds"),
    "combat_base_completion": ("Tiến độ xây dựng căn cứ chiến đấu",
                               "Combat-base construction progress"),
}
if settings.training_ground_measure == "district_share":  # the other reading, labelled
    MEASURE_LABELS["training_ground"] = ("Huyện có thao trường (cách tính cũ)",
                                         "Districts with a training ground (earlier reading)")
# Target → (column of district_progress, layer drawn with it), for the targets map.
MAP_MEASURES: dict[str, tuple[str, str | None]] = {
    "commune_exercise": ("exercise_status", None),
    "district_exercise": ("district_exercised", None),
    "rescue_exercise": ("rescue_exercised", None),
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


TARGET_VIEWS: dict[str, tuple[str, str]] = {
    "year": ("Theo năm", "One year"),
    "period": ("Theo giai đoạn và năm", "Per period and year"),
    "roadmap": ("Lộ trình xây dựng công trình", "Construction roadmap"),
    "periods": ("Các giai đoạn kế hoạch", "Plan periods"),
}


def _targets_tab(proj: Project, history: pd.DataFrame) -> None:
    i = 0 if lang() == "vi" else 1
    view = st.radio(tr("Xem", "View"), list(TARGET_VIEWS), horizontal=True,
                    format_func=lambda v: TARGET_VIEWS[v][i], key="targets_view")
    if view == "period":
        _period_dashboard(proj)
    elif view == "roadmap":
        _roadmap_editor(proj)
    elif view == "periods":
        _periods_editor(proj)
    else:
        _year_targets(proj, history)


def _year_targets(proj: Project, history: pd.DataFrame) -> None:
    default = rec.default_target_year(history)
    plan_years = rm.period_years(planning_roadmap.periods(proj))  # any year of a period
    options = sorted(set(history["year"].astype(int)) | {default} | set(plan_years),
                     reverse=True)
    year = st.selectbox(tr("Năm", "Year"), options, index=options.index(default),
                        key="targets_year")
    result = cached(proj, planning_exercises.targets, year=int(year),
                    depends_on=_target_records(proj, history))
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
               column_config=_progress(per_district, ["exercise_share", "ground_progress",
                                                      "base_completion"]))
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, per_district),
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
    map_frame(lambda: build_map(shown, lang=lang()), shown, lang(), key="exercises_assets_map",
              height=480)


# --- plan periods and the construction roadmap -------------------------------------------------


def _period_dashboard(proj: Project) -> None:
    """Show the province's targets for every year of a plan period (values, statuses)."""
    plan = planning_roadmap.periods(proj)
    names = list(plan["name"])
    this_year = pd.Timestamp.now().year
    held = plan[(plan["first_year"] <= this_year) & (plan["last_year"] >= this_year)]
    default = names.index(held["name"].iloc[0]) if len(held) else 0
    period = st.selectbox(tr("Giai đoạn", "Plan period"), names, index=default,
                          key="targets_period")
    st.caption(tr("Mỗi năm tính như trang chỉ tiêu theo năm: căn cứ chiến đấu, thao trường "
                  "lấy % thực hiện mới nhất của lộ trình đến năm đó, nếu chưa có thì theo "
                  "thuộc tính của lớp.",
                  "Each year is measured as the one-year view: combat bases and training "
                  "grounds take the latest actual percentage of the roadmap up to that year, "
                  "else the layer's attribute."))
    result = cached(proj, planning_exercises.targets_by_year, period=period,
                    depends_on=_target_records(proj, planning_exercises.records(proj)))
    _warnings(result.warnings)
    table = result.main
    i = 0 if lang() == "vi" else 1
    labelled = table.assign(measure=table["measure"].map(lambda m: MEASURE_LABELS[m][i]))
    values = labelled.pivot(index="measure", columns="year", values="value")
    values = values.reindex(list(dict.fromkeys(labelled["measure"])))
    values.columns = [str(c) for c in values.columns]
    st.dataframe(values, width="stretch", key="targets_period_values", column_config={
        c: st.column_config.NumberColumn(c, format="percent") for c in values.columns})
    states = labelled.assign(status=labelled["status"].map(lambda v: STATUS_LABELS[v][i]))
    statuses = states.pivot(index="measure", columns="year", values="status")
    statuses = statuses.reindex(values.index)
    statuses.columns = [str(c) for c in statuses.columns]
    st.dataframe(statuses, width="stretch", key="targets_period_status")
    st.altair_chart(_period_chart(labelled), key="targets_period_chart")
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, table),
                       file_name=f"targets_{period}.csv", mime="text/csv",
                       key="targets_period_download")


def _period_chart(labelled: pd.DataFrame) -> alt.Chart:
    """One line per target: its value in each year of the period."""
    return alt.Chart(labelled.assign(year=labelled["year"].astype(str))).mark_line(
        point=True).encode(
        x=alt.X("year:N", title=tr("Năm", "Year")),
        y=alt.Y("value:Q", title=tr("Mức đạt", "Value"), axis=alt.Axis(format="%")),
        color=alt.Color("measure:N", title=tr("Chỉ tiêu", "Target")),
        tooltip=["year", "measure", alt.Tooltip("value:Q", format=".1%")])


def _roadmap_editor(proj: Project) -> None:
    """Edit the current roadmap (each save appends to the history) and import a CSV."""
    found = planning_roadmap.works(proj)
    if found.empty:
        st.info(tr("Dự án chưa có công trình quốc phòng (căn cứ, thao trường…).",
                   "The project has no defense work (bases, training grounds, ...)."))
        return
    st.caption(tr("Mỗi dòng: kế hoạch và kết quả thực hiện (%) của một công trình trong một "
                  "năm. Bấm Lưu: các dòng thay đổi được ghi thêm vào lịch sử (người, thời "
                  "điểm); không dòng cũ nào bị sửa hay xoá. Ô để trống giữ giá trị trước.",
                  "One row per work and year: planned and actual completion (%). Save appends "
                  "the changed rows to the history (who, when); no earlier row is changed or "
                  "removed. An empty cell keeps the earlier value."))
    labels = {i: f"{c or '–'} – {n}" for i, c, n in zip(found.index, found["code"],
                                                          found["name"], strict=True)}
    now = planning_roadmap.current(proj)
    columns = ["work_id", "year", "planned_pct", "actual_pct", "start_year", "finish_year",
               "note"]
    shown = now[columns] if len(now) else pd.DataFrame({c: pd.Series(dtype="object")
                                                        for c in columns})
    rev = st.session_state.setdefault("rm_editor_rev", 0)
    edited = st.data_editor(shown, num_rows="dynamic", hide_index=True, width="stretch",
                            key=f"rm_editor_{rev}", column_config=_roadmap_columns(labels))
    author = st.text_input(tr("Người cập nhật", "Updated by"), key="rm_author")
    if st.button(tr("Lưu", "Save"), key="rm_save", type="primary"):
        _save_roadmap(lambda: planning_roadmap.save_edits(
            proj, edited, author=author, store=proj.reader.store))
    with st.expander(tr("Nhập từ tệp CSV", "Import from a CSV file")):
        _roadmap_upload(proj, author)
    with st.expander(tr("Lịch sử cập nhật", "History of the updates")):
        past = planning_roadmap.history(proj)
        show_table(past.drop(columns=["work_layer"]), key="rm_history")
        st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, past),
                           file_name="roadmap_history.csv", mime="text/csv",
                           key="rm_history_download")
    st.subheader(tr("Tiến độ công trình theo năm", "Works per year"))
    year = st.number_input(tr("Năm", "Year"), min_value=rec.FIRST_YEAR, max_value=2200,
                           value=pd.Timestamp.now().year, step=1, key="rm_year")
    show_table(planning_roadmap.roadmap(proj, year=int(year)).main, key="rm_works")


def _roadmap_columns(labels: dict[str, str]) -> dict:
    """Columns of the roadmap editor: works by code and name, percentages 0–100."""
    pct = {"min_value": 0.0, "max_value": 100.0, "step": 1.0, "format": "%.1f"}
    year = {"step": 1, "format": "%d"}
    return {
        "work_id": st.column_config.SelectboxColumn(
            tr("Công trình", "Work"), options=list(labels), required=True,
            format_func=lambda w: labels.get(w, w)),
        "year": st.column_config.NumberColumn(tr("Năm", "Year"), required=True, **year),
        "planned_pct": st.column_config.NumberColumn(tr("Kế hoạch (%)", "Planned (%)"), **pct),
        "actual_pct": st.column_config.NumberColumn(tr("Thực hiện (%)", "Actual (%)"), **pct),
        "start_year": st.column_config.NumberColumn(tr("Năm bắt đầu", "Start year"), **year),
        "finish_year": st.column_config.NumberColumn(tr("Năm hoàn thành", "Finish year"),
                                                     **year),
        "note": st.column_config.TextColumn(tr("Ghi chú", "Note"))}


def _roadmap_upload(proj: Project, author: str) -> None:
    st.caption(tr("Cột: work_code (ma_cong_trinh) hoặc work_id, year (nam), planned_pct "
                  "(ke_hoach), actual_pct (thuc_hien); tuỳ chọn start_year, finish_year, "
                  "note. Nhập tất cả hoặc không nhập gì.",
                  "Columns: work_code (or work_id), year, planned_pct, actual_pct; optional "
                  "start_year, finish_year, note. All rows or none are imported."))
    uploaded = st.file_uploader("CSV", type=["csv", "txt"], key="rm_upload")
    if st.button(tr("Nhập", "Import"), key="rm_import", disabled=uploaded is None):
        _save_roadmap(lambda: planning_roadmap.import_roadmap(
            proj, uploaded.getvalue(), source=uploaded.name, author=author,
            store=proj.reader.store))


def _save_roadmap(save) -> None:  # noqa: ANN001 - a callable returning the rows added
    try:
        added = save()
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    st.session_state["rm_editor_rev"] = st.session_state.get("rm_editor_rev", 0) + 1
    st.session_state["ex_flash"] = tr(f"Đã ghi thêm {len(added)} cập nhật lộ trình.",
                                      f"Appended {len(added)} roadmap updates.")
    st.rerun()


def _periods_editor(proj: Project) -> None:
    st.caption(tr("Các giai đoạn kế hoạch (giai đoạn 2016-2020, 2021-2025…). Khi dự án chưa "
                  "lưu giai đoạn nào, dùng giai đoạn mặc định của phần mềm (không theo văn bản "
                  "quy định). Các giai đoạn không được trùng năm.",
                  "The plan periods (2016-2020, 2021-2025, ...). Until the project stores "
                  "its own, the tool's defaults are used (not from a regulation). Periods "
                  "may not share a year."))
    rev = st.session_state.setdefault("periods_rev", 0)
    edited = st.data_editor(planning_roadmap.periods(proj), num_rows="dynamic",
                            hide_index=True, key=f"periods_editor_{rev}", column_config={
        "name": st.column_config.TextColumn(tr("Giai đoạn", "Period"), required=True),
        "first_year": st.column_config.NumberColumn(tr("Năm đầu", "First year"), step=1,
                                                    format="%d", required=True),
        "last_year": st.column_config.NumberColumn(tr("Năm cuối", "Last year"), step=1,
                                                   format="%d", required=True)})
    if st.button(tr("Lưu giai đoạn", "Save the periods"), key="periods_save"):
        try:
            saved = planning_roadmap.save_periods(proj, edited, store=proj.reader.store)
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
            return
        st.session_state["periods_rev"] = rev + 1
        st.session_state["ex_flash"] = tr(f"Đã lưu {len(saved)} giai đoạn.",
                                          f"Saved {len(saved)} periods.")
        st.rerun()


page()
