"""The registry of layer kinds: what each kind of layer holds and how it is drawn.

A kind is data, not a class: one :class:`Kind` record per entry of :data:`KINDS`.
Each names its geometry types, its required and optional attributes (with the
column names they are often given in Vietnamese and English sources, used to
guess the mapping on import) and its map style.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import geopandas as gpd

from layers.errors import LayerError
from layers.messages import Note

POINT, LINE, POLYGON = "Point", "LineString", "Polygon"


@dataclass(frozen=True)
class Attribute:
    """One attribute of a kind.

    Attributes
    ----------
    name : str
        Column name in the project store (ASCII, snake_case).
    label_vi, label_en : str
        Labels for the user interface.
    dtype : str
        ``"str"``, ``"int"`` or ``"float"``.
    synonyms : tuple of str
        Source column names that mean this attribute (compared without case,
        accents or separators).
    """

    name: str
    label_vi: str
    label_en: str
    dtype: str = "str"
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Style:
    """How a kind is drawn on maps (Leaflet path options)."""

    color: str
    fill_color: str | None = None
    weight: float = 2.0
    fill_opacity: float = 0.35
    dash_array: str | None = None
    radius: float = 6.0


@dataclass(frozen=True)
class Kind:
    """A kind of layer.

    Attributes
    ----------
    key : str
        Identifier used in the store, the CLI (``--kind``) and settings.
    label_vi, label_en : str
        Names shown to users.
    group : str
        ``"admin"``, ``"reference"``, ``"defense"``, ``"mobilization"``,
        ``"infrastructure"`` or ``"planning"``.
    geometry_types : frozenset of str
        Allowed base geometry types (``Point``, ``LineString``, ``Polygon``;
        their ``Multi`` forms are allowed too).
    required, optional : tuple of Attribute
        Attributes the kind must have / may have.
    style : Style
        Map style.
    defense_work : bool
        Whether projects are appraised against this kind (it has a protection zone).
    """

    key: str
    label_vi: str
    label_en: str
    group: str
    geometry_types: frozenset[str]
    required: tuple[Attribute, ...]
    optional: tuple[Attribute, ...] = ()
    style: Style = field(default_factory=lambda: Style("#555555"))
    defense_work: bool = False

    @property
    def attributes(self) -> tuple[Attribute, ...]:
        """All attributes, required first."""
        return self.required + self.optional

    def label(self, lang: str = "vi") -> str:
        """Return the kind's name in ``lang`` (``"vi"`` or ``"en"``)."""
        return self.label_vi if lang == "vi" else self.label_en


def _a(name: str, vi: str, en: str, dtype: str = "str", *syn: str) -> Attribute:
    return Attribute(name, vi, en, dtype, tuple(syn))


NAME = _a("name", "Tên", "Name", "str", "ten", "ten_dv", "tendv", "ten_xa", "ten_huyen",
          "ten_tinh", "label", "title", "name_vi", "ten_vn", "nam", "tencongtrinh", "ten_dvhc",
          "ten_don_vi", "name_vn")
CODE = _a("code", "Mã", "Code", "str", "ma", "ma_dv", "madv", "id", "ma_xa", "ma_huyen",
          "ma_tinh", "gid", "fid_code", "objectid")
LEVEL = _a("level", "Cấp", "Level", "str", "cap", "cap_quan_ly", "capql", "tier",
           "cap_hanh_chinh", "cap_dvhc", "loai_dvhc", "level_vn")
STATUS = _a("status", "Trạng thái", "Status", "str", "trang_thai", "trangthai", "tinh_trang",
            "tinhtrang", "state")
PERCENT = _a("percent_complete", "% hoàn thành", "% complete", "float", "phan_tram",
             "ty_le_hoan_thanh", "tyle", "hoan_thanh", "pct", "percent", "completion")
