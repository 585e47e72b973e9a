"""Pages of atlases and briefing packs: map sheets with a text part, text pages, one PDF.

A document is planned as a list of :class:`Page` before anything is drawn, so its page
numbers (an atlas index, a briefing's contents) are known up front:

* a **sheet page** is a map sheet (:func:`maps.print_layout.build_sheet`: title, marking,
  legend, scale bar, north arrow, locator, date, unit, sources) whose map leaves the lower
  part of its box (:data:`SHEET_SHARE` or the caller's share) to text and tables;
* a **text page** has the sheet's heading (title, subtitle, classification marking top and
  bottom), a footer (issuing unit, date) and text and tables over the rest;
* what does not fit continues on text pages (same paper and orientation, the title marked
  as continued), table headers repeated (:func:`maps.pdf_table.paginate`).

Every page carries its number (``Trang 3/15``) at the bottom right.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from maps import print_layout
from maps.pdf_table import Box, Line, draw_box, paginate
from maps.print_layout import (
    LayoutFunction,
    SheetLayout,
    SheetSpec,
    build_sheet,
    paper_mm,
    print_rc,
    sheet_layout,
    sheet_orientation,
)
from maps.project_map import MapLayer
from planning.brief_tables import Block

SHEET_SHARE = 0.42
"""Share of a sheet's map box given to text by default."""

SOURCES_GAP = 13.0
"""Room (mm at scale 1) between the shortened map and the text: the sources line."""

COLUMN_MIN_MM = 85.0
"""A text part is split in columns no narrower than this (when the caller allows)."""

TEXT_SCALE = 1.15
"""Text and tables are set at this factor of the sheet's own scale (paper)."""

WORDS: dict[str, tuple[str, str]] = {
    "page": ("Trang {n}/{total}", "Page {n} of {total}"),
    "continued": ("{title} (tiếp)", "{title} (continued)"),
    "unit": ("Đơn vị", "Issued by"), "date": ("Ngày in", "Printed"),
}
"""Words of the pages, (Vietnamese, English)."""


@dataclass
class Page:
    """One planned page.

    Attributes
    ----------
    spec : SheetSpec
        Heading, paper, orientation (always set), language, marking, unit and date.
    boxes : list of Box
        Where its text goes.
    lines : list of list of Line
        The laid-out text of each box.
    layers : list of MapLayer, optional
        A sheet page draws these on its map; a text page has none.
    share : float
        Share of the map box left to text (sheet pages).
    key : str
        What the page is for its document (a unit's id, an item's key).
    role : str
        ``"sheet"``, ``"text"`` or ``"continued"``.
    """

    spec: SheetSpec
    boxes: list[Box]
    lines: list[list[Line]]
    layers: list[MapLayer] | None = None
    share: float = 0.0
    key: str = ""
    role: str = "text"


def plan_sheet(layers: list[MapLayer], spec: SheetSpec, blocks: Sequence[Block], *,
               shares: Sequence[float] = (SHEET_SHARE,), columns: int = 1,
               key: str = "") -> list[Page]:
    """Plan a map sheet with ``blocks`` under its map, and the pages they continue on.

    ``spec.extent`` must be set (the map's extent); the orientation is the sheet's own
    choice unless ``spec.landscape`` is set. ``shares``: shares of the map box given to
    the text, tried in order: the first that holds every block on the sheet, else the
    last (the rest continues on text pages). ``columns``: most text columns per page.
    """
    if spec.extent is None:
        msg = "A sheet with text needs its extent (spec.extent) to plan its pages."
        raise ValueError(msg)
    pages: list[Page] = []
    for share in shares:
        landscape, layout, _ = sheet_orientation(spec, spec.extent,
                                                 layout=content_layout(share))
        sheet_spec = replace(spec, landscape=landscape)
        first = sheet_boxes(layout, share, columns)
        pages = _flow(blocks, sheet_spec, first, columns, scale_of(layout))
        pages[0] = replace(pages[0], layers=layers, share=share, role="sheet")
        if len(pages) == 1:
            break
    for page in pages:
        page.key = key
    return pages


def plan_text(spec: SheetSpec, blocks: Sequence[Block], *, columns: int = 1,
              key: str = "") -> list[Page]:
    """Plan text pages (portrait unless ``spec.landscape``) holding ``blocks``."""
    spec = replace(spec, landscape=bool(spec.landscape))
    layout = _text_layout(spec)
    pages = _flow(blocks, spec, text_boxes(layout, columns), columns, scale_of(layout))
    for page in pages:
        page.key = key
    return pages


def write_pages(pages: Sequence[Page], target: str | Path | IO[bytes], *,
                title: str = "") -> list[list[str]]:
    """Draw the pages into one PDF at ``target`` (a path or a binary file).

    Returns the words written on each page (sheet words and text), for checks.
    """
    out = []
    metadata = {"Title": title, "Creator": "KVPT Planner"}
    with print_rc(), PdfPages(target, metadata=metadata) as pdf:
        for number, page in enumerate(pages, start=1):
            fig, words = render(page, number, len(pages))
            pdf.savefig(fig)
            out.append(words)
    return out


