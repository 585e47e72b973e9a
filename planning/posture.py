"""Posture analyses of a project: completeness, depth, mutual support, nearest bases, hazards.

Each function reads its inputs through :mod:`planning.inputs` and returns a
:class:`planning.results.Result` whose tables name every feature ``"<layer>:<row>"`` with
its ``code`` and ``name``, geometries in EPSG:4326.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.assets import with_attributes
from geo.completeness import completeness as unit_completeness
from geo.completeness import required_kinds
from geo.depth import band_labels, band_polygons, depth_crosstab, depth_from_border
from geo.hazards import hazard_exposure, route_hazards
from geo.nearest import nearest_bases
from geo.support import mutual_support
from planning import inputs
from planning.errors import PlanningError
from planning.params import parse_bands
from planning.project import Project
from planning.results import Result, add_labels, in_storage_crs

LABEL_COLUMNS: tuple[str, ...] = ("layer", "kind", "name", "code")


def completeness(project: Project, *,
                 requirements: Mapping[str, Sequence[str]] | None = None) -> Result:
    """Find which admin units lack which required kinds of asset.

    Returns
    -------
    Result
        ``units``: one row per admin unit, ``unit`` id, ``layer``, ``kind``, then the
        columns of :func:`geo.completeness.completeness` and the unit polygon.
    """
    units = inputs.require(inputs.admin_units(project), "admin_unit")
    reqs = settings.posture_requirements if requirements is None else requirements
    assets = inputs.assets(project)
    table = unit_completeness(units, assets, requirements=reqs)
    frame = with_attributes(units, table, label="unit", columns=("layer", "kind"))
    return Result({"units": in_storage_crs(frame)},
                  settings={"posture_requirements": {k: list(v) for k, v in reqs.items()}},
                  warnings=project.take_notes(),
                  extra={"assets": assets[assets["kind"].isin(required_kinds(reqs))]})


def depth(project: Project, *, bands: str | Sequence[float] | None = None) -> Result:
    """Measure the depth of every asset behind the border line, in bands.

    Returns
    -------
    Result
        ``records``: ``asset`` id, ``layer``, ``kind``, ``name``, ``code``, ``depth_km``,
        ``band``, ``outside_province`` and the asset; ``crosstab`` (assets per kind and
        band); ``band_polygons``; value ``bands`` (the labels).
    """
    limits = parse_bands(bands)
    border = inputs.require(inputs.border(project), "border")
    assets = inputs.assets(project, settings.posture_asset_kinds)
    area = inputs.province(project)
    table = depth_from_border(assets, border, area=area, bands_km=limits)
    frame = with_attributes(assets, table[["depth_km", "band", "outside_province"]],
                            label="asset", columns=LABEL_COLUMNS)
    frame["band"] = frame["band"].astype("str")
    polygons = band_polygons(border, area, bands_km=limits)
    crosstab = depth_crosstab(table, assets["kind"])
    return Result({"records": in_storage_crs(frame), "crosstab": crosstab,
                   "band_polygons": in_storage_crs(polygons)},
                  values={"bands": band_labels(limits)},
                  settings={"depth_bands_km": list(limits or settings.depth_bands_km)},
                  warnings=project.take_notes(), json_keys=("bands", "records"),
                  extra={"border": border})


def support(project: Project, *, within_km: float | None = None,
            within_min: float | None = None) -> Result:
    """Link defense positions that support each other: groups, isolated ones, weak links.

    Returns
    -------
    Result
        ``records`` (one per position: ``position`` id, ``layer``, ``kind``, ``name``,
        ``code``, ``component``, ``component_size``, ``degree``, ``isolated``);
        ``weakest_links`` (the bridges, with ``a_code``/``b_code`` beside the names);
        ``links`` (lines); values ``within_km`` and ``within_min``.
    """
    if within_km is not None and within_min is not None:
        raise PlanningError("both_limits")
    positions = inputs.require(inputs.assets(project, settings.support_kinds),
                               " / ".join(settings.support_kinds))
    graph = inputs.road_graph(project)[0] if within_min is not None else None
    result = mutual_support(positions, within_km=within_km, within_min=within_min,
                            network=graph)
    frame = with_attributes(positions, result.positions, label="position",
                            columns=LABEL_COLUMNS)
    weakest = _with_pair_codes(result.weakest, positions)
    links = _with_pair_codes(result.links, positions)
    km = within_km if within_km is not None or within_min is not None else (
        settings.support_within_km)
    return Result({"records": in_storage_crs(frame), "weakest_links": weakest,
                   "links": in_storage_crs(links)},
                  values={"within_km": km, "within_min": within_min},
                  settings={"within_km": km, "within_min": within_min},
                  warnings=project.take_notes(),
                  json_keys=("within_km", "within_min", "weakest_links", "records"))


def nearest(project: Project, *, by_road: bool = True,
            base_kind: str = "combat_base") -> Result:
    """Find the nearest base of every commune, in a straight line and by road.

    Returns
    -------
    Result
        ``records``: ``commune`` id, ``layer``, ``kind``, ``name``, ``code``, ``base``,
        ``base_code``, ``base_name``, ``distance_m``, ``road_base``, ``road_base_code``,
        ``road_base_name``, ``road_time_min`` and the commune polygon.
    """
    communes = inputs.communes(project)
    bases = inputs.require(inputs.assets(project, [base_kind]), base_kind)
    graph = inputs.road_graph(project)[0] if by_road else None
    table = nearest_bases(communes, bases, network=graph)
    table = add_labels(table, "base", bases, names=False)
    table = add_labels(table, "road_base", bases, names=False)
    frame = with_attributes(communes, table, label="commune", columns=LABEL_COLUMNS)
    return Result({"records": in_storage_crs(frame)},
                  settings={"base_kind": base_kind, "by_road": by_road,
                            "offroad_speed_kmh": settings.offroad_speed_kmh},
                  warnings=project.take_notes(), extra={"bases": bases})


def hazards(project: Project) -> Result:
    """Find the assets, sites and enterprises in hazard zones, and the roads through them.

    Returns
    -------
    Result
        ``records``: one row per (feature, zone) that meet (see
        :func:`geo.hazards.hazard_exposure`) with ``code`` and ``zone_code``; ``roads``:
        road lines through a zone (``road`` id, ``layer``, ``name``, ``hazard_length_m``,
        ``hazard_pct``, ``zones``, ``hazards``), with the parts inside in ``road_parts``.
    """
    zones = inputs.require(inputs.hazard_zones(project), "hazard_zone")
    features = inputs.assets(project, settings.posture_asset_kinds)
    pairs = hazard_exposure(features, zones)
    pairs = add_labels(pairs, "zone", zones, prefix="zone_", names=False)
    pairs = _insert_after(pairs, "name", "code", pairs["feature"].map(
        features["code"]).fillna("").astype("str"))
    lines = inputs.stacked(project, ["infrastructure"], ("name", "code"))
    lines = lines[lines.geom_type.isin(["LineString", "MultiLineString"])]
    flagged = route_hazards(lines, zones) if len(lines) else None
    if flagged is None:
        roads = pd.DataFrame(columns=["road", "layer", "name", "hazard_length_m",
                                      "hazard_pct", "zones", "hazards"])
        parts = gpd.GeoDataFrame(roads.assign(geometry=None), crs="EPSG:4326")
    else:
        hit = flagged["in_hazard"].to_numpy()
        joined = lines[["layer", "name"]].join(flagged.drop(columns=["geometry"]))
        roads = joined[hit].drop(columns="in_hazard").rename_axis("road").reset_index()
        parts = gpd.GeoDataFrame(roads, geometry=flagged.geometry.to_numpy()[hit],
                                 crs=flagged.crs)
    return Result({"records": pairs, "roads": roads, "road_parts": in_storage_crs(parts)},
                  warnings=project.take_notes(), json_keys=("records", "roads"),
                  extra={"zones": zones, "features": features})


def _with_pair_codes(frame: pd.DataFrame, positions: gpd.GeoDataFrame) -> pd.DataFrame:
    out = frame
    for end in ("a", "b"):
        if end in out.columns:
            out = add_labels(out, end, positions, names=False)
    return out


def _insert_after(frame: pd.DataFrame, after: str, column: str, values: pd.Series
                  ) -> pd.DataFrame:
    out = frame.copy()
    if column in out.columns:
        return out
    pos = out.columns.get_loc(after) + 1 if after in out.columns else len(out.columns)
    out.insert(pos, column, values.to_numpy())
    return out
