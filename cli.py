"""``kvpt``: the KVPT Planner command line for GIS staff.

Every command takes the project GeoPackage first. Bad input exits with status 2
and one line on stderr; the project file is then unchanged.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from layers.errors import LayerError, MissingCRSError

app = typer.Typer(
    help="KVPT Planner: layers, appraisal, posture, road network, relocation, exercises and "
         "maps for provincial defense-area (KVPT) planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: paragraphs reflow to the terminal, no markup eaten
)

ProjectArg = Annotated[Path, typer.Argument(help="Project GeoPackage (.gpkg).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON records instead of text.")]


def _fail(message: str) -> None:
    typer.echo(f"kvpt: error: {message}", err=True)
    raise typer.Exit(2)


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one line on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MissingCRSError as err:
            codes = ", ".join(c.code for c in err.candidates[:3])
            hint = f" Candidates from the coordinates: {codes}." if codes else ""
            _fail(f"{err}{hint if codes and codes not in str(err) else ''}")
        except (LayerError, ValueError) as err:
            _fail(str(err).replace("\n", " "))

    return wrapper


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _open(project: Path):  # noqa: ANN202 - ProjectStore, imported lazily
    from layers.store import ProjectStore

    return ProjectStore(project)


@app.command()
@handles_errors
def init(project: ProjectArg) -> None:
    """Create an empty project GeoPackage."""
    from layers.store import ProjectStore

    ProjectStore.init(project)
    typer.echo(f"Created project {project}")


@app.command("import")
@handles_errors
def import_(
    project: ProjectArg,
    file: Annotated[Path, typer.Argument(help="Shapefile (.zip or .shp), .gpkg, .geojson, "
                                              ".kml, .kmz or .csv.")],
    kind: Annotated[str | None, typer.Option(help="Layer kind (see `kvpt kinds`); "
                                                  "guessed from the name when omitted.")] = None,
    name: Annotated[str | None, typer.Option(help="Layer name in the project.")] = None,
    crs: Annotated[str | None, typer.Option(help="CRS when the file has none, e.g. "
                                                 "EPSG:9215 (VN-2000 Lạng Sơn TM-3).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding: utf-8, cp1258, tcvn3 "
                                                      "or vni; detected when omitted.")] = None,
    layer: Annotated[str | None, typer.Option(help="Only this layer of the source.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a file into the project (all or nothing).

    Prints per layer: layer, kind, features, source CRS, encoding, repaired, version.
    """
    from layers.importer import plan_import, run_import

    store = _open(project)
    plans = plan_import(file, kind=kind, name=name, crs=crs, encoding=encoding, layer=layer)
    results = [r.as_dict() for r in run_import(store, plans)]
    if as_json:
        _print_json(results)
        return
    for r in results:
        typer.echo(f"{r['layer']}: kind={r['kind']} features={r['features']} "
                   f"source_crs={r['source_crs']} encoding={r['encoding'] or 'n/a'} "
                   f"repaired={r['repaired']} dropped_empty={r['dropped_empty']} "
                   f"version={r['version']}")
        for w in r["warnings"]:
            typer.echo(f"  warning: {w}")
        if r["unknown_columns"]:
            typer.echo(f"  unmapped columns kept: {', '.join(r['unknown_columns'])}")


def _record_dict(rec: Any) -> dict:
    from dataclasses import asdict

    return asdict(rec)


@app.command("layers")
@handles_errors
def layers_(project: ProjectArg, as_json: JsonOpt = False) -> None:
    """List the project's layers (current versions)."""
    records = [_record_dict(r) for r in _open(project).layers()]
    if as_json:
        _print_json(records)
        return
    for r in records:
        typer.echo(f"{r['name']}\t{r['kind']}\tv{r['version']}\t{r['feature_count']} features"
                   f"\t{r['source_file']}")


