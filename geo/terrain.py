"""Terrain analyses on a metric elevation grid: slope, hillshade, sampling, sight lines.

Pure numpy (and shapely for the polygons of a viewshed): the grid comes from
:mod:`layers.dem`, already in a projected CRS in metres with square, north-up cells.

* :func:`slope_deg` — Horn's 3×3 gradient (as ``gdaldem slope``), exact on a plane,
  edges extrapolated linearly;
* :func:`hillshade` — the Lambertian shade of :func:`slope_deg`'s gradient under a light
  from an azimuth and an altitude (``gdaldem hillshade``'s model), 0–255;
* :func:`sample` — bilinear elevation at points (NaN off the grid or on a cell without data);
* :func:`line_of_sight` — the sight line between two points over the bilinear surface,
  with the Earth's curvature and refraction;
* :func:`viewshed` — the cells a point sees within a radius: rays cast from the observer
  every fraction of a cell record the horizon (the highest angle met so far); a cell is
  visible when the angle to its centre is at least the horizon just before it,
  interpolated between the two neighbouring rays. Cost: about 19 (radius / cell)²
  samples and the cells of the disc in memory, whatever the grid size;
* :func:`visible_polygons` and :func:`seen_area` — the visible cells as polygons and the
  area of each polygon (e.g. district) they cover.

Curvature: the terrain at distance ``d`` drops by ``d² (1 − k) / (2 R)`` below the
observer's horizontal (R = 6 371 km, refraction coefficient ``k`` = 0.13 by default,
the usual value for visible light; ``gdal_viewshed``'s default curvature coefficient
0.857 is ``1 − 1/7``, i.e. k ≈ 0.14). It is 6.8 m at 10 km: pass ``curvature=False``
for the flat-earth geometry of a hand computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.errors import AnalysisInputError, Problem

EARTH_RADIUS_M = 6_371_000.0
"""Mean radius of the Earth (metres) used for the curvature drop."""

REFRACTION = 0.13
"""Default atmospheric refraction coefficient (the sight line bends down with the Earth)."""

RAY_STEP_CELLS = 0.5
"""Distance between samples along a ray or a sight line, in cells."""


@dataclass(frozen=True)
class Grid:
    """An elevation grid: square north-up cells in a projected CRS in metres.

    Attributes
    ----------
    z : ndarray
        Elevations (metres), shape ``(rows, cols)``, row 0 the northernmost; NaN where
        there is no data.
    x0 : float
        x of the west edge of column 0.
    y0 : float
        y of the north edge of row 0.
    cell : float
        Cell size (metres).
    crs : str
        The CRS of ``x`` and ``y`` (e.g. ``"EPSG:3405"``).
    """

    z: np.ndarray
    x0: float
    y0: float
    cell: float
    crs: str

    def __post_init__(self) -> None:
        z = np.asarray(self.z)
        problems = []
        if z.ndim != 2 or min(z.shape) < 2:
            problems.append(Problem("terrain_grid_shape", shape=tuple(z.shape)))
        if not (math.isfinite(self.cell) and self.cell > 0):
            problems.append(Problem("terrain_cell_bad", value=self.cell))
        if problems:
            raise AnalysisInputError(*problems)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, cols)``."""
        return self.z.shape

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """``(minx, miny, maxx, maxy)`` of the grid's outer edges."""
        rows, cols = self.shape
        return (self.x0, self.y0 - rows * self.cell, self.x0 + cols * self.cell, self.y0)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Return the x (per column) and y (per row) of the cell centres."""
        rows, cols = self.shape
        return (self.x0 + (np.arange(cols) + 0.5) * self.cell,
                self.y0 - (np.arange(rows) + 0.5) * self.cell)

    def fractional(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return the (row, col) of points in cell units, cell centres at integers."""
        col = (np.asarray(x, dtype=float) - self.x0) / self.cell - 0.5
        row = (self.y0 - np.asarray(y, dtype=float)) / self.cell - 0.5
        return row, col


