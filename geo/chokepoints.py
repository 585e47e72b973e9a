"""Chokepoints (điểm nghẽn): road segments and junctions whose loss cuts off or slows a base.

The measure
-----------
Every *target* (a base, a relocation site) is timed to the nearest *hub* (e.g. the
province-level bases, or the provincial capital) on the road network of
:mod:`geo.network`, joined to it by connectors. A road segment (or a junction) is a
chokepoint for a target when, without it,

* the target reaches no hub any more (**cut**), or
* its time to the nearest hub rises by more than ``increase_pct``
  (:data:`geo.settings.chokepoint_increase_pct`) (**slowed**).

A segment is lost *somewhere along it*: a target that joins the network on the segment
itself (its connector arrives there) keeps the other end of it; the worst of the two
sides counts. Segments are ranked by the number of targets cut, then by the largest
increase.

Computation
-----------
Only an edge on a target's current fastest route can change that target's time (any other
loss leaves the route intact), so only those edges are tried. For each, a **bridge**
(:func:`networkx.bridges`: an edge on no cycle) whose far side holds no hub cuts exactly
the targets on that side and changes nothing else; every other edge is re-routed: one
multi-source Dijkstra from the hubs (networkx) with the edge hidden. Junctions are tried
the same way, hiding every edge at the junction (re-routing only).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely

from geo import _validate, network, settings
from geo.errors import Problem

SEGMENT_COLUMNS: tuple[str, ...] = (
    "segment_id", "class", "source", "length_m", "bridge", "n_cut", "n_slowed",
    "max_increase_pct", "targets")
"""Columns of :func:`chokepoints` (besides the geometry)."""

NODE_COLUMNS: tuple[str, ...] = ("node", "degree", "n_cut", "n_slowed", "max_increase_pct",
                                 "targets")
"""Columns of :func:`chokepoint_nodes` (besides the geometry)."""

Targets = gpd.GeoDataFrame | gpd.GeoSeries | Mapping[Hashable, Hashable]
Hubs = gpd.GeoDataFrame | gpd.GeoSeries | Iterable[Hashable]


def chokepoints(
    G: nx.MultiGraph,
    targets: Targets,
    hubs: Hubs,
    *,
    increase_pct: float | None = None,
    offroad_speed_kmh: float | None = None,
) -> gpd.GeoDataFrame:
    """Return the road segments whose loss cuts targets off from every hub or slows them.

    Parameters
    ----------
    G : networkx.MultiGraph
        Road network from :func:`geo.network.build_graph` (not changed).
    targets : GeoDataFrame, GeoSeries or mapping
        Bases and sites to protect: features (joined to a copy of ``G`` by
        :func:`geo.network.connect_points`; labels from their index) or
        ``{label: node}`` of points joined already.
    hubs : GeoDataFrame, GeoSeries or iterable of nodes
        Where the targets must reach (the nearest one counts): features, or nodes.
    increase_pct : float, optional
        Threshold of a slowdown, percent; :data:`geo.settings.chokepoint_increase_pct`.
    offroad_speed_kmh : float, optional
        Connector speed when features are joined.

    Returns
    -------
    GeoDataFrame
        One row per chokepoint segment, columns :data:`SEGMENT_COLUMNS`: ``bridge`` (its
        loss splits the network), ``n_cut`` (targets cut off from every hub), ``n_slowed``
        (targets slowed by more than ``increase_pct``), ``max_increase_pct`` (the largest
        increase of a target not cut; 0 when none is slower), ``targets`` (labels cut or
        slowed, separated by ``"; "``) and the segment line in the graph's metric CRS. Ranked by
        ``n_cut``, then ``max_increase_pct`` (descending). Targets that reach no hub even
        on the intact network are left out (see :func:`target_times`).

    Raises
    ------
    AnalysisInputError
        If there is no hub or target, a node is unknown, or the threshold is negative.
    """
    study = _Study.of(G, targets, hubs, increase_pct, offroad_speed_kmh)
    rows = {}
    for seg, edges in study.path_edges().items():
        worst = study.worst([study.without_edge(e) for e in edges])
        if worst is not None:
            rows[seg] = worst
    return study.segment_frame(rows)


def chokepoint_nodes(
    G: nx.MultiGraph,
    targets: Targets,
    hubs: Hubs,
    *,
    increase_pct: float | None = None,
    offroad_speed_kmh: float | None = None,
) -> gpd.GeoDataFrame:
    """Return the junctions whose loss cuts targets off from every hub or slows them.

    A junction is lost with every road that meets there (a destroyed crossroads, or a
    bridge node). Only junctions of the road network are tried (not the access points of
    the targets, nor the hubs).

    Parameters
    ----------
    G, targets, hubs, increase_pct, offroad_speed_kmh
        As for :func:`chokepoints`.

    Returns
    -------
    GeoDataFrame
        One row per chokepoint junction, columns :data:`NODE_COLUMNS` (``degree`` = roads
        meeting there), with the junction point, ranked as :func:`chokepoints`.
    """
    study = _Study.of(G, targets, hubs, increase_pct, offroad_speed_kmh)
    rows = {}
    for node in study.path_nodes():
        worst = study.worst([study.reroute(hidden_node=node)])
        if worst is not None:
            rows[node] = worst
    return study.node_frame(rows)


def target_times(
    G: nx.MultiGraph,
    targets: Targets,
    hubs: Hubs,
    *,
    offroad_speed_kmh: float | None = None,
) -> pd.DataFrame:
    """Return every target's travel time to its nearest hub on the intact network.

    Parameters
    ----------
    G, targets, hubs, offroad_speed_kmh
        As for :func:`chokepoints`.

    Returns
    -------
    DataFrame
        Indexed by target label: ``travel_min`` (NaN when no hub is reached) and
        ``connected``.
    """
    study = _Study.of(G, targets, hubs, None, offroad_speed_kmh)
    times = [study.base.get(node, np.nan) for node in study.targets.values()]
    return pd.DataFrame({"travel_min": np.asarray(times, dtype=float),
                         "connected": [n in study.base for n in study.targets.values()]},
                        index=pd.Index(list(study.targets), name="target"))


# --- helpers -------------------------------------------------------------------------------


class _Study:
    """A graph with targets and hubs joined, their base times and fastest routes."""

    def __init__(self, graph: nx.MultiGraph, targets: dict[Hashable, Hashable],
                 hubs: list[Hashable], threshold: float) -> None:
        self.graph, self.hubs, self.threshold = graph, hubs, threshold
        base, paths = nx.multi_source_dijkstra(graph, set(hubs), weight="time_min")
        self.base = {n: base[n] for n in targets.values() if n in base}
        self.targets = targets
        self.reached = {label: node for label, node in targets.items() if node in base}
        self.paths = {label: paths[node] for label, node in self.reached.items()}
        self.bridges = {frozenset(e) for e in nx.bridges(graph)}

    @classmethod
    def of(cls, G: nx.MultiGraph, targets: Targets, hubs: Hubs, increase_pct: float | None,
           speed: float | None) -> _Study:
        threshold = settings.chokepoint_increase_pct if increase_pct is None else increase_pct
        problems = []
        if not (isinstance(threshold, int | float) and math.isfinite(threshold)
                and threshold >= 0):
            problems.append(Problem("increase_pct_bad", value=threshold))
        _validate.raise_problems(problems)
        work = G.copy()
        if isinstance(targets, gpd.GeoDataFrame | gpd.GeoSeries):
            targets = network.connect_points(work, targets, offroad_speed_kmh=speed,
                                             prefix="_target")
        if isinstance(hubs, gpd.GeoDataFrame | gpd.GeoSeries):
            hubs = list(network.connect_points(work, hubs, offroad_speed_kmh=speed,
                                               prefix="_hub").values())
        targets, hubs = dict(targets), list(hubs)
        missing = [n for n in [*targets.values(), *hubs] if n not in work]
        if not hubs:
            problems.append(Problem("no_hub"))
        if not targets:
            problems.append(Problem("no_target"))
        if missing:
            problems.append(Problem("nodes_not_in_network_join", nodes=repr(missing[:5])))
        _validate.raise_problems(problems)
        return cls(work, targets, hubs, float(threshold))

    def path_edges(self) -> dict[str, list[tuple]]:
        """Road edges on some target's fastest route, grouped by segment id."""
        out: dict[str, list[tuple]] = {}
        for path in self.paths.values():
            for a, b in zip(path[:-1], path[1:], strict=True):
                key, data = min(self.graph[a][b].items(), key=lambda kv: kv[1]["time_min"])
                if data["class"] != network.CONNECTOR:
                    edges = out.setdefault(data["segment_id"], [])
                    if (a, b, key) not in edges and (b, a, key) not in edges:
                        edges.append((a, b, key))
        return out

    def path_nodes(self) -> list[Hashable]:
        """Junctions on some target's fastest route."""
        seen: dict[Hashable, None] = {}
        for path in self.paths.values():
            for node in path:
                if self.graph.nodes[node].get("kind") == "junction" and node not in self.hubs:
                    seen[node] = None
        return list(seen)

    def without_edge(self, edge: tuple) -> dict[Hashable, float]:
        """Return the new times of the targets whose route uses ``edge`` (inf = cut)."""
        a, b, key = edge
        if frozenset((a, b)) in self.bridges and len(self.graph[a][b]) == 1:
            view = nx.restricted_view(self.graph, [], [(a, b, key)])
            side = nx.node_connected_component(view, a)
            far = side if not any(h in side for h in self.hubs) else \
                nx.node_connected_component(view, b)
            if not any(h in far for h in self.hubs):
                return {label: math.inf for label, node in self.reached.items() if node in far}
        return self.reroute(hidden_edge=edge)

    def reroute(self, *, hidden_edge: tuple | None = None,
                hidden_node: Hashable | None = None) -> dict[Hashable, float]:
        """Return the re-routed times of the targets whose route uses the hidden edge or node."""
        users = [label for label, path in self.paths.items()
                 if _uses(path, hidden_edge, hidden_node, self.graph)]
        if not users:
            return {}

        def weight(u: Hashable, v: Hashable, keys: dict) -> float | None:
            if hidden_node is not None and hidden_node in (u, v):
                return None
            times = [d["time_min"] for k, d in keys.items()
                     if hidden_edge is None or not _same(hidden_edge, (u, v, k))]
            return min(times) if times else None

        hubs = [h for h in self.hubs if h != hidden_node]
        new = (nx.multi_source_dijkstra_path_length(self.graph, set(hubs), weight=weight)
               if hubs else {})
        return {label: new.get(self.reached[label], math.inf) for label in users}

    def worst(self, outcomes: list[dict[Hashable, float]]) -> dict[str, Any] | None:
        """Combine the outcomes (worst per target); None when nobody is cut or slowed."""
        new: dict[Hashable, float] = {}
        for outcome in outcomes:
            for label, t in outcome.items():
                new[label] = max(new.get(label, t), t)
        cut = [label for label in self.reached if new.get(label) == math.inf]
        pct = {label: _pct(self.base[self.reached[label]], t) for label, t in new.items()
               if t != math.inf}
        slowed = [label for label in self.reached
                  if label in pct and pct[label] > self.threshold]
        if not cut and not slowed:
            return None
        return {"n_cut": len(cut), "n_slowed": len(slowed),
                "max_increase_pct": max(pct.values(), default=0.0),
                "targets": "; ".join(str(x) for x in self.reached if x in cut or x in slowed)}

    def segment_frame(self, rows: dict[str, dict[str, Any]]) -> gpd.GeoDataFrame:
        """Return the chokepoint segments with their attributes and merged lines."""
        pieces: dict[str, list[tuple]] = {}
        for u, v, d in self.graph.edges(data=True):
            if d["segment_id"] in rows:
                pieces.setdefault(d["segment_id"], []).append((u, v, d))
        data = []
        for seg, row in rows.items():
            part = pieces[seg]
            first = part[0][2]
            geom = shapely.line_merge(shapely.union_all([d["geometry"] for *_, d in part]))
            data.append({"segment_id": seg, "class": first["class"],
                         "source": str(first["source"]),
                         "length_m": float(sum(d["length_m"] for *_, d in part)),
                         "bridge": any(frozenset((u, v)) in self.bridges for u, v, _ in part),
                         **row, "geometry": geom})
        frame = pd.DataFrame(data, columns=[*SEGMENT_COLUMNS, "geometry"])
        return _ranked(gpd.GeoDataFrame(frame, geometry="geometry",
                                        crs=self.graph.graph["crs"]))

    def node_frame(self, rows: dict[Hashable, dict[str, Any]]) -> gpd.GeoDataFrame:
        """Return the chokepoint junctions with their attributes and points."""
        data = [{"node": str(n), "degree": self.graph.degree(n), **row,
                 "geometry": shapely.Point(self.graph.nodes[n]["x"], self.graph.nodes[n]["y"])}
                for n, row in rows.items()]
        frame = pd.DataFrame(data, columns=[*NODE_COLUMNS, "geometry"])
        return _ranked(gpd.GeoDataFrame(frame, geometry="geometry",
                                        crs=self.graph.graph["crs"]))


def _ranked(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = frame.astype({"n_cut": int, "n_slowed": int, "max_increase_pct": float})
    key = frame.columns[0]
    return frame.sort_values(["n_cut", "max_increase_pct", key],
                             ascending=[False, False, True]).reset_index(drop=True)


def _uses(path: list[Hashable], edge: tuple | None, node: Hashable | None,
          graph: nx.MultiGraph) -> bool:
    if node is not None:
        return node in path
    a, b, key = edge
    for u, v in zip(path[:-1], path[1:], strict=True):
        if {u, v} == {a, b}:
            used = min(graph[u][v].items(), key=lambda kv: kv[1]["time_min"])[0]
            return used == key
    return False


def _same(e: tuple, f: tuple) -> bool:
    return e[2] == f[2] and {e[0], e[1]} == {f[0], f[1]}


def _pct(before: float, after: float) -> float:
    if before > 0:
        return (after - before) / before * 100.0
    return 0.0 if after <= before else math.inf
