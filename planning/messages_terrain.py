"""Catalogue texts of the terrain analyses (Vietnamese, English).

Plain data, merged into :data:`planning.messages.MESSAGES` (one catalogue, one lookup);
:mod:`planning.terrain` raises and notes them.
"""

from __future__ import annotations

TERRAIN_MESSAGES: dict[str, tuple[str, str]] = {
    "terrain_features_off_dem": (
        "{count} đối tượng nằm ngoài mô hình độ cao nên không có độ cao, độ dốc: {ids}.",
        "{count} feature(s) lie off the DEM and get no elevation or slope: {ids}."),
    "terrain_lonlat_bad": (
        "Vị trí {text!r} không dùng được: nhập mã '<lớp>:<hàng>', mã hoặc tên đối tượng, hoặc "
        "kinh độ,vĩ độ bằng độ (ví dụ 106.76,21.85).",
        "the position {text!r} cannot be used: give a feature id '<layer>:<row>', a code or a "
        "name, or lon,lat in degrees (e.g. 106.76,21.85)."),
    "terrain_no_extent": (
        "Dự án chưa có lớp nào để lấy phạm vi cho mô hình độ cao giả định: nhập ranh giới "
        "tỉnh trước.",
        "the project has no layer to take the fictional DEM's extent from: import the "
        "province's boundary first."),
    "terrain_no_units": (
        "Dự án chưa có huyện hay xã để tính diện tích nhìn thấy; chỉ tính tổng diện tích.",
        "the project has no districts or communes to share the seen area among; only the "
        "total is given."),
}
"""Key → (Vietnamese, English)."""
