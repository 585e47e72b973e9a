"""``kvpt appraise``: proposed projects against defense works."""

from __future__ import annotations

from enum import StrEnum
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
from cli.prints import Lang


class Engine(StrEnum):
    """Who finds and measures the pairs of ``kvpt appraise``."""

    memory = "memory"
    postgis = "postgis"
    dask = "dask"


@app.command()
@handles_errors
def appraise(
    project: ProjectArg,
    proposals: Annotated[str, typer.Option(help="Layer of proposed projects (polygons).")],
    zone: Annotated[list[str] | None, typer.Option(
        help="Protection-zone width override, KIND=METRES; repeatable.")] = None,
    search_m: Annotated[float | None, typer.Option(help="Search distance in metres.")] = None,
    near_m: Annotated[float | None, typer.Option(help="'near' distance in metres.")] = None,
    belt_m: Annotated[float | None, typer.Option(
        help="Border belt width in metres along a border line (default: the setting "
             "border_belt_m, 1000, not from a regulation).")] = None,
    dual_use_m: Annotated[float | None, typer.Option(
        help="Protection-zone width in metres of dual-use infrastructure (default: the "
             "setting dual_use_zone_m, 200, not from a regulation).")] = None,
    opinions: Annotated[Path | None, typer.Option(
        help="Write the written opinion on every project to this .csv: the saved one, "
             "else the draft (proposal_id, proposal_code, proposal_name, verdict, opinion, "
             "status, author, saved_at, layer_versions, layers_changed).")] = None,
    save_opinions: Annotated[bool, typer.Option(
        "--save-opinions", help="Keep the drafted opinion of every project without a "
                                "saved one in the project (author, time, layer versions)."
    )] = False,
    author: Annotated[str, typer.Option(
        help="Author of saved opinions when the project has no users.")] = "",
    opinion_lang: Annotated[Lang, typer.Option(
        help="Language of drafted opinions.")] = Lang.vi,
    engine: Annotated[Engine, typer.Option(
        help="Who finds and measures the pairs: memory (default), postgis: the SQL of "
             "the project's PostGIS database (a postgresql:// project), or dask: "
             "dask-geopandas partitions of the proposals (extra kvpt-planner[dask]; on "
             "this machine, or on a cluster with --cluster); same table.")
    ] = Engine.memory,
    partitions: Annotated[int | None, typer.Option(
        help="Partitions of the proposals with --engine dask (default: the setting "
             "dask_partitions, else 2).")] = None,
    cluster: Annotated[str | None, typer.Option(
        help="With --engine dask: address of a running dask.distributed scheduler "
             "(tcp://host:8786) whose workers run the partitions; default: this machine's "
             "threads.")] = None,
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
    total_zone_overlap_m2], "pairs": [one per pair], "zones": [defense-economic zones
    within the search distance: proposal_id, zone, zone_code, zone_name, distance_m,
    overlap_m2, share_pct]}. --out writes the pairs.

    Works are the defense works (military zones included; a zone's own zone_width_m
    wins), the border (inside the belt: protection_zone), and infrastructure whose
    dual_use is yes (with work_class, load_class, runway_length_m).
    """
    from planning import appraisal
    from planning.appraisal_works import parse_widths
    from planning.params import parse_zones

    zones = parse_zones(zone)
    zones.update(parse_widths(belt_m=belt_m, dual_use_m=dual_use_m))
    proj = open_project(project)
    result = appraisal.appraise(proj, proposals, zones=zones,
                                search_m=search_m, near_m=near_m, engine=engine.value,
                                partitions=partitions, cluster=cluster)
    if save_opinions or opinions is not None:
        _opinions(proj, result, opinions, save=save_opinions, author=author,
                  lang=str(opinion_lang))
    emit_result(result, as_json=as_json, out=out, text=_text if out is None else None,
                layer="appraisal")


def _opinions(proj: Any, result: Any, out: Path | None, *, save: bool, author: str,
              lang: str) -> None:
    """Save the drafts of unsaved opinions and/or write every opinion to ``out``."""
    from layers.tables import write_table
    from planning import opinion_records

    table = opinion_records.opinion_table(proj, result, lang=lang)
    if save:
        drafts = table[table["status"] == "drafted"]
        added = opinion_records.save_opinions(
            proj, result, dict(zip(drafts["proposal_id"], drafts["opinion"], strict=True)),
            author=author)
        typer.echo(f"Saved {len(added)} opinion(s) in the project.", err=True)
        table = opinion_records.opinion_table(proj, result, lang=lang)
    if out is not None:
        write_table(table, out)
        typer.echo(f"Wrote {len(table)} opinion(s) to {out}", err=True)


def _text(result: Any) -> None:
    print_table(result.tables["projects"].drop(columns="index"))
    typer.echo("")
    print_table(result.main.drop(columns="index"), index=False)
    zones = result.tables.get("zones")
    if zones is not None and len(zones):
        typer.echo("\nDefense-economic zones within the search distance:")
        print_table(zones.drop(columns="index"), index=False)
