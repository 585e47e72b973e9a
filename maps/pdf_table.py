"""Text and tables laid out on paper: wrapped, measured, continued from box to box.

The blocks a page says (:class:`planning.brief_tables.BriefText` and
:class:`~planning.brief_tables.BriefTable`) flow through a sequence of boxes (millimetres
on a page, origin lower left): :func:`paginate` fills each box top-down and opens the
next one when a line or a table row does not fit, so a long table continues on the next
box (or page) with its header repeated and no row is ever cut. Text is measured with the
font itself (DejaVu Sans, FreeType), so wrapping is exact; cells wrap at word boundaries
(a word longer than its column breaks inside). :func:`draw_box` then draws one box's lines
on a matplotlib figure as real text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from matplotlib import font_manager, ft2font
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from maps.print_frame import PT_MM
from planning.brief_tables import Block, BriefTable

FONT = "DejaVu Sans"

TEXT_STYLES: dict[str, tuple[float, bool, str]] = {
    "body": (8.0, False, "#111111"), "heading": (10.5, True, "#111111"),
    "lead": (8.5, True, "#111111"), "note": (6.8, False, "#555555"),
    "caption": (7.6, True, "#333333")}
"""Paragraph style → (size in points at scale 1, bold, colour)."""

TABLE_SIZE = 7.0
"""Font size (points at scale 1) of table cells."""

LEADING = 1.25
"""Line height, in font sizes."""

ASCENT = 0.95
"""From the top of a line to its baseline, in font sizes (lines of cells of a row share
their baselines, whatever their letters)."""

PAD_MM = (1.0, 0.55)
"""Padding of a table cell (horizontal, vertical), mm at scale 1."""

GAP_MM = 1.8
"""Space before a block that does not start a box, mm at scale 1."""

MEASURE_PT = 400.0
"""Text is measured at this size, then scaled (FreeType hints small sizes wider)."""

COLOURS = {"header": "#e4e1da", "stripe": "#f5f4f0", "rule": "#b9b4aa"}


@dataclass(frozen=True)
class Box:
    """A rectangle of a page, in millimetres from the page's lower-left corner."""

    x: float
    y: float
    w: float
    h: float


@dataclass
class Line:
    """One thing placed in a box: a paragraph line or a table row (a header too)."""

    height: float
    texts: list[str]  # a paragraph line: one; a row: its cells' wrapped text
    kind: str = "text"  # "text" or "row"
    style: str = "body"  # text: a TEXT_STYLES key; row: "header", "odd", "even"
    widths: list[float] = field(default_factory=list)
    numeric: list[bool] = field(default_factory=list)


def paginate(blocks: Sequence[Block], boxes: Callable[[int], Box], *,
             scale: float = 1.0) -> list[list[Line]]:
    """Flow ``blocks`` through ``boxes(0)``, ``boxes(1)``, …; return each box's lines.

    Parameters
    ----------
    blocks : sequence of BriefText or BriefTable
        What to lay out, in order.
    boxes : callable
        The ``n``-th box to fill (e.g. the columns of a page, then of the pages after).
    scale : float
        Factor on every font size and spacing (the paper's, see :mod:`maps.brief_pages`).

    Returns
    -------
    list of list of Line
        One list per box used (at least one).
    """
    flow = _Flow(boxes, scale)
    for block in blocks:
        if isinstance(block, BriefTable):
            flow.table(block)
        else:
            flow.text(block.text, block.style)
    return flow.filled


