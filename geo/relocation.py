"""Relocation (di chuyển) of designated enterprises (động viên công nghiệp) to relocation sites.

Each designated enterprise is assigned to at most one relocation site so that the total
road travel time is least, subject to:

* **capacity**: the workforce sent to a site is at most its ``capacity`` (workers) and/or
  the floor area needed is at most its ``usable_area_m2``
  (:data:`geo.settings.relocation_capacity_by`);
* **depth**: the site lies at least :data:`geo.settings.relocation_min_depth_km` behind
  the border (shortest distance from the site to the border line);
* **hazard**: the site touches no hazard zone (flood, landslide);
* **requirements**: an enterprise that ``needs_water`` / ``needs_power`` goes only to a site
  whose ``water`` / ``power`` is yes (:func:`geo.mobilization.requirements`; no such
  columns, no requirement);
* **maximum travel time**: :data:`geo.settings.relocation_max_travel_min`.

The optimisation
----------------
An enterprise cannot be split between sites and its demand (workers, m²) is not 1, so
this is a *generalized assignment problem* (NP-hard): a min-cost flow would split an
enterprise's workforce between sites, and is exact only for one capacity dimension with
unit demands. It is solved exactly as an integer programme by :func:`scipy.optimize.milp`
(HiGHS), lexicographically:

1. maximise the number of enterprises placed (so that when not everyone fits, as many as
   possible are placed rather than none);
2. with that number fixed, minimise the total travel time.

Two stages rather than one objective with a big penalty per unplaced enterprise keep the
solver's optimality gap meaningful for the travel time; both are solved to a zero gap
(proven optimal) unless :data:`geo.settings.relocation_time_limit_s` is reached. Each stage
runs on the ``k`` fastest allowed sites of each enterprise
(:data:`geo.settings.relocation_candidates`), grown by LP pricing until the plan is proven
optimal for **every** allowed pair, or its bound is proven against them
(:mod:`geo.assignment` gives the argument). On the demo (30 enterprises × 40 sites) a plan
takes well under a second; 1,000 enterprises × 2,000 sites on a 100,000-segment network a
few seconds (``bench/run.py --only relocation-large``). :func:`solve_assignment` works on
a plain time matrix; :func:`plan_relocation` adds the criteria, reasons and tables;
:func:`relocate` gets the times and routes from the road network: scipy's Dijkstra
searched outward from each enterprise only as far as the solver needs
(:class:`geo.travel_matrix.OutwardTimes`), the route of each placed enterprise walked back
from the same search; optionally with cut road segments or bridges.
:func:`compare_plans` lists what a cut changed.

Unplaced enterprises get a reason (:data:`REASONS`); every enterprise gets the
constraints that kept it from a faster site (``binding``, see :data:`BINDING`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, mobilization, network, settings, travel_matrix
from geo.assignment import Assignment as Assignment
from geo.assignment import KnownTimes, PairTimes, solve_pairs
from geo.assignment import _milp as _milp
from geo.assignment import solve_assignment as solve_assignment
from geo.errors import AnalysisInputError, Problem
from geo.hazards import route_hazards

if TYPE_CHECKING:
    import networkx as nx

REASONS: dict[str, str] = {
    "no_eligible_site": "no relocation site passes the depth and hazard criteria",
    **mobilization.REQUIREMENT_REASONS,
    "not_connected": "no eligible site can be reached on the road network",
    "max_time": "no eligible site within the maximum travel time",
    "capacity": "every eligible site within the maximum travel time is full or too small",
}
"""Why an enterprise is unplaced, by code (checked in this order)."""

BINDING: tuple[str, ...] = ("depth", "hazard", "water_power", "max_time", "capacity")
"""Constraints that can keep an enterprise from a faster site, in the order listed.

