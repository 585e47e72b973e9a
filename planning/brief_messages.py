"""Messages and words of the atlas and briefing packs, in Vietnamese and English.

:data:`BRIEF_MESSAGES` holds the errors of :mod:`planning.atlas`, :mod:`planning.briefs`
and :mod:`planning.opinions` (kept in :mod:`planning.messages_sheets`, merged into
:data:`planning.messages.MESSAGES`);
:data:`BRIEF_TEXTS` the words those modules write into the pages (titles, captions, lead
sentences). :class:`BriefError` is a :class:`planning.errors.PlanningError` read from this
catalogue.
"""

from __future__ import annotations

from layers import messages as layers_messages
from layers.errors import LayerError
from planning.errors import PlanningError
from planning.messages import Message
from planning.messages_sheets import BRIEF_MESSAGES

BRIEF_TEXTS: dict[str, tuple[str, str]] = {
    # atlas
    "atlas_title": ("Tập bản đồ khu vực phòng thủ", "Defense area atlas"),
    "atlas_by_district": ("Theo huyện, thành phố", "By district"),
    "atlas_by_commune": ("Theo xã, phường, thị trấn", "By commune"),
    "atlas_within_district": ("Các huyện, thành phố của {where}", "Districts of {where}"),
    "atlas_within_commune": ("Các xã, phường, thị trấn của {where}", "Communes of {where}"),
    "atlas_assets": ("Công trình, đối tượng trong {unit} ({count})",
                     "Assets in {unit} ({count})"),
    "atlas_no_assets": ("Không có công trình, đối tượng nào trong {unit}.",
                        "No asset lies in {unit}."),
    # appraisal
    "appraisal_title": ("Báo cáo thẩm định dự án", "Appraisal of proposed projects"),
    "appraisal_overview": ("Tổng hợp kết quả thẩm định", "Appraisal overview"),
    "appraisal_item": ("Dự án {label}", "Project {label}"),
    "verdict_line": ("Kết luận: {verdict}", "Verdict: {verdict}"),
    "works_line": ("Công trình quốc phòng trong phạm vi {search} m: {count}",
                   "Defense works within {search} m: {count}"),
    "opinion_head": ("Ý kiến đề xuất", "Proposed opinion"),
    "works_table": ("Các công trình quốc phòng liên quan", "Defense works concerned"),
    # relocation
    "relocation_title": ("Báo cáo di chuyển doanh nghiệp động viên công nghiệp",
                         "Relocation of designated enterprises"),
    "relocation_overview": ("Tổng hợp phương án di chuyển", "Relocation overview"),
    "plan_a": ("Phương án A: mạng đường đầy đủ", "Plan A: intact network"),
    "plan_b": ("Phương án B: đã cắt đoạn đường", "Plan B: with the cut"),
    "changes": ("Thay đổi khi cắt đoạn đường", "Changes with the cut"),
    "plan_total": ("{plan}: bố trí {placed}/{total} doanh nghiệp; tổng thời gian "
                   "{minutes} phút{proof}",
                   "{plan}: {placed} of {total} enterprises placed; total travel "
                   "{minutes} min{proof}"),
    "not_optimal": (" (chưa chứng minh tối ưu)", " (not proven optimal)"),
    "cut_line": ("Đoạn đường bị cắt: {segments}", "Segments cut: {segments}"),
    "no_changes": ("Không doanh nghiệp nào thay đổi.", "No enterprise changes."),
    "sites_table": ("Địa điểm di chuyển được chọn", "Relocation sites selected"),
    "enterprises_table": ("Doanh nghiệp và địa điểm", "Enterprises and their sites"),
    "plans_table": ("So sánh phương án", "Plans compared"),
    "plan_column": ("Phương án", "Plan"),
    # posture
    "posture_title": ("Báo cáo thế trận khu vực phòng thủ", "Defense posture"),
    "posture_overview": ("Tổng quan thế trận", "Posture overview"),
    "built_only_title": (" – chỉ tính công trình đã xây dựng xong",
                         " – built works only"),
    "built_only_line": ("Chỉ tính các công trình đã xây dựng xong (hoàn thành 100 % theo lộ "
                        "trình xây dựng, nếu chưa có thì theo lớp dữ liệu); công trình đang "
                        "xây dựng hoặc mới quy hoạch không được tính.",
                        "Counts built works only (100 % complete by the construction "
                        "roadmap, else by the layer); works being built or only planned "
                        "are left out."),
    "completeness": ("Thành phần theo đơn vị hành chính", "Completeness per admin unit"),
    "completeness_line": ("{complete}/{total} đơn vị có yêu cầu đủ thành phần.",
                          "{complete} of {total} units with requirements are complete."),
    "depth": ("Chiều sâu tính từ biên giới", "Depth behind the border"),
    "depth_table": ("Số đối tượng theo loại và dải chiều sâu (km)",
                    "Assets per kind and depth band (km)"),
    "depth_records": ("Chiều sâu từng đối tượng", "Depth of every asset"),
    "support": ("Hỗ trợ lẫn nhau giữa các vị trí", "Mutual support between positions"),
    "support_line": ("{groups} nhóm, {isolated} vị trí cô lập (liên kết khi cách nhau "
                     "≤ {limit}).",
                     "{groups} groups, {isolated} isolated positions (linked within "
                     "{limit})."),
    "support_groups": ("Các nhóm vị trí", "Groups of positions"),
    "support_weak": ("Liên kết yếu (cầu nối), yếu nhất trước", "Weakest links (bridges) first"),
    "none_found": ("Không có.", "None."),
    "members": ("Các vị trí", "Positions"),
    # evacuation (civil defense)
    "evacuation_title": ("Báo cáo sơ tán dân khỏi vùng thiên tai",
                         "Evacuation from hazard zones"),
    "evacuation_overview": ("Tổng hợp phương án sơ tán", "Evacuation overview"),
    "evacuation_totals": ("{communes} xã trong vùng thiên tai: {at_risk} người cần sơ tán; "
                          "đã bố trí nơi sơ tán cho {evacuated} người; {unserved} người "
                          "chưa có nơi sơ tán ({n_unserved} xã).{proof}",
                          "{communes} communes in hazard zones: {at_risk} people at risk; "
                          "{evacuated} sheltered; {unserved} left without a shelter "
                          "({n_unserved} communes).{proof}"),
    "evacuation_options": ("Loại thiên tai: {hazards}; thời gian di chuyển tối đa {max_min} "
                           "phút; nhóm sơ tán {group_size} người; số người cần sơ tán: "
                           "{rule}.",
                           "Hazards: {hazards}; maximum travel time {max_min} min; groups "
                           "of {group_size} people; people at risk: {rule}."),
    "evacuation_all_hazards": ("mọi vùng thiên tai", "every hazard zone"),
    "evacuation_whole_commune": ("cả xã", "whole commune"),
    "evacuation_rule_area_share": ("theo tỷ lệ diện tích xã trong vùng",
                                   "by the share of area in the zones"),
    "evacuation_rule_whole": ("toàn bộ dân số xã", "the whole population"),
    "evacuation_nobody": ("Không xã nào nằm trong vùng thiên tai đã chọn.",
                          "No commune lies in the chosen hazard zones."),
    "evacuation_plan": ("Phương án sơ tán: xã, tuyến đường, nơi sơ tán",
                        "Evacuation plan: communes, routes, shelters"),
    "evacuation_communes": ("Các xã cần sơ tán", "Communes to evacuate"),
    "evacuation_unserved": ("Xã còn người chưa có nơi sơ tán",
                            "Communes with people left without a shelter"),
    "evacuation_unserved_line": ("{count} xã còn {people} người chưa có nơi sơ tán.",
                                 "{count} communes with {people} people left."),
    "evacuation_all_served": ("Mọi người cần sơ tán đều đã có nơi sơ tán.",
                              "Everyone at risk has a shelter."),
    "evacuation_shelters": ("Sức chứa và số người bố trí tại từng nơi sơ tán",
                            "Load of each shelter"),
    "evacuation_shelters_line": ("{used}/{total} nơi sơ tán được dùng; {sheltered}/{capacity} "
                                 "chỗ; {in_hazard} nơi nằm trong vùng thiên tai không được "
                                 "dùng.",
                                 "{used} of {total} shelters used; {sheltered} of {capacity} "
                                 "places; {in_hazard} in hazard zones, not used."),
    "evacuation_load_pct": ("Tỷ lệ sử dụng (%)", "Load (%)"),
    "evacuation_reason_no_shelter": ("mọi nơi sơ tán đều nằm trong vùng thiên tai",
                                     "every shelter lies in a hazard zone"),
    "evacuation_reason_not_connected": ("không tới được nơi sơ tán an toàn nào bằng đường bộ",
                                        "no safe shelter reachable by road"),
    "evacuation_reason_max_time": ("không có nơi sơ tán an toàn trong thời gian tối đa",
                                   "no safe shelter within the maximum travel time"),
    "evacuation_reason_capacity": ("các nơi sơ tán an toàn trong thời gian tối đa đã hết chỗ",
                                   "every safe shelter within the maximum time is full"),
    # common
    "evacuation_section": ("Sơ tán dân", "Evacuation"),
    "appraisal_section": ("Thẩm định dự án", "Appraisal"),
    "relocation_section": ("Di chuyển doanh nghiệp", "Relocation"),
    "settings_title": ("Các thiết lập đã dùng", "Settings used"),
    "warnings_head": ("Lưu ý về dữ liệu đầu vào", "Notes on the inputs"),
}
"""Key → (Vietnamese, English) of the words the atlas and briefings write."""

