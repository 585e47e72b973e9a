"""Appraisal and point-in-unit joins on dask-geopandas partitions, same results as in memory.

The larger side (the proposals of an appraisal, the points of a join) is cut into
``npartitions`` spatially coherent partitions (consecutive runs of the Hilbert order of
:meth:`geopandas.GeoSeries.hilbert_distance`, the order of
:meth:`dask_geopandas.GeoDataFrame.spatial_shuffle`, computed in memory since the input is
there: no shuffle among workers); the smaller side (the works, the unit polygons) is
broadcast to every partition, which keeps only the features whose bounding box (in the
metric CRS) can reach its own. Each partition then runs the **same in-memory function**
(:func:`geo.appraisal.appraise`, :meth:`geopandas.sindex.SpatialIndex.query`) and the
parts are put back in the in-memory order, so the result is identical row for row and
value for value.

Where the partitions run is dask's choice: the ``scheduler`` argument (``"threads"``,
``"processes"``, ``"synchronous"``), else a :class:`dask.distributed.Client` made
before the call (several machines), else dask's default (threads).

dask and dask-geopandas are optional (``pip install kvpt-planner[dask]``): they are
imported when a function here is called, and their absence is reported as the problem
``dask_missing``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo import appraisal as geo_appraisal
from geo.errors import AnalysisInputError, Problem

_POS = "_kvpt_pos"
"""Column carrying each feature's position in its input through the partitions."""


def appraise(
    proposals: gpd.GeoDataFrame,
    works: gpd.GeoDataFrame,
    *,
    npartitions: int | None = None,
    scheduler: object = None,
    crs: object = None,
    search_distance: float | None = None,
    **kwargs: Any,
) -> pd.DataFrame:
    """Run :func:`geo.appraisal.appraise` on partitions of ``proposals``.

    Parameters
    ----------
    proposals, works : GeoDataFrame
        As in :func:`geo.appraisal.appraise`; ``works`` is broadcast to every partition.
    npartitions : int, optional
        Number of partitions of ``proposals`` (>= 1); :data:`geo.settings.dask_partitions`
        by default, else 2.
    scheduler : str or dask.distributed.Client, optional
        dask scheduler (``"threads"``, ``"processes"``, ``"synchronous"``) or a client of
        a cluster; by default the running default :class:`dask.distributed.Client`, else
        threads.
    crs : optional
        Metric CRS, as in :func:`geo.appraisal.appraise`; resolved once for all partitions.
    search_distance : float, optional
        As in :func:`geo.appraisal.appraise`.
    **kwargs
        The other keyword arguments of :func:`geo.appraisal.appraise` (``zones``,
        ``near_distance``, ``kind_col``, ``width_col``, ``zone_col``).

    Returns
    -------
    DataFrame
        The table of :func:`geo.appraisal.appraise`, equal to the in-memory one.

    Raises
    ------
    AnalysisInputError
        The problems of :func:`geo.appraisal.appraise`; ``partitions_bad`` for a bad
        ``npartitions``; ``dask_missing`` when dask-geopandas is not installed.
    """
    parts = _partitions(npartitions)
    search = settings.search_distance_m if search_distance is None else search_distance
    metric = _check_appraisal(proposals, works, crs, search_distance, kwargs)
    run = dict(kwargs, crs=metric, search_distance=search_distance)
    if metric is None or not len(proposals) or not len(works):
        return geo_appraisal.appraise(proposals, works, **run)
    boxes = shapely.bounds(works.geometry.to_crs(metric).to_numpy())
    slim = _slim(proposals, ["name"] if "name" in proposals.columns else [])
    tables = _map(slim, parts, scheduler, _appraise_part,
                  works=works, boxes=boxes, metric=metric, margin=float(search), run=run)
    return _appraisal_order(tables, proposals, works)


