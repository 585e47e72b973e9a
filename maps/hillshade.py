"""Hillshade of a DEM as a map overlay: on the offline web map and on printed sheets.

The shade is :func:`geo.terrain.hillshade` (light from the north-west, 45° high) turned
into a translucent black image: flat ground and slopes facing the light stay clear, slopes
turned away from it darken what lies below, by up to :data:`STRENGTH`. So the layers
under it keep their colours and the relief reads through them.

* :func:`add_to_map` puts it on a Folium map as a Leaflet image overlay, the PNG embedded
  in the page (a ``data:`` URL: no tile server, works offline), in a pane between the
  basemap and the project's layers, listed in the layer control when there is one
  (:func:`add_layer` adds any other layer so, e.g. a viewshed);
* :func:`add_to_sheet` draws it on a print sheet's map (:mod:`maps.print_layout`), in the
  sheet's metric CRS, above the muted basemap and below the project's layers.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import folium
import numpy as np
from branca.element import Figure
from folium.template import Template
from matplotlib.axes import Axes
from pyproj import Transformer

from geo.terrain import Grid, hillshade
from layers.dem import warp
from maps.shared_data import shared_of

STRENGTH = 0.6
"""Largest opacity of the shade (on a slope facing straight away from the light)."""

ALTITUDE = 45.0
"""Height of the light above the horizon (degrees), as in :func:`geo.terrain.hillshade`."""

PANE = "kvpt-hillshade"
"""Leaflet pane of the overlay (z-index 350: above the tiles, below vectors at 400)."""

MAX_PIXELS = 4_000_000
"""Largest overlay embedded in a web map; a larger DEM is shown at a coarser step."""


def shade_rgba(grid: Grid, *, step: int = 1) -> np.ndarray:
    """Return the hillshade as RGBA bytes: black, alpha growing with the shade.

    Parameters
    ----------
    grid : Grid
        The DEM.
    step : int
        Take every ``step``-th cell (a lighter image of a large DEM).

    Returns
    -------
    ndarray of uint8
        Shape ``(rows, cols, 4)``; no-data cells fully transparent.
    """
    return _rgba(hillshade(grid)[::step, ::step])


def png_bytes(rgba: np.ndarray) -> bytes:
    """Return an RGBA array as PNG bytes."""
    from matplotlib.image import imsave

    out = io.BytesIO()
    imsave(out, rgba, format="png")
    return out.getvalue()


def add_to_map(fmap: folium.Map, grid: Grid, *, name: str = "Địa hình (bóng đổ)",
               show: bool = True) -> folium.raster_layers.ImageOverlay:
    """Add the hillshade of ``grid`` to a Folium map as an embedded image overlay.

    The shade is resampled into Web Mercator (EPSG:3857, the map's own projection) so
    that it lies exactly on the other layers; the PNG travels inside the page. A map has
    one hillshade: one added before (e.g. by :func:`maps.project.store_map`) is replaced.

    Parameters
    ----------
    fmap : folium.Map
        The map.
    grid : Grid
        The DEM.
    name : str
        Its name in the layer control.
    show : bool
        Whether the overlay is on when the map opens (else ticked in the layer control).

    Returns
    -------
    folium.raster_layers.ImageOverlay
        The overlay added.
    """
    step = max(1, int(np.ceil(np.sqrt(grid.z.size / MAX_PIXELS))))
    coarse = Grid(grid.z[::step, ::step], grid.x0, grid.y0, grid.cell * step, grid.crs)
    shade = hillshade(coarse)
    merc, (west, south, east, north) = warp(shade, coarse, "EPSG:3857")
    to_ll = Transformer.from_crs("EPSG:3857", "EPSG:4326", always_xy=True)
    (lon0, lat0), (lon1, lat1) = to_ll.transform(west, south), to_ll.transform(east, north)
    url = "data:image/png;base64," + base64.b64encode(png_bytes(_rgba(merc))).decode("ascii")
    for key, child in list(fmap._children.items()):
        if isinstance(child, folium.raster_layers.ImageOverlay) and (
                child.options.get("pane") == PANE):
            del fmap._children[key]
    if not any(isinstance(c, folium.map.CustomPane) and c.name == PANE
               for c in fmap._children.values()):
        folium.map.CustomPane(PANE, z_index=350).add_to(fmap)
    overlay = ReliefOverlay(
        image=url, bounds=[[lat0, lon0], [lat1, lon1]], name=name, pane=PANE,
        interactive=False, cross_origin=False, zindex=1, show=show)
    return add_layer(fmap, overlay)


class ReliefOverlay(folium.raster_layers.ImageOverlay):
    """Folium's image overlay whose PNG, in a page of the app, is a file the page loads.

    Rendered by :func:`maps.shared_data.app_page`, the image (a ``data:`` URL of ~100 kB
    for the demo's DEM) goes to a cached file as the larger feature collections do, so the
    browser fetches it once for every map showing the relief; elsewhere (an exported map)
    it stays in the page.
    """

    _template = Template("""
        {% macro header(this, kwargs) %}
            {% if this.pixelated %}
                <style>.leaflet-image-layer { image-rendering: pixelated; }</style>
            {% endif %}
        {% endmacro %}
        {% macro script(this, kwargs) %}
            var {{ this.get_name() }} = L.imageOverlay(
                {{ this.url_js }},
                {{ this.bounds|tojson }},
                {{ this.options|tojavascript }}
            );
        {% endmacro %}
        """)

    def render(self, **kwargs: object) -> None:
        """Put the image in the app page's files (or in the page), then render."""
        root = self.get_root()
        shared = shared_of(root) if isinstance(root, Figure) else None
        text = json.dumps(self.url)
        self.url_js = text if shared is None else shared.reference(root, text)
        super().render(**kwargs)


def relief_name(dem_name: str, lang: str = "vi") -> str:
    """Return the overlay's name in the layer control: ``"Địa hình (<DEM>)"``."""
    return f"{'Địa hình' if lang == 'vi' else 'Relief'} ({dem_name})"


def add_project_relief(fmap: folium.Map, path: object, *, lang: str = "vi"
                       ) -> folium.raster_layers.ImageOverlay | None:
    """Add the hillshade of a project's newest DEM, off until ticked in the layer control.

    Parameters
    ----------
    fmap : folium.Map
        The project's map.
    path : str or Path or None
        The project GeoPackage (:mod:`layers.store_rasters`); a PostGIS project, a
        missing path or a project without a DEM adds nothing.
    lang : {"vi", "en"}
        Language of the overlay's name.

    Returns
    -------
    folium.raster_layers.ImageOverlay or None
        The overlay added, if any.
    """
    from layers import store_rasters
    from layers.dem import from_geotiff

    if path is None or not Path(str(path)).is_file() or not store_rasters.rasters(path):
        return None
    rec, data = store_rasters.read_raster(path)
    return add_to_map(fmap, from_geotiff(data), name=relief_name(rec.name, lang), show=False)


def add_layer(fmap: folium.Map, layer: folium.map.Layer) -> folium.map.Layer:
    """Add ``layer`` to a built map so that its layer control (if any) lists it.

    A layer control names the layers added before it in the page's script; a layer added
    after the control would be undefined when the control is set up. The control is moved
    after the new layer.
    """
    controls = [c for c in fmap._children.values()
                if isinstance(c, folium.map.LayerControl)]
    for control in controls:
        del fmap._children[control.get_name()]
    layer.add_to(fmap)
    for control in controls:
        control.add_to(fmap)
    return layer


def add_to_sheet(sheet: object, grid: Grid, *, label: str = "") -> Axes:
    """Draw the hillshade on a print sheet's map (:class:`maps.print_layout.Sheet`).

    The map axes are those whose data limits are the sheet's frame (metres of
    ``sheet.frame.crs``); the shade is resampled into that CRS when the DEM's differs.
    ``label`` (e.g. the DEM's name, which says when it is fictional) is written in the
    map's lower-right corner.

    Returns
    -------
    Axes
        The map axes drawn on.

    Raises
    ------
    ValueError
        If the sheet has no map axes matching its frame.
    """
    frame = sheet.frame
    ax = next((a for a in sheet.figure.axes
               if np.allclose(a.get_xlim(), (frame.box[0], frame.box[2]))
               and np.allclose(a.get_ylim(), (frame.box[1], frame.box[3]))), None)
    if ax is None:
        msg = "the sheet has no map axes matching its frame; draw the sheet first."
        raise ValueError(msg)
    shade = hillshade(grid)
    if grid.crs == frame.crs:
        minx, miny, maxx, maxy = grid.bounds
    else:
        shade, (minx, miny, maxx, maxy) = warp(shade, grid, frame.crs)
    ax.imshow(_rgba(shade), extent=(minx, maxx, miny, maxy), origin="upper", zorder=2,
              interpolation="bilinear", aspect=ax.get_aspect())
    ax.set_xlim(frame.box[0], frame.box[2])
    ax.set_ylim(frame.box[1], frame.box[3])
    if label:
        ax.text(0.99, 0.01, label, transform=ax.transAxes, ha="right", va="bottom",
                fontsize=6, zorder=50, bbox={"facecolor": "white", "alpha": 0.8,
                                             "edgecolor": "none", "pad": 1.5})
    return ax


def _rgba(shade: np.ndarray) -> np.ndarray:
    """Return black RGBA bytes whose alpha grows with the shade (flat ground, no data: clear)."""
    flat = 255.0 * np.sin(np.radians(ALTITUDE))
    darker = np.clip((flat - np.nan_to_num(shade, nan=flat)) / flat, 0.0, 1.0)
    alpha = STRENGTH * darker
    rgba = np.zeros((*shade.shape, 4), dtype=np.uint8)
    rgba[..., 3] = np.round(255 * alpha).astype(np.uint8)
    return rgba
