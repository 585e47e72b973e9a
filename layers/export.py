"""Export a layer to a file other GIS tools, Google Earth or Excel open.

The format follows the file extension (:data:`EXPORT_FORMATS`). Every writer
works on a temporary file in the target folder that is renamed onto the target
only when it is complete, so a failed export leaves no partial file (an
existing target is replaced only by a complete new file).

Choices per format:

``.gpkg``
    One table named with the ASCII slug of the layer name; the GeoPackage
    *identifier* (what QGIS shows) is the layer name itself. CRS kept.
``.geojson``
    RFC 7946: WGS84 lon/lat (reprojected), 7 decimals (about 1 cm), right-hand
    polygon winding.
``.kml``
    GDAL's LIBKML driver, WGS84; the ``name`` column becomes each placemark's
    ``<name>``, other columns go to ``ExtendedData``. Integer columns that fit
    are written as KML ``int`` (KML has no 64-bit integers).
``.csv``
    UTF-8 **with a BOM** (``utf-8-sig``): Excel (Vietnamese Windows included)
    only reads UTF-8 CSV right when it starts with a BOM, and pandas, GDAL and
    QGIS ignore it. Comma separated, ``.`` decimals. A ``WKT`` column holds the
    WGS84 geometry at full precision (GDAL reads it back as the geometry); a
    layer of points also gets ``lon`` and ``lat`` columns. If the data already
    has a column of one of those names, the added column is called
    ``lon_geom`` (``lat_geom``, ``WKT_geom``).
``.zip``
    A zipped ESRI shapefile written as UTF-8 with a ``.cpg`` saying ``UTF-8``
    (never ISO-8859-1). CRS kept (``.prj``). DBF field names are at most 10
    bytes: longer names are cut at a character boundary and, where that would
    repeat a name (ignoring case), the end is replaced by ``_1``, ``_2``, ...;
    names that already fit are never changed. When any name changed, the zip
    also holds ``<name>_fields.csv`` mapping each shapefile field to its
    column. A shapefile holds one geometry type: a layer with several (points
    and polygons) is split into ``<name>_point``, ``<name>_line`` and
    ``<name>_polygon`` in the same zip, rows without geometry going to the first.
    Text longer than 254 bytes is cut by GDAL (with a warning).

CSV, KML and shapefile cannot tell empty text from a missing value: ``""``
reads back as missing.
"""

from __future__ import annotations

import csv
import io
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

import geopandas as gpd
import pandas as pd
import pyogrio
import pyogrio.errors
import shapely

from layers.errors import LayerError
from layers.messages import short_list
from layers.messages_input import plain
from layers.store import slugify
from layers.tables import CSV_LINE_END, _neutral, neutralise_formulas

EXPORT_FORMATS: dict[str, str] = {
    ".gpkg": "GeoPackage",
    ".geojson": "GeoJSON",
    ".kml": "KML",
    ".csv": "CSV",
    ".zip": "zipped shapefile",
}
"""Export formats by file extension."""

MIME_TYPES: dict[str, str] = {
    ".gpkg": "application/geopackage+sqlite3",
    ".geojson": "application/geo+json",
    ".kml": "application/vnd.google-earth.kml+xml",
    ".csv": "text/csv",
    ".zip": "application/zip",
}
"""MIME type of each export format, for downloads."""

WGS84 = "EPSG:4326"
_DBF_NAME_BYTES = 10
_INT32 = (-(2**31), 2**31 - 1)


