"""Parameters of the analyses, parsed once for every front end.

Each parser takes what a user typed (``KIND=METRES`` items, ``CLASS=KMH`` items, band
limits, segment ids) and raises :class:`planning.errors.PlanningError` with a key the
front end translates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from geo.depth import band_labels
from layers.kinds import DEFENSE_WORK_KINDS
from planning.errors import PlanningError

MAX_CUTS = 10
"""Most road segments one relocation plan may cut (more is a mistake, e.g. "select all")."""


def parse_zones(items: Iterable[str] | None) -> dict[str, float]:
    """Parse ``KIND=METRES`` protection-zone widths (``combat_base=800``)."""
    zones: dict[str, float] = {}
    for item in items or []:
        kind, sep, value = item.partition("=")
        metres = _number(value)
        if not sep or kind.strip() not in DEFENSE_WORK_KINDS or not metres >= 0 \
                or math.isinf(metres):
            raise PlanningError("bad_zone", item=item, kinds=", ".join(DEFENSE_WORK_KINDS))
        zones[kind.strip()] = metres
    return zones


def parse_speeds(items: Iterable[str] | None) -> dict[str, float]:
    """Parse ``CLASS=KMH`` road speeds (``national_road=60``)."""
    speeds: dict[str, float] = {}
    for item in items or []:
        cls, sep, value = item.partition("=")
        kmh = _number(value)
        if not sep or not cls.strip() or not kmh > 0 or math.isinf(kmh):
            raise PlanningError("bad_speed", item=item)
        speeds[cls.strip()] = kmh
    return speeds


def parse_bands(text: str | Sequence[float] | None) -> tuple[float, ...] | None:
    """Parse depth-band limits in km: ``"10,30,60"`` or ``"10; 30; 60"`` (None: settings)."""
    if text is None:
        return None
    try:
        if isinstance(text, str):
            bands = tuple(float(x) for x in text.replace(";", ",").split(",") if x.strip())
        else:
            bands = tuple(float(x) for x in text)
        if not bands:
            raise ValueError(text)
        band_labels(bands)
    except ValueError:
        raise PlanningError("bad_bands", text=str(text)) from None
    return bands


def parse_cuts(items: Iterable[str] | None, known: Iterable[str] | None = None,
               *, limit: int = MAX_CUTS) -> tuple[str, ...]:
    """Return the segment ids to cut: stripped, once each, checked against ``known``.

    Raises
    ------
    PlanningError
        If an id is not in ``known`` or there are more than ``limit``.
    """
    cuts = tuple(dict.fromkeys(c.strip() for c in items or [] if c and c.strip()))
    if known is not None:
        ids = set(known)
        unknown = [c for c in cuts if c not in ids]
        if unknown:
            raise PlanningError("unknown_segment", ids=", ".join(map(repr, unknown[:5])))
    if len(cuts) > limit:
        raise PlanningError("too_many_cuts", count=len(cuts), limit=limit)
    return cuts


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")
