"""What every ``kvpt`` command shares: the app, options, error handling, one output path."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from geo.errors import AnalysisInputError
from layers.errors import LayerError, MissingCRSError

app = typer.Typer(
    help="KVPT Planner: layers, appraisal, posture, road network, relocation, exercises and "
         "maps for provincial defense-area (KVPT) planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: paragraphs reflow to the terminal, no markup eaten
)

ProjectArg = Annotated[Path, typer.Argument(
    help="Project GeoPackage (.gpkg) or PostGIS URL (postgresql://USER@HOST:PORT/DB?schema=P).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON records instead of text.")]
OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Also write the result: .csv (UTF-8, geometry as WKT) or .gpkg.")]

LinesOpt = Annotated[list[str] | None, typer.Option(
    "--lines", help="Road layer(s) to route on, every line of them (repeatable). Default: the "
                    "lines of every infrastructure layer whose class is a road class.")]
SpeedOpt = Annotated[list[str] | None, typer.Option(
    "--speed", help="Speed of a road class, CLASS=KMH (repeatable), e.g. national_road=60; "
                    "adds the class to the road network.")]
OffroadOpt = Annotated[float | None, typer.Option(
    help="Speed off the road (connector from a feature to the nearest road), km/h "
         "(default: setting offroad_speed_kmh).")]



def _fail(message: str) -> None:
    from layers.messages_input import escape  # no terminal control bytes reach the screen

    typer.echo(f"kvpt: error: {escape(message)}", err=True)
    raise typer.Exit(2)


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn bad input into one line on stderr and exit status 2.

    Bad input is a :class:`layers.errors.LayerError` (which includes
    :class:`planning.errors.PlanningError`) or a :class:`geo.errors.AnalysisInputError`.
    Any other exception, a plain ``ValueError`` included, is a bug: it propagates with its
    traceback.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MissingCRSError as err:
            codes = ", ".join(c.code for c in err.candidates[:3])
            hint = f" Candidates from the coordinates: {codes}." if codes else ""
            _fail(f"{err}{hint if codes and codes not in str(err) else ''}")
        except (LayerError, AnalysisInputError) as err:
            _fail(str(err).replace("\n", " "))

    return wrapper


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


_ACTING: dict[str, str | None] = {"user": None}
UserOpt = Annotated[str | None, typer.Option(
    "--user", envvar="KVPT_USER", show_envvar=True,
    help="Act as this user of a project with users; the password comes from KVPT_PASSWORD "
         "or a prompt.")]


@app.callback()
def _acting_user(user: UserOpt = None) -> None:
    """KVPT Planner: the `kvpt` command (see `kvpt COMMAND --help`)."""
    _ACTING["user"] = user


def _open(project: Path, user: str | None = None):  # noqa: ANN202 - ProjectStore, lazily
    """Open the store (GeoPackage or PostGIS URL); with users, signed in (:mod:`cli.users`)."""
    from layers.store_open import open_store

    store = open_store(project)
    if not store.has_users():
        return store
    from cli.users import sign_in

    return sign_in(store, user or _ACTING["user"])


def _records(frame: Any) -> list[dict]:
    return json.loads(frame.reset_index(drop=False).to_json(orient="records", force_ascii=False))


def records(frame: Any) -> list[dict]:
    """Return the rows of a result as JSON-ready dicts (geometry left out, NaN as null)."""
    import pandas as pd

    plain = pd.DataFrame(frame.drop(columns=frame.geometry.name)
                         if hasattr(frame, "geometry") and "geometry" in frame else frame)
    return json.loads(plain.to_json(orient="records", force_ascii=False))


OutOpt = Annotated[Path | None, typer.Option(
    "--out", help="Also write the result: .csv (UTF-8, geometry as WKT) or .gpkg.")]


def emit(frame: Any, *, as_json: bool, out: Path | None, layer: str = "result",
         extra: dict | None = None) -> None:
    """Print a result as text or JSON records and write it to ``--out`` when asked.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The result rows.
    as_json : bool
        Print ``records(frame)`` (or ``{**extra, "records": ...}`` when ``extra``) as JSON.
    out : Path, optional
        File to write (format by extension, see :func:`layers.tables.write_table`).
    layer : str
        Layer name inside a GeoPackage.
    extra : dict, optional
        More JSON fields printed beside the records.
    """
    from layers.tables import write_table

    if out is not None:
        write_table(frame, out, layer=layer)
        if not as_json:
            typer.echo(f"Wrote {len(frame)} rows to {out}")
    if as_json:
        _print_json({**extra, "records": records(frame)} if extra else records(frame))
    elif out is None:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_columns", 30):
            typer.echo(pd.DataFrame(frame.drop(columns="geometry", errors="ignore")).to_string())



def emit_result(result: Any, *, as_json: bool, out: Path | None,
                text: Callable[[Any], None] | None = None, layer: str | None = None) -> None:
    """Print or write a result: the one output path of the analysis commands.

    Prints the result's warnings on stderr, writes its main table to ``--out`` (format by
    extension, see :func:`layers.tables.write_table`), prints ``result.json_data()`` with
    ``--json``, else calls ``text(result)`` (or prints the main table).

    Parameters
    ----------
    result : planning.results.Result
        What the analysis returned.
    as_json : bool
        Print JSON.
    out : Path, optional
        File for the main table.
    text : callable, optional
        Prints the result for people (text mode).
    layer : str, optional
        Layer name of the main table in a ``.gpkg`` (default: the table's name).
    """
    from layers.tables import write_table

    for warning in result.warnings:
        typer.echo(f"kvpt: warning: {warning.text('en')}", err=True)
    if out is not None:
        write_table(result.main, out, layer=layer or result.main_name)
        if not as_json:
            typer.echo(f"Wrote {len(result.main)} rows to {out}")
    if as_json:
        _print_json(result.json_data())
    elif text is not None:
        text(result)
    elif out is None:
        print_table(result.main)


def print_table(frame: Any, **kwargs: Any) -> None:
    """Print a table for people (geometry left out), as wide as needed."""
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_columns", 30):
        typer.echo(pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
                   .to_string(**kwargs))


def open_project(project: Path) -> Any:
    """Open the project for the planning layer (:class:`planning.project.Project`)."""
    from planning.project import Project

    return Project(_open(project))
