"""Printed map sheets: one figure per sheet, written as PDF (one or many pages) or PNG.

A sheet (A4 or A3, portrait or landscape, sizes exact) carries the classification marking
at top and bottom (when set), the title and subtitle, the map (:mod:`maps.print_map`)
with degree ticks or the VN-2000 km grid (:mod:`maps.print_grid`) or neither, a north
arrow and a metric scale bar, the locator inset, the legend of the layers shown, the scale,
the date, the issuing unit, the coordinate system, the grid's note and the sources
(:mod:`maps.print_parts`). Text stays text in the PDF (TrueType fonts embedded,
:data:`PRINT_RC`), in DejaVu Sans, which has every Vietnamese letter.

:func:`build_sheet` draws a sheet of any layers for any extent: ``kvpt print``, the Map
page's print panel, an atlas (a sheet per district) and briefings all use it, and
:func:`write_pdf` puts several sheets in one PDF.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import matplotlib
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from pyproj import CRS

from maps import print_parts as parts
from maps.print_frame import PT_MM, MapFrame, map_frame, metric_crs
from maps.print_grid import GRID_CHOICES, GridLabel, draw_vn2000_grid, grid_note
from maps.print_map import DrawnMap, data_bounds, draw_map, prepare_layers
from maps.project import LayerReader, basemap_layers, map_title, project_title, store_layers
from maps.styling import ATTRIBUTION_SEPARATOR, MapLayer, attributions

PAPERS: dict[str, tuple[float, float]] = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
"""Paper sizes (short side, long side) in millimetres (ISO 216)."""

PRINT_RC: dict[str, object] = {"pdf.fonttype": 42, "ps.fonttype": 42, "svg.fonttype": "none",
                               "font.family": "DejaVu Sans", "lines.scale_dashes": False,
                               "axes.linewidth": 0.8}
"""matplotlib settings of a sheet: TrueType text (extractable), DejaVu Sans, dashes in
points."""

TEXTS: dict[str, tuple[str, str]] = {
    "scale": ("Tỉ lệ", "Scale"),
    "date": ("Ngày in", "Printed"),
    "unit": ("Đơn vị", "Issued by"),
    "crs": ("Hệ tọa độ", "Coordinates"),
    "sources": ("Nguồn", "Sources"),
    "degrees": ("Lưới kinh, vĩ độ (WGS 84)", "Longitude, latitude ticks (WGS 84)"),
}
"""Sheet texts, (Vietnamese, English)."""

DEFAULT_TITLE = {"vi": "Bản đồ", "en": "Map"}


@dataclass(frozen=True)
class SheetSpec:
    """What a sheet shows and carries.

    Attributes
    ----------
    title, subtitle : str, optional
        Title (default: the province's defense-area map, :func:`maps.project.map_title`)
        and subtitle (none by default).
    paper : {"A4", "A3"}
        Paper size.
    landscape : bool, optional
        Orientation; ``None``: the one that shows the map at the larger scale.
    classification : str, optional
        Marking printed at the top and the bottom (e.g. ``"MẬT"``); none when empty.
    issuing_unit : str, optional
        The unit issuing the map.
    date : datetime.date, optional
        Date printed (default: today).
    lang : {"vi", "en"}
        Language of the sheet's words and legend.
    extent : tuple of float, optional
        ``(minx, miny, maxx, maxy)`` in degrees shown (with a margin); default: the layers.
    area : shapely.Geometry, optional
        An area (EPSG:4326) outlined on the map, the rest veiled (e.g. the district).
    grid : {"degrees", "vn2000", "none"}
        Coordinate grid: degree ticks (WGS 84), the VN-2000 km grid
        (:mod:`maps.print_grid`) or none.
    grid_crs : str, optional
        The VN-2000 grid of ``grid="vn2000"`` (e.g. ``"EPSG:9215"``, or a WKT); default
        :data:`geo.coordinates.DEFAULT_VN2000_CRS`.
    """

    title: str | None = None
    subtitle: str | None = None
    paper: str = "A3"
    landscape: bool | None = None
    classification: str | None = None
    issuing_unit: str | None = None
    date: dt.date | None = None
    lang: str = "vi"
    extent: tuple[float, float, float, float] | None = None
    area: shapely.Geometry | None = None
    grid: str = "degrees"
    grid_crs: str | None = None


@dataclass
class Sheet:
    """A drawn sheet.

    Attributes
    ----------
    figure : Figure
        The sheet, as large as the paper.
    spec : SheetSpec
        As drawn (orientation, date and title filled in).
    frame : MapFrame
        The map's frame (CRS, box in metres, scale).
    drawn : DataFrame
        The features of the layers drawn in the frame (:class:`maps.print_map.DrawnMap`).
    texts : list of str
        The sheet's words beside the map (title, marking, legend labels, …), for checks.
    grid : list of GridLabel
        The VN-2000 grid's labels (empty unless ``spec.grid == "vn2000"``).
    """

    figure: Figure
    spec: SheetSpec
    frame: MapFrame
    drawn: pd.DataFrame
    texts: list[str]
    grid: list[GridLabel] = field(default_factory=list)


@dataclass(frozen=True)
class _Layout:
    """Boxes of a sheet, in millimetres ``(left, bottom, width, height)``."""

    width: float
    height: float
    map: tuple[float, float, float, float]
    inset: tuple[float, float, float, float]
    legend: tuple[float, float, float, float]
    info: tuple[float, float, float, float]
    font: float  # body font size (points)


SheetLayout = _Layout
"""Boxes of a sheet in millimetres: ``width``, ``height``, ``map``, ``inset``, ``legend``,
``info`` (each ``(left, bottom, width, height)``) and ``font`` (points)."""

LayoutFunction = Callable[[float, float, bool], SheetLayout]
"""``(width_mm, height_mm, landscape) -> SheetLayout``: where a sheet's parts go."""


def build_sheet(layers: Sequence[MapLayer], spec: SheetSpec, *,
                basemap: Sequence[MapLayer] | None = None,
                layout: LayoutFunction | None = None) -> Sheet:
    """Draw a sheet of ``layers``.

    Parameters
    ----------
    layers : sequence of MapLayer
        The layers to draw, styled by kind as on the web map.
    spec : SheetSpec
        Paper, extent, texts.
    basemap : sequence of MapLayer, optional
        Reference layers drawn muted below (default: :func:`maps.project.basemap_layers`).
    layout : callable, optional
        Boxes of the sheet's parts (default :func:`sheet_layout`); e.g. a smaller map box
        that leaves room for the caller's table (an atlas page, a briefing item).

    Returns
    -------
    Sheet
        The figure and what it shows.

    Raises
    ------
    LayerError
        If a layer has no CRS or an unknown kind.
    ValueError
        If the paper, language or grid is unknown.
    """
    if spec.paper not in PAPERS or spec.lang not in ("vi", "en"):
        msg = f"Unknown paper {spec.paper!r} or language {spec.lang!r}: use A4/A3 and vi/en."
        raise ValueError(msg)
    if spec.grid not in GRID_CHOICES:
        msg = f"Unknown grid {spec.grid!r}: use one of {', '.join(GRID_CHOICES)}."
        raise ValueError(msg)
    with print_rc():
        crs = metric_crs()
        data, base = prepare_layers(layers, basemap_layers() if basemap is None else basemap,
                                    crs)
        bounds = spec.extent or data_bounds(data, base) or (102.0, 8.5, 110.0, 23.5)
        landscape, layout, frame = _orientation(spec, bounds, crs, layout)
        spec = replace(spec, landscape=landscape, date=spec.date or dt.date.today(),
                       title=spec.title or map_title(layers, lang=spec.lang)
                       or DEFAULT_TITLE[spec.lang])
        fig = Figure(figsize=(layout.width / 25.4, layout.height / 25.4))
        ax = _axes(fig, layout, layout.map)
        drawn = draw_map(ax, data, base, frame, area=spec.area)
        texts, grid = _grid(ax, frame, spec, font=layout.font * 0.75)
        texts += _furniture(fig, ax, layout, frame, drawn, spec)
    return Sheet(fig, spec, frame, drawn.drawn, texts, grid)


def project_sheet(reader: LayerReader, names: Sequence[str] | None, spec: SheetSpec
                  ) -> Sheet:
    """Draw a sheet of a project's layers (all, or ``names``) on the bundled basemap.

    The default title is the project's (:func:`maps.project.project_title`), as on the
    web map.
    """
    layers = store_layers(reader, None if names is None else list(names))
    if not spec.title:
        spec = replace(spec, title=project_title(reader, layers, lang=spec.lang))
    return build_sheet(layers, spec)


def save_sheet(sheet: Sheet, path: str | Path, *, dpi: float = 150) -> Path:
    """Write a sheet as ``.pdf`` or ``.png`` (``dpi``: pixels per inch of a PNG)."""
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("pdf", "png"):
        msg = f"Cannot write a sheet as {path.suffix!r}: use .pdf or .png."
        raise ValueError(msg)
    path.write_bytes(sheet_bytes(sheet, fmt, dpi=dpi))
    return path


def sheet_bytes(sheet: Sheet, fmt: str = "pdf", *, dpi: float = 150) -> bytes:
    """Return a sheet as PDF or PNG bytes (e.g. for a download button)."""
    buffer = io.BytesIO()
    with print_rc():
        sheet.figure.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(sheet, fmt))
    return buffer.getvalue()


