"""Posture page (Thế trận): completeness, depth, mutual support, nearest bases, hazards."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import settings
from geo.completeness import LEVELS
from layers.kinds import KINDS, Style
from layers.tables import table_csv_bytes
from maps.kept import kept
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map
from planning import inputs, posture
from planning import roadmap as planning_roadmap
from planning.project import Project
from planning.results import Result
from ui.brief_buttons import posture_brief
from ui.i18n import lang, t, tr
from ui.map_cache import map_frame
from ui.state import EXPECTED_ERRORS, cached, error_text, project, sidebar
from ui.tables import show_table, value_text

# Tabs of the page (vi, en), in order.
TAB_TEXTS: dict[str, tuple[str, str]] = {
    "completeness": ("Thành phần", "Completeness"), "depth": ("Chiều sâu", "Depth"),
    "support": ("Hỗ trợ lẫn nhau", "Mutual support"), "nearest": ("Căn cứ gần nhất", "Nearest"),
    "hazards": ("Thiên tai", "Hazards"),
}

LEVEL_TEXTS: dict[str, tuple[str, str]] = {
    "province": ("Tỉnh", "Province"), "district": ("Huyện", "District"),
    "commune": ("Xã", "Commune"), "village": ("Thôn, bản, làng", "Village"),
}
# Classes of the completeness choropleth: key, legend (vi, en), style.
COMPLETENESS_CLASSES: tuple[tuple[str, tuple[str, str], Style], ...] = (
    ("full", ("Đủ thành phần (100 %)", "Complete (100 %)"),
     Style("#1a7837", "#a6dba0", 1.2, 0.6)),
    ("half", ("Thiếu một phần (≥ 50 %)", "Partly missing (≥ 50 %)"),
     Style("#b8a100", "#ffe94d", 1.2, 0.6)),
    ("low", ("Thiếu nhiều (< 50 %)", "Mostly missing (< 50 %)"),
     Style("#b2182b", "#f4a582", 1.2, 0.6)),
    ("none", ("Không có yêu cầu", "Nothing required"), Style("#6b6b6b", "#f2efe9", 1.0, 0.15)),
)

# Fill of the depth bands, nearest to the border first (the last repeats if needed).
BAND_COLORS: tuple[str, ...] = ("#b30000", "#e34a33", "#fc8d59", "#fdbb84", "#fdd49e",
                                "#fef0d9")

# Colours of the mutual-support groups (cycled).
COMPONENT_COLORS: tuple[str, ...] = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e",
                                     "#e6ab02", "#a6761d", "#1f78b4")

# Classes of the nearest-base map: upper limits, by road (minutes) and straight (km).
NEAREST_MIN: tuple[float, ...] = (15.0, 30.0, 60.0)
NEAREST_KM: tuple[float, ...] = (5.0, 10.0, 20.0)

LINK_STYLE = Style("#1a7837", None, 2.0, 0.0)
BRIDGE_STYLE = Style("#d7191c", None, 3.5, 0.0, "8 5")
ISOLATED_STYLE = Style("#000000", "#bdbdbd", 2.0, 0.9, None, 7.0)
EXPOSED_STYLE = Style("#d7191c", "#fb6a4a", 2.5, 0.7, None, 7.0)
ROAD_HAZARD_STYLE = Style("#d7191c", None, 4.0, 0.0)
ZONE_STYLE = Style("#3f007d", "#9e9ac8", 1.5, 0.55, "2 4")


def page() -> None:
    """Draw the Posture page."""
    sidebar()
    st.title(t("page_posture"))
    proj = project()
    if proj is None:
        return
    if not len(inputs.admin_units(proj)):
        st.info(tr("Dự án chưa có lớp đơn vị hành chính (có cột cấp). Nhập một lớp loại 'Đơn "
                   "vị hành chính' ở trang Lớp dữ liệu.", "The project has no admin-unit layer "
                   "(with a level). Import one of kind 'Administrative unit' on the Layers "
                   "page."))
        _warnings(proj.take_notes())
        return
    _brief(proj)
    st.toggle(tr("Chỉ tính công trình đã xây xong (100 %)", "Built works only (100 %)"),
              key="posture_built_only",
              help=tr("Bỏ qua công trình quy hoạch và đang xây dựng (trạng thái, % hoàn "
                      "thành). Công trình không có cả hai được coi là đã xây xong.",
                      "Leave out planned works and works being built (status, % complete). "
                      "A work with neither counts as built."))
    # lazy tabs: only the open one runs (each draws a map)
    tabs = st.tabs([tr(*TAB_TEXTS[name]) for name in TAB_TEXTS], key=f"posture_tab_{lang()}",
                   on_change="rerun")
    for tab, draw in zip(tabs, (_completeness_tab, _depth_tab, _support_tab, _nearest_tab,
                                _hazards_tab), strict=True):
        if tab.open is False:
            continue
        with tab:
            try:
                draw(proj)
            except EXPECTED_ERRORS as err:
                st.error(error_text(err))


def _brief(proj: Project) -> None:
    """Draw the posture brief, with the bands and support limit the tabs show now."""
    state = st.session_state
    by_road = bool(state.get("posture_support_mode", False))
    posture_brief(proj, bands=state.get("posture_bands"), built_only=_built_only(),
                  within_min=state.get("posture_within_min") if by_road else None,
                  within_km=None if by_road else state.get("posture_within_km"))


# --- tabs ------------------------------------------------------------------------------------


def _completeness_tab(proj: Project) -> None:
    units = inputs.admin_units(proj)
    present = [lv for lv in LEVELS if (units["level"] == lv).any()]
    with st.expander(tr("Thành phần bắt buộc theo cấp", "Required components per level")):
        reqs = _requirements(present)
        share = _share_min(reqs)
    result = _analysis(proj, posture.completeness, requirements=reqs, share_min=share)
    _warnings(result.warnings)
    shown = result.main
    _level_view(shown, present, reqs, result.extra["assets"])
    show_table(shown, key="posture_completeness_table")
    _download(shown, "posture_completeness.csv", "posture_completeness_csv")


@st.fragment
def _level_view(shown: pd.DataFrame, present: list[str], reqs: dict[str, list[str]],
                assets: gpd.GeoDataFrame) -> None:
    """Draw the level shown on the map, its counts and its map.

    A fragment: choosing another level reruns this part only, not the page.
    """
    default = next((lv for lv in present[1:] if reqs.get(lv)), present[0])
    level = st.radio(tr("Cấp hiển thị trên bản đồ", "Level on the map"), present,
                     index=present.index(default), horizontal=True, key="posture_level",
                     format_func=_level_text)
    part = shown[shown["level"] == level]
    with_reqs = part[part["n_required"] > 0]
    if not reqs.get(level):
        st.info(tr(f"Cấp {_level_text(level).lower()} chưa có thành phần bắt buộc nào (cài đặt "
                   "của dự án), nên không đơn vị nào được đánh giá đủ hay thiếu. Chọn các "
                   "thành phần bắt buộc ở mục 'Thành phần bắt buộc theo cấp' phía trên.",
                   f"The {_level_text(level).lower()} level requires no component (a project "
                   "setting), so no unit is rated complete or missing. Choose the required "
                   "components under 'Required components per level' above."))
    c1, c2 = st.columns(2)
    c1.metric(tr("Đơn vị đủ thành phần", "Complete units"),
              f"{int(with_reqs['complete'].sum())}/{len(with_reqs)}")
    kind, count = _most_missing(with_reqs)
    c2.metric(f"{tr('Thiếu nhiều nhất', 'Most often missing')}: {kind or '–'}",
              tr(f"{count} đơn vị", f"{count} units"))
    layers, focus = kept(shown, ("level_map", level, lang()),  # the same frames each rerun
                         lambda: _level_map(part, with_reqs, assets))
    _map(layers, "posture_completeness_map", focus=focus)


def _level_map(part: gpd.GeoDataFrame, with_reqs: gpd.GeoDataFrame, assets: gpd.GeoDataFrame
               ) -> tuple[list[MapLayer], gpd.GeoDataFrame]:
    """Return the layers of a level's map and what it opens on (the units lacking parts)."""
    incomplete = with_reqs[~with_reqs["complete"].astype(bool)]
    return _choropleth(part) + _kind_layers(assets), incomplete if len(incomplete) else part