def query_pairs(
    left: gpd.GeoSeries,
    right: gpd.GeoSeries,
    *,
    predicate: str = "covered_by",
    npartitions: int | None = None,
    scheduler: object = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Return the pairs of ``right.sindex.query(left, predicate)``, found on partitions.

    Parameters
    ----------
    left : GeoSeries
        The many features (e.g. the assets' representative points), partitioned.
    right : GeoSeries
        The few features (e.g. admin-unit polygons), broadcast to every partition; in the
        same CRS as ``left``.
    predicate : str
        A predicate of :meth:`geopandas.sindex.SpatialIndex.query` that implies that the
        bounding boxes meet (``"intersects"``, ``"within"``, ``"covered_by"``,
        ``"contains"``, ``"covers"``, ``"touches"``, …; not ``"dwithin"``).
    npartitions : int, optional
        Number of partitions of ``left`` (>= 1); :data:`geo.settings.dask_partitions` by
        default, else 2.
    scheduler : str, optional
        As in :func:`appraise`.

    Returns
    -------
    (ndarray, ndarray)
        Positions in ``left`` and in ``right`` of each pair, sorted by the first then the
        second: the in-memory pairs, sorted alike.

    Raises
    ------
    AnalysisInputError
        ``partitions_bad`` for a bad ``npartitions``; ``dask_missing`` when
        dask-geopandas is not installed.
    """
    parts = _partitions(npartitions)
    empty = np.array([], dtype=np.intp)
    if not len(left) or not len(right):
        return empty, empty
    points = _slim(gpd.GeoDataFrame(geometry=np.asarray(left), crs=getattr(left, "crs", None)),
                   [])
    boxes = shapely.bounds(np.asarray(right))
    tables = _map(points, parts, scheduler, _query_part, right=np.asarray(right),
                  boxes=boxes, predicate=predicate)
    pairs = pd.concat(tables, ignore_index=True)
    li, ri = pairs["left"].to_numpy(np.intp), pairs["right"].to_numpy(np.intp)
    order = np.lexsort((ri, li))
    return li[order], ri[order]


def _partitions(npartitions: object) -> int:
    """Return the number of partitions to use, checked."""
    value = npartitions if npartitions is not None else (settings.dask_partitions or 2)
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise AnalysisInputError(Problem("partitions_bad", value=value))
    return int(value)


def _dask() -> tuple[Any, Any]:
    """Import dask and dask-geopandas, or report that they are missing."""
    try:
        import dask
        import dask_geopandas
    except ImportError as err:
        module = err.name or "dask_geopandas"
        raise AnalysisInputError(Problem("dask_missing", module=module)) from None
    return dask, dask_geopandas


def _check_appraisal(proposals: gpd.GeoDataFrame, works: gpd.GeoDataFrame, crs: object,
                     search_distance: float | None, kwargs: Mapping[str, Any]) -> Any:
    """Raise the problems of the inputs once, as the in-memory appraisal; return the CRS.

    The in-memory function checks each side on its own when the other is empty, so its
    own checks run here on the whole inputs, and only once.
    """
    problems: list[str] = []
    halves = [(proposals, works)]  # not frames: the in-memory call says so
    if isinstance(proposals, gpd.GeoDataFrame) and isinstance(works, gpd.GeoDataFrame):
        halves = [(proposals, works.iloc[:0]), (proposals.iloc[:0], works)]
    for props, wks in halves:
        try:
            geo_appraisal.appraise(props, wks, crs=crs, search_distance=search_distance,
                                   **kwargs)
        except AnalysisInputError as err:
            problems += [p for p in err.problems if p not in problems]
    _validate.raise_problems(problems)
    metric, more = _validate.metric_crs(settings.metric_crs if crs is None else crs,
                                        [proposals, works])
    _validate.raise_problems(more)
    return metric


def _slim(gdf: gpd.GeoDataFrame, columns: list[str]) -> gpd.GeoDataFrame:
    """Keep the geometry and ``columns``, and each row's position in ``_POS``."""
    data = {c: gdf[c].to_numpy() for c in columns}
    data[_POS] = np.arange(len(gdf))
    return gpd.GeoDataFrame(data, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)


def _map(gdf: gpd.GeoDataFrame, parts: int, scheduler: object,
         func: Callable[..., pd.DataFrame], **broadcast: Any) -> list[pd.DataFrame]:
    """Cut ``gdf`` into ``parts`` spatial partitions; return ``func`` of each, computed."""
    dask, dask_geopandas = _dask()
    if parts > 1:  # in memory already: Hilbert order here, no shuffle among workers
        order = np.argsort(gdf.geometry.hilbert_distance().to_numpy(), kind="stable")
        gdf = gdf.take(order)
    frame = dask_geopandas.from_geopandas(gdf, npartitions=min(parts, len(gdf)), sort=False)
    shared = {k: dask.delayed(v, pure=True) for k, v in broadcast.items()}
    tasks = [dask.delayed(func)(part, **shared) for part in frame.to_delayed()]
    return list(dask.compute(*tasks, scheduler=scheduler))


def _appraise_part(part: gpd.GeoDataFrame, *, works: gpd.GeoDataFrame, boxes: np.ndarray,
                   metric: Any, margin: float, run: dict[str, Any]) -> pd.DataFrame:
    """Appraise one partition against the works that can be within ``margin`` of it."""
    part = part.set_index(_POS)
    part.index.name = None
    if not len(part):
        return geo_appraisal.appraise(part, works.iloc[:0], **run)
    x0, y0, x1, y1 = part.geometry.to_crs(metric).total_bounds
    near = ((boxes[:, 0] <= x1 + margin) & (boxes[:, 2] >= x0 - margin)
            & (boxes[:, 1] <= y1 + margin) & (boxes[:, 3] >= y0 - margin))
    return geo_appraisal.appraise(part, works[near], **run)


def _appraisal_order(tables: list[pd.DataFrame], proposals: gpd.GeoDataFrame,
                     works: gpd.GeoDataFrame) -> pd.DataFrame:
    """Join the partitions' pair tables, name the proposals, sort as in memory."""
    found = [t for t in tables if len(t)] or tables[:1]
    pairs = pd.concat(found, ignore_index=True)
    positions = pairs["proposal"].to_numpy(np.intp)
    pairs["proposal"] = proposals.index.take(positions)
    rank = {v: i for i, v in enumerate(geo_appraisal.VERDICTS)}
    severity = pairs["verdict"].map(rank).to_numpy(int)
    wi = works.index.get_indexer(pairs["work"])
    order = np.lexsort((wi, pairs["distance_m"].to_numpy(), severity, positions))
    return pairs.take(order).reset_index(drop=True)


def _query_part(part: gpd.GeoDataFrame, *, right: np.ndarray, boxes: np.ndarray,
                predicate: str) -> pd.DataFrame:
    """Pairs (global positions) of one partition of points with the broadcast polygons."""
    if not len(part):
        return pd.DataFrame({"left": np.array([], np.intp), "right": np.array([], np.intp)})
    x0, y0, x1, y1 = part.total_bounds
    near = np.flatnonzero((boxes[:, 0] <= x1) & (boxes[:, 2] >= x0)
                          & (boxes[:, 1] <= y1) & (boxes[:, 3] >= y0))
    li, ri = shapely.STRtree(right[near]).query(part.geometry.to_numpy(), predicate=predicate)
    return pd.DataFrame({"left": part[_POS].to_numpy(np.intp)[li], "right": near[ri]})
