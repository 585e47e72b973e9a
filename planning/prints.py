"""Inputs of a printed map sheet: the layers, the area shown and the project's print settings.

Every front end (``kvpt print``, the Map page's print panel, later the atlas and the
briefings) asks here which layers to draw, which area an ``--extent`` names, and the
issuing unit and classification marking stored in the project. The sheet itself is drawn
by :mod:`maps.print_layout`.

* **extent**: a district, commune or province of the project (the admin units of
  :func:`planning.inputs.admin_units`), named with or without its prefix ("Huyện",
  "Thành phố", "TP", "Xã", …) and diacritics, or by its id ``"<layer>:<row>"``; or
  ``minx,miny,maxx,maxy`` in degrees (EPSG:4326);
* **settings**: the project's records table ``settings`` (``key``, ``value``), keys
  :data:`SETTING_KEYS`, and the sheet's coordinate grid (:data:`GRID_SETTING`, one of
  :data:`GRIDS`; degree ticks unless set);
* **VN-2000 grid**: the grid a ``vn2000`` sheet is ruled in (:func:`vn2000_grid`): the
  VN-2000 TM-3 zone the project's layers were delivered in, else the project-wide default
  :data:`geo.coordinates.DEFAULT_VN2000_CRS` (the one the working map shows).
"""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings as geo_settings
from geo.coordinates import DEFAULT_VN2000_CRS, CoordinateInputError, grid_label, vn2000_crs
from layers import messages as layers_messages
from layers.errors import LayerError
from planning import inputs
from planning.errors import PlanningError
from planning.messages import Message
from planning.messages_sheets import PRINT_MESSAGES
from planning.project import Project

SETTINGS_TABLE = "settings"
"""Records table of the project settings (``kvpt_rec_settings``): columns key, value."""

SETTING_KEYS: tuple[str, ...] = ("issuing_unit", "classification")
"""Print settings a project keeps: the issuing unit and the classification marking."""

GRID_SETTING = "grid"
"""Settings key of the coordinate grid sheets carry by default."""

GRIDS: tuple[str, ...] = ("degrees", "vn2000", "none")
"""Coordinate grids of a sheet: degree ticks (WGS 84), the VN-2000 km grid, none
(:data:`maps.print_grid.GRID_CHOICES`)."""

LEVEL_ORDER: tuple[str, ...] = ("province", "district", "commune")
"""When a name fits units of several levels, the larger unit is taken."""

PREFIXES: tuple[tuple[str, ...], ...] = (
    ("thanh", "pho"), ("thi", "xa"), ("thi", "tran"), ("huyen",), ("quan",), ("xa",),
    ("phuong",), ("tinh",), ("tp",), ("tx",), ("tt",))
"""Leading words of unit names (folded) left out when names are compared."""

ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "tp": ("thanh", "pho"), "tx": ("thi", "xa"), "tt": ("thi", "tran")}
"""Short prefixes, read as the words they stand for (``"TP Lạng Sơn"``)."""

CLOSE_MATCHES = 5
"""Close names listed when an extent is unknown."""
POINT_UNIT_HALF_SIDE_M = 1000.0
"""Half the side (m) of the square a sheet shows around a unit given as a point (a village)."""



class _PrintMessage(Message):
    """A message of :data:`PRINT_MESSAGES`."""

    def text(self, lang: str = "en") -> str:
        """Return the message in ``lang`` (``"vi"`` or ``"en"``)."""
        vi, en = PRINT_MESSAGES[self.key]
        return layers_messages.format_message(vi if lang == "vi" else en, self.params, lang)


class PrintError(PlanningError):
    """Bad input to a print (an unknown extent, a malformed box…), in either language."""

    def __init__(self, key: str, **params: object) -> None:
        self.message = _PrintMessage(key, dict(params))
        LayerError.__init__(self, self.message.text("en"))


