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
    kind: Annotated[str, typer.Option(
        help="What to plan: commune (commune combat-defense exercises), district (district "
             "defense-area exercises), rescue (district flood and search-and-rescue "
             "exercises) or province (the province defense-area exercise); the last three "
             "plan every unit once in each plan period (settings plan_period_first_year, "
             "plan_period_years: 2026-2030, ...; seed 003: 100 %), spread evenly over the "
             "period, longest-waiting first. --json then prints unit_code, unit_name, year, "
             "last_exercised, waited_years.")] = "commune",
    encoding: Annotated[str | None, typer.Option(
        help="Text encoding of the CSV: utf-8, cp1258, tcvn3 or vni; detected when "
             "omitted.")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Plan the commune combat-defense exercise rotation (diễn tập) for the next years.

    Each year plans 20-25 % of the communes (settings exercise_share_min/max, seed 003),
    no commune more than the cycle (5 years, setting exercise_cycle_years) after its last
    exercise whenever the cap allows it; within that, longest-waiting first (never
    exercised first, then the oldest last exercise), spread across districts by size;
    ties by code. The communes
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
    result = planning_exercises.rotation(proj, years=years, start=start, kind=kind)
    if not as_json:
        print_table(result.tables["summary"], index=False,
                    formatters={"share": "{:.1%}".format,
                                "units_share": "{:.1%}".format})
        typer.echo("")
    emit_result(result, as_json=as_json, out=out, layer="exercise_plan")


@app.command()
@handles_errors
def targets(
    project: ProjectArg,
    year: Annotated[int | None, typer.Option(
        help="Year of the targets (default: the last year with records, else this "
             "year).")] = None,
    period: Annotated[str | None, typer.Option(
        help="Instead: the province's targets for every year of this plan period (a name "
             "of `kvpt periods`, e.g. 2021-2025); 'all' for every period. --json then "
             "prints records period, year, measure, value, achieved, total, target_min, "
             "target_max, status.")] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Progress towards the plan targets, per district and for the province.

    The combat bases and training grounds count as of the year: a work's completion is
    the latest actual_pct of its construction roadmap for a year <= the year (kvpt
    roadmap), else its percent_complete (or status). Plan periods are the project's
    (kvpt periods).

    Targets (settings.targets, shares 0-1): commune_exercise (communes exercised in the
    year / communes, 20-25 %, seed 003); district_exercise, province_exercise and
    rescue_exercise (districts / the province with a defense-area, resp. flood and
    search-and-rescue exercise in the plan period up to the year, 100 %, seed 003; periods
    of settings.plan_period_years from plan_period_first_year: 2016-2020, 2021-2025, ...);
    training_ground (build progress: mean completion of the district- and province-level
    training grounds, 20-30 %, seed 003; setting training_ground_measure = 'district_share'
    measures the share of districts holding one instead); combat_base_completion (mean of
    percent_complete/100, or of the status, over the combat bases; 100 % by default, not
    from a regulation).

    --json prints {"year": Y, "province": [measure, value, achieved, total, target_min,
    target_max, status], "records": [one per district: district_code, district_name,
    communes, exercised, exercise_share, exercise_status, district_exercised,
    rescue_exercised, training_grounds, has_training_ground, ground_progress, combat_bases,
    base_completion, base_status]}; status is below,
    within, above or no_data. --out writes the per-district table (.csv).
    """
    from planning import exercises as planning_exercises

    if period is not None:
        result = planning_exercises.targets_by_year(
            open_project(project), period=None if period == "all" else period)
        emit_result(result, as_json=as_json, out=out, layer="targets_by_year",
                    text=_by_year_text if out is None else None)
        return
    result = planning_exercises.targets(open_project(project), year=year)
    emit_result(result, as_json=as_json, out=out, layer="targets",
                text=_targets_text if out is None else None)


def _by_year_text(result: Any) -> None:
    table = result.main
    for name in dict.fromkeys(table["period"]):
        mine = table[table["period"] == name]
        typer.echo(f"Plan period {name} (value per year; status in --json):")
        print_table(mine.pivot(index="measure", columns="year", values="value")
                    .reindex(list(dict.fromkeys(mine["measure"]))).round(3))
        typer.echo("")


def _targets_text(result: Any) -> None:
    typer.echo(f"Targets in {result.values['year']}:")
    print_table(result.tables["province"], index=False)
    typer.echo("")
    print_table(result.main)
