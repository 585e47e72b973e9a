"""Settings of the analyses in :mod:`geo`, read when a function is called.

Functions take ``None`` for these arguments and then read the value here at call
time, so a run can change a setting once for every later call::

    from geo import settings

    settings.metric_crs = "EPSG:3406"            # data east of ~108°E (UTM 49N)
    settings.protection_zone_m["combat_base"] = 800.0

or pass the value to one call only (``appraise(..., zones={"combat_base": 800})``).

The protection-zone widths below are **planning defaults of this tool**: plausible,
fictional values chosen for the demo, not the widths of any published regulation. A
command that appraises real projects must set the widths its own plan prescribes.
"""

from __future__ import annotations

metric_crs: str | None = "EPSG:3405"
"""CRS in which every length, area, distance and buffer is computed.

VN-2000 / UTM zone 48N (EPSG:3405) covers about 102–108°E, i.e. all of Vietnam but
its easternmost coast and islands. For data outside that band set ``"EPSG:3406"``
(VN-2000 / UTM 49N) or a provincial VN-2000 TM-3 grid, or set ``None`` to let
:meth:`geopandas.GeoDataFrame.estimate_utm_crs` pick the WGS 84 UTM zone of the data.
It must be a projected CRS in metres.
"""

protection_zone_m: dict[str, float] = {
    "combat_base": 500.0,
    "rear_base": 300.0,
    "logistics_base": 300.0,
    "key_defense_area": 1000.0,
    "air_defense": 500.0,
    "training_ground": 300.0,
    "military_zone": 500.0,
}
"""Width (metres) of the protection zone around each kind of defense work.

The zone (hành lang / vành đai an toàn công trình quốc phòng) is the ring from the
work's edge out to this distance. Keys are layer-kind keys. The values are the tool's
fictional planning defaults (see the module note), to be replaced by the widths of
the plan in force; a width of ``0`` turns a kind's zone off.

``military_zone`` (khu quân sự): the seeds name the law on protecting defense works and
military zones (seed 004: "Luật Quản lý, bảo vệ công trình quốc phòng và khu quân sự") but
give no width; 500 m is a default of this tool, not from a regulation. A military zone whose
layer has a ``zone_width_m`` value (the width its own decision sets) uses that instead.
"""

border_belt_m: float = 1000.0
"""Width (metres) of the border belt (vành đai biên giới) drawn along a border *line*.

A border layer's polygons are the belt itself and are used as they are; its lines are
buffered by this width. A proposal inside the belt is ``"protection_zone"``; one crossing
the border line is ``"conflict"``. The seeds ask to protect the border (seed 003) but give
no width: 1000 m is a default of this tool, not from a regulation; set the belt of the
decision in force.
"""

dual_use_zone_m: float = 200.0
"""Width (metres) of the protection zone around dual-use infrastructure (hạ tầng lưỡng
dụng: an ``infrastructure`` feature whose ``dual_use`` is yes), which appraisal checks like
a defense work. Seed 003 asks that transport be planned "bảo đảm tính lưỡng dụng" but gives
no width: 200 m is a default of this tool, not from a regulation.
"""

dual_use_values: tuple[str, ...] = ("yes", "y", "true", "1", "co", "x", "luong dung")
"""Values of ``dual_use`` (compared without case or accents: ``"Có"`` is ``"co"``) that mark a
feature dual-use."""

search_distance_m: float = 5000.0
"""Distance (metres) within which a proposed project and a defense work are paired."""

near_distance_m: float = 1000.0
"""Distance (metres) up to which a pair outside any protection zone is ``"near"``."""

quad_segs: int = 32
"""Segments per quarter circle used to draw buffers (protection zones).

A circle drawn with ``4 * quad_segs`` segments is inscribed in the true circle: with 32
its area is 0.04 % smaller than π r² (shapely's default of 8 gives 0.64 %). The
``"protection_zone"`` verdict does not depend on it (it also tests the exact distance
against the zone width); the zone areas do.
"""

