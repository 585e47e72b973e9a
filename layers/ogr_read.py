"""Read a layer through GDAL (pyogrio) without a crash, a stray warning or a silent loss.

:func:`read_frame` is the one call of ``pyogrio.read_dataframe`` for the readers:

- GDAL and shapely warnings (``RuntimeWarning: Non closed ring detected``, ``invalid
  value encountered in from_wkb``…) are caught, never printed: the ones worth telling
  come back as one short note for the import report (:func:`gdal_notes`);
- GDAL errors become a :class:`~layers.errors.LayerError` naming the file only
  (:func:`gdal_errors`, :func:`safe_detail`);
- a geometry GEOS refuses to build (an unclosed ring, a ring of two points, a line of one
  point) does not abort the read: those features' WKB is read again and judged here
  (:func:`repair_wkb`). A ring whose last point misses its first by no more than
  :data:`layers.limits.ring_close_tolerance` of its extent (the rounding of an export) is
  closed by moving the last point onto the first, and the report says which features were
  closed; any other broken geometry refuses the layer, naming its features (1 = first).
"""

from __future__ import annotations

import re
import struct
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pyogrio.errors
import shapely
import shapely.geometry

from layers import limits
from layers.errors import LayerError
from layers.messages import Note
from layers.messages_input import plain

_MAX_LISTED = 5
_GDAL_NOTE_CHARS = 160
# Warnings that only restate what the readers check and report themselves.
_QUIET = re.compile(r"invalid value encountered|Non closed ring|organizePolygons|"
                    r"parsed incompletely|ring|Measured \(M\) geometry", re.IGNORECASE)
_GEOJSON = {1: "Point", 2: "LineString", 3: "Polygon", 4: "MultiPoint",
            5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}


@dataclass
class Frame:
    """A layer as read: the frame and the notes for the import report."""

    gdf: gpd.GeoDataFrame
    notes: list[Note] = field(default_factory=list)


def read_frame(target: str | Path, path: Path, *, where: object = None, what: str = "",
               arrow: bool = False, **kwargs: object) -> Frame:
    """Read one layer with ``pyogrio.read_dataframe``, safely (see the module notes).

    Parameters
    ----------
    target : str or Path
        What GDAL opens (the file, or a ``/vsi`` path).
    path : Path
        The file the user gave, for messages (its name only).
    where : object, optional
        How messages name the layer (default: the file name).
    what : str
        Extra words after the file name in GDAL errors (``"layer 'x'"``).
    arrow : bool
        Read through Arrow (``use_arrow=True``: about twice as fast on big layers); for
        UTF-8 sources only. A layer with a broken geometry is read again without it.
    **kwargs
        Passed to ``pyogrio.read_dataframe`` (``layer``, ``encoding``…).

    Returns
    -------
    Frame

    Raises
    ------
    LayerError
        If GDAL cannot read the layer, or a geometry is broken beyond a safe repair.
    """
    where = where or plain(path.name)
    with gdal_errors(path, what), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            gdf = pyogrio.read_dataframe(target, use_arrow=arrow, **kwargs)
            notes: list[Note] = []
        except shapely.errors.ShapelyError:
            gdf, notes = _read_repairing(target, where, **kwargs)
    return Frame(gdf, notes + gdal_notes(caught))


def gdal_notes(caught: list[warnings.WarningMessage]) -> list[Note]:
    """Return one report note for the GDAL warnings worth telling (none for the rest)."""
    texts = []
    for w in caught:
        text = " ".join(str(w.message).split())
        if text and not _QUIET.search(text) and text not in texts:
            texts.append(text)
    if not texts:
        return []
    return [Note.of("gdal_warnings", detail=safe_detail("; ".join(texts),
                                                        limit=_GDAL_NOTE_CHARS))]


