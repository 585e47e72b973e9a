"""Point symbols per layer kind (:mod:`maps.symbols`), for prints and the web map."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from layers.kinds import KINDS, POINT, Style
from maps.symbols import (
    DEFAULT_SYMBOL,
    ROLES,
    SYMBOLS,
    marker_paths,
    part_colours,
    point_kinds,
    svg_symbol,
    symbol_for,
)


def test_every_kind_that_holds_points_has_its_own_symbol() -> None:
    kinds = point_kinds()
    assert {"combat_base", "rear_base", "logistics_base", "air_defense", "enterprise",
            "relocation_site", "high_point"} <= set(kinds)
    assert all(KINDS[k].geometry_types >= {POINT} for k in kinds)
    assert set(kinds) <= set(SYMBOLS)
    shapes = {tuple(p.points for p in SYMBOLS[k].parts) for k in kinds}
    assert len(shapes) == len(kinds)  # all different
    assert symbol_for("training_ground") is DEFAULT_SYMBOL


@pytest.mark.parametrize("kind", sorted(SYMBOLS))
def test_parts_are_in_the_unit_box_with_known_roles(kind: str) -> None:
    for part in SYMBOLS[kind].parts:
        assert part.role in ROLES
        assert all(-1 <= x <= 1 and -1 <= y <= 1 for x, y in part.points)
        assert len(part.points) >= 2
        assert part.closed or part.role == "line"


def test_bases_share_the_installation_frame_and_differ_inside() -> None:
    tops = [max(y for p in SYMBOLS[k].parts for _, y in p.points)
            for k in ("combat_base", "rear_base", "logistics_base")]
    assert tops[0] == tops[1] == tops[2] > 0.62  # the block above the frame
    assert SYMBOLS["combat_base"].parts[0] == SYMBOLS["rear_base"].parts[0]


def test_marker_paths_keep_each_part_in_place() -> None:
    paths = marker_paths("combat_base")
    assert [part.role for part, _ in paths] == [p.role for p in SYMBOLS["combat_base"].parts]
    frame = paths[0][1].get_extents()
    assert (frame.x0, frame.x1) == pytest.approx((-1.0, 1.0))  # not rescaled per part


def test_svg_uses_the_style_colours() -> None:
    style = Style("#b2182b", "#ef8a62")
    svg = svg_symbol("combat_base", style, size=20)
    root = ET.fromstring(svg)
    paths = root.findall("{http://www.w3.org/2000/svg}path") or root.findall("path")
    assert len(paths) == len(SYMBOLS["combat_base"].parts)
    assert paths[0].get("fill") == "#ef8a62" and paths[0].get("stroke") == "#b2182b"
    assert paths[1].get("fill") == "none"
    assert root.get("width") == "20"
    assert part_colours(SYMBOLS["combat_base"].parts[-1], style) == ("#b2182b", "#b2182b")
    assert "&lt;" in svg_symbol("place", Style('"><script>', None))
