"""The Map page's HTML pages: the map of the project's layers, small or big.

Built here (not in the page) so that other pages can have them built ahead
(:func:`ui.state.prefetch_project_map`): pure of Streamlit calls.
"""

from __future__ import annotations

from layers.tiles import TileSet, cut_tiles, tile_key
from maps.project import basemap_layers, project_title, store_layers, store_map
from maps.shared_data import AppPage, app_page
from maps.styling import MapLayer
from maps.vector_tiles import popup_fields
from maps.viewport import split_big, tiles_map
from planning.project import Project


def project_map_page(proj: Project, names: tuple[str, ...], lang: str,
                     dems: str = "") -> AppPage:
    """Return the HTML page of the project's map (Leaflet served by the app).

    Parameters
    ----------
    proj : Project
        The project; its reader gives the layers.
    names : tuple of str
        Layers drawn.
    lang : {"vi", "en"}
        Language of the map.
    dems : str
        :func:`planning.terrain.dem_stamp`: a new DEM (hillshade overlay) builds anew.

    Returns
    -------
    AppPage
        The page, titled after the province (:func:`maps.project.project_title`), and the
        files of features it loads.
    """
    return app_page(store_map(proj.reader, names=list(names), lang=lang))


def big_map_page(proj: Project, names: tuple[str, ...], language: str) -> AppPage:
    """Return the page of the map of ``names``, cutting the big layers' tiles if new.

    The small layers' larger feature collections go to files, as on the normal map.

    Raises
    ------
    LayerError
        If a big layer cannot be cut into tiles.
    """
    layers = store_layers(proj.reader, list(names))
    small, big = split_big(layers)
    tiles = {layer.name: layer_tiles(proj, layer) for layer in big}
    m = tiles_map(small, big, tiles, basemap=basemap_layers(),
                  title=project_title(proj.reader, layers, lang=language), lang=language)
    return app_page(m)


def layer_tiles(proj: Project, layer: MapLayer) -> TileSet:
    """Return the tiles of ``layer``'s current version (cut on first use)."""
    key, columns = tiles_key(proj, layer)
    return cut_tiles(layer.gdf, key, columns=columns, name=layer.name)


def tiles_key(proj: Project, layer: MapLayer) -> tuple[str, list[str]]:
    """Return the name of the tile set of ``layer``'s current version and its columns.

    The set is named after the project, the version's table and import time and the
    columns kept (those the popups and tooltips show, in either language).
    """
    record = next(r for r in proj.reader.layers() if r.name == layer.name)
    columns = [c for c, _ in popup_fields(layer, lang="en")]
    if "name" in layer.gdf.columns and "name" not in columns:
        columns.append("name")
    key = tile_key(proj.ident, record.table, record.version, record.imported_at,
                   tuple(columns))
    return key, columns
