"""Headers and values of result tables for people, in Vietnamese and English.

The vocabulary every front end shows result tables with: the pages (:mod:`ui.tables`), the
briefing PDFs (:mod:`planning.briefs`). Headers come from :data:`COLUMN_LABELS` (a column
not listed keeps its name; ``n_<kind>`` / ``has_<kind>`` use the kind's label), values from
:data:`VALUE_LABELS` and the layer kinds; numbers are rounded by what they measure
(:func:`rounding`).
"""

from __future__ import annotations

from layers.kinds import KINDS

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    # ids, names, codes
    "index": ("STT", "Row"), "unit": ("Mã hiệu đơn vị", "Unit id"),
    "asset": ("Mã hiệu đối tượng", "Asset id"),
    "position": ("Mã hiệu vị trí", "Position id"), "commune": ("Mã hiệu xã", "Commune id"),
    "feature": ("Mã hiệu đối tượng", "Feature id"), "road": ("Mã hiệu đường", "Road id"),
    "layer": ("Lớp", "Layer"), "kind": ("Loại", "Kind"), "name": ("Tên", "Name"),
    "code": ("Mã", "Code"), "level": ("Cấp", "Level"), "parent_code": ("Mã cấp trên",
                                                                      "Parent code"),
    # posture
    "n_required": ("Số thành phần yêu cầu", "Required"),
    "n_missing": ("Số thành phần thiếu", "Missing (count)"),
    "missing": ("Thành phần thiếu", "Missing"), "complete": ("Đủ thành phần", "Complete"),
    "completeness_pct": ("Mức đủ (%)", "Completeness (%)"),
    "progress_pct": ("Tiến độ xây dựng (%)", "Build progress (%)"),
    "n_combat_commune": ("Là xã chiến đấu (1 = có)", "Combat commune (1 = yes)"),
    "has_combat_commune": ("Là xã chiến đấu", "Combat commune"),
    "n_combat_village": ("Là làng chiến đấu (1 = có)", "Combat village (1 = yes)"),
    "has_combat_village": ("Là làng chiến đấu", "Combat village"),
    "n_combat_villages": ("Số làng chiến đấu", "Combat villages"),
    "has_combat_villages": ("Đạt tỷ lệ làng chiến đấu", "Combat-village share reached"),
    "n_villages": ("Số thôn, bản", "Villages"),
    "combat_villages_pct": ("Tỷ lệ làng chiến đấu (%)", "Combat villages (%)"),
    "work_status": ("Trạng thái công trình", "Work status"),
    "district_exercised": ("Đã diễn tập KVPT huyện trong giai đoạn",
                           "District exercise in the period"),
    "rescue_exercised": ("Đã diễn tập PCLB, TKCN trong giai đoạn",
                         "Rescue exercise in the period"),
    "ground_progress": ("Tiến độ thao trường", "Training-ground progress"),
    "unit_code": ("Mã đơn vị", "Unit code"), "unit_name": ("Đơn vị", "Unit"),
    "units_planned": ("Số đơn vị diễn tập", "Units planned"),
    "units": ("Số đơn vị", "Units"), "units_share": ("Tỷ lệ đơn vị", "Share of units"),
    "units_first_time": ("Số đơn vị diễn tập lần đầu", "Units for the first time"),
    "completion_pct": ("Hoàn thành (%)", "Complete (%)"),
    "depth_km": ("Chiều sâu (km)", "Depth (km)"), "band": ("Dải (km)", "Band (km)"),
    "outside_province": ("Ngoài địa bàn tỉnh", "Outside the province"),
    "component": ("Nhóm", "Group"), "component_size": ("Số vị trí trong nhóm", "Group size"),
    "degree": ("Số liên kết", "Links"), "isolated": ("Cô lập", "Isolated"),
    "a": ("Vị trí A", "Position A"), "b": ("Vị trí B", "Position B"),
    "a_code": ("Mã A", "Code A"), "b_code": ("Mã B", "Code B"),
    "a_name": ("Tên A", "Name A"), "b_name": ("Tên B", "Name B"),
    "distance_m": ("Khoảng cách (m)", "Distance (m)"), "time_min": ("Thời gian (phút)",
                                                                    "Time (min)"),
    "by_distance": ("Gần theo đường thẳng", "Close in a line"),
    "by_road": ("Gần theo đường bộ", "Close by road"), "bridge": ("Cầu nối (liên kết yếu)",
                                                                 "Bridge (weak link)"),
    "base": ("Căn cứ gần nhất", "Nearest base"), "base_code": ("Mã căn cứ", "Base code"),
    "base_name": ("Tên căn cứ", "Base name"),
    "road_base": ("Căn cứ nhanh nhất (đường bộ)", "Fastest base (road)"),
    "road_base_code": ("Mã căn cứ (đường bộ)", "Base code (road)"),
    "road_base_name": ("Tên căn cứ (đường bộ)", "Base name (road)"),
    "road_time_min": ("Thời gian đường bộ (phút)", "Road time (min)"),
    "geometry_type": ("Dạng hình", "Geometry"), "zone": ("Vùng", "Zone"),
    "zone_code": ("Mã vùng", "Zone code"), "zone_name": ("Tên vùng", "Zone name"),
    "hazard": ("Loại thiên tai", "Hazard"), "overlap_m2": ("Diện tích chồng lấn (m²)",
                                                           "Overlap (m²)"),
    "overlap_m": ("Chiều dài chồng lấn (m)", "Overlap (m)"),
    "overlap_pct": ("Tỷ lệ trong vùng (%)", "Share inside (%)"),
    "hazard_length_m": ("Chiều dài trong vùng (m)", "Length in zones (m)"),
    "hazard_pct": ("Tỷ lệ trong vùng (%)", "Share in zones (%)"),
    "zones": ("Các vùng", "Zones"), "hazards": ("Loại thiên tai", "Hazards"),
    "in_hazard": ("Trong vùng thiên tai", "In a hazard zone"),
    # network
    "segment_id": ("Mã đoạn", "Segment id"), "road_name": ("Tên đường", "Road name"),
    "class": ("Cấp đường", "Road class"), "speed_kmh": ("Tốc độ (km/h)", "Speed (km/h)"),
    "length_m": ("Chiều dài (m)", "Length (m)"), "travel_min": ("Thời gian (phút)",
                                                                "Travel time (min)"),
    "connector_m": ("Đoạn ngoài đường (m)", "Off road (m)"),
    "reachable": ("Tới được", "Reached"), "distance_km": ("Quãng đường (km)", "Distance (km)"),
    "source": ("Đường gốc", "Source line"), "n_cut": ("Số đối tượng bị cắt rời", "Cut off"),
    "n_slowed": ("Số đối tượng bị chậm", "Slowed"),
    "max_increase_pct": ("Tăng thời gian lớn nhất (%)", "Largest increase (%)"),
    "targets": ("Đối tượng bị ảnh hưởng", "Targets affected"),
    "target_codes": ("Mã đối tượng", "Target codes"),
    "target_names": ("Tên đối tượng", "Target names"), "node": ("Nút giao", "Junction"),
    "from": ("Từ", "From"), "from_code": ("Mã điểm đầu", "From code"),
    "from_name": ("Tên điểm đầu", "From name"), "to": ("Đến", "To"),
    "to_code": ("Mã điểm cuối", "To code"), "to_name": ("Tên điểm cuối", "To name"),
    "n_segments": ("Số đoạn", "Segments"), "segments": ("Các đoạn", "Segment ids"),
    "offroad_speed_kmh": ("Tốc độ ngoài đường (km/h)", "Off-road speed (km/h)"),
    # relocation
    "enterprise": ("Doanh nghiệp", "Enterprise"), "site": ("Địa điểm", "Site"),
    "site_name": ("Tên địa điểm", "Site name"), "reason": ("Lý do chưa bố trí",
                                                           "Why unplaced"),
    "site_depth_km": ("Độ sâu địa điểm (km)", "Site depth (km)"),
    "workforce": ("Lao động", "Workforce"), "floor_area_m2": ("Diện tích cần (m²)",
                                                              "Floor area (m²)"),
    "binding": ("Ràng buộc", "Binding constraints"),
    "route_hazard_m": ("Tuyến trong vùng thiên tai (m)", "Route in hazard zones (m)"),
    "route_hazards": ("Vùng thiên tai trên tuyến", "Hazard zones on the route"),
    "capacity": ("Sức chứa (lao động)", "Capacity (workers)"), "used": ("Đã dùng (lao động)",
                                                                       "Used (workers)"),
    "area_capacity": ("Diện tích (m²)", "Area (m²)"), "area_used": ("Diện tích đã dùng (m²)",
                                                                    "Area used (m²)"),
    "n_enterprises": ("Số doanh nghiệp", "Enterprises"),
    "passes_depth": ("Đạt độ sâu", "Passes depth"), "passes_hazard": ("Ngoài vùng thiên tai",
                                                                      "Passes hazard"),
    "selected": ("Được chọn", "Selected"), "change": ("Thay đổi", "Change"),
    "route_cut": ("Tuyến A qua đoạn cắt", "Plan A route was cut"),
    "site_a": ("Địa điểm (A)", "Site (A)"), "site_b": ("Địa điểm (B)", "Site (B)"),
    "travel_min_a": ("Thời gian A (phút)", "Time A (min)"),
    "travel_min_b": ("Thời gian B (phút)", "Time B (min)"),
    "delta_min": ("Chênh lệch (phút)", "Difference (min)"), "n_used": ("Số tuyến đi qua",
                                                                       "Routes over it"),
    "used_by": ("Doanh nghiệp đi qua", "Used by"),
    # evacuation (civil defense)
    "population": ("Dân số", "Population"),
    "population_source": ("Nguồn số dân", "Population source"),
    "hazard_area_m2": ("Diện tích trong vùng thiên tai (m²)", "Area in hazard zones (m²)"),
    "at_risk": ("Số người cần sơ tán", "People at risk"),
    "evacuated": ("Số người được bố trí", "People sheltered"),
    "unserved": ("Số người chưa có nơi sơ tán", "People left"),
    "n_groups": ("Số nhóm sơ tán", "Evacuation groups"),
    "shelters": ("Nơi sơ tán", "Shelters"), "max_group_min": ("Thời gian lâu nhất (phút)",
                                                              "Longest trip (min)"),
    "group": ("Nhóm sơ tán", "Group"), "people": ("Số người", "People"),
    "shelter": ("Nơi sơ tán", "Shelter"), "shelter_name": ("Tên nơi sơ tán", "Shelter name"),
    "shelter_capacity": ("Sức chứa (người)", "Capacity (people)"),
    "sheltered": ("Số người đã bố trí", "People sheltered"),
    # appraisal
    "proposal": ("Dự án", "Proposal"), "proposal_id": ("Mã hiệu dự án", "Proposal id"),
    "proposal_code": ("Mã dự án", "Proposal code"),
    "proposal_name": ("Tên dự án", "Proposal name"), "work": ("Công trình", "Work"),
    "work_code": ("Mã công trình", "Work code"), "work_name": ("Tên công trình", "Work name"),
    "work_kind": ("Loại công trình", "Work kind"), "verdict": ("Kết luận", "Verdict"),
    "work_class": ("Loại hạ tầng", "Infrastructure class"),
    "load_class": ("Tải trọng thiết kế (cầu)", "Load class (bridge)"),
    "runway_length_m": ("Chiều dài đường băng (m)", "Runway length (m)"),
    "dual_use": ("Lưỡng dụng", "Dual-use"),
    # facilities linked to bases
    "facility": ("Mã hiệu cơ sở kinh tế", "Facility id"),
    "facility_kind": ("Loại cơ sở", "Facility kind"),
    "facility_code": ("Mã cơ sở", "Facility code"), "facility_name": ("Tên cơ sở",
                                                                    "Facility name"),
    "n_facilities": ("Số cơ sở gắn với", "Linked facilities"),
    "facilities": ("Các cơ sở gắn với", "Facilities"),
    "max_distance_m": ("Khoảng cách xa nhất (m)", "Farthest (m)"),
    "share_pct": ("Tỷ lệ diện tích dự án (%)", "Share of the project (%)"),
    "opinion": ("Ý kiến thẩm định", "Opinion"), "author": ("Người soạn", "Author"),
    "saved_at": ("Thời điểm lưu (UTC)", "Saved at (UTC)"),
    "layer_versions": ("Phiên bản các lớp", "Layer versions"),
    "layers_changed": ("Lớp đã thay đổi", "Layers changed"),
    "zone_overlap_m2": ("Chồng lấn hành lang (m²)", "Zone overlap (m²)"),
    "zone_width_m": ("Rộng hành lang (m)", "Zone width (m)"),
    "n_conflict": ("Số xung đột", "Conflicts"),
    "n_protection_zone": ("Số vi phạm hành lang", "In protection zones"),
    "n_near": ("Số gần", "Near"), "nearest_work": ("Công trình gần nhất", "Nearest work"),
    "nearest_distance_m": ("Khoảng cách gần nhất (m)", "Nearest distance (m)"),
    # exercises and targets
    "commune_code": ("Mã xã", "Commune code"), "commune_name": ("Tên xã", "Commune"),
    "district_code": ("Mã huyện", "District code"), "district_name": ("Huyện", "District"),
    "year": ("Năm", "Year"), "last_exercised": ("Diễn tập lần trước", "Last exercised"),
    "waited_years": ("Số năm chờ", "Years waited"), "type": ("Loại diễn tập", "Type"),
    "result": ("Kết quả", "Result"), "note": ("Ghi chú", "Note"),
    # appraisal summary, exercise plan and targets
    "n_zone": ("Số hành lang bị vi phạm", "Zones entered"),
    "nearest_work_code": ("Mã công trình gần nhất", "Nearest work code"),
    "nearest_work_name": ("Tên công trình gần nhất", "Nearest work name"),
    "total_overlap_m2": ("Tổng diện tích chồng lấn (m²)", "Total overlap (m²)"),
    "total_zone_overlap_m2": ("Tổng chồng lấn hành lang (m²)", "Total zone overlap (m²)"),
    "planned": ("Số xã diễn tập", "Communes planned"), "communes": ("Số xã", "Communes"),
    "share": ("Tỷ lệ xã", "Share of communes"),
    "first_time": ("Số xã diễn tập lần đầu", "First time"),
    "districts_covered": ("Số huyện có xã diễn tập", "Districts covered"),
    "districts": ("Số huyện", "Districts"), "exercised": ("Xã đã diễn tập", "Exercised"),
    "exercise_share": ("Tỷ lệ xã diễn tập", "Share exercised"),
    "exercise_status": ("Đánh giá diễn tập", "Exercise status"),
    "training_grounds": ("Số thao trường trong huyện", "Training grounds"),
    "combat_bases": ("Số căn cứ chiến đấu trong huyện", "Combat bases"),
    "base_completion": ("Tiến độ căn cứ", "Base progress"),
    "base_status": ("Đánh giá căn cứ", "Base status"), "measure": ("Chỉ tiêu", "Target"),
    "value": ("Giá trị", "Value"), "achieved": ("Đạt được", "Achieved"),
    "total": ("Tổng số", "Total"), "target_min": ("Tối thiểu", "Min"),
    "target_max": ("Tối đa", "Max"), "status": ("Đánh giá", "Status"),
    # terrain (planning.terrain, the Terrain page)
    "elevation_m": ("Độ cao (m)", "Elevation (m)"), "slope_deg": ("Độ dốc (độ)", "Slope (°)"),
    "elevation_min_m": ("Độ cao thấp nhất (m)", "Lowest (m)"),
    "elevation_max_m": ("Độ cao cao nhất (m)", "Highest (m)"),
    "area_km2": ("Diện tích (km²)", "Area (km²)"),
    "seen_km2": ("Diện tích nhìn thấy (km²)", "Seen (km²)"),
    "seen_pct": ("Tỷ lệ nhìn thấy (%)", "Seen (%)"),
    "observer": ("Mã hiệu vị trí quan sát", "Observer id"),
    "ground_m": ("Độ cao mặt đất (m)", "Ground (m)"),
    "visible_km2": ("Diện tích vị trí nhìn thấy (km²)", "Seen from it (km²)"),
    "lon": ("Kinh độ", "Longitude"), "lat": ("Vĩ độ", "Latitude"),
    "dem_version": ("Phiên bản", "Version"), "dem_created": ("Thời điểm nhập", "Imported at"),
    "dem_crs": ("Hệ tọa độ", "CRS"), "dem_size": ("Số hàng × số cột", "Rows × columns"),
    "cell_m": ("Kích thước ô (m)", "Cell (m)"), "dem_source": ("Nguồn", "Source"),
    "dem_note": ("Ghi chú", "Note"),
    # plan periods and construction roadmap (planning.roadmap)
    "work_id": ("Mã hiệu công trình", "Work id"), "work_layer": ("Lớp công trình", "Work layer"),
    "start_year": ("Năm bắt đầu", "Start year"), "finish_year": ("Năm hoàn thành",
                                                                "Finish year"),
    "planned_pct": ("Kế hoạch (%)", "Planned (%)"), "actual_pct": ("Thực hiện (%)",
                                                                   "Actual (%)"),
    "attribute_pct": ("Theo thuộc tính lớp (%)", "Layer attribute (%)"),
    "completion_source": ("Nguồn số liệu hoàn thành", "Completion from"),
    "period": ("Giai đoạn", "Period"), "first_year": ("Năm đầu", "First year"),
    "last_year": ("Năm cuối", "Last year"),
    # industrial mobilization (planning.mobilization)
    "products": ("Sản phẩm", "Products"),
    "production_line": ("Dây chuyền", "Production line"),
    "mobilization_capacity": ("Năng lực động viên", "Mobilization capacity"),
    "capacity_unit": ("Đơn vị năng lực", "Capacity unit"),
    "capacity_total": ("Tổng năng lực", "Total capacity"),
    "readiness": ("Mức sẵn sàng", "Readiness"),
    "must_relocate": ("Phải di chuyển", "Must relocate"),
    "needs_water": ("Cần nước", "Needs water"), "needs_power": ("Cần điện", "Needs power"),
    "district": ("Mã huyện", "District code"), "direction": ("Hướng", "Direction"),
    "bearing_deg": ("Góc phương vị (độ)", "Bearing (°)"),
    "n_ready": ("Sẵn sàng", "Ready"), "n_partial": ("Sẵn sàng một phần", "Partly ready"),
    "n_not_ready": ("Chưa sẵn sàng", "Not ready"), "n_unknown": ("Chưa rõ", "Unknown"),
    "n_must_relocate": ("Số phải di chuyển", "Must relocate"),
}
"""Column → (Vietnamese, English) header."""

