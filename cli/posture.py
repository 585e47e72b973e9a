"""``kvpt`` posture commands: posture, depth, support, hazards, nearest, reach."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli.common import (
    JsonOpt,
    OffroadOpt,
    OutOpt,
    ProjectArg,
    _open,
    app,
    emit,
    handles_errors,
    records,
)
from cli.network import network_graph
from layers.errors import LayerError


@app.command()
@handles_errors
def posture(project: ProjectArg, as_json: JsonOpt = False, out: OutOpt = None) -> None:
    """Completeness of the defense posture: which units lack which required assets.

    The kinds each level must have are geo.settings.posture_requirements (province:
    combat_base, rear_base, logistics_base, key_defense_area, air_defense; district:
    combat_base, rear_base, key_defense_area; commune: none). An asset counts for the
    units of its own `level` that contain its representative point (a district-level base
    for its district, a province-level one for the province); an asset with no level
    counts for every unit containing it; in a 2-tier project district-level assets count
    for their commune.

    One record per admin unit (--json; --out .csv, or .gpkg with the unit polygons):
    unit (row id "<layer>:<row>"), level, code, name, parent_code, n_<kind> and
    has_<kind> for every required kind, n_required, n_missing, missing (kinds joined by
    ", "), complete, completeness_pct (null where the level requires nothing).
    """
    from geo.completeness import completeness

    store = _open(project)
    units = _posture_frames(store, ["admin_unit"], ("name", "code", "level", "parent_code"))
    _posture_require(units, "admin_unit")
    assets = _posture_frames(store, _posture_kinds(), ("name", "code", "level"))
    table = completeness(units, assets)
    frame = _posture_with(units, table, "unit")
    if as_json or out is not None:
        emit(frame, as_json=as_json, out=out, layer="posture")
        return
    shown = frame[frame["n_required"] > 0]
    typer.echo(shown[["level", "code", "name", "missing", "completeness_pct"]]
               .to_string(index=False, float_format=lambda x: f"{x:.0f}"))
    typer.echo(f"\n{int(shown['complete'].sum())} of {len(shown)} units with requirements "
               "are complete.")


@app.command()
@handles_errors
def depth(
    project: ProjectArg,
    bands: Annotated[str | None, typer.Option(
        help="Upper limits of the depth bands in km, increasing, comma separated; "
             "default geo.settings.depth_bands_km (10,30,60).")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Depth of every asset behind the border line, grouped in bands.

    Assets: the layers of the kinds in geo.settings.posture_asset_kinds (defense works,
    relocation sites, enterprises). Depth is the shortest distance from the asset to the
    border line (layers of kind 'border'), in metres in the metric CRS. An asset whose
    representative point lies outside the province is flagged outside_province.

    One record per asset (--json prints {"bands": [labels], "records": [...]}; --out .csv,
    or .gpkg with the assets): asset (row id "<layer>:<row>"), layer, kind, name, depth_km,
    band (e.g. "0–10", "10–30", "30–60", "> 60"), outside_province. Text mode also prints
    the number of assets per kind and band.
    """
    from geo.depth import band_labels, depth_crosstab, depth_from_border

    limits = _parse_bands(bands)
    labels = band_labels(limits)
    store = _open(project)
    border = _posture_frames(store, ["border"], ("name",))
    _posture_require(border, "border")
    assets = _posture_frames(store, _posture_kinds(), ("name",))
    table = depth_from_border(assets, border, area=_posture_area(store), bands_km=limits)
    frame = _posture_with(assets, table[["depth_km", "band", "outside_province"]], "asset")
    frame["band"] = frame["band"].astype("str")
    if as_json or out is not None:
        emit(frame, as_json=as_json, out=out, layer="depth", extra={"bands": labels})
        return
    typer.echo(frame.drop(columns=["asset", "layer", "geometry"])
               .to_string(index=False, float_format=lambda x: f"{x:.1f}"))
    typer.echo("\nAssets per kind and depth band (km):")
    typer.echo(depth_crosstab(table, assets["kind"]).to_string())


