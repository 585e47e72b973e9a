"""``kvpt`` commands on the project store.

init, import, layers, versions, restore, delete, undelete, rename, export, kinds, map,
demo, copy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from cli.common import (
    JsonOpt,
    ProjectArg,
    _open,
    _print_json,
    app,
    handles_errors,
)

_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__
                                    if c.__name__ == "UsageError")


class _OneLineUsage(_UsageError):  # type: ignore[misc, valid-type]
    """A usage error printed as the one ``kvpt: error:`` line, without the usage text."""

    def show(self, file: Any = None) -> None:
        from layers.messages_input import escape

        command = self.ctx.command_path if self.ctx is not None else "kvpt"
        typer.echo(f"kvpt: error: {escape(self.format_message())} (see `{command} --help`)",
                   err=True)


class _FileCommand(TyperCommand):
    """A command whose arguments are file names: any name is a file, usage errors are one line.

    A file name starting with ``-`` (``-x.geojson``) is taken as the file, not an unknown
    option (``--`` works too: ``kvpt import P.gpkg -- -x.geojson``).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        settings = dict(kwargs.pop("context_settings", None) or {})
        settings["ignore_unknown_options"] = True
        super().__init__(*args, context_settings=settings, **kwargs)

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except _UsageError as err:
            raise _OneLineUsage(err.format_message(), ctx) from None


def _escaped(func: Callable[..., Any]) -> Callable[..., Any]:
    """Escape control characters in the text of a refusal (names and headers quoted)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from layers.errors import LayerError
        from layers.messages_input import escape

        try:
            return func(*args, **kwargs)
        except LayerError as err:
            err.args = (escape(" ".join(str(err).split())),)
            raise

    return wrapper


@app.command()
@handles_errors
def init(
    project: ProjectArg,
    admin: Annotated[str | None, typer.Option(
        "--admin", help="First user, an admin: the project then has sign-in, roles and an "
                        "audit log (password from a prompt or --password-stdin).")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the admin's password from one line of stdin.")] = False,
) -> None:
    """Create an empty project GeoPackage (with --admin: with users, roles and an audit log)."""
    from cli.users import new_password
    from layers.store_open import init_store, target_text

    password = new_password(admin, from_stdin=password_stdin) if admin is not None else None
    init_store(project, admin=admin, password=password)
    shown = target_text(project)
    if admin is None:
        typer.echo(f"Created project {shown} (no users: no sign-in, roles or audit log; "
                   f"add an admin with `kvpt user add {shown} NAME --role admin`)")
    else:
        typer.echo(f"Created project {shown} with admin {admin}")


@app.command("import", cls=_FileCommand)
@handles_errors
@_escaped
def import_(
    project: ProjectArg,
    file: Annotated[Path, typer.Argument(help="Shapefile (.zip or .shp), .gpkg, .geojson, "
                                              ".kml, .kmz or .csv (a name starting with '-' "
                                              "is a file name too).")],
    kind: Annotated[str | None, typer.Option(help="Layer kind (see `kvpt kinds`); "
                                                  "guessed from the name when omitted.")] = None,
    name: Annotated[str | None, typer.Option(help="Layer name in the project.")] = None,
    crs: Annotated[str | None, typer.Option(help="CRS when the file has none, e.g. "
                                                 "EPSG:9215 (VN-2000 Lạng Sơn TM-3).")] = None,
    encoding: Annotated[str | None, typer.Option(help="Text encoding: utf-8, cp1258, tcvn3 "
                                                      "or vni; detected when omitted.")] = None,
    layer: Annotated[str | None, typer.Option(help="Only this layer of the source.")] = None,
    level: Annotated[str | None, typer.Option(
        help="Admin level of every unit of an admin-unit layer: province, district, "
             "commune or village (also tỉnh, huyện, xã, thôn...). Inferred per unit from a "
             "level column or the names (Xã..., Huyện..., Thành phố..., Thôn..., Bản...) when "
             "omitted.")] = None,
    again: Annotated[bool, typer.Option(
        "--again", help="Store the file as a new version even when it is byte for byte "
                        "the source of the layer's current version.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Import a file into the project (all or nothing).

    Prints per layer: layer, kind, features, source CRS, encoding, repaired, version, and
    for admin units the number of units per level and how the levels were found. A file
    that is already the current version of its layer is refused unless --again is given.
    """
    from layers.errors import LayerError, UnchangedSourceError
    from layers.importer import plan_import, run_import

    store = _open(project)
    plans = plan_import(file, kind=kind, name=name, crs=crs, encoding=encoding, layer=layer,
                        level=level)
    try:
        results = [r.as_dict() for r in run_import(store, plans, allow_unchanged=again)]
    except UnchangedSourceError as err:
        msg = f"{err} Nothing was imported; add --again to store it as a new version."
        raise LayerError(msg) from None
    if as_json:
        _print_json(results)
        return
    for r in results:
        typer.echo(f"{r['layer']}: kind={r['kind']} features={r['features']} "
                   f"source_crs={r['source_crs']} encoding={r['encoding'] or 'n/a'} "
                   f"repaired={r['repaired']} dropped_empty={r['dropped_empty']} "
                   f"version={r['version']}")
        if r.get("levels"):
            counts = ", ".join(f"{k}={v}" for k, v in r["levels"].items())
            typer.echo(f"  levels: {counts} (from {r['level_source']})")
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
def delete(project: ProjectArg, layer: str) -> None:
    """Delete a layer: a new version hides it; `kvpt undelete` brings it back."""
    rec = _open(project).delete(layer)
    typer.echo(f"{layer}: deleted (version {rec.version}); undo with `kvpt undelete`.")