def export_layer(gdf: gpd.GeoDataFrame, out: str | Path, *, layer_name: str) -> Path:
    """Write ``gdf`` to ``out`` in the format its extension names.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer; it must have a CRS and at least one feature.
    out : str or Path
        Target file; its extension picks the format (:data:`EXPORT_FORMATS`).
        An existing file is replaced.
    layer_name : str
        Name of the layer inside the file (may be Vietnamese).

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    LayerError
        If the extension is not an export format, the folder is missing, the
        data has no CRS or no feature, or GDAL cannot write a column. No file
        is left behind then.
    """
    out = Path(out)
    fmt = _format(out.suffix)
    _check_frame(gdf)
    if not out.parent.is_dir():
        raise LayerError(key="no_folder", params={"folder": out.parent.name,
                                                  "path": str(out.parent)})
    if out.is_dir():
        raise LayerError(key="export_is_folder", params={"file": out.name, "fmt": fmt})
    fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=f".part{fmt}", dir=out.parent)
    os.close(fd)
    tmp = Path(name)
    tmp.unlink()  # GDAL must create the file itself
    try:
        _WRITERS[fmt](gdf, tmp, layer_name)
        os.replace(tmp, out)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as e:
        raise LayerError(key="export_write_failed", params={
            "file": out.name, "format": EXPORT_FORMATS[fmt],
            "detail": plain(str(e).replace(str(tmp), out.name), 200)}) from e
    finally:
        for leftover in (tmp, Path(f"{tmp}-journal"), Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return out


def export_bytes(gdf: gpd.GeoDataFrame, fmt: str, *, layer_name: str) -> tuple[bytes, str, str]:
    """Export ``gdf`` into memory, for a download button.

    Parameters
    ----------
    gdf : GeoDataFrame
        The layer.
    fmt : str
        One of the :data:`EXPORT_FORMATS` extensions (``".kml"``; ``"kml"`` works too).
    layer_name : str
        Name of the layer inside the file; its ASCII slug names the file.

    Returns
    -------
    bytes
        The file's content.
    str
        A file name (ASCII, e.g. ``"can_cu_chien_dau.kml"``).
    str
        The MIME type.

    Raises
    ------
    LayerError
        As :func:`export_layer`.
    """
    fmt = _format(fmt if str(fmt).startswith(".") else f".{fmt}")
    file_name = f"{slugify(layer_name)}{fmt}"
    with tempfile.TemporaryDirectory(prefix="kvpt-export-") as folder:
        path = export_layer(gdf, Path(folder) / file_name, layer_name=layer_name)
        data = path.read_bytes()
    return data, file_name, MIME_TYPES[fmt]


# -- writers ------------------------------------------------------------------------------


def _write_gpkg(gdf: gpd.GeoDataFrame, path: Path, layer_name: str) -> None:
    pyogrio.write_dataframe(gdf, path, layer=slugify(layer_name), driver="GPKG",
                            layer_options={"IDENTIFIER": layer_name})


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path, layer_name: str) -> None:
    pyogrio.write_dataframe(gdf.to_crs(WGS84), path, layer=layer_name, driver="GeoJSON",
                            layer_options={"RFC7946": "YES"})


def _write_kml(gdf: gpd.GeoDataFrame, path: Path, layer_name: str) -> None:
    frame = gdf.to_crs(WGS84)
    for col in frame.columns:
        values = frame[col]
        if (col != frame.geometry.name and values.dtype.kind == "i"
                and values.between(*_INT32).all()):
            frame[col] = values.astype("int32")
    title = _xml_text(layer_name)
    if title == layer_name and not _KML_UNSAFE.search(layer_name):
        pyogrio.write_dataframe(frame, path, layer=layer_name, driver="LIBKML")
        return
    # LIBKML names a layer like a file ("/" and ":" refused): write it under its slug,
    # then give the folder its real name.
    slug = slugify(layer_name)
    pyogrio.write_dataframe(frame, path, layer=slug, driver="LIBKML")
    text = path.read_text(encoding="utf-8")
    text = text.replace(f"<name>{slug}</name>", f"<name>{xml_escape(title)}</name>", 1)
    path.write_text(text, encoding="utf-8")


_KML_UNSAFE = re.compile(r'[<>:"/\\|?*&]')


def _xml_text(text: str) -> str:
    """Return ``text`` without the characters XML 1.0 cannot hold (control characters)."""
    return "".join(c for c in text if c in "\t\n" or (c.isprintable() and c != "\ufffe"))


def _write_csv(gdf: gpd.GeoDataFrame, path: Path, layer_name: str) -> None:
    geoms = gdf.geometry.to_crs(WGS84)
    table = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    present = set(geoms[geoms.notna() & ~geoms.is_empty].geom_type)
    if present == {"Point"}:
        table[_free_name("lon", table.columns)] = geoms.x
        table[_free_name("lat", table.columns)] = geoms.y
    table[_free_name("WKT", table.columns)] = shapely.to_wkt(geoms.values, rounding_precision=-1)
    neutralise_formulas(table).to_csv(path, index=False, encoding="utf-8-sig",
                                      lineterminator=CSV_LINE_END)


