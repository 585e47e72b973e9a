"""Terrain of a project: its DEM, the elevation and slope of assets, sight lines, viewsheds.

The DEM lives inside the project file (:mod:`layers.store_rasters`), in the metric CRS it
was resampled to on import (:mod:`layers.dem`); every analysis runs on that grid
(:mod:`geo.terrain`) and returns a :class:`planning.results.Result` with EPSG:4326
geometries and features named ``"<layer>:<row>"`` with their ``code`` and ``name``.

Positions (``from_``, ``to``) are any feature a route can start at
(:func:`planning.network.trip_ends`: its id, its code or its name; a polygon is taken at
its representative point) or ``"lon,lat"`` in degrees.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo import terrain
from geo.assets import with_attributes
from layers import dem as dem_io
from layers import store_rasters
from layers.errors import LayerError
from planning import inputs
from planning.errors import PlanningError
from planning.network import find_end, trip_ends
from planning.project import Project
from planning.results import Result, in_storage_crs

DEM_NAME = "DEM"
"""Name of an imported DEM unless another is given."""

FICTIONAL_NAME = "DEM (giả định)"
"""Name of the fictional demo DEM (the ``(giả định)`` mark of every fictional layer)."""

RECORD_COLUMNS = ("name", "version", "created", "crs", "width", "height", "cell_m",
                  "source", "note", "size_bytes")

_LONLAT = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*[,; ]\s*(-?\d+(?:\.\d+)?)\s*$")


# --- the DEM of a project ------------------------------------------------------------------


def import_dem(store: Any, path: str | Path, *, crs: str | None = None,
               name: str = DEM_NAME, cell_m: float | None = None) -> Result:
    """Read a DEM GeoTIFF, resample it to the metric CRS and store it in the project.

    Returns
    -------
    Result
        ``dem``: the stored version (:data:`RECORD_COLUMNS`); values ``source_crs``,
        ``nodata_pct``, ``elevation_min_m``, ``elevation_max_m``.
    """
    found = dem_io.read_dem(path, crs=crs, cell_m=cell_m)
    grid = found.grid
    rec = store_rasters.add_raster(
        store, name, dem_io.to_geotiff(grid), crs=grid.crs, width=grid.shape[1],
        height=grid.shape[0], cell_m=grid.cell, source=f"{Path(path).name} ({found.source_crs})")
    return _stored(rec, grid, source_crs=found.source_crs, nodata=found.nodata_share)


def import_fictional(store: Any, project: Project, *, cell_m: float = 100.0) -> Result:
    """Store the FICTIONAL demo DEM over the project's extent, labelled as such.

    Raises
    ------
    PlanningError
        ``terrain_no_extent`` when the project has no layer.
    """
    frames = [project.read(n) for n in project.names(["admin_unit"])] or [
        project.read(n) for n in project.names()]
    frames = [f for f in frames if len(f)]
    if not frames:
        raise PlanningError("terrain_no_extent")
    bounds = np.array([f.to_crs("EPSG:4326").total_bounds for f in frames])
    extent = (bounds[:, 0].min(), bounds[:, 1].min(), bounds[:, 2].max(), bounds[:, 3].max())
    grid = dem_io.fictional_dem(tuple(float(v) for v in extent), cell_m=cell_m)
    data = dem_io.to_geotiff(grid, description=dem_io.FICTIONAL_NOTE)
    rec = store_rasters.add_raster(store, FICTIONAL_NAME, data, crs=grid.crs,
                                   width=grid.shape[1], height=grid.shape[0], cell_m=grid.cell,
                                   source="generated (fictional)", note=dem_io.FICTIONAL_NOTE)
    return _stored(rec, grid, source_crs=grid.crs, nodata=0.0)


def dems(project: Project) -> Result:
    """List the DEMs of the project (current version of each).

    Returns
    -------
    Result
        ``dems``: one row per DEM (:data:`RECORD_COLUMNS`).
    """
    recs = store_rasters.rasters(_path(project))
    table = pd.DataFrame([[getattr(r, c) for c in RECORD_COLUMNS] for r in recs],
                         columns=list(RECORD_COLUMNS))
    return Result({"dems": table})


def dem_stamp(project: Project) -> str:
    """Return a text that changes with every DEM stored (``""`` without one).

    For caches of maps that carry the newest DEM's hillshade
    (:func:`maps.project.store_map`): ``"<name> v<version> <created>"`` of each DEM.
    """
    try:
        recs = store_rasters.rasters(_path(project))
    except (LayerError, AttributeError):  # a PostGIS project keeps no rasters
        return ""
    return "; ".join(f"{r.name} v{r.version} {r.created}" for r in recs)


def load_grid(project: Project, name: str | None = None) -> tuple[terrain.Grid, Any]:
    """Return the grid of DEM ``name`` (default: the newest) and its store record."""
    def build() -> tuple[terrain.Grid, Any]:
        rec, data = store_rasters.read_raster(_path(project), name)
        return dem_io.from_geotiff(data), rec

    return project.memo(("dem", name, dem_stamp(project)), build)  # a new DEM: read it


def relief(project: Project, *, dem: str | None = None, lang: str = "vi"
           ) -> tuple[terrain.Grid, str]:
    """Return the grid of a DEM to draw as hillshade and the label naming it on a sheet.

    The label is ``"Địa hình: <name> v<version>"`` (``"Relief: …"`` in English); a
    fictional DEM's name already says ``(giả định)``, and the English label adds
    ``— FICTIONAL``.

    Raises
    ------
    LayerError
        ``dem_none`` when the project has no DEM, ``dem_unknown`` for another name.
    """
    grid, rec = load_grid(project, dem)
    word = "Địa hình" if lang == "vi" else "Relief"
    fictional = " — FICTIONAL" if lang != "vi" and "FICTIONAL" in rec.note else ""
    return grid, f"{word}: {_dem_label(rec)}{fictional}"


# --- analyses -------------------------------------------------------------------------------


def feature_terrain(project: Project, *, dem: str | None = None) -> Result:
    """Return the elevation and slope of every asset (the posture kinds), from the DEM.

    Returns
    -------
    Result
        ``records``: ``asset`` id, ``layer``, ``kind``, ``name``, ``code``, ``elevation_m``,
        ``slope_deg``, ``elevation_min_m``, ``elevation_max_m`` and the asset; value ``dem``.
    """
    grid, rec = load_grid(project, dem)
    assets = inputs.assets(project)
    table = terrain.feature_terrain(grid, assets).round(2)
    off = table.index[table["elevation_m"].isna()]
    if len(off):
        project.note("terrain_features_off_dem", count=len(off), ids=", ".join(off[:5]))
    frame = with_attributes(assets, table, label="asset",
                            columns=("layer", "kind", "name", "code"))
    return Result({"records": in_storage_crs(frame)}, values={"dem": _dem_label(rec)},
                  warnings=project.take_notes(), json_keys=("dem", "records"))


def high_points(project: Project, *, dem: str | None = None) -> Result:
    """Find the highest DEM cell of every district (commune in a 2-tier project).

    Returns
    -------
    Result
        ``records``: ``unit`` id, ``code``, ``name``, ``elevation_m``, ``lon``, ``lat``
        (give ``lon,lat`` to :func:`viewshed`), highest first, with the point; value ``dem``.
    """
    grid, rec = load_grid(project, dem)
    units = _units(project)
    found = terrain.highest_points(grid, units.geometry)
    lon, lat = _to_lonlat(grid.crs).transform(found["x"].to_numpy(), found["y"].to_numpy())
    table = gpd.GeoDataFrame({
        "unit": units.index.astype(str), "code": units.get("code", ""),
        "name": units.get("name", ""), "elevation_m": found["elevation_m"].round(1),
        "lon": np.round(lon, 6), "lat": np.round(lat, 6)},
        geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")
    table = table[table["elevation_m"].notna()].sort_values("elevation_m", ascending=False)
    return Result({"records": table.reset_index(drop=True)}, values={"dem": _dem_label(rec)},
                  warnings=project.take_notes(), json_keys=("dem", "records"))


def sight_line(project: Project, from_: str, to: str, *, observer_m: float = 2.0,
               target_m: float = 2.0, curvature: bool = True, dem: str | None = None
               ) -> Result:
    """Tell whether ``to`` is seen from ``from_`` over the terrain.

    Returns
    -------
    Result
        ``line``: one row (``from``, ``to`` with their codes and names, ``visible``,
        ``distance_m``, ``min_clearance_m``, ``blocked_at_m``, ``blocked_lon``,
        ``blocked_lat``, ``from_ground_m``, ``to_ground_m``) and the sight line.
    """
    grid, rec = load_grid(project, dem)
    a, b = _position(project, from_, grid), _position(project, to, grid)
    seen = terrain.line_of_sight(grid, a["xy"], b["xy"], observer_height=observer_m,
                                 target_height=target_m, curvature=curvature)
    lon, lat = (None, None)
    if seen.blocked_xy is not None:
        lon, lat = _to_lonlat(grid.crs).transform(*seen.blocked_xy)
    row = {"from": a["id"], "from_code": a["code"], "from_name": a["name"],
           "to": b["id"], "to_code": b["code"], "to_name": b["name"],
           "visible": seen.visible, "distance_m": round(seen.distance_m, 1),
           "min_clearance_m": round(seen.min_clearance_m, 2),
           "blocked_at_m": None if seen.blocked_at_m is None else round(seen.blocked_at_m, 1),
           "blocked_lon": lon, "blocked_lat": lat,
           "from_ground_m": round(seen.observer_z, 1), "to_ground_m": round(seen.target_z, 1),
           "observer_m": observer_m, "target_m": target_m, "dem": _dem_label(rec)}
    line = gpd.GeoDataFrame([row], geometry=[shapely.LineString([a["xy"], b["xy"]])],
                            crs=grid.crs)
    profile = sight_profile(grid, a["xy"], b["xy"], observer_m=observer_m, target_m=target_m,
                            curvature=curvature)
    return Result({"line": in_storage_crs(line)},
                  settings={"curvature": curvature, "refraction": terrain.REFRACTION},
                  warnings=project.take_notes(), extra={"profile": profile})


def sight_profile(grid: terrain.Grid, start: tuple[float, float], end: tuple[float, float],
                  *, observer_m: float, target_m: float, curvature: bool = True,
                  samples: int = 200) -> pd.DataFrame:
    """Return the terrain profile under a sight line and the line's height along it.

    Parameters
    ----------
    grid : geo.terrain.Grid
        The DEM.
    start, end : tuple of float
        Observer and target ``(x, y)`` in the grid's CRS.
    observer_m, target_m : float
        Heights above the ground of the eye and of the target (metres).
    curvature : bool
        Bend the sight line over the Earth's curvature with refraction
        (:data:`geo.terrain.REFRACTION`), as :func:`geo.terrain.line_of_sight` does.
    samples : int
        Points along the line (both ends included).

    Returns
    -------
    DataFrame
        ``distance_m`` from the observer, ``ground_m`` (the DEM, bilinear) and ``line_m``:
        the height of the sight line above the same datum, so that
        ``line_m - ground_m`` is the line's clearance over the ground (negative: blocked).
        Over a curved Earth the straight line rises above the local level by
        ``d² (1 - k) / 2R`` (:data:`geo.terrain.EARTH_RADIUS_M`).
    """
    d_total = float(np.hypot(end[0] - start[0], end[1] - start[1]))
    frac = np.linspace(0.0, 1.0, max(int(samples), 2))
    xs = start[0] + frac * (end[0] - start[0])
    ys = start[1] + frac * (end[1] - start[1])
    ground = terrain.sample(grid, xs, ys)
    d = frac * d_total
    k = (1.0 - terrain.REFRACTION) / (2.0 * terrain.EARTH_RADIUS_M) if curvature else 0.0
    eye, top = ground[0] + observer_m, ground[-1] + target_m - k * d_total ** 2
    line = eye + (top - eye) * frac + k * d * d
    return pd.DataFrame({"distance_m": np.round(d, 1), "ground_m": np.round(ground, 2),
                         "line_m": np.round(line, 2)})


def viewshed(project: Project, from_: str | Sequence[str], *, radius_km: float = 10.0,
             observer_m: float = 10.0, target_m: float = 0.0, curvature: bool = True,
             dem: str | None = None) -> Result:
    """Find what positions see within a radius, and the area of each district they see.

    Several positions (e.g. every air-defense position) see the union of their views.

    Returns
    -------
    Result
        ``units``: the districts (communes in a 2-tier project) the view reaches:
        ``unit`` id, ``code``, ``name``, ``area_km2``, ``seen_km2``, ``seen_pct`` (of the
        unit's area), most seen first, with the unit polygon; ``observers``: ``observer``
        id, ``code``, ``name``, ``lon``, ``lat``, ``ground_m``, ``visible_km2`` (its own
        view); ``visible``: the seen area as one polygon; values ``radius_km``,
        ``observer_m``, ``target_m``, ``visible_km2``, ``looked_km2`` (the area within the
        radius on the DEM), ``visible_pct``, ``dem``.
    """
    grid, rec = load_grid(project, dem)
    radius = radius_km * 1000.0
    mask = np.zeros(grid.shape, dtype=bool)
    looked = np.zeros(grid.shape, dtype=bool)
    cell_km2 = grid.cell * grid.cell / 1e6
    rows = []
    for text in [from_] if isinstance(from_, str) else list(from_):
        where = _position(project, text, grid)
        own = terrain.viewshed(grid, *where["xy"], radius_m=radius,
                               observer_height=observer_m, target_height=target_m,
                               curvature=curvature)
        mask |= own
        looked |= terrain.within_radius(grid, *where["xy"], radius)
        lon, lat = _to_lonlat(grid.crs).transform(*where["xy"])
        ground = terrain.sample(grid, np.array([where["xy"][0]]), np.array([where["xy"][1]]))
        rows.append({"observer": where["id"], "code": where["code"], "name": where["name"],
                     "lon": round(lon, 6), "lat": round(lat, 6),
                     "ground_m": round(float(ground[0]), 1),
                     "visible_km2": round(float(own.sum()) * cell_km2, 3)})
    values = {"radius_km": radius_km, "observer_m": observer_m, "target_m": target_m,
              "visible_km2": round(float(mask.sum()) * cell_km2, 3),
              "looked_km2": round(float(looked.sum()) * cell_km2, 3),
              "visible_pct": round(100.0 * float(mask.sum()) / max(int(looked.sum()), 1), 1),
              "dem": _dem_label(rec)}
    visible = gpd.GeoDataFrame({"observers": [len(rows)]},
                               geometry=[terrain.visible_polygons(grid, mask)], crs=grid.crs)
    return Result({"units": _seen_units(project, grid, mask), "observers": pd.DataFrame(rows),
                   "visible": in_storage_crs(visible)}, values=values,
                  settings={"curvature": curvature, "refraction": terrain.REFRACTION},
                  warnings=project.take_notes(), json_keys=("observers", *values, "units"),
                  extra={"mask": mask, "grid": grid})


# --- helpers -------------------------------------------------------------------------------


def _stored(rec: Any, grid: terrain.Grid, *, source_crs: str, nodata: float) -> Result:
    table = pd.DataFrame([[getattr(rec, c) for c in RECORD_COLUMNS]],
                         columns=list(RECORD_COLUMNS))
    values = {"source_crs": source_crs, "nodata_pct": round(100.0 * nodata, 2),
              "elevation_min_m": round(float(np.nanmin(grid.z)), 1),
              "elevation_max_m": round(float(np.nanmax(grid.z)), 1)}
    return Result({"dem": table}, values=values, json_keys=("dem", *values))


def _path(project: Project) -> Path:
    return Path(project.reader.path)


def _dem_label(rec: Any) -> str:
    return f"{rec.name} v{rec.version}"


def _to_lonlat(crs: str) -> pyproj.Transformer:
    return pyproj.Transformer.from_crs(crs, "EPSG:4326", always_xy=True)


def _position(project: Project, text: str, grid: terrain.Grid) -> dict:
    """Return ``{"id", "code", "name", "xy"}`` of a feature or of ``"lon,lat"``."""
    match = _LONLAT.match(text)
    if match:
        lon, lat = float(match.group(1)), float(match.group(2))
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise PlanningError("terrain_lonlat_bad", text=text)
        xy = pyproj.Transformer.from_crs("EPSG:4326", grid.crs,
                                         always_xy=True).transform(lon, lat)
        return {"id": f"{lon:.6f},{lat:.6f}", "code": "", "name": "", "xy": xy}
    feats = trip_ends(project)
    ident = find_end(feats, text)
    point = feats.geometry.to_crs(grid.crs).loc[ident]
    row = feats.loc[ident]
    code = row.get("code", "")
    return {"id": str(ident), "code": "" if pd.isna(code) else str(code),
            "name": str(row.get("name", "")), "xy": (point.x, point.y)}


def _seen_units(project: Project, grid: terrain.Grid, mask: np.ndarray) -> gpd.GeoDataFrame:
    """Return the districts (else communes) with the area of each the view covers."""
    units = _units(project)
    columns = ["unit", "code", "name", "area_km2", "seen_km2", "seen_pct"]
    if not len(units):
        project.note("terrain_no_units")
        return gpd.GeoDataFrame(columns=[*columns, "geometry"], geometry="geometry",
                                crs="EPSG:4326")
    metric = units.to_crs(grid.crs)
    seen = terrain.seen_area(grid, mask, list(metric.geometry))
    area = metric.geometry.area.to_numpy()
    table = gpd.GeoDataFrame({
        "unit": units.index.astype(str), "code": units.get("code", ""),
        "name": units.get("name", ""), "area_km2": np.round(area / 1e6, 3),
        "seen_km2": np.round(seen / 1e6, 3),
        "seen_pct": np.round(100.0 * seen / np.where(area > 0, area, 1.0), 2)},
        geometry=units.geometry.to_numpy(), crs=units.crs)
    table = table[table["seen_km2"] > 0].sort_values("seen_km2", ascending=False)
    return in_storage_crs(table.reset_index(drop=True))


def _units(project: Project) -> gpd.GeoDataFrame:
    """Return the districts, or the communes of a 2-tier project (empty when neither)."""
    units = inputs.districts(project)
    return units if len(units) else inputs.communes(project, required=False)
