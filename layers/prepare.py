"""Checks and preparation of a layer before the project store writes it.

:class:`NewLayer` is what callers hand to :meth:`layers.store.ProjectStore.add_layers`;
:func:`_prepare_all` checks every layer (name, kind, geometry types, CRS, columns) and
returns them ready to write in EPSG:4326, or raises one :class:`LayerError` listing every
problem. Nothing here touches a file.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from layers.errors import LayerError
from layers.kinds import base_geometry_types, check_geometry_types, get_kind
from layers.messages import Note, clip, short_list

STORAGE_CRS = "EPSG:4326"
"""CRS of every stored layer."""

RECORDS_PREFIX = "kvpt_rec_"
"""Prefix of the tables of plain records (see :meth:`ProjectStore.write_records`)."""

_RESERVED_PREFIXES = ("gpkg_", "rtree_", "sqlite_", "kvpt_")
_SLUG_MAX = 48


@dataclass
class NewLayer:
    """A layer to store with :meth:`ProjectStore.add_layers`.

    Attributes
    ----------
    gdf : GeoDataFrame
        Features, in any CRS (reprojected to EPSG:4326); must have a CRS.
    name : str
        Display name; an existing name gets a new version.
    kind : str
        Key of :data:`layers.kinds.KINDS`.
    source_file, checksum, source_crs, encoding, note
        Copied to the :class:`LayerRecord`; ``source_crs`` defaults to the CRS
        of ``gdf``.
    """

    gdf: gpd.GeoDataFrame
    name: str
    kind: str
    source_file: str = ""
    checksum: str = ""
    source_crs: str = ""
    encoding: str | None = None
    note: str = ""


@dataclass(frozen=True)
class _Prepared:
    """A validated layer ready to write: EPSG:4326, geometry column ``geometry``."""

    gdf: gpd.GeoDataFrame
    name: str
    kind: str
    source_file: str
    checksum: str
    source_crs: str
    encoding: str | None
    note: str


def slugify(text: str, *, max_length: int = _SLUG_MAX) -> str:
    """Return an ASCII ``snake_case`` identifier for ``text``.

    Accents are dropped (``đ`` becomes ``d``), runs of other characters become
    one ``_``. The result starts with a letter and is at most ``max_length``
    characters; ``"layer"`` when nothing is left.

    Examples
    --------
    >>> slugify("Căn cứ chiến đấu (giả định)")
    'can_cu_chien_dau_gia_dinh'
    """
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^0-9a-z]+", "_", text).strip("_")
    if not slug:
        slug = "layer"
    if not slug[0].isalpha():
        slug = f"l_{slug}"
    return slug[:max_length].rstrip("_")


def _prepare_all(layers: Sequence[NewLayer]) -> list[_Prepared]:
    """Validate every layer, raising one LayerError that lists all problems."""
    problems: list[Note] = []
    prepared: list[_Prepared] = []
    seen: dict[str, int] = {}
    for i, layer in enumerate(layers, start=1):
        try:
            prepared.append(_prepare(layer))
        except LayerError as e:
            problem = Note.of(e.key, **e.params) if e.key else str(e)
            problems.append(Note.of("layer_problem", index=i, name=str(layer.name),
                                    problem=problem))
            continue
        name = prepared[-1].name
        if name in seen:
            problems.append(Note.of("layer_problem", index=i, name=name, problem=Note.of(
                "same_name_in_import", other=seen[name])))
        seen.setdefault(name, i)
    if problems:
        raise LayerError(key="nothing_imported", params={"problems": problems})
    return prepared


def _records_table(table: str) -> str:
    """Return ``kvpt_rec_<table>`` or raise LayerError for a bad short name."""
    if not isinstance(table, str) or not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", table):
        raise LayerError(key="records_table_name", params={
            "table": clip(table) if isinstance(table, str) else table})
    return f"{RECORDS_PREFIX}{table}"


def _check_records(frame: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``frame`` ready to write as a records table, or raise LayerError."""
    if isinstance(frame, gpd.GeoDataFrame) or not isinstance(frame, pd.DataFrame):
        raise LayerError(key="records_not_frame", params={"table": table,
                                                          "type": type(frame).__name__})
    if len(frame.columns) == 0:
        raise LayerError(key="records_no_columns", params={"table": table})
    out = frame.reset_index(drop=True)
    out.columns = [str(c) for c in out.columns]
    problems = [Note.of("rec_col_geometry", column=c) for c in out.columns
                if isinstance(out[c].dtype, gpd.array.GeometryDtype)]
    problems += [Note.of("rec_col_fid", column=c) for c in out.columns if c.lower() == "fid"]
    lower: dict[str, list[str]] = {}
    for c in out.columns:
        lower.setdefault(c.lower(), []).append(c)
    problems += [Note.of("rec_col_case", columns=" / ".join(v))
                 for v in lower.values() if len(v) > 1]
    if problems:
        raise LayerError(key="records_unstorable", params={"table": table,
                                                           "problems": problems})
    return out


