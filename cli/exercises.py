"""``kvpt`` exercise commands: exercises, targets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

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
    oldest last exercise), spread across districts by size; ties by code. The communes
    are the admin units of level commune (a 'level' of commune, xã, phường or thị trấn),
    named by their code.

    --json prints one record per (commune, year) planned: commune_code, commune_name,
    district_code, district_name, year, last_exercised (last exercise before that year,
    recorded or planned; null if never), waited_years (year - last_exercised; null if
    never). --out writes the same table (.csv). Text output adds a per-year summary.
    """
    from planning import exercises as planning_exercises

    proj = open_project(project)
    if import_file is not None:
        parsed = planning_exercises.import_records(proj, import_file, encoding=encoding,
                                                   replace=replace)
        typer.echo(f"Imported {len(parsed.records)} exercise records from {import_file.name} "
                   f"(encoding {parsed.encoding}{', replacing the old ones' if replace else ''})"
                   + (f"; ignored columns: {', '.join(parsed.ignored_columns)}"
                      if parsed.ignored_columns else ""), err=as_json)
    result = planning_exercises.rotation(proj, years=years, start=start)
    if not as_json:
        print_table(result.tables["summary"], index=False,
                    formatters={"share": "{:.1%}".format})
        typer.echo("")
    emit_result(result, as_json=as_json, out=out, layer="exercise_plan")


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
    from planning import exercises as planning_exercises

    result = planning_exercises.targets(open_project(project), year=year)
    emit_result(result, as_json=as_json, out=out, layer="targets",
                text=_targets_text if out is None else None)


def _targets_text(result: Any) -> None:
    typer.echo(f"Targets in {result.values['year']}:")
    print_table(result.tables["province"], index=False)
    typer.echo("")
    print_table(result.main)
