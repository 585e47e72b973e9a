"""Read source files into WGS 84 GeoDataFrames with clean Unicode text.

Formats: shapefile (``.shp`` with its sibling parts, or a ``.zip`` of one or more
shapefiles, in subfolders too), GeoPackage, GeoJSON, KML/KMZ and CSV (lon/lat or x/y
columns, or a WKT column: :mod:`layers.read_csv`). Every reader reprojects to EPSG:4326,
normalises text to NFC and validates the geometries (:mod:`layers.validate`).

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

Hostile input is judged before a parser sees it, within the limits of :mod:`layers.limits`:
links and oversized text files (:mod:`layers.source_checks`), zip archives from their
directory (:mod:`layers.archive`), shapefile parts from their headers
(:mod:`layers.shapefile_checks`); GDAL is read through :mod:`layers.ogr_read` (no stray
warning, broken rings judged per feature). A ``.prj`` PROJ cannot use falls back to the
candidates from the coordinate ranges, as a missing one does. Every name or header quoted
in a message is escaped and cut short (:func:`layers.messages_input.plain`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
import warnings as pywarnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import pyproj
import shapely

from layers import archive, limits
from layers.crs import (
    CrsCandidate,
    canonical_crs,
    crs_code,
    crs_from_prj,
    crs_label,
    fits_vietnam,
    parse_crs,
    proj_reason,
    suggest_crs,
)
from layers.encoding import decode, read_dbf_ldid, recode_latin1, resolve
from layers.errors import LayerError, MissingCRSError
from layers.messages import Note
from layers.messages_input import plain
from layers.ogr_read import gdal_errors as _gdal_errors
from layers.ogr_read import read_frame, safe_detail
from layers.raw_layer import (
    MAX_LISTED,
    MAX_SAMPLES,
    WGS84,
    RawLayer,
    replacement_warning,
    text_columns,
)
from layers.read_csv import read_csv
from layers.shapefile_checks import (
    blank_bad_numbers,
    check_parts,
    gdal_view,
    no_fields_note,
    numeric_problems,
)
from layers.source_checks import check_file, check_kml, read_cpg, read_prj
from layers.validate import ImportReport, validate_geometries

__all__ = ["SUPPORTED", "SourceLayer", "read_source", "safe_detail", "source_layers"]

SUPPORTED = (".zip", ".shp", ".gpkg", ".geojson", ".json", ".kml", ".kmz", ".csv")

_SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
# Columns LIBKML adds to every KML layer; dropped when they hold nothing.
_KML_BOILERPLATE = ("id", "description", "timestamp", "begin", "end", "altitudeMode",
                    "tessellate", "extrude", "visibility", "drawOrder", "icon", "snippet")
_KML_DEFAULTS = {"tessellate": -1, "extrude": 0, "visibility": -1}


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
        with archive.open_checked(path) as (_, infos):
            return list(_zip_shapefiles(path, infos))
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
        If the file is missing, unsupported, corrupt or empty, a link, over a limit of
        :mod:`layers.limits`, ``layer`` is not in it, or a feature has a coordinate
        that is not a number (NaN, infinity) or a broken ring. The message names no
        folder of the machine, only the file.
    """
    path = _check_path(path)
    user_crs = parse_crs(crs) if crs else None
    suffix = path.suffix.lower()
    hashed = [path]
    if suffix == ".zip":
        raws = _read_zip(path, user_crs, encoding, layer)
    elif suffix == ".shp":
        parts = _shapefile_parts(path)
        _pick([path.stem], layer, path)
        raws = [_read_shapefile(path, parts, path.stem, user_crs, encoding)]
        hashed = [parts[e] for e in _SHAPEFILE_PARTS if e in parts and (
            e not in (".prj", ".cpg") or parts[e].stat().st_size <= limits.max_prj_bytes)]
    elif suffix == ".csv":
        _pick([path.stem], layer, path)
        raws = [read_csv(path, user_crs, encoding)]
    else:
        raws = _read_ogr(path, suffix, user_crs, layer)
        if encoding:
            for raw in raws:
                raw.warnings = [*(raw.warnings or []),
                                Note.of("encoding_ignored", encoding=encoding, suffix=suffix)]
    if not raws:
        raise LayerError(key="no_layers", params={"file": plain(path.name)})
    # after the checks (a bomb is never read in full), in a thread while the layers are
    # finished: hashlib lets other threads run (a third of a second for 100 MB)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kvpt-sha256") as pool:
        checksum = pool.submit(_sha256, hashed)
        finished = [_finish(raw, path, None, user_crs, crs_chosen) for raw in raws]
        digest = checksum.result()
    return [dataclasses.replace(layer, checksum=digest) for layer in finished]