@app.command()
@handles_errors
def versions(project: ProjectArg, layer: str, as_json: JsonOpt = False) -> None:
    """List every stored version of a layer."""
    records = [_record_dict(r) for r in _open(project).versions(layer)]
    if as_json:
        _print_json(records)
        return
    for r in records:
        mark = "*" if r["current"] else " "
        typer.echo(f"{mark} v{r['version']}\t{r['imported_at']}\t{r['feature_count']} features"
                   f"\t{r['source_file']}\t{r['note']}")


@app.command()
@handles_errors
def restore(project: ProjectArg, layer: str, version: int) -> None:
    """Make an earlier version of a layer current again (as a new version)."""
    rec = _open(project).restore(layer, version)
    typer.echo(f"{rec.name}: restored version {version} as version {rec.version}")


@app.command()
@handles_errors
def export(
    project: ProjectArg,
    layer: str,
    out: Annotated[Path, typer.Argument(help="Output: .gpkg .geojson .kml .csv or .zip "
                                             "(shapefile, UTF-8).")],
    version: Annotated[int | None, typer.Option(help="Version (current by default).")] = None,
) -> None:
    """Export a layer; the format follows the extension of OUT."""
    from layers.export import export_layer

    gdf = _open(project).read(layer, version)
    path = export_layer(gdf, out, layer_name=layer)
    typer.echo(f"Wrote {len(gdf)} features to {path}")


@app.command()
def kinds() -> None:
    """List the layer kinds and their attributes."""
    from layers.kinds import KINDS

    for k in KINDS.values():
        req = ", ".join(a.name for a in k.required) or "-"
        opt = ", ".join(a.name for a in k.optional) or "-"
        geoms = "/".join(sorted(k.geometry_types))
        typer.echo(f"{k.key}\t{k.label_vi} ({k.label_en})\t{geoms}\trequired: {req}"
                   f"\toptional: {opt}")


def parse_zones(items: list[str] | None) -> dict[str, float]:
    """Parse ``KIND=METRES`` options into a dict.

    Raises
    ------
    LayerError
        If an item is malformed, names an unknown kind or a negative width.
    """
    from layers.kinds import DEFENSE_WORK_KINDS

    zones: dict[str, float] = {}
    for item in items or []:
        kind, sep, value = item.partition("=")
        try:
            metres = float(value)
        except ValueError:
            metres = float("nan")
        if not sep or kind not in DEFENSE_WORK_KINDS or not metres >= 0:
            msg = (f"--zone {item!r} must be KIND=METRES with KIND one of "
                   f"{', '.join(DEFENSE_WORK_KINDS)} and METRES >= 0, e.g. combat_base=800.")
            raise LayerError(msg)
        zones[kind] = metres
    return zones


@app.command()
@handles_errors
def appraise(
    project: ProjectArg,
    proposals: Annotated[str, typer.Option(help="Layer of proposed projects (polygons).")],
    zone: Annotated[list[str] | None, typer.Option(
        help="Protection-zone width override, KIND=METRES; repeatable.")] = None,
    search_m: Annotated[float | None, typer.Option(help="Search distance in metres.")] = None,
    near_m: Annotated[float | None, typer.Option(help="'near' distance in metres.")] = None,
    as_json: JsonOpt = False,
    out: Annotated[Path | None, typer.Option(help="Write the pair table to this CSV.")] = None,
) -> None:
    """Appraise proposed projects against defense works and their protection zones.

    Per (project, work) pair within the search distance: distance_m, overlap_m2,
    zone_overlap_m2, zone_width_m and verdict (conflict, protection_zone, near,
    clear). --json prints {"projects": [...one per project...], "pairs": [...]}.
    """
    from geo import appraisal
    from layers.project import read_defense_works

    store = _open(project)
    props = store.read(proposals)
    works = read_defense_works(store)
    zones = parse_zones(zone)
    pairs = appraisal.appraise(props, works, zones=zones, search_distance=search_m,
                               near_distance=near_m)
    summary = appraisal.appraisal_summary(props, pairs)
    if out is not None:
        from layers.tables import write_table

        write_table(pairs, out)
        typer.echo(f"Wrote {len(pairs)} pairs to {out}")
    if as_json:
        _print_json({"projects": _records(summary), "pairs": _records(pairs)})
    elif out is None:
        typer.echo(summary.to_string())
        typer.echo("")
        typer.echo(pairs.to_string(index=False))