dask_partitions: int | None = None
"""Partitions of the asset → admin-unit join of :func:`geo.completeness.completeness`.

``None`` (default): the join runs in memory. A number ``N >= 1``: the assets are cut into
``N`` spatial partitions run by dask-geopandas (:func:`geo.partitioned.query_pairs`; the
optional extra ``kvpt-planner[dask]``), with the same counts. It is also the default
number of partitions of ``kvpt appraise --engine dask`` (2 when ``None``).
"""

# --- relocation (geo.relocation) ---

relocation_min_depth_km: float = 25.0
"""Minimum depth (km) of a relocation site behind the border: its shortest distance to the
border line. A planning default of this tool (fictional), to be set from the plan in force.
"""

relocation_max_travel_min: float = 180.0
"""Maximum road travel time (minutes) from an enterprise to its relocation site."""

relocation_capacity_by: str = "both"
"""Which capacities bound a site: ``"workforce"`` (workers ≤ ``capacity``), ``"area"``
(floor area needed ≤ ``usable_area_m2``) or ``"both"`` (each of the two whose columns the
enterprises and the sites have)."""

relocation_time_limit_s: float = 30.0
"""Time limit (seconds) of each stage of the assignment solver (HiGHS); when it is hit the
best plan found so far is returned and marked not optimal."""

relocation_gap: float = 0.0
"""Relative optimality gap at which the assignment solver may stop (0: solve to the proven
optimum). With 0.005 a plan is returned as soon as it is proven at most 0.5 % longer than
the best possible (the bound is proven against every allowed pair, :mod:`geo.assignment`);
the plan then says ``optimal=False`` and its ``gap``."""

relocation_candidates: int = 15
"""Candidate sites per enterprise the assignment solver starts from: the ``k`` fastest
allowed sites of each (0: every allowed pair, one binary each). Pairs left out join when
the LP relaxation says they could improve the plan, so the plan is proven optimal (or its
gap proven) against **every** allowed pair whatever ``k`` is (:mod:`geo.assignment`); a
small ``k`` makes a small MILP, and the travel-time searches stop near each enterprise
(about ``k`` sites away) unless the solver needs farther ones. Raise it when plans with
tight capacities need many rounds of pricing."""

relocation_all_pairs_up_to: int = 5000
"""Up to this many (enterprise, eligible site) pairs, the solver takes every allowed pair
from the start (as if :data:`relocation_candidates` were 0): HiGHS solves such a problem
whole in about a second, and rounds of pricing would only add work. The demo (30 × 38) is
solved this way. Above it, candidates are used."""

# --- industrial mobilization (geo.mobilization) ---

mobilization_directions: dict[str, tuple[float, float]] = {
    "Hướng Bắc": (315.0, 45.0), "Hướng Đông": (45.0, 135.0),
    "Hướng Nam": (135.0, 225.0), "Hướng Tây": (225.0, 315.0),
}
"""Directions (hướng) the mobilization capacity is totalled by: name → (start, end) grid
bearing in degrees clockwise from north, measured in the metric CRS from the province's
centroid; a sector holds ``start <= bearing < end`` (through north when ``start > end``),
the first listed wins. Four quarters is a default of this tool, **not from a regulation**:
set the directions of the province's own defense plan (e.g. ``{"Hướng Đông Bắc": (0, 90),
…}``)."""

mobilization_readiness_aliases: dict[str, str] = {
    "sẵn sàng": "ready", "sẵn sàng cao": "ready", "đã sẵn sàng": "ready", "cao": "ready",
    "a": "ready", "1": "ready",
    "một phần": "partial", "sẵn sàng một phần": "partial", "cần bổ sung": "partial",
    "trung bình": "partial", "b": "partial", "2": "partial",
    "chưa sẵn sàng": "not_ready", "chưa": "not_ready", "thấp": "not_ready", "c": "not_ready",
    "3": "not_ready", "not ready": "not_ready",
}
"""Spellings of an enterprise's ``readiness`` read as ``ready``, ``partial`` or
``not_ready`` (compared in lower case without accents or separators); the three keys
themselves are always read. Other text is an error naming the value."""


