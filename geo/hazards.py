"""Hazard exposure: assets and routes in flood, landslide and forest-fire zones.

A hazard zone (vùng ngập lụt, sạt lở, cháy rừng) is a polygon with a ``hazard`` type;
:func:`hazard_type` reads the type's spellings (``"Ngập lụt"``, ``"sạt lở đất"``,
``"Cháy rừng"``, ``"wildfire"``…) as :data:`HAZARD_TYPES` (``flood``, ``landslide``,
``forest_fire``; :data:`geo.settings.hazard_type_aliases`), and :func:`select_hazards`
keeps the zones of some types. A forest-fire zone is a hazard zone of type
``forest_fire``: the forest-fire risk areas of the forest protection plan (vùng trọng
điểm cháy rừng), imported or drawn as a hazard layer like a flood zone.

:func:`hazard_exposure` lists every (feature, hazard zone) pair that meet: defense works,
relocation sites, enterprises, … in a zone, with the area (polygons) or length (lines)
inside it; :func:`route_hazards` flags routes (lines, e.g. the geometries of
:func:`geo.network.shortest_route`) that pass through a zone, with the length inside.
Every area and length is computed in the metric CRS (:data:`geo.settings.metric_crs`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import Problem

EXPOSURE_COLUMNS: tuple[str, ...] = (
    "feature", "layer", "kind", "name", "geometry_type", "zone", "zone_name", "hazard",
    "overlap_m2", "overlap_m", "overlap_pct")
"""Columns of :func:`hazard_exposure`."""

HAZARD_TYPES: tuple[str, ...] = ("flood", "landslide", "forest_fire")
"""The hazard types the tool knows (other values of ``hazard`` are kept as written)."""

ROUTE_COLUMNS: tuple[str, ...] = ("in_hazard", "hazard_length_m", "hazard_pct", "zones",
                                  "hazards")
"""Columns of :func:`route_hazards`."""


def hazard_exposure(
    features: gpd.GeoDataFrame,
    hazards: gpd.GeoDataFrame,
    *,
    crs: object = None,
) -> pd.DataFrame:
    """List the features that fall in hazard zones, one row per (feature, zone) pair.

    Parameters
    ----------
    features : GeoDataFrame
        Points, lines or polygons in any CRS; ``layer``, ``kind`` and ``name`` columns
        are copied to the result when present.
    hazards : GeoDataFrame
        Hazard zones (polygons) in any CRS, with optional ``name`` and ``hazard`` (type:
        flood, landslide, …) columns.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        Columns :data:`EXPOSURE_COLUMNS`, one row per pair that intersect (a point inside
        or on the edge of a zone; a line or polygon sharing at least a point with it):
        ``feature`` and ``zone`` index labels; ``geometry_type`` ``"point"``, ``"line"``
        or ``"polygon"``; ``overlap_m2`` the area inside the zone (polygons, else
        missing); ``overlap_m`` the length inside (lines, else missing); ``overlap_pct``
        the share of the feature inside (of its area or length; 100 for a point). Sorted
        by feature (in input order) then zone.

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate labels, empty or invalid geometries, or a
        hazard zone is not a polygon.
    """
    problems = _validate.frame_problems(features, "features")
    problems += _zone_problems(hazards)
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [features, hazards])
    _validate.raise_problems(problems + more)
    if metric is None or not len(features) or not len(hazards):
        none, empty = np.array([], dtype=int), np.array([], dtype=object)
        return _exposure_frame(features, hazards, none, none, empty, empty)
    geoms = features.geometry.to_crs(metric).to_numpy()
    zones = hazards.geometry.to_crs(metric)
    fi, zi = zones.sindex.query(geoms, predicate="intersects")
    order = np.lexsort((zi, fi))
    fi, zi = fi[order], zi[order]
    inside = shapely.intersection(geoms[fi], zones.to_numpy()[zi])
    return _exposure_frame(features, hazards, fi, zi, inside, geoms[fi])


def route_hazards(
    routes: gpd.GeoDataFrame | gpd.GeoSeries,
    hazards: gpd.GeoDataFrame,
    *,
    crs: object = None,
) -> gpd.GeoDataFrame:
    """Flag the routes that pass through a hazard zone, with the length inside.

    Parameters
    ----------
    routes : GeoDataFrame or GeoSeries
        Lines (routes, roads) in any CRS.
    hazards : GeoDataFrame
        Hazard zones (polygons) with optional ``name`` and ``hazard`` columns.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    GeoDataFrame
        Index-aligned with ``routes``, columns :data:`ROUTE_COLUMNS`: ``in_hazard`` whether
        the route has a length > 0 inside a zone; ``hazard_length_m`` the length inside
        the union of the zones (overlapping zones counted once); ``hazard_pct`` its share
        of the route's length; ``zones`` and ``hazards`` the names and types of the zones
        it passes through, joined by ``", "`` (empty when none). The geometry is the part
        of the route inside the zones (empty when none), in the metric CRS.

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate labels, empty or invalid geometries, or a
        hazard zone is not a polygon.
    """
    frame = routes.to_frame("geometry") if isinstance(routes, gpd.GeoSeries) else routes
    problems = _validate.frame_problems(frame, "routes")
    problems += _zone_problems(hazards)
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [frame, hazards])
    _validate.raise_problems(problems + more)
    n = len(frame)
    inside = np.array([shapely.LineString()] * n, dtype=object)
    length = np.zeros(n)
    total = np.zeros(n)
    zone_names = [""] * n
    types = [""] * n
    if metric is not None and n and len(hazards):
        lines = frame.geometry.to_crs(metric).to_numpy()
        zones = hazards.geometry.to_crs(metric)
        total = shapely.length(lines)
        union = shapely.union_all(zones.to_numpy())
        inside = shapely.intersection(lines, union)
        length = shapely.length(inside)
        ri, zi = zones.sindex.query(lines, predicate="intersects")
        pieces = shapely.length(shapely.intersection(lines[ri], zones.to_numpy()[zi]))
        names = _texts(hazards, "name").fillna("").to_numpy()
        kinds = _texts(hazards, "hazard").fillna("").to_numpy()
        for r in range(n):
            hit = zi[(ri == r) & (pieces > 0)]
            zone_names[r] = ", ".join(dict.fromkeys(names[z] for z in hit))
            types[r] = ", ".join(dict.fromkeys(kinds[z] for z in hit if kinds[z]))
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(total > 0, 100.0 * length / total, 0.0)
    return gpd.GeoDataFrame({
        "in_hazard": length > 0,
        "hazard_length_m": length,
        "hazard_pct": pct,
        "zones": pd.array(zone_names, dtype="str"),
        "hazards": pd.array(types, dtype="str"),
    }, geometry=inside, index=frame.index, crs=metric if metric is not None else frame.crs)


def hazard_type(value: object) -> str | None:
    """Return the hazard type ``value`` spells, or ``value`` itself in lower case.

    Parameters
    ----------
    value : object
        A value of the ``hazard`` column: ``"Ngập lụt"``, ``"CHÁY RỪNG"``, ``"flood"``…

    Returns
    -------
    str or None
        A key of :data:`HAZARD_TYPES` when :data:`geo.settings.hazard_type_aliases` knows
        the spelling (compared in lower case without accents or separators), else the
        text stripped and in lower case; ``None`` for a missing or blank value.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    if not text or text.lower() in {"nan", "none", "<na>"}:
        return None
    key = _fold(text)
    return settings.hazard_type_aliases.get(key, text.lower())


