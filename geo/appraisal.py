"""Appraisal (thẩm định) of proposed economic projects against defense works.

A proposed project is checked against every defense work within the search distance:
does it overlap the work itself, the work's protection zone (hành lang / vành đai an
toàn công trình quốc phòng), or merely come near it? Every length and area is computed
in the metric CRS (:data:`geo.settings.metric_crs`), whatever the CRS of the inputs.

Verdicts, worst first (:data:`VERDICTS`):

``"conflict"``
    the project overlaps the work (an overlap area > 0, or the work is a point or line
    that the project touches or contains);
``"protection_zone"``
    it overlaps the work's protection-zone ring (area > 0) or comes closer to the work
    than the zone width; or it overlaps a work that is itself a zone (a border belt
    drawn as a polygon, ``zone_col``);
``"near"``
    it lies within the near distance of the work;
``"clear"``
    none of these (the pair is within the search distance only).
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.appraisal_zones import area_zone_flags, work_widths
from geo.errors import Problem

VERDICTS: tuple[str, ...] = ("conflict", "protection_zone", "near", "clear")
"""Verdicts of a (proposal, work) pair, worst first."""

PAIR_COLUMNS: tuple[str, ...] = (
    "proposal", "proposal_name", "work", "work_name", "work_kind",
    "distance_m", "overlap_m2", "zone_overlap_m2", "zone_width_m", "verdict",
)
"""Columns of the table returned by :func:`appraise`."""

WIDTH_COL, ZONE_COL = "zone_width_m", "belt"
"""Default columns of a work's own protection width and of its "is itself a zone" flag."""

SUMMARY_COLUMNS: tuple[str, ...] = (
    "proposal_name", "verdict", "n_conflict", "n_zone", "n_near", "nearest_work",
    "nearest_work_name", "nearest_distance_m", "total_overlap_m2", "total_zone_overlap_m2",
)
"""Columns of the table returned by :func:`appraisal_summary`."""


def protection_zones(
    works: gpd.GeoDataFrame,
    *,
    zones: Mapping[str, float] | None = None,
    kind_col: str = "kind",
    width_col: str | None = WIDTH_COL,
    zone_col: str | None = ZONE_COL,
    crs: object = None,
) -> gpd.GeoSeries:
    """Return the protection zone of every defense work: a ring around the work.

    The ring is the work buffered by its zone width (its own in ``width_col``, else its
    kind's), minus the work itself (for a point or line work: the whole buffer). A width
    of 0, or a work that is itself a zone (``zone_col``), gives an empty polygon.

    Parameters
    ----------
    works : GeoDataFrame
        Defense works (points, lines or polygons) in any CRS.
    zones : mapping of str to float, optional
        Zone width in metres per kind key; overrides :data:`geo.settings.protection_zone_m`
        for the kinds it names only.
    kind_col : str
        Column holding each work's kind key (``"combat_base"``, ``"air_defense"``, …).
    width_col, zone_col : str, optional
        As in :func:`appraise`.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    GeoSeries
        Named ``"protection_zone"``, index-aligned with ``works``, in the metric CRS.

    Raises
    ------
    AnalysisInputError
        If ``works`` has no CRS, empty or invalid geometries, or a kind with no width
        (the message lists the known kinds and how to pass ``zones``).
    """
    zone_m, problems = _validate.zone_table(zones, settings.protection_zone_m)
    problems += _validate.frame_problems(works, "works")
    if isinstance(works, gpd.GeoDataFrame):
        widths, more = _validate.kind_widths(works, kind_col, zone_m)
        widths, own = work_widths(works, width_col, widths)
        problems += more + own
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [works])
    _validate.raise_problems(problems + more)
    if metric is None:  # nothing to estimate a UTM zone from: no works
        return gpd.GeoSeries([], index=works.index, crs=works.crs, name="protection_zone")
    geoms = works.geometry.to_crs(metric).to_numpy()
    widths = np.where(area_zone_flags(works, zone_col), 0.0, widths)
    return gpd.GeoSeries(_rings(geoms, widths), index=works.index, crs=metric,
                         name="protection_zone")


