"""The nearest defense base of every commune, in a straight line and by road.

Each commune is represented by a point inside it (its representative point, computed
in the metric CRS): where its people are is not known, and the polygon itself would give
a distance of 0 to every base it contains or touches. The straight-line distance runs from
that point to the nearest part of the base (:func:`geopandas.sjoin_nearest` in metres).
By road, the bases' and the communes' points are joined to the road network of
:mod:`geo.network` (:func:`geo.network.connect_points`), and one multi-source Dijkstra
search from every base at once (:func:`networkx.multi_source_dijkstra`, weighted by
travel time) gives each commune its fastest base and the time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings

if TYPE_CHECKING:
    import networkx as nx

COLUMNS: tuple[str, ...] = ("base", "base_name", "distance_m", "road_base", "road_base_name",
                            "road_time_min")
"""Columns of :func:`nearest_bases`."""


def nearest_bases(
    communes: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    network: nx.MultiGraph | None = None,
    offroad_speed_kmh: float | None = None,
    crs: object = None,
) -> pd.DataFrame:
    """Find the nearest base of every commune, straight and (with a network) by road.

    Parameters
    ----------
    communes : GeoDataFrame
        Communes (polygons; any geometry works) in any CRS.
    bases : GeoDataFrame
        Bases (e.g. the combat bases) in any CRS; a ``name`` column is used when present.
    network : networkx.MultiGraph, optional
        Road graph from :func:`geo.network.build_graph` (not modified: a copy is connected
        to the points). Without it the road columns are missing.
    offroad_speed_kmh : float, optional
        Speed from a point to its nearest road, see :func:`geo.network.connect_points`.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        Index-aligned with ``communes``, columns :data:`COLUMNS`: ``base`` (index label
        of the nearest base in a straight line; the first one on a tie), ``base_name``,
        ``distance_m``; ``road_base``, ``road_base_name`` and ``road_time_min`` the
        fastest base by road (missing without a network, or when no base can be
        reached).

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate labels, empty or invalid geometries.
    """
    problems = _validate.frame_problems(communes, "communes")
    problems += _validate.frame_problems(bases, "bases")
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [communes, bases])
    _validate.raise_problems(problems + more)
    index = communes.index
    names = (bases["name"].astype("str") if "name" in bases.columns
             else pd.Series(None, index=bases.index, dtype="str"))
    out = pd.DataFrame(index=index)
    base = pd.Series([None] * len(index), index=index, dtype=object)
    distance = np.full(len(index), np.nan)
    road = pd.Series([None] * len(index), index=index, dtype=object)
    minutes = np.full(len(index), np.nan)
    if metric is not None and len(index) and len(bases):
        points = gpd.GeoSeries(shapely.point_on_surface(
            communes.geometry.to_crs(metric).to_numpy()), index=index, crs=metric)
        targets = bases.geometry.to_crs(metric)
        pos, distance = _straight(points, targets)
        base[:] = list(bases.index.take(pos))
        if network is not None:
            road[:], minutes = _by_road(points, targets, network, offroad_speed_kmh, metric)
    out["base"] = _like(base, bases.index)
    out["base_name"] = base.map(names).astype("str")
    out["distance_m"] = distance
    out["road_base"] = _like(road, bases.index)
    out["road_base_name"] = road.map(names).astype("str")
    out["road_time_min"] = minutes
    return out


def _straight(points: gpd.GeoSeries, targets: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Position of the nearest target of every point, and the distance (first on a tie)."""
    left = gpd.GeoDataFrame(geometry=points.reset_index(drop=True))
    right = gpd.GeoDataFrame(geometry=targets.reset_index(drop=True))
    joined = gpd.sjoin_nearest(left, right, how="left", distance_col="distance_m")
    joined = joined[~joined.index.duplicated(keep="first")].sort_index()
    return (joined["index_right"].to_numpy(dtype=int),
            joined["distance_m"].to_numpy(dtype=float))


def _by_road(points: gpd.GeoSeries, targets: gpd.GeoSeries, network: nx.MultiGraph,
             offroad_speed_kmh: float | None, metric: object) -> tuple[list, np.ndarray]:
    """Fastest base (label or None) and its time (minutes, NaN) for every point."""
    import networkx as nx

    from geo import network as roads

    graph = network.copy()
    base_points = gpd.GeoSeries(shapely.point_on_surface(targets.to_numpy()),
                                index=targets.index, crs=metric)
    base_nodes = roads.connect_points(graph, base_points, offroad_speed_kmh=offroad_speed_kmh,
                                      prefix="base")
    commune_nodes = roads.connect_points(graph, points, offroad_speed_kmh=offroad_speed_kmh,
                                         prefix="commune")
    base_of = {node: label for label, node in base_nodes.items()}
    times, paths = nx.multi_source_dijkstra(graph, set(base_nodes.values()), weight="time_min")
    labels, minutes = [], np.full(len(points), np.nan)
    for k, label in enumerate(points.index):
        node = commune_nodes[label]
        if node in times:
            labels.append(base_of[paths[node][0]])
            minutes[k] = float(times[node])
        else:
            labels.append(None)
    return labels, minutes


def _like(values: pd.Series, index: pd.Index) -> pd.Series:
    """Return labels with the dtype of ``index`` where it has one that allows missing values."""
    if pd.api.types.is_string_dtype(index):
        return values.astype("str")
    if pd.api.types.is_integer_dtype(index):
        return values.astype("Int64")
    return values


def _setting(value: object, default: object) -> object:
    return default if value is None else value
