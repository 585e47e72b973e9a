"""Byte-level writers for the hostile corpus: shapefile parts, DBF, zip, KML, GeoJSON.

Written by hand (not with GDAL or :mod:`zipfile`) so every field can be wrong on
purpose: NaN coordinates, lying headers, encrypted flags, unknown compression methods,
overlapping members, sparse multi-gigabyte members.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

WGS84_PRJ = ('GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,'
             '298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]')

POINT, POLYLINE, POLYGON = 1, 3, 5

# --- shapefiles ------------------------------------------------------------------------


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points if math.isfinite(p[0])] or [0.0]
    ys = [p[1] for p in points if math.isfinite(p[1])] or [0.0]
    return min(xs), min(ys), max(xs), max(ys)


def shape_content(kind: int, geom: object) -> bytes:
    """Return the content of one shape record (after its 8-byte header)."""
    if geom is None:
        return struct.pack("<i", 0)
    if kind == POINT:
        x, y = geom
        return struct.pack("<idd", POINT, x, y)
    parts = geom
    points = [p for part in parts for p in part]
    out = struct.pack("<i4dii", kind, *_bbox(points), len(parts), len(points))
    start = 0
    for part in parts:
        out += struct.pack("<i", start)
        start += len(part)
    for x, y in points:
        out += struct.pack("<dd", x, y)
    return out


def shp_shx(kind: int, geoms: list) -> tuple[bytes, bytes]:
    """Return the ``.shp`` and ``.shx`` bytes of ``geoms`` (points or lists of parts)."""
    records, index, offset = b"", b"", 100
    for i, geom in enumerate(geoms, start=1):
        content = shape_content(kind, geom)
        records += struct.pack(">ii", i, len(content) // 2) + content
        index += struct.pack(">ii", offset // 2, len(content) // 2)
        offset += 8 + len(content)
    flat = [g for g in geoms if g is not None]
    pts = flat if kind == POINT else [p for g in flat for part in g for p in part]
    box = _bbox(pts)

    def header(length: int) -> bytes:
        return (struct.pack(">7i", 9994, 0, 0, 0, 0, 0, length // 2)
                + struct.pack("<2i4d4d", 1000, kind, *box, 0, 0, 0, 0))

    return header(100 + len(records)) + records, header(100 + len(index)) + index


@dataclass(frozen=True)
class Field:
    """A DBF field: name, type (C, N, F, L, D), length, decimals."""

    name: str
    type: str = "C"
    length: int = 20
    decimals: int = 0


def dbf(fields: list[Field], rows: list[list[object]], *, deleted: tuple[int, ...] = (),
        records: int | None = None, header_length: int | None = None,
        record_length: int | None = None, terminator: bool = True) -> bytes:
    """Return DBF bytes; the keyword arguments override header values (lies)."""
    width = 1 + sum(f.length for f in fields)
    head_len = 32 + 32 * len(fields) + 1
    head = struct.pack("<B3BIHH20x", 0x03, 126, 1, 1,
                       len(rows) if records is None else records,
                       head_len if header_length is None else header_length,
                       width if record_length is None else record_length)
    for f in fields:
        head += struct.pack("<11sc4xBB14x", f.name.encode("latin-1"), f.type.encode(),
                            f.length, f.decimals)
    head += b"\r" if terminator else b""
    body = b""
    for i, row in enumerate(rows):
        body += b"*" if i in deleted else b" "
        for f, value in zip(fields, row, strict=True):
            raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
            raw = raw[: f.length]
            body += raw.rjust(f.length) if f.type in "NF" else raw.ljust(f.length)
    return head + body + b"\x1a"


def shapefile(kind: int, geoms: list, *, fields: list[Field] | None = None,
              rows: list[list[object]] | None = None, prj: str | None = WGS84_PRJ,
              ) -> dict[str, bytes]:
    """Return ``{".shp": ..., ".shx": ..., ".dbf": ..., ".prj": ...}`` for ``geoms``."""
    fields = fields if fields is not None else [Field("name")]
    rows = rows if rows is not None else [[f"f{i}"] for i in range(len(geoms))]
    shp, shx = shp_shx(kind, geoms)
    parts = {".shp": shp, ".shx": shx, ".dbf": dbf(fields, rows)}
    if prj is not None:
        parts[".prj"] = prj.encode("utf-8")
    return parts


def write_parts(folder: Path, stem: str, parts: dict[str, bytes]) -> Path:
    """Write shapefile parts as ``folder/stem.ext``; return the ``.shp``."""
    for ext, data in parts.items():
        (folder / f"{stem}{ext}").write_bytes(data)
    return folder / f"{stem}.shp"


# --- zip archives ----------------------------------------------------------------------


@dataclass
class Member:
    """One zip member, with every field that can lie."""

    name: str
    data: bytes = b""
    method: int = 8
    flags: int = 0
    mode: int = 0o100644
    size: int | None = None  # declared uncompressed size
    crc: int | None = None
    payload: bytes | None = None  # the stored bytes as written (already compressed)
    hole: int = 0  # zero bytes left as a sparse hole after the payload (stored members)


def _payload(m: Member) -> bytes:
    if m.payload is not None:
        return m.payload
    if m.method == 8:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        return c.compress(m.data) + c.flush()
    return m.data


def write_zip(path: Path, members: list[Member], *, aliases: int = 0,
              alias_name: str = "copy{i}.dbf") -> Path:
    """Write a zip by hand; ``aliases`` extra directory entries share the first member."""
    central, offsets = b"", []
    with open(path, "wb") as fh:
        for m in members:
            raw_name = m.name.encode("utf-8")
            payload = _payload(m)
            size = m.size if m.size is not None else len(m.data) + m.hole
            crc = m.crc if m.crc is not None else zlib.crc32(m.data)
            flags = m.flags | 0x800
            offsets.append(fh.tell())
            csize, usize, extra = _sizes(len(payload) + m.hole, size)
            fh.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, flags, m.method, 0, 0, crc,
                                 csize, usize, len(raw_name), len(extra)))
            fh.write(raw_name + extra + payload)
            if m.hole:
                fh.seek(m.hole, 1)
            central += _central(m, raw_name, flags, crc, len(payload) + m.hole, size,
                                offsets[-1])
        first = members[0]
        for i in range(aliases):
            name = alias_name.format(i=i).encode("utf-8")
            central += _central(first, name, first.flags | 0x800,
                                zlib.crc32(first.data), len(_payload(first)),
                                len(first.data), offsets[0])
        start = fh.tell()
        fh.write(central)
        count = len(members) + aliases
        fh.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(count, 0xFFFF),
                             min(count, 0xFFFF), len(central), start, 0))
    return path


def _sizes(csize: int, size: int) -> tuple[int, int, bytes]:
    """Return the header sizes and the ZIP64 extra field when a size needs 64 bits."""
    if max(csize, size) < 0xFFFFFFFF:
        return csize, size, b""
    return 0xFFFFFFFF, 0xFFFFFFFF, struct.pack("<HHQQ", 1, 16, size, csize)


def _central(m: Member, raw_name: bytes, flags: int, crc: int, csize: int, size: int,
             offset: int) -> bytes:
    csize, size, extra = _sizes(csize, size)
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x031E, 45, flags, m.method, 0, 0,
                       crc, csize, size, len(raw_name), len(extra), 0, 0, 0, m.mode << 16,
                       offset) + raw_name + extra


def deflate_bomb(block: bytes, count: int, *, with_crc: bool) -> tuple[bytes, int, int]:
    """Return ``(deflate stream, size, crc)`` of ``block`` repeated ``count`` times, cheaply.

    After a full flush the compressor forgets the past, so every block compresses to the
    same bytes: the stream is one compressed block repeated.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    if with_crc:
        for _ in range(count):
            crc = zlib.crc32(block, crc)
    return one * count + c.flush(), len(block) * count, crc


