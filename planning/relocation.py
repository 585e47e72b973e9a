"""Relocation of designated enterprises to relocation sites, for ``kvpt relocate`` and the page.

Inputs by rule (:mod:`planning.inputs`): the enterprises and sites (a layer named, else
every layer of kind ``enterprise`` / ``relocation_site``, rows labelled by their ``code``
when it is unique, :func:`geo.relocation.index_by`; only the enterprises that must relocate
unless every one is asked for), the border, the hazard zones and the
road graph. Enterprises and sites join the roads by the one access rule of
:mod:`planning.network` (their representative point, a straight connector to the nearest
road).

A plan takes about a second on the demo; plans are kept (up to :data:`PLAN_CACHE_SIZE`) by
the project, the versions of the layers they read, the options and the settings, like the
road graph, so a page that reruns, or adds a cut to a plan, does not solve again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import pandas as pd

from geo import mobilization, network, relocation, settings
from geo.errors import AnalysisInputError
from planning import inputs
from planning.errors import PlanningError
from planning.network import graph_for_load
from planning.params import parse_cuts
from planning.project import Project
from planning.results import Result, in_storage_crs

PLAN_CACHE_SIZE = 16
_PLANS: OrderedDict[tuple, tuple[relocation.RelocationPlan, float]] = OrderedDict()


def relocate(project: Project, *, enterprises: str | None = None, sites: str | None = None,
             min_depth_km: float | None = None, max_min: float | None = None,
             capacity_by: str | None = None, cut: Iterable[str] | None = (),
             time_limit_s: float | None = None, everyone: bool = False,
             load_t: float | None = None) -> Result:
    """Assign the designated enterprises to relocation sites; with ``cut``, compare.

    Parameters
    ----------
    project : Project
        The project.
    enterprises, sites : str, optional
        A layer of kind ``enterprise`` / ``relocation_site`` (default: every such layer).
    min_depth_km, max_min : float, optional
        Minimum depth of a site behind the border; maximum travel time (default: the
        settings ``relocation_min_depth_km`` and ``relocation_max_travel_min``).
    capacity_by : {"both", "workforce", "area"}, optional
        Capacity dimensions (default: setting ``relocation_capacity_by``).
    cut : iterable of str
        Road segment ids to take out (:func:`segments` lists them), checked and bounded
        by :func:`planning.params.parse_cuts`.
    time_limit_s : float, optional
        Solver time limit per stage of the plan with the cut (default: setting
        ``relocation_time_limit_s``). A page asks for a quick first answer with a short
        limit: the plan is then the best found, with ``optimal`` False and its ``gap``
        (how much longer than the best possible its total time can be), and the page
        asks again without the limit. A proven optimal plan already kept is returned
        whatever the limit.
    everyone : bool
        Plan every enterprise; by default only those that must relocate
        (:func:`geo.mobilization.must_relocate`: ``must_relocate`` yes or blank, all when
        the layer has no such column).
    load_t : float, optional
        Weight of the heaviest vehicle (tonnes): road segments whose load class is below it
        (weak bridges) are left out (:func:`planning.network.graph_for_load`).

    Returns
    -------
    Result
        ``enterprises`` (main; :data:`geo.relocation.ENTERPRISE_COLUMNS` and
        :data:`geo.relocation.ROUTE_HAZARD_COLUMNS`, routes in EPSG:4326), ``sites``
        (:data:`geo.relocation.SITE_COLUMNS`) of the plan with the cut when there is one,
        and ``changes`` (:func:`geo.relocation.compare_plans`, plan with the cut vs
        without, and ``route_cut``: whether the enterprise's plan A route used a cut
        segment; the others moved because the plan was optimised again within the site
        capacities) when there is; ``extra``: ``plan_a`` (intact network), ``plan_b`` (with
        the cut, or ``None``), ``plan`` (the one the tables show) and the inputs drawn on
        maps (``enterprises``, ``sites``, ``border``, ``hazards``).

    Raises
    ------
    PlanningError
        If a layer is missing or not of its kind, a cut id is unknown or there are too
        many, or no enterprise must relocate.
    """
    data = _inputs(project, enterprises, sites, everyone, load_t)
    cuts = parse_cuts(cut, known=_segment_ids(data["graph"]))
    options = {"min_depth_km": min_depth_km, "max_travel_min": max_min,
               "capacity_by": capacity_by}
    plan_a = _plan(project, data, options, ())
    plan_b = _plan(project, data, options, cuts, time_limit_s) if cuts else None
    plan = plan_b if plan_b is not None else plan_a
    tables = {"enterprises": in_storage_crs(plan.enterprises), "sites": plan.sites}
    if plan_b is not None:
        tables["changes"] = _changes(data["graph"], plan_a, plan_b, cuts)
    for tag, one in (("A", plan_a), ("B", plan_b)):
        if one is not None and not one.optimal and (tag == "A" or time_limit_s is None):
            project.note("solver_limit", tag=tag)  # a caller's short limit is its choice
    return Result(tables,
                  values={"n_placed": plan.n_placed, "n_enterprises": len(plan.enterprises),
                          "total_travel_min": plan.total_travel_min,
                          "optimal": plan.optimal, "gap": plan.gap},
                  settings={"min_depth_km": plan.min_depth_km,
                            "max_travel_min": plan.max_travel_min,
                            "capacity_by": list(plan.dimensions), "cut": list(plan.cut),
                            "offroad_speed_kmh": settings.offroad_speed_kmh,
                            "load_t": load_t},
                  warnings=project.take_notes(),
                  json_keys=tuple(tables),
                  extra={"plan_a": plan_a, "plan_b": plan_b, "plan": plan,
                         **{k: data[k] for k in ("enterprises", "sites", "border",
                                                 "hazards")}})


def _changes(graph: object, plan_a: relocation.RelocationPlan,
             plan_b: relocation.RelocationPlan, cuts: tuple[str, ...]) -> pd.DataFrame:
    """Compare the plans; mark the enterprises whose plan A route used a cut segment."""
    changes = relocation.compare_plans(plan_a, plan_b)
    used = relocation.segments_table(graph, plan_a)
    hit = {e for ids in used.loc[used["segment_id"].isin(cuts), "used_by"]
           for e in str(ids).split(",") if e}
    changes.insert(changes.columns.get_loc("change") + 1, "route_cut",
                   changes["enterprise"].astype(str).isin(hit).to_numpy())
    return changes


def segments(project: Project, *, enterprises: str | None = None, sites: str | None = None,
             min_depth_km: float | None = None, max_min: float | None = None,
             capacity_by: str | None = None, everyone: bool = False,
             load_t: float | None = None) -> Result:
    """List the road segments that can be cut, the most used by the plan first.

    Parameters are those of :func:`relocate` (the plan on the intact network fills
    ``used_by``).

    Returns
    -------
    Result
        ``segments``: ``segment_id``, ``class``, ``name`` (road name), ``length_m``,
        ``time_min``, ``n_used``, ``used_by`` (enterprise labels, ``","``) and the
        segment line, in EPSG:4326 (:func:`geo.relocation.segments_table`);
        ``extra["segments"]``: the same in the metric CRS of the network.
    """
    data = _inputs(project, enterprises, sites, everyone, load_t)
    options = {"min_depth_km": min_depth_km, "max_travel_min": max_min,
               "capacity_by": capacity_by}
    plan = _plan(project, data, options, ())
    roads = data["roads"]
    names = roads["name"] if "name" in roads.columns else None
    table = relocation.segments_table(data["graph"], plan, names=names)
    return Result({"segments": in_storage_crs(table)},
                  values={"n_segments": len(table)},
                  warnings=project.take_notes(), extra={"segments": table, "plan": plan})


# --- helpers ----------------------------------------------------------------------------------


def _inputs(project: Project, enterprises: str | None, sites: str | None,
            everyone: bool = False, load_t: float | None = None) -> dict:
    """Enterprises, sites, border, hazard zones, road lines and road graph (read once).

    The enterprises are those that must relocate unless ``everyone``; the graph is the one
    a vehicle of ``load_t`` tonnes may use.
    """
    def build() -> dict:
        ents = inputs.layer_frame(project, "enterprise", enterprises)
        site_frame = inputs.layer_frame(project, "relocation_site", sites)
        missing = [k for k, v in (("enterprise", ents), ("relocation_site", site_frame))
                   if v is None]
        if missing:
            raise PlanningError("no_relocation_layers", kinds=" nor ".join(map(repr, missing)))
        graph, roads = inputs.road_graph(project)
        graph = graph_for_load(project, graph, load_t)[0]
        border = inputs.border(project)
        hazards = inputs.hazard_zones(project)
        ents = relocation.index_by(ents)
        if not everyone:
            ents = ents[mobilization.must_relocate(ents).to_numpy(bool)]
            if not len(ents):
                raise PlanningError("no_enterprise_must_relocate", layers=", ".join(
                    map(repr, inputs.layers_of(project, "enterprise", enterprises))))
        return {"enterprises": ents,
                "sites": relocation.index_by(site_frame),
                "border": border if len(border) else None,
                "hazards": hazards if len(hazards) else None,
                "graph": graph, "roads": roads,
                "layers": [*inputs.layers_of(project, "enterprise", enterprises),
                           *inputs.layers_of(project, "relocation_site", sites),
                           *project.names(["border", "hazard_zone"]),
                           *inputs.road_layers(project)]}

    return project.memo(("relocation_inputs", enterprises, sites, everyone, load_t), build)


def _segment_ids(graph: object) -> set[str]:
    edges = network.edges_frame(graph)
    return set(edges.loc[edges["class"] != network.CONNECTOR, "segment_id"])


def _plan(project: Project, data: dict, options: dict, cut: tuple[str, ...],
          time_limit_s: float | None = None) -> relocation.RelocationPlan:
    """Return the plan of ``data`` with ``options`` and ``cut`` (kept by versions).

    A kept plan serves when it is optimal, or when it was solved with at least as much
    time as ``time_limit_s`` allows now.
    """
    key = (project.ident, project.versions_key(data["layers"]), tuple(data["enterprises"].index),
           tuple(data["sites"].index), tuple(sorted(options.items())), cut, _settings_key())
    limit = settings.relocation_time_limit_s if time_limit_s is None else float(time_limit_s)
    if key in _PLANS:
        _PLANS.move_to_end(key)
        plan, solved_with = _PLANS[key]
        if plan.optimal or solved_with >= limit:
            return plan
    try:
        plan = _solve(data, options, cut, limit)
    except AnalysisInputError as err:  # no plan at all within a caller's short limit
        full = settings.relocation_time_limit_s
        if limit >= full or not _timed_out(err):
            raise
        plan, limit = _solve(data, options, cut, full), full
    _PLANS[key] = (plan, limit)
    while len(_PLANS) > PLAN_CACHE_SIZE:
        _PLANS.popitem(last=False)
    return plan


def _solve(data: dict, options: dict, cut: tuple[str, ...], limit: float
           ) -> relocation.RelocationPlan:
    return relocation.relocate(data["enterprises"], data["sites"], data["border"],
                               data["graph"], data["hazards"], cut=cut, time_limit_s=limit,
                               **options)


def _timed_out(err: AnalysisInputError) -> bool:
    return any(getattr(p, "key", None) == "solver_time_limit" for p in err.problems)


def _settings_key() -> tuple:
    """Return the settings a plan depends on (besides its options and time limit)."""
    return (settings.relocation_min_depth_km, settings.relocation_max_travel_min,
            settings.relocation_capacity_by, settings.offroad_speed_kmh, settings.metric_crs,
            settings.network_snap_m, settings.network_split_crossings,
            settings.road_default_speed_kmh, settings.relocation_candidates,
            settings.relocation_all_pairs_up_to, settings.relocation_gap,
            tuple(sorted(settings.road_speed_kmh.items())),
            tuple(sorted(settings.road_class_aliases.items())))

