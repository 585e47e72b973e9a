"""Read source files into WGS 84 GeoDataFrames with clean Unicode text.

Formats: shapefile (``.shp`` with its sibling parts, or a ``.zip`` of one or more
shapefiles, in subfolders too), GeoPackage, GeoJSON, KML/KMZ and CSV (lon/lat or x/y
columns, or a WKT column). Every reader reprojects to EPSG:4326, normalises text to NFC
and validates the geometries (:mod:`layers.validate`).

Shapefile text is read by GDAL as Latin-1 (pyogrio ``encoding="latin1"``, which also
overrides a ``.cpg``), so the raw DBF bytes come through untouched; the encoding is then
chosen by :func:`layers.encoding.resolve` (user, ``.cpg``, DBF language byte, or detection
from the bytes) and the values and field names are decoded with
:func:`layers.encoding.recode_latin1`. This avoids GDAL's cp1258 path, which drops the
last character of every string.

CRS rules: a user CRS wins over the file's own (with a warning in the report when they
differ); then the ``.prj`` or the CRS embedded in the file; GeoJSON and KML are WGS 84 by
specification. A source with no CRS raises :class:`MissingCRSError` listing CRS
suggested from the coordinate ranges, as does a source whose coordinates cannot be in
the CRS it names (metres under a degree CRS, or the reverse).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pyproj
import shapely

from layers.crs import (
    CrsCandidate,
    canonical_crs,
    crs_code,
    crs_from_prj,
    crs_label,
    parse_crs,
    suggest_crs,
)
from layers.encoding import decode, read_dbf_ldid, recode_latin1, resolve
from layers.errors import LayerError, MissingCRSError
from layers.kinds import normalize_name
from layers.validate import ImportReport, validate_geometries

SUPPORTED = (".zip", ".shp", ".gpkg", ".geojson", ".json", ".kml", ".kmz", ".csv")

WGS84 = pyproj.CRS.from_epsg(4326)

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_LON_NAMES = frozenset({"lon", "lng", "long", "longitude", "kinhdo", "kinhtuyen"})
_LAT_NAMES = frozenset({"lat", "latitude", "vido", "vituyen"})
_X_NAMES = frozenset({"x", "xcoord", "coordx", "toadox", "easting", "east"})
_Y_NAMES = frozenset({"y", "ycoord", "coordy", "toadoy", "northing", "north"})
_WKT_NAMES = frozenset({"wkt", "geometry", "geom", "thegeom", "wktgeom", "hinhhoc"})
# Columns LIBKML adds to every KML layer; dropped when they hold nothing.
_KML_BOILERPLATE = ("id", "description", "timestamp", "begin", "end", "altitudeMode",
                    "tessellate", "extrude", "visibility", "drawOrder", "icon", "snippet")
_KML_DEFAULTS = {"tessellate": -1, "extrude": 0, "visibility": -1}
_MAX_SAMPLES = 5000
_MAX_LISTED = 5
_UTF8_BOM = b"\xef\xbb\xbf"
_REPLACEMENT = "\ufffd"


@dataclass
class SourceLayer:
    """One layer read from a source file.

    Attributes
    ----------
    name : str
        Layer name inside the source (file stem, GeoPackage layer, KML folder).
    gdf : GeoDataFrame
        Features in EPSG:4326, text in NFC Unicode, geometries validated and repaired.
    source_path : str
        The path given.
    checksum : str
        SHA-256 hex of the source bytes (for a ``.shp``: its parts .shp .shx .dbf
        .prj .cpg in that order).
    source_crs : str
        :func:`layers.crs.crs_code` of the source CRS.
    crs_label : str
        Human label of the source CRS.
    crs_source : str
        ``"prj"``, ``"file"`` (embedded in GPKG/GeoJSON), ``"user"`` or ``"assumed"``
        (GeoJSON/KML without a declared CRS, CSV lon/lat: WGS 84).
    encoding : str or None
        Text encoding of shapefiles and CSV (one of ``layers.encoding.ENCODINGS``);
        None for formats that are always UTF-8.
    encoding_source : str
        ``"cpg"``, ``"ldid"``, ``"detected"``, ``"user"``, ``"default"`` or ``"format"``.
    encoding_scores : dict
        Detection scores per encoding (empty when not detected).
    report : ImportReport
        Validation counts and warnings.
    """

    name: str
    gdf: gpd.GeoDataFrame
    source_path: str
    checksum: str
    source_crs: str
    crs_label: str
    crs_source: str
    encoding: str | None
    encoding_source: str
    encoding_scores: dict[str, float]
    report: ImportReport


@dataclass
class _Raw:
    """A layer as read, before reprojection and validation."""

    name: str
    gdf: gpd.GeoDataFrame
    crs: pyproj.CRS | None
    crs_source: str
    crs_from: str  # what named the CRS, for messages: ".prj", "the file", ...
    encoding: str | None = None
    encoding_source: str = "format"
    encoding_scores: dict[str, float] | None = None
    warnings: list[str] | None = None


def source_layers(path: str | Path) -> list[str]:
    """Return the layer names in a source file.

    Parameters
    ----------
    path : str or Path
        A supported file (see :data:`SUPPORTED`).

    Returns
    -------
    list of str
        GeoPackage: each spatial layer; zip: each shapefile inside (by stem, or by
        relative path when two share a stem); KML/KMZ: each layer GDAL exposes
        (top-level folders); other formats: the file stem.

    Raises
    ------
    LayerError
        If the file is missing, unsupported or unreadable.
    """
    path = _check_path(path)
    suffix = path.suffix.lower()
    if suffix == ".zip":
        return list(_zip_shapefiles(path))
    if suffix == ".gpkg":
        return _gpkg_layers(path)
    if suffix in (".kml", ".kmz"):
        with _kml_dataset(path) as target:
            return _list_layers(target, path)
    return [path.stem]


def read_source(
    path: str | Path,
    *,
    crs: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
) -> list[SourceLayer]:
    """Read every layer of a source file (or the one named).

    Parameters
    ----------
    path : str or Path
        A supported file (see :data:`SUPPORTED`).
    crs : str, optional
        CRS of the coordinates (``"EPSG:9215"``, ``"9215"``, WKT). Overrides the
        file's own CRS (a warning in the report says so when they differ).
    encoding : str, optional
        Text encoding of a shapefile's DBF or a CSV (``utf-8``, ``cp1258``,
        ``tcvn3``, ``vni``); detected when omitted. Other formats are UTF-8.
    layer : str, optional
        Read only this layer (see :func:`source_layers`).

    Returns
    -------
    list of SourceLayer
        One per layer, in EPSG:4326.

    Raises
    ------
    MissingCRSError
        If a layer has no CRS and none was named, or its coordinates cannot be in
        the CRS it names; ``candidates`` holds suggestions.
    LayerError
        If the file is missing, unsupported, corrupt or empty, or ``layer`` is not
        in it.
    """
    path = _check_path(path)
    user_crs = parse_crs(crs) if crs else None
    suffix = path.suffix.lower()
    checksum = _sha256([path]) if suffix != ".shp" else None
    if suffix == ".zip":
        raws = _read_zip(path, user_crs, encoding, layer)
    elif suffix == ".shp":
        parts = _shapefile_parts(path)
        checksum = _sha256([parts[e] for e in _SHAPEFILE_PARTS if e in parts])
        _pick([path.stem], layer, path)
        raws = [_read_shapefile(path, parts, path.stem, user_crs, encoding)]
    elif suffix == ".csv":
        _pick([path.stem], layer, path)
        raws = [_read_csv(path, user_crs, encoding)]
    else:
        raws = _read_ogr(path, suffix, user_crs, layer)
        if encoding:
            for raw in raws:
                raw.warnings = [*(raw.warnings or []), f"Encoding {encoding!r} was ignored: "
                                f"{suffix} files are always UTF-8."]
    return [_finish(raw, path, checksum, user_crs) for raw in raws]


# --- paths and checks -------------------------------------------------------------


def _check_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        msg = (f"{path.name}: unsupported file type {path.suffix or '(none)'!r}. "
               f"Use one of {', '.join(SUPPORTED)} (a shapefile as .shp with its "
               ".shx/.dbf/.prj beside it, or all its parts in one .zip).")
        raise LayerError(msg)
    if not path.is_file():
        msg = f"{path}: no such file. Check the path and the file name."
        raise LayerError(msg)
    return path


def _pick(names: list[str], layer: str | None, path: Path) -> list[str]:
    if layer is None:
        return names
    if layer not in names:
        msg = (f"{path.name} has no layer {layer!r}. Available layers: "
               f"{', '.join(repr(n) for n in names) or '(none)'}.")
        raise LayerError(msg)
    return [layer]


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for part in paths:
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@contextmanager
def _gdal_errors(path: Path, what: str = "") -> Iterator[None]:
    """Turn pyogrio/GDAL errors into a LayerError naming the file."""
    try:
        yield
    except LayerError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
            pyogrio.errors.CRSError, RuntimeError, OSError, ValueError) as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        msg = (f"{path.name}{' ' + what if what else ''} could not be read: the file looks "
               f"damaged or is not a valid {path.suffix} file. Re-export it from the GIS "
               f"that made it. (GDAL: {detail})")
        raise LayerError(msg) from exc


# --- shapefiles -------------------------------------------------------------------


def _shapefile_parts(shp: Path) -> dict[str, Path]:
    """Return ``{".shp": path, ".dbf": path, ...}`` found beside ``shp`` (any case)."""
    parts = {}
    stem = shp.stem.lower()
    for sibling in shp.parent.iterdir():
        ext = sibling.suffix.lower()
        if sibling.stem.lower() == stem and ext in _SHAPEFILE_PARTS and sibling.is_file():
            parts.setdefault(ext, sibling)
    parts[".shp"] = shp
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        names = " and ".join(f"{shp.stem}{ext}" for ext in missing)
        msg = (f"{shp.name}: the shapefile part {names} is missing. A shapefile needs its "
               ".shp, .shx and .dbf files side by side (and the .prj for its CRS): copy the "
               "missing part next to it, or zip all the parts together and import the .zip.")
        raise LayerError(msg)
    return parts


def _read_shapefile(
    shp: Path,
    parts: dict[str, Path],
    name: str,
    user_crs: pyproj.CRS | None,
    encoding: str | None,
) -> _Raw:
    with _gdal_errors(shp):
        gdf = pyogrio.read_dataframe(shp, encoding="latin1")
    cpg = parts[".cpg"].read_bytes().decode("latin-1").strip() if ".cpg" in parts else None
    text_cols = _text_columns(gdf)
    samples = _dbf_samples(gdf, text_cols)
    guess = resolve(user=encoding, cpg=cpg, ldid=read_dbf_ldid(parts[".dbf"]), samples=samples)
    gdf, warnings = _recode(gdf, text_cols, guess.encoding)
    prj_crs = None
    if ".prj" in parts:
        prj = parts[".prj"]
        prj_crs = crs_from_prj(prj.read_bytes().decode("utf-8", errors="replace"),
                               path=prj.name)
    crs_from = f"its .prj ({parts['.prj'].name})" if prj_crs is not None else ""
    return _Raw(name, gdf, prj_crs, "prj", crs_from, guess.encoding, guess.source,
                dict(guess.scores), warnings)


def _text_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    geom = gdf.geometry.name
    return [c for c in gdf.columns
            if c != geom and (pd.api.types.is_string_dtype(gdf[c]) or gdf[c].dtype == object)]


def _dbf_samples(gdf: gpd.GeoDataFrame, text_cols: list[str]) -> list[bytes]:
    """Return raw DBF bytes of field names and string values (non-ASCII first)."""
    samples = [str(c).encode("latin-1", errors="replace") for c in gdf.columns]
    for col in text_cols:
        for value in gdf[col].to_numpy():
            if isinstance(value, str) and value:
                samples.append(value.encode("latin-1", errors="replace"))
    non_ascii = [s for s in samples if not s.isascii()]
    return (non_ascii or samples)[:_MAX_SAMPLES]


def _recode(gdf: gpd.GeoDataFrame, text_cols: list[str],
            encoding: str) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Decode Latin-1-read text and field names; warn about undecodable bytes."""
    def fix(value: object) -> object:
        return recode_latin1(value, encoding) if isinstance(value, str) else value

    out = gdf.copy()
    for col in text_cols:
        out[col] = pd.Series([fix(v) for v in gdf[col].to_numpy()], index=gdf.index)
    geom = gdf.geometry.name
    out = out.rename(columns={c: fix(c) for c in gdf.columns if c != geom})
    return out, _replacement_warning(out, encoding)


