"""``kvpt`` road-network commands: route, chokepoints."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.common import (
    JsonOpt,
    LinesOpt,
    OffroadOpt,
    OutOpt,
    ProjectArg,
    SpeedOpt,
    _open,
    app,
    emit,
    handles_errors,
)
from layers.errors import LayerError


def parse_speeds(items: list[str] | None) -> dict[str, float]:
    """Parse ``CLASS=KMH`` options into a dict.

    Raises
    ------
    LayerError
        If an item is malformed or the speed is not a number > 0.
    """
    speeds: dict[str, float] = {}
    for item in items or []:
        cls, sep, value = item.partition("=")
        try:
            kmh = float(value)
        except ValueError:
            kmh = float("nan")
        if not sep or not cls or not kmh > 0 or kmh == float("inf"):
            msg = f"--speed {item!r} must be CLASS=KMH with KMH > 0, e.g. national_road=60."
            raise LayerError(msg)
        speeds[cls] = kmh
    return speeds


def network_graph(store: Any, lines: list[str] | None, speed: list[str] | None) -> tuple:
    """Return the road graph of a project and its lines (``"<layer>:<row>"`` labels)."""
    from geo import network

    speeds = parse_speeds(speed)
    infra = [r.name for r in store.layers() if r.kind == "infrastructure"]
    if lines:
        names = {r.name for r in store.layers()}
        unknown = [n for n in lines if n not in names]
        if unknown:
            msg = (f"--lines {unknown[0]!r} is not a layer of the project; infrastructure "
                   f"layers: {', '.join(infra) or 'none'} (see `kvpt layers`).")
            raise LayerError(msg)
    frames = {n: store.read(n) for n in (lines or infra)}
    if not frames:
        msg = ("the project has no road layer: import one with `kvpt import P.gpkg FILE "
               "--kind infrastructure` (class national_road, provincial_road, ...).")
        raise LayerError(msg)
    roads = network.network_lines(frames, speeds=speeds, all_lines=bool(lines))
    return network.build_graph(roads, speeds=speeds), roads


def project_features(store: Any, kinds: Any = None, columns: tuple[str, ...] = ()) -> Any:
    """Return a point per point/polygon feature of the project (``"<layer>:<row>"``)."""
    from geo import network

    skip = {"infrastructure", "river", "border"}
    frames = {r.name: store.read(r.name) for r in store.layers()
              if (r.kind in kinds if kinds is not None else r.kind not in skip)}
    return network.feature_points(frames, columns=columns)


@app.command()
@handles_errors
def route(
    project: ProjectArg,
    from_: Annotated[str, typer.Option("--from", help="Start: '<layer>:<row>' or a unique "
                                                      "feature name.")],
    to: Annotated[str, typer.Option("--to", help="End: '<layer>:<row>' or a unique name.")],
    lines: LinesOpt = None,
    speed: SpeedOpt = None,
    offroad_kmh: OffroadOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Fastest road route between two features (bases, enterprises, sites, communes, ...).

    A feature is named by '<layer>:<row>' (its layer's name, a colon, its row counted from
    0) or by its name when that is unique across the point and polygon layers (case and
    accents ignored when that makes it unique). A polygon leaves from its representative
    point (a point inside it). Each end joins the nearest road by a straight connector at
    --offroad-kmh; roads are travelled at the speed of their class.

    --json prints a list with one record: from, from_name, to, to_name (ids and names),
    travel_min, distance_km (connectors included), connector_m (off-road length, both
    ends), offroad_speed_kmh, n_segments and segments (the road segment ids travelled, in
    order, separated by '; '; connectors end in '/connector'). --out writes the record
    (.csv with the route as WKT, .gpkg as a line).
    """
    import geopandas as gpd

    from geo import network

    store = _open(project)
    graph, _ = network_graph(store, lines, speed)
    feats = project_features(store)
    ends = [network.find_feature(feats, from_), network.find_feature(feats, to)]
    nodes = network.connect_points(graph, feats.loc[list(dict.fromkeys(ends))],
                                   offroad_speed_kmh=offroad_kmh, prefix="feature")
    way = network.shortest_route(graph, nodes[ends[0]], nodes[ends[1]])
    row = {"from": ends[0], "from_name": feats.at[ends[0], "name"], "to": ends[1],
           "to_name": feats.at[ends[1], "name"], "travel_min": round(way.time_min, 2),
           "distance_km": round(way.length_m / 1000, 3),
           "connector_m": round(way.connector_m, 1),
           "offroad_speed_kmh": graph.graph["offroad_speed_kmh"],
           "n_segments": len(way.segment_ids), "segments": "; ".join(way.segment_ids)}
    frame = gpd.GeoDataFrame([row], geometry=[way.geometry], crs=graph.graph["crs"])
    frame = frame.to_crs("EPSG:4326")
    if as_json or out is not None:
        emit(frame, as_json=as_json, out=out, layer="route")
    if not as_json:
        typer.echo(f"{row['from_name'] or row['from']} → {row['to_name'] or row['to']}: "
                   f"{row['travel_min']:.1f} min, {row['distance_km']:.1f} km "
                   f"({row['connector_m']:.0f} m off road at {row['offroad_speed_kmh']:g} "
                   f"km/h), {row['n_segments']} segments:")
        for seg in way.segment_ids:
            typer.echo(f"  {seg}")


