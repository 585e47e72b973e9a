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
the CRS it names (metres under a degree CRS, or the reverse). Degree coordinates that fit
Vietnam only with longitude and latitude swapped are swapped back, with a warning.

Bad data is refused with a :class:`LayerError` that names the file and the feature (a NaN
or infinite coordinate) and never a folder of the machine: GDAL's own text is kept short,
with every path cut to its file name (:func:`safe_detail`). Messages carry a catalogue key
(:mod:`layers.messages`), so the app shows them in Vietnamese.
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
    fits_vietnam,
    parse_crs,
    suggest_crs,
)
from layers.encoding import decode, read_dbf_ldid, recode_latin1, resolve
from layers.errors import LayerError, MissingCRSError
from layers.kinds import normalize_name
from layers.messages import Note
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
        ``"prj"``, ``"file"`` (embedded in GPKG/GeoJSON), ``"user"`` (named by the
        user), ``"detected"`` (the best suggestion for a source without a CRS, used
        without the user choosing it) or ``"assumed"`` (GeoJSON/KML without a declared
        CRS, CSV lon/lat: WGS 84).
    encoding : str or None
        Text encoding of shapefiles and CSV (one of ``layers.encoding.ENCODINGS``);
        None for formats that are always UTF-8.
    encoding_source : str
        ``"cpg"``, ``"ldid"``, ``"detected"``, ``"user"``, ``"default"`` or ``"format"``.
    encoding_scores : dict
        Detection scores per encoding (empty when not detected).
    report : ImportReport
        Validation counts and warnings (:class:`layers.messages.Note` texts).
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
    crs_from: str  # what named the CRS, for messages: a Note ("its .prj (x.prj)", ...)
    encoding: str | None = None
    encoding_source: str = "format"
    encoding_scores: dict[str, float] | None = None
    warnings: list[str] | None = None
    degrees_are_wgs84: bool = False  # a CSV: degree coordinates without a CRS are WGS 84


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
    crs_chosen: bool = True,
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
    crs_chosen : bool
        Whether the user chose ``crs`` (``crs_source`` ``"user"``); ``False`` when a
        front end passes the best suggestion the user has not chosen
        (``crs_source`` ``"detected"``).

    Returns
    -------
    list of SourceLayer
        One per layer, in EPSG:4326. Longitude and latitude found swapped (the
        coordinates fit Vietnam only when swapped) are swapped back, with a warning.

    Raises
    ------
    MissingCRSError
        If a layer has no CRS and none was named, or its coordinates cannot be in
        the CRS it names; ``candidates`` holds suggestions.
    LayerError
        If the file is missing, unsupported, corrupt or empty, ``layer`` is not in
        it, or a feature has a coordinate that is not a number (NaN, infinity). The
        message names no folder of the machine, only the file.
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
                raw.warnings = [*(raw.warnings or []),
                                Note.of("encoding_ignored", encoding=encoding, suffix=suffix)]
    return [_finish(raw, path, checksum, user_crs, crs_chosen) for raw in raws]


# --- paths and checks -------------------------------------------------------------


def _check_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        raise LayerError(key="unsupported_type", params={
            "file": path.name, "suffix": path.suffix or "(none)",
            "supported": ", ".join(SUPPORTED)})
    if not path.is_file():
        raise LayerError(key="no_such_file", params={"file": path.name, "path": str(path)})
    return path


def _pick(names: list[str], layer: str | None, path: Path) -> list[str]:
    if layer is None:
        return names
    if layer not in names:
        raise LayerError(key="no_such_layer", params={
            "file": path.name, "layer": layer,
            "names": ", ".join(repr(n) for n in names) or "-"})
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
        raise LayerError(key="gdal_unreadable", params={
            "file": path.name, "what": f" {what}" if what else "", "suffix": path.suffix,
            "detail": safe_detail(exc, path)}) from exc