SETTING_LABELS: dict[str, tuple[str, str]] = {
    "proposals": ("Lớp dự án đề xuất", "Proposed-projects layer"),
    "protection_zone_m": ("Chiều rộng hành lang bảo vệ theo loại (m)",
                          "Protection-zone width per kind (m)"),
    "search_distance_m": ("Khoảng cách tìm kiếm (m)", "Search distance (m)"),
    "near_distance_m": ("Khoảng cách 'gần' (m)", "'Near' distance (m)"),
    "min_depth_km": ("Độ sâu tối thiểu của địa điểm (km)", "Minimum site depth (km)"),
    "max_travel_min": ("Thời gian di chuyển tối đa (phút)", "Maximum travel time (min)"),
    "capacity_by": ("Sức chứa tính theo", "Capacity by"),
    "cut": ("Đoạn đường bị cắt", "Segments cut"),
    "offroad_speed_kmh": ("Tốc độ ngoài đường (km/h)", "Off-road speed (km/h)"),
    "posture_requirements": ("Thành phần yêu cầu theo cấp", "Required kinds per level"),
    "combat_village_share_min": ("Tỷ lệ làng chiến đấu tối thiểu (0–1)",
                                 "Smallest share of combat villages (0–1)"),
    "depth_bands_km": ("Giới hạn các dải chiều sâu (km)", "Depth band limits (km)"),
    "within_km": ("Liên kết khi cách nhau trong (km)", "Linked within (km)"),
    "within_min": ("Liên kết khi đi đường bộ trong (phút)", "Linked within by road (min)"),
    "built_only": ("Chỉ tính công trình đã xây dựng xong", "Built works only"),
    "group_size": ("Số người mỗi nhóm sơ tán (0: cả xã)", "People per group (0: whole commune)"),
    "population_rule": ("Cách tính số người cần sơ tán", "People at risk by"),
    "hazard_types": ("Loại thiên tai cần sơ tán", "Hazards evacuated from"),
    "fallback_density_km2": ("Mật độ dân số mặc định (người/km²)",
                             "Default population density (people/km²)"),
}
"""Setting name of :attr:`planning.results.Result.settings` → (Vietnamese, English)."""


def words(key: str, lang: str, **params: object) -> str:
    """Return the text ``key`` of :data:`BRIEF_TEXTS` in ``lang``, formatted with ``params``."""
    vi, en = BRIEF_TEXTS[key]
    return (vi if lang == "vi" else en).format(**params)


class _BriefMessage(Message):
    """A message of :data:`BRIEF_MESSAGES`."""

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``"vi"`` or ``"en"``)."""
        vi, en = BRIEF_MESSAGES[self.key]
        return layers_messages.format_message(vi if lang == "vi" else en, self.params, lang)


class BriefError(PlanningError):
    """Bad input to an atlas or briefing (no such units, a malformed opinions file…)."""

    def __init__(self, key: str, **params: object) -> None:
        self.message = _BriefMessage(key, dict(params))
        LayerError.__init__(self, self.message.text("en"))