NOTE = _a("note", "Ghi chú", "Note", "str", "ghi_chu", "ghichu", "mo_ta", "description", "desc")
FICTIONAL = _a("fictional", "Giả định (minh hoạ)", "Fictional (demo)", "str", "gia_dinh")
AREA_HA = _a("area_ha", "Diện tích (ha)", "Area (ha)", "float", "dien_tich", "dientich", "dt_ha",
             "area")
CLASS = _a("class", "Loại", "Class", "str", "loai", "loai_duong", "cap_duong", "fclass",
           "type", "category", "highway")

_BASE_OPTIONAL = (CODE, LEVEL, STATUS, PERCENT, NOTE, FICTIONAL)
BASE_CODE = _a("base_code", "Mã căn cứ gắn với", "Linked base code", "str", "ma_can_cu",
               "macancu", "can_cu_gan_voi", "linked_base")

_KINDS: tuple[Kind, ...] = (
    Kind("admin_unit", "Đơn vị hành chính", "Administrative unit", "admin",
         frozenset({POLYGON, POINT}), (NAME,),
         (CODE, LEVEL,
          _a("parent_code", "Mã cấp trên", "Parent code", "str", "ma_cap_tren", "parent",
             "ma_tinh_cha", "province_id"),
          _a("population", "Dân số", "Population", "int", "dan_so", "danso", "pop"),
          _a("combat_year", "Năm công nhận làng, xã chiến đấu",
             "Year designated a combat village or commune", "int", "nam_xa_chien_dau",
             "nam_xcd", "combat_commune_year", "nam_lang_chien_dau", "nam_lcd",
             "combat_village_year"),
          AREA_HA, NOTE),
         Style("#6b6b6b", "#f2efe9", 1.0, 0.15)),
    Kind("border", "Đường biên giới / vành đai biên giới", "Border line / border belt",
         "admin", frozenset({LINE, POLYGON}), (),
         (NAME, _a("sector", "Đoạn", "Sector", "str", "doan", "phan_doan"), NOTE),
         Style("#c00000", "#c00000", 3.0, 0.1, "8 4")),
    Kind("combat_base", "Căn cứ chiến đấu", "Combat base", "defense",
         frozenset({POINT, POLYGON}), (NAME,), _BASE_OPTIONAL,
         Style("#b2182b", "#ef8a62", 2.0, 0.45, None, 7.0), True),
    Kind("rear_base", "Căn cứ hậu phương", "Rear base", "defense",
         frozenset({POINT, POLYGON}), (NAME,), _BASE_OPTIONAL,
         Style("#2166ac", "#67a9cf", 2.0, 0.45, None, 7.0), True),
    Kind("logistics_base", "Căn cứ hậu cần – kỹ thuật", "Logistics-technical base",
         "defense", frozenset({POINT, POLYGON}), (NAME,), _BASE_OPTIONAL,
         Style("#762a83", "#af8dc3", 2.0, 0.45, None, 7.0), True),
    Kind("key_defense_area", "Khu vực phòng thủ then chốt", "Key defense area", "defense",
         frozenset({POLYGON}), (NAME,), (CODE, LEVEL, NOTE, FICTIONAL),
         Style("#8c510a", "#d8b365", 2.0, 0.3, "6 3"), True),
    Kind("air_defense", "Trận địa phòng không", "Air-defense position", "defense",
         frozenset({POINT, POLYGON}), (NAME,), (CODE, STATUS, NOTE, FICTIONAL),
         Style("#e66101", "#fdb863", 2.0, 0.6, None, 6.0), True),
    Kind("training_ground", "Thao trường", "Training ground", "defense",
         frozenset({POLYGON}), (NAME,), (CODE, LEVEL, STATUS, PERCENT, AREA_HA, NOTE,
                                          FICTIONAL),
         Style("#1b7837", "#7fbf7b", 2.0, 0.4), True),
    Kind("military_zone", "Khu quân sự", "Military zone", "defense",
         frozenset({POLYGON, POINT}), (NAME,),
         (CODE, _a("category", "Nhóm, loại khu quân sự", "Category", "str", "nhom", "loai_kqs",
                   "phan_loai"),
          _a("zone_width_m", "Hành lang bảo vệ (m)", "Protection width (m)", "float",
             "hanh_lang", "vanh_dai_an_toan", "protection_width"),
          STATUS, NOTE, FICTIONAL),
         Style("#67001f", "#d6604d", 2.0, 0.35, "10 3", 6.0), True),
    Kind("defense_economic_zone", "Khu kinh tế – quốc phòng", "Defense–economic zone",
         "defense", frozenset({POLYGON}), (NAME,),
         (CODE, _a("unit", "Đơn vị quản lý (đoàn KT-QP)", "Managing unit", "str", "don_vi",
                   "doan_ktqp", "doan_kinh_te_quoc_phong"),
          BASE_CODE, AREA_HA, STATUS, NOTE, FICTIONAL),
         Style("#35978f", "#c7eae5", 2.0, 0.25, "12 4 2 4")),
    Kind("high_point", "Điểm cao, hang động", "High point, cave", "defense",
         frozenset({POINT}), (NAME,),
         (_a("elevation_m", "Độ cao (m)", "Elevation (m)", "float", "do_cao", "docao", "elev"),
          _a("capacity", "Sức chứa", "Capacity", "float", "suc_chua"), NOTE, FICTIONAL),
         Style("#543005", "#bf812d", 1.5, 0.8, None, 5.0)),
    Kind("enterprise", "Doanh nghiệp động viên công nghiệp", "Designated enterprise",
         "mobilization", frozenset({POINT}), (NAME,),
         (CODE,
          _a("products", "Sản phẩm", "Products", "str", "san_pham", "sanpham"),
          _a("workforce", "Lao động", "Workforce", "int", "lao_dong", "so_lao_dong",
             "laodong", "employees"),
          _a("floor_area_m2", "Diện tích sàn cần (m²)", "Floor area needed (m²)", "float",
             "dien_tich_san", "dt_san", "floor_area"),
          _a("production_line", "Dây chuyền động viên công nghiệp", "Production line", "str",
             "day_chuyen", "daychuyen", "day_chuyen_dvcn"),
          _a("mobilization_capacity", "Năng lực động viên", "Mobilization capacity", "float",
             "nang_luc", "nangluc", "nang_luc_dong_vien", "cong_suat", "congsuat"),
          _a("capacity_unit", "Đơn vị năng lực", "Capacity unit", "str", "don_vi_nang_luc",
             "dvt", "don_vi_tinh"),
          _a("readiness", "Mức sẵn sàng động viên", "Readiness", "str", "san_sang",
             "sansang", "muc_san_sang", "muc_do_san_sang"),
          _a("must_relocate", "Phải di chuyển khi có chiến tranh", "Must relocate", "str",
             "phai_di_chuyen", "di_chuyen", "thuoc_dien_di_chuyen", "relocate"),
          _a("needs_water", "Cần nguồn nước", "Needs water", "str", "can_nuoc", "cannuoc"),
          _a("needs_power", "Cần nguồn điện", "Needs power", "str", "can_dien", "candien"),
          BASE_CODE, NOTE, FICTIONAL),
         Style("#01665e", "#35978f", 1.5, 0.9, None, 5.0)),
    Kind("relocation_site", "Địa điểm di chuyển", "Relocation site", "mobilization",
         frozenset({POLYGON, POINT}), (NAME,),
         (CODE,
          _a("usable_area_m2", "Diện tích sử dụng (m²)", "Usable area (m²)", "float",
             "dien_tich_su_dung", "dt_sd", "usable_area"),
          _a("capacity", "Sức chứa (lao động)", "Capacity (workers)", "int", "suc_chua",
             "succhua"),
          _a("water", "Có nước", "Water available", "str", "nuoc", "co_nuoc"),
          _a("power", "Có điện", "Power available", "str", "dien", "co_dien"),
          STATUS, NOTE, FICTIONAL),
         Style("#5ab4ac", "#c7eae5", 1.5, 0.5)),
    Kind("infrastructure", "Hạ tầng (giao thông, điện, viễn thông, thủy lợi)",
         "Infrastructure (road, rail, power, telecom, water)", "infrastructure",
         frozenset({LINE, POINT}), (),
         (NAME, CODE, CLASS,
          _a("network", "Mạng", "Network", "str", "mang", "he_thong", "system"),
          _a("length_m", "Chiều dài (m)", "Length (m)", "float", "chieu_dai", "chieudai",
             "length"),
          _a("dual_use", "Lưỡng dụng", "Dual-use", "str", "luong_dung", "luongdung",
             "dualuse"),
          _a("load_class", "Tải trọng thiết kế (cầu)", "Load class (bridge)", "str",
             "tai_trong", "taitrong", "load", "tai_trong_cau"),
          _a("runway_length_m", "Chiều dài đường băng (m)", "Runway length (m)", "float",
             "duong_bang", "chieu_dai_duong_bang", "runway"),
          NOTE, FICTIONAL),
         Style("#4d4d4d", None, 2.5, 0.0)),
    Kind("river", "Sông, suối", "River", "reference", frozenset({LINE, POLYGON}), (),
         (NAME, NOTE), Style("#4a90d9", "#a6cee3", 1.5, 0.5)),
    Kind("place", "Điểm dân cư", "Populated place", "reference", frozenset({POINT}), (NAME,),
         (_a("population", "Dân số", "Population", "int", "dan_so", "pop_max", "pop"), NOTE),
         Style("#333333", "#ffffff", 1.0, 1.0, None, 4.0)),
    Kind("proposed_project", "Dự án phát triển kinh tế – xã hội", "Proposed economic project",
         "planning", frozenset({POLYGON}), (NAME,),
         (CODE,
          _a("investor", "Chủ đầu tư", "Investor", "str", "chu_dau_tu", "chudautu", "owner"),
          _a("purpose", "Mục đích", "Purpose", "str", "muc_dich", "mucdich", "use"),
          AREA_HA, NOTE, FICTIONAL),
         Style("#d01c8b", "#f1b6da", 2.5, 0.45, "4 4")),
    Kind("hazard_zone", "Vùng ngập lụt, sạt lở", "Hazard zone (flood, landslide)", "planning",
         frozenset({POLYGON}), (),
         (NAME,
          _a("hazard", "Loại thiên tai", "Hazard", "str", "loai_thien_tai", "thien_tai",
             "type"),
          _a("return_period", "Chu kỳ lặp (năm)", "Return period (years)", "int",
             "chu_ky", "tan_suat"),
          NOTE, FICTIONAL),
         Style("#3f007d", "#9e9ac8", 1.0, 0.35, "2 4")),
    Kind("shelter", "Nơi sơ tán, trú ẩn", "Shelter (evacuation)", "planning",
         frozenset({POINT, POLYGON}), (NAME,),
         (CODE,
          _a("capacity", "Sức chứa (người)", "Capacity (people)", "int", "suc_chua",
             "succhua", "so_nguoi", "suc_chua_nguoi", "capacity_people"),
          _a("shelter_type", "Loại nơi sơ tán", "Shelter type", "str", "loai_noi_so_tan",
             "loai", "type"),
          STATUS, NOTE, FICTIONAL),
         Style("#1f4e9c", "#f28c28", 1.5, 0.8, None, 6.0)),
)