def zip_parts(path: Path, stem: str, parts: dict[str, bytes], *, folder: str = "",
              **overrides: object) -> Path:
    """Write shapefile parts into a zip (``overrides`` apply to every member)."""
    members = [Member(f"{folder}{stem}{ext}", data, **overrides) for ext, data in parts.items()]
    return write_zip(path, members)


# --- text formats -----------------------------------------------------------------------


def geojson_text(geometries: list[str]) -> str:
    """Return a FeatureCollection whose geometries are raw JSON texts (NaN allowed)."""
    features = [f'{{"type":"Feature","properties":{{"name":"f{i}"}},"geometry":{g}}}'
                for i, g in enumerate(geometries)]
    return '{"type":"FeatureCollection","features":[' + ",".join(features) + "]}"


def geojson_valid(count: int = 3) -> str:
    """Return a valid point FeatureCollection in Lạng Sơn."""
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": f"Điểm {i}", "so": i},
         "geometry": {"type": "Point", "coordinates": [106.5 + i / 100, 21.8]}}
        for i in range(count)]}, ensure_ascii=False)


def kml_text(placemarks: list[str], *, doctype: str = "") -> str:
    """Return a KML document holding ``placemarks`` (each an inner geometry text)."""
    body = "".join(f"<Placemark><name>p{i}</name>{g}</Placemark>"
                   for i, g in enumerate(placemarks))
    return ('<?xml version="1.0" encoding="UTF-8"?>' + doctype
            + '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>' + body
            + "</Document></kml>")


def kml_point(coords: str) -> str:
    """Return a KML Point with the given coordinates text."""
    return f"<Point><coordinates>{coords}</coordinates></Point>"


def kml_polygon(coords: str) -> str:
    """Return a KML Polygon whose outer ring has the given coordinates text."""
    return ("<Polygon><outerBoundaryIs><LinearRing><coordinates>" + coords
            + "</coordinates></LinearRing></outerBoundaryIs></Polygon>")


def sparse_file(path: Path, head: bytes, size: int) -> Path:
    """Write ``head`` and extend the file to ``size`` bytes without using the disk."""
    with open(path, "wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path