def write_pdf(sheets: Iterable[Sheet], path: str | Path) -> int:
    """Write sheets as the pages of one PDF (e.g. an atlas); return the number of pages."""
    count = 0
    with print_rc(), PdfPages(path) as pdf:
        for sheet in sheets:
            pdf.savefig(sheet.figure)
            count += 1
    return count


@contextlib.contextmanager
def print_rc() -> Iterator[None]:
    """Apply :data:`PRINT_RC` while a sheet is drawn or saved."""
    with matplotlib.rc_context(PRINT_RC):
        yield


def paper_mm(paper: str, landscape: bool) -> tuple[float, float]:
    """Return (width, height) in millimetres of ``paper`` in an orientation."""
    short, long = PAPERS[paper]
    return (long, short) if landscape else (short, long)


def sheet_layout(width: float, height: float, landscape: bool) -> SheetLayout:
    """Return the default boxes of a ``width`` × ``height`` mm sheet (see :data:`SheetLayout`)."""
    return _layout(width, height, landscape)


def sheet_orientation(spec: SheetSpec, bounds: Sequence[float], *,
                      layout: LayoutFunction | None = None
                      ) -> tuple[bool, SheetLayout, MapFrame]:
    """Return the orientation, boxes and map frame :func:`build_sheet` will use.

    ``bounds``: the extent in degrees (``spec.extent`` when set); ``layout`` as for
    :func:`build_sheet`. Lets a caller plan pages before drawing them.
    """
    return _orientation(spec, spec.extent or bounds, metric_crs(), layout)