def safe_detail(exc: BaseException | str, path: Path | None = None, limit: int = 160) -> str:
    """Return a library's error text fit to show a user: no folders, one short line.

    Every absolute path (the server's temporary folders included) is cut to its last
    part (the file name), control characters are escaped, and the text is cut at
    ``limit`` characters, so a GDAL message never shows where a file sits on the
    server and quotes at most a short excerpt of the file's content.

    Parameters
    ----------
    exc : exception or str
        The error.
    path : Path, optional
        The file being read; its folder is removed first.
    limit : int
        Longest text returned.
    """
    text = str(exc).strip() or type(exc).__name__
    text = " ".join(text.split())
    if path is not None:
        for folder in {str(path.parent), str(path.resolve().parent)}:
            if len(folder) > 1:
                text = text.replace(folder + "/", "").replace(folder, "")
    text = re.sub(r"(/vsi[a-z]+/)?(?:[A-Za-z]:)?(?:[/\\][^\s/\\'\":;,()]+)+[/\\]"
                  r"(?=[^\s/\\'\":;,()]+)", "", text)
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


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
        names = " + ".join(f"{shp.stem}{ext}" for ext in missing)
        raise LayerError(key="shp_part_missing", params={"file": shp.name, "parts": names})
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
    crs_from = Note.of("from_prj", name=parts[".prj"].name) if prj_crs is not None else ""
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
    return [Note.of("bad_bytes", count=bad, encoding=encoding)]


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
                listed = " + ".join(f"{_posix(members['.shp']).with_suffix(e)}" for e in missing)
                raise LayerError(key="zip_part_missing",
                                 params={"file": path.name, "parts": listed}) from None
            raw = _read_shapefile(shp, parts, name, user_crs, encoding)
            if ".prj" in members:
                raw.crs_from = Note.of("from_prj", name=_posix(members[".prj"]).name)
            raws.append(raw)
    return raws


def _zip_shapefiles(path: Path) -> dict[str, dict[str, str]]:
    """Return ``{layer name: {".shp": member, ".dbf": member, ...}}`` for a zip."""
    try:
        with zipfile.ZipFile(path) as zf:
            members = [m for m in zf.namelist() if not m.endswith("/")]
            bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LayerError(key="zip_unreadable", params={
            "file": path.name, "detail": safe_detail(exc, path)}) from exc
    if bad is not None:
        raise LayerError(key="zip_damaged", params={"file": path.name, "member": bad})
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
        listed = ", ".join(usable[:_MAX_LISTED * 2]) or "-"
        raise LayerError(key="zip_no_shapefile", params={"file": path.name, "listed": listed})
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
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise LayerError(key="kmz_unreadable", params={
            "file": path.name, "detail": safe_detail(exc, path)}) from exc
    if not kmls:
        raise LayerError(key="kmz_no_kml", params={"file": path.name})
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
            raws.append(_Raw(name, gdf, file_crs, "file", Note.of("from_gpkg")))
        return raws
    if suffix in (".geojson", ".json"):
        _pick([path.stem], layer, path)
        with _gdal_errors(path):
            gdf = pyogrio.read_dataframe(path)
        declared = _geojson_declares_crs(path)
        file_crs = canonical_crs(gdf.crs) if gdf.crs is not None else WGS84
        source = "file" if declared else "assumed"
        where = Note.of("from_geojson_crs" if declared else "from_geojson_std")
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
            raws.append(_Raw(name, _tidy_kml(gdf), WGS84, "assumed", Note.of("from_kml_std")))
    if not raws:
        raise LayerError(key="kml_no_placemarks",
                         params={"file": path.name, "names": ", ".join(names) or "-"})
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
        raise LayerError(key="csv_bad_text", params={
            "file": path.name, "encoding": guess.encoding,
            "detail": safe_detail(exc, path, 80)}) from exc
    if not text.strip():
        raise LayerError(key="csv_empty", params={"file": path.name})
    try:
        df = pd.read_csv(io.StringIO(text), sep=_sniff_delimiter(text), skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise LayerError(key="csv_unreadable", params={
            "file": path.name, "detail": safe_detail(exc, path, 120)}) from exc
    df.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in df.columns]
    gdf, crs, crs_source, crs_from, warnings = _csv_geometry(df, path, user_crs)
    wkt = _find_column(list(df.columns), _WKT_NAMES) is not None
    warnings += _replacement_warning(gdf, guess.encoding)
    return _Raw(path.stem, gdf, crs, crs_source, crs_from, guess.encoding,
                "detected" if bom and encoding is None else guess.source,
                dict(guess.scores), warnings, degrees_are_wgs84=wkt)


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
            warnings.append(Note.of("xy_swapped", x=x, y=y))
        geoms = gpd.points_from_xy(xs, ys)
        rest = df.drop(columns=[x, y])
        crs_source, crs_from = ("user", "") if user_crs is not None else ("", "")
        crs = user_crs
    elif lon is not None and lat is not None:
        geoms = gpd.points_from_xy(_numbers(df, lon, path), _numbers(df, lat, path))
        rest = df.drop(columns=[lon, lat])
        crs, crs_source = (user_crs, "user") if user_crs is not None else (WGS84, "assumed")
        crs_from = Note.of("from_lonlat_names")
    elif wkt is not None:
        geoms = _wkt_geometries(df, wkt, path)
        rest = df.drop(columns=[wkt])
        crs, crs_source, crs_from = user_crs, "user" if user_crs is not None else "", ""
    else:
        raise LayerError(key="csv_no_coords", params={"file": path.name,
                                                      "columns": ", ".join(map(str, cols))})
    gdf = gpd.GeoDataFrame(rest.reset_index(drop=True), geometry=list(geoms))
    if crs is None and wkt is not None and not use_xy and _looks_like_degrees(gdf):
        crs, crs_source, crs_from = WGS84, "assumed", Note.of("from_wkt_degrees")
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
        shown = ", ".join(f"{i + 2} ({_excerpt(values.iloc[i])})" for i in bad[:_MAX_LISTED])
        more = (Note.of("more", count=len(bad) - _MAX_LISTED) if len(bad) > _MAX_LISTED
                else "")
        raise LayerError(key="csv_not_numbers", params={
            "file": path.name, "column": col, "count": len(bad), "lines": shown,
            "more": more})
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
        shown = ", ".join(str(i + 2) for i in bad[:_MAX_LISTED])
        raise LayerError(key="csv_bad_wkt", params={
            "file": path.name, "column": col, "count": len(bad), "lines": shown})
    return np.array(geoms, dtype=object)