def render(page: Page, number: int, total: int) -> tuple[Figure, list[str]]:
    """Draw one page; return its figure and words."""
    spec = page.spec
    if page.layers is not None:
        sheet = build_sheet(page.layers, spec, layout=content_layout(page.share))
        fig, layout, words = sheet.figure, sheet_layout(
            *paper_mm(spec.paper, bool(sheet.spec.landscape)), bool(sheet.spec.landscape)), \
            list(sheet.texts)
    else:
        fig, layout, words = _text_figure(spec)
    scale = scale_of(layout)
    for box, lines in zip(page.boxes, page.lines, strict=False):
        words += draw_box(fig, box, lines, scale=scale)
    words.append(_page_number(fig, layout, spec.lang, number, total))
    return fig, words


def content_layout(share: float) -> LayoutFunction:
    """Return a sheet layout whose map gives the lower ``share`` of its box to text."""
    def layout(width: float, height: float, landscape: bool) -> SheetLayout:
        base = sheet_layout(width, height, landscape)
        x, y, w, h = base.map
        return replace(base, map=(x, y + h * share, w, h * (1 - share)))

    return layout


def sheet_boxes(layout: SheetLayout, share: float, columns: int = 1) -> list[Box]:
    """Return the text boxes under the map of a :func:`content_layout` sheet."""
    g = layout.font / 8.0
    x, top, w, _ = layout.map
    base_bottom = sheet_layout(layout.width, layout.height, layout.width > layout.height).map[1]
    portrait = layout.width < layout.height
    bottom = base_bottom - (14 * g if portrait else 0.0)
    height = top - SOURCES_GAP * g - bottom
    return _columns(Box(x, bottom, w, max(height, 10.0)), columns)


def text_boxes(layout: SheetLayout, columns: int = 1) -> list[Box]:
    """Return the text boxes of a text page (between the heading and the footer)."""
    g = layout.font / 8.0
    f = min(layout.width, layout.height) / 297.0
    left, right = 15 * f, layout.width - 12 * f
    top, bottom = layout.height - 31 * g, 24 * g
    return _columns(Box(left, bottom, right - left, top - bottom), columns)


def scale_of(layout: SheetLayout) -> float:
    """Return the factor of text sizes on a page of ``layout``."""
    return layout.font / 8.0 * TEXT_SCALE


def continued(title: str, lang: str) -> str:
    """Return the title of a continuation page."""
    return WORDS["continued"][0 if lang == "vi" else 1].format(title=title)


# --- helpers ----------------------------------------------------------------------------


def _flow(blocks: Sequence[Block], spec: SheetSpec, first: list[Box], columns: int,
          scale: float) -> list[Page]:
    """Paginate ``blocks`` over ``first`` then text pages; return the pages."""
    later = text_boxes(_text_layout(spec), columns)
    boxes = [*first]

    def box(n: int) -> Box:
        while n >= len(boxes):
            boxes.extend(later)
        return boxes[n]

    filled = paginate(blocks, box, scale=scale) if blocks else [[]]
    pages = [Page(spec, first, filled[:len(first)])]
    rest = filled[len(first):]
    title = continued(spec.title or "", spec.lang)
    while rest:
        pages.append(Page(replace(spec, title=title), later, rest[:len(later)],
                          role="continued"))
        rest = rest[len(later):]
    return pages


def _columns(box: Box, columns: int) -> list[Box]:
    n = max(1, min(columns, int(box.w // COLUMN_MIN_MM)))
    gap = 6.0
    w = (box.w - gap * (n - 1)) / n
    return [Box(box.x + i * (w + gap), box.y, w, box.h) for i in range(n)]


def _text_layout(spec: SheetSpec) -> SheetLayout:
    landscape = bool(spec.landscape)
    return sheet_layout(*paper_mm(spec.paper, landscape), landscape)


def _text_figure(spec: SheetSpec) -> tuple[Figure, SheetLayout, list[str]]:
    """Return a blank page with the sheet's heading (title, marking) and a footer."""
    layout = _text_layout(spec)
    fig = Figure(figsize=(layout.width / 25.4, layout.height / 25.4))
    words = print_layout._heading(fig, layout, spec)  # the sheet's own heading
    g, i = layout.font / 8.0, 0 if spec.lang == "vi" else 1
    date = spec.date or dt.date.today()
    parts = [f"{WORDS['date'][i]}: "
             f"{date.strftime('%d/%m/%Y') if spec.lang == 'vi' else date.isoformat()}"]
    if spec.issuing_unit:
        parts.insert(0, f"{WORDS['unit'][i]}: {spec.issuing_unit}")
    footer = "   ·   ".join(parts)
    f = min(layout.width, layout.height) / 297.0
    fig.text(15 * f / layout.width, 15 * g / layout.height, footer, ha="left",
             va="center", fontsize=layout.font * 0.9, color="#333333",
             family="DejaVu Sans")
    return fig, layout, [*words, footer]


def _page_number(fig: Figure, layout: SheetLayout, lang: str, number: int,
                 total: int) -> str:
    text = WORDS["page"][0 if lang == "vi" else 1].format(n=number, total=total)
    g = layout.font / 8.0
    f = min(layout.width, layout.height) / 297.0
    fig.text((layout.width - 12 * f) / layout.width, 6 * g / layout.height, text,
             ha="right", va="center", fontsize=layout.font * 0.9, family="DejaVu Sans")
    return text
