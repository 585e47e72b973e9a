"""``kvpt evacuate``: communes in hazard zones to shelters by road (:mod:`planning.evacuation`)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import (
    JsonOpt,
    OutOpt,
    ProjectArg,
    app,
    emit_result,
    handles_errors,
    open_project,
    print_table,
)
from planning.results import Result


@app.command()
@handles_errors
def evacuate(
    project: ProjectArg,
    hazard: Annotated[list[str] | None, typer.Option(
        help="Hazard type to evacuate from: flood, landslide or forest_fire (Vietnamese "
             "spellings too: 'ngập lụt', 'sạt lở', 'cháy rừng'); repeat for more (default: "
             "every hazard zone).")] = None,
    max_min: Annotated[float | None, typer.Option(
        help="Maximum travel time to a shelter, minutes (default: setting "
             "evacuation_max_travel_min).")] = None,
    group_size: Annotated[int | None, typer.Option(
        help="People per evacuation block sent whole to one shelter; 0 sends each commune "
             "whole (default: setting evacuation_group_size).")] = None,
    population_rule: Annotated[str | None, typer.Option(
        help="People at risk: area_share (population × share of the commune's area in the "
             "zones) or whole (its whole population) (default: setting "
             "evacuation_population_rule).")] = None,
    shelters: Annotated[str | None, typer.Option(
        help="Layer of shelters (default: every layer of kind shelter).")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Evacuate the people of the communes in hazard zones to shelters by road.

    A commune touching a hazard zone of the chosen types has population × (share of its
    area inside the zones) people at risk (--population-rule whole: all of them; no
    population: the setting evacuation_fallback_density_km2, with a warning). They are
    split into blocks of --group-size people (a commune's last block holds the rest),
    each sent whole to one shelter outside every hazard zone, within the shelters'
    capacities (people) and --max-min: first the full blocks, then the last blocks in the
    places left, each run placing as many as possible, then least total travel time (the
    relocation engine of `kvpt relocate`, solved by HiGHS). Trips start from a point
    inside the part of the commune in the zones, and join the roads by the rule of `kvpt
    route`.

    --json prints exactly {"communes": [...], "groups": [...], "shelters": [...]}.
    communes (one per commune at risk): commune (id '<layer>:<row>'), name, code,
    population, population_source (data or fallback), hazard_area_m2, hazard_pct,
    at_risk, zones, hazards, evacuated, unserved (people left without a shelter),
    n_groups, shelters (codes used), max_group_min, reason (null when all are sheltered,
    else no_shelter, not_connected, max_time or capacity). groups: group, commune, name,
    people, shelter (null when unserved), shelter_name, reason, travel_min, distance_km,
    binding (hazard, max_time, capacity: what kept it from a faster shelter),
    route_hazard_m, route_hazards. shelters: shelter, name, shelter_capacity, sheltered,
    n_groups, in_hazard, selected. Shelters are labelled by their code when unique.

    --out writes the commune table: .csv (hazard part as WKT) or .gpkg (polygons).
    """
    from planning import evacuation

    result = evacuation.evacuate(open_project(project), shelters=shelters,
                                 hazard_types=hazard or None, max_min=max_min,
                                 group_size=group_size, population_rule=population_rule)
    emit_result(result, as_json=as_json, out=out, text=_print_plan, layer="evacuation")


def _print_plan(result: Result) -> None:
    from planning.evacuation import unserved_table

    v, plan = result.values, result.extra["plan"]
    typer.echo(f"{v['n_communes']} communes in hazard zones, {v['at_risk']:,} people at risk; "
               f"{v['evacuated']:,} sheltered within {plan.max_travel_min:g} min "
               f"(blocks of {plan.group_size} people, {plan.population_rule}); "
               f"{v['n_unserved']} communes with people left"
               f"{'' if plan.optimal else '; NOT proven optimal: solver time limit'}.")
    cols = ["name", "code", "at_risk", "evacuated", "unserved", "shelters", "max_group_min",
            "reason"]
    print_table(result.tables["communes"].set_index("commune")[cols].round(1), na_rep="")
    unserved = unserved_table(result)
    typer.echo("")
    typer.echo(f"Unserved communes ({len(unserved)}):")
    if len(unserved):
        print_table(unserved.drop(columns="commune"), index=False, na_rep="")
    else:
        typer.echo("none")
    typer.echo("")
    print_table(result.tables["shelters"].drop(columns="shelter"))
