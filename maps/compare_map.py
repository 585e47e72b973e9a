"""Relocation maps: enterprises, their routes and sites; plan A beside plan B after a cut.

:func:`relocation_map` draws one plan of :func:`geo.relocation.relocate`: sites coloured
by their criteria (selected, eligible but unused, failing depth or hazard), the road
segments (the cut ones in red), each placed enterprise's route, and the enterprises
(unplaced ones in red). :func:`compare_maps` draws plan A and plan B for
:func:`maps.map_pair.synced_pair_html`, which shows them side by side, panned and zoomed
together.
"""

from __future__ import annotations

from collections.abc import Iterable

import folium
import geopandas as gpd
import pandas as pd

from geo.relocation import RelocationPlan
from layers.kinds import Style
from maps.legend import Legend
from maps.project import basemap_layers
from maps.project_map import MapLayer, build_map

STYLES: dict[str, Style] = {
    "site_selected": Style("#1a7837", "#5aae61", 2.5, 0.6),
    "site_eligible": Style("#5ab4ac", "#c7eae5", 1.5, 0.45),
    "site_failing": Style("#8c510a", "#bababa", 1.5, 0.45, "4 3"),
    "segment": Style("#737373", None, 2.0, 0.0),
    "segment_cut": Style("#ff7f00", None, 7.0, 0.0),
    "route": Style("#2166ac", None, 3.5, 0.0),
    "enterprise_placed": Style("#01665e", "#35978f", 1.5, 0.9, None, 6.0),
    "enterprise_unplaced": Style("#b2182b", "#ef3b2c", 2.0, 0.95, None, 7.0),
}
"""How each part of a relocation map is drawn."""

LABELS: dict[str, tuple[str, str]] = {
    "site_selected": ("Địa điểm di chuyển: được chọn", "Relocation site: selected"),
    "site_eligible": ("Địa điểm di chuyển: đạt, chưa dùng", "Relocation site: eligible, unused"),
    "site_failing": ("Địa điểm di chuyển: không đạt độ sâu / vùng thiên tai",
                     "Relocation site: fails depth / hazard"),
    "segment": ("Đoạn đường (mã đoạn)", "Road segment (segment id)"),
    "segment_cut": ("Đoạn đường / cầu bị cắt", "Road segment / bridge cut"),
    "route": ("Tuyến di chuyển", "Relocation route"),
    "enterprise_placed": ("Doanh nghiệp: đã bố trí", "Enterprise: placed"),
    "enterprise_unplaced": ("Doanh nghiệp: chưa bố trí được", "Enterprise: unplaced"),
}
"""Layer and legend names, (Vietnamese, English)."""

_ENTERPRISE_FIELDS = ["site", "site_name", "reason", "travel_min", "distance_km",
                      "site_depth_km", "binding"]


def relocation_map(
    plan: RelocationPlan,
    enterprises: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    segments: gpd.GeoDataFrame | None = None,
    hazards: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
    cut: Iterable[str] = (),
    title: str | None = None,
    lang: str = "vi",
    assets: str = "static",
) -> folium.Map:
    """Draw a relocation plan.

    Parameters
    ----------
    plan : RelocationPlan
        From :func:`geo.relocation.relocate`.
    enterprises, sites : GeoDataFrame
        The layers the plan was made from (same index).
    segments : GeoDataFrame, optional
        :func:`geo.relocation.segments_table` (its ``name`` column is the tooltip, so
        it is replaced by ``"<segment_id> – <road name>"``).
    hazards, border : GeoDataFrame, optional
        Hazard zones and the border, drawn in their kinds' styles.
    cut : iterable of str
        Segment ids drawn as cut (by default the plan's own ``cut``).
    title : str, optional
        Title box text.
    lang : {"vi", "en"}
        Language of the layer names and legend.
    assets : {"static", "inline"}
        How Leaflet is loaded, see :func:`maps.offline.use_local_assets`.

    Returns
    -------
    folium.Map
        The map, offline, opened on the enterprises and sites.
    """
    i = 0 if lang == "vi" else 1
    cut = set(cut) or set(plan.cut)
    layers: list[MapLayer] = []
    if hazards is not None and len(hazards):
        layers.append(MapLayer(_hazard_name(lang), "hazard_zone", hazards))
    layers += _site_layers(plan, sites, i)
    if border is not None and len(border):
        layers.append(MapLayer(_border_name(lang), "border", border))
    if segments is not None and len(segments):
        layers += _segment_layers(segments, cut, i)
    routes = plan.enterprises[plan.enterprises.geometry.notna()]
    if len(routes):
        keep = ["enterprise", "name", "site", "site_name", "travel_min", "distance_km"]
        layers.append(_layer("route", routes[[*keep, routes.geometry.name]], "infrastructure", i))
    layers += _enterprise_layers(plan, enterprises, i)
    return build_map(layers, basemap=basemap_layers(), title=title, lang=lang, assets=assets,
                     focus=_focus(enterprises, sites))


