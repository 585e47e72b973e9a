"""Evacuation of communes in hazard zones to shelters, for ``kvpt evacuate`` and the page.

Inputs by rule (:mod:`planning.inputs`): the communes (admin units of level commune, with
their ``population``), the hazard zones (every ``hazard_zone`` layer), the shelters (a
layer of kind ``shelter`` named, else every one; rows labelled by their ``code`` when it
is unique, :func:`geo.relocation.index_by`) and the road graph; shelters and communes join
the roads by the one access rule of :mod:`planning.network`. The analysis is
:func:`geo.evacuation.evacuate` (the relocation engine). Plans are kept (up to
:data:`PLAN_CACHE_SIZE`) by project, layer versions, options and settings.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

import pandas as pd

from geo import evacuation, relocation, settings
from planning import inputs
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result, in_storage_crs

PLAN_CACHE_SIZE = 8
_PLANS: OrderedDict[tuple, evacuation.EvacuationPlan] = OrderedDict()


def evacuate(project: Project, *, shelters: str | None = None,
             hazard_types: Iterable[str] | None = None, max_min: float | None = None,
             group_size: int | None = None, population_rule: str | None = None,
             time_limit_s: float | None = None) -> Result:
    """Plan the evacuation of the people of communes in hazard zones to shelters by road.

    Parameters
    ----------
    project : Project
        The project.
    shelters : str, optional
        A layer of kind ``shelter`` (default: every such layer).
    hazard_types : iterable of str, optional
        Hazard types to evacuate from (``flood``, ``landslide``, ``forest_fire``, or a
        spelling :func:`geo.hazards.hazard_type` reads); default every zone.
    max_min : float, optional
        Maximum travel time (setting ``evacuation_max_travel_min``).
    group_size : int, optional
        People per evacuation group (setting ``evacuation_group_size``; 0: whole commune).
    population_rule : {"area_share", "whole"}, optional
        Setting ``evacuation_population_rule``.
    time_limit_s : float, optional
        Solver time limit per stage (setting ``relocation_time_limit_s``).

    Returns
    -------
    Result
        ``communes`` (main; :data:`geo.evacuation.COMMUNE_COLUMNS` with ``code``, the part
        of each commune in the zones in EPSG:4326), ``groups``
        (:data:`geo.evacuation.GROUP_COLUMNS`, routes in EPSG:4326) and ``shelters``
        (:data:`geo.evacuation.SHELTER_COLUMNS`); ``extra``: ``plan`` and the inputs drawn
        on maps (``shelters``, ``hazards``, ``communes``).

    Raises
    ------
    PlanningError
        If the project has no shelter layer, or ``shelters`` is not one.
    AnalysisInputError
        On bad inputs (:func:`geo.evacuation.evacuate`).
    """
    data = _inputs(project, shelters)
    types = None if hazard_types is None else tuple(dict.fromkeys(hazard_types))
    options = {"hazard_types": types, "max_travel_min": max_min, "group_size": group_size,
               "population_rule": population_rule}
    plan = _plan(project, data, options, time_limit_s)
    _notes(project, plan)
    communes = plan.communes.copy()
    communes.insert(2, "code", data["communes"]["code"].reindex(communes.index).to_numpy())
    tables = {"communes": in_storage_crs(communes), "groups": in_storage_crs(plan.groups),
              "shelters": plan.shelters}
    return Result(tables, values=_values(plan),
                  settings={"max_travel_min": plan.max_travel_min,
                            "group_size": plan.group_size,
                            "population_rule": plan.population_rule,
                            "hazard_types": list(types) if types else "all",
                            "fallback_density_km2": settings.evacuation_fallback_density_km2,
                            "offroad_speed_kmh": settings.offroad_speed_kmh},
                  warnings=project.take_notes(), json_keys=tuple(tables),
                  extra={"plan": plan, **{k: data[k] for k in ("shelters", "hazards",
                                                               "communes")}})


def _values(plan: evacuation.EvacuationPlan) -> dict:
    c = plan.communes
    return {"n_communes": len(c), "n_unserved": len(plan.unserved),
            "at_risk": int(c["at_risk"].sum()), "evacuated": int(c["evacuated"].sum()),
            "total_travel_min": plan.total_travel_min, "optimal": plan.optimal,
            "gap": plan.gap}


def _notes(project: Project, plan: evacuation.EvacuationPlan) -> None:
    c = plan.communes
    fallback = c[c["population_source"] == "fallback"]
    if len(fallback):
        project.note("evacuation_population_fallback", count=len(fallback),
                     names=", ".join(fallback["name"].astype(str).head(5)),
                     density=settings.evacuation_fallback_density_km2)
    if not len(c):
        project.note("evacuation_nobody_at_risk")
    if not plan.optimal:
        project.note("evacuation_solver_limit", gap=plan.gap)


def _inputs(project: Project, shelters: str | None) -> dict:
    """Communes with population, shelters, hazard zones and the road graph (read once)."""
    def build() -> dict:
        frame = inputs.layer_frame(project, "shelter", shelters)
        if frame is None:
            raise PlanningError("no_shelter_layers")
        communes = inputs.communes(project)
        people = inputs.stacked(project, ["admin_unit"], ("population",))["population"]
        communes = communes.assign(population=people.reindex(communes.index).astype(object))
        graph, _ = inputs.road_graph(project)
        return {"communes": communes, "shelters": relocation.index_by(frame),
                "hazards": inputs.hazard_zones(project), "graph": graph,
                "layers": [*inputs.layers_of(project, "shelter", shelters),
                           *project.names(["admin_unit", "hazard_zone"]),
                           *inputs.road_layers(project)]}

    return project.memo(("evacuation_inputs", shelters), build)


def _plan(project: Project, data: dict, options: dict, time_limit_s: float | None
          ) -> evacuation.EvacuationPlan:
    """Return the plan of ``data`` with ``options`` (kept by layer versions and settings)."""
    key = (project.ident, project.versions_key(data["layers"]), tuple(sorted(
        options.items())), time_limit_s, _settings_key())
    if key in _PLANS:
        _PLANS.move_to_end(key)
        return _PLANS[key]
    plan = evacuation.evacuate(data["communes"], data["shelters"], data["graph"],
                               data["hazards"], time_limit_s=time_limit_s, **options)
    _PLANS[key] = plan
    while len(_PLANS) > PLAN_CACHE_SIZE:
        _PLANS.popitem(last=False)
    return plan


def _settings_key() -> tuple:
    """Return the settings a plan depends on (besides its options)."""
    return (settings.evacuation_max_travel_min, settings.evacuation_group_size,
            settings.evacuation_population_rule, settings.evacuation_fallback_density_km2,
            tuple(sorted(settings.hazard_type_aliases.items())), settings.offroad_speed_kmh,
            settings.metric_crs, settings.network_snap_m, settings.network_split_crossings,
            settings.road_default_speed_kmh, settings.relocation_time_limit_s,
            settings.relocation_candidates, settings.relocation_all_pairs_up_to,
            settings.relocation_gap, tuple(sorted(settings.road_speed_kmh.items())),
            tuple(sorted(settings.road_class_aliases.items())))


def unserved_table(result: Result) -> pd.DataFrame:
    """Return the communes with people left without a shelter (for the page and the CLI)."""
    c = result.tables["communes"]
    return pd.DataFrame(c.loc[c["unserved"] > 0, ["commune", "code", "name", "at_risk",
                                                  "evacuated", "unserved", "reason"]])
