"""Stack the layers of a project into one frame of features, traceable to their layer.

The posture analyses (:mod:`geo.completeness`, :mod:`geo.depth`, :mod:`geo.support`,
:mod:`geo.nearest`, :mod:`geo.hazards`) take one GeoDataFrame of features of several
kinds. :func:`stack_layers` builds it from layers already read (no file I/O here): the
caller reads each layer (``ProjectStore.read``) and passes ``(layer, kind, gdf)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.errors import AnalysisInputError, Problem

ATTRIBUTES: tuple[str, ...] = ("name", "code", "level")
"""Attributes :func:`stack_layers` keeps by default (missing ones become empty)."""


def stack_layers(
    layers: Iterable[tuple[str, str, gpd.GeoDataFrame]],
    *,
    columns: Sequence[str] = ATTRIBUTES,
    kinds: Iterable[str] | None = None,
) -> gpd.GeoDataFrame:
    """Stack layers into one GeoDataFrame with their layer and kind.

    Parameters
    ----------
    layers : iterable of (str, str, GeoDataFrame)
        ``(layer name, kind key, features)`` per layer.
    columns : sequence of str
        Attributes to keep; a layer without one gets empty (missing) values.
    kinds : iterable of str, optional
        Keep only the layers of these kinds; all by default.

    Returns
    -------
    GeoDataFrame
        Columns ``layer``, ``kind``, then ``columns`` as text, then the geometry, in the
        CRS of the first layer (the others are reprojected), with a unique string index
        ``"<layer>:<row position>"`` (as :func:`planning.appraisal.defense_works`).
        Empty (EPSG:4326) when no layer is left.

    Raises
    ------
    AnalysisInputError
        If a layer is not a GeoDataFrame or has no CRS, or two layers share a name.
    """
    wanted = None if kinds is None else set(kinds)
    picked = [(n, k, g) for n, k, g in layers if wanted is None or k in wanted]
    problems = []
    seen: set[str] = set()
    for name, _, gdf in picked:
        if not isinstance(gdf, gpd.GeoDataFrame) or gdf.crs is None:
            problems.append(Problem("layer_no_crs", name=name))
        if name in seen:
            problems.append(Problem("layer_name_twice", name=name))
        seen.add(name)
    if problems:
        raise AnalysisInputError(*problems)
    if not picked:
        empty = {"layer": [], "kind": [], **{c: [] for c in columns}}
        return gpd.GeoDataFrame(pd.DataFrame(empty, dtype="str"), geometry=[], crs="EPSG:4326")
    crs = picked[0][2].crs
    frames = [_one(name, kind, gdf.to_crs(crs), columns) for name, kind, gdf in picked]
    return gpd.GeoDataFrame(pd.concat(frames), geometry="geometry", crs=crs)


def _one(name: str, kind: str, gdf: gpd.GeoDataFrame, columns: Sequence[str]
         ) -> gpd.GeoDataFrame:
    data: dict[str, object] = {"layer": np.full(len(gdf), name, dtype=object),
                               "kind": np.full(len(gdf), kind, dtype=object)}
    for col in columns:
        values = gdf[col] if col in gdf.columns else pd.Series([None] * len(gdf))
        data[col] = [None if _missing(v) else str(v) for v in values]
    frame = pd.DataFrame(data, index=[f"{name}:{i}" for i in range(len(gdf))]).astype("str")
    return gpd.GeoDataFrame(frame, geometry=gdf.geometry.to_numpy(), crs=gdf.crs)


def _missing(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def with_attributes(
    features: gpd.GeoDataFrame,
    table: pd.DataFrame,
    *,
    label: str = "feature",
    columns: Sequence[str] = ("layer", "kind", "name"),
) -> gpd.GeoDataFrame:
    """Put an index-aligned result beside the features it describes, for tables and files.

    Parameters
    ----------
    features : GeoDataFrame
        The features (e.g. from :func:`stack_layers`).
    table : DataFrame
        A result index-aligned with ``features``.
    label : str
        Name of the column that receives the index labels.
    columns : sequence of str
        Columns of ``features`` put first (those it has and ``table`` lacks).

    Returns
    -------
    GeoDataFrame
        ``label``, ``columns``, the columns of ``table``, and the features' geometry, with
        a fresh ``RangeIndex``.
    """
    first = [c for c in columns if c in features.columns and c not in table.columns]
    data = features[first].join(table).rename_axis(label).reset_index()
    return gpd.GeoDataFrame(data, geometry=features.geometry.to_numpy(), crs=features.crs)
