"""``kvpt relocate``: designated enterprises to relocation sites (:mod:`planning.relocation`)."""

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
from cli.network import LoadOpt
from planning.results import Result


@app.command()
@handles_errors
def relocate(
    project: ProjectArg,
    min_depth_km: Annotated[float | None, typer.Option(
        help="Minimum depth of a site behind the border, km (default: setting "
             "relocation_min_depth_km).")] = None,
    max_min: Annotated[float | None, typer.Option(
        help="Maximum travel time, minutes (default: setting relocation_max_travel_min).")
    ] = None,
    cut: Annotated[list[str] | None, typer.Option(
        help="Road segment or bridge to cut, by segment_id (`kvpt relocate --list-segments`"
             " lists them); repeat for more: --cut ID1 --cut ID2 (at most 10).")] = None,
    capacity_by: Annotated[str | None, typer.Option(
        help="Site capacity: workforce, area or both (default: both where available).")
    ] = None,
    enterprises: Annotated[str | None, typer.Option(
        help="Layer of designated enterprises (default: every layer of kind enterprise).")
    ] = None,
    sites: Annotated[str | None, typer.Option(
        help="Layer of relocation sites (default: every layer of kind relocation_site).")
    ] = None,
    everyone: Annotated[bool, typer.Option(
        "--all", help="Plan every enterprise, not only those marked must_relocate (yes or "
                      "blank).")] = False,
    load_t: LoadOpt = None,
    list_segments: Annotated[bool, typer.Option(
        "--list-segments", help="Only list the road segments (segment_id, class, name, "
                                "length_m, time_min, n_used, used_by = enterprises routed "
                                "over it).")
    ] = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Assign designated enterprises to relocation sites by road travel time.

    Only the enterprises that must relocate (must_relocate yes or blank; every one with
    --all). Least total travel time such that each site's workforce and/or floor area
    stays within its capacity, a site has the water / power an enterprise needs
    (needs_water / needs_power yes: the site's water / power must be yes), each site
    lies at least --min-depth-km behind the border and outside every hazard zone, and no
    trip exceeds --max-min (an integer programme solved with HiGHS; when not everyone
    fits, as many as possible are placed first).
    With --load-t, the road segments (bridges) whose load_class is below the vehicle's
    weight are left out (as for `kvpt route --load-t`).
    Every feature joins the road network from its representative point (a point as it
    is, a polygon from a point inside it) by a straight off-road connector to the nearest
    road, so `kvpt route --from ENTERPRISE --to SITE` gives the same travel time.

    --json prints exactly {"enterprises": [...], "sites": [...]}, plus "changes" with
    --cut. enterprises: enterprise, name, site (null when unplaced), site_name, reason
    (null when placed, else no_eligible_site, no_water, no_power, no_water_power,
    not_connected, max_time or capacity),
    travel_min, distance_km, site_depth_km, workforce, floor_area_m2, binding
    (comma-separated constraints that kept it from a faster site: depth, hazard,
    water_power, max_time, capacity), route_hazard_m (metres of the route inside hazard zones),
    route_hazards (their names). sites: site, name, capacity, used (workers), area_capacity,
    area_used (m²), n_enterprises, depth_km, in_hazard, passes_depth, passes_hazard,
    selected. changes (plan with the cut vs without): enterprise, name, change
    (unplaced, site, time or placed), site_a, site_b, travel_min_a, travel_min_b,
    delta_min. With --cut, "enterprises" and "sites" are the plan with the cut.
    Labels are the layers' code values when unique, else row numbers.

    --out writes the enterprise table: .csv (route as WKT) or .gpkg (route lines); with
    --list-segments, the segments.
    """
    from planning import relocation

    options = {"enterprises": enterprises, "sites": sites, "min_depth_km": min_depth_km,
               "max_min": max_min, "capacity_by": capacity_by, "everyone": everyone,
               "load_t": load_t}
    proj = open_project(project)
    if list_segments:
        emit_result(relocation.segments(proj, **options), as_json=as_json, out=out,
                    layer="segments")
        return
    result = relocation.relocate(proj, cut=cut or (), **options)
    emit_result(result, as_json=as_json, out=out, text=_print_plan, layer="relocation")


def _print_plan(result: Result) -> None:
    plan = result.extra["plan"]
    total = len(plan.enterprises)
    typer.echo(f"Placed {plan.n_placed} of {total} enterprises; total travel "
               f"{plan.total_travel_min:.1f} min (min depth {plan.min_depth_km:g} km, max "
               f"{plan.max_travel_min:g} min, capacity by {', '.join(plan.dimensions)}"
               f"{'' if plan.optimal else '; NOT proven optimal: solver time limit'}).")
    if plan.cut:
        typer.echo(f"Cut segments: {', '.join(plan.cut)}")
    cols = ["site", "reason", "travel_min", "distance_km", "site_depth_km", "binding"]
    print_table(plan.enterprises[cols].round(2), na_rep="")
    typer.echo("")
    print_table(plan.sites.drop(columns=["site", "name"]).round(2))
    changes = result.tables.get("changes")
    if changes is not None:
        typer.echo("")
        typer.echo(f"Changes with the cut ({len(changes)}):")
        if len(changes):
            print_table(changes.drop(columns="name").round(2), index=False, na_rep="")
        else:
            typer.echo("none")
