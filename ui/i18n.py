"""User-interface texts: Vietnamese by default, English one switch away."""

from __future__ import annotations

import streamlit as st

TEXTS: dict[str, tuple[str, str]] = {
    "lang": ("Ngôn ngữ", "Language"),
    "project": ("Dự án (GeoPackage)", "Project (GeoPackage)"),
    "no_project": ("Chưa có dự án tại {path}. Chạy `kvpt demo {path}` hoặc `kvpt init {path}`.",
                   "No project at {path}. Run `kvpt demo {path}` or `kvpt init {path}`."),
    "fictional_note": ("Dữ liệu quốc phòng trong dự án mẫu là giả định, đặt trên nền địa lý thật.",
                       "Defense assets in the demo project are fictional, on real geography."),
    "page_layers": ("Lớp dữ liệu", "Layers"),
    "page_map": ("Bản đồ", "Map"),
    "page_appraisal": ("Thẩm định dự án", "Appraisal"),
    "page_posture": ("Thế trận", "Posture"),
    "page_network": ("Mạng đường", "Road network"),
    "page_relocation": ("Di chuyển doanh nghiệp ĐVCN", "Relocation"),
    "page_exercises": ("Diễn tập & chỉ tiêu", "Exercises & targets"),
    "upload": ("Tải lên tệp (shapefile .zip hoặc .shp + .shx + .dbf + .prj, .gpkg, .geojson, "
               ".kml, .kmz, .csv)",
               "Upload a file (shapefile .zip or .shp + .shx + .dbf + .prj, .gpkg, .geojson, "
               ".kml, .kmz, .csv)"),
    "crs_pick": ("Hệ tọa độ (tệp không có .prj)", "Coordinate system (the file has no .prj)"),
    "crs_missing": ("Tệp không có hệ tọa độ. Chọn một hệ tọa độ gợi ý bên dưới.",
                    "The file has no coordinate system. Pick one of the suggestions below."),
    "encoding": ("Bảng mã ký tự", "Text encoding"),
    "auto": ("Tự nhận dạng", "Detect"),
    "kind": ("Loại lớp", "Layer kind"),
    "name": ("Tên lớp trong dự án", "Layer name in the project"),
    "mapping": ("Ghép cột với thuộc tính", "Map columns to attributes"),
    "none": ("(không có)", "(none)"),
    "report": ("Báo cáo nhận dạng", "Detection report"),
    "preview": ("Xem trước tên", "Preview of names"),
    "confirm": ("Nhập vào dự án", "Import into the project"),
    "imported": ("Đã nhập lớp {name} (phiên bản {version}, {n} đối tượng).",
                 "Imported layer {name} (version {version}, {n} features)."),
    "layers_list": ("Các lớp trong dự án", "Layers in the project"),
    "versions": ("Phiên bản", "Versions"),
    "restore": ("Khôi phục phiên bản này", "Restore this version"),
    "restored": ("Đã khôi phục phiên bản {old} thành phiên bản {new}.",
                 "Restored version {old} as version {new}."),
    "export": ("Xuất lớp", "Export layer"),
    "pick_layer": ("Chọn lớp", "Choose a layer"),
    "no_layers": ("Dự án chưa có lớp nào.", "The project has no layers yet."),
    "proposals": ("Lớp dự án đề xuất", "Proposed projects layer"),
    "zones": ("Chiều rộng hành lang bảo vệ (m)", "Protection-zone widths (m)"),
    "search_m": ("Khoảng cách tìm kiếm (m)", "Search distance (m)"),
    "near_m": ("Khoảng cách 'gần' (m)", "'Near' distance (m)"),
    "run": ("Thẩm định", "Appraise"),
    "summary": ("Kết luận theo dự án", "Verdict per project"),
    "pairs": ("Chi tiết theo công trình", "Detail per defense work"),
    "download_csv": ("Tải CSV", "Download CSV"),
    "download_html": ("Tải bản đồ HTML (dùng offline)", "Download HTML map (works offline)"),
    "no_polygons": ("Không có lớp dự án đề xuất (đa giác). Nhập một lớp loại "
                    "'Dự án phát triển kinh tế – xã hội'.",
                    "No proposed-project layer (polygons). Import a layer of kind "
                    "'Proposed economic project'."),
    "layers_shown": ("Lớp hiển thị", "Layers shown"),
    "choose": ("Chọn…", "Choose…"),
}


def lang() -> str:
    """Return the current interface language (``"vi"`` or ``"en"``)."""
    return st.session_state.get("lang", "vi")


def t(key: str, **kwargs: object) -> str:
    """Return the text ``key`` in the current language, formatted with ``kwargs``."""
    vi, en = TEXTS[key]
    text = vi if lang() == "vi" else en
    return text.format(**kwargs) if kwargs else text


def tr(vi: str, en: str) -> str:
    """Return ``vi`` or ``en`` by the current language (for texts used by one page only)."""
    return vi if lang() == "vi" else en
