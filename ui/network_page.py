"""Road network page: fastest routes, service areas of bases, chokepoints (planning.network)."""

from __future__ import annotations

from functools import partial

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import settings
from layers.kinds import Style
from layers.tables import table_csv_bytes
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map
from planning import network
from planning.project import Project
from planning.results import Result
from ui.i18n import lang, t, tr
from ui.map_cache import map_frame
from ui.state import EXPECTED_ERRORS, cached, error_text, project, sidebar
from ui.tables import show_table

ROUTE_STYLE = Style("#d7191c", None, 5.0, 0.0)
ROAD_STYLE = Style("#6e6e6e", None, 2.0, 0.0)
CUT_STYLE = Style("#b2182b", None, 6.0, 0.0)
SLOW_STYLE = Style("#f46d43", None, 5.0, 0.0)
BAND_STYLES = (Style("#1a7837", "#5aae61", 1.0, 0.55), Style("#7fbc41", "#a6dba0", 1.0, 0.5),
               Style("#b8a100", "#ffe94d", 1.0, 0.45))
OUT_STYLE = Style("#999999", "#e0e0e0", 0.8, 0.3)
END_STYLE = Style("#08306b", "#2171b5", 2.0, 0.9, None, 8.0)
TARGET_STYLE = Style("#3f007d", "#ffffff", 1.5, 0.9, None, 4.0)
BASE_KINDS = ("combat_base", "rear_base", "logistics_base")


def page() -> None:
    """Draw the Road network page."""
    sidebar()
    st.title(t("page_network"))
    proj = project()
    if proj is None:
        return
    if not proj.names(["infrastructure"]):
        st.info(tr("Dự án chưa có lớp hạ tầng giao thông (loại 'Hạ tầng'). Nhập lớp đường ở "
                   "trang Lớp dữ liệu.", "The project has no road layer (kind "
                   "'Infrastructure'). Import one on the Layers page."))
        return
    speeds, offroad = _speed_editor()
    load_t = _load_input()
    try:
        roads = network.summary(proj, speeds=speeds)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    values = roads.values
    st.caption(tr(f"{values['n_segments']} đoạn đường, {values['length_km']:,.0f} km, "
                  f"{values['n_parts']} mạng con rời nhau; ngoài đường đi {offroad:g} km/h "
                  "theo đường thẳng từ điểm đại diện của đối tượng tới đường gần nhất.",
                  f"{values['n_segments']} road segments, {values['length_km']:,.0f} km, "
                  f"{values['n_parts']} separate parts; off road {offroad:g} km/h in a "
                  "straight line from a feature's representative point to the nearest road."))
    modes = {"route": tr("Tuyến nhanh nhất", "Fastest route"),
             "area": tr("Vùng tiếp cận", "Service area"),
             "choke": tr("Điểm nghẽn", "Chokepoints")}
    mode = st.radio(tr("Phân tích", "Analysis"), list(modes), format_func=modes.get,
                    horizontal=True, key="net_mode")
    draw = {"route": _route, "area": _service_area, "choke": _chokepoints}[mode]
    try:
        draw(proj, speeds, offroad, _roads_layer(roads.main), load_t)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))


# --- the three analyses ------------------------------------------------------------------


