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
from geo.completeness import level_key, required_kinds
from geo.depth import band_labels, band_polygons, depth_crosstab, depth_from_border
from geo.hazards import hazard_exposure, route_hazards
from geo.nearest import nearest_bases
from geo.support import mutual_support
from geo.targets import asset_completion, built_mask
from layers.kinds import KINDS
from planning import inputs
from planning.errors import PlanningError
from planning.params import parse_bands
from planning.project import Project
from planning.results import Result, add_labels, in_storage_crs

LABEL_COLUMNS: tuple[str, ...] = ("layer", "kind", "name", "code")
WORK_COLUMNS: tuple[str, ...] = (*LABEL_COLUMNS, "work_status", "completion_pct")
"""Columns that name an asset in the depth and support tables: labels and build progress."""


def works(project: Project, kinds: Sequence[str] | None = None, *,
          built_only: bool = False) -> gpd.GeoDataFrame:
    """Return the assets of ``kinds`` with their ``status`` and ``completion_pct``.

    Parameters
    ----------
    project : Project
        The project.
    kinds : sequence of str, optional
        Kinds (default :func:`planning.inputs.posture_kinds`).
    built_only : bool
        Keep only the built ones (:func:`geo.targets.built_mask`: 100 % complete; a
        work with no status nor percentage follows
        :data:`geo.settings.posture_unknown_status_built`).

    Returns
    -------
    GeoDataFrame
        As :func:`planning.inputs.assets`, plus ``status``, ``percent_complete`` (the
        construction roadmap's latest actual percentage up to this year where it has
        one, else the layer's, :func:`planning.roadmap.completion_now`: the rule of the
        targets), ``work_status`` (the status; empty when none), ``completion_pct``
        (0–100, :func:`geo.targets.asset_completion`) and ``completion_source``
        (``roadmap``, ``attribute`` or ``none``).
    """
    from planning.roadmap import completion_now

    wanted = inputs.posture_kinds() if kinds is None else kinds
    frame, source = completion_now(project, inputs.stacked(
        project, wanted, (*inputs.ATTRIBUTES, "status", "percent_complete")))
    done = asset_completion(frame)
    frame["work_status"] = frame["status"]
    frame["completion_pct"] = 100.0 * done
    frame["completion_source"] = source
    return frame[done >= 1.0 - 1e-9] if built_only else frame


def completeness(project: Project, *,
                 requirements: Mapping[str, Sequence[str]] | None = None,
                 built_only: bool = False, share_min: float | None = None) -> Result:
    """Find which admin units lack which required kinds of asset.

    ``built_only`` counts only the built works (:func:`works`); otherwise a planned work
    counts as present and weighs in ``progress_pct`` by its completion. ``share_min`` is
    the share of combat villages ``"combat_villages"`` needs
    (:data:`geo.settings.combat_village_share_min` by default); a unit where it cannot be
    assessed (no village layer, no village in the unit) is noted in the warnings.

    Returns
    -------
    Result
        ``units``: one row per admin unit, ``unit`` id, ``layer``, ``kind``, then the
        columns of :func:`geo.completeness.completeness` and the unit polygon.
    """
    units = _with_unit_statuses(project, inputs.require(inputs.admin_units(project),
                                                        "admin_unit"))
    reqs = settings.posture_requirements if requirements is None else requirements
    assets = works(project)
    share = settings.combat_village_share_min if share_min is None else share_min
    table = unit_completeness(units, assets, requirements=reqs, built_only=built_only,
                              share_min=share)
    _note_unassessed(project, table, reqs)
    frame = with_attributes(units, table, label="unit", columns=("layer", "kind"))
    if built_only:
        assets = assets[built_mask(assets)]
    return Result({"units": in_storage_crs(frame)},
                  settings={"posture_requirements": {k: list(v) for k, v in reqs.items()},
                            "built_only": built_only,
                            "combat_village_share_min": share,
                            "posture_unknown_status_built":
                                settings.posture_unknown_status_built},
                  warnings=project.take_notes(),
                  extra={"assets": assets[assets["kind"].isin(required_kinds(reqs))]})


