"""``kvpt`` posture commands: posture, depth, support, hazards, nearest."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.common import JsonOpt, OutOpt, ProjectArg, app, emit_result, handles_errors, open_project
from planning import posture as analyses
from planning.results import Result

BuiltOnly = Annotated[bool, typer.Option(
    "--built-only", help="Count only the built works (100 % complete: the roadmap's latest "
                         "actual percentage up to this year, else percent_complete, else status "
                         "built/done); planned and unfinished ones are left out. A work with "
                         "none of these counts as built (setting posture_unknown_status_built)."
)]

FLOAT_0 = {"float_format": lambda x: f"{x:.0f}"}
FLOAT_1 = {"float_format": lambda x: f"{x:.1f}"}


@app.command()
@handles_errors
def posture(
    project: ProjectArg,
    built_only: BuiltOnly = False,
    require: Annotated[list[str] | None, typer.Option(
        "--require", help="LEVEL=KIND,KIND: what a level requires instead of the default, "
                          "e.g. --require commune=combat_villages or --require "
                          "village=combat_village (repeatable; 'commune=' requires "
                          "nothing).")] = None,
    village_share: Annotated[float | None, typer.Option(
        "--village-share", min=0.0, max=1.0,
        help="Smallest share (0-1) of a unit's villages that must be combat villages for "
             "combat_villages; default geo.settings.combat_village_share_min (1.0, a "
             "default of this tool, not from a regulation).")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Completeness of the defense posture: which units lack which required assets.

    The kinds each level must have are geo.settings.posture_requirements (province:
    combat_base, rear_base, logistics_base, key_defense_area, air_defense; district:
    combat_base, rear_base, key_defense_area; commune: none). An asset counts for the
    units of its own `level` that contain its representative point (a district-level base
    for its district, a province-level one for the province); an asset with no level
    counts for every unit containing it; in a 2-tier project district-level assets count
    for their commune. The requirement combat_commune (làng, xã chiến đấu, seed 003; add it
    to posture_requirements) is met by the unit's own combat_year attribute, and so is
    combat_village for a village (thôn, bản, làng, xóm, ấp, tổ dân phố: admin units of
    level village, polygons or points). combat_villages is met by a unit when the share of
    the villages whose representative point it covers that are combat villages reaches
    --village-share; a unit with no village cannot be assessed (not met, with a warning).
    Admin units whose level is unknown are left out, with a warning on stderr.

    One record per admin unit (--json; --out .csv, or .gpkg with the unit polygons):
    unit (row id "<layer>:<row>"), layer, kind, level, code, name, parent_code, n_<kind>
    and has_<kind> for every required kind, n_required, n_missing, missing (kinds joined
    by ", "), complete, completeness_pct (null where the level requires nothing),
    progress_pct (mean over the required kinds of the build progress of the unit's most
    advanced work of that kind: a planned work is present but at 0 %). --built-only counts
    only the built works. With combat_villages required: n_combat_villages (combat villages
    in the unit), n_villages and combat_villages_pct (null: not assessable).
    """
    def text(result: Result) -> None:
        shown = result.main[result.main["n_required"] > 0]
        typer.echo(shown[["level", "code", "name", "missing", "completeness_pct",
                          "progress_pct"]]
                   .to_string(index=False, **FLOAT_0))
        typer.echo(f"\n{int(shown['complete'].sum())} of {len(shown)} units with "
                   "requirements are complete.")

    reqs = analyses.parse_requirements(require) if require else None
    emit_result(analyses.completeness(open_project(project), built_only=built_only,
                                      requirements=reqs, share_min=village_share),
                as_json=as_json, out=out,
                layer="posture",
                text=text)


