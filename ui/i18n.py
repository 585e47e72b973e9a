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
    "page_evacuation": ("Sơ tán dân (phòng thủ dân sự)", "Evacuation (civil defense)"),
    "page_exercises": ("Diễn tập & chỉ tiêu", "Exercises & targets"),
    "page_terrain": ("Địa hình", "Terrain"),
    "page_audit": ("Nhật ký thay đổi", "Audit log"),
    "page_links": ("Liên kết cơ sở – căn cứ", "Facilities linked to bases"),
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
    # Layers page (import, level, re-import, rename, delete)
    "tab_import": ("Nhập dữ liệu", "Import"),
    "crs_pick_any": ("Hệ tọa độ của tệp", "Coordinate system of the file"),
    "crs_detected": ("Đang dùng hệ tọa độ khớp nhất ({code}); chọn hệ khác nếu cần.",
                     "Using the best fitting system ({code}); choose another if needed."),
    "crs_typed": ("Hoặc nhập mã EPSG", "Or type an EPSG code"),
    "level": ("Cấp đơn vị hành chính", "Level of the admin units"),
    "level_auto": ("Theo dữ liệu (từng đơn vị)", "From the data (per unit)"),
    "level_province": ("Tất cả cấp tỉnh", "All province level"),
    "level_district": ("Tất cả cấp huyện", "All district level"),
    "level_commune": ("Tất cả cấp xã", "All commune level"),
    "level_village": ("Tất cả cấp thôn, bản, làng", "All village level"),
    "level_unsure": ("Chưa chắc chắn về cấp của các đơn vị: chọn cấp trước khi nhập.",
                     "The levels of the units are not certain: choose the level before "
                     "importing."),
    "unchanged_confirm": ("Vẫn nhập thành phiên bản mới", "Import as a new version anyway"),
    "layer_actions": ("Đổi tên hoặc xóa lớp", "Rename or delete the layer"),
    "rename_to": ("Tên mới", "New name"),
    "rename": ("Đổi tên", "Rename"),
    "renamed": ("Đã đổi tên lớp {old} thành {new} (phiên bản {version}); đổi lại tên cũ để "
                "hoàn tác.",
                "Renamed layer {old} to {new} (version {version}); rename it back to undo."),
    "delete": ("Xóa lớp", "Delete layer"),
    "deleted": ("Đã xóa lớp {name} (ghi thành phiên bản {version}); có thể khôi phục bên "
                "dưới.",
                "Deleted layer {name} (recorded as version {version}); it can be restored "
                "below."),
    "deleted_layers": ("Lớp đã xóa", "Deleted layers"),
    "undelete": ("Khôi phục lớp đã xóa", "Restore the deleted layer"),
    "undeleted": ("Đã khôi phục lớp {name} (phiên bản {version}).",
                  "Restored layer {name} (version {version})."),
    "col_name": ("Tên lớp", "Layer"), "col_kind": ("Loại", "Kind"),
    "col_version": ("Phiên bản", "Version"), "col_source_file": ("Tệp nguồn", "Source file"),
    "col_checksum": ("Mã băm", "Checksum"), "col_source_crs": ("Hệ tọa độ nguồn", "Source CRS"),
    "col_encoding": ("Bảng mã", "Encoding"), "col_feature_count": ("Số đối tượng", "Features"),
    "col_imported_at": ("Thời điểm nhập", "Imported at"), "col_note": ("Ghi chú", "Note"),
    "col_current": ("Hiện hành", "Current"), "col_deleted": ("Đã xóa", "Deleted"),
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
