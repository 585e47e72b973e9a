"""``kvpt mobilization``: industrial mobilization capacity (:mod:`planning.mobilization`)."""

from __future__ import annotations

from typing import Annotated

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
from planning.results import Result


@app.command()
@handles_errors
def mobilization(
    project: ProjectArg,
    enterprises: Annotated[str | None, typer.Option(
        help="Layer of designated enterprises (default: every layer of kind enterprise).")
    ] = None,
    as_json: JsonOpt = False,
    out: OutOpt = None,
) -> None:
    """Mobilization capacity of the designated enterprises per district and direction.

    Reads each enterprise's products, production_line, mobilization_capacity in
    capacity_unit, readiness (ready, partial, not_ready; Vietnamese spellings such as
    'sẵn sàng', 'một phần', 'chưa sẵn sàng' too; blank: unknown), must_relocate (yes/no,
    blank: yes) and needs_water / needs_power (blank: no). Its district is the admin unit
    of level district holding it; its direction the sector of the setting
    mobilization_directions holding its grid bearing from the province's centroid, both
    measured in the metric CRS. Capacities are summed per unit, never across units.

    --json prints exactly {"enterprises": [...], "districts": [...], "directions": [...],
    "readiness": {...}}. enterprises: enterprise, name, products, production_line,
    mobilization_capacity, capacity_unit, readiness, must_relocate, needs_water,
    needs_power, district (code), district_name, direction, bearing_deg, distance_km (from
    the centre). districts (district, district_name) and directions (direction), one row
    per unit present: capacity_unit, n_enterprises, capacity_total, n_ready, n_partial,
    n_not_ready, n_unknown, n_must_relocate. readiness: the count per level. Labels are
    the layer's code values when unique, else row numbers.

    --out writes the enterprise table: .csv (point as WKT) or .gpkg (points).
    """
    from planning import mobilization as planning_mobilization

    result = planning_mobilization.report(open_project(project), enterprises=enterprises)
    emit_result(result, as_json=as_json, out=out, text=_print_report, layer="mobilization")


def _print_report(result: Result) -> None:
    v = result.values
    levels = ", ".join(f"{k} {n}" for k, n in v["readiness"].items())
    typer.echo(f"{v['n_enterprises']} designated enterprises, {v['n_must_relocate']} must "
               f"relocate; readiness: {levels}.")
    for key, title in (("districts", "By district"), ("directions", "By direction")):
        typer.echo("")
        typer.echo(f"{title}:")
        table = result.tables[key]
        if len(table):
            print_table(table.round(2), index=False, na_rep="")
        else:
            typer.echo("none")
