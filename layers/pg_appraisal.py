"""Appraisal pairs measured by PostGIS: the SQL engine of :func:`geo.appraisal.appraise`.

For a PostGIS project the pairs (proposal, work) of an appraisal can be found and measured
by the database instead of in memory: ``ST_DWithin`` over a GiST index finds the pairs
within the search distance, ``ST_Distance``, ``ST_Intersects``, ``ST_Intersection`` and
``ST_Area`` measure them, ``ST_Buffer`` / ``ST_Difference`` draw the protection-zone
rings, and a ``CASE`` gives the verdict by the rule of :mod:`geo.appraisal`. The inputs
are those the planning layer assembled (:func:`planning.appraisal.appraise`), projected
to the same metric CRS with the same PROJ as the in-memory engine, then sent to
temporary tables of one session (nothing is written to the project). The table returned
is the one :func:`geo.appraisal.appraise` returns, row for row; PostGIS's GEOS may differ
from shapely's in the last digits of an area.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo import appraisal as geo_appraisal
from geo.appraisal_zones import area_zone_flags, work_widths
from layers import pg_connect

_PAIRS_SQL = """
WITH m AS (
    SELECT p.i, w.j, w.width, w.belt, ST_Distance(p.g, w.g) AS d,
           ST_Intersects(p.g, w.g) AS hit,
           ST_Dimension(p.g) = 2 AND ST_Dimension(w.g) = 2 AS areal,
           CASE WHEN ST_Intersects(p.g, w.g) THEN ST_Area(ST_Intersection(p.g, w.g))
                ELSE 0 END AS ov,
           CASE WHEN ST_Distance(p.g, w.g) < w.width THEN ST_Area(ST_Intersection(
                p.g, ST_Difference(ST_Buffer(w.g, w.width, %(segs)s), w.g))) ELSE 0 END AS zn
    FROM kvpt_p AS p JOIN kvpt_w AS w ON ST_DWithin(p.g, w.g, %(search)s))
SELECT i, j, d, CASE WHEN belt THEN 0 ELSE ov END AS overlap,
       CASE WHEN belt THEN ov ELSE zn END AS zone, width,
       CASE WHEN NOT belt AND (ov > 0 OR (hit AND NOT areal)) THEN 0
            WHEN (NOT belt AND zn > 0) OR d < width OR (belt AND (hit OR ov > 0)) THEN 1
            WHEN d <= %(near)s THEN 2 ELSE 3 END AS severity
FROM m"""


def appraise(target: str, proposals: gpd.GeoDataFrame, works: gpd.GeoDataFrame, *,
             zones: Mapping[str, float] | None = None, search_distance: float | None = None,
             near_distance: float | None = None) -> pd.DataFrame:
    """Return :func:`geo.appraisal.appraise` ``(proposals, works, …)``, measured by PostGIS.

    Parameters
    ----------
    target : str
        The PostGIS project (``postgresql://…``) whose database does the work.
    proposals, works, zones, search_distance, near_distance
        As for :func:`geo.appraisal.appraise` (``kind``, ``zone_width_m`` and ``belt``
        columns of ``works``, metric CRS from :data:`geo.settings.metric_crs`).

    Raises
    ------
    AnalysisInputError
        For the inputs :func:`geo.appraisal.appraise` refuses.
    LayerError
        If the database cannot be reached.
    """
    search = settings.search_distance_m if search_distance is None else search_distance
    near = settings.near_distance_m if near_distance is None else near_distance
    zone_m, problems = _validate.zone_table(zones, settings.protection_zone_m)
    problems += _validate.distance_problems(search_distance=search, near_distance=near)
    problems += _validate.frame_problems(proposals, "proposals")
    problems += _validate.frame_problems(works, "works")
    widths, more = _validate.kind_widths(works, "kind", zone_m)
    widths, own = work_widths(works, geo_appraisal.WIDTH_COL, widths)
    metric, crs_problems = _validate.metric_crs(settings.metric_crs, [proposals, works])
    _validate.raise_problems(problems + more + own + crs_problems)
    if metric is None or not len(proposals) or not len(works):
        return geo_appraisal.appraise(proposals, works, zones=zones, search_distance=search,
                                      near_distance=near)
    belts = area_zone_flags(works, geo_appraisal.ZONE_COL)
    rows = _pairs(target, proposals.geometry.to_crs(metric), works.geometry.to_crs(metric),
                  np.where(belts, 0.0, widths), belts, search=float(search), near=float(near))
    pi, wi = rows["i"].to_numpy(dtype=int), rows["j"].to_numpy(dtype=int)
    measures = {"distance_m": rows["d"].to_numpy(float),
                "overlap_m2": rows["overlap"].to_numpy(float),
                "zone_overlap_m2": rows["zone"].to_numpy(float),
                "zone_width_m": rows["width"].to_numpy(float),
                "severity": rows["severity"].to_numpy(int)}
    pairs = geo_appraisal._pair_frame(proposals, works, "kind", pi, wi, measures)
    order = np.lexsort((wi, pairs["distance_m"].to_numpy(), measures["severity"], pi))
    return pairs.take(order).reset_index(drop=True)


def _pairs(target: str, props: gpd.GeoSeries, works: gpd.GeoSeries, widths: np.ndarray,
           belts: np.ndarray, *, search: float, near: float) -> pd.DataFrame:
    """Run the pair query on temporary tables of one session; return its rows."""
    url, _ = pg_connect.split_target(target)
    con = pg_connect.connect(url, pg_connect.display_name(target))
    try:
        con.execute("CREATE TEMP TABLE kvpt_p (i integer, g geometry)")
        con.execute("CREATE TEMP TABLE kvpt_w (j integer, g geometry, width float8, "
                    "belt boolean)")
        _copy(con, "kvpt_p (i, g)", zip(range(len(props)), _hex(props), strict=True))
        _copy(con, "kvpt_w (j, g, width, belt)",
              zip(range(len(works)), _hex(works), widths.astype(float).tolist(),
                  belts.astype(bool).tolist(), strict=True))
        con.execute("CREATE INDEX ON kvpt_w USING gist (g)")
        con.execute("ANALYZE kvpt_w")
        params: dict[str, Any] = {"search": search, "near": near,
                                  "segs": f"quad_segs={int(settings.quad_segs)}"}
        cur = con.execute(_PAIRS_SQL, params)
        rows = pd.DataFrame(cur.fetchall(), columns=[c.name for c in cur.description])
        if rows.empty:
            rows = pd.DataFrame(columns=["i", "j", "d", "overlap", "zone", "width",
                                         "severity"])
        return rows
    finally:
        con.rollback()
        con.close()


def _hex(geoms: gpd.GeoSeries) -> list[str]:
    """Hex WKB of each (metric, SRID-less) geometry."""
    return [str(h) for h in shapely.to_wkb(geoms.to_numpy(), hex=True)]


def _copy(con: Any, table: str, rows: Any) -> None:
    with con.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