def _route(proj: Project, speeds: dict[str, float], offroad: float, roads: MapLayer,
           load_t: float | None) -> None:
    ends = network.trip_ends(proj)
    if len(ends) < 2:
        st.info(tr("Cần ít nhất hai đối tượng điểm hoặc vùng.",
                   "Needs at least two point or polygon features."))
        return
    ids = ends.index.tolist()
    label = _labeller(ends)
    left, right = st.columns(2)
    start = left.selectbox(tr("Từ", "From"), ids, format_func=label, key="net_from",
                           index=_first(ends, BASE_KINDS))
    end = right.selectbox(tr("Đến", "To"), ids, format_func=label, key="net_to",
                          index=_first(ends, ("relocation_site",), avoid=start))
    result = cached(proj, network.route, start, end, speeds=speeds, offroad_kmh=offroad,
                    load_t=load_t)
    _warnings(result)
    values = result.values
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("Thời gian (phút)", "Time (min)"), f"{values['time_min']:,.1f}")
    c2.metric(tr("Quãng đường (km)", "Distance (km)"), f"{values['length_m'] / 1000:,.1f}")
    c3.metric(tr("Ngoài đường (m)", "Off road (m)"), f"{values['connector_m']:,.0f}")
    line = result.main.assign(name=f"{label(start)} → {label(end)}")[
        ["name", "travel_min", "geometry"]]
    points = result.extra["ends"]
    places = gpd.GeoDataFrame({"name": [label(i) for i in points.index]},
                              geometry=points.geometry.to_numpy(), crs=points.crs)
    _show_map([roads,
               MapLayer(tr("Tuyến đường", "Route"), "infrastructure", line, style=ROUTE_STYLE,
                        legend=tr("Tuyến nhanh nhất", "Fastest route")),
               MapLayer(tr("Điểm đầu, điểm cuối", "Start, end"), "place", places,
                        style=END_STYLE, legend=tr("Điểm đầu, điểm cuối", "Start, end"))],
              "net_route_map", focus=line)
    show_table(result.main, key="net_route_table")
    segments = result.tables["segments"]
    show_table(segments, key="net_route_segments")
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, segments),
                       file_name="route.csv", mime="text/csv", key="net_route_csv")


def _service_area(proj: Project, speeds: dict[str, float], offroad: float,
                  roads: MapLayer, load_t: float | None) -> None:
    kinds = {r.name: r.kind for r in proj.records()}
    routed = set(network.trip_ends(proj)["layer"])
    sources = [n for n, k in kinds.items() if k in BASE_KINDS and n in routed] or \
        [n for n, k in kinds.items() if k != "admin_unit" and n in routed]
    if not sources or "admin_unit" not in kinds.values():
        st.info(tr("Cần một lớp căn cứ và một lớp đơn vị hành chính (xã).",
                   "Needs a layer of bases and a layer of admin units (communes)."))
        return
    left, right = st.columns(2)
    base_layer = left.selectbox(tr("Lớp căn cứ (điểm xuất phát)", "Bases layer (sources)"),
                                sources, key="net_area_bases")
    minutes = right.slider(tr("Trong vòng (phút)", "Within (minutes)"), 5, 240, 60, step=5,
                           key="net_area_minutes")
    result = cached(proj, network.reach, float(minutes), source_layer=base_layer, speeds=speeds,
                    offroad_kmh=offroad, load_t=load_t)
    _warnings(result)
    area = result.main
    st.metric(tr("Xã tiếp cận được", "Communes reached"),
              f"{result.values['n_reached']}/{result.values['n_communes']}")
    layers = [roads]
    bands = [0, minutes / 3, 2 * minutes / 3, minutes]
    for (lo, hi), style in zip(zip(bands[:-1], bands[1:], strict=True), BAND_STYLES,
                               strict=True):
        part = area[area["reachable"] & (area["travel_min"] > lo if lo else True)
                    & (area["travel_min"] <= hi)]
        name = tr(f"{lo:.0f}–{hi:.0f} phút", f"{lo:.0f}–{hi:.0f} min")
        layers.append(MapLayer(name, "admin_unit", part[["name", "travel_min", "geometry"]],
                               style=style, legend=name))
    name = tr(f"Quá {minutes} phút / không tới được", f"Over {minutes} min / not reached")
    layers.append(MapLayer(name, "admin_unit", area[~area["reachable"]][["name", "geometry"]],
                           style=OUT_STYLE, legend=name))
    layers.append(MapLayer(base_layer, kinds[base_layer],
                           result.extra["sources"][["name", "geometry"]]))
    _show_map(layers, "net_area_map")
    table = area.sort_values("travel_min", kind="stable")  # fastest first, unreached last
    show_table(table, key="net_area_table")
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, table),
                       file_name=f"service_area_{minutes}min.csv", mime="text/csv",
                       key="net_area_csv")


