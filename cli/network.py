"""``kvpt`` road-network commands: route, reach, chokepoints (:mod:`planning.network`)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import (
    JsonOpt,
    LinesOpt,
    OffroadOpt,
    OutOpt,
    ProjectArg,
    SpeedOpt,
    app,
    emit_result,
    handles_errors,
    open_project,
    print_table,
)
from planning.results import Result

ACCESS_RULE = ("Every feature joins the road network from its representative point (a point "
               "as it is, a polygon from a point inside it) by a straight off-road connector "
               "to the nearest road")
"""The access rule, in the help of every command that routes (tests check it is there)."""

LoadOpt = Annotated[float | None, typer.Option(
    "--load-t", help="Vehicle load, tonnes: leave out the road segments (bridges) whose "
                     "load_class is below it (read from 30, 30T, H30, HK80, HL93, 0,5HL93; "
                     "a class that cannot be read is kept, with a warning).")]
"""The vehicle-load option of the routing commands."""


@app.command()
@handles_errors
def route(
    project: ProjectArg,
    from_: Annotated[str, typer.Option("--from", help="Start: '<layer>:<row>', a unique code "
                                                      "or a unique feature name.")],
    to: Annotated[str, typer.Option("--to", help="End: '<layer>:<row>', a unique code or a "
                                                 "unique name.")],
    lines: LinesOpt = None,
    speed: SpeedOpt = None,
    offroad_kmh: OffroadOpt = None,
    load_t: LoadOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Fastest road route between two features (bases, enterprises, sites, communes, ...).

    A feature is named by '<layer>:<row>' (its layer's name, a colon, its row counted from
    0), by its code when that is unique across the point and polygon layers (e.g. the
    enterprise and site ids `kvpt relocate` prints), or by its name when that is unique
    (case and accents ignored when that makes it unique). Every feature joins the road
    network from its representative point (a point as it is, a polygon from a point
    inside it) by a straight off-road connector to the nearest road, at --offroad-kmh;
    roads are travelled at the speed of their class.

    --json prints a list with one record: from, from_code, from_name, to, to_code,
    to_name (ids, codes and names), travel_min, distance_km (connectors included),
    connector_m (off-road length, both ends), offroad_speed_kmh, n_segments and segments
    (the road segment ids travelled, in order, separated by '; '; connectors end in
    '/connector'). --out writes the record (.csv with the route as WKT, .gpkg as a line).
    Text mode lists the segments with their load class and a mark on dual-use ones.
    """
    from planning import network, params

    result = network.route(open_project(project), from_, to, lines=lines,
                           speeds=params.parse_speeds(speed), offroad_kmh=offroad_kmh,
                           load_t=load_t)

    def text(result: Result) -> None:
        row = result.main.iloc[0]
        typer.echo(f"{row['from_name'] or row['from']} → {row['to_name'] or row['to']}: "
                   f"{row['travel_min']:.1f} min, {row['distance_km']:.1f} km "
                   f"({row['connector_m']:.0f} m off road at {row['offroad_speed_kmh']:g} "
                   f"km/h), {row['n_segments']} segments:")
        for seg in result.tables["segments"].itertuples():
            marks = [f"load class {seg.load_class}"] if seg.load_class else []
            marks += ["dual-use"] if seg.dual_use else []
            typer.echo(f"  {seg.segment_id}" + (f" ({', '.join(marks)})" if marks else ""))

    emit_result(result, as_json=as_json, out=out, text=text, layer="route")


