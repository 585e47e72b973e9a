"""Road-network analyses of a project: fastest routes, service areas, chokepoints.

Each function reads its inputs through :mod:`planning.inputs` and returns a
:class:`planning.results.Result`, for ``kvpt route|reach|chokepoints`` and the Road network
page alike.

The access rule
---------------
Every feature joins the road network the same way, in every analysis (routes, service
areas, chokepoints, nearest bases, relocation): from its **representative point** (a point
as it is; a polygon from a point inside it, :func:`geo.network.representative_points`) by
a straight off-road connector to the nearest road, travelled at ``offroad_speed_kmh``.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

import geopandas as gpd
import networkx as nx
import pandas as pd

from geo import chokepoints as cp
from geo import load_class, network, settings
from geo.assets import with_attributes
from planning import inputs
from planning.appraisal_works import is_dual_use
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result, add_labels, feature_labels, in_storage_crs

LABEL_COLUMNS: tuple[str, ...] = ("layer", "kind", "name", "code")

SEGMENT_COLUMNS: tuple[str, ...] = ("segment_id", "road_name", "class", "speed_kmh",
                                    "length_m", "time_min", "load_class", "dual_use")
"""Columns of a route's ``segments`` table (``load_class`` as written, ``dual_use`` true when
the road line is marked dual-use, :func:`planning.appraisal_works.is_dual_use`)."""


# --- trip ends ---------------------------------------------------------------------------


def trip_ends(project: Project) -> gpd.GeoDataFrame:
    """Return the features a trip can start or end at (for ``--from``/``--to`` and pickers).

    A point per point or polygon feature of every layer but the network's own lines and
    the border (:func:`planning.inputs.features`): index ``"<layer>:<row>"``; columns
    ``layer``, ``kind``, ``name``, ``code``, ``level``; metric CRS.
    """
    def build() -> gpd.GeoDataFrame:
        feats = inputs.features(project).copy()
        kinds = {r.name: r.kind for r in project.records()}
        feats.insert(1, "kind", feats["layer"].map(kinds).astype("str"))
        return feats

    return project.memo("trip_ends", build)


def find_end(features: gpd.GeoDataFrame, ident: str) -> Hashable:
    """Return the id of the feature named by ``ident``: its id, its code or its name.

    ``ident`` is ``"<layer>:<row>"``, a code (the ``code`` attribute, unique across the
    trip ends), or a unique name (:func:`geo.network.find_feature`: case, then accents
    ignored when that makes it unique).

    Raises
    ------
    PlanningError
        If a code names several features.
    geo.errors.AnalysisInputError
        If no feature, or several, have that name.
    """
    if ident in features.index:
        return ident
    codes = feature_labels(features, "code")
    hits = features.index[(codes == ident.strip()).to_numpy()] if ident.strip() else []
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise PlanningError("ambiguous_code", ident=ident, count=len(hits),
                            ids=", ".join(map(repr, list(hits)[:5])))
    return network.find_feature(features, ident)


# --- the network --------------------------------------------------------------------------


def summary(project: Project, *, lines: Sequence[str] | None = None,
            speeds: Mapping[str, float] | None = None) -> Result:
    """Describe the road network: its segments, length and separate parts.

    Returns
    -------
    Result
        ``segments``: one row per road segment (``segment_id``, ``source``, ``class``,
        ``length_m``, ``speed_kmh``, ``time_min``), lines in EPSG:4326; values
        ``n_segments``, ``length_km`` and ``n_parts`` (connected parts).
    """
    graph, _ = inputs.road_graph(project, lines, speeds)
    edges = network.edges_frame(graph)
    edges = edges[edges["class"] != network.CONNECTOR]
    table = edges[["segment_id", "source", "class", "length_m", "speed_kmh", "time_min",
                   "geometry"]]
    return Result({"segments": in_storage_crs(table)},
                  values={"n_segments": len(table),
                          "length_km": float(table["length_m"].sum() / 1000),
                          "n_parts": nx.number_connected_components(graph)},
                  settings=_network_settings(lines, speeds, None),
                  warnings=project.take_notes(), extra={"network": graph})


# --- analyses -----------------------------------------------------------------------------


def route(project: Project, from_: str, to: str, *, lines: Sequence[str] | None = None,
          speeds: Mapping[str, float] | None = None,
          offroad_kmh: float | None = None, load_t: float | None = None) -> Result:
    """Find the fastest road route between two features.

    Parameters
    ----------
    project : Project
        The project.
    from_, to : str
        The ends: ``"<layer>:<row>"``, a unique code or a unique name (:func:`find_end`).
    lines : sequence of str, optional
        Road layers to route on (:func:`planning.inputs.road_graph`).
    speeds : mapping, optional
        Speeds (km/h) by road class.
    offroad_kmh : float, optional
        Speed on the connectors (default: setting ``offroad_speed_kmh``).
    load_t : float, optional
        Vehicle load, tonnes: road segments whose ``load_class`` is below it are left out
        (:func:`geo.load_class.for_load`; unreadable classes are kept, with a warning).

    Returns
    -------
    Result
        ``route``: one row, ``from``, ``from_code``, ``from_name``, ``to``, ``to_code``,
        ``to_name``, ``travel_min``, ``distance_km`` (connectors included),
        ``connector_m`` (both ends), ``offroad_speed_kmh``, ``n_segments``, ``segments``
        (ids in order, ``"; "``) and the route line; ``segments``: the segments travelled
        (:data:`SEGMENT_COLUMNS`, connectors included); values ``time_min``, ``length_m``
        and ``connector_m`` unrounded, ``n_too_weak`` (segments left out for the load).
    """
    graph, roads = inputs.road_graph(project, lines, speeds)
    usable, check = graph_for_load(project, graph, load_t)
    feats = trip_ends(project)
    ends = [find_end(feats, from_), find_end(feats, to)]
    work = usable.copy()
    nodes = network.connect_points(work, feats.loc[list(dict.fromkeys(ends))],
                                   offroad_speed_kmh=offroad_kmh, prefix="feature")
    way = network.shortest_route(work, nodes[ends[0]], nodes[ends[1]])
    row = {"from": ends[0], "to": ends[1], "travel_min": round(way.time_min, 2),
           "distance_km": round(way.length_m / 1000, 3),
           "connector_m": round(way.connector_m, 1),
           "offroad_speed_kmh": work.graph["offroad_speed_kmh"],
           "n_segments": len(way.segment_ids), "segments": "; ".join(way.segment_ids)}
    frame = gpd.GeoDataFrame([row], geometry=[way.geometry], crs=work.graph["crs"])
    frame = add_labels(add_labels(frame, "from", feats), "to", feats)
    return Result({"route": in_storage_crs(frame),
                   "segments": _segments_of(work, way, roads)},
                  values={"time_min": way.time_min, "length_m": way.length_m,
                          "connector_m": way.connector_m, "n_too_weak": len(check.too_weak)},
                  settings={**_network_settings(lines, speeds, work.graph["offroad_speed_kmh"]),
                            "load_t": load_t},
                  warnings=project.take_notes(),
                  extra={"network": graph, "ends": feats.loc[ends], "route": way})


def reach(project: Project, minutes: float, *, sources: str = "combat_base",
          source_layer: str | None = None, lines: Sequence[str] | None = None,
          speeds: Mapping[str, float] | None = None,
          offroad_kmh: float | None = None, load_t: float | None = None) -> Result:
    """Find the communes reached within ``minutes`` by road from the nearest source.

    Communes are :func:`planning.inputs.communes`; a commune is reached when its
    representative point is (the access rule of this module).

    Parameters
    ----------
    project : Project
        The project.
    minutes : float
        Time limit.
    sources : str
        Kind of the features travelled from.
    source_layer : str, optional
        A layer travelled from instead of every layer of ``sources``.
    lines, speeds, offroad_kmh, load_t
        See :func:`route`.

    Returns
    -------
    Result
        ``reach``: one row per commune, ``commune`` id, ``layer``, ``kind``, ``name``,
        ``code``, ``travel_min`` (NaN when not connected), ``connector_m``, ``reachable``
        and the commune polygon; values ``minutes``, ``n_reached``, ``n_communes``,
        ``n_sources``.
    """
    communes = inputs.communes(project)
    if source_layer is not None:
        kind = project.kind_of(source_layer)
        if kind is None:
            raise PlanningError("unknown_layer", name=source_layer,
                                names=", ".join(project.names()) or "-")
        bases = inputs.stacked(project, [kind])
        bases = inputs.require(bases[bases["layer"] == source_layer], kind)
    else:
        bases = inputs.require(inputs.assets(project, [sources]), sources)
    graph = graph_for_load(project, inputs.road_graph(project, lines, speeds)[0], load_t)[0]
    area = network.service_area(graph, bases, minutes, communes.drop(columns="name"),
                                offroad_speed_kmh=offroad_kmh)
    frame = with_attributes(communes, area.drop(columns="geometry"), label="commune",
                            columns=LABEL_COLUMNS)
    offroad = settings.offroad_speed_kmh if offroad_kmh is None else offroad_kmh
    return Result({"reach": in_storage_crs(frame)},
                  values={"minutes": minutes, "n_reached": int(frame["reachable"].sum()),
                          "n_communes": len(frame), "n_sources": len(bases)},
                  settings={**_network_settings(lines, speeds, offroad), "load_t": load_t,
                            "sources": sources if source_layer is None else None,
                            "source_layer": source_layer},
                  warnings=project.take_notes(), extra={"network": graph, "sources": bases})


def target_layers(project: Project, targets: Iterable[str] | None = None) -> list[str]:
    """Return the layers of chokepoint targets: ``targets`` (checked), else the default.

    The default is every layer of a kind in :data:`geo.settings.chokepoint_target_kinds`.

    Raises
    ------
    PlanningError
        If a name in ``targets`` is not a layer.
    """
    if targets:
        names = list(dict.fromkeys(targets))
        unknown = [n for n in names if project.kind_of(n) is None]
        if unknown:
            raise PlanningError("unknown_layer", name=unknown[0],
                                names=", ".join(project.names()) or "-")
        return names
    return project.names(settings.chokepoint_target_kinds)


def default_hubs(project: Project, targets: Iterable[str] | None = None) -> list[str]:
    """Return the ids of the default hubs: targets of level ``chokepoint_hub_level``."""
    feats = trip_ends(project)
    pool = feats[feats["layer"].isin(target_layers(project, targets))]
    return pool.index[(pool["level"].astype(str) == settings.chokepoint_hub_level)
                      .to_numpy()].tolist()


def chokepoints(project: Project, *, increase_pct: float | None = None,
                hubs: Iterable[str] | None = None, targets: Iterable[str] | None = None,
                nodes: bool = False, lines: Sequence[str] | None = None,
                speeds: Mapping[str, float] | None = None,
                offroad_kmh: float | None = None, load_t: float | None = None) -> Result:
    """Find the road segments (or junctions) whose loss cuts off or slows the targets.

    Parameters
    ----------
    project : Project
        The project.
    increase_pct : float, optional
        A loss that raises a target's time by more than this counts (default: setting
        ``chokepoint_increase_pct``).
    hubs : iterable of str, optional
        Features the targets must reach (:func:`find_end`); default :func:`default_hubs`.
    targets : iterable of str, optional
        Layers of targets; default :func:`target_layers`. Hubs are not targets.
    nodes : bool
        Junctions instead of segments.
    lines, speeds, offroad_kmh, load_t
        See :func:`route`.

    Returns
    -------
    Result
        ``chokepoints`` (:func:`geo.chokepoints.chokepoints` with ``road_name`` after
        ``source``) or ``chokepoint_nodes`` (:func:`geo.chokepoints.chokepoint_nodes`),
        with ``target_codes`` and ``target_names`` after ``targets``, in EPSG:4326;
        values ``n_targets``, ``n_hubs``, ``increase_pct``.

    Raises
    ------
    PlanningError
        If a target layer is unknown, there is no hub or no target left.
    """
    graph, roads = inputs.road_graph(project, lines, speeds)
    graph = graph_for_load(project, graph, load_t)[0]
    feats = trip_ends(project)
    pool = feats[feats["layer"].isin(target_layers(project, targets))]
    hub_ids = list(dict.fromkeys(find_end(feats, h) for h in hubs or []))
    if not hub_ids:
        hub_ids = default_hubs(project, targets)
        if not hub_ids:
            raise PlanningError("no_hub", level=settings.chokepoint_hub_level)
    hub_frame = feats.loc[hub_ids]
    pool = pool.drop(index=hub_frame.index, errors="ignore")
    if not len(pool):
        raise PlanningError("no_target")
    func = cp.chokepoint_nodes if nodes else cp.chokepoints
    found = func(graph, pool, hub_frame, increase_pct=increase_pct,
                 offroad_speed_kmh=offroad_kmh)
    if not nodes:
        found.insert(3, "road_name", found["source"].map(roads["name"]).fillna("")
                     .astype("str"))
    found = _with_target_labels(found, feats)
    pct = settings.chokepoint_increase_pct if increase_pct is None else increase_pct
    offroad = settings.offroad_speed_kmh if offroad_kmh is None else offroad_kmh
    return Result({"chokepoint_nodes" if nodes else "chokepoints": in_storage_crs(found)},
                  values={"n_targets": len(pool), "n_hubs": len(hub_frame),
                          "increase_pct": pct},
                  settings={**_network_settings(lines, speeds, offroad), "load_t": load_t,
                            "chokepoint_increase_pct": pct, "hubs": hub_ids,
                            "targets": sorted(set(pool["layer"]))},
                  warnings=project.take_notes(),
                  extra={"network": graph, "targets": pool, "hubs": hub_frame})


# --- helpers ------------------------------------------------------------------------------


def graph_for_load(project: Project, graph: nx.MultiGraph, load_t: float | None
              ) -> tuple[nx.MultiGraph, load_class.LoadCheck]:
    """Return the graph a vehicle of ``load_t`` tonnes may use; note what was left out.

    ``None``: no check, the graph itself (:func:`geo.load_class.for_load`).
    """
    usable, check = load_class.for_load(graph, load_t)
    if check.too_weak:
        project.note("load_segments_left_out", count=len(check.too_weak), load_t=load_t,
                     ids=", ".join(check.too_weak[:5]))
    if check.unreadable:
        shown = [f"{k} ({v!r})" for k, v in list(check.unreadable.items())[:5]]
        project.note("load_class_unreadable", count=len(check.unreadable),
                     lines=", ".join(shown))
    return usable, check


def _segments_of(graph: nx.MultiGraph, way: network.Route,
                 roads: gpd.GeoDataFrame) -> pd.DataFrame:
    """Return the segments of a route in order: road name, class, speed, length, time."""
    rows = []
    for a, b in zip(way.nodes[:-1], way.nodes[1:], strict=True):
        d = min(graph[a][b].values(), key=lambda e: e["time_min"])
        rows.append({"segment_id": d["segment_id"], "source": str(d["source"]),
                     "class": d["class"], "speed_kmh": d["speed_kmh"],
                     "length_m": d["length_m"], "time_min": d["time_min"],
                     "load_class": d.get("load_class", ""), "dual_use": d.get("dual_use", "")})
    if not rows:
        return pd.DataFrame(columns=list(SEGMENT_COLUMNS))
    table = pd.DataFrame(rows).groupby("segment_id", sort=False).agg(
        {"source": "first", "class": "first", "speed_kmh": "first", "length_m": "sum",
         "time_min": "sum", "load_class": "first", "dual_use": "first"}).reset_index()
    table["dual_use"] = is_dual_use(table["dual_use"]).to_numpy()
    names = roads["name"] if "name" in roads.columns else pd.Series(dtype="str")
    table["road_name"] = table["source"].map(names).fillna("").astype("str")
    return table[list(SEGMENT_COLUMNS)]


def _with_target_labels(found: gpd.GeoDataFrame, feats: gpd.GeoDataFrame
                        ) -> gpd.GeoDataFrame:
    """Add ``target_codes`` and ``target_names`` (``"; "``-joined) after ``targets``."""
    out = found.copy()
    pos = out.columns.get_loc("targets") + 1
    for column, attr in (("target_codes", "code"), ("target_names", "name")):
        lookup = feature_labels(feats, attr).to_dict()
        out.insert(pos, column, [
            "; ".join(lookup.get(x, x) for x in str(t).split("; ")) if t else ""
            for t in out["targets"]])
        pos += 1
    return out


def _network_settings(lines: Sequence[str] | None, speeds: Mapping[str, float] | None,
                      offroad: float | None) -> dict:
    return {"lines": list(lines) if lines else None,
            "road_speed_kmh": {**settings.road_speed_kmh, **(speeds or {})},
            "offroad_speed_kmh": offroad}