# --- common finish ------------------------------------------------------------------


def _looks_like_degrees(gdf: gpd.GeoDataFrame) -> bool:
    present = _present(gdf.geometry)
    if present.empty:
        return True
    minx, miny, maxx, maxy = present.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _finish(raw: _Raw, path: Path, checksum: str | None,
            user_crs: pyproj.CRS | None, crs_chosen: bool = True) -> SourceLayer:
    """Set the CRS, reproject to WGS 84, normalise text and validate geometries."""
    gdf = raw.gdf
    where = (Note.of("where_layer", file=path.name, layer=raw.name) if raw.name != path.stem
             else path.name)
    if len(gdf) == 0:
        raise LayerError(key="no_features", params={"where": where})
    _check_finite(gdf, where)
    crs, source, warnings = raw.crs, raw.crs_source, list(raw.warnings or [])
    crs_from = raw.crs_from
    if user_crs is not None and source != "user":
        if crs is not None and not crs.equals(user_crs, ignore_axis_order=True):
            warnings.append(Note.of("crs_overridden", given=crs_label(user_crs),
                                    other=crs_label(crs), source=raw.crs_from))
        crs, source = user_crs, "user"
    if source == "user" and not crs_chosen:
        source = "detected"
    if crs is None or crs.is_geographic:
        gdf, swapped = _unswap_lonlat(gdf)
        if swapped is not None:
            warnings.append(swapped)
            if crs is None and raw.degrees_are_wgs84:
                crs, source, crs_from = WGS84, "assumed", Note.of("from_swapped")
    if crs is None:
        bounds = _bounds(gdf)
        cands = suggest_crs(bounds) if bounds else []
        raise MissingCRSError(candidates=cands, key="crs_missing", params={
            "where": where, "range": f" ({_range_text(bounds)})" if bounds else "",
            "advice": _candidates_note(cands), "code": _first_code(cands)})
    _check_coordinates_fit(gdf, crs, where, crs_from)
    try:
        gdf = gdf.set_crs(crs, allow_override=True)
        if not crs.equals(WGS84, ignore_axis_order=True):
            gdf = gdf.to_crs(WGS84)
        else:
            gdf = gdf.set_crs(WGS84, allow_override=True)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError) as exc:
        raise LayerError(key="gdal_unreadable", params={
            "file": path.name, "what": "", "suffix": path.suffix,
            "detail": safe_detail(exc, path)}) from exc
    gdf = _nfc(gdf)
    gdf, report = validate_geometries(gdf, where=where)
    report.warnings = warnings + report.warnings
    if report.features_kept == 0:
        raise LayerError(key="no_usable_geometry",
                         params={"where": where, "count": report.features_read})
    return SourceLayer(
        name=raw.name, gdf=gdf, source_path=str(path), checksum=checksum or "",
        source_crs=crs_code(crs), crs_label=crs_label(crs), crs_source=source,
        encoding=raw.encoding, encoding_source=raw.encoding_source,
        encoding_scores=dict(raw.encoding_scores or {}), report=report,
    )