A site faster than the one chosen (any reachable site when unplaced) was ruled out by:
``"depth"`` it lies too close to the border; ``"hazard"`` it touches a hazard zone;
``"water_power"`` it lacks the water or power the enterprise requires
(:mod:`geo.mobilization`); ``"max_time"`` it passes those but is farther than the maximum
travel time; ``"capacity"`` it passes every criterion but is full (or too small for the
enterprise).
"""

CAPACITY_BY: tuple[str, ...] = ("both", "workforce", "area")
"""Values of :data:`geo.settings.relocation_capacity_by`."""

DIMENSIONS: dict[str, tuple[str, str]] = {
    "workforce": ("workforce", "capacity"),
    "area": ("floor_area_m2", "usable_area_m2"),
}
"""Capacity dimensions: (enterprise demand column, site capacity column)."""

ENTERPRISE_COLUMNS: tuple[str, ...] = (
    "enterprise", "name", "site", "site_name", "reason", "travel_min", "distance_km",
    "site_depth_km", "workforce", "floor_area_m2", "binding",
)
"""Columns of :attr:`RelocationPlan.enterprises` (before the route geometry)."""

ROUTE_HAZARD_COLUMNS: tuple[str, ...] = ("route_hazard_m", "route_hazards")
"""Columns :func:`relocate` adds: length of the route in hazard zones (m), their names."""

SITE_COLUMNS: tuple[str, ...] = (
    "site", "name", "capacity", "used", "area_capacity", "area_used", "n_enterprises",
    "depth_km", "in_hazard", "passes_depth", "passes_hazard", "selected",
)
"""Columns of :attr:`RelocationPlan.sites`."""

CHANGE_COLUMNS: tuple[str, ...] = (
    "enterprise", "name", "change", "site_a", "site_b", "travel_min_a", "travel_min_b",
    "delta_min",
)
"""Columns of the table returned by :func:`compare_plans`."""

CHANGES: tuple[str, ...] = ("unplaced", "site", "time", "placed")
"""Kinds of change listed by :func:`compare_plans`: newly unplaced, another site, the same
site at another travel time, newly placed."""

_TIME_TOL = 1e-6  # minutes: times closer than this are equal


@dataclass(frozen=True)
class RelocationPlan:
    """A relocation plan: who goes where, and the site-by-site criteria table.

    Attributes
    ----------
    enterprises : GeoDataFrame
        Index-aligned with the enterprises given, columns :data:`ENTERPRISE_COLUMNS`:
        ``site`` the label of the assigned site (missing when unplaced), ``reason`` a
        key of :data:`REASONS` when unplaced (else missing), ``travel_min`` and
        ``distance_km`` along the route, ``site_depth_km`` the site's distance to the
        border, ``binding`` the :data:`BINDING` constraints joined by ``","`` (empty
        when the enterprise got its fastest site). The geometry is the route (missing
        when unplaced or when no network was used), in the metric CRS.
    sites : DataFrame
        Index-aligned with the sites given, columns :data:`SITE_COLUMNS`: ``capacity``
        and ``used`` in workers, ``area_capacity`` and ``area_used`` in m² (missing
        when the data has no such column), ``in_hazard``, ``passes_depth``,
        ``passes_hazard`` and ``selected`` (some enterprise is assigned to it).
    total_travel_min : float
        Sum of ``travel_min`` over the placed enterprises.
    optimal : bool
        Whether the solver proved the plan optimal.
    min_depth_km : float
        Minimum depth used.
    max_travel_min : float
        Maximum travel time used.
    dimensions : tuple of str
        Capacity dimensions used (keys of :data:`DIMENSIONS`).
    cut : tuple of str
        Road segment ids taken out of the network for this plan.
    bound_min : float
        Proven lower bound of the total travel time (:attr:`Assignment.bound_min`: the
        total itself when optimal, ``-inf`` when not proven).
    """

    enterprises: gpd.GeoDataFrame
    sites: pd.DataFrame
    total_travel_min: float
    optimal: bool
    min_depth_km: float
    max_travel_min: float
    dimensions: tuple[str, ...]
    cut: tuple[str, ...] = field(default=())
    bound_min: float = math.nan

    @property
    def gap(self) -> float:
        """Share by which the total travel time may exceed the best possible (0 if optimal)."""
        if self.optimal or not self.total_travel_min:
            return 0.0
        bound = self.bound_min if math.isfinite(self.bound_min) else 0.0
        return max(0.0, (self.total_travel_min - bound) / self.total_travel_min)

    @property
    def n_placed(self) -> int:
        """Number of enterprises placed."""
        return int(self.enterprises["site"].notna().sum())

    @property
    def unplaced(self) -> pd.DataFrame:
        """The unplaced enterprises with their reasons."""
        e = self.enterprises
        return pd.DataFrame(e.loc[e["site"].isna(), ["enterprise", "name", "reason"]])


def site_criteria(
    sites: gpd.GeoDataFrame,
    border: gpd.GeoDataFrame | gpd.GeoSeries | None,
    hazards: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    *,
    min_depth_km: float | None = None,
    crs: object = None,
) -> pd.DataFrame:
    """Measure the depth and hazard criteria of every relocation site.

    Parameters
    ----------
    sites : GeoDataFrame
        Relocation sites (polygons or points) in any CRS.
    border : GeoDataFrame or GeoSeries, optional
        The border line (or belt polygon); the depth of a site is its shortest distance
        to it. ``None`` or empty: depths are missing and only ``min_depth_km=0`` passes.
    hazards : GeoDataFrame or GeoSeries, optional
        Hazard zones; a site that intersects one is ``in_hazard``.
    min_depth_km : float, optional
        Kilometres; :data:`geo.settings.relocation_min_depth_km` by default.
    crs : optional
        Metric CRS to measure in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    DataFrame
        Index-aligned with ``sites``: ``depth_km`` (float), ``in_hazard``,
        ``passes_depth`` (``depth_km >= min_depth_km``) and ``passes_hazard`` (bool).

    Raises
    ------
    AnalysisInputError
        If an input has no CRS or invalid geometries, ``min_depth_km`` is negative, or
        a positive minimum depth is asked for with no border.
    """
    depth_min = float(_setting(min_depth_km, settings.relocation_min_depth_km))
    problems = _validate.frame_problems(sites, "sites")
    problems += _validate.distance_problems(min_depth_km=depth_min)
    extra = [_as_frame(g) for g in (border, hazards)]
    for frame, role in zip(extra, ("border", "hazards"), strict=True):
        if frame is not None and len(frame):
            problems += [p for p in _validate.frame_problems(frame, role)
                         if "duplicate index" not in p]
    no_border = extra[0] is None or not len(extra[0])
    if no_border and depth_min > 0:
        problems.append(Problem("no_border_depth", depth=depth_min))
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [sites])
    _validate.raise_problems(problems + more)
    out = pd.DataFrame(index=sites.index)
    if metric is None:  # no sites
        return out.assign(depth_km=pd.Series(dtype=float), in_hazard=pd.Series(dtype=bool),
                          passes_depth=pd.Series(dtype=bool),
                          passes_hazard=pd.Series(dtype=bool))
    geoms = sites.geometry.to_crs(metric).to_numpy()
    if no_border:
        depth = np.full(len(geoms), np.nan)
    else:
        line = shapely.union_all(extra[0].geometry.to_crs(metric).to_numpy())
        depth = shapely.distance(geoms, line) / 1000.0
    in_hazard = np.zeros(len(geoms), dtype=bool)
    if extra[1] is not None and len(extra[1]):
        zones = extra[1].geometry.to_crs(metric)
        hit, _ = zones.sindex.query(geoms, predicate="intersects")
        in_hazard[np.unique(hit)] = True
    out["depth_km"] = depth
    out["in_hazard"] = in_hazard
    out["passes_depth"] = (depth >= depth_min) if not no_border else np.full(len(geoms), True)
    out["passes_hazard"] = ~in_hazard
    return out


def plan_relocation(
    enterprises: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    times: pd.DataFrame,
    criteria: pd.DataFrame,
    *,
    max_travel_min: float | None = None,
    capacity_by: str | None = None,
    min_depth_km: float | None = None,
    time_limit_s: float | None = None,
) -> RelocationPlan:
    """Plan the relocation from a travel-time matrix and the site criteria.

    Parameters
    ----------
    enterprises : GeoDataFrame
        Designated enterprises with ``workforce`` and/or ``floor_area_m2`` (and
        optionally ``name``).
    sites : GeoDataFrame
        Relocation sites with ``capacity`` and/or ``usable_area_m2`` (and ``name``).
    times : DataFrame
        Travel minutes, index = enterprise labels, columns = site labels; ``NaN`` where
        a site cannot be reached.
    criteria : DataFrame
        :func:`site_criteria` of ``sites``.
    max_travel_min : float, optional
        Minutes; :data:`geo.settings.relocation_max_travel_min` by default.
    capacity_by : {"both", "workforce", "area"}, optional
        Capacity dimensions; :data:`geo.settings.relocation_capacity_by` by default.
        ``"both"`` uses each dimension whose columns both inputs have.
    min_depth_km : float, optional
        Recorded in the plan (the criteria were measured with it);
        :data:`geo.settings.relocation_min_depth_km` by default.
    time_limit_s : float, optional
        Solver time limit per stage (:func:`solve_assignment`); when it is hit the plan
        is the best found, ``optimal`` is ``False`` and ``bound_min`` says how far from
        the best it can be.

    Returns
    -------
    RelocationPlan
        Without routes (``distance_km`` missing, no geometry): :func:`relocate` adds
        them from the road network.

    Raises
    ------
    AnalysisInputError
        If a column needed is missing or has missing or negative values, ``times`` or
        ``criteria`` do not cover the inputs, or ``max_travel_min`` is negative.
    """
    opts, problems = _options(enterprises, sites, max_travel_min, capacity_by, min_depth_km)
    problems += _cover_problems(enterprises, sites, times, criteria)
    _validate.raise_problems(problems)
    t = times.reindex(index=enterprises.index, columns=sites.index).to_numpy(dtype=float)
    return _plan(enterprises, sites, KnownTimes(t), criteria, opts, time_limit_s)[0]


def relocate(
    enterprises: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    border: gpd.GeoDataFrame | gpd.GeoSeries | None,
    graph: nx.MultiGraph,
    hazards: gpd.GeoDataFrame | gpd.GeoSeries | None = None,
    *,
    cut: Iterable[str] = (),
    min_depth_km: float | None = None,
    max_travel_min: float | None = None,
    capacity_by: str | None = None,
    time_limit_s: float | None = None,
) -> RelocationPlan:
    """Plan the relocation on the road network, with routes.

    The enterprises and sites are joined to the network by
    :func:`geo.network.connect_points`: every feature from its representative point
    (:func:`geo.network.representative_points`: a point as it is, a polygon from a point
    inside it), by a straight off-road connector to the nearest road, the one access rule
    of routes, service areas and chokepoints; travel times are the shortest times on the
    network, connectors included; the route of every placed enterprise is its
    :func:`geo.network.shortest_route`. Cut segments are removed first, then the points
    are joined, so a point whose road is cut is joined to the nearest road left (the whole
    segment is taken as impassable, wherever along it the cut is).

    The graph is not copied: it is turned into arrays once and kept
    (:func:`geo.travel_matrix.road_table`), the points joined to the arrays exactly as
    :func:`~geo.network.connect_points` would join them, and the times found by scipy's
    Dijkstra, searched outward from each enterprise only as far as the solver needs
    (:class:`geo.travel_matrix.OutwardTimes`; from the sites when they are fewer or the
    problem small); each route is walked back from the search that timed it.

    Parameters
    ----------
    enterprises : GeoDataFrame
        Designated enterprises (points) in any CRS.
    sites : GeoDataFrame
        Relocation sites (polygons or points) in any CRS.
    border : GeoDataFrame or GeoSeries, optional
        The border, see :func:`site_criteria`.
    graph : networkx.MultiGraph
        The road network from :func:`geo.network.build_graph` (not changed).
    hazards : GeoDataFrame or GeoSeries, optional
        Hazard zones.
    cut : iterable of str
        ``segment_id`` of road segments or bridges to take out
        (:func:`geo.network.edges_frame` lists them).
    min_depth_km, max_travel_min : float, optional
        See :func:`site_criteria` and :func:`plan_relocation`.
    capacity_by : {"both", "workforce", "area"}, optional
        See :func:`plan_relocation`.
    time_limit_s : float, optional
        Solver time limit per stage, see :func:`plan_relocation`.

    Returns
    -------
    RelocationPlan
        With ``distance_km``, :data:`ROUTE_HAZARD_COLUMNS` (``route_hazard_m`` the length
        of the route inside hazard zones, ``route_hazards`` their names; 0 and ``""`` for
        a route clear of them or an unplaced enterprise) and the route geometry (metric
        CRS of the graph).

    Raises
    ------
    AnalysisInputError
        On bad inputs (see :func:`site_criteria`, :func:`plan_relocation`) or an
        unknown segment id in ``cut``.
    """
    cut = tuple(dict.fromkeys(str(c) for c in cut))
    metric = graph.graph.get("crs") or settings.metric_crs
    criteria = site_criteria(sites, border, hazards, min_depth_km=min_depth_km, crs=metric)
    _validate.raise_problems(_validate.frame_problems(enterprises, "enterprises"))
    roads = travel_matrix.road_table(graph)
    roads = roads.without(cut) if cut else roads
    if not len(roads.u):
        raise AnalysisInputError(Problem("network_no_segments"))
    roads, e_nodes = roads.join(network.representative_points(enterprises.geometry.to_crs(
        metric)), prefix="enterprise")
    roads, s_nodes = roads.join(network.representative_points(sites.geometry.to_crs(metric)),
                                prefix="site")
    opts, problems = _options(enterprises, sites, max_travel_min, capacity_by, min_depth_km)
    _validate.raise_problems(problems)
    times = travel_matrix.OutwardTimes(
        travel_matrix.Router(roads), np.array([e_nodes[k] for k in enterprises.index]),
        np.array([s_nodes[k] for k in sites.index]), limit=opts.max_travel_min + _TIME_TOL,
        from_destinations=_from_sites(enterprises, criteria))
    plan, site = _plan(enterprises, sites, times, criteria, opts, time_limit_s)
    table = _route_hazards(_with_routes(plan.enterprises, site, times, metric), hazards,
                           metric)
    return RelocationPlan(table, plan.sites, float(np.nansum(table["travel_min"])),
                          plan.optimal, plan.min_depth_km, plan.max_travel_min,
                          plan.dimensions, cut, plan.bound_min)


def compare_plans(a: RelocationPlan, b: RelocationPlan) -> pd.DataFrame:
    """List the enterprises whose site or travel time differs between two plans.

    Parameters
    ----------
    a, b : RelocationPlan
        Plan A (e.g. the intact network) and plan B (e.g. with segments cut), of the
        same enterprises.

    Returns
    -------
    DataFrame
        Columns :data:`CHANGE_COLUMNS`, one row per changed enterprise (order of plan
        A): ``change`` is one of :data:`CHANGES`; ``delta_min`` is B minus A (missing
        when either is unplaced).

    Raises
    ------
    AnalysisInputError
        If the plans are not of the same enterprises.
    """
    ea, eb = a.enterprises, b.enterprises
    if not ea.index.equals(eb.index):
        raise AnalysisInputError(Problem("plans_differ"))
    ta, tb = ea["travel_min"].to_numpy(float), eb["travel_min"].to_numpy(float)
    sa, sb = ea["site"].to_numpy(object), eb["site"].to_numpy(object)
    in_a, in_b = ea["site"].notna().to_numpy(), eb["site"].notna().to_numpy()
    moved = in_a & in_b & (sa != sb)
    slower = in_a & in_b & ~moved & (np.abs(tb - ta) > _TIME_TOL)
    kind = np.select([in_a & ~in_b, moved, slower, ~in_a & in_b], list(CHANGES), default="")
    keep = kind != ""
    out = pd.DataFrame({
        "enterprise": ea["enterprise"].to_numpy(object)[keep],
        "name": ea["name"].to_numpy(object)[keep],
        "change": kind[keep],
        "site_a": pd.Series(sa[keep], dtype=object),
        "site_b": pd.Series(sb[keep], dtype=object),
        "travel_min_a": ta[keep], "travel_min_b": tb[keep],
        "delta_min": (tb - ta)[keep],
    }, columns=list(CHANGE_COLUMNS))
    return out.astype({"change": "str", "name": "str"}).reset_index(drop=True)


def segments_table(
    graph: nx.MultiGraph,
    plan: RelocationPlan | None = None,
    *,
    names: Mapping[Hashable, str] | pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """List the road segments that can be cut, with the enterprises routed over each.

    Parameters
    ----------
    graph : networkx.MultiGraph
        The road network given to :func:`relocate`.
    plan : RelocationPlan, optional
        A plan on that network: fills ``used_by``.
    names : mapping or Series, optional
        Road name by row label of the lines the graph was built from (the ``source`` of
        each segment), e.g. the ``name`` column of :func:`geo.network.network_lines`.

    Returns
    -------
    GeoDataFrame
        Columns ``segment_id``, ``class``, ``name``, ``length_m``, ``time_min``,
        ``n_used`` and ``used_by`` (enterprise labels joined by ``","``), the segment
        lines in the metric CRS; the segments most used first, then by id.
    """
    edges = network.edges_frame(graph)
    edges = edges[edges["class"].astype(str) != "connector"].reset_index(drop=True)
    source = edges["source"].astype(str)
    lookup = {str(k): v for k, v in dict(names if names is not None else {}).items()}
    used = [[] for _ in range(len(edges))]
    if plan is not None and len(edges):
        routes = plan.enterprises.geometry.to_crs(edges.crs)
        for label, route in routes.items():
            if route is None or route.is_empty:
                continue
            near = shapely.buffer(route, 1.0)
            hits = edges.sindex.query(near, predicate="intersects")
            segs = edges.geometry.to_numpy()[hits]
            overlap = shapely.length(shapely.intersection(segs, near))
            for h in hits[overlap > np.minimum(5.0, 0.5 * shapely.length(segs))]:
                used[h].append(str(label))
    out = gpd.GeoDataFrame({
        "segment_id": edges["segment_id"].astype(str),
        "class": edges["class"].astype(str),
        "name": source.map(lookup).astype("str"),
        "length_m": edges["length_m"].astype(float),
        "time_min": edges["time_min"].astype(float),
        "n_used": [len(u) for u in used],
        "used_by": [",".join(u) for u in used],
    }, geometry=edges.geometry.to_numpy(), crs=edges.crs)
    return out.sort_values(["n_used", "segment_id"], ascending=[False, True],
                           kind="stable").reset_index(drop=True)


def index_by(frame: gpd.GeoDataFrame, column: str = "code") -> gpd.GeoDataFrame:
    """Return ``frame`` indexed by ``column`` when its values are unique and complete.

    Readable labels (``DN-01``, ``DDDC-07``) in results instead of row numbers;
    ``frame`` unchanged when the column is missing, has gaps or repeats.

    Parameters
    ----------
    frame : GeoDataFrame
        A layer.
    column : str
        The code column.

    Returns
    -------
    GeoDataFrame
        Indexed by the codes (as text), or ``frame`` itself.
    """
    if column not in frame.columns:
        return frame
    codes = frame[column]
    if codes.isna().any() or not codes.is_unique or (codes.astype(str).str.strip() == "").any():
        return frame
    return frame.set_index(pd.Index(codes.astype(str).to_numpy(), name=None))


# --- helpers ---------------------------------------------------------------------------------


def _setting(value: object, default: object) -> object:
    return default if value is None else value


def _as_frame(geoms: gpd.GeoDataFrame | gpd.GeoSeries | None) -> gpd.GeoDataFrame | None:
    if geoms is None or isinstance(geoms, gpd.GeoDataFrame):
        return geoms
    if isinstance(geoms, gpd.GeoSeries):
        return gpd.GeoDataFrame(geometry=geoms)
    return geoms  # frame_problems reports the wrong type


@dataclass(frozen=True)
class _Options:
    max_travel_min: float
    min_depth_km: float
    dimensions: tuple[str, ...]


def _options(enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, max_travel_min: object,
             capacity_by: object, min_depth_km: object) -> tuple[_Options, list[Problem]]:
    """Read the options (settings by default) and check them against the inputs."""
    limit = float(_setting(max_travel_min, settings.relocation_max_travel_min))
    by = _setting(capacity_by, settings.relocation_capacity_by)
    depth_min = float(_setting(min_depth_km, settings.relocation_min_depth_km))
    dims, problems = _dimensions(enterprises, sites, by)
    problems += _validate.distance_problems(max_travel_min=limit)
    problems += mobilization.requirement_problems(enterprises, sites)
    return _Options(limit, depth_min, dims), problems


def _plan(enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, times: PairTimes,
          criteria: pd.DataFrame, opts: _Options, time_limit_s: float | None
          ) -> tuple[RelocationPlan, np.ndarray]:
    """Solve, then tabulate; return the plan and each enterprise's site position (-1)."""
    criteria = criteria.reindex(sites.index)
    eligible = (criteria["passes_depth"] & criteria["passes_hazard"]).to_numpy(dtype=bool)
    dims = opts.dimensions
    demands = np.column_stack([enterprises[DIMENSIONS[d][0]].to_numpy(dtype=float)
                               for d in dims]) if dims else np.zeros((len(enterprises), 0))
    caps = np.column_stack([sites[DIMENSIONS[d][1]].to_numpy(dtype=float)
                            for d in dims]) if dims else np.zeros((len(sites), 0))
    needs, has = mobilization.requirements(enterprises, sites)
    demands, caps = _with_requirements(demands, caps, needs, has)
    solution = solve_pairs(times, eligible, demands, caps, max_min=opts.max_travel_min,
                           time_limit_s=time_limit_s, milp=_solve)
    times.widen(np.flatnonzero((solution.site < 0) & ~times.complete))  # for the reasons
    limit = opts.max_travel_min
    ent = _enterprise_table(enterprises, sites, times.times, solution.site, eligible,
                            criteria, limit, (needs, has))
    site_table = _site_table(sites, enterprises, solution.site, criteria)
    plan = RelocationPlan(ent, site_table, float(np.nansum(ent["travel_min"])),
                          solution.optimal, opts.min_depth_km, limit, dims,
                          bound_min=solution.bound_min)
    return plan, solution.site