def _orientation(spec: SheetSpec, bounds: Sequence[float], crs: str,
                 layout_of: LayoutFunction | None = None
                 ) -> tuple[bool, _Layout, MapFrame]:
    """Return the orientation asked for, else the one showing the map at the larger scale."""
    options = [spec.landscape] if spec.landscape is not None else [True, False]
    best = None
    for landscape in options:
        layout = (layout_of or _layout)(*paper_mm(spec.paper, landscape), landscape)
        frame = map_frame(bounds, layout.map[2], layout.map[3], crs=crs)
        if best is None or frame.scale < best[2].scale:
            best = (landscape, layout, frame)
    return best  # type: ignore[return-value]


def _layout(width: float, height: float, landscape: bool) -> _Layout:
    """Return the boxes of a sheet: the map left of (landscape) or above the panel."""
    f = min(width, height) / 297.0
    g = max(f, 0.8)  # fonts shrink less than the paper
    top, bottom = height - 31 * g, 24 * g
    if landscape:
        panel_w = 92 * g
        left, right = 15 * f, width - panel_w - 14 * f
        px = right + 8 * f
        inset_h = 0.62 * panel_w
        info_h = 32 * g
        return _Layout(width, height, (left, bottom, right - left, top - bottom),
                       (px, top - inset_h, panel_w, inset_h),
                       (px, bottom + info_h + 4 * g, panel_w,
                        top - inset_h - info_h - bottom - 14 * g),
                       (px, bottom, panel_w, info_h), 8.0 * g)
    panel_h = 0.22 * height
    left, right = 15 * f, width - 12 * f
    map_bottom = bottom + panel_h + 16 * g  # the sources line sits between
    span = right - left
    inset_w, legend_w = 0.27 * span, 0.46 * span
    inset_h = min(inset_w * 0.8, panel_h - 6 * g)
    return _Layout(width, height, (left, map_bottom, span, top - map_bottom),
                   (left, bottom + panel_h - inset_h, inset_w, inset_h),
                   (left + inset_w + 6 * g, bottom, legend_w - 10 * g, panel_h),
                   (left + inset_w + legend_w, bottom, span - inset_w - legend_w, panel_h),
                   8.0 * g)


def _axes(fig: Figure, layout: _Layout, box: Sequence[float], *, mm: bool = False) -> Axes:
    """Add axes over ``box`` (mm); with ``mm``, its data units are millimetres, no frame."""
    ax = fig.add_axes((box[0] / layout.width, box[1] / layout.height,
                       box[2] / layout.width, box[3] / layout.height))
    if mm:
        ax.set_xlim(0, box[2])
        ax.set_ylim(0, box[3])
        ax.set_axis_off()
    return ax


