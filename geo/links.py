"""Economic facilities linked to bases (cơ sở kinh tế gắn với căn cứ).

A defense–economic zone or a designated enterprise names the base it serves by the base's
code in its ``base_code`` attribute (several codes separated by ``;`` or ``,``).
:func:`facility_links` resolves those codes against the bases' ``code`` and measures each
link; :func:`base_summary` counts each base's facilities.

Codes are compared without surrounding spaces and without case (``" cc-01"`` names
``"CC-01"``). Distances are the shortest distance between the two shapes (0 when they touch
or overlap), computed in the metric CRS (:data:`geo.settings.metric_crs`).
"""

from __future__ import annotations

import re

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings

LINK_COLUMNS: tuple[str, ...] = ("facility", "base_code", "base", "distance_m", "status")
"""Columns of :func:`facility_links`."""

STATUSES: tuple[str, ...] = ("linked", "unknown_base", "ambiguous_base", "not_linked")
"""Link statuses: the code names one base; no base; several bases; no code given."""

_SPLIT = re.compile(r"[;,]")


def facility_links(
    facilities: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    code_col: str = "base_code",
    base_code_col: str = "code",
    crs: object = None,
) -> pd.DataFrame:
    """Return one row per (facility, base code it names), with the base and the distance.

    Parameters
    ----------
    facilities : GeoDataFrame
        Economic facilities (any geometry, any CRS) with the base codes in ``code_col``.
    bases : GeoDataFrame
        Bases (any geometry, any CRS) with their codes in ``base_code_col``.
    code_col, base_code_col : str
        Columns of the codes; a missing column means no code.
    crs : optional
        Metric CRS of the distances; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        Columns :data:`LINK_COLUMNS`: ``facility`` (its row label), ``base_code`` (as
        written, stripped; ``""`` for a facility with none), ``base`` (the base's row label,
        ``""`` unless ``status`` is ``"linked"``), ``distance_m`` (NaN unless linked) and
        ``status`` (:data:`STATUSES`). Facilities keep their order; a facility with no code
        gets one ``"not_linked"`` row.

    Raises
    ------
    AnalysisInputError
        If a frame is not a GeoDataFrame with a CRS, unique labels and geometries.
    """
    metric = checked_metric(facilities, bases, crs)
    if metric is None:  # both frames empty
        return pd.DataFrame({c: pd.Series(dtype=float if c == "distance_m" else "str")
                             for c in LINK_COLUMNS})
    lookup = _base_lookup(bases, base_code_col)
    fac_geoms = facilities.geometry.to_crs(metric)
    base_geoms = bases.geometry.to_crs(metric)
    rows = []
    for label, codes in _codes(facilities, code_col).items():
        if not codes:
            rows.append((label, "", "", np.nan, "not_linked"))
        for code in codes:
            hits = lookup.get(code.casefold(), [])
            if len(hits) == 1:
                dist = float(shapely.distance(fac_geoms.loc[label], base_geoms.loc[hits[0]]))
                rows.append((label, code, hits[0], dist, "linked"))
            else:
                rows.append((label, code, "", np.nan,
                             "unknown_base" if not hits else "ambiguous_base"))
    out = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    return out.astype({"base_code": "str", "status": "str", "distance_m": float})


def checked_metric(facilities: gpd.GeoDataFrame, bases: gpd.GeoDataFrame,
                   crs: object = None) -> object:
    """Check the facilities and bases; return the metric CRS to measure them in.

    ``crs``, else :data:`geo.settings.metric_crs`, else the frames' UTM zone; ``None``
    when both frames are empty.

    Raises
    ------
    AnalysisInputError
        If a frame is not a GeoDataFrame with a CRS, unique labels and geometries.
    """
    problems = _validate.frame_problems(facilities, "facilities")
    problems += _validate.frame_problems(bases, "bases")
    metric, more = _validate.metric_crs(settings.metric_crs if crs is None else crs,
                                        [facilities, bases])
    _validate.raise_problems(problems + more)
    return metric


def base_summary(links: pd.DataFrame, bases: pd.DataFrame) -> pd.DataFrame:
    """Return, per base, how many facilities are linked to it and the farthest one.

    Parameters
    ----------
    links : DataFrame
        From :func:`facility_links`.
    bases : DataFrame
        The bases given to it (every base gets a row, with 0 when nothing links to it).

    Returns
    -------
    DataFrame
        Index-aligned with ``bases``: ``n_facilities``, ``facilities`` (row labels joined
        by ``"; "``, in the order of ``links``) and ``max_distance_m`` (NaN when none).
    """
    linked = links[links["status"] == "linked"]
    groups = linked.groupby("base", sort=False)
    counts = groups["facility"].size()
    names = groups["facility"].agg(lambda s: "; ".join(map(str, s)))
    far = groups["distance_m"].max()
    return pd.DataFrame({
        "n_facilities": counts.reindex(bases.index, fill_value=0).astype(int).to_numpy(),
        "facilities": names.reindex(bases.index, fill_value="").astype(str).to_numpy(),
        "max_distance_m": far.reindex(bases.index).astype(float).to_numpy(),
    }, index=bases.index)


def _codes(frame: pd.DataFrame, column: str) -> dict:
    """Return ``{label: [codes]}``: the codes a row names (blank values give none)."""
    if column not in frame.columns:
        return {label: [] for label in frame.index}
    out = {}
    for label, value in frame[column].items():
        text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else \
            str(value)
        out[label] = list(dict.fromkeys(c.strip() for c in _SPLIT.split(text) if c.strip()))
    return out


def _base_lookup(bases: pd.DataFrame, column: str) -> dict[str, list]:
    """Return ``{code folded: [base labels]}``."""
    lookup: dict[str, list] = {}
    if column not in bases.columns:
        return lookup
    for label, value in bases[column].items():
        if isinstance(value, str) and value.strip():
            lookup.setdefault(value.strip().casefold(), []).append(label)
    return lookup