def _with_requirements(demands: np.ndarray, caps: np.ndarray, needs: np.ndarray,
                       has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add one capacity dimension per utility some enterprise needs.

    Demand 1 where the enterprise needs it; capacity 0 where the site lacks it, else the
    number of enterprises (never binding): the solver's rule that a demand must fit the
    site alone then forbids exactly the pairs where the site lacks what is needed.
    """
    used = needs.any(axis=0)
    if not used.any():
        return demands, caps
    room = np.where(has[:, used], float(len(needs) + 1), 0.0)
    return (np.column_stack([demands, needs[:, used].astype(float)]),
            np.column_stack([caps, room]))


def _solve(cost: np.ndarray, constraints: list, limit: float, **gap: float) -> object:
    """Run one MILP through this module's ``_milp`` (looked up now: a caller may time it)."""
    return _milp(cost, constraints, limit, **gap)


def _from_sites(enterprises: gpd.GeoDataFrame, criteria: pd.DataFrame) -> bool:
    """Return whether to search every pair from the sites (not outward from enterprises).

    From the sites when they are fewer, or when the solver takes every pair anyway
    (:data:`geo.settings.relocation_all_pairs_up_to`): the minutes are then added from the
    site, as ever, and a small plan is the same to the last bit.
    """
    eligible = int((criteria["passes_depth"] & criteria["passes_hazard"]).sum())
    return (len(criteria) < len(enterprises)
            or len(enterprises) * eligible <= settings.relocation_all_pairs_up_to)


def _with_routes(table: gpd.GeoDataFrame, site: np.ndarray,
                 times: travel_matrix.OutwardTimes, metric: object) -> gpd.GeoDataFrame:
    """Add each placed enterprise's route (from its search): geometry, distance, time."""
    geoms = np.full(len(table), None, dtype=object)
    dist = np.full(len(table), np.nan)
    minutes = table["travel_min"].to_numpy(float).copy()
    for pos in np.flatnonzero(site >= 0).tolist():
        route = times.route(pos, int(site[pos]))
        geoms[pos], dist[pos], minutes[pos] = (route.geometry, route.length_m / 1000.0,
                                               route.time_min)
    out = pd.DataFrame(table.drop(columns=table.geometry.name))
    out["distance_km"] = dist
    out["travel_min"] = minutes
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geoms, index=out.index, crs=metric))