@dataclass(frozen=True)
class Extent:
    """The area a sheet shows.

    Attributes
    ----------
    label : str
        The unit's name, or the box as typed (normalised).
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` in degrees (EPSG:4326).
    area : shapely.Geometry, optional
        The unit's outline (EPSG:4326); ``None`` for a box.
    unit : str, optional
        The unit's id ``"<layer>:<row>"``.
    level : str, optional
        The unit's level (``province``, ``district`` or ``commune``).
    """

    label: str
    bounds: tuple[float, float, float, float]
    area: shapely.Geometry | None = None
    unit: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class PrintInputs:
    """What a sheet of a project needs from the project.

    Attributes
    ----------
    layers : list of str
        Layers to draw, in the project's order.
    extent : Extent, optional
        The area shown; ``None``: the whole project.
    issuing_unit, classification : str, optional
        From the project settings (the classification as overridden by the caller).
    grid : {"degrees", "vn2000", "none"}
        Coordinate grid (the caller's, else the project setting, else degrees).
    grid_crs : str, optional
        The VN-2000 grid of a ``vn2000`` sheet (:func:`vn2000_grid`); ``None`` otherwise.
    relief : tuple, optional
        ``(grid, label)``: the DEM (:class:`geo.terrain.Grid`) whose hillshade the sheet
        carries (:func:`maps.hillshade.add_to_sheet`) and the label naming it; ``None``
        for no hillshade.
    """

    layers: list[str]
    extent: Extent | None
    issuing_unit: str | None
    classification: str | None
    grid: str = "degrees"
    grid_crs: str | None = None
    relief: tuple[Any, str] | None = None

    def sheet_options(self, subtitle: str | None = None) -> dict[str, Any]:
        """Return keyword arguments of :class:`maps.print_layout.SheetSpec` from the inputs.

        ``subtitle``: the caller's; by default the extent's label (e.g. the district).
        """
        extent = self.extent
        return {"subtitle": subtitle if subtitle is not None else
                (extent.label if extent is not None else None),
                "classification": self.classification, "issuing_unit": self.issuing_unit,
                "extent": extent.bounds if extent is not None else None,
                "area": extent.area if extent is not None else None,
                "grid": self.grid, "grid_crs": self.grid_crs}


def print_inputs(project: Project, *, layers: Sequence[str] | None = None,
                 extent: str | None = None, classification: str | None = None,
                 grid: str | None = None, hillshade: bool = False,
                 lang: str = "vi") -> PrintInputs:
    """Return the inputs of a sheet: layers checked, extent found, settings read.

    Parameters
    ----------
    project : Project
        The project.
    layers : sequence of str, optional
        Layers to draw (default: every layer).
    extent : str, optional
        A unit's name or id, or ``minx,miny,maxx,maxy`` (see :func:`find_extent`).
    classification : str, optional
        Marking instead of the project's (``""``: none).
    grid : {"degrees", "vn2000", "none"}, optional
        Coordinate grid instead of the project's (:func:`read_grid`).
    hillshade : bool
        Carry the hillshade of the project's newest DEM (:func:`planning.terrain.relief`).
    lang : {"vi", "en"}
        Language of the hillshade's label.

    Raises
    ------
    PlanningError
        If a layer is not in the project, the project has no layer, the extent is
        unknown or malformed, or the grid is unknown.
    LayerError
        ``dem_none`` when ``hillshade`` is asked of a project without a DEM.
    """
    names = project.names()
    if not names:
        raise PrintError("no_layers_to_print")
    if layers:
        unknown = [n for n in layers if n not in names]
        if unknown:
            raise PlanningError("unknown_layer", name=unknown[0], names=", ".join(names))
        names = [n for n in names if n in set(layers)]
    found = None if extent is None or not extent.strip() else find_extent(project, extent)
    stored = read_settings(project)
    marking = stored["classification"] if classification is None else classification
    grid = read_grid(project) if grid is None else check_grid(grid)
    relief = None
    if hillshade:
        from planning.terrain import relief as dem_relief

        relief = dem_relief(project, lang=lang)
    return PrintInputs(names, found, stored["issuing_unit"] or None,
                       (marking.strip() or None) if marking else None, grid,
                       vn2000_grid(project) if grid == "vn2000" else None, relief)


def find_extent(project: Project, text: str) -> Extent:
    """Return the area named by ``text``.

    Parameters
    ----------
    project : Project
        The project whose admin units are looked in.
    text : str
        ``minx,miny,maxx,maxy`` in degrees; or a unit's id ``"<layer>:<row>"``; or its
        name, compared as typed (but for case), then folded (no case, diacritics or
        punctuation) whole ("TP", "TX", "TT" read as "Thành phố", "Thị xã", "Thị
        trấn"), then folded without its prefix ("Huyện", "Thành phố", "TP", "Xã",
        "Phường", "Thị trấn", …).
        When units of several levels fit, the larger is taken (province, district,
        commune).

    Raises
    ------
    PlanningError
        If the box is malformed, no unit fits (the message lists close names) or
        several units of one level fit.
    """
    bounds = parse_bounds(text)
    if bounds is not None:
        label = ", ".join(f"{v:g}" for v in bounds)
        return Extent(label, bounds)
    units = inputs.admin_units(project)
    if not len(units):
        raise PrintError("no_admin_units", text=text)
    if text in units.index:
        return _unit_extent(units.loc[[text]])
    names = units["name"].fillna("").astype(str)
    for fold in (_exact, _canonical, _stripped):
        key = fold(text)
        hits = units[(names.map(fold) == key).to_numpy()] if key else units.iloc[:0]
        if len(hits):
            return _unit_extent(_one_level(hits, text, units))
    close = difflib.get_close_matches(_stripped(text), list(dict.fromkeys(
        names.map(_stripped))), n=CLOSE_MATCHES, cutoff=0.6)
    shown = [names[names.map(_stripped) == c].iloc[0] for c in close]
    raise PrintError("unknown_extent", text=text, close=", ".join(shown) or "-")


