"""The map of a whole project: bundled real basemap plus every layer of the store."""

from __future__ import annotations

import folium

from layers.basemap import load_basemap
from layers.store import ProjectStore
from maps.project_map import MapLayer, build_map


def basemap_layers() -> list[MapLayer]:
    """Return the bundled real reference layers (countries, provinces, rivers) as map layers."""
    return [MapLayer(name, kind, gdf) for name, kind, gdf in load_basemap()]


def store_layers(store: ProjectStore, names: list[str] | None = None) -> list[MapLayer]:
    """Return the current version of the store's layers (or of ``names``) as map layers."""
    records = store.layers()
    if names is not None:
        records = [r for r in records if r.name in names]
    return [MapLayer(r.name, r.kind, store.read(r.name)) for r in records]


def store_map(
    store: ProjectStore,
    *,
    names: list[str] | None = None,
    title: str | None = None,
    lang: str = "vi",
    assets: str = "static",
) -> folium.Map:
    """Build the offline map of a project.

    Parameters
    ----------
    store : ProjectStore
        The project.
    names : list of str, optional
        Layers to draw; all by default.
    title : str, optional
        Title box text.
    lang : str
        ``"vi"`` or ``"en"`` for the legend.
    assets : str
        ``"static"`` (served by the app) or ``"inline"`` (standalone HTML).
    """
    return build_map(store_layers(store, names), basemap=basemap_layers(), title=title,
                     lang=lang, assets=assets)
