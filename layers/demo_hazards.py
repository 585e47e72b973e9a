"""The demo's FICTIONAL forest-fire hazard zone, built from real commune polygons.

The zone lies over the forested karst uplands of Bình Gia district (the communes of
:data:`FIRE_COMMUNES`): their real 2009 polygons (the demo's commune layer) are joined,
shrunk by :data:`FIRE_INSET_M` metres in the metric CRS so the zone stays inside them and
away from the valley roads, and thinned. The zone is fictional (no fire-risk map was
used); it is placed where no other fictional asset of the demo lies within 3 km, so it
changes no other analysis of the demo but the evacuation from forest fires.
"""

from __future__ import annotations

import geopandas as gpd
import shapely

FIRE_LAYER = "Vùng nguy cơ cháy rừng"
"""Name of the layer (the demo adds its fictional suffix)."""

FIRE_ZONE = "Vùng nguy cơ cháy rừng Yên Lỗ – Thiện Thuật – Quang Trung (Bình Gia)"
"""Name of the zone."""

FIRE_DISTRICT = "181"
"""Census code of Bình Gia district."""

FIRE_COMMUNES: tuple[str, ...] = ("Xã Yên Lỗ", "Xã Thiện Thuật", "Xã Quang Trung")
"""Upland communes of Bình Gia whose polygons make the zone."""

FIRE_INSET_M = 1500.0
"""The joined communes are shrunk by this much (metres) to make the zone."""

FIRE_RETURN_PERIOD = 5
"""Fictional return period (years) of a large fire in the zone."""

FIRE_NOTE = ("Giả định: vùng nguy cơ cháy rừng minh hoạ, lấy từ ranh giới 3 xã vùng cao "
             "huyện Bình Gia thu vào 1,5 km; không phải bản đồ cháy rừng thật. Fictional "
             "forest-fire zone: three upland communes of Bình Gia shrunk by 1.5 km "
             "(layers/demo_hazards.py), not a real fire-risk map.")
"""The zone's ``note``."""


def fire_zones(communes: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the demo's forest-fire zone (one polygon, in the communes' metric CRS).

    Parameters
    ----------
    communes : GeoDataFrame
        The real communes in a metric CRS, with ``commune_vn`` and ``level2_id``
        (``data/real/communes.geojson`` as the demo's scene holds it).

    Returns
    -------
    GeoDataFrame
        ``name``, ``hazard`` (``"forest_fire"``), ``return_period``, ``note`` and the
        polygon; the caller marks it fictional.

    Raises
    ------
    ValueError
        If a commune of :data:`FIRE_COMMUNES` is missing from ``communes``.
    """
    picked = communes[(communes["level2_id"] == FIRE_DISTRICT)
                      & communes["commune_vn"].isin(FIRE_COMMUNES)]
    missing = sorted(set(FIRE_COMMUNES) - set(picked["commune_vn"]))
    if missing:
        msg = (f"Communes {missing} of district {FIRE_DISTRICT} are not in the commune "
               "layer; check data/real/communes.geojson.")
        raise ValueError(msg)
    joined = shapely.union_all(picked.geometry.buffer(50.0).to_numpy()).buffer(-50.0)
    zone = joined.buffer(-FIRE_INSET_M).simplify(100.0)
    if zone.geom_type == "MultiPolygon":
        zone = max(zone.geoms, key=lambda part: part.area)
    return gpd.GeoDataFrame({"name": [FIRE_ZONE], "hazard": ["forest_fire"],
                             "return_period": [FIRE_RETURN_PERIOD], "note": [FIRE_NOTE]},
                            geometry=[zone], crs=communes.crs)
