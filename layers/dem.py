"""Digital elevation models (DEM): read a GeoTIFF, check it, bring it to the metric CRS.

A DEM comes as a GeoTIFF in any CRS: SRTM and ALOS AW3D30 tiles in longitude/latitude
(EPSG:4326), national data in VN-2000 (a UTM zone or a provincial TM-3 grid, often only
as an ESRI text with a custom name). Its CRS is recognised as for vector layers
(:func:`layers.crs.canonical_crs`: VN-2000 in any spelling becomes its EPSG system, so
PROJ uses the published VN-2000 → WGS 84 shift); a GeoTIFF without a CRS is refused with
the candidates its coordinate ranges suggest, unless the CRS is named (``crs=``).

The first band is read as elevations in metres (no-data cells, NaN and the file's
no-data value, become NaN), checked, and resampled (bilinear) onto a north-up grid of
square cells in the project's metric CRS (:data:`geo.settings.metric_crs`): a
:class:`geo.terrain.Grid`, what every terrain analysis takes. :func:`to_geotiff` and
:func:`from_geotiff` turn a grid into the bytes the store keeps (float32, deflate) and back.

Limits in the style of :mod:`layers.limits` (module values read when a check runs):
:data:`max_source_cells`, :data:`max_grid_cells` and :data:`max_file_bytes`. A file over
one is refused before its pixels are read.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyproj

from geo import settings
from geo.terrain import Grid
from layers.crs import canonical_crs, crs_code, crs_label, parse_crs, suggest_crs
from layers.errors import LayerError, MissingCRSError
from layers.messages import clip

max_source_cells: int = 200_000_000
"""Most cells (rows × columns) of a GeoTIFF read: four 1° SRTM 1″ tiles merged are 52 M."""

max_grid_cells: int = 60_000_000
"""Most cells of the grid in the metric CRS: a province of 8,000 km² at 12 m, or 4 × that
area at 25 m. Choose a coarser ``cell_m`` for a larger area."""

max_file_bytes: int = 4 * 1024**3
"""Largest GeoTIFF file read (4 GiB)."""

ELEVATION_RANGE_M: tuple[float, float] = (-500.0, 9000.0)
"""Plausible elevations (metres): values outside mean another unit or a wrong band."""

FICTIONAL_NOTE = "FICTIONAL DEM (giả định): generated terrain for the demo, not a survey"
"""Description written into a fictional DEM (:func:`fictional_dem`) and its store row."""


@dataclass(frozen=True)
class DemImport:
    """A DEM read and resampled to the metric CRS.

    Attributes
    ----------
    grid : geo.terrain.Grid
        Elevations on square metric cells.
    source_crs : str
        Label of the file's CRS (e.g. ``"VN-2000 / UTM zone 48N (EPSG:3405)"``).
    source_shape : tuple of int
        Rows and columns of the file.
    nodata_share : float
        Share of the grid's cells without data (0–1).
    """

    grid: Grid
    source_crs: str
    source_shape: tuple[int, int]
    nodata_share: float


def read_dem(path: str | Path, *, crs: str | None = None, target_crs: str | None = None,
             cell_m: float | None = None) -> DemImport:
    """Read a DEM GeoTIFF and resample it onto square cells of the metric CRS.

    Parameters
    ----------
    path : str or Path
        The GeoTIFF.
    crs : str, optional
        Its CRS when the file names none (or a wrong one), e.g. ``"EPSG:9215"``.
    target_crs : str, optional
        The metric CRS of the grid; :data:`geo.settings.metric_crs` by default.
    cell_m : float, optional
        Cell size of the grid (metres); default: the file's own resolution in metres.

    Returns
    -------
    DemImport

    Raises
    ------
    LayerError
        The file is missing, unreadable, too large, rotated, has no band, no CRS (a
        :class:`~layers.errors.MissingCRSError` with candidates), no data, or elevations
        outside :data:`ELEVATION_RANGE_M`.
    """
    import rasterio
    from rasterio.errors import CRSError, RasterioError

    path = Path(path)
    _check_file(path)
    try:
        with rasterio.open(path) as src:
            return _read_open(src, path.name, crs, target_crs, cell_m)
    except (RasterioError, CRSError) as exc:
        raise LayerError(key="dem_unreadable", params={
            "file": path.name, "detail": clip(_gdal_reason(exc, path), 120)}) from exc


def to_geotiff(grid: Grid, *, description: str = "") -> bytes:
    """Return the grid as GeoTIFF bytes (float32, deflate, NaN no-data, its CRS)."""
    from rasterio.io import MemoryFile
    from rasterio.transform import from_origin

    rows, cols = grid.shape
    profile = {"driver": "GTiff", "width": cols, "height": rows, "count": 1,
               "dtype": "float32", "crs": grid.crs, "nodata": float("nan"),
               "transform": from_origin(grid.x0, grid.y0, grid.cell, grid.cell),
               "compress": "deflate", "predictor": 3, "tiled": rows > 256 and cols > 256}
    with MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(grid.z.astype("float32"), 1)
            if description:
                dst.update_tags(DESCRIPTION=description)
        return bytes(mem.read())


def from_geotiff(data: bytes) -> Grid:
    """Return the grid a :func:`to_geotiff` wrote (as stored in the project)."""
    from rasterio.io import MemoryFile

    with MemoryFile(data) as mem, mem.open() as src:
        z = src.read(1, masked=True).astype(float).filled(np.nan)
        t = src.transform
        return Grid(z=z, x0=t.c, y0=t.f, cell=t.a, crs=crs_code(_pyproj(src.crs)))


def warp(values: np.ndarray, grid: Grid, dst_crs: str, *, nearest: bool = False
         ) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """Resample an array laid on ``grid`` into ``dst_crs`` (e.g. a hillshade for a web map).

    Returns
    -------
    tuple
        The array (NaN outside) and its bounds ``(minx, miny, maxx, maxy)`` in ``dst_crs``.
    """
    from rasterio.transform import array_bounds, from_origin
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    rows, cols = grid.shape
    src_t = from_origin(grid.x0, grid.y0, grid.cell, grid.cell)
    dst_t, width, height = calculate_default_transform(grid.crs, dst_crs, cols, rows,
                                                       *grid.bounds)
    out = np.full((height, width), np.nan, dtype="float32")
    reproject(values.astype("float32"), out, src_transform=src_t, src_crs=grid.crs,
              dst_transform=dst_t, dst_crs=dst_crs, src_nodata=np.nan, dst_nodata=np.nan,
              resampling=Resampling.nearest if nearest else Resampling.bilinear)
    west, south, east, north = array_bounds(height, width, dst_t)
    return out, (west, south, east, north)


def fictional_dem(bounds: tuple[float, float, float, float], *, cell_m: float = 100.0,
                  target_crs: str | None = None, seed: int = 12) -> Grid:
    """Return a FICTIONAL but plausible DEM over ``bounds`` (lon/lat), for the demo only.

    Limestone-karst-like hills of a northern border province: valleys at about 250 m,
    ridges and isolated peaks up to 1,400 m, built from a fixed seed (the same grid
    every time). It is not a survey of any real place: store it with
    :data:`FICTIONAL_NOTE`.

    Parameters
    ----------
    bounds : tuple of float
        ``(min lon, min lat, max lon, max lat)`` to cover.
    cell_m : float
        Cell size (metres).
    target_crs : str, optional
        Metric CRS; :data:`geo.settings.metric_crs` by default.
    seed : int
        Seed of the generator.
    """
    crs = target_crs or settings.metric_crs or "EPSG:3405"
    to_metric = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    xs, ys = to_metric.transform([bounds[0], bounds[2], bounds[0], bounds[2]],
                                 [bounds[1], bounds[1], bounds[3], bounds[3]])
    x0, y0 = math.floor(min(xs) / cell_m) * cell_m, math.ceil(max(ys) / cell_m) * cell_m
    cols = int(math.ceil((max(xs) - x0) / cell_m)) + 1
    rows = int(math.ceil((y0 - min(ys)) / cell_m)) + 1
    _check_cells(rows * cols, max_grid_cells, "fictional DEM", "grid")
    rng = np.random.default_rng(seed)
    cx = x0 + (np.arange(cols) + 0.5) * cell_m
    cy = y0 - (np.arange(rows) + 0.5) * cell_m
    z = np.full((rows, cols), 250.0)
    width = max(max(xs) - min(xs), max(ys) - min(ys))
    for _ in range(400):
        px, py = rng.uniform(min(xs), max(xs)), rng.uniform(min(ys), max(ys))
        height, spread = rng.uniform(100, 700), rng.uniform(0.004, 0.025) * width
        stretch, turn = rng.uniform(1.0, 3.0), rng.uniform(0, math.pi)
        reach = 3.5 * spread * stretch  # the hill is flat (< 1e-5 of its height) beyond
        c0, c1 = np.searchsorted(cx, [px - reach, px + reach])
        r0, r1 = np.searchsorted(-cy, [-py - reach, -py + reach])
        gx, gy = np.meshgrid(cx[c0:c1] - px, cy[r0:r1] - py)
        u = gx * math.cos(turn) + gy * math.sin(turn)
        v = -gx * math.sin(turn) + gy * math.cos(turn)
        z[r0:r1, c0:c1] += height * np.exp(-((u / (spread * stretch)) ** 2 + (v / spread) ** 2))
    z = 250.0 + (z - 250.0) * (1150.0 / max(float(z.max()) - 250.0, 1.0))  # peaks at 1,400 m
    return Grid(z=np.round(z, 1), x0=x0, y0=y0, cell=cell_m, crs=crs)


# --- helpers -------------------------------------------------------------------------------


def _check_file(path: Path) -> None:
    if not path.is_file():
        raise LayerError(key="no_such_file", params={"file": clip(path.name),
                                                     "path": clip(str(path), 200)})
    size = path.stat().st_size
    if size > max_file_bytes:
        raise LayerError(key="dem_too_large", params={
            "file": path.name, "what": "bytes", "value": size, "limit": max_file_bytes})


def _read_open(src: object, name: str, crs: str | None, target_crs: str | None,
               cell_m: float | None) -> DemImport:
    if src.count < 1:
        raise LayerError(key="dem_no_band", params={"file": name})
    _check_cells(src.width * src.height, max_source_cells, name, "file")
    if not src.transform.is_rectilinear or src.transform.a <= 0 or src.transform.e >= 0:
        raise LayerError(key="dem_rotated", params={"file": name})
    source = _source_crs(src, name, crs)
    target = target_crs or settings.metric_crs or "EPSG:3405"
    _check_area(src, source, target, name)
    z = _read_band(src, name)
    grid = _resample(z, src, source, target, cell_m, name)
    valid = np.isfinite(grid.z)
    if not valid.any():
        raise LayerError(key="dem_empty", params={"file": name})
    return DemImport(grid=grid, source_crs=crs_label(source),
                     source_shape=(src.height, src.width),
                     nodata_share=float(1.0 - valid.mean()))


def _source_crs(src: object, name: str, crs: str | None) -> pyproj.CRS:
    if crs is not None:
        return parse_crs(crs)
    if src.crs is None:
        b = src.bounds
        cands = suggest_crs((b.left, b.bottom, b.right, b.top))
        raise MissingCRSError(candidates=cands, key="dem_no_crs", params={
            "file": name, "candidates": ", ".join(c.code for c in cands[:3]) or "-"})
    return canonical_crs(_pyproj(src.crs))


def _check_area(src: object, source: pyproj.CRS, target: str, name: str) -> None:
    """Refuse a DEM that lies outside the metric CRS's area of use (a wrong CRS, mostly)."""
    from rasterio.warp import transform_bounds

    area = pyproj.CRS.from_user_input(target).area_of_use
    try:
        west, south, east, north = transform_bounds(source.to_wkt(), "EPSG:4326", *src.bounds)
    except Exception:  # noqa: BLE001 - any failure to place it is the same answer
        west = south = east = north = float("nan")
    inside = area is None or (west <= area.east and east >= area.west
                              and south <= area.north and north >= area.south)
    if not inside or not all(map(math.isfinite, (west, south, east, north))):
        raise LayerError(key="dem_outside", params={
            "file": name, "bounds": f"{west:.4f}, {south:.4f}, {east:.4f}, {north:.4f}",
            "crs": crs_label(source), "target": target})