def _depth_tab(proj: Project) -> None:
    if not len(inputs.border(proj)):
        st.info(tr("Dự án chưa có lớp đường biên giới (loại 'Đường biên giới').",
                   "The project has no border layer (kind 'Border line')."))
        return
    text = st.text_input(tr("Giới hạn các dải chiều sâu (km, tăng dần)",
                            "Depth band limits (km, increasing)"),
                         value=", ".join(f"{b:g}" for b in settings.depth_bands_km),
                         key="posture_bands")
    result = _analysis(proj, posture.depth, bands=text)
    _warnings(result.warnings)
    table, polygons = result.main, result.tables["band_polygons"]
    layers = [MapLayer(f"{tr('Dải', 'Band')} {row.band} km", "border",
                       gpd.GeoDataFrame({"band": [row.band], "area_km2": [row.area_km2]},
                                        geometry=[row.geometry], crs=polygons.crs),
                       style=Style(color, color, 0.5, 0.35),
                       legend=f"{tr('Dải', 'Band')} {row.band} km")
              for row, color in zip(polygons.itertuples(), _band_colors(len(polygons)),
                                    strict=True)]
    layers.append(MapLayer(tr("Đường biên giới", "Border line"), "border",
                           result.extra["border"]))
    outside = table["outside_province"].fillna(False).astype(bool).to_numpy()
    layers += _kind_layers(table[~outside])
    if outside.any():
        label = tr("Ngoài địa bàn tỉnh", "Outside the province")
        layers.append(MapLayer(label, "combat_base", table[outside], style=EXPOSED_STYLE,
                               legend=label))
    _map(layers, "posture_depth_map", focus=table)  # the assets of the table
    st.subheader(tr("Số lượng theo loại và dải chiều sâu (km)",
                    "Count per kind and depth band (km)"))
    crosstab = result.tables["crosstab"]
    st.dataframe(crosstab.rename(index=lambda k: value_text(k)), width="stretch")
    show_table(table, key="posture_depth_table")
    _download(table, "posture_depth.csv", "posture_depth_csv")