def _replacement_warning(gdf: pd.DataFrame, encoding: str) -> list[str]:
    """Return a warning when decoding left U+FFFD (bytes the encoding has no letter for)."""
    bad = sum(1 for c in gdf.columns if isinstance(c, str) and _REPLACEMENT in c)
    for col in _text_columns(gdf):
        bad += sum(1 for v in gdf[col].to_numpy() if isinstance(v, str) and _REPLACEMENT in v)
    if not bad:
        return []
    return [f"{bad} text value(s) hold bytes that are not valid {encoding} (shown as "
            f"{_REPLACEMENT}); if names look wrong, pick another encoding (utf-8, cp1258, "
            "tcvn3, vni)."]


def _read_zip(path: Path, user_crs: pyproj.CRS | None, encoding: str | None,
              layer: str | None) -> list[_Raw]:
    shapefiles = _zip_shapefiles(path)
    names = _pick(list(shapefiles), layer, path)
    raws = []
    with zipfile.ZipFile(path) as zf, tempfile.TemporaryDirectory(prefix="kvpt_zip_") as tmp:
        for i, name in enumerate(names):
            members = shapefiles[name]
            folder = Path(tmp) / str(i)
            folder.mkdir()
            stem = _posix(members[".shp"]).stem
            for ext, member in members.items():
                (folder / f"{stem}{ext}").write_bytes(zf.read(member))
            shp = folder / f"{stem}.shp"
            try:
                parts = _shapefile_parts(shp)
            except LayerError:
                missing = [e for e in (".shx", ".dbf") if e not in members]
                listed = " and ".join(f"{_posix(members['.shp']).with_suffix(e)}" for e in missing)
                msg = (f"{path.name}: the shapefile part {listed} is missing from the zip. "
                       "Zip the .shp, .shx, .dbf and .prj files of each shapefile together.")
                raise LayerError(msg) from None
            raw = _read_shapefile(shp, parts, name, user_crs, encoding)
            if ".prj" in members:
                raw.crs_from = f"its .prj ({_posix(members['.prj']).name})"
            raws.append(raw)
    return raws


