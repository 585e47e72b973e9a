"""Read the project's layers in the shapes analyses take."""

from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
import pandas as pd

from layers.kinds import DEFENSE_WORK_KINDS
from layers.store import STORAGE_CRS, ProjectStore


def read_defense_works(
    store: ProjectStore, kinds: Iterable[str] | None = None
) -> gpd.GeoDataFrame:
    """Return every current defense work of the project as one GeoDataFrame.

    Parameters
    ----------
    store : ProjectStore
        The project.
    kinds : iterable of str, optional
        Kinds to include; all defense-work kinds by default.

    Returns
    -------
    GeoDataFrame
        Columns ``layer``, ``kind``, ``name`` and geometry, in EPSG:4326, with a
        unique string index ``"<layer>:<row>"`` so results can be traced back.
    """
    kinds = tuple(kinds) if kinds is not None else DEFENSE_WORK_KINDS
    records = {r.name: r.kind for r in store.layers() if r.kind in kinds}
    frames = []
    for name, kind in records.items():
        gdf = store.read(name)
        names = gdf["name"] if "name" in gdf.columns else pd.Series("", index=gdf.index)
        frame = gpd.GeoDataFrame(
            {"layer": name, "kind": kind, "name": names.astype(str).to_numpy()},
            geometry=gdf.geometry.to_numpy(), crs=gdf.crs,
            index=[f"{name}:{i}" for i in range(len(gdf))])
        frames.append(frame)
    if not frames:
        return gpd.GeoDataFrame({"layer": [], "kind": [], "name": []}, geometry=[],
                                crs=STORAGE_CRS)
    return gpd.GeoDataFrame(pd.concat(frames), crs=STORAGE_CRS)