def _check_finite(gdf: gpd.GeoDataFrame, where: object) -> None:
    """Refuse features with a NaN or infinite x or y, naming them (1 = first feature)."""
    geoms = gdf.geometry.to_numpy()
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    coords, index = shapely.get_coordinates(geoms[present], return_index=True)
    bad_rows = np.unique(index[~np.isfinite(coords).all(axis=1)])
    if not len(bad_rows):
        return
    numbers = np.flatnonzero(present)[bad_rows] + 1
    shown = ", ".join(str(n) for n in numbers[:_MAX_LISTED])
    if len(numbers) > _MAX_LISTED:
        shown += f" (+{len(numbers) - _MAX_LISTED})"
    raise LayerError(key="nonfinite_coords",
                     params={"where": where, "count": len(numbers), "features": shown})


def _unswap_lonlat(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, Note | None]:
    """Swap x and y back when the data fits Vietnam only with latitude and longitude swapped.

    Returns the frame (swapped or not) and the warning to report, or ``None``.
    """
    bounds = _bounds(gdf)
    if bounds is None:
        return gdf, None
    minx, miny, maxx, maxy = bounds
    if fits_vietnam(bounds) or not fits_vietnam((miny, minx, maxy, maxx)):
        return gdf, None
    swapped = shapely.transform(gdf.geometry.to_numpy(), lambda xy: xy[:, ::-1])
    out = gdf.set_geometry(gpd.GeoSeries(swapped, index=gdf.index, crs=gdf.crs))
    note = Note.of("lonlat_swapped", x=f"{minx:.2f}–{maxx:.2f}", y=f"{miny:.2f}–{maxy:.2f}")
    return out, note


def _present(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    arr = geoms.array
    return geoms[~(shapely.is_missing(arr) | shapely.is_empty(arr))]


def _bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    present = _present(gdf.geometry)
    if present.empty:
        return None
    return tuple(float(v) for v in present.total_bounds)


def _check_coordinates_fit(gdf: gpd.GeoDataFrame, crs: pyproj.CRS, where: object,
                           crs_from: object) -> None:
    """Raise MissingCRSError when the coordinates cannot be in ``crs``."""
    bounds = _bounds(gdf)
    if bounds is None:
        return
    degrees = _looks_like_degrees(gdf)
    if crs.is_geographic == degrees:
        return
    cands = suggest_crs(bounds)
    named = (Note.of("named_from", label=crs_label(crs), source=crs_from) if crs_from
             else crs_label(crs))
    raise MissingCRSError(candidates=cands, key="crs_mismatch", params={
        "where": where, "range": _range_text(bounds),
        "looks": Note.of("unit_degrees" if degrees else "unit_metres"), "named": named,
        "unit": Note.of("unit_degrees" if crs.is_geographic else "unit_projected"),
        "advice": _candidates_note(cands), "code": _first_code(cands)})


def _candidates_note(cands: list[CrsCandidate]) -> Note:
    if not cands:
        return Note.of("candidates_none")
    top = "; ".join(f"{c.code} {c.name}" for c in cands[:3])
    return Note.of("candidates_likely", top=top, code=cands[0].code)


def _first_code(cands: list[CrsCandidate]) -> str:
    return cands[0].code if cands else "EPSG:9215"


def _excerpt(value: object, limit: int = 24) -> str:
    """Return a short, escaped quote of a cell of the file (empty for a missing value)."""
    if value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return "''"
    text = repr(str(value))
    return text if len(text) <= limit else text[:limit - 2] + "…" + text[0]


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
