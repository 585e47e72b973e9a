"""The appraisal map: proposed projects coloured by verdict, defense works and their zones."""

from __future__ import annotations

from collections.abc import Mapping

import folium
import geopandas as gpd
import pandas as pd

from geo.appraisal import protection_zones
from layers.kinds import Style, get_kind
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map

VERDICT_STYLES: dict[str, Style] = {
    "conflict": Style("#b2182b", "#d7191c", 3.0, 0.55),
    "protection_zone": Style("#e66101", "#fdae61", 3.0, 0.5),
    "near": Style("#b8a100", "#ffe94d", 2.5, 0.45),
    "clear": Style("#1a7837", "#a6dba0", 2.0, 0.4),
}
"""How proposed projects are drawn by verdict, worst first."""

VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "conflict": ("Dự án: xung đột công trình", "Project: conflicts with a work"),
    "protection_zone": ("Dự án: trong hành lang bảo vệ", "Project: inside a protection zone"),
    "near": ("Dự án: gần công trình", "Project: near a work"),
    "clear": ("Dự án: không ảnh hưởng", "Project: clear"),
}

ZONE_STYLE = Style("#e66101", "#fee0b6", 1.2, 0.25, "5 4")
ZONE_LABEL = ("Hành lang bảo vệ công trình", "Protection zone of a work")

ECONOMIC_KIND, MILITARY_KIND = "defense_economic_zone", "military_zone"
"""Kinds drawn with a legend line of their own (their kind's label and style)."""


def appraisal_map(
    proposals: gpd.GeoDataFrame,
    works: gpd.GeoDataFrame,
    summary: pd.DataFrame,
    *,
    zones: Mapping[str, float] | None = None,
    economic: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    assets: str = "static",
) -> folium.Map:
    """Draw an appraisal: projects by verdict over the works and their protection zones.

    The map opens on the appraised projects (small against a province), not on the works.
    Every kind of work (military zones included) is a layer with a legend line named after
    the kind; the defense–economic zones, which restrict nothing, are drawn under the works
    with a legend line of their own.

    Parameters
    ----------
    proposals : GeoDataFrame
        The appraised projects.
    works : GeoDataFrame
        Defense works with a ``kind`` column (as given to the appraisal).
    summary : DataFrame
        :func:`geo.appraisal.appraisal_summary`, index-aligned with ``proposals``.
    zones : mapping, optional
        Protection-zone widths used in the appraisal, by kind.
    economic : GeoDataFrame, optional
        Defense–economic zones (:func:`planning.appraisal_works.economic_zones`).
    lang : {"vi", "en"}
        Language of the legend.
    assets : {"static", "inline"}
        How Leaflet is loaded.
    """
    i = 0 if lang == "vi" else 1
    layers = []
    if economic is not None and len(economic):
        label = get_kind(ECONOMIC_KIND).label(lang)
        columns = [c for c in ("name", "code", "unit", "geometry") if c in economic.columns]
        layers.append(MapLayer(label, ECONOMIC_KIND, economic[columns], legend=label))
    if len(works):
        rings = protection_zones(works, zones=zones)
        zone_gdf = gpd.GeoDataFrame(works[["name", "kind"]], geometry=rings, crs=rings.crs)
        layers.append(MapLayer(ZONE_LABEL[i], "hazard_zone", zone_gdf, style=ZONE_STYLE,
                               legend=ZONE_LABEL[i]))
        layers += [MapLayer(get_kind(kind).label(lang), kind, group.drop(columns="kind"),
                            legend=get_kind(kind).label(lang))
                   for kind, group in works.groupby("kind", sort=False)]
    judged = proposals.join(summary.drop(columns=[c for c in summary.columns
                                                  if c in proposals.columns]))
    for verdict, style in VERDICT_STYLES.items():
        part = judged[judged["verdict"] == verdict]
        if len(part):
            label = VERDICT_LABELS[verdict][i]
            layers.append(MapLayer(label, "proposed_project", part, style=style, legend=label))
    return build_map(layers, basemap=basemap_layers(), lang=lang, assets=assets,
                     focus=proposals if len(proposals) else None)
