"""Relocation page: designated enterprises to relocation sites, and what a road cut changes."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import partial

import geopandas as gpd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo import relocation as geo_relocation
from geo import settings
from layers.tables import table_csv_bytes
from maps.compare_map import compare_maps, relocation_map, side_map
from maps.map_pair import MapDoc, map_doc, pair_page, synced_pair_html
from planning import mobilization, relocation
from planning.results import Result
from ui.brief_buttons import relocation_brief
from ui.i18n import lang, t, tr
from ui.map_cache import cached_map, cached_page, shown_doc
from ui.state import EXPECTED_ERRORS, cached, error_text, project, sidebar
from ui.tables import show_table, value_text

# Why an enterprise is unplaced (keys of geo.relocation.REASONS). A bare string here would be
# drawn on the page by Streamlit's magic, so these notes are comments.
REASON_TEXTS: dict[str, tuple[str, str]] = {
    "no_eligible_site": ("không địa điểm nào đạt độ sâu và ngoài vùng thiên tai",
                         "no site passes the depth and hazard criteria"),
    "no_water": ("không địa điểm đạt tiêu chí nào có nguồn nước doanh nghiệp cần",
                 "no eligible site has the water the enterprise needs"),
    "no_power": ("không địa điểm đạt tiêu chí nào có nguồn điện doanh nghiệp cần",
                 "no eligible site has the power the enterprise needs"),
    "no_water_power": ("không địa điểm đạt tiêu chí nào có đủ nước và điện",
                       "no eligible site has both water and power"),
    "not_connected": ("không tới được địa điểm đạt tiêu chí nào bằng đường bộ",
                      "no eligible site reachable on the road network"),
    "max_time": ("không có địa điểm đạt tiêu chí trong thời gian tối đa",
                 "no eligible site within the maximum travel time"),
    "capacity": ("mọi địa điểm đạt tiêu chí trong thời gian tối đa đều đã đầy hoặc quá nhỏ",
                 "every eligible site within the maximum time is full or too small"),
}

CLICK_M = 500.0  # a click on the map picks the road segment within this distance (metres)
# Solver seconds (per stage) for the first plan B after a cut: the page shows the best plan
# found by then, with how far from the best it can be, then solves to the proven optimum.
# (Comments, not a docstring: Streamlit's magic would draw a bare string on the page.)
PLAN_B_FIRST_S = 0.5

# Draws plan A's side of the pair while the solver runs (HiGHS releases the GIL).
_SIDES = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kvpt-plan-a-side")

_CUT_KEY = "reloc_cut"
_PENDING_KEY = "reloc_pending_cut"
_CLICK_KEY = "reloc_last_click"
_REFINED_KEY = "reloc_refined"


def page() -> None:
    """Draw the Relocation page."""
    sidebar()
    st.title(tr("Di chuyển doanh nghiệp động viên công nghiệp",
                "Relocation of designated enterprises"))
    proj = project()
    if proj is None:
        return
    ent_layers, site_layers = proj.names(["enterprise"]), proj.names(["relocation_site"])
    if not ent_layers or not site_layers:
        st.info(tr("Cần một lớp 'Doanh nghiệp động viên công nghiệp' và một lớp 'Địa điểm di "
                   "chuyển'. Nhập chúng ở trang Lớp dữ liệu.",
                   "Needs a layer of 'Designated enterprise' and one of 'Relocation site'. "
                   "Import them on the Layers page."))
        return
    left, right = st.columns(2)
    ent_layer = left.selectbox(tr("Lớp doanh nghiệp", "Enterprises layer"), ent_layers,
                               key="reloc_enterprises")
    site_layer = right.selectbox(tr("Lớp địa điểm di chuyển", "Relocation sites layer"),
                                 site_layers, key="reloc_sites")
    depth, max_min, by = _criteria()
    options = {"enterprises": ent_layer, "sites": site_layer, "min_depth_km": depth,
               "max_min": max_min, "capacity_by": by,
               "everyone": bool(st.session_state.get("reloc_everyone", False))}
    try:
        result = relocation.relocate(proj, **options)
        segments = relocation.segments(proj, **options).extra["segments"]
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    cut = _cut_picker(segments)
    side_a = None
    if cut:  # plan A's side of the pair is drawn while the solver looks for plan B
        side_a = _SIDES.submit(_side_doc, result, result.extra["plan_a"], "A",
                               tuple(dict.fromkeys(cut)), _map_options(result, segments))
        try:
            result = relocation.relocate(proj, cut=cut, time_limit_s=PLAN_B_FIRST_S,
                                         **options)
        except EXPECTED_ERRORS as err:  # e.g. too many segments: plan A alone
            st.error(error_text(err))
    for message in result.warnings:
        st.warning(message.text(lang()))
    refine = _to_refine(result, options)
    _summary(result, refining=refine is not None)
    _maps(result, segments, side_a)
    _tables(result, ent_layer)
    _mobilization(proj, ent_layer)
    relocation_brief(proj, options, cut if result.extra["plan_b"] is not None else [])
    if refine is not None:
        _refine(proj, result, options, refine)


def _to_refine(result: Result, options: dict) -> str | None:
    """Return the key of a quick plan B not yet solved to the full time limit, or None."""
    plan_b = result.extra["plan_b"]
    if plan_b is None or plan_b.optimal:
        return None
    key = repr((plan_b.cut, sorted(options.items())))
    return None if st.session_state.get(_REFINED_KEY) == key else key


def _refine(proj: object, result: Result, options: dict, key: str) -> None:
    """Solve plan B to the proven optimum once, after its quick first answer is shown."""
    plan_b = result.extra["plan_b"]
    st.session_state[_REFINED_KEY] = key
    with st.spinner(tr("Đang tìm phương án B tối ưu…", "Finding the optimal plan B…")):
        try:
            relocation.relocate(proj, cut=list(plan_b.cut), **options)
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
            return
    st.rerun()


# --- widgets ---------------------------------------------------------------------------------


def _criteria() -> tuple[float, float, str]:
    with st.expander(tr("Tiêu chí", "Criteria"), expanded=True):
        c1, c2, c3 = st.columns(3)
        depth = c1.number_input(tr("Độ sâu tối thiểu sau biên giới (km)",
                                   "Minimum depth behind the border (km)"), min_value=0.0,
                                value=float(settings.relocation_min_depth_km), step=5.0,
                                key="reloc_depth")
        max_min = c2.number_input(tr("Thời gian di chuyển tối đa (phút)",
                                     "Maximum travel time (minutes)"), min_value=0.0,
                                  value=float(settings.relocation_max_travel_min), step=15.0,
                                  key="reloc_max_min")
        labels = {"both": tr("cả hai (nếu có)", "both (where available)"),
                  "workforce": tr("lao động", "workforce"), "area": tr("diện tích", "area")}
        choices = list(geo_relocation.CAPACITY_BY)
        by = c3.radio(tr("Sức chứa theo", "Capacity by"), choices,
                      index=choices.index(settings.relocation_capacity_by),
                      format_func=labels.get, key="reloc_capacity_by")
        st.toggle(tr("Lập phương án cho mọi doanh nghiệp (không chỉ doanh nghiệp phải di "
                     "chuyển)", "Plan every enterprise (not only those that must relocate)"),
                  value=False, key="reloc_everyone")
    return float(depth), float(max_min), str(by)


def _cut_picker(segments: gpd.GeoDataFrame) -> list[str]:
    """Pick the segments to cut: a multiselect, fed also by clicks on the plan A map."""
    ids = segments["segment_id"].tolist()
    pending = st.session_state.pop(_PENDING_KEY, None)
    if pending in ids:
        st.session_state[_CUT_KEY] = list(dict.fromkeys(
            [*st.session_state.get(_CUT_KEY, []), pending]))
    labels = dict(zip(ids, _segment_labels(segments), strict=True))
    return st.multiselect(
        tr("Cắt đoạn đường / cầu (bấm vào đường trên bản đồ phương án A, hoặc chọn mã đoạn; "
           "đoạn có tuyến đi qua đứng đầu)",
           "Cut road segments / bridges (click a road on the plan A map, or pick segment "
           "ids; segments used by routes come first)"),
        ids, format_func=labels.get, key=_CUT_KEY, placeholder=t("choose"))


def _segment_labels(segments: gpd.GeoDataFrame) -> list[str]:
    used = tr("tuyến", "routes")
    return [f"{sid} – {name or '?'} ({n} {used})" for sid, name, n in
            zip(segments["segment_id"], segments["name"].fillna(""), segments["n_used"],
                strict=True)]


# --- output ----------------------------------------------------------------------------------


def _summary(result: Result, *, refining: bool = False) -> None:
    plan_a, plan_b = result.extra["plan_a"], result.extra["plan_b"]
    total = len(plan_a.enterprises)
    cols = st.columns(4 if plan_b is not None else 2)
    cols[0].metric(tr("Đã bố trí (A)", "Placed (A)"), f"{plan_a.n_placed}/{total}")
    cols[1].metric(tr("Tổng thời gian (A, phút)", "Total time (A, min)"),
                   f"{plan_a.total_travel_min:,.0f}")
    if plan_b is not None:
        cols[2].metric(tr("Đã bố trí (B)", "Placed (B)"), f"{plan_b.n_placed}/{total}",
                       delta=plan_b.n_placed - plan_a.n_placed)
        cols[3].metric(tr("Tổng thời gian (B, phút)", "Total time (B, min)"),
                       f"{plan_b.total_travel_min:,.0f}",
                       delta=f"{plan_b.total_travel_min - plan_a.total_travel_min:+,.0f}",
                       delta_color="inverse")
        slot = st.empty()  # always there, so the quick and the optimal run draw alike
        if not plan_b.optimal:
            with slot:
                _near_optimal(plan_b.gap, refining)


def _near_optimal(gap: float, refining: bool) -> None:
    vi = (f"Phương án B gần tối ưu: tổng thời gian dài hơn phương án tốt nhất có thể tối "
          f"đa {gap:.1%} (đã chứng minh).")
    en = (f"Plan B is near-optimal: its total time is at most {gap:.1%} longer than the "
          "best possible (proven).")
    if gap >= 1.0:  # the solver stopped before proving how many can be placed
        vi = "Phương án B tạm thời: chưa chứng minh được mức chênh so với tối ưu."
        en = "Plan B is provisional: how far it is from the optimum is not proven yet."
    if refining:
        st.info(tr(vi + " Trang đang tìm phương án tối ưu và sẽ tự cập nhật.",
                   en + " The page is finding the optimal plan and will update itself."))
    else:
        st.warning(tr(vi + " Bộ giải đã dừng do hết thời gian (cài đặt "
                      "relocation_time_limit_s).", en + " The solver stopped at its time "
                      "limit (setting relocation_time_limit_s)."))


def _maps(result: Result, segments: gpd.GeoDataFrame, side_a: Future | None = None) -> None:
    plan_a, plan_b = result.extra["plan_a"], result.extra["plan_b"]
    ents, sites = result.extra["enterprises"], result.extra["sites"]
    kw = _map_options(result, segments)
    picking = plan_b is None or st.toggle(
        tr("Chọn thêm đoạn cắt trên bản đồ phương án A", "Pick more cuts on the plan A map"),
        key="reloc_pick_on_map")
    if picking:
        cut = plan_b.cut if plan_b else ()
        click = st_folium(cached_map(lambda: relocation_map(plan_a, ents, sites, cut=cut, **kw),
                                     *_plan_parts(plan_a), ents, sites, cut, *kw.values()),
                          height=560, use_container_width=True,
                          returned_objects=["last_object_clicked"], key="reloc_map_a")
        _handle_click((click or {}).get("last_object_clicked"), segments)
        return
    st.caption(tr("Phương án A (trái) và B (phải): kéo hoặc thu phóng một bản đồ, bản đồ kia "
                  "đi theo.", "Plan A (left) and plan B (right): pan or zoom one map and the "
                  "other follows."))
    title = tr("Phương án A và B", "Plan A and plan B")
    if side_a is not None:
        wait([side_a])  # drawn meanwhile (kept: a miss, e.g. for another cut, draws it now)
    docs = [_side_doc(result, plan, side, tuple(plan_b.cut), kw)
            for plan, side in ((plan_a, "A"), (plan_b, "B"))]
    docs = [shown_doc(d) for d in docs]  # feature files published (or put inside)
    st.iframe(pair_page(*docs, title=title), height=560)  # a refined plan B: side B only

    def standalone() -> bytes:  # built only when the button is clicked
        pair = compare_maps(plan_a, plan_b, ents, sites, assets="inline", **kw)
        return synced_pair_html(*pair, assets="inline", title=title).encode("utf-8")

    st.download_button(
        tr("Tải bản đồ so sánh HTML (dùng offline)", "Download comparison map HTML (offline)"),
        standalone, file_name="relocation_plan_a_b.html", mime="text/html",
        key="reloc_download_pair")


def _map_options(result: Result, segments: gpd.GeoDataFrame) -> dict:
    """Return what every relocation map draws besides the plan (and its language)."""
    return {"segments": segments, "hazards": result.extra["hazards"],
            "border": result.extra["border"], "lang": lang()}


def _side_doc(result: Result, plan: object, side: str, cut: tuple[str, ...],
              kw: dict) -> MapDoc:
    """Return one side of the plan A | plan B pair, kept by what it shows.

    Pure (no Streamlit call): the page may draw plan A's side in a worker thread.
    """
    ents, sites = result.extra["enterprises"], result.extra["sites"]
    return cached_page(lambda: map_doc(side_map(plan, ents, sites, cut=cut, side=side, **kw),
                                       shared=True),
                       side, *_plan_parts(plan), cut, ents, sites, *kw.values())


def _plan_parts(plan: object) -> tuple:
    """Return what a plan's map shows of it: its tables and cut (for the map cache)."""
    return plan.enterprises, plan.sites, tuple(plan.cut)


