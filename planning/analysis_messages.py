"""Vietnamese texts of the problems :mod:`geo` reports about an analysis's inputs.

:mod:`geo` keeps the English text of each problem (:data:`geo.messages.MESSAGES`: what
``kvpt`` prints and ``str(err)`` holds); this module holds the Vietnamese text for the same
key, with the same placeholders, so the two never repeat each other. The app shows them
through :func:`planning.messages.analysis_text`; a key missing here is still shown in
Vietnamese, as a lead sentence with the English detail.

Parameters naming a function argument (``role``, ``arg``) or a capacity dimension (``by``,
``other``) are put in Vietnamese words first (:data:`ARGUMENTS`, :data:`CAPACITY`).
"""

from __future__ import annotations

ANALYSIS: dict[str, str] = {
    # --- words and lists used inside other problems -------------------------------------
    "labels_more": "{shown} và {count} giá trị khác",
    "none": "không có",
    "class_none": "(trống)",
    "no_lines_at_all": "không có đối tượng dạng đường nào",
    "pair_and": "{first} và {second}",
    "capacity_need": "cột {enterprise!r} của doanh nghiệp cùng cột {site!r} của địa điểm",
    # --- input frames ---------------------------------------------------------------------
    "frame_type": "Dữ liệu {role} không đúng dạng: cần một lớp bản đồ, không phải {type}.",
    "frame_no_crs": (
        "Dữ liệu {role} chưa có hệ tọa độ: gán hệ tọa độ cho lớp (ví dụ EPSG:4326 cho kinh "
        "độ/vĩ độ, EPSG:3405 cho VN-2000 / UTM 48N) rồi chạy lại."),
    "frame_duplicate_index": (
        "Dữ liệu {role} có nhãn hàng bị trùng ({labels}): kết quả được ghi theo nhãn, nên mỗi "
        "hàng cần một nhãn riêng."),
    "frame_no_geometry": (
        "Dữ liệu {role} có đối tượng không có hình học ({labels}): bổ sung hình học hoặc xóa "
        "các đối tượng đó rồi nhập lại lớp."),
    "frame_invalid": (
        "Dữ liệu {role} có hình học không hợp lệ ({labels}): sửa các hình học đó (tự cắt, vòng "
        "sai) rồi nhập lại lớp."),
    "frame_not_dataframe": "Dữ liệu {role} không đúng dạng: cần một bảng, không phải {type}.",
    "frame_no_columns": (
        "Dữ liệu {role} thiếu cột {columns} (các cột hiện có: {present}); chọn đúng cột tương "
        "ứng."),
    "frame_duplicate_labels": "Dữ liệu {role} có nhãn hàng bị trùng: mỗi hàng cần một nhãn riêng.",
    "points_type": (
        "Dữ liệu {role} không đúng dạng: cần các đối tượng có hình học, không phải {type}."),
    "distance_negative": "{arg} phải là số mét lớn hơn hoặc bằng 0, không phải {value!r}.",
    "crs_unknown": (
        "Không nhận ra hệ tọa độ phẳng {crs!r} ({detail}); dùng ví dụ EPSG:3405 (VN-2000 / UTM "
        "48N)."),
    "crs_not_metric": (
        "Hệ tọa độ {crs!r} ({name}) không phải lưới chiếu tính bằng mét nên chiều dài và diện "
        "tích sẽ sai; dùng ví dụ EPSG:3405 (VN-2000 / UTM 48N) hoặc EPSG:3406 (UTM 49N)."),
    # --- protection zones and appraisal ---------------------------------------------------
    "zone_width_bad": (
        "Độ rộng hành lang bảo vệ của loại {kind!r} phải là số mét lớn hơn hoặc bằng 0, không "
        "phải {width!r}."),
    "work_width_bad": (
        "Cột {column!r} của công trình phải ghi độ rộng hành lang bảo vệ bằng số mét lớn hơn "
        "hoặc bằng 0, hoặc để trống; hàng {labels} ghi {values}. Sửa lại, hoặc để trống để "
        "dùng độ rộng của loại công trình."),
    "works_no_kind_column": (
        "Lớp công trình quốc phòng không có cột {column!r} ghi loại của từng công trình (các "
        "cột hiện có: {columns}); chọn cột ghi loại công trình."),
    "works_kind_no_width": (
        "Có công trình quốc phòng thuộc loại chưa có độ rộng hành lang bảo vệ: {names} (hàng "
        "{labels}). Các loại đã có độ rộng: {known}. Nhập độ rộng (mét) cho loại {first!r}, "
        "hoặc sửa giá trị trong cột {column!r}."),
    "pairs_columns": (
        "Bảng kết quả thẩm định thiếu cột {columns}: dùng bảng do bước thẩm định tạo ra."),
    "proposals_duplicate_index": (
        "Các dự án đề xuất có nhãn hàng bị trùng: mỗi dự án cần một nhãn riêng; thẩm định lại."),
    "pairs_stray": (
        "Bảng kết quả thẩm định có dự án không nằm trong danh sách dự án đề xuất ({shown}): "
        "dùng đúng các dự án đã thẩm định."),
    "pairs_verdicts": (
        "Bảng kết quả thẩm định có kết luận không hợp lệ {verdicts}; kết luận hợp lệ: "
        "{expected}."),
    # --- layers stacked as assets ---------------------------------------------------------
    "layer_no_crs": (
        "Lớp {name!r} chưa có hệ tọa độ: đọc lớp từ dự án, hoặc gán hệ tọa độ cho lớp."),
    "layer_name_twice": (
        "Tên lớp {name!r} được dùng hai lần: tên lớp dùng để ghi nhãn các đối tượng, nên mỗi "
        "lớp cần một tên riêng."),
    # --- posture: completeness, depth, hazards, mutual support ----------------------------
    "assets_no_kind_column": (
        "Thành phần thế trận không có cột {column!r} ghi loại của từng thành phần; chọn cột ghi "
        "loại."),
    "level_column_missing": (
        "Dữ liệu {role} không có cột {column!r} ghi cấp của từng đơn vị (tỉnh, huyện hoặc xã); "
        "thêm cột cấp rồi nhập lại lớp."),
    "levels_unknown": (
        "Dữ liệu {role} có cấp không nhận ra trong cột {column!r}: {values}. Ghi cấp là tỉnh, "
        "huyện, xã hoặc thôn."),
    "levels_empty": (
        "Dữ liệu {role} có đơn vị chưa ghi cấp trong cột {column!r} ({rows}); ghi cấp tỉnh, "
        "huyện, xã hoặc thôn cho từng đơn vị."),
    "requirements_type": (
        "Cài đặt thành phần bắt buộc theo cấp không đúng dạng (cần mỗi cấp một danh sách "
        "loại), không phải {type}."),
    "requirements_levels": (
        "Cài đặt thành phần bắt buộc có cấp không hợp lệ {levels}; chỉ dùng tỉnh, huyện, xã, "
        "thôn."),
    "share_min_range": (
        "Tỷ lệ tối thiểu {value!r} không hợp lệ: nhập một số từ 0 đến 1 (tỷ lệ số thôn, bản), "
        "ví dụ 0.8 là 80 %."),
    "requirements_kinds": (
        "Thành phần bắt buộc của cấp {level!r} phải là danh sách mã loại (ví dụ "
        "['combat_base', 'rear_base']), không phải {kinds!r}."),
    "bands_bad": (
        "Các dải chiều sâu phải là khoảng cách (km) lớn hơn 0 và tăng dần, ví dụ 10, 30, 60; "
        "đã nhập: {bands!r}."),
    "border_no_line": (
        "Lớp đường biên giới không có đối tượng dạng đường: chiều sâu được đo tới đường biên "
        "giới, nên cần một lớp loại 'Đường biên giới' vẽ biên giới bằng đường."),
    "hazards_not_polygons": (
        "Vùng ngập lụt, sạt lở phải là các vùng (đa giác); các hàng {rows} thì không. Dùng lớp "
        "loại 'Vùng ngập lụt, sạt lở'."),
    "within_km_bad": (
        "Khoảng cách chi viện phải là số km lớn hơn hoặc bằng 0, không phải {value!r}."),
    "within_min_bad": (
        "Thời gian chi viện phải là số phút lớn hơn hoặc bằng 0, không phải {value!r}."),
    "within_min_no_network": (
        "Tính chi viện theo thời gian cần mạng đường: nhập lớp đường giao thông, hoặc tính "
        "theo khoảng cách (km)."),
    # --- exercises and targets ------------------------------------------------------------
    "cycle_setting_bad": (
        "Cài đặt chu kỳ diễn tập phải là số năm nguyên từ 1 trở lên (hoặc để trống), không phải "
        "{value!r}."),
    "shares_order": (
        "Tỷ lệ xã diễn tập tối thiểu mỗi năm ({low}) lớn hơn tỷ lệ tối đa ({high}); ví dụ tối "
        "thiểu 0,20 và tối đa 0,25."),
    "no_communes": (
        "Không có xã nào để lập kế hoạch (số xã: {value!r}): nhập trước một lớp đơn vị hành "
        "chính có các xã."),
    "cycle_bad": "Chu kỳ diễn tập phải là số năm nguyên từ 1 trở lên, không phải {value!r}.",
    "cycle_too_short": (
        "Chu kỳ {cycle} năm cần diễn tập {need} trong {total} xã mỗi năm, nhiều hơn tỷ lệ tối đa "
        "cho phép ({most} xã); kéo dài chu kỳ hoặc tăng tỷ lệ tối đa."),
    "years_bad": "Số năm của kế hoạch phải là số nguyên từ 1 trở lên, không phải {value!r}.",
    "start_bad": "Năm bắt đầu phải là một năm (số nguyên), không phải {value!r}.",
    "share_bad": (
        "{arg} phải lớn hơn 0 và không quá 1, ví dụ 0,20 cho 20 %, không phải {value!r}."),
    "records_columns": (
        "Bảng kết quả diễn tập thiếu cột {columns}; bảng cần có mã xã (commune_code) và năm "
        "(year)."),
    "records_columns_read": (
        "Bảng kết quả diễn tập thiếu cột {columns}; nhập lại kết quả diễn tập."),
    "record_years": "Bảng kết quả diễn tập có năm không phải số nguyên: {values}.",
    "communes_no_code_column": (
        "Lớp xã không có cột {column!r} ghi mã xã (các cột hiện có: {columns}); thêm cột mã xã "
        "rồi nhập lại lớp."),
    "communes_without_code": (
        "Lớp xã có xã chưa có mã trong cột {column!r} (hàng {rows}); ghi mã cho mọi xã rồi nhập "
        "lại lớp."),
    "communes_duplicate_codes": "Lớp xã có mã bị trùng ({codes}); mỗi xã cần một mã riêng.",
    "districts_no_code_column": (
        "Lớp huyện không có cột {column!r} ghi mã huyện; thêm cột mã huyện rồi nhập lại lớp."),
    "percent_complete_bad": (
        "Tỷ lệ hoàn thành (percent_complete) phải từ 0 đến 100; các hàng sai: {rows}. Sửa giá "
        "trị trong lớp của các công trình này."),
    "roadmap_ids_count": (
        "Có {ids} mã cho {works} công trình: mỗi công trình cần đúng một mã."),
    "ground_measure_bad": (
        "Cách tính chỉ tiêu thao trường (training_ground_measure) phải là 'build_progress' "
        "(tiến độ xây dựng) hoặc 'district_share' (tỷ lệ huyện có thao trường), không phải "
        "{value!r}."),
    "target_missing": (
        "Chưa đặt chỉ tiêu {measure!r}: đặt mức tối thiểu và tối đa cho chỉ tiêu này trong cài "
        "đặt."),
    "target_bounds": (
        "Mức của chỉ tiêu {key!r} phải là tỷ lệ từ 0 đến 1 (hoặc để trống), không phải "
        "{target!r}; ví dụ tối thiểu 0,2 và tối đa 0,3."),
    "target_order": "Chỉ tiêu {key!r} có mức tối thiểu lớn hơn mức tối đa ({target!r}).",
    # --- road network and chokepoints -----------------------------------------------------
    "speed_class_bad": (
        "Tốc độ của cấp đường {cls!r} phải là số km/h lớn hơn 0, không phải {value!r}."),
    "speed_bad": "{arg} phải là số km/h lớn hơn 0, không phải {value!r}.",
    "lines_not_lines": (
        "Lớp đường giao thông có đối tượng không phải dạng đường ({rows}, {types}): chỉ giữ lại "
        "các đối tượng dạng đường."),
    "network_no_segments_join": (
        "Mạng đường không có đoạn đường nào để nối các điểm vào: nhập lớp đường giao thông có "
        "ít nhất một đường."),
    "node_ids_taken": (
        "Mã nút {nodes} đã có trong mạng đường: nối các điểm này với một tiền tố khác."),
    "nodes_not_in_network": (
        "Các nút {nodes} không có trong mạng đường: nối các điểm vào mạng đường trước."),
    "nodes_not_in_network_join": (
        "Các nút {nodes} không có trong mạng đường: nối chúng vào mạng đường trước, hoặc chọn "
        "các đối tượng."),
    "unreachable": (
        "Không đi được từ {source!r} đến {target!r} trên mạng đường: hai điểm nằm ở hai phần "
        "mạng đường không nối với nhau (có đoạn bị cắt, hoặc các đường không gặp nhau trong "
        "phạm vi dung sai nối đường)."),
    "sources_empty": "Chưa có điểm xuất phát: chọn ít nhất một điểm trên mạng đường.",
    "unknown_segments": (
        "Không có đoạn đường {ids} trong mạng đường. Mã đoạn có dạng "
        "'<lớp>:<hàng>/<phần>/<đoạn>'; chọn mã đoạn trong danh sách các đoạn đường."),
    "minutes_bad": "Thời gian phải là số phút lớn hơn hoặc bằng 0, không phải {value!r}.",
    "load_t_bad": (
        "Tải trọng xe phải là số tấn lớn hơn 0, không phải {value!r}; để trống nếu không "
        "xét tải trọng cầu đường."),
    "no_road_lines": (
        "Không có đường giao thông: cấp đường tìm thấy: {found}. Các cấp đường được nhận là "
        "{classes} (hoặc viết 'Quốc lộ', 'QL1A', 'Đường tỉnh', 'ĐT.226', 'Đường huyện'…); ghi "
        "đúng cấp đường cho các đối tượng, hoặc nhập tốc độ cho cấp đường của lớp."),
    "feature_ambiguous": (
        "{ident!r} là tên của {count} đối tượng ({ids}): chọn một đối tượng theo "
        "'<lớp>:<hàng>'."),
    "feature_unknown": (
        "Không có đối tượng {ident!r}: chọn theo '<lớp>:<hàng>' (tên lớp và số thứ tự hàng "
        "tính từ 0, ví dụ {example!r}) hoặc theo tên riêng của một đối tượng điểm hay vùng."),
    "increase_pct_bad": (
        "Ngưỡng tăng thời gian phải là số phần trăm lớn hơn hoặc bằng 0, không phải {value!r}."),
    "no_hub": (
        "Chưa có đầu mối: chọn các đối tượng mà các mục tiêu phải đi tới được, ví dụ các căn cứ "
        "cấp tỉnh."),
    "no_target": "Chưa có đối tượng cần xét: chọn các căn cứ hoặc địa điểm cần kiểm tra.",
    # --- relocation -----------------------------------------------------------------------
    "no_border_depth": (
        "Không có đường biên giới để đo độ sâu của các địa điểm: nhập một lớp loại 'Đường biên "
        "giới', hoặc đặt độ sâu tối thiểu bằng 0 (hiện là {depth:g} km)."),
    "plans_differ": (
        "Hai phương án không cùng danh sách doanh nghiệp: chỉ so sánh các phương án lập từ "
        "cùng một lớp doanh nghiệp."),
    "times_not_2d": (
        "Bảng thời gian di chuyển phải là ma trận hai chiều (doanh nghiệp × địa điểm), không "
        "phải {ndim} chiều."),
    "capacity_dims": (
        "Nhu cầu có {demands} loại sức chứa còn địa điểm có {capacities}: dùng cùng các cột sức "
        "chứa cho cả hai."),
    "array_not_finite": (
        "{arg} phải là số lớn hơn hoặc bằng 0: điền các giá trị còn trống hoặc sửa giá trị âm."),
    "solver_time_limit": (
        "Bộ giải phân bổ đã hết thời gian mà chưa tìm được phương án; tăng thời gian giải tối "
        "đa (hiện {limit:g} giây) rồi chạy lại."),
    "solver_failed": (
        "Bộ giải phân bổ dừng mà chưa tìm được phương án ({detail}); tăng thời gian giải tối "
        "đa (hiện {limit:g} giây) rồi chạy lại."),
    "capacity_by_bad": "Cách tính sức chứa phải là một trong {choices}, không phải {value!r}.",
    "capacity_columns_missing": (
        "Tính sức chứa theo {by} cần {need}; ghép các thuộc tính đó khi nhập lớp (loại "
        "'Doanh nghiệp động viên công nghiệp' và 'Địa điểm di chuyển'), hoặc chọn cách tính "
        "sức chứa khác."),
    "capacity_values_bad": (
        "Dữ liệu {role}: cột {column!r} có giá trị trống hoặc âm (hàng {rows}): điền đủ giá "
        "trị, hoặc tính sức chứa theo {other}."),
    "yes_no_bad": (
        "Dữ liệu {role}: cột {column!r} có giá trị không phải có hay không ({values}; hàng "
        "{rows}): ghi có/yes hoặc không/no (để trống thì lấy giá trị mặc định)."),
    "readiness_bad": (
        "Mức sẵn sàng {values} (hàng {rows}) không phải mức đã biết: ghi một trong {levels} "
        "(hoặc sẵn sàng / một phần / chưa sẵn sàng), hoặc để trống."),
    "mobilization_capacity_bad": (
        "Năng lực động viên {values} (hàng {rows}) phải là số lớn hơn hoặc bằng 0 (đơn vị ghi "
        "ở cột đơn vị năng lực): sửa lại hoặc để trống."),
    "directions_bad": (
        "Mỗi hướng cần tên và (góc đầu, góc cuối) từ 0 đến 360 độ; sửa {sectors} trong cài "
        "đặt mobilization_directions."),
    "times_missing": (
        "Bảng thời gian di chuyển thiếu doanh nghiệp ({enterprises}) hoặc địa điểm ({sites}): "
        "lập bảng từ cùng các lớp (hàng là doanh nghiệp, cột là địa điểm)."),
    "criteria_bad": (
        "Bảng tiêu chí không khớp với các địa điểm: tính lại tiêu chí từ cùng các địa điểm, "
        "đường biên giới và vùng ngập lụt, sạt lở."),
    "network_no_segments": (
        "Mạng đường không còn đoạn đường nào: nhập lớp loại 'Hạ tầng' có đường giao thông, "
        "hoặc cắt ít đoạn hơn."),
    # --- terrain (geo.terrain) ---------------------------------------------------------------
    "terrain_grid_shape": (
        "Lưới độ cao cần ít nhất 2 hàng và 2 cột, lưới này có kích thước {shape}: nhập mô "
        "hình số độ cao phủ kín khu vực."),
    "terrain_cell_bad": "Kích thước ô của lưới độ cao phải là số dương, giá trị hiện tại {value}.",
    "terrain_radius_bad": "Bán kính quan sát phải là số mét dương, giá trị hiện tại {value}.",
    "terrain_height_bad": "Giá trị {arg} phải là số mét >= 0 so với mặt đất, không phải {value}.",
    "terrain_off_grid": (
        "{points} nằm ngoài mô hình số độ cao hoặc trên ô thiếu số liệu: nhập mô hình phủ "
        "các điểm đó, hoặc chọn điểm bên trong."),
    # --- hazards and evacuation -------------------------------------------------------------
    "hazard_types_empty": (
        "Chưa chọn loại thiên tai nào: chọn một hay nhiều loại trong {known}, hoặc để trống để "
        "xét mọi vùng."),
    "population_rule_bad": (
        "Cách tính dân cần sơ tán phải là một trong {choices}, không phải {value!r} (cài đặt "
        "evacuation_population_rule)."),
    "population_bad": (
        "Cột dân số của xã có giá trị không phải số ≥ 0 (hàng {rows}): sửa lại, hoặc để trống "
        "để dùng mật độ dân số mặc định (cài đặt evacuation_fallback_density_km2)."),
    "density_bad": "Mật độ dân số mặc định phải là một số người/km² ≥ 0, không phải {value!r}.",
    "group_size_bad": (
        "Số người mỗi nhóm sơ tán phải là số nguyên ≥ 0 (0: cả xã một nhóm), không phải "
        "{value!r}."),
    "shelter_capacity_missing": (
        "Lớp nơi sơ tán thiếu thuộc tính sức chứa (số người; các cột hiện có: {columns}): "
        "ghép cột sức chứa khi nhập lớp (loại 'Nơi sơ tán, trú ẩn')."),
    "shelter_capacity_bad": (
        "Sức chứa của nơi sơ tán bị trống hoặc âm (hàng {rows}): điền sức chứa (số người) cho "
        "từng nơi sơ tán."),
    "dask_missing": (
        "Chạy phân vùng (dask) cần gói dask-geopandas nhưng máy chủ chưa cài (thiếu {module!r}): "
        "nhờ quản trị cài gói tùy chọn kvpt-planner[dask], hoặc chạy trong bộ nhớ."),
    "partitions_bad": (
        "Số phân vùng phải là số nguyên ≥ 1, không phải {value!r}: nhập lại số phân vùng."),
}
"""Key of :data:`geo.messages.MESSAGES` → Vietnamese text (same placeholders)."""

