"""``kvpt relocate``: designated enterprises to relocation sites."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import (
    JsonOpt,
    OutOpt,
    ProjectArg,
    _open,
    _print_json,
    app,
    emit,
    handles_errors,
    records,
)
from cli.network import network_graph
from layers.errors import LayerError


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
             " lists them); repeat for more: --cut ID1 --cut ID2.")] = None,
    capacity_by: Annotated[str | None, typer.Option(
        help="Site capacity: workforce, area or both (default: both where available).")
    ] = None,
    enterprises: Annotated[str | None, typer.Option(
        help="Layer of designated enterprises (default: every layer of kind enterprise).")
    ] = None,
    sites: Annotated[str | None, typer.Option(
        help="Layer of relocation sites (default: every layer of kind relocation_site).")
    ] = None,
    list_segments: Annotated[bool, typer.Option(
        "--list-segments", help="Only list the road segments (segment_id, class, name, "
                                "length_m, time_min, used_by = enterprises routed over it).")
    ] = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Assign designated enterprises to relocation sites by road travel time.

    Least total travel time such that each site's workforce and/or floor area stays
    within its capacity, each site lies at least --min-depth-km behind the border and
    outside every hazard zone, and no trip exceeds --max-min (an integer programme
    solved with HiGHS; when not everyone fits, as many as possible are placed first).

    --json prints exactly {"enterprises": [...], "sites": [...]}, plus "changes" with
    --cut. enterprises: enterprise, name, site (null when unplaced), site_name, reason
    (null when placed, else no_eligible_site, not_connected, max_time or capacity),
    travel_min, distance_km, site_depth_km, workforce, floor_area_m2, binding
    (comma-separated constraints that kept it from a faster site: depth, hazard,
    max_time, capacity), route_hazard_m (metres of the route inside hazard zones),
    route_hazards (their names). sites: site, name, capacity, used (workers), area_capacity,
    area_used (m²), n_enterprises, depth_km, in_hazard, passes_depth, passes_hazard,
    selected. changes (plan with the cut vs without): enterprise, name, change
    (unplaced, site, time or placed), site_a, site_b, travel_min_a, travel_min_b,
    delta_min. With --cut, "enterprises" and "sites" are the plan with the cut.
    Labels are the layers' code values when unique, else row numbers.

    --out writes the enterprise table: .csv (route as WKT) or .gpkg (route lines).
    """
    from geo import relocation

    inputs = _relocation_inputs(_open(project), enterprises, sites)
    cut_ids = [c.strip() for c in cut or [] if c.strip()]
    options = {"min_depth_km": min_depth_km, "max_travel_min": max_min,
               "capacity_by": capacity_by}
    args = (inputs["enterprises"], inputs["sites"], inputs["border"], inputs["graph"],
            inputs["hazards"])
    plan = relocation.relocate(*args, **options)
    if list_segments:
        names = inputs["roads"]["name"] if "name" in inputs["roads"] else None
        frame = relocation.segments_table(inputs["graph"], plan, names=names)
        emit(frame.to_crs("EPSG:4326"), as_json=as_json, out=out, layer="segments")
        return
    changes = None
    if cut_ids:
        base, plan = plan, relocation.relocate(*args, cut=cut_ids, **options)
        changes = relocation.compare_plans(base, plan)
    table = plan.enterprises.to_crs("EPSG:4326")
    if out is not None:
        from layers.tables import write_table

        write_table(table, out, layer="relocation")
    if as_json:
        data = {"enterprises": records(table), "sites": records(plan.sites)}
        if changes is not None:
            data["changes"] = records(changes)
        _print_json(data)
        return
    _print_plan(plan, changes, out=out)


def _relocation_inputs(store: Any, enterprises: str | None, sites: str | None) -> dict:
    """Read enterprises, sites, border, hazard zones, road lines and road graph."""
    from geo import relocation

    ents = _layers_of_kind(store, "enterprise", enterprises)
    site_gdf = _layers_of_kind(store, "relocation_site", sites)
    missing = [k for k, v in (("enterprise", ents), ("relocation_site", site_gdf)) if v is None]
    if missing:
        msg = (f"the project has no layer of kind {' nor '.join(map(repr, missing))}: import "
               "one with `kvpt import P.gpkg FILE --kind KIND`.")
        raise LayerError(msg)
    graph, roads = network_graph(store, None, None)
    return {"enterprises": relocation.index_by(ents), "sites": relocation.index_by(site_gdf),
            "border": _layers_of_kind(store, "border"),
            "hazards": _layers_of_kind(store, "hazard_zone"),
            "roads": roads, "graph": graph}


def _layers_of_kind(store: Any, kind: str, name: str | None = None) -> Any:
    """Return the layer ``name`` (checked to be of ``kind``), else all layers of ``kind``."""
    import geopandas as gpd
    import pandas as pd

    names = [r.name for r in store.layers() if r.kind == kind]
    if name is not None:
        if name not in names:
            msg = (f"{name!r} is not a layer of kind {kind!r}; layers of that kind: "
                   f"{', '.join(names) or 'none'} (see `kvpt layers`).")
            raise LayerError(msg)
        names = [name]
    frames = [store.read(n) for n in names]
    if len(frames) <= 1:
        return frames[0] if frames else None
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)


def _print_plan(plan: Any, changes: Any, *, out: Path | None) -> None:
    import pandas as pd

    total = len(plan.enterprises)
    typer.echo(f"Placed {plan.n_placed} of {total} enterprises; total travel "
               f"{plan.total_travel_min:.1f} min (min depth {plan.min_depth_km:g} km, max "
               f"{plan.max_travel_min:g} min, capacity by {', '.join(plan.dimensions)}"
               f"{'' if plan.optimal else '; NOT proven optimal: solver time limit'}).")
    if plan.cut:
        typer.echo(f"Cut segments: {', '.join(plan.cut)}")
    if out is not None:
        typer.echo(f"Wrote {total} enterprises to {out}")
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        cols = ["site", "reason", "travel_min", "distance_km", "site_depth_km", "binding"]
        typer.echo(pd.DataFrame(plan.enterprises[cols]).round(2).to_string(na_rep=""))
        typer.echo("")
        typer.echo(plan.sites.drop(columns=["site", "name"]).round(2).to_string())
        if changes is not None:
            typer.echo("")
            typer.echo(f"Changes with the cut ({len(changes)}):")
            typer.echo(changes.drop(columns="name").round(2).to_string(index=False, na_rep="")
                       if len(changes) else "none")