def _handle_click(clicked: dict | None, segments: gpd.GeoDataFrame) -> None:
    """Queue the segment nearest to a new click on the plan A map for cutting."""
    if not clicked or clicked == st.session_state.get(_CLICK_KEY):
        return
    st.session_state[_CLICK_KEY] = clicked
    point = gpd.GeoSeries([shapely.Point(clicked["lng"], clicked["lat"])], crs="EPSG:4326")
    point = point.to_crs(segments.crs).iloc[0]
    distance = segments.distance(point)
    if not len(distance) or distance.min() > CLICK_M:
        return
    sid = segments["segment_id"].iloc[int(distance.to_numpy().argmin())]
    if sid not in st.session_state.get(_CUT_KEY, []):
        st.session_state[_PENDING_KEY] = sid
        st.rerun()


def _tables(result: Result, ent_layer: str) -> None:
    plan = result.extra["plan"]
    tag = "B" if result.extra["plan_b"] is not None else "A"
    changes = result.tables.get("changes")
    if changes is not None:
        st.subheader(tr(f"Thay đổi khi cắt ({len(changes)})",
                        f"Changes with the cut ({len(changes)})"))
        direct = int(changes["route_cut"].sum())
        st.caption(tr(
            f"{direct} doanh nghiệp có tuyến (phương án A) đi qua đoạn bị cắt. "
            f"{len(changes) - direct} doanh nghiệp còn lại thay đổi vì phương án được tối ưu "
            "lại trên tổng thời gian trong giới hạn sức chứa: doanh nghiệp phải đổi địa điểm "
            "chiếm chỗ của doanh nghiệp khác, đẩy họ sang địa điểm kế tiếp.",
            f"{direct} enterprise(s) had a plan A route over a cut segment. The other "
            f"{len(changes) - direct} changed because the plan is optimised again for the "
            "total time within the site capacities: an enterprise that must move takes the "
            "place of another, which moves on to its next site."))
        show_table(changes, key="reloc_changes_table")
        st.download_button(tr("Tải CSV thay đổi", "Download changes CSV"),
                           partial(table_csv_bytes, changes),
                           file_name=f"relocation_changes_{ent_layer}.csv", mime="text/csv",
                           key="reloc_download_changes")
    unplaced = plan.unplaced
    if len(unplaced):
        i = 0 if lang() == "vi" else 1
        lines = [f"- {row.enterprise} {row.name}: {REASON_TEXTS[row.reason][i]}"
                 for row in unplaced.itertuples()]
        st.warning(tr(f"Chưa bố trí được {len(unplaced)} doanh nghiệp (phương án {tag}):",
                      f"{len(unplaced)} enterprise(s) unplaced (plan {tag}):")
                   + "\n" + "\n".join(lines))
    st.subheader(tr(f"Doanh nghiệp (phương án {tag})", f"Enterprises (plan {tag})"))
    enterprises = result.tables["enterprises"]
    show_table(enterprises, key="reloc_enterprises_table")
    st.download_button(tr("Tải CSV doanh nghiệp", "Download enterprises CSV"),
                       partial(table_csv_bytes, enterprises),
                       file_name=f"relocation_{ent_layer}.csv", mime="text/csv",
                       key="reloc_download_csv")
    st.subheader(tr(f"Địa điểm: đạt / không đạt từng tiêu chí (phương án {tag})",
                    f"Sites: pass / fail per criterion (plan {tag})"))
    show_table(result.tables["sites"], key="reloc_sites_table")
    st.download_button(tr("Tải CSV địa điểm", "Download sites CSV"),
                       partial(table_csv_bytes, result.tables["sites"]),
                       file_name="relocation_sites.csv", mime="text/csv",
                       key="reloc_download_sites")