@app.command()
@handles_errors
def undelete(project: ProjectArg, layer: str) -> None:
    """Bring back a deleted layer (its last version before the deletion, as a new version)."""
    rec = _open(project).undelete(layer)
    typer.echo(f"{rec.name}: back as version {rec.version}")


@app.command()
@handles_errors
def rename(project: ProjectArg, layer: str, new_name: str) -> None:
    """Rename a layer; its history moves with it (rename back to undo)."""
    rec = _open(project).rename(layer, new_name)
    typer.echo(f"{layer} is now {rec.name} (version {rec.version})")


@app.command(cls=_FileCommand)
@handles_errors
@_escaped
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


@app.command("map")
@handles_errors
def map_(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output HTML file (standalone, works offline).")],
    title: Annotated[str | None, typer.Option(
        help="Map title (default: the province's defense-area map, e.g. 'Bản đồ khu vực "
             "phòng thủ – Tỉnh Lạng Sơn').")] = None,
    lang: Annotated[str, typer.Option(help="Legend language: vi or en.")] = "vi",
) -> None:
    """Write a standalone HTML map of the project (no internet needed to open it)."""
    from maps.offline import standalone_html
    from maps.project import store_map

    if lang not in ("vi", "en"):
        from layers.errors import LayerError

        msg = f"--lang {lang!r} must be vi or en."
        raise LayerError(msg)
    m = store_map(_open(project), title=title, lang=lang, assets="inline")
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


@app.command()
@handles_errors
def copy(
    source: ProjectArg,
    destination: Annotated[Path, typer.Argument(
        help="The new project: a .gpkg path or a postgresql://…?schema=NEW URL (must not "
             "exist).")],
) -> None:
    """Copy a whole project between GeoPackage and PostGIS, nothing lost.

    Layers with every version, records and settings, users with their password hashes and
    the audit log. A project with users needs its admin (--user).
    """
    from layers.pg_copy import copy_project
    from layers.store_open import target_text

    report = copy_project(_open(source), destination)
    typer.echo(f"Copied {target_text(source)} to {target_text(destination)}: "
               f"{report.layers} layers ({report.versions} versions), {report.records} "
               f"record tables, {report.users} users, {report.audit} audit rows")
