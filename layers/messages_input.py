"""Messages of the catalogue about hostile or broken input files, and how they quote.

Part of the one catalogue of ``layers/``: :mod:`layers.messages` merges :data:`MESSAGES`
and :data:`HINTS` into its own, as it does :mod:`layers.messages_io`. Zip archives,
limits (:mod:`layers.limits`), damaged shapefile parts, bad coordinates and geometry,
oversized or binary text files, symbolic links.

Every value quoted from a file or a file name goes through :func:`plain` first: control
and formatting characters (terminal escapes, bidi overrides, NUL) are escaped and the
text is cut short, so a message never carries a file's contents or moves a terminal's
cursor.
"""

from __future__ import annotations

_SHORT = 60

MESSAGES: dict[str, tuple[str, str]] = {
    # --- zip archives and KMZ ------------------------------------------------------------
    "zip_too_many_members": (
        "{file} chứa {count} tệp; mỗi tệp nén chỉ được đọc tối đa {limit} tệp. Chia thành "
        "nhiều tệp nén nhỏ hơn.",
        "{file} holds {count} members; at most {limit} are read from one archive. Split it "
        "into smaller archives."),
    "zip_unsafe_name": (
        "{file}: tệp '{member}' có đường dẫn ra ngoài thư mục của tệp nén ({why}); tệp nén "
        "như vậy bị từ chối. Nén lại với tên tệp tương đối thông thường.",
        "{file}: member '{member}' has a path that leaves the archive's folder ({why}); such "
        "an archive is refused. Re-create it with plain relative names."),
    "zip_symlink": (
        "{file}: '{member}' là một liên kết tượng trưng (symlink); tệp nén chứa liên kết bị "
        "từ chối. Nén chính các tệp dữ liệu.",
        "{file}: member '{member}' is a symbolic link; archives holding links are refused. "
        "Zip the data files themselves."),
    "zip_encrypted": (
        "{file}: '{member}' được mã hóa (có mật khẩu); KVPT không đọc tệp nén có mật khẩu. "
        "Nén lại không đặt mật khẩu.",
        "{file}: member '{member}' is encrypted (password-protected); KVPT does not read "
        "encrypted archives. Re-create the zip without a password."),
    "zip_method": (
        "{file}: '{member}' được nén theo kiểu {method}, KVPT không đọc được. Nén lại theo "
        "kiểu thông thường (deflate, chế độ mặc định của Windows, 7-Zip, QGIS).",
        "{file}: member '{member}' uses compression {method}, which KVPT does not read. "
        "Re-create the zip with ordinary deflate compression (the default of Windows, "
        "7-Zip and QGIS)."),
    "zip_duplicate": (
        "{file}: tên '{member}' xuất hiện {count} lần trong tệp nén; tệp nén như vậy bị từ "
        "chối. Nén lại để mỗi tệp chỉ có một lần.",
        "{file}: the name '{member}' appears {count} times in the archive; such an archive "
        "is refused. Re-create it with each file once."),
    "zip_overlap": (
        "{file}: '{member}' và '{other}' dùng chung dữ liệu (tệp nén được tạo để gây quá "
        "tải, \"zip bomb\"); bị từ chối.",
        "{file}: members '{member}' and '{other}' share the same bytes (a crafted archive, "
        "a \"zip bomb\"); refused."),
    "zip_too_big": (
        "{file} giải nén ra {size} ({count} tệp, lớn nhất '{member}'), vượt giới hạn {limit} "
        "cho một tệp nén. Chia dữ liệu, hoặc dùng GeoPackage.",
        "{file} expands to {size} ({count} member(s), the largest '{member}'), more than "
        "the {limit} allowed for one archive. Split the data, or use a GeoPackage."),
    "zip_ratio": (
        "{file}: '{member}' giải nén ra {size}, gấp {ratio} lần kích thước nén (giới hạn "
        "{limit} lần): đây là tệp nén gây quá tải (\"zip bomb\"), bị từ chối.",
        "{file}: member '{member}' expands to {size}, {ratio} times its compressed size "
        "(the limit is {limit}): a \"zip bomb\"; refused."),
    "zip_overflow": (
        "{file}: '{member}' giải nén ra nhiều hơn kích thước khai báo ({size}); tệp nén bị "
        "hỏng hoặc bị làm giả, bị từ chối.",
        "{file}: member '{member}' expands past the size its directory declares ({size}); "
        "the archive is damaged or crafted, and refused."),
    "member_too_big": (
        "{file}: '{member}' dài {size}, vượt giới hạn {limit} cho một tài liệu văn bản. Chia "
        "dữ liệu, hoặc dùng GeoPackage.",
        "{file}: member '{member}' is {size}, more than the {limit} allowed for a text "
        "document. Split the data, or use a GeoPackage."),
    "unpack_failed": (
        "Không giải nén được {file} vào thư mục tạm ({reason}).",
        "{file} could not be unpacked into a temporary folder ({reason})."),
    "too_many_layers": (
        "{file} có {count} lớp; mỗi lần chỉ nhập tối đa {limit} lớp. Chọn từng lớp để nhập "
        "(ví dụ '{first}').",
        "{file} holds {count} layers; at most {limit} are imported in one go. Import them "
        "one at a time (e.g. '{first}')."),
    # --- files -----------------------------------------------------------------------------
    "source_symlink": (
        "{file} là một liên kết tượng trưng (symlink); KVPT chỉ đọc tệp thật, không theo "
        "liên kết. Nhập chính tệp mà liên kết trỏ tới.",
        "{file} is a symbolic link; KVPT reads only regular files and does not follow "
        "links. Import the file the link points to."),
    "source_not_regular": (
        "{file} không phải một tệp thông thường (thiết bị, ống dẫn hoặc tệp hệ thống).",
        "{file} is not a regular file (a device, pipe or system file)."),
    "source_too_big": (
        "{file} dài {size}, vượt giới hạn {limit} cho tệp {suffix}. Chia dữ liệu, hoặc dùng "
        "GeoPackage hay shapefile nén.",
        "{file} is {size}, more than the {limit} allowed for a {suffix} file. Split the data, "
        "or use a GeoPackage or a zipped shapefile."),
    "source_binary": (
        "{file} không phải tệp văn bản (có byte NUL ở vị trí {offset}); tệp {suffix} phải là "
        "văn bản. Kiểm tra đã chọn đúng tệp.",
        "{file} is not a text file (a NUL byte at offset {offset}); a {suffix} file is text. "
        "Check that the right file was chosen."),
    "csv_too_many_columns": (
        "{file}: dòng tiêu đề có {count} cột, vượt giới hạn {limit} cột. Chỉ giữ các cột cần "
        "thiết.",
        "{file}: the header line has {count} columns, more than the {limit} allowed. Keep "
        "only the columns needed."),
    "gpkg_no_spatial": (
        "{file} không có lớp bản đồ nào (chỉ có bảng thuộc tính không có hình học: {tables}). "
        "Thêm hình học cho bảng trong phần mềm GIS, hoặc xuất thành CSV có cột tọa độ.",
        "{file} has no map layer (only attribute tables without geometry: {tables}). Add "
        "geometry to the table in a GIS, or export it as CSV with coordinate columns."),
    "no_layers": (
        "{file} không có lớp dữ liệu nào.",
        "{file} holds no layer."),
    # --- coordinate systems -----------------------------------------------------------------
    "prj_too_big": (
        "{file} dài {size}: quá dài để là tệp hệ tọa độ (.prj chỉ vài trăm byte). {advice}",
        "{file} is {size}: too long to be a coordinate system (a .prj is a few hundred "
        "bytes). {advice}"),
    "prj_unusable": (
        "{where}: tệp .prj ({prj}) mô tả hệ tọa độ mà PROJ không dùng được ({detail}). "
        "{advice}",
        "{where}: its .prj ({prj}) describes a coordinate system PROJ cannot use "
        "({detail}). {advice}"),
    "prj_empty_detail": ("tệp rỗng", "the file is empty"),
    "outside_crs": (
        "đối tượng thứ {features} nằm ngoài vùng hệ tọa độ chuyển được",
        "feature {features} lies outside the area it can convert"),
    "crs_not_convertible": (
        "{where}: không chuyển được tọa độ từ {label} sang WGS 84 ({detail}). {advice}",
        "{where}: the coordinates cannot be converted from {label} to WGS 84 ({detail}). "
        "{advice}"),
    # --- shapefile parts --------------------------------------------------------------------
    "shp_truncated": (
        "{file} bị cắt cụt: tệp dài {size} byte nhưng phần đầu ghi {declared} byte{records}. "
        "Chép lại tệp từ nguồn.",
        "{file} is truncated: it is {size} bytes but its header says {declared}{records}. "
        "Copy the file again from its source."),
    "shp_records_beyond": (
        "; {count} trong {total} đối tượng nằm sau cuối tệp",
        "; {count} of {total} shapes lie beyond its end"),
    "shx_damaged": (
        "{file} bị hỏng: dài {size} byte, không khớp với chỉ mục gồm các bản ghi 8 byte sau "
        "phần đầu 100 byte. Xuất lại shapefile.",
        "{file} is damaged: {size} bytes does not fit an index of 8-byte records after a "
        "100-byte header. Export the shapefile again."),
    "shp_dbf_counts": (
        "{file}: tệp {shx} ghi {shapes} đối tượng nhưng tệp {dbf} có {records} bản ghi "
        "thuộc tính; các phần của shapefile không khớp nhau. Xuất lại shapefile cùng lúc "
        "mọi phần.",
        "{file}: {shx} indexes {shapes} shape(s) but {dbf} holds {records} attribute "
        "record(s); the shapefile's parts do not match. Export all its parts again "
        "together."),
    "dbf_header_damaged": (
        "{file}: phần đầu của tệp DBF bị hỏng ({problem}); các thuộc tính không đọc được. "
        "Xuất lại shapefile.",
        "{file}: the DBF header is damaged ({problem}); the attributes cannot be read. "
        "Export the shapefile again."),
    "dbf_problem_header_len": (
        "độ dài phần đầu {value} byte, các trường cần {needed}",
        "header length {value} bytes, its fields need {needed}"),
    "dbf_problem_record_zero": ("độ dài bản ghi bằng 0", "record length 0"),
    "dbf_problem_record_len": (
        "độ dài bản ghi {value} byte, các trường cộng lại {needed}",
        "record length {value} bytes, its fields add up to {needed}"),
    "dbf_problem_no_end": ("danh sách trường không có dấu kết thúc",
                           "the field list has no end mark"),
    "dbf_truncated": (
        "{file} bị cắt cụt: phần đầu ghi {declared} bản ghi nhưng tệp chỉ chứa đủ "
        "{records}. Chép lại tệp từ nguồn.",
        "{file} is truncated: its header says {declared} records but it holds {records} "
        "complete ones. Copy the file again from its source."),
    "dbf_no_fields": (
        "Tệp {file} không có trường thuộc tính nào: các đối tượng được nhập chỉ với hình học.",
        "{file} has no attribute fields: the features were imported with their geometry "
        "only."),
    "dbf_not_numbers": (
        "Trường số '{field}': {count} giá trị không phải số (bản ghi {records}); đã lưu "
        "thành ô trống, không phải 0.",
        "Numeric field '{field}': {count} value(s) are not numbers (record {records}); they "
        "were stored as empty, not as 0."),
    "dbf_fields_unmatched": (
        "{file}: trường số '{field}' có {count} giá trị không phải số (bản ghi {records}) và "
        "không ghép được với cột đã đọc. Sửa các giá trị đó trong phần mềm GIS.",
        "{file}: numeric field '{field}' has {count} value(s) that are not numbers (record "
        "{records}) and could not be matched to the columns read. Fix them in a GIS."),
    # --- coordinates and geometry ------------------------------------------------------------
    "kml_bad_coordinates": (
        "{file}: {count} đối tượng (placemark) có tọa độ không phải số hoặc trống: "
        "{examples}. Sửa các tọa độ đó (kinh độ,vĩ độ[,độ cao]) rồi tải lên lại.",
        "{file}: {count} placemark(s) have coordinates that are not numbers or are empty: "
        "{examples}. Fix them (lon,lat[,alt]) and load the file again."),
    "kml_placemark": ("đối tượng (placemark) thứ {number} ({name}): {text}",
                      "placemark {number} ({name}): {text}"),
    "kml_entities": (
        "{file} khai báo thực thể XML (<!ENTITY>); tệp KML không cần và bị từ chối vì lý do "
        "an toàn.",
        "{file} declares XML entities (<!ENTITY>); KML never needs them and such a file is "
        "refused for safety."),
    "ring_not_closed": (
        "{where}: vòng của vùng ở đối tượng thứ {features} không khép kín (điểm cuối cách "
        "điểm đầu {gap}). Khép vòng trong phần mềm GIS rồi tải lên lại.",
        "{where}: a polygon ring of feature {features} is not closed (its last point is "
        "{gap} from its first). Close the ring in a GIS and load the file again."),
    "ring_too_short": (
        "{where}: vòng của vùng ở đối tượng thứ {features} chỉ có {points} điểm (một vùng cần "
        "ít nhất 3 điểm khác nhau). Sửa hoặc xóa đối tượng đó.",
        "{where}: a polygon ring of feature {features} has only {points} point(s) (a polygon "
        "needs at least 3 distinct points). Fix or remove that feature."),
    "geometry_bad_wkb": (
        "{where}: hình học của đối tượng thứ {features} bị hỏng ({detail}). Sửa đối tượng đó "
        "trong phần mềm GIS.",
        "{where}: the geometry of feature {features} is broken ({detail}). Fix that feature "
        "in a GIS."),
    "rings_closed": (
        "{count} vòng của vùng gần khép kín đã được khép lại (điểm cuối lệch điểm đầu không "
        "đáng kể): đối tượng thứ {features}.",
        "{count} polygon ring(s) whose last point missed the first by a rounding error were "
        "closed: feature {features}."),
    "gdal_warnings": (
        "GDAL cảnh báo khi đọc tệp: {detail}",
        "GDAL warned while reading the file: {detail}"),
    # --- the project ---------------------------------------------------------------------------
    "kind_clash": (
        "Lớp '{name}' đã có trong dự án với loại '{old}'; một phiên bản mới phải cùng loại. "
        "Đặt tên khác cho lớp mới, hoặc nhập với loại '{old}'.",
        "Layer '{name}' is already in the project as kind '{old}'; a new version must keep "
        "that kind. Give the new layer another name, or import it as kind '{old}'."),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "too_many_layers": " (--layer NAME on the command line; `layers.limits.max_layers`.)",
    "zip_too_many_members": " (`layers.limits.zip_max_members`.)",
    "zip_too_big": " (`layers.limits.zip_max_expanded_bytes`.)",
    "zip_ratio": " (`layers.limits.zip_max_ratio`.)",
    "member_too_big": " (`layers.limits.max_text_bytes`.)",
    "source_too_big": " (`layers.limits.max_text_bytes`.)",
    "csv_too_many_columns": " (`layers.limits.csv_max_columns`.)",
    "kind_clash": " (--name or --kind on the command line.)",
}
"""Key → English advice for the command line (see :data:`layers.messages.HINTS`)."""


def plain(value: object, width: int = _SHORT) -> str:
    r"""Return ``str(value)`` safe to quote: control characters escaped, cut to ``width``.

    Terminal escapes, NUL, bidi overrides and line breaks become ``\x1b``, ``\x00``,
    ``\u202e``, ``\n``; the text is cut at ``width`` characters (ending in "…").

    Examples
    --------
    >>> plain("Lạng Sơn\x1b[31m")
    'Lạng Sơn\\x1b[31m'
    """
    text = str(value)
    if len(text) > 4 * width:
        text = text[: 4 * width]
    out = escape(text)
    return out if len(out) <= width else out[: width - 1] + "…"


def escape(text: str) -> str:
    """Return ``text`` with every control or formatting character escaped (no cut)."""
    return "".join(c if c.isprintable() or c == " " else _escape(c) for c in text)


def human_size(count: int) -> str:
    """Return a byte count for people: ``"512 B"``, ``"64 KiB"``, ``"1.5 GiB"``."""
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" or size >= 100 else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"  # pragma: no cover - the loop returns


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"