def _mobilization(proj: object, ent_layer: str) -> None:
    """Capacity totals per district and direction, readiness counts (kvpt mobilization)."""
    try:
        report = cached(proj, mobilization.report, enterprises=ent_layer)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    v = report.values
    with st.expander(tr("Năng lực động viên công nghiệp theo huyện và hướng",
                        "Mobilization capacity by district and direction"),
                     icon=":material/factory:"):
        for message in report.warnings:
            st.warning(message.text(lang()))
        st.caption(tr(
            f"{v['n_must_relocate']}/{v['n_enterprises']} doanh nghiệp phải di chuyển khi có "
            "chiến tranh: phương án trên chỉ bố trí các doanh nghiệp này. Năng lực cộng theo "
            "từng đơn vị; hướng tính theo góc phương vị từ tâm tỉnh (cài đặt "
            "mobilization_directions, mặc định của công cụ, không theo văn bản quy định).",
            f"{v['n_must_relocate']}/{v['n_enterprises']} enterprises must relocate in "
            "wartime: the plan above places only these. Capacities are summed per unit; "
            "directions are bearings from the province centre (setting "
            "mobilization_directions, a default of this tool, not from a regulation)."))
        cols = st.columns(4)
        for col, (level, n) in zip(cols, v["readiness"].items(), strict=True):
            col.metric(value_text(level, lang()), n)
        st.markdown(tr("**Theo huyện**", "**By district**"))
        show_table(report.tables["districts"], key="reloc_mob_districts")
        st.markdown(tr("**Theo hướng**", "**By direction**"))
        show_table(report.tables["directions"], key="reloc_mob_directions")
        st.download_button(tr("Tải CSV năng lực theo doanh nghiệp",
                              "Download capacity per enterprise CSV"),
                           partial(table_csv_bytes, report.tables["enterprises"]),
                           file_name=f"dong_vien_{ent_layer}.csv", mime="text/csv",
                           key="reloc_mob_csv")


page()