@app.command()
@handles_errors
def chokepoints(
    project: ProjectArg,
    increase_pct: Annotated[float | None, typer.Option(
        help="A loss that raises a target's time by more than this % counts (default: "
             "setting chokepoint_increase_pct).")] = None,
    hub: Annotated[list[str] | None, typer.Option(
        help="Feature the targets must reach, '<layer>:<row>' or a unique name (repeatable;"
             " the nearest counts). Default: the province-level bases.")] = None,
    targets: Annotated[list[str] | None, typer.Option(
        help="Layer of targets (repeatable). Default: every layer of kind combat_base, "
             "rear_base, logistics_base and relocation_site.")] = None,
    nodes: Annotated[bool, typer.Option(
        "--nodes", help="List the junctions whose loss matters instead of the segments.")
    ] = False,
    lines: LinesOpt = None,
    speed: SpeedOpt = None,
    offroad_kmh: OffroadOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Road segments whose loss cuts bases or relocation sites off from the hubs or slows them.

    Every target (base, relocation site) is timed to its nearest hub by road. A segment
    counts when its loss (anywhere along it) leaves a target no way to any hub (cut) or
    raises its time by more than --increase-pct (slowed). Ranked by targets cut, then by
    the largest increase.

    --json prints a list of records: segment_id, class, source ('<layer>:<row>' of the
    road line), road_name, length_m, bridge (true when its loss splits the network),
    n_cut, n_slowed, max_increase_pct (largest increase of a target still connected, %),
    targets (ids '<layer>:<row>' of the targets cut or slowed, separated by '; ') and
    target_names. With --nodes: node, degree (roads meeting there), n_cut, n_slowed,
    max_increase_pct, targets, target_names. --out writes the same (.csv with WKT, .gpkg).
    """
    from geo import chokepoints as cp
    from geo import settings

    store = _open(project)
    graph, roads = network_graph(store, lines, speed)
    feats = project_features(store, columns=("level",))
    kinds = {r.name: r.kind for r in store.layers()}
    if targets:
        unknown = [t for t in targets if t not in kinds]
        if unknown:
            msg = (f"--targets {unknown[0]!r} is not a layer of the project (see "
                   "`kvpt layers`).")
            raise LayerError(msg)
    wanted = targets or [n for n, k in kinds.items() if k in settings.chokepoint_target_kinds]
    pool = feats[feats["layer"].isin(wanted)]
    if hub:
        from geo import network

        hubs = feats.loc[list(dict.fromkeys(network.find_feature(feats, h) for h in hub))]
    else:
        hubs = pool[pool["level"].astype(str) == settings.chokepoint_hub_level]
        if not len(hubs):
            msg = (f"no feature of level {settings.chokepoint_hub_level!r} among the targets "
                   "to serve as hub: name the hubs with --hub '<layer>:<row>' or a name.")
            raise LayerError(msg)
    pool = pool.drop(index=hubs.index, errors="ignore")
    if not len(pool):
        msg = "no target: name a layer of bases or sites with --targets LAYER."
        raise LayerError(msg)
    func = cp.chokepoint_nodes if nodes else cp.chokepoints
    found = func(graph, pool, hubs, increase_pct=increase_pct, offroad_speed_kmh=offroad_kmh)
    if not nodes:
        found.insert(3, "road_name", found["source"].map(roads["name"]).fillna(""))
    names = feats["name"]
    found["target_names"] = found["targets"].map(
        lambda t: "; ".join(names.get(x, x) for x in t.split("; ")) if t else "")
    found = found.to_crs("EPSG:4326")
    if as_json or out is not None:
        emit(found, as_json=as_json, out=out, layer="chokepoint_nodes" if nodes else "chokepoints")
    if not as_json:
        import pandas as pd

        pct = settings.chokepoint_increase_pct if increase_pct is None else increase_pct
        typer.echo(f"{len(found)} {'junctions' if nodes else 'segments'} cut or slow (> "
                   f"{pct:g} %) the way of {len(pool)} targets to the nearest of {len(hubs)} hubs "
                   "(targets: --json or --out):")
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            typer.echo(pd.DataFrame(found.drop(columns=["geometry", "targets", "target_names"]))
                       .round(1).to_string())
