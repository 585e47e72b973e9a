"""The demo project: real Lạng Sơn geography with fictional defense assets on it.

The real layers (province, districts, communes, the China border, roads, railway,
rivers, places) are the bundled files of ``data/real/`` mapped to their kinds.
Every other layer is **fictional**: generated here from a fixed random seed, so
the output is the same on every run. A fictional layer's name ends with
``" (giả định)"`` and each of its features has ``fictional = "giả định / fictional"``.

The fictional layout is designed to exercise the tool's questions:

* one district-level combat base per district (plus one province-level base),
  and a rear base per district lying deeper from the border than that district's
  combat base;
* key defense areas at the border gates (Đồng Đăng – Hữu Nghị, Tân Thanh, Chi Ma)
  and on the QL1A / QL4A axes inland;
* about 30 designated enterprises in the towns and 40 relocation sites deep
  inland, two of them in a flood zone;
* 28 shelters (civil defense) beside the roads around the flood towns, one of them in
  the Lạng Sơn flood zone, with fewer places than the people at risk;
* proposed projects with known appraisal answers: one overlaps a combat base,
  one lies :data:`PROTECTION_GAP_M` from a combat base (inside a 500 m protection
  zone), one sits in the border belt, one is clear of every defense work;
* two military zones, one :data:`MILITARY_GAP_M` from the "protection zone" project
  (a "near" pair), and a defense–economic zone around the clear project;
* commune exercise records for 2021–2025 (:func:`demo_exercises`), about a fifth of
  the communes a year, some skipped, for the rotation plan and the targets.

Geometry is generated in VN-2000 / UTM 48N (EPSG:3405) and stored in EPSG:4326.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely import affinity, ops
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry

from layers import demo_hazards, records
from layers.basemap import DATA_DIR, real_layer
from layers.errors import LayerError
from layers.store import LayerRecord, NewLayer, ProjectStore

SEED = 20251122
"""Seed of every random choice (one stream per layer, derived from it)."""

EXERCISE_YEARS = (2021, 2025)
"""First and last year of the demo's fictional exercise records."""

FICTIONAL = "giả định / fictional"
"""Value of the ``fictional`` column of every generated feature."""

FICTIONAL_SUFFIX = " (giả định)"
"""Every fictional layer's name ends with this."""

METRIC_CRS = "EPSG:3405"
STORAGE_CRS = "EPSG:4326"

PROTECTION_GAP_M = 400.0
MILITARY_GAP_M = 700.0
"""Gap between that project and a military zone (beyond its 500 m zone, "near")."""
"""Gap between the "protection zone" demo project and its combat base, in metres."""

STATUSES = ("planned", "building", "done")

_NOTE = ("Giả định: dữ liệu minh hoạ đặt trên địa lý thật, không phải vị trí thật. "
         f"Fictional demo data on real geography (layers/demo.py, seed {SEED}).")


@dataclass(frozen=True)
class DemoLayer:
    """One layer of the demo project before it is written.

    Attributes
    ----------
    name : str
        Layer name in the store (fictional ones end with :data:`FICTIONAL_SUFFIX`).
    kind : str
        Kind key (see ``layers.kinds.KINDS``).
    gdf : GeoDataFrame
        Features in EPSG:4326, with the kind's attribute columns.
    source : str
        The bundled file it came from (``data/real/...``) or ``"layers/demo.py"``.
    note : str
        Origin and licence (real) or the fictional-data notice.
    """

    name: str
    kind: str
    gdf: gpd.GeoDataFrame
    source: str
    note: str

    @property
    def fictional(self) -> bool:
        """Whether the layer was generated (not real data)."""
        return self.name.endswith(FICTIONAL_SUFFIX)


COMMUNE_LAYER = "Xã, phường, thị trấn (Lạng Sơn, 2009)"
"""Name of the demo's commune layer (real 2009 communes)."""


def build_demo(path: str | Path) -> list[LayerRecord]:
    """Create the demo project at ``path``.

    Parameters
    ----------
    path : str or Path
        The GeoPackage to create; it must not exist.

    Returns
    -------
    list of LayerRecord
        The layers written, in :func:`demo_layers` order.

    Raises
    ------
    LayerError
        If ``path`` already exists.
    """
    path = Path(path)
    if path.exists():
        raise LayerError(key="demo_exists", params={"file": path.name})
    new = [_new_layer(layer) for layer in demo_layers()]
    store = ProjectStore.init(path)
    try:
        written = store.add_layers(new)
        communes = _commune_table(store.read(COMMUNE_LAYER))
        records.write_exercises(store, demo_exercises(communes), communes)
        _add_demo_dem(store, communes)
        return written
    except BaseException:
        path.unlink(missing_ok=True)  # the empty store this call created
        raise


DEM_NAME = "DEM (giả định)"
"""Name of the demo's FICTIONAL elevation model (as ``kvpt terrain fictional`` names it)."""

DEM_CELL_M = 200.0
"""Cell of the demo's fictional DEM (metres): coarse, so the demo builds fast."""


def _add_demo_dem(store: ProjectStore, communes: gpd.GeoDataFrame) -> None:
    """Store the FICTIONAL DEM over the communes (:func:`layers.dem.fictional_dem`)."""
    from layers import dem, store_rasters

    bounds = communes.to_crs("EPSG:4326").total_bounds
    grid = dem.fictional_dem(tuple(float(v) for v in bounds), cell_m=DEM_CELL_M)
    store_rasters.add_raster(
        store, DEM_NAME, dem.to_geotiff(grid, description=dem.FICTIONAL_NOTE), crs=grid.crs,
        width=grid.shape[1], height=grid.shape[0], cell_m=grid.cell,
        source="generated (fictional)", note=dem.FICTIONAL_NOTE)