@contextmanager
def gdal_errors(path: Path, what: str = "") -> Iterator[None]:
    """Turn pyogrio/GDAL errors into a LayerError naming the file."""
    try:
        yield
    except LayerError:
        raise
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError,
            pyogrio.errors.FieldError, pyogrio.errors.GeometryError,
            pyogrio.errors.CRSError, pyogrio.errors.FeatureError, RuntimeError, OSError,
            ValueError, MemoryError) as exc:
        raise LayerError(key="gdal_unreadable", params={
            "file": plain(path.name), "what": f" {what}" if what else "",
            "suffix": plain(path.suffix, 12), "detail": safe_detail(exc, path)}) from exc


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
    text = str(exc)[: 20 * limit].strip() or type(exc).__name__
    text = " ".join(text.split())
    if path is not None:
        for folder in {str(path.parent), str(path.resolve().parent)}:
            if len(folder) > 1:
                text = text.replace(folder + "/", "").replace(folder, "")
    text = re.sub(r"(/vsi[a-z]+/)?(?:[A-Za-z]:)?(?:[/\\][^\s/\\'\":;,()]+)+[/\\]"
                  r"(?=[^\s/\\'\":;,()]+)", "", text)
    return plain(text, limit)


# -- geometries GEOS refuses -----------------------------------------------------------


