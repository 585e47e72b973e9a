"""Evacuation page (Sơ tán dân): communes in hazard zones to shelters by road."""

from __future__ import annotations

from functools import partial

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import evacuation as geo_evacuation
from geo import settings
from geo.hazards import HAZARD_TYPES, hazard_type
from layers.kinds import Style
from layers.tables import table_csv_bytes
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map
from planning import evacuation, inputs
from planning.brief_tables import format_number
from planning.project import Project
from planning.results import Result
from ui.brief_buttons import evacuation_brief
from ui.i18n import lang, tr
from ui.map_cache import map_frame
from ui.state import cached, project, shown_result, sidebar
from ui.tables import header, show_table, value_text

# Why people of a commune are left without a shelter (keys of geo.evacuation.REASONS).
# Comments, not docstrings: Streamlit's magic would draw a bare string on the page.
REASON_TEXTS: dict[str, tuple[str, str]] = {
    "no_shelter": ("mọi nơi sơ tán đều nằm trong vùng thiên tai",
                   "every shelter lies in a hazard zone"),
    "not_connected": ("không tới được nơi sơ tán an toàn nào bằng đường bộ",
                      "no safe shelter reachable by road"),
    "max_time": ("không có nơi sơ tán an toàn trong thời gian tối đa",
                 "no safe shelter within the maximum travel time"),
    "capacity": ("các nơi sơ tán an toàn trong thời gian tối đa đã hết chỗ",
                 "every safe shelter within the maximum time is full"),
}
RULE_TEXTS: dict[str, tuple[str, str]] = {
    "area_share": ("theo tỷ lệ diện tích xã trong vùng", "by the share of area in the zones"),
    "whole": ("toàn bộ dân số xã", "the whole population"),
}
AT_RISK_STYLE = Style("#b2182b", "#f4a582", 1.5, 0.55)
ROUTE_STYLE = Style("#1f4e9c", None, 3.0, 0.0)
UNUSED_STYLE = Style("#6b6b6b", "#d9d9d9", 1.5, 0.8, None, 6.0)


def page() -> None:
    """Draw the Evacuation page."""
    sidebar()
    st.title(tr("Sơ tán dân khỏi vùng thiên tai", "Evacuation from hazard zones"))
    st.caption(tr("Phòng thủ dân sự: dân các xã trong vùng ngập lụt, sạt lở, cháy rừng được "
                  "bố trí tới nơi sơ tán bằng đường bộ, trong sức chứa và thời gian tối đa.",
                  "Civil defense: the people of communes in flood, landslide and forest-fire "
                  "zones are sent to shelters by road, within capacity and a time limit."))
    proj = project()
    if proj is None:
        return
    layers = proj.names(["shelter"])
    if not layers:
        st.info(tr("Cần một lớp 'Nơi sơ tán, trú ẩn' có sức chứa (số người). Nhập lớp ở trang "
                   "Lớp dữ liệu.", "Needs a layer of 'Shelter' with a capacity (people). "
                   "Import it on the Layers page."))
        return
    layer = st.selectbox(tr("Lớp nơi sơ tán", "Shelters layer"), layers, key="evac_shelters")
    options = {"shelters": layer, **_criteria(proj)}
    result = shown_result(lambda: cached(proj, evacuation.evacuate, **options))
    if result is None:
        return
    _summary(result)
    _map(result)
    _tables(result)
    evacuation_brief(proj, options)


def _criteria(proj: Project) -> dict:
    with st.expander(tr("Tiêu chí", "Criteria"), expanded=True):
        c1, c2 = st.columns(2)
        present = [hazard_type(v) for v in inputs.hazard_zones(proj)["hazard"]]
        choices = list(dict.fromkeys([*HAZARD_TYPES, *(v for v in present if v)]))
        types = c1.multiselect(tr("Loại thiên tai cần sơ tán", "Hazards to evacuate from"),
                               choices, default=[c for c in choices if c in present],
                               format_func=lambda v: str(value_text(v)), key="evac_types")
        max_min = c2.number_input(tr("Thời gian di chuyển tối đa (phút)",
                                     "Maximum travel time (minutes)"), min_value=0.0,
                                  value=float(settings.evacuation_max_travel_min), step=15.0,
                                  key="evac_max_min")
        c3, c4 = st.columns(2)
        size = c3.number_input(tr("Số người mỗi nhóm sơ tán (0: cả xã một nhóm)",
                                  "People per evacuation group (0: whole commune)"),
                               min_value=0, value=int(settings.evacuation_group_size),
                               step=100, key="evac_group_size")
        rules = list(geo_evacuation.POPULATION_RULES)
        rule = c4.radio(tr("Số người cần sơ tán", "People at risk"), rules,
                        index=rules.index(settings.evacuation_population_rule),
                        format_func=lambda r: tr(*RULE_TEXTS[r]), key="evac_rule")
    return {"hazard_types": tuple(types) or None, "max_min": float(max_min),
            "group_size": int(size), "population_rule": str(rule)}


