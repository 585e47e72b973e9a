"""The map of a whole project: bundled real basemap plus every layer of the store."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Protocol

import folium
import geopandas as gpd

from geo import settings as geo_settings
from layers.basemap import load_basemap
from layers.store import LayerRecord
from maps.labels import admin_level
from maps.project_map import ATTRIBUTION_SEPARATOR, Focus, MapLayer, build_map

MAP_TITLE = {"vi": "Bản đồ khu vực phòng thủ", "en": "Defense area map"}
"""Start of a project map's default title; `` – <province name>`` follows when the
project has one province."""

PROVINCE_MAX_FEATURES = 10
"""A layer not drawn is read to look for the province only if it has at most this many
features (a province outline may come in a few pieces)."""

SOURCE_ATTRIBUTION: dict[str, str] = {
    "Natural Earth": "Natural Earth",
    "dvhcvn": "dvhcvn (Đào Hoàng Sơn, GPL-3.0)",
    "censusVN2009": "censusVN2009 (M. Choisy, L. Contamin, MIT)",
    "LegoCity": "LegoCity (CTU-SematX, CC BY-SA 4.0)",
}
"""Attribution of each bundled source (``data/SOURCES.md``), as the map shows it."""

REAL_FILE_SOURCES: dict[str, tuple[str, ...]] = {
    "province": ("dvhcvn", "censusVN2009"),
    "districts": ("dvhcvn", "censusVN2009"),
    "provinces": ("dvhcvn",),
    "border": ("dvhcvn",),
    "communes": ("censusVN2009",),
    "countries": ("Natural Earth",),
    "rivers": ("Natural Earth",),
    "places": ("Natural Earth", "censusVN2009"),
    "roads": ("LegoCity",),
}
"""Sources of each file of ``data/real/`` (by its stem), for layers imported from it."""


class LayerReader(Protocol):
    """What a project map needs of a project.

    :class:`layers.store.ProjectStore`, or a reader that caches its reads
    (``ui.state.CachedReader``).
    """

    def layers(self) -> list[LayerRecord]:
        """Return the current version of every layer."""

    def read(self, name: str, version: int | None = None) -> gpd.GeoDataFrame:
        """Return a layer."""


def basemap_layers() -> list[MapLayer]:
    """Return the bundled real reference layers (countries, provinces, rivers) as map layers.

    Each carries the attribution of its source (e.g. ``"Natural Earth"``).
    """
    return [MapLayer(name, kind, gdf, attribution=_source_of_title(name))
            for name, kind, gdf in load_basemap()]


def store_layers(store: LayerReader, names: list[str] | None = None) -> list[MapLayer]:
    """Return the current version of the store's layers (or of ``names``) as map layers.

    Layers imported from the bundled ``data/real/`` files carry their sources'
    attribution.
    """
    records = store.layers()
    if names is not None:
        records = [r for r in records if r.name in names]
    return [MapLayer(r.name, r.kind, store.read(r.name), attribution=_source_of_record(r))
            for r in records]


def map_title(layers: Sequence[MapLayer], *, lang: str = "vi") -> str | None:
    """Return the default title of a map of ``layers``, or None if it names no province.

    Parameters
    ----------
    layers : sequence of MapLayer
        Layers; the province is the one feature of the administrative-unit layers whose
        level is ``province`` (its ``level`` column, else its size).
    lang : {"vi", "en"}
        Language of the title.

    Returns
    -------
    str or None
        ``"Bản đồ khu vực phòng thủ – <province name>"`` (in ``lang``), or None when no
        layer holds exactly one named province.
    """
    for layer in layers:
        gdf = layer.gdf
        if layer.kind != "admin_unit" or "name" not in gdf.columns or not len(gdf):
            continue
        names = gdf["name"].dropna().astype(str).str.strip()
        names = names[names != ""].unique()
        if len(names) != 1:
            continue
        metric = geo_settings.metric_crs or gdf.estimate_utm_crs()
        if admin_level(gdf, metric) == "province":
            return f"{MAP_TITLE.get(lang, MAP_TITLE['en'])} – {names[0]}"
    return None


def project_title(store: LayerReader, layers: Sequence[MapLayer] = (), *,
                  lang: str = "vi") -> str:
    """Return the default title of a project's map (never the file's name).

    Parameters
    ----------
    store : ProjectStore or LayerReader
        The project.
    layers : sequence of MapLayer
        Layers already read (looked at first, so that nothing is read twice).
    lang : {"vi", "en"}
        Language of the title.

    Returns
    -------
    str
        :func:`map_title` of the project's province layer, else :data:`MAP_TITLE`.
    """
    found = map_title(layers, lang=lang)
    if found:
        return found
    seen = {layer.name for layer in layers}
    for record in store.layers():
        if record.kind == "admin_unit" and record.name not in seen and \
                record.feature_count <= PROVINCE_MAX_FEATURES:
            found = map_title([MapLayer(record.name, record.kind, store.read(record.name))],
                              lang=lang)
            if found:
                return found
    return MAP_TITLE.get(lang, MAP_TITLE["en"])


def store_map(
    store: LayerReader,
    *,
    names: list[str] | None = None,
    title: str | None = None,
    lang: str = "vi",
    assets: str = "static",
    focus: Focus | None = None,
    relief: bool = True,
) -> folium.Map:
    """Build the offline map of a project.

    Parameters
    ----------
    store : ProjectStore or LayerReader
        The project (a reader that caches its reads will do).
    names : list of str, optional
        Layers to draw; all by default.
    title : str, optional
        Title box text; by default :func:`project_title` (the province's name); ``""``
        for no title.
    lang : str
        ``"vi"`` or ``"en"`` for the legend.
    assets : str
        ``"static"`` (served by the app) or ``"inline"`` (standalone HTML).
    focus : optional
        What the map opens on, see :func:`maps.project_map.build_map`.
    relief : bool
        When the project has a DEM, add the hillshade of its newest one, listed in the
        layer control and off until ticked (:func:`maps.hillshade.add_project_relief`).
    """
    layers = store_layers(store, names)
    if title is None:
        title = project_title(store, layers, lang=lang)
    fmap = build_map(layers, basemap=basemap_layers(), title=title, lang=lang, assets=assets,
                     focus=focus)
    if relief:
        from maps.hillshade import add_project_relief

        add_project_relief(fmap, getattr(store, "path", None), lang=lang)
    return fmap


def _source_of_title(title: str) -> str | None:
    """Attribution of a basemap layer, from the source named in its title."""
    found = [text for source, text in SOURCE_ATTRIBUTION.items() if source in title]
    return ATTRIBUTION_SEPARATOR.join(found) or None


def _source_of_record(record: LayerRecord) -> str | None:
    """Attribution of a layer imported from a bundled ``data/real/`` file."""
    path = PurePosixPath(str(record.source_file or "").replace("\\", "/"))
    if path.parent.name != "real" or path.stem not in REAL_FILE_SOURCES:
        return None
    return ATTRIBUTION_SEPARATOR.join(SOURCE_ATTRIBUTION[s] for s in REAL_FILE_SOURCES[path.stem])