def draw_box(fig: Figure, box: Box, lines: Sequence[Line], *, scale: float = 1.0
             ) -> list[str]:
    """Draw a box's lines on ``fig`` (as large as the page); return the words drawn."""
    width_mm, height_mm = (v * 25.4 for v in fig.get_size_inches())
    top, out = box.y + box.h, []

    def text(x: float, y: float, words: str, size: float, bold: bool, colour: str,
             ha: str = "left") -> None:
        """Write ``words`` from ``y`` (mm, top) down, a text per line on its baseline."""
        step = size * PT_MM
        for i, part in enumerate(words.split("\n")):
            base = y - (ASCENT + i * LEADING) * step
            fig.text(x / width_mm, base / height_mm, part, ha=ha, va="baseline",
                     fontsize=size, fontweight="bold" if bold else "normal", color=colour,
                     family=FONT)
        out.append(words)

    for line in lines:
        if line.kind == "text":
            size, bold, colour = TEXT_STYLES[line.style]
            text(box.x, top, line.texts[0], size * scale, bold, colour)
        else:
            _draw_row(fig, box, top, line, scale, (width_mm, height_mm), text)
        top -= line.height
    return out


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Return the width (mm) of ``text`` in DejaVu Sans at ``size`` points."""
    return _width_at_one_point(text, bold) * size


@functools.lru_cache(maxsize=20_000)
def _width_at_one_point(text: str, bold: bool) -> float:
    """Width (mm) of ``text`` at 1 pt, measured large (small sizes are hinted wider)."""
    font = _font(bold)
    font.set_size(MEASURE_PT, 72)
    font.set_text(text, 0.0)
    return font.get_width_height()[0] / 64 * PT_MM / MEASURE_PT


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Wrap ``text`` to ``width`` mm (at word boundaries; explicit newlines kept)."""
    lines: list[str] = []
    for para in str(text).split("\n"):
        current = ""
        for word in para.split():
            trial = f"{current} {word}" if current else word
            if text_width(trial, size, bold) <= width + 1e-6:
                current = trial
                continue
            if current:
                lines.append(current)
            current = word
            while text_width(current, size, bold) > width + 1e-6 and len(current) > 1:
                cut = _fit(current, width, size, bold)
                lines.append(current[:cut])
                current = current[cut:]
        lines.append(current)
    return lines or [""]


# --- the flow ---------------------------------------------------------------------------