def _commune_table(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the demo communes' ``code``, ``name``, ``parent_code`` as text, and geometry."""
    data = {c: gdf[c].astype("str") for c in ("code", "name", "parent_code")}
    return gpd.GeoDataFrame(data, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)


def demo_exercises(communes: pd.DataFrame) -> pd.DataFrame:
    """Return fictional commune exercise records for :data:`EXERCISE_YEARS`.

    Each year about a fifth of the communes exercised, drawn at random without repeating
    a commune within the five years, and about one in ten planned exercises did not take
    place, so that some communes wait longer: a history for the rotation plan to start
    from. Every record's ``note`` says it is fictional.

    Parameters
    ----------
    communes : DataFrame
        The demo's communes (``code``, ``name``, ``parent_code`` as text).

    Returns
    -------
    DataFrame
        Columns of :data:`layers.records.EXERCISE_COLUMNS`.
    """
    rng = _rng(20)
    first, last = EXERCISE_YEARS
    years = np.arange(first, last + 1)
    order = rng.permutation(len(communes))
    year = years[np.arange(len(order)) % len(years)]
    held = rng.random(len(order)) >= 0.1
    picked = communes.iloc[order[held]]
    results = rng.choice(["Xuất sắc", "Giỏi", "Khá"], size=len(picked), p=[0.3, 0.5, 0.2])
    frame = pd.DataFrame({
        "commune_code": picked["code"].astype(str).to_numpy(),
        "commune_name": picked["name"].astype(str).to_numpy(),
        "district_code": picked.get("parent_code", pd.Series(index=picked.index)).to_numpy(),
        "year": year[held], "type": "commune_combat_defense", "result": results,
        "note": FICTIONAL,
    })
    return frame.sort_values(["year", "commune_code"], ignore_index=True)


def demo_layers() -> list[DemoLayer]:
    """Return every layer of the demo project: the real ones, then the fictional ones.

    The same list (same geometries, same attributes) is returned on every call.
    """
    scene = _Scene.load()
    fire = DemoLayer(demo_hazards.FIRE_LAYER + FICTIONAL_SUFFIX, "hazard_zone", _finish(
        demo_hazards.fire_zones(scene.communes)), "layers/demo_hazards.py", _NOTE)
    return _real_layers(scene) + _Fiction(scene).layers() + [fire]


# --- real layers -----------------------------------------------------------------------------

_NE = "Natural Earth 1:10m (public domain)"
_DVHCVN = "dvhcvn (Đào Hoàng Sơn), data gis.chinhphu.vn / GSO, GPL-3.0"
_CENSUS = "censusVN2009 (Marc Choisy, Lucie Contamin), MIT"
_LEGO = "LegoCity open data (CTU-SematX), CC BY-SA 4.0"


def _real_layers(scene: _Scene) -> list[DemoLayer]:
    return [
        _real("Tỉnh Lạng Sơn", "admin_unit", scene.province_frame(), "province",
              f"{_DVHCVN}; population: census 2009 ({_CENSUS})."),
        _real("Huyện, thành phố (Lạng Sơn)", "admin_unit", scene.district_frame(), "districts",
              f"{_DVHCVN}; before the 2025 reform; population: census 2009 ({_CENSUS})."),
        _real(COMMUNE_LAYER, "admin_unit", scene.commune_frame(),
              "communes", f"{_CENSUS}. Boundaries of 2009, thinned: neighbours overlap and "
              "leave slivers. code = census commune_id (not GSO); gso_code where the name "
              "matches the GSO list of 2025."),
        _real("Biên giới Việt Nam – Trung Quốc (Lạng Sơn)", "border", scene.border_frame(),
              "border", f"Derived from the {_DVHCVN} province outline (see data/SOURCES.md)."),
        _real("Quốc lộ, tỉnh lộ", "infrastructure", scene.transport_frame(rail=False),
              "roads", f"{_LEGO}; clipped to 10 km around the province."),
        _real("Đường sắt Hà Nội – Lạng Sơn", "infrastructure", scene.transport_frame(rail=True),
              "roads", f"{_LEGO}; clipped to 10 km around the province."),
        _real("Sông (Natural Earth)", "river", scene.river_frame(), "rivers",
              f"{_NE}. At 1:10m no river line crosses Lạng Sơn; shown for context."),
        _real("Điểm dân cư", "place", scene.place_frame(), "places",
              f"{_NE}; townships: centroid of the commune polygon ({_CENSUS})."),
    ]


def _real(name: str, kind: str, gdf: gpd.GeoDataFrame, real: str, note: str) -> DemoLayer:
    return DemoLayer(name, kind, gdf.to_crs(STORAGE_CRS), f"data/real/{real}.geojson", note)


# --- the scene: real geography in metres ---------------------------------------------------


@dataclass
class _Scene:
    """The real frames in EPSG:3405 and the shapes placement needs."""

    province: gpd.GeoDataFrame
    districts: gpd.GeoDataFrame
    communes: gpd.GeoDataFrame
    border_gdf: gpd.GeoDataFrame
    roads: gpd.GeoDataFrame
    rivers: gpd.GeoDataFrame
    places: gpd.GeoDataFrame
    area: BaseGeometry = field(init=False)
    clip_area: BaseGeometry = field(init=False)
    border: BaseGeometry = field(init=False)
    road_lines: BaseGeometry = field(init=False)
    towns: gpd.GeoDataFrame = field(init=False)
    town_points: BaseGeometry = field(init=False)

    @classmethod
    def load(cls) -> _Scene:
        frames = {name: real_layer(name).to_crs(METRIC_CRS) for name in
                  ("province", "districts", "communes", "border", "roads", "rivers", "places")}
        return cls(frames["province"], frames["districts"], frames["communes"],
                   frames["border"], frames["roads"], frames["rivers"], frames["places"])

    def __post_init__(self) -> None:
        self.area = self.province.geometry.union_all()
        self.clip_area = self.area.buffer(-25.0)
        self.border = self.border_gdf.geometry.union_all()
        self.road_lines = self.roads.geometry.union_all()
        for geom in (self.area, self.border, self.road_lines):
            shapely.prepare(geom)
        self.districts = self.districts.sort_values("level2_id").reset_index(drop=True)
        self.districts["short"] = [_short_name(n) for n in self.districts["name"]]
        inside = self.places[self.places.within(self.area)]
        self.towns = inside.reset_index(drop=True)
        self.town_points = shapely.union_all(self.towns.geometry.to_numpy())

    def town(self, name: str) -> Point:
        """Return the point of the town called ``name``."""
        return self.towns.geometry[self.towns["name"] == name].iloc[0]

    def gate(self, commune: BaseGeometry) -> Point:
        """Return the border gate of ``commune``.

        That is the end of a road or railway at the border (within 500 m of it)
        nearest to the commune, if one lies within 5 km; else the border point
        nearest to the commune.
        """
        ends = shapely.points(np.concatenate(
            [shapely.get_coordinates(g)[[0, -1]] for g in self.roads.geometry.explode()]))
        ends = ends[shapely.distance(ends, self.border) < 500.0]
        near = ends[shapely.distance(ends, commune) < 5000.0]
        if len(near):
            end = near[np.argmin(shapely.distance(near, commune))]
            return ops.nearest_points(self.border, end)[0]
        return ops.nearest_points(self.border, commune.representative_point())[0]

    def inland(self, point: Point, reach: float) -> Point:
        """Return the point ``reach`` m from ``point`` that lies farthest from the border."""
        angles = np.radians(np.arange(0.0, 360.0, 5.0))
        ring = shapely.points(point.x + reach * np.cos(angles), point.y + reach * np.sin(angles))
        depth = np.where(shapely.contains(self.area, ring), shapely.distance(ring, self.border),
                         -1.0)
        return ring[int(np.argmax(depth))]

    def commune(self, name: str, district_code: str) -> BaseGeometry:
        """Return the polygon of the commune ``name`` of district ``district_code``."""
        hit = self.communes[(self.communes["commune_vn"] == name)
                            & (self.communes["level2_id"] == district_code)]
        return hit.geometry.iloc[0]

    def road(self, name: str) -> BaseGeometry:
        """Return the union of the road or railway features called ``name``."""
        return self.roads.geometry[self.roads["ten"] == name].union_all()

    def border_distance(self, geom: BaseGeometry) -> float:
        """Distance in metres from ``geom`` to the border line."""
        return float(shapely.distance(geom, self.border))

    def province_frame(self) -> gpd.GeoDataFrame:
        p = self.province
        return gpd.GeoDataFrame(
            {"name": p["name"], "code": p["level1_id"], "level": "province",
             "population": p["population"].astype("int64"),
             "area_ha": _hectares(p.geometry)}, geometry=p.geometry.to_numpy(), crs=p.crs)

    def district_frame(self) -> gpd.GeoDataFrame:
        d = self.districts
        return gpd.GeoDataFrame(
            {"name": d["name"], "code": d["level2_id"], "level": "district",
             "parent_code": d["level1_id"], "population": d["population"].astype("int64"),
             "area_ha": _hectares(d.geometry)}, geometry=d.geometry.to_numpy(), crs=d.crs)

    def commune_frame(self) -> gpd.GeoDataFrame:
        c = self.communes
        return gpd.GeoDataFrame(
            {"name": c["commune_vn"], "code": c["commune_id"].astype(str), "level": "commune",
             "parent_code": c["level2_id"], "population": c["population"].astype("int64"),
             "area_ha": _hectares(c.geometry), "gso_code": c["gso_code"]},
            geometry=c.geometry.to_numpy(), crs=c.crs)

    def border_frame(self) -> gpd.GeoDataFrame:
        b = self.border_gdf
        return gpd.GeoDataFrame({"name": b["name"], "sector": b["sector"], "note": b["note"]},
                                geometry=b.geometry.to_numpy(), crs=b.crs)

    def transport_frame(self, *, rail: bool) -> gpd.GeoDataFrame:
        r = self.roads
        is_rail = r["loai_duong"] == "Đường sắt"
        r = r[is_rail] if rail else r[~is_rail]
        level = r["cap_duong"].map({"Quốc Gia": "national", "Asean": "national",
                                    "Cấp Tỉnh": "provincial", "Cấp Huyện": "district"})
        kind = "railway" if rail else "road"
        return gpd.GeoDataFrame(
            {"name": r["ten"], "code": "LC-" + r["gid"].astype(str),
             "class": level.fillna("other") + "_" + kind, "network": "transport",
             "length_m": r.geometry.length.round(1)},
            geometry=r.geometry.to_numpy(), crs=r.crs).reset_index(drop=True)

    def river_frame(self) -> gpd.GeoDataFrame:
        box = shapely.box(*self.area.buffer(80_000).bounds)
        r = self.rivers[self.rivers.intersects(box)]
        names = r["name"].fillna(r["name_en"])
        return gpd.GeoDataFrame({"name": names, "note": r["featurecla"]},
                                geometry=r.geometry.to_numpy(), crs=r.crs)

    def place_frame(self) -> gpd.GeoDataFrame:
        p = self.places
        return gpd.GeoDataFrame(
            {"name": p["name"], "population": p["population"].astype("int64"),
             "note": p["feature"] + " – " + p["source"], "country": p["country"]},
            geometry=p.geometry.to_numpy(), crs=p.crs)


# --- the fictional layers ----------------------------------------------------------------------


_GATES = (  # name, commune of the border gate, district code, key defense area km2
    ("Đồng Đăng – Hữu Nghị", "Thị trấn Đồng Đăng", "183", 45.0),
    ("Tân Thanh", "Xã Tân Thanh", "182", 30.0),
    ("Chi Ma", "Xã Yên Khoái", "188", 40.0),
)
_AXES = (  # inland key defense areas on the main axes: name, town, km2
    ("Ải Chi Lăng (QL1A)", "Chi Lăng", 45.0),
    ("Thất Khê (QL4A)", "Thất Khê", 35.0),
)
_ENTERPRISE_TOWNS = (  # town, count, max offset from the town point (m)
    ("Lạng Sơn", 11, 3500.0), ("Đồng Đăng", 4, 1800.0), ("Cao Lộc", 2, 1500.0),
    ("Hữu Lũng", 2, 1500.0), ("Đồng Mỏ", 2, 1500.0), ("Na Dương", 2, 1500.0),
    ("Lộc Bình", 1, 1500.0), ("Chi Lăng", 1, 1500.0), ("Thất Khê", 1, 1500.0),
    ("Na Sầm", 1, 1500.0), ("Văn Quan", 1, 1500.0), ("Bình Gia", 1, 1500.0),
    ("Bắc Sơn", 1, 1500.0),
)
_PRODUCTS = (
    "Sửa chữa xe cơ giới", "Cơ khí chế tạo", "May quân trang", "Chế biến lương thực, thực phẩm",
    "Sửa chữa thiết bị thông tin", "Vật tư y tế, thuốc", "Vật liệu xây dựng",
    "Sửa chữa, đóng mới phương tiện vận tải", "Bao bì, đóng gói", "Sửa chữa máy phát điện",
)
_FLOODS = (  # town, radius along the valley roads (m), return period (years)
    ("Lạng Sơn", 4500.0, 20), ("Lộc Bình", 5000.0, 50), ("Thất Khê", 5000.0, 50),
    ("Hữu Lũng", 7000.0, 20), ("Bắc Sơn", 4500.0, 100),
)
_MOBILIZATION = {  # product: line, capacity unit, (min, max) capacity, needs water, power
    "Sửa chữa xe cơ giới": ("Dây chuyền sửa chữa xe vận tải", "xe/tháng", (10, 40), 0, 1),
    "Cơ khí chế tạo": ("Dây chuyền gia công chi tiết cơ khí", "chi tiết/tháng", (200, 800),
                       0, 1),
    "May quân trang": ("Dây chuyền may quân trang", "bộ quân trang/tháng", (5000, 20000), 0, 1),
    "Chế biến lương thực, thực phẩm": ("Dây chuyền chế biến lương khô", "tấn/tháng",
                                       (20, 120), 1, 1),
    "Sửa chữa thiết bị thông tin": ("Dây chuyền sửa chữa khí tài thông tin", "bộ/tháng",
                                    (20, 100), 0, 1),
    "Vật tư y tế, thuốc": ("Dây chuyền vật tư y tế", "tấn vật tư y tế/tháng", (2, 10), 1, 1),
    "Vật liệu xây dựng": ("Dây chuyền vật liệu công sự", "tấn vật liệu/tháng", (500, 3000),
                          1, 0),
    "Sửa chữa, đóng mới phương tiện vận tải": ("Dây chuyền sửa chữa phương tiện vượt sông",
                                               "phương tiện/tháng", (2, 10), 0, 0),
    "Bao bì, đóng gói": ("Dây chuyền bao gói vật tư", "tấn bao bì/tháng", (10, 60), 0, 0),
    "Sửa chữa máy phát điện": ("Dây chuyền sửa chữa máy phát điện", "máy/tháng", (10, 50), 0, 0),
}
_READINESS = ("sẵn sàng", "một phần", "chưa sẵn sàng")  # read by geo.mobilization
RELOCATION_MIN_DEPTH_M = 28_000.0
"""Relocation sites lie at least this far from the border."""

_SHELTER_TOWNS = (  # town, shelters around it, (min, max) distance from the town point (m)
    ("Lạng Sơn", 10, (3000.0, 11000.0)), ("Lộc Bình", 4, (2500.0, 9000.0)),
    ("Thất Khê", 4, (2500.0, 9000.0)), ("Hữu Lũng", 4, (2500.0, 9000.0)),
    ("Bắc Sơn", 3, (2500.0, 8000.0)), ("Cao Lộc", 2, (2000.0, 6000.0)),
)
_SHELTER_TYPES = ("Trường học", "Nhà văn hoá", "Trụ sở UBND xã", "Nhà thi đấu")


@dataclass
class _Pool:
    """Candidate points for placing polygons, with their distances (m)."""

    inner: BaseGeometry
    points: np.ndarray
    border: np.ndarray
    road: np.ndarray
    town: np.ndarray
    used: np.ndarray


class _Fiction:
    """Generates the fictional layers on a scene; each layer has its own random stream."""

    def __init__(self, scene: _Scene) -> None:
        self.s = scene
        self.works: list[BaseGeometry] = []  # defense works placed so far (metric)
        self.inner = scene.area.buffer(-300.0)
        shapely.prepare(self.inner)

    def layers(self) -> list[DemoLayer]:
        kda = self._key_defense_areas(_rng(1))
        combat = self._combat_bases(_rng(2))
        rear = self._rear_bases(_rng(3), combat)
        logistics = self._logistics_bases(_rng(4))
        air = self._air_defense(_rng(5))
        training = self._training_grounds(_rng(6))
        hazards = self._hazards(_rng(7))
        enterprises = self._enterprises(_rng(8))
        sites = self._relocation_sites(_rng(9), hazards)
        projects = self._projects(_rng(10), combat, hazards, sites)
        military = self._military_zones(_rng(11), projects)
        economic = self._economic_zones(_rng(12), projects)
        shelters = self._shelters(_rng(23), hazards)
        frames = (
            ("Căn cứ chiến đấu", "combat_base", combat),
            ("Căn cứ hậu phương", "rear_base", rear),
            ("Căn cứ hậu cần – kỹ thuật", "logistics_base", logistics),
            ("Khu vực phòng thủ then chốt", "key_defense_area", kda),
            ("Trận địa phòng không", "air_defense", air),
            ("Thao trường", "training_ground", training),
            ("Doanh nghiệp động viên công nghiệp", "enterprise", enterprises),
            ("Địa điểm di chuyển", "relocation_site", sites),
            ("Dự án đề xuất", "proposed_project", projects),
            ("Khu quân sự", "military_zone", military),
            ("Khu kinh tế – quốc phòng", "defense_economic_zone", economic),
            ("Vùng ngập lụt, sạt lở", "hazard_zone", hazards),
            ("Nơi sơ tán", "shelter", shelters),
        )
        return [DemoLayer(name + FICTIONAL_SUFFIX, kind, _finish(gdf), "layers/demo.py", _NOTE)
                for name, kind, gdf in frames]

    # defense works

    def _key_defense_areas(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        rows = []
        for name, commune, district, km2 in _GATES:
            gate = self.s.gate(self.s.commune(commune, district))
            reach = 0.8 * math.sqrt(km2 * 1e6 / math.pi)
            rows.append((name, self.s.inland(gate, reach), km2, "province"))
        for name, town, km2 in _AXES:
            rows.append((name, self.s.town(town), km2, "district"))
        recs = []
        for i, (name, centre, km2, level) in enumerate(rows, start=1):
            blob = _blob(centre, km2 * 1e6, rng, wobble=0.12)
            geom = _largest(blob.intersection(self.s.clip_area))
            recs.append({"name": f"Khu vực phòng thủ then chốt {name}", "code": f"KVTC-{i:02d}",
                         "level": level, "geometry": geom})
        self.works.extend(r["geometry"] for r in recs)
        return _frame(recs)

    def _combat_bases(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        recs = []
        central = self.s.districts[self.s.districts["level2_id"] == "184"].iloc[0]  # Văn Quan
        geom = self._place_in(central.geometry, 1.8e6, rng, depth=(15_000, 35_000))
        recs.append(self._base("Căn cứ chiến đấu tỉnh", "CCCD-T", "province", geom, rng))
        for d in self.s.districts.itertuples():
            depth = (4_000, 20_000) if self.s.border_distance(d.geometry) < 1000 else None
            area = rng.uniform(0.5e6, 1.6e6)
            geom = self._place_in(d.geometry, area, rng, depth=depth)
            recs.append(self._base(f"Căn cứ chiến đấu {d.short}", f"CCCD-{d.level2_id}",
                                   "district", geom, rng))
        return _frame(recs)

    def _rear_bases(self, rng: np.random.Generator, combat: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        recs = []
        west = self.s.districts[self.s.districts["level2_id"] == "185"].iloc[0]  # Bắc Sơn
        geom = self._place_in(west.geometry, 2.0e6, rng, depth=(40_000, 1e9))
        recs.append(self._base("Căn cứ hậu phương tỉnh", "CCHP-T", "province", geom, rng))
        for d in self.s.districts.itertuples():
            base = combat.geometry[combat["code"] == f"CCCD-{d.level2_id}"].iloc[0]
            deeper = self.s.border_distance(base) + 5_000.0
            area = rng.uniform(0.5e6, 1.5e6)
            geom = self._place_in(d.geometry, area, rng, depth=(deeper, 1e9), deepest=True)
            recs.append(self._base(f"Căn cứ hậu phương {d.short}", f"CCHP-{d.level2_id}",
                                   "district", geom, rng))
        return _frame(recs)

    def _logistics_bases(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        recs = []
        for i, code in enumerate(("186", "187"), start=1):  # Hữu Lũng, Chi Lăng
            d = self.s.districts[self.s.districts["level2_id"] == code].iloc[0]
            geom = self._place_in(d.geometry, rng.uniform(1.2e6, 2.5e6), rng,
                                  depth=(25_000, 1e9), road=(800.0, 3000.0))
            recs.append(self._base(f"Căn cứ hậu cần – kỹ thuật tỉnh số {i}", f"HCKT-{i}",
                                   "province", geom, rng))
        return _frame(recs)

    def _air_defense(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        city = self.s.town("Lạng Sơn")
        points = []
        for k in range(6):
            angle = math.radians(60.0 * k + rng.uniform(-15, 15))
            points.append(_inside_or_none(self.inner, _polar(city, rng.uniform(3500, 6500), angle)))
        ql1a = self.s.road("Quốc lộ 1A")
        for km in (2.0, 14.0, 26.0, 38.0, 50.0, 62.0):
            points.append(self._beside(ql1a, city, km * 1000.0, rng))
        points = [p for p in points if p is not None]
        recs = [{"name": f"Trận địa phòng không {i:02d}", "code": f"PK-{i:02d}",
                 "status": _status(rng)[0], "geometry": p}
                for i, p in enumerate(points, start=1)]
        self.works.extend(r["geometry"] for r in recs)
        return _frame(recs)

    def _training_grounds(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        rural = self.s.districts[self.s.districts["level2_id"] != "178"]
        picked = rural.iloc[sorted(rng.choice(len(rural), size=3, replace=False))]
        recs = []
        for d in picked.itertuples():
            geom = self._place_in(d.geometry, rng.uniform(1.5e6, 3.5e6), rng,
                                  road=(800.0, 5000.0))
            status, pct = _status(rng)
            recs.append({"name": f"Thao trường huấn luyện {d.short}", "code": f"TT-{d.level2_id}",
                         "level": "district", "status": status, "percent_complete": pct,
                         "area_ha": round(geom.area / 1e4, 1), "geometry": geom})
        return _frame(recs)

    def _base(self, name: str, code: str, level: str, geom: Polygon,
              rng: np.random.Generator) -> dict:
        status, pct = _status(rng)
        self.works.append(geom)
        return {"name": name, "code": code, "level": level, "status": status,
                "percent_complete": pct, "geometry": geom}

    # planning and mobilization

    def _hazards(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        recs = []
        for town, radius, period in _FLOODS:
            centre = self.s.town(town)
            valley = self.s.road_lines.intersection(centre.buffer(radius))
            geom = _largest(_ribbon(valley, rng, 350.0, 1100.0).intersection(self.s.clip_area))
            recs.append({"name": f"Vùng ngập lụt {town}", "hazard": "flood",
                         "return_period": period, "geometry": geom})
        ql4a = self.s.road("Quốc lộ 4A").intersection(
            self.s.districts.geometry[self.s.districts["level2_id"] == "180"].iloc[0])
        pass_line = _substring(ql4a, 0.35, 0.55)
        recs.append({"name": "Vùng sạt lở ven QL4A (Tràng Định)", "hazard": "landslide",
                     "return_period": 10,
                     "geometry": _largest(_ribbon(pass_line, rng, 250.0, 450.0)
                                         .intersection(self.s.clip_area))})
        mau_son = self.s.commune("Xã Mẫu Sơn", "183")
        blob = _blob(mau_son.representative_point(), 6e6, rng)
        recs.append({"name": "Vùng sạt lở Mẫu Sơn", "hazard": "landslide", "return_period": 10,
                     "geometry": _largest(blob.intersection(self.s.clip_area))})
        return _frame(recs)

    def _enterprises(self, rng: np.random.Generator) -> gpd.GeoDataFrame:
        recs = []
        for town, count, reach in _ENTERPRISE_TOWNS:
            centre = self.s.town(town)
            for _ in range(count):
                point = None
                while point is None:
                    angle = rng.uniform(0, 2 * math.pi)
                    point = _inside_or_none(self.inner, _polar(centre, rng.uniform(200, reach),
                                                               angle))
                i = len(recs) + 1
                workforce = int(rng.integers(4, 61)) * 10
                product = _PRODUCTS[int(rng.integers(len(_PRODUCTS)))]
                recs.append({"name": f"Doanh nghiệp ĐVCN số {i:02d} – {product}",
                             "code": f"DN-{i:02d}", "products": product,
                             "workforce": workforce,
                             "floor_area_m2": float(round(workforce * rng.uniform(12, 28), -1)),
                             "note": f"Gần {town}", "geometry": point})
        return _frame(_with_mobilization(recs, _rng(41)))

    def _relocation_sites(self, rng: np.random.Generator,
                          hazards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        flood = hazards.geometry[hazards["name"] == "Vùng ngập lụt Hữu Lũng"].iloc[0]
        hazard_all = hazards.geometry.union_all()
        placed: list[Polygon] = []

        def apart(poly: Polygon) -> bool:
            return (all(poly.distance(p) > 2000.0 for p in placed)
                    and all(poly.distance(w) > 1500.0 for w in self.works))

        pool = self._pool(self.s.area, rng, n=4000)
        recs = []
        for i in range(1, 41):
            usable = float(round(rng.uniform(3000, 12000), -2))
            area = usable / rng.uniform(0.5, 0.8)
            if i <= 2:  # deliberately in the Hữu Lũng flood zone
                geom = self._place_in(flood, area, rng, depth=(RELOCATION_MIN_DEPTH_M, 1e9),
                                      road=(0.0, 3000.0), town=500.0, extra=apart, margin=0.0)
            else:
                geom = self._place_in(
                    pool, area, rng, depth=(RELOCATION_MIN_DEPTH_M, 1e9),
                    road=(150.0, 2500.0), town=1500.0,
                    extra=lambda p: apart(p) and not p.intersects(hazard_all))
            placed.append(geom)
            status, _ = _status(rng)
            recs.append({"name": f"Địa điểm di chuyển {i:02d} – {self._commune_of(geom)}",
                         "code": f"DDDC-{i:02d}", "usable_area_m2": usable,
                         "capacity": int(round(usable / rng.uniform(12, 20), -1)),
                         "water": "yes" if rng.random() < 0.75 else "no",
                         "power": "yes" if rng.random() < 0.8 else "no",
                         "status": status, "geometry": geom})
        return _frame(recs)

    def _shelters(self, rng: np.random.Generator, hazards: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """Shelters (civil defense) beside roads around the flood towns, out of hazard zones.

        Capacities are fictional (1,000 to 4,000 people); the first one stands in the Lạng
        Sơn flood zone on purpose (a shelter the evacuation must not use).
        """
        hazard_all = hazards.geometry.union_all().buffer(300.0)
        flood = hazards.geometry[hazards["name"] == "Vùng ngập lụt Lạng Sơn"].iloc[0]
        points = [self.s.road_lines.interpolate(self.s.road_lines.project(
            flood.representative_point()))]
        for town, count, (low, high) in _SHELTER_TOWNS:
            centre, placed = self.s.town(town), 0
            while placed < count:
                near = _polar(centre, rng.uniform(low, high), rng.uniform(0, 2 * math.pi))
                point = self.s.road_lines.interpolate(self.s.road_lines.project(near))
                if (self.inner.contains(point) and not hazard_all.intersects(point)
                        and all(point.distance(p) > 1500.0 for p in points)
                        and all(point.distance(w) > 800.0 for w in self.works)):
                    points.append(point)
                    placed += 1
        recs = []
        for i, point in enumerate(points, start=1):
            kind = _SHELTER_TYPES[int(rng.integers(len(_SHELTER_TYPES)))]
            recs.append({"name": f"Nơi sơ tán {i:02d} – {kind} {self._commune_of(point)}",
                         "code": f"NST-{i:02d}", "capacity": int(rng.integers(10, 41)) * 100,
                         "shelter_type": kind, "status": "done", "geometry": point})
        return _frame(recs)

    def _projects(self, rng: np.random.Generator, combat: gpd.GeoDataFrame,
                  hazards: gpd.GeoDataFrame, sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        base = combat.geometry[combat["code"] == "CCCD-187"].iloc[0]  # Chi Lăng
        quarry = self._overlapping(base, 1.2e6, rng)
        target = combat.geometry[combat["code"] == "CCCD-184"].iloc[0]  # Văn Quan
        resort = self._at_gap(target, 0.8e6, PROTECTION_GAP_M, rng)
        gate = self.s.gate(self.s.commune("Xã Tân Thanh", "182"))
        depot = _largest(_blob(self.s.inland(gate, 700.0), 0.6e6, rng)
                         .intersection(self.s.clip_area))
        avoid = shapely.union_all([*self.works, hazards.geometry.union_all(),
                                   sites.geometry.union_all()])
        clear = self._place_in(self.s.area, 1.5e6, rng, depth=(25_000, 1e9),
                               road=(300.0, 2000.0), town=2000.0,
                               extra=lambda p: p.distance(avoid) > 3000.0)
        recs = [
            ("Dự án khai thác đá vôi Chi Lăng", "Khai thác khoáng sản", quarry,
             "Tình huống minh hoạ: chồng lấn căn cứ chiến đấu Chi Lăng."),
            ("Khu du lịch sinh thái Văn Quan", "Du lịch sinh thái", resort,
             f"Tình huống minh hoạ: cách căn cứ chiến đấu Văn Quan {PROTECTION_GAP_M:.0f} m."),
            ("Khu kho bãi dịch vụ cửa khẩu Tân Thanh", "Kho bãi, logistics", depot,
             "Tình huống minh hoạ: sát đường biên giới, trong khu vực cửa khẩu."),
            ("Cụm công nghiệp chế biến nông sản", "Công nghiệp chế biến", clear,
             "Tình huống minh hoạ: không ảnh hưởng công trình quốc phòng."),
        ]
        return _frame([{"name": name, "code": f"DA-{i:02d}",
                        "investor": f"Nhà đầu tư {chr(64 + i)} (giả định)", "purpose": purpose,
                        "area_ha": round(geom.area / 1e4, 1), "note": note, "geometry": geom}
                       for i, (name, purpose, geom, note) in enumerate(recs, start=1)])

    def _military_zones(self, rng: np.random.Generator,
                        projects: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """One zone MILITARY_GAP_M from the resort project (DA-02: "near"), one clear of all."""
        resort = projects.geometry[projects["code"] == "DA-02"].iloc[0]
        near = self._at_gap(resort, 0.5e6, MILITARY_GAP_M, rng)
        avoid = projects.geometry.union_all()
        far = self._place_in(self.s.area, 0.8e6, rng, depth=(8_000, 40_000),
                             extra=lambda p: p.distance(avoid) > 6000.0)
        recs = [{"name": f"Khu quân sự {name}", "code": f"KQS-{i:02d}",
                 "category": category, "status": "done", "geometry": geom}
                for i, (name, category, geom) in enumerate(
                    [("Văn Quan", "Kho", near), ("Cao Lộc", "Doanh trại", far)], start=1)]
        self.works.extend(r["geometry"] for r in recs)
        return _frame(recs)

    def _economic_zones(self, rng: np.random.Generator,
                        projects: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """One defense–economic zone around the clear project (DA-04), which it names."""
        clear = projects.geometry[projects["code"] == "DA-04"].iloc[0]
        blob = _blob(_polar(clear.centroid, 2500.0, rng.uniform(0, 2 * math.pi)), 30e6, rng)
        geom = _largest(blob.intersection(self.s.clip_area))
        return _frame([{"name": "Khu kinh tế – quốc phòng Lạng Sơn", "code": "KTQP-01",
                        "unit": "Đoàn kinh tế – quốc phòng (giả định)",
                        "area_ha": round(geom.area / 1e4, 1), "status": "building",
                        "geometry": geom}])

    # placement helpers

    def _place_in(self, region: BaseGeometry | _Pool, area: float, rng: np.random.Generator,
                  *, depth: tuple[float, float] | None = None, deepest: bool = False,
                  road: tuple[float, float] = (1200.0, 1e9), town: float = 3500.0,
                  extra: Callable[[Polygon], bool] | None = None,
                  margin: float = 300.0) -> Polygon:
        """Place a blob of ``area`` m² inside ``region`` (a polygon or a candidate pool).

        ``depth`` is a window of distance from the border (kept); the distances
        from roads (``road`` = min, max) and towns, and the 2 km gap to other
        defense works, are relaxed step by step until a place is found.
        """
        pool = region if isinstance(region, _Pool) else self._pool(region, rng, margin=margin)
        radius = math.sqrt(area / math.pi)
        lo, hi = depth if depth is not None else (-1.0, 1e12)
        for relax in (1.0, 0.6, 0.3, 0.1):
            road_gap, town_gap = road[0] * relax, town * relax
            ok = (~pool.used & (pool.border >= lo) & (pool.border <= hi)
                  & (pool.road >= road_gap + 0.5 * radius) & (pool.road <= road[1] + radius)
                  & (pool.town >= town_gap + 0.5 * radius))
            order = np.flatnonzero(ok)
            if deepest:
                order = order[np.argsort(-pool.border[order], kind="stable")]
            for i in order:
                poly = _blob(pool.points[i], area, rng)
                if not (pool.inner.contains(poly) and self.inner.contains(poly)):
                    continue
                if (shapely.dwithin(poly, self.s.road_lines, road_gap)
                        or shapely.dwithin(poly, self.s.town_points, town_gap)
                        or any(poly.distance(w) < 2000.0 * relax for w in self.works)):
                    continue
                if extra is None or extra(poly):
                    pool.used[i] = True
                    return poly
        msg = f"demo generation: no place for a {area / 1e6:.2f} km² polygon in the region"
        raise RuntimeError(msg)

    def _pool(self, region: BaseGeometry, rng: np.random.Generator, *, n: int = 600,
              margin: float = 300.0) -> _Pool:
        """Return random points in ``region`` with their distances to border, roads, towns."""
        inner = region.buffer(-margin) if margin else region.intersection(self.inner)
        shapely.prepare(inner)
        points = _sample(inner, rng, n)
        return _Pool(inner, points, shapely.distance(points, self.s.border),
                     shapely.distance(points, self.s.road_lines),
                     shapely.distance(points, self.s.town_points), np.zeros(n, dtype=bool))

    def _beside(self, line: BaseGeometry, start: Point, along: float,
                rng: np.random.Generator) -> Point | None:
        """Return a point 0.8–2 km beside ``line``, ``along`` m from its end nearest ``start``."""
        parts = sorted(getattr(line, "geoms", [line]), key=lambda g: g.distance(start))
        merged = ops.linemerge(parts) if len(parts) > 1 else parts[0]
        lines = list(getattr(merged, "geoms", [merged]))
        main = max(lines, key=lambda g: g.length)
        if main.boundary.geoms[0].distance(start) > main.boundary.geoms[-1].distance(start):
            main = main.reverse()
        if along > main.length:
            return None
        a, b = main.interpolate(along), main.interpolate(min(along + 50.0, main.length))
        heading = math.atan2(b.y - a.y, b.x - a.x) + (math.pi / 2) * rng.choice([-1, 1])
        return _inside_or_none(self.inner, _polar(a, rng.uniform(800, 2000), heading))

    def _overlapping(self, base: Polygon, area: float, rng: np.random.Generator) -> Polygon:
        """Return a blob overlapping ``base`` by part of its area, inside the province."""
        r_base = math.sqrt(base.area / math.pi)
        r_new = math.sqrt(area / math.pi)
        for _ in range(50):
            angle = rng.uniform(0, 2 * math.pi)
            poly = _blob(_polar(base.centroid, r_base + 0.4 * r_new, angle), area, rng)
            share = poly.intersection(base).area / poly.area
            if self.inner.contains(poly) and 0.05 < share < 0.5:
                return poly
        raise RuntimeError("demo generation: cannot place the overlapping project")

    def _at_gap(self, base: Polygon, area: float, gap: float,
                rng: np.random.Generator) -> Polygon:
        """Return a blob whose distance to ``base`` is ``gap`` (±1 m), away from other works."""
        others = [w for w in self.works if not w.equals(base)]
        r_base = math.sqrt(base.area / math.pi)
        for _ in range(50):
            angle = rng.uniform(0, 2 * math.pi)
            shape = _blob(Point(0, 0), area, rng)
            offset = r_base + gap + math.sqrt(area / math.pi)
            for _ in range(30):
                centre = _polar(base.centroid, offset, angle)
                poly = affinity.translate(shape, centre.x, centre.y)
                miss = poly.distance(base) - gap if not poly.intersects(base) else -gap
                if abs(miss) <= 1.0:
                    break
                offset -= miss
            if (abs(poly.distance(base) - gap) <= 1.0 and self.inner.contains(poly)
                    and all(poly.distance(w) > 1500.0 for w in others)):
                return poly
        raise RuntimeError("demo generation: cannot place the protection-zone project")

    def _commune_of(self, geom: BaseGeometry) -> str:
        hits = self.s.communes[self.s.communes.contains(geom.representative_point())]
        return str(hits["commune_vn"].iloc[0]) if len(hits) else "Lạng Sơn"


# --- small helpers -----------------------------------------------------------------------------


def _new_layer(layer: DemoLayer) -> NewLayer:
    if layer.fictional:
        data, crs = layer.gdf.to_json(drop_id=True).encode("utf-8"), METRIC_CRS
    else:
        path = DATA_DIR / Path(layer.source).relative_to("data")  # source: data/real/…
        data, crs = path.read_bytes(), STORAGE_CRS
    return NewLayer(gdf=layer.gdf, name=layer.name, kind=layer.kind, source_file=layer.source,
                    checksum=hashlib.sha256(data).hexdigest(), source_crs=crs, encoding=None,
                    note=layer.note)


def _with_mobilization(recs: list[dict], rng: np.random.Generator) -> list[dict]:
    """Add fictional mobilization attributes (geo.mobilization) from each product.

    From their own random stream, so the enterprises' places and sizes stay as they were.
    Every enterprise must relocate but DN-07, DN-17 and DN-27 (they stay and produce).
    """
    yes_no = ("không", "có")
    for i, rec in enumerate(recs, start=1):
        line, unit, (low, high), water, power = _MOBILIZATION[rec["products"]]
        rec.update({"production_line": line, "capacity_unit": unit,
                    "mobilization_capacity": float(round(rng.uniform(low, high),
                                                         -1 if high >= 100 else 0)),
                    "readiness": _READINESS[int(rng.choice(3, p=[0.5, 0.35, 0.15]))],
                    "must_relocate": yes_no[i % 10 != 7],
                    "needs_water": yes_no[water], "needs_power": yes_no[power]})
    return recs


def _rng(stream: int) -> np.random.Generator:
    return np.random.default_rng([SEED, stream])


def _short_name(name: str) -> str:
    for prefix in ("Thành phố ", "Huyện ", "Thị xã "):
        if name.startswith(prefix):
            return ("TP " if prefix == "Thành phố " else "") + name.removeprefix(prefix)
    return name


def _hectares(geoms: gpd.GeoSeries) -> pd.Series:
    return (geoms.to_crs(METRIC_CRS).area / 1e4).round(1)


def _status(rng: np.random.Generator) -> tuple[str, float]:
    status = STATUSES[int(rng.choice(3, p=[0.3, 0.4, 0.3]))]
    pct = {"planned": 0.0, "done": 100.0}.get(status, float(rng.integers(15, 86)))
    return status, pct


def _frame(records: Sequence[dict]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(pd.DataFrame(list(records)), geometry="geometry", crs=METRIC_CRS)


def _finish(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    out = gdf.copy()
    out["geometry"] = shapely.set_precision(out.geometry.to_numpy(), 0.01)
    out["fictional"] = FICTIONAL
    geom = out.pop("geometry")
    return gpd.GeoDataFrame(out, geometry=geom, crs=METRIC_CRS).to_crs(STORAGE_CRS)


def _sample(region: BaseGeometry, rng: np.random.Generator, n: int) -> np.ndarray:
    """Return ``n`` random points inside ``region`` (uniform)."""
    minx, miny, maxx, maxy = region.bounds
    out: list[np.ndarray] = []
    got = 0
    while got < n:
        xy = rng.uniform((minx, miny), (maxx, maxy), size=(4 * n, 2))
        keep = xy[shapely.contains_xy(region, xy[:, 0], xy[:, 1])]
        out.append(keep)
        got += len(keep)
    return shapely.points(np.concatenate(out)[:n])


def _blob(centre: Point, area: float, rng: np.random.Generator, *,
          wobble: float = 0.18, n: int = 32) -> Polygon:
    """Return an irregular, star-shaped polygon of ``area`` m² around ``centre``."""
    theta = np.linspace(0.0, 2 * math.pi, n, endpoint=False)
    radius = np.ones(n)
    for k in (2, 3, 5):
        radius += rng.uniform(0, wobble) * np.cos(k * theta + rng.uniform(0, 2 * math.pi))
    stretch, turn = rng.uniform(1.0, 1.6), rng.uniform(0, math.pi)
    x, y = radius * np.cos(theta) * stretch, radius * np.sin(theta)
    x, y = x * math.cos(turn) - y * math.sin(turn), x * math.sin(turn) + y * math.cos(turn)
    poly = Polygon(np.column_stack([x, y]))
    scale = math.sqrt(area / poly.area)
    return affinity.affine_transform(poly, [scale, 0, 0, scale, centre.x, centre.y])


def _ribbon(line: BaseGeometry, rng: np.random.Generator, low: float, high: float) -> BaseGeometry:
    """Return a band of varying width (``low``–``high`` m) along ``line``."""
    pieces = []
    for part in getattr(line, "geoms", [line]):
        if part.length == 0:
            continue
        steps = np.arange(0.0, part.length + 1.0, 250.0)
        width = np.clip(np.cumsum(rng.normal(0, 60, len(steps))) + (low + high) / 2, low, high)
        pieces.extend(part.interpolate(s).buffer(w, quad_segs=6) for s, w in zip(steps, width,
                                                                                   strict=True))
    return shapely.union_all(pieces).simplify(30.0)


def _substring(line: BaseGeometry, start: float, end: float) -> BaseGeometry:
    parts = list(getattr(line, "geoms", [line]))
    main = max(parts, key=lambda g: g.length)
    return ops.substring(main, start, end, normalized=True)


def _largest(geom: BaseGeometry) -> Polygon:
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type == "Polygon"]
    return max(parts, key=lambda g: g.area)


def _polar(origin: Point, distance: float, angle: float) -> Point:
    return Point(origin.x + distance * math.cos(angle), origin.y + distance * math.sin(angle))


def _inside_or_none(area: BaseGeometry, point: Point) -> Point | None:
    return point if area.contains(point) else None

