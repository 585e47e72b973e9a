"""Mutual support (chi viện, hỗ trợ lẫn nhau) between defense positions.

Two positions are linked when they lie within a set straight-line distance of each
other (edge to edge, in the metric CRS), **or** within a set road travel time (minutes on
the road network of :mod:`geo.network`, from the representative point of each position
joined to the nearest road). The links form a graph; its connected components are the
groups of positions that can support one another, a position with no link is isolated,
and a link whose removal splits its group (a *bridge*, :func:`networkx.bridges`) is a
weak link: the longer (or slower) it is, the weaker the group.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import Problem

if TYPE_CHECKING:
    import networkx as nx

POSITION_COLUMNS: tuple[str, ...] = ("component", "component_size", "degree", "isolated")
"""Columns of :attr:`Support.positions`."""

LINK_COLUMNS: tuple[str, ...] = ("a", "b", "a_name", "b_name", "distance_m", "time_min",
                                 "by_distance", "by_road", "bridge", "component")
"""Columns of :attr:`Support.links` (before the geometry) and :attr:`Support.weakest`."""


@dataclass(frozen=True)
class Support:
    """The mutual-support graph of a set of positions.

    Attributes
    ----------
    graph : networkx.Graph
        Nodes are the positions' index labels (every position, linked or not); each
        edge has ``distance_m``, ``time_min`` (NaN without a road network or when not
        connected by road), ``by_distance``, ``by_road`` and ``bridge``.
    positions : DataFrame
        Index-aligned with the positions, columns :data:`POSITION_COLUMNS`:
        ``component`` numbered 1, 2, … from the largest group (ties: the group of the
        earlier position first), ``component_size``, ``degree`` (number of links) and
        ``isolated`` (no link).
    links : GeoDataFrame
        One row per link, columns :data:`LINK_COLUMNS`: ``a`` and ``b`` the labels (``a``
        the earlier position), ``distance_m`` the straight edge-to-edge distance,
        ``time_min`` the road travel time, which criterion linked them, whether the link
        is a ``bridge`` and its ``component``; the geometry is the shortest straight line
        between the two positions, in the metric CRS.
    weakest : DataFrame
        The bridges, weakest first: by road time (longest first) when there are road
        times, then by distance (longest first).
    """

    graph: nx.Graph
    positions: pd.DataFrame
    links: gpd.GeoDataFrame
    weakest: pd.DataFrame


def mutual_support(
    positions: gpd.GeoDataFrame,
    *,
    within_km: float | None = None,
    within_min: float | None = None,
    network: nx.MultiGraph | None = None,
    offroad_speed_kmh: float | None = None,
    crs: object = None,
) -> Support:
    """Link positions that can support one another and analyse the groups they form.

    Parameters
    ----------
    positions : GeoDataFrame
        Defense positions (points or polygons) in any CRS; a ``name`` column is used
        for the link table when present.
    within_km : float, optional
        Link positions within this straight-line distance (km, edge to edge). When
        neither ``within_km`` nor ``within_min`` is given,
        :data:`geo.settings.support_within_km`.
    within_min : float, optional
        Link positions within this road travel time (minutes); needs ``network``. With
        ``within_km`` too, a pair is linked when either holds.
    network : networkx.MultiGraph, optional
        Road graph from :func:`geo.network.build_graph` (not modified: a copy is
        connected to the positions). When given, every link gets its road time.
    offroad_speed_kmh : float, optional
        Speed from a position to the nearest road, see :func:`geo.network.connect_points`.
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    Support
        The graph, the per-position table, the links and the weakest links.

    Raises
    ------
    AnalysisInputError
        If ``positions`` has no CRS, duplicate labels, empty or invalid geometries; if a
        distance or time is negative; if ``within_min`` is given without ``network``.
    """
    if within_km is None and within_min is None:
        within_km = settings.support_within_km
    problems = _validate.frame_problems(positions, "positions")
    problems += [Problem(key, value=value)
                 for key, value in (("within_km_bad", within_km), ("within_min_bad", within_min))
                 if value is not None and _validate.distance_problems(limit=value)]
    if within_min is not None and network is None:
        problems.append(Problem("within_min_no_network"))
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [positions])
    _validate.raise_problems(problems + more)
    geoms = (positions.geometry.to_crs(metric).to_numpy() if metric is not None
             else np.array([], dtype=object))
    pairs = _distance_pairs(geoms, within_km)
    times: dict[tuple[int, int], float] = {}
    if network is not None and len(geoms):
        # every link gets its road time; by road alone, farther pairs are not needed
        cutoff = within_min if within_km is None else None
        times = _road_times(positions.index, geoms, network, offroad_speed_kmh, metric, cutoff)
        if within_min is not None:
            pairs |= {p for p, t in times.items() if t <= within_min}
    return _support(positions, geoms, sorted(pairs), times, within_km, within_min, metric)


def _distance_pairs(geoms: np.ndarray, within_km: float | None) -> set[tuple[int, int]]:
    """Pairs ``(i, j)``, ``i < j``, within ``within_km`` of each other."""
    if within_km is None or not len(geoms):
        return set()
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=within_km * 1000.0)
    keep = left < right
    return set(zip(left[keep].tolist(), right[keep].tolist(), strict=True))


def _road_times(labels: pd.Index, geoms: np.ndarray, network: nx.MultiGraph,
                offroad_speed_kmh: float | None, metric: object, cutoff: float | None
                ) -> dict[tuple[int, int], float]:
    """Road travel time (minutes) between the pairs of positions connected by road.

    Pairs farther than ``cutoff`` minutes (when given) are left out.
    """
    from geo import network as roads

    graph = network.copy()
    points = gpd.GeoSeries(shapely.point_on_surface(geoms), index=labels, crs=metric)
    nodes = roads.connect_points(graph, points, offroad_speed_kmh=offroad_speed_kmh,
                                 prefix="support")
    position_of = {nodes[label]: i for i, label in enumerate(labels)}
    times: dict[tuple[int, int], float] = {}
    for i, label in enumerate(labels):
        reached = roads.travel_times(graph, [nodes[label]], cutoff_min=cutoff)
        for node, minutes in reached.items():
            j = position_of.get(node)
            if j is not None and j > i:
                times[(i, j)] = float(minutes)
    return times


def _support(positions: gpd.GeoDataFrame, geoms: np.ndarray, pairs: list[tuple[int, int]],
             times: dict[tuple[int, int], float], within_km: float | None,
             within_min: float | None, metric: object) -> Support:
    import networkx as nx

    labels = positions.index
    names = (positions["name"].astype("str") if "name" in positions.columns
             else pd.Series(None, index=labels, dtype="str"))
    ii = np.array([p[0] for p in pairs], dtype=int)
    jj = np.array([p[1] for p in pairs], dtype=int)
    distance = shapely.distance(geoms[ii], geoms[jj]) if len(pairs) else np.array([])
    time = np.array([times.get(p, np.nan) for p in pairs], dtype=float)
    by_distance = (distance <= within_km * 1000.0 if within_km is not None
                   else np.zeros(len(pairs), dtype=bool))
    by_road = (time <= within_min if within_min is not None
               else np.zeros(len(pairs), dtype=bool))
    graph = nx.Graph()
    graph.add_nodes_from(labels)
    for k, (i, j) in enumerate(pairs):
        graph.add_edge(labels[i], labels[j], distance_m=float(distance[k]),
                       time_min=float(time[k]), by_distance=bool(by_distance[k]),
                       by_road=bool(by_road[k]))
    bridges = {frozenset(e) for e in nx.bridges(graph)}
    for u, v, data in graph.edges(data=True):
        data["bridge"] = frozenset((u, v)) in bridges
    table = _position_table(graph, labels)
    component = table["component"].to_numpy()
    links = gpd.GeoDataFrame({
        "a": labels.take(ii), "b": labels.take(jj),
        "a_name": names.take(ii).to_numpy(), "b_name": names.take(jj).to_numpy(),
        "distance_m": distance, "time_min": time,
        "by_distance": by_distance, "by_road": by_road,
        "bridge": np.array([frozenset((labels[i], labels[j])) in bridges for i, j in pairs],
                           dtype=bool),
        "component": component[ii].astype(int) if len(pairs) else np.array([], dtype=int),
    }, geometry=shapely.shortest_line(geoms[ii], geoms[jj]) if len(pairs) else [],
        crs=metric)
    weak = links[links["bridge"]].drop(columns="geometry")
    weak = pd.DataFrame(weak).sort_values(["time_min", "distance_m"], ascending=False,
                                          na_position="last", kind="stable")
    return Support(graph, table, links, weak.reset_index(drop=True))


def _position_table(graph: nx.Graph, labels: pd.Index) -> pd.DataFrame:
    import networkx as nx

    order = {label: i for i, label in enumerate(labels)}
    groups = sorted((sorted(c, key=order.__getitem__) for c in nx.connected_components(graph)),
                    key=lambda c: (-len(c), order[c[0]]))
    component: dict[Hashable, int] = {}
    size: dict[Hashable, int] = {}
    for number, group in enumerate(groups, start=1):
        for label in group:
            component[label], size[label] = number, len(group)
    degree = np.array([graph.degree(label) for label in labels], dtype=int)
    return pd.DataFrame({
        "component": np.array([component[label] for label in labels], dtype=int),
        "component_size": np.array([size[label] for label in labels], dtype=int),
        "degree": degree,
        "isolated": degree == 0,
    }, index=labels)


def _setting(value: object, default: object) -> object:
    return default if value is None else value
