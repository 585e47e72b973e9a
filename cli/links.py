"""``kvpt links``: economic facilities linked to bases (:mod:`planning.links`)."""

from __future__ import annotations

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
def links(project: ProjectArg, as_json: JsonOpt = False, out: OutOpt = None) -> None:
    """Economic facilities linked to bases: each base's facilities and their distance.

    A defense-economic zone or a designated enterprise names the base it serves by the
    base's code in its base_code attribute (several codes separated by ';' or ','; case
    and surrounding spaces ignored). Bases: combat, rear and logistics-technical bases
    (setting link_base_kinds). The distance is the shortest distance between the two
    shapes (0 when they touch), in the metric CRS. A code that names no base, or several,
    is flagged (status unknown_base / ambiguous_base) and warned about on stderr.

    --json prints {"links": [...], "bases": [...]}. links: facility ('<layer>:<row>'),
    facility_kind, facility_code, facility_name, base_code (as written), base
    ('<layer>:<row>', empty unless linked), base_name, distance_m (null unless linked),
    status (linked, unknown_base, ambiguous_base, not_linked). bases: base, kind, code,
    name, n_facilities, facilities (ids separated by '; '), max_distance_m. --out writes
    the links (.csv). Text mode prints the counts, the links that name a base code and
    the table per base.
    """
    from planning import links as planning_links

    result = planning_links.facility_links(open_project(project))

    def text(result: Result) -> None:
        values = result.values
        typer.echo(f"{values['n_linked']} links to bases, {values['n_unknown']} to unknown or "
              f"ambiguous base codes, {values['n_not_linked']} of {values['n_facilities']} "
              "facilities name no base.")
        named = result.main[result.main["status"] != "not_linked"]
        if len(named):
            print_table(named.drop(columns=["facility_kind"]).round(1))
        typer.echo("Per base:")
        print_table(result.tables["bases"].drop(columns=["facilities"]).round(1))

    emit_result(result, as_json=as_json, out=out, text=text, layer="links")
