"""Depth of the defense assets behind the border (chiều sâu thế trận).

The depth of an asset is its shortest distance to the border line (layers of kind
``"border"``), computed in the metric CRS (:data:`geo.settings.metric_crs`): from the
nearest part of the asset, so a base whose edge is 9 km from the border is in the 0–10 km
band even if its centre is farther. Depths are grouped in bands
(:data:`geo.settings.depth_bands_km`, e.g. ``(10, 30, 60)`` → ``"0–10"``, ``"10–30"``,
``"30–60"``, ``"> 60"``); a depth equal to a limit falls in the deeper band.

The border is only a line: it does not tell which side an asset is on. Given the
province (or all admin units) as ``area``, an asset whose representative point lies
outside it is flagged ``outside_province`` (it may be across the border, or in a
neighbouring province); its depth is still its distance to the line.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import Problem

COLUMNS: tuple[str, ...] = ("depth_m", "depth_km", "band", "outside_province")
"""Columns of :func:`depth_from_border`."""

BAND_COLUMNS: tuple[str, ...] = ("band", "from_km", "to_km", "area_km2")
"""Columns of :func:`band_polygons` (before the geometry)."""


def band_labels(bands_km: Sequence[float] | None = None) -> list[str]:
    """Return the labels of the depth bands, nearest first.

    Parameters
    ----------
    bands_km : sequence of float, optional
        Upper limits in km; :data:`geo.settings.depth_bands_km` by default.

    Returns
    -------
    list of str
        E.g. ``["0–10", "10–30", "30–60", "> 60"]`` for ``(10, 30, 60)``.

    Raises
    ------
    AnalysisInputError
        If the limits are not increasing numbers > 0.
    """
    edges = _edges(bands_km)
    lows = [0.0, *edges]
    labels = [f"{_num(lo)}–{_num(hi)}" for lo, hi in zip(lows, edges, strict=False)]
    return [*labels, f"> {_num(edges[-1])}"]


def depth_from_border(
    assets: gpd.GeoDataFrame,
    border: gpd.GeoDataFrame,
    *,
    area: gpd.GeoDataFrame | None = None,
    bands_km: Sequence[float] | None = None,
    crs: object = None,
) -> pd.DataFrame:
    """Measure each asset's depth behind the border and put it in a band.

    Parameters
    ----------
    assets : GeoDataFrame
        Any features (points, lines, polygons) in any CRS.
    border : GeoDataFrame
        The border: its line features (polygons, e.g. a border belt, are left out).
    area : GeoDataFrame, optional
        The province (or every admin unit): assets whose representative point lies
        outside the union of its polygons are flagged ``outside_province``.
    bands_km : sequence of float, optional
        Upper limits of the bands in km; :data:`geo.settings.depth_bands_km` by default.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        Index-aligned with ``assets``, columns :data:`COLUMNS`: ``depth_m`` and
        ``depth_km`` the shortest distance to the border line; ``band`` its band label
        (an ordered categorical over :func:`band_labels`); ``outside_province`` (nullable
        boolean, missing when no ``area`` is given).

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate labels, empty or invalid geometries, if the
        border has no line, or if the band limits are not increasing numbers > 0.
    """
    problems = _band_problems(bands_km)
    problems += _validate.frame_problems(assets, "assets")
    problems += _border_problems(border)
    if area is not None:
        problems += _validate.frame_problems(area, "area")
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs),
                                        [assets, border])
    _validate.raise_problems(problems + more)
    labels = band_labels(bands_km)
    out = pd.DataFrame(index=assets.index)
    if metric is None or not len(assets):
        depth = np.array([], dtype=float)
        outside = pd.array([], dtype="boolean")
    else:
        geoms = assets.geometry.to_crs(metric).to_numpy()
        line = border_line(border, metric)
        depth = shapely.distance(geoms, line)
        outside = _outside(geoms, area, metric)
    out["depth_m"] = depth
    out["depth_km"] = depth / 1000.0
    out["band"] = pd.Categorical.from_codes(_band_codes(depth, bands_km), categories=labels,
                                            ordered=True)
    out["outside_province"] = outside
    return out


def depth_crosstab(depths: pd.DataFrame, by: pd.Series) -> pd.DataFrame:
    """Count assets per group (e.g. kind) and depth band.

    Parameters
    ----------
    depths : DataFrame
        The table of :func:`depth_from_border`.
    by : Series
        Group of each asset (e.g. its kind), aligned with ``depths``.

    Returns
    -------
    DataFrame
        One row per group (sorted) plus a ``"total"`` row; one column per band (every
        band, nearest first, zeros included) plus a ``"total"`` column.
    """
    band = depths["band"]
    labels = list(band.cat.categories)
    groups = by.reindex(depths.index).astype("str").fillna("")
    table = pd.crosstab(groups, band, dropna=False).reindex(columns=labels, fill_value=0)
    table = table.reindex(sorted(table.index)).astype(int)
    table.loc["total"] = table.sum(axis=0)
    table["total"] = table.sum(axis=1)
    table.index.name = by.name or "group"
    table.columns.name = "band"
    return table


def band_polygons(
    border: gpd.GeoDataFrame,
    area: gpd.GeoDataFrame,
    *,
    bands_km: Sequence[float] | None = None,
    crs: object = None,
) -> gpd.GeoDataFrame:
    """Return the depth bands as polygons: buffers of the border, differenced, clipped.

    Parameters
    ----------
    border : GeoDataFrame
        The border (its lines are used).
    area : GeoDataFrame
        Polygons whose union clips the bands (the province or every admin unit).
    bands_km : sequence of float, optional
        Upper limits in km; :data:`geo.settings.depth_bands_km` by default.
    crs : optional
        Metric CRS; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    GeoDataFrame
        One row per band, nearest first, columns :data:`BAND_COLUMNS` (``to_km`` missing
        for the last band) and the geometry, in the metric CRS. Buffers are drawn with
        :data:`geo.settings.quad_segs` segments per quarter circle.

    Raises
    ------
    AnalysisInputError
        As :func:`depth_from_border`.
    """
    problems = _band_problems(bands_km)
    problems += _border_problems(border)
    problems += _validate.frame_problems(area, "area")
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [border, area])
    _validate.raise_problems(problems + more)
    edges = _edges(bands_km)
    labels = band_labels(bands_km)
    if metric is None:
        return gpd.GeoDataFrame({c: [] for c in BAND_COLUMNS}, geometry=[])
    line = border_line(border, metric)
    region = shapely.union_all(area.geometry.to_crs(metric).to_numpy())
    buffers = [shapely.buffer(line, km * 1000.0, quad_segs=settings.quad_segs)
               for km in edges]
    pieces, inner = [], None
    for buf in [*buffers, None]:
        piece = region if buf is None else shapely.intersection(region, buf)
        if inner is not None:
            piece = shapely.difference(piece, inner)
        pieces.append(piece)
        inner = buf
    geoms = np.array(pieces, dtype=object)
    return gpd.GeoDataFrame({
        "band": labels,
        "from_km": [0.0, *edges],
        "to_km": [*edges, np.nan],
        "area_km2": shapely.area(geoms) / 1e6,
    }, geometry=geoms, crs=metric)


def border_line(border: gpd.GeoDataFrame, metric: object) -> shapely.Geometry:
    """Return the union of the border's line features in the metric CRS."""
    geoms = border.geometry.to_crs(metric).to_numpy()
    lines = geoms[shapely.get_dimensions(geoms) == 1]
    line = shapely.union_all(lines)
    shapely.prepare(line)
    return line


