"""A layer as a reader returns it, before the CRS is settled and the geometry validated.

Shared by :mod:`layers.readers` (shapefiles, GeoPackage, GeoJSON, KML) and
:mod:`layers.read_csv`; :func:`layers.readers.read_source` finishes every
:class:`RawLayer` the same way (CRS, reprojection to WGS 84, NFC text, validation).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import pyproj
import shapely

from layers.messages import Note

WGS84 = pyproj.CRS.from_epsg(4326)
"""The CRS of GeoJSON, KML and lon/lat columns, and of every stored layer."""

MAX_SAMPLES = 5000
"""Most raw text values handed to the encoding detection."""

MAX_LISTED = 5
"""Most lines, features or columns a message lists."""

_REPLACEMENT = "\ufffd"


@dataclass
class RawLayer:
    """A layer as read, before reprojection and validation.

    Attributes
    ----------
    name : str
        Layer name in the source.
    gdf : GeoDataFrame
        Features as read (no CRS set yet).
    crs : pyproj.CRS or None
        The CRS the file names (or the format implies); ``None`` when it names none.
    crs_source : str
        ``"prj"``, ``"file"``, ``"user"``, ``"assumed"`` or ``""``.
    crs_from : str
        What named the CRS, for messages (a :class:`~layers.messages.Note`).
    encoding, encoding_source, encoding_scores
        The text encoding and how it was decided.
    warnings : list, optional
        Notes for the import report.
    degrees_are_wgs84 : bool
        A CSV: degree coordinates without a CRS are WGS 84.
    crs_problem : tuple, optional
        ``(key, params)`` of why the file's own CRS is unusable (a ``.prj`` PROJ cannot
        use, or too big to be one): the CRS then falls back to the candidates.
    """

    name: str
    gdf: gpd.GeoDataFrame
    crs: pyproj.CRS | None
    crs_source: str
    crs_from: str
    encoding: str | None = None
    encoding_source: str = "format"
    encoding_scores: dict[str, float] | None = None
    warnings: list[str] | None = None
    degrees_are_wgs84: bool = False
    crs_problem: tuple[str, dict] | None = None


def text_columns(gdf: gpd.GeoDataFrame) -> list[str]:
    """Return the columns holding text (not the geometry)."""
    geom = gdf.geometry.name
    return [c for c in gdf.columns
            if c != geom and (pd.api.types.is_string_dtype(gdf[c]) or gdf[c].dtype == object)]


def replacement_warning(gdf: pd.DataFrame, encoding: str) -> list[str]:
    """Return a warning when decoding left U+FFFD (bytes the encoding has no letter for)."""
    bad = sum(1 for c in gdf.columns if isinstance(c, str) and _REPLACEMENT in c)
    for col in text_columns(gdf):
        bad += sum(1 for v in gdf[col].to_numpy() if isinstance(v, str) and _REPLACEMENT in v)
    if not bad:
        return []
    return [Note.of("bad_bytes", count=bad, encoding=encoding)]


def present(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return the geometries that are neither missing nor empty."""
    arr = geoms.array
    return geoms[~(shapely.is_missing(arr) | shapely.is_empty(arr))]


def looks_like_degrees(gdf: gpd.GeoDataFrame) -> bool:
    """Return whether every coordinate fits longitude/latitude ranges (True when none)."""
    found = present(gdf.geometry)
    if found.empty:
        return True
    minx, miny, maxx, maxy = found.total_bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90