def _summary(result: Result) -> None:
    v = result.values
    cols = st.columns(4)
    cols[0].metric(tr("Xã trong vùng thiên tai", "Communes in hazard zones"), v["n_communes"])
    cols[1].metric(tr("Số người cần sơ tán", "People at risk"), _n(v["at_risk"]))
    cols[2].metric(tr("Đã bố trí nơi sơ tán", "Sheltered"), _n(v["evacuated"]))
    cols[3].metric(tr("Xã còn người chưa có chỗ", "Communes with people left"),
                   v["n_unserved"])
    unserved = evacuation.unserved_table(result)
    if len(unserved):
        i = 0 if lang() == "vi" else 1
        lines = [f"- {row.name} ({row.code}): {_n(row.unserved)} / {_n(row.at_risk)} "
                 f"{tr('người', 'people')} — {REASON_TEXTS[row.reason][i]}"
                 for row in unserved.itertuples()]
        st.warning(tr(f"{len(unserved)} xã còn người chưa có nơi sơ tán:",
                      f"{len(unserved)} commune(s) with people left without a shelter:")
                   + "\n" + "\n".join(lines))


def _map(result: Result) -> None:
    plan = result.extra["plan"]
    shelters = result.extra["shelters"].drop(columns=["layer"], errors="ignore")
    zones = result.extra["hazards"][["name", "hazard", "geometry"]].copy()
    zones["hazard"] = [value_text(hazard_type(v)) for v in zones["hazard"]]
    used = plan.shelters["selected"].reindex(shelters.index).fillna(False).to_numpy(bool)
    parts = _popup(result.tables["communes"], ["name", "at_risk", "evacuated", "unserved"])
    routes = result.tables["groups"]
    routes = _popup(routes[routes.geometry.notna() & ~routes.geometry.is_empty],
                    ["name", "people", "shelter_name", "travel_min"])
    layers = [MapLayer(tr("Vùng thiên tai", "Hazard zones"), "hazard_zone", zones),
              MapLayer(tr("Phần xã trong vùng thiên tai", "Communes' part in the zones"),
                       "admin_unit", parts, style=AT_RISK_STYLE,
                       legend=tr("Phần xã cần sơ tán", "Part of commune to evacuate")),
              MapLayer(tr("Tuyến sơ tán", "Evacuation routes"), "infrastructure", routes,
                       style=ROUTE_STYLE, legend=tr("Tuyến sơ tán", "Evacuation routes")),
              MapLayer(tr("Nơi sơ tán được dùng", "Shelters used"), "shelter", shelters[used]),
              MapLayer(tr("Nơi sơ tán không dùng", "Shelters not used"), "shelter",
                       shelters[~used], style=UNUSED_STYLE,
                       legend=tr("Nơi sơ tán không dùng", "Shelters not used"))]
    layers = [x for x in layers if len(x.gdf)]
    focus = result.tables["communes"] if len(result.tables["communes"]) else None
    map_frame(lambda: build_map(layers, basemap=basemap_layers(), lang=lang(), focus=focus),
              layers, focus, lang(), key="evacuation_map", height=560)


def _popup(frame: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Keep ``columns`` under their headers in the interface language (for the popups)."""
    data = pd.DataFrame({header(c): frame[c].round(1) if c.endswith("_min") else frame[c]
                         for c in columns}, index=frame.index)
    return gpd.GeoDataFrame(data, geometry=frame.geometry.to_numpy(), crs=frame.crs)


def _tables(result: Result) -> None:
    communes = result.tables["communes"].copy()
    communes["hazards"] = [_words(v) for v in communes["hazards"]]
    groups = result.tables["groups"].copy()
    groups["binding"] = [_words(v) for v in groups["binding"]]
    for name, frame, title in (
            ("communes", communes, tr("Xã cần sơ tán", "Communes to evacuate")),
            ("groups", groups, tr("Nhóm sơ tán và tuyến đường",
                                                   "Evacuation groups and routes")),
            ("shelters", result.tables["shelters"], tr("Nơi sơ tán", "Shelters"))):
        st.subheader(title)
        show_table(frame, key=f"evac_{name}_table")
        st.download_button(tr("Tải CSV", "Download CSV"),
                           partial(table_csv_bytes, result.tables[name]),
                           file_name=f"evacuation_{name}.csv", mime="text/csv",
                           key=f"evac_download_{name}")


def _n(value: float) -> str:
    return format_number(value, 0, lang())


def _words(codes: object) -> str:
    """Return comma-separated codes (``"flood, landslide"``) in the interface language."""
    parts = [p.strip() for p in str(codes).split(",")] if isinstance(codes, str) else []
    return ", ".join(str(value_text(p)) for p in parts if p)


page()