# --- exercises and targets (geo.exercises, geo.targets) ---------------------------------

exercise_share_min: float = 0.20
"""Smallest share of the communes that run a commune combat-defense exercise each year.

Seed 003 (Lạng Sơn plan): "diễn tập chiến đấu phòng thủ xã, phường, thị trấn hằng năm đạt
20–25 %". The rotation plan (:func:`geo.exercises.rotation_plan`) never plans fewer than
``ceil(n_communes * exercise_share_min)`` communes in a year.
"""

exercise_share_max: float = 0.25
"""Largest share of the communes planned to exercise in one year.

The plan plans at most ``floor(n_communes * exercise_share_max)`` communes a year, unless no
whole number of communes lies between the two shares (very few communes): then it plans
``ceil(n_communes * exercise_share_min)``, which exceeds this share by less than one commune.
"""

exercise_cycle_years: int | None = None
"""Most years a commune may wait between two exercises (the rotation cycle), kept whenever
the maximum share allows it.

``None`` means ``ceil(1 / exercise_share_min)``: 5 years for 20 %. Derived from seed 003's
20 %; the cycle itself is a default, not from a regulation. A cycle shorter than
``ceil(n_communes / max per year)`` cannot be kept within the maximum share and is refused.
"""

exercise_commune_types: tuple[str, ...] = ("commune_combat_defense",)
"""Exercise types (``layers.records.EXERCISE_TYPES`` keys) that count as a commune's exercise.

Only these records make a commune "exercised" for the rotation plan and for the
commune-exercise target; other types (district or province defense-area exercises held in
the commune) are kept in the records but do not reset its waiting time.
"""

targets: dict[str, dict[str, float]] = {
    "commune_exercise": {"min": 0.20, "max": 0.25},
    "district_exercise": {"min": 1.0, "max": 1.0},
    "province_exercise": {"min": 1.0, "max": 1.0},
    "rescue_exercise": {"min": 1.0, "max": 1.0},
    "training_ground": {"min": 0.20, "max": 0.30},
    "combat_base_completion": {"min": 1.0, "max": 1.0},
}
"""Plan targets of the dashboard (:mod:`geo.targets`), as shares in [0, 1].

``commune_exercise``
    Share of a district's (and the province's) communes with a commune combat-defense
    exercise in the year: 20–25 % (seed 003, as :data:`exercise_share_min` / ``_max``;
    change both together).
``district_exercise``, ``province_exercise``
    Share of the districts (and the province) that held a defense-area exercise
    (``district_defense_area`` / ``province_defense_area`` records) in the plan period
    of the year up to the year (:data:`plan_period_first_year`, :data:`plan_period_years`):
    100 % (seed 003: "diễn tập tác chiến khu vực phòng thủ ... cấp huyện, cấp tỉnh đạt
    100 %").
``rescue_exercise``
    Share of the districts that held a flood, storm and search-and-rescue exercise
    (:data:`rescue_exercise_types` records) in the plan period up to the year: 100 %
    (seed 003: "phòng chống lụt bão, tìm kiếm, cứu hộ, cứu nạn cấp huyện, cấp tỉnh đạt
    100 %").
``training_ground``
    20–30 % (seed 003: "xây dựng thao trường cấp huyện, cấp tỉnh đạt từ 20 – 30 %"), read
    as :data:`training_ground_measure` says: by default the build progress of the
    district- and province-level training grounds.
``combat_base_completion``
    Mean completion of the combat bases of a district (``percent_complete`` / 100, or
    the status, see :data:`status_completion`). The seeds ask to "speed up" the bases but
    give no figure: the tool's default is "complete" (1.0); set the milestone of the plan
    in force (e.g. ``{"min": 0.6, "max": 1.0}``).

A value below ``min`` is ``"below"``, above ``max`` is ``"above"``, else ``"within"``.
"""

