"""``kvpt terrain``: the project's DEM, elevation and slope of assets, sight lines, viewsheds."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    JsonOpt,
    OutOpt,
    ProjectArg,
    _open,
    app,
    emit_result,
    handles_errors,
    open_project,
    print_table,
)
from planning import terrain as analyses
from planning.project import Project
from planning.results import Result

terrain_app = typer.Typer(
    help="Terrain: import a DEM (GeoTIFF) into the project; elevation and slope of assets; "
         "line of sight; viewshed and the area of each district it sees.",
    no_args_is_help=True, rich_markup_mode=None)
app.add_typer(terrain_app, name="terrain")

DemOpt = Annotated[str | None, typer.Option(
    "--dem", help="Name of the DEM to use (see `kvpt terrain list`); default: the newest.")]
CurvatureOpt = Annotated[bool, typer.Option(
    "--curvature/--flat", help="Lower distant terrain by the Earth's curvature with "
                               "refraction k=0.13 (default), or treat the Earth as flat.")]
POSITION_HELP = ("Feature id '<layer>:<row>', its code or its name (a polygon is taken at its "
                 "representative point), or lon,lat in degrees.")


@terrain_app.command("import")
@handles_errors
def import_(
    project: ProjectArg,
    file: Annotated[Path, typer.Argument(help="DEM GeoTIFF (.tif), any CRS.")],
    crs: Annotated[str | None, typer.Option(
        help="CRS of the file when it names none or a wrong one, e.g. EPSG:9215.")] = None,
    name: Annotated[str, typer.Option(help="Name of the DEM in the project.")] = "DEM",
    cell_m: Annotated[float | None, typer.Option(
        help="Cell size in metres of the stored grid (default: the file's own).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a DEM GeoTIFF into the project (a new version of NAME).

    The file's CRS is read (VN-2000 in any spelling recognised as for vector layers); the
    first band is taken as elevations in metres and resampled (bilinear) onto square cells
    in the project's metric CRS (geo.settings.metric_crs, EPSG:3405 by default), then
    stored inside the project GeoPackage (table kvpt_rasters). SRTM and ALOS AW3D30 tiles
    (EPSG:4326) work as they are; merge several tiles first (gdal_merge.py or gdalbuildvrt
    + gdal_translate). --json prints {"dem": [record], "source_crs", "nodata_pct",
    "elevation_min_m", "elevation_max_m"}.
    """
    result = analyses.import_dem(_open(project), file, crs=crs, name=name, cell_m=cell_m)
    emit_result(result, as_json=as_json, out=None, text=_stored_text)


@terrain_app.command()
@handles_errors
def fictional(
    project: ProjectArg,
    cell_m: Annotated[float, typer.Option(help="Cell size in metres.")] = 100.0,
    as_json: JsonOpt = False,
) -> None:
    """Store a FICTIONAL DEM over the project's extent, for the demo only.

    Generated terrain (valleys about 250 m, hills to 1,400 m, the same every time), NOT a
    survey: it is named 'DEM (giả định)' and its note says FICTIONAL. Import a real DEM
    (SRTM, ALOS) with `kvpt terrain import` for real work.
    """
    store = _open(project)
    result = analyses.import_fictional(store, Project(store), cell_m=cell_m)
    emit_result(result, as_json=as_json, out=None, text=_stored_text)


@terrain_app.command("list")
@handles_errors
def list_(project: ProjectArg, as_json: JsonOpt = False) -> None:
    """List the DEMs of the project (current version of each).

    --json prints records: name, version, created, crs, width, height, cell_m, source,
    note, size_bytes.
    """
    emit_result(analyses.dems(open_project(project)), as_json=as_json, out=None)


@terrain_app.command()
@handles_errors
def assets(project: ProjectArg, dem: DemOpt = None, as_json: JsonOpt = False,
           out: OutOpt = None) -> None:
    """Elevation and slope of every asset (the posture kinds) from the DEM.

    Each asset is taken at its representative point: elevation_m (bilinear) and slope_deg
    (Horn's method, as gdaldem). A polygon also gets the lowest and highest DEM cell inside
    it (elevation_min_m, elevation_max_m). Assets off the DEM get null, with a warning.

    --json prints {"dem", "records": [{asset, layer, kind, name, code, elevation_m,
    slope_deg, elevation_min_m, elevation_max_m}, ...]}; --out .csv or .gpkg.
    """
    def text(result: Result) -> None:
        typer.echo(f"DEM: {result.values['dem']}")
        print_table(result.main[["kind", "code", "name", "elevation_m", "slope_deg",
                                 "elevation_max_m"]], index=False)

    emit_result(analyses.feature_terrain(open_project(project), dem=dem), as_json=as_json,
                out=out, text=text, layer="terrain")


