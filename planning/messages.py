"""The planning layer's message catalogue: one key per message, Vietnamese and English.

Errors (:class:`planning.errors.PlanningError`) and warnings carry a key and parameters;
each front end picks the language: the app Vietnamese by default, the command line
English. Parameters are formatted into the text with :meth:`str.format`.

The problems :mod:`geo` reports (:class:`geo.errors.AnalysisInputError`) are put in the
app's language by :func:`analysis_text`: English from :mod:`geo` itself, Vietnamese from
:data:`planning.analysis_messages.ANALYSIS`.
"""

from __future__ import annotations

from geo.errors import AnalysisInputError, Problem, render
from layers import messages as layers_messages
from planning import messages_sheets
from planning.analysis_messages import ANALYSIS, ARGUMENTS, CAPACITY

MESSAGES: dict[str, tuple[str, str]] = {
    "no_layer_of_kind": (
        "Dự án chưa có lớp loại {kind}: nhập một lớp loại này (trang Lớp dữ liệu, hoặc "
        "`kvpt import P.gpkg TỆP --kind {kind}`).",
        "the project has no feature of kind {kind}: import a layer with `kvpt import P.gpkg "
        "FILE --kind {kind}`."),
    "not_layer_of_kind": (
        "{name!r} không phải lớp loại {kind!r}; các lớp loại này: {names}.",
        "{name!r} is not a layer of kind {kind!r}; layers of that kind: {names} (see `kvpt "
        "layers`)."),
    "unknown_layer": (
        "{name!r} không phải một lớp của dự án; các lớp: {names}.",
        "{name!r} is not a layer of the project; layers: {names} (see `kvpt layers`)."),
    "no_road_layer": (
        "Dự án chưa có lớp đường (loại 'Hạ tầng'): nhập một lớp đường (cấp quốc lộ, tỉnh lộ…).",
        "the project has no road layer: import one with `kvpt import P.gpkg FILE --kind "
        "infrastructure` (class national_road, provincial_road, ...)."),
    "no_communes": (
        "Dự án chưa có xã: không lớp đơn vị hành chính nào có đơn vị cấp xã (cột cấp = xã, "
        "phường, thị trấn). Các lớp đơn vị hành chính: {names}.",
        "the project has no communes: no admin-unit layer has units of level commune (a "
        "'level' of commune, xã, phường or thị trấn). Admin-unit layers: {names}. Import the "
        "communes as kind admin_unit with a level column."),
    "units_without_level": (
        "Lớp {layer!r}: {count} đơn vị không rõ cấp (tỉnh, huyện, xã) nên bị bỏ qua{values}. "
        "Ghi cấp vào cột 'level' rồi nhập lại.",
        "layer {layer!r}: {count} units have no known level (province, district, commune) and "
        "are left out{values}. Give them a 'level' and import the layer again."),
    "bad_zone": (
        "Hành lang {item!r} phải có dạng LOẠI=MÉT với LOẠI là một trong {kinds} và MÉT >= 0, "
        "ví dụ combat_base=800.",
        "--zone {item!r} must be KIND=METRES with KIND one of {kinds} and METRES >= 0, e.g. "
        "combat_base=800."),
    "bad_speed": (
        "Tốc độ {item!r} phải có dạng CẤP=KM/H với KM/H > 0, ví dụ national_road=60.",
        "--speed {item!r} must be CLASS=KMH with KMH > 0, e.g. national_road=60."),
    "bad_bands": (
        "Giới hạn dải {text!r} không hợp lệ: nhập các số km > 0 tăng dần, cách nhau bằng dấu "
        "phẩy, ví dụ 10, 30, 60.",
        "--bands {text!r} must be depth limits in km > 0, increasing, separated by commas, "
        "e.g. --bands 10,30,60."),
    "both_limits": (
        "Chỉ chọn một trong hai: khoảng cách (km) hoặc thời gian (phút).",
        "give --within-km or --within-min, not both (e.g. --within-km 15)."),
    "unknown_segment": (
        "Không có đoạn đường {ids} trong mạng đường; chọn mã đoạn trong danh sách.",
        "no road segment {ids} in the network: `kvpt relocate --list-segments` lists the "
        "segment ids."),
    "too_many_cuts": (
        "Cắt {count} đoạn là quá nhiều (tối đa {limit}): chọn các đoạn cần xét.",
        "cutting {count} segments is too many (at most {limit}): pick the segments to study."),
    "no_hub": (
        "Không đối tượng nào cấp {level!r} để làm đầu mối: chọn đầu mối.",
        "no feature of level {level!r} among the targets to serve as hub: name the hubs with "
        "--hub '<layer>:<row>' or a name."),
    "no_target": (
        "Không có đối tượng cần xét: chọn một lớp căn cứ hoặc địa điểm.",
        "no target: name a layer of bases or sites with --targets LAYER."),
    "too_few_features": (
        "Cần ít nhất hai đối tượng điểm hoặc vùng.",
        "needs at least two point or polygon features."),
    "not_proposals": (
        "Lớp {name!r} là loại {kind!r}, không phải dự án đề xuất; các lớp dự án đề xuất: "
        "{names}.",
        "layer {name!r} is of kind {kind!r}, not proposed projects; proposed-project layers: "
        "{names}."),
    "analysis_untranslated": (
        "Dữ liệu đầu vào của phân tích chưa hợp lệ (chi tiết bằng tiếng Anh): {detail}",
        "{detail}"),
    "solver_limit": (
        "Phương án {tag}: bộ giải dừng do hết thời gian, chưa chứng minh tối ưu.",
        "plan {tag}: the solver hit its time limit; not proven optimal."),
    "communes_without_code": (
        "Lớp {layer!r}: {count} xã không có mã (cột 'code'), ví dụ {rows}; kết quả diễn tập "
        "ghi theo mã xã: ghi mã cho mọi xã rồi nhập lại lớp.",
        "layer {layer!r}: {count} communes have no code (column 'code'), e.g. {rows}; exercise "
        "records name communes by code: give every commune a code and import the layer "
        "again."),
    "ambiguous_code": (
        "Mã {ident!r} là của {count} đối tượng ({ids}): chọn một đối tượng theo '<lớp>:<hàng>'.",
        "code {ident!r} names {count} features ({ids}): give one as '<layer>:<row>'."),
    "no_relocation_layers": (
        "Cần một lớp 'Doanh nghiệp động viên công nghiệp' và một lớp 'Địa điểm di chuyển'. "
        "Nhập chúng ở trang Lớp dữ liệu.",
        "the project has no layer of kind {kinds}: import one with `kvpt import P.gpkg FILE "
        "--kind KIND`."),
    "communes_without_code_skipped": (
        "Lớp {layer!r}: {count} xã không có mã (cột 'code'), ví dụ {rows}, nên không được xét "
        "trong diễn tập và chỉ tiêu. Ghi mã cho các xã rồi nhập lại lớp.",
        "layer {layer!r}: {count} communes have no code (column 'code'), e.g. {rows}, and are "
        "left out of the exercises and targets. Give them a code and import the layer again."),
}
"""Key → (Vietnamese, English)."""


