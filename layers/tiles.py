"""Vector tiles of a big layer: cut once per layer version by GDAL, served as static files.

A layer too big to send whole to the browser (:data:`maps.viewport.BIG_LAYER_FEATURES`) is
cut into Mapbox Vector Tiles by GDAL's MVT driver (through :func:`pyogrio.write_dataframe`)
into ``static/tiles/<key>/{z}/{x}/{y}.pbf``, which Streamlit serves at
``/app/static/tiles/`` (``server.enableStaticServing``); the Map page draws them with
Leaflet.VectorGrid (:mod:`maps.vector_tiles`), fetching only the tiles in view.

- **Once per version**: ``key`` names what was cut (the project, the layer's stored table
  and time of import, the columns kept: see :func:`tile_key`); a complete set is reused.
- **Never half a set**: the tiles are cut into a temporary folder beside the sets, the
  marker :data:`COMPLETE` is written last, and the folder is renamed into place, so a
  set under its key is complete or absent (a set without its marker is ignored).
- **Tiles as sent**: uncompressed (Streamlit's static server sends no
  ``Content-Encoding``), zooms :data:`MIN_ZOOM` to :data:`MAX_ZOOM` (the map draws
  deeper zooms from the :data:`MAX_ZOOM` tiles), attributes as text or numbers. A tile
  of points holds at most :data:`MAX_TILE_POINTS` of them (a sample: the points are
  written in a fixed random order and GDAL keeps the first ones), so far-out views stay
  light; lines and areas are simplified by GDAL to each zoom's tile grid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

from layers.errors import LayerError
from layers.messages import Note, os_reason
from layers.resources import resource_dir

TILES_URL = "/app/static/tiles"
"""Where Streamlit serves the folder of tile sets (:func:`tiles_root`)."""

TILE_LAYER = "features"
"""Name of the one layer inside every tile."""

MIN_ZOOM, MAX_ZOOM = 0, 10
"""Zoom levels cut. A tile of zoom 10 is about 39 km wide, its grid (4096 units) about
10 m: the map overzooms it for closer views."""

MAX_TILE_POINTS = 2_000
"""At most this many points in one tile (GDAL's ``MAX_FEATURES``)."""

COMPLETE = "kvpt-complete.json"
"""Marker written last into a set: what was cut (features, zooms, columns)."""

FORMAT = 1
"""Version of the way sets are cut: a change here cuts every set anew."""

MAX_SETS = 16
"""Complete tile sets kept (:func:`prune_sets`): the least recently used go first."""

WEB_MERCATOR = "EPSG:3857"
_POINT_TYPES = (0, 4)


@dataclass(frozen=True)
class TileSet:
    """A complete set of vector tiles.

    Attributes
    ----------
    key : str
        Its name (:func:`tile_key`), the folder under the tiles root.
    path : Path
        The folder.
    features : int
        Features cut.
    columns : tuple of str
        Attributes each tile feature carries.
    """

    key: str
    path: Path
    features: int
    columns: tuple[str, ...]

    def url(self, base: str = TILES_URL) -> str:
        """Return the URL template of the tiles (``{z}``, ``{x}``, ``{y}``) under ``base``."""
        return f"{base}/{self.key}/{{z}}/{{x}}/{{y}}.pbf"


def tiles_root() -> Path:
    """Return the folder of tile sets: ``tiles/`` in the app's static folder."""
    return resource_dir("static") / "tiles"


def tile_key(*parts: object) -> str:
    """Return the name of a tile set from what it depends on (by ``repr``).

    >>> tile_key("a.gpkg", "roads__v2") == tile_key("a.gpkg", "roads__v2")
    True
    """
    digest = hashlib.blake2b(repr((FORMAT, MIN_ZOOM, MAX_ZOOM, MAX_TILE_POINTS, parts))
                             .encode("utf-8"), digest_size=12)
    return digest.hexdigest()


def ready(key: str, root: Path | None = None) -> TileSet | None:
    """Return the complete set named ``key`` under ``root``, or None (absent or partial)."""
    path = (root or tiles_root()) / key
    try:
        done = json.loads((path / COMPLETE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return TileSet(key, path, int(done["features"]), tuple(done["columns"]))


def cut_tiles(gdf: gpd.GeoDataFrame, key: str, *, columns: Sequence[str] = (),
              name: str = "", root: Path | None = None) -> TileSet:
    """Return the tile set ``key`` of ``gdf``, cut now unless a complete one exists.

    Parameters
    ----------
    gdf : GeoDataFrame
        The features (any CRS); empty geometries are left out.
    key : str
        Name of the set (:func:`tile_key` of everything the tiles depend on).
    columns : sequence of str
        Attributes kept in the tiles (those the popups show); missing ones are ignored.
    name : str
        The layer's name, for the error message.
    root : Path, optional
        Folder of the sets (default :func:`tiles_root`).

    Raises
    ------
    LayerError
        If GDAL or the file system fails (key ``tiles_failed``).
    """
    root = root or tiles_root()
    done = ready(key, root)
    if done is not None:
        _touch(done.path / COMPLETE)  # used again: kept longest by prune_sets()
        return done
    frame = tile_frame(gdf, columns)
    try:
        root.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
    except OSError as err:
        raise LayerError(key="tiles_failed", params={"layer": name,
                                                     "detail": os_reason(err)}) from err
    try:
        _write(frame, work / key, name)
        _publish(work / key, root / key)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    done = ready(key, root)
    if done is None:  # removed under us: never serve what is not there
        raise LayerError(key="tiles_failed", params={"layer": name, "detail": COMPLETE})
    prune_sets(root, keep_key=key)
    return done


def prune_sets(root: Path | None = None, *, keep: int | None = None, keep_key: str = ""
               ) -> list[str]:
    """Remove the complete sets beyond the ``keep`` most recently used; return their keys.

    Each new version of a big layer cuts a new set (tens of MB for 100,000 points); the
    sets of old versions go once :data:`MAX_SETS` newer ones exist. ``keep_key`` (the
    set just cut) is never removed. Partial sets are left to :func:`cut_tiles`.
    """
    root = root or tiles_root()
    keep = MAX_SETS if keep is None else keep
    try:
        sets = [(p.stat().st_mtime, p.parent) for p in root.glob(f"*/{COMPLETE}")]
    except OSError:
        return []
    sets.sort(reverse=True)
    gone = [path for _, path in sets[keep:] if path.name != keep_key]
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return [path.name for path in gone]


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:  # a read-only installation: the set is still served
        pass


def tile_frame(gdf: gpd.GeoDataFrame, columns: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """Return what is cut: ``columns`` as text or numbers, in Web Mercator.

    Points come in a fixed random order (the sample a full tile keeps, see the module).
    """
    keep = [c for c in dict.fromkeys(columns) if c in gdf.columns and c != gdf.geometry.name]
    data = {c: _tile_values(gdf[c]) for c in keep}
    out = gpd.GeoDataFrame(data, geometry=gdf.geometry.values, crs=gdf.crs)
    out = out[out.geometry.notna() & ~out.geometry.is_empty].to_crs(WEB_MERCATOR)
    types = shapely.get_type_id(np.asarray(out.geometry.values, dtype=object))
    if len(out) and np.isin(types, _POINT_TYPES).all():
        out = out.iloc[np.random.default_rng(0).permutation(len(out))]
    return out.reset_index(drop=True)


def _tile_values(values: pd.Series) -> pd.Series:
    """Numbers and booleans as they are; anything else as text (missing stays missing).

    Dates and times as ISO 8601 text, as the normal map's popups show them.
    """
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
        return values.reset_index(drop=True)
    text = [None if _missing(v) else v.isoformat() if isinstance(v, dt.date | dt.time)
            else str(v) for v in values]
    return pd.Series(text, dtype=object)


def _missing(value: object) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, arrays: not one missing value
        return False


def _write(frame: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """Cut ``frame`` into ``path`` with GDAL's MVT driver, then write the marker."""
    options = {"MINZOOM": str(MIN_ZOOM), "MAXZOOM": str(MAX_ZOOM), "COMPRESS": "NO",
               "FORMAT": "DIRECTORY", "TILE_EXTENSION": "pbf"}
    types = shapely.get_type_id(np.asarray(frame.geometry.values, dtype=object))
    if len(frame) and np.isin(types, _POINT_TYPES).all():
        options["MAX_FEATURES"] = str(MAX_TILE_POINTS)
    try:
        with warnings.catch_warnings():  # "a tile exceeded 500 kB, encoded coarser"
            warnings.simplefilter("ignore", RuntimeWarning)
            pyogrio.write_dataframe(frame, path, driver="MVT", layer=TILE_LAYER,
                                    dataset_options=options)
        path.mkdir(parents=True, exist_ok=True)  # GDAL writes no folder for no features
        marker = {"features": len(frame), "columns": [c for c in frame.columns
                                                      if c != frame.geometry.name],
                  "minzoom": MIN_ZOOM, "maxzoom": MAX_ZOOM}
        (path / COMPLETE).write_text(json.dumps(marker, ensure_ascii=False),
                                     encoding="utf-8")
    except OSError as err:
        raise LayerError(key="tiles_failed", params={"layer": name,
                                                     "detail": os_reason(err)}) from err
    except Exception as err:  # GDAL's errors (pyogrio.errors.*): their text has paths
        raise LayerError(key="tiles_failed", params={"layer": name,
                                                     "detail": Note.of("tiles_gdal")}) from err


def _publish(work: Path, final: Path) -> None:
    """Rename the complete set ``work`` to ``final`` (another process may have won)."""
    try:
        os.rename(work, final)
    except OSError:
        if ready(final.name, final.parent) is None:
            shutil.rmtree(final, ignore_errors=True)  # a stale, partial set: replace it
            os.rename(work, final)
