"""Checks of a shapefile's parts from their headers, before GDAL reads them.

GDAL reads a damaged shapefile without a word: a truncated ``.shp`` gives features
"without geometry", a ``.shx`` or ``.dbf`` that counts fewer records gives fewer
features, a DBF header of the wrong length or with a record length of 0 drops every
attribute, and text in a numeric field is read as 0. :func:`check_parts` reads the
three headers (and the ``.shx`` index) and refuses such a shapefile with the counts;
:func:`numeric_problems` scans the numeric fields of the DBF, and :func:`blank_bad_numbers`
stores the cells that are not numbers as empty (not 0) and says so in the report.

Header layouts: ESRI Shapefile Technical Description (1998) for ``.shp``/``.shx``
(file code 9994, length in 16-bit words at byte 24, 8-byte index records); dBase III
for the ``.dbf`` (record count at 4, header length at 8, record length at 10, 32-byte
field descriptors from byte 32 ended by 0x0D; Visual FoxPro adds 263 bytes after it).
"""

from __future__ import annotations

import os
import shutil
import struct
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.errors import LayerError
from layers.messages import Note
from layers.messages_input import plain
from layers.source_checks import check_file

_SHP_CODE = 9994
_HEADER = 100
_FOXPRO_VERSIONS = frozenset({0x30, 0x31, 0x32})
_FOXPRO_BACKLINK = 263
_NUMERIC_TYPES = frozenset("NF")
_NUMBER_BYTES = b"0123456789+-.eE \x00"
_LUT = np.zeros(256, dtype=bool)
_LUT[list(_NUMBER_BYTES)] = True
_MAX_LISTED = 5
_MAX_HEADER = 65536  # a DBF header length is 16 bits


@dataclass(frozen=True)
class DbfField:
    """One field descriptor of a DBF header."""

    name: bytes
    type: str
    offset: int  # in the record, after the deletion flag
    length: int


@dataclass(frozen=True)
class DbfHeader:
    """What a DBF header declares."""

    records: int
    header_length: int
    record_length: int
    fields: tuple[DbfField, ...]


@dataclass(frozen=True)
class NumericProblem:
    """Cells of a numeric DBF field that are not numbers."""

    field: int  # position among the fields
    name: bytes
    records: np.ndarray  # 0-based record numbers
    rows: np.ndarray  # 0-based positions among the records GDAL returns (not deleted)
    example: bytes


def check_parts(parts: dict[str, Path], name: str) -> DbfHeader:
    """Refuse a shapefile whose parts are links, truncated, damaged or disagree.

    Parameters
    ----------
    parts : dict
        ``{".shp": path, ".shx": path, ".dbf": path, ...}``.
    name : str
        How messages name the shapefile (its ``.shp`` file name).

    Returns
    -------
    DbfHeader
        The DBF header, for :func:`numeric_problems`.

    Raises
    ------
    LayerError
        A link, a truncated ``.shp`` or ``.dbf``, a damaged ``.shx`` or DBF header, or
        a ``.shx`` and ``.dbf`` counting different numbers of records.
    """
    for part in parts.values():
        check_file(part)
    shp_size = _check_shp(parts[".shp"])
    shapes = _check_shx(parts[".shx"], parts[".shp"], shp_size)
    if shp_size is None:
        return read_dbf_header(parts[".dbf"])  # not a shapefile: GDAL names the file
    header = read_dbf_header(parts[".dbf"])
    if shapes != header.records:
        raise LayerError(key="shp_dbf_counts", params={
            "file": name, "shx": plain(parts[".shx"].name), "shapes": shapes,
            "dbf": plain(parts[".dbf"].name), "records": header.records})
    return header


def read_dbf_header(dbf: Path) -> DbfHeader:
    """Read and check a DBF header; refuse a damaged or truncated one."""
    name = plain(dbf.name)
    size = dbf.stat().st_size
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            raise LayerError(key="dbf_too_short", params={"file": name, "size": len(head)})
        records, header_length, record_length = struct.unpack("<IHH", head[4:12])
        rest = fh.read(_MAX_HEADER)
    fields = _fields(rest, name)
    needed = 32 + 32 * len(fields) + 1
    expected = needed + (_FOXPRO_BACKLINK if head[0] in _FOXPRO_VERSIONS else 0)
    data = size - header_length
    fits = records * record_length in (data, data - 1)
    if header_length < needed or header_length > size or (
            header_length != expected and not fits):
        raise _damaged(name, "dbf_problem_header_len", value=header_length, needed=expected)
    if record_length == 0:
        raise _damaged(name, "dbf_problem_record_zero")
    width = 1 + sum(f.length for f in fields)
    if width > record_length:
        raise _damaged(name, "dbf_problem_record_len", value=record_length, needed=width)
    complete = data // record_length
    if complete < records:
        raise LayerError(key="dbf_truncated", params={
            "file": name, "declared": records, "records": complete})
    return DbfHeader(records, header_length, record_length, tuple(fields))


def numeric_problems(dbf: Path, header: DbfHeader) -> list[NumericProblem]:
    """Return the numeric fields holding cells that are not numbers (GDAL reads 0)."""
    numeric = [i for i, f in enumerate(header.fields) if f.type in _NUMERIC_TYPES]
    if not numeric or header.records == 0:
        return []
    table = np.memmap(dbf, dtype=np.uint8, mode="r", offset=header.header_length,
                      shape=(header.records, header.record_length))
    kept = table[:, 0] != ord("*")
    rows = np.cumsum(kept) - 1
    out = []
    for i in numeric:
        f = header.fields[i]
        cells = table[:, 1 + f.offset:1 + f.offset + f.length]
        bad = np.flatnonzero(~_LUT[cells].all(axis=1) & kept)
        if len(bad):
            example = bytes(cells[bad[0]]).strip()
            out.append(NumericProblem(i, f.name, bad, rows[bad], example))
    return out


