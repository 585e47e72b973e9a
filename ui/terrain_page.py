"""Terrain page (Địa hình): the project's DEM, elevation and slope of assets, sight lines.

Upload a DEM GeoTIFF (stored in the project by :func:`planning.terrain.import_dem`), list
the stored DEMs, then three parts that rerun alone (``st.fragment``, their inputs in
forms): the elevation and slope of every asset, the line of sight between two positions
with its profile, and the viewshed of a position on a map with the area seen per district.
"""

from __future__ import annotations

import hashlib
import tempfile
from functools import partial
from pathlib import Path

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.kinds import Style
from layers.store import ProjectStore
from layers.tables import table_csv_bytes
from maps.hillshade import add_to_map, relief_name
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map
from planning import terrain as analyses
from planning.brief_tables import format_number
from planning.project import Project
from planning.results import Result
from ui.i18n import lang, t, tr
from ui.map_cache import map_frame
from ui.state import EXPECTED_ERRORS, CachedReader, cached, error_text, open_store, sidebar
from ui.tables import show_table

UPLOAD_DIR = Path(tempfile.gettempdir()) / "kvpt_dem_uploads"
SEEN_STYLE = Style("#d81b60", "#d81b60", 1.0, 0.3)
OBSERVER_STYLE = Style("#1a1a1a", "#ffeb3b", 2.0, 0.9, None, 8.0)
# Texts of a fictional DEM's source and note (the store keeps them in English).
FICTIONAL_TEXTS = (("Giả định: địa hình tạo ra cho dự án mẫu, không phải số liệu đo đạc",
                    "Fictional: terrain generated for the demo, not a survey"),
                   ("tạo ra (giả định)", "generated (fictional)"))


def page() -> None:
    """Draw the Terrain page."""
    sidebar()
    st.title(t("page_terrain"))
    st.caption(tr("Mô hình số độ cao (DEM) của dự án: độ cao, độ dốc của các công trình, tầm "
                  "nhìn thẳng giữa hai vị trí và vùng quan sát của một vị trí (điểm cao, trận "
                  "địa phòng không).",
                  "The project's elevation model (DEM): elevation and slope of the assets, "
                  "line of sight between two positions and the viewshed of a position (a "
                  "high point, an air-defense position)."))
    store = open_store()
    if store is None:
        return
    _upload(store)
    proj = Project(CachedReader(store))
    try:
        listed = analyses.dems(proj).main
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    if not len(listed):
        st.info(tr("Dự án chưa có mô hình độ cao. Tải lên một tệp GeoTIFF ở trên (SRTM, "
                   "ALOS AW3D30 hoặc DEM VN-2000).",
                   "The project has no elevation model yet. Upload a GeoTIFF above (SRTM, "
                   "ALOS AW3D30 or a VN-2000 DEM)."))
        return
    dem, stamp = _dem_list(listed)
    tabs = st.tabs([tr("Độ cao, độ dốc", "Elevation and slope"),
                    tr("Tầm nhìn thẳng", "Line of sight"),
                    tr("Vùng quan sát", "Viewshed")])
    with tabs[0]:
        _assets_part(proj, dem, stamp)
    with tabs[1]:
        _sight_part(proj, dem, stamp)
    with tabs[2]:
        _viewshed_part(proj, dem, stamp)


# --- the DEMs ------------------------------------------------------------------------------


def _upload(store: ProjectStore) -> None:
    """Draw the form to upload a DEM GeoTIFF; it is stored only if it reads without error."""
    with st.expander(tr("Nhập mô hình độ cao (GeoTIFF)", "Import an elevation model "
                        "(GeoTIFF)")), st.form("terrain_upload", clear_on_submit=False):
        file = st.file_uploader(tr("Tệp GeoTIFF (.tif), hệ tọa độ bất kỳ (WGS 84, VN-2000…)",
                                   "GeoTIFF file (.tif), any coordinate system (WGS 84, "
                                   "VN-2000…)"), type=["tif", "tiff"], key="terrain_file")
        c1, c2 = st.columns(2)
        name = c1.text_input(tr("Tên trong dự án", "Name in the project"),
                             value=analyses.DEM_NAME, key="terrain_name")
        crs = c2.text_input(tr("Hệ tọa độ khi tệp không ghi (ví dụ EPSG:9215)",
                               "Coordinate system when the file names none (e.g. EPSG:9215)"),
                            key="terrain_crs")
        submitted = st.form_submit_button(tr("Nhập vào dự án", "Import into the project"))
    if submitted and file is None:
        st.warning(tr("Chọn một tệp GeoTIFF trước khi nhập.", "Choose a GeoTIFF file first."))
    elif submitted:
        _import(store, file.name, file.getvalue(), name, crs.strip() or None)


