"""Messages of the catalogue about text encodings, exercise records, exports and the store.

Part of the one catalogue of ``layers/``: :mod:`layers.messages` merges :data:`MESSAGES`
and :data:`HINTS` into its own and looks every key up there (``text``, ``cli_text``,
:class:`~layers.messages.Note`, :class:`~layers.errors.LayerError`). Kept apart only so no
module grows past a screenful of topics.

Texts name files by their base name and quote file content only as a short excerpt; a
command-line hint may add the full path the user typed.
"""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # --- words and lists ------------------------------------------------------------------
    "none": ("không có", "none"),
    "list_more": ("{items} và {count} mục khác", "{items} and {count} more"),
    "more_items": (" … và {count} mục khác", " … and {count} more"),
    "os_not_found": ("không có tệp này", "No such file or directory"),
    "os_permission": ("không có quyền đọc tệp", "Permission denied"),
    "os_is_dir": ("đây là một thư mục", "Is a directory"),
    "os_other": ("lỗi hệ điều hành: {detail}", "{detail}"),
    # --- text encodings --------------------------------------------------------------------
    "encoding_latin": (
        "Bảng mã {name!r} không phải bảng mã tiếng Việt: GDAL dùng Latin-1 cho văn bản không "
        "nhận ra bảng mã. Chọn bảng mã đã dùng khi gõ văn bản, một trong: {accepted} (TCVN3 cho "
        "phông .VnTime/ABC, VNI cho phông VNI-Windows).",
        "Text encoding {name!r} is not a Vietnamese encoding: GDAL uses Latin-1 for text it "
        "cannot identify. Choose the encoding the text was typed in, one of: {accepted} (TCVN3 "
        "for .VnTime/ABC fonts, VNI for VNI-Windows fonts)."),
    "encoding_unknown": (
        "Không có bảng mã {name!r}. Dùng một trong: {accepted} (cũng nhận: UTF8, 65001, 1258, "
        "windows-1258, TCVN3, ABC, VNI-Windows).",
        "Unknown text encoding {name!r}. Use one of: {accepted} (also accepted: UTF8, 65001, "
        "1258, windows-1258, TCVN3, ABC, VNI-Windows)."),
    "char_unwritable": (
        "Không ghi được ký tự {char!r} (U+{code}) ở vị trí {pos} của {text} bằng bảng mã "
        "{encoding}. Xóa ký tự đó, hoặc ghi văn bản bằng UTF-8.",
        "Character {char!r} (U+{code}) at position {pos} of {text} cannot be written in "
        "{encoding}. Remove it, or write the text as UTF-8."),
    "not_latin1": (
        "Văn bản {text} không được đọc theo Latin-1 (có ký tự {char!r}); đọc tệp nguồn với bảng "
        "mã 'latin1' trước khi chuyển mã.",
        "Text {text} was not read as Latin-1 (it holds {char!r}); read the source with "
        "encoding='latin1' before recoding it."),
    "ldid_not_byte": (
        "Mã ngôn ngữ DBF {ldid!r} không phải một byte; cần một số nguyên từ 0 đến 255.",
        "DBF language driver id {ldid!r} is not a byte; pass an integer 0-255."),
    "dbf_unreadable": (
        "Không đọc được tệp DBF {file!r}: {reason}. Kiểm tra đường dẫn.",
        "Cannot read the DBF file {file!r}: {reason}. Check the path."),
    "dbf_too_short": (
        "Tệp {file!r} chỉ dài {size} byte, quá ngắn so với phần đầu của tệp DBF (32 byte); tệp "
        ".dbf của shapefile bị hỏng hoặc không phải tệp DBF.",
        "{file!r} is only {size} bytes long, too short for a DBF header (32 bytes); the "
        "shapefile's .dbf is damaged or not a DBF."),
    # --- exercise records ------------------------------------------------------------------
    "records_columns": (
        "Bảng kết quả diễn tập thiếu cột {missing}. Cột bắt buộc: commune_code (mã xã), year "
        "(năm), type (loại diễn tập); cột không bắt buộc: commune_name, district_code, result, "
        "note. Các cột hiện có: {columns}.",
        "The exercise records lack column(s) {missing}. Required: commune_code, year, type; "
        "optional: commune_name, district_code, result, note. Columns present: {columns}."),
    "records_problems": (
        "Bảng kết quả diễn tập có {count} lỗi; chưa lưu gì: {problems}{more}.",
        "{count} problem(s) in the exercise records; nothing was saved: {problems}{more}."),
    "row_label": ("hàng {number}", "row {number}"),
    "line_label": ("{file} dòng {number}", "{file} line {number}"),
    "rec_code_empty": ("{label}: chưa có mã xã (commune_code)", "{label}: commune_code is empty"),
    "rec_code_unknown": (
        "{label}: không có xã nào mang mã {code!r}{hint}",
        "{label}: unknown commune code {code!r}{hint}"),
    "rec_code_hint": (
        " (dùng mã của lớp xã, ví dụ {code} cho {name})",
        " (codes of the commune layer, e.g. {code} for {name})"),
    "rec_bad_year": (
        "{label}: năm {value!r} không hợp lệ, cần một năm từ {first} đến {last}",
        "{label}: year {value!r} is not a year from {first} to {last}"),
    "rec_type_empty": (
        "{label}: chưa có loại diễn tập (dùng mã {options}, hoặc tên loại bằng tiếng Việt hay "
        "tiếng Anh)",
        "{label}: type is empty (use one of {options}, or their Vietnamese or English "
        "labels)"),
    "rec_type_unknown": (
        "{label}: loại diễn tập {value!r} không có trong danh mục (dùng mã {options}, hoặc tên "
        "loại bằng tiếng Việt hay tiếng Anh)",
        "{label}: type {value!r} is not a known type (use one of {options}, or their "
        "Vietnamese or English labels)"),
    "rec_wrong_district": (
        "{label}: xã {code} thuộc huyện {parent}, không phải {district!r} (để trống "
        "district_code thì mã huyện được tự điền)",
        "{label}: commune {code} belongs to district {parent}, not {district!r} (leave "
        "district_code empty to fill it)"),
    "rec_duplicate": (
        "{label}: trùng xã, năm và loại diễn tập với {first} ({code}, {year}, {type})",
        "{label}: the same commune, year and type as {first} ({code}, {year}, {type})"),
    "records_already_stored": (
        "{file}: {count} kết quả diễn tập đã có trong dự án; chưa nhập gì: {clashes}{more}. Xóa "
        "các dòng đó khỏi tệp, hoặc chọn thay toàn bộ kết quả đã lưu bằng nội dung tệp.",
        "{file}: {count} record(s) are already in the project; nothing was imported: "
        "{clashes}{more}. Remove them from the file, or replace all stored records with the "
        "file (import in replace mode)."),
    "commune_table_no_code": (
        "Bảng xã không có cột mã xã ('code'); dùng các xã của dự án (lớp đơn vị hành chính cấp "
        "xã).",
        "The commune table has no 'code' column; pass the communes of "
        "planning.exercises.communes()."),
    "csv_columns_clash": (
        "{file}: hai cột cùng ứng với một cột của kết quả diễn tập; đổi tên một trong hai cột.",
        "{file}: two columns map to the same exercise column; rename one of them."),
    # --- construction roadmap (planning.roadmap) --------------------------------------------
    "roadmap_columns": (
        "Bảng lộ trình xây dựng thiếu cột {missing}. Cần work_code (mã công trình) hoặc "
        "work_id, year (năm) và ít nhất một trong planned_pct (% kế hoạch), actual_pct "
        "(% thực hiện); tuỳ chọn: start_year, finish_year, note. Các cột hiện có: {columns}.",
        "The roadmap lacks column(s) {missing}. Required: work_code (or work_id), year and "
        "at least one of planned_pct, actual_pct; optional: start_year, finish_year, note. "
        "Columns present: {columns}."),
    "roadmap_problems": (
        "Bảng lộ trình xây dựng có {count} lỗi; chưa lưu gì: {problems}{more}.",
        "{count} problem(s) in the roadmap; nothing was saved: {problems}{more}."),
    "rm_work_empty": ("{label}: chưa có mã công trình (work_code)",
                      "{label}: work_code is empty"),
    "rm_work_unknown": (
        "{label}: không có công trình nào mang mã {code!r}{hint}",
        "{label}: unknown work code {code!r}{hint}"),
    "rm_work_hint": (
        " (dùng mã của các lớp công trình quốc phòng, ví dụ {code} cho {name})",
        " (codes of the defense-work layers, e.g. {code} for {name})"),
    "rm_work_ambiguous": (
        "{label}: mã {code!r} có ở nhiều công trình ({ids}); ghi work_id dạng '<lớp>:<hàng>'",
        "{label}: code {code!r} names several works ({ids}); give work_id '<layer>:<row>' "
        "instead"),
    "rm_pct_bad": (
        "{label}: {column} = {value!r} không phải tỉ lệ phần trăm từ 0 đến 100",
        "{label}: {column} = {value!r} is not a percentage from 0 to 100"),
    "rm_no_value": (
        "{label}: chưa ghi % kế hoạch, % thực hiện, năm bắt đầu hay năm hoàn thành",
        "{label}: gives no planned_pct, actual_pct, start_year or finish_year"),
    "rm_year_bad": (
        "{label}: {column} = {value!r} không thuộc giai đoạn kế hoạch nào ({periods})",
        "{label}: {column} = {value!r} is not a year of a plan period ({periods})"),
    "rm_years_order": (
        "{label}: năm bắt đầu {start} sau năm hoàn thành {finish}",
        "{label}: start_year {start} is after finish_year {finish}"),
    "rm_duplicate": (
        "{label}: trùng công trình và năm với {first} ({code}, {year})",
        "{label}: the same work and year as {first} ({code}, {year})"),
    "file_unreadable": (
        "Không đọc được {file}: {reason}. Kiểm tra đường dẫn.",
        "Cannot read {file}: {reason}. Check the path."),
    # --- exports ---------------------------------------------------------------------------
    "export_bad_format": (
        "Không xuất được ra định dạng {suffix!r}. Dùng một trong: {known}.",
        "Cannot export to {suffix!r}. Use one of: {known}."),
    "export_no_extension": (
        "Tên tệp chưa có phần mở rộng nên không biết xuất ra định dạng nào. Dùng một trong: "
        "{known}.",
        "Cannot export to 'a file without extension'. Use one of: {known}."),
    "export_not_frame": (
        "Chỉ xuất được lớp bản đồ (bảng có hình học).",
        "Only a GeoDataFrame can be exported."),
    "export_empty": (
        "Lớp không có đối tượng nào; không có gì để xuất.",
        "The layer has no features; there is nothing to export."),
    "export_no_crs": (
        "Lớp chưa có hệ tọa độ nên không xuất được; gán hệ tọa độ cho lớp trước.",
        "The layer has no coordinate reference system, so it cannot be exported; set it first "
        "(e.g. gdf.set_crs('EPSG:4326'))."),
    "export_duplicate_columns": (
        "Tên cột bị trùng ({columns}); đổi tên các cột đó trước khi xuất.",
        "Column names repeat ({columns}); rename them before exporting."),
    "export_is_folder": (
        "{file} là một thư mục; đặt tên tệp có đuôi {fmt}.",
        "{file} is a folder; give a file name ending in {fmt}."),
    "export_write_failed": (
        "Không ghi được {file} dạng {format} ({detail}). Thử định dạng khác, hoặc bỏ cột được "
        "nêu trong thông báo.",
        "Could not write {file} as {format} ({detail}). Try another format, or drop the column "
        "named in the message."),
    "no_folder": (
        "Không có thư mục {folder}; tạo thư mục trước.",
        "The folder {folder} does not exist; create it first."),
    "table_bad_format": (
        "Không ghi được kết quả ra {file!r}: dùng một trong {formats}, ví dụ {example}.",
        "Cannot write a result to {file!r}: use one of {formats}, e.g. {example}."),
    "table_no_geometry": (
        "Kết quả này không có hình học nên không ghi ra {file!r} được; ghi thành CSV: "
        "{example}.",
        "This result has no geometry, so it cannot go to {file!r}; write it as CSV instead: "
        "{example}."),
    # --- layers and records before they are stored ------------------------------------------
    "records_table_name": (
        "Tên bảng {table!r} không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và '_', bắt "
        "đầu bằng một chữ cái (ví dụ 'exercises').",
        "Records table name {table!r} is not allowed: use lower-case ASCII letters, digits and "
        "'_', starting with a letter (e.g. 'exercises')."),
    "records_not_frame": (
        "Bảng {table} phải là bảng thường không có hình học, không phải {type}; dữ liệu có hình "
        "học cần lưu thành một lớp.",
        "The {table} records must be a plain DataFrame without geometry, not {type}; store "
        "geometry as a layer (add_layers) instead."),
    "records_no_columns": (
        "Bảng {table} không có cột nào; không có gì để lưu.",
        "The {table} records have no columns; nothing to store."),
    "records_unstorable": (
        "Không lưu được bảng {table}: {problems}.",
        "The {table} records cannot be stored: {problems}."),
    "rec_col_geometry": ("cột {column!r} chứa hình học", "column {column!r} holds geometries"),
    "rec_col_fid": (
        "cột {column!r} sẽ thành mã hàng của GeoPackage; đổi tên cột này",
        "column {column!r} would become the GeoPackage row id; rename it"),
    "rec_col_case": (
        "các cột {columns} chỉ khác nhau ở chữ hoa, chữ thường; đổi tên một cột",
        "columns {columns} differ only by case; rename one"),
    "layer_no_geometry_column": (
        "Dữ liệu không có cột hình học; cần một lớp bản đồ.",
        "The data has no geometry column; it must be a GeoDataFrame."),
    "layer_empty": (
        "Lớp không có đối tượng nào; không lưu được lớp rỗng.",
        "The layer has no features; an empty layer cannot be stored."),
    "layer_no_crs": (
        "Lớp chưa có hệ tọa độ; chọn hệ tọa độ cho lớp trước (ví dụ EPSG:3405, VN-2000 / UTM "
        "48N).",
        "The layer has no coordinate reference system; name it first (e.g. "
        "gdf.set_crs('EPSG:3405') for VN-2000 / UTM 48N)."),
    "layer_all_empty": (
        "Mọi hình học của lớp đều trống.",
        "Every geometry of the layer is missing or empty."),
    "layer_collections": (
        "Lớp có hình học dạng tập hợp (GeometryCollection); tách chúng thành các hình học đơn "
        "trước.",
        "The layer holds GeometryCollection geometries; explode them into single types first "
        "(gdf.explode(index_parts=False))."),
    "layer_geometry_columns": (
        "Lớp có nhiều hơn một cột hình học ({columns}); một bảng GeoPackage chỉ chứa một cột. "
        "Bỏ các cột đó hoặc chuyển chúng thành văn bản WKT.",
        "The layer has more than one geometry column ({columns}); a GeoPackage table holds "
        "one. Drop them or convert them to WKT text."),
    "layer_geometry_name": (
        "Hình học nằm ở cột {column!r} nhưng có một cột khác tên 'geometry'; đổi tên cột đó "
        "trước.",
        "The geometry is in column {column!r} but another column is named 'geometry'; rename "
        "that column first."),
    "layer_case_clash": (
        "Có tên cột chỉ khác nhau ở chữ hoa, chữ thường ({columns}); GeoPackage không phân "
        "biệt chữ hoa, chữ thường. Đổi tên hoặc bỏ một cột trong mỗi cặp.",
        "Column names differ only by case ({columns}); GeoPackage ignores case. Rename or drop "
        "one of each."),
    # --- the project store -----------------------------------------------------------------
    "records_write_failed": (
        "Không ghi được bảng {table} ({detail}); chưa lưu gì. Mỗi cột chỉ nên có một kiểu giá "
        "trị (văn bản hoặc số).",
        "The {table} records could not be written ({detail}); nothing was saved. Give each "
        "column one value type (text or numbers)."),
    "layer_write_failed": (
        "Không ghi được lớp {name!r} ({detail}); chưa nhập gì. Kiểm tra các cột (mỗi cột một "
        "kiểu giá trị).",
        "Layer {name!r} could not be written ({detail}); nothing was imported. Check its "
        "columns (one value type per column)."),
    "store_changed": (
        "Tệp dự án {file} vừa bị người khác thay đổi trong lúc đang lưu; chưa lưu gì. Thử lại.",
        "The project store {file} was changed by someone else while this change was being "
        "made; nothing was saved. Try again."),
    "store_missing": ("Không có tệp dự án {file}.", "No project store at {file}."),
    "store_is_folder": (
        "{file} là một thư mục, không phải tệp dự án (*.gpkg).",
        "{file} is a folder, not a project store file (*.gpkg)."),
    "store_not_gpkg": (
        "{file} không phải tệp GeoPackage nên không phải tệp dự án KVPT. Tạo một dự án mới rồi "
        "nhập tệp này vào dự án đó.",
        "{file} is not a GeoPackage, so it is not a KVPT project store."),
    "store_damaged": (
        "Không đọc được {file} như một GeoPackage ({detail}); tệp có thể bị hỏng.",
        "{file} cannot be read as a GeoPackage ({detail}); it may be damaged."),
    "store_plain_gpkg": (
        "{file} là GeoPackage nhưng không phải tệp dự án KVPT (không có bảng danh mục "
        "{registry}). Tạo một dự án mới rồi nhập các lớp của tệp này vào.",
        "{file} is a GeoPackage but not a KVPT project store (it has no {registry} "
        "registry)."),
    "store_newer": (
        "{file} có cấu trúc phiên bản {version!r}, nhưng KVPT Planner này chỉ đọc được phiên "
        "bản 1 đến {latest}. Cập nhật KVPT Planner để mở tệp.",
        "{file} has store schema version {version!r}, but this KVPT Planner reads versions 1 "
        "to {latest}. Update KVPT Planner to open it."),
    "store_bad_suffix": (
        "Tệp dự án là một GeoPackage: đặt tên tệp có đuôi .gpkg, không phải {file!r}.",
        "A project store is a GeoPackage: give a path ending in .gpkg, not {file!r}."),
    "store_exists": (
        "{file} đã tồn tại. Chọn tên tệp mới cho dự án hoặc xóa tệp đó trước.",
        "{file} already exists. Choose a new file name for the project store or remove that "
        "file first."),
    "store_already": (
        "{file} đã là một tệp dự án KVPT; mở tệp đó thay vì tạo lại.",
        "{file} is already a KVPT project store; open it instead of creating it again."),
    "demo_exists": (
        "{file} đã tồn tại; xóa tệp đó hoặc chọn đường dẫn khác cho dự án mẫu.",
        "{file} exists; delete it or choose another path for the demo project."),
    # --- files installed with the program ----------------------------------------------------
    "no_bundled_layer": (
        "Không có lớp dữ liệu thật kèm theo tên {name!r}. Dùng một trong: {names}.",
        "No bundled real layer named {name!r}. Use one of: {names}."),
    "bundled_file_missing": (
        "Thiếu tệp dữ liệu kèm theo {file}: bản cài đặt chưa đầy đủ. Cài đặt lại KVPT Planner.",
        "Bundled data file {file} is missing: the installation is incomplete. Reinstall KVPT "
        "Planner."),
    "no_resource_folder": (
        "Không có thư mục tài nguyên kèm theo tên {name!r}. Dùng một trong: {names}.",
        "No bundled resource folder {name!r}. Use one of: {names}."),
    "resource_folder_missing": (
        "Thiếu thư mục {name}/ kèm theo: gói {package!r} chưa được cài đặt. Cài đặt lại KVPT "
        "Planner.",
        "The bundled {name}/ folder is missing: package {package!r} is not installed. "
        "Reinstall KVPT Planner."),
    "tiles_failed": (
        "Không cắt được lớp «{layer}» thành ô bản đồ vector ({detail}). Kiểm tra chỗ trống "
        "và quyền ghi của thư mục static/tiles/ của ứng dụng, rồi mở lại trang.",
        "Layer '{layer}' could not be cut into vector tiles ({detail}). Check the free space "
        "and write permission of the app's static/tiles/ folder, then open the page again."),
    "tiles_gdal": ("GDAL báo lỗi khi ghi ô", "GDAL failed while writing them"),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "dbf_unreadable": " (looked for {path})",
    "file_unreadable": " (looked for {path})",
    "no_folder": " ({path})",
    "store_missing": " Create it with `kvpt init {path}`.",
    "store_not_gpkg": " Create a store with `kvpt init NEW.gpkg` and import the file into it.",
    "store_plain_gpkg": (" Create a store with `kvpt init NEW.gpkg` and import this file's "
                         "layers into it."),
    "bundled_file_missing": " (pip install -e . in a checkout; looked for {path})",
    "resource_folder_missing": (" ({path} does not exist either: pip install kvpt-planner, or "
                                "pip install -e . in a checkout.)"),
}
"""Key → English advice for the command line (see :data:`layers.messages.HINTS`)."""