def appraise(
    proposals: gpd.GeoDataFrame,
    works: gpd.GeoDataFrame,
    *,
    zones: Mapping[str, float] | None = None,
    search_distance: float | None = None,
    near_distance: float | None = None,
    kind_col: str = "kind",
    width_col: str | None = WIDTH_COL,
    zone_col: str | None = ZONE_COL,
    crs: object = None,
) -> pd.DataFrame:
    """Appraise proposed projects against the defense works within the search distance.

    Pairs are found through the spatial index of ``works`` (a ``dwithin`` query), so only
    the pairs within ``search_distance`` are measured.

    Parameters
    ----------
    proposals : GeoDataFrame
        Proposed projects (polygons or multipolygons) in any CRS. Names are read from a
        ``name`` column when there is one.
    works : GeoDataFrame
        Defense works (points, lines, polygons, mixed) in any CRS, with a kind column
        and optionally a ``name`` column.
    zones : mapping of str to float, optional
        Protection-zone width in metres per kind key, e.g. ``{"combat_base": 800}``;
        overrides :data:`geo.settings.protection_zone_m` for the kinds it names only.
    search_distance : float, optional
        Metres; pairs farther apart are not listed. :data:`geo.settings.search_distance_m`
        by default.
    near_distance : float, optional
        Metres up to which a pair is ``"near"``. :data:`geo.settings.near_distance_m`
        by default.
    kind_col : str
        Column of ``works`` holding each work's kind key.
    width_col : str, optional
        Column of ``works`` with a work's own protection width in metres (e.g. set by the
        decision on a military zone); where it is missing, or ``works`` has no such
        column, the kind's width applies. None: kind widths only.
    zone_col : str, optional
        Column of ``works`` flagging (true/yes/1) polygons that are themselves a zone,
        such as a border belt: a proposal overlapping one is ``"protection_zone"`` (the
        area counts as ``zone_overlap_m2``), never ``"conflict"``; such a work has no ring.
        Ignored when ``works`` has no such column.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        One row per (proposal, work) pair within ``search_distance``, with the columns
        of :data:`PAIR_COLUMNS`: ``proposal`` and ``work`` are index labels of the
        inputs; ``distance_m`` the minimum distance; ``overlap_m2`` the area shared with
        the work; ``zone_overlap_m2`` the area shared with its protection-zone ring;
        ``zone_width_m`` the width used; ``verdict`` one of :data:`VERDICTS`. Sorted by
        proposal (in the order of ``proposals``), verdict (worst first) and distance.

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate index labels, empty or invalid geometries; if
        a work's kind has no zone width; if a distance or width is negative.
    """
    search = _setting(search_distance, settings.search_distance_m)
    near = _setting(near_distance, settings.near_distance_m)
    zone_m, problems = _validate.zone_table(zones, settings.protection_zone_m)
    problems += _validate.distance_problems(search_distance=search, near_distance=near)
    problems += _validate.frame_problems(proposals, "proposals")
    problems += _validate.frame_problems(works, "works")
    if isinstance(works, gpd.GeoDataFrame):
        widths, more = _validate.kind_widths(works, kind_col, zone_m)
        widths, own = work_widths(works, width_col, widths)
        problems += more + own
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [proposals, works])
    _validate.raise_problems(problems + more)
    if metric is None or not len(proposals) or not len(works):
        return _pair_frame(proposals, works, kind_col, np.array([], dtype=int),
                           np.array([], dtype=int), {})
    props = proposals.geometry.to_crs(metric).to_numpy()
    tree = works.geometry.to_crs(metric)
    pi, wi = tree.sindex.query(props, predicate="dwithin", distance=search)
    belts = area_zone_flags(works, zone_col)
    measures = _measure(props[pi], tree.to_numpy(), wi, np.where(belts, 0.0, widths), near,
                        belts[wi])
    pairs = _pair_frame(proposals, works, kind_col, pi, wi, measures)
    order = np.lexsort((wi, pairs["distance_m"].to_numpy(), measures["severity"], pi))
    return pairs.take(order).reset_index(drop=True)


