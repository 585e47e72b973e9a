"""The planning layer's message catalogue: one key per message, Vietnamese and English.

Errors (:class:`planning.errors.PlanningError`) and warnings carry a key and parameters;
each front end picks the language: the app Vietnamese by default, the command line
English. Parameters are formatted into the text with :meth:`str.format`.
"""

from __future__ import annotations

from layers import messages as layers_messages

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
