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
from planning import messages_sheets, messages_terrain
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
        "Lớp {layer!r}: {count} đơn vị không rõ cấp (tỉnh, huyện, xã, thôn) nên bị bỏ "
        "qua{values}. "
        "Ghi cấp vào cột 'level' rồi nhập lại.",
        "layer {layer!r}: {count} units have no known level (province, district, commune, "
        "village) and "
        "are left out{values}. Give them a 'level' and import the layer again."),
    "units_not_areas": (
        "Lớp {layer!r}: {count} đơn vị cấp tỉnh, huyện hoặc xã là điểm, không phải vùng, nên "
        "bị bỏ qua (chỉ thôn, bản được là điểm). Nhập ranh giới (đa giác) của các đơn vị này.",
        "layer {layer!r}: {count} province, district or commune units are points, not areas, "
        "and are left out (only villages may be points). Import their boundaries (polygons)."),
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
    "combat_villages_no_layer": (
        "Không đánh giá được tỷ lệ làng chiến đấu của {count} đơn vị: dự án chưa có thôn, bản "
        "(đơn vị hành chính cấp thôn). Nhập lớp thôn, bản (trang Lớp dữ liệu, cấp thôn); "
        "đến lúc đó yêu cầu này được tính là chưa đạt.",
        "the share of combat villages cannot be assessed for {count} unit(s): the project has "
        "no villages (admin units of level village). Import the villages (`kvpt import "
        "P.gpkg FILE --kind admin_unit --level village`); until then the requirement counts "
        "as not met."),
    "combat_villages_none_in_unit": (
        "Không đánh giá được tỷ lệ làng chiến đấu của {count} đơn vị vì không có thôn, bản nào "
        "nằm trong đơn vị (ví dụ {examples}); yêu cầu này được tính là chưa đạt. Kiểm tra lớp "
        "thôn, bản.",
        "the share of combat villages cannot be assessed for {count} unit(s) with no village "
        "in them (e.g. {examples}); the requirement counts as not met. Check the village "
        "layer covers them."),
    "bad_requirement": (
        "Yêu cầu {item!r} phải có dạng CẤP=LOẠI,LOẠI với CẤP là tỉnh, huyện, xã hoặc thôn, ví "
        "dụ xa=combat_villages.",
        "--require {item!r} must be LEVEL=KIND,KIND with LEVEL province, district, commune or "
        "village, e.g. --require commune=combat_villages (an empty list requires nothing)."),
    "bad_requirement_kind": (
        "Thành phần yêu cầu {kind!r} không có; dùng một trong: {kinds}.",
        "--require names the unknown kind {kind!r}; use one of: {kinds}."),
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
    "engine_needs_postgis": (
        "Chỉ thẩm định bằng SQL (engine {engine!r}) được với dự án lưu trong PostGIS "
        "(postgresql://…); dự án này là tệp GeoPackage. Bỏ tùy chọn engine hoặc sao chép dự "
        "án sang PostGIS bằng `kvpt copy`.",
        "the SQL appraisal (engine {engine!r}) needs a project kept in PostGIS "
        "(postgresql://…); this project is a GeoPackage file. Leave the engine out, or copy "
        "the project to PostGIS with `kvpt copy`."),
    "dask_unreachable": (
        "Không kết nối được cụm máy dask tại {address!r} ({reason}): kiểm tra địa chỉ và "
        "cổng của bộ lập lịch (tcp://máy:8786) và rằng nó đang chạy, hoặc bỏ địa chỉ cụm.",
        "cannot reach the dask scheduler at {address!r} ({reason}): check the address and "
        "port (tcp://host:8786) and that `dask scheduler` runs there, or leave --cluster "
        "out to run on this machine."),
    "dask_cluster_missing": (
        "Chạy trên cụm máy dask cần gói {module!r} nhưng máy chủ chưa cài: nhờ quản trị cài "
        "gói tùy chọn kvpt-planner[dask].",
        "running on a dask cluster needs the module {module!r}, which is not installed: "
        "install it with `pip install kvpt-planner[dask]`."),
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
    "rotation_kind_bad": (
        "Loại kế hoạch diễn tập {value!r} không có; chọn một trong: {kinds}.",
        "no exercise rotation {value!r}; choose one of: {kinds}."),
    "no_districts_to_rotate": (
        "Dự án không có đơn vị cấp huyện (dự án hai cấp tỉnh – xã): không có kế hoạch diễn "
        "tập cấp huyện. Nhập một lớp đơn vị hành chính có các huyện (cột cấp = huyện).",
        "the project has no district-level units (a 2-tier province → commune project): "
        "there is no district exercise rotation. Import an admin-unit layer with the "
        "districts (a 'level' of district or huyện)."),
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
    "no_enterprise_must_relocate": (
        "Không doanh nghiệp nào được đánh dấu 'Phải di chuyển khi có chiến tranh' (cột "
        "must_relocate) trong {layers}: đánh dấu các doanh nghiệp phải di chuyển, hoặc bố "
        "trí tất cả doanh nghiệp.",
        "no enterprise in {layers} is marked must_relocate: mark those that must relocate "
        "(yes/có), or plan every enterprise with --all."),
    "mobilization_no_province": (
        "Dự án chưa có ranh giới tỉnh (đơn vị hành chính): không tính được hướng của doanh "
        "nghiệp.",
        "the project has no admin units (province): directions are left blank; import the "
        "province boundary as kind admin_unit."),
    "mobilization_no_districts": (
        "Dự án chưa có đơn vị cấp huyện: không tổng hợp được năng lực theo huyện.",
        "the project has no admin units of level district: the district totals are empty."),
    "communes_without_code_skipped": (
        "Lớp {layer!r}: {count} xã không có mã (cột 'code'), ví dụ {rows}, nên không được xét "
        "trong diễn tập và chỉ tiêu. Ghi mã cho các xã rồi nhập lại lớp.",
        "layer {layer!r}: {count} communes have no code (column 'code'), e.g. {rows}, and are "
        "left out of the exercises and targets. Give them a code and import the layer again."),
    "no_shelter_layers": (
        "Dự án chưa có lớp 'Nơi sơ tán, trú ẩn': nhập một lớp loại này (trang Lớp dữ liệu, "
        "hoặc `kvpt import P.gpkg TỆP --kind shelter`), có sức chứa (số người).",
        "the project has no layer of kind 'shelter': import one with `kvpt import P.gpkg FILE "
        "--kind shelter` (with a capacity in people)."),
    "evacuation_population_fallback": (
        "{count} xã không có số dân ({names}…): tạm tính {density:g} người/km² (cài đặt "
        "evacuation_fallback_density_km2, không phải số liệu của xã); nhập số dân để kết quả "
        "đúng.",
        "{count} communes have no population ({names}...): {density:g} people per km² assumed "
        "(setting evacuation_fallback_density_km2, not the communes' figures); import their "
        "population for a true result."),
    "evacuation_nobody_at_risk": (
        "Không xã nào nằm trong vùng thiên tai đã chọn: không ai cần sơ tán.",
        "no commune lies in the hazard zones chosen: nobody to evacuate."),
    "evacuation_solver_limit": (
        "Bộ giải dừng do hết thời gian: phương án sơ tán chưa chứng minh tối ưu (tổng thời "
        "gian có thể dài hơn tối ưu tối đa {gap:.1%}).",
        "the solver hit its time limit: the evacuation plan is not proven optimal (its total "
        "time may be up to {gap:.1%} longer than the best)."),
    "load_segments_left_out": (
        "Bỏ {count} đoạn đường có tải trọng thiết kế dưới {load_t:g} tấn ({ids}…): xe "
        "{load_t:g} tấn không đi qua.",
        "{count} road segments with a load class below {load_t:g} t left out ({ids}...): a "
        "{load_t:g} t vehicle cannot use them."),
    "load_class_unreadable": (
        "{count} tuyến đường có tải trọng không đọc được ({lines}…): vẫn cho xe đi qua. Ghi "
        "tải trọng dạng 30, 30T, H30, HK80 hoặc HL93.",
        "{count} road lines have a load class that cannot be read ({lines}...): they are "
        "kept (allowed). Write it as 30, 30T, H30, HK80 or HL93."),
    "links_unknown_base": (
        "{count} liên kết ghi mã căn cứ không có trong dự án ({links}…): sửa cột base_code "
        "(mã căn cứ gắn với) cho đúng mã một căn cứ.",
        "{count} links name a base code that no base has ({links}...): correct the "
        "facility's base_code to the code of a base (`kvpt layers` lists the base layers)."),
    "links_ambiguous_base": (
        "{count} liên kết ghi mã căn cứ trùng của nhiều căn cứ ({links}…): đặt mã căn cứ "
        "không trùng nhau.",
        "{count} links name a base code held by several bases ({links}...): give the bases "
        "unique codes."),
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
    "edit_refused": (
        "Chưa lưu được thay đổi ({count} lỗi):",
        "The change was not saved ({count} problem(s)):"),
    "edit_layer": (
        "Không sửa được đối tượng của lớp {layer!r} trên bản đồ; các lớp sửa được: {layers}.",
        "Features of layer {layer!r} cannot be edited on the map; editable layers: "
        "{layers}."),
    "edit_stale": (
        "Lớp {layer!r} đã có phiên bản {current}, mới hơn phiên bản {version} đang sửa: "
        "chọn lại đối tượng để sửa trên phiên bản mới.",
        "Layer {layer!r} is at version {current}, newer than the version {version} being "
        "edited: choose the feature again to edit the new version."),
    "edit_no_feature": (
        "Lớp {layer!r} không có đối tượng thứ {row} (lớp có {count}): chọn lại đối tượng.",
        "Layer {layer!r} has no feature number {row} (it has {count}): choose the feature "
        "again."),
    "edit_unchanged": (
        "Đối tượng {feature!r} chưa được dời: kéo điểm hoặc các đỉnh rồi bấm Lưu trên bản "
        "đồ.",
        "Feature {feature!r} has not moved: drag the point or the vertices, then press Save "
        "on the map."),
    "edit_last_feature": (
        "Không xóa được đối tượng cuối cùng của lớp {layer!r}: xóa cả lớp ở trang Lớp dữ "
        "liệu.",
        "The last feature of layer {layer!r} cannot be deleted: delete the layer instead "
        "(`kvpt delete`)."),
    "wm_edit_layer": ("Dời hoặc xóa đối tượng của lớp", "Move or delete a feature of layer"),
    "wm_edit_feature": ("Đối tượng", "Feature"),
    "wm_edit_help": (
        "Đang sửa {feature!r} (lớp {layer!r}, phiên bản {version}, tô màu tím trên bản đồ). "
        "Dời: bấm nút Sửa hình vẽ (cây bút) bên trái bản đồ, kéo điểm hoặc các đỉnh, rồi "
        "bấm Lưu trên bản đồ. Xóa: bấm Xóa đối tượng bên dưới (hoặc nút thùng rác trên bản "
        "đồ).",
        "Editing {feature!r} (layer {layer!r}, version {version}, purple on the map). Move: "
        "press Edit (the pen) on the map's left, drag the point or the vertices, then press "
        "Save on the map. Delete: press Delete feature below (or the bin on the map)."),
    "wm_edit_moved": (
        "{feature!r} đã được dời, xa nhất {metres} m (tính trong {crs}).",
        "{feature!r} moved, at most {metres} m (computed in {crs})."),
    "wm_edit_save_move": ("Lưu vị trí mới", "Save the new position"),
    "wm_edit_delete": ("Xóa đối tượng", "Delete feature"),
    "wm_edit_confirm": (
        "Xóa {feature!r} khỏi lớp {layer!r}? Lớp sẽ có phiên bản mới không có đối tượng này "
        "(hoàn tác được).",
        "Delete {feature!r} from layer {layer!r}? The layer gets a new version without it "
        "(it can be undone)."),
    "wm_edit_confirm_delete": ("Xác nhận xóa", "Confirm the deletion"),
    "wm_edit_drop": ("Bỏ thay đổi", "Drop the change"),
    "wm_edit_saved": (
        "Đã lưu thay đổi vào lớp {layer!r} (phiên bản {version}).",
        "Change saved into layer {layer!r} (version {version})."),
    "wm_edit_undone": (
        "Đã hoàn tác: lớp {layer!r} về như phiên bản {before} (phiên bản mới {version}).",
        "Undone: layer {layer!r} is back as version {before} (new version {version})."),
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
    # plan periods (planning.roadmap)
    "period_name_empty": (
        "Giai đoạn thứ {number} chưa có tên; đặt tên như 2021-2025.",
        "plan period {number} has no name; name it, e.g. 2021-2025."),
    "period_years_bad": (
        "Giai đoạn {name!r}: năm đầu {first!r} và năm cuối {last!r} phải là số năm từ 1945 "
        "đến 2200, năm đầu không sau năm cuối, ví dụ 2021 và 2025.",
        "plan period {name!r}: first year {first!r} and last year {last!r} must be years "
        "from 1945 to 2200, the first not after the last, e.g. 2021 2025."),
    "period_overlap": (
        "Giai đoạn {name!r} ({first}–{last}) trùng năm với giai đoạn {other!r} "
        "({other_first}–{other_last}); các giai đoạn không được chồng lên nhau.",
        "plan period {name!r} ({first}-{last}) overlaps {other!r} ({other_first}-"
        "{other_last}); periods must not share a year."),
    "period_name_duplicate": (
        "Đã có giai đoạn tên {name!r}; đặt tên khác.",
        "there is already a plan period named {name!r}; choose another name."),
    "period_unknown": (
        "Không có giai đoạn {name!r}; các giai đoạn: {names}.",
        "no plan period {name!r}; periods: {names} (see `kvpt periods P.gpkg`)."),
    "roadmap_no_works": (
        "Dự án chưa có công trình quốc phòng nào (căn cứ, thao trường…) để lập lộ trình.",
        "the project has no defense work (bases, training grounds, ...) to give a roadmap; "
        "import one with `kvpt import P.gpkg FILE --kind combat_base`."),
    "roadmap_rows_lost": (
        "{count} dòng lộ trình xây dựng ghi cho công trình không còn tìm thấy (mã không còn "
        "trong lớp, hoặc nhiều công trình trùng mã) nên không được tính: {works}. Ghi lại "
        "mã cho công trình trong lớp, hoặc nhập lại các dòng đó với mã công trình hiện có.",
        "{count} construction roadmap rows name a work no longer found (its code is in no "
        "layer, or several works share it), so they are not counted: {works}. Give the work "
        "its code again in its layer, or import those rows with a current work code "
        "(`kvpt roadmap P.gpkg --import FILE.csv`)."),
    "roadmap_rows_moved": (
        "Lớp công trình đã có phiên bản mới: lộ trình của {count} công trình theo mã công "
        "trình sang hàng mới ({works}).",
        "a works layer has a new version: the roadmap of {count} works follows their code "
        "to a new row ({works})."),
})

_SHEETS = {**messages_sheets.PRINT_MESSAGES, **messages_sheets.BRIEF_MESSAGES}
DUPLICATE_KEYS: list[str] = sorted(MESSAGES.keys() & _SHEETS.keys())
"""Keys of :mod:`planning.messages_sheets` also defined here (a test keeps it empty)."""
MESSAGES.update(_SHEETS)  # prints, atlases and briefing packs: one catalogue, one lookup
MESSAGES.update(messages_terrain.TERRAIN_MESSAGES)  # terrain (planning.terrain)