def appraisal_summary(proposals: gpd.GeoDataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """Summarise the pairs of :func:`appraise` per proposed project.

    Parameters
    ----------
    proposals : GeoDataFrame
        The proposals given to :func:`appraise` (only their index is used).
    pairs : DataFrame
        The table returned by :func:`appraise`.

    Returns
    -------
    DataFrame
        Index-aligned with ``proposals``, columns :data:`SUMMARY_COLUMNS`:
        ``proposal_name`` the proposal's ``name`` (missing without that column); ``verdict``
        the worst verdict of the proposal's pairs (``"clear"`` when it has none);
        ``n_conflict``, ``n_zone``, ``n_near`` the number of pairs with each verdict;
        ``nearest_work``, ``nearest_work_name`` and ``nearest_distance_m`` the closest
        work within the search distance (missing when none); ``total_overlap_m2`` and
        ``total_zone_overlap_m2`` the sums of the pair areas (areas of overlapping works
        or zones count each time).

    Raises
    ------
    AnalysisInputError
        If ``pairs`` lacks columns of :func:`appraise` or names proposals that are not in
        ``proposals``.
    """
    _validate.raise_problems(_pairs_problems(proposals, pairs))
    pairs = pairs.reset_index(drop=True)
    index = proposals.index
    rank = pairs["verdict"].map({v: i for i, v in enumerate(VERDICTS)}).astype(float)
    by = pairs.groupby("proposal", sort=False)
    counts = pd.crosstab(pairs["proposal"], pairs["verdict"]).reindex(
        index=index, columns=list(VERDICTS), fill_value=0)
    worst = rank.groupby(pairs["proposal"], sort=False).min().reindex(index)
    nearest = _nearest_labels(pairs, by, index)
    work_names = dict(zip(pairs["work"], pairs["work_name"], strict=True))
    summary = pd.DataFrame({
        "proposal_name": _texts(proposals, "name", np.arange(len(index))).to_numpy(),
        "verdict": worst.fillna(len(VERDICTS) - 1).astype(int).map(dict(enumerate(VERDICTS)))
        .astype("str"),
        "n_conflict": counts["conflict"].astype(int),
        "n_zone": counts["protection_zone"].astype(int),
        "n_near": counts["near"].astype(int),
        "nearest_work": nearest,
        "nearest_work_name": pd.Series([work_names.get(k) for k in nearest], index=index,
                                       dtype="str"),
        "nearest_distance_m": by["distance_m"].min().reindex(index).astype(float),
        "total_overlap_m2": by["overlap_m2"].sum().reindex(index, fill_value=0.0),
        "total_zone_overlap_m2": by["zone_overlap_m2"].sum().reindex(index, fill_value=0.0),
    }, index=index)
    return summary.astype({"total_overlap_m2": float, "total_zone_overlap_m2": float})


def _setting(value: object, default: object) -> object:
    return default if value is None else value


def _rings(geoms: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Buffer each geometry by its width and take the geometry itself out."""
    buffers = shapely.buffer(geoms, widths, quad_segs=settings.quad_segs)
    return shapely.difference(buffers, geoms)


def _measure(props: np.ndarray, all_works: np.ndarray, wi: np.ndarray,
             all_widths: np.ndarray, near: float, belt: np.ndarray) -> dict[str, np.ndarray]:
    """Measure the pairs (``props[k]``, ``all_works[wi[k]]``) in the metric CRS and judge them.

    ``belt[k]``: the work of pair ``k`` is itself a zone (its overlap is a zone overlap).
    """
    works, widths = all_works[wi], all_widths[wi]
    distance = shapely.distance(props, works)
    hits = shapely.intersects(props, works)
    overlap = np.zeros(len(props))
    overlap[hits] = shapely.area(shapely.intersection(props[hits], works[hits]))
    # Only a pair closer than the zone width can share area with the zone ring; each ring
    # is drawn once however many proposals reach it.
    inner = distance < widths
    ring_of, at = np.unique(wi[inner], return_inverse=True)
    rings = _rings(all_works[ring_of], all_widths[ring_of])
    zone = np.zeros(len(props))
    zone[inner] = shapely.area(shapely.intersection(props[inner], rings[at]))
    zone[belt], overlap[belt] = overlap[belt], 0.0
    areal = (shapely.get_dimensions(props) == 2) & (shapely.get_dimensions(works) == 2)
    conditions = [((overlap > 0) | (hits & ~areal)) & ~belt, (zone > 0) | inner | (belt & hits),
                  distance <= near]
    severity = np.select(conditions, [0, 1, 2], default=3)
    return {"distance_m": distance, "overlap_m2": overlap, "zone_overlap_m2": zone,
            "zone_width_m": widths.astype(float), "severity": severity}


def _pair_frame(proposals: gpd.GeoDataFrame, works: gpd.GeoDataFrame, kind_col: str,
                pi: np.ndarray, wi: np.ndarray, measures: Mapping[str, np.ndarray]
                ) -> pd.DataFrame:
    """Assemble the pair table (unsorted) from positions and measures."""
    def numbers(key: str) -> np.ndarray:
        return np.asarray(measures.get(key, np.array([])), dtype=float)

    severity = np.asarray(measures.get("severity", np.array([])), dtype=int)
    kinds = works[kind_col] if kind_col in works.columns else pd.Series(index=works.index)
    return pd.DataFrame({
        "proposal": proposals.index.take(pi),
        "proposal_name": _texts(proposals, "name", pi),
        "work": works.index.take(wi),
        "work_name": _texts(works, "name", wi),
        "work_kind": kinds.take(wi).astype("str").reset_index(drop=True),
        "distance_m": numbers("distance_m"),
        "overlap_m2": numbers("overlap_m2"),
        "zone_overlap_m2": numbers("zone_overlap_m2"),
        "zone_width_m": numbers("zone_width_m"),
        "verdict": pd.array(np.asarray(VERDICTS, dtype=object)[severity], dtype="str"),
    })


def _texts(gdf: gpd.GeoDataFrame, column: str, positions: np.ndarray) -> pd.Series:
    """Return ``gdf[column]`` at ``positions`` as text (missing when there is no column)."""
    if column not in gdf.columns:
        return pd.Series([None] * len(positions), dtype="str")
    return gdf[column].take(positions).astype("str").reset_index(drop=True)


def _nearest_labels(pairs: pd.DataFrame, by: pd.api.typing.DataFrameGroupBy,
                    index: pd.Index) -> pd.Series:
    """Label of the nearest work per proposal, missing where none, keeping the label type."""
    nearest = pairs.loc[by["distance_m"].idxmin(), ["proposal", "work"]]
    found = dict(zip(nearest["proposal"], nearest["work"], strict=True))
    labels = pd.Series([found.get(k) for k in index], index=index, dtype=object)
    if pd.api.types.is_string_dtype(pairs["work"]):
        return labels.astype("str")
    if pd.api.types.is_integer_dtype(pairs["work"]):
        return labels.astype("Int64")
    return labels


def _pairs_problems(proposals: gpd.GeoDataFrame, pairs: pd.DataFrame) -> list[Problem]:
    missing = [c for c in ("proposal", "work", "distance_m", "overlap_m2", "zone_overlap_m2",
                           "verdict") if c not in pairs.columns]
    if missing:
        return [Problem("pairs_columns", columns=", ".join(missing))]
    problems = []
    if not proposals.index.is_unique:
        problems.append(Problem("proposals_duplicate_index"))
    strays = pd.Index(pairs["proposal"].unique()).difference(proposals.index)
    if len(strays):
        shown = ", ".join(repr(x) for x in list(strays)[:5])
        problems.append(Problem("pairs_stray", shown=shown))
    bad = set(pairs["verdict"].unique()) - set(VERDICTS)
    if bad:
        problems.append(Problem("pairs_verdicts", verdicts=sorted(map(str, bad)),
                                expected=", ".join(VERDICTS)))
    return problems
