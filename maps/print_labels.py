"""Labels of a printed map: names and asset codes placed by priority where they fit.

Classes of labels claim room in order: names of the neighbouring countries and provinces
(basemap: not the one in the middle of the map), district names, place
names, the codes of the assets (kinds of :data:`CODE_GROUPS`), then commune names (only at
:data:`COMMUNE_LABEL_MAX_SCALE` or larger). A label overlapping one placed before it, or
the frame's edge, is left out. Each label is real text (extractable from a PDF) over a
white halo drawn as a path.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.axes import Axes

from maps.labels import label_points
from maps.print_frame import PT_MM, SYMBOL_PT_PER_PX, MapFrame
from maps.styling import DrawnLayer

COMMUNE_LABEL_MAX_SCALE = 200_000
"""Commune names are printed at this scale or larger (1:200 000 and closer)."""

LABEL_FONT = "DejaVu Sans"
CODE_GROUPS = ("defense", "mobilization", "planning")
"""Kind groups whose features are labelled with their code."""


@dataclass
class _Label:
    x: float  # mm on paper, from the frame's lower-left corner
    y: float
    text: str
    size: float
    color: str
    ident: str | None = None
    style: str = "normal"
    weight: str = "normal"
    dx: float = 0.0  # mm to the right of the anchor (text then starts there)


class MapLabels:
    """Labels gathered by priority, placed where they do not overlap (paper mm)."""

    def __init__(self, frame: MapFrame) -> None:
        self.frame = frame
        self.by_class: dict[int, list[_Label]] = {}

    def add_layer(self, p: DrawnLayer, gdf: gpd.GeoDataFrame, *, muted: bool) -> None:
        """Gather the labels of a layer's features in the frame (``gdf``, metric CRS)."""
        kind, level = p.kind.key, p.level
        centre = shapely.centroid(self.frame.polygon)
        if kind == "admin_unit" and level == "country" and muted:  # the neighbours
            self._names(gdf[~gdf.intersects(centre)], 0, 9.0, "#777777", style="italic")
        elif kind == "admin_unit" and level == "province" and muted:
            self._names(gdf[~gdf.intersects(centre)], 0, 7.5, "#8a8a8a", style="italic")
        elif kind == "admin_unit" and level == "district" and not muted:
            self._names(gdf, 1, 7.5, "#3a3a3a", weight="bold")
        elif kind == "place" and not muted:
            rank = gdf["population"] if "population" in gdf.columns else None
            self._names(gdf, 2, 6.5, "#222222", rank=rank, dx=1.4)
        elif kind == "admin_unit" and level == "commune" and not muted and \
                self.frame.scale <= COMMUNE_LABEL_MAX_SCALE:
            self._names(gdf, 4, 5.0, "#555555", style="italic")
        elif p.kind.group in CODE_GROUPS and "code" in gdf.columns and not muted:
            self._codes(p, gdf)

    def _names(self, gdf: gpd.GeoDataFrame, cls: int, size: float, color: str, *,
               rank: pd.Series | None = None, dx: float = 0.0, style: str = "normal",
               weight: str = "normal") -> None:
        clipped = gdf.assign(geometry=gdf.geometry.intersection(self.frame.polygon))
        clipped = clipped[~clipped.geometry.is_empty]
        points = label_points(clipped, self.frame.crs, rank=rank)
        if not points:
            return
        lonlat = np.array([[p[1], p[0]] for p in points])
        xy = gpd.GeoSeries(gpd.points_from_xy(lonlat[:, 0], lonlat[:, 1]), crs=4326) \
            .to_crs(self.frame.crs).get_coordinates().to_numpy()
        px, py = self.frame.to_paper(xy[:, 0], xy[:, 1])
        self.by_class.setdefault(cls, []).extend(
            _Label(x, y, str(p[2]), size, color, style=style, weight=weight, dx=dx)
            for x, y, p in zip(px, py, points, strict=True))

    def _codes(self, p: DrawnLayer, gdf: gpd.GeoDataFrame) -> None:
        codes = gdf["code"].astype("string").str.strip()
        keep = (codes.notna() & (codes != "")).to_numpy()
        if not keep.any():
            return
        points = shapely.point_on_surface(gdf.geometry[keep].to_numpy())
        xy = shapely.get_coordinates(points)
        px, py = self.frame.to_paper(xy[:, 0], xy[:, 1])
        dx = p.drawn_style.radius * SYMBOL_PT_PER_PX * PT_MM + 0.6
        color = p.drawn_style.color
        self.by_class.setdefault(3, []).extend(
            _Label(x, y, str(code), 5.0, color, ident=f"{p.layer.name}:{i}", dx=dx)
            for x, y, code, i in zip(px, py, codes[keep], gdf.index[keep], strict=True))

    def draw(self, ax: Axes) -> set[str]:
        """Draw the labels that fit; return the ids of the features labelled."""
        width, height = self.frame.to_paper(np.array(self.frame.box[2]),
                                            np.array(self.frame.box[3]))
        taken: list[tuple[float, float, float, float]] = []
        placed: set[str] = set()
        halo = [patheffects.Stroke(linewidth=1.6, foreground="white")]
        for cls in sorted(self.by_class):
            for label in self.by_class[cls]:
                box = _text_box(label)
                if box[0] < 1 or box[1] < 1 or box[2] > width - 1 or box[3] > height - 1 \
                        or any(_overlap(box, other) for other in taken):
                    continue
                taken.append(box)
                x = self.frame.box[0] + (label.x + label.dx) * self.frame.scale / 1000
                y = self.frame.box[1] + label.y * self.frame.scale / 1000
                # the halo is a white outline (drawn as a path), the label real text on it
                for colour, effects, z in (("white", halo, 50), (label.color, None, 51)):
                    ax.text(x, y, label.text, fontsize=label.size, color=colour,
                            fontstyle=label.style, fontweight=label.weight, family=LABEL_FONT,
                            ha="left" if label.dx else "center", va="center", zorder=z,
                            path_effects=effects, clip_on=True)
                if label.ident:
                    placed.add(label.ident)
        return placed


def _text_box(label: _Label) -> tuple[float, float, float, float]:
    """Approximate box (mm) of a label: DejaVu Sans averages 0.6 em a character."""
    w = len(label.text) * label.size * 0.6 * PT_MM
    h = label.size * 1.2 * PT_MM
    left = label.x + label.dx if label.dx else label.x - w / 2
    return left, label.y - h / 2, left + w, label.y + h / 2


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
