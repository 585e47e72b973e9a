"""Evacuation (sơ tán) of the people of communes in hazard zones to shelters, by road.

Civil defense (phòng thủ dân sự, seeds 003 and 004): the people of every commune that a
hazard zone (flood, landslide, forest fire: :mod:`geo.hazards`) touches are sent to
shelters (nơi sơ tán) by road, within the shelters' capacities (people) and a maximum
travel time, least total travel time; the communes whose people cannot all be sheltered
are listed with the reason.

Who is at risk
--------------
:func:`communes_at_risk`: a commune touching a zone of the chosen types has
``population × share of its area inside the zones`` people at risk (rounded up; people
spread evenly over the commune), or its whole population
(:data:`geo.settings.evacuation_population_rule`). A commune with no ``population`` gets
:data:`geo.settings.evacuation_fallback_density_km2` people per km² of its area, marked
``population_source = "fallback"``. The trip starts from a point inside the part of the
commune in the zones (its representative point).

The plan
--------
:func:`evacuate` splits each commune's people at risk into blocks of
:data:`geo.settings.evacuation_group_size` people (the last block of a commune holds the
rest; e.g. a village's households), each sent whole to one shelter, and hands them to the
relocation engine (:func:`geo.relocation.relocate`: blocks as the "enterprises", shelters
as the "sites"; no depth criterion; the same road access rule, travel times, integer
programme and proof) in two runs:

1. the **full blocks**, each taking one of the ``floor(capacity / size)`` places of a
   shelter: a transportation problem (about a second on the demo with 500-person blocks;
   far slower with small blocks, which are many and interchangeable). The engine places
   the most blocks (so the most people in full blocks), then least total time;
2. the **partial blocks** (a commune's last), each taking its people from what is left of
   the shelters' capacities: the most of them, then least total time.

Full blocks go first so that a shelter is not filled with small remainders while whole
villages wait; the two runs are each optimal, not jointly (a commune's remainder may get
no place that a different choice of run 1 would have left). ``group_size = 0`` sends each
commune whole to one shelter (run 2 alone: a generalized assignment, slow when capacities
are tight). A shelter that touches **any** hazard zone (of every type, not only those
evacuated from) is not used. A commune is *unserved* when some of its people are left
without a shelter; :data:`REASONS` says why.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, relocation, settings
from geo.errors import Problem
from geo.hazards import select_hazards

if TYPE_CHECKING:
    import networkx as nx

POPULATION_RULES: tuple[str, ...] = ("area_share", "whole")
"""Values of :data:`geo.settings.evacuation_population_rule`."""

REASONS: dict[str, str] = {
    "no_shelter": "every shelter lies in a hazard zone",
    "not_connected": "no safe shelter can be reached on the road network",
    "max_time": "no safe shelter within the maximum travel time",
    "capacity": "every safe shelter within the maximum travel time is full",
}
"""Why a group (and so its commune) is unserved, by code (checked in this order)."""

_ENGINE_REASONS = {"no_eligible_site": "no_shelter"}

RISK_COLUMNS: tuple[str, ...] = (
    "commune", "name", "population", "population_source", "hazard_area_m2", "hazard_pct",
    "at_risk", "zones", "hazards")
"""Columns of :func:`communes_at_risk` (before the geometry)."""

COMMUNE_COLUMNS: tuple[str, ...] = (
    *RISK_COLUMNS, "evacuated", "unserved", "n_groups", "shelters", "max_group_min",
    "reason")
"""Columns of :attr:`EvacuationPlan.communes`."""

GROUP_COLUMNS: tuple[str, ...] = (
    "group", "commune", "name", "people", "shelter", "shelter_name", "reason", "travel_min",
    "distance_km", "binding", "route_hazard_m", "route_hazards")
"""Columns of :attr:`EvacuationPlan.groups` (before the route geometry)."""

SHELTER_COLUMNS: tuple[str, ...] = (
    "shelter", "name", "shelter_capacity", "sheltered", "n_groups", "in_hazard", "selected")
"""Columns of :attr:`EvacuationPlan.shelters`."""


@dataclass(frozen=True)
class EvacuationPlan:
    """An evacuation plan: communes at risk, their groups' shelters and routes.

    Attributes
    ----------
    communes : GeoDataFrame
        One row per commune at risk (index: the commune's label), columns
        :data:`COMMUNE_COLUMNS`: ``at_risk`` people, ``evacuated`` of them sheltered,
        ``unserved`` left, ``shelters`` the shelters used (``", "``), ``max_group_min``
        the longest trip of its groups, ``reason`` why people are left (a key of
        :data:`REASONS`, missing when none). Geometry: the part of the commune in the
        zones (metric CRS).
    groups : GeoDataFrame
        One row per evacuation group, columns :data:`GROUP_COLUMNS` (``binding``: the
        constraints ``hazard``, ``max_time``, ``capacity`` that kept it from a faster
        shelter), geometry the route (metric CRS; missing when unserved).
    shelters : DataFrame
        One row per shelter, columns :data:`SHELTER_COLUMNS` (people).
    max_travel_min : float
        Maximum travel time used.
    group_size : int
        People per block (``0``: one block per commune).
    population_rule : str
        :data:`POPULATION_RULES` value used.
    optimal : bool
        Whether the solver proved the plan optimal.
    gap : float
        Share by which the total time may exceed the best possible (0 when optimal).
    """

    communes: gpd.GeoDataFrame
    groups: gpd.GeoDataFrame
    shelters: pd.DataFrame
    max_travel_min: float
    group_size: int
    population_rule: str
    optimal: bool = True
    gap: float = 0.0

    @property
    def unserved(self) -> pd.DataFrame:
        """The communes with people left without a shelter, and why."""
        c = self.communes
        return pd.DataFrame(c.loc[c["unserved"] > 0,
                                  ["commune", "name", "at_risk", "unserved", "reason"]])

    @property
    def total_travel_min(self) -> float:
        """Sum of the travel times of the groups sheltered."""
        return float(np.nansum(self.groups["travel_min"].to_numpy(float)))


def communes_at_risk(
    communes: gpd.GeoDataFrame,
    hazards: gpd.GeoDataFrame,
    *,
    hazard_types: Iterable[str] | None = None,
    population_rule: str | None = None,
    fallback_density_km2: float | None = None,
    crs: object = None,
) -> gpd.GeoDataFrame:
    """Return the communes that hazard zones touch, with the people at risk.

    Parameters
    ----------
    communes : GeoDataFrame
        Commune polygons in any CRS, with optional ``name`` and ``population``.
    hazards : GeoDataFrame
        Hazard zones (polygons) with optional ``name`` and ``hazard`` (type).
    hazard_types : iterable of str, optional
        Types to evacuate from (:func:`geo.hazards.select_hazards`); every zone by default.
    population_rule : {"area_share", "whole"}, optional
        :data:`geo.settings.evacuation_population_rule` by default.
    fallback_density_km2 : float, optional
        People per km² for a commune without population;
        :data:`geo.settings.evacuation_fallback_density_km2` by default.
    crs : optional
        Metric CRS; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    GeoDataFrame
        The communes whose area inside the zones is > 0 (index kept, input order),
        columns :data:`RISK_COLUMNS`: ``hazard_area_m2`` and ``hazard_pct`` the area
        (share) inside the union of the zones, ``at_risk`` people (an integer),
        ``zones``/``hazards`` the zones' names and types (``", "``); geometry the part
        inside the zones, in the metric CRS.

    Raises
    ------
    AnalysisInputError
        On bad frames, a population that is negative or not a number, an unknown rule,
        a bad density, or no hazard type given.
    """
    rule = str(_setting(population_rule, settings.evacuation_population_rule))
    density = _setting(fallback_density_km2, settings.evacuation_fallback_density_km2)
    problems = _validate.frame_problems(communes, "communes")
    problems += _validate.frame_problems(hazards, "hazards")
    if rule not in POPULATION_RULES:
        problems.append(Problem("population_rule_bad", value=rule,
                                choices=", ".join(POPULATION_RULES)))
    if not _is_number(density):
        problems.append(Problem("density_bad", value=density))
    problems += _population_problems(communes)
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [communes, hazards])
    _validate.raise_problems(problems + more)
    zones = select_hazards(hazards, hazard_types)
    if metric is None or not len(zones) or not len(communes):
        return _risk_frame(communes.iloc[:0], np.zeros(0), np.zeros(0), [], [],
                           np.zeros(0, object), float(density), rule, metric)
    geoms = communes.geometry.to_crs(metric).to_numpy()
    zone_geoms = zones.geometry.to_crs(metric).to_numpy()
    inside = shapely.intersection(geoms, shapely.union_all(zone_geoms))
    area_in = shapely.area(inside)
    keep = area_in > 0
    names, types = _zones_touching(geoms[keep], zones, zone_geoms)
    return _risk_frame(communes[keep], area_in[keep], shapely.area(geoms[keep]), names, types,
                       inside[keep], float(density), rule, metric)


def evacuation_groups(at_risk: gpd.GeoDataFrame, group_size: int | None = None
                      ) -> gpd.GeoDataFrame:
    """Split each commune's people at risk into blocks of ``group_size`` people.

    Parameters
    ----------
    at_risk : GeoDataFrame
        :func:`communes_at_risk`.
    group_size : int, optional
        :data:`geo.settings.evacuation_group_size` by default; ``0`` keeps a commune whole.

    Returns
    -------
    GeoDataFrame
        One row per block with ``commune``, ``name``, ``people`` (``group_size`` each but
        a commune's last, which holds the rest; they sum to ``at_risk``), the commune's
        geometry; index ``"<commune>"`` for a single block, else ``"<commune>#<k>"``.
        Communes with nobody at risk get no block.

    Raises
    ------
    AnalysisInputError
        If ``group_size`` is not a whole number >= 0.
    """
    size = _group_size(group_size)
    rows, labels = [], []
    for label, row in at_risk.iterrows():
        people = int(row["at_risk"])
        if people <= 0:
            continue
        k = math.ceil(people / size) if size else 1
        for j in range(k):
            labels.append(str(label) if k == 1 else f"{label}#{j + 1}")
            rows.append({"commune": label, "name": row["name"],
                         "people": people - size * (k - 1) if j == k - 1 else size,
                         "geometry": row.geometry})
    frame = pd.DataFrame(rows, columns=["commune", "name", "people", "geometry"],
                         index=pd.Index(labels, dtype=object))
    out = gpd.GeoDataFrame(frame, geometry="geometry", crs=at_risk.crs)
    return out.astype({"people": "int64"})


def evacuate(
    communes: gpd.GeoDataFrame,
    shelters: gpd.GeoDataFrame,
    graph: nx.MultiGraph,
    hazards: gpd.GeoDataFrame,
    *,
    hazard_types: Iterable[str] | None = None,
    max_travel_min: float | None = None,
    group_size: int | None = None,
    population_rule: str | None = None,
    fallback_density_km2: float | None = None,
    time_limit_s: float | None = None,
) -> EvacuationPlan:
    """Plan the evacuation of the communes in hazard zones to shelters by road.

    Parameters
    ----------
    communes : GeoDataFrame
        Commune polygons with ``name`` and ``population`` (any CRS).
    shelters : GeoDataFrame
        Shelters (points or polygons) with ``capacity`` (people) and ``name``.
    graph : networkx.MultiGraph
        Road network (:func:`geo.network.build_graph`).
    hazards : GeoDataFrame
        Every hazard zone: those of ``hazard_types`` put people at risk; a shelter in
        any zone is not used.
    hazard_types : iterable of str, optional
        Types to evacuate from; every type by default.
    max_travel_min : float, optional
        :data:`geo.settings.evacuation_max_travel_min` by default.
    group_size, population_rule, fallback_density_km2
        See :func:`evacuation_groups` and :func:`communes_at_risk`.
    time_limit_s : float, optional
        Solver time limit per stage (:func:`geo.relocation.relocate`).

    Returns
    -------
    EvacuationPlan

    Raises
    ------
    AnalysisInputError
        On bad inputs: see :func:`communes_at_risk`; shelters without a ``capacity``
        column or with missing or negative capacities; a negative time.
    """
    limit = float(_setting(max_travel_min, settings.evacuation_max_travel_min))
    rule = str(_setting(population_rule, settings.evacuation_population_rule))
    problems = _validate.frame_problems(shelters, "shelters") + _capacity_problems(shelters)
    problems += _validate.distance_problems(max_travel_min=limit)
    _validate.raise_problems(problems)
    risk = communes_at_risk(communes, hazards, hazard_types=hazard_types,
                            population_rule=rule, fallback_density_km2=fallback_density_km2)
    size = _group_size(group_size)
    groups = evacuation_groups(risk, size)
    if not len(groups):
        return _assemble(risk, groups, *_no_plan(shelters, hazards), shelters,
                         (limit, size, rule),
                         (True, 0.0))
    ent, sites, solved = _solve(groups, shelters, size, graph, hazards,
                                {"max_travel_min": limit, "time_limit_s": time_limit_s})
    return _assemble(risk, groups, ent, sites, shelters, (limit, size, rule), solved)


# --- helpers ---------------------------------------------------------------------------------


def _setting(value: object, default: object) -> object:
    return default if value is None else value


def _solve(groups: gpd.GeoDataFrame, shelters: gpd.GeoDataFrame, size: int,
           graph: nx.MultiGraph, hazards: gpd.GeoDataFrame, options: dict
           ) -> tuple[gpd.GeoDataFrame, pd.DataFrame, tuple[bool, float]]:
    """Run the engine on the full blocks, then on the partial ones in the places left.

    Full blocks take one place of ``floor(capacity / size)`` each (a transportation
    problem); the partial blocks (and whole communes when ``size`` is 0) then take their
    people from what is left of each shelter's capacity.
    """
    capacity = pd.to_numeric(shelters["capacity"]).to_numpy(float)
    full = groups["people"].to_numpy() == size if size else np.zeros(len(groups), bool)
    runs, left = [], capacity
    if full.any():
        run = _engine(groups[full].assign(workforce=1), shelters,
                      np.floor(capacity / size), graph, hazards, options)
        used = run.sites["n_enterprises"].to_numpy(float) * size
        runs.append(run)
        left = capacity - used
    if (~full).any():
        part = groups[~full]
        runs.append(_engine(part.assign(workforce=part["people"]), shelters, left, graph,
                            hazards, options))
    ent = pd.concat([r.enterprises for r in runs]).reindex(groups.index)
    sites = runs[0].sites.copy()
    sites["selected"] = np.logical_or.reduce([r.sites["selected"].to_numpy(bool)
                                              for r in runs])
    optimal = all(r.optimal for r in runs)
    return ent, sites, (optimal, max(r.gap for r in runs))


def _engine(items: gpd.GeoDataFrame, shelters: gpd.GeoDataFrame, places: np.ndarray,
            graph: nx.MultiGraph, hazards: gpd.GeoDataFrame, options: dict
            ) -> relocation.RelocationPlan:
    """One run of the relocation engine: ``items`` (``workforce`` = demand) to shelters."""
    return relocation.relocate(
        items, shelters.assign(capacity=np.asarray(places).astype("int64")), None, graph,
        hazards, min_depth_km=0.0, capacity_by="workforce", **options)


def _is_number(value: object) -> bool:
    """Whether ``value`` is a finite number >= 0 (not a bool)."""
    return (isinstance(value, int | float | np.integer | np.floating)
            and not isinstance(value, bool) and math.isfinite(value) and value >= 0)


def _group_size(group_size: object) -> int:
    size = _setting(group_size, settings.evacuation_group_size)
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 0:
        _validate.raise_problems([Problem("group_size_bad", value=size)])
    return int(size)


def _population_problems(communes: gpd.GeoDataFrame) -> list[Problem]:
    if not isinstance(communes, gpd.GeoDataFrame) or "population" not in communes.columns:
        return []
    raw = communes["population"]
    values = pd.to_numeric(raw, errors="coerce")
    bad = communes.index[(raw.notna() & values.isna()) | (values < 0)]
    return [Problem("population_bad", rows=_validate.labels(bad))] if len(bad) else []


def _capacity_problems(shelters: gpd.GeoDataFrame) -> list[Problem]:
    if not isinstance(shelters, gpd.GeoDataFrame):
        return []
    if "capacity" not in shelters.columns:
        columns = ", ".join(map(str, shelters.columns.drop(shelters.geometry.name)))
        return [Problem("shelter_capacity_missing", columns=columns or "-")]
    values = pd.to_numeric(shelters["capacity"], errors="coerce")
    bad = shelters.index[values.isna() | (values < 0)]
    return [Problem("shelter_capacity_bad", rows=_validate.labels(bad))] if len(bad) else []


def _zones_touching(geoms: np.ndarray, zones: gpd.GeoDataFrame, zone_geoms: np.ndarray
                    ) -> tuple[list[str], list[str]]:
    """Names and types of the zones each geometry shares an area with (``", "``)."""
    tree = shapely.STRtree(zone_geoms)
    ci, zi = tree.query(geoms, predicate="intersects")
    area = shapely.area(shapely.intersection(geoms[ci], zone_geoms[zi]))
    names = zones["name"].astype(str).to_numpy() if "name" in zones.columns else \
        zones.index.astype(str).to_numpy()
    types = zones["hazard"].astype(object).to_numpy()
    out_names, out_types = [], []
    for c in range(len(geoms)):
        hit = zi[(ci == c) & (area > 0)]
        out_names.append(", ".join(dict.fromkeys(names[z] for z in hit)))
        out_types.append(", ".join(dict.fromkeys(str(types[z]) for z in hit
                                                 if isinstance(types[z], str))))
    return out_names, out_types


def _risk_frame(communes: gpd.GeoDataFrame, area_in: np.ndarray, area: np.ndarray,
                names: list[str], types: list[str], inside: np.ndarray, density: float,
                rule: str, metric: object) -> gpd.GeoDataFrame:
    given = (pd.to_numeric(communes["population"], errors="coerce").to_numpy(float)
             if "population" in communes.columns else np.full(len(communes), np.nan))
    fallback = np.isnan(given)
    population = np.where(fallback, np.ceil(density * area / 1e6), given)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(area > 0, area_in / area, 0.0)
    at_risk = population if rule == "whole" else np.ceil(population * share - 1e-9)
    out = pd.DataFrame({
        "commune": communes.index.to_numpy(object),
        "name": communes["name"].astype(object).to_numpy() if "name" in communes.columns
        else np.full(len(communes), None, object),
        "population": population.astype("int64"),
        "population_source": np.where(fallback, "fallback", "data"),
        "hazard_area_m2": area_in, "hazard_pct": 100.0 * share,
        "at_risk": np.maximum(at_risk, 0).astype("int64"),
        "zones": pd.array(names, dtype="str"), "hazards": pd.array(types, dtype="str"),
    }, index=communes.index).astype({"name": "str", "population_source": "str"})
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(inside, index=out.index, crs=metric))


def _no_plan(shelters: gpd.GeoDataFrame, hazards: gpd.GeoDataFrame
             ) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """Return the engine's tables when nobody is at risk: no group, no shelter used."""
    crit = relocation.site_criteria(shelters, None, hazards, min_depth_km=0.0)
    ent = gpd.GeoDataFrame({c: pd.Series(dtype=object) for c in ("site", "site_name",
                                                                 "reason", "binding")},
                           geometry=gpd.GeoSeries([], crs=shelters.crs))
    ent["travel_min"] = ent["distance_km"] = pd.Series(dtype=float)
    capacity = pd.to_numeric(shelters["capacity"]).to_numpy()
    sites = pd.DataFrame({
        "site": shelters.index.to_numpy(object),
        "name": shelters["name"].to_numpy(object) if "name" in shelters.columns else None,
        "capacity": capacity, "used": np.zeros(len(shelters), dtype="int64"),
        "n_enterprises": 0, "in_hazard": crit["in_hazard"].to_numpy(bool),
        "selected": False}, index=shelters.index)
    return ent, sites


def _assemble(risk: gpd.GeoDataFrame, groups: gpd.GeoDataFrame, ent: gpd.GeoDataFrame,
              sites: pd.DataFrame, shelters: gpd.GeoDataFrame, opts: tuple[float, int, str],
              solved: tuple[bool, float]) -> EvacuationPlan:
    table = _group_table(groups, ent)
    return EvacuationPlan(_commune_table(risk, table), table,
                          _shelter_table(sites, shelters, table), *opts, *solved)


def _group_table(groups: gpd.GeoDataFrame, ent: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    ent = ent.reindex(groups.index)
    binding = ent["binding"].fillna("").astype(str).map(
        lambda b: ",".join(x for x in b.split(",") if x and x != "depth"))
    out = pd.DataFrame({
        "group": groups.index.to_numpy(object),
        "commune": groups["commune"].to_numpy(object),
        "name": groups["name"].astype(object).to_numpy(),
        "people": groups["people"].to_numpy("int64"),
        "shelter": ent["site"].to_numpy(object),
        "shelter_name": ent["site_name"].to_numpy(object),
        "reason": [_ENGINE_REASONS.get(r, r) if isinstance(r, str) else None
                   for r in ent["reason"].to_numpy(object)],
        "travel_min": ent["travel_min"].to_numpy(float),
        "distance_km": ent["distance_km"].to_numpy(float),
        "binding": binding.to_numpy(object),
        "route_hazard_m": _column(ent, "route_hazard_m", 0.0),
        "route_hazards": _column(ent, "route_hazards", ""),
    }, index=groups.index)
    out = out.astype({"name": "str", "shelter_name": "str", "reason": "str", "binding": "str",
                      "route_hazards": "str"})
    geometry = ent.geometry if len(ent) else gpd.GeoSeries([], crs=groups.crs)
    return gpd.GeoDataFrame(out, geometry=gpd.GeoSeries(geometry.to_numpy(), index=out.index,
                                                        crs=geometry.crs))


def _column(frame: pd.DataFrame, column: str, default: object) -> np.ndarray:
    if column in frame.columns:
        return frame[column].to_numpy(object if isinstance(default, str) else float)
    return np.full(len(frame), default, dtype=object if isinstance(default, str) else float)


def _shelter_table(sites: pd.DataFrame, shelters: gpd.GeoDataFrame,
                   groups: gpd.GeoDataFrame) -> pd.DataFrame:
    placed = groups[groups["shelter"].notna()]
    people = placed.groupby("shelter", sort=False)["people"].sum()
    blocks = placed.groupby("shelter", sort=False).size()
    capacity = pd.to_numeric(shelters["capacity"]).reindex(sites.index)
    return pd.DataFrame({
        "shelter": sites["site"].to_numpy(object),
        "name": sites["name"].to_numpy(object),
        "shelter_capacity": capacity.to_numpy(),
        "sheltered": people.reindex(sites.index, fill_value=0).to_numpy("int64"),
        "n_groups": blocks.reindex(sites.index, fill_value=0).to_numpy("int64"),
        "in_hazard": sites["in_hazard"].to_numpy(bool),
        "selected": sites["selected"].to_numpy(bool),
    }, index=sites.index).astype({"name": "str"})


def _commune_table(risk: gpd.GeoDataFrame, groups: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    placed = groups[groups["shelter"].notna()]
    left = groups[groups["shelter"].isna()]
    by = placed.groupby("commune", sort=False)
    evacuated = by["people"].sum().reindex(risk.index, fill_value=0).astype("int64")
    used = by["shelter"].agg(lambda s: ", ".join(dict.fromkeys(map(str, s))))
    longest = by["travel_min"].max().reindex(risk.index)
    reason = left.groupby("commune", sort=False)["reason"].agg(_first_reason)
    n_groups = groups.groupby("commune", sort=False).size().reindex(risk.index, fill_value=0)
    out = pd.DataFrame(risk.drop(columns=risk.geometry.name))
    out["evacuated"] = evacuated.to_numpy()
    out["unserved"] = (out["at_risk"] - out["evacuated"]).astype("int64")
    out["n_groups"] = n_groups.to_numpy("int64")
    out["shelters"] = pd.array(used.reindex(risk.index).fillna("").to_numpy(object),
                               dtype="str")
    out["max_group_min"] = longest.to_numpy(float)
    out["reason"] = pd.array(reason.reindex(risk.index).to_numpy(object), dtype="str")
    return gpd.GeoDataFrame(out, geometry=risk.geometry, crs=risk.crs)


def _first_reason(reasons: pd.Series) -> str | None:
    """Return the first reason (in the order of REASONS) of a commune's unserved groups."""
    found = set(reasons.dropna())
    return next((k for k in REASONS if k in found), None)
