"""Relocation page: designated enterprises to relocation sites, and what a road cut changes."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
import streamlit as st
from streamlit_folium import st_folium

from geo import relocation, settings
from layers.errors import LayerError
from layers.tables import table_csv_bytes
from maps.compare_map import compare_maps, relocation_map
from maps.map_pair import synced_pair_html
from ui.i18n import lang, t, tr
from ui.state import open_store, read_layer, road_graph, sidebar, store_stamp

# Why an enterprise is unplaced (keys of geo.relocation.REASONS). A bare string here would be
# drawn on the page by Streamlit's magic, so these notes are comments.
REASON_TEXTS: dict[str, tuple[str, str]] = {
    "no_eligible_site": ("không địa điểm nào đạt độ sâu và ngoài vùng thiên tai",
                         "no site passes the depth and hazard criteria"),
    "not_connected": ("không tới được địa điểm đạt tiêu chí nào bằng đường bộ",
                      "no eligible site reachable on the road network"),
    "max_time": ("không có địa điểm đạt tiêu chí trong thời gian tối đa",
                 "no eligible site within the maximum travel time"),
    "capacity": ("mọi địa điểm đạt tiêu chí trong thời gian tối đa đều đã đầy hoặc quá nhỏ",
                 "every eligible site within the maximum time is full or too small"),
}

CLICK_M = 500.0  # a click on the map picks the road segment within this distance (metres)

_CUT_KEY = "reloc_cut"
_PENDING_KEY = "reloc_pending_cut"
_CLICK_KEY = "reloc_last_click"
_KINDS = ("enterprise", "relocation_site", "hazard_zone", "border", "infrastructure")


def page() -> None:
    """Draw the Relocation page."""
    sidebar()
    st.title(tr("Di chuyển doanh nghiệp động viên công nghiệp",
                "Relocation of designated enterprises"))
    store = open_store()
    if store is None:
        return
    names = {k: [r.name for r in store.layers() if r.kind == k] for k in _KINDS}
    if not names["enterprise"] or not names["relocation_site"]:
        st.info(tr("Cần một lớp 'Doanh nghiệp động viên công nghiệp' và một lớp 'Địa điểm di "
                   "chuyển'. Nhập chúng ở trang Lớp dữ liệu.",
                   "Needs a layer of 'Designated enterprise' and one of 'Relocation site'. "
                   "Import them on the Layers page."))
        return
    left, right = st.columns(2)
    ent_layer = left.selectbox(tr("Lớp doanh nghiệp", "Enterprises layer"),
                               names["enterprise"], key="reloc_enterprises")
    site_layer = right.selectbox(tr("Lớp địa điểm di chuyển", "Relocation sites layer"),
                                 names["relocation_site"], key="reloc_sites")
    options = _criteria()
    stamp = store_stamp(store)
    key = (stamp, ent_layer, site_layer, tuple(names["border"]), tuple(names["hazard_zone"]),
           tuple(names["infrastructure"]))
    try:
        plan_a = _plan(key, options, ())
        segments = _segments(key, options)
    except (LayerError, ValueError) as err:
        st.error(str(err))
        return
    cut = _cut_picker(segments)
    try:
        plan_b = _plan(key, options, tuple(cut)) if cut else None
    except (LayerError, ValueError) as err:
        st.error(str(err))
        return
    _summary(plan_a, plan_b)
    _maps(key, plan_a, plan_b, segments)
    _tables(plan_a, plan_b, ent_layer)


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
        by = c3.radio(tr("Sức chứa theo", "Capacity by"), list(relocation.CAPACITY_BY),
                      index=list(relocation.CAPACITY_BY).index(settings.relocation_capacity_by),
                      format_func=labels.get, key="reloc_capacity_by")
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


def _summary(plan_a: relocation.RelocationPlan, plan_b: relocation.RelocationPlan | None
             ) -> None:
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
    for plan, tag in ((plan_a, "A"), (plan_b, "B")):
        if plan is not None and not plan.optimal:
            st.warning(tr(f"Phương án {tag}: bộ giải dừng do hết thời gian, chưa chứng minh "
                          "tối ưu.", f"Plan {tag}: the solver hit its time limit; not proven "
                          "optimal."))


def _maps(key: tuple, plan_a: relocation.RelocationPlan,
          plan_b: relocation.RelocationPlan | None, segments: gpd.GeoDataFrame) -> None:
    ents, sites, border, hazards, _ = _inputs(key)
    kw = {"segments": segments, "hazards": hazards, "border": border, "lang": lang()}
    picking = plan_b is None or st.toggle(
        tr("Chọn thêm đoạn cắt trên bản đồ phương án A", "Pick more cuts on the plan A map"),
        key="reloc_pick_on_map")
    if picking:
        click = st_folium(relocation_map(plan_a, ents, sites, cut=plan_b.cut if plan_b else (),
                                         **kw),
                          height=560, use_container_width=True,
                          returned_objects=["last_object_clicked"], key="reloc_map_a")
        _handle_click((click or {}).get("last_object_clicked"), segments)
        return
    st.caption(tr("Phương án A (trái) và B (phải): kéo hoặc thu phóng một bản đồ, bản đồ kia "
                  "đi theo.", "Plan A (left) and plan B (right): pan or zoom one map and the "
                  "other follows."))
    title = tr("Phương án A và B", "Plan A and plan B")
    st.iframe(synced_pair_html(*compare_maps(plan_a, plan_b, ents, sites, **kw), title=title),
              height=560)

    def standalone() -> bytes:  # built only when the button is clicked
        pair = compare_maps(plan_a, plan_b, ents, sites, assets="inline", **kw)
        return synced_pair_html(*pair, assets="inline", title=title).encode("utf-8")

    st.download_button(
        tr("Tải bản đồ so sánh HTML (dùng offline)", "Download comparison map HTML (offline)"),
        standalone, file_name="relocation_plan_a_b.html", mime="text/html",
        key="reloc_download_pair")


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


def _tables(plan_a: relocation.RelocationPlan, plan_b: relocation.RelocationPlan | None,
            ent_layer: str) -> None:
    plan = plan_b if plan_b is not None else plan_a
    tag = "B" if plan_b is not None else "A"
    if plan_b is not None:
        changes = relocation.compare_plans(plan_a, plan_b)
        st.subheader(tr(f"Thay đổi khi cắt ({len(changes)})",
                        f"Changes with the cut ({len(changes)})"))
        st.dataframe(changes, hide_index=True, width="stretch")
        st.download_button(tr("Tải CSV thay đổi", "Download changes CSV"),
                           table_csv_bytes(changes),
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
    table = pd.DataFrame(plan.enterprises.drop(columns=plan.enterprises.geometry.name))
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(tr("Tải CSV doanh nghiệp", "Download enterprises CSV"),
                       table_csv_bytes(plan.enterprises.to_crs("EPSG:4326")),
                       file_name=f"relocation_{ent_layer}.csv", mime="text/csv",
                       key="reloc_download_csv")
    st.subheader(tr(f"Địa điểm: đạt / không đạt từng tiêu chí (phương án {tag})",
                    f"Sites: pass / fail per criterion (plan {tag})"))
    st.dataframe(plan.sites, hide_index=True, width="stretch")
    st.download_button(tr("Tải CSV địa điểm", "Download sites CSV"),
                       table_csv_bytes(plan.sites), file_name="relocation_sites.csv",
                       mime="text/csv", key="reloc_download_sites")


# --- cached reads and runs -------------------------------------------------------------------


def _inputs(key: tuple) -> tuple:
    """Enterprises, sites, border, hazard zones and road lines of the project."""
    stamp, ent_layer, site_layer, borders, hazards, infra = key
    ents = relocation.index_by(read_layer(stamp, ent_layer))
    sites = relocation.index_by(read_layer(stamp, site_layer))
    return (ents, sites, _concat(stamp, borders), _concat(stamp, hazards),
            _road_lines(stamp, infra))


def _concat(stamp: tuple[str, int], layers: tuple[str, ...]) -> gpd.GeoDataFrame | None:
    frames = [read_layer(stamp, name) for name in layers]
    if not frames:
        return None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def _road_lines(stamp: tuple[str, int], layers: tuple[str, ...]) -> gpd.GeoDataFrame:
    from geo import network

    return network.network_lines({name: read_layer(stamp, name) for name in layers})


@st.cache_data(max_entries=32, show_spinner=False)
def _plan(key: tuple, options: tuple[float, float, str], cut: tuple[str, ...]
          ) -> relocation.RelocationPlan:
    ents, sites, border, hazards, _ = _inputs(key)
    depth, max_min, by = options
    return relocation.relocate(ents, sites, border, road_graph(key[0], key[5]), hazards, cut=cut,
                               min_depth_km=depth, max_travel_min=max_min, capacity_by=by)


@st.cache_data(max_entries=8, show_spinner=False)
def _segments(key: tuple, options: tuple[float, float, str]) -> gpd.GeoDataFrame:
    _, _, _, _, roads = _inputs(key)
    names = roads["name"] if "name" in roads.columns else None
    return relocation.segments_table(road_graph(key[0], key[5]), _plan(key, options, ()),
                                     names=names)


page()