def _zip_shapefiles(path: Path) -> dict[str, dict[str, str]]:
    """Return ``{layer name: {".shp": member, ".dbf": member, ...}}`` for a zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError) as exc:
        msg = (f"{path.name} is not a readable zip file ({exc}). Re-create the zip from the "
               "shapefile's parts (.shp, .shx, .dbf, .prj).")
        raise LayerError(msg) from exc
    if bad is not None:
        msg = f"{path.name} is damaged: {bad} fails its checksum. Re-create the zip."
        raise LayerError(msg)
    usable = [m for m in members if "__MACOSX" not in _posix(m).parts
              and not _posix(m).name.startswith("._")]
    groups: dict[tuple[str, str], dict[str, str]] = {}
    for member in usable:
        p = _posix(member)
        ext = p.suffix.lower()
        if ext in _SHAPEFILE_PARTS:
            groups.setdefault((str(p.parent), p.stem.lower()), {}).setdefault(ext, member)
    shps = [(key, parts) for key, parts in groups.items() if ".shp" in parts]
    if not shps:
        listed = ", ".join(usable[:_MAX_LISTED * 2]) or "nothing"
        msg = (f"{path.name} holds no shapefile (.shp); it contains {listed}. Zip the .shp, "
               ".shx, .dbf and .prj files of a shapefile, or unzip it and import a "
               ".gpkg/.geojson/.kml/.csv file directly.")
        raise LayerError(msg)
    stems = [_posix(parts[".shp"]).stem for _, parts in shps]
    out = {}
    for (_, _), parts in sorted(shps, key=lambda item: item[1][".shp"]):
        shp = _posix(parts[".shp"])
        name = shp.stem if stems.count(shp.stem) == 1 else str(shp.with_suffix(""))
        out[name] = parts
    return out


def _posix(member: str) -> PurePosixPath:
    """Return a zip member name as a path (Windows zips may use backslashes)."""
    return PurePosixPath(member.replace("\\", "/"))


# --- GeoPackage, GeoJSON, KML/KMZ ---------------------------------------------------


def _gpkg_layers(path: Path) -> list[str]:
    with _gdal_errors(path):
        info = pyogrio.list_layers(path)
    return [str(name) for name, geom in info if geom is not None]


def _list_layers(target: str | Path, path: Path) -> list[str]:
    with _gdal_errors(path):
        return [str(name) for name in pyogrio.list_layers(target)[:, 0]]


@contextmanager
def _kml_dataset(path: Path) -> Iterator[str | Path]:
    """Yield what GDAL should open for a KML or KMZ file.

    A KMZ is opened as ``/vsizip/<file>/<doc>.kml``: LIBKML reading the ``.kmz``
    itself drops the ``ExtendedData`` schema fields.
    """
    if path.suffix.lower() != ".kmz":
        yield path
        return
    try:
        with zipfile.ZipFile(path) as zf:
            kmls = [m for m in zf.namelist() if m.lower().endswith(".kml")
                    and "__MACOSX" not in m]
    except (zipfile.BadZipFile, OSError) as exc:
        msg = (f"{path.name} is not a readable KMZ (zip) file ({exc}). Export it again from "
               "Google Earth, or save it as .kml.")
        raise LayerError(msg) from exc
    if not kmls:
        msg = f"{path.name} holds no .kml document. Export it again, or save it as .kml."
        raise LayerError(msg)
    main = "doc.kml" if "doc.kml" in kmls else min(kmls, key=lambda m: (m.count("/"), m))
    yield f"/vsizip/{path.resolve().as_posix()}/{main}"


def _read_ogr(path: Path, suffix: str, user_crs: pyproj.CRS | None,
              layer: str | None) -> list[_Raw]:
    if suffix == ".gpkg":
        names = _pick(_gpkg_layers(path), layer, path)
        raws = []
        for name in names:
            with _gdal_errors(path, f"layer {name!r}"):
                gdf = pyogrio.read_dataframe(path, layer=name)
            file_crs = canonical_crs(gdf.crs) if gdf.crs is not None else None
            raws.append(_Raw(name, gdf, file_crs, "file", "the GeoPackage"))
        return raws
    if suffix in (".geojson", ".json"):
        _pick([path.stem], layer, path)
        with _gdal_errors(path):
            gdf = pyogrio.read_dataframe(path)
        declared = _geojson_declares_crs(path)
        file_crs = canonical_crs(gdf.crs) if gdf.crs is not None else WGS84
        source = "file" if declared else "assumed"
        where = "the GeoJSON's crs member" if declared else "the GeoJSON standard (WGS 84)"
        return [_Raw(path.stem, gdf, file_crs, source, where)]
    return _read_kml(path, layer)


def _geojson_declares_crs(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return re.search(rb'"crs"\s*:\s*\{', head) is not None


def _read_kml(path: Path, layer: str | None) -> list[_Raw]:
    with _kml_dataset(path) as target:
        names = _list_layers(target, path)
        chosen = _pick(names, layer, path)
        raws = []
        for name in chosen:
            with _gdal_errors(path, f"layer {name!r}"):
                gdf = pyogrio.read_dataframe(target, layer=name)
            if len(gdf) == 0 and layer is None:
                continue
            raws.append(_Raw(name, _tidy_kml(gdf), WGS84, "assumed",
                             "the KML standard (WGS 84)"))
    if not raws:
        msg = (f"{path.name} has no placemarks in any of its layers "
               f"({', '.join(names) or 'none'}). Check that it was saved with its features.")
        raise LayerError(msg)
    return raws


def _tidy_kml(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drop LIBKML's empty bookkeeping columns and all-zero Z coordinates."""
    drop = []
    for col in _KML_BOILERPLATE:
        if col not in gdf.columns:
            continue
        values = gdf[col]
        default = _KML_DEFAULTS.get(col)
        empty = values.isna() | values.astype(str).str.strip().eq("")
        if default is not None:
            empty |= values.eq(default)
        if bool(empty.all()):
            drop.append(col)
    gdf = gdf.drop(columns=drop)
    geoms = gdf.geometry.array
    if np.any(shapely.has_z(geoms)):
        coords = shapely.get_coordinates(geoms, include_z=True)
        if len(coords) and np.all(np.nan_to_num(coords[:, 2]) == 0):
            gdf = gdf.set_geometry(shapely.force_2d(geoms), crs=gdf.crs)
    return gdf


