"""Road network (mạng đường): a routable graph of the roads, routes and service areas.

The graph
---------
:func:`build_graph` turns road lines into a :class:`networkx.MultiGraph` in the metric CRS
(:data:`geo.settings.metric_crs`). Every line (every part of a multi-line) is split at its
**junctions**:

* its own two ends;
* every vertex it shares with another line (or with itself, a loop);
* the point nearest to the end of another line that comes within ``snap_tolerance``
  (:data:`geo.settings.network_snap_m`) of it: a T-junction digitised with a small gap;
* with :data:`geo.settings.network_split_crossings`, every point where it crosses another
  line. By default two lines that **cross without a shared vertex do not meet**: in road
  data such a crossing is a bridge or an overpass.

Junction points closer than ``snap_tolerance`` to each other merge into one node, placed
on the point crossed by the most lines (so a dangling end moves onto the road it meets,
never the road onto the end); the pieces' ends move with it. Ends farther apart than the
tolerance stay unconnected.

The graph does not know road from rail or power line: it joins whatever lines it is given
by the rules above. :func:`network_lines` picks the road lines of a project (classes with a
speed in :data:`geo.settings.road_speed_kmh`, or with "road" but not "rail" in the class),
so railways and power lines stay out; to study the railway build a graph of its own.

Nodes are integers with ``x``, ``y`` (metres) and ``kind`` = ``"junction"``. Each edge is
the piece of one line between two junctions (a *segment*), with ``segment_id``
(``"<row label>/<part>/<piece>"``: row label of ``lines``, part of a multi-line, piece of
the part, all from 0; stable while the lines don't change), ``source`` (the row label),
``class``, ``length_m`` (the length of its ``geometry``), ``speed_kmh`` (from the class),
``time_min``, ``geometry`` (LineString, metric CRS) and, when ``lines`` has the columns,
the :data:`EDGE_ATTRIBUTES` (text). ``G.graph`` holds ``crs``,
``speeds``, ``default_speed_kmh`` and ``snap_tolerance_m``.

Off-network points
------------------
:func:`connect_points` joins points (bases, enterprises, sites; polygons by their
representative point) by a straight **connector** to the nearest point of the nearest
segment, travelled at :data:`geo.settings.offroad_speed_kmh`. The segment is split there
(new node of kind ``"access"``); both pieces keep its ``segment_id``, so cutting a segment
(:func:`without_segments`) cuts it whole, before or after points were joined.

Routes and service areas
------------------------
Shortest paths are networkx's Dijkstra on ``time_min`` (:func:`shortest_route`,
:func:`travel_times`). For many origins and destinations, :mod:`geo.travel_matrix` gives
the same minutes and routes with scipy's Dijkstra on arrays made once per graph
(:func:`geo.travel_matrix.travel_matrix`; the relocation plan uses it).
:func:`service_area` tells which communes are reached within a time:
a commune is reached when its representative point (a point inside it, computed in metres)
is, by road from the nearest source and then by connector.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from geo import _validate, settings
from geo.errors import AnalysisInputError, Problem

EDGE_COLUMNS: tuple[str, ...] = (
    "segment_id", "source", "class", "length_m", "speed_kmh", "time_min", "u", "v")
"""Columns of :func:`edges_frame` (besides the geometry)."""

EDGE_ATTRIBUTES: tuple[str, ...] = ("load_class", "dual_use")
"""Attributes of a road line its segments keep as text (``""`` when blank), when ``lines`` has
them: the bridge load class (:mod:`geo.load_class`) and the dual-use flag."""

CONNECTOR = "connector"
"""``class`` of the connector edges added by :func:`connect_points`."""

_EPS = 1e-6  # metres: positions along a line closer than this are the same point
_LINES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class Route:
    """A shortest route on the network, from :func:`shortest_route`.

    Attributes
    ----------
    nodes : list
        Graph nodes from the source to the target.
    segment_ids : list of str
        ``segment_id`` of the edges travelled, in order (a segment split by a connection
        point is listed once; connectors are listed as ``"<node>/connector"``).
    time_min : float
        Travel time, minutes (sum of the edges' ``time_min``).
    length_m : float
        Length, metres, connectors included.
    connector_m : float
        Length travelled on connectors (off road), metres.
    geometry : shapely.LineString
        The route in the metric CRS (``G.graph["crs"]``), from source to target; empty
        when source and target are the same node.
    connector_min : float
        Time spent on connectors, minutes.
    """

    nodes: list[Hashable]
    segment_ids: list[str]
    time_min: float
    length_m: float
    connector_m: float
    geometry: shapely.LineString
    connector_min: float = 0.0


def build_graph(
    lines: gpd.GeoDataFrame,
    *,
    class_col: str = "class",
    speeds: Mapping[str, float] | None = None,
    snap_tolerance: float | None = None,
    crs: object = None,
) -> nx.MultiGraph:
    """Build the routable graph of ``lines``: split at junctions, ends snapped, timed by class.

    Parameters
    ----------
    lines : GeoDataFrame
        Road lines (LineString, MultiLineString) in any CRS, with unique row labels (they
        make the segment ids; e.g. ``"<layer>:<row>"`` from :func:`network_lines`).
    class_col : str
        Column with each line's class (``"national_road"``, ...). A missing column or
        value means an unknown class.
    speeds : mapping of str to float, optional
        Speed in km/h per class; overrides :data:`geo.settings.road_speed_kmh` for the
        classes it names. Unknown classes travel at
        :data:`geo.settings.road_default_speed_kmh`.
    snap_tolerance : float, optional
        Metres; :data:`geo.settings.network_snap_m` by default (see the module note).
    crs : optional
        Metric CRS of the graph; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    networkx.MultiGraph
        Nodes and edges as described in the module note.

    Raises
    ------
    AnalysisInputError
        If ``lines`` has no CRS, duplicate labels, rows without geometry or that are not
        lines, or a speed or tolerance is not a positive number.
    """
    table, problems = _speed_table(speeds)
    tol = _setting(snap_tolerance, settings.network_snap_m)
    problems += _validate.frame_problems(lines, "lines")
    problems += _line_problems(lines)
    problems += _validate.distance_problems(snap_tolerance=tol)
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [lines])
    _validate.raise_problems(problems + more)
    default = float(settings.road_default_speed_kmh)
    graph = nx.MultiGraph(crs=metric if metric is not None else lines.crs, speeds=table,
                          default_speed_kmh=default, snap_tolerance_m=float(tol))
    graph.graph["next_node"] = 0
    if metric is None or not len(lines):
        return graph
    parts = _Parts.of(lines, class_col, metric)
    pieces = parts.pieces(float(tol), split_crossings=bool(settings.network_split_crossings))
    for node, (x, y) in pieces.nodes.items():
        graph.add_node(node, x=x, y=y, kind="junction")
    extras = {c: lines[c].to_dict() for c in EDGE_ATTRIBUTES if c in lines.columns}
    for u, v, attrs in pieces.edges:
        speed = table.get(attrs["class"], default)
        more = {c: _text(values.get(attrs["source"])) for c, values in extras.items()}
        graph.add_edge(u, v, **attrs, **more, speed_kmh=speed,
                       time_min=_minutes(attrs["length_m"], speed))
    graph.remove_nodes_from([n for n in list(graph.nodes) if graph.degree(n) == 0])
    graph.graph["next_node"] = max(pieces.nodes, default=-1) + 1
    return graph


def connect_points(
    G: nx.MultiGraph,
    points: gpd.GeoDataFrame | gpd.GeoSeries,
    *,
    offroad_speed_kmh: float | None = None,
    prefix: str = "p",
) -> dict[Hashable, Hashable]:
    """Join off-network points to the graph by straight connectors (mutates ``G``).

    Each point gets a node ``f"{prefix}:{label}"`` (kind ``"point"``) joined by a straight
    edge of class ``"connector"`` to the nearest point of the nearest edge, which is split
    there (its pieces keep its ``segment_id``); when that nearest point is an end of the
    edge, the connector goes to that node.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`build_graph`.
    points : GeoDataFrame or GeoSeries
        Points in any CRS; other geometries are joined from their representative point
        (computed in the graph's metric CRS).
    offroad_speed_kmh : float, optional
        Speed on the connectors; :data:`geo.settings.offroad_speed_kmh` by default.
    prefix : str
        Prefix of the new node ids.

    Returns
    -------
    dict
        ``{point label: node id}``.

    Raises
    ------
    AnalysisInputError
        If the graph has no edges, a point has no geometry or CRS, labels repeat, a node
        id is taken already, or the speed is not a positive number.
    """
    speed = _setting(offroad_speed_kmh, settings.offroad_speed_kmh)
    geoms, problems = _point_series(points, "points")
    problems += _speed_problems({"offroad_speed_kmh": speed})
    if not problems and not any(c != CONNECTOR for *_, c in G.edges(data="class")):
        problems.append(Problem("network_no_segments_join"))
    ids = {label: f"{prefix}:{label}" for label in geoms.index} if not problems else {}
    taken = [n for n in ids.values() if n in G]
    if taken:
        problems.append(Problem("node_ids_taken", nodes=_show(taken)))
    _validate.raise_problems(problems)
    pts = representative_points(geoms.to_crs(G.graph["crs"]))
    if not len(pts):
        return {}
    access = _access_nodes(G, pts.to_numpy())
    for (label, node), pt, (anode, axy) in zip(ids.items(), pts.to_numpy(), access,
                                                strict=True):
        x, y = pt.x, pt.y
        G.add_node(node, x=x, y=y, kind="point", label=label)
        geom = shapely.LineString([(x, y), axy])
        G.add_edge(node, anode, segment_id=f"{node}/{CONNECTOR}", source=label,
                   **{"class": CONNECTOR}, length_m=geom.length, speed_kmh=float(speed),
                   time_min=_minutes(geom.length, speed), geometry=geom)
    G.graph["offroad_speed_kmh"] = float(speed)
    return ids


def shortest_route(G: nx.MultiGraph, source: Hashable, target: Hashable, *,
                   weight: str = "time_min") -> Route:
    """Return the fastest route (least ``weight``) from ``source`` to ``target``.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`build_graph` (with points joined by :func:`connect_points`).
    source, target : hashable
        Nodes of ``G``.
    weight : str
        Edge attribute to minimise: ``"time_min"`` or ``"length_m"``.

    Returns
    -------
    Route
        Nodes, segment ids, time, length, connector length and geometry; between two
        nodes joined by parallel edges the one with the least ``weight`` is taken.

    Raises
    ------
    AnalysisInputError
        If a node is not in ``G`` or ``target`` cannot be reached from ``source``.
    """
    _validate.raise_problems(_node_problems(G, [source, target]))
    try:
        nodes = nx.shortest_path(G, source, target, weight=weight)
    except nx.NetworkXNoPath:
        raise AnalysisInputError(Problem("unreachable", source=source, target=target)) from None
    return _route(G, nodes, weight)


def travel_times(G: nx.MultiGraph, sources: Iterable[Hashable], *,
                 cutoff_min: float | None = None) -> dict[Hashable, float]:
    """Return the travel time (minutes) from the nearest of ``sources`` to every node reached.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`build_graph`.
    sources : iterable
        Nodes of ``G`` (at least one).
    cutoff_min : float, optional
        Leave out the nodes farther than this many minutes.

    Returns
    -------
    dict
        ``{node: minutes}`` for every node reached (within the cutoff); unreachable nodes
        are absent.

    Raises
    ------
    AnalysisInputError
        If ``sources`` is empty or names a node not in ``G``.
    """
    sources = list(sources)
    problems = _node_problems(G, sources)
    if not sources:
        problems.append(Problem("sources_empty"))
    _validate.raise_problems(problems)
    return dict(nx.multi_source_dijkstra_path_length(G, set(sources), cutoff=cutoff_min,
                                                     weight="time_min"))


def without_segments(G: nx.MultiGraph, segment_ids: Iterable[str]) -> nx.MultiGraph:
    """Return a copy of ``G`` without the edges of the given segments (e.g. cut roads).

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`build_graph`.
    segment_ids : iterable of str
        ``segment_id`` values (every piece of a segment split by a connection point goes).

    Returns
    -------
    networkx.MultiGraph
        The copy; ``G`` is unchanged.

    Raises
    ------
    AnalysisInputError
        If an id is not a segment of ``G``.
    """
    wanted = {segment_ids} if isinstance(segment_ids, str) else set(segment_ids)
    edges = [(u, v, k) for u, v, k, s in G.edges(keys=True, data="segment_id") if s in wanted]
    unknown = wanted - {s for _, _, s in G.edges(data="segment_id")}
    if unknown:
        raise AnalysisInputError(Problem("unknown_segments", ids=_show(sorted(map(str, unknown)))))
    out = G.copy()
    out.remove_edges_from(edges)
    return out


def edges_frame(G: nx.MultiGraph) -> gpd.GeoDataFrame:
    """Return one row per edge of ``G``, in its metric CRS.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`build_graph`.

    Returns
    -------
    GeoDataFrame
        Columns of :data:`EDGE_COLUMNS` (``source``, ``u`` and ``v`` as text) and the
        edge geometry.
    """
    rows = [(d["segment_id"], str(d["source"]), d["class"], d["length_m"], d["speed_kmh"],
             d["time_min"], str(u), str(v), d["geometry"]) for u, v, d in G.edges(data=True)]
    frame = pd.DataFrame(rows, columns=[*EDGE_COLUMNS, "geometry"])
    frame = frame.astype({c: "str" for c in ("segment_id", "source", "class", "u", "v")})
    frame = frame.astype({c: float for c in ("length_m", "speed_kmh", "time_min")})
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=G.graph.get("crs"))


def service_area(
    G: nx.MultiGraph,
    sources: Iterable[Hashable] | gpd.GeoDataFrame | gpd.GeoSeries,
    minutes: float,
    communes: gpd.GeoDataFrame,
    *,
    offroad_speed_kmh: float | None = None,
) -> gpd.GeoDataFrame:
    """Return which communes are reached within ``minutes`` of the nearest source.

    A commune is reached when its representative point (a point inside it, computed in the
    metric CRS) is: by road from the nearest source, then by connector
    (:func:`connect_points`). ``G`` is not changed (the points are joined to a copy).

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`build_graph`.
    sources : iterable of nodes, GeoDataFrame or GeoSeries
        Nodes of ``G`` (e.g. from :func:`connect_points`), or features (bases) to join.
    minutes : float
        Time limit.
    communes : GeoDataFrame
        Commune polygons in any CRS.
    offroad_speed_kmh : float, optional
        Connector speed; :data:`geo.settings.offroad_speed_kmh` by default.

    Returns
    -------
    GeoDataFrame
        Index-aligned with ``communes``, in their CRS: ``name`` (when ``communes`` has
        one), ``travel_min`` (NaN when not connected), ``connector_m`` and ``reachable``
        (``travel_min <= minutes``), with the commune geometry. The service area as one
        polygon is ``out[out.reachable].union_all()``.

    Raises
    ------
    AnalysisInputError
        If ``minutes`` is negative, there is no source, or an input is not valid.
    """
    problems = _validate.frame_problems(communes, "communes")
    if not (isinstance(minutes, int | float) and math.isfinite(minutes) and minutes >= 0):
        problems.append(Problem("minutes_bad", value=minutes))
    _validate.raise_problems(problems)
    work = G.copy()
    if isinstance(sources, gpd.GeoDataFrame | gpd.GeoSeries):
        src = list(connect_points(work, sources, offroad_speed_kmh=offroad_speed_kmh,
                                  prefix="_source").values())
    else:
        src = list(sources)
    reps = gpd.GeoSeries(communes.geometry.to_numpy(), index=communes.index, crs=communes.crs)
    nodes = connect_points(work, reps, offroad_speed_kmh=offroad_speed_kmh, prefix="_commune")
    times = travel_times(work, src)
    travel = np.array([times.get(nodes[k], np.nan) for k in communes.index], dtype=float)
    connector = [min(d for *_, d in work.edges(nodes[k], data="length_m"))
                 for k in communes.index]
    data = {"travel_min": travel, "connector_m": np.asarray(connector, dtype=float),
            "reachable": np.nan_to_num(travel, nan=np.inf) <= minutes}
    if "name" in communes.columns:
        data = {"name": communes["name"].astype("str").to_numpy(), **data}
    return gpd.GeoDataFrame(data, geometry=communes.geometry.to_numpy(), index=communes.index,
                            crs=communes.crs)


def network_lines(
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    class_col: str = "class",
    speeds: Mapping[str, float] | None = None,
    all_lines: bool = False,
) -> gpd.GeoDataFrame:
    """Return the road lines of several layers as one frame labelled ``"<layer>:<row>"``.

    A line is a road when its class is a key of ``speeds`` or
    :data:`geo.settings.road_speed_kmh`, or another name of one
    (:data:`geo.settings.road_class_aliases`, e.g. ``"Quốc lộ"``, ``"QL1A"``, ``"trunk"``:
    see :func:`road_class`), or contains ``"road"`` but not ``"rail"`` (case ignored);
    railways, power lines and other infrastructure stay out.

    Parameters
    ----------
    frames : mapping of str to GeoDataFrame
        Layer name → its features (e.g. every layer of kind ``"infrastructure"``).
    class_col : str
        Column with the class.
    speeds : mapping of str to float, optional
        More road classes (with their speeds, see :func:`build_graph`).
    all_lines : bool
        Keep every line, whatever its class (for a layer known to hold roads only).

    Returns
    -------
    GeoDataFrame
        Columns ``layer``, ``name``, ``class`` (as :func:`road_class` reads it), the
        :data:`EDGE_ATTRIBUTES` (text, ``""`` where blank or missing) and the
        line geometry, in the CRS of the
        first frame, with the index ``"<layer>:<row>"`` (row = position in its layer, from
        0), so segment ids read ``"<layer>:<row>/<part>/<piece>"``.

    Raises
    ------
    AnalysisInputError
        If no line is left; the message lists the classes found.
    """
    table = {**settings.road_speed_kmh, **(speeds or {})}
    kept, seen = [], set()
    crs = next((f.crs for f in frames.values() if isinstance(f, gpd.GeoDataFrame)), None)
    for layer, gdf in frames.items():
        lines = gdf.geom_type.isin(_LINES).to_numpy()
        classes = (gdf[class_col].astype(object).where(gdf[class_col].notna(), "")
                   .astype(str).to_numpy() if class_col in gdf.columns
                   else np.full(len(gdf), "", dtype=object))
        seen |= set(classes[lines])
        classes = np.array([road_class(c, table) for c in classes], dtype=object)
        road = lines & (all_lines | np.array([_is_road(c, table) for c in classes], bool))
        names = gdf["name"].astype(str).to_numpy() if "name" in gdf.columns else ""
        more = {c: (gdf[c].map(_text).to_numpy() if c in gdf.columns else "")
                for c in EDGE_ATTRIBUTES}
        part = gpd.GeoDataFrame({"layer": layer, "name": names, "class": classes, **more},
                                geometry=gdf.geometry.to_numpy(), crs=gdf.crs,
                                index=[f"{layer}:{i}" for i in range(len(gdf))])[road]
        if len(part):
            kept.append(part.to_crs(crs))
    if not kept or not sum(len(k) for k in kept):
        found = ([c or Problem("class_none") for c in sorted(seen)]
                 or Problem("no_lines_at_all"))
        raise AnalysisInputError(Problem("no_road_lines", found=found, classes=", ".join(table)))
    out = pd.concat([k for k in kept if len(k)])
    return gpd.GeoDataFrame(out, geometry="geometry", crs=crs)


def road_class(value: str, classes: Iterable[str] = ()) -> str:
    """Return the road class a line's class value names, or the value unchanged.

    Parameters
    ----------
    value : str
        The value of the line's class column (``"Quốc lộ"``, ``"QL.4A"``, ``"trunk"``…).
    classes : iterable of str
        Classes taken as they are (e.g. the keys of a speed table).

    Returns
    -------
    str
        ``value`` when it is one of ``classes``; else the class of
        :data:`geo.settings.road_class_aliases` it matches (the longest key first); else
        ``value``.

    Examples
    --------
    >>> road_class("Quốc lộ 1A"), road_class("ĐT.226"), road_class("railway")
    ('national_road', 'provincial_road', 'railway')
    """
    if value in set(classes):
        return value
    plain = _plain(value).strip()
    for alias in sorted(settings.road_class_aliases, key=len, reverse=True):
        if plain == alias or (plain.startswith(alias) and not plain[len(alias)].isalpha()):
            return settings.road_class_aliases[alias]
    return value


def feature_points(frames: Mapping[str, gpd.GeoDataFrame], *, crs: object = None,
                   columns: Iterable[str] = ()) -> gpd.GeoDataFrame:
    """Return a point for every point or polygon feature of several layers, for routing.

    Parameters
    ----------
    frames : mapping of str to GeoDataFrame
        Layer name → its features (any CRS).
    crs : optional
        Metric CRS in which polygons get their representative point;
        :data:`geo.settings.metric_crs` by default.
    columns : iterable of str
        More columns to keep (missing in a layer: empty).

    Returns
    -------
    GeoDataFrame
        Columns ``layer``, ``name`` (``""`` when the layer has none), ``columns`` and the
        point, in the metric CRS, indexed ``"<layer>:<row>"`` (row = position in its layer,
        from 0). Line features and rows without geometry are left out.
    """
    columns = list(columns)
    metric, problems = _validate.metric_crs(_setting(crs, settings.metric_crs),
                                            list(frames.values()))
    _validate.raise_problems(problems)
    out = []
    for layer, gdf in frames.items():
        if not len(gdf) or gdf.crs is None:
            continue
        index = np.array([f"{layer}:{i}" for i in range(len(gdf))], dtype=object)
        names = (gdf["name"].astype(object).where(gdf["name"].notna(), "").astype(str)
                 .to_numpy() if "name" in gdf.columns else np.full(len(gdf), ""))
        geoms = gdf.geometry.to_crs(metric).to_numpy()
        keep = (~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
                & np.isin(shapely.get_type_id(geoms), [0, 3, 4, 6]))
        if keep.any():
            pts = representative_points(gpd.GeoSeries(geoms[keep], crs=metric))
            more = {c: (gdf[c].to_numpy()[keep] if c in gdf.columns else None)
                    for c in columns}
            out.append(gpd.GeoDataFrame({"layer": layer, "name": names[keep], **more},
                                        geometry=pts.to_numpy(), crs=metric,
                                        index=index[keep]))
    if not out:
        return gpd.GeoDataFrame({"layer": [], "name": [], **{c: [] for c in columns}},
                                geometry=[], crs=metric)
    return gpd.GeoDataFrame(pd.concat(out), geometry="geometry", crs=metric)


def find_feature(features: gpd.GeoDataFrame, ident: str) -> Hashable:
    """Return the label of the feature named by ``ident`` in :func:`feature_points` output.

    Parameters
    ----------
    features : GeoDataFrame
        From :func:`feature_points`.
    ident : str
        ``"<layer>:<row>"`` or the feature's ``name``, unique across the layers (compared
        without case; then without accents too).

    Returns
    -------
    hashable
        The label.

    Raises
    ------
    AnalysisInputError
        If no feature or several features match.
    """
    if ident in features.index:
        return ident
    names = features["name"].astype(str)
    for key in (str.casefold, _plain):
        hits = features.index[names.map(key) == key(ident)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            raise AnalysisInputError(Problem("feature_ambiguous", ident=ident, count=len(hits),
                                             ids=_show(list(hits))))
    example = features.index[0] if len(features) else "Layer name:0"
    raise AnalysisInputError(Problem("feature_unknown", ident=ident, example=example))


def representative_points(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return points as they are and every other shape's representative point.

    The representative point (GEOS ``PointOnSurface``) lies inside the polygon, unlike a
    centroid. Compute it in a metric CRS.

    Parameters
    ----------
    geoms : GeoSeries
        Geometries.

    Returns
    -------
    GeoSeries
        Points, index-aligned, in the same CRS.
    """
    arr = geoms.to_numpy()
    is_point = shapely.get_type_id(arr) == 0
    pts = np.where(is_point, arr, shapely.point_on_surface(arr))
    return gpd.GeoSeries(pts, index=geoms.index, crs=geoms.crs)


# --- helpers -------------------------------------------------------------------------------


class _Parts:
    """The single-part lines of a frame with their coordinates, in metres."""

    def __init__(self, coords: list[np.ndarray], sources: list[Hashable], part_no: list[int],
                 classes: list[str]) -> None:
        self.coords, self.sources, self.part_no, self.classes = (coords, sources, part_no,
                                                                 classes)
        self.geoms = np.array([shapely.LineString(xy) for xy in coords], dtype=object)

    @classmethod
    def of(cls, lines: gpd.GeoDataFrame, class_col: str, metric: object) -> _Parts:
        geoms = lines.geometry.to_crs(metric).to_numpy()
        parts, rows = shapely.get_parts(geoms, return_index=True)
        part_no = np.arange(len(rows)) - np.searchsorted(rows, rows)
        labels = lines.index.to_numpy()
        col = lines[class_col] if class_col in lines.columns else pd.Series("", lines.index)
        classes = col.astype(object).where(col.notna(), "").astype(str).to_numpy()
        keep = [], [], [], []
        for part, row, no in zip(parts, rows, part_no, strict=True):
            xy = _dedupe(shapely.get_coordinates(part))
            if len(xy) >= 2:
                for store, value in zip(keep, (xy, labels[row], int(no), classes[row]),
                                        strict=True):
                    store.append(value)
        return cls(*keep)

    def pieces(self, tol: float, *, split_crossings: bool) -> _Pieces:
        """Split every part at its junctions and merge junctions within ``tol``."""
        inserts = self._snap_inserts(tol)
        if split_crossings:
            inserts += self._crossing_inserts()
        flagged = self._flag(inserts)
        return _Pieces.build(self, flagged, tol)

    def _snap_inserts(self, tol: float) -> list[tuple[int, float]]:
        """Positions (part, metres along) where a line end within ``tol`` meets a line."""
        if not len(self.geoms):
            return []
        ends = shapely.points(np.array([xy[i] for xy in self.coords for i in (0, -1)]))
        owner = np.repeat(np.arange(len(self.coords)), 2)
        tree = shapely.STRtree(self.geoms)
        e, p = tree.query(ends, predicate="dwithin", distance=tol)
        other = owner[e] != p
        e, p = e[other], p[other]
        along = shapely.line_locate_point(self.geoms[p], ends[e])
        return list(zip(p.tolist(), along.tolist(), strict=True))

    def _crossing_inserts(self) -> list[tuple[int, float]]:
        """Positions where two parts cross (or touch) without a shared vertex."""
        tree = shapely.STRtree(self.geoms)
        a, b = tree.query(self.geoms, predicate="intersects")
        a, b = a[a < b], b[a < b]
        out = []
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            where = shapely.intersection(self.geoms[i], self.geoms[j])
            pts = shapely.get_coordinates(shapely.boundary(where) if where.geom_type in
                                          ("LineString", "MultiLineString") else where)
            for pt in shapely.points(pts):
                out += [(i, self.geoms[i].project(pt)), (j, self.geoms[j].project(pt))]
        return out

    def _flag(self, inserts: list[tuple[int, float]]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Return each part's coordinates with the inserted points and its junction flags."""
        by_part: dict[int, list[float]] = {}
        for part, along in inserts:
            by_part.setdefault(part, []).append(along)
        allxy = np.vstack(self.coords)
        _, inverse, counts = np.unique(allxy, axis=0, return_inverse=True, return_counts=True)
        shared = np.split(counts[inverse.ravel()] >= 2, np.cumsum([len(c) for c in
                                                                   self.coords])[:-1])
        out = []
        for i, xy in enumerate(self.coords):
            flags = shared[i].copy()
            flags[[0, -1]] = True
            xy, flags = _insert(xy, flags, self.geoms[i], by_part.get(i, []))
            out.append((xy, flags))
        return out


@dataclass
class _Pieces:
    """Nodes ``{id: (x, y)}`` and edges ``(u, v, attrs)`` of the split lines."""

    nodes: dict[int, tuple[float, float]]
    edges: list[tuple[int, int, dict]]

    @classmethod
    def build(cls, parts: _Parts, flagged: list[tuple[np.ndarray, np.ndarray]],
              tol: float) -> _Pieces:
        keys, weights = [], []
        for xy, flags in flagged:
            idx = np.flatnonzero(flags)
            keys.append(xy[idx])
            w = np.full(len(idx), 2.0)
            w[[0, -1]] = 1.0  # an end is crossed by one line, an inner junction by two
            weights.append(w)
        unique, inverse = np.unique(np.vstack(keys), axis=0, return_inverse=True)
        weight = np.bincount(inverse.ravel(), weights=np.concatenate(weights))
        label, rep = _cluster(unique, weight, tol)
        lookup = {tuple(p): int(label[k]) for k, p in enumerate(unique)}
        nodes = {int(n): (float(unique[k][0]), float(unique[k][1])) for n, k in rep.items()}
        edges = []
        for i, (xy, flags) in enumerate(flagged):
            idx = np.flatnonzero(flags)
            for piece, (a, b) in enumerate(zip(idx[:-1], idx[1:], strict=True)):
                u, v = lookup[tuple(xy[a])], lookup[tuple(xy[b])]
                seg = xy[a:b + 1].copy()
                seg[0], seg[-1] = nodes[u], nodes[v]
                seg = _dedupe(seg)
                geom = shapely.LineString(seg) if len(seg) >= 2 else None
                if geom is None or (u == v and geom.length <= 2 * tol):
                    continue  # collapsed into one junction
                edges.append((u, v, {
                    "segment_id": f"{parts.sources[i]}/{parts.part_no[i]}/{piece}",
                    "source": parts.sources[i], "class": parts.classes[i],
                    "length_m": geom.length, "geometry": geom}))
        return cls(nodes, edges)


def _insert(xy: np.ndarray, flags: np.ndarray, geom: shapely.LineString,
            along: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """Flag (or insert, then flag) the points at the given distances along a part."""
    if not along:
        return xy, flags
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    new_pos, new_xy = [], []
    for d in np.unique(np.clip(along, 0.0, cum[-1])):
        k = int(np.searchsorted(cum, d))  # first vertex at or beyond d
        if k < len(cum) and cum[k] - d <= _EPS:
            flags[k] = True
        elif d - cum[k - 1] <= _EPS:
            flags[k - 1] = True
        else:
            pt = shapely.line_interpolate_point(geom, d)
            new_pos.append(k)
            new_xy.append((pt.x, pt.y))
    if new_pos:
        xy = np.insert(xy, new_pos, np.array(new_xy), axis=0)
        flags = np.insert(flags, new_pos, True)
    return xy, flags


def _cluster(points: np.ndarray, weight: np.ndarray, tol: float
             ) -> tuple[np.ndarray, dict[int, int]]:
    """Group points within ``tol`` of each other; return labels and each group's point."""
    n = len(points)
    if tol > 0:
        geoms = shapely.points(points)
        a, b = shapely.STRtree(geoms).query(geoms, predicate="dwithin", distance=tol)
    else:
        a = b = np.arange(n)
    matrix = coo_array((np.ones(len(a)), (a, b)), shape=(n, n))
    _, label = connected_components(matrix, directed=False)
    order = np.lexsort((np.arange(n), -weight, label))  # heaviest point first in each group
    first = order[np.r_[True, label[order][1:] != label[order][:-1]]]
    return label, {int(label[k]): int(k) for k in first}


def _access_nodes(G: nx.MultiGraph, pts: np.ndarray) -> list[tuple[Hashable, tuple]]:
    """Split the nearest edge of every point there; return each point's access node and xy."""
    edges = [e for e in G.edges(keys=True, data=True) if e[3]["class"] != CONNECTOR]
    geoms = np.array([d["geometry"] for *_, d in edges], dtype=object)
    _, nearest = shapely.STRtree(geoms).query_nearest(pts, all_matches=False)
    along = shapely.line_locate_point(geoms[nearest], pts)
    out: list[tuple[Hashable, tuple] | None] = [None] * len(pts)
    for e in np.unique(nearest):
        which = np.flatnonzero(nearest == e)
        nodes = _split_edge(G, edges[e], along[which])
        for k in which:
            out[k] = nodes[float(along[k])]
    return out  # type: ignore[return-value]


def _split_edge(G: nx.MultiGraph, edge: tuple, along: np.ndarray
                ) -> dict[float, tuple[Hashable, tuple]]:
    """Split one edge at the given distances along its geometry; return the node at each."""
    u, v, key, data = edge
    geom = data["geometry"]
    start, end = _oriented_ends(G, u, v, geom)
    xy = np.asarray(geom.coords)
    length = geom.length
    result: dict[float, tuple[Hashable, tuple]] = {}
    cuts = []
    for d in np.unique(along):
        if d <= _EPS:
            result[float(d)] = (start, tuple(xy[0]))
        elif d >= length - _EPS:
            result[float(d)] = (end, tuple(xy[-1]))
        else:
            cuts.append(float(d))
    if not cuts:
        return result
    flags = np.zeros(len(xy), dtype=bool)
    flags[[0, -1]] = True
    xy, flags = _insert(xy, flags, geom, cuts)
    idx = np.flatnonzero(flags)
    chain = [start]
    for pos in idx[1:-1]:
        node = G.graph["next_node"]
        G.graph["next_node"] = node + 1
        G.add_node(node, x=float(xy[pos][0]), y=float(xy[pos][1]), kind="access")
        chain.append(node)
    chain.append(end)
    G.remove_edge(u, v, key)
    speed = data["speed_kmh"]
    for a, b, n1, n2 in zip(idx[:-1], idx[1:], chain[:-1], chain[1:], strict=True):
        piece = shapely.LineString(xy[a:b + 1])
        G.add_edge(n1, n2, **{**data, "geometry": piece, "length_m": piece.length,
                              "time_min": _minutes(piece.length, speed)})
    inner = dict(zip(cuts, zip(chain[1:-1], map(tuple, xy[idx[1:-1]]), strict=True),
                     strict=True))
    return {**result, **inner}


def _oriented_ends(G: nx.MultiGraph, u: Hashable, v: Hashable,
                   geom: shapely.LineString) -> tuple[Hashable, Hashable]:
    """Return (node at the geometry's start, node at its end)."""
    x0, y0 = geom.coords[0]
    du = math.hypot(G.nodes[u]["x"] - x0, G.nodes[u]["y"] - y0)
    dv = math.hypot(G.nodes[v]["x"] - x0, G.nodes[v]["y"] - y0)
    return (u, v) if du <= dv else (v, u)


def _route(G: nx.MultiGraph, nodes: list[Hashable], weight: str) -> Route:
    ids: list[str] = []
    coords: list[np.ndarray] = []
    time = length = conn_m = conn_min = 0.0
    for a, b in zip(nodes[:-1], nodes[1:], strict=True):
        d = min(G[a][b].values(), key=lambda e: e[weight])
        time += d["time_min"]
        length += d["length_m"]
        if d["class"] == CONNECTOR:
            conn_m += d["length_m"]
            conn_min += d["time_min"]
        if not ids or ids[-1] != d["segment_id"]:
            ids.append(d["segment_id"])
        xy = np.asarray(d["geometry"].coords)
        coords.append(xy if _oriented_ends(G, a, b, d["geometry"])[0] == a else xy[::-1])
    xy = _dedupe(np.vstack(coords)) if coords else np.empty((0, 2))
    line = shapely.LineString(xy) if len(xy) >= 2 else shapely.LineString()
    return Route(list(nodes), ids, time, length, conn_m, line, conn_min)


def _dedupe(xy: np.ndarray) -> np.ndarray:
    """Drop repeated consecutive coordinates."""
    if len(xy) < 2:
        return xy
    keep = np.r_[True, np.any(xy[1:] != xy[:-1], axis=1)]
    return xy[keep]


def _speed_table(speeds: Mapping[str, float] | None
                 ) -> tuple[dict[str, float], list[Problem]]:
    table = {**settings.road_speed_kmh, **(speeds or {})}
    problems = [Problem("speed_class_bad", cls=k, value=v) for k, v in table.items()
                if not _positive(v)]
    problems += _speed_problems({"road_default_speed_kmh": settings.road_default_speed_kmh})
    return {k: float(v) for k, v in table.items() if _positive(v)}, problems


def _speed_problems(values: Mapping[str, object]) -> list[Problem]:
    return [Problem("speed_bad", arg=name, value=value)
            for name, value in values.items() if not _positive(value)]


def _positive(value: object) -> bool:
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool) and math.isfinite(value) and value > 0)


def _line_problems(lines: object) -> list[Problem]:
    if not isinstance(lines, gpd.GeoDataFrame):
        return []
    types = lines.geom_type
    bad = types.notna() & ~types.isin(_LINES)
    if not bad.any():
        return []
    return [Problem("lines_not_lines", rows=_show(list(lines.index[bad])),
                    types=", ".join(sorted(set(types[bad]))))]


def _point_series(points: object, role: str) -> tuple[gpd.GeoSeries, list[Problem]]:
    if isinstance(points, gpd.GeoSeries):
        frame = gpd.GeoDataFrame(geometry=points)
    elif isinstance(points, gpd.GeoDataFrame):
        frame = points
    else:
        return gpd.GeoSeries([]), [Problem("points_type", role=role, type=type(points).__name__)]
    problems = [p for p in _validate.frame_problems(frame, role) if p.key != "frame_invalid"]
    return frame.geometry, problems


def _node_problems(G: nx.MultiGraph, nodes: Iterable[Hashable]) -> list[Problem]:
    missing = [n for n in nodes if n not in G]
    if not missing:
        return []
    return [Problem("nodes_not_in_network", nodes=_show(missing))]


def _is_road(cls: str, table: Mapping[str, float]) -> bool:
    low = cls.casefold()
    return cls in table or ("road" in low and "rail" not in low)


def _minutes(length_m: float, speed_kmh: float) -> float:
    return float(length_m) / 1000.0 / float(speed_kmh) * 60.0


def _plain(text: str) -> str:
    """Lower case without accents (``"Đồng Đăng"`` → ``"dong dang"``)."""
    text = text.casefold().replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def _text(value: object) -> str:
    """Return a value as text: ``""`` for None or NaN, ``"30"`` for 30.0."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _setting(value: object, default: object) -> object:
    return default if value is None else value


def _show(items: list) -> str | Problem:
    return _validate.labels(items)