def _records(frame: Any) -> list[dict]:
    return json.loads(frame.reset_index(drop=False).to_json(orient="records", force_ascii=False))


def records(frame: Any) -> list[dict]:
    """Return the rows of a result as JSON-ready dicts (geometry left out, NaN as null)."""
    import pandas as pd

    plain = pd.DataFrame(frame.drop(columns=frame.geometry.name)
                         if hasattr(frame, "geometry") and "geometry" in frame else frame)
    return json.loads(plain.to_json(orient="records", force_ascii=False))


OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Also write the result: .csv (UTF-8, geometry as WKT) or .gpkg.")]


def emit(frame: Any, *, as_json: bool, out: Path | None, layer: str = "result",
         extra: dict | None = None) -> None:
    """Print a result as text or JSON records and write it to ``--out`` when asked.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The result rows.
    as_json : bool
        Print ``records(frame)`` (or ``{**extra, "records": ...}`` when ``extra``) as JSON.
    out : Path, optional
        File to write (format by extension, see :func:`layers.tables.write_table`).
    layer : str
        Layer name inside a GeoPackage.
    extra : dict, optional
        More JSON fields printed beside the records.
    """
    from layers.tables import write_table

    if out is not None:
        write_table(frame, out, layer=layer)
        if not as_json:
            typer.echo(f"Wrote {len(frame)} rows to {out}")
    if as_json:
        _print_json({**extra, "records": records(frame)} if extra else records(frame))
    elif out is None:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_columns", 30):
            typer.echo(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).to_string())


@app.command("map")
@handles_errors
def map_(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output HTML file (standalone, works offline).")],
    title: Annotated[str | None, typer.Option(help="Map title.")] = None,
    lang: Annotated[str, typer.Option(help="Legend language: vi or en.")] = "vi",
) -> None:
    """Write a standalone HTML map of the project (no internet needed to open it)."""
    from maps.offline import standalone_html
    from maps.project import store_map

    m = store_map(_open(project), title=title or project.stem, lang=lang, assets="inline")
    out.write_text(standalone_html(m), encoding="utf-8")
    typer.echo(f"Wrote {out}")


@app.command()
@handles_errors
def demo(project: ProjectArg) -> None:
    """Build the demo project: real Lạng Sơn geography with FICTIONAL defense assets."""
    from layers.demo import build_demo

    records = build_demo(project)
    typer.echo(f"Built demo project {project} with {len(records)} layers "
               "(defense assets are fictional).")


# --- posture commands (posture, depth, support) ---


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


# --- network commands (route, chokepoints) ---

LinesOpt = Annotated[list[str] | None, typer.Option(
    "--lines", help="Road layer(s) to route on, every line of them (repeatable). Default: the "
                    "lines of every infrastructure layer whose class is a road class.")]
SpeedOpt = Annotated[list[str] | None, typer.Option(
    "--speed", help="Speed of a road class, CLASS=KMH (repeatable), e.g. national_road=60; "
                    "adds the class to the road network.")]
OffroadOpt = Annotated[float | None, typer.Option(
    help="Speed off the road (connector from a feature to the nearest road), km/h "
         "(default: setting offroad_speed_kmh).")]


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


# --- relocation commands (relocate) ---


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


# --- exercise commands (exercises, targets) ---


