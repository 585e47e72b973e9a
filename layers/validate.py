"""Validate and repair the geometries of a layer being imported.

Rules, applied feature by feature:

- A null or empty geometry is dropped (``dropped_empty``).
- An invalid geometry is repaired with :func:`shapely.make_valid` (``repaired``).
  ``make_valid`` can return parts of a lower dimension than the input: a polygon
  with a spike becomes a ``GeometryCollection`` of a polygon and a line. Only the
  parts of the input's dimension are kept (polygons of a polygon, lines of a line),
  joined into a single or multi geometry; each feature that lost parts is counted in
  ``parts_dropped``. A repaired geometry with no part of its dimension left (a
  zero-area polygon, a line of one repeated point) is dropped (``dropped_invalid``).
- A ``GeometryCollection`` in the source (e.g. a KML ``MultiGeometry``) keeps the
  parts of its highest dimension, as one single or multi geometry, so every kept
  feature is a Point, LineString or Polygon or their Multi forms.

Coordinates of valid geometries are never changed; the index is reset.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from layers.errors import LayerError
from layers.messages import Note

_COLLECTION = 7  # shapely.get_type_id of a GeometryCollection
_TYPE_NAMES = ("Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
               "MultiPolygon", "GeometryCollection")  # by shapely.get_type_id
_MULTI = {0: shapely.MultiPoint, 1: shapely.MultiLineString, 2: shapely.MultiPolygon}


@dataclass
class ImportReport:
    """What validation did to a layer.

    Attributes
    ----------
    features_read : int
        Features in the source.
    features_kept : int
        Features after validation.
    repaired : int
        Invalid geometries fixed with ``shapely.make_valid``.
    dropped_empty : int
        Null or empty geometries dropped.
    geometry_types : dict
        ``{geometry type: count}`` of the kept features.
    mixed_types : bool
        True when the kept features hold more than one base type (Point,
        LineString, Polygon).
    unknown_columns : list of str
        Source columns no attribute of the kind took (filled by the importer).
    warnings : list of str
        Plain-language notes for the user: :class:`layers.messages.Note` texts (English
        as a ``str``, ``note.text("vi")`` for the app).
    dropped_invalid : int
        Invalid geometries dropped because the repair left nothing of their
        dimension.
    parts_dropped : int
        Features that lost lower-dimensional parts (lines or points split off a
        polygon by the repair, or mixed parts of a geometry collection).
    levels : dict
        Admin units only (filled by the importer): ``{level: count}`` of the stored
        ``level`` (``"province"``, ``"district"``, ``"commune"``, ``"none"`` for units
        with no known level).
    level_source : str
        How the levels were found: ``"given"`` (for the whole layer), ``"column"``,
        ``"name"`` (the name prefix: Xã, Phường, Huyện…), ``"mixed"`` (both) or
        ``"none"``; empty for other kinds.
    unchanged_from : int or None
        The current version whose source is byte for byte the file imported (filled
        by the importer), else ``None``.
    """

    features_read: int
    features_kept: int
    repaired: int
    dropped_empty: int
    geometry_types: dict[str, int]
    mixed_types: bool
    unknown_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped_invalid: int = 0
    parts_dropped: int = 0
    levels: dict[str, int] = field(default_factory=dict)
    level_source: str = ""
    unchanged_from: int | None = None

    def as_dict(self) -> dict:
        """Return the report as plain JSON-ready values."""
        return asdict(self)


def validate_geometries(gdf: gpd.GeoDataFrame, *,
                        where: object = "") -> tuple[gpd.GeoDataFrame, ImportReport]:
    """Drop empty geometries and repair invalid ones.

    Parameters
    ----------
    gdf : GeoDataFrame
        Features as read from a source.
    where : str, optional
        The file (and layer) for error messages.

    Returns
    -------
    GeoDataFrame
        The kept features, repaired, with a fresh ``RangeIndex``.
    ImportReport
        Counts of what was read, kept, repaired and dropped (see the module notes).

    Raises
    ------
    LayerError
        If GEOS cannot process a geometry (e.g. a NaN coordinate); the message names
        the feature (1 = the first of ``gdf``).
    """
    read = len(gdf)
    geoms = gdf.geometry
    empty = shapely.is_missing(geoms.array) | shapely.is_empty(geoms.array)
    out = gdf.loc[~empty].copy()
    arr = np.asarray(out.geometry.array, dtype=object)
    numbers = np.flatnonzero(~empty) + 1
    todo = np.flatnonzero(~_plainly_valid(arr))
    counts: Counter[str] = Counter()
    keep = np.ones(len(arr), dtype=bool)
    for i in todo:  # only the features that need a look: invalid ones and collections
        try:
            new, status = _clean(arr[i])
        except (shapely.errors.GEOSException, ValueError) as exc:
            detail = " ".join(str(exc).split())[:120]
            raise LayerError(key="geometry_unreadable", params={
                "where": where or "-", "feature": int(numbers[i]), "detail": detail}) from exc
        counts[status] += 1
        arr[i] = new
        keep[i] = new is not None
    if len(todo):
        out[out.geometry.name] = gpd.GeoSeries(arr, index=out.index, crs=gdf.crs)
    out = out.loc[keep].reset_index(drop=True)
    types = _type_counts(out.geometry.array)
    report = ImportReport(
        features_read=read,
        features_kept=len(out),
        repaired=counts["repaired"] + counts["repaired_parts"],
        dropped_empty=int(empty.sum()),
        geometry_types=dict(sorted(types.items())),
        mixed_types=len({t.replace("Multi", "") for t in types}) > 1,
        dropped_invalid=counts["dropped"],
        parts_dropped=counts["repaired_parts"] + counts["collection_parts"],
    )
    report.warnings = _warnings(report)
    return out, report


def _type_counts(arr: np.ndarray) -> dict[str, int]:
    """Return ``{geometry type name: count}`` of present geometries, vectorised."""
    ids = shapely.get_type_id(np.asarray(arr, dtype=object))
    found, counts = np.unique(ids[ids >= 0], return_counts=True)
    return {_TYPE_NAMES[i]: int(c) for i, c in zip(found, counts, strict=True)}


def _plainly_valid(arr: np.ndarray) -> np.ndarray:
    """Return where a geometry is valid and not a collection (kept as is), vectorised.

    When GEOS refuses the whole array (e.g. a NaN coordinate), every feature is looked at
    one by one so that the error names the feature.
    """
    try:
        return shapely.is_valid(arr) & (shapely.get_type_id(arr) != _COLLECTION)
    except (shapely.errors.GEOSException, ValueError):
        return np.zeros(len(arr), dtype=bool)


def _clean(geom: BaseGeometry) -> tuple[BaseGeometry | None, str]:
    """Return the cleaned geometry (None to drop) and what happened to it."""
    if geom.is_valid and geom.geom_type != "GeometryCollection":
        return geom, "ok"
    if geom.is_valid:
        dim = _dimension(geom)
        kept, lost = _keep_dimension(geom, dim)
        return kept, "collection_parts" if lost else "ok"
    dim = _dimension(geom)
    repaired = shapely.make_valid(geom)
    kept, lost = _keep_dimension(repaired, dim)
    if kept is None:
        return None, "dropped"
    return kept, "repaired_parts" if lost else "repaired"


def _dimension(geom: BaseGeometry) -> int:
    if geom.geom_type == "GeometryCollection":
        return max(_dimension(g) for g in geom.geoms if not g.is_empty)
    return int(shapely.get_dimensions(geom))


def _parts(geom: BaseGeometry) -> list[BaseGeometry]:
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in _parts(g)]
    return [] if geom.is_empty else [geom]


def _keep_dimension(geom: BaseGeometry, dim: int) -> tuple[BaseGeometry | None, bool]:
    """Return ``geom`` reduced to its parts of dimension ``dim`` and whether parts were lost."""
    parts = _parts(geom)
    same = [p for p in parts if int(shapely.get_dimensions(p)) == dim]
    lost = len(same) < len(parts)
    if not same:
        return None, lost
    if geom.geom_type != "GeometryCollection" and not lost:
        return geom, False
    return (same[0] if len(same) == 1 else _MULTI[dim](same)), lost


def _warnings(report: ImportReport) -> list[str]:
    notes: list[str] = []
    for key, count in (("dropped_empty", report.dropped_empty), ("repaired", report.repaired),
                       ("parts_dropped", report.parts_dropped),
                       ("dropped_invalid", report.dropped_invalid)):
        if count:
            notes.append(Note.of(key, count=count))
    if report.mixed_types:
        notes.append(Note.of("mixed_types", types=", ".join(report.geometry_types)))
    return notes