def _write_shapefile_zip(gdf: gpd.GeoDataFrame, path: Path, layer_name: str) -> None:
    base = slugify(layer_name, max_length=40)
    geom = gdf.geometry.name
    fields = _dbf_field_names([str(c) for c in gdf.columns if c != geom])
    frame = gdf.rename(columns=fields)
    parts = _split_by_geometry_type(frame)
    with tempfile.TemporaryDirectory(prefix="kvpt-shp-") as folder:
        for suffix, part in parts:
            stem = base if len(parts) == 1 else f"{base}_{suffix}"
            shp = Path(folder) / f"{stem}.shp"
            pyogrio.write_dataframe(part, shp, driver="ESRI Shapefile", encoding="UTF-8")
            shp.with_suffix(".cpg").write_text("UTF-8", encoding="ascii")
        if any(k != v for k, v in fields.items()):
            Path(folder, f"{base}_fields.csv").write_bytes(_fields_csv(fields))
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(Path(folder).iterdir()):
                zf.write(file, arcname=file.name)


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, Path, str], None]] = {
    ".gpkg": _write_gpkg,
    ".geojson": _write_geojson,
    ".kml": _write_kml,
    ".csv": _write_csv,
    ".zip": _write_shapefile_zip,
}


# -- helpers -----------------------------------------------------------------------------


def _format(suffix: str) -> str:
    fmt = suffix.lower()
    if fmt not in EXPORT_FORMATS:
        known = ", ".join(f"{k} ({v})" for k, v in EXPORT_FORMATS.items())
        raise LayerError(key="export_bad_format" if suffix else "export_no_extension",
                         params={"suffix": plain(suffix, 20), "known": known})
    return fmt


def _check_frame(gdf: gpd.GeoDataFrame) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise LayerError(key="export_not_frame")
    if len(gdf) == 0:
        raise LayerError(key="export_empty")
    if gdf.crs is None:
        raise LayerError(key="export_no_crs")
    if gdf.columns.duplicated().any():
        dup = sorted({str(c) for c in gdf.columns[gdf.columns.duplicated()]})
        raise LayerError(key="export_duplicate_columns", params={"columns": short_list(dup)})


def _free_name(base: str, columns: Iterable[str]) -> str:
    """Return ``base``, or ``base_geom`` (``base_geom_2``, ...) if a column has that name."""
    taken = {str(c).lower() for c in columns}
    name, n = base, 1
    while name.lower() in taken:
        name = f"{base}_geom" if n == 1 else f"{base}_geom_{n}"
        n += 1
    return name


def _truncate_utf8(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


def _dbf_field_names(columns: list[str]) -> dict[str, str]:
    """Map each column to a DBF field name: at most 10 bytes, unique ignoring case.

    Names that fit are kept; the others are cut, and a clash gets ``_1``, ``_2``, ...
    """
    out: dict[str, str] = {}
    used: set[str] = set()
    for col in columns:  # first pass: names that already fit keep them
        if len(col.encode("utf-8")) <= _DBF_NAME_BYTES and col.lower() not in used:
            out[col] = col
            used.add(col.lower())
    for col in columns:
        if col in out:
            continue
        name, n = _truncate_utf8(col, _DBF_NAME_BYTES), 0
        while name.lower() in used:
            n += 1
            tail = f"_{n}"
            name = _truncate_utf8(col, _DBF_NAME_BYTES - len(tail)) + tail
        out[col] = name
        used.add(name.lower())
    return out


def _fields_csv(fields: dict[str, str]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator=CSV_LINE_END)
    writer.writerow(["shapefile_field", "column"])
    writer.writerows((_neutral(short), _neutral(col)) for col, short in fields.items())
    return buf.getvalue().encode("utf-8-sig")


def _split_by_geometry_type(gdf: gpd.GeoDataFrame) -> list[tuple[str, gpd.GeoDataFrame]]:
    """Split ``gdf`` into one frame per base geometry type (point, line, polygon)."""
    base = gdf.geom_type.str.replace("Multi", "", regex=False).map(
        {"Point": "point", "LineString": "line", "Polygon": "polygon"})
    base[gdf.geometry.isna() | gdf.geometry.is_empty] = None
    found = [t for t in ("point", "line", "polygon") if (base == t).any()]
    if len(found) <= 1:
        return [(found[0] if found else "none", gdf)]
    parts = []
    for i, t in enumerate(found):
        mask = (base == t) | (base.isna() if i == 0 else False)
        parts.append((t, gdf[mask]))
    return parts
