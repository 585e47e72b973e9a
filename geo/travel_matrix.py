"""Travel times between many points, and their routes, with scipy's Dijkstra.

networkx runs one Dijkstra in Python per search (about 150 ms on a 2,500-node graph);
:func:`scipy.sparse.csgraph.dijkstra` runs many in C on a sparse matrix, and releases the
GIL, so batches of searches run on several threads. This module gives the road graph of
:func:`geo.network.build_graph` that speed without changing a result:

* :func:`road_table` turns the graph into arrays **once per graph** (kept while the graph
  lives and is not changed);
* :meth:`RoadTable.join` joins points to those arrays exactly as
  :func:`geo.network.connect_points` joins them to the graph (same nearest segment, same
  split, same connector), and :meth:`RoadTable.without` takes cut segments out as
  :func:`geo.network.without_segments` does: neither copies the graph;
* :class:`Router` is the CSR matrix of one table (built once, kept with the router): the
  fastest of parallel edges, both directions. Its searches keep their predecessor arrays,
  so the route of any pair searched is walked back with no search of its own, and
  :meth:`Router.route` builds it exactly as :func:`geo.network.shortest_route` does
  (segment ids, geometry, time, length, connectors);
* :func:`travel_matrix` answers "minutes from every origin to every destination" on a
  graph, searching from the smaller side (the graph is undirected), with ``limit_min``
  stopping every search at that time;
* :class:`OutwardTimes` keeps the times from each origin to the destinations out to a
  radius of its own, and searches farther only when asked (:func:`geo.relocation.relocate`
  asks for the nearest sites first, then farther only where the solver needs it).

Exactness: a Dijkstra distance is the sum of the edge times along the path found, added
in path order, by networkx and scipy alike; the two give the same minutes whenever they
find the same path, and within rounding (1e-12 min) when two paths tie.
"""

from __future__ import annotations

import math
import os
import weakref
from collections.abc import Hashable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_array
from scipy.sparse.csgraph import connected_components, dijkstra

from geo import _validate, network, settings
from geo.errors import AnalysisInputError, Problem
from geo.network import CONNECTOR, Route

_EPS = 1e-6  # metres: as geo.network, positions along a line closer than this are one point
_BATCH_CELLS = 8_000_000  # distances computed per dijkstra call (64 MB of float64)
_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class RoadTable:
    """A road graph as arrays: node ``i`` is ``nodes[i]``, edge ``e`` joins ``u[e]``–``v[e]``.

    Attributes
    ----------
    nodes : ndarray of object
        Node ids of the graph.
    x, y : ndarray of float
        Node coordinates (metres, ``crs``).
    u, v : ndarray of int
        Positions of each edge's end nodes.
    time_min, length_m, speed_kmh : ndarray of float
        Edge attributes (see :func:`geo.network.build_graph`).
    segment_id, source, cls : ndarray of object
        Edge ``segment_id``, ``source`` and ``class``.
    geometry : ndarray of object
        Edge LineStrings.
    crs : object
        The metric CRS.
    next_node : int
        The next free integer node id (``G.graph["next_node"]``).
    """

    nodes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray
    time_min: np.ndarray
    length_m: np.ndarray
    speed_kmh: np.ndarray
    segment_id: np.ndarray
    source: np.ndarray
    cls: np.ndarray
    geometry: np.ndarray
    crs: object
    next_node: int

    @cached_property
    def index(self) -> dict[Hashable, int]:
        """Node id → position."""
        return {node: i for i, node in enumerate(self.nodes)}

    def without(self, segment_ids: Iterable[str]) -> RoadTable:
        """Return the table without the edges of these segments (:func:`network.without_segments`).

        Parameters
        ----------
        segment_ids : iterable of str
            Segment ids; every piece of a split segment goes.

        Returns
        -------
        RoadTable
            A new table; this one is unchanged.

        Raises
        ------
        AnalysisInputError
            If an id is not a segment of the table.
        """
        wanted = {segment_ids} if isinstance(segment_ids, str) else set(segment_ids)
        unknown = wanted - set(self.segment_id)
        if unknown:
            raise AnalysisInputError(Problem("unknown_segments",
                                             ids=_validate.labels(sorted(map(str, unknown)))))
        keep = ~np.isin(self.segment_id, list(wanted))
        return self._edges_only(keep)

    def join(self, points: gpd.GeoDataFrame | gpd.GeoSeries, *,
             offroad_speed_kmh: float | None = None, prefix: str = "p"
             ) -> tuple[RoadTable, dict[Hashable, int]]:
        """Join points to the roads as :func:`geo.network.connect_points` does.

        Parameters
        ----------
        points : GeoDataFrame or GeoSeries
            Points in any CRS (other shapes join from their representative point).
        offroad_speed_kmh : float, optional
            Connector speed; :data:`geo.settings.offroad_speed_kmh` by default.
        prefix : str
            Node ids are ``f"{prefix}:{label}"``.

        Returns
        -------
        RoadTable
            The joined table (this one is unchanged).
        dict
            ``{point label: node position in the joined table}``.

        Raises
        ------
        AnalysisInputError
            As :func:`geo.network.connect_points`.
        """
        speed = settings.offroad_speed_kmh if offroad_speed_kmh is None else offroad_speed_kmh
        geoms, problems = network._point_series(points, "points")
        problems += network._speed_problems({"offroad_speed_kmh": speed})
        road = np.flatnonzero(self.cls != CONNECTOR)
        if not problems and not len(road):
            problems.append(Problem("network_no_segments_join"))
        ids = {label: f"{prefix}:{label}" for label in geoms.index} if not problems else {}
        taken = [n for n in ids.values() if n in self.index]
        if taken:
            problems.append(Problem("node_ids_taken", nodes=_validate.labels(taken)))
        _validate.raise_problems(problems)
        pts = network.representative_points(geoms.to_crs(self.crs)).to_numpy()
        if not len(pts):
            return self, {}
        return _Joiner(self, float(speed)).join(pts, list(ids.items()))

    def _edges_only(self, keep: np.ndarray) -> RoadTable:
        return replace(self, **{f: getattr(self, f)[keep] for f in _EDGE_FIELDS})


