"""The briefing of an evacuation: people at risk, the plan, the communes left, shelter loads.

Made from :func:`planning.evacuation.evacuate` (the same result ``kvpt evacuate`` prints
and the Evacuation page shows): the overview gives the totals (people at risk,
sheltered, left without a shelter) and the options used over a map of the hazard zones,
the parts of the communes to evacuate and the shelters; the plan's item maps the routes
and tables every commune; the next item lists the communes with people left and why;
the last one the load of each shelter.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geo.hazards import hazard_type
from planning import evacuation, inputs
from planning.brief_messages import words
from planning.brief_tables import Block, BriefText, format_number, text_table
from planning.briefs import (
    Brief,
    BriefItem,
    Overlay,
    finish,
    padded_bounds,
    settings_table,
)
from planning.project import Project
from planning.results import Result
from planning.table_labels import value_text

COMMUNE_COLUMNS: tuple[str, ...] = ("code", "name", "hazards", "population", "at_risk",
                                    "evacuated", "unserved", "shelters", "max_group_min")
"""Columns of the plan's commune table."""

UNSERVED_COLUMNS: tuple[str, ...] = ("code", "name", "at_risk", "evacuated", "unserved",
                                     "reason")
"""Columns of the table of communes with people left."""

SHELTER_COLUMNS: tuple[str, ...] = ("shelter", "name", "shelter_capacity", "sheltered",
                                    "load_pct", "n_groups", "in_hazard")
"""Columns of the shelter load table."""

Extent = tuple[float, float, float, float]


def evacuation_brief(project: Project, *, shelters: str | None = None,
                     hazard_types: Iterable[str] | None = None, max_min: float | None = None,
                     group_size: int | None = None, population_rule: str | None = None,
                     lang: str = "vi", classification: str | None = None,
                     result: Result | None = None) -> Brief:
    """Return the briefing of an evacuation plan.

    Parameters
    ----------
    project : Project
        The project.
    shelters, hazard_types, max_min, group_size, population_rule : optional
        As for :func:`planning.evacuation.evacuate`.
    lang : {"vi", "en"}
        Language of the brief.
    classification : str, optional
        Marking instead of the project's (``""``: none).
    result : Result, optional
        The plan already made with these options (a page's), else made now.
    """
    if result is None:
        result = evacuation.evacuate(
            project, shelters=shelters, max_min=max_min, group_size=group_size,
            hazard_types=None if hazard_types is None else tuple(hazard_types),
            population_rule=population_rule)
    communes = result.tables["communes"]
    used = _shelter_status(result)
    extent = _extent(project, result, used)
    base = _context(result)
    items = [_plan_item(result, base, used, extent, lang),
             _unserved_item(result, base, extent, lang),
             _shelters_item(result, base, used, extent, lang)]
    overview = BriefItem("overview", words("evacuation_overview", lang), extent,
                         base + _parts(communes) + _shelter_overlays(result, used),
                         _overview_blocks(result, lang))
    made = finish(project, "evacuation", lang, overview, items, {"evacuation": result},
                  classification)
    made.settings = settings_table({"evacuation": _settings_words(result, lang)}, lang)
    return made


def totals_line(result: Result, lang: str) -> str:
    """Return the evacuation's totals as the brief writes them (people, communes)."""
    v = result.values
    return words("evacuation_totals", lang, communes=v["n_communes"],
                 at_risk=_n(v["at_risk"], lang), evacuated=_n(v["evacuated"], lang),
                 unserved=_n(v["at_risk"] - v["evacuated"], lang),
                 n_unserved=v["n_unserved"],
                 proof="" if v["optimal"] else words("not_optimal", lang))


def options_line(result: Result, lang: str) -> str:
    """Return the options the plan used, in words (hazard types, time, groups, rule)."""
    plan, types = result.extra["plan"], result.settings["hazard_types"]
    hazards = (", ".join(str(value_text(t, lang)) for t in types) if isinstance(types, list)
               else words("evacuation_all_hazards", lang))
    size = (_n(plan.group_size, lang) if plan.group_size
            else words("evacuation_whole_commune", lang))
    return words("evacuation_options", lang, hazards=hazards,
                 max_min=format_number(plan.max_travel_min, None, lang), group_size=size,
                 rule=words(f"evacuation_rule_{plan.population_rule}", lang))


def _settings_words(result: Result, lang: str) -> dict:
    """Return the plan's settings with their codes (rule, hazard types) in ``lang``."""
    used = dict(result.settings)
    types = used.get("hazard_types")
    used["hazard_types"] = ([str(value_text(t, lang)) for t in types] if isinstance(types, list)
                            else words("evacuation_all_hazards", lang))
    rule = used.get("population_rule")
    if rule in ("area_share", "whole"):
        used["population_rule"] = words(f"evacuation_rule_{rule}", lang)
    return used


def _overview_blocks(result: Result, lang: str) -> list[Block]:
    blocks: list[Block] = [BriefText(totals_line(result, lang), "lead"),
                           BriefText(options_line(result, lang))]
    if not len(result.tables["communes"]):
        blocks.append(BriefText(words("evacuation_nobody", lang), "note"))
    return blocks


