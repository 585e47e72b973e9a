"""The frame of a printed map (a metric CRS, a box, a round scale) and units of print.

A printed map is drawn in a metric CRS (:data:`geo.settings.metric_crs`, VN-2000 / UTM 48N
by default) at a round scale, so that a scale bar is true across it and the scale can be
written as 1:N.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo import settings as geo_settings

PT_MM = 25.4 / 72
"""Millimetres per typographic point."""

PX_TO_PT = 0.6
"""Printed points per Leaflet pixel of a style's line width, dash and radius."""

SYMBOL_PT_PER_PX = 0.7
"""Half width of a printed symbol (points) per pixel of the style's radius."""

NICE_SCALES = (1.0, 1.1, 1.2, 1.25, 1.4, 1.5, 1.6, 1.75, 2.0, 2.25, 2.5, 2.75, 3.0, 3.5, 4.0,
               4.5, 5.0, 5.5, 6.0, 6.5, 7.0, 7.5, 8.0, 9.0)
"""Mantissas of the scales a map is drawn at (1:100 000, 1:125 000, …)."""

@dataclass(frozen=True)
class MapFrame:
    """The part of the world a map shows, in a metric CRS, at a scale.

    Attributes
    ----------
    crs : str
        Metric CRS of the drawing.
    box : tuple of float
        ``(minx, miny, maxx, maxy)`` in ``crs`` (metres).
    scale : float
        Scale denominator (e.g. ``250000`` for 1:250 000).
    """

    crs: str
    box: tuple[float, float, float, float]
    scale: float

    @property
    def polygon(self) -> shapely.Polygon:
        """The frame as a polygon in :attr:`crs`."""
        return shapely.box(*self.box)

    def to_paper(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return millimetres from the frame's lower-left corner of points in :attr:`crs`."""
        k = 1000.0 / self.scale
        return (np.asarray(x) - self.box[0]) * k, (np.asarray(y) - self.box[1]) * k

    def lonlat(self) -> shapely.Geometry:
        """Return the frame in EPSG:4326 (edges densified: it follows the curved outline)."""
        box = shapely.segmentize(self.polygon, (self.box[2] - self.box[0]) / 100)
        return gpd.GeoSeries([box], crs=self.crs).to_crs(4326).iloc[0]


def metric_crs() -> str:
    """Return the metric CRS prints are drawn in (:data:`geo.settings.metric_crs`)."""
    return geo_settings.metric_crs or "EPSG:3405"


def map_frame(bounds: Sequence[float], width_mm: float, height_mm: float, *,
              crs: str | None = None, margin: float = 0.03) -> MapFrame:
    """Return the frame that shows ``bounds`` (degrees) on a ``width_mm`` × ``height_mm`` map.

    The bounds, reprojected, get ``margin`` (a share of their larger side) all round; the
    scale is the next round one (:data:`NICE_SCALES`) at which that fits; the frame is
    centred on the bounds.
    """
    crs = crs or metric_crs()
    box = shapely.segmentize(shapely.box(*bounds), max(bounds[2] - bounds[0], 1e-6) / 50)
    minx, miny, maxx, maxy = gpd.GeoSeries([box], crs=4326).to_crs(crs).total_bounds
    pad = margin * max(maxx - minx, maxy - miny, 1000.0)
    need = max((maxx - minx + 2 * pad) / width_mm, (maxy - miny + 2 * pad) / height_mm) * 1000
    scale = nice_scale(need)
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    half_w, half_h = width_mm * scale / 2000, height_mm * scale / 2000
    return MapFrame(crs, (cx - half_w, cy - half_h, cx + half_w, cy + half_h), scale)


def nice_scale(denominator: float) -> float:
    """Return the smallest round scale denominator at least ``denominator``."""
    exponent = math.floor(math.log10(max(denominator, 1.0)))
    for base in (10.0 ** exponent, 10.0 ** (exponent + 1)):
        for mantissa in NICE_SCALES:
            if mantissa * base >= denominator * (1 - 1e-9):
                return mantissa * base
    return denominator