def _prepare(layer: NewLayer) -> _Prepared:
    """Check one layer and return it in EPSG:4326 with geometry column ``geometry``."""
    name = _clean_name(layer.name)
    if not name:
        raise LayerError(key="name_empty")
    kind = get_kind(layer.kind)
    gdf = layer.gdf
    if not isinstance(gdf, gpd.GeoDataFrame) or not _has_geometry(gdf):
        raise LayerError(key="layer_no_geometry_column")
    if len(gdf) == 0:
        raise LayerError(key="layer_empty")
    if gdf.crs is None:
        raise LayerError(key="layer_no_crs")
    sample = type_sample(gdf.geometry)
    if not base_geometry_types(sample):
        raise LayerError(key="layer_all_empty")
    if (shapely.get_type_id(np.asarray(gdf.geometry.array, dtype=object)) == 7).any():
        raise LayerError(key="layer_collections")  # 7: GeometryCollection, empty ones too
    check_geometry_types(sample, kind)
    gdf = _normalise_columns(gdf)
    source_crs = layer.source_crs or gdf.crs.to_string()
    if gdf.crs.to_epsg() != 4326:
        gdf = gdf.to_crs(STORAGE_CRS)
    gdf = gdf.reset_index(drop=True)
    return _Prepared(gdf, name, kind.key, layer.source_file, layer.checksum, source_crs,
                     layer.encoding, layer.note)


def type_sample(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Return one present, non-empty geometry of each geometry type found in ``geoms``.

    Checks by type (:func:`layers.kinds.base_geometry_types`,
    :func:`layers.kinds.check_geometry_types`) give the same answer on the sample as on
    ``geoms``, at the cost of a few geometries instead of one text per feature.

    Parameters
    ----------
    geoms : GeoSeries
        Any geometries (missing and empty ones are left out).

    Returns
    -------
    GeoSeries
        The first geometry of each type, in the order of ``geoms``; empty when none is
        present and non-empty.
    """
    arr = geoms.array
    ids = shapely.get_type_id(np.asarray(arr, dtype=object))
    ids[shapely.is_missing(arr) | shapely.is_empty(arr)] = -1
    found, first = np.unique(ids, return_index=True)
    return geoms.iloc[np.sort(first[found >= 0])]


def _normalise_columns(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Name the geometry column ``geometry`` and make the columns storable.

    A column named ``fid`` (any case) would become the GeoPackage row id and
    vanish; it is renamed ``src_fid``.
    """
    geom = gdf.geometry.name
    others = [c for c in gdf.columns if c != geom and isinstance(gdf[c].dtype, gpd.array
                                                                  .GeometryDtype)]
    if others:
        raise LayerError(key="layer_geometry_columns",
                         params={"columns": short_list(map(str, others))})
    if geom != "geometry" and "geometry" in gdf.columns:
        raise LayerError(key="layer_geometry_name", params={"column": geom})
    out = gdf.rename_geometry("geometry") if geom != "geometry" else gdf.copy()
    out.columns = [str(c) for c in out.columns]
    out = out.rename(columns={c: "src_fid" for c in out.columns if str(c).lower() == "fid"})
    lower: dict[str, list[str]] = {}
    for c in out.columns:
        lower.setdefault(str(c).lower(), []).append(str(c))
    clashes = [v for v in lower.values() if len(v) > 1]
    if clashes:
        shown = "; ".join(" / ".join(v) for v in clashes)
        raise LayerError(key="layer_case_clash", params={"columns": shown})
    return out


def _has_geometry(gdf: gpd.GeoDataFrame) -> bool:
    try:
        gdf.geometry  # noqa: B018 (raises AttributeError when there is no active geometry)
    except AttributeError:
        return False
    return True


def _clean_name(name: str) -> str:
    return unicodedata.normalize("NFC", str(name)).strip()