def _support_tab(proj: Project) -> None:
    c1, c2 = st.columns(2)
    by_road = c1.radio(tr("Liên kết khi", "Link when"), [False, True], horizontal=True,
                       key="posture_support_mode",
                       format_func=lambda r: tr("gần theo đường thẳng", "close in a straight "
                                                "line") if not r else tr("gần theo đường bộ",
                                                                         "close by road"))
    if by_road:
        limit = c2.number_input(tr("Thời gian tối đa (phút)", "Maximum time (minutes)"),
                                min_value=0.0, value=float(settings.support_within_min),
                                step=5.0, key="posture_within_min")
        result = _analysis(proj, posture.support, within_min=limit)
    else:
        limit = c2.number_input(tr("Khoảng cách tối đa (km)", "Maximum distance (km)"),
                                min_value=0.0, value=float(settings.support_within_km),
                                step=1.0, key="posture_within_km")
        result = _analysis(proj, posture.support, within_km=limit)
    _warnings(result.warnings)
    table, weakest = result.main, result.tables["weakest_links"]
    m1, m2, m3 = st.columns(3)
    m1.metric(tr("Nhóm hỗ trợ", "Groups"), table["component"].nunique())
    m2.metric(tr("Vị trí cô lập", "Isolated positions"), int(table["isolated"].sum()))
    m3.metric(tr("Liên kết yếu (cầu nối)", "Weak links (bridges)"), len(weakest))
    _map(_support_layers(table, result.tables["links"]), "posture_support_map", focus=table)
    st.subheader(tr("Liên kết yếu nhất", "Weakest links"))
    show_table(weakest, key="posture_weakest_table")
    show_table(table, key="posture_support_table")
    _download(table, "posture_support.csv", "posture_support_csv")


def _nearest_tab(proj: Project) -> None:
    if not len(inputs.assets(proj, ["combat_base"])):
        st.info(tr("Chưa có căn cứ chiến đấu nào.", "No combat base yet."))
        return
    has_roads = bool(proj.names(["infrastructure"]))
    road = st.checkbox(tr("Tính cả theo đường bộ", "Also by road"), value=has_roads,
                       key="posture_nearest_road")
    result = _analysis(proj, posture.nearest, by_road=road)
    _warnings(result.warnings)
    table = result.main
    _map(_nearest_layers(table, by_road=road) + _kind_layers(result.extra["bases"]),
         "posture_nearest_map", focus=table)
    show_table(table, key="posture_nearest_table")
    _download(table, "posture_nearest.csv", "posture_nearest_csv")