def depth(project: Project, *, bands: str | Sequence[float] | None = None,
          built_only: bool = False) -> Result:
    """Measure the depth of every asset behind the border line, in bands.

    ``built_only`` keeps only the built works (:func:`works`).

    Returns
    -------
    Result
        ``records``: ``asset`` id, ``layer``, ``kind``, ``name``, ``code``, ``work_status``,
        ``completion_pct``, ``depth_km``, ``band``, ``outside_province`` and the asset;
        ``crosstab`` (assets per kind and band); ``band_polygons``; value ``bands`` (the
        labels).
    """
    limits = parse_bands(bands)
    border = inputs.require(inputs.border(project), "border")
    assets = works(project, settings.posture_asset_kinds, built_only=built_only)
    area = inputs.province(project)
    table = depth_from_border(assets, border, area=area, bands_km=limits)
    frame = with_attributes(assets, table[["depth_km", "band", "outside_province"]],
                            label="asset", columns=WORK_COLUMNS)
    frame["band"] = frame["band"].astype("str")
    polygons = band_polygons(border, area, bands_km=limits)
    crosstab = depth_crosstab(table, assets["kind"])
    return Result({"records": in_storage_crs(frame), "crosstab": crosstab,
                   "band_polygons": in_storage_crs(polygons)},
                  values={"bands": band_labels(limits)},
                  settings={"depth_bands_km": list(limits or settings.depth_bands_km),
                            "built_only": built_only},
                  warnings=project.take_notes(), json_keys=("bands", "records"),
                  extra={"border": border})


def support(project: Project, *, within_km: float | None = None,
            within_min: float | None = None, built_only: bool = False) -> Result:
    """Link defense positions that support each other: groups, isolated ones, weak links.

    ``built_only`` links only the built works (:func:`works`): a planned position
    supports nobody yet.

    Returns
    -------
    Result
        ``records`` (one per position: ``position`` id, ``layer``, ``kind``, ``name``,
        ``code``, ``work_status``, ``completion_pct``, ``component``, ``component_size``,
        ``degree``, ``isolated``);
        ``weakest_links`` (the bridges, with ``a_code``/``b_code`` beside the names);
        ``links`` (lines); values ``within_km`` and ``within_min``.
    """
    if within_km is not None and within_min is not None:
        raise PlanningError("both_limits")
    positions = inputs.require(works(project, settings.support_kinds, built_only=built_only),
                               " / ".join(settings.support_kinds))
    graph = inputs.road_graph(project)[0] if within_min is not None else None
    result = mutual_support(positions, within_km=within_km, within_min=within_min,
                            network=graph)
    frame = with_attributes(positions, result.positions, label="position",
                            columns=WORK_COLUMNS)
    weakest = _with_pair_codes(result.weakest, positions)
    links = _with_pair_codes(result.links, positions)
    km = within_km if within_km is not None or within_min is not None else (
        settings.support_within_km)
    return Result({"records": in_storage_crs(frame), "weakest_links": weakest,
                   "links": in_storage_crs(links)},
                  values={"within_km": km, "within_min": within_min},
                  settings={"within_km": km, "within_min": within_min,
                            "built_only": built_only},
                  warnings=project.take_notes(),
                  json_keys=("within_km", "within_min", "weakest_links", "records"))