training_ground_measure: str = "build_progress"
"""How the training-ground target (seed 003, 20–30 %) is measured.

``"build_progress"`` (the seed's reading, "xây dựng thao trường ... đạt 20–30 %"): the mean
completion (``percent_complete``, else ``status``, :data:`status_completion`) of the
training grounds of district or province level (or no level), those with a known
completion. ``"district_share"``: the share of the districts holding any training ground
(the tool's earlier reading, kept as an option; not the seed's).
"""

plan_period_first_year: int = 2016
"""First year of the first plan period; periods follow each other every
:data:`plan_period_years` years (2016–2020, 2021–2025, 2026–2030: seeds 002 and 004,
"giai đoạn 2016-2020", "2021-2025")."""

plan_period_years: int = 5
"""Length of a plan period in years (seed 002: "giai đoạn 2016-2020"; the five-year
plans of seed 004). The district, province and rescue exercise targets count the
exercises of the period up to the year, and the district, rescue and province rotations
(:func:`geo.exercises.period_plan`) plan every unit once in each period."""

plan_period_count: int = 3
"""Number of plan periods a project has until it records its own (:mod:`geo.roadmap`):
from :data:`plan_period_first_year`, :data:`plan_period_years` years each (2016–2020,
2021–2025, 2026–2030). A default of this tool, not from a regulation; a project's
``plan_periods`` table (``kvpt periods``) replaces it."""

rescue_exercise_types: tuple[str, ...] = ("civil_defense",)
"""Exercise types that count as a flood, storm and search-and-rescue exercise (seed 003)."""

status_completion: dict[str, float] = {
    "planned": 0.0, "quy hoach": 0.0, "ke hoach": 0.0, "chua xay dung": 0.0,
    "building": 0.5, "dang xay dung": 0.5, "dang thi cong": 0.5,
    "done": 1.0, "built": 1.0, "hoan thanh": 1.0, "da xay dung": 1.0, "da hoan thanh": 1.0,
}
"""Completion (0–1) of a base whose ``percent_complete`` is missing, by its ``status``.

Statuses are compared without case or accents (``"Đang xây dựng"`` matches
``"dang xay dung"``). ``"building"`` without a percentage counts as half done: a planning
default of this tool. A base with neither a percentage nor a known status is left out of
the mean.
"""

posture_unknown_status_built: bool = True
"""Whether a defense work with neither ``percent_complete`` nor a known ``status`` counts as
built in the posture analyses (completeness, depth, mutual support, nearest base, the
"built only" views). ``True`` keeps layers drawn before statuses were recorded as they were;
``False`` counts such works as planned (0 %). Default, not from a regulation.
"""


# --- posture (geo.completeness, geo.depth, geo.support, geo.nearest, geo.hazards) -------

posture_requirements: dict[str, list[str]] = {
    "province": ["combat_base", "rear_base", "logistics_base", "key_defense_area",
                 "air_defense"],
    "district": ["combat_base", "rear_base", "key_defense_area"],
    "commune": [],
    "village": [],
}
"""Kinds of defense asset each level of admin unit must have (:mod:`geo.completeness`).

Keys are the levels ``"province"``, ``"district"``, ``"commune"``, ``"village"``; values
are layer-kind keys, or the unit requirements of :data:`unit_status_kinds` and
:data:`unit_share_kinds`. A planning default of this tool: set the components the plan in
force requires. A level with no list (or an empty one) requires nothing. A 2-tier project
(province + commune) simply has no district units; a project without a village layer has
no village units.

Communes and villages require nothing by default (default of this tool, not from a
regulation): no seed gives a component every commune must have, and requiring
``"combat_villages"`` of every commune would mark every commune of a project without a
village layer as not assessable. Add ``"combat_commune"`` or ``"combat_villages"`` to the
``"commune"`` list to count them.
"""