def _chokepoints(proj: Project, speeds: dict[str, float], offroad: float,
                 roads: MapLayer, load_t: float | None) -> None:
    ends = network.trip_ends(proj)
    candidates = list(dict.fromkeys(ends.loc[ends["kind"] != "admin_unit", "layer"]))
    default = [n for n in network.target_layers(proj) if n in candidates]
    layers = st.multiselect(tr("Lớp cần bảo đảm đường tới (căn cứ, địa điểm)",
                               "Layers whose access matters (bases, sites)"),
                            candidates, default=default, key="net_choke_targets",
                            placeholder=t("choose"))
    if not layers:
        st.info(tr("Chọn ít nhất một lớp.", "Pick at least one layer."))
        return
    c1, c2, c3 = st.columns([3, 1, 1])
    hubs = c1.multiselect(tr("Đầu mối phải tới được (gần nhất tính)",
                             "Hubs to reach (the nearest counts)"), ends.index.tolist(),
                          default=network.default_hubs(proj, layers),
                          format_func=_labeller(ends), key="net_choke_hubs",
                          placeholder=t("choose"))
    pct = c2.number_input(tr("Chậm hơn (%)", "Slower by (%)"), min_value=0.0,
                          value=float(settings.chokepoint_increase_pct), step=5.0,
                          key="net_choke_pct")
    what = c3.radio(tr("Xét", "Check"), ["segments", "nodes"], key="net_choke_what",
                    format_func={"segments": tr("đoạn đường", "segments"),
                                 "nodes": tr("nút giao", "junctions")}.get)
    if not hubs:
        st.info(tr("Chọn ít nhất một đầu mối.", "Pick at least one hub."))
        return
    result = cached(proj, network.chokepoints, increase_pct=pct, hubs=hubs, targets=layers,
                    nodes=what == "nodes", speeds=speeds, offroad_kmh=offroad, load_t=load_t)
    _warnings(result)
    n_targets, n_hubs = result.values["n_targets"], result.values["n_hubs"]
    found = result.main
    st.caption(tr(f"{len(found)} điểm nghẽn cho {n_targets} đối tượng, tới đầu mối gần "
                  f"nhất trong {n_hubs}. Cắt: không còn đường tới đầu mối nào; chậm: thời "
                  f"gian tăng quá {pct:g} %.",
                  f"{len(found)} chokepoints for {n_targets} targets, to the nearest of "
                  f"{n_hubs} hubs. Cut: no way to any hub; slowed: time up by more than "
                  f"{pct:g} %."))
    _chokepoint_results(result, roads, what)


def _chokepoint_results(result: Result, roads: MapLayer, what: str) -> None:
    """Draw the chokepoints found on a map, list them and offer the CSV."""
    found = result.main
    cut, slow = found[found["n_cut"] > 0], found[found["n_cut"] == 0]
    kind = "infrastructure"
    drawn = [c for c in ("segment_id", "node", "road_name", "n_cut", "n_slowed", "geometry")
             if c in found.columns]
    targets, hubs = result.extra["targets"], result.extra["hubs"]
    _show_map([roads,
               MapLayer(tr("Làm chậm", "Slows"), kind, slow[drawn], style=SLOW_STYLE,
                        legend=tr("Mất đoạn/nút: chậm", "Loss slows targets")),
               MapLayer(tr("Cắt rời", "Cuts off"), kind, cut[drawn], style=CUT_STYLE,
                        legend=tr("Mất đoạn/nút: cắt rời", "Loss cuts targets off")),
               MapLayer(tr("Đối tượng", "Targets"), "place", targets[["name", "geometry"]],
                        style=TARGET_STYLE,
                        legend=tr("Căn cứ, địa điểm (đối tượng)", "Bases, sites (targets)")),
               MapLayer(tr("Đầu mối", "Hubs"), "place", hubs[["name", "geometry"]],
                        style=END_STYLE, legend=tr("Đầu mối", "Hubs"))],
              "net_choke_map", focus=found if len(found) else None)
    show_table(found, key="net_choke_table")
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, found),
                       file_name=f"chokepoints_{what}.csv", mime="text/csv",
                       key="net_choke_csv")


