"""The briefing of the defense posture: completeness per unit, depth bands, mutual support.

Made from :mod:`planning.posture` (:func:`~planning.posture.completeness`,
:func:`~planning.posture.depth`, :func:`~planning.posture.support`: what ``kvpt posture``,
``kvpt depth`` and ``kvpt support`` print and the Posture page shows). Each question is an
item: a map (units coloured by completeness; the depth bands under the assets; the links
between positions, the weak ones marked) and its tables.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from planning import inputs, posture
from planning.brief_messages import words
from planning.brief_tables import Block, BriefTable, BriefText, setting_text, text_table
from planning.briefs import Brief, BriefItem, Overlay, finish, kind_overlays, padded_bounds
from planning.project import Project
from planning.results import Result
from planning.table_labels import header, value_text

UNIT_COLUMNS: tuple[str, ...] = ("level", "code", "name", "missing", "completeness_pct")
"""Columns of the completeness table."""

DEPTH_COLUMNS: tuple[str, ...] = ("code", "name", "kind", "depth_km", "band")
"""Columns of the table of every asset's depth."""

WEAK_COLUMNS: tuple[str, ...] = ("a_code", "a_name", "b_code", "b_name", "distance_m",
                                 "time_min")
"""Columns of the weakest links table."""

Extent = tuple[float, float, float, float]

CLASSES: tuple[tuple[str, float], ...] = (("full", 100.0), ("half", 50.0), ("low", 0.0))
"""Completeness classes (role ``completeness:<class>``) by lowest percentage."""


def posture_brief(project: Project, *, bands: str | None = None,
                  within_km: float | None = None, within_min: float | None = None,
                  lang: str = "vi", classification: str | None = None,
                  built_only: bool = False) -> Brief:
    """Return the briefing of the posture: completeness, depth and mutual support.

    Parameters
    ----------
    project : Project
        The project.
    bands : str, optional
        Depth band limits (km), as for :func:`planning.posture.depth`.
    within_km, within_min : float, optional
        Link distance or road time, as for :func:`planning.posture.support`.
    lang : {"vi", "en"}
        Language of the brief.
    classification : str, optional
        Marking instead of the project's (``""``: none).
    built_only : bool
        Count only the built works (:func:`planning.posture.works`: 100 % complete by the
        construction roadmap, else by the layer); every page's subtitle and the
        overview say so.
    """
    done = posture.completeness(project, built_only=built_only)
    deep = posture.depth(project, bands=bands, built_only=built_only)
    linked = posture.support(project, within_km=within_km, within_min=within_min,
                             built_only=built_only)
    area = inputs.province(project)
    extent = padded_bounds([area if area is not None else done.main], 3000.0)
    shown = inputs.assets(project, None)
    if built_only:
        shown = shown[shown.index.isin(posture.works(project, built_only=True).index)]
    assets = kind_overlays(project, shown)
    items = [_completeness_item(project, done, extent, lang),
             _depth_item(deep, assets, extent, lang),
             _support_item(project, linked, extent, lang)]
    scope = [BriefText(words("built_only_line", lang), "lead")] if built_only else []
    overview = BriefItem("overview", words("posture_overview", lang), extent, assets,
                         [*scope, BriefText(_completeness_line(done.main, lang), "lead"),
                          BriefText(_support_line(linked.main, linked.settings, lang)),
                          _crosstab(deep.tables["crosstab"], lang)])
    made = finish(project, "posture", lang, overview, items,
                  {"completeness": done, "depth": deep, "support": linked}, classification)
    if built_only:
        made.title += words("built_only_title", lang)
    return made


def _completeness_item(project: Project, result: Result, extent: Extent, lang: str
                       ) -> BriefItem:
    units = result.main
    judged = units[units["n_required"] > 0]
    finest = next((lv for lv in ("commune", "district", "province")
                   if (judged["level"] == lv).any()), None)
    shown = judged[judged["level"] == finest] if finest else judged
    overlays = []
    pct = shown["completeness_pct"].fillna(0.0)
    for role, low in CLASSES:
        part = shown[(pct >= low).to_numpy() & _below(pct, role).to_numpy()]
        if len(part):
            overlays.append(Overlay(f"completeness:{role}", "admin_unit",
                                    gpd.GeoDataFrame(part[["name", "code", "geometry"]],
                                                     crs=units.crs)))
    overlays += kind_overlays(project, result.extra["assets"])
    blocks: list[Block] = [BriefText(_completeness_line(units, lang), "lead"),
                           text_table(judged, UNIT_COLUMNS, lang)]
    return BriefItem("completeness", words("completeness", lang), extent, overlays, blocks)