def _dimensions(enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, by: object
                ) -> tuple[tuple[str, ...], list[str]]:
    """Choose the capacity dimensions and check their columns."""
    if by not in CAPACITY_BY:
        return (), [Problem("capacity_by_bad", choices=", ".join(CAPACITY_BY), value=by)]
    wanted = tuple(DIMENSIONS) if by == "both" else (by,)
    have = tuple(d for d in wanted if DIMENSIONS[d][0] in enterprises.columns
                 and DIMENSIONS[d][1] in sites.columns)
    if not have:
        needs = [Problem("capacity_need", enterprise=DIMENSIONS[d][0], site=DIMENSIONS[d][1])
                 for d in wanted]
        need = needs[0]
        for more in needs[1:]:
            need = Problem("pair_and", first=need, second=more)
        return (), [Problem("capacity_columns_missing", by=by, need=need)]
    problems = []
    for d in have:
        for frame, col, role in ((enterprises, DIMENSIONS[d][0], "enterprises"),
                                 (sites, DIMENSIONS[d][1], "sites")):
            values = pd.to_numeric(frame[col], errors="coerce")
            bad = frame.index[values.isna() | (values < 0)]
            if len(bad):
                problems.append(Problem("capacity_values_bad", role=role, column=col,
                                        rows=_validate.labels(bad),
                                        other="area" if d == "workforce" else "workforce"))
    return have, problems