# --- CSV ----------------------------------------------------------------------------


def _read_csv(path: Path, user_crs: pyproj.CRS | None, encoding: str | None) -> _Raw:
    data = path.read_bytes()
    bom = data.startswith(_UTF8_BOM)
    if bom:
        data = data[len(_UTF8_BOM):]
    samples = [line for line in data.splitlines() if not line.isascii()][:_MAX_SAMPLES]
    guess = resolve(user=encoding if encoding or not bom else "utf-8", cpg=None, ldid=None,
                    samples=samples)
    try:
        text = unicodedata.normalize("NFC", decode(data, guess.encoding))
    except (UnicodeDecodeError, ValueError) as exc:
        msg = (f"{path.name}: the text is not valid {guess.encoding} ({exc}). Name the right "
               "encoding with --encoding (utf-8, cp1258, tcvn3 or vni) or pick it in the app.")
        raise LayerError(msg) from exc
    if not text.strip():
        msg = f"{path.name} is empty. Export the table again with a header row and data rows."
        raise LayerError(msg)
    try:
        df = pd.read_csv(io.StringIO(text), sep=_sniff_delimiter(text), skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        msg = (f"{path.name} is not a readable CSV table ({exc}). Save it as CSV with one "
               "header row and the same number of columns on every line.")
        raise LayerError(msg) from exc
    df.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in df.columns]
    gdf, crs, crs_source, crs_from, warnings = _csv_geometry(df, path, user_crs)
    warnings += _replacement_warning(gdf, guess.encoding)
    return _Raw(path.stem, gdf, crs, crs_source, crs_from, guess.encoding,
                "detected" if bom and encoding is None else guess.source,
                dict(guess.scores), warnings)


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:50])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _find_column(columns: list[str], names: frozenset[str]) -> str | None:
    for col in columns:
        if normalize_name(col) in names:
            return col
    return None