def parse_bounds(text: str) -> tuple[float, float, float, float] | None:
    """Parse ``minx,miny,maxx,maxy`` (degrees); ``None`` when ``text`` is not four numbers.

    Raises
    ------
    PlanningError
        If it is four numbers but not a box in degrees.
    """
    parts = [p.strip() for p in str(text).split(",")]
    if len(parts) != 4:
        return None
    try:
        values = tuple(float(p) for p in parts)
    except ValueError:
        return None
    minx, miny, maxx, maxy = values
    if not all(math.isfinite(v) for v in values) or not (minx < maxx and miny < maxy) or \
            not (-180 <= minx and maxx <= 180 and -90 <= miny and maxy <= 90):
        raise PrintError("bad_bounds", text=text)
    return minx, miny, maxx, maxy


def area_choices(project: Project, levels: Iterable[str] = ("district", "commune")
                 ) -> dict[str, str]:
    """Return the units of ``levels`` for a picker: label → what :func:`find_extent` takes.

    Larger units first, then by name (compared without diacritics). A name that several
    units share is labelled with the unit's parent (``"Xã Chi Lăng – Huyện Tràng Định"``)
    and looked up by the unit's id.
    """
    units = inputs.admin_units(project)
    parents = dict(zip(units["code"], units["name"], strict=True))
    out: dict[str, str] = {}
    for level in levels:
        part = units[(units["level"] == level) & units["name"].notna()]
        part = part[part["name"].astype(str).str.strip() != ""]
        shared = part["name"].duplicated(keep=False)
        rows = sorted(zip(part.index, part["name"].astype(str), shared, part["parent_code"],
                          strict=True), key=lambda r: (_canonical(r[1]), r[0]))
        for ident, name, twin, parent in rows:
            if not twin:
                out[name] = name
            else:
                out[f"{name} – {parents.get(parent, ident)}"] = ident
    return out


def read_settings(project: Project) -> dict[str, str]:
    """Return the project's print settings, every key of :data:`SETTING_KEYS` (``""``: unset)."""
    frame = project.reader.read_records(SETTINGS_TABLE)
    found = {key: "" for key in SETTING_KEYS}
    if {"key", "value"} <= set(frame.columns):
        for key, value in zip(frame["key"], frame["value"], strict=True):
            if key in found and isinstance(value, str):
                found[key] = value.strip()
    return found


def save_settings(project: Project, values: dict[str, str | None], *, store: Any = None
                  ) -> dict[str, str]:
    """Set print settings (``None``: unchanged, ``""``: unset); return them all.

    Other rows of the settings table are kept. ``store``: where to write (default: the
    project's reader, a :class:`layers.store.ProjectStore`).

    Raises
    ------
    LayerError
        If a key is not one of :data:`SETTING_KEYS`.
    """
    unknown = [k for k in values if k not in SETTING_KEYS]
    if unknown:
        msg = f"Unknown setting {unknown[0]!r}: use one of {', '.join(SETTING_KEYS)}."
        raise LayerError(msg)
    rows = _write_settings(project.reader if store is None else store,
                           {k: v.strip() for k, v in values.items() if v is not None})
    return {key: rows.get(key, "") for key in SETTING_KEYS}


def check_grid(grid: str) -> str:
    """Return ``grid`` (trimmed, lower case) when it is one of :data:`GRIDS`.

    Raises
    ------
    PlanningError
        If it is not (the message lists the choices).
    """
    value = str(grid).strip().lower()
    if value not in GRIDS:
        raise PrintError("unknown_grid", grid=str(grid), choices=", ".join(GRIDS))
    return value


def read_grid(project: Project) -> str:
    """Return the project's coordinate grid setting (``"degrees"`` when unset).

    Raises
    ------
    PlanningError
        If the stored value is not one of :data:`GRIDS`.
    """
    frame = project.reader.read_records(SETTINGS_TABLE)
    if {"key", "value"} <= set(frame.columns):
        for key, value in zip(frame["key"], frame["value"], strict=True):
            if key == GRID_SETTING and isinstance(value, str) and value.strip():
                return check_grid(value)
    return "degrees"