def _import(store: ProjectStore, file_name: str, data: bytes, name: str, crs: str | None
            ) -> None:
    """Write the upload to a private folder and import it; say what happened."""
    folder = UPLOAD_DIR / hashlib.sha256(data).hexdigest()[:24]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(file_name).name
    path.write_bytes(data)
    try:
        with st.spinner(tr("Đang đọc và lưu mô hình độ cao…", "Reading and storing the DEM…")):
            done = analyses.import_dem(store, path, crs=crs, name=name)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    finally:
        path.unlink(missing_ok=True)
    rec, v = done.main.iloc[0], done.values
    st.success(tr(f"Đã lưu {rec['name']} (phiên bản {rec['version']}): {rec['height']} × "
                  f"{rec['width']} ô {rec['cell_m']:g} m, độ cao {v['elevation_min_m']}–"
                  f"{v['elevation_max_m']} m, hệ tọa độ gốc {v['source_crs']}.",
                  f"Stored {rec['name']} (version {rec['version']}): {rec['height']} × "
                  f"{rec['width']} cells of {rec['cell_m']:g} m, elevations "
                  f"{v['elevation_min_m']}–{v['elevation_max_m']} m, source CRS "
                  f"{v['source_crs']}."))


def _dem_list(listed: pd.DataFrame) -> tuple[str, str]:
    """Show the stored DEMs; return the one chosen and a stamp of its version."""
    st.subheader(tr("Mô hình độ cao trong dự án", "Elevation models in the project"))
    fictional = listed["note"].str.contains("FICTIONAL", na=False)
    i = 0 if lang() == "vi" else 1
    shown = pd.DataFrame({
        "name": listed["name"], "dem_version": listed["version"],
        "dem_created": listed["created"], "dem_crs": listed["crs"],
        "dem_size": [f"{h} × {w}" for h, w in zip(listed["height"], listed["width"],
                                                 strict=True)],
        "cell_m": listed["cell_m"],
        "dem_source": listed["source"].where(~fictional, FICTIONAL_TEXTS[1][i]),
        "dem_note": listed["note"].where(~fictional, FICTIONAL_TEXTS[0][i])})
    show_table(shown, key="terrain_dems")
    names = list(listed["name"])
    newest = names[int(listed["created"].astype(str).to_numpy().argmax())]
    dem = st.selectbox(tr("Mô hình dùng để tính", "Model used"), names,
                       index=names.index(newest), key="terrain_dem")
    row = listed[listed["name"] == dem].iloc[0]
    if fictional[listed["name"] == dem].any():
        st.warning(tr("Mô hình này là GIẢ ĐỊNH (địa hình tạo ra cho dự án mẫu): không dùng cho "
                      "công việc thật.", "This model is FICTIONAL (terrain generated for the "
                      "demo): do not use it for real work."))
    return dem, f"{dem} v{row['version']} {row['created']}"


# --- elevation and slope of assets ---------------------------------------------------------


def terrain_page_assets(proj: Project, dem: str, stamp: str) -> Result:
    """Elevation and slope of the assets (``stamp``: the DEM's version, for the cache)."""
    return analyses.feature_terrain(proj, dem=dem)


def terrain_page_peaks(proj: Project, dem: str, stamp: str) -> Result:
    """High point of every district (``stamp``: the DEM's version, for the cache)."""
    return analyses.high_points(proj, dem=dem)


@st.fragment
def _assets_part(proj: Project, dem: str, stamp: str) -> None:
    try:
        result = cached(proj, terrain_page_assets, dem, stamp)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    for message in result.warnings:
        st.warning(message.text(lang()))
    table = result.main
    columns = ["asset", "kind", "code", "name", "elevation_m", "slope_deg",
               "elevation_min_m", "elevation_max_m"]
    show_table(table[columns], key="terrain_assets_table")
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, table),
                       file_name="terrain_assets.csv", mime="text/csv",
                       key="terrain_assets_csv")


# --- positions -----------------------------------------------------------------------------


