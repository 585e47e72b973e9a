"""Big layers on the web map: drawn from vector tiles, not sent whole.

A layer of more than :data:`BIG_LAYER_FEATURES` features (a country's 11,163 communes, a
100,000-point inventory) is not put into the page: sending every feature makes a page of
tens of megabytes that a browser takes half a minute to draw, if at all. Instead the page
holds the other layers as usual and, for each big layer, an empty overlay (its legend and
layer-control entry) and a :class:`maps.vector_tiles.VectorTiles` layer drawing its tiles
(cut once per layer version by :mod:`layers.tiles`, fetched by the browser as it pans
and zooms). What is drawn is for the screen only; analyses, exports and prints use the
stored features.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

import folium
import numpy as np

from layers.tiles import TileSet
from maps.project_map import build_map
from maps.styling import MapLayer
from maps.vector_tiles import VectorTiles, popup_fields

BIG_LAYER_FEATURES = 5_000
"""A layer with more features than this is drawn from vector tiles."""


def is_big(layer: MapLayer) -> bool:
    """Whether ``layer`` has more features than :data:`BIG_LAYER_FEATURES`."""
    return len(layer.gdf) > BIG_LAYER_FEATURES


def split_big(layers: list[MapLayer]) -> tuple[list[MapLayer], list[MapLayer]]:
    """Return the layers drawn whole and the big ones (:func:`is_big`), in order."""
    return [x for x in layers if not is_big(x)], [x for x in layers if is_big(x)]


def stand_in(layer: MapLayer) -> MapLayer:
    """Return ``layer`` without features: its legend and layer-control entry."""
    return MapLayer(layer.name, layer.kind, layer.gdf.iloc[:0], show=layer.show,
                    style=layer.style, legend=layer.legend, attribution=layer.attribution)


def tiles_map(layers: Sequence[MapLayer], big: Sequence[MapLayer],
              tiles: Mapping[str, TileSet], *, basemap: Sequence[MapLayer] = (),
              title: str | None = None, lang: str = "vi") -> folium.Map:
    """Build the map of ``layers`` drawn whole and ``big`` drawn from their ``tiles``.

    Parameters
    ----------
    layers : sequence of MapLayer
        Layers drawn whole, as on the normal map.
    big : sequence of MapLayer
        Big layers: in the legend and the layer control, their features from tiles.
    tiles : mapping of str to TileSet
        Each big layer's tiles, by layer name.
    basemap, title, lang
        As for :func:`maps.project_map.build_map`.

    Returns
    -------
    folium.Map
        Opened on every layer's extent (the big ones included).
    """
    boxes = [x.gdf.to_crs("EPSG:4326").total_bounds for x in [*layers, *big] if len(x.gdf)]
    focus = None
    if boxes:
        box = np.vstack(boxes)
        focus = (box[:, 0].min(), box[:, 1].min(), box[:, 2].max(), box[:, 3].max())
    m = build_map([*layers, *map(stand_in, big)], basemap=basemap, title=title, lang=lang,
                  focus=focus)
    overlays = {child.layer_name: child for child in m._children.values()
                if isinstance(child, folium.GeoJson)}
    for layer in big:
        VectorTiles(tiles[layer.name], layer, stand_in=overlays[escape(layer.name)].get_name(),
                    fields=popup_fields(layer, lang=lang), lang=lang).add_to(m)
    return m