ARGUMENTS: dict[str, str] = {
    "works": "công trình quốc phòng",
    "observer_height": "chiều cao người quan sát",
    "target_height": "chiều cao mục tiêu",
    "areas": "vùng",
    "proposals": "dự án đề xuất",
    "zones": "khu kinh tế – quốc phòng",
    "units": "đơn vị hành chính",
    "assets": "thành phần thế trận",
    "training_grounds": "thao trường",
    "border": "đường biên giới",
    "area": "phạm vi tỉnh",
    "hazards": "vùng ngập lụt, sạt lở",
    "routes": "tuyến đường",
    "positions": "vị trí bố trí",
    "lines": "đường giao thông",
    "points": "điểm cần nối vào mạng đường",
    "communes": "xã",
    "bases": "căn cứ",
    "facilities": "cơ sở kinh tế",
    "sites": "địa điểm di chuyển",
    "shelters": "nơi sơ tán",
    "enterprises": "doanh nghiệp động viên công nghiệp",
    "features": "đối tượng",
    "districts": "huyện",
    "records": "kết quả diễn tập",
    "search_distance": "Khoảng cách tìm kiếm",
    "near_distance": "Khoảng cách gần",
    "snap_tolerance": "Dung sai nối đường",
    "min_depth_km": "Độ sâu tối thiểu",
    "max_travel_min": "Thời gian di chuyển tối đa",
    "limit": "Giới hạn",
    "share_min": "Tỷ lệ xã diễn tập tối thiểu mỗi năm",
    "share_max": "Tỷ lệ xã diễn tập tối đa mỗi năm",
    "demands": "Nhu cầu của doanh nghiệp",
    "capacities": "Sức chứa của địa điểm",
    "offroad_speed_kmh": "Tốc độ đi ngoài đường",
    "road_default_speed_kmh": "Tốc độ mặc định của đường",
}
"""Argument names of :mod:`geo` functions (parameters ``role`` and ``arg``) → Vietnamese."""

CAPACITY: dict[str, str] = {
    "both": "lao động và diện tích",
    "workforce": "lao động",
    "area": "diện tích",
}
"""Capacity dimensions of a relocation (parameters ``by`` and ``other``) → Vietnamese."""