def _positions(proj: Project, dem: str, stamp: str) -> tuple[dict[str, str], list[str]]:
    """Return the positions to pick and the air-defense ones among them.

    The positions (value → label) are the assets on the DEM, then the high points.
    """
    assets = cached(proj, terrain_page_assets, dem, stamp).main
    assets = assets[assets["elevation_m"].notna()]
    found = {str(r.asset): f"{r.name} ({r.code})" if r.code else str(r.name)
             for r in assets.itertuples()}
    peaks = cached(proj, terrain_page_peaks, dem, stamp).main
    for r in peaks.itertuples():
        found[f"{r.lon},{r.lat}"] = tr(f"Điểm cao {r.name} ({r.elevation_m:.0f} m)",
                                       f"High point of {r.name} ({r.elevation_m:.0f} m)")
    return found, [str(a) for a in assets.loc[assets["kind"] == "air_defense", "asset"]]


# --- line of sight -------------------------------------------------------------------------


@st.fragment
def _sight_part(proj: Project, dem: str, stamp: str) -> None:
    try:
        choices, _ = _positions(proj, dem, stamp)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    keys = list(choices)
    with st.form("terrain_los_form"):
        c1, c2 = st.columns(2)
        start = c1.selectbox(tr("Vị trí quan sát", "Observer"), keys, index=0,
                             format_func=choices.get, key="terrain_los_from")
        end = c2.selectbox(tr("Mục tiêu", "Target"), keys, index=min(1, len(keys) - 1),
                           format_func=choices.get, key="terrain_los_to")
        c3, c4 = st.columns(2)
        eye = c3.number_input(tr("Chiều cao mắt quan sát (m)", "Observer height (m)"),
                              min_value=0.0, value=2.0, step=1.0, key="terrain_los_eye")
        top = c4.number_input(tr("Chiều cao mục tiêu (m)", "Target height (m)"),
                              min_value=0.0, value=2.0, step=1.0, key="terrain_los_top")
        st.form_submit_button(tr("Xét tầm nhìn", "Check the line of sight"))
    if start == end:
        st.info(tr("Chọn hai vị trí khác nhau.", "Choose two different positions."))
        return
    try:
        result = analyses.sight_line(proj, start, end, observer_m=float(eye),
                                     target_m=float(top), dem=dem)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    _sight_answer(result)


def _sight_answer(result: Result) -> None:
    row = result.main.iloc[0]
    dist, clear = _n(row["distance_m"], 0), _n(abs(row["min_clearance_m"]), 1)
    if row["visible"]:
        st.success(tr(f"Nhìn thấy: khoảng cách {dist} m, tia nhìn cao hơn mặt đất ít nhất "
                      f"{clear} m.", f"Visible: {dist} m away, the sight line passes at least "
                      f"{clear} m above the ground."))
    else:
        at = _n(row["blocked_at_m"], 0)
        where = f"{row['blocked_lon']:.5f}, {row['blocked_lat']:.5f}"
        st.warning(tr(f"Bị địa hình che khuất cách vị trí quan sát {at} m ({where}); khoảng "
                      f"cách {dist} m, địa hình cao hơn tia nhìn tới {clear} m.",
                      f"Blocked by the terrain {at} m from the observer ({where}); {dist} m "
                      f"away, the terrain rises up to {clear} m above the sight line."))
    profile = result.extra["profile"]
    chart = pd.DataFrame({
        tr("Mặt đất (m)", "Ground (m)"): profile["ground_m"].to_numpy(),
        tr("Tia nhìn (m)", "Sight line (m)"): profile["line_m"].to_numpy()},
        index=pd.Index(profile["distance_m"].to_numpy(), name=tr("Khoảng cách (m)",
                                                                  "Distance (m)")))
    st.caption(tr("Mặt cắt địa hình dọc tia nhìn", "Terrain profile along the sight line"))
    st.line_chart(chart, x_label=tr("Khoảng cách (m)", "Distance (m)"),
                  y_label=tr("Độ cao (m)", "Elevation (m)"), color=["#8d6e63", "#d81b60"])


# --- viewshed ------------------------------------------------------------------------------


# Session key of the last viewshed asked (position, radius, height), shown until changed.
# (Comments, not docstrings: Streamlit's magic would draw a bare string on the page.)
VIEW_KEY = "terrain_view_args"


