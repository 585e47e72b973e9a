"""Checks of a source file before a parser reads it: links, sizes, binary bytes, KML text.

Each check reads only what it needs (a ``stat``, the first line, the coordinate texts)
and refuses with one message from :mod:`layers.messages_input`:

- a symbolic link (the file itself or a shapefile part) is refused, so a link can never
  make an import read ``/etc/passwd`` or ``/proc/self/environ``; a device or pipe too;
- a text source (``.csv``, ``.kml``, ``.geojson``) over :data:`layers.limits.max_text_bytes`;
- a ``.prj`` over :data:`layers.limits.max_prj_bytes` is never read (the caller falls
  back to the candidates from the coordinates, as for a missing ``.prj``);
- a CSV holding NUL bytes (binary, or UTF-16) or more than
  :data:`layers.limits.csv_max_columns` columns on its header line;
- a KML declaring XML entities, or a placemark whose ``<coordinates>`` are not numbers
  (``abc,def``, ``NaN,NaN``) or empty, which GDAL would read as the point (0, 0).
"""

from __future__ import annotations

import io
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

from layers import limits
from layers.errors import LayerError
from layers.messages import Note
from layers.messages_input import human_size, plain

TEXT_SUFFIXES = (".csv", ".kml", ".geojson", ".json")
"""Sources parsed in memory, capped at :data:`layers.limits.max_text_bytes`."""

_DELIMITERS = (b",", b";", b"\t", b"|")
_HEAD_BYTES = 4 * 1024 * 1024
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_TUPLE = re.compile(rf"{_NUMBER}(?:,{_NUMBER}){{1,2}}")
_COORDS = re.compile(rb"<(?:[\w.-]+:)?coordinates\b[^>]*?(?:/>|>([^<]*)<)")
_MAX_EXAMPLES = 3


def check_file(path: Path, *, what: str | None = None) -> None:
    """Refuse a link, a non-regular file, or a text source over its size limit.

    Parameters
    ----------
    path : Path
        The file (a source, or a part of a shapefile).
    what : str, optional
        How messages name it (default: its file name).

    Raises
    ------
    LayerError
        ``source_symlink``, ``source_not_regular`` or ``source_too_big``.
    """
    name = what or plain(path.name)
    if path.is_symlink():
        raise LayerError(key="source_symlink", params={"file": name})
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        raise LayerError(key="source_not_regular", params={"file": name})
    size = path.stat().st_size
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES and size > limits.max_text_bytes:
        raise LayerError(key="source_too_big", params={
            "file": name, "size": human_size(size), "suffix": suffix,
            "limit": human_size(limits.max_text_bytes)})


def read_prj(prj: Path) -> tuple[str | None, tuple[str, dict] | None]:
    """Return the text of a ``.prj``, or why it cannot be used.

    Returns
    -------
    str or None
        The text (``None`` when it is not read).
    tuple or None
        ``(key, params)`` of the problem, for the message of the CRS fallback.
    """
    check_file(prj)
    size = prj.stat().st_size
    if size > limits.max_prj_bytes:
        return None, ("prj_too_big", {"file": plain(prj.name), "size": human_size(size)})
    return prj.read_bytes().decode("utf-8", errors="replace"), None


def read_cpg(cpg: Path) -> str:
    """Return the first bytes of a ``.cpg`` as text (a code page name is short)."""
    check_file(cpg)
    with open(cpg, "rb") as fh:
        return fh.read(limits.max_cpg_bytes).decode("latin-1").strip()


def check_csv_bytes(data: bytes, path: Path) -> None:
    """Refuse a CSV holding NUL bytes or too many columns on its header line.

    Parameters
    ----------
    data : bytes
        The file's bytes (a UTF-8 BOM removed).
    path : Path
        The file, for messages.
    """
    nul = data.find(b"\x00", 0, _HEAD_BYTES)
    if nul >= 0:
        raise LayerError(key="source_binary", params={
            "file": plain(path.name), "offset": nul, "suffix": ".csv"})
    end = data.find(b"\n", 0, _HEAD_BYTES)
    header = data[:end if end >= 0 else _HEAD_BYTES]
    columns = 1 + max(header.count(d) for d in _DELIMITERS)
    if columns > limits.csv_max_columns:
        raise LayerError(key="csv_too_many_columns", params={
            "file": plain(path.name), "count": f"{columns:,}",
            "limit": f"{limits.csv_max_columns:,}"})


def check_kml(doc: Path, path: Path) -> None:
    """Refuse a KML with XML entities or placemarks whose coordinates are not numbers.

    Parameters
    ----------
    doc : Path
        The KML document (a ``.kml``, or the one unpacked from a ``.kmz``).
    path : Path
        The file the user gave, for messages.

    Raises
    ------
    LayerError
        ``kml_entities`` or ``kml_bad_coordinates`` (naming up to three placemarks by
        number and name, with a short escaped excerpt of their coordinates).
    """
    if doc.stat().st_size > limits.max_text_bytes:
        raise LayerError(key="source_too_big", params={
            "file": plain(path.name), "size": human_size(doc.stat().st_size),
            "suffix": ".kml", "limit": human_size(limits.max_text_bytes)})
    data = doc.read_bytes()
    if b"<!ENTITY" in data:
        raise LayerError(key="kml_entities", params={"file": plain(path.name)})
    if all(_coordinates_ok(m.group(1)) for m in _COORDS.finditer(data)):
        return
    bad = _bad_placemarks(data)
    if bad:
        examples = [Note.of("kml_placemark", number=n, name=name, text=text)
                    for n, name, text in bad[:_MAX_EXAMPLES]]
        raise LayerError(key="kml_bad_coordinates", params={
            "file": plain(path.name), "count": len(bad), "examples": examples})


def _coordinates_ok(raw: bytes | None) -> bool:
    if raw is None:
        return False
    text = raw.decode("utf-8", errors="replace")
    return tuples_ok(text)


def tuples_ok(text: str) -> bool:
    """Return whether a KML coordinates text is one or more ``lon,lat[,alt]`` numbers."""
    tuples = re.sub(r"\s*,\s*", ",", text).split()
    return bool(tuples) and all(_TUPLE.fullmatch(t) for t in tuples)


def _bad_placemarks(data: bytes) -> list[tuple[int, str, str]]:
    """Return ``(number, name, excerpt)`` of every placemark with bad coordinates."""
    bad: list[tuple[int, str, str]] = []
    number = 0
    name = ""
    problem: str | None = None
    try:
        for event, elem in ET.iterparse(io.BytesIO(data), events=("start", "end")):
            tag = elem.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "Placemark":
                number, name, problem = number + 1, "", None
            elif event == "end" and tag == "name" and not name:
                name = (elem.text or "").strip()
            elif event == "end" and tag == "coordinates" and problem is None:
                text = elem.text or ""
                if not tuples_ok(text):
                    problem = repr(plain(text.strip(), 24)) if text.strip() else "(empty)"
            elif event == "end" and tag == "Placemark":
                if problem is not None:
                    bad.append((number, repr(plain(name, 30)) if name else "-", problem))
                elem.clear()
    except ET.ParseError:
        return bad  # GDAL reports the broken XML itself
    return bad