def _cover_problems(enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
                    times: pd.DataFrame, criteria: pd.DataFrame) -> list[str]:
    problems = []
    for role, frame in (("enterprises", enterprises), ("sites", sites)):
        if not frame.index.is_unique:
            problems.append(Problem("frame_duplicate_labels", role=role))
    lost_e = enterprises.index.difference(times.index)
    lost_s = sites.index.difference(times.columns)
    if len(lost_e) or len(lost_s):
        problems.append(Problem("times_missing",
                                enterprises=_validate.labels(lost_e) or Problem("none"),
                                sites=_validate.labels(lost_s) or Problem("none")))
    missing = {"passes_depth", "passes_hazard", "depth_km", "in_hazard"} - set(criteria.columns)
    if missing or len(sites.index.difference(criteria.index)):
        problems.append(Problem("criteria_bad"))
    return problems


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    return frame[column].astype(object).where(frame[column].notna(), None).to_numpy(object)


def _enterprise_table(enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame, t: np.ndarray,
                      site: np.ndarray, eligible: np.ndarray, criteria: pd.DataFrame,
                      limit: float, utilities: tuple[np.ndarray, np.ndarray]
                      ) -> gpd.GeoDataFrame:
    placed = site >= 0
    needs, has = utilities
    ok = mobilization.meets(needs, has)
    rows = np.arange(len(site))
    chosen_t = np.where(placed, t[rows, np.maximum(site, 0)] if t.size else np.nan, np.nan)
    labels = sites.index.to_numpy(object)
    site_names = _text(sites, "name")
    depth = criteria["depth_km"].reindex(sites.index).to_numpy(float)
    pick = np.maximum(site, 0)
    out = pd.DataFrame({
        "enterprise": enterprises.index.to_numpy(object),
        "name": _text(enterprises, "name"),
        "site": pd.Series(np.where(placed, labels[pick] if len(labels) else None, None),
                          index=enterprises.index, dtype=object),
        "site_name": np.where(placed, site_names[pick] if len(labels) else None, None),
        "reason": [None if p else _reason(t[i], eligible, limit, (needs[i], has))
                   for i, p in enumerate(placed)],
        "travel_min": chosen_t,
        "distance_km": np.nan,
        "site_depth_km": np.where(placed, depth[pick] if len(labels) else np.nan, np.nan),
        "workforce": _counts(_numbers(enterprises, "workforce"), (enterprises, "workforce")),
        "floor_area_m2": _numbers(enterprises, "floor_area_m2"),
        "binding": [_binding(t[i], chosen_t[i], criteria, eligible, limit, ok[i])
                    for i in range(len(site))],
    }, index=enterprises.index)
    out = out.astype({"name": "str", "site_name": "str", "reason": "str", "binding": "str"})
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries([None] * len(out), index=out.index,
                                                        crs=enterprises.crs))


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(float)