@dataclass(frozen=True)
class SightLine:
    """The answer of :func:`line_of_sight`.

    Attributes
    ----------
    visible : bool
        Whether the target is seen (no terrain above the sight line between them).
    distance_m : float
        Horizontal distance from observer to target.
    min_clearance_m : float
        Least height of the sight line above the terrain between them (negative where
        the terrain blocks it); ``inf`` when no sample lies between them.
    blocked_at_m : float or None
        Distance from the observer of the first sample where the terrain is above the
        line; ``None`` when visible.
    blocked_xy : tuple of float or None
        Where that is, in the grid's CRS.
    observer_z, target_z : float
        Ground elevation under observer and target (metres, bilinear).
    """

    visible: bool
    distance_m: float
    min_clearance_m: float
    blocked_at_m: float | None
    blocked_xy: tuple[float, float] | None
    observer_z: float
    target_z: float


def sample(grid: Grid, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the bilinear elevation at points (NaN off the grid or next to no data).

    Parameters
    ----------
    grid : Grid
        The elevations.
    x, y : array_like
        Coordinates in the grid's CRS.

    Returns
    -------
    ndarray
        One elevation per point. Points between the outermost cell centres and the grid's
        edge take the nearest edge value along that axis.
    """
    row, col = grid.fractional(x, y)
    return _bilinear(grid.z, row, col)


def slope_deg(grid: Grid) -> np.ndarray:
    """Return the slope of every cell, degrees from horizontal (Horn's method).

    Returns
    -------
    ndarray
        Same shape as ``grid.z``; NaN where a neighbour has no data.
    """
    gx, gy = _gradient(grid)
    return np.degrees(np.arctan(np.hypot(gx, gy)))


def hillshade(grid: Grid, *, azimuth: float = 315.0, altitude: float = 45.0,
              z_factor: float = 1.0) -> np.ndarray:
    """Return the hillshade of the grid: 0 (dark) to 255 (facing the light).

    Parameters
    ----------
    grid : Grid
        The elevations.
    azimuth : float
        Direction the light comes from, degrees clockwise from north (315: north-west).
    altitude : float
        Height of the light above the horizon, degrees.
    z_factor : float
        Vertical exaggeration.

    Returns
    -------
    ndarray of float
        Same shape as ``grid.z``; ``255 · max(0, n · l)`` for the unit normal ``n`` and
        the unit vector ``l`` towards the light; NaN where there is no data.
    """
    gx, gy = _gradient(grid)
    gx, gy = gx * z_factor, gy * z_factor
    az, alt = math.radians(azimuth), math.radians(altitude)
    light = (math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt))
    dot = (-gx * light[0] - gy * light[1] + light[2]) / np.sqrt(gx * gx + gy * gy + 1.0)
    return 255.0 * np.clip(dot, 0.0, 1.0)


def line_of_sight(grid: Grid, start: tuple[float, float], end: tuple[float, float], *,
                  observer_height: float = 2.0, target_height: float = 0.0,
                  curvature: bool = True, refraction: float = REFRACTION) -> SightLine:
    """Tell whether a target is seen from an observer over the terrain.

    Parameters
    ----------
    grid : Grid
        The elevations.
    start, end : tuple of float
        Observer and target ``(x, y)`` in the grid's CRS.
    observer_height, target_height : float
        Heights above the ground (metres) of the eye and of the target.
    curvature : bool
        Lower distant terrain by the Earth's curvature (with ``refraction``).
    refraction : float
        Refraction coefficient.

    Returns
    -------
    SightLine

    Raises
    ------
    AnalysisInputError
        If a height is negative, or either end lies off the grid or on a cell without data.
    """
    _check_heights(observer_height, target_height)
    ends = sample(grid, np.array([start[0], end[0]]), np.array([start[1], end[1]]))
    _check_on_grid(ends, [start, end])
    dist = math.hypot(end[0] - start[0], end[1] - start[1])
    count = int(dist / (grid.cell * RAY_STEP_CELLS))
    d = np.linspace(0.0, dist, count + 2)[1:-1]
    frac = d / dist if dist > 0 else d
    xs, ys = start[0] + frac * (end[0] - start[0]), start[1] + frac * (end[1] - start[1])
    drop = _drop(d, curvature, refraction)
    ground = sample(grid, xs, ys) - drop
    eye = ends[0] + observer_height
    top = ends[1] + target_height - _drop(np.array([dist]), curvature, refraction)[0]
    clearance = eye + (top - eye) * frac - ground
    blocked = np.flatnonzero(clearance < 0)
    first = int(blocked[0]) if len(blocked) else None
    return SightLine(
        visible=first is None, distance_m=dist,
        min_clearance_m=float(np.nanmin(clearance)) if len(d) else math.inf,
        blocked_at_m=None if first is None else float(d[first]),
        blocked_xy=None if first is None else (float(xs[first]), float(ys[first])),
        observer_z=float(ends[0]), target_z=float(ends[1]))


def viewshed(grid: Grid, x: float, y: float, *, radius_m: float,
             observer_height: float = 2.0, target_height: float = 0.0,
             curvature: bool = True, refraction: float = REFRACTION) -> np.ndarray:
    """Return the cells seen from a point within a radius.

    Parameters
    ----------
    grid : Grid
        The elevations.
    x, y : float
        The observer, in the grid's CRS.
    radius_m : float
        Farthest distance looked at (metres, to cell centres).
    observer_height : float
        Height of the eye above the ground (metres).
    target_height : float
        Height above the ground of what must be seen (0: the ground itself).
    curvature, refraction
        As for :func:`line_of_sight`.

    Returns
    -------
    ndarray of bool
        Same shape as ``grid.z``: True where the cell centre (raised by
        ``target_height``) is seen; False beyond the radius and on cells without data.
    """
    _check_heights(observer_height, target_height)
    if not (math.isfinite(radius_m) and radius_m > 0):
        raise AnalysisInputError(Problem("terrain_radius_bad", value=radius_m))
    eye_z = sample(grid, np.array([x]), np.array([y]))
    _check_on_grid(eye_z, [(x, y)])
    eye = float(eye_z[0]) + observer_height
    minx, miny, maxx, maxy = grid.bounds
    radius_m = min(radius_m, math.hypot(max(x - minx, maxx - x), max(y - miny, maxy - y)))
    return _sweep(grid, x, y, radius_m, eye, target_height, curvature, refraction)


def within_radius(grid: Grid, x: float, y: float, radius_m: float) -> np.ndarray:
    """Return the cells with data whose centre lies within ``radius_m`` of ``(x, y)``."""
    xs, ys = grid.centres()
    gx, gy = np.meshgrid(xs - x, ys - y)
    return (np.hypot(gx, gy) <= radius_m) & np.isfinite(grid.z)


def visible_polygons(grid: Grid, mask: np.ndarray) -> shapely.Geometry:
    """Return the union of the cells where ``mask`` is True, as one (multi)polygon.

    Each row's runs of True cells become rectangles, which are then merged; the area of
    the result is exactly the number of True cells times the cell area.
    """
    boxes = []
    padded = np.zeros((mask.shape[0], mask.shape[1] + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    for row in np.flatnonzero(mask.any(axis=1)):
        edges = np.flatnonzero(np.diff(padded[row]))
        starts, stops = edges[0::2], edges[1::2]
        top = grid.y0 - row * grid.cell
        boxes.extend(shapely.box(grid.x0 + s * grid.cell, top - grid.cell, grid.x0 + e * grid.cell,
                                 top) for s, e in zip(starts, stops, strict=True))
    if not boxes:
        return shapely.Polygon()
    return shapely.union_all(np.array(boxes, dtype=object), grid_size=grid.cell / 1000)


def seen_area(grid: Grid, mask: np.ndarray, areas: list[shapely.Geometry]) -> np.ndarray:
    """Return the area (m²) of each polygon of ``areas`` covered by the True cells of ``mask``.

    Parameters
    ----------
    grid : Grid
        The grid of ``mask``.
    mask : ndarray of bool
        E.g. a :func:`viewshed`.
    areas : list of shapely geometry
        Polygons in the grid's CRS (e.g. districts).

    Returns
    -------
    ndarray
        One area per polygon.
    """
    seen = visible_polygons(grid, mask)
    return np.array([shapely.intersection(seen, a).area if a is not None else 0.0
                     for a in areas], dtype=float)


def feature_terrain(grid: Grid, features: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the elevation and slope of every feature, index-aligned.

    Each feature is taken at its representative point (a point as it is; a line or
    polygon from a point on or inside it, GEOS ``PointOnSurface``, computed in the grid's
    CRS): ``elevation_m`` (bilinear) and ``slope_deg`` (Horn, bilinear between cells).
    A polygon also gets the lowest and highest cell centre inside it
    (``elevation_min_m``, ``elevation_max_m``; a polygon smaller than a cell: its point's
    elevation); points and lines get their point's elevation there too.

    Parameters
    ----------
    grid : Grid
        The elevations.
    features : GeoDataFrame
        Any geometries, with a CRS.

    Returns
    -------
    DataFrame
        Index of ``features``; NaN for a feature off the grid or without geometry.
    """
    if features.crs is None:
        raise AnalysisInputError(Problem("frame_no_crs", role="features"))
    geoms = features.geometry.to_crs(grid.crs)
    points = geoms.representative_point()
    x = points.x.to_numpy(dtype=float)
    y = points.y.to_numpy(dtype=float)
    elevation = sample(grid, x, y)
    slope = sample(Grid(slope_deg(grid), grid.x0, grid.y0, grid.cell, grid.crs), x, y)
    low, high = elevation.copy(), elevation.copy()
    for i, geom in enumerate(geoms):
        if geom is not None and geom.geom_type in ("Polygon", "MultiPolygon"):
            inside = _cells_inside(grid, geom)
            if inside.size and np.isfinite(inside).any():
                low[i], high[i] = np.nanmin(inside), np.nanmax(inside)
    return pd.DataFrame({"elevation_m": elevation, "slope_deg": slope,
                         "elevation_min_m": low, "elevation_max_m": high},
                        index=features.index)


def highest_points(grid: Grid, areas: gpd.GeoSeries) -> pd.DataFrame:
    """Return the highest DEM cell inside each area (e.g. the high point of a district).

    Parameters
    ----------
    grid : Grid
        The elevations.
    areas : GeoSeries
        Polygons, with a CRS.

    Returns
    -------
    DataFrame
        Index of ``areas``; ``x``, ``y`` (the cell centre, in the grid's CRS) and
        ``elevation_m``; NaN for an area with no cell centre on the grid.
    """
    if areas.crs is None:
        raise AnalysisInputError(Problem("frame_no_crs", role="areas"))
    xs, ys = grid.centres()
    out = np.full((len(areas), 3), np.nan)
    for i, geom in enumerate(areas.to_crs(grid.crs)):
        if geom is None or geom.is_empty:
            continue
        r0, r1, c0, c1 = _window(xs, ys, geom.bounds)
        gx, gy = np.meshgrid(xs[c0:c1], ys[r0:r1])
        z = np.where(shapely.contains_xy(geom, gx, gy), grid.z[r0:r1, c0:c1], np.nan)
        if np.isfinite(z).any():
            k = np.unravel_index(np.nanargmax(z), z.shape)
            out[i] = gx[k], gy[k], z[k]
    return pd.DataFrame(out, columns=["x", "y", "elevation_m"], index=areas.index)


# --- helpers -------------------------------------------------------------------------------


def _bilinear(z: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
    rows, cols = z.shape
    row = np.atleast_1d(np.asarray(row, dtype=float))
    col = np.atleast_1d(np.asarray(col, dtype=float))
    inside = (row >= -0.5) & (row <= rows - 0.5) & (col >= -0.5) & (col <= cols - 0.5)
    r = np.clip(np.where(inside, row, 0.0), 0.0, rows - 1.0)
    c = np.clip(np.where(inside, col, 0.0), 0.0, cols - 1.0)
    r0 = np.minimum(np.floor(r).astype(np.intp), rows - 2)
    c0 = np.minimum(np.floor(c).astype(np.intp), cols - 2)
    fr, fc = r - r0, c - c0
    top = z[r0, c0] * (1 - fc) + z[r0, c0 + 1] * fc
    bottom = z[r0 + 1, c0] * (1 - fc) + z[r0 + 1, c0 + 1] * fc
    out = top * (1 - fr) + bottom * fr
    return np.where(inside, out, np.nan)


def _gradient(grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Return dz/dx (east) and dz/dy (north) per cell by Horn's 3×3 weights."""
    z = np.asarray(grid.z, dtype=float)
    p = np.pad(z, 1, mode="reflect", reflect_type="odd")  # linear extrapolation at the edges
    a, b, c = p[:-2, :-2], p[:-2, 1:-1], p[:-2, 2:]
    d, f = p[1:-1, :-2], p[1:-1, 2:]
    g, h, i = p[2:, :-2], p[2:, 1:-1], p[2:, 2:]
    gx = ((c + 2 * f + i) - (a + 2 * d + g)) / (8 * grid.cell)
    gy = ((a + 2 * b + c) - (g + 2 * h + i)) / (8 * grid.cell)  # row 0 is north
    return gx, gy


def _drop(d: np.ndarray, curvature: bool, refraction: float) -> np.ndarray:
    if not curvature:
        return np.zeros_like(d, dtype=float)
    return d * d * (1.0 - refraction) / (2.0 * EARTH_RADIUS_M)


def _check_heights(observer_height: float, target_height: float) -> None:
    problems = [Problem("terrain_height_bad", arg=name, value=value)
                for name, value in (("observer_height", observer_height),
                                    ("target_height", target_height))
                if not (math.isfinite(value) and value >= 0)]
    if problems:
        raise AnalysisInputError(*problems)


def _check_on_grid(z: np.ndarray, points: list[tuple[float, float]]) -> None:
    off = [f"({p[0]:.0f}, {p[1]:.0f})" for p, v in zip(points, z, strict=True)
           if not np.isfinite(v)]
    if off:
        raise AnalysisInputError(Problem("terrain_off_grid", points=", ".join(off)))


def _ray_count(n_cells: float) -> int:
    """Rays so that neighbours are at most 2/3 of a cell apart at the radius."""
    return max(8, int(math.ceil(3.0 * math.pi * n_cells)))


def _sweep(grid: Grid, x: float, y: float, radius_m: float, eye: float,
           target_height: float, curvature: bool, refraction: float) -> np.ndarray:
    """Cast rays outwards; compare each cell centre with the horizon just before it.

    Step ``k`` of every ray samples the terrain at ``k * RAY_STEP_CELLS`` cells from the
    observer; ``best`` holds each ray's highest slope so far (cells without data hide
    nothing). A cell at distance ``d`` is judged after the last step before ``d``,
    against the horizon interpolated between its two neighbouring rays. Memory: the cells
    of the disc, not steps × rays.
    """
    out = np.zeros(grid.shape, dtype=bool)
    cells = _disc(grid, x, y, radius_m)
    if cells is None:
        return out
    rows, cols, d, z = cells
    step = RAY_STEP_CELLS * grid.cell
    rays = _ray_count(radius_m / grid.cell)
    angle = np.arange(rays) * (2 * math.pi / rays)
    xs, ys = grid.centres()
    az = np.mod(np.arctan2(xs[cols] - x, ys[rows] - y), 2 * math.pi) * rays / (2 * math.pi)
    j0 = np.floor(az).astype(np.intp) % rays
    w = az - np.floor(az)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (z - _drop(d, curvature, refraction) + target_height - eye) / d
    k_of = np.maximum(np.ceil(d / step).astype(np.intp) - 1, 0)  # last step before it
    order = np.argsort(k_of, kind="stable")
    bounds = np.searchsorted(k_of[order], np.arange(k_of.max() + 2))
    seen = np.zeros(len(d), dtype=bool)
    first = order[bounds[0]:bounds[1]]
    seen[first] = True  # nearer than one step: nothing between
    best = np.full(rays, -np.inf)
    for k in range(1, len(bounds) - 1):
        dk = k * step
        ground = sample(grid, x + np.sin(angle) * dk, y + np.cos(angle) * dk)
        best = np.fmax(best, (ground - _drop(np.array(dk), curvature, refraction) - eye) / dk)
        idx = order[bounds[k]:bounds[k + 1]]
        if len(idx):
            h0, h1 = best[j0[idx]], best[(j0[idx] + 1) % rays]
            finite = np.isfinite(h0) & np.isfinite(h1)
            mixed = (np.where(finite, h0, 0.0) * (1 - w[idx])
                     + np.where(finite, h1, 0.0) * w[idx])
            seen[idx] = slope[idx] >= np.where(finite, mixed, np.fmax(h0, h1))
    out[rows, cols] = seen & np.isfinite(z)
    return out


def _disc(grid: Grid, x: float, y: float, radius_m: float
          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """Return rows, cols, distances and elevations of the cell centres within the radius."""
    xs, ys = grid.centres()
    r0, r1 = _span(ys[::-1], y, radius_m)
    c0, c1 = _span(xs, x, radius_m)
    rows = np.arange(len(ys) - r1, len(ys) - r0)
    cols = np.arange(c0, c1)
    if not len(rows) or not len(cols):
        return None
    rr, cc = np.meshgrid(rows, cols, indexing="ij")
    d = np.hypot(xs[cc] - x, ys[rr] - y)
    keep = d <= radius_m
    return rr[keep], cc[keep], d[keep], grid.z[rr[keep], cc[keep]]


def _span(centres: np.ndarray, at: float, radius: float) -> tuple[int, int]:
    """Return the index range of increasing ``centres`` within ``radius`` of ``at``."""
    return (int(np.searchsorted(centres, at - radius, side="left")),
            int(np.searchsorted(centres, at + radius, side="right")))


def _cells_inside(grid: Grid, geom: shapely.Geometry) -> np.ndarray:
    """Return the elevations of the cell centres inside ``geom``."""
    xs, ys = grid.centres()
    r0, r1, c0, c1 = _window(xs, ys, geom.bounds)
    if c0 >= c1 or r0 >= r1:
        return np.empty(0)
    gx, gy = np.meshgrid(xs[c0:c1], ys[r0:r1])
    inside = shapely.contains_xy(geom, gx, gy)
    return grid.z[r0:r1, c0:c1][inside]


def _window(xs: np.ndarray, ys: np.ndarray, bounds: tuple[float, float, float, float]
            ) -> tuple[int, int, int, int]:
    """Return the row and column ranges of the cell centres within ``bounds``."""
    minx, miny, maxx, maxy = bounds
    c0, c1 = np.searchsorted(xs, minx), np.searchsorted(xs, maxx, side="right")
    r0, r1 = np.searchsorted(-ys, -maxy), np.searchsorted(-ys, -miny, side="right")
    return int(r0), int(r1), int(c0), int(c1)