# --- paths and checks -------------------------------------------------------------


def _check_path(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED:
        raise LayerError(key="unsupported_type", params={
            "file": plain(path.name), "suffix": plain(path.suffix, 20) or "(none)",
            "supported": ", ".join(SUPPORTED)})
    if not path.is_symlink() and not path.is_file():
        raise LayerError(key="no_such_file", params={"file": plain(path.name),
                                                     "path": plain(path, 200)})
    check_file(path)
    return path


def _pick(names: list[str], layer: str | None, path: Path) -> list[str]:
    if layer is None:
        if len(names) > limits.max_layers:
            raise LayerError(key="too_many_layers", params={
                "file": plain(path.name), "count": len(names), "limit": limits.max_layers,
                "first": plain(names[0], 40)})
        return names
    if layer not in names:
        raise LayerError(key="no_such_layer", params={
            "file": plain(path.name), "layer": plain(layer, 40),
            "names": ", ".join(repr(plain(n, 40)) for n in names[:MAX_LISTED * 2]) or "-"})
    return [layer]


def _sha256(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for part in paths:
        with open(part, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


# --- shapefiles -------------------------------------------------------------------


def _shapefile_parts(shp: Path) -> dict[str, Path]:
    """Return ``{".shp": path, ".dbf": path, ...}`` found beside ``shp`` (any case)."""
    parts = {}
    stem = shp.stem.lower()
    for sibling in sorted(shp.parent.iterdir()):
        ext = sibling.suffix.lower()
        if sibling.stem.lower() == stem and ext in _SHAPEFILE_PARTS and (
                sibling.is_file() or sibling.is_symlink()):
            parts.setdefault(ext, sibling)
    parts[".shp"] = shp
    missing = [ext for ext in (".shx", ".dbf") if ext not in parts]
    if missing:
        names = " + ".join(f"{plain(shp.stem)}{ext}" for ext in missing)
        raise LayerError(key="shp_part_missing", params={"file": plain(shp.name),
                                                         "parts": names})
    return parts


def _read_shapefile(
    shp: Path,
    parts: dict[str, Path],
    name: str,
    user_crs: pyproj.CRS | None,
    encoding: str | None,
) -> RawLayer:
    header = check_parts(parts, plain(shp.name))
    with gdal_view(parts) as target:
        frame = read_frame(target, shp, encoding="latin1")
    gdf = frame.gdf
    cpg = read_cpg(parts[".cpg"]) if ".cpg" in parts else None
    text_cols = text_columns(gdf)
    samples = _dbf_samples(gdf, text_cols)
    guess = resolve(user=encoding, cpg=cpg, ldid=read_dbf_ldid(parts[".dbf"]), samples=samples)
    gdf, notes = blank_bad_numbers(
        gdf, numeric_problems(parts[".dbf"], header), plain(shp.name),
        lambda raw: decode(raw, guess.encoding))
    gdf, warnings = _recode(gdf, text_cols, guess.encoding)
    warnings = [*no_fields_note(header, parts[".dbf"]), *notes, *warnings, *frame.notes]
    prj_crs, problem = _prj_crs(parts.get(".prj"))
    crs_from = Note.of("from_prj", name=plain(parts[".prj"].name)) if prj_crs else ""
    return RawLayer(name, gdf, prj_crs, "prj", crs_from, guess.encoding, guess.source,
                dict(guess.scores), warnings, crs_problem=problem)


def _prj_crs(prj: Path | None) -> tuple[pyproj.CRS | None, tuple[str, dict] | None]:
    """Return the CRS of a ``.prj``, or ``None`` and why it cannot be used."""
    if prj is None:
        return None, None
    text, problem = read_prj(prj)
    if text is None:
        return None, problem
    try:
        return crs_from_prj(text, path=plain(prj.name)), None
    except LayerError as err:
        detail = err.params.get("detail") or Note.of("prj_empty_detail")
        return None, ("prj_unusable", {"prj": plain(prj.name), "detail": detail})


def _dbf_samples(gdf: gpd.GeoDataFrame, text_cols: list[str]) -> list[bytes]:
    """Return raw DBF bytes of field names and string values (non-ASCII first)."""
    samples = [str(c).encode("latin-1", errors="replace") for c in gdf.columns]
    for col in text_cols:
        for value in gdf[col].to_numpy():
            if isinstance(value, str) and value:
                samples.append(value.encode("latin-1", errors="replace"))
    non_ascii = [s for s in samples if not s.isascii()]
    return (non_ascii or samples)[:MAX_SAMPLES]


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
    return out, replacement_warning(out, encoding)


def _read_zip(path: Path, user_crs: pyproj.CRS | None, encoding: str | None,
              layer: str | None) -> list[RawLayer]:
    raws = []
    with archive.open_checked(path) as (zf, infos), archive.scratch_folder() as tmp:
        shapefiles = _zip_shapefiles(path, infos)
        names = _pick(list(shapefiles), layer, path)
        budget = archive.Budget(path)
        for i, name in enumerate(names):
            members = shapefiles[name]
            folder = tmp / str(i)
            folder.mkdir()
            stem = _disk_stem(archive.member_path(members[".shp"]).stem)
            missing = [e for e in (".shx", ".dbf") if e not in members]
            if missing:
                shp_name = archive.member_path(members[".shp"])
                listed = " + ".join(plain(shp_name.with_suffix(e)) for e in missing)
                raise LayerError(key="zip_part_missing",
                                 params={"file": plain(path.name), "parts": listed})
            for ext, info in members.items():
                archive.extract(zf, info, folder / f"{stem}{ext}", budget)
            shp = folder / f"{stem}.shp"
            raw = _read_shapefile(shp, _shapefile_parts(shp), name, user_crs, encoding)
            if ".prj" in members and raw.crs is not None:
                raw.crs_from = Note.of(
                    "from_prj", name=plain(archive.member_path(members[".prj"]).name))
            raws.append(raw)
    return raws


def _disk_stem(stem: str) -> str:
    """Return a member's stem if it is a plain file name, else a neutral one."""
    ok = 0 < len(stem.encode("utf-8")) <= 120 and stem.isprintable() and not (
        set(stem) & set("/\\:*?\"<>|")) and not stem.startswith(".")
    return stem if ok else "layer"


def _zip_shapefiles(path: Path, infos: list) -> dict[str, dict[str, object]]:
    """Return ``{layer name: {".shp": ZipInfo, ".dbf": ZipInfo, ...}}`` for a zip."""
    usable = [i for i in infos if "__MACOSX" not in archive.member_path(i).parts
              and not archive.member_path(i).name.startswith("._")]
    groups: dict[tuple[str, str], dict[str, object]] = {}
    for info in usable:
        p = archive.member_path(info)
        ext = p.suffix.lower()
        if ext in _SHAPEFILE_PARTS:
            groups.setdefault((str(p.parent), p.stem.lower()), {}).setdefault(ext, info)
    shps = [parts for parts in groups.values() if ".shp" in parts]
    if not shps:
        listed = ", ".join(plain(i.filename, 40) for i in usable[:MAX_LISTED * 2]) or "-"
        raise LayerError(key="zip_no_shapefile", params={"file": plain(path.name),
                                                         "listed": listed})
    stems = [archive.member_path(parts[".shp"]).stem for parts in shps]
    out = {}
    for parts in sorted(shps, key=lambda item: item[".shp"].filename):
        shp = archive.member_path(parts[".shp"])
        name = shp.stem if stems.count(shp.stem) == 1 else str(shp.with_suffix(""))
        out[name] = parts
    return out


# --- GeoPackage, GeoJSON, KML/KMZ ---------------------------------------------------


def _gpkg_layers(path: Path) -> list[str]:
    with _gdal_errors(path), pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        info = pyogrio.list_layers(path)
    names = [str(name) for name, geom in info if geom is not None]
    if not names and len(info):
        tables = ", ".join(repr(plain(name, 30)) for name, _ in info[:MAX_LISTED])
        raise LayerError(key="gpkg_no_spatial", params={"file": plain(path.name),
                                                        "tables": tables})
    return names


def _list_layers(target: str | Path, path: Path) -> list[str]:
    with _gdal_errors(path), pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        return [str(name) for name in pyogrio.list_layers(target)[:, 0]]


@contextmanager
def _kml_dataset(path: Path) -> Iterator[Path]:
    """Yield the KML document GDAL should open, checked (:func:`check_kml`).

    A KMZ's document is unpacked first (:func:`layers.archive.kmz_document`): LIBKML
    reading the ``.kmz`` itself drops the ``ExtendedData`` schema fields.
    """
    if path.suffix.lower() != ".kmz":
        check_kml(path, path)
        yield path
        return
    with archive.kmz_document(path) as doc:
        check_kml(doc, path)
        yield doc


def _read_ogr(path: Path, suffix: str, user_crs: pyproj.CRS | None,
              layer: str | None) -> list[RawLayer]:
    if suffix == ".gpkg":
        names = _pick(_gpkg_layers(path), layer, path)
        raws = []
        for name in names:
            frame = read_frame(path, path, what=f"layer {plain(name, 40)!r}", layer=name,
                               where=Note.of("where_layer", file=plain(path.name),
                                             layer=plain(name, 40)), arrow=True)
            gdf = frame.gdf
            file_crs = canonical_crs(gdf.crs) if gdf.crs is not None else None
            raws.append(RawLayer(name, gdf, file_crs, "file", Note.of("from_gpkg"),
                             warnings=frame.notes))
        return raws
    if suffix in (".geojson", ".json"):
        _pick([path.stem], layer, path)
        frame = read_frame(path, path)
        gdf = frame.gdf
        declared = _geojson_declares_crs(path)
        file_crs = canonical_crs(gdf.crs) if gdf.crs is not None else WGS84
        source = "file" if declared else "assumed"
        where = Note.of("from_geojson_crs" if declared else "from_geojson_std")
        return [RawLayer(path.stem, gdf, file_crs, source, where, warnings=frame.notes)]
    return _read_kml(path, layer)


def _geojson_declares_crs(path: Path) -> bool:
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return re.search(rb'"crs"\s*:\s*\{', head) is not None


def _read_kml(path: Path, layer: str | None) -> list[RawLayer]:
    with _kml_dataset(path) as target:
        names = _list_layers(target, path)
        chosen = _pick(names, layer, path)
        raws = []
        for name in chosen:
            where = (Note.of("where_layer", file=plain(path.name), layer=plain(name, 40))
                     if name != path.stem else plain(path.name))
            frame = read_frame(target, path, what=f"layer {plain(name, 40)!r}", layer=name,
                               where=where)
            if len(frame.gdf) == 0 and layer is None:
                continue
            raws.append(RawLayer(name, _tidy_kml(frame.gdf), WGS84, "assumed",
                             Note.of("from_kml_std"), warnings=frame.notes))
    if not raws:
        raise LayerError(key="kml_no_placemarks", params={
            "file": plain(path.name),
            "names": ", ".join(plain(n, 30) for n in names[:MAX_LISTED]) or "-"})
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


# --- common finish ------------------------------------------------------------------


def _finish(raw: RawLayer, path: Path, checksum: str | None,
            user_crs: pyproj.CRS | None, crs_chosen: bool = True) -> SourceLayer:
    """Set the CRS, reproject to WGS 84, normalise text and validate geometries."""
    gdf = raw.gdf
    where = (Note.of("where_layer", file=plain(path.name), layer=plain(raw.name, 40))
             if raw.name != path.stem else plain(path.name))
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
        raise _crs_fallback(gdf, where, raw.crs_problem or ("crs_missing", {}))
    _check_coordinates_fit(gdf, crs, where, crs_from)
    gdf = _to_wgs84(gdf, crs, where)
    gdf = _nfc(gdf)
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        gdf, report = validate_geometries(gdf, where=where)
    report.warnings = warnings + report.warnings
    if report.features_kept == 0:
        raise LayerError(key="no_usable_geometry",
                         params={"where": where, "count": report.features_read})
    return SourceLayer(
        name=_layer_name(raw.name), gdf=gdf, source_path=str(path), checksum=checksum or "",
        source_crs=crs_code(crs), crs_label=crs_label(crs), crs_source=source,
        encoding=raw.encoding, encoding_source=raw.encoding_source,
        encoding_scores=dict(raw.encoding_scores or {}), report=report,
    )


def _crs_fallback(gdf: gpd.GeoDataFrame, where: object,
                  problem: tuple[str, dict]) -> MissingCRSError:
    """Return the error listing the CRS candidates of the coordinate ranges.

    ``problem`` says why the file's own CRS is not used: ``("crs_missing", {})`` when it
    names none, or a ``.prj`` PROJ cannot use (``prj_unusable``, ``prj_too_big``).
    """
    key, params = problem
    bounds = _bounds(gdf)
    cands = suggest_crs(bounds) if bounds else []
    return MissingCRSError(candidates=cands, key=key, params={
        **params, "where": where, "range": f" ({_range_text(bounds)})" if bounds else "",
        "advice": _candidates_note(cands), "code": _first_code(cands)})


def _to_wgs84(gdf: gpd.GeoDataFrame, crs: pyproj.CRS, where: object) -> gpd.GeoDataFrame:
    """Reproject to WGS 84; a CRS PROJ cannot convert falls back to the candidates."""
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            gdf = gdf.set_crs(crs, allow_override=True)
            if crs.equals(WGS84, ignore_axis_order=True):
                return gdf.set_crs(WGS84, allow_override=True)
            out = gdf.to_crs(WGS84)
    except (pyproj.exceptions.ProjError, pyproj.exceptions.CRSError, ValueError) as exc:
        raise _crs_fallback(gdf, where, ("crs_not_convertible", {
            "label": plain(crs_label(crs), 80), "detail": proj_reason(exc)})) from exc
    bad = _nonfinite_features(out)
    if len(bad):
        raise _crs_fallback(gdf, where, ("crs_not_convertible", {
            "label": plain(crs_label(crs), 80),
            "detail": Note.of("outside_crs", features=_listed(bad))}))
    return out


def _layer_name(name: str) -> str:
    """Return a source layer's name without control characters (the proposed name)."""
    clean = "".join(c for c in name if c.isprintable()).strip()
    return clean or "layer"


def _check_finite(gdf: gpd.GeoDataFrame, where: object) -> None:
    """Refuse features with a NaN or infinite x or y, naming them (1 = first feature)."""
    numbers = _nonfinite_features(gdf)
    if len(numbers):
        raise LayerError(key="nonfinite_coords", params={
            "where": where, "count": len(numbers), "features": _listed(numbers)})


def _nonfinite_features(gdf: gpd.GeoDataFrame) -> np.ndarray:
    """Return the numbers (1 = first) of the features with a NaN or infinite x, y or z."""
    geoms = gdf.geometry.to_numpy()
    rows = np.flatnonzero(~(shapely.is_missing(geoms) | shapely.is_empty(geoms)))
    coords, index = shapely.get_coordinates(geoms[rows], return_index=True)
    bad = set(rows[index[~np.isfinite(coords).all(axis=1)]])
    with_z = rows[shapely.has_z(geoms[rows])]
    if len(with_z):
        coords, index = shapely.get_coordinates(geoms[with_z], include_z=True,
                                                return_index=True)
        bad |= set(with_z[index[~np.isfinite(coords[:, 2])]])
    return np.array(sorted(bad), dtype=np.int64) + 1


def _listed(numbers: np.ndarray) -> str:
    shown = ", ".join(str(n) for n in numbers[:MAX_LISTED])
    more = len(numbers) - MAX_LISTED
    return shown + (f" (+{more})" if more > 0 else "")


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


def _bounds(gdf: gpd.GeoDataFrame) -> tuple[float, float, float, float] | None:
    """Bounds of the present, non-empty geometries (``None`` when there is none)."""
    arr = np.asarray(gdf.geometry.array, dtype=object)
    found = arr[~(shapely.is_missing(arr) | shapely.is_empty(arr))]
    if not len(found):
        return None
    return tuple(float(v) for v in shapely.total_bounds(found))


def _check_coordinates_fit(gdf: gpd.GeoDataFrame, crs: pyproj.CRS, where: object,
                           crs_from: object) -> None:
    """Raise MissingCRSError when the coordinates cannot be in ``crs``."""
    bounds = _bounds(gdf)
    if bounds is None:
        return
    minx, miny, maxx, maxy = bounds  # as layers.raw_layer.looks_like_degrees, bounds reused
    degrees = -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
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


def _range_text(bounds) -> str:
    minx, miny, maxx, maxy = bounds
    biggest = max(abs(v) for v in bounds)
    if biggest >= 1e12:  # no grid reaches this far: say how big, not every digit
        return f"x {minx:.3g}–{maxx:.3g}, y {miny:.3g}–{maxy:.3g}"
    digits = 4 if biggest <= 360 else 0
    return f"x {minx:,.{digits}f}–{maxx:,.{digits}f}, y {miny:,.{digits}f}–{maxy:,.{digits}f}"


def _nfc(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Normalise column names and text values to NFC."""
    def norm(value: object) -> object:
        return unicodedata.normalize("NFC", value) if isinstance(value, str) else value

    out = gdf.copy()
    for col in text_columns(out):
        dtype = out[col].dtype
        if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
            done = pc.utf8_normalize(pa.array(out[col]), form="NFC")  # in Arrow, at once
            out[col] = pd.Series(done.to_pandas(types_mapper={done.type: dtype}.get),
                                 index=out.index)
        elif isinstance(dtype, pd.StringDtype):
            out[col] = out[col].str.normalize("NFC")
        else:
            out[col] = pd.Series([norm(v) for v in out[col].to_numpy()], index=out.index)
    geom = out.geometry.name
    return out.rename(columns={c: norm(c) for c in out.columns if c != geom})
