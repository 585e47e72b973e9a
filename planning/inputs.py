"""Analysis inputs from a project: one rule per concept, written once.

Every front end (``kvpt``, the app pages, the briefings) gets its inputs here:

* **admin units** are the ``admin_unit`` layers' rows with a known level (one vocabulary:
  :data:`geo.settings.level_aliases`); units without one are left out with a warning;
* **communes** are the admin units of level ``commune``; **districts** of level
  ``district`` (none in a 2-tier project); the **province** is the highest level present;
* **assets** are the stacked layers of some kinds, labelled ``"<layer>:<row>"``, with
  ``name``, ``code`` and ``level``;
* the **road graph** is built once from the road lines of every ``infrastructure`` layer
  (or the layers named) and kept by layer versions and speeds;
* **features** (for routing) are a point per point or polygon feature: a polygon's
  representative point, the one access rule of :mod:`geo.network`.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd

from geo import network, settings
from geo.assets import stack_layers
from geo.completeness import LEVELS, levels_of, required_kinds
from planning.errors import PlanningError
from planning.project import Project

ATTRIBUTES: tuple[str, ...] = ("name", "code", "level")
"""Attributes every stacked input keeps (empty where a layer has none)."""

UNIT_ATTRIBUTES: tuple[str, ...] = ("name", "code", "level", "parent_code")

NOT_ROUTED_KINDS: frozenset[str] = frozenset({"infrastructure", "river", "border"})
"""Kinds whose features are not trip ends (lines of the network itself, the border)."""

GRAPH_CACHE_SIZE = 8
_GRAPHS: OrderedDict[tuple, tuple[nx.MultiGraph, gpd.GeoDataFrame]] = OrderedDict()


def layers_of(project: Project, kind: str, name: str | None = None) -> list[str]:
    """Return the layers of ``kind``, or ``[name]`` after checking it is of that kind.

    Raises
    ------
    PlanningError
        If ``name`` is given and is not a layer of ``kind``.
    """
    names = project.names([kind])
    if name is None:
        return names
    if name not in names:
        raise PlanningError("not_layer_of_kind", name=name, kind=kind,
                            names=", ".join(names) or "-")
    return [name]


def stacked(project: Project, kinds: Iterable[str],
            columns: Sequence[str] = ATTRIBUTES) -> gpd.GeoDataFrame:
    """Return the current layers of ``kinds`` as one frame (:func:`geo.assets.stack_layers`).

    Index ``"<layer>:<row>"``; columns ``layer``, ``kind``, ``columns`` (text, missing ones
    empty) and the geometry, in EPSG:4326.
    """
    wanted = tuple(dict.fromkeys(kinds))
    key = ("stacked", wanted, tuple(columns))

    def build() -> gpd.GeoDataFrame:
        return stack_layers([(r.name, r.kind, project.read(r.name)) for r in project.records()
                             if r.kind in wanted], columns=columns)

    return project.memo(key, build)


def require(frame: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Return ``frame``, or raise when it is empty (no feature of ``kind``)."""
    if not len(frame):
        raise PlanningError("no_layer_of_kind", kind=kind)
    return frame


def admin_units(project: Project) -> gpd.GeoDataFrame:
    """Return the admin units with a known level; ``level`` is canonical.

    Units whose level is missing or not a spelling of province, district, commune or
    village are left out and noted (one warning per layer).
    """
    def build() -> gpd.GeoDataFrame:
        units = stacked(project, ["admin_unit"], UNIT_ATTRIBUTES)
        levels, _ = levels_of(units, "units", required=False)
        known = np.array([lv is not None for lv in levels], dtype=bool)
        for layer, group in units[~known].groupby("layer", sort=False):
            raw = [v for v in pd.unique(group["level"]) if isinstance(v, str) and v.strip()][:3]
            values = f" ({', '.join(map(repr, raw))})" if raw else ""
            project.note("units_without_level", layer=layer, count=len(group), values=values)
        out = units[known].copy()
        out["level"] = [lv for lv in levels if lv is not None]
        return _areas_or_villages(project, out)

    return project.memo("admin_units", build)