@terrain_app.command()
@handles_errors
def peaks(project: ProjectArg, dem: DemOpt = None, as_json: JsonOpt = False,
          out: OutOpt = None) -> None:
    """List the high point (highest DEM cell) of every district, highest first.

    Districts: the admin units of level district (communes in a 2-tier project). Give a
    high point's lon,lat to `kvpt terrain viewshed --from` to see what it overlooks.
    --json prints {"dem", "records": [{unit, code, name, elevation_m, lon, lat}, ...]};
    --out .csv or .gpkg (points).
    """
    def text(result: Result) -> None:
        typer.echo(f"DEM: {result.values['dem']}")
        print_table(result.main[["code", "name", "elevation_m", "lon", "lat"]], index=False)

    emit_result(analyses.high_points(open_project(project), dem=dem), as_json=as_json,
                out=out, text=text, layer="high_points")


@terrain_app.command()
@handles_errors
def los(
    project: ProjectArg,
    from_: Annotated[str, typer.Option("--from", help=f"Observer. {POSITION_HELP}")],
    to: Annotated[str, typer.Option("--to", help=f"Target. {POSITION_HELP}")],
    observer_m: Annotated[float, typer.Option(help="Eye height above ground (m).")] = 2.0,
    target_m: Annotated[float, typer.Option(help="Target height above ground (m).")] = 2.0,
    curvature: CurvatureOpt = True,
    dem: DemOpt = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Line of sight between two positions over the DEM.

    The sight line runs from the observer's eye to the target's top; the terrain is read
    every half cell between them (bilinear). --json prints one record: from, from_code,
    from_name, to, to_code, to_name, visible, distance_m, min_clearance_m (least height of
    the line above the terrain; negative: blocked), blocked_at_m, blocked_lon, blocked_lat
    (the first blocking point), from_ground_m, to_ground_m, observer_m, target_m, dem.
    """
    def text(result: Result) -> None:
        row = result.main.iloc[0]
        verdict = "VISIBLE" if row["visible"] else (
            f"BLOCKED at {row['blocked_at_m']:.0f} m ({row['blocked_lon']:.5f}, "
            f"{row['blocked_lat']:.5f})")
        typer.echo(f"{row['from_name'] or row['from']} -> {row['to_name'] or row['to']}: "
                   f"{verdict}; distance {row['distance_m']:.0f} m, least clearance "
                   f"{row['min_clearance_m']:.1f} m.")

    result = analyses.sight_line(open_project(project), from_, to, observer_m=observer_m,
                                 target_m=target_m, curvature=curvature, dem=dem)
    emit_result(result, as_json=as_json, out=out, text=text, layer="line_of_sight")


@terrain_app.command()
@handles_errors
def viewshed(
    project: ProjectArg,
    from_: Annotated[list[str], typer.Option(
        "--from", help=f"Observer (repeatable: the union of their views). {POSITION_HELP}")],
    radius_km: Annotated[float, typer.Option(help="Radius looked at (km).")] = 10.0,
    observer_m: Annotated[float, typer.Option(
        help="Eye (or sensor) height above ground (m).")] = 10.0,
    target_m: Annotated[float, typer.Option(
        help="Height above ground that must be seen (m); 0: the ground itself.")] = 0.0,
    curvature: CurvatureOpt = True,
    dem: DemOpt = None,
    visible_out: Annotated[Path | None, typer.Option(
        "--visible-out", help="Also write the seen area as one polygon (.gpkg or .csv).")
    ] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Viewshed of positions (air-defense positions, high points) and the area seen per unit.

    A DEM cell is seen when the line from an eye to the cell's centre (raised by
    --target-m) passes above all the terrain between them; with several --from, a cell
    seen by any of them is seen. The seen area is shared among the districts (communes in
    a 2-tier project). --json prints {"observers": [{observer, code, name, lon, lat,
    ground_m, visible_km2}, ...], "radius_km", "observer_m", "target_m", "visible_km2",
    "looked_km2", "visible_pct", "dem", "units": [{unit, code, name, area_km2, seen_km2,
    seen_pct}, ...]}; --out writes the units (.csv, .gpkg).
    """
    from layers.tables import write_table

    def text(result: Result) -> None:
        v = result.values
        for o in result.tables["observers"].itertuples():
            typer.echo(f"{o.name or o.observer} (ground {o.ground_m} m, eye +{v['observer_m']}"
                       f" m) sees {o.visible_km2:.2f} km².")
        typer.echo(f"Together, radius {v['radius_km']} km on {v['dem']}: "
                   f"{v['visible_km2']:.2f} km² of {v['looked_km2']:.2f} km² "
                   f"({v['visible_pct']} %).")
        if len(result.main):
            print_table(result.main[["code", "name", "area_km2", "seen_km2", "seen_pct"]],
                        index=False)

    result = analyses.viewshed(open_project(project), from_, radius_km=radius_km,
                               observer_m=observer_m, target_m=target_m,
                               curvature=curvature, dem=dem)
    if visible_out is not None:
        write_table(result.tables["visible"], visible_out, layer="viewshed")
    emit_result(result, as_json=as_json, out=out, text=text, layer="viewshed_units")


def _stored_text(result: Result) -> None:
    rec = result.main.iloc[0]
    v = result.values
    typer.echo(f"Stored DEM {rec['name']!r} v{rec['version']}: {rec['width']} x "
               f"{rec['height']} cells of {rec['cell_m']:g} m in {rec['crs']} (from "
               f"{v['source_crs']}), elevations {v['elevation_min_m']}–{v['elevation_max_m']}"
               f" m, {v['nodata_pct']} % without data.")
    if rec["note"]:
        typer.echo(f"Note: {rec['note']}")


@terrain_app.command("map")
@handles_errors
def map_(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output HTML file (standalone, works offline).")],
    viewshed_from: Annotated[list[str] | None, typer.Option(
        "--viewshed-from", help="Also draw the viewshed of this position (repeatable). "
                                f"{POSITION_HELP}")] = None,
    radius_km: Annotated[float, typer.Option(help="Viewshed radius (km).")] = 10.0,
    observer_m: Annotated[float, typer.Option(help="Viewshed eye height (m).")] = 10.0,
    dem: DemOpt = None,
    lang: Annotated[str, typer.Option(help="Legend language: vi or en.")] = "vi",
) -> None:
    """Write the project's offline HTML map with the DEM's hillshade (and a viewshed).

    The map of `kvpt map` with the hillshade of the DEM as an overlay between the basemap
    and the project's layers (embedded in the page: no internet needed), and with
    --viewshed-from the seen area of that position as a layer of its own.
    """
    import folium

    from layers.errors import LayerError
    from maps.hillshade import add_layer, add_to_map
    from maps.offline import standalone_html
    from maps.project import store_map

    if lang not in ("vi", "en"):
        msg = f"--lang {lang!r} must be vi or en."
        raise LayerError(msg)
    proj = open_project(project)
    grid, rec = analyses.load_grid(proj, dem)
    fmap = store_map(proj.reader, lang=lang, assets="inline")
    add_to_map(fmap, grid, name=f"{'Địa hình' if lang == 'vi' else 'Relief'} ({rec.name})")
    if viewshed_from:
        seen = analyses.viewshed(proj, viewshed_from, radius_km=radius_km,
                                 observer_m=observer_m, dem=dem)
        label = "Vùng nhìn thấy" if lang == "vi" else "Seen area"
        add_layer(fmap, folium.GeoJson(
            seen.tables["visible"].to_json(), name=label, style_function=lambda _: {
                "color": "#d81b60", "weight": 1, "fillColor": "#d81b60", "fillOpacity": 0.25}))
    out.write_text(standalone_html(fmap), encoding="utf-8")
    typer.echo(f"Wrote {out}")


@terrain_app.command("print")
@handles_errors
def print_(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output file: .pdf or .png.")],
    layers: Annotated[list[str] | None, typer.Option(
        "--layers", help="Layer to draw (repeatable; default: every layer).")] = None,
    extent: Annotated[str | None, typer.Option(
        help="A district or commune name, or minx,miny,maxx,maxy in degrees.")] = None,
    title: Annotated[str | None, typer.Option(help="Title of the sheet.")] = None,
    paper: Annotated[str, typer.Option(help="A4 or A3.")] = "A4",
    lang: Annotated[str, typer.Option(help="Language of the sheet: vi or en.")] = "vi",
    dem: DemOpt = None,
    dpi: Annotated[int, typer.Option(min=30, max=1200, help="Pixels per inch of a PNG."
                                     )] = 150,
) -> None:
    """Print a map sheet (PDF or PNG) like `kvpt print`, with the DEM's hillshade.

    The hillshade lies above the muted basemap and below the project's layers.
    """
    from layers.errors import LayerError
    from maps.hillshade import add_to_sheet
    from maps.print_layout import SheetSpec, project_sheet, save_sheet
    from planning import prints

    if out.suffix.lower() not in (".pdf", ".png") or lang not in ("vi", "en"):
        msg = f"Output {out.name!r} must end in .pdf or .png, and --lang be vi or en."
        raise LayerError(msg)
    proj = open_project(project)
    grid, rec = analyses.load_grid(proj, dem)
    found = prints.print_inputs(proj, layers=layers, extent=extent)
    spec = SheetSpec(title=title, paper=paper, lang=lang, **found.sheet_options(None))
    sheet = project_sheet(proj.reader, found.layers, spec)
    relief = "Địa hình" if lang == "vi" else "Relief"
    add_to_sheet(sheet, grid, label=f"{relief}: {rec.name} v{rec.version}"
                 + (" — FICTIONAL" if rec.note and lang == "en" else ""))
    save_sheet(sheet, out, dpi=dpi)
    typer.echo(f"Wrote {out} (scale 1:{round(sheet.frame.scale):,}, with hillshade)")
