"""Checks of the inputs of :mod:`geo` analyses: each returns problems, the caller raises once."""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from geo.errors import AnalysisInputError

_SHOW = 5  # how many offending labels a message lists


def frame_problems(gdf: gpd.GeoDataFrame, role: str) -> list[str]:
    """Return what is wrong with ``gdf`` as an analysis input (empty list when fine).

    Parameters
    ----------
    gdf : GeoDataFrame
        The input.
    role : str
        Its argument name, used in the messages (e.g. ``"proposals"``).

    Returns
    -------
    list of str
        One sentence per problem, each naming the fix.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        return [f"`{role}` must be a GeoDataFrame, not {type(gdf).__name__}."]
    problems = []
    if gdf.crs is None:
        problems.append(
            f"`{role}` has no CRS: set the CRS first, e.g. gdf.set_crs('EPSG:4326') for "
            "longitude/latitude or gdf.set_crs('EPSG:3405') for VN-2000 / UTM 48N metres.")
    if not gdf.index.is_unique:
        dup = gdf.index[gdf.index.duplicated()].unique()
        problems.append(f"`{role}` has duplicate index labels ({_labels(dup)}): results are "
                        "keyed by label, so make them unique, e.g. gdf.reset_index(drop=True).")
    geoms = gdf.geometry.to_numpy()
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    if missing.any():
        problems.append(f"`{role}` has rows without geometry ({_labels(gdf.index[missing])}): "
                        "drop them first, e.g. gdf[~(gdf.geometry.isna() | gdf.is_empty)].")
    invalid = ~missing & ~shapely.is_valid(geoms)
    if invalid.any():
        problems.append(f"`{role}` has invalid geometries ({_labels(gdf.index[invalid])}): "
                        "repair them first, e.g. gdf.geometry = gdf.make_valid().")
    return problems


def distance_problems(**distances: float) -> list[str]:
    """Return a problem for each distance that is not a finite number >= 0."""
    return [f"`{name}` must be a number of metres >= 0, not {value!r}."
            for name, value in distances.items() if not _is_width(value)]


def zone_table(zones: Mapping[str, float] | None, defaults: Mapping[str, float]
               ) -> tuple[dict[str, float], list[str]]:
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
    list of str
        Problems with the widths.
    """
    table = {**defaults, **(zones or {})}
    problems = [f"protection-zone width of {kind!r} must be a number of metres >= 0, "
                f"not {width!r}; e.g. zones={{{kind!r}: 300.0}}."
                for kind, width in table.items() if not _is_width(width)]
    return table, problems


def kind_widths(gdf: gpd.GeoDataFrame, kind_col: str, table: Mapping[str, float]
                ) -> tuple[np.ndarray, list[str]]:
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
    list of str
        Problems: a missing column, or kinds without a width.
    """
    if kind_col not in gdf.columns:
        cols = ", ".join(map(str, gdf.columns.drop(gdf.geometry.name))) or "none"
        msg = (f"`works` has no column {kind_col!r} with the kind of each work (columns: "
               f"{cols}); pass kind_col='<column>' naming it.")
        return np.full(len(gdf), np.nan), [msg]
    kinds = gdf[kind_col]
    known = {k: float(v) for k, v in table.items() if _is_width(v)}
    widths = kinds.map(lambda k: known.get(k, np.nan) if isinstance(k, str) else np.nan)
    unknown = widths.isna().to_numpy()
    if not unknown.any():
        return widths.to_numpy(dtype=float), []
    bad = kinds[unknown]
    names = ", ".join(repr(k) for k in pd.unique(bad.to_numpy(dtype=object))[:_SHOW])
    first = next((k for k in bad if isinstance(k, str) and k not in table), "<kind>")
    msg = (f"`works` has kind(s) with no protection-zone width: {names} (rows "
           f"{_labels(bad.index)}). Known kinds: {', '.join(table) or 'none'}. Pass the "
           f"width for it, e.g. zones={{{first!r}: 300.0}} (metres), or fix column "
           f"{kind_col!r}.")
    return widths.to_numpy(dtype=float), [msg]


def metric_crs(crs: object, frames: Iterable[gpd.GeoDataFrame]) -> tuple[CRS | None, list[str]]:
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
    list of str
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
        return None, [f"metric CRS {crs!r} is not a CRS pyproj knows ({err}); pass e.g. "
                      "crs='EPSG:3405' (VN-2000 / UTM 48N)."]
    units = {axis.unit_name for axis in out.axis_info}
    if not out.is_projected or not units <= {"metre", "meter"}:
        return None, [f"metric CRS {crs!r} ({out.name}) is not projected in metres: lengths "
                      "and areas would be wrong; pass e.g. crs='EPSG:3405' (VN-2000 / UTM "
                      "48N) or 'EPSG:3406' (UTM 49N)."]
    return out, []


def raise_problems(problems: list[str]) -> None:
    """Raise one :class:`~geo.errors.AnalysisInputError` listing every problem, if there is any."""
    if problems:
        msg = "\n".join(problems)
        raise AnalysisInputError(msg)


def _is_width(value: object) -> bool:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool) and math.isfinite(value) and value >= 0)


def _labels(labels: Iterable[Hashable]) -> str:
    labels = list(labels)
    shown = ", ".join(repr(x) for x in labels[:_SHOW])
    return shown + (f" and {len(labels) - _SHOW} more" if len(labels) > _SHOW else "")