def _furniture(fig: Figure, ax: Axes, layout: _Layout, frame: MapFrame, drawn: DrawnMap,
               spec: SheetSpec) -> list[str]:
    """Draw everything around the map; return the words written."""
    font = layout.font
    texts: list[str] = []
    parts.draw_north_arrow(ax, frame, spec.lang, size_mm=9 * font / 8)
    parts.add_scale_bar(ax, font=font * 0.85)
    inset = _axes(fig, layout, layout.inset)
    parts.draw_inset(inset, drawn.base, drawn.data, frame, spec.lang, font=font * 0.85)
    legend = _axes(fig, layout, layout.legend, mm=True)
    parts.draw_legend(legend, drawn.data, drawn.base, spec.lang, font=font)
    texts += [t.get_text() for t in legend.texts]
    texts += _heading(fig, layout, spec)
    texts += _info(fig, layout, frame, drawn, spec)
    return texts


def _grid(ax: Axes, frame: MapFrame, spec: SheetSpec, *, font: float
          ) -> tuple[list[str], list[GridLabel]]:
    """Draw the coordinate grid ``spec.grid`` asks for; return its words and VN-2000 labels."""
    if spec.grid == "degrees":
        return parts.draw_graticule(ax, frame, font=font), []
    if spec.grid == "vn2000":
        labels = draw_vn2000_grid(ax, frame, spec.grid_crs, font=font)
        return [label.text for label in labels], labels
    return [], []


def _heading(fig: Figure, layout: _Layout, spec: SheetSpec) -> list[str]:
    """Draw the title, subtitle and the classification marking at top and bottom."""
    g = layout.font / 8.0
    h = layout.height
    out = [spec.title or ""]
    fit = 0.92 * layout.width / (max(len(out[0]), 1) * 0.62 * PT_MM)  # a long title shrinks
    fig.text(0.5, (h - 16 * g) / h, out[0], ha="center", va="center",
             fontsize=min(18 * g, fit), fontweight="bold")
    if spec.subtitle:
        fig.text(0.5, (h - 24 * g) / h, spec.subtitle, ha="center", va="center",
                 fontsize=12 * g)
        out.append(spec.subtitle)
    if spec.classification:
        for y in (h - 6 * g, 6 * g):
            fig.text(0.5, y / h, spec.classification, ha="center", va="center",
                     fontsize=13 * g, fontweight="bold", color="#c00000",
                     bbox={"boxstyle": "square,pad=0.3", "facecolor": "white",
                           "edgecolor": "#c00000", "linewidth": 1.0})
        out += [spec.classification] * 2
    return out


def _info(fig: Figure, layout: _Layout, frame: MapFrame, drawn: DrawnMap,
          spec: SheetSpec) -> list[str]:
    """Write the scale, date, issuing unit and coordinates; the sources under the map."""
    lang, i = spec.lang, (0 if spec.lang == "vi" else 1)
    sep = "." if lang == "vi" else ","
    date = spec.date or dt.date.today()
    lines = [f"{TEXTS['scale'][i]} 1:{round(frame.scale):,}".replace(",", sep),
             f"{TEXTS['date'][i]}: "
             f"{date.strftime('%d/%m/%Y') if lang == 'vi' else date.isoformat()}"]
    if spec.issuing_unit:
        lines.append(f"{TEXTS['unit'][i]}: {spec.issuing_unit}")
    lines.append(f"{TEXTS['crs'][i]}: {CRS(frame.crs).name}")
    if spec.grid == "degrees":
        lines.append(TEXTS["degrees"][i])
    elif spec.grid == "vn2000":
        lines.append(grid_note(spec.grid_crs, lang))
    x, y, w, h = layout.info
    size = layout.font
    chars = max(int(w / (size * 0.58 * PT_MM)), 10)
    wrapped = [part for line in lines for part in textwrap.wrap(line, chars)]
    fig.text(x / layout.width, (y + h) / layout.height, "\n".join(wrapped), ha="left",
             va="top", fontsize=size, linespacing=1.5)
    sources = attributions([*drawn.base, *drawn.data], lang)
    mx, _, mw, _ = layout.map
    source = f"{TEXTS['sources'][i]}: {ATTRIBUTION_SEPARATOR.join(sources)}"
    small = size * 0.78
    text = "\n".join(textwrap.wrap(source, max(int(mw / (small * 0.56 * PT_MM)), 20)))
    fig.text(mx / layout.width, (layout.map[1] - 7 * size / 8) / layout.height, text,
             ha="left", va="top", fontsize=small, color="#333333", linespacing=1.3)
    return [*lines, source]


def _metadata(sheet: Sheet, fmt: str) -> dict[str, str]:
    if fmt != "pdf":
        return {"Title": sheet.spec.title or ""}
    return {"Title": sheet.spec.title or "", "Subject": sheet.spec.subtitle or "",
            "Creator": "KVPT Planner"}