class _Broken(ValueError):
    """A geometry that cannot be repaired safely: ``key`` and ``params`` of the message."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _read_repairing(target: str | Path, where: object,
                    **kwargs: object) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """Read again, judging each geometry GEOS refused (see the module notes)."""
    gdf = pyogrio.read_dataframe(target, on_invalid="ignore", **kwargs)
    raw_kwargs = {k: v for k, v in kwargs.items() if k in ("layer", "encoding")}
    wkbs = pyogrio.raw.read(target, columns=[], **raw_kwargs)[2]
    if wkbs is None or len(wkbs) != len(gdf):
        msg = "the geometries could not be read again"
        raise ValueError(msg)
    geoms, closed = repair_wkb(np.asarray(wkbs, dtype=object), where)
    gdf = gdf.set_geometry(gpd.GeoSeries(geoms, index=gdf.index, crs=gdf.crs))
    notes = []
    if closed:
        notes.append(Note.of("rings_closed", count=len(closed), features=_listed(closed)))
    return gdf, notes


def repair_wkb(wkbs: np.ndarray, where: object) -> tuple[np.ndarray, list[int]]:
    """Build geometries from WKB, closing nearly closed rings; refuse other broken ones.

    Parameters
    ----------
    wkbs : array of bytes or None
        One WKB per feature.
    where : object
        The file (and layer) for messages.

    Returns
    -------
    array of shapely geometries
        ``None`` where the WKB is ``None``.
    list of int
        Numbers (1 = first) of the features whose rings were closed.

    Raises
    ------
    LayerError
        Naming the features whose geometry is broken beyond that repair.
    """
    geoms = shapely.from_wkb(wkbs, on_invalid="ignore")
    bad = np.flatnonzero(np.array([w is not None for w in wkbs]) & shapely.is_missing(geoms))
    closed, broken = [], {}
    for i in bad:
        try:
            mapping, fixed = _fixed_mapping(bytes(wkbs[i]))
            geoms[i] = shapely.geometry.shape(mapping)
        except _Broken as exc:
            broken.setdefault(exc.key, (exc.params, []))[1].append(int(i) + 1)
            continue
        except (ValueError, TypeError, shapely.errors.ShapelyError) as exc:
            broken.setdefault("geometry_bad_wkb", ({"detail": safe_detail(exc, limit=80)},
                                                   []))[1].append(int(i) + 1)
            continue
        if fixed:
            closed.append(int(i) + 1)
    if broken:
        key, (params, numbers) = next(iter(broken.items()))
        raise LayerError(key=key, params={**params, "where": where,
                                          "features": _listed(numbers)})
    return geoms, closed


def _listed(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:_MAX_LISTED])
    return shown + (f" (+{len(numbers) - _MAX_LISTED})" if len(numbers) > _MAX_LISTED else "")


def _fixed_mapping(wkb: bytes) -> tuple[dict, bool]:
    """Return a GeoJSON-like mapping of ``wkb`` with nearly closed rings closed."""
    mapping, _ = _parse(memoryview(wkb), 0)
    fixed = _fix_rings(mapping)
    return mapping, fixed


def _fix_rings(mapping: dict) -> bool:
    kind = mapping["type"]
    if kind == "GeometryCollection":
        return any([_fix_rings(g) for g in mapping["geometries"]])
    if kind == "Polygon":
        return _fix_polygon(mapping["coordinates"])
    if kind == "MultiPolygon":
        return any([_fix_polygon(p) for p in mapping["coordinates"]])
    if kind == "LineString" and 0 < len(mapping["coordinates"]) < 2:
        raise _Broken("geometry_bad_wkb", detail="a line of 1 point")
    if kind == "MultiLineString" and any(0 < len(c) < 2 for c in mapping["coordinates"]):
        raise _Broken("geometry_bad_wkb", detail="a line of 1 point")
    return False


def _fix_polygon(rings: list[np.ndarray]) -> bool:
    fixed = False
    for ring in rings:
        if len(ring) == 0:
            continue
        xy = ring[:, :2]
        if np.array_equal(xy[0], xy[-1]):
            if len(ring) < 4 or len(_distinct(xy)) < 3:
                raise _Broken("ring_too_short", points=len(_distinct(xy)))
            continue
        extent = float(np.ptp(xy, axis=0).max())
        gap = float(np.hypot(*(xy[-1] - xy[0])))
        slight = gap <= limits.ring_close_tolerance * extent
        points = len(_distinct(xy[:-1] if slight else xy))
        if points < 3:
            raise _Broken("ring_too_short", points=points)
        if not slight:
            raise _Broken("ring_not_closed", gap=f"{gap:.6g}")
        ring[-1, :2] = ring[0, :2]
        fixed = True
    return fixed


def _distinct(xy: np.ndarray) -> np.ndarray:
    return np.unique(xy, axis=0) if len(xy) else xy


def _parse(buf: memoryview, pos: int) -> tuple[dict, int]:
    """Parse one WKB geometry (ISO or extended, 2D/Z/M/ZM) at ``pos``; M is dropped."""
    order = "<" if _take(buf, pos, 1)[0] == 1 else ">"
    (code,) = struct.unpack(order + "I", _take(buf, pos + 1, 4))
    pos += 5
    has_z, has_m = bool(code & 0x80000000), bool(code & 0x40000000)
    if code & 0x20000000:  # EWKB SRID
        pos += 4
    base = code & 0x0FFFFFFF
    has_z, has_m = has_z or base // 1000 in (1, 3), has_m or base // 1000 in (2, 3)
    kind = _GEOJSON.get(base % 1000)
    if kind is None:
        msg = f"unknown WKB geometry type {base}"
        raise ValueError(msg)
    dims = 2 + has_z + has_m
    keep = 3 if has_z else 2
    if kind == "Point":
        coords = np.frombuffer(_take(buf, pos, 8 * dims), dtype=order + "f8")
        return {"type": kind, "coordinates": coords[:keep].copy()}, pos + 8 * dims
    if kind in ("LineString", "Polygon"):
        parts, pos = _arrays(buf, pos, order, dims, keep, kind == "Polygon")
        return {"type": kind, "coordinates": parts}, pos
    count, pos = _count(buf, pos, order)
    members = []
    for _ in range(count):
        member, pos = _parse(buf, pos)
        members.append(member)
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": members}, pos
    return {"type": kind, "coordinates": [m["coordinates"] for m in members]}, pos


def _arrays(buf: memoryview, pos: int, order: str, dims: int, keep: int,
            rings: bool) -> tuple[object, int]:
    count = 1
    if rings:
        count, pos = _count(buf, pos, order)
    out = []
    for _ in range(count):
        n, pos = _count(buf, pos, order)
        data = np.frombuffer(_take(buf, pos, 8 * dims * n), dtype=order + "f8")
        out.append(data.reshape(n, dims)[:, :keep].copy())
        pos += 8 * dims * n
    return (out if rings else out[0]), pos


def _count(buf: memoryview, pos: int, order: str) -> tuple[int, int]:
    (n,) = struct.unpack(order + "I", _take(buf, pos, 4))
    return n, pos + 4


def _take(buf: memoryview, pos: int, size: int) -> memoryview:
    if pos + size > len(buf):
        msg = "the geometry's bytes end early"
        raise ValueError(msg)
    return buf[pos:pos + size]
