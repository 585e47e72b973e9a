"""The furniture of a printed map: legend, locator inset, degree ticks, north arrow, scale.

Each part draws into matplotlib axes that :mod:`maps.print_layout` placed on the sheet.
Panels (legend, inset) are axes whose data units are millimetres on paper, so sizes are
set in millimetres and points whatever the paper.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.patches import Polygon as PolygonPatch
from matplotlib.patches import Rectangle
from matplotlib.transforms import IdentityTransform
from matplotlib_scalebar.scalebar import ScaleBar

from layers.kinds import LINE, POINT, POLYGON, Style
from maps.legend import FICTIONAL_MARK, LEGEND_TITLE, LegendEntry
from maps.print_frame import PT_MM, PX_TO_PT, MapFrame
from maps.print_map import polygon_path
from maps.styling import DrawnLayer, legend_sections
from maps.symbols import marker_paths, part_colours

FONT = "DejaVu Sans"
NORTH = {"vi": "B", "en": "N"}
"""Label of the north arrow (Bắc / North)."""

LOCATION = {"vi": "Vị trí", "en": "Location"}
"""Caption of the locator inset."""

GRID_STEPS_MIN = (60, 30, 20, 15, 10, 5, 2, 1)
"""Spacing of the degree ticks (minutes of arc), the coarsest giving at least two."""

INSET_COLOURS = {"country": "#ece9e2", "home": "#ffffff", "province": "#c00000",
                 "frame": "#111111", "edge": "#9a9a9a", "sea": "#dde9f3"}


def draw_legend(ax: Axes, data: Sequence[DrawnLayer], base: Sequence[DrawnLayer], lang: str,
                *, font: float) -> int:
    """Draw the legend of the layers shown (one line per web-map legend entry).

    ``ax`` spans the legend's box with millimetre units (origin lower left). The lines
    go in one column, or two when that lets the font shrink less; the font shrinks
    (down to :data:`LEGEND_MIN_FONT`) until every line fits. Returns the number of
    entries drawn.
    """
    width, height = ax.get_xlim()[1], ax.get_ylim()[1]
    sections = legend_sections(data, base, lang)
    size, columns = max((_legend_fit(sections, lang, width, height, font, n), -n)
                        for n in (1, 2) if width / n >= LEGEND_MIN_COLUMN_MM)
    columns = -columns
    col_w = width / columns
    ax.text(0, height, LEGEND_TITLE.get(lang, LEGEND_TITLE["en"]), fontsize=size * 1.25,
            fontweight="bold", va="top", family=FONT)
    top = height - size * 2.4 * PT_MM
    x, y, count = 0.0, top, 0
    for lines, entry in _legend_rows(sections, lang, col_w, size):
        step = _row_height(lines, size)
        if y - step < 0 and x + 2 * col_w <= width + 1e-6:
            x, y = x + col_w, top
        if y - step < 0:
            break
        if entry is None:  # a section heading
            ax.text(x, y, lines[0], fontsize=size, fontweight="bold", color="#555555",
                    va="top", family=FONT)
        else:
            _swatches(ax, entry, x, y - size * 0.7 * PT_MM, size)
            ax.text(x + size * 5.2 * PT_MM, y, "\n".join(lines), fontsize=size, va="top",
                    family=FONT, linespacing=1.25)
            count += 1
        y -= step
    return count


LEGEND_MIN_FONT = 4.5
"""Smallest font (points) of the legend."""

LEGEND_MIN_COLUMN_MM = 36.0
"""A legend column is at least this wide."""


def _legend_fit(sections: list, lang: str, width: float, height: float, font: float,
                columns: int) -> float:
    """Largest font size up to ``font`` at which the legend fits in ``columns`` columns."""
    size = font
    while size > LEGEND_MIN_FONT:
        rows = _legend_rows(sections, lang, width / columns, size)
        room, used, col = height - size * 2.4 * PT_MM, 0.0, 1
        for lines, _ in rows:
            step = _row_height(lines, size)
            if used + step > room:
                col, used = col + 1, 0.0
            used += step
        if col <= columns:
            return size
        size -= 0.25
    return LEGEND_MIN_FONT


def _legend_rows(sections: list, lang: str, width: float, size: float) -> list:
    """Return ``(wrapped lines, entry or None)`` per heading and entry."""
    chars = max(int((width - size * 5.2 * PT_MM - 1.5) / (size * 0.56 * PT_MM)), 8)
    rows = []
    for head, entries in sections:
        if head:
            rows.append(([head], None))
        for entry in entries:
            label = entry.label + (f" {FICTIONAL_MARK[lang]}" if entry.fictional else "")
            rows.append((textwrap.wrap(label, chars) or [""], entry))
    return rows


def _row_height(lines: list[str], size: float) -> float:
    return size * PT_MM * (1.75 + 1.25 * (max(len(lines), 1) - 1))


def _swatches(ax: Axes, entry: LegendEntry, x: float, y: float, size: float) -> None:
    """Swatches of an entry (its area or line, and its symbol) left of the label."""
    style, shapes = entry.style, set(entry.shapes)
    w, h = size * 2.2 * PT_MM, size * 1.3 * PT_MM
    fill = style.fill_color or style.color
    dash = _dash(style)
    if POLYGON in shapes:
        ax.add_patch(Rectangle((x + 0.2, y - h / 2), w, h, facecolor=(fill, style.fill_opacity),
                               edgecolor=style.color, linestyle=dash,
                               linewidth=min(style.weight, 2.5) * PX_TO_PT))
    elif LINE in shapes:
        ax.plot([x + 0.2, x + 0.2 + w], [y, y], color=style.color, linestyle=dash,
                linewidth=style.weight * PX_TO_PT)
    if POINT in shapes or (entry.symbol and POLYGON in shapes):
        at = x + 0.2 + (w + size * 1.1 * PT_MM if POLYGON in shapes else w / 2)
        half = size * 0.6
        for part, path in marker_paths(entry.symbol or ""):
            face, stroke = part_colours(part, style)
            ax.add_collection(PathCollection(
                [path], sizes=[half ** 2], offsets=[(at, y)], offset_transform=ax.transData,
                transform=IdentityTransform(), facecolors=face or "none", edgecolors=stroke,
                linewidths=0.5))


def _dash(style: Style) -> str | tuple:
    if not style.dash_array:
        return "solid"
    return 0, tuple(float(v) * PX_TO_PT for v in style.dash_array.replace(",", " ").split())


def draw_inset(ax: Axes, base: Sequence[DrawnLayer], data: Sequence[DrawnLayer],
               frame: MapFrame, lang: str, *, font: float) -> None:
    """Draw the locator: the country around the province, the province and the map frame.

    ``ax`` is drawn in ``frame.crs``; its box keeps its shape on paper.
    """
    countries = _level_frames(base, "country")
    provinces = _level_frames(base, "province")
    home = _level_frames(data, "province") or provinces[:0]
    ax.set_facecolor(INSET_COLOURS["sea"])
    vietnam = [g[g["code"] == "VNM"] if "code" in g.columns else g[:0] for g in countries]
    focus = [g for g in (vietnam + home) if len(g)] or [gpd.GeoDataFrame(
        geometry=[frame.polygon], crs=frame.crs)]
    bounds = np.vstack([g.to_crs(frame.crs).total_bounds for g in focus])
    box = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
    _fit_axes(ax, box, pad=0.06)
    for g in countries:
        for code, part in g.to_crs(frame.crs).groupby(g.get("code", "")):
            colour = INSET_COLOURS["home" if code == "VNM" else "country"]
            _fill(ax, part.geometry, colour, INSET_COLOURS["edge"], 0.4)
    for g in provinces:
        _fill(ax, g.to_crs(frame.crs).geometry, "none", "#c8c4bb", 0.25)
    for g in home:
        _fill(ax, g.to_crs(frame.crs).geometry, (INSET_COLOURS["province"], 0.55),
              INSET_COLOURS["province"], 0.6)
    ax.add_patch(Rectangle(frame.box[:2], frame.box[2] - frame.box[0],
                           frame.box[3] - frame.box[1], fill=False, linewidth=0.9,
                           edgecolor=INSET_COLOURS["frame"]))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(LOCATION.get(lang, LOCATION["en"]), fontsize=font, family=FONT,
                 loc="left", pad=2)


def _level_frames(prepared: Sequence[DrawnLayer], level: str) -> list[gpd.GeoDataFrame]:
    return [p.gdf for p in prepared if p.kind.key == "admin_unit" and p.level == level
            and len(p.gdf)]


def _fill(ax: Axes, geoms: gpd.GeoSeries, face: object, edge: str, width: float) -> None:
    paths = [polygon_path(shapely.orient_polygons(g)) for g in geoms
             if g is not None and not g.is_empty]
    if paths:
        ax.add_collection(PathCollection(paths, facecolors=[face], edgecolors=edge,
                                         linewidths=width), autolim=False)


def _fit_axes(ax: Axes, box: Sequence[float], pad: float) -> None:
    """Set limits showing ``box`` with equal scales on both axes (the axes' shape kept)."""
    bbox = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    ratio = (bbox.width * fig_w) / (bbox.height * fig_h)
    w, h = (box[2] - box[0]) * (1 + 2 * pad), (box[3] - box[1]) * (1 + 2 * pad)
    w, h = max(w, h * ratio), max(h, w / ratio)
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    ax.set_xlim(cx - w / 2, cx + w / 2)
    ax.set_ylim(cy - h / 2, cy + h / 2)


def draw_graticule(ax: Axes, frame: MapFrame, *, font: float) -> list[str]:
    """Draw degree grid lines and label them at the frame's edges; return the labels."""
    outline = frame.lonlat()
    west, south, east, north = outline.bounds
    step = next((s / 60 for s in GRID_STEPS_MIN
                 if math.floor(east * 60 / s) - math.ceil(west * 60 / s) >= 2),
                GRID_STEPS_MIN[-1] / 60)
    lines, labels = [], []
    edges = {"bottom": shapely.LineString([frame.box[:2], (frame.box[2], frame.box[1])]),
             "top": shapely.LineString([(frame.box[0], frame.box[3]), frame.box[2:]]),
             "left": shapely.LineString([frame.box[:2], (frame.box[0], frame.box[3])]),
             "right": shapely.LineString([(frame.box[2], frame.box[1]), frame.box[2:]])}
    for lon in np.arange(math.ceil(west / step) * step, east, step):
        lines.append((_project([(lon, south - 1), (lon, north + 1)], frame), _dms(lon),
                      ("bottom", "top")))
    for lat in np.arange(math.ceil(south / step) * step, north, step):
        lines.append((_project([(west - 1, lat), (east + 1, lat)], frame), _dms(lat),
                      ("left", "right")))
    tick = 1.5 * frame.scale / 1000  # 1.5 mm on paper
    for line, text, sides in lines:
        ax.add_collection(LineCollection([np.asarray(line.coords)], colors="#666666",
                                         linewidths=0.3, alpha=0.6, zorder=30))
        for side in sides:
            hit = line.intersection(edges[side])
            if hit.is_empty or hit.geom_type != "Point":
                continue
            edge_label(ax, hit.x, hit.y, side, text, tick, font)
            labels.append(text)
    return labels


def _project(coords: list[tuple[float, float]], frame: MapFrame) -> shapely.LineString:
    line = shapely.segmentize(shapely.LineString(coords), 0.01)
    return gpd.GeoSeries([line], crs=4326).to_crs(frame.crs).iloc[0]


def _dms(value: float) -> str:
    minutes = round(abs(value) * 60)
    return f"{minutes // 60}°{minutes % 60:02d}′"


def edge_label(ax: Axes, x: float, y: float, side: str, text: str, tick: float,
               font: float) -> None:
    """Draw a tick out of the frame at ``(x, y)`` on ``side`` and write ``text`` past it.

    ``tick`` is the tick's length in map units, ``font`` the label's size (points).
    """
    dx, dy = {"bottom": (0, -1), "top": (0, 1), "left": (-1, 0), "right": (1, 0)}[side]
    ax.plot([x, x + dx * tick], [y, y + dy * tick], color="#222222", linewidth=0.6,
            clip_on=False, zorder=60)
    ax.annotate(text, (x + dx * tick, y + dy * tick), xytext=(dx * 1.5, dy * 1.5),
                textcoords="offset points", fontsize=font, family=FONT,
                ha={0: "center", -1: "right", 1: "left"}[dx],
                va={0: "center", -1: "top", 1: "bottom"}[dy],
                rotation=90 if dx else 0, rotation_mode="anchor" if dx else "default",
                annotation_clip=False)


def draw_north_arrow(ax: Axes, frame: MapFrame, lang: str, *, size_mm: float) -> float:
    """Draw a north arrow at the map's top right, turned to true north; return its angle.

    The angle (degrees, clockwise from grid north) is the meridian convergence at the
    frame's centre.
    """
    cx, cy = (frame.box[0] + frame.box[2]) / 2, (frame.box[1] + frame.box[3]) / 2
    centre = gpd.GeoSeries(gpd.points_from_xy([cx], [cy]), crs=frame.crs).to_crs(4326)
    lon, lat = centre.x.iloc[0], centre.y.iloc[0]
    north = gpd.GeoSeries(gpd.points_from_xy([lon], [lat + 0.05]), crs=4326) \
        .to_crs(frame.crs)
    angle = math.degrees(math.atan2(north.x.iloc[0] - cx, north.y.iloc[0] - cy))
    k = frame.scale / 1000  # metres per mm
    w_mm = frame.box[2] - frame.box[0]
    ox = frame.box[2] - (size_mm * 0.9) * k
    oy = frame.box[3] - (size_mm * 1.45) * k
    if w_mm <= 0:
        return angle
    turn = math.radians(angle)

    def at(px: float, py: float) -> tuple[float, float]:  # mm about the arrow's centre
        rx = px * math.cos(turn) + py * math.sin(turn)
        ry = -px * math.sin(turn) + py * math.cos(turn)
        return ox + rx * k, oy + ry * k

    s = size_mm / 2
    ax.add_patch(Rectangle(at(-s * 0.85, -s * 1.05), 1.7 * s * k, 2.9 * s * k,
                           facecolor=(1, 1, 1, 0.85), edgecolor="#999999", linewidth=0.4,
                           zorder=55))
    ax.add_patch(PolygonPatch([at(0, s), at(-s * 0.45, -s * 0.8), at(0, -s * 0.35)],
                              closed=True, facecolor="#111111", edgecolor="#111111",
                              linewidth=0.6, zorder=56))
    ax.add_patch(PolygonPatch([at(0, s), at(s * 0.45, -s * 0.8), at(0, -s * 0.35)],
                              closed=True, facecolor="white", edgecolor="#111111",
                              linewidth=0.6, zorder=56))
    tx, ty = at(0, s * 1.45)
    ax.text(tx, ty, NORTH.get(lang, NORTH["en"]), ha="center", va="center",
            fontsize=size_mm * 1.1, fontweight="bold", family=FONT, zorder=57)
    return angle


def add_scale_bar(ax: Axes, *, font: float) -> ScaleBar:
    """Add a metric scale bar (metres per data unit: the map is in a metric CRS)."""
    bar = ScaleBar(1.0, "m", location="lower left", length_fraction=0.22,
                   box_alpha=0.85, pad=0.4, border_pad=0.6, scale_loc="top",
                   rotation="horizontal-only",
                   font_properties={"size": font, "family": FONT})
    bar.set_zorder(58)
    ax.add_artist(bar)
    return bar