def _areas_or_villages(project: Project, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return ``units`` without the points of a level above the village (noted per layer).

    A village (thôn, bản) may be a point; a commune, district or province is an area
    (analyses clip, measure and fill it), so a point one is left out with a warning.
    """
    kept = ~units.geometry.geom_type.isin(["Point", "MultiPoint"]).to_numpy() | (
        units["level"] == "village").to_numpy()
    for layer, group in units[~kept].groupby("layer", sort=False):
        project.note("units_not_areas", layer=layer, count=len(group))
    return units[kept]


def units_of_level(project: Project, level: str) -> gpd.GeoDataFrame:
    """Return the admin units of one level (``province``, ``district``, ``commune``…)."""
    units = admin_units(project)
    return units[units["level"] == level]


def communes(project: Project, *, required: bool = True) -> gpd.GeoDataFrame:
    """Return the communes: the admin units of level ``commune``.

    Raises
    ------
    PlanningError
        If ``required`` and there is none; the message lists the admin-unit layers.
    """
    found = units_of_level(project, "commune")
    if required and not len(found):
        raise PlanningError("no_communes", names=", ".join(
            map(repr, project.names(["admin_unit"]))) or "-")
    return found


def districts(project: Project) -> gpd.GeoDataFrame:
    """Return the districts (empty in a 2-tier project)."""
    return units_of_level(project, "district")


def province(project: Project) -> gpd.GeoDataFrame | None:
    """Return the units of the highest level present (the province), or ``None``."""
    units = admin_units(project)
    top = next((lv for lv in LEVELS if (units["level"] == lv).any()), None)
    return None if top is None else units[units["level"] == top]


def border(project: Project) -> gpd.GeoDataFrame:
    """Return the border lines (layers of kind ``border``)."""
    return stacked(project, ["border"], ("name", "code"))


def hazard_zones(project: Project) -> gpd.GeoDataFrame:
    """Return the hazard zones with their ``hazard`` type."""
    return stacked(project, ["hazard_zone"], ("name", "code", "hazard"))


def posture_kinds() -> list[str]:
    """Kinds the posture analyses look at: asset kinds, required and support kinds."""
    return list(dict.fromkeys([*settings.posture_asset_kinds, *required_kinds(),
                               *settings.support_kinds]))


def assets(project: Project, kinds: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Return the features of ``kinds`` (default :func:`posture_kinds`), stacked."""
    return stacked(project, posture_kinds() if kinds is None else kinds)


def road_layers(project: Project, lines: Sequence[str] | None = None) -> list[str]:
    """Return the layers the road network is built from: ``lines``, else every road layer.

    Raises
    ------
    PlanningError
        If a name in ``lines`` is not a layer, or there is no infrastructure layer.
    """
    if lines:
        unknown = [n for n in lines if project.kind_of(n) is None]
        if unknown:
            raise PlanningError("unknown_layer", name=unknown[0],
                                names=", ".join(project.names()) or "-")
        return list(dict.fromkeys(lines))
    infra = project.names(["infrastructure"])
    if not infra:
        raise PlanningError("no_road_layer")
    return infra


def road_graph(project: Project, lines: Sequence[str] | None = None,
               speeds: Mapping[str, float] | None = None
               ) -> tuple[nx.MultiGraph, gpd.GeoDataFrame]:
    """Return the road graph and its road lines (labels ``"<layer>:<row>"``).

    The graph is kept (up to :data:`GRAPH_CACHE_SIZE` of them) by the project, the
    versions of its road layers, the speeds and the network settings, so pages and
    commands share one build. It is shared: work on a copy before joining points to it.

    Parameters
    ----------
    project : Project
        The project.
    lines : sequence of str, optional
        Road layers to route on, every line of them; default: the road-class lines of
        every infrastructure layer.
    speeds : mapping, optional
        Speeds (km/h) by road class over :data:`geo.settings.road_speed_kmh`.
    """
    names = road_layers(project, lines)
    speeds = dict(speeds or {})
    key = (project.ident, project.versions_key(names), bool(lines),
           tuple(sorted(speeds.items())), tuple(sorted(settings.road_speed_kmh.items())),
           settings.network_snap_m, settings.network_split_crossings,
           settings.offroad_speed_kmh, settings.metric_crs)
    if key in _GRAPHS:
        _GRAPHS.move_to_end(key)
        return _GRAPHS[key]
    roads = network.network_lines({n: project.read(n) for n in names}, speeds=speeds,
                                  all_lines=bool(lines))
    built = (network.build_graph(roads, speeds=speeds), roads)
    _GRAPHS[key] = built
    while len(_GRAPHS) > GRAPH_CACHE_SIZE:
        _GRAPHS.popitem(last=False)
    return built


def features(project: Project, kinds: Iterable[str] | None = None,
             layers: Iterable[str] | None = None,
             columns: Sequence[str] = ("code", "level")) -> gpd.GeoDataFrame:
    """Return a point per point or polygon feature, for routing (metric CRS).

    Every polygon joins the road network from its representative point (a point inside
    it, :func:`geo.network.representative_points`); a point from itself. Index
    ``"<layer>:<row>"``; columns ``layer``, ``name`` and ``columns``.

    Parameters
    ----------
    project : Project
        The project.
    kinds : iterable of str, optional
        Kinds of the layers; default: every kind but lines of the network and the border.
    layers : iterable of str, optional
        Only these layers (overrides ``kinds``).
    columns : sequence of str
        More attributes kept.
    """
    if layers is not None:
        names = [n for n in layers if project.kind_of(n) is not None]
    else:
        names = [r.name for r in project.records()
                 if (r.kind in set(kinds) if kinds is not None else
                     r.kind not in NOT_ROUTED_KINDS)]
    key = ("features", tuple(names), tuple(columns))
    return project.memo(key, lambda: network.feature_points(
        {n: project.read(n) for n in names}, columns=columns))


def layer_frame(project: Project, kind: str, name: str | None = None
                ) -> gpd.GeoDataFrame | None:
    """Return the layer ``name`` of ``kind``, else every layer of ``kind`` concatenated.

    ``None`` when there is no such layer. Rows keep their order; a ``layer`` column names
    the layer of each row.
    """
    names = layers_of(project, kind, name)
    frames = [project.read(n).assign(layer=n) for n in names]
    if not frames:
        return None
    if len(frames) == 1:
        return frames[0]
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=frames[0].crs)