def _plan_item(result: Result, base: list[Overlay], used: pd.Series, extent: Extent,
               lang: str) -> BriefItem:
    communes = result.tables["communes"].copy()
    communes["hazards"] = [_hazard_words(v, lang) for v in communes["hazards"]]
    table: Block = (text_table(communes, COMMUNE_COLUMNS, lang,
                               caption=words("evacuation_communes", lang))
                    if len(communes) else BriefText(words("evacuation_nobody", lang), "note"))
    overlays = (base + _parts(result.tables["communes"]) + _routes(result)
                + _shelter_overlays(result, used))
    return BriefItem("plan", words("evacuation_plan", lang), extent, overlays,
                     [BriefText(totals_line(result, lang), "lead"), table])


def _unserved_item(result: Result, base: list[Overlay], extent: Extent, lang: str
                   ) -> BriefItem:
    left = evacuation.unserved_table(result)
    blocks: list[Block]
    if len(left):
        left["reason"] = [words(f"evacuation_reason_{r}", lang) if isinstance(r, str) else r
                          for r in left["reason"]]
        blocks = [BriefText(words("evacuation_unserved_line", lang, count=len(left),
                                  people=_n(left["unserved"].sum(), lang)), "lead"),
                  text_table(left, UNSERVED_COLUMNS, lang)]
    else:
        blocks = [BriefText(words("evacuation_all_served", lang), "lead")]
    communes = result.tables["communes"]
    shown = communes[communes["unserved"] > 0]
    overlays = base + ([Overlay("evacuate:unserved", "admin_unit", _named(shown))]
                       if len(shown) else [])
    return BriefItem("unserved", words("evacuation_unserved", lang), extent, overlays,
                     blocks)


def _shelters_item(result: Result, base: list[Overlay], used: pd.Series, extent: Extent,
                   lang: str) -> BriefItem:
    table = result.tables["shelters"].copy()
    capacity = table["shelter_capacity"].astype(float)
    table["load_pct"] = (100.0 * table["sheltered"] / capacity).where(capacity > 0)
    table = table.sort_values(["sheltered", "shelter"], ascending=[False, True], kind="stable")
    line = words("evacuation_shelters_line", lang, used=int(used.sum()), total=len(table),
                 sheltered=_n(table["sheltered"].sum(), lang),
                 capacity=_n(table.loc[~table["in_hazard"], "shelter_capacity"].sum(), lang),
                 in_hazard=int(table["in_hazard"].sum()))
    heads = {"load_pct": words("evacuation_load_pct", lang)}
    blocks: list[Block] = [BriefText(line, "lead"),
                           text_table(table, SHELTER_COLUMNS, lang, headers=heads)]
    return BriefItem("shelters", words("evacuation_shelters", lang), extent,
                     base + _shelter_overlays(result, used), blocks)


def _shelter_status(result: Result) -> pd.Series:
    """Whether each shelter of the inputs takes people in the plan (by shelter label)."""
    frame = result.extra["shelters"]
    selected = result.extra["plan"].shelters["selected"]
    return selected.reindex(frame.index).fillna(False).astype(bool)


def _extent(project: Project, result: Result, used: pd.Series) -> Extent:
    communes = result.tables["communes"]
    if len(communes):
        return padded_bounds([communes, result.extra["shelters"][used.to_numpy()]], 3000.0)
    area = inputs.province(project)
    return padded_bounds([area if area is not None else result.extra["hazards"]], 3000.0)


def _context(result: Result) -> list[Overlay]:
    zones = result.extra["hazards"]
    if not len(zones):
        return []
    keep = [c for c in ("name", "fictional") if c in zones.columns]
    frame = gpd.GeoDataFrame(zones[keep], geometry=zones.geometry, crs=zones.crs).to_crs(4326)
    return [Overlay("evacuate:zone", "hazard_zone", frame)]


def _parts(communes: gpd.GeoDataFrame) -> list[Overlay]:
    return [Overlay("evacuate:part", "admin_unit", _named(communes))] if len(communes) else []


def _named(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep a frame's ``name`` and ``code`` (written on the map) in EPSG:4326."""
    keep = [c for c in ("name", "code") if c in frame.columns]
    part = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    return gpd.GeoDataFrame(part[keep], geometry=part.geometry, crs=frame.crs).to_crs(4326)


def _routes(result: Result) -> list[Overlay]:
    groups = result.tables["groups"]
    routes = groups[groups.geometry.notna() & ~groups.geometry.is_empty]
    if not len(routes):
        return []
    frame = gpd.GeoDataFrame({"name": routes["name"].astype(str)}, geometry=routes.geometry,
                             crs=routes.crs).to_crs(4326)
    return [Overlay("evacuate:route", "infrastructure", frame)]


def _shelter_overlays(result: Result, used: pd.Series) -> list[Overlay]:
    frame = result.extra["shelters"]
    frame = frame.assign(code=[str(i) for i in frame.index])
    keep = [c for c in ("name", "code", "fictional") if c in frame.columns]
    out = []
    for role, mask in (("evacuate:shelter_unused", ~used), ("evacuate:shelter_used", used)):
        part = frame[mask.to_numpy()]
        if len(part):
            out.append(Overlay(role, "shelter", gpd.GeoDataFrame(
                part[keep], geometry=part.geometry, crs=frame.crs).to_crs(4326)))
    return out


def _hazard_words(codes: object, lang: str) -> str:
    """Return comma-separated hazard codes (``"flood, landslide"``) in ``lang``."""
    parts = [p.strip() for p in str(codes).split(",")] if isinstance(codes, str) else []
    return ", ".join(str(value_text(hazard_type(p) or p, lang)) for p in parts if p)


def _n(value: float, lang: str) -> str:
    return format_number(float(value), 0, lang)
