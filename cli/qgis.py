"""``kvpt qgis``: a QGIS project of the project GeoPackage."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.common import ProjectArg, _open, app, handles_errors
from layers.atomic import write_atomic

QGIS_SUFFIXES = (".qgz", ".qgs")
"""Project files QGIS opens: zipped (``.qgz``, QGIS's default) or plain XML (``.qgs``)."""


@app.command("qgis")
@handles_errors
def qgis(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(
        help="QGIS project file to write: .qgz (zipped) or .qgs (XML). It opens the project "
             "GeoPackage by a path relative to it: keep the two files together.")],
    title: Annotated[str | None, typer.Option(
        help="Project title (default: the province's defense-area map title).")] = None,
    lang: Annotated[str, typer.Option(help="Language of group names: vi or en.")] = "vi",
) -> None:
    """Write a QGIS project with every current layer, styled like the web map.

    Layers are grouped by kind, labelled like the web map and read from the GeoPackage views
    named after the layers, which always show the current version (a store without them
    gets them now). Project CRS: the metric CRS of the analyses (VN-2000 / UTM 48N).
    """
    from layers.errors import LayerError
    from maps.qgis_project import qgz_bytes, relative_source, store_qgis_project

    if lang not in ("vi", "en"):
        msg = f"--lang {lang!r} must be vi or en."
        raise LayerError(msg)
    if out.suffix.lower() not in QGIS_SUFFIXES:
        msg = (f"Cannot write a QGIS project to {out.name!r}: use .qgz or .qgs, e.g. "
               f"{out.with_suffix('.qgz').name}.")
        raise LayerError(msg)
    if not out.parent.is_dir():
        msg = f"The folder {out.parent} does not exist; create it first."
        raise LayerError(msg)
    store = _open(project)
    qgs = store_qgis_project(store, gpkg=relative_source(store.path, out),
                             views=store.layer_views(), title=title, lang=lang)
    data = qgz_bytes(qgs, f"{out.stem}.qgs") if out.suffix.lower() == ".qgz" \
        else qgs.encode("utf-8")
    write_atomic(out, data)
    typer.echo(f"Wrote {out} ({len(store.layers())} layers, read from {project.name})")