VALUE_LABELS: dict[str, tuple[str, str]] = {
    # requirements a unit meets by its own attributes (geo.settings.unit_status_kinds,
    # unit_share_kinds), as the completeness table's "missing" names them
    "combat_commune": ("xã chiến đấu", "combat commune"),
    "combat_village": ("làng chiến đấu", "combat village"),
    "combat_villages": ("tỷ lệ làng chiến đấu", "share of combat villages"),
    "roadmap": ("lộ trình xây dựng", "roadmap"),
    "attribute": ("thuộc tính lớp", "layer attribute"),
    "conflict": ("xung đột", "conflict"), "protection_zone": ("trong hành lang bảo vệ",
                                                              "in protection zone"),
    "near": ("gần", "near"), "clear": ("không ảnh hưởng", "clear"),
    "province": ("tỉnh", "province"), "district": ("huyện", "district"),
    "commune": ("xã", "commune"), "village": ("thôn, bản", "village"),
    "national_road": ("quốc lộ", "national road"), "provincial_road": ("tỉnh lộ",
                                                                       "provincial road"),
    "district_road": ("đường huyện", "district road"), "other_road": ("đường khác",
                                                                      "other road"),
    "connector": ("đoạn nối ngoài đường", "off-road connector"),
    "no_eligible_site": ("không địa điểm đạt tiêu chí", "no eligible site"),
    "not_connected": ("không tới được bằng đường bộ", "not connected"),
    "max_time": ("quá thời gian tối đa", "over the maximum time"),
    "capacity": ("hết sức chứa", "capacity"), "unplaced": ("không còn bố trí được",
                                                           "unplaced"),
    "placed": ("được bố trí", "placed"), "time": ("đổi thời gian", "time"),
    "site": ("đổi địa điểm", "another site"),
    "depth": ("độ sâu", "depth"), "hazard": ("vùng thiên tai", "hazard"),
    "point": ("điểm", "point"), "line": ("đường", "line"), "polygon": ("vùng", "polygon"),
    "flood": ("ngập lụt", "flood"), "landslide": ("sạt lở", "landslide"),
    "forest_fire": ("cháy rừng", "forest fire"),
    "no_shelter": ("mọi nơi sơ tán đều trong vùng thiên tai", "every shelter in a hazard zone"),
    "data": ("số liệu của lớp", "layer data"),
    "fallback": ("tạm tính theo mật độ mặc định", "default density (assumed)"),
    "below": ("dưới chỉ tiêu", "below target"), "within": ("đạt", "within target"),
    "above": ("vượt chỉ tiêu", "above target"), "no_data": ("không có dữ liệu", "no data"),
    "planned": ("quy hoạch", "planned"), "building": ("đang xây dựng", "building"),
    "done": ("đã xây xong", "built"), "built": ("đã xây xong", "built"),
    "linked": ("đã gắn căn cứ", "linked"),
    "unknown_base": ("mã căn cứ không có", "unknown base code"),
    "ambiguous_base": ("mã căn cứ trùng", "ambiguous base code"),
    "not_linked": ("chưa gắn căn cứ", "not linked"),
    "ready": ("sẵn sàng", "ready"), "partial": ("sẵn sàng một phần", "partly ready"),
    "not_ready": ("chưa sẵn sàng", "not ready"), "unknown": ("chưa rõ", "unknown"),
    "no_water": ("không địa điểm đạt tiêu chí có nước", "no eligible site with water"),
    "no_power": ("không địa điểm đạt tiêu chí có điện", "no eligible site with power"),
    "no_water_power": ("không địa điểm đạt tiêu chí có đủ nước và điện",
                       "no eligible site with water and power"),
    "water_power": ("thiếu nước, điện", "water, power"),
}
"""Value of a text column → (Vietnamese, English); layer kinds come from their labels."""