_EDGE_FIELDS = ("u", "v", "time_min", "length_m", "speed_kmh", "segment_id", "source", "cls",
                "geometry")
_NODE_FIELDS = ("nodes", "x", "y")


def road_table(G: nx.MultiGraph) -> RoadTable:
    """Return the arrays of a road graph, made once per graph and kept.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`geo.network.build_graph` (points may be joined).

    Returns
    -------
    RoadTable
        The same object for the same graph while its number of nodes and its
        ``next_node`` are unchanged: a graph given points (:func:`geo.network.connect_points`)
        is converted again. The graphs of this package are not otherwise changed in place
        (:func:`geo.network.without_segments` copies); one that is must be copied first.
    """
    key = (G.number_of_nodes(), G.graph.get("next_node"))  # edges: O(n) to count
    kept = _TABLES.get(G)
    if kept is not None and kept[0] == key:
        return kept[1]
    table = _table_of(G)
    _TABLES[G] = (key, table, None)
    return table


def graph_router(G: nx.MultiGraph) -> Router:
    """Return the :class:`Router` of a graph's :func:`road_table`, made once and kept."""
    table = road_table(G)
    key, _, router = _TABLES[G]
    if router is None:
        router = Router(table)
        _TABLES[G] = (key, table, router)
    return router


def travel_matrix(G: nx.MultiGraph, origins: Iterable[Hashable],
                  destinations: Iterable[Hashable], *, limit_min: float | None = None
                  ) -> pd.DataFrame:
    """Return the shortest travel minutes from every origin to every destination.

    The same minutes as :func:`geo.network.travel_times` from each origin, with one
    conversion of the graph (kept, :func:`road_table`) and the searches run from the
    smaller side (the graph is undirected), in batches on threads.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`geo.network.build_graph` with the points joined
        (:func:`geo.network.connect_points`).
    origins, destinations : iterable
        Nodes of ``G``.
    limit_min : float, optional
        Stop every search at this many minutes: farther pairs are missing, as pairs that
        cannot be reached at all.

    Returns
    -------
    DataFrame
        Index = origins, columns = destinations, minutes; ``NaN`` where not reached.

    Raises
    ------
    AnalysisInputError
        If a node is not in ``G``.
    """
    origins, destinations = list(origins), list(destinations)
    _validate.raise_problems(network._node_problems(G, [*origins, *destinations]))
    router = graph_router(G)
    index = router.table.index
    o = np.array([index[n] for n in origins], dtype=np.int64)
    d = np.array([index[n] for n in destinations], dtype=np.int64)
    limit = np.inf if limit_min is None else float(limit_min)
    if len(o) <= len(d):
        times = router.search(o, targets=d, limit=limit)[0]
    else:
        times = router.search(d, targets=o, limit=limit)[0].T
    times = np.where(np.isfinite(times), times, np.nan)
    return pd.DataFrame(times, index=pd.Index(origins), columns=pd.Index(destinations))