def save_grid(project: Project, grid: str, *, store: Any = None) -> str:
    """Set the project's coordinate grid (one of :data:`GRIDS`); return it.

    Other rows of the settings table are kept; ``store`` as for :func:`save_settings`.

    Raises
    ------
    PlanningError
        If ``grid`` is not one of :data:`GRIDS`.
    """
    value = check_grid(grid)
    _write_settings(project.reader if store is None else store, {GRID_SETTING: value})
    return value


def vn2000_grid(project: Project) -> str:
    """Return the VN-2000 grid the project's sheets are ruled in (a code or a WKT).

    The VN-2000 TM-3 zone most of the project's layers were delivered in (their
    ``source_crs``; the first layer's on a tie), else
    :data:`geo.coordinates.DEFAULT_VN2000_CRS` (the province's zone the working map
    shows, VN-2000 / TM-3 107-15 for Lạng Sơn).
    """
    found: Counter[str] = Counter()
    for record in project.records():
        try:
            crs = vn2000_crs(record.source_crs) if record.source_crs else None
        except CoordinateInputError:
            continue
        if crs is not None and "TM-3" in grid_label(crs):
            found[record.source_crs] += 1
    return found.most_common(1)[0][0] if found else DEFAULT_VN2000_CRS


def _write_settings(target: Any, values: dict[str, str]) -> dict[str, str]:
    """Write ``values`` into the settings table of ``target``, other rows kept; return all."""
    frame = target.read_records(SETTINGS_TABLE)
    rows = {} if not {"key", "value"} <= set(frame.columns) else {
        str(k): "" if pd.isna(v) else str(v) for k, v in zip(frame["key"], frame["value"],
                                                            strict=True)}
    rows.update(values)
    target.write_records(SETTINGS_TABLE, pd.DataFrame(
        {"key": list(rows), "value": list(rows.values())}, dtype=object))
    return rows


def _unit_extent(rows: gpd.GeoDataFrame) -> Extent:
    """Return the extent of the first unit of ``rows``: its outline, or a square around it.

    A unit given as a point (a village) has no outline: the sheet shows the square of
    half-side :data:`POINT_UNIT_HALF_SIDE_M` metres around it (measured in the metric CRS).
    """
    row = rows.iloc[0]
    geom, outline = row.geometry, row.geometry
    if geom is not None and geom.geom_type in ("Point", "MultiPoint"):
        points = rows.geometry.iloc[[0]]
        metric = geo_settings.metric_crs or points.estimate_utm_crs()
        geom = points.to_crs(metric).buffer(POINT_UNIT_HALF_SIDE_M, cap_style="square") \
            .to_crs(rows.crs).iloc[0]
        outline = None
    minx, miny, maxx, maxy = (float(v) for v in shapely.bounds(geom))
    return Extent(str(row["name"]), (minx, miny, maxx, maxy), outline, str(rows.index[0]),
                  str(row["level"]))


def _one_level(hits: gpd.GeoDataFrame, text: str, units: gpd.GeoDataFrame
               ) -> gpd.GeoDataFrame:
    """Return the hits of the largest level; raise when that level has several.

    The message names each unit with its parent (``units`` by code) and its id.
    """
    parents = dict(zip(units["code"], units["name"], strict=True))
    for level in LEVEL_ORDER:
        same = hits[hits["level"] == level]
        if len(same) == 1:
            return same
        if len(same) > 1:
            named = [f"{row['name']}" + (f" – {parents[row['parent_code']]}"
                                         if row["parent_code"] in parents else "")
                     + f" ({ident})" for ident, row in same.iterrows()]
            raise PrintError("ambiguous_extent", text=text, units="; ".join(named))
    return hits.iloc[[0]]


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.findall(r"[0-9a-z]+", text)


def _exact(text: str) -> str:
    """Return ``text`` as typed, but for case, spacing and Unicode normal form."""
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _canonical(text: str) -> str:
    """Return ``text`` without case, diacritics or punctuation, its prefix spelt out.

    ``"Huyện Tràng Định"`` → ``"huyentrangdinh"``; ``"TP. Lạng Sơn"`` →
    ``"thanhpholangson"``.
    """
    words = _words(text)
    if words and words[0] in ABBREVIATIONS and len(words) > 1:
        words = [*ABBREVIATIONS[words[0]], *words[1:]]
    return "".join(words)


def _stripped(text: str) -> str:
    """Return ``text`` folded without its prefix: ``"TP. Lạng Sơn"`` → ``"langson"``."""
    words = _words(text)
    for prefix in PREFIXES:
        if tuple(words[:len(prefix)]) == prefix and len(words) > len(prefix):
            return "".join(words[len(prefix):])
    return "".join(words)
