"""``kvpt`` plan-period and roadmap commands: periods, roadmap."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import (
    JsonOpt,
    OutOpt,
    ProjectArg,
    app,
    emit,
    emit_result,
    handles_errors,
    open_project,
    print_table,
)


@app.command()
@handles_errors
def periods(
    project: ProjectArg,
    add: Annotated[tuple[str, int, int] | None, typer.Option(
        "--add", metavar="NAME FIRST LAST",
        help="Add a plan period, e.g. --add 2031-2035 2031 2035 (years may not overlap "
             "another period's).")] = None,
    remove: Annotated[str | None, typer.Option(
        help="Remove the plan period of this name.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Show or change the plan periods (giai đoạn) of the project.

    While the project stores none, the periods are those of the settings
    (plan_period_first_year, plan_period_years, plan_period_count: 2016-2020, 2021-2025,
    2026-2030; a default of this tool, not from a regulation); the first --add or --remove
    stores them with the change. --json prints name, first_year, last_year.
    """
    from planning import roadmap

    proj = open_project(project)
    if add is not None:
        roadmap.add_period(proj, add[0], add[1], add[2])
        typer.echo(f"Added plan period {add[0]} ({add[1]}-{add[2]}).", err=as_json)
    if remove is not None:
        roadmap.remove_period(proj, remove)
        typer.echo(f"Removed plan period {remove}.", err=as_json)
    emit(roadmap.periods(proj), as_json=as_json, out=None)


@app.command()
@handles_errors
def roadmap(
    project: ProjectArg,
    import_file: Annotated[Path | None, typer.Option(
        "--import", help="First add the updates of this CSV (columns work_code or work_id, "
                         "year, planned_pct, actual_pct; optional start_year, finish_year, "
                         "note; Vietnamese names ma_cong_trinh, nam, ke_hoach, thuc_hien "
                         "accepted), all or nothing.")] = None,
    year: Annotated[int | None, typer.Option(
        help="Year the percentages are read at (default: the last year of the roadmap, "
             "else this year).")] = None,
    history: Annotated[bool, typer.Option(
        "--history", help="Print every update (who, when) instead of the works.")] = False,
    author: Annotated[str | None, typer.Option(
        help="Who makes the update (default: the signed-in user, else the login name).")
    ] = None,
    encoding: Annotated[str | None, typer.Option(
        help="Text encoding of the CSV: utf-8, cp1258, tcvn3 or vni; detected when "
             "omitted.")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Show or import the construction roadmap (lộ trình xây dựng) of the defense works.

    Every update is kept (who, when): an import adds rows to the history and changes
    none. A work's completion at year Y is the latest actual_pct recorded for a year <= Y,
    else its layer's percent_complete (or status); the targets use it (kvpt targets
    --year, --period). An import refuses, naming each bad line: unknown work codes
    (quoted), years outside every plan period (kvpt periods), percentages outside 0-100
    or not numbers (a formula such as =1 is not a number), a start after the finish, the
    same work and year twice.

    Rows are matched to the works by work_code (a row id "<layer>:<row>" changes with a
    new version of the layer; the id is used only for a work without a code): after a
    re-import each work keeps its roadmap, and rows whose work is no longer found are
    left out with a warning on stderr (so are the moves, here only).

    --json prints one record per work: work_id, work_code, work_name, kind, start_year,
    finish_year, planned_pct, actual_pct (as of --year), attribute_pct, completion_pct,
    completion_source (roadmap, attribute or none); with --history the updates: work_layer, work_id,
    work_code, work_name, year, planned_pct, actual_pct, start_year, finish_year, note,
    author, saved_at. --out writes the same table (.csv).
    """
    from planning import roadmap as planning_roadmap

    proj = open_project(project)
    if import_file is not None:
        who = author if author is not None else _login()
        added = planning_roadmap.import_roadmap(proj, import_file, encoding=encoding,
                                                author=who)
        typer.echo(f"Added {len(added)} roadmap updates from {import_file.name}.",
                   err=as_json)
    result = planning_roadmap.roadmap(proj, year=year)
    if history:
        emit(result.tables["history"], as_json=as_json, out=out, layer="roadmap_history")
        return
    emit_result(result, as_json=as_json, out=out, layer="roadmap",
                text=_roadmap_text if out is None else None)


def _roadmap_text(result: Any) -> None:
    typer.echo(f"Roadmap as of {result.values['year']}:")
    print_table(result.main, index=False)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