class Router:
    """Shortest paths on one :class:`RoadTable`: its CSR matrix, searches and routes.

    Parameters
    ----------
    table : RoadTable
        The roads (with points joined).
    threads : int, optional
        Threads running searches; :data:`geo.settings.network_search_threads` by default.
    """

    def __init__(self, table: RoadTable, *, threads: int | None = None) -> None:
        self.table = table
        n = len(table.nodes)
        a, b = np.r_[table.u, table.v], np.r_[table.v, table.u]
        w = np.r_[table.time_min, table.time_min]
        edge = np.r_[np.arange(len(table.u)), np.arange(len(table.u))]
        loop = a == b
        a, b, w, edge = a[~loop], b[~loop], w[~loop], edge[~loop]
        order = np.lexsort((edge, w, b, a))  # the fastest of parallel edges, then the first
        a, b, w, edge = a[order], b[order], w[order], edge[order]
        first = np.r_[True, (a[1:] != a[:-1]) | (b[1:] != b[:-1])] if len(a) else a == a
        a, b, w, self._edge = a[first], b[first], w[first], edge[first]
        indptr = np.r_[0, np.cumsum(np.bincount(a, minlength=n))]
        self.matrix = csr_array((w, b.astype(np.int32), indptr.astype(np.int32)),
                                shape=(n, n))
        self._keys = a * n + b
        wanted = settings.network_search_threads if threads is None else threads
        self.threads = max(1, int(wanted) if wanted else (os.cpu_count() or 1))

    @cached_property
    def components(self) -> np.ndarray:
        """Connected component label of every node."""
        return connected_components(self.matrix, directed=False)[1]

    def search(self, sources: np.ndarray, *, targets: np.ndarray | None = None,
               limit: float = np.inf, predecessors: bool = False
               ) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]] | None]:
        """Run Dijkstra from every source (batches on threads).

        Parameters
        ----------
        sources : ndarray of int
            Node positions.
        targets : ndarray of int, optional
            Node positions whose minutes are returned; every node by default.
        limit : float
            Minutes at which every search stops: nodes farther are ``inf``.
        predecessors : bool
            Also return each search's predecessor tree.

        Returns
        -------
        ndarray
            Minutes, shape ``(len(sources), len(targets))``; ``inf`` where not reached.
        list or None
            Per source, the nodes reached (other than the source) and their predecessors
            (``(nodes, preds)``, int32): the tree :meth:`path` walks.
        """
        sources = np.asarray(sources, dtype=np.int64)
        n = self.matrix.shape[0]
        step = max(1, min(256, _BATCH_CELLS // max(n, 1)))
        batches = [sources[i:i + step] for i in range(0, len(sources), step)]

        def run(batch: np.ndarray) -> tuple[np.ndarray, list | None]:
            found = dijkstra(self.matrix, directed=True, indices=batch, limit=limit,
                             return_predecessors=predecessors)
            dist = found[0] if predecessors else found
            cols = dist if targets is None else dist[:, targets]
            return cols, [_tree(row) for row in found[1]] if predecessors else None

        if len(batches) > 1 and self.threads > 1:
            with ThreadPoolExecutor(self.threads) as pool:
                parts = list(pool.map(run, batches))
        else:
            parts = [run(b) for b in batches]
        width = n if targets is None else len(targets)
        times = np.vstack([p[0] for p in parts]) if parts else np.empty((0, width))
        trees = [t for p in parts for t in p[1]] if predecessors else None
        return times, trees

    def path(self, tree: tuple[np.ndarray, np.ndarray], source: int, target: int
             ) -> list[int]:
        """Return the node positions from ``source`` to ``target`` in a search's tree.

        Parameters
        ----------
        tree : tuple of ndarray
            A tree of :meth:`search` from ``source``.
        source, target : int
            Node positions.

        Returns
        -------
        list of int
            The path, ``source`` first.

        Raises
        ------
        AnalysisInputError
            If the search did not reach ``target``.
        """
        pred = np.full(self.matrix.shape[0], -1, dtype=np.int64)
        pred[tree[0]] = tree[1]
        out = [int(target)]
        while out[-1] != source:
            if pred[out[-1]] < 0:
                nodes = self.table.nodes
                raise AnalysisInputError(Problem("unreachable", source=nodes[source],
                                                 target=nodes[target]))
            out.append(int(pred[out[-1]]))
        return out[::-1]

    def route(self, path: list[int]) -> Route:
        """Return the route along a path, as :func:`geo.network.shortest_route` builds it.

        Parameters
        ----------
        path : list of int
            Node positions, e.g. from :meth:`path`.

        Returns
        -------
        Route
            Node ids, segment ids, time, length, connector length and time, geometry.
        """
        t = self.table
        nodes = [t.nodes[i] for i in path]
        if len(path) < 2:
            return Route(nodes, [], 0.0, 0.0, 0.0, shapely.LineString(), 0.0)
        a, b = np.asarray(path[:-1]), np.asarray(path[1:])
        edges = self._edge[np.searchsorted(self._keys, a * len(t.nodes) + b)]
        conn = t.cls[edges] == CONNECTOR
        seg = t.segment_id[edges]
        ids = [s for k, s in enumerate(seg) if not k or s != seg[k - 1]]
        xy = network._dedupe(_oriented_coords(t, edges, a, b))
        line = shapely.LineString(xy) if len(xy) >= 2 else shapely.LineString()
        return Route(nodes, ids, _total(t.time_min[edges]), _total(t.length_m[edges]),
                     _total(t.length_m[edges][conn]), line, _total(t.time_min[edges][conn]))


class OutwardTimes:
    """Minutes from origins to destinations, searched outward from each origin on demand.

    Every pair up to ``floor[i]`` minutes from origin ``i`` is known; :meth:`widen` searches
    an origin farther. ``times`` holds the known minutes, ``inf`` for a destination
    farther than ``floor[i]`` (or than ``limit`` once the origin is complete) and ``NaN``
    for one that cannot be reached at all (another component of the network). With
    ``from_destinations`` everything up to ``limit`` is searched at once from the
    destinations (the cheaper side when they are fewer).

    Parameters
    ----------
    router : Router
        The network.
    origins, destinations : ndarray of int
        Node positions.
    limit : float
        Minutes beyond which nothing is searched.
    from_destinations : bool
        Search every destination once, up to ``limit``.
    """

    def __init__(self, router: Router, origins: np.ndarray, destinations: np.ndarray, *,
                 limit: float, from_destinations: bool = False) -> None:
        self.router, self.limit = router, float(limit)
        self.origins = np.asarray(origins, dtype=np.int64)
        self.destinations = np.asarray(destinations, dtype=np.int64)
        labels = router.components
        apart = labels[self.origins][:, None] != labels[self.destinations][None, :]
        self.times = np.where(apart, np.nan, np.inf)
        self.floor = np.zeros(len(self.origins))
        self._trees: list = [None] * len(self.origins)
        self._from_destinations = bool(from_destinations)
        if self._from_destinations:
            found, self._trees = router.search(self.destinations, targets=self.origins,
                                               limit=self.limit, predecessors=True)
            self.times = np.where(apart, np.nan, found.T)
            self.floor[:] = self.limit

    @property
    def complete(self) -> np.ndarray:
        """Per origin, whether every destination within ``limit`` is known."""
        return self.floor >= self.limit

    def widen(self, rows: np.ndarray, radius: np.ndarray | float | None = None) -> None:
        """Search these origins out to ``radius`` minutes (``limit`` by default, at most).

        Parameters
        ----------
        rows : ndarray of int
            Origin positions.
        radius : float or ndarray, optional
            Minutes per row.
        """
        rows = np.asarray(rows, dtype=np.int64)
        far = np.full(len(rows), self.limit) if radius is None else np.broadcast_to(
            np.minimum(np.asarray(radius, dtype=float), self.limit), rows.shape)
        todo = far > self.floor[rows]
        rows, far = rows[todo], far[todo]
        for r in np.unique(far):
            group = rows[far == r]
            found, trees = self.router.search(self.origins[group], targets=self.destinations,
                                              limit=float(r), predecessors=True)
            self.times[group] = np.where(np.isnan(self.times[group]), np.nan, found)
            self.floor[group] = r
            for i, tree in zip(group.tolist(), trees, strict=True):
                self._trees[i] = tree

    def route(self, i: int, j: int) -> Route:
        """Return the route from origin ``i`` to destination ``j`` (a pair searched).

        Parameters
        ----------
        i, j : int
            Origin and destination positions (rows and columns of ``times``).

        Returns
        -------
        Route
            As :func:`geo.network.shortest_route` from the origin to the destination.
        """
        o, d = int(self.origins[i]), int(self.destinations[j])
        if self._from_destinations:  # a tree from d: walking back from o goes o → d
            path = self.router.path(self._trees[j], d, o)[::-1]
        else:
            path = self.router.path(self._trees[i], o, d)
        return self.router.route(path)


# --- helpers -------------------------------------------------------------------------------


def _table_of(G: nx.MultiGraph) -> RoadTable:
    nodes = list(G.nodes)
    index = {node: i for i, node in enumerate(nodes)}
    xy = np.array([(d.get("x", np.nan), d.get("y", np.nan)) for _, d in G.nodes(data=True)],
                  dtype=float).reshape(-1, 2)
    rows = [(index[u], index[v], d["time_min"], d["length_m"], d["speed_kmh"],
             d["segment_id"], d["source"], d["class"], d["geometry"])
            for u, v, d in G.edges(data=True)]
    cols = list(zip(*rows, strict=True)) if rows else [()] * 9
    ints = [np.array(c, dtype=np.int64) for c in cols[:2]]
    floats = [np.array(c, dtype=float) for c in cols[2:5]]
    objs = [_objects(c) for c in cols[5:]]
    obj = np.empty(len(nodes), dtype=object)
    obj[:] = nodes
    table = RoadTable(obj, xy[:, 0], xy[:, 1], *ints, *floats, *objs,
                      crs=G.graph.get("crs"), next_node=int(G.graph.get("next_node", 0)))
    table.__dict__["index"] = index  # the cached_property, already built
    return table


def _objects(values: tuple) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _tree(pred: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nodes = np.flatnonzero(pred >= 0).astype(np.int32)
    return nodes, pred[nodes].astype(np.int32)


def _total(values: np.ndarray) -> float:
    """Sum in order, as a route adds its edges one by one."""
    return float(np.cumsum(values)[-1]) if len(values) else 0.0


def _oriented_coords(t: RoadTable, edges: np.ndarray, a: np.ndarray, b: np.ndarray
                     ) -> np.ndarray:
    """Return the coordinates of edges travelled from ``a`` to ``b``, each turned that way.

    As ``network._route``: an edge runs as drawn when its first vertex is at least as near
    to ``a`` as to ``b`` (``network._oriented_ends``), else backwards.
    """
    xy, which = shapely.get_coordinates(t.geometry[edges], return_index=True)
    count = np.bincount(which, minlength=len(edges))
    offset = np.r_[0, np.cumsum(count)[:-1]]
    x0, y0 = xy[offset, 0], xy[offset, 1]
    forward = np.hypot(t.x[a] - x0, t.y[a] - y0) <= np.hypot(t.x[b] - x0, t.y[b] - y0)
    local = np.arange(len(xy)) - offset[which]
    flip = ~forward[which]
    local[flip] = count[which][flip] - 1 - local[flip]
    return xy[offset[which] + local]


class _Joiner:
    """Split the nearest edges of points and add their connectors (one join)."""

    def __init__(self, table: RoadTable, speed: float) -> None:
        self.t, self.speed = table, speed
        self.next = table.next_node
        self.new_nodes: list[tuple[Hashable, float, float]] = []
        self.new_edges: list[tuple] = []
        self.dropped: list[int] = []

    def join(self, pts: np.ndarray, ids: list[tuple[Hashable, str]]
             ) -> tuple[RoadTable, dict[Hashable, int]]:
        t = self.t
        road = np.flatnonzero(t.cls != CONNECTOR)
        _, nearest = shapely.STRtree(t.geometry[road]).query_nearest(pts, all_matches=False)
        edge = road[nearest]
        along = shapely.line_locate_point(t.geometry[edge], pts)
        access: list = [None] * len(pts)
        order = np.argsort(edge, kind="stable")
        cuts = np.flatnonzero(np.r_[True, edge[order][1:] != edge[order][:-1]])
        for which in np.split(order, cuts[1:]):
            found = self._split(int(edge[which[0]]), along[which])
            for k in which:
                access[k] = found[float(along[k])]
        out = {}
        for (label, node), pt, (anode, axy) in zip(ids, pts, access, strict=True):
            out[label] = self._node(node, pt.x, pt.y)
            geom = shapely.LineString([(pt.x, pt.y), axy])
            self.new_edges.append((out[label], anode, geom.length, self.speed,
                                   f"{node}/{CONNECTOR}", label, CONNECTOR, geom))
        return self._table(), out

    def _node(self, node: Hashable, x: float, y: float) -> int:
        self.new_nodes.append((node, x, y))
        return len(self.t.nodes) + len(self.new_nodes) - 1

    def _split(self, e: int, along: np.ndarray) -> dict[float, tuple[int, tuple]]:
        """As ``network._split_edge``: the node at each distance along edge ``e``."""
        t = self.t
        geom = t.geometry[e]
        xy = np.asarray(geom.coords)
        start, end = _ends(t, e, xy[0])
        result: dict[float, tuple[int, tuple]] = {}
        cuts = []
        for d in np.unique(along):
            if d <= _EPS:
                result[float(d)] = (start, tuple(xy[0]))
            elif d >= geom.length - _EPS:
                result[float(d)] = (end, tuple(xy[-1]))
            else:
                cuts.append(float(d))
        if not cuts:
            return result
        flags = np.zeros(len(xy), dtype=bool)
        flags[[0, -1]] = True
        xy, flags = network._insert(xy, flags, geom, cuts)
        idx = np.flatnonzero(flags)
        chain = [start]
        for pos in idx[1:-1]:
            chain.append(self._node(self.next, float(xy[pos][0]), float(xy[pos][1])))
            self.next += 1
        chain.append(end)
        self.dropped.append(e)
        for a, b, n1, n2 in zip(idx[:-1], idx[1:], chain[:-1], chain[1:], strict=True):
            piece = shapely.LineString(xy[a:b + 1])
            self.new_edges.append((n1, n2, piece.length, float(t.speed_kmh[e]),
                                   t.segment_id[e], t.source[e], t.cls[e], piece))
        inner = zip(chain[1:-1], map(tuple, xy[idx[1:-1]]), strict=True)
        return {**result, **dict(zip(cuts, inner, strict=True))}

    def _table(self) -> RoadTable:
        t = self.t
        keep = np.ones(len(t.u), dtype=bool)
        keep[self.dropped] = False
        base = t._edges_only(keep)
        n_ids, n_x, n_y = zip(*self.new_nodes, strict=True) if self.new_nodes else ((), (), ())
        cols = list(zip(*self.new_edges, strict=True))
        length = np.array(cols[2], dtype=float)
        speed = np.array(cols[3], dtype=float)
        minutes = np.array([network._minutes(m, s) for m, s in zip(length, speed,
                                                                    strict=True)])
        return replace(
            base, nodes=np.r_[t.nodes, _objects(n_ids)], x=np.r_[t.x, n_x], y=np.r_[t.y, n_y],
            u=np.r_[base.u, np.array(cols[0], dtype=np.int64)],
            v=np.r_[base.v, np.array(cols[1], dtype=np.int64)],
            time_min=np.r_[base.time_min, minutes], length_m=np.r_[base.length_m, length],
            speed_kmh=np.r_[base.speed_kmh, speed],
            segment_id=np.r_[base.segment_id, _objects(cols[4])],
            source=np.r_[base.source, _objects(cols[5])],
            cls=np.r_[base.cls, _objects(cols[6])],
            geometry=np.r_[base.geometry, _objects(cols[7])], next_node=self.next)


def _ends(t: RoadTable, e: int, start: np.ndarray) -> tuple[int, int]:
    """(node at the geometry's start, node at its end), as ``network._oriented_ends``."""
    u, v = int(t.u[e]), int(t.v[e])
    x0, y0 = start
    du = math.hypot(t.x[u] - x0, t.y[u] - y0)
    dv = math.hypot(t.x[v] - x0, t.y[v] - y0)
    return (u, v) if du <= dv else (v, u)