def compare_maps(
    plan_a: RelocationPlan,
    plan_b: RelocationPlan,
    enterprises: gpd.GeoDataFrame,
    sites: gpd.GeoDataFrame,
    *,
    segments: gpd.GeoDataFrame | None = None,
    hazards: gpd.GeoDataFrame | None = None,
    border: gpd.GeoDataFrame | None = None,
    lang: str = "vi",
    assets: str = "static",
) -> tuple[folium.Map, folium.Map]:
    """Draw plan A (intact network) and plan B (segments cut) for side-by-side display.

    Both maps hold the same layers (the segments cut for plan B are drawn on both), so
    they open on the same view; only plan B has the legend, so that plan A (where a road
    is clicked to cut it) stays clear.

    Returns
    -------
    tuple of folium.Map
        Plan A, plan B.
    """
    kw = {"segments": segments, "hazards": hazards, "border": border, "lang": lang,
          "assets": assets}
    return (side_map(plan_a, enterprises, sites, cut=plan_b.cut, side="A", **kw),
            side_map(plan_b, enterprises, sites, cut=plan_b.cut, side="B", **kw))


def side_map(plan: RelocationPlan, enterprises: gpd.GeoDataFrame, sites: gpd.GeoDataFrame,
             *, cut: Iterable[str], side: str, lang: str = "vi", **kw: object) -> folium.Map:
    """Draw one side of :func:`compare_maps`: plan ``side`` ("A" or "B") with ``cut`` drawn.

    Each side can be drawn (and kept) alone: plan A's side changes only with the cut, so
    a page refining plan B draws the B side only.
    """
    titles = {"A": ("Phương án A: mạng đường đầy đủ", "Plan A: intact network"),
              "B": ("Phương án B: đã cắt đoạn đường", "Plan B: with the cut")}
    title = titles[side][0 if lang == "vi" else 1]
    m = relocation_map(plan, enterprises, sites, cut=cut, title=title, lang=lang, **kw)
    if side == "A":  # the legend is plan B's: plan A, where a road is clicked, stays clear
        for name, child in list(m._children.items()):
            if isinstance(child, Legend):
                del m._children[name]
    return m


def _layer(key: str, gdf: gpd.GeoDataFrame, kind: str, i: int, *, show: bool = True
           ) -> MapLayer:
    label = LABELS[key][i]
    return MapLayer(label, kind, gdf, show=show, style=STYLES[key], legend=label)


def _site_layers(plan: RelocationPlan, sites: gpd.GeoDataFrame, i: int) -> list[MapLayer]:
    table = plan.sites
    status = pd.Series("site_eligible", index=table.index)
    status[~(table["passes_depth"] & table["passes_hazard"])] = "site_failing"
    status[table["selected"]] = "site_selected"
    cols = ["used", "n_enterprises", "depth_km", "in_hazard", "passes_depth", "passes_hazard"]
    joined = sites.join(table[cols])
    return [_layer(key, joined[status == key], "relocation_site", i)
            for key in ("site_failing", "site_eligible", "site_selected")
            if (status == key).any()]


def _segment_layers(segments: gpd.GeoDataFrame, cut: set[str], i: int) -> list[MapLayer]:
    segs = segments.copy()
    names = segs["name"].fillna("").astype(str)
    segs["name"] = segs["segment_id"].astype(str) + (" – " + names).where(names != "", "")
    is_cut = segs["segment_id"].isin(cut)
    out = [_layer("segment", segs[~is_cut], "infrastructure", i)]
    if is_cut.any():
        out.append(_layer("segment_cut", segs[is_cut], "infrastructure", i))
    return out


def _enterprise_layers(plan: RelocationPlan, enterprises: gpd.GeoDataFrame, i: int
                       ) -> list[MapLayer]:
    table = pd.DataFrame(plan.enterprises[_ENTERPRISE_FIELDS])
    joined = enterprises.drop(columns=[c for c in _ENTERPRISE_FIELDS if c in enterprises]
                              ).join(table)
    placed = joined["site"].notna()
    out = []
    if placed.any():
        out.append(_layer("enterprise_placed", joined[placed], "enterprise", i))
    if (~placed).any():
        out.append(_layer("enterprise_unplaced", joined[~placed], "enterprise", i))
    return out


def _focus(*frames: gpd.GeoDataFrame) -> gpd.GeoSeries | None:
    """Return the enterprises and sites of a plan together (what its map opens on)."""
    parts = [f.geometry.to_crs("EPSG:4326") for f in frames if f is not None and len(f)]
    if not parts:
        return None
    return gpd.GeoSeries(pd.concat(parts, ignore_index=True), crs="EPSG:4326")


def _hazard_name(lang: str) -> str:
    return "Vùng ngập lụt, sạt lở" if lang == "vi" else "Hazard zones"


def _border_name(lang: str) -> str:
    return "Biên giới" if lang == "vi" else "Border"
