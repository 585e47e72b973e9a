"""Briefing packs: the items of a meeting's PDF, assembled from the analyses' results.

A :class:`Brief` is what a briefing says, in the reader's language, before any drawing:
its title, the overview (a map's contents and a summary table), one :class:`BriefItem` per
thing discussed (a proposed project, a relocation plan, a posture question) with what its
map shows (:class:`Overlay`: result features, each with a style role that
:mod:`maps.brief_maps` knows) and its text and tables, and the settings every analysis
used (:attr:`planning.results.Result.settings`). The content is the results' own (the
same objects the command line prints and the pages show), features named by their own
codes and names.

This module holds the shared parts and the appraisal brief (a page per proposal, with a
drafted opinion the officer can replace, :mod:`planning.opinions`);
:mod:`planning.brief_relocation`, :mod:`planning.brief_posture` and
:mod:`planning.brief_evacuation` hold the others.
:mod:`maps.briefing` draws a brief.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings as geo_settings
from geo.appraisal import protection_zones
from planning import appraisal as appraisal_analysis
from planning import opinion_records, prints
from planning.atlas import province_name
from planning.brief_messages import SETTING_LABELS, words
from planning.brief_tables import Block, BriefTable, BriefText, setting_text, text_table
from planning.opinions import check_opinions
from planning.project import Project
from planning.results import Result
from planning.table_labels import value_text

REFERENCE_KINDS: tuple[str, ...] = ("admin_unit", "border", "infrastructure", "river",
                                    "place")
"""Kinds of the project layers drawn under every briefing map."""

SECTIONS: dict[str, str] = {
    "appraisal": "appraisal_section", "relocation": "relocation_section",
    "evacuation": "evacuation_section",
    "completeness": "completeness", "depth": "depth", "support": "support"}
"""Analysis → its name in :data:`planning.brief_messages.BRIEF_TEXTS` (settings table)."""

MIN_PAD_M = 1500.0
"""An item's map shows at least this much around its features (metres)."""

PAIR_COLUMNS: tuple[str, ...] = ("work_code", "work_name", "work_kind", "distance_m",
                                 "overlap_m2", "zone_overlap_m2", "zone_width_m", "verdict")
"""Columns of a proposal's table of works."""

PROJECT_COLUMNS: tuple[str, ...] = ("proposal_code", "proposal_name", "verdict",
                                    "n_conflict", "n_zone", "n_near", "nearest_work_code",
                                    "nearest_distance_m")
"""Columns of the appraisal overview table."""


@dataclass(frozen=True)
class Overlay:
    """Result features drawn on an item's map.

    Attributes
    ----------
    role : str
        Style of :data:`maps.brief_maps.ROLES` (``"verdict:conflict"``, ``"route"``…);
        ``""``: the kind's own style and label.
    kind : str
        Layer kind (symbol, legend group).
    frame : GeoDataFrame
        The features (EPSG:4326), with ``code`` and ``name`` where known (codes are
        written on the map).
    name : str
        The layer's name, the legend label when the role has none.
    """

    role: str
    kind: str
    frame: gpd.GeoDataFrame
    name: str = ""


@dataclass
class BriefItem:
    """One thing a briefing discusses: a map and its text.

    Attributes
    ----------
    key : str
        Stable name (a proposal's code, ``"plan_a"``…).
    title : str
        Page title.
    extent : tuple of float
        ``(minx, miny, maxx, maxy)`` in degrees the map shows.
    overlays : list of Overlay
        Drawn over the project's reference layers.
    blocks : list of BriefText or BriefTable
        The text and tables under the map.
    """

    key: str
    title: str
    extent: tuple[float, float, float, float]
    overlays: list[Overlay] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Brief:
    """A briefing pack before it is drawn.

    Attributes
    ----------
    kind : {"appraisal", "relocation", "posture", "evacuation"}
        What it is about.
    title : str
        Title of the cover and every page's subtitle.
    lang : str
        Language of every word.
    context : list of str
        Project layers drawn under every map (:data:`REFERENCE_KINDS`).
    overview : BriefItem
        The overview map and summary.
    items : list of BriefItem
        One (or more pages) each.
    settings : BriefTable
        Every setting used, by analysis (the last page).
    issuing_unit, classification : str, optional
        From the project's print settings (the marking as overridden).
    warnings : list of str
        Notes on the inputs, in the language.
    results : dict of str to Result
        The results the brief was made from, by analysis.
    grid : str
        Coordinate grid of the maps (the project's print setting).
    grid_crs : str, optional
        The VN-2000 grid of a ``vn2000`` grid (:func:`planning.prints.vn2000_grid`).
    """

    kind: str
    title: str
    lang: str
    context: list[str]
    overview: BriefItem
    items: list[BriefItem]
    settings: BriefTable
    issuing_unit: str | None = None
    classification: str | None = None
    warnings: list[str] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    grid: str = "degrees"
    grid_crs: str | None = None


