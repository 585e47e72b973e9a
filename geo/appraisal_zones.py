"""Zones a proposed project is appraised against besides the works' protection rings.

Two helpers of :func:`geo.appraisal.appraise`, and one analysis of their own:

* :func:`work_widths` reads a per-work protection width (e.g. the width the decision on a
  military zone sets), falling back to the width of the work's kind;
* :func:`area_zone_flags` reads which works are themselves a zone (a border belt drawn as
  a polygon): being inside one is a ``"protection_zone"`` verdict, never a ``"conflict"``;
* :func:`zone_overlaps` lists, per (proposal, zone) within the search distance, how much of
  the proposal lies in the zone (used for defense–economic zones, which restrict nothing
  but must be named in the opinion).

Every length and area is computed in the metric CRS (:data:`geo.settings.metric_crs`).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import Problem

OVERLAP_COLUMNS: tuple[str, ...] = (
    "proposal", "zone", "zone_name", "distance_m", "overlap_m2", "share_pct",
)
"""Columns of the table returned by :func:`zone_overlaps`."""


def zone_overlaps(
    proposals: gpd.GeoDataFrame,
    zones: gpd.GeoDataFrame,
    *,
    search_distance: float | None = None,
    crs: object = None,
) -> pd.DataFrame:
    """List the zones within the search distance of each proposed project.

    Parameters
    ----------
    proposals : GeoDataFrame
        Proposed projects (polygons) in any CRS.
    zones : GeoDataFrame
        Zones (polygons, e.g. defense–economic zones) in any CRS, optionally with a
        ``name`` column.
    search_distance : float, optional
        Metres; :data:`geo.settings.search_distance_m` by default.
    crs : optional
        Metric CRS; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        One row per (proposal, zone) pair within ``search_distance``, columns
        :data:`OVERLAP_COLUMNS`: ``proposal`` and ``zone`` are index labels of the inputs,
        ``distance_m`` the minimum distance (0 when they meet), ``overlap_m2`` the area of
        the proposal inside the zone, ``share_pct`` that area as a percentage of the
        proposal's area. Sorted by proposal (in input order), then distance.

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate labels, empty or invalid geometries, or the
        distance is negative.
    """
    search = settings.search_distance_m if search_distance is None else search_distance
    problems = _validate.distance_problems(search_distance=search)
    problems += _validate.frame_problems(proposals, "proposals")
    problems += _validate.frame_problems(zones, "zones")
    metric, more = _validate.metric_crs(settings.metric_crs if crs is None else crs,
                                        [proposals, zones])
    _validate.raise_problems(problems + more)
    if metric is None or not len(proposals) or not len(zones):
        return _overlap_frame(proposals, zones, np.array([], int), np.array([], int),
                              np.array([]), np.array([]), np.array([]))
    props = proposals.geometry.to_crs(metric).to_numpy()
    tree = zones.geometry.to_crs(metric)
    pi, zi = tree.sindex.query(props, predicate="dwithin", distance=search)
    geoms = tree.to_numpy()[zi]
    distance = shapely.distance(props[pi], geoms)
    overlap = shapely.area(shapely.intersection(props[pi], geoms))
    area = shapely.area(props[pi])
    share = np.divide(100.0 * overlap, area, out=np.zeros(len(pi)), where=area > 0)
    order = np.lexsort((zi, distance, pi))
    return _overlap_frame(proposals, zones, pi[order], zi[order], distance[order],
                          overlap[order], share[order])


def work_widths(works: gpd.GeoDataFrame, width_col: str | None, kind_widths: np.ndarray
                ) -> tuple[np.ndarray, list[Problem]]:
    """Return each work's protection width: its own where given, else its kind's.

    Parameters
    ----------
    works : GeoDataFrame
        The works.
    width_col : str or None
        Column of per-work widths in metres (missing values use the kind's width); None
        or a column ``works`` lacks: the kind widths only.
    kind_widths : ndarray
        Width of each work's kind (from :func:`geo._validate.kind_widths`).

    Returns
    -------
    ndarray of float
        One width per work.
    list of Problem
        A problem naming the rows whose own width is negative or not a number.
    """
    if width_col is None or width_col not in works.columns:
        return kind_widths, []
    raw = works[width_col]
    own = pd.to_numeric(raw, errors="coerce")
    text = raw.astype(object).where(raw.notna(), "").astype(str).str.strip().str.lower()
    given = ~text.isin(["", "none", "nan", "<na>"])
    bad = given & ~(own >= 0)
    if bad.any():
        values = ", ".join(repr(v) for v in raw[bad].head(5))
        return kind_widths, [Problem("work_width_bad", column=width_col,
                                     labels=_validate.labels(works.index[bad.to_numpy()]),
                                     values=values)]
    out = np.where(own.notna().to_numpy(), own.to_numpy(dtype=float), kind_widths)
    return out.astype(float), []


def area_zone_flags(works: gpd.GeoDataFrame, zone_col: str | None) -> np.ndarray:
    """Return, per work, whether its geometry is itself a zone (a belt polygon).

    Only polygons count: a point or line flagged so keeps its ring. Truthy values are
    ``True``, 1 and the texts ``"true"``, ``"yes"``, ``"1"``.
    """
    if zone_col is None or zone_col not in works.columns:
        return np.zeros(len(works), dtype=bool)
    flags = works[zone_col].map(lambda v: str(v).strip().lower() in {"true", "yes", "1"})
    polygon = shapely.get_dimensions(works.geometry.to_numpy()) == 2
    return flags.to_numpy(dtype=bool) & polygon


def _overlap_frame(proposals: gpd.GeoDataFrame, zones: gpd.GeoDataFrame, pi: np.ndarray,
                   zi: np.ndarray, distance: np.ndarray, overlap: np.ndarray,
                   share: np.ndarray) -> pd.DataFrame:
    names = (zones["name"].take(zi).astype("str").reset_index(drop=True)
             if "name" in zones.columns else pd.Series([None] * len(zi), dtype="str"))
    return pd.DataFrame({
        "proposal": proposals.index.take(pi), "zone": zones.index.take(zi),
        "zone_name": names, "distance_m": np.asarray(distance, dtype=float),
        "overlap_m2": np.asarray(overlap, dtype=float),
        "share_pct": np.asarray(share, dtype=float)})