class _Flow:
    """Boxes filled so far, and room left in the last one."""

    def __init__(self, boxes: Callable[[int], Box], scale: float) -> None:
        self.boxes, self.scale = boxes, scale
        self.box = boxes(0)
        self.filled: list[list[Line]] = [[]]
        self.used = 0.0

    def room(self) -> float:
        return self.box.h - self.used

    def next_box(self) -> None:
        self.box = self.boxes(len(self.filled))
        self.filled.append([])
        self.used = 0.0

    def put(self, line: Line) -> None:
        self.filled[-1].append(line)
        self.used += line.height

    def gap(self) -> None:
        if self.used > 0:
            self.used = min(self.used + GAP_MM * self.scale, self.box.h)

    def text(self, words: str, style: str) -> None:
        size, bold, _ = TEXT_STYLES[style]
        size *= self.scale
        height = size * LEADING * PT_MM
        self.gap()
        rest = str(words)
        while True:
            lines = wrap(rest, self.box.w, size, bold)
            fits = max(int(self.room() // height), 0)
            if fits == 0 and self.used > 0:
                self.next_box()
                continue
            fits = max(fits, 1)  # a line taller than a box still goes somewhere
            for line in lines[:fits]:
                self.put(Line(height, [line], "text", style))
            if len(lines) <= fits:
                return
            rest = "\n".join(lines[fits:]) if "\n" in rest else " ".join(lines[fits:])
            self.next_box()

    def table(self, table: BriefTable) -> None:
        self.gap()
        head = sum(line.height for line in self._caption(table)) + \
            self._row(table, table.columns, "header").height + \
            (self._row(table, table.rows[0], "odd").height if table.rows else 0.0)
        if head > self.room() and self.used > 0:
            self.next_box()
        for line in self._caption(table):
            self.put(line)
        self.put(self._row(table, table.columns, "header"))
        placed = 0
        for i, cells in enumerate(table.rows):
            style = "odd" if i % 2 == 0 else "even"
            row = self._row(table, cells, style)
            if row.height > self.room() and placed:
                self.next_box()
                self.put(self._row(table, table.columns, "header"))
                row, placed = self._row(table, cells, style), 0
            self.put(self._clipped(row, max(self.room(), 0.0)))
            placed += 1

    def _caption(self, table: BriefTable) -> list[Line]:
        if not table.caption:
            return []
        size, bold, _ = TEXT_STYLES["caption"]
        size *= self.scale
        return [Line(size * LEADING * PT_MM + 0.6 * self.scale, [line], "text", "caption")
                for line in wrap(table.caption, self.box.w, size, bold)]

    def _row(self, table: BriefTable, cells: Sequence[str], style: str) -> Line:
        widths = column_widths(table, self.box.w, self.scale)
        size = TABLE_SIZE * self.scale
        bold = style == "header"
        pad_x, pad_y = (p * self.scale for p in PAD_MM)
        texts = ["\n".join(wrap(cell, max(w - 2 * pad_x, 1.0), size, bold))
                 for cell, w in zip(cells, widths, strict=True)]
        n = max(t.count("\n") + 1 for t in texts) if texts else 1
        height = n * size * LEADING * PT_MM + 2 * pad_y
        numeric = list(table.numeric) or [False] * len(cells)
        return Line(height, texts, "row", style, widths, numeric)

    def _clipped(self, row: Line, room: float) -> Line:
        """Keep the lines of a row that fit in ``room`` (the last ends in "…")."""
        if row.height <= room:
            return row
        per_line = TABLE_SIZE * self.scale * LEADING * PT_MM
        pad = 2 * PAD_MM[1] * self.scale
        keep = max(int((room - pad) // per_line), 1)
        texts = [t if t.count("\n") < keep else "\n".join(t.split("\n")[:keep]) + "…"
                 for t in row.texts]
        return Line(keep * per_line + pad, texts, "row", row.style, row.widths, row.numeric)


def column_widths(table: BriefTable, width: float, scale: float = 1.0) -> list[float]:
    """Return the width (mm) of each column of ``table`` in a box ``width`` mm wide.

    Each column gets its natural width (longest cell on one line, or the header's longest
    word), shrunk towards its longest word when they do not all fit; extra room is shared
    in proportion.
    """
    size = TABLE_SIZE * scale
    pad = 2 * PAD_MM[0] * scale
    n = len(table.columns)
    if n == 0:
        return []
    cap = width * 0.6
    natural, least = [], []
    for i, head in enumerate(table.columns):
        cells = [row[i] for row in table.rows]
        head_words = [text_width(w, size, True) for w in str(head).split()] or [0.0]
        cell_full = [text_width(c, size) for c in cells] or [0.0]
        cell_words = [text_width(w, size) for c in cells for w in str(c).split()] or [0.0]
        natural.append(min(max(max(cell_full), max(head_words)) + pad, cap))
        least.append(min(max(max(cell_words), max(head_words)) + pad + 0.2, width / n))
    total = sum(natural)
    if total <= width:
        return [w * width / total for w in natural]
    widths = [max(w, m) for w, m in zip(natural, least, strict=True)]
    slack = sum(w - m for w, m in zip(widths, least, strict=True))
    over = sum(widths) - width
    if slack > 0:
        share = min(over / slack, 1.0)
        widths = [w - (w - m) * share for w, m in zip(widths, least, strict=True)]
    total = sum(widths)
    return [w * width / total for w in widths] if total > width else widths


def _draw_row(fig: Figure, box: Box, top: float, line: Line, scale: float,
              page: tuple[float, float], text: Callable[..., None]) -> None:
    width_mm, height_mm = page
    fill = {"header": COLOURS["header"], "even": COLOURS["stripe"]}.get(line.style)
    if fill:
        fig.add_artist(Rectangle((box.x / width_mm, (top - line.height) / height_mm),
                                 sum(line.widths) / width_mm, line.height / height_mm,
                                 transform=fig.transFigure, facecolor=fill,
                                 edgecolor="none", zorder=-1))
    rule_y = (top - line.height) / height_mm
    fig.add_artist(Rectangle((box.x / width_mm, rule_y), sum(line.widths) / width_mm, 0,
                             transform=fig.transFigure, edgecolor=COLOURS["rule"],
                             linewidth=0.35 if line.style != "header" else 0.7,
                             facecolor="none"))
    pad_x, pad_y = (p * scale for p in PAD_MM)
    x = box.x
    for cell, w, right in zip(line.texts, line.widths, line.numeric, strict=True):
        if cell:
            at = x + w - pad_x if right else x + pad_x
            text(at, top - pad_y, cell, TABLE_SIZE * scale, line.style == "header",
                 "#111111", "right" if right else "left")
        x += w


@functools.cache
def _font(bold: bool) -> ft2font.FT2Font:
    props = font_manager.FontProperties(family=FONT, weight="bold" if bold else "normal")
    return ft2font.FT2Font(font_manager.findfont(props, fallback_to_default=False))


def _fit(word: str, width: float, size: float, bold: bool) -> int:
    """Return how many leading characters of ``word`` fit in ``width`` mm (at least one)."""
    for cut in range(len(word) - 1, 0, -1):
        if text_width(word[:cut], size, bold) <= width:
            return cut
    return 1