# --- widgets and small helpers ------------------------------------------------------------


def _speed_editor() -> tuple[dict[str, float], float]:
    """Road speeds and the off-road speed; only the speeds changed from the settings."""
    with st.expander(tr("Tốc độ (km/h)", "Speeds (km/h)")):
        table = pd.DataFrame({"class": list(settings.road_speed_kmh),
                              "speed_kmh": [float(v) for v in settings.road_speed_kmh.values()]})
        edited = st.data_editor(table, hide_index=True, disabled=["class"], key="net_speeds",
                                column_config={"speed_kmh": st.column_config.NumberColumn(
                                    min_value=1.0, max_value=150.0)})
        offroad = st.number_input(tr("Ngoài đường (km/h)", "Off road (km/h)"), min_value=1.0,
                                  max_value=60.0, value=float(settings.offroad_speed_kmh),
                                  key="net_offroad")
    speeds = {str(cls): float(kmh) for cls, kmh in zip(edited["class"], edited["speed_kmh"],
                                                       strict=True)}
    return ({c: v for c, v in speeds.items() if v != settings.road_speed_kmh.get(c)},
            float(offroad))


def _load_input() -> float | None:
    """Return the vehicle load (tonnes) the roads must carry; ``None`` (0): no check."""
    load = st.number_input(
        tr("Tải trọng xe (tấn; 0 = không xét tải trọng cầu)",
           "Vehicle load (tonnes; 0 = no bridge load check)"), min_value=0.0, max_value=200.0,
        value=0.0, step=5.0, key="net_load_t",
        help=tr("Bỏ các đoạn đường (cầu) có tải trọng thiết kế nhỏ hơn (ghi 30, 30T, H30, HK80, "
                "HL93); tải trọng không đọc được vẫn cho đi, có cảnh báo.",
                "Leaves out the road segments (bridges) whose load class is below it (written "
                "30, 30T, H30, HK80, HL93); a class that cannot be read is kept, with a "
                "warning."))
    return float(load) if load > 0 else None


def _labeller(feats: gpd.GeoDataFrame):  # noqa: ANN202 - a format_func
    names = feats["name"].astype(str)
    layers = feats["layer"].astype(str)

    def label(fid: str) -> str:
        return f"{names.get(fid) or fid} — {layers.get(fid, '')}"

    return label


def _first(feats: gpd.GeoDataFrame, wanted: tuple[str, ...], avoid: str | None = None) -> int:
    """Position of the first feature of one of the ``wanted`` kinds (0 when none)."""
    for pos, (fid, kind) in enumerate(zip(feats.index, feats["kind"], strict=True)):
        if kind in wanted and fid != avoid:
            return pos
    return 1 if avoid == feats.index[0] else 0


def _roads_layer(segments: gpd.GeoDataFrame) -> MapLayer:
    return MapLayer(tr("Mạng đường", "Road network"), "infrastructure",
                    segments[["segment_id", "class", "geometry"]], style=ROAD_STYLE,
                    legend=tr("Đường", "Road"))


def _warnings(result: Result) -> None:
    for message in result.warnings:
        st.warning(message.text(lang()))


def _show_map(layers: list[MapLayer], key: str, focus: object = None) -> None:
    map_frame(lambda: build_map(layers, basemap=basemap_layers(), lang=lang(), focus=focus),
              layers, focus, lang(), key=key)


page()