unit_status_kinds: dict[str, str] = {"combat_commune": "combat_year",
                                     "combat_village": "combat_year"}
"""Requirements an admin unit meets by an attribute of its own rather than by an asset.

``"combat_commune"`` (làng, xã chiến đấu; seed 003: "xây dựng các căn cứ chiến đấu, làng, xã
chiến đấu"): the unit's ``combat_year`` (the year it was designated a combat commune) is
filled. Put the key in :data:`posture_requirements` (e.g. ``"commune": ["combat_commune"]``)
to have completeness count it; the default requirements leave it out (default, not from a
regulation).

``"combat_village"`` (làng chiến đấu; seed 003: "Làng giữ làng; xã giữ xã"): a village
(thôn, bản, làng, xóm, ấp, tổ dân phố) whose own ``combat_year`` is filled.
"""

unit_share_kinds: dict[str, tuple[str, str]] = {
    "combat_villages": ("village", "combat_village")}
"""Requirements a unit meets by the share of its lower units that meet a unit status.

``{requirement: (level, status)}``: ``"combat_villages"`` is met by a unit (a commune, or a
district or province) when, of the villages whose representative point (metric CRS) lies
in it, the share that are combat villages (``"combat_village"`` of
:data:`unit_status_kinds`) reaches :data:`combat_village_share_min`. A unit with no village
in it (or a project with no village layer) cannot be assessed: the requirement is
reported as not met, with a warning, never silently met.
"""

combat_village_share_min: float = 1.0
"""Smallest share (0–1) of a unit's villages that must be combat villages for
``"combat_villages"`` to be met. ``1.0`` (every village: "làng giữ làng") is a default of
this tool, not from a regulation: no seed gives a number; set the target in force.
"""

level_aliases: dict[str, str] = {
    "tinh": "province", "cap tinh": "province",
    "huyen": "district", "cap huyen": "district", "quan": "district", "thi xa": "district",
    "thanh pho": "district",
    "xa": "commune", "cap xa": "commune", "phuong": "commune", "thi tran": "commune",
    "ward": "commune",
    "thon": "village", "ban": "village", "lang": "village", "xom": "village", "ap": "village",
    "to dan pho": "village", "khu pho": "village", "cap thon": "village", "village": "village",
    "hamlet": "village", "thon ban": "village",
}
"""Other spellings of the levels, compared without case or accents (``"Cấp tỉnh"`` is
``"cap tinh"``). The level names themselves (``"province"``, …) always work. The village
level (below the commune) is thôn, bản, làng, xóm, ấp, tổ dân phố, khu phố.

``"thành phố"`` is a district-level city (thành phố thuộc tỉnh, e.g. Thành phố Lạng Sơn);
a project of a centrally run city (Hà Nội…) gives its top unit the level ``"tỉnh"`` or
``"province"``."""

depth_bands_km: tuple[float, ...] = (10.0, 30.0, 60.0)
"""Upper limits (km) of the depth bands behind the border (:mod:`geo.depth`).

``(10, 30, 60)`` gives the bands ``"0–10"``, ``"10–30"``, ``"30–60"`` and ``"> 60"``; a
depth equal to a limit falls in the deeper band. Increasing numbers > 0.
"""

support_kinds: tuple[str, ...] = ("combat_base", "rear_base", "logistics_base",
                                  "key_defense_area", "air_defense")
"""Kinds of defense work that are positions of the mutual-support graph (:mod:`geo.support`)."""

support_within_km: float = 15.0
"""Two positions support each other when this close (km, edge to edge, straight line)."""

support_within_min: float = 30.0
"""Two positions support each other when this close by road (minutes of travel time), when
the road version of :func:`geo.support.mutual_support` is asked for."""