def _csv_geometry(df: pd.DataFrame, path: Path, user_crs: pyproj.CRS | None):
    """Return ``(gdf, crs, crs_source, crs_from, warnings)`` for a CSV table."""
    cols = list(df.columns)
    lon, lat = _find_column(cols, _LON_NAMES), _find_column(cols, _LAT_NAMES)
    x, y = _find_column(cols, _X_NAMES), _find_column(cols, _Y_NAMES)
    wkt = _find_column(cols, _WKT_NAMES)
    use_xy = x is not None and y is not None and (
        lon is None or lat is None or (user_crs is not None and user_crs.is_projected))
    warnings: list[str] = []
    if use_xy:
        xs, ys = _numbers(df, x, path), _numbers(df, y, path)
        if len(xs) and xs.min() > 1_000_000 and ys.max() < 1_000_000:
            xs, ys = ys, xs
            warnings.append(f"Columns {x!r}/{y!r} hold northing/easting (the Vietnamese "
                            "survey convention X = north, Y = east); they were swapped.")
        geoms = gpd.points_from_xy(xs, ys)
        rest = df.drop(columns=[x, y])
        crs_source, crs_from = ("user", "") if user_crs is not None else ("", "")
        crs = user_crs
    elif lon is not None and lat is not None:
        geoms = gpd.points_from_xy(_numbers(df, lon, path), _numbers(df, lat, path))
        rest = df.drop(columns=[lon, lat])
        crs, crs_source = (user_crs, "user") if user_crs is not None else (WGS84, "assumed")
        crs_from = "its lon/lat column names (WGS 84)"
    elif wkt is not None:
        geoms = _wkt_geometries(df, wkt, path)
        rest = df.drop(columns=[wkt])
        crs, crs_source, crs_from = user_crs, "user" if user_crs is not None else "", ""
    else:
        msg = (f"{path.name}: no coordinate columns found among {', '.join(cols)}. Name them "
               "lon/lat (or longitude/latitude, kinh_do/vi_do) for WGS 84 degrees, x/y for "
               "projected metres (with --crs), or give a WKT column named geometry or wkt.")
        raise LayerError(msg)
    gdf = gpd.GeoDataFrame(rest.reset_index(drop=True), geometry=list(geoms))
    if crs is None and wkt is not None and not use_xy and _looks_like_degrees(gdf):
        crs, crs_source, crs_from = WGS84, "assumed", "its degree-sized WKT coordinates"
    return gdf, crs, crs_source, crs_from, warnings


