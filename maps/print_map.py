"""Styled layers drawn with matplotlib in a metric CRS, for print layouts.

The layers are styled exactly as on the web map (:mod:`maps.styling`): the kind's
:class:`layers.kinds.Style`, a shade per layer when several share a kind, administrative
units shaded by level, the basemap muted; line widths and dashes in Leaflet pixels become
points (:data:`PX_TO_PT`). Points are drawn with the kind's symbol (:mod:`maps.symbols`),
and so are asset polygons too small to see on paper. Names of districts, places and
countries, and the codes of the assets, are placed greedily by priority where they do not
overlap. The map is drawn in a metric CRS (:data:`geo.settings.metric_crs`) at a round
scale (:func:`maps.print_frame.map_frame`), so a scale bar is true across it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.path import Path
from matplotlib.transforms import IdentityTransform

from layers.kinds import LINE, POINT, POLYGON
from maps.print_frame import PX_TO_PT, SYMBOL_PT_PER_PX, MapFrame
from maps.print_labels import MapLabels
from maps.styling import DrawnLayer, MapLayer, drawn_layers, path_options
from maps.symbols import marker_paths, part_colours

SMALL_MM = 4.0
"""An asset polygon smaller than this on paper also gets its kind's symbol."""

SIMPLIFY_MM = 0.15
"""Lines and outlines are simplified to this tolerance on paper."""


@dataclass
class DrawnMap:
    """What :func:`draw_map` drew.

    Attributes
    ----------
    drawn : DataFrame
        One row per feature of the (non-basemap) layers drawn, index ``"<layer>:<row>"``;
        columns ``layer``, ``kind``, ``name``, ``code``, ``labelled``.
    data, base : list of DrawnLayer
        Layers (:func:`maps.styling.drawn_layers`) with features in the frame, for the
        legend.
    """

    drawn: pd.DataFrame
    data: list[DrawnLayer] = field(default_factory=list)
    base: list[DrawnLayer] = field(default_factory=list)


def prepare_layers(layers: Sequence[MapLayer], basemap: Sequence[MapLayer], crs: str
                   ) -> tuple[list[DrawnLayer], list[DrawnLayer]]:
    """Return the layers and the basemap as the web map draws them (levels from ``crs``).

    See :func:`maps.styling.drawn_layers`.

    Raises
    ------
    LayerError
        If a layer has no CRS or an unknown kind.
    """
    drawn = drawn_layers(layers, basemap, metric=crs)
    return drawn.data, drawn.base


def data_bounds(data: Sequence[DrawnLayer], base: Sequence[DrawnLayer]
                ) -> tuple[float, float, float, float] | None:
    """Bounds (EPSG:4326) a map opens on: the layers but reference kinds, else any layer."""
    for group in ([p for p in data if p.kind.group != "reference"], list(data), list(base)):
        boxes = [p.gdf.total_bounds for p in group if len(p.gdf)]
        if boxes:
            b = np.vstack(boxes)
            return (float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()),
                    float(b[:, 3].max()))
    return None


def draw_map(ax: Axes, data: Sequence[DrawnLayer], base: Sequence[DrawnLayer],
             frame: MapFrame, *, area: shapely.Geometry | None = None) -> DrawnMap:
    """Draw the basemap, the layers and the labels in ``ax`` (limits set to the frame).

    Parameters
    ----------
    ax : Axes
        The map's axes, as wide and high as the frame on paper.
    data, base : sequence
        From :func:`prepare_layers`.
    frame : MapFrame
        What to show.
    area : shapely.Geometry, optional
        An area (EPSG:4326) outlined and kept clear of the light veil laid over the rest.
    """
    ax.set_xlim(frame.box[0], frame.box[2])
    ax.set_ylim(frame.box[1], frame.box[3])
    ax.set_aspect("auto")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f7f6f2")
    labels = MapLabels(frame)
    shown_base = [p for p in base
                  if _draw_layer(ax, p, frame, labels, muted=True, z=1) is not None]
    shown, rows = [], []
    for i, p in enumerate(data):
        inside = _draw_layer(ax, p, frame, labels, muted=False, z=3 + i)
        if inside is not None:
            shown.append(p)
            rows.append(_drawn_rows(p, inside))
    if area is not None:
        _draw_area(ax, area, frame)
    placed = labels.draw(ax)
    drawn = pd.concat(rows) if rows else pd.DataFrame(
        columns=["layer", "kind", "name", "code", "labelled"])
    drawn["labelled"] = [i in placed for i in drawn.index]
    return DrawnMap(drawn, shown, shown_base)


