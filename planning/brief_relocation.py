"""The briefing of a relocation plan: plan A, plan B with road segments cut, the changes.

Made from :func:`planning.relocation.relocate` (the same result ``kvpt relocate`` prints
and the page shows): the overview compares the plans' totals; plan A (the intact network)
and, with a cut, plan B each get a map (sites by criteria, routes, enterprises) and the
table of every enterprise's site, route time, distance and reason when unplaced, with the
sites used; the changes get a map of the cut segments and the new routes, and their table.
"""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from geo.relocation import RelocationPlan
from planning import relocation
from planning.brief_messages import words
from planning.brief_tables import Block, BriefTable, BriefText, format_number, text_table
from planning.briefs import Brief, BriefItem, Overlay, finish, padded_bounds
from planning.project import Project
from planning.results import Result

ENTERPRISE_COLUMNS: tuple[str, ...] = ("enterprise", "name", "site", "site_name",
                                       "travel_min", "distance_km", "reason", "binding")
"""Columns of a plan's enterprise table."""

SITE_COLUMNS: tuple[str, ...] = ("site", "name", "used", "capacity", "area_used",
                                 "area_capacity", "n_enterprises", "depth_km")
"""Columns of a plan's table of the sites used."""

CHANGE_COLUMNS: tuple[str, ...] = ("enterprise", "name", "change", "site_a", "site_b",
                                   "travel_min_a", "travel_min_b", "delta_min", "route_cut")
"""Columns of the changes table."""


def relocation_brief(project: Project, *, cut: Iterable[str] = (),
                     enterprises: str | None = None, sites: str | None = None,
                     min_depth_km: float | None = None, max_min: float | None = None,
                     capacity_by: str | None = None, everyone: bool = False,
                     lang: str = "vi", classification: str | None = None,
                     result: Result | None = None) -> Brief:
    """Return the briefing of a relocation plan (with ``cut``: plan A, plan B, changes).

    Parameters are those of :func:`planning.relocation.relocate` (``everyone``: every
    enterprise, not only those that must relocate), with ``lang`` and ``classification``
    (as for :func:`planning.briefs.appraisal_brief`); ``result``: the plan already made
    with them (a page's), else it is made now.
    """
    options = {"enterprises": enterprises, "sites": sites, "min_depth_km": min_depth_km,
               "max_min": max_min, "capacity_by": capacity_by, "everyone": everyone}
    if result is None:
        result = relocation.relocate(project, cut=tuple(cut), **options)
    plan_a, plan_b = result.extra["plan_a"], result.extra["plan_b"]
    extent = padded_bounds([result.extra["enterprises"], result.extra["sites"]])
    items = [_plan_item("plan_a", plan_a, result, extent, lang)]
    if plan_b is not None:
        cut_lines = _cut_segments(project, plan_b.cut, options)
        items.append(_plan_item("plan_b", plan_b, result, extent, lang, cut_lines))
        items.append(_changes_item(result, plan_b, cut_lines, extent, lang))
    overview = BriefItem("overview", words("relocation_overview", lang), extent,
                         _context(result) + _points(result, plan_a),
                         [_totals_table(plan_a, plan_b, lang)])
    return finish(project, "relocation", lang, overview, items, {"relocation": result},
                  classification)


def plan_total(tag: str, plan: RelocationPlan, lang: str) -> str:
    """Return a plan's totals as the brief writes them (placed, total travel time)."""
    return words("plan_total", lang, plan=words(tag, lang).split(":")[0],
                 placed=plan.n_placed, total=len(plan.enterprises),
                 minutes=format_number(plan.total_travel_min, 1, lang),
                 proof="" if plan.optimal else words("not_optimal", lang))


def _plan_item(tag: str, plan: RelocationPlan, result: Result,
               extent: tuple[float, float, float, float], lang: str,
               cut_lines: gpd.GeoDataFrame | None = None) -> BriefItem:
    blocks: list[Block] = []
    if plan.cut:
        blocks.append(BriefText(words("cut_line", lang, segments=", ".join(plan.cut))))
    blocks.append(BriefText(plan_total(tag, plan, lang), "lead"))
    blocks.append(text_table(pd.DataFrame(plan.enterprises), ENTERPRISE_COLUMNS, lang,
                             caption=words("enterprises_table", lang)))
    used = plan.sites[plan.sites["selected"]]
    blocks.append(text_table(used, SITE_COLUMNS, lang, caption=words("sites_table", lang)))
    overlays = _context(result) + _site_overlays(plan, result)
    if cut_lines is not None and len(cut_lines):
        overlays.append(Overlay("segment_cut", "infrastructure", cut_lines))
    overlays += _routes(plan.enterprises) + _points(result, plan)
    return BriefItem(tag, words(tag, lang), extent, overlays, blocks)