def _numbers(df: pd.DataFrame, col: str, path: Path) -> np.ndarray:
    values = df[col]
    if not pd.api.types.is_numeric_dtype(values):
        text = values.astype(str).str.strip()
        text = text.where(~text.str.fullmatch(r"-?\d+,\d+"), text.str.replace(",", "."))
        numbers = pd.to_numeric(text, errors="coerce")
        numbers[values.isna()] = np.nan
    else:
        numbers = values.astype(float)
    bad = np.flatnonzero(~np.isfinite(numbers.to_numpy(dtype=float)))
    if len(bad):
        shown = ", ".join(f"line {i + 2} ({'' if pd.isna(values.iloc[i]) else values.iloc[i]!r})"
                          for i in bad[:_MAX_LISTED])
        more = f" and {len(bad) - _MAX_LISTED} more" if len(bad) > _MAX_LISTED else ""
        msg = (f"{path.name}: column {col!r} has {len(bad)} value(s) that are not numbers: "
               f"{shown}{more}. Fix or remove those rows (decimal point or comma, no "
               "degree signs).")
        raise LayerError(msg)
    return numbers.to_numpy(dtype=float)


def _wkt_geometries(df: pd.DataFrame, col: str, path: Path) -> np.ndarray:
    geoms = []
    bad = []
    for i, value in enumerate(df[col].tolist()):
        try:
            geoms.append(shapely.from_wkt(value) if isinstance(value, str) and value.strip()
                         else None)
        except shapely.errors.ShapelyError:
            geoms.append(None)
            bad.append(i)
    if bad:
        shown = ", ".join(f"line {i + 2}" for i in bad[:_MAX_LISTED])
        msg = (f"{path.name}: column {col!r} has {len(bad)} value(s) that are not WKT "
               f"geometries ({shown}). Fix them, e.g. POINT (106.76 21.85).")
        raise LayerError(msg)
    return np.array(geoms, dtype=object)


