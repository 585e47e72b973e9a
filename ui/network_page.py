"""Road network page: fastest routes, service areas of bases, chokepoints."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from geo import chokepoints, network, settings
from layers.kinds import Style
from layers.tables import table_csv_bytes
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map
from ui.i18n import lang, t, tr
from ui.state import open_store, read_layer, road_graph, sidebar, store_stamp

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
_SKIP_KINDS = {"infrastructure", "river", "border"}


def page() -> None:
    """Draw the Road network page."""
    sidebar()
    st.title(t("page_network"))
    store = open_store()
    if store is None:
        return
    stamp = store_stamp(store)
    records = store.layers()
    infra = tuple(r.name for r in records if r.kind == "infrastructure")
    kinds = {r.name: r.kind for r in records}
    if not infra:
        st.info(tr("Dự án chưa có lớp hạ tầng giao thông (loại 'Hạ tầng'). Nhập lớp đường ở "
                   "trang Lớp dữ liệu.", "The project has no road layer (kind "
                   "'Infrastructure'). Import one on the Layers page."))
        return
    speeds, offroad = _speed_editor()
    try:
        graph = road_graph(stamp, infra, tuple(sorted(speeds.items())))
    except ValueError as err:
        st.error(str(err))
        return
    edges = network.edges_frame(graph)
    st.caption(tr(f"{len(edges)} đoạn đường, {edges['length_m'].sum() / 1000:,.0f} km, "
                  f"{nx.number_connected_components(graph)} mạng con rời nhau; ngoài đường đi "
                  f"{offroad:g} km/h theo đường thẳng tới đường gần nhất.",
                  f"{len(edges)} road segments, {edges['length_m'].sum() / 1000:,.0f} km, "
                  f"{nx.number_connected_components(graph)} separate parts; off road "
                  f"{offroad:g} km/h in a straight line to the nearest road."))
    modes = {"route": tr("Tuyến nhanh nhất", "Fastest route"),
             "area": tr("Vùng tiếp cận", "Service area"),
             "choke": tr("Điểm nghẽn", "Chokepoints")}
    mode = st.radio(tr("Phân tích", "Analysis"), list(modes), format_func=modes.get,
                    horizontal=True, key="net_mode")
    try:
        if mode == "route":
            _route(stamp, graph, kinds, offroad)
        elif mode == "area":
            _service_area(stamp, graph, kinds, offroad)
        else:
            _chokepoints(stamp, graph, kinds, offroad)
    except ValueError as err:
        st.error(str(err))


# --- the three analyses ------------------------------------------------------------------


def _route(stamp: tuple[str, int], graph: nx.MultiGraph, kinds: dict[str, str],
           offroad: float) -> None:
    feats = _features(stamp, tuple(n for n, k in kinds.items() if k not in _SKIP_KINDS))
    if len(feats) < 2:
        st.info(tr("Cần ít nhất hai đối tượng điểm hoặc vùng.",
                   "Needs at least two point or polygon features."))
        return
    ids = feats.index.tolist()
    label = _labeller(feats)
    left, right = st.columns(2)
    start = left.selectbox(tr("Từ", "From"), ids, format_func=label, key="net_from",
                           index=_first(feats, BASE_KINDS, kinds))
    end = right.selectbox(tr("Đến", "To"), ids, format_func=label, key="net_to",
                          index=_first(feats, ("relocation_site",), kinds, avoid=start))
    work = graph.copy()
    nodes = network.connect_points(work, feats.loc[list(dict.fromkeys([start, end]))],
                                   offroad_speed_kmh=offroad, prefix="feature")
    way = network.shortest_route(work, nodes[start], nodes[end])
    c1, c2, c3 = st.columns(3)
    c1.metric(tr("Thời gian (phút)", "Time (min)"), f"{way.time_min:,.1f}")
    c2.metric(tr("Quãng đường (km)", "Distance (km)"), f"{way.length_m / 1000:,.1f}")
    c3.metric(tr("Ngoài đường (m)", "Off road (m)"), f"{way.connector_m:,.0f}")
    table = _route_table(work, way, _road_names(stamp, graph))
    route = gpd.GeoDataFrame({"name": [f"{label(start)} → {label(end)}"],
                              "travel_min": [round(way.time_min, 1)]},
                             geometry=[way.geometry], crs=graph.graph["crs"])
    ends = gpd.GeoDataFrame({"name": [label(start), label(end)]},
                            geometry=feats.loc[[start, end]].geometry.to_numpy(),
                            crs=feats.crs)
    layers = [_roads_layer(graph),
              MapLayer(tr("Tuyến đường", "Route"), "infrastructure", route, style=ROUTE_STYLE,
                       legend=tr("Tuyến nhanh nhất", "Fastest route")),
              MapLayer(tr("Điểm đầu, điểm cuối", "Start, end"), "place", ends,
                       style=END_STYLE, legend=tr("Điểm đầu, điểm cuối", "Start, end"))]
    _show_map(layers, "net_route_map")
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(table),
                       file_name="route.csv", mime="text/csv", key="net_route_csv")


def _service_area(stamp: tuple[str, int], graph: nx.MultiGraph, kinds: dict[str, str],
                  offroad: float) -> None:
    sources = [n for n, k in kinds.items() if k in BASE_KINDS] or \
        [n for n, k in kinds.items() if k not in _SKIP_KINDS | {"admin_unit"}]
    admin = [n for n, k in kinds.items() if k == "admin_unit"]
    if not sources or not admin:
        st.info(tr("Cần một lớp căn cứ và một lớp đơn vị hành chính (xã).",
                   "Needs a layer of bases and a layer of admin units (communes)."))
        return
    left, mid, right = st.columns(3)
    base_layer = left.selectbox(tr("Lớp căn cứ (điểm xuất phát)", "Bases layer (sources)"),
                                sources, key="net_area_bases")
    commune_layer = mid.selectbox(
        tr("Lớp xã", "Communes layer"), admin, key="net_area_communes",
        index=max(range(len(admin)), key=lambda i: len(read_layer(stamp, admin[i]))))
    minutes = right.slider(tr("Trong vòng (phút)", "Within (minutes)"), 5, 240, 60, step=5,
                           key="net_area_minutes")
    bases = read_layer(stamp, base_layer)
    communes = read_layer(stamp, commune_layer)
    area = network.service_area(graph, bases, float(minutes), communes,
                                offroad_speed_kmh=offroad)
    n = int(area["reachable"].sum())
    st.metric(tr("Xã tiếp cận được", "Communes reached"), f"{n}/{len(area)}")
    layers = [_roads_layer(graph)]
    bands = [0, minutes / 3, 2 * minutes / 3, minutes]
    for (lo, hi), style in zip(zip(bands[:-1], bands[1:], strict=True), BAND_STYLES,
                               strict=True):
        part = area[area["reachable"] & (area["travel_min"] > lo if lo else True)
                    & (area["travel_min"] <= hi)]
        name = tr(f"{lo:.0f}–{hi:.0f} phút", f"{lo:.0f}–{hi:.0f} min")
        layers.append(MapLayer(name, "admin_unit", part, style=style, legend=name))
    out = area[~area["reachable"]]
    name = tr(f"Quá {minutes} phút / không tới được", f"Over {minutes} min / not reached")
    layers.append(MapLayer(name, "admin_unit", out, style=OUT_STYLE, legend=name))
    layers.append(MapLayer(base_layer, kinds[base_layer], bases))
    _show_map(layers, "net_area_map")
    table = pd.DataFrame(area.drop(columns="geometry")).round(
        {"travel_min": 1, "connector_m": 0}).sort_values("travel_min")
    table.insert(0, "commune", [f"{commune_layer}:{i}" for i in
                                communes.index.get_indexer(table.index)])
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(table),
                       file_name=f"service_area_{minutes}min.csv", mime="text/csv",
                       key="net_area_csv")


def _chokepoints(stamp: tuple[str, int], graph: nx.MultiGraph, kinds: dict[str, str],
                 offroad: float) -> None:
    candidates = [n for n, k in kinds.items() if k not in _SKIP_KINDS | {"admin_unit"}]
    default = [n for n in candidates if kinds[n] in settings.chokepoint_target_kinds]
    layers = st.multiselect(tr("Lớp cần bảo đảm đường tới (căn cứ, địa điểm)",
                               "Layers whose access matters (bases, sites)"),
                            candidates, default=default, key="net_choke_targets",
                            placeholder=t("choose"))
    pool = _features(stamp, tuple(layers), with_level=True) if layers else None
    if pool is None or not len(pool):
        st.info(tr("Chọn ít nhất một lớp.", "Pick at least one layer."))
        return
    everyone = _features(stamp, tuple(n for n, k in kinds.items() if k not in _SKIP_KINDS))
    level = pool[pool["level"].astype(str) == settings.chokepoint_hub_level].index.tolist()
    c1, c2, c3 = st.columns([3, 1, 1])
    hubs = c1.multiselect(tr("Đầu mối phải tới được (gần nhất tính)",
                             "Hubs to reach (the nearest counts)"), everyone.index.tolist(),
                          default=level, format_func=_labeller(everyone), key="net_choke_hubs",
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
    targets = pool.drop(index=hubs, errors="ignore")
    func = chokepoints.chokepoint_nodes if what == "nodes" else chokepoints.chokepoints
    found = func(graph, targets, everyone.loc[hubs], increase_pct=pct,
                 offroad_speed_kmh=offroad)
    if what == "segments":
        found.insert(3, "road_name", found["source"].map(_road_names(stamp, graph)).fillna(""))
    names = everyone["name"]
    found["target_names"] = found["targets"].map(
        lambda t: "; ".join(names.get(x, x) for x in t.split("; ")) if t else "")
    st.caption(tr(f"{len(found)} điểm nghẽn cho {len(targets)} đối tượng, tới đầu mối gần "
                  f"nhất trong {len(hubs)}. Cắt: không còn đường tới đầu mối nào; chậm: thời "
                  f"gian tăng quá {pct:g} %.",
                  f"{len(found)} chokepoints for {len(targets)} targets, to the nearest of "
                  f"{len(hubs)} hubs. Cut: no way to any hub; slowed: time up by more than "
                  f"{pct:g} %."))
    _chokepoint_results(graph, found, targets, everyone.loc[hubs], what)


def _chokepoint_results(graph: nx.MultiGraph, found: gpd.GeoDataFrame,
                        targets: gpd.GeoDataFrame, hubs: gpd.GeoDataFrame, what: str) -> None:
    """Draw the chokepoints found on a map, list them and offer the CSV."""
    cut, slow = found[found["n_cut"] > 0], found[found["n_cut"] == 0]
    kind = "infrastructure"
    layers_ = [_roads_layer(graph),
               MapLayer(tr("Làm chậm", "Slows"), kind, slow, style=SLOW_STYLE,
                        legend=tr("Mất đoạn/nút: chậm", "Loss slows targets")),
               MapLayer(tr("Cắt rời", "Cuts off"), kind, cut, style=CUT_STYLE,
                        legend=tr("Mất đoạn/nút: cắt rời", "Loss cuts targets off")),
               MapLayer(tr("Đối tượng", "Targets"), "place", targets, style=TARGET_STYLE,
                        legend=tr("Căn cứ, địa điểm (đối tượng)", "Bases, sites (targets)")),
               MapLayer(tr("Đầu mối", "Hubs"), "place", hubs, style=END_STYLE,
                        legend=tr("Đầu mối", "Hubs"))]
    _show_map(layers_, "net_choke_map")
    table = pd.DataFrame(found.drop(columns="geometry")).round({"length_m": 0,
                                                                "max_increase_pct": 1})
    st.dataframe(table, hide_index=True, width="stretch")
    st.download_button(tr("Tải CSV", "Download CSV"), table_csv_bytes(found.to_crs(4326)),
                       file_name=f"chokepoints_{what}.csv", mime="text/csv",
                       key="net_choke_csv")


# --- widgets and small helpers ------------------------------------------------------------


def _speed_editor() -> tuple[dict[str, float], float]:
    with st.expander(tr("Tốc độ (km/h)", "Speeds (km/h)")):
        table = pd.DataFrame({"class": list(settings.road_speed_kmh),
                              "speed_kmh": [float(v) for v in settings.road_speed_kmh.values()]})
        edited = st.data_editor(table, hide_index=True, disabled=["class"], key="net_speeds",
                                column_config={"speed_kmh": st.column_config.NumberColumn(
                                    min_value=1.0, max_value=150.0)})
        offroad = st.number_input(tr("Ngoài đường (km/h)", "Off road (km/h)"), min_value=1.0,
                                  max_value=60.0, value=float(settings.offroad_speed_kmh),
                                  key="net_offroad")
    return ({row.cls: float(row.speed_kmh) for row in
             edited.rename(columns={"class": "cls"}).itertuples()}, float(offroad))


def _labeller(feats: gpd.GeoDataFrame):  # noqa: ANN202 - a format_func
    names = feats["name"].astype(str)
    layers = feats["layer"].astype(str)

    def label(fid: str) -> str:
        return f"{names.get(fid) or fid} — {layers.get(fid, '')}"

    return label


def _first(feats: gpd.GeoDataFrame, wanted: tuple[str, ...], kinds: dict[str, str],
           avoid: str | None = None) -> int:
    """Position of the first feature of one of the ``wanted`` kinds (0 when none)."""
    for pos, (fid, layer) in enumerate(zip(feats.index, feats["layer"], strict=True)):
        if kinds.get(layer) in wanted and fid != avoid:
            return pos
    return 1 if avoid == feats.index[0] else 0


def _route_table(graph: nx.MultiGraph, way: network.Route, names: dict) -> pd.DataFrame:
    edges = network.edges_frame(graph).groupby("segment_id", sort=False).agg(
        {"class": "first", "source": "first", "speed_kmh": "first"})
    rows = []
    nodes = way.nodes
    for a, b in zip(nodes[:-1], nodes[1:], strict=True):
        d = min(graph[a][b].values(), key=lambda e: e["time_min"])
        rows.append({"segment_id": d["segment_id"], "length_m": d["length_m"],
                     "time_min": d["time_min"]})
    table = pd.DataFrame(rows).groupby("segment_id", sort=False).sum().reset_index()
    table = table.join(edges, on="segment_id")
    table.insert(1, "road_name", table["source"].map(names).fillna(""))
    return table[["segment_id", "road_name", "class", "speed_kmh", "length_m",
                  "time_min"]].round({"length_m": 0, "time_min": 2})


def _roads_layer(graph: nx.MultiGraph) -> MapLayer:
    edges = network.edges_frame(graph)
    roads = edges[edges["class"] != network.CONNECTOR][["segment_id", "class", "geometry"]]
    return MapLayer(tr("Mạng đường", "Road network"), "infrastructure", roads,
                    style=ROAD_STYLE, legend=tr("Đường", "Road"))


def _show_map(layers: list[MapLayer], key: str) -> None:
    m = build_map(layers, basemap=basemap_layers(), lang=lang())
    st_folium(m, height=520, use_container_width=True, returned_objects=[], key=key)


# --- cached reads ------------------------------------------------------------------------


def _road_names(stamp: tuple[str, int], graph: nx.MultiGraph) -> dict[str, str]:
    layers = tuple(dict.fromkeys(str(s).rsplit(":", 1)[0]
                                 for *_, s in graph.edges(data="source")))
    names: dict[str, str] = {}
    for layer in layers:
        gdf = read_layer(stamp, layer)
        if "name" in gdf.columns:
            names.update({f"{layer}:{i}": str(v) for i, v in enumerate(gdf["name"])})
    return names


@st.cache_data(max_entries=16, show_spinner=False)
def _features(stamp: tuple[str, int], layers: tuple[str, ...],
              with_level: bool = False) -> gpd.GeoDataFrame:
    """Return a point per point or polygon feature of the layers (``"<layer>:<row>"``)."""
    frames = {name: read_layer(stamp, name) for name in layers}
    return network.feature_points(frames, columns=("level",) if with_level else ())


page()