@app.command()
@handles_errors
def depth(
    project: ProjectArg,
    bands: Annotated[str | None, typer.Option(
        help="Upper limits of the depth bands in km, increasing, separated by commas (or "
             "semicolons); default geo.settings.depth_bands_km (10,30,60).")] = None,
    built_only: BuiltOnly = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Depth of every asset behind the border line, grouped in bands.

    Assets: the layers of the kinds in geo.settings.posture_asset_kinds (defense works,
    relocation sites, enterprises). Depth is the shortest distance from the asset to the
    border line (layers of kind 'border'), in metres in the metric CRS. An asset whose
    representative point lies outside the province is flagged outside_province.

    One record per asset (--json prints {"bands": [labels], "records": [...]}; --out .csv,
    or .gpkg with the assets): asset (row id "<layer>:<row>"), layer, kind, name, code,
    work_status, completion_pct (build progress, 0-100), depth_km, band (e.g. "0–10", "10–30",
    "30–60", "> 60"), outside_province. --built-only keeps the built works only. Text mode
    also prints the number of assets per kind and band.
    """
    def text(result: Result) -> None:
        typer.echo(result.main.drop(columns=["asset", "layer", "geometry"])
                   .to_string(index=False, **FLOAT_1))
        typer.echo("\nAssets per kind and depth band (km):")
        typer.echo(result.tables["crosstab"].to_string())

    emit_result(analyses.depth(open_project(project), bands=bands, built_only=built_only),
                as_json=as_json, out=out,
                layer="depth",
                text=text)


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
    built_only: BuiltOnly = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Mutual support between defense positions: groups, isolated positions, weak links.

    Positions: the layers of the kinds in geo.settings.support_kinds. Two positions are
    linked when within --within-km (straight line) or, with --within-min, within that road
    travel time (each position joins the road network from its representative point by
    a straight off-road connector). A weak link is a bridge: removing it splits its group.

    One record per position (--out .csv, or .gpkg with the positions): position (row id
    "<layer>:<row>"), layer, kind, name, code, work_status, completion_pct (build progress,
    0-100; --built-only links the built works only), component (1 = largest group),
    component_size, degree (number of links), isolated. --json prints {"within_km",
    "within_min", "weakest_links": [{a, a_code, b, b_code, a_name, b_name, distance_m,
    time_min, by_distance, by_road, bridge, component}, ...] (weakest first),
    "records": [...]}.
    """
    def text(result: Result) -> None:
        frame, weakest = result.main, result.tables["weakest_links"]
        typer.echo(frame[["name", "kind", "component", "component_size", "degree",
                          "isolated"]].to_string(index=False))
        typer.echo(f"\n{frame['component'].nunique()} groups, {int(frame['isolated'].sum())}"
                   " isolated positions. Weakest links (bridges), weakest first:")
        typer.echo(weakest[["a_name", "b_name", "distance_m", "time_min"]]
                   .to_string(index=False, **FLOAT_1) if len(weakest) else "none")

    result = analyses.support(open_project(project), within_km=within_km,
                              within_min=within_min, built_only=built_only)
    emit_result(result, as_json=as_json, out=out, text=text, layer="support")


@app.command()
@handles_errors
def hazards(project: ProjectArg, built_only: BuiltOnly = False, as_json: JsonOpt = False,
            out: OutOpt = None) -> None:
    """Assets, relocation sites and enterprises in hazard zones; roads through them.

    Features: the layers of the kinds in geo.settings.posture_asset_kinds; zones: the
    layers of kind 'hazard_zone'; roads: the line features of kind 'infrastructure'.

    One record per (feature, zone) pair that meet (--out .csv): feature (row id
    "<layer>:<row>"), layer, kind, name, code, geometry_type (point, line, polygon), zone,
    zone_code, zone_name, hazard (flood, landslide, ...), overlap_m2 (polygons),
    overlap_m (lines), overlap_pct (share of the feature inside; 100 for a point). --json
    prints {"records": [...], "roads": [{road, layer, name, hazard_length_m, hazard_pct,
    zones, hazards}, ...]} with the roads that pass through a zone.
    """
    def text(result: Result) -> None:
        pairs, roads = result.main, result.tables["roads"]
        typer.echo(pairs[["kind", "name", "zone_name", "hazard", "overlap_m2",
                          "overlap_pct"]].to_string(index=False, **FLOAT_0))
        typer.echo(f"\n{pairs['feature'].nunique()} features in hazard zones. Roads through "
                   "them:")
        typer.echo(roads[["name", "hazard_length_m", "zones"]]
                   .to_string(index=False, **FLOAT_0) if len(roads) else "none")

    emit_result(analyses.hazards(open_project(project), built_only=built_only),
                as_json=as_json, out=out, text=text,
                layer="hazards")


@app.command()
@handles_errors
def nearest(
    project: ProjectArg,
    by_road: Annotated[bool, typer.Option(
        "--by-road/--straight", help="Also find the fastest base by road (default), or "
                                     "only in a straight line.")] = True,
    base_kind: Annotated[str, typer.Option(
        help="Kind of the bases (see `kvpt kinds`).")] = "combat_base",
    built_only: BuiltOnly = False,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Find the nearest base of every commune, in a straight line and by road.

    Communes: the admin units of level commune (the one rule of the planning layer, in a
    3-tier and a 2-tier project alike). Each commune counts from a point inside it (its
    representative point). The straight-line distance runs to the nearest part of the
    base; by road, both ends join the nearest road from their representative point by a
    straight connector (setting offroad_speed_kmh) and the fastest base by travel time is
    found on the infrastructure layers' road network.

    One record per commune (--json; --out .csv, or .gpkg with the communes): commune (row
    id "<layer>:<row>"), layer, kind, name, code, base, base_code and base_name (nearest
    in a straight line), distance_m, road_base, road_base_code, road_base_name and
    road_time_min (fastest by road; null with --straight or when no base can be reached).
    """
    def text(result: Result) -> None:
        typer.echo(result.main[["name", "base_name", "distance_m", "road_base_name",
                                "road_time_min"]].to_string(index=False, **FLOAT_1))

    result = analyses.nearest(open_project(project), by_road=by_road, base_kind=base_kind,
                              built_only=built_only)
    emit_result(result, as_json=as_json, out=out, text=text, layer="nearest")