def _band_codes(depth_m: np.ndarray, bands_km: Sequence[float] | None) -> np.ndarray:
    edges = np.asarray(_edges(bands_km)) * 1000.0
    return np.searchsorted(edges, depth_m, side="right")


def _outside(geoms: np.ndarray, area: gpd.GeoDataFrame | None, metric: object
             ) -> pd.arrays.BooleanArray:
    if area is None:
        return pd.array([pd.NA] * len(geoms), dtype="boolean")
    region = shapely.union_all(area.geometry.to_crs(metric).to_numpy())
    shapely.prepare(region)
    points = shapely.point_on_surface(geoms)
    return pd.array(~shapely.covers(region, points), dtype="boolean")


def _edges(bands_km: Sequence[float] | None) -> list[float]:
    _validate.raise_problems(_band_problems(bands_km))
    return [float(x) for x in _setting(bands_km, settings.depth_bands_km)]


def _band_problems(bands_km: Sequence[float] | None) -> list[Problem]:
    edges = _setting(bands_km, settings.depth_bands_km)
    try:
        values = [float(x) for x in edges]
        ok = (len(values) > 0 and all(math.isfinite(v) and v > 0 for v in values)
              and all(a < b for a, b in zip(values, values[1:], strict=False))
              and not any(isinstance(x, bool) for x in edges))
    except (TypeError, ValueError):
        ok = False
    if ok:
        return []
    return [Problem("bands_bad", bands=edges)]


def _border_problems(border: gpd.GeoDataFrame) -> list[Problem]:
    problems = _validate.frame_problems(border, "border")
    if problems or not isinstance(border, gpd.GeoDataFrame):
        return problems
    if not (shapely.get_dimensions(border.geometry.to_numpy()) == 1).any():
        problems.append(Problem("border_no_line"))
    return problems


def _num(value: float) -> str:
    return f"{value:g}"


def _setting(value: object, default: object) -> object:
    return default if value is None else value