# --- common finish ------------------------------------------------------------------


def _looks_like_degrees(gdf: gpd.GeoDataFrame) -> bool:
    present = _present(gdf.geometry)
    if present.empty:
        return True
    minx, miny, maxx, maxy = present.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _finish(raw: _Raw, path: Path, checksum: str | None,
            user_crs: pyproj.CRS | None) -> SourceLayer:
    """Set the CRS, reproject to WGS 84, normalise text and validate geometries."""
    gdf = raw.gdf
    where = f"{path.name}" + (f" layer {raw.name!r}" if raw.name != path.stem else "")
    if len(gdf) == 0:
        msg = f"{where} has no features. Check that the right file and layer were chosen."
        raise LayerError(msg)
    crs, source, warnings = raw.crs, raw.crs_source, list(raw.warnings or [])
    if user_crs is not None and source != "user":
        if crs is not None and not crs.equals(user_crs, ignore_axis_order=True):
            warnings.append(f"The CRS given, {crs_label(user_crs)}, was used instead of "
                            f"{crs_label(crs)} from {raw.crs_from}.")
        crs, source = user_crs, "user"
    if crs is None:
        bounds = _bounds(gdf)
        cands = suggest_crs(bounds) if bounds else []
        raise MissingCRSError(_missing_crs_message(where, bounds, cands), cands)
    _check_coordinates_fit(gdf, crs, where, raw.crs_from)
    gdf = gdf.set_crs(crs, allow_override=True)
    if not crs.equals(WGS84, ignore_axis_order=True):
        gdf = gdf.to_crs(WGS84)
    else:
        gdf = gdf.set_crs(WGS84, allow_override=True)
    gdf = _nfc(gdf)
    gdf, report = validate_geometries(gdf)
    report.warnings = warnings + report.warnings
    if report.features_kept == 0:
        msg = (f"{where} has {report.features_read} feature(s) but none with a usable "
               "geometry (all empty or broken). Check the file in a GIS.")
        raise LayerError(msg)
    return SourceLayer(
        name=raw.name, gdf=gdf, source_path=str(path), checksum=checksum or "",
        source_crs=crs_code(crs), crs_label=crs_label(crs), crs_source=source,
        encoding=raw.encoding, encoding_source=raw.encoding_source,
        encoding_scores=dict(raw.encoding_scores or {}), report=report,
    )