posture_asset_kinds: tuple[str, ...] = (
    "combat_base", "rear_base", "logistics_base", "key_defense_area", "air_defense",
    "training_ground", "high_point", "relocation_site", "enterprise")
"""Kinds of feature whose depth ``kvpt depth`` measures and that ``kvpt hazards`` checks
against the hazard zones (the Posture page does the same)."""


# --- road network (geo.network, geo.chokepoints) -----------------------------------------

road_speed_kmh: dict[str, float] = {
    "national_road": 50.0,
    "provincial_road": 40.0,
    "district_road": 30.0,
    "other_road": 25.0,
}
"""Travel speed (km/h) on a road segment, by the line's ``class``.

Planning defaults of this tool for a mountainous province (mean speeds of a loaded
vehicle, not speed limits), to be replaced by the figures of the plan in force. The road
network picked by :func:`geo.network.network_lines` is the lines of a class listed here or
with "road" (not "rail") in it; a class not listed travels at
:data:`road_default_speed_kmh`. Railways are not listed on purpose: a vehicle does not
drive along them.
"""

road_class_aliases: dict[str, str] = {
    "quoc lo": "national_road", "ql": "national_road", "duong quoc lo": "national_road",
    "cao toc": "national_road", "ct": "national_road",
    "tinh lo": "provincial_road", "duong tinh": "provincial_road", "dt": "provincial_road",
    "tl": "provincial_road",
    "huyen lo": "district_road", "duong huyen": "district_road", "dh": "district_road",
    "duong xa": "other_road", "lien xa": "other_road", "duong do thi": "other_road",
    "duong thon": "other_road", "duong giao thong nong thon": "other_road",
    "motorway": "national_road", "trunk": "national_road", "primary": "national_road",
    "secondary": "provincial_road", "tertiary": "district_road",
    "unclassified": "other_road", "residential": "other_road", "track": "other_road",
    "service": "other_road",
}
"""Other names of the road classes of :data:`road_speed_kmh`, as GIS staff's layers write
them: Vietnamese (``"Quốc lộ"``, ``"QL1A"``, ``"ĐT.235"``, ``"Đường huyện"``…) and the
OpenStreetMap ``highway``/``fclass`` values. Keys are lower case without accents (``đ`` →
``d``); a class matches a key when it is the key or starts with it followed by a non-letter
(``"QL 4B"``, ``"DT-226"``, ``"trunk_link"``)."""

road_default_speed_kmh: float = 30.0
"""Speed (km/h) on a line whose class is not a key of :data:`road_speed_kmh` (or has none)."""

offroad_speed_kmh: float = 10.0
"""Speed (km/h) on a connector: the straight line joining an off-network point (a base, an
enterprise, a site, a commune's representative point) to the nearest road. A planning
default of this tool (a track or a path, partly on foot); every result reports the
connector length so that its share of a trip is visible.
"""

network_snap_m: float = 25.0
"""Tolerance (metres) within which the end of a line joins another line or line end.

Digitised roads rarely meet exactly: an end closer than this to another line (or to
another end) is moved onto it and the two are joined there. Farther apart, they stay
unconnected.
"""

network_search_threads: int = 0
"""Threads that run batches of shortest-path searches (:mod:`geo.travel_matrix`); 0 means
one per processor core. scipy's Dijkstra releases the GIL, so two threads on two cores run
a many-to-many matrix about 1.6 times as fast as one."""

network_split_crossings: bool = False
"""Whether two lines that cross without a shared vertex meet at a junction.

``False`` (the default) follows the usual road-data rule: lines meet only where they
share a vertex or where an end touches the other line (within :data:`network_snap_m`);
a crossing without a vertex is a bridge or an overpass. Set ``True`` for data digitised
without junction vertices, where every crossing is at grade.
"""