class Message(layers_messages.Message):
    """A message of the planning catalogue (:data:`MESSAGES`) with its parameters.

    As :class:`layers.messages.Message` (``key``, ``params``, ``text(lang)``), read from
    this module's catalogue; the command line prints the English text.
    """

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``"vi"`` or ``"en"``)."""
        vi, en = MESSAGES[self.key]
        return layers_messages.format_message(vi if lang == "vi" else en, self.params, lang)

    def __str__(self) -> str:
        return self.text("en")


def analysis_text(err: AnalysisInputError, lang: str = "en") -> str:
    """Return the problems of an analysis error in ``lang``, one per line.

    Parameters
    ----------
    err : AnalysisInputError
        The error :mod:`geo` raised.
    lang : str
        ``"vi"`` or ``"en"``.

    Returns
    -------
    str
        ``str(err)`` in English; in Vietnamese each problem from
        :data:`~planning.analysis_messages.ANALYSIS`, and any problem without a
        Vietnamese text after a Vietnamese lead sentence, in English.
    """
    return "\n".join(problem_text(p, lang) for p in err.problems)


def problem_text(problem: str, lang: str = "en") -> str:
    """Return one problem of :mod:`geo` (a :class:`geo.errors.Problem` or text) in ``lang``."""
    if lang != "vi":
        return str(problem)
    template = ANALYSIS.get(getattr(problem, "key", ""))
    if template is None:
        return Message("analysis_untranslated", {"detail": str(problem)}).text("vi")
    params = {name: _vi_word(name, value) for name, value in problem.params.items()}
    return render(template, params, lambda nested: problem_text(nested, "vi"))


def _vi_word(name: str, value: object) -> object:
    """Put an argument name or a capacity dimension in Vietnamese; other values as given."""
    if not isinstance(value, str) or isinstance(value, Problem):
        return value
    if name in ("role", "arg"):
        return ARGUMENTS.get(value, value)
    if name in ("by", "other"):
        return CAPACITY.get(value, value)
    return value


# --- drawn features (planning.drawing) and "go to" texts (geo.coordinates) --------------
MESSAGES.update({
    "drawing_refused": (
        "Chưa lưu được hình vẽ ({count} lỗi):",
        "The drawn feature was not saved ({count} problem(s)):"),
    "drawing_kind": (
        "Không lưu hình vẽ thành loại {kind!r} được; chọn một trong: {kinds}.",
        "A drawing cannot be saved as kind {kind!r}; choose one of: {kinds}."),
    "drawing_no_geometry": (
        "Hình vẽ không phải một điểm, đường hay vùng: vẽ lại trên bản đồ.",
        "The drawing is not a GeoJSON point, line or polygon: draw it again on the map."),
    "drawing_empty": (
        "Hình vẽ rỗng: vẽ ít nhất một điểm, hai đỉnh của đường hoặc ba đỉnh của vùng.",
        "The drawing is empty: draw a point, two vertices of a line or three of a polygon."),
    "drawing_wrong_geometry": (
        "{kind} phải là {allowed}, không phải {got}: vẽ lại bằng công cụ {allowed}.",
        "A {kind} must be a {allowed}, not a {got}: draw it again with the "
        "{allowed} tool."),
    "drawing_outside": (
        "Hình vẽ nằm ngoài Việt Nam (khung {bounds}): vẽ lại trong tỉnh.",
        "The drawing lies outside Vietnam (bounds {bounds}): draw it again inside the "
        "province."),
    "drawing_invalid": (
        "Vùng vẽ có các cạnh cắt nhau ({reason}): vẽ lại sao cho các cạnh không cắt nhau.",
        "The drawn polygon crosses itself ({reason}): draw it again with edges that do not "
        "cross."),
    "drawing_layer_choose": (
        "Dự án có nhiều lớp {kind} ({names}): chọn lớp để thêm hình vẽ vào.",
        "The project has several {kind} layers ({names}): choose the layer to add the "
        "drawing to."),
    "drawing_layer_kind": (
        "Lớp {layer!r} là lớp {other}, không phải {kind}: chọn một lớp {kind} hoặc "
        "đặt tên cho lớp mới.",
        "Layer {layer!r} holds {other} features, not {kind}: choose a {kind} layer "
        "or name a new one."),
    "drawing_layer_deleted": (
        "Lớp {layer!r} đã bị xóa: khôi phục lớp (trang Lớp dữ liệu) hoặc đặt tên lớp mới.",
        "Layer {layer!r} is deleted: bring it back first (`kvpt undelete`) or name a new "
        "layer."),
    "drawing_layer_name": (
        "Đặt tên cho lớp sẽ chứa hình vẽ.",
        "Name the layer to add the drawing to."),
    "drawing_unknown_field": (
        "{kind} không có trường {name!r}; các trường: {fields}.",
        "A {kind} has no field {name!r}; its fields: {fields}."),
    "drawing_required": (
        "Chưa nhập {field}: trường này bắt buộc.",
        "{field} is required."),
    "drawing_required_by_layer": (
        "Chưa nhập {field}: mọi đối tượng khác của lớp {layer!r} đều có, và các phân tích "
        "cần đủ.",
        "{field} is missing: every other feature of layer {layer!r} has it, and the "
        "analyses need it complete."),
    "drawing_not_number": (
        "{field} phải là một số, không phải {value!r}.",
        "{field} must be a number, not {value!r}."),
    "drawing_not_integer": (
        "{field} phải là số nguyên, không phải {value!r}.",
        "{field} must be a whole number, not {value!r}."),
    "drawing_negative": (
        "{field} không được âm ({value}).",
        "{field} must not be negative ({value})."),
    "drawing_range": (
        "{field} phải trong khoảng {low}–{high}, không phải {value}.",
        "{field} must be between {low} and {high}, not {value}."),
    "drawing_choice": (
        "{field} phải là một trong: {choices}; không phải {value!r}.",
        "{field} must be one of: {choices}; not {value!r}."),
    "drawing_code_taken": (
        "Mã {value!r} đã dùng cho {other!r} trong lớp {layer!r}: chọn mã khác.",
        "Code {value!r} is already used by {other!r} in layer {layer!r}: choose another."),
    "drawing_undo_stale": (
        "Không hoàn tác được: lớp {layer!r} đã có phiên bản {current}, mới hơn phiên bản "
        "{version} của hình vẽ. Khôi phục phiên bản cũ ở trang Lớp dữ liệu.",
        "Cannot undo: layer {layer!r} is at version {current}, newer than the drawing's "
        "version {version}. Restore an earlier version instead (`kvpt restore`)."),
    "goto_empty": (
        "Nhập vị trí cần đến, ví dụ 21.85, 106.75 hoặc X=2417143.85 Y=448124.41.",
        "Type a place to go to, e.g. 21.85, 106.75 or X=2417143.85 Y=448124.41."),
    "goto_unrecognised": (
        "{text!r} không phải tọa độ. Nhập độ thập phân (21.85, 106.75), độ phút giây "
        "(21°51'00\"N 106°45'00\"E), VN-2000 X Y theo mét (X=2417143.85 Y=448124.41, có thể "
        "ghi kinh tuyến trục 107-15), UTM có múi (48Q 680846 2417252) hoặc MGRS "
        "(48Q XK 80846 17252).",
        "{text!r} is not a coordinate. Type decimal degrees (21.85, 106.75), degrees minutes "
        "seconds (21°51'00\"N 106°45'00\"E), VN-2000 X Y metres (X=2417143.85 Y=448124.41, "
        "the central meridian such as 107-15 optional), UTM with its zone "
        "(48Q 680846 2417252) or MGRS (48Q XK 80846 17252)."),
    "goto_outside": (
        "{text!r} là điểm vĩ độ {lat:.5f}, kinh độ {lon:.5f}, nằm ngoài Việt Nam: kiểm tra "
        "các số, thứ tự và múi chiếu.",
        "{text!r} is the point latitude {lat:.5f}, longitude {lon:.5f}, outside Vietnam: "
        "check the numbers, their order and the zone."),
    "goto_angle": (
        "{text!r}: phút và giây phải nhỏ hơn 60, ví dụ 21°51'12.3\"N.",
        "{text!r}: minutes and seconds must be below 60, e.g. 21°51'12.3\"N."),
    "goto_mgrs": (
        "{text!r} không phải tọa độ MGRS đúng: hai số cùng số chữ số, ví dụ 48Q XK 80846 17252.",
        "{text!r} is not a valid MGRS reference: two numbers of the same length, e.g. "
        "48Q XK 80846 17252."),
    "goto_grid": (
        "{value!r} không phải lưới chiếu VN-2000 hay UTM dùng được (múi UTM từ 1 đến 60; "
        "Việt Nam ở múi 48, 49).",
        "{value!r} is not a usable VN-2000 or UTM grid (UTM zones are 1 to 60; Vietnam is in "
        "48 and 49)."),
    "coord_dd": ("Độ thập phân", "Decimal degrees"),
    "coord_dms": ("Độ, phút, giây", "Degrees, minutes, seconds"),
    "coord_vn2000": ("VN-2000 (múi chiếu của tỉnh)", "VN-2000 (province zone)"),
    "coord_utm_vn2000": ("UTM trên VN-2000", "UTM on VN-2000"),
    "coord_utm_wgs84": ("UTM (WGS 84)", "UTM (WGS 84)"),
    "coord_mgrs": ("MGRS", "MGRS"),
})

_SHEETS = {**messages_sheets.PRINT_MESSAGES, **messages_sheets.BRIEF_MESSAGES}
DUPLICATE_KEYS: list[str] = sorted(MESSAGES.keys() & _SHEETS.keys())
"""Keys of :mod:`planning.messages_sheets` also defined here (a test keeps it empty)."""
MESSAGES.update(_SHEETS)  # prints, atlases and briefing packs: one catalogue, one lookup