def appraisal_brief(project: Project, proposals: str, *,
                    zones: Mapping[str, float] | None = None, search_m: float | None = None,
                    near_m: float | None = None, lang: str = "vi",
                    opinions: Mapping[str, str] | None = None,
                    classification: str | None = None, result: Result | None = None
                    ) -> Brief:
    """Return the briefing of an appraisal: an overview, then a page per proposal.

    Parameters
    ----------
    project : Project
        The project.
    proposals : str
        The layer of proposed projects.
    zones, search_m, near_m : optional
        As for :func:`planning.appraisal.appraise`.
    lang : {"vi", "en"}
        Language of the brief.
    opinions : mapping, optional
        Edited opinions by proposal key (:func:`proposal_keys`: the code, else the id);
        the others (and empty ones) are the opinions saved in the project (the Appraisal
        page's, :mod:`planning.opinion_records`), else drafted
        (:func:`planning.opinions.draft_opinion`).
    classification : str, optional
        Marking instead of the project's (``""``: none).
    result : Result, optional
        The appraisal already made with these options (a page's), else made now.

    Raises
    ------
    PlanningError
        If the layer is not one of proposals, or an opinion names no proposal of it.
    """
    if result is None:
        result = appraisal_analysis.appraise(project, proposals, zones=zones,
                                             search_m=search_m, near_m=near_m)
    keys = proposal_keys(result)
    check_opinions(opinions or {}, keys, proposals)
    texts = {**drafted_opinions(result, lang), **saved_opinions(project, result),
             **{k: v for k, v in (opinions or {}).items() if v.strip()}}
    projects, pairs = result.tables["projects"], result.main
    base = _appraisal_overlays(project, result)
    items = []
    for key, row in zip(keys, projects.to_dict("records"), strict=True):
        own = pairs[pairs["proposal_id"] == row["proposal_id"]]
        items.append(_proposal_item(result, key, row, own, base, texts[key], lang))
    proposals_frame = result.extra["proposals"]
    overview = BriefItem("overview", words("appraisal_overview", lang),
                         padded_bounds([proposals_frame], MIN_PAD_M * 2), base,
                         [text_table(projects, PROJECT_COLUMNS, lang)])
    return finish(project, "appraisal", lang, overview, items, {"appraisal": result},
                  classification)


def proposal_keys(result: Result) -> list[str]:
    """Return the key of each appraised proposal: its code, else its id."""
    projects = result.tables["projects"]
    return [code if code else ident for code, ident in
            zip(projects["proposal_code"], projects["proposal_id"], strict=True)]


def drafted_opinions(result: Result, lang: str = "vi") -> dict[str, str]:
    """Return the drafted opinion of every proposal of an appraisal, by proposal key."""
    drafts = opinion_records.drafted(result, lang)
    return {key: drafts[ident] for key, ident in
            zip(proposal_keys(result), result.tables["projects"]["proposal_id"], strict=True)}


def saved_opinions(project: Project, result: Result) -> dict[str, str]:
    """Return the opinions saved in the project on the proposals of ``result``, by key."""
    table = opinion_records.opinion_table(project, result)
    saved = dict(zip(table["proposal_id"], table["opinion"].where(table["status"] == "saved"),
                     strict=True))
    return {key: saved[ident] for key, ident in
            zip(proposal_keys(result), result.tables["projects"]["proposal_id"], strict=True)
            if isinstance(saved.get(ident), str) and saved[ident].strip()}


def finish(project: Project, kind: str, lang: str, overview: BriefItem,
           items: list[BriefItem], results: Mapping[str, Result],
           classification: str | None) -> Brief:
    """Return the brief of ``items``: title, print settings, reference layers, settings."""
    inputs = prints.print_inputs(project, classification=classification)
    province = province_name(project)
    title = words(f"{kind}_title", lang) + (f" – {province}" if province else "")
    warnings = list(dict.fromkeys(w.text(lang) for r in results.values() for w in r.warnings))
    return Brief(kind, title, lang, project.names(REFERENCE_KINDS), overview, items,
                 settings_table({k: r.settings for k, r in results.items()}, lang),
                 inputs.issuing_unit, inputs.classification, warnings, dict(results),
                 inputs.grid, inputs.grid_crs)