def nearest(project: Project, *, by_road: bool = True,
            base_kind: str = "combat_base", built_only: bool = False) -> Result:
    """Find the nearest base of every commune, in a straight line and by road.

    ``built_only`` looks only at the built bases (:func:`works`).

    Returns
    -------
    Result
        ``records``: ``commune`` id, ``layer``, ``kind``, ``name``, ``code``, ``base``,
        ``base_code``, ``base_name``, ``distance_m``, ``road_base``, ``road_base_code``,
        ``road_base_name``, ``road_time_min`` and the commune polygon.
    """
    communes = inputs.communes(project)
    bases = inputs.require(works(project, [base_kind], built_only=built_only), base_kind)
    graph = inputs.road_graph(project)[0] if by_road else None
    table = nearest_bases(communes, bases, network=graph)
    table = add_labels(table, "base", bases, names=False)
    table = add_labels(table, "road_base", bases, names=False)
    frame = with_attributes(communes, table, label="commune", columns=LABEL_COLUMNS)
    return Result({"records": in_storage_crs(frame)},
                  settings={"base_kind": base_kind, "by_road": by_road,
                            "built_only": built_only,
                            "offroad_speed_kmh": settings.offroad_speed_kmh},
                  warnings=project.take_notes(), extra={"bases": bases})


def hazards(project: Project, *, built_only: bool = False) -> Result:
    """Find the assets, sites and enterprises in hazard zones, and the roads through them.

    ``built_only`` looks only at the built ones (:func:`works`).

    Returns
    -------
    Result
        ``records``: one row per (feature, zone) that meet (see
        :func:`geo.hazards.hazard_exposure`) with ``code`` and ``zone_code``; ``roads``:
        road lines through a zone (``road`` id, ``layer``, ``name``, ``hazard_length_m``,
        ``hazard_pct``, ``zones``, ``hazards``), with the parts inside in ``road_parts``.
    """
    zones = inputs.require(inputs.hazard_zones(project), "hazard_zone")
    features = works(project, settings.posture_asset_kinds, built_only=built_only)
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


def _with_unit_statuses(project: Project, units: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Add the unit attributes of :data:`geo.settings.unit_status_kinds` (``combat_year``)."""
    columns = tuple(dict.fromkeys(settings.unit_status_kinds.values()))
    if not columns:
        return units
    found = inputs.stacked(project, ["admin_unit"], (*inputs.UNIT_ATTRIBUTES, *columns))
    return units.assign(**{c: found.loc[units.index, c].to_numpy() for c in columns})


def parse_requirements(items: Sequence[str]) -> dict[str, list[str]]:
    """Parse ``LEVEL=KIND,KIND`` items over :data:`geo.settings.posture_requirements`.

    ``commune=combat_villages`` makes communes require combat villages; ``commune=``
    requires nothing of them. Levels are any spelling of a level (``xã``, ``thôn``…).

    Raises
    ------
    PlanningError
        If an item is not ``LEVEL=KINDS`` or names an unknown level or kind.
    """
    reqs = {k: list(v or ()) for k, v in settings.posture_requirements.items()}
    for item in items:
        level_text, sep, kinds = str(item).partition("=")
        level = level_key(level_text)
        if not sep or level is None:
            raise PlanningError("bad_requirement", item=item)
        reqs[level] = [k.strip() for k in kinds.split(",") if k.strip()]
        known = [*KINDS, *settings.unit_status_kinds, *settings.unit_share_kinds]
        unknown = [k for k in reqs[level] if k not in known]
        if unknown:
            raise PlanningError("bad_requirement_kind", kind=unknown[0],
                                kinds=", ".join(known))
    return reqs


def _note_unassessed(project: Project, table: pd.DataFrame,
                     reqs: Mapping[str, Sequence[str]]) -> None:
    """Note the units whose combat-village share cannot be assessed (no village in them)."""
    for kind, (level, _status) in settings.unit_share_kinds.items():
        wanted = [lv for lv, kinds in reqs.items() if kind in (kinds or ())]
        column = f"{kind}_pct"
        if not wanted or column not in table.columns:
            continue
        blank = table[table["level"].isin(wanted) & table[column].isna()]
        if not len(blank):
            continue
        if not (table["level"] == level).any():
            project.note("combat_villages_no_layer", count=len(blank))
        else:
            names = blank["name"].fillna("").astype("str")
            project.note("combat_villages_none_in_unit", count=len(blank),
                         examples=", ".join(repr(n) for n in names[:3]))


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