def _hazards_tab(proj: Project) -> None:
    if not len(inputs.hazard_zones(proj)):
        st.info(tr("Dự án chưa có lớp vùng ngập lụt, sạt lở.",
                   "The project has no hazard-zone layer."))
        return
    result = _analysis(proj, posture.hazards)
    _warnings(result.warnings)
    pairs, parts = result.main, result.tables["road_parts"]
    features = result.extra["features"]
    st.metric(tr("Đối tượng trong vùng thiên tai", "Features in hazard zones"),
              pairs["feature"].nunique())
    layers = [MapLayer(tr("Vùng ngập lụt, sạt lở", "Hazard zones"), "hazard_zone",
                       result.extra["zones"], style=ZONE_STYLE)]
    hit = features.index.isin(pairs["feature"])
    layers += _kind_layers(features.loc[~hit], show=False)
    if hit.any():
        label = tr("Trong vùng thiên tai", "In a hazard zone")
        layers.append(MapLayer(label, "combat_base", features.loc[hit], style=EXPOSED_STYLE,
                               legend=label))
    if len(parts):
        label = tr("Đoạn đường trong vùng thiên tai", "Road sections in hazard zones")
        layers.append(MapLayer(label, "infrastructure",
                               parts[["name", "zones", "hazard_length_m", "geometry"]],
                               style=ROAD_HAZARD_STYLE, legend=label))
    exposed = pd.concat([features.loc[hit].geometry, parts.geometry]) if len(parts) \
        else features.loc[hit].geometry
    _map(layers, "posture_hazards_map",  # what lies in a zone, else the zones
         focus=exposed if len(exposed) else result.extra["zones"])
    show_table(pairs, key="posture_hazards_table")
    _download(pairs, "posture_hazards.csv", "posture_hazards_csv")
    if len(parts):
        st.subheader(tr("Đường đi qua vùng thiên tai", "Roads through hazard zones"))
        show_table(result.tables["roads"], key="posture_roads_table")


# --- helpers ---------------------------------------------------------------------------------


def _analysis(proj: Project, analysis: Callable[..., Result], **options: object) -> Result:
    """Return a posture analysis with the page's "built only" (kept across reruns).

    Kept by :func:`ui.state.cached`, also keyed on the roadmap history: a work's completion
    comes from the roadmap when it has one (:func:`planning.posture.works`).
    """
    return cached(proj, analysis, built_only=_built_only(),
                  depends_on=planning_roadmap.history(proj), **options)


def _built_only() -> bool:
    """Whether the page shows the built works only (the toggle above the tabs)."""
    return bool(st.session_state.get("posture_built_only", False))


# Requirements a unit meets by its own attribute (geo.settings.unit_status_kinds).
UNIT_STATUS_TEXTS: dict[str, tuple[str, str]] = {
    "combat_commune": ("Xã chiến đấu (năm công nhận của đơn vị)",
                       "Combat commune (the unit's year designated)"),
    "combat_village": ("Làng chiến đấu (năm công nhận của thôn, bản)",
                       "Combat village (the village's year designated)"),
    "combat_villages": ("Tỷ lệ làng chiến đấu trong đơn vị đạt mức tối thiểu",
                        "Share of combat villages in the unit reaches the minimum"),
}


def _requirement_text(key: str) -> str:
    if key in UNIT_STATUS_TEXTS:
        return tr(*UNIT_STATUS_TEXTS[key])
    return KINDS[key].label(lang())


def _requirements(levels: list[str]) -> dict[str, list[str]]:
    kinds = [k for k, v in KINDS.items() if v.group == "defense"]
    kinds += [k for k in (*settings.unit_status_kinds, *settings.unit_share_kinds)
              if k in UNIT_STATUS_TEXTS]
    reqs = {}
    for level in levels:
        default = [k for k in settings.posture_requirements.get(level) or [] if k in kinds]
        reqs[level] = st.multiselect(_level_text(level), kinds, default=default,
                                     format_func=_requirement_text,
                                     key=f"posture_req_{level}", placeholder=t("choose"))
    return reqs


def _share_min(reqs: dict[str, list[str]]) -> float | None:
    """Ask for the share of combat villages a unit needs, when some level requires it."""
    if not any("combat_villages" in kinds for kinds in reqs.values()):
        return None
    pct = st.number_input(tr("Tỷ lệ làng chiến đấu tối thiểu trong đơn vị (%)",
                             "Smallest share of combat villages in a unit (%)"),
                          min_value=0.0, max_value=100.0, step=5.0,
                          value=100.0 * settings.combat_village_share_min,
                          key="posture_village_share",
                          help=tr("Mặc định của phần mềm, không theo văn bản quy định nào.",
                                  "A default of this tool, not from a regulation."))
    return pct / 100.0


def _choropleth(part: gpd.GeoDataFrame) -> list[MapLayer]:
    pct = part["completeness_pct"]
    key = pd.Series("none", index=part.index)
    key[pct < 50] = "low"
    key[(pct >= 50) & (pct < 100)] = "half"
    key[pct >= 100] = "full"
    i = 0 if lang() == "vi" else 1
    gdf = part[["name", "code", "missing", "completeness_pct", "geometry"]]
    return [MapLayer(labels[i], "admin_unit", gdf[key == name], style=style, legend=labels[i])
            for name, labels, style in COMPLETENESS_CLASSES if (key == name).any()]


