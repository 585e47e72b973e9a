"""The Map page's view of a project with big layers: their features drawn from vector tiles.

A layer of more than :data:`maps.viewport.BIG_LAYER_FEATURES` features is cut into vector
tiles once per layer version (:mod:`layers.tiles`, under a spinner) and drawn from them by
the browser (:mod:`maps.vector_tiles`); the other layers are drawn as on the normal map.
The map's HTML page is built once per layer versions, layers shown and language
(``cached``) and shown in a frame: panning and zooming fetch static tiles and never rerun
the page.
"""

from __future__ import annotations

import streamlit as st

from layers.errors import LayerError
from layers.tiles import TileSet, cut_tiles, tile_key
from maps.project import basemap_layers, project_title, store_layers
from maps.styling import MapLayer
from maps.vector_tiles import popup_fields
from maps.viewport import split_big, tiles_map
from planning.project import Project
from ui.i18n import lang, tr
from ui.state import cached, error_text

MAP_HEIGHT_PX = 640


def big_map(proj: Project, names: tuple[str, ...]) -> None:
    """Draw the map of ``names``, the big layers' features from vector tiles."""
    with st.spinner(tr("Đang cắt các lớp lớn thành ô bản đồ vector (một lần cho mỗi phiên "
                       "bản của lớp)…",
                       "Cutting the big layers into vector tiles (once per layer "
                       "version)…")):
        try:
            html = cached(proj, big_map_page, names, lang())
        except LayerError as err:
            st.error(error_text(err))
            return
    st.iframe(html, height=MAP_HEIGHT_PX)


def big_map_page(proj: Project, names: tuple[str, ...], language: str) -> str:
    """Return the HTML page of the map of ``names``, cutting the big layers' tiles if new.

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
    return m.get_root().render()


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
