"""``kvpt appraise``: proposed projects against defense works."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from cli.common import (
    JsonOpt,
    ProjectArg,
    app,
    emit_result,
    handles_errors,
    open_project,
    print_table,
)


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
    out: Annotated[Path | None, typer.Option(
        help="Write the pair table to this file: .csv (UTF-8).")] = None,
) -> None:
    """Appraise proposed projects against defense works and their protection zones.

    Per (project, work) pair within the search distance: distance_m, overlap_m2,
    zone_overlap_m2, zone_width_m and verdict (conflict, protection_zone, near,
    clear). Every proposal and work is named by its id '<layer>:<row>', its code and its
    name: proposal (row of the proposal in its layer), proposal_id, proposal_code,
    proposal_name, work ('<layer>:<row>'), work_code, work_name, work_kind.

    --json prints {"projects": [one per project: index (its row), proposal_id,
    proposal_code, proposal_name, verdict, n_conflict, n_zone, n_near, nearest_work,
    nearest_work_code, nearest_work_name, nearest_distance_m, total_overlap_m2,
    total_zone_overlap_m2], "pairs": [one per pair]}. --out writes the pairs.
    """
    from planning import appraisal
    from planning.params import parse_zones

    zones = parse_zones(zone)
    result = appraisal.appraise(open_project(project), proposals, zones=zones,
                                search_m=search_m, near_m=near_m)
    emit_result(result, as_json=as_json, out=out, text=_text if out is None else None,
                layer="appraisal")


def _text(result: Any) -> None:
    print_table(result.tables["projects"].drop(columns="index"))
    typer.echo("")
    print_table(result.main.drop(columns="index"), index=False)