def _present(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    arr = geoms.array
    return geoms[~(shapely.is_missing(arr) | shapely.is_empty(arr))]


def _bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    present = _present(gdf.geometry)
    if present.empty:
        return None
    return tuple(float(v) for v in present.total_bounds)


def _check_coordinates_fit(gdf: gpd.GeoDataFrame, crs: pyproj.CRS, where: str,
                           crs_from: str) -> None:
    """Raise MissingCRSError when the coordinates cannot be in ``crs``."""
    bounds = _bounds(gdf)
    if bounds is None:
        return
    degrees = _looks_like_degrees(gdf)
    if crs.is_geographic == degrees:
        return
    cands = suggest_crs(bounds)
    named = f"{crs_label(crs)}{', from ' + crs_from if crs_from else ''}"
    kind = "degrees" if crs.is_geographic else "projected metres"
    looks = "degrees" if degrees else "metres"
    msg = (f"{where}: the coordinates ({_range_text(bounds)}) look like {looks}, but the CRS "
           f"{named} is in {kind}. {_candidates_text(cands)}")
    raise MissingCRSError(msg, cands)


def _missing_crs_message(where: str, bounds, cands: list[CrsCandidate]) -> str:
    rng = f" ({_range_text(bounds)})" if bounds else ""
    return (f"{where} does not say which coordinate system its coordinates{rng} are in "
            f"(no .prj file or CRS in the file). {_candidates_text(cands)}")


def _candidates_text(cands: list[CrsCandidate]) -> str:
    if not cands:
        return ("No Vietnamese or WGS 84 system fits these coordinates: ask the data's "
                "producer which CRS they use and name it with --crs (command line) or pick "
                "it in the app.")
    top = "; ".join(f"{c.code} {c.name}" for c in cands[:3])
    return (f"Likely: {top}. Name it with --crs {cands[0].code} (command line) or pick one "
            "in the app.")


def _range_text(bounds) -> str:
    minx, miny, maxx, maxy = bounds
    digits = 4 if max(abs(v) for v in bounds) <= 360 else 0
    return f"x {minx:,.{digits}f}–{maxx:,.{digits}f}, y {miny:,.{digits}f}–{maxy:,.{digits}f}"


def _nfc(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Normalise column names and text values to NFC."""
    def norm(value: object) -> object:
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value

    out = gdf.copy()
    for col in _text_columns(out):
        out[col] = pd.Series([norm(v) for v in out[col].to_numpy()], index=out.index)
    geom = out.geometry.name
    return out.rename(columns={c: norm(c) for c in out.columns if c != geom})
