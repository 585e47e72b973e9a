"""Checks of the inputs of :mod:`geo` analyses: each returns problems, the caller raises once."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.errors import AnalysisInputError, Problem

_SHOW = 5  # how many offending labels a message lists


def frame_problems(gdf: gpd.GeoDataFrame, role: str) -> list[Problem]:
    """Return what is wrong with ``gdf`` as an analysis input (empty list when fine).

    Parameters
    ----------
    gdf : GeoDataFrame
        The input.
    role : str
        Its argument name, used in the messages (e.g. ``"proposals"``).

    Returns
    -------
    list of Problem
        One sentence per problem, each naming the fix (keys ``frame_type``,
        ``frame_no_crs``, ``frame_duplicate_index``, ``frame_no_geometry``,
        ``frame_invalid``).
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        return [Problem("frame_type", role=role, type=type(gdf).__name__)]
    problems = []
    if gdf.crs is None:
        problems.append(Problem("frame_no_crs", role=role))
    if not gdf.index.is_unique:
        dup = gdf.index[gdf.index.duplicated()].unique()
        problems.append(Problem("frame_duplicate_index", role=role, labels=labels(dup)))
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(Problem("frame_no_geometry", role=role,
                                labels=labels(gdf.index[missing])))
    invalid = ~missing & ~shapely.is_valid(geoms)
    if invalid.any():
        problems.append(Problem("frame_invalid", role=role, labels=labels(gdf.index[invalid])))
    return problems


def distance_problems(**distances: float) -> list[Problem]:
    """Return a problem for each distance that is not a finite number >= 0."""
    return [Problem("distance_negative", arg=name, value=value)
            for name, value in distances.items() if not _is_width(value)]


def zone_table(zones: Mapping[str, float] | None, defaults: Mapping[str, float]
               ) -> tuple[dict[str, float], list[Problem]]:
    """Merge per-kind zone overrides over the defaults and check every width.

    Parameters
    ----------
    zones : mapping of str to float, optional
        Overrides, kind key → metres.
    defaults : mapping of str to float
        The widths from the settings.

    Returns
    -------
    dict of str to float
        The widths in force.
    list of Problem
        Problems with the widths.
    """
    table = {**defaults, **(zones or {})}
    problems = [Problem("zone_width_bad", kind=kind, width=width)
                for kind, width in table.items() if not _is_width(width)]
    return table, problems


def kind_widths(gdf: gpd.GeoDataFrame, kind_col: str, table: Mapping[str, float]
                ) -> tuple[np.ndarray, list[Problem]]:
    """Return the zone width of every row of ``gdf`` (NaN where unknown) and the problems.

    Parameters
    ----------
    gdf : GeoDataFrame
        The defense works.
    kind_col : str
        Column holding each work's kind key.
    table : mapping of str to float
        Zone width per kind key.

    Returns
    -------
    ndarray of float
        One width per row.
    list of Problem
        Problems: a missing column, or kinds without a width.
    """
    if kind_col not in gdf.columns:
        cols = ", ".join(map(str, gdf.columns.drop(gdf.geometry.name))) or Problem("none")
        return np.full(len(gdf), np.nan), [Problem("works_no_kind_column", column=kind_col,
                                                   columns=cols)]
    kinds = gdf[kind_col]
    known = {k: float(v) for k, v in table.items() if _is_width(v)}
    widths = kinds.map(lambda k: known.get(k, np.nan) if isinstance(k, str) else np.nan)
    unknown = widths.isna().to_numpy()
    if not unknown.any():
        return widths.to_numpy(dtype=float), []
    bad = kinds[unknown]
    names = ", ".join(repr(k) for k in pd.unique(bad.to_numpy(dtype=object))[:_SHOW])
    first = next((k for k in bad if isinstance(k, str) and k not in table), "<kind>")
    problem = Problem("works_kind_no_width", names=names, labels=labels(bad.index),
                      known=", ".join(table) or Problem("none"), first=first, column=kind_col)
    return widths.to_numpy(dtype=float), [problem]


def metric_crs(crs: object, frames: Iterable[gpd.GeoDataFrame]
               ) -> tuple[CRS | None, list[Problem]]:
    """Resolve the metric CRS: ``crs`` itself, or the UTM zone estimated from the data.

    Parameters
    ----------
    crs : object
        Anything :class:`pyproj.CRS` accepts, or ``None`` to estimate a UTM zone from
        the first non-empty frame with a CRS.
    frames : iterable of GeoDataFrame
        The inputs.

    Returns
    -------
    pyproj.CRS or None
        The CRS; ``None`` when it is to be estimated but every frame is empty.
    list of Problem
        Problems (unknown CRS, or one that is not projected in metres).
    """
    if crs is None:
        for gdf in frames:
            if isinstance(gdf, gpd.GeoDataFrame) and gdf.crs is not None and len(gdf):
                return CRS.from_user_input(gdf.estimate_utm_crs()), []
        return None, []
    try:
        out = CRS.from_user_input(crs)
    except Exception as err:  # pyproj raises CRSError and others for bad input
        return None, [Problem("crs_unknown", crs=crs, detail=str(err))]
    units = {axis.unit_name for axis in out.axis_info}
    if not out.is_projected or not units <= {"metre", "meter"}:
        return None, [Problem("crs_not_metric", crs=crs, name=out.name)]
    return out, []


def raise_problems(problems: list[str]) -> None:
    """Raise one :class:`~geo.errors.AnalysisInputError` listing every problem, if there is any."""
    if problems:
        raise AnalysisInputError(*problems)


def labels(items: Iterable[Hashable], show: int = _SHOW) -> str | Problem:
    """Return the first ``show`` of ``items`` as reprs, with how many more there are.

    Parameters
    ----------
    items : iterable
        Row labels, node ids, values...
    show : int
        How many to list.

    Returns
    -------
    str or Problem
        ``"'a', 'b'"``; past ``show`` items the problem ``labels_more``
        (``"'a', 'b', ... and 3 more"``, in the language of the message).
    """
    items = list(items)
    shown = ", ".join(repr(x) for x in items[:show])
    if len(items) <= show:
        return shown
    return Problem("labels_more", shown=shown, count=len(items) - show)


def _is_width(value: object) -> bool:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool) and math.isfinite(value) and value >= 0)
