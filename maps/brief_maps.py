"""The map layers of a briefing item: result features in the styles of the app's maps.

An item's overlays (:class:`planning.briefs.Overlay`) name a style role; this module turns
them into :class:`maps.project_map.MapLayer` with the style and legend label the app's
maps use for the same thing (:mod:`maps.appraisal_map` for verdicts and protection zones,
:mod:`maps.compare_map` for relocation plans; the posture colours of the Posture page),
drawn over the project's reference layers.
"""

from __future__ import annotations

from collections.abc import Sequence

from layers.kinds import KINDS, Style
from maps.appraisal_map import VERDICT_LABELS, VERDICT_STYLES, ZONE_LABEL, ZONE_STYLE
from maps.compare_map import LABELS as RELOCATION_LABELS
from maps.compare_map import STYLES as RELOCATION_STYLES
from maps.project_map import MapLayer
from planning.briefs import Overlay

POSTURE_STYLES: dict[str, tuple[Style, tuple[str, str]]] = {
    "completeness:full": (Style("#1a7837", "#a6dba0", 1.2, 0.6),
                          ("Đủ thành phần (100 %)", "Complete (100 %)")),
    "completeness:half": (Style("#b8a100", "#ffe94d", 1.2, 0.6),
                          ("Thiếu một phần (≥ 50 %)", "Partly missing (≥ 50 %)")),
    "completeness:low": (Style("#b2182b", "#f4a582", 1.2, 0.6),
                         ("Thiếu nhiều (< 50 %)", "Mostly missing (< 50 %)")),
    "link": (Style("#1a7837", None, 2.0, 0.0), ("Liên kết hỗ trợ", "Support link")),
    "bridge": (Style("#d7191c", None, 3.5, 0.0, "8 5"),
               ("Liên kết yếu (cầu nối)", "Weak link (bridge)")),
    "isolated": (Style("#000000", "#bdbdbd", 2.0, 0.9, None, 7.0),
                 ("Vị trí cô lập", "Isolated position")),
}
"""Posture roles → (style, legend label (vi, en)), the Posture page's colours."""

EVACUATION_STYLES: dict[str, tuple[Style | None, tuple[str, str]]] = {
    "evacuate:zone": (None, ("Vùng thiên tai", "Hazard zone")),
    "evacuate:part": (Style("#b2182b", "#f4a582", 1.5, 0.55),
                      ("Phần xã cần sơ tán", "Part of commune to evacuate")),
    "evacuate:unserved": (Style("#67001f", "#d6604d", 2.5, 0.7),
                          ("Xã còn người chưa có nơi sơ tán",
                           "Commune with people left")),
    "evacuate:route": (Style("#1f4e9c", None, 3.0, 0.0), ("Tuyến sơ tán", "Evacuation route")),
    "evacuate:shelter_used": (None, ("Nơi sơ tán được dùng", "Shelter used")),
    "evacuate:shelter_unused": (Style("#6b6b6b", "#d9d9d9", 1.5, 0.8, None, 6.0),
                                ("Nơi sơ tán không dùng", "Shelter not used")),
}
"""Evacuation roles → (style, ``None``: the kind's own; legend label), the page's colours."""

BAND_COLOURS: tuple[str, ...] = ("#b30000", "#e34a33", "#fc8d59", "#fdbb84", "#fdd49e",
                                 "#fef0d9")
"""Fill of the depth bands, nearest to the border first (the last repeats)."""

BAND_LABEL = ("Dải chiều sâu {band} km", "Depth band {band} km")


def overlay_layers(overlays: Sequence[Overlay], lang: str) -> list[MapLayer]:
    """Return the map layers of an item's overlays, in their order."""
    return [_layer(overlay, lang) for overlay in overlays if len(overlay.frame)]


def item_layers(context: Sequence[MapLayer], overlays: Sequence[Overlay], lang: str
                ) -> list[MapLayer]:
    """Return the reference layers then the overlays of an item (what its map draws)."""
    return [*context, *overlay_layers(overlays, lang)]


def role_style(role: str, lang: str, name: str = "") -> tuple[Style | None, str | None]:
    """Return the style and legend label of a role (``None``: the kind's own)."""
    i = 0 if lang == "vi" else 1
    if role == "zone":
        return ZONE_STYLE, ZONE_LABEL[i]
    if role.startswith("verdict:"):
        verdict = role.split(":", 1)[1]
        return VERDICT_STYLES[verdict], VERDICT_LABELS[verdict][i]
    if role in RELOCATION_STYLES:
        return RELOCATION_STYLES[role], RELOCATION_LABELS[role][i]
    if role in POSTURE_STYLES:
        style, label = POSTURE_STYLES[role]
        return style, label[i]
    if role in EVACUATION_STYLES:
        shape, label = EVACUATION_STYLES[role]
        return shape, label[i]
    if role.startswith("band:"):
        colour = BAND_COLOURS[min(int(role.split(":", 1)[1]), len(BAND_COLOURS) - 1)]
        return Style("#7f2704", colour, 0.6, 0.35), BAND_LABEL[i].format(band=name)
    return None, None


def _layer(overlay: Overlay, lang: str) -> MapLayer:
    frame = overlay.frame
    first = str(frame["name"].iloc[0]) if "name" in frame.columns and len(frame) else ""
    style, label = role_style(overlay.role, lang, first)
    if overlay.role == "isolated":  # isolated positions keep their kind's symbol
        label = f"{label}: {KINDS[overlay.kind].label(lang).lower()}"
    name = label or overlay.name or KINDS[overlay.kind].label(lang)
    return MapLayer(name, overlay.kind, frame, style=style, legend=label)
