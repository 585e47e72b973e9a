"""Read a CSV table of points (lon/lat or x/y columns) or WKT geometries.

Part of :mod:`layers.readers` (see there for the CRS rules): the bytes are checked first
(:func:`layers.source_checks.check_csv_bytes`: no NUL byte, not too many columns), the
encoding decided from a BOM, the user or detection (UTF-8, cp1258, TCVN3, VNI), then
pandas parses the text. Values that are not numbers, and WKT that is not a geometry, are
refused with their line numbers and a short escaped excerpt.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings as pywarnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from layers.encoding import decode, resolve
from layers.errors import LayerError
from layers.kinds import normalize_name
from layers.messages import Note
from layers.messages_input import plain
from layers.ogr_read import safe_detail
from layers.raw_layer import (
    MAX_LISTED,
    MAX_SAMPLES,
    WGS84,
    RawLayer,
    looks_like_degrees,
    replacement_warning,
)
from layers.source_checks import check_csv_bytes

_LON_NAMES = frozenset({"lon", "lng", "long", "longitude", "kinhdo", "kinhtuyen"})
_LAT_NAMES = frozenset({"lat", "latitude", "vido", "vituyen"})
_X_NAMES = frozenset({"x", "xcoord", "coordx", "toadox", "easting", "east"})
_Y_NAMES = frozenset({"y", "ycoord", "coordy", "toadoy", "northing", "north"})
_WKT_NAMES = frozenset({"wkt", "geometry", "geom", "thegeom", "wktgeom", "hinhhoc"})
_UTF8_BOM = b"\xef\xbb\xbf"


def read_csv(path: Path, user_crs: pyproj.CRS | None, encoding: str | None) -> RawLayer:
    """Read a CSV table (see the module notes) as a :class:`RawLayer`."""
    data = path.read_bytes()
    bom = data.startswith(_UTF8_BOM)
    if bom:
        data = data[len(_UTF8_BOM):]
    check_csv_bytes(data, path)
    samples = [line for line in data.splitlines() if not line.isascii()][:MAX_SAMPLES]
    guess = resolve(user=encoding if encoding or not bom else "utf-8", cpg=None, ldid=None,
                    samples=samples)
    try:
        text = unicodedata.normalize("NFC", decode(data, guess.encoding))
    except (UnicodeDecodeError, ValueError) as exc:
        raise LayerError(key="csv_bad_text", params={
            "file": plain(path.name), "encoding": guess.encoding,
            "detail": safe_detail(exc, path, 80)}) from exc
    if not text.strip():
        raise LayerError(key="csv_empty", params={"file": plain(path.name)})
    try:
        with pywarnings.catch_warnings():
            pywarnings.simplefilter("ignore")
            df = pd.read_csv(io.StringIO(text), sep=_sniff_delimiter(text),
                             skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise LayerError(key="csv_unreadable", params={
            "file": plain(path.name), "detail": safe_detail(exc, path, 120)}) from exc
    df.columns = [unicodedata.normalize("NFC", str(c)).strip() for c in df.columns]
    gdf, crs, crs_source, crs_from, warnings = _csv_geometry(df, path, user_crs)
    wkt = _find_column(list(df.columns), _WKT_NAMES) is not None
    warnings += replacement_warning(gdf, guess.encoding)
    return RawLayer(path.stem, gdf, crs, crs_source, crs_from, guess.encoding,
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
            warnings.append(Note.of("xy_swapped", x=plain(x, 30), y=plain(y, 30)))
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
        raise LayerError(key="csv_no_coords", params={
            "file": plain(path.name),
            "columns": ", ".join(repr(plain(c, 24)) for c in cols[:MAX_LISTED * 2])
            + (f" (+{len(cols) - MAX_LISTED * 2})" if len(cols) > MAX_LISTED * 2 else "")})
    gdf = gpd.GeoDataFrame(rest.reset_index(drop=True), geometry=list(geoms))
    if crs is None and wkt is not None and not use_xy and looks_like_degrees(gdf):
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
        shown = ", ".join(f"{i + 2} ({_excerpt(values.iloc[i])})" for i in bad[:MAX_LISTED])
        more = (Note.of("more", count=len(bad) - MAX_LISTED) if len(bad) > MAX_LISTED
                else "")
        raise LayerError(key="csv_not_numbers", params={
            "file": plain(path.name), "column": plain(col, 30), "count": len(bad),
            "lines": shown, "more": more})
    return numbers.to_numpy(dtype=float)


def _wkt_geometries(df: pd.DataFrame, col: str, path: Path) -> np.ndarray:
    geoms = []
    bad: list[tuple[int, str]] = []
    with pywarnings.catch_warnings():
        pywarnings.simplefilter("ignore")
        for i, value in enumerate(df[col].tolist()):
            try:
                geoms.append(shapely.from_wkt(value) if isinstance(value, str)
                             and value.strip() else None)
            except shapely.errors.ShapelyError as exc:
                geoms.append(None)
                bad.append((i, safe_detail(str(exc).split(":", 1)[-1], limit=60)))
    if bad:
        shown = ", ".join(f"{i + 2} ({reason})" if reason else str(i + 2)
                          for i, reason in bad[:MAX_LISTED])
        raise LayerError(key="csv_bad_wkt", params={
            "file": plain(path.name), "column": plain(col, 30), "count": len(bad),
            "lines": shown})
    return np.array(geoms, dtype=object)


def _excerpt(value: object, limit: int = 24) -> str:
    """Return a short, escaped quote of a cell of the file (empty for a missing value)."""
    if value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return "''"
    text = repr(plain(value, limit))
    return text if len(text) <= limit else text[:limit - 2] + "…" + text[0]