def blank_bad_numbers(gdf: gpd.GeoDataFrame, problems: list[NumericProblem], name: str,
                      decode: Callable[[bytes], str]) -> tuple[gpd.GeoDataFrame, list[Note]]:
    """Store the cells of :func:`numeric_problems` as empty, with one note per field.

    Parameters
    ----------
    gdf : GeoDataFrame
        The features as GDAL read them (columns in DBF field order).
    problems : list of NumericProblem
        From :func:`numeric_problems`.
    name : str
        The shapefile, for messages.
    decode : callable
        Turns DBF bytes (a field name, a cell) into text (the DBF's encoding).

    Raises
    ------
    LayerError
        If the columns read do not line up with the DBF fields (nothing can be blanked
        safely then).
    """
    if not problems:
        return gdf, []
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    out, notes = gdf.copy(), []
    for p in problems:
        field = plain(decode(p.name), 30)
        shown = _records(p.records)
        if len(columns) <= p.field or p.rows.max() >= len(out):
            raise LayerError(key="dbf_fields_unmatched", params={
                "file": name, "field": field, "count": len(p.records), "records": shown})
        col = columns[p.field]
        values = out[col]
        if pd.api.types.is_integer_dtype(values):
            values = values.astype("Int64")
        values = values.copy()
        values.iloc[p.rows] = pd.NA if str(values.dtype) == "Int64" else np.nan
        out[col] = values
        notes.append(Note.of("dbf_not_numbers", field=field, count=len(p.records),
                             records=f"{shown}: {plain(decode(p.example), 20)!r}"))
    return out, notes


@contextmanager
def gdal_view(parts: dict[str, Path]) -> Iterator[Path]:
    """Yield the ``.shp`` for GDAL to read: its ``.shx`` and ``.dbf`` beside it, no ``.prj``.

    The ``.prj`` and ``.cpg`` are read by KVPT itself (a ``.prj`` PROJ cannot use falls
    back to the candidates, a huge one is never read); GDAL reading them too would fail
    the whole layer on a datum PROJ does not know. The parts are linked (copied where a
    link cannot be made) into a private temporary folder, removed afterwards.
    """
    shp = parts[".shp"]
    with tempfile.TemporaryDirectory(prefix="kvpt_shp_") as tmp:
        for ext in (".shp", ".shx", ".dbf"):
            _link(parts[ext], Path(tmp) / f"{shp.stem}{ext}")
        yield Path(tmp) / f"{shp.stem}.shp"


def _link(source: Path, target: Path) -> None:
    try:
        os.symlink(source.resolve(), target)
    except OSError:
        shutil.copyfile(source, target)


def no_fields_note(header: DbfHeader, dbf: Path) -> list[Note]:
    """Return the report note for a DBF without fields (geometry only), else nothing."""
    return [] if header.fields else [Note.of("dbf_no_fields", file=plain(dbf.name))]


# -- helpers ----------------------------------------------------------------------------


def _check_shp(shp: Path) -> int | None:
    """Return the size of a ``.shp`` (``None`` if it has no shapefile header)."""
    size = shp.stat().st_size
    with open(shp, "rb") as fh:
        head = fh.read(_HEADER)
    if len(head) < _HEADER or struct.unpack(">i", head[:4])[0] != _SHP_CODE:
        return None
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if size < declared:
        raise LayerError(key="shp_truncated", params={
            "file": plain(shp.name), "size": size, "declared": declared, "records": ""})
    return size


def _check_shx(shx: Path, shp: Path, shp_size: int | None) -> int:
    size = shx.stat().st_size
    if size < _HEADER or (size - _HEADER) % 8:
        raise LayerError(key="shx_damaged", params={"file": plain(shx.name), "size": size})
    index = np.fromfile(shx, dtype=">i4", offset=_HEADER).reshape(-1, 2).astype(np.int64)
    if shp_size is None:
        return len(index)
    ends = index[:, 0] * 2 + 8 + index[:, 1] * 2
    beyond = int(np.count_nonzero(ends > shp_size))
    if beyond:
        declared = int(ends.max())
        raise LayerError(key="shp_truncated", params={
            "file": plain(shp.name), "size": shp_size, "declared": declared,
            "records": Note.of("shp_records_beyond", count=beyond, total=len(index))})
    return len(index)


def _fields(rest: bytes, name: str) -> list[DbfField]:
    fields, offset = [], 0
    for start in range(0, len(rest), 32):
        if rest[start] == 0x0D:
            return fields
        desc = rest[start:start + 32]
        if len(desc) < 32:
            break
        length = desc[16]
        fields.append(DbfField(desc[:11].split(b"\x00")[0], chr(desc[11]), offset, length))
        offset += length
    raise _damaged(name, "dbf_problem_no_end")


def _damaged(name: str, problem: str, **params: object) -> LayerError:
    return LayerError(key="dbf_header_damaged", params={
        "file": name, "problem": Note.of(problem, **params)})


def _records(numbers: np.ndarray) -> str:
    shown = ", ".join(str(int(n) + 1) for n in numbers[:_MAX_LISTED])
    return shown + (f" (+{len(numbers) - _MAX_LISTED})" if len(numbers) > _MAX_LISTED else "")