def _counts(values: np.ndarray, *sources: tuple[pd.DataFrame, str]) -> object:
    """Return ``values`` as integers (nullable) when every source column is integral."""
    integral = all(c in f.columns and pd.api.types.is_integer_dtype(f[c]) for f, c in sources)
    return pd.array(values, dtype="Int64") if integral else values


def _reason(times: np.ndarray, eligible: np.ndarray, limit: float,
            utilities: tuple[np.ndarray, np.ndarray]) -> str:
    """Why an enterprise is unplaced; ``times``: NaN unreachable, inf beyond the limit.

    ``utilities``: what the enterprise needs and what each site has.
    """
    if not eligible.any():
        return "no_eligible_site"
    needs, has = utilities
    served = eligible & mobilization.meets(needs[None, :], has)[0]
    if not served.any():
        return mobilization.lacking_reason(needs, has, eligible)
    eligible = served
    reach = times[eligible]
    if np.isnan(reach).all():
        return "not_connected"
    if not (reach <= limit + _TIME_TOL).any():
        return "max_time"
    return "capacity"


def _binding(times: np.ndarray, chosen: float, criteria: pd.DataFrame, eligible: np.ndarray,
             limit: float, ok: np.ndarray) -> str:
    """Return the constraints that ruled out a site faster than the chosen one.

    Any reached site when unplaced; ``times``: NaN unreachable, inf beyond the limit or
    the search; ``ok``: the sites that have what the enterprise needs.
    """
    reached = ~np.isnan(times)
    bound = reached & (times < chosen - _TIME_TOL) if math.isfinite(chosen) else reached
    found = {
        "depth": (bound & ~criteria["passes_depth"].to_numpy(bool)).any(),
        "hazard": (bound & ~criteria["passes_hazard"].to_numpy(bool)).any(),
        "water_power": (bound & eligible & ~ok).any(),
        "max_time": (bound & eligible & ok & (times > limit + _TIME_TOL)).any(),
        "capacity": (bound & eligible & ok & (times <= limit + _TIME_TOL)).any(),
    }
    return ",".join(k for k in BINDING if found[k])


