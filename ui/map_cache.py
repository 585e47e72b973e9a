"""Maps of the pages kept across reruns by what they show, drawn from fresh copies.

A page builds its Folium map from its layers on every rerun, and every build gives the map's
elements new random ids: the page sent to the browser then differs even when nothing on
the map changed, so ``st_folium`` loads and draws the map again. :func:`cached_map` keeps
the map built for the same layers (their names, kinds, styles and contents: attributes and
geometries), focus and language, and returns a copy of it each run (``st_folium`` changes
the map it is given: it renames the elements' ids as it renders). The copy renders to the
same text every time, so an unchanged map is not drawn again, and a rerun costs a copy
(about 0.1 s for the demo) instead of a build.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.static_cache import publish
from maps.kept import kept
from maps.map_pair import MapDoc
from maps.shared_data import AppPage, app_page, inline_shared
from maps.styling import MapLayer
from ui.map_frames import show_map_page

MAP_CACHE_SIZE = 32
"""At most this many maps (or map pages) are kept (the least recently used go first)."""

T = TypeVar("T")
_MAPS: OrderedDict[str, Any] = OrderedDict()
_LOCK = threading.Lock()


def cached_map(build: Callable[[], folium.Map], *parts: object) -> folium.Map:
    """Return a copy of the map ``build()`` makes, built once for the same ``parts``.

    Parameters
    ----------
    build : callable
        Builds the map (called only when no map with the same fingerprint is kept).
    *parts : object
        Everything the map depends on: map layers, frames, geometries, bounds, the
        language… (see :func:`fingerprint`).
    """
    return copy.deepcopy(cached_page(build, *parts))


def map_frame(build: Callable[[], folium.Map], *parts: object, key: str,
              height: int = 520) -> None:
    """Draw a map that answers no clicks: its HTML page, kept by what it shows, in a frame.

    Cheaper than ``st_folium`` for a map the page only shows: a rerun sends the kept page
    (no copy of the map, no render), and the browser keeps the frame while the page is the
    same, and the frames of the last few pages shown in the same place
    (:func:`ui.map_frames.show_map_page`): a map shown again is not reloaded. Leaflet
    comes from the app's static files (see :mod:`maps.offline`), and so do the larger
    feature collections (:mod:`maps.shared_data`): the browser keeps those.

    Parameters
    ----------
    build : callable
        Builds the map (called only when no page with the same ``parts`` is kept).
    *parts : object
        Everything the map depends on, as for :func:`cached_map`.
    key : str
        The map's place on the page, the same on every rerun.
    height : int
        Height of the frame in pixels.
    """
    page = cached_page(lambda: app_page(build()), "map_frame", *parts)
    show_map_page(shown_html(page), key=key, height=height)


def shown_html(page: AppPage) -> str:
    """Return the HTML to show of an app page: its feature files published, else inside.

    The files are published on every call (a cheap check when they are there), so a kept
    page still works after the folder was emptied; a folder that cannot be written gives
    the page with its features inside, as an exported map.
    """
    return page.html if publish(page.files) else inline_shared(page.html, page.files)


def shown_doc(doc: MapDoc) -> MapDoc:
    """Return a side of a map pair ready to show (see :func:`shown_html`)."""
    html = shown_html(AppPage(doc.html, doc.files))
    return doc if html is doc.html else dataclasses.replace(doc, html=html)


def cached_page(build: Callable[[], T], *parts: object) -> T:
    """Return what ``build()`` makes (a map page's HTML…), built once for the same ``parts``.

    The value is shared by every session: do not change it in place.
    """
    key = fingerprint(*parts)
    with _LOCK:
        kept = _MAPS.get(key)
        if kept is not None:
            _MAPS.move_to_end(key)
    if kept is None:
        kept = build()
        with _LOCK:
            _MAPS[key] = kept
            while len(_MAPS) > MAP_CACHE_SIZE:
                _MAPS.popitem(last=False)
    return kept


def fingerprint(*parts: object) -> str:
    """Return a digest of ``parts``: equal parts (by content) give equal digests.

    Map layers count by name, kind, visibility, style, legend, attribution and features;
    frames by columns, values, geometries (WKB) and CRS; other values by ``repr``. A frame
    is digested once while it lives (:func:`maps.kept.kept`): do not change it in place.
    """
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        _feed(digest, part)
    return digest.hexdigest()


def _feed(digest: hashlib.blake2b, part: object) -> None:
    if isinstance(part, MapLayer):
        digest.update(repr((part.name, part.kind, part.show, part.style, part.legend,
                            part.attribution)).encode())
        _feed(digest, part.gdf)
    elif isinstance(part, (gpd.GeoDataFrame, gpd.GeoSeries, pd.DataFrame)):
        digest.update(kept(part, "digest", lambda: _frame_digest(part)))  # frames live long
    elif isinstance(part, shapely.Geometry):
        digest.update(shapely.to_wkb(part))
    elif isinstance(part, (list, tuple)):
        digest.update(f"[{len(part)}".encode())
        for item in part:
            _feed(digest, item)
    else:
        digest.update(repr(part).encode())


def _frame_digest(part: pd.DataFrame | gpd.GeoSeries) -> bytes:
    """Return the digest of a frame's content: columns, values, geometries (WKB) and CRS."""
    digest = hashlib.blake2b(digest_size=20)
    if isinstance(part, (gpd.GeoDataFrame, gpd.GeoSeries)):
        digest.update(repr(part.crs.to_string() if part.crs else None).encode())
        frame = part if isinstance(part, gpd.GeoDataFrame) else part.to_frame("geometry")
        geometry = frame.geometry.name
        _feed_frame(digest, frame.drop(columns=geometry))
        wkb = shapely.to_wkb(np.asarray(frame.geometry.values, dtype=object), hex=False)
        digest.update(b"".join(b"" if w is None else w for w in wkb))
    else:
        _feed_frame(digest, part)
    return digest.digest()


def _feed_frame(digest: hashlib.blake2b, frame: pd.DataFrame) -> None:
    digest.update(repr((list(frame.columns), list(map(str, frame.dtypes)),
                        list(frame.index))).encode())
    for column in frame.columns:
        values = frame[column]
        try:
            digest.update(pd.util.hash_pandas_object(values, index=False).to_numpy().tobytes())
        except TypeError:  # unhashable cells (lists, dicts): their text
            digest.update(repr(_cells(values)).encode())


def _cells(values: Iterable[object]) -> list[str]:
    return [repr(v) for v in values]