def _read_band(src: object, name: str) -> np.ndarray:
    band = src.read(1, masked=True)
    if not np.issubdtype(band.dtype, np.number) or np.issubdtype(band.dtype, np.complexfloating):
        raise LayerError(key="dem_not_numbers", params={"file": name, "dtype": str(band.dtype)})
    z = band.astype(float).filled(np.nan)
    z[~np.isfinite(z)] = np.nan
    if np.isfinite(z).any():
        low, high = float(np.nanmin(z)), float(np.nanmax(z))
        if low < ELEVATION_RANGE_M[0] or high > ELEVATION_RANGE_M[1]:
            raise LayerError(key="dem_values_bad", params={
                "file": name, "low": f"{low:.6g}", "high": f"{high:.6g}",
                "min": ELEVATION_RANGE_M[0], "max": ELEVATION_RANGE_M[1]})
    return z


def _resample(z: np.ndarray, src: object, source: pyproj.CRS, target: str,
              cell_m: float | None, name: str) -> Grid:
    from rasterio.crs import CRS as RioCRS
    from rasterio.transform import from_origin
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    src_crs = RioCRS.from_wkt(source.to_wkt())
    dst_t, width, height = calculate_default_transform(
        src_crs, target, src.width, src.height, *src.bounds)
    cell = float(cell_m) if cell_m else math.sqrt(abs(dst_t.a * dst_t.e))
    if not (math.isfinite(cell) and cell > 0):
        raise LayerError(key="dem_cell_bad", params={"value": cell_m})
    cols = int(math.ceil(width * abs(dst_t.a) / cell))
    rows = int(math.ceil(height * abs(dst_t.e) / cell))
    _check_cells(rows * cols, max_grid_cells, name, "grid")
    x0 = math.floor(dst_t.c / cell) * cell
    y0 = math.ceil(dst_t.f / cell) * cell
    out = np.full((rows + 1, cols + 1), np.nan, dtype="float64")
    reproject(z, out, src_transform=src.transform, src_crs=src_crs,
              dst_transform=from_origin(x0, y0, cell, cell), dst_crs=target,
              src_nodata=np.nan, dst_nodata=np.nan, resampling=Resampling.bilinear)
    return Grid(z=out, x0=x0, y0=y0, cell=cell, crs=crs_code(parse_crs(target)))


def _check_cells(cells: int, limit: int, name: str, what: str) -> None:
    if cells > limit:
        raise LayerError(key="dem_too_large", params={
            "file": name, "what": f"{what} cells", "value": cells, "limit": limit})


def _pyproj(crs: object) -> pyproj.CRS:
    return pyproj.CRS.from_wkt(crs.to_wkt())


def _gdal_reason(exc: BaseException, path: Path) -> str:
    """Return GDAL's reason without the server path it quotes."""
    text = str(exc).replace(str(path.resolve()), path.name).replace(str(path), path.name)
    return re.sub(r"(/[^\s:'\"]+)+", lambda m: Path(m.group(0)).name, text)
