"""``kvpt`` exercise commands: exercises, targets."""

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
    emit,
    handles_errors,
    records,
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