TRANSLATED_COLUMNS: frozenset[str] = frozenset({
    "kind", "level", "verdict", "class", "reason", "change", "geometry_type", "hazard",
    "work_kind", "population_source", "exercise_status", "base_status", "status", "work_status",
    "readiness", "facility_kind"})
"""Columns whose values are translated (codes such as ``conflict`` → ``xung đột``)."""

LIST_COLUMNS: frozenset[str] = frozenset({"missing"})
"""Columns whose values are lists of codes (``"combat_base, key_defense_area"``), each
translated as in :data:`TRANSLATED_COLUMNS`."""

_DECIMALS: tuple[tuple[str, int], ...] = (
    ("_min", 1), ("_km", 2), ("_m2", 0), ("_m", 0), ("_pct", 1), ("_kmh", 0),
    ("_share", 3))


def rounding(column: str) -> int | None:
    """Return the decimals a column is shown with (``None``: as it is).

    Plan columns ``<measure>_a`` / ``<measure>_b`` round as their measure.
    """
    column = column.removesuffix("_a").removesuffix("_b")
    for suffix, decimals in _DECIMALS:
        if column.endswith(suffix):
            return decimals
    return 2 if column in {"band_km"} else None


def header(column: str, language: str) -> str:
    """Return the header of ``column`` in ``language`` (``"vi"`` or ``"en"``)."""
    i = 0 if language == "vi" else 1
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column][i]
    for prefix, words in (("n_", ("Số", "Number of")), ("has_", ("Có", "Has"))):
        kind = column.removeprefix(prefix)
        if column.startswith(prefix) and kind in KINDS:
            return f"{words[i]} {KINDS[kind].label(language).lower()}"
    return column


def value_text(value: object, language: str) -> object:
    """Return a translated value (a kind's label, a verdict…) in ``language``, else the value."""
    if not isinstance(value, str):
        return value
    if value in KINDS:
        return KINDS[value].label(language)
    labels = VALUE_LABELS.get(value)
    return value if labels is None else labels[0 if language == "vi" else 1]