def select_hazards(hazards: gpd.GeoDataFrame, types: Iterable[str] | None = None
                   ) -> gpd.GeoDataFrame:
    """Return the hazard zones of ``types``, with ``hazard`` read by :func:`hazard_type`.

    Parameters
    ----------
    hazards : GeoDataFrame
        Hazard zones with an optional ``hazard`` column.
    types : iterable of str, optional
        Hazard types to keep (any spelling :func:`hazard_type` reads); ``None`` keeps
        every zone.

    Returns
    -------
    GeoDataFrame
        The zones kept (index kept), ``hazard`` replaced by the type read (missing when
        blank).

    Raises
    ------
    AnalysisInputError
        If ``types`` is given but empty.
    """
    out = hazards.copy()
    raw = out["hazard"] if "hazard" in out.columns else pd.Series(None, index=out.index)
    out["hazard"] = pd.array([hazard_type(v) for v in raw], dtype="str")
    if types is None:
        return out
    wanted = {hazard_type(t) for t in types} - {None}
    if not wanted:
        _validate.raise_problems([Problem("hazard_types_empty",
                                          known=", ".join(HAZARD_TYPES))])
    return out[out["hazard"].isin(wanted).to_numpy(dtype=bool)]


def _fold(text: str) -> str:
    """Lower case, no accents (``đ`` → ``d``), separators as single spaces."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _exposure_frame(features: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame, fi: np.ndarray,
                    zi: np.ndarray, inside: np.ndarray, geoms: np.ndarray) -> pd.DataFrame:
    """Assemble the pair table from positions, the parts inside and the features' shapes."""
    dims = shapely.get_dimensions(geoms).astype(int)
    area_in = np.where(dims == 2, shapely.area(inside), np.nan)
    length_in = np.where(dims == 1, shapely.length(inside), np.nan)
    whole = np.where(dims == 2, shapely.area(geoms), shapely.length(geoms))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(dims == 0, 100.0,
                         100.0 * np.where(dims == 2, area_in, length_in) / whole)
    feature_text = {c: _texts(features, c).to_numpy()[fi] for c in ("layer", "kind", "name")}
    return pd.DataFrame({
        "feature": features.index.take(fi),
        **feature_text,
        "geometry_type": np.array(["point", "line", "polygon"], dtype=object)[dims],
        "zone": hazards.index.take(zi),
        "zone_name": _texts(hazards, "name").to_numpy()[zi],
        "hazard": _texts(hazards, "hazard").to_numpy()[zi],
        "overlap_m2": area_in,
        "overlap_m": length_in,
        "overlap_pct": share,
    }).astype({c: "str" for c in ("layer", "kind", "name", "geometry_type", "zone_name",
                                  "hazard")})


def _zone_problems(hazards: gpd.GeoDataFrame) -> list[Problem]:
    problems = _validate.frame_problems(hazards, "hazards")
    if problems or not isinstance(hazards, gpd.GeoDataFrame) or not len(hazards):
        return problems
    dims = shapely.get_dimensions(hazards.geometry.to_numpy())
    if (dims != 2).any():
        rows = ", ".join(repr(x) for x in hazards.index[dims != 2][:5])
        problems.append(Problem("hazards_not_polygons", rows=rows))
    return problems


def _texts(gdf: gpd.GeoDataFrame, column: str) -> pd.Series:
    """Return ``gdf[column]`` as text (all missing without that column)."""
    if column not in gdf.columns:
        return pd.Series([None] * len(gdf), index=gdf.index, dtype="str")
    return gdf[column].astype("str")


def _setting(value: object, default: object) -> object:
    return default if value is None else value
