"""Messages of the catalogue about elevation models (DEM GeoTIFFs) and their storage.

Part of the one catalogue of ``layers/``: :mod:`layers.messages` merges :data:`MESSAGES`
and :data:`HINTS` into its own (see :mod:`layers.dem` and :mod:`layers.store_rasters`).
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "dem_unreadable": (
        "Không đọc được {file} như một ảnh GeoTIFF độ cao ({detail}). Xuất lại mô hình số độ "
        "cao thành GeoTIFF (.tif) từ phần mềm GIS.",
        "{file} cannot be read as a GeoTIFF elevation model ({detail}). Export the DEM as a "
        "GeoTIFF (.tif) from a GIS and try again."),
    "dem_too_large": (
        "{file} quá lớn: {value} ({what}), giới hạn {limit}. Cắt mô hình theo ranh giới tỉnh "
        "hoặc chọn ô lớn hơn.",
        "{file} is too large: {value} ({what}), the limit is {limit}. Clip the DEM to the "
        "province or choose a larger cell size."),
    "dem_no_band": (
        "{file} không có kênh ảnh nào: cần một kênh độ cao.",
        "{file} has no raster band: a DEM needs one band of elevations."),
    "dem_rotated": (
        "{file} là ảnh bị xoay hoặc lật: nắn lại ảnh theo hướng bắc (gdalwarp) rồi nhập lại.",
        "{file} is rotated or flipped: warp it north-up first (e.g. with gdalwarp) and import "
        "it again."),
    "dem_no_crs": (
        "{file} không ghi hệ tọa độ. Chọn hệ tọa độ của tệp; theo khoảng tọa độ, có thể là: "
        "{candidates}.",
        "{file} names no coordinate system. Name it; from the coordinate ranges it may be: "
        "{candidates}."),
    "dem_outside": (
        "{file} nằm ngoài vùng dùng được của hệ tọa độ mét của dự án {target} (khung "
        "{bounds} độ, đọc theo hệ {crs}): có thể tệp ghi sai hệ tọa độ. Kiểm tra hệ tọa độ "
        "của tệp.",
        "{file} lies outside the area of use of the project's metric CRS {target} (bounds "
        "{bounds} in degrees, read as {crs}): its CRS is probably wrong. Check the file's "
        "CRS."),
    "dem_not_numbers": (
        "Kênh độ cao của {file} có kiểu {dtype}, không phải số thực: cần độ cao bằng mét.",
        "The elevation band of {file} holds {dtype}, not real numbers: a DEM needs "
        "elevations in metres."),
    "dem_values_bad": (
        "{file} có độ cao từ {low} đến {high}, ngoài khoảng hợp lý {min}…{max} m: có thể đơn vị "
        "không phải mét, hoặc giá trị không có số liệu chưa được khai báo. Kiểm tra lại tệp.",
        "{file} has elevations from {low} to {high}, outside the plausible {min}…{max} m: the "
        "unit may not be metres, or the no-data value is not declared. Check the file."),
    "dem_empty": (
        "{file} không có ô nào có số liệu độ cao sau khi chuyển sang hệ tọa độ mét của dự án: "
        "kiểm tra hệ tọa độ và phạm vi của tệp.",
        "{file} has no cell with an elevation once brought into the project's metric CRS: "
        "check its coordinate system and extent."),
    "dem_cell_bad": (
        "Kích thước ô {value} không dùng được: cần một số mét dương.",
        "The cell size {value} cannot be used: give a number of metres > 0."),
    "dem_name_bad": (
        "Tên mô hình độ cao {name!r} không dùng được: cần từ 1 đến 80 ký tự in được.",
        "The DEM name {name!r} cannot be used: it needs 1 to 80 printable characters."),
    "dem_unknown": (
        "Dự án không có mô hình độ cao {name!r}. Các mô hình hiện có: {names}.",
        "The project has no DEM {name!r}. DEMs: {names}."),
    "dem_store_unsupported": (
        "Mô hình độ cao hiện chỉ lưu được trong dự án GeoPackage (.gpkg); dự án {project} "
        "không phải tệp GeoPackage. Sao chép dự án sang một tệp .gpkg để dùng địa hình.",
        "DEMs can only be kept in a GeoPackage project (.gpkg) for now; the project "
        "{project} is not a GeoPackage file. Copy the project to a .gpkg file to use terrain."),
    "dem_none": (
        "Dự án chưa có mô hình số độ cao: nhập một tệp GeoTIFF (ví dụ ô SRTM hoặc ALOS).",
        "The project has no DEM: import a GeoTIFF (e.g. SRTM or ALOS tiles)."),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "dem_no_crs": " (--crs on the command line, e.g. --crs EPSG:9215.)",
    "dem_outside": " (--crs on the command line names the right one.)",
    "dem_too_large": " (--cell-m on the command line.)",
    "dem_none": " Use `kvpt terrain import P.gpkg DEM.tif` (or `kvpt terrain fictional P.gpkg` "
                "for the labelled fictional demo DEM).",
    "dem_unknown": " See `kvpt terrain list`.",
}
"""Key → English advice for the command line (see :data:`layers.messages.HINTS`)."""
