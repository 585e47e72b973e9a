"""``kvpt`` commands for printed maps: print (a PDF or PNG sheet) and settings."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.common import ProjectArg, app, handles_errors, open_project


class Paper(StrEnum):
    """Paper sizes of a sheet."""

    A4 = "A4"
    A3 = "A3"


class Grid(StrEnum):
    """Coordinate grids of a sheet (``planning.prints.GRIDS``)."""

    degrees = "degrees"
    vn2000 = "vn2000"
    none = "none"


class Lang(StrEnum):
    """Languages of a sheet."""

    vi = "vi"
    en = "en"


@app.command("print")
@handles_errors
def print_(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output sheet: .pdf (vector, text kept) or "
                                             ".png.")],
    layers: Annotated[list[str] | None, typer.Option(
        "--layers", help="Layer to draw (repeatable); default: every layer.")] = None,
    title: Annotated[str | None, typer.Option(
        help="Title (default: the province's defense-area map, as on the web map).")] = None,
    subtitle: Annotated[str | None, typer.Option(
        help="Subtitle (default: the area of --extent).")] = None,
    paper: Annotated[Paper, typer.Option(help="Paper size.")] = Paper.A3,
    portrait: Annotated[bool | None, typer.Option(
        "--portrait/--landscape", help="Orientation (default: the one showing the map "
                                       "larger).", show_default=False)] = None,
    classification: Annotated[str | None, typer.Option(
        help="Classification marking printed top and bottom, e.g. 'MẬT' (default: the "
             "project setting, see `kvpt settings`; '' for none).")] = None,
    extent: Annotated[str | None, typer.Option(
        help="Area shown: a district or commune name (with or without prefix and "
             "diacritics, e.g. 'Tràng Định'), an id '<layer>:<row>', or "
             "minx,miny,maxx,maxy in degrees (EPSG:4326).")] = None,
    grid: Annotated[Grid | None, typer.Option(
        help="Coordinate grid: degree ticks (WGS 84), the VN-2000 km grid in the province's "
             "TM-3 zone, or none (default: the project setting, see `kvpt settings`; else "
             "degrees).", show_default=False)] = None,
    lang: Annotated[Lang, typer.Option(help="Language of the sheet.")] = Lang.vi,
    dpi: Annotated[int, typer.Option(min=30, max=1200,
                                     help="Pixels per inch of a PNG.")] = 150,
    hillshade: Annotated[bool, typer.Option(
        "--hillshade", help="Shade the relief from the project's newest DEM (see `kvpt "
                            "terrain list`), above the basemap and below the layers.")
    ] = False,
) -> None:
    """Print a map sheet (PDF or PNG) of the project.

    The sheet has a title, legend, scale bar, north arrow, a coordinate grid (degree ticks
    or the VN-2000 km grid), locator map, date, issuing unit, classification marking and
    sources. Drawn server-side from the bundled real layers and the project's layers (no
    internet). Prints the file written, the scale and the number of features drawn.
    """
    from maps.print_layout import SheetSpec, project_sheet, save_sheet
    from planning import prints

    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".png"):
        from layers.errors import LayerError

        msg = f"Output {out.name!r} must end in .pdf or .png."
        raise LayerError(msg)
    proj = open_project(project)
    inputs = prints.print_inputs(proj, layers=layers, extent=extent,
                                 classification=classification,
                                 grid=None if grid is None else grid.value,
                                 hillshade=hillshade, lang=lang.value)
    spec = SheetSpec(title=title, paper=paper.value, lang=lang.value,
                     landscape=None if portrait is None else not portrait,
                     **inputs.sheet_options(subtitle))
    sheet = project_sheet(proj.reader, inputs.layers, spec)
    if inputs.relief is not None:
        from maps.hillshade import add_to_sheet

        add_to_sheet(sheet, inputs.relief[0], label=inputs.relief[1])
    save_sheet(sheet, out, dpi=dpi)
    orientation = "landscape" if sheet.spec.landscape else "portrait"
    grid_note = f", VN-2000 grid every {sheet.grid[0].step / 1000:g} km" if sheet.grid else ""
    grid_note += ", with hillshade" if inputs.relief is not None else ""
    typer.echo(f"Wrote {out} ({sheet.spec.paper} {orientation}, scale "
               f"1:{round(sheet.frame.scale):,}, {len(sheet.drawn)} features drawn{grid_note})")


@app.command()
@handles_errors
def settings(
    project: ProjectArg,
    unit: Annotated[str | None, typer.Option(
        help="Issuing unit printed on sheets, e.g. 'Bộ CHQS tỉnh Lạng Sơn' ('' to "
             "unset).")] = None,
    classification: Annotated[str | None, typer.Option(
        help="Classification marking printed top and bottom of sheets, e.g. 'MẬT' or "
             "'KHÔNG MẬT' ('' to unset: no marking).")] = None,
    grid: Annotated[Grid | None, typer.Option(
        help="Coordinate grid printed by default: degrees, vn2000 (km grid in the "
             "province's VN-2000 TM-3 zone) or none.", show_default=False)] = None,
) -> None:
    """Show the project's print settings, or set them (the other settings are kept)."""
    from planning import prints

    proj = open_project(project)
    values = {"issuing_unit": unit, "classification": classification}
    if unit is not None or classification is not None:
        prints.save_settings(proj, values)
    if grid is not None:
        prints.save_grid(proj, grid.value)
    found = {**prints.read_settings(proj), prints.GRID_SETTING: prints.read_grid(proj)}
    for key, value in found.items():
        typer.echo(f"{key}: {value}")