KINDS: dict[str, Kind] = {k.key: k for k in _KINDS}
"""Every kind the tool knows, by key."""

DEFENSE_WORK_KINDS: tuple[str, ...] = tuple(k.key for k in _KINDS if k.defense_work)
"""Kinds that proposed projects are appraised against."""


def get_kind(key: str) -> Kind:
    """Return the kind registered under ``key``.

    Raises
    ------
    LayerError
        If ``key`` is not a known kind; the message lists the known ones.
    """
    try:
        return KINDS[key]
    except KeyError:
        raise LayerError(key="unknown_kind",
                         params={"kind": key, "kinds": ", ".join(KINDS)}) from None


def normalize_name(text: str) -> str:
    """Return ``text`` folded for matching: no accents, lower case, no separators.

    ``"Tên_Xã"`` and ``"ten xa"`` both give ``"tenxa"``.
    """
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]", "", text.lower())


def guess_mapping(columns: Iterable[str], kind: Kind | str) -> dict[str, str | None]:
    """Guess which source column holds each attribute of ``kind``.

    Parameters
    ----------
    columns : iterable of str
        Source column names (the geometry column excluded).
    kind : Kind or str
        The target kind.

    Returns
    -------
    dict
        ``{attribute name: source column or None}``, in attribute order. A
        column is used for one attribute at most; exact names win over synonyms.
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    by_norm: dict[str, str] = {}
    for col in columns:
        by_norm.setdefault(normalize_name(col), col)
    mapping: dict[str, str | None] = {}
    used: set[str] = set()
    for attr in kind.attributes:
        mapping[attr.name] = None
        for candidate in (attr.name, *attr.synonyms):
            col = by_norm.get(normalize_name(candidate))
            if col is not None and col not in used:
                mapping[attr.name] = col
                used.add(col)
                break
    return mapping


def base_geometry_types(geoms: gpd.GeoSeries) -> set[str]:
    """Return the base types (``Point``, ``LineString``, ``Polygon``) present in ``geoms``."""
    types = geoms[~geoms.is_empty & geoms.notna()].geom_type.dropna().unique()
    return {t.replace("Multi", "") for t in types if t != "GeometryCollection"}


def check_geometry_types(geoms: gpd.GeoSeries, kind: Kind | str) -> None:
    """Raise :class:`LayerError` if ``geoms`` hold a geometry type ``kind`` does not allow."""
    kind = get_kind(kind) if isinstance(kind, str) else kind
    bad = base_geometry_types(geoms) - kind.geometry_types
    if bad:
        raise LayerError(key="wrong_geometry", params={
            "kind": kind.key, "allowed": ", ".join(sorted(kind.geometry_types)),
            "bad": ", ".join(sorted(bad))})


def apply_mapping(
    gdf: gpd.GeoDataFrame, kind: Kind | str, mapping: Mapping[str, str | None]
) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Rename source columns to the kind's attributes.

    Parameters
    ----------
    gdf : GeoDataFrame
        Source features.
    kind : Kind or str
        Target kind.
    mapping : mapping
        ``{attribute: source column or None}`` as from :func:`guess_mapping`.

    Returns
    -------
    GeoDataFrame
        The attributes first (missing optional ones are left out), then the
        columns no attribute took, then the geometry.
    list of str
        Those unmapped source columns ("unknown columns" of the import report).

    Raises
    ------
    LayerError
        If a mapped column is not in ``gdf`` or a required attribute is unmapped.
    """
    kind = get_kind(kind) if isinstance(kind, str) else kind
    known = {a.name for a in kind.attributes}
    problems = [Note.of("map_unknown_attribute", attribute=a) for a in mapping if a not in known]
    problems += [Note.of("map_missing_column", column=c) for c in mapping.values()
                 if c is not None and c not in gdf.columns]
    problems += [Note.of("map_required", attribute=a.name) for a in kind.required
                 if not mapping.get(a.name)]
    if problems:
        columns = ", ".join(map(str, gdf.columns.drop(gdf.geometry.name)))
        raise LayerError(key="mapping_failed", params={
            "kind": kind.key, "problems": problems, "columns": columns or "-"})
    rename = {col: attr for attr, col in mapping.items() if col}
    taken = set(rename)
    geom = gdf.geometry.name
    unknown = [c for c in gdf.columns if c not in taken and c != geom]
    clashes = [c for c in unknown if c in rename.values()]
    out = gdf.rename(columns={c: f"src_{c}" for c in clashes}).rename(columns=rename)
    unknown_out = [f"src_{c}" if c in clashes else c for c in unknown]
    order = [a.name for a in kind.attributes if a.name in rename.values()]
    out = out[order + unknown_out + [geom]]
    return out, unknown