chokepoint_increase_pct: float = 25.0
"""A segment is a chokepoint for a target when its loss raises the target's travel time to
the nearest hub by more than this percentage (or cuts it off from every hub)."""

chokepoint_target_kinds: tuple[str, ...] = (
    "combat_base", "rear_base", "logistics_base", "relocation_site")
"""Kinds of feature whose access the chokepoint analysis checks (``kvpt chokepoints``, the
Road network page), unless other targets are chosen."""

chokepoint_hub_level: str = "province"
"""Default hubs of the chokepoint analysis: the target-kind features whose ``level`` is this
(the province-level bases); every target is timed to the nearest of them."""


# --- civil defense: evacuation (geo.evacuation) -------------------------------------------

evacuation_max_travel_min: float = 60.0
"""Longest road trip (minutes) from a commune's hazard area to its shelter. A planning
default of this tool, not from a regulation or a seed: set the figure of the plan."""

evacuation_group_size: int = 500
"""People per evacuation block. A commune's people at risk are split into blocks of this
many (the last holds the rest), each sent whole to one shelter: the full blocks first
(each takes ``size`` places), then the last blocks in the places left
(:mod:`geo.evacuation`). ``0`` sends each commune whole to one shelter (slow when shelters
are tight). 500 is about one village (thôn) and keeps the plan to about a second on the
demo, proven optimal; with 100-person blocks the integer programme holds ~900
interchangeable blocks and HiGHS had not proven the plan in 20 s a run (25 % gap). A
planning default of this tool, not from a regulation."""

evacuation_population_rule: str = "area_share"
"""Who is at risk in a commune touching a hazard zone: ``"area_share"`` its population
times the share of its area inside the zones (people spread evenly over the commune), or
``"whole"`` its whole population."""

evacuation_fallback_density_km2: float = 88.0
"""People per km² assumed for a commune with no ``population`` value (such communes are
marked ``population_source = "fallback"`` and warned about). 88 is Lạng Sơn's mean density
at the 2009 census (732,515 people on 8,310 km²), not a figure for any commune."""

hazard_type_aliases: dict[str, str] = {
    "flood": "flood", "ngap lut": "flood", "ngap": "flood", "lu": "flood", "lu lut": "flood",
    "inundation": "flood",
    "landslide": "landslide", "sat lo": "landslide", "sat lo dat": "landslide",
    "forest fire": "forest_fire", "chay rung": "forest_fire",
    "nguy co chay rung": "forest_fire", "wildfire": "forest_fire", "fire": "forest_fire",
}
"""Spellings of the hazard types (the ``hazard`` column of a hazard zone) read as
``flood``, ``landslide`` or ``forest_fire``; keys are lower case without accents, ``đ`` →
``d``, separators as spaces (:func:`geo.hazards.hazard_type`). Other values are kept as
written (lower case)."""

# --- load classes of roads and bridges (geo.load_class) ---

load_class_named_t: dict[str, float] = {"hl93": 33.1, "hs20": 32.7}
"""Tonnes of the bridge design loads written by name (keys lower case, letters and digits
only: ``"HL-93"`` is ``"hl93"``). HL-93 (AASHTO, TCVN 11823:2017): the design truck's
35 + 145 + 145 kN = 325 kN ≈ 33.1 t; HS20-44: 8 + 32 + 32 kips = 72 kips ≈ 32.7 t. A factor
before the name scales it (``"0,5HL93"`` ≈ 16.6 t). Derived from the design vehicles, not a
posted limit: set the limits of the bridges' own records where they differ."""

link_base_kinds: tuple[str, ...] = ("combat_base", "rear_base", "logistics_base")
"""Kinds of the bases an economic facility's ``base_code`` may name
(:func:`planning.links.facility_links`)."""

link_facility_kinds: tuple[str, ...] = ("defense_economic_zone", "enterprise")
"""Kinds of the economic facilities linked to a base by their ``base_code`` (seeds 003, 004:
economic facilities tied to the defense posture)."""
