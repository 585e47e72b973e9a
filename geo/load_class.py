"""Load classes of roads and bridges (tải trọng thiết kế): which segments carry a vehicle.

A road line of kind ``infrastructure`` may carry a ``load_class`` (usually on a bridge):
the heaviest vehicle it is built or posted for. :func:`load_tonnes` reads it as tonnes:

* a number, or a number with a tonne unit: ``30``, ``"30"``, ``"30T"``, ``"30 tấn"``,
  ``"12,5 t"`` → 30, 30, 30, 30, 12.5;
* a Vietnamese 22TCN 18-79 class, its number being the vehicle's tonnes: ``"H30"``,
  ``"H-13"``, ``"HK80"``, ``"XB80"`` → 30, 13, 80, 80; a NATO class ``"MLC40"`` → 40
  (read as tonnes, which a military load class roughly is);
* a design load by name, from :data:`geo.settings.load_class_named_t`, with an optional
  factor before it: ``"HL93"``, ``"HL-93"`` → 33.1; ``"0,5HL93"`` → 16.55.

A blank value (none, ``""``) sets no limit. Any other value cannot be read: the segment is
**kept** (allowed) and reported, so a typo never silently cuts a road.

:func:`for_load` returns the graph a vehicle of a given weight may use: without the
segments whose load class is below it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

import networkx as nx

from geo import network, settings
from geo.errors import AnalysisInputError, Problem

_NUMBER = r"(\d+(?:\.\d+)?)"
_TONNES = re.compile(rf"^{_NUMBER}(?:t|tan|ton|tons|tonne|tonnes)?$")
_PREFIXED = re.compile(rf"^(?:h|hk|xb|mlc){_NUMBER}$")
_NAMED = re.compile(rf"^(?:{_NUMBER}[x*]?)?([a-z]+\d+)$")


@dataclass(frozen=True)
class LoadCheck:
    """What :func:`for_load` left out and could not read.

    Attributes
    ----------
    load_t : float or None
        The vehicle load checked, tonnes (``None``: no check).
    too_weak : list of str
        ``segment_id`` of the segments left out (load class below ``load_t``), sorted.
    unreadable : dict
        ``{source: value}``: the road lines (``source`` of their segments) whose
        ``load_class`` could not be read; their segments are kept.
    """

    load_t: float | None
    too_weak: list[str] = field(default_factory=list)
    unreadable: dict = field(default_factory=dict)


def load_tonnes(value: object) -> float | None:
    """Return the load ``value`` names, in tonnes, or ``None`` (blank or unreadable).

    Parameters
    ----------
    value : object
        A ``load_class`` value (see the module note for what is read).

    Returns
    -------
    float or None
        Tonnes (> 0); ``None`` when ``value`` is blank (:func:`is_blank`) or unreadable.

    Examples
    --------
    >>> [load_tonnes(v) for v in (30, "H30", "30 tấn", "HK80", "0,5HL93", "tốt", "")]
    [30.0, 30.0, 30.0, 80.0, 16.55, None, None]
    """
    if isinstance(value, bool) or is_blank(value):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) and value > 0 else None
    text = _folded(str(value))
    found = _TONNES.match(text) or _PREFIXED.match(text)
    if found:
        tonnes = float(found.group(1))
    elif (named := _NAMED.match(text)) and named.group(2) in settings.load_class_named_t:
        factor = float(named.group(1)) if named.group(1) else 1.0
        tonnes = round(factor * float(settings.load_class_named_t[named.group(2)]), 6)
    else:
        return None
    return tonnes if tonnes > 0 else None


def is_blank(value: object) -> bool:
    """Return whether ``value`` sets no load limit: ``None``, NaN or blank text."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return isinstance(value, str) and not value.strip()


def for_load(G: nx.MultiGraph, load_t: float | None) -> tuple[nx.MultiGraph, LoadCheck]:
    """Return the graph a vehicle of ``load_t`` tonnes may use, and what was left out.

    Parameters
    ----------
    G : networkx.MultiGraph
        Graph from :func:`geo.network.build_graph`, whose edges may hold ``load_class``.
    load_t : float or None
        Vehicle weight, tonnes; ``None`` keeps every segment (no check).

    Returns
    -------
    tuple
        The graph (``G`` itself when nothing is left out, else a copy without the
        segments whose load class is below ``load_t``) and a :class:`LoadCheck`.
        Segments with a blank load class, connectors and those whose load class cannot
        be read are kept; the unreadable ones are listed in the check.

    Raises
    ------
    AnalysisInputError
        If ``load_t`` is not a number > 0.
    """
    if load_t is None:
        return G, LoadCheck(None)
    if (isinstance(load_t, bool) or not isinstance(load_t, int | float)
            or not math.isfinite(load_t) or load_t <= 0):
        raise AnalysisInputError(Problem("load_t_bad", value=load_t))
    weak: set[str] = set()
    unreadable: dict = {}
    for _, _, d in G.edges(data=True):
        value = d.get("load_class")
        tonnes = load_tonnes(value)
        if tonnes is None and not is_blank(value):
            unreadable.setdefault(d.get("source"), value)
        elif tonnes is not None and tonnes < load_t:
            weak.add(d["segment_id"])
    check = LoadCheck(float(load_t), sorted(weak), unreadable)
    return (network.without_segments(G, weak) if weak else G), check


def _folded(text: str) -> str:
    """Lower case, no accents (``đ`` → ``d``), no spaces or inner dashes, ``,`` as the decimal."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"(?<=\w)-", "", re.sub(r"[\s_]", "", text)).replace(",", ".")