def _depth_item(result: Result, assets: list[Overlay], extent: Extent, lang: str
                ) -> BriefItem:
    polygons = result.tables["band_polygons"]
    overlays = [Overlay(f"band:{i}", "hazard_zone", gpd.GeoDataFrame(
        {"name": [row["band"]]}, geometry=[row.geometry], crs=polygons.crs))
        for i, (_, row) in enumerate(polygons.iterrows())]
    records = result.main.sort_values(["depth_km"])
    blocks: list[Block] = [
        _crosstab(result.tables["crosstab"], lang),
        text_table(records, DEPTH_COLUMNS, lang, caption=words("depth_records", lang))]
    return BriefItem("depth", words("depth", lang), extent, overlays + assets, blocks)


def _support_item(project: Project, result: Result, extent: Extent, lang: str
                  ) -> BriefItem:
    frame = result.main
    links = result.tables["links"]
    overlays = []
    for role, part in (("link", links[~links["bridge"]]), ("bridge", links[links["bridge"]])):
        if len(part):
            overlays.append(Overlay(role, "infrastructure", gpd.GeoDataFrame(
                {"name": part["a_code"] + " – " + part["b_code"]}, geometry=part.geometry,
                crs=links.crs)))
    positions = frame.set_index("position")
    overlays += kind_overlays(project, positions[~positions["isolated"]])
    overlays += kind_overlays(project, positions[positions["isolated"]], role="isolated")
    groups = frame.groupby("component", sort=True).agg(
        component_size=("code", "size"),
        members=("code", lambda c: ", ".join(sorted(str(v) for v in c if v))))
    weak = result.tables["weakest_links"]
    blocks: list[Block] = [
        BriefText(_support_line(frame, result.settings, lang), "lead"),
        text_table(groups.reset_index(), ["component", "component_size", "members"], lang,
                   caption=words("support_groups", lang),
                   headers={"members": words("members", lang)}),
        text_table(weak, WEAK_COLUMNS, lang, caption=words("support_weak", lang))
        if len(weak) else BriefText(words("none_found", lang), "note")]
    return BriefItem("support", words("support", lang), extent, overlays, blocks)


def _crosstab(table: pd.DataFrame, lang: str) -> BriefTable:
    frame = table.reset_index()
    first = frame.columns[0]
    frame[first] = [value_text(str(k), lang) if k != "total" else
                    {"vi": "Tổng", "en": "Total"}[lang] for k in frame[first]]
    heads = {str(c): str(c) for c in frame.columns}
    heads[str(first)] = header("kind", lang)
    heads["total"] = {"vi": "Tổng", "en": "Total"}[lang]
    return text_table(frame.rename(columns=str), [str(c) for c in frame.columns], lang,
                      caption=words("depth_table", lang), headers=heads)


def _completeness_line(units: pd.DataFrame, lang: str) -> str:
    judged = units[units["n_required"] > 0]
    return words("completeness_line", lang, complete=int(judged["complete"].sum()),
                 total=len(judged))


def _support_line(frame: pd.DataFrame, used: dict, lang: str) -> str:
    if used.get("within_min") is not None:
        limit = f"{setting_text(used['within_min'], lang)} {'phút' if lang == 'vi' else 'min'}"
    else:
        limit = f"{setting_text(used.get('within_km'), lang)} km"
    return words("support_line", lang, groups=frame["component"].nunique(),
                 isolated=int(frame["isolated"].sum()), limit=limit)


def _below(pct: pd.Series, role: str) -> pd.Series:
    """Whether each percentage is below the class above ``role``."""
    upper = {"full": None, "half": 100.0, "low": 50.0}[role]
    return pct < upper if upper is not None else pd.Series(True, index=pct.index)