@st.fragment
def _viewshed_part(proj: Project, dem: str, stamp: str) -> None:
    try:
        choices, air = _positions(proj, dem, stamp)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    keys = list(choices)
    air = air or keys
    with st.form("terrain_view_form"):
        where = st.selectbox(tr("Vị trí quan sát", "Observer"), keys,
                             index=keys.index(air[0]), format_func=choices.get,
                             key="terrain_view_from")
        c1, c2 = st.columns(2)
        radius = c1.number_input(tr("Bán kính (km)", "Radius (km)"), min_value=0.5,
                                 max_value=100.0, value=10.0, step=1.0,
                                 key="terrain_view_radius")
        eye = c2.number_input(tr("Chiều cao quan sát (m)", "Observer height (m)"),
                              min_value=0.0, value=10.0, step=1.0, key="terrain_view_eye")
        if st.form_submit_button(tr("Tính vùng quan sát", "Compute the viewshed")):
            st.session_state[VIEW_KEY] = (where, float(radius), float(eye))
    asked = st.session_state.get(VIEW_KEY)
    if asked is None or asked[0] not in choices:
        st.info(tr("Chọn vị trí, bán kính và chiều cao rồi bấm 'Tính vùng quan sát'.",
                   "Choose a position, a radius and a height, then 'Compute the viewshed'."))
        return
    try:
        result = cached(proj, terrain_page_viewshed, asked, dem, stamp)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    _viewshed_answer(result, choices.get(asked[0], asked[0]))


def terrain_page_viewshed(proj: Project, asked: tuple[str, float, float], dem: str,
                          stamp: str) -> Result:
    """Viewshed of ``asked`` = (position, radius km, height m) on DEM ``dem``."""
    where, radius, eye = asked
    return analyses.viewshed(proj, where, radius_km=radius, observer_m=eye, dem=dem)


def _viewshed_answer(result: Result, label: str) -> None:
    v = result.values
    for message in result.warnings:
        st.warning(message.text(lang()))
    cols = st.columns(3)
    cols[0].metric(tr("Diện tích nhìn thấy (km²)", "Seen area (km²)"), _n(v["visible_km2"], 2))
    cols[1].metric(tr("Trong bán kính (km²)", "Within the radius (km²)"),
                   _n(v["looked_km2"], 2))
    cols[2].metric(tr("Tỷ lệ nhìn thấy (%)", "Seen (%)"), _n(v["visible_pct"], 1))
    _viewshed_map(result, label)
    units = result.tables["units"]
    st.subheader(tr("Diện tích nhìn thấy theo huyện", "Area seen per district"))
    show_table(units, key="terrain_units_table")
    st.download_button(tr("Tải CSV", "Download CSV"), partial(table_csv_bytes, units),
                       file_name="viewshed_units.csv", mime="text/csv",
                       key="terrain_units_csv")


def _viewshed_map(result: Result, label: str) -> None:
    observers = result.tables["observers"]
    points = gpd.GeoDataFrame({tr("Vị trí quan sát", "Observer"): [label]},
                              geometry=gpd.points_from_xy(observers["lon"], observers["lat"]),
                              crs="EPSG:4326")
    seen = result.tables["visible"][["geometry"]]
    name = tr("Vùng nhìn thấy", "Seen area")
    layers = [MapLayer(name, "admin_unit", seen, style=SEEN_STYLE, legend=name),
              MapLayer(tr("Vị trí quan sát", "Observer"), "high_point", points,
                       style=OBSERVER_STYLE, legend=tr("Vị trí quan sát", "Observer"))]
    layers = [x for x in layers if len(x.gdf) and not x.gdf.geometry.is_empty.all()]
    focus = seen if not seen.geometry.is_empty.all() else points
    relief = relief_name(_dem_name(result), lang())

    def build() -> folium.Map:
        fmap = build_map(layers, basemap=basemap_layers(), lang=lang(), focus=focus)
        add_to_map(fmap, result.extra["grid"], name=relief)
        return fmap

    map_frame(build, layers, focus, relief, result.values["dem"], lang(),  # DEM vN
              key="terrain_map")


def _n(value: float, decimals: int) -> str:
    return format_number(value, decimals, lang())


def _dem_name(result: Result) -> str:
    """Return the DEM's name of a result (its ``dem`` value without the version)."""
    return str(result.values["dem"]).rsplit(" v", 1)[0]


page()
