"""``kvpt``: the KVPT Planner command line for GIS staff.

Every command takes the project GeoPackage first. Bad input exits with status 2
and one line on stderr; the project file is then unchanged.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from layers.errors import LayerError, MissingCRSError

app = typer.Typer(
    help="KVPT Planner: layers, appraisal and maps for provincial defense-area planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ProjectArg = Annotated[Path, typer.Argument(help="Project GeoPackage (.gpkg).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON records instead of text.")]


def _fail(message: str) -> None:
    typer.echo(f"kvpt: error: {message}", err=True)
    raise typer.Exit(2)


def handles_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected errors into one line on stderr and exit status 2."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except MissingCRSError as err:
            codes = ", ".join(c.code for c in err.candidates[:3])
            hint = f" Candidates from the coordinates: {codes}." if codes else ""
            _fail(f"{err}{hint if codes and codes not in str(err) else ''}")
        except (LayerError, ValueError) as err:
            _fail(str(err).replace("\n", " "))

    return wrapper


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _open(project: Path):  # noqa: ANN202 - ProjectStore, imported lazily
    from layers.store import ProjectStore

    return ProjectStore(project)


@app.command()
@handles_errors
def init(project: ProjectArg) -> None:
    """Create an empty project GeoPackage."""
    from layers.store import ProjectStore

    ProjectStore.init(project)
    typer.echo(f"Created project {project}")


@app.command("import")
@handles_errors
def import_(
    project: ProjectArg,
    file: Annotated[Path, typer.Argument(help="Shapefile (.zip or .shp), .gpkg, .geojson, "
                                              ".kml, .kmz or .csv.")],
    kind: Annotated[str | None, typer.Option(help="Layer kind (see `kvpt kinds`); "
                                                  "guessed from the name when omitted.")] = None,
    name: Annotated[str | None, typer.Option(help="Layer name in the project.")] = None,
    crs: Annotated[str | None, typer.Option(help="CRS when the file has none, e.g. "
                                                 "EPSG:9215 (VN-2000 Lạng Sơn TM-3).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding: utf-8, cp1258, tcvn3 "
                                                      "or vni; detected when omitted.")] = None,
    layer: Annotated[str | None, typer.Option(help="Only this layer of the source.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a file into the project (all or nothing).

    Prints per layer: layer, kind, features, source CRS, encoding, repaired, version.
    """
    from layers.importer import plan_import, run_import

    store = _open(project)
    plans = plan_import(file, kind=kind, name=name, crs=crs, encoding=encoding, layer=layer)
    results = [r.as_dict() for r in run_import(store, plans)]
    if as_json:
        _print_json(results)
        return
    for r in results:
        typer.echo(f"{r['layer']}: kind={r['kind']} features={r['features']} "
                   f"source_crs={r['source_crs']} encoding={r['encoding'] or 'n/a'} "
                   f"repaired={r['repaired']} dropped_empty={r['dropped_empty']} "
                   f"version={r['version']}")
        for w in r["warnings"]:
            typer.echo(f"  warning: {w}")
        if r["unknown_columns"]:
            typer.echo(f"  unmapped columns kept: {', '.join(r['unknown_columns'])}")


def _record_dict(rec: Any) -> dict:
    from dataclasses import asdict

    return asdict(rec)


@app.command("layers")
@handles_errors
def layers_(project: ProjectArg, as_json: JsonOpt = False) -> None:
    """List the project's layers (current versions)."""
    records = [_record_dict(r) for r in _open(project).layers()]
    if as_json:
        _print_json(records)
        return
    for r in records:
        typer.echo(f"{r['name']}\t{r['kind']}\tv{r['version']}\t{r['feature_count']} features"
                   f"\t{r['source_file']}")


@app.command()
@handles_errors
def versions(project: ProjectArg, layer: str, as_json: JsonOpt = False) -> None:
    """List every stored version of a layer."""
    records = [_record_dict(r) for r in _open(project).versions(layer)]
    if as_json:
        _print_json(records)
        return
    for r in records:
        mark = "*" if r["current"] else " "
        typer.echo(f"{mark} v{r['version']}\t{r['imported_at']}\t{r['feature_count']} features"
                   f"\t{r['source_file']}\t{r['note']}")


@app.command()
@handles_errors
def restore(project: ProjectArg, layer: str, version: int) -> None:
    """Make an earlier version of a layer current again (as a new version)."""
    rec = _open(project).restore(layer, version)
    typer.echo(f"{rec.name}: restored version {version} as version {rec.version}")


@app.command()
@handles_errors
def export(
    project: ProjectArg,
    layer: str,
    out: Annotated[Path, typer.Argument(help="Output: .gpkg .geojson .kml .csv or .zip "
                                             "(shapefile, UTF-8).")],
    version: Annotated[int | None, typer.Option(help="Version (current by default).")] = None,
) -> None:
    """Export a layer; the format follows the extension of OUT."""
    from layers.export import export_layer

    gdf = _open(project).read(layer, version)
    path = export_layer(gdf, out, layer_name=layer)
    typer.echo(f"Wrote {len(gdf)} features to {path}")


@app.command()
def kinds() -> None:
    """List the layer kinds and their attributes."""
    from layers.kinds import KINDS

    for k in KINDS.values():
        req = ", ".join(a.name for a in k.required) or "-"
        opt = ", ".join(a.name for a in k.optional) or "-"
        geoms = "/".join(sorted(k.geometry_types))
        typer.echo(f"{k.key}\t{k.label_vi} ({k.label_en})\t{geoms}\trequired: {req}"
                   f"\toptional: {opt}")


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


@app.command("map")
@handles_errors
def map_(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output HTML file (standalone, works offline).")],
    title: Annotated[str | None, typer.Option(help="Map title.")] = None,
    lang: Annotated[str, typer.Option(help="Legend language: vi or en.")] = "vi",
) -> None:
    """Write a standalone HTML map of the project (no internet needed to open it)."""
    from maps.offline import standalone_html
    from maps.project import store_map

    m = store_map(_open(project), title=title or project.stem, lang=lang, assets="inline")
    out.write_text(standalone_html(m), encoding="utf-8")
    typer.echo(f"Wrote {out}")


@app.command()
@handles_errors
def demo(project: ProjectArg) -> None:
    """Build the demo project: real Lạng Sơn geography with FICTIONAL defense assets."""
    from layers.demo import build_demo

    records = build_demo(project)
    typer.echo(f"Built demo project {project} with {len(records)} layers "
               "(defense assets are fictional).")


# --- posture commands (posture, depth, support) ---

# --- network commands (route, chokepoints) ---

# --- relocation commands (relocate) ---

# --- exercise commands (exercises, targets) ---


def main() -> None:
    """Run the command line."""
    app()


if __name__ == "__main__":
    sys.exit(main())