@app.command()
@handles_errors
def support(
    project: ProjectArg,
    within_km: Annotated[float | None, typer.Option(
        help="Link positions this close, km edge to edge (default "
             "geo.settings.support_within_km).")] = None,
    within_min: Annotated[float | None, typer.Option(
        help="Link positions this close by road, minutes of travel time (uses the road "
             "network of the infrastructure layers).")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Mutual support between defense positions: groups, isolated positions, weak links.

    Positions: the layers of the kinds in geo.settings.support_kinds. Two positions are
    linked when within --within-km (straight line) or, with --within-min, within that road
    travel time. A weak link is a bridge: removing it splits its group.

    One record per position (--out .csv, or .gpkg with the positions): position (row id
    "<layer>:<row>"), layer, kind, name, component (1 = largest group), component_size,
    degree (number of links), isolated. --json prints {"within_km", "within_min",
    "weakest_links": [{a, b, a_name, b_name, distance_m, time_min, by_distance, by_road,
    bridge, component}, ...] (weakest first), "records": [...]}.
    """
    from geo import settings
    from geo.support import mutual_support

    if within_km is not None and within_min is not None:
        msg = "give --within-km or --within-min, not both (e.g. --within-km 15)."
        raise LayerError(msg)
    store = _open(project)
    positions = _posture_frames(store, settings.support_kinds, ("name",))
    _posture_require(positions, " / ".join(settings.support_kinds))
    graph = _posture_graph(store) if within_min is not None else None
    result = mutual_support(positions, within_km=within_km, within_min=within_min,
                            network=graph)
    frame = _posture_with(positions, result.positions, "position")
    if as_json or out is not None:
        km = within_km if within_km is not None or within_min is not None else (
            settings.support_within_km)
        emit(frame, as_json=as_json, out=out, layer="support",
             extra={"within_km": km, "within_min": within_min,
                    "weakest_links": records(result.weakest)})
        return
    typer.echo(frame[["name", "kind", "component", "component_size", "degree", "isolated"]]
               .to_string(index=False))
    typer.echo(f"\n{frame['component'].nunique()} groups, {int(frame['isolated'].sum())} "
               "isolated positions. Weakest links (bridges), weakest first:")
    typer.echo(result.weakest[["a_name", "b_name", "distance_m", "time_min"]]
               .to_string(index=False, float_format=lambda x: f"{x:.1f}")
               if len(result.weakest) else "none")


@app.command()
@handles_errors
def hazards(project: ProjectArg, as_json: JsonOpt = False, out: OutOpt = None) -> None:
    """Assets, relocation sites and enterprises in hazard zones; roads through them.

    Features: the layers of the kinds in geo.settings.posture_asset_kinds; zones: the
    layers of kind 'hazard_zone'; roads: the line features of kind 'infrastructure'.

    One record per (feature, zone) pair that meet (--out .csv): feature (row id
    "<layer>:<row>"), layer, kind, name, geometry_type (point, line, polygon), zone,
    zone_name, hazard (flood, landslide, ...), overlap_m2 (polygons), overlap_m (lines),
    overlap_pct (share of the feature inside; 100 for a point). --json prints
    {"records": [...], "roads": [{road, layer, name, hazard_length_m, hazard_pct, zones,
    hazards}, ...]} with the roads that pass through a zone.
    """
    from geo.hazards import hazard_exposure, route_hazards

    store = _open(project)
    zones = _posture_frames(store, ["hazard_zone"], ("name", "hazard"))
    _posture_require(zones, "hazard_zone")
    features = _posture_frames(store, _posture_kinds(), ("name",))
    pairs = hazard_exposure(features, zones)
    lines = _posture_frames(store, ["infrastructure"], ("name",))
    lines = lines[lines.geom_type.isin(["LineString", "MultiLineString"])]
    flagged = route_hazards(lines, zones)
    roads = lines[["layer", "name"]].join(flagged.drop(columns="geometry"))
    roads = roads[flagged["in_hazard"]]
    roads = roads.drop(columns="in_hazard").rename_axis("road").reset_index()
    if as_json or out is not None:
        emit(pairs, as_json=as_json, out=out, layer="hazards",
             extra={"roads": records(roads)})
        return
    typer.echo(pairs[["kind", "name", "zone_name", "hazard", "overlap_m2", "overlap_pct"]]
               .to_string(index=False, float_format=lambda x: f"{x:.0f}"))
    typer.echo(f"\n{pairs['feature'].nunique()} features in hazard zones. Roads through "
               "them:")
    typer.echo(roads[["name", "hazard_length_m", "zones"]]
               .to_string(index=False, float_format=lambda x: f"{x:.0f}")
               if len(roads) else "none")


@app.command()
@handles_errors
def nearest(
    project: ProjectArg,
    by_road: Annotated[bool, typer.Option(
        "--by-road/--straight", help="Also find the fastest base by road (default), or "
                                     "only in a straight line.")] = True,
    base_kind: Annotated[str, typer.Option(
        help="Kind of the bases (see `kvpt kinds`).")] = "combat_base",
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Find the nearest base of every commune, in a straight line and by road.

    Communes: the lowest level of the admin units (communes in a 3-tier project, also in a
    2-tier one). Each commune counts from a point inside it (its representative point). The
    straight-line distance runs to the nearest part of the base; by road, both points join
    the nearest road by a straight connector (setting offroad_speed_kmh) and the fastest
    base by travel time is found on the infrastructure layers' road network.

    One record per commune (--json; --out .csv, or .gpkg with the communes): commune (row
    id "<layer>:<row>"), layer, kind, name, base and base_name (nearest in a straight line),
    distance_m, road_base, road_base_name and road_time_min (fastest by road; null with
    --straight or when no base can be reached).
    """
    from geo.nearest import nearest_bases

    store = _open(project)
    communes = _posture_communes(store)
    bases = _posture_frames(store, [base_kind], ("name",))
    _posture_require(bases, base_kind)
    graph = _posture_graph(store) if by_road else None
    table = nearest_bases(communes, bases, network=graph)
    frame = _posture_with(communes, table, "commune")
    if as_json or out is not None:
        emit(frame, as_json=as_json, out=out, layer="nearest")
        return
    typer.echo(frame[["name", "base_name", "distance_m", "road_base_name", "road_time_min"]]
               .to_string(index=False, float_format=lambda x: f"{x:.1f}"))


@app.command()
@handles_errors
def reach(
    project: ProjectArg,
    minutes: Annotated[float, typer.Option(help="Time limit, minutes of road travel.")],
    sources: Annotated[str, typer.Option(
        help="Kind of the features travelled from (see `kvpt kinds`).")] = "combat_base",
    offroad_kmh: OffroadOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Find the communes reached within --minutes from the nearest source (service area).

    Sources: every feature of kind --sources (default the combat bases). A commune is
    reached when its representative point is, by road from the nearest source and then a
    straight connector at --offroad-kmh (the road network of the infrastructure layers).

    One record per commune (--json; --out .csv, or .gpkg with the commune polygons; the
    service area is the union of those with reachable = true): commune (row id
    "<layer>:<row>"), layer, kind, name, travel_min (null when not connected), connector_m,
    reachable. Text mode prints the count and the communes not reached.
    """
    from geo import network

    store = _open(project)
    communes = _posture_communes(store)
    bases = _posture_frames(store, [sources], ("name",))
    _posture_require(bases, sources)
    area = network.service_area(_posture_graph(store), bases, minutes,
                                communes.drop(columns="name"), offroad_speed_kmh=offroad_kmh)
    frame = _posture_with(communes, area.drop(columns="geometry"), "commune")
    if as_json or out is not None:
        emit(frame, as_json=as_json, out=out, layer="reach")
        return
    missed = frame[~frame["reachable"]]
    typer.echo(f"{int(frame['reachable'].sum())} of {len(frame)} communes reached within "
               f"{minutes:g} min from {len(bases)} {sources} features. Not reached:")
    typer.echo(missed[["name", "travel_min"]].to_string(
        index=False, float_format=lambda x: f"{x:.1f}") if len(missed) else "none")


def _posture_communes(store: Any) -> Any:
    """Return the admin units of the lowest level (the communes)."""
    from geo.completeness import split_levels

    units = _posture_frames(store, ["admin_unit"], ("name", "code", "level"))
    _posture_require(units, "admin_unit")
    levels = split_levels(units)
    if not levels:
        msg = ("the admin units have no known 'level' (province, district, commune): set it "
               "when importing (`kvpt import ... --kind admin_unit`).")
        raise LayerError(msg)
    return next(reversed(levels.values()))


def _posture_kinds() -> list[str]:
    from geo import settings
    from geo.completeness import required_kinds

    kinds = list(settings.posture_asset_kinds)
    return kinds + [k for k in required_kinds() if k not in kinds]


def _posture_frames(store: Any, kinds: Any, columns: tuple[str, ...]) -> Any:
    """Stack the current layers of ``kinds`` into one frame (see geo.assets.stack_layers)."""
    from geo.assets import stack_layers

    wanted = set(kinds)
    return stack_layers([(r.name, r.kind, store.read(r.name)) for r in store.layers()
                         if r.kind in wanted], columns=columns)


def _posture_require(frame: Any, kind: str) -> None:
    if not len(frame):
        msg = (f"the project has no feature of kind {kind}: import a layer with `kvpt "
               "import P.gpkg FILE --kind KIND`.")
        raise LayerError(msg)


def _posture_area(store: Any) -> Any:
    """Return the province: the units of the highest level (None without admin units)."""
    from geo.completeness import split_levels

    units = _posture_frames(store, ["admin_unit"], ("name", "level"))
    levels = split_levels(units)
    return next(iter(levels.values())) if levels else None


def _posture_graph(store: Any) -> Any:
    """Return the road graph of every infrastructure layer (see :func:`network_graph`)."""
    return network_graph(store, None, None)[0]


def _posture_with(features: Any, table: Any, label: str) -> Any:
    from geo.assets import with_attributes

    return with_attributes(features, table, label=label)


def _parse_bands(text: str | None) -> tuple[float, ...] | None:
    from geo.depth import band_labels

    if text is None:
        return None
    try:
        limits = tuple(float(x) for x in text.split(","))
        band_labels(limits)
    except ValueError:
        msg = (f"--bands {text!r} must be depth limits in km > 0, increasing, separated by "
               "commas, e.g. --bands 10,30,60.")
        raise LayerError(msg) from None
    return limits