def settings_table(sections: Mapping[str, Mapping[str, Any]], lang: str) -> BriefTable:
    """Return every setting used as a table: analysis, setting (words and key), value."""
    i = 0 if lang == "vi" else 1
    rows = [[words(SECTIONS.get(section, section), lang) if SECTIONS.get(section) else
             section, SETTING_LABELS.get(key, (key, key))[i], key, setting_text(value, lang)]
            for section, used in sections.items() for key, value in used.items()]
    heads = {"vi": ["Phân tích", "Thiết lập", "Khóa", "Giá trị"],
             "en": ["Analysis", "Setting", "Key", "Value"]}[lang]
    return BriefTable(heads, rows, ["analysis", "label", "key", "value"], [False] * 4,
                      words("settings_title", lang))


def padded_bounds(frames: Iterable[gpd.GeoDataFrame | gpd.GeoSeries | None],
                  pad_m: float = MIN_PAD_M) -> tuple[float, float, float, float]:
    """Return the bounds (degrees) of ``frames`` with ``pad_m`` metres all round."""
    parts = [f.geometry if isinstance(f, gpd.GeoDataFrame) else f for f in frames
             if f is not None and len(f)]
    metric = geo_settings.metric_crs or "EPSG:3405"
    geoms = pd.concat([p.to_crs(metric) for p in parts]) if parts else gpd.GeoSeries(
        [shapely.Point(106.7, 21.85)], crs=4326).to_crs(metric)
    minx, miny, maxx, maxy = geoms.total_bounds
    box = shapely.box(minx - pad_m, miny - pad_m, maxx + pad_m, maxy + pad_m)
    out = gpd.GeoSeries([box], crs=metric).to_crs(4326).total_bounds
    return tuple(float(v) for v in out)  # type: ignore[return-value]


def kind_overlays(project: Project, frame: gpd.GeoDataFrame, role: str = ""
                  ) -> list[Overlay]:
    """Return one overlay per layer of a stacked frame (its ``layer`` and ``kind``).

    Features keep their layer's ``fictional`` attribute, so the map's legend and sources
    say a layer is fictional as the project's own map does.
    """
    keys = ["layer", "kind"] if "layer" in frame.columns else ["kind"]
    out = []
    for key, part in frame.groupby(keys, sort=False):
        layer, kind = (key if len(keys) == 2 else ("", key[0]))
        part = part.drop(columns=keys).to_crs(4326)
        if layer and project.kind_of(str(layer)) is not None and "fictional" not in part:
            source = project.read(str(layer))
            rows = [str(i).rsplit(":", 1)[-1] for i in part.index]
            if "fictional" in source.columns and all(r.isdigit() for r in rows):
                part = part.assign(fictional=source["fictional"].iloc[
                    [int(r) for r in rows]].to_numpy())
        out.append(Overlay(role, str(kind), part, str(layer)))
    return out


def _appraisal_overlays(project: Project, result: Result) -> list[Overlay]:
    works = result.extra["works"]
    out = []
    if len(works):
        rings = protection_zones(works, zones=result.extra.get("zones") or {})
        zone_frame = gpd.GeoDataFrame(works[["name", "kind"]], geometry=rings.to_numpy(),
                                      crs=rings.crs).to_crs(4326)
        out.append(Overlay("zone", "hazard_zone", zone_frame.drop(columns="kind")))
        out += kind_overlays(project, works)
    props = result.extra["proposals"]
    verdicts = result.tables["projects"]["verdict"].to_numpy()
    for verdict in ("conflict", "protection_zone", "near", "clear"):
        part = props[verdicts == verdict]
        if len(part):
            out.append(Overlay(f"verdict:{verdict}", "proposed_project", part.to_crs(4326)))
    return out


def _proposal_item(result: Result, key: str, row: dict, pairs: pd.DataFrame,
                   overlays: list[Overlay], opinion: str, lang: str) -> BriefItem:
    props, works = result.extra["proposals"], result.extra["works"]
    shape = props.iloc[[int(row["index"])]]
    near = works.loc[[w for w in pairs["work"] if w in works.index]]
    label = " – ".join(v for v in (row["proposal_code"], row["proposal_name"]) if v) or key
    search = result.settings.get("search_distance_m")
    blocks: list[Block] = [
        BriefText(words("verdict_line", lang, verdict=value_text(row["verdict"], lang)),
                  "lead"),
        BriefText(words("works_line", lang, search=setting_text(search, lang),
                        count=len(pairs))),
        text_table(pairs, PAIR_COLUMNS, lang, caption=words("works_table", lang))
        if len(pairs) else BriefText(words("none_found", lang), "note"),
        BriefText(words("opinion_head", lang), "heading"),
        BriefText(opinion),
    ]
    return BriefItem(key, words("appraisal_item", lang, label=label),
                     padded_bounds([shape, near]), overlays, blocks)
