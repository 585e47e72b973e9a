"""``kvpt appraise``: proposed projects against defense works."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import (
    JsonOpt,
    ProjectArg,
    _open,
    _print_json,
    _records,
    app,
    handles_errors,
)
from layers.errors import LayerError


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
