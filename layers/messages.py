"""The message catalogue of ``layers/``: one key per message, Vietnamese and English.

Errors (:class:`layers.errors.LayerError` with a ``key``), warnings of the import report
(:class:`Note`), CRS reasons and the words of the detection report carry a key and
parameters; each front end picks the language: the app Vietnamese by default, the command
line English. :data:`HINTS` adds command-line advice (option names such as ``--crs``) to the
command line's text only, so no page ever tells a planner to type an option.

Parameters are formatted into the text with :meth:`str.format`. A parameter that is itself
a :class:`Note` (or a list of them) is put in the same language first.

The messages about encodings, exercise records, exports and the store live in
:mod:`layers.messages_io` and are merged here: one catalogue, one lookup. Texts name files
by their base name and quote file content only as a short excerpt (:func:`clip`,
:func:`excerpt`), never a server path; a command-line hint may add the path the user typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from layers import messages_input, messages_io, messages_store, messages_terrain, messages_users

LANGS: tuple[str, ...] = ("vi", "en")

MESSAGES: dict[str, tuple[str, str]] = {
    # --- files and formats ---------------------------------------------------------------
    "unsupported_type": (
        "{file}: không đọc được loại tệp {suffix!r}. Dùng một trong {supported} (shapefile "
        "gồm .shp cùng .shx/.dbf/.prj, hoặc nén tất cả các phần vào một tệp .zip).",
        "{file}: unsupported file type {suffix!r}. Use one of {supported} (a shapefile as "
        ".shp with its .shx/.dbf/.prj beside it, or all its parts in one .zip)."),
    "no_such_file": (
        "Không có tệp {file}. Kiểm tra đường dẫn và tên tệp.",
        "{file}: no such file. Check the path and the file name."),
    "upload_one_file": (
        "Tải lên một tệp dữ liệu ({supported}), hoặc một shapefile gồm tệp .shp cùng "
        "{sidecars}; đã nhận: {got}.",
        "Upload one data file ({supported}), or one shapefile as its .shp with {sidecars}; "
        "got: {got}."),
    "no_such_layer": (
        "{file} không có lớp {layer!r}. Các lớp có trong tệp: {names}.",
        "{file} has no layer {layer!r}. Available layers: {names}."),
    "gdal_unreadable": (
        "Không đọc được {file}{what}: tệp có vẻ bị hỏng hoặc không phải tệp {suffix} hợp lệ. "
        "Xuất lại tệp từ phần mềm GIS đã tạo ra nó. (GDAL: {detail})",
        "{file}{what} could not be read: the file looks damaged or is not a valid {suffix} "
        "file. Re-export it from the GIS that made it. (GDAL: {detail})"),
    "geometry_unreadable": (
        "{where}: không xử lý được hình học của đối tượng thứ {feature} ({detail}). Sửa đối "
        "tượng đó trong phần mềm GIS rồi tải lên lại.",
        "{where}: the geometry of feature {feature} cannot be processed ({detail}). Fix that "
        "feature in a GIS and load the file again."),
    "nonfinite_coords": (
        "{where}: {count} đối tượng có tọa độ không phải số (NaN hoặc vô cực): đối tượng thứ "
        "{features}. Sửa hoặc xóa các đối tượng đó rồi tải lên lại.",
        "{where}: {count} feature(s) have coordinates that are not numbers (NaN or "
        "infinity): feature {features}. Fix or remove them and load the file again."),
    "shp_part_missing": (
        "{file}: thiếu phần {parts} của shapefile. Một shapefile cần các tệp .shp, .shx và "
        ".dbf đặt cạnh nhau (và .prj cho hệ tọa độ): chép phần còn thiếu vào cùng thư mục, "
        "hoặc nén tất cả các phần vào một tệp .zip.",
        "{file}: the shapefile part {parts} is missing. A shapefile needs its .shp, .shx and "
        ".dbf files side by side (and the .prj for its CRS): copy the missing part next to "
        "it, or zip all the parts together and import the .zip."),
    "zip_part_missing": (
        "{file}: tệp nén thiếu phần {parts} của shapefile. Nén cùng nhau các tệp .shp, .shx, "
        ".dbf và .prj của mỗi shapefile.",
        "{file}: the shapefile part {parts} is missing from the zip. Zip the .shp, .shx, .dbf "
        "and .prj files of each shapefile together."),
    "zip_unreadable": (
        "{file} không phải tệp nén zip đọc được ({detail}). Nén lại các phần của shapefile "
        "(.shp, .shx, .dbf, .prj).",
        "{file} is not a readable zip file ({detail}). Re-create the zip from the "
        "shapefile's parts (.shp, .shx, .dbf, .prj)."),
    "zip_damaged": (
        "{file} bị hỏng: {member} sai tổng kiểm tra. Nén lại tệp.",
        "{file} is damaged: {member} fails its checksum. Re-create the zip."),
    "zip_no_shapefile": (
        "{file} không chứa shapefile (.shp); trong tệp có: {listed}. Nén các tệp .shp, .shx, "
        ".dbf và .prj của một shapefile, hoặc giải nén và tải lên trực tiếp tệp "
        ".gpkg/.geojson/.kml/.csv.",
        "{file} holds no shapefile (.shp); it contains {listed}. Zip the .shp, .shx, .dbf and "
        ".prj files of a shapefile, or unzip it and import a .gpkg/.geojson/.kml/.csv file "
        "directly."),
    "kmz_unreadable": (
        "{file} không phải tệp KMZ (zip) đọc được ({detail}). Xuất lại từ Google Earth, hoặc "
        "lưu thành .kml.",
        "{file} is not a readable KMZ (zip) file ({detail}). Export it again from Google "
        "Earth, or save it as .kml."),
    "kmz_no_kml": (
        "{file} không chứa tài liệu .kml nào. Xuất lại, hoặc lưu thành .kml.",
        "{file} holds no .kml document. Export it again, or save it as .kml."),
    "kml_no_placemarks": (
        "{file} không có đối tượng (placemark) nào trong các lớp ({names}). Kiểm tra tệp đã "
        "được lưu cùng các đối tượng.",
        "{file} has no placemarks in any of its layers ({names}). Check that it was saved "
        "with its features."),
    "csv_bad_text": (
        "{file}: văn bản không đúng bảng mã {encoding} ({detail}). Chọn đúng bảng mã (utf-8, "
        "cp1258, tcvn3 hoặc vni).",
        "{file}: the text is not valid {encoding} ({detail}). Name the right encoding "
        "(utf-8, cp1258, tcvn3 or vni)."),
    "csv_empty": (
        "{file} rỗng. Xuất lại bảng với một dòng tiêu đề và các dòng dữ liệu.",
        "{file} is empty. Export the table again with a header row and data rows."),
    "csv_unreadable": (
        "{file} không phải bảng CSV đọc được ({detail}). Lưu thành CSV với một dòng tiêu đề "
        "và cùng số cột trên mọi dòng.",
        "{file} is not a readable CSV table ({detail}). Save it as CSV with one header row "
        "and the same number of columns on every line."),
    "csv_no_coords": (
        "{file}: không tìm thấy cột tọa độ trong các cột {columns}. Đặt tên cột lon/lat (hoặc "
        "longitude/latitude, kinh_do/vi_do) cho độ WGS 84, x/y cho mét của lưới chiếu (rồi "
        "chọn hệ tọa độ), hoặc một cột WKT tên geometry hay wkt.",
        "{file}: no coordinate columns found among {columns}. Name them lon/lat (or "
        "longitude/latitude, kinh_do/vi_do) for WGS 84 degrees, x/y for projected metres "
        "(then name the CRS), or give a WKT column named geometry or wkt."),
    "csv_not_numbers": (
        "{file}: cột {column!r} có {count} giá trị không phải số: dòng {lines}{more}. Sửa hoặc "
        "xóa các dòng đó (dấu thập phân là chấm hoặc phẩy, không có ký hiệu độ).",
        "{file}: column {column!r} has {count} value(s) that are not numbers: line "
        "{lines}{more}. Fix or remove those rows (decimal point or comma, no degree signs)."),
    "csv_bad_wkt": (
        "{file}: cột {column!r} có {count} giá trị không phải hình học WKT (dòng {lines}). "
        "Sửa lại, ví dụ POINT (106.76 21.85).",
        "{file}: column {column!r} has {count} value(s) that are not WKT geometries (line "
        "{lines}). Fix them, e.g. POINT (106.76 21.85)."),
    "more": (" và {count} giá trị khác", " and {count} more"),
    "no_features": (
        "{where} không có đối tượng nào. Kiểm tra đã chọn đúng tệp và đúng lớp.",
        "{where} has no features. Check that the right file and layer were chosen."),
    "no_usable_geometry": (
        "{where} có {count} đối tượng nhưng không đối tượng nào có hình học dùng được (tất "
        "cả rỗng hoặc hỏng). Kiểm tra tệp trong phần mềm GIS.",
        "{where} has {count} feature(s) but none with a usable geometry (all empty or "
        "broken). Check the file in a GIS."),
    "where_layer": ("{file} lớp {layer!r}", "{file} layer {layer!r}"),
    # --- warnings of the readers ----------------------------------------------------------
    "encoding_ignored": (
        "Bỏ qua bảng mã {encoding!r}: tệp {suffix} luôn là UTF-8.",
        "Encoding {encoding!r} was ignored: {suffix} files are always UTF-8."),
    "bad_bytes": (
        "{count} giá trị văn bản có byte không hợp lệ trong bảng mã {encoding} (hiện là "
        "\ufffd); nếu tên hiển thị sai, chọn bảng mã khác (utf-8, cp1258, tcvn3, vni).",
        "{count} text value(s) hold bytes that are not valid {encoding} (shown as \ufffd); if "
        "names look wrong, pick another encoding (utf-8, cp1258, tcvn3, vni)."),
    "xy_swapped": (
        "Cột {x!r}/{y!r} chứa tọa độ bắc/đông (quy ước trắc địa Việt Nam X = bắc, Y = đông); "
        "đã đổi chỗ hai cột.",
        "Columns {x!r}/{y!r} hold northing/easting (the Vietnamese survey convention X = "
        "north, Y = east); they were swapped."),
    "lonlat_swapped": (
        "Kinh độ và vĩ độ bị đổi chỗ (x {x}, y {y}): chỉ khi đổi lại, tọa độ mới nằm trong "
        "Việt Nam. Đã đổi chỗ; kiểm tra vị trí trên bản đồ.",
        "Longitude and latitude are swapped (x {x}, y {y}): the coordinates fall in Vietnam "
        "only when swapped back. They were swapped; check the positions on the map."),
    "crs_overridden": (
        "Đã dùng hệ tọa độ được chọn, {given}, thay cho {other} theo {source}.",
        "The CRS given, {given}, was used instead of {other} from {source}."),
    "from_prj": ("tệp .prj ({name})", "its .prj ({name})"),
    "from_gpkg": ("GeoPackage", "the GeoPackage"),
    "from_geojson_crs": ("thành phần crs của GeoJSON", "the GeoJSON's crs member"),
    "from_geojson_std": ("chuẩn GeoJSON (WGS 84)", "the GeoJSON standard (WGS 84)"),
    "from_kml_std": ("chuẩn KML (WGS 84)", "the KML standard (WGS 84)"),
    "from_lonlat_names": ("tên cột kinh độ/vĩ độ (WGS 84)", "its lon/lat column names (WGS 84)"),
    "from_wkt_degrees": ("tọa độ WKT có dạng độ", "its degree-sized WKT coordinates"),
    "from_swapped": ("kinh độ/vĩ độ đổi chỗ trong Việt Nam",
                     "lon/lat found swapped inside Vietnam"),
    # --- coordinate systems --------------------------------------------------------------
    "crs_missing": (
        "{where} không cho biết tọa độ{range} thuộc hệ tọa độ nào (không có tệp .prj hay hệ "
        "tọa độ trong tệp). {advice}",
        "{where} does not say which coordinate system its coordinates{range} are in (no "
        ".prj file or CRS in the file). {advice}"),
    "crs_mismatch": (
        "{where}: tọa độ ({range}) có dạng {looks}, nhưng hệ tọa độ {named} tính bằng "
        "{unit}. {advice}",
        "{where}: the coordinates ({range}) look like {looks}, but the CRS {named} is in "
        "{unit}. {advice}"),
    "named_from": ("{label}, theo {source}", "{label}, from {source}"),
    "unit_degrees": ("độ", "degrees"),
    "unit_metres": ("mét", "metres"),
    "unit_projected": ("mét (lưới chiếu)", "projected metres"),
    "candidates_none": (
        "Không hệ tọa độ Việt Nam hay WGS 84 nào khớp với các tọa độ này: hỏi đơn vị cung cấp "
        "dữ liệu hệ tọa độ họ dùng rồi nhập mã EPSG.",
        "No Vietnamese or WGS 84 system fits these coordinates: ask the data's producer which "
        "CRS they use and name it."),
    "candidates_likely": (
        "Có thể là: {top}. Chọn một hệ tọa độ trong danh sách.",
        "Likely: {top}. Pick one of them."),
    "prj_empty": (
        "{file} rỗng. Xóa tệp đó và chọn hệ tọa độ (ví dụ EPSG:9215).",
        "{file} is empty. Delete it and name the CRS instead (e.g. EPSG:9215)."),
    "prj_unreadable": (
        "{file} không chứa hệ tọa độ đọc được ({detail}). Thay bằng tệp .prj của đơn vị cung "
        "cấp dữ liệu, hoặc xóa nó và chọn hệ tọa độ (ví dụ EPSG:9215).",
        "{file} does not hold a readable coordinate system ({detail}). Replace it with the "
        ".prj from the data's producer, or delete it and name the CRS (e.g. EPSG:9215)."),
    "crs_unknown": (
        "{value!r} không phải một hệ tọa độ. Nhập mã EPSG như EPSG:9215 (VN-2000 / TM-3 "
        "107-15, Lạng Sơn), EPSG:3405 (VN-2000 / UTM 48N) hoặc EPSG:4326 (WGS 84 kinh "
        "độ/vĩ độ), hoặc một chuỗi WKT.",
        "{value!r} is not a coordinate reference system. Give an EPSG code such as EPSG:9215 "
        "(VN-2000 / TM-3 107-15, Lạng Sơn), EPSG:3405 (VN-2000 / UTM 48N) or EPSG:4326 (WGS "
        "84 lon/lat), or a WKT text."),
    "reason_grid": (
        "đọc theo lưới này, tọa độ nằm ở kinh độ {lon0:.2f}–{lon1:.2f}, vĩ độ "
        "{lat0:.2f}–{lat1:.2f}, trong phạm vi sử dụng của lưới ({area})",
        "read in this grid the coordinates fall at lon {lon0:.2f}–{lon1:.2f}, lat "
        "{lat0:.2f}–{lat1:.2f}, inside its area of use ({area})"),
    "reason_vn2000_first": (
        "dữ liệu nằm trong Việt Nam: bản đồ quốc gia dùng VN-2000",
        "the data lies in Vietnam, where national maps use VN-2000"),
    "reason_wgs84_twin": (
        "cùng lưới chiếu với {twin} ({twin_code}) nhưng trên datum WGS 84: tại vị trí của "
        "lớp, hai hệ đặt dữ liệu lệch nhau {shift_m:.0f} m; dữ liệu đo đạc Việt Nam thường "
        "là VN-2000",
        "the same grid as {twin} ({twin_code}) but on the WGS 84 datum: at the layer's "
        "location the two place the data {shift_m:.0f} m apart; Vietnamese survey data is "
        "usually VN-2000"),
    "reason_degrees_wgs84": (
        "tọa độ có dạng độ ({where}); WGS 84 là hệ kinh độ/vĩ độ thông dụng (GPS, bản đồ web)",
        "coordinates look like degrees ({where}); WGS 84 is the usual lon/lat system (GPS, "
        "web maps)"),
    "reason_degrees_vn2000": (
        "tọa độ độ nằm trong Việt Nam ({where}); bản đồ quốc gia dùng kinh độ/vĩ độ VN-2000",
        "degrees inside Vietnam ({where}); national maps use VN-2000 lon/lat"),
    "reason_shift": (
        "{reason}; so với {other} ({other_code}) lệch {shift_m:.0f} m tại vị trí của lớp",
        "{reason}; {shift_m:.0f} m from where {other} ({other_code}) places the data at the "
        "layer's location"),
    # --- kinds and mapping -------------------------------------------------------------
    "unknown_kind": (
        "Không có loại lớp {kind!r}. Dùng một trong: {kinds}.",
        "Unknown layer kind {kind!r}. Use one of: {kinds}."),
    "wrong_geometry": (
        "Loại lớp {kind!r} nhận hình học {allowed}, nhưng dữ liệu có {bad}. Chọn loại khác "
        "hoặc tách tệp theo loại hình học.",
        "Layer kind {kind!r} takes {allowed} geometries, but the data has {bad}. Choose "
        "another kind or split the file by geometry type."),
    "mapping_failed": (
        "Không ghép được các cột với loại {kind!r}: {problems}. Các cột có: {columns}.",
        "Cannot map columns to kind {kind!r}: {problems}. Columns present: {columns}."),
    "map_unknown_attribute": ("thuộc tính {attribute!r} không thuộc loại này",
                              "unknown attribute {attribute!r}"),
    "map_missing_column": ("không có cột {column!r} trong dữ liệu",
                           "column {column!r} is not in the data"),
    "map_required": ("thuộc tính bắt buộc {attribute!r} chưa được ghép với cột nào",
                     "required attribute {attribute!r} has no column"),
    # --- import --------------------------------------------------------------------------
    "name_needs_one_layer": (
        "{file} có {count} lớp ({names}); chỉ đặt tên được khi nhập một lớp: chọn lớp cần "
        "nhập.",
        "{file} holds {count} layers ({names}); a name needs one: pick the layer."),
    "kind_unknown_for": (
        "Không đoán được loại của lớp {layer!r} từ tên của nó. Chọn loại (một trong: {kinds}).",
        "Cannot tell the kind of layer {layer!r} from its name. Name the kind (one of: "
        "{kinds})."),
    "unknown_level": (
        "Cấp {level!r} không hợp lệ: dùng tỉnh, huyện, xã hoặc thôn (province, district, "
        "commune, village).",
        "Unknown level {level!r}: use province, district, commune or village (tỉnh, huyện, "
        "xã, thôn)."),
    "level_not_attribute": (
        "Loại lớp {kind!r} không có thuộc tính cấp; bỏ cấp đã chọn hoặc chọn loại khác.",
        "Layer kind {kind!r} has no level attribute; leave the level out or choose another "
        "kind."),
    "unchanged_source": (
        "Tệp này giống hệt nguồn của phiên bản hiện tại của lớp {layers}. Xác nhận nếu vẫn "
        "muốn tạo phiên bản mới.",
        "This file is byte for byte the source of the current version of {layers}. Confirm to "
        "make a new version anyway."),
    "unchanged_note": (
        "Tệp giống hệt nguồn của phiên bản {version} hiện tại của lớp {layer!r}; đã tạo phiên "
        "bản mới theo yêu cầu.",
        "The file is byte for byte the source of the current version {version} of layer "
        "{layer!r}; a new version was made as asked."),
    # --- levels of admin units -------------------------------------------------------------
    "level_province": ("tỉnh", "province"),
    "level_district": ("huyện", "district"),
    "level_commune": ("xã", "commune"),
    "level_village": ("thôn, bản", "village"),
    "levels_given": (
        "Cấp được chọn cho cả lớp: {level} ({count} đơn vị).",
        "Level given for the whole layer: {level} ({count} units)."),
    "levels_inferred": (
        "Cấp của đơn vị: {counts}; nhận ra từ {how}.",
        "Levels of the units: {counts}; read from {how}."),
    "level_how_column": ("cột {column!r} ({count} đơn vị)", "column {column!r} ({count} units)"),
    "level_how_name": (
        "tiền tố của tên trong cột {column!r} (Xã, Phường, Huyện…; {count} đơn vị)",
        "the name prefix in column {column!r} (Xã, Phường, Huyện…; {count} units)"),
    "level_how_city": (
        "{count} \"Thành phố\" lấy cấp {level} theo đa số của lớp",
        "{count} \"Thành phố\" take the layer's majority level, {level}"),
    "level_city_default": (
        "{count} đơn vị \"Thành phố\" không có căn cứ khác trong lớp nên được coi là cấp "
        "huyện (thành phố thuộc tỉnh); nếu là thành phố trực thuộc trung ương, chọn cấp tỉnh.",
        "{count} \"Thành phố\" unit(s) have no other evidence in the layer and were taken as "
        "district level (a city under a province); for a centrally run city, give the level "
        "province."),
    "level_conflict": (
        "{count} đơn vị có cột {column!r} khác với tiền tố tên (ví dụ {example}); đã theo cột.",
        "{count} unit(s) have a column {column!r} that disagrees with the name prefix (e.g. "
        "{example}); the column was followed."),
    "level_missing": (
        "{count} đơn vị không rõ cấp (ví dụ {examples}) và sẽ bị bỏ qua trong các phân tích; "
        "chọn cấp cho cả lớp.",
        "{count} unit(s) have no known level (e.g. {examples}) and will be left out of the "
        "analyses; give the level for the whole layer."),
    "level_mixed": (
        "Lớp gồm nhiều cấp ({counts}); kiểm tra lại hoặc chọn một cấp cho cả lớp.",
        "The layer mixes levels ({counts}); check them or give one level for the whole "
        "layer."),
    "level_none": ("không rõ", "unknown"),
    "level_count": ("{level}: {count}", "{level}: {count}"),
    # --- validation --------------------------------------------------------------------------
    "dropped_empty": (
        "{count} đối tượng không có hình học (rỗng) đã bị bỏ.",
        "{count} feature(s) without geometry (null or empty) were left out."),
    "repaired": (
        "{count} hình học không hợp lệ đã được sửa (tự cắt, vòng sai); kiểm tra trên bản đồ.",
        "{count} invalid geometry(ies) were repaired (self-intersections, bad rings); check "
        "them on the map."),
    "parts_dropped": (
        "{count} đối tượng mất phần có số chiều thấp hơn (đường hoặc điểm thừa bên cạnh vùng, "
        "hoặc phần hỗn hợp của tập hình học).",
        "{count} feature(s) lost parts of a lower dimension (stray lines or points beside "
        "polygons, or mixed collection parts)."),
    "dropped_invalid": (
        "{count} hình học không hợp lệ co lại thành rỗng (diện tích hoặc chiều dài bằng 0) "
        "và đã bị bỏ.",
        "{count} invalid geometry(ies) collapsed to nothing (zero area or length) and were "
        "left out."),
    "mixed_types": (
        "Lớp có nhiều loại hình học ({types}); mỗi loại lớp nhận một nhóm, nên tách tệp theo "
        "loại hình học nếu không nhập được.",
        "The layer mixes geometry types ({types}); a layer kind takes one family, so split "
        "the file by geometry type if the import refuses it."),
    # --- the project store ---------------------------------------------------------------
    "layer_unknown": (
        "Dự án không có lớp tên {name!r}. Các lớp: {names}.",
        "No layer named {name!r} in the project. Layers: {names}."),
    "version_unknown": (
        "Lớp {name!r} không có phiên bản {version!r}. Các phiên bản: {versions}.",
        "Layer {name!r} has no version {version!r}. Versions: {versions}."),
    "already_current": (
        "Phiên bản {version} của lớp {name!r} đang là phiên bản hiện tại; chọn một phiên bản "
        "cũ hơn để khôi phục.",
        "Version {version} of layer {name!r} is already the current version; choose an older "
        "one from its history to restore."),
    "layer_deleted": (
        "Lớp {name!r} đã bị xóa (phiên bản {version}); khôi phục nó để dùng lại.",
        "Layer {name!r} was deleted (version {version}); restore it to use it again."),
    "already_deleted": (
        "Lớp {name!r} đã bị xóa rồi.",
        "Layer {name!r} is already deleted."),
    "not_deleted": (
        "Lớp {name!r} chưa bị xóa; không có gì để khôi phục.",
        "Layer {name!r} is not deleted; there is nothing to undo."),
    "tombstone_version": (
        "Phiên bản {version} của lớp {name!r} chỉ ghi lại việc xóa lớp; chọn một phiên bản có "
        "dữ liệu.",
        "Version {version} of layer {name!r} only records the deletion; choose a version "
        "with data."),
    "name_taken": (
        "Tên {name!r} đã được dùng trong dự án (kể cả lớp đã xóa); chọn tên khác.",
        "The name {name!r} is already used in the project (deleted layers included); choose "
        "another."),
    "name_empty": ("Tên lớp đang trống; đặt tên cho lớp.",
                   "The layer name is empty; give the layer a name."),
    "same_name": ("Tên mới giống tên cũ ({name!r}).", "The new name is the old one ({name!r})."),
    "nothing_imported": ("Chưa nhập gì. {problems}", "Nothing was imported. {problems}"),
    "layer_problem": ("lớp {index} ({name!r}): {problem}", "layer {index} ({name!r}): {problem}"),
    "same_name_in_import": (
        "trùng tên với lớp {other}; đặt cho mỗi lớp của một lần nhập một tên riêng",
        "the same name as layer {other}; give each layer of one import its own name"),
    # --- version notes -------------------------------------------------------------------
    "note_restored": ("khôi phục từ phiên bản {version}", "restored from version {version}"),
    "note_deleted": ("đã xóa", "deleted"),
    "note_renamed": ("đổi tên từ {name!r}", "renamed from {name!r}"),
    # --- the detection report ------------------------------------------------------------
    "rep_crs": ("Hệ tọa độ", "CRS"),
    "rep_encoding": ("Bảng mã", "Encoding"),
    "rep_features": ("Số đối tượng (giữ / đọc)", "Features (kept / read)"),
    "rep_repaired": ("Đã sửa", "Repaired"),
    "rep_dropped": ("Bỏ (rỗng)", "Dropped (empty)"),
    "rep_geometry": ("Hình học", "Geometry"),
    "rep_scores": ("Điểm các bảng mã", "Encoding scores"),
    "rep_levels": ("Cấp đơn vị", "Unit levels"),
    "src_prj": ("phát hiện: tệp .prj", "detected: .prj file"),
    "src_file": ("phát hiện: trong tệp", "detected: in the file"),
    "src_user": ("người dùng chọn", "chosen by the user"),
    "src_assumed": ("mặc định theo chuẩn định dạng", "assumed by the format"),
    "src_detected": ("phát hiện: khớp nhất với tọa độ", "detected: best fit of the coordinates"),
    "src_cpg": ("phát hiện: tệp .cpg", "detected: .cpg file"),
    "src_ldid": ("phát hiện: byte ngôn ngữ của DBF", "detected: DBF language byte"),
    "src_default": ("mặc định", "default"),
    "src_format": ("theo định dạng", "set by the format"),
    "src_given": ("người dùng chọn", "chosen by the user"),
    "src_column": ("phát hiện: cột cấp", "detected: level column"),
    "src_name": ("phát hiện: tiền tố tên", "detected: name prefix"),
    "src_mixed": ("phát hiện: cột cấp và tiền tố tên", "detected: level column and name prefix"),
    "src_none": ("không có căn cứ", "no evidence"),
}
"""Key → (Vietnamese, English)."""

HINTS: dict[str, str] = {
    "no_such_file": " (looked for {path})",
    "csv_bad_text": " (--encoding on the command line).",
    "csv_no_coords": " (--crs on the command line).",
    "candidates_likely": " Name it with --crs {code} (command line).",
    "candidates_none": " Use --crs (command line).",
    "prj_empty": " (--crs on the command line.)",
    "prj_unreadable": " (--crs on the command line.)",
    "name_needs_one_layer": " (--name needs --layer on the command line.)",
    "kind_unknown_for": " (--kind on the command line.)",
    "unknown_level": " (--level on the command line.)",
    "level_missing": " (--level on the command line.)",
    "layer_unknown": " See `kvpt layers`.",
}
"""Key → English advice for the command line, appended to ``str(error)`` only (formatted with
the message's parameters)."""

DUPLICATE_KEYS: list[str] = sorted((MESSAGES.keys() & messages_io.MESSAGES.keys())
                                   | (HINTS.keys() & messages_io.HINTS.keys()))
"""Keys defined both here and in :mod:`layers.messages_io` (a test keeps it empty)."""
MESSAGES.update(messages_io.MESSAGES)
HINTS.update(messages_io.HINTS)
MESSAGES.update(messages_input.MESSAGES), HINTS.update(messages_input.HINTS)  # hostile input
MESSAGES.update(messages_store.MESSAGES), HINTS.update(messages_store.HINTS)  # store
MESSAGES.update(messages_users.MESSAGES), HINTS.update(messages_users.HINTS)  # users
MESSAGES.update(messages_terrain.MESSAGES), HINTS.update(messages_terrain.HINTS)  # DEMs


def format_message(template: str, params: dict, lang: str) -> str:
    """Format ``template``; ``lang`` ``"cli"`` is English with the hints of nested notes."""
    def put(v: object) -> object:
        if isinstance(v, Note):
            return str(v) if lang == "cli" else v.text(lang)
        return v

    values = {}
    for k, v in params.items():
        if isinstance(v, list | tuple) and any(isinstance(i, Note) for i in v):
            values[k] = "; ".join(str(put(i)) for i in v)
        else:
            values[k] = put(v)
    return template.format(**values)


def text(key: str, lang: str = "en", **params: object) -> str:
    """Return the message ``key`` in ``lang`` (``"vi"`` or ``"en"``), formatted."""
    vi, en = MESSAGES[key]
    return format_message(vi if lang == "vi" else en, params, lang)


def cli_text(key: str, **params: object) -> str:
    """Return the English message with its command-line hint (what ``kvpt`` prints)."""
    base = format_message(MESSAGES[key][1], params, "cli")
    hint = HINTS.get(key, "")
    return base + format_message(hint, params, "cli") if hint else base


@dataclass(frozen=True)
class Message:
    """A message of the catalogue with its parameters.

    Attributes
    ----------
    key : str
        Key of :data:`MESSAGES`.
    params : dict
        Values formatted into the text.
    """

    key: str
    params: dict = field(default_factory=dict)

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``"vi"`` or ``"en"``)."""
        return text(self.key, lang, **self.params)

    def __str__(self) -> str:
        return cli_text(self.key, **self.params)


class Note(str):
    """A message that is also its English text: a warning, a reason, a word of a report.

    Code that treats it as a plain ``str`` (the command line, JSON output) gets the
    English text with its command-line hint; a page calls :meth:`text` (or
    :func:`translate`) for its language.

    Examples
    --------
    >>> n = Note.of("dropped_empty", count=2)
    >>> str(n)
    '2 feature(s) without geometry (null or empty) were left out.'
    >>> n.text("vi")
    '2 đối tượng không có hình học (rỗng) đã bị bỏ.'
    """

    key: str
    params: dict

    @classmethod
    def of(cls, key: str, **params: object) -> Note:
        """Return the note ``key`` with ``params``."""
        note = super().__new__(cls, cli_text(key, **params))
        note.key = key
        note.params = dict(params)
        return note

    def text(self, lang: str = "en") -> str:
        """Return the note in ``lang``."""
        return text(self.key, lang, **self.params)

    def __reduce__(self) -> tuple:
        return (_note, (self.key, self.params))


def _note(key: str, params: dict) -> Note:
    return Note.of(key, **params)


def translate(value: object, lang: str = "en") -> str:
    """Return ``value`` in ``lang``: a :class:`Note`, a keyed error or plain text as is."""
    method = getattr(value, "text", None)
    if callable(method):
        return method(lang)
    return str(value)


def level_note(level: str | None) -> Note:
    """Return the name of a canonical level (``"commune"`` → xã / commune)."""
    return Note.of(f"level_{level}" if level in ("province", "district", "commune", "village")
                   else "level_none")


def clip(value: object, width: int = 40) -> str:
    """Return ``str(value)`` cut to ``width`` characters (ending in "…"), to quote file content.

    Control and formatting characters (terminal escapes, NUL, bidi overrides, line breaks)
    are escaped first (:func:`layers.messages_input.escape`).
    """
    text = messages_input.escape(str(value))
    return text if len(text) <= width else text[: width - 1] + "…"


def excerpt(text: str, at: int = 0, width: int = 30) -> str:
    """Return a short quoted, escaped excerpt of ``text`` around position ``at``.

    Examples
    --------
    >>> excerpt("Lạng Sơn 中", 9)
    "'Lạng Sơn 中'"
    >>> excerpt("x" * 50 + "中", 50, width=6)
    "…'xxxxx中'"
    """
    start = max(0, min(at - width // 2, len(text) - width))
    part = text[start:start + width]
    return ("…" if start else "") + repr(part) + ("…" if start + width < len(text) else "")


def short_list(values: Iterable[object], limit: int = 8) -> str | Note:
    """Return the first ``limit`` values, clipped and joined, with how many more there are."""
    items = [clip(v) for v in values]
    shown = ", ".join(items[:limit])
    if len(items) <= limit:
        return shown
    return Note.of("list_more", items=shown, count=len(items) - limit)


def more_items(count: int, shown: int) -> Note | str:
    """Return " … and N more" when ``count`` items were found but ``shown`` listed, else ""."""
    return Note.of("more_items", count=count - shown) if count > shown else ""


def os_reason(err: OSError) -> Note:
    """Return why a file could not be read, without its path (``err.strerror`` in English)."""
    for kind, key in ((FileNotFoundError, "os_not_found"), (PermissionError, "os_permission"),
                      (IsADirectoryError, "os_is_dir")):
        if isinstance(err, kind):
            return Note.of(key)
    return Note.of("os_other", detail=err.strerror or type(err).__name__)