def _support_layers(table: gpd.GeoDataFrame, links: gpd.GeoDataFrame) -> list[MapLayer]:
    layers = []
    link_cols = ["a_name", "b_name", "distance_m", "time_min", "geometry"]
    for bridge, style, labels in ((False, LINK_STYLE, ("Liên kết hỗ trợ", "Support link")),
                                  (True, BRIDGE_STYLE, ("Liên kết yếu (cầu nối)",
                                                        "Weak link (bridge)"))):
        part = links[links["bridge"] == bridge]
        if len(part):
            label = tr(*labels)
            layers.append(MapLayer(label, "infrastructure", part[link_cols], style=style,
                                   legend=label))
    cols = ["name", "kind", "component", "degree", "geometry"]
    for number, group in table[~table["isolated"]].groupby("component"):
        color = COMPONENT_COLORS[(int(number) - 1) % len(COMPONENT_COLORS)]
        label = f"{tr('Nhóm', 'Group')} {number} ({len(group)})"
        layers.append(MapLayer(label, "combat_base", group[cols],
                               style=Style(color, color, 2.0, 0.6, None, 7.0), legend=label))
    alone = table[table["isolated"]]
    if len(alone):
        label = tr("Vị trí cô lập", "Isolated position")
        layers.append(MapLayer(label, "combat_base", alone[cols], style=ISOLATED_STYLE,
                               legend=label))
    return layers


def _nearest_layers(table: gpd.GeoDataFrame, *, by_road: bool) -> list[MapLayer]:
    """Communes coloured by the time (by road) or distance to their nearest base, in classes."""
    column, unit, limits = (("road_time_min", tr("phút", "min"), NEAREST_MIN) if by_road
                            else ("distance_m", "km", NEAREST_KM))
    values = table[column] / (1.0 if by_road else 1000.0)
    edges = [0.0, *limits, float("inf")]
    cols = ["commune", "name", "base_name", "distance_m", "road_base_name", "road_time_min",
            "geometry"]
    layers = []
    for (lo, hi), color in zip(zip(edges[:-1], edges[1:], strict=True),
                               _band_colors(len(edges) - 1)[::-1], strict=True):
        part = table[(values > lo if lo else values >= 0) & (values <= hi)]
        if not len(part):
            continue
        label = f"{lo:g}–{hi:g} {unit}" if hi != float("inf") else f"> {lo:g} {unit}"
        layers.append(MapLayer(label, "admin_unit", part[cols],
                               style=Style("#636363", color, 0.6, 0.6), legend=label))
    missing = table[values.isna()]
    if len(missing):
        label = tr("Không tới được bằng đường bộ", "Not reached by road")
        layers.append(MapLayer(label, "admin_unit", missing[cols],
                               style=Style("#636363", "#bdbdbd", 0.6, 0.6, "3 3"), legend=label))
    return layers


def _warnings(messages: list) -> None:
    for message in messages:
        st.warning(message.text(lang()))


def _kind_layers(assets: gpd.GeoDataFrame, *, show: bool = True) -> list[MapLayer]:
    return [MapLayer(KINDS[kind].label(lang()), kind, group[["name", "geometry"]], show=show)
            for kind, group in assets.groupby("kind", sort=False)]


def _map(layers: list[MapLayer], key: str, *, focus: gpd.GeoDataFrame | gpd.GeoSeries) -> None:
    """Draw a tab's map, opened on ``focus`` (what the tab's table is about)."""
    map_frame(lambda: build_map(layers, basemap=basemap_layers(), lang=lang(), focus=focus),
              layers, focus, lang(), key=key)


def _download(frame: pd.DataFrame, file_name: str, key: str) -> None:
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, frame),
                       file_name=file_name, mime="text/csv", key=key)


def _band_colors(n: int) -> list[str]:
    return [BAND_COLORS[min(i, len(BAND_COLORS) - 1)] for i in range(n)]


def _level_text(level: str) -> str:
    return tr(*LEVEL_TEXTS.get(level, (level, level)))


def _most_missing(part: pd.DataFrame) -> tuple[str, int]:
    """Return the kind most units lack (its label) and how many lack it."""
    kinds = [k for text in part["missing"] for k in text.split(", ") if k]
    if not kinds:
        return "", 0
    top = pd.Series(kinds).value_counts()
    key = str(top.index[0])
    known = key in KINDS or key in UNIT_STATUS_TEXTS
    return (_requirement_text(key) if known else key), int(top.iloc[0])


page()