@app.command()
@handles_errors
def reach(
    project: ProjectArg,
    minutes: Annotated[float, typer.Option(help="Time limit, minutes of road travel.")],
    sources: Annotated[str, typer.Option(
        help="Kind of the features travelled from (see `kvpt kinds`).")] = "combat_base",
    source_layer: Annotated[str | None, typer.Option(
        help="A layer travelled from instead of every layer of --sources.")] = None,
    lines: LinesOpt = None,
    speed: SpeedOpt = None,
    offroad_kmh: OffroadOpt = None,
    load_t: LoadOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Find the communes reached within --minutes from the nearest source (service area).

    Communes: the admin units of level commune. Sources: every feature of kind --sources
    (default the combat bases), or of --source-layer. A commune is reached when its
    representative point is, by road from the nearest source. Every feature joins the
    road network from its representative point (a point as it is, a polygon from a point
    inside it) by a straight off-road connector to the nearest road, at --offroad-kmh.

    One record per commune (--json; --out .csv, or .gpkg with the commune polygons; the
    service area is the union of those with reachable = true): commune (row id
    "<layer>:<row>"), layer, kind, name, code, travel_min (null when not connected),
    connector_m, reachable. Text mode prints the count and the communes not reached.
    """
    from planning import network, params

    result = network.reach(open_project(project), minutes, sources=sources,
                           source_layer=source_layer, lines=lines,
                           speeds=params.parse_speeds(speed), offroad_kmh=offroad_kmh,
                           load_t=load_t)

    def text(result: Result) -> None:
        frame, values = result.main, result.values
        missed = frame[~frame["reachable"]]
        what = source_layer if source_layer is not None else f"{sources} features"
        typer.echo(f"{values['n_reached']} of {values['n_communes']} communes reached within "
                   f"{minutes:g} min from {values['n_sources']} {what}. Not reached:")
        typer.echo(missed[["name", "travel_min"]].to_string(
            index=False, float_format=lambda x: f"{x:.1f}") if len(missed) else "none")

    emit_result(result, as_json=as_json, out=out, text=text, layer="reach")


@app.command()
@handles_errors
def chokepoints(
    project: ProjectArg,
    increase_pct: Annotated[float | None, typer.Option(
        help="A loss that raises a target's time by more than this % counts (default: "
             "setting chokepoint_increase_pct).")] = None,
    hub: Annotated[list[str] | None, typer.Option(
        help="Feature the targets must reach, '<layer>:<row>', a unique code or a unique "
             "name (repeatable; the nearest counts). Default: the province-level bases.")
    ] = None,
    targets: Annotated[list[str] | None, typer.Option(
        help="Layer of targets (repeatable). Default: every layer of kind combat_base, "
             "rear_base, logistics_base and relocation_site.")] = None,
    nodes: Annotated[bool, typer.Option(
        "--nodes", help="List the junctions whose loss matters instead of the segments.")
    ] = False,
    lines: LinesOpt = None,
    speed: SpeedOpt = None,
    offroad_kmh: OffroadOpt = None,
    load_t: LoadOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Road segments whose loss cuts bases or relocation sites off from the hubs or slows them.

    Every target (base, relocation site) is timed to its nearest hub by road. Every
    feature joins the road network from its representative point (a point as it is, a
    polygon from a point inside it) by a straight off-road connector to the nearest road.
    A segment counts when its loss (anywhere along it) leaves a target no way to any hub
    (cut) or raises its time by more than --increase-pct (slowed). Ranked by targets cut,
    then by the largest increase.

    --json prints a list of records: segment_id, class, source ('<layer>:<row>' of the
    road line), road_name, length_m, bridge (true when its loss splits the network),
    n_cut, n_slowed, max_increase_pct (largest increase of a target still connected, %),
    targets (ids '<layer>:<row>' of the targets cut or slowed, separated by '; '),
    target_codes and target_names (theirs, in the same order). With --nodes: node,
    degree (roads meeting there), n_cut, n_slowed, max_increase_pct, targets,
    target_codes, target_names. --out writes the same (.csv with WKT, .gpkg).
    """
    from planning import network, params

    result = network.chokepoints(open_project(project), increase_pct=increase_pct, hubs=hub,
                                 targets=targets, nodes=nodes, lines=lines,
                                 speeds=params.parse_speeds(speed), offroad_kmh=offroad_kmh,
                                 load_t=load_t)

    def text(result: Result) -> None:
        found, values = result.main, result.values
        typer.echo(f"{len(found)} {'junctions' if nodes else 'segments'} cut or slow (> "
                   f"{values['increase_pct']:g} %) the way of {values['n_targets']} targets to "
                   f"the nearest of {values['n_hubs']} hubs (targets: --json or --out):")
        print_table(found.drop(columns=["targets", "target_codes", "target_names"]).round(1))

    emit_result(result, as_json=as_json, out=out, text=text,
                layer="chokepoint_nodes" if nodes else "chokepoints")