@app.command()
@handles_errors
def exercises(
    project: ProjectArg,
    years: Annotated[int | None, typer.Option(
        help="Years to plan (default: the rotation cycle, 5 years for a 20 % minimum).")
    ] = None,
    start: Annotated[int | None, typer.Option(
        help="First year of the plan (default: this year, or the year after the last "
             "record).")] = None,
    import_file: Annotated[Path | None, typer.Option(
        "--import", help="First import exercise records from this CSV (columns "
                         "commune_code, year, type; optional commune_name, district_code, "
                         "result, note), all or nothing.")] = None,
    replace: Annotated[bool, typer.Option(
        "--replace", help="With --import: replace every stored record instead of adding.")
    ] = False,
    encoding: Annotated[str | None, typer.Option(
        help="Text encoding of the CSV: utf-8, cp1258, tcvn3 or vni; detected when "
             "omitted.")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Plan the commune combat-defense exercise rotation (diễn tập) for the next years.

    Each year plans 20-25 % of the communes (settings exercise_share_min/max), every
    commune within the cycle, longest-waiting first (never exercised first, then the
    oldest last exercise), spread across districts by size; ties by code.

    --json prints one record per (commune, year) planned: commune_code, commune_name,
    district_code, district_name, year, last_exercised (last exercise before that year,
    recorded or planned; null if never), waited_years (year - last_exercised; null if
    never). --out writes the same table (.csv). Text output adds a per-year summary.
    """
    from geo import exercises as ex
    from layers import records as rec

    store = _open(project)
    if import_file is not None:
        parsed = rec.import_exercises(store, import_file, encoding=encoding, replace=replace)
        typer.echo(f"Imported {len(parsed.records)} exercise records from {import_file.name} "
                   f"(encoding {parsed.encoding}{', replacing the old ones' if replace else ''})"
                   + (f"; ignored columns: {', '.join(parsed.ignored_columns)}"
                      if parsed.ignored_columns else ""), err=as_json)
    communes = rec.read_communes(store)
    districts = rec.read_districts(store)
    history = rec.read_exercises(store)
    plan = ex.rotation_plan(
        communes, history, years=years if years is not None else ex.cycle_years(),
        start=start if start is not None else rec.default_plan_start(history),
        district_names=dict(zip(districts["code"], districts["name"], strict=True)))
    if not as_json:
        summary = ex.plan_summary(plan, communes)
        typer.echo(summary.to_string(index=False, formatters={"share": "{:.1%}".format}))
        typer.echo("")
    emit(plan, as_json=as_json, out=out, layer="exercise_plan")


@app.command()
@handles_errors
def targets(
    project: ProjectArg,
    year: Annotated[int | None, typer.Option(
        help="Year of the commune-exercise share (default: the last year with records, "
             "else this year).")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Progress towards the plan targets, per district and for the province.

    Targets (settings.targets, shares 0-1): commune_exercise (communes exercised in the
    year / communes, 20-25 %), training_ground (districts holding a training ground /
    districts, 20-30 %, province level), combat_base_completion (mean of
    percent_complete/100, or of the status, over the combat bases; 100 % by default).

    --json prints {"year": Y, "province": [measure, value, achieved, total, target_min,
    target_max, status], "records": [one per district: district_code, district_name,
    communes, exercised, exercise_share, exercise_status, training_grounds,
    has_training_ground, combat_bases, base_completion, base_status]}; status is below,
    within, above or no_data. --out writes the per-district table (.csv).
    """
    from geo import targets as tg
    from layers import records as rec

    store = _open(project)
    communes = rec.read_communes(store)
    districts = rec.read_districts(store)
    history = rec.read_exercises(store)
    year = year if year is not None else rec.default_target_year(history)
    layers = {"training_grounds": rec.read_kind(store, "training_ground"),
              "combat_bases": rec.read_kind(store, "combat_base")}
    per_district = tg.district_progress(districts, communes=communes, records=history,
                                        year=year, **layers)
    province = tg.province_progress(communes=communes, records=history, year=year,
                                    districts=districts, **layers)
    if not as_json and out is None:
        typer.echo(f"Targets in {year}:")
        typer.echo(province.to_string(index=False))
        typer.echo("")
    emit(per_district, as_json=as_json, out=out, layer="targets",
         extra={"year": year, "province": records(province)})


def main() -> None:
    """Run the command line."""
    app()


if __name__ == "__main__":
    sys.exit(main())
