"""The VN-2000 kilometre grid of a printed map (as on Vietnamese topographic maps).

The grid is the province's VN-2000 grid (a TM-3 zone, e.g. VN-2000 / TM-3 107-15 for
Lạng Sơn, passed in by the caller): lines of equal easting and northing every
:func:`grid_step` metres (1, 2, 5, 10, 20, 50, 100 or 200 km, chosen from the map's extent),
transformed with pyproj into the CRS the map is drawn in. There they are curves (the
grid is turned by the meridian convergence between the two zones), so each line is
densified before it is transformed. Each line is labelled where it leaves the map
frame, with its easting or northing in kilometres (``"2 417"``; the first label of a
side carries the unit, ``"2 415 km"``), and :func:`grid_note` names the grid in the
sheet's margin (``"Lưới tọa độ VN-2000, KTT 107°15′, múi 3°"``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection

from geo.coordinates import DEFAULT_VN2000_CRS
from maps.print_frame import MapFrame
from maps.print_parts import edge_label

GRID_CHOICES: tuple[str, ...] = ("degrees", "vn2000", "none")
"""Coordinate grids a sheet can carry: degree ticks (WGS 84), the VN-2000 km grid, none."""

GRID_STEPS_KM: tuple[float, ...] = (1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0)
"""Spacings of the VN-2000 grid lines (km); the finest with at most :data:`MAX_LINES`."""

MAX_LINES = 10
"""Most grid lines across a side of the map."""

DENSIFY_MM = 2.0
"""Grid lines are densified to a vertex every this many millimetres on paper."""

NOTES: dict[str, str] = {
    "vi": "Lưới tọa độ VN-2000, KTT {meridian}, múi {width}° (km)",
    "en": "VN-2000 grid, central meridian {meridian}, {width}° zone (km)",
}
"""The margin note naming the grid, per language."""

EDGE_SIDES = {"easting": ("bottom", "top"), "northing": ("left", "right")}
"""The frame edges where lines of each kind are labelled."""


@dataclass(frozen=True)
class GridLabel:
    """A grid line's label at the map's edge.

    Attributes
    ----------
    text : str
        As printed (kilometres, e.g. ``"2 417"`` or ``"2 415 km"``).
    axis : {"easting", "northing"}
        What the line keeps constant.
    value : float
        Its easting or northing in the grid (metres).
    side : {"bottom", "top", "left", "right"}
        The frame edge.
    x, y : float
        Where the line crosses that edge, in the map's CRS (metres).
    step : float
        The grid's spacing (metres, :func:`grid_step`).
    """

    text: str
    axis: str
    value: float
    side: str
    x: float
    y: float
    step: float


def grid_crs(value: object = None) -> pyproj.CRS:
    """Return the VN-2000 grid ``value`` names (default :data:`DEFAULT_VN2000_CRS`)."""
    return pyproj.CRS.from_user_input(value or DEFAULT_VN2000_CRS)


def grid_step(bounds: Sequence[float], *, steps: Sequence[float] = GRID_STEPS_KM,
              max_lines: int = MAX_LINES) -> float:
    """Return the spacing (metres) of grid lines over ``bounds`` (the grid's metres).

    The finest of ``steps`` (km) at which neither side of ``(minx, miny, maxx, maxy)``
    is crossed by more than ``max_lines`` lines; the coarsest when none is.
    """
    for km in steps:
        step = km * 1000.0
        if max(len(line_values(bounds[0], bounds[2], step)),
               len(line_values(bounds[1], bounds[3], step))) <= max_lines:
            return step
    return steps[-1] * 1000.0


def line_values(low: float, high: float, step: float) -> np.ndarray:
    """Return the multiples of ``step`` strictly between ``low`` and ``high``."""
    first, last = math.floor(low / step) + 1, math.ceil(high / step) - 1
    return np.arange(first, last + 1) * step


def km_text(value: float, *, unit: bool = False) -> str:
    """Return metres as whole kilometres, thousands apart: ``2417000`` → ``"2 417"``."""
    text = f"{round(value / 1000):,}".replace(",", " ")
    return f"{text} km" if unit else text


def grid_note(crs: object, lang: str) -> str:
    """Return the margin note naming the grid, e.g. ``"Lưới tọa độ VN-2000, KTT 107°15′, múi 3°"``.

    The central meridian and the zone width (3° for a TM-3 grid, scale 0.9999; 6° for
    UTM) are read from the grid's projection.
    """
    grid = grid_crs(crs)
    op = grid.coordinate_operation
    params = {p.code: p.value for p in op.params} if op is not None else {}
    if "8802" not in params:
        return grid.name
    minutes = round(abs(params["8802"]) * 60)
    meridian = f"{minutes // 60}°{minutes % 60:02d}′"
    width = 6 if abs(params.get("8805", 0.0) - 0.9996) < 1e-9 else 3
    return NOTES.get(lang, NOTES["en"]).format(meridian=meridian, width=width)


def grid_lines(frame: MapFrame, crs: object = None
               ) -> tuple[float, list[tuple[str, float, shapely.LineString]]]:
    """Return the grid's spacing and lines over the frame: ``(axis, value, line in frame.crs)``.

    The lines span the frame's bounds in the grid, a step beyond, densified to a
    vertex every :data:`DENSIFY_MM` on paper before they are transformed.
    """
    grid = grid_crs(crs)
    outline = shapely.segmentize(frame.polygon, (frame.box[2] - frame.box[0]) / 100)
    to_grid = pyproj.Transformer.from_crs(frame.crs, grid, always_xy=True)
    to_map = pyproj.Transformer.from_crs(grid, frame.crs, always_xy=True)
    xs, ys = to_grid.transform(*np.asarray(outline.exterior.coords).T)
    bounds = (min(xs), min(ys), max(xs), max(ys))
    step = grid_step(bounds)
    spacing = DENSIFY_MM * frame.scale / 1000
    out = []
    for axis, values in (("easting", line_values(bounds[0], bounds[2], step)),
                         ("northing", line_values(bounds[1], bounds[3], step))):
        for value in values:
            ends = ([(value, bounds[1] - step), (value, bounds[3] + step)] if axis == "easting"
                    else [(bounds[0] - step, value), (bounds[2] + step, value)])
            line = shapely.segmentize(shapely.LineString(ends), spacing)
            x, y = to_map.transform(*np.asarray(line.coords).T)
            out.append((axis, float(value), shapely.LineString(np.column_stack([x, y]))))
    return step, out


def grid_labels(frame: MapFrame, lines: Sequence[tuple[str, float, shapely.LineString]],
                step: float) -> list[GridLabel]:
    """Return where each line leaves the frame on its sides (:data:`EDGE_SIDES`), labelled.

    The first label along each side (leftmost, lowest) carries the unit.
    """
    x0, y0, x1, y1 = frame.box
    edges = {"bottom": shapely.LineString([(x0, y0), (x1, y0)]),
             "top": shapely.LineString([(x0, y1), (x1, y1)]),
             "left": shapely.LineString([(x0, y0), (x0, y1)]),
             "right": shapely.LineString([(x1, y0), (x1, y1)])}
    hits: dict[str, list[tuple[float, str, float, float, float]]] = {s: [] for s in edges}
    for axis, value, line in lines:
        for side in EDGE_SIDES[axis]:
            hit = line.intersection(edges[side])
            if hit.is_empty or hit.geom_type != "Point":
                continue
            along = hit.x if side in ("bottom", "top") else hit.y
            hits[side].append((along, axis, value, hit.x, hit.y))
    out = []
    for side, found in hits.items():
        for i, (_, axis, value, x, y) in enumerate(sorted(found)):
            out.append(GridLabel(km_text(value, unit=i == 0), axis, value, side, x, y, step))
    return out


def draw_vn2000_grid(ax: Axes, frame: MapFrame, crs: object = None, *, font: float
                     ) -> list[GridLabel]:
    """Draw the VN-2000 km grid over the map and label it at the frame; return the labels.

    Parameters
    ----------
    ax : Axes
        The map's axes, in ``frame.crs``.
    frame : MapFrame
        The map's frame.
    crs : pyproj.CRS or str, optional
        The province's VN-2000 grid (default :data:`DEFAULT_VN2000_CRS`).
    font : float
        Size of the labels (points).
    """
    step, lines = grid_lines(frame, crs)
    if lines:
        ax.add_collection(LineCollection(
            [np.asarray(line.coords) for _, _, line in lines], colors="#3a5f8a",
            linewidths=0.35, alpha=0.7, zorder=30), autolim=False)
    labels = grid_labels(frame, lines, step)
    tick = 1.5 * frame.scale / 1000  # 1.5 mm on paper
    for label in labels:
        edge_label(ax, label.x, label.y, label.side, label.text, tick, font)
    return labels