def _site_table(sites: gpd.GeoDataFrame, enterprises: gpd.GeoDataFrame, site: np.ndarray,
                criteria: pd.DataFrame) -> pd.DataFrame:
    placed = site >= 0
    count = np.bincount(site[placed], minlength=len(sites))

    def load(column: str) -> np.ndarray:
        values = np.nan_to_num(_numbers(enterprises, column))
        return np.bincount(site[placed], weights=values[placed], minlength=len(sites))

    crit = criteria.reindex(sites.index)
    has_w = "workforce" in enterprises.columns
    has_a = "floor_area_m2" in enterprises.columns
    return pd.DataFrame({
        "site": sites.index.to_numpy(object),
        "name": _text(sites, "name"),
        "capacity": _counts(_numbers(sites, "capacity"), (sites, "capacity")),
        "used": _counts(load("workforce"), (enterprises, "workforce")) if has_w else np.nan,
        "area_capacity": _numbers(sites, "usable_area_m2"),
        "area_used": load("floor_area_m2") if has_a else np.nan,
        "n_enterprises": count.astype(int),
        "depth_km": crit["depth_km"].to_numpy(float),
        "in_hazard": crit["in_hazard"].to_numpy(bool),
        "passes_depth": crit["passes_depth"].to_numpy(bool),
        "passes_hazard": crit["passes_hazard"].to_numpy(bool),
        "selected": count > 0,
    }, index=sites.index).astype({"name": "str"})


def _route_hazards(table: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame | gpd.GeoSeries | None,
                   metric: object) -> gpd.GeoDataFrame:
    """Add :data:`ROUTE_HAZARD_COLUMNS`: how much of each route runs through hazard zones."""
    length = pd.Series(0.0, index=table.index)
    names = pd.Series("", index=table.index, dtype="str")
    routed = table[table.geometry.notna() & ~table.geometry.is_empty]
    zones = _as_frame(hazards)
    if zones is not None and len(zones) and len(routed):
        flagged = route_hazards(routed[[routed.geometry.name]], zones, crs=metric)
        length[routed.index] = flagged["hazard_length_m"]
        names[routed.index] = flagged["zones"]
    out = table.copy()
    out.insert(out.columns.get_loc(out.geometry.name), "route_hazard_m", length)
    out.insert(out.columns.get_loc(out.geometry.name), "route_hazards", names)
    return out
