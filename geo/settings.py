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
}
"""Width (metres) of the protection zone around each kind of defense work.

The zone (hành lang / vành đai an toàn công trình quốc phòng) is the ring from the
work's edge out to this distance. Keys are layer-kind keys. The values are the tool's
fictional planning defaults (see the module note), to be replaced by the widths of
the plan in force; a width of ``0`` turns a kind's zone off.
"""

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