def _changes_item(result: Result, plan_b: RelocationPlan, cut_lines: gpd.GeoDataFrame,
                  extent: tuple[float, float, float, float], lang: str) -> BriefItem:
    changes = result.tables["changes"]
    moved = plan_b.enterprises.loc[plan_b.enterprises.index.isin(changes["enterprise"])]
    overlays = _context(result) + _site_overlays(plan_b, result)
    if len(cut_lines):
        overlays.append(Overlay("segment_cut", "infrastructure", cut_lines))
    overlays += _routes(moved) + _points(result, plan_b)
    table: Block = text_table(changes, CHANGE_COLUMNS, lang) if len(changes) else \
        BriefText(words("no_changes", lang), "note")
    return BriefItem("changes", words("changes", lang), extent, overlays,
                     [BriefText(words("cut_line", lang, segments=", ".join(plan_b.cut))),
                      table])


def _totals_table(plan_a: RelocationPlan, plan_b: RelocationPlan | None,
                  lang: str) -> BriefTable:
    rows = [("plan_a", plan_a)] + ([("plan_b", plan_b)] if plan_b is not None else [])
    frame = pd.DataFrame({"plan": [words(tag, lang) for tag, _ in rows],
                          "placed": [p.n_placed for _, p in rows],
                          "n_enterprises": [len(p.enterprises) for _, p in rows],
                          "total_travel_min": [p.total_travel_min for _, p in rows]})
    heads = {"plan": words("plan_column", lang),
             "placed": {"vi": "Đã bố trí", "en": "Placed"}[lang],
             "total_travel_min": {"vi": "Tổng thời gian (phút)",
                                  "en": "Total travel time (min)"}[lang]}
    return text_table(frame, list(frame.columns), lang, headers=heads,
                      caption=words("plans_table", lang))


def _context(result: Result) -> list[Overlay]:
    out = []
    for key, kind in (("hazards", "hazard_zone"), ("border", "border")):
        frame = result.extra.get(key)
        if frame is not None and len(frame):
            out.append(Overlay("", kind, frame.to_crs(4326)))
    return out


def _site_overlays(plan: RelocationPlan, result: Result) -> list[Overlay]:
    sites, table = result.extra["sites"], plan.sites
    status = pd.Series("site_eligible", index=table.index)
    status[~(table["passes_depth"] & table["passes_hazard"])] = "site_failing"
    status[table["selected"]] = "site_selected"
    return [Overlay(role, "relocation_site", sites[(status == role).to_numpy()].to_crs(4326))
            for role in ("site_failing", "site_eligible", "site_selected")
            if (status == role).any()]


def _routes(table: gpd.GeoDataFrame) -> list[Overlay]:
    routes = table[table.geometry.notna() & ~table.geometry.is_empty]
    if not len(routes):
        return []
    frame = gpd.GeoDataFrame({"name": routes["name"]}, geometry=routes.geometry,
                             crs=routes.crs).to_crs(4326)
    return [Overlay("route", "infrastructure", frame)]


def _points(result: Result, plan: RelocationPlan) -> list[Overlay]:
    ents = result.extra["enterprises"]
    placed = plan.enterprises["site"].notna().reindex(ents.index, fill_value=False)
    out = []
    for role, part in (("enterprise_placed", ents[placed.to_numpy()]),
                       ("enterprise_unplaced", ents[~placed.to_numpy()])):
        if len(part):
            out.append(Overlay(role, "enterprise", part.to_crs(4326)))
    return out


def _cut_segments(project: Project, cut: tuple[str, ...], options: dict
                  ) -> gpd.GeoDataFrame:
    table = relocation.segments(project, **options).extra["segments"]
    part = table[table["segment_id"].isin(cut)]
    return gpd.GeoDataFrame({"name": part["segment_id"].astype(str)},
                            geometry=part.geometry, crs=table.crs).to_crs(4326)