def _draw_layer(ax: Axes, p: DrawnLayer, frame: MapFrame, labels: MapLabels, *, muted: bool,
                z: float) -> gpd.GeoDataFrame | None:
    """Draw one layer's features in the frame; return them (None when there are none)."""
    if not len(p.gdf):
        return None
    gdf = p.gdf.to_crs(frame.crs)
    gdf = gdf[gdf.intersects(frame.polygon)]
    if not len(gdf):
        return None
    tolerance = SIMPLIFY_MM * frame.scale / 1000
    geoms = gdf.geometry
    types = geoms.geom_type.str.replace("Multi", "")
    style = p.drawn_style
    if POLYGON in p.shapes:
        polys = shapely.orient_polygons(shapely.simplify(geoms[types == POLYGON].to_numpy(),
                                                         tolerance, preserve_topology=True))
        _polygons(ax, polys, path_options(style, POLYGON, muted=muted), z)
    if LINE in p.shapes:
        lines = shapely.simplify(geoms[types == LINE].to_numpy(), tolerance)
        _lines(ax, lines, path_options(style, LINE, muted=muted), z + 0.3)
    if not muted:
        _symbols(ax, p, gdf, types, frame, z + 0.6)
    labels.add_layer(p, gdf, muted=muted)
    return gdf


def _polygons(ax: Axes, geoms: np.ndarray, opts: dict, z: float) -> None:
    paths = [polygon_path(g) for g in geoms if not shapely.is_empty(g)]
    if not paths:
        return
    fill = (opts["fillColor"], opts["fillOpacity"]) if opts["fillOpacity"] > 0 else "none"
    ax.add_collection(PathCollection(
        paths, facecolors=[fill], edgecolors=[(opts["color"], opts["opacity"])],
        linewidths=opts["weight"] * PX_TO_PT, linestyles=[_dashes(opts)], zorder=z,
        transform=ax.transData), autolim=False)


def _lines(ax: Axes, geoms: np.ndarray, opts: dict, z: float) -> None:
    parts = [np.asarray(line.coords)[:, :2] for g in geoms if not shapely.is_empty(g)
             for line in getattr(g, "geoms", [g])]
    if parts:
        ax.add_collection(LineCollection(
            parts, colors=[(opts["color"], opts["opacity"])],
            linewidths=opts["weight"] * PX_TO_PT, linestyles=[_dashes(opts)], zorder=z,
            capstyle="round", joinstyle="round"), autolim=False)


def _symbols(ax: Axes, p: DrawnLayer, gdf: gpd.GeoDataFrame, types: pd.Series,
             frame: MapFrame, z: float) -> None:
    """Symbols at points, and at asset polygons too small to see on paper."""
    where = types == POINT
    if POLYGON in p.shapes and p.symbol:
        bounds = gdf.geometry.bounds
        size_mm = np.maximum(bounds["maxx"] - bounds["minx"],
                             bounds["maxy"] - bounds["miny"]) * 1000 / frame.scale
        where = where | ((types == POLYGON) & (size_mm < SMALL_MM))
    if not where.any():
        return
    points = shapely.point_on_surface(gdf.geometry[where].to_numpy())
    xy = shapely.get_coordinates(points)
    style = p.drawn_style
    half = style.radius * SYMBOL_PT_PER_PX
    for part, path in marker_paths(p.kind.key):
        fill, stroke = part_colours(part, style)
        ax.add_collection(PathCollection(
            [path], sizes=[half ** 2], offsets=xy, offset_transform=ax.transData,
            transform=IdentityTransform(),
            facecolors=fill or "none", edgecolors=stroke, linewidths=0.6, zorder=z),
            autolim=False)


def polygon_path(geom: shapely.Geometry) -> Path:
    """Return a (multi)polygon as one matplotlib path, holes included (orient it first)."""
    verts, codes = [], []
    for poly in getattr(geom, "geoms", [geom]):
        if not isinstance(poly, shapely.Polygon):
            continue
        for ring in (poly.exterior, *poly.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            verts.append(coords)
            codes += [Path.MOVETO] + [Path.LINETO] * (len(coords) - 2) + [Path.CLOSEPOLY]
    return Path(np.concatenate(verts), codes) if verts else Path(np.zeros((1, 2)))


def _dashes(opts: dict) -> str | tuple:
    dash = opts.get("dashArray")
    if not dash:
        return "solid"
    return 0, tuple(float(v) * PX_TO_PT for v in str(dash).replace(",", " ").split())


def _draw_area(ax: Axes, area: shapely.Geometry, frame: MapFrame) -> None:
    """Veil the frame outside ``area`` and outline it."""
    shape = gpd.GeoSeries([area], crs=4326).to_crs(frame.crs).iloc[0]
    veil = shapely.orient_polygons(shapely.difference(frame.polygon.buffer(1.0), shape))
    ax.add_collection(PathCollection([polygon_path(veil)], facecolors=[("white", 0.45)],
                                     edgecolors="none", zorder=40), autolim=False)
    ax.add_collection(PathCollection([polygon_path(shapely.orient_polygons(shape))],
                                     facecolors="none", edgecolors="#222222",
                                     linewidths=1.6, zorder=41), autolim=False)


def _drawn_rows(p: DrawnLayer, gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    def column(name: str) -> list:
        return gdf[name].tolist() if name in gdf.columns else [None] * len(gdf)

    return pd.DataFrame({"layer": p.layer.name, "kind": p.kind.key, "name": column("name"),
                         "code": column("code")},
                        index=[f"{p.layer.name}:{i}" for i in gdf.index])


