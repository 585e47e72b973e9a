"""The real geography bundled in ``data/real/``: basemap layers and named reference files.

Everything here is published data (Natural Earth, censusVN2009, dvhcvn, LegoCity);
``data/SOURCES.md`` gives the origin, licence and derivation of every file. Files
are read once per process and handed out as copies, so callers may change them.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import geopandas as gpd

from layers.errors import LayerError
from layers.resources import resource_dir

DATA_DIR: Path = resource_dir("data")
"""The bundled ``data/`` folder (real data, SOURCES.md, licences), installed as package
``kvpt_data`` (see :mod:`layers.resources`)."""

REAL_DIR: Path = DATA_DIR / "real"

REAL_LAYERS: dict[str, str] = {
    "province": "Lạng Sơn province outline (dvhcvn, GSO code 20)",
    "districts": "the 11 districts of Lạng Sơn (dvhcvn, GSO codes; census 2009 population)",
    "communes": "the 226 communes of Lạng Sơn, 2009 boundaries (censusVN2009, thinned)",
    "border": "the Vietnam–China border along Lạng Sơn (derived from the dvhcvn outline)",
    "roads": "national and provincial roads and the railway crossing Lạng Sơn (LegoCity)",
    "rivers": "river centre-lines of northern Vietnam and south China (Natural Earth 1:10m)",
    "places": "populated places near Lạng Sơn (Natural Earth) and its townships (census)",
    "countries": "Vietnam, China and Laos, clipped to northern Vietnam (Natural Earth 1:10m)",
    "provinces": "Lạng Sơn and six northern provinces (dvhcvn)",
}
"""Short name -> description of every file :func:`real_layer` reads."""

_BASEMAP: tuple[tuple[str, str, str], ...] = (
    ("Quốc gia (Natural Earth)", "admin_unit", "countries"),
    ("Tỉnh (dvhcvn)", "admin_unit", "provinces"),
    ("Sông (Natural Earth)", "river", "rivers"),
)


def load_basemap() -> list[tuple[str, str, gpd.GeoDataFrame]]:
    """Return the background layers drawn under a project's own layers.

    Returns
    -------
    list of tuple
        ``(display name, kind key, GeoDataFrame)`` in drawing order: countries,
        provinces, rivers. Each frame is in EPSG:4326 and has a ``name`` column
        (and ``code`` for countries and provinces). The frames are copies.

    Raises
    ------
    LayerError
        If a bundled file is missing from ``data/real/``.
    """
    return [(title, kind, _basemap_frame(name).copy()) for title, kind, name in _BASEMAP]


def real_layer(name: str) -> gpd.GeoDataFrame:
    """Read one bundled real file by its short name.

    Parameters
    ----------
    name : str
        One of the keys of :data:`REAL_LAYERS` (``"province"``, ``"districts"``,
        ``"communes"``, ``"border"``, ``"roads"``, ``"rivers"``, ``"places"``,
        ``"countries"``, ``"provinces"``).

    Returns
    -------
    GeoDataFrame
        The file's features with their source columns, in EPSG:4326 (a copy).

    Raises
    ------
    LayerError
        If ``name`` is unknown (the message lists the names) or the file is missing.
    """
    if name not in REAL_LAYERS:
        raise LayerError(key="no_bundled_layer", params={"name": name,
                                                         "names": ", ".join(REAL_LAYERS)})
    return _read_real(name).copy()


@cache
def _read_real(name: str) -> gpd.GeoDataFrame:
    path = REAL_DIR / f"{name}.geojson"
    if not path.is_file():
        raise LayerError(key="bundled_file_missing", params={"file": path.name,
                                                             "path": str(path)})
    gdf = gpd.read_file(path)
    return gdf if gdf.crs is not None else gdf.set_crs(4326)


@cache
def _basemap_frame(name: str) -> gpd.GeoDataFrame:
    gdf = _read_real(name)
    if name == "countries":
        out = gdf.rename(columns={"NAME_VI": "name", "NAME_EN": "name_en", "ADM0_A3": "code"})
        return out[["name", "name_en", "code", "geometry"]]
    if name == "provinces":
        out = gdf.rename(columns={"level1_id": "code"})
        return out[["name", "code", "geometry"]]
    out = gdf.assign(name=gdf["name"].fillna(gdf["name_en"]))
    return out[["name", "name_en", "geometry"]]
