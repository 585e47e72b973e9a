"""Catalogue texts of prints, atlases and briefing packs (Vietnamese, English).

Plain data, merged into :data:`planning.messages.MESSAGES` (one catalogue, one lookup);
:mod:`planning.prints` and :mod:`planning.brief_messages` raise them.
"""

from __future__ import annotations

PRINT_MESSAGES: dict[str, tuple[str, str]] = {
    "unknown_extent": (
        "Không có huyện, xã nào tên {text!r}. Tên gần giống: {close}. Hoặc nhập khung "
        "tọa độ minx,miny,maxx,maxy (độ, EPSG:4326).",
        "no district or commune named {text!r}; close matches: {close}. Or give the area as "
        "minx,miny,maxx,maxy in degrees (EPSG:4326), e.g. 106.2,21.6,106.8,22.1."),
    "ambiguous_extent": (
        "Tên {text!r} là của nhiều đơn vị: {units}. Chọn một đơn vị theo mã '<lớp>:<hàng>'.",
        "{text!r} names several units: {units}; give one as '<layer>:<row>'."),
    "bad_bounds": (
        "Khung {text!r} không hợp lệ: cần minx,miny,maxx,maxy bằng độ (EPSG:4326), minx < "
        "maxx, miny < maxy, kinh độ trong -180…180, vĩ độ trong -90…90.",
        "--extent {text!r} is not a valid box: give minx,miny,maxx,maxy in degrees "
        "(EPSG:4326) with minx < maxx, miny < maxy, longitudes in -180..180 and latitudes "
        "in -90..90, e.g. 106.2,21.6,106.8,22.1."),
    "no_admin_units": (
        "Dự án chưa có đơn vị hành chính nên không tìm được {text!r}; nhập khung tọa độ "
        "minx,miny,maxx,maxy (độ).",
        "the project has no admin units to look {text!r} up in; give the area as "
        "minx,miny,maxx,maxy in degrees (EPSG:4326)."),
    "no_layers_to_print": (
        "Dự án chưa có lớp nào để in.",
        "the project has no layer to print: import one with `kvpt import P.gpkg FILE`."),
    "unknown_grid": (
        "Lưới tọa độ {grid!r} không có: chọn một trong {choices} (độ, VN-2000, không lưới).",
        "unknown coordinate grid {grid!r}: use one of {choices}, e.g. `kvpt settings P.gpkg "
        "--grid vn2000`."),
}
"""Key → (Vietnamese, English): the errors of :mod:`planning.prints`."""

BRIEF_MESSAGES: dict[str, tuple[str, str]] = {
    "atlas_no_units": (
        "Dự án không có đơn vị hành chính cấp {level} nên không lập được tập bản đồ theo "
        "cấp này. Các lớp đơn vị hành chính: {names}.",
        "the project has no admin units of level {level}, so there is no atlas by {level}; "
        "admin-unit layers: {names} (a 2-tier project has communes only: use --by commune)."),
    "atlas_where_empty": (
        "{where!r} không có đơn vị cấp {level} nào.",
        "{where!r} holds no admin unit of level {level}: name a larger unit with --where "
        "(e.g. a district for --by commune)."),
    "opinions_bad_json": (
        "Tệp ý kiến không đúng dạng: cần một đối tượng JSON {{\"mã dự án\": \"ý kiến\"}} "
        "({detail}).",
        "the opinions file must be a JSON object {{\"PROPOSAL_CODE\": \"opinion text\"}} "
        "({detail})."),
    "opinions_unknown_code": (
        "Ý kiến cho {codes} không khớp dự án nào của lớp {layer!r}; các mã dự án: {known}.",
        "opinions given for {codes}, which are not proposals of layer {layer!r}; proposal "
        "codes: {known}."),
    "brief_one_kind": (
        "Chọn đúng một loại báo cáo: thẩm định, di chuyển, thế trận hoặc sơ tán dân.",
        "give exactly one of --appraisal LAYER, --relocation, --posture or --evacuation."),
    "brief_cut_needs_relocation": (
        "Chỉ cắt đoạn đường được trong báo cáo di chuyển doanh nghiệp.",
        "--cut applies to --relocation briefs only."),
    "brief_built_only_needs_posture": (
        "Chỉ chọn 'chỉ tính công trình đã xây dựng xong' được trong báo cáo thế trận.",
        "--built-only applies to --posture briefs only."),
    "brief_evacuation_options": (
        "Các tùy chọn {options} chỉ dùng được trong báo cáo sơ tán dân.",
        "{options} apply to --evacuation briefs only."),
}
"""Key → (Vietnamese, English): the errors of :mod:`planning.atlas`,
:mod:`planning.briefs` and :mod:`planning.opinions`."""
