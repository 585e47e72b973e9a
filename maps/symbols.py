"""Point symbols per layer kind: simple military-style frames, as data.

A symbol is a few :class:`Part` outlines in a unit box (x and y from -1 to 1, y up), each
with a role that says how it takes the layer's :class:`layers.kinds.Style`:

``"frame"``
    closed outline filled with the style's fill colour and stroked with its colour;
``"line"``
    open or closed line stroked with the style's colour, not filled;
``"solid"``
    closed outline filled and stroked with the style's colour.

Bases are the rectangular frame of a unit with the small block on top that marks an
installation; the glyph inside tells them apart (crossed lines for combat, a diagonal for
the rear, a supply bar for logistics, the dome of air defense). These are simplified
symbols of this tool, not an official symbology. The same data gives matplotlib paths
(:func:`marker_paths`, print layouts and their legends) and SVG (:func:`svg_symbol`: the
web map's points and legend, and the QGIS project's point symbols), so a kind's points look
the same everywhere. Which layers are drawn with a symbol, in which colours and at which
size, is decided in :mod:`maps.styling`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

from layers.kinds import KINDS, POINT, Style

if TYPE_CHECKING:
    from matplotlib.path import Path

SVG_NS = "http://www.w3.org/2000/svg"
"""Namespace of :func:`svg_symbol` (inline in a page, or a file of its own for QGIS)."""

ROLES = ("frame", "line", "solid")
"""Roles of a part, in drawing order."""

Points = tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Part:
    """One outline of a symbol.

    Attributes
    ----------
    role : str
        One of :data:`ROLES`.
    points : tuple of (float, float)
        Vertices in the unit box (y up).
    closed : bool
        Whether the outline is closed (frames and solids always are).
    """

    role: str
    points: Points
    closed: bool = True


@dataclass(frozen=True)
class Symbol:
    """A point symbol: its parts and what it stands for.

    Attributes
    ----------
    key : str
        Name of the symbol (the kind's key, or ``"default"``).
    parts : tuple of Part
        Outlines, drawn in order.
    """

    key: str
    parts: tuple[Part, ...]


def _arc(cx: float, cy: float, r: float, start: float, stop: float, n: int = 16) -> Points:
    """Points of a circular arc, angles in degrees (counter-clockwise)."""
    step = (stop - start) / n
    return tuple((round(cx + r * math.cos(math.radians(start + i * step)), 4),
                  round(cy + r * math.sin(math.radians(start + i * step)), 4))
                 for i in range(n + 1))


W, H = 1.0, 0.62
"""Half width and half height of the unit frame (a 3:2 rectangle, as in APP-6)."""

_RECT: Points = ((-W, -H), (W, -H), (W, H), (-W, H))
_BLOCK = Part("solid", ((-0.28, H), (0.28, H), (0.28, H + 0.3), (-0.28, H + 0.3)))
"""The installation block on top of a base's frame."""
_FRAME = Part("frame", _RECT)


_STAR: Points = tuple(
    (round(r * math.cos(math.radians(90 + 36 * i)), 4),
     round(r * math.sin(math.radians(90 + 36 * i)) - 0.04, 4))
    for i, r in enumerate([0.5, 0.2] * 5))
"""A five-pointed star inside the frame: the mark of a military zone."""


def _base(*glyph: Part) -> tuple[Part, ...]:
    return (_FRAME, *glyph, _BLOCK)


SYMBOLS: dict[str, Symbol] = {s.key: s for s in (
    Symbol("combat_base", _base(Part("line", ((-W, -H), (W, H)), False),
                                Part("line", ((-W, H), (W, -H)), False))),
    Symbol("rear_base", _base(Part("line", ((-W, -H), (W, H)), False))),
    Symbol("logistics_base", _base(Part("line", ((-W, -H / 3), (W, -H / 3)), False))),
    Symbol("air_defense", (_FRAME, Part("line", _arc(0.0, -H, 0.55, 0.0, 180.0), False))),
    Symbol("high_point", (Part("frame", ((-0.95, -0.75), (0.95, -0.75), (0.0, 0.9))),
                          Part("solid", _arc(0.0, -0.2, 0.18, 0.0, 360.0, 12)))),
    Symbol("enterprise", (_FRAME, Part("line", ((-0.7, -0.35), (-0.7, 0.3), (-0.2, 0.0),
                                                (-0.2, 0.3), (0.3, 0.0), (0.3, 0.3),
                                                (0.7, 0.0), (0.7, -0.35)), False))),
    Symbol("relocation_site", (_FRAME, Part("line", ((-0.65, 0.0), (0.6, 0.0)), False),
                               Part("solid", ((0.7, 0.0), (0.3, 0.25), (0.3, -0.25))))),
    Symbol("infrastructure", (Part("frame", ((0.0, -0.9), (0.9, 0.0), (0.0, 0.9),
                                              (-0.9, 0.0))),
                              Part("solid", _arc(0.0, 0.0, 0.22, 0.0, 360.0, 12)))),
    Symbol("military_zone", (_FRAME, Part("solid", _STAR))),
    Symbol("shelter", (Part("frame", _arc(0.0, 0.0, 0.9, 0.0, 360.0, 24)),
                       Part("solid", ((-0.62, -0.36), (0.62, -0.36), (0.0, 0.72))))),
    Symbol("place", (Part("frame", _arc(0.0, 0.0, 0.85, 0.0, 360.0, 24)),
                     Part("solid", _arc(0.0, 0.0, 0.3, 0.0, 360.0, 12)))),
    # a village (thôn, bản) given as a point: a house
    Symbol("admin_unit", (Part("frame", ((-0.7, -0.75), (0.7, -0.75), (0.7, 0.1), (0.0, 0.8),
                                         (-0.7, 0.1))),
                          Part("solid", ((-0.2, -0.75), (0.2, -0.75), (0.2, -0.2),
                                         (-0.2, -0.2))))),
)}
"""Symbol of each kind that may hold points, by kind key."""

DEFAULT_SYMBOL = Symbol("default", (Part("frame", _arc(0.0, 0.0, 0.85, 0.0, 360.0, 24)),))
"""Symbol of a kind without its own: a plain circle."""


def symbol_for(kind: str) -> Symbol:
    """Return the symbol of ``kind`` (:data:`DEFAULT_SYMBOL` when it has none)."""
    return SYMBOLS.get(kind, DEFAULT_SYMBOL)


def point_kinds() -> list[str]:
    """Return the kinds of :data:`layers.kinds.KINDS` whose layers may hold points."""
    return [key for key, kind in KINDS.items() if POINT in kind.geometry_types]


def part_colours(part: Part, style: Style) -> tuple[str | None, str]:
    """Return ``(fill, stroke)`` colours of a part drawn in ``style`` (fill None: not filled)."""
    if part.role == "frame":
        return style.fill_color or style.color, style.color
    if part.role == "solid":
        return style.color, style.color
    return None, style.color


def marker_paths(kind: str) -> list[tuple[Part, Path]]:
    """Return each part of the kind's symbol with its matplotlib path (unit box, y up).

    Draw them with ``matplotlib.collections.PathCollection(..., sizes=[r ** 2])``, which
    scales the unit box to ``r`` points, so the parts keep their places (a marker built
    with ``MarkerStyle`` would rescale each part on its own).
    """
    from matplotlib.path import Path

    out = []
    for part in symbol_for(kind).parts:
        verts = list(part.points)
        codes = [Path.MOVETO] + [Path.LINETO] * (len(verts) - 1)
        if part.closed:
            verts.append(verts[0])
            codes.append(Path.CLOSEPOLY)
        out.append((part, Path(verts, codes)))
    return out


def svg_symbol(kind: str, style: Style, *, size: float = 18.0,
               shared_stroke: bool = False) -> str:
    """Return an inline SVG of the kind's symbol in ``style``, ``size`` pixels wide.

    Parameters
    ----------
    kind : str
        Key of :data:`layers.kinds.KINDS`.
    style : Style
        Colours of the layer (e.g. a shade given to one of several layers of a kind).
    size : float
        Width and height of the image, in pixels.
    shared_stroke : bool
        Write the stroke (the style's colour, the same for every part) once, on a group
        around the parts, rather than on each path: the form the maps use (web map
        points and legend, QGIS), one stroke colour per symbol. The drawing is the same.

    Returns
    -------
    str
        ``<svg>`` text, a whole SVG document (with its namespace) that also goes inline
        in HTML; colours are escaped. The path data do not depend on ``style``, ``size``
        or ``shared_stroke``.
    """
    stroke_attrs = f'stroke="{escape(style.color)}" stroke-width="0.12" stroke-linejoin="round"'
    paths = []
    for part in symbol_for(kind).parts:
        fill, stroke = part_colours(part, style)
        d = "M" + " L".join(f"{x:g},{-y:g}" for x, y in part.points) + \
            (" Z" if part.closed else "")
        own = "" if shared_stroke else (f' stroke="{escape(stroke)}" stroke-width="0.12" '
                                        'stroke-linejoin="round"')
        paths.append(f'<path d="{d}" fill="{escape(fill) if fill else "none"}"{own}/>')
    body = "".join(paths)
    if shared_stroke:
        body = f"<g {stroke_attrs}>{body}</g>"
    return (f'<svg xmlns="{SVG_NS}" width="{size:g}" height="{size:g}" '
            f'viewBox="-1.1 -1.1 2.2 2.2" aria-hidden="true">{body}</svg>')
