"""Facilities linked to bases page (Liên kết cơ sở – căn cứ): ``kvpt links`` on a map."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from geo import settings
from geo.link_lines import link_lines
from layers.kinds import Style
from layers.tables import table_csv_bytes
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map
from planning import inputs
from planning import links as planning_links
from planning.project import Project
from planning.results import Result
from ui.i18n import lang, t, tr
from ui.map_cache import map_frame
from ui.state import cached, project, shown_result, sidebar
from ui.tables import header, show_table, value_text

# Why a link names no base (statuses of geo.links.STATUSES that are not resolved).
# Comments, not docstrings: Streamlit's magic would draw a bare string on the page.
WHY_TEXTS: dict[str, tuple[str, str]] = {
    "unknown_base": ("không căn cứ nào có mã này: sửa mã căn cứ (base_code) của cơ sở, hoặc "
                     "mã (code) của căn cứ",
                     "no base has this code: correct the facility's base_code or the base's "
                     "code"),
    "ambiguous_base": ("nhiều căn cứ cùng có mã này: đặt cho mỗi căn cứ một mã riêng",
                       "several bases have this code: give every base its own code"),
}
LINK_STYLE = Style("#6a3d9a", None, 2.5, 0.0)


def page() -> None:
    """Draw the Facilities linked to bases page."""
    sidebar()
    st.title(t("page_links"))
    st.caption(tr("Khu kinh tế – quốc phòng và doanh nghiệp động viên công nghiệp ghi mã căn "
                  "cứ mà chúng phục vụ trong thuộc tính mã căn cứ (base_code; nhiều mã cách "
                  "nhau bởi ';' hoặc ','). Khoảng cách là khoảng cách ngắn nhất giữa hai đối "
                  "tượng (0 khi chạm nhau), tính theo mét.",
                  "Defense–economic zones and designated enterprises name the base they "
                  "serve by its code in base_code (several codes separated by ';' or ','). "
                  "The distance is the shortest distance between the two shapes (0 when they "
                  "touch), in metres."))
    proj = project()
    if proj is None:
        return
    if not proj.names(list(settings.link_facility_kinds)):
        st.info(tr("Cần một lớp 'Khu kinh tế – quốc phòng' hoặc 'Doanh nghiệp động viên công "
                   "nghiệp'. Nhập lớp ở trang Lớp dữ liệu.",
                   "Needs a layer of 'Defense–economic zone' or 'Designated enterprise'. "
                   "Import it on the Layers page."))
        return
    result = shown_result(lambda: cached(proj, planning_links.facility_links))
    if result is None:
        return
    _summary(result)
    _unresolved(result.main)
    if result.values["n_linked"]:
        _map(proj, result.main)
    _tables(result)


def _summary(result: Result) -> None:
    v = result.values
    cols = st.columns(4)
    cols[0].metric(tr("Cơ sở kinh tế", "Facilities"), v["n_facilities"])
    cols[1].metric(tr("Liên kết tới căn cứ", "Links to bases"), v["n_linked"])
    cols[2].metric(tr("Mã căn cứ không xác định", "Unresolved base codes"), v["n_unknown"])
    cols[3].metric(tr("Cơ sở chưa ghi mã căn cứ", "Facilities naming no base"),
                   v["n_not_linked"])
    if not v["n_linked"] and not v["n_unknown"]:
        st.info(tr("Chưa có cơ sở nào gắn với căn cứ: không cơ sở nào ghi mã căn cứ "
                   "(base_code). Thêm mã căn cứ vào lớp khu kinh tế – quốc phòng hoặc doanh "
                   "nghiệp rồi nhập lại lớp.",
                   "No facility is linked to a base: none names a base code (base_code). "
                   "Add the base codes to the zones or enterprises layer and import it "
                   "again."))


def _unresolved(links: pd.DataFrame) -> None:
    """List the links whose base code names no base, or several, and why."""
    bad = links[links["status"].isin(list(WHY_TEXTS))]
    if not len(bad):
        return
    i = 0 if lang() == "vi" else 1
    lines = [f"- {row.facility_name or row.facility} ({row.facility_code or '–'}) → "
             f"'{row.base_code}': {WHY_TEXTS[row.status][i]}" for row in bad.itertuples()]
    st.warning(tr(f"{len(bad)} liên kết chưa xác định được căn cứ:",
                  f"{len(bad)} link(s) name no single base:") + "\n" + "\n".join(lines))


def _map(proj: Project, links: pd.DataFrame) -> None:
    facilities = inputs.stacked(proj, settings.link_facility_kinds,
                                ("name", "code", "base_code"))
    bases = inputs.stacked(proj, settings.link_base_kinds, ("name", "code"))
    lines = link_lines(links, facilities, bases)
    linked = links.loc[lines.index]
    drawn = gpd.GeoDataFrame(
        {header(c): linked[c].round(0) if c == "distance_m" else linked[c]
         for c in ("facility_name", "base_code", "base_name", "distance_m")},
        geometry=lines.to_numpy(), crs=lines.crs, index=linked.index)
    shown_bases = bases.loc[list(dict.fromkeys(linked["base"]))]
    shown_facilities = facilities.loc[list(dict.fromkeys(linked["facility"]))]
    layers = [MapLayer(tr("Liên kết cơ sở – căn cứ", "Facility–base links"), "infrastructure",
                       drawn, style=LINK_STYLE,
                       legend=tr("Liên kết cơ sở – căn cứ", "Facility–base links"))]
    for frame in (shown_bases, shown_facilities):
        for kind, part in frame.groupby("kind", sort=False):
            layers.append(MapLayer(str(value_text(kind)), str(kind),
                                   _popup(part, ("name", "code", "base_code"))))
    focus = pd.concat([shown_bases.geometry, shown_facilities.geometry])
    map_frame(lambda: build_map(layers, basemap=basemap_layers(), lang=lang(), focus=focus),
              layers, focus, lang(), key="links_map", height=560)


def _popup(frame: gpd.GeoDataFrame, columns: tuple[str, ...]) -> gpd.GeoDataFrame:
    """Keep the ``columns`` present under their headers in the interface language."""
    data = pd.DataFrame({header(c): frame[c] for c in columns if c in frame.columns},
                        index=frame.index)
    return gpd.GeoDataFrame(data, geometry=frame.geometry.to_numpy(), crs=frame.crs)


def _tables(result: Result) -> None:
    for name, title in (("links", tr("Liên kết theo cơ sở", "Links per facility")),
                        ("bases", tr("Cơ sở theo căn cứ", "Facilities per base"))):
        st.subheader(title)
        show_table(result.tables[name], key=f"links_{name}_table")
        st.download_button(tr("Tải CSV", "Download CSV"),
                           table_csv_bytes(result.tables[name]),
                           file_name=f"links_{name}.csv", mime="text/csv",
                           key=f"links_download_{name}")


page()
