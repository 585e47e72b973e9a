"""Write analysis results (tables, not project layers) to files or download bytes."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers.errors import LayerError

TABLE_FORMATS = (".csv", ".gpkg")
"""Result formats: CSV (UTF-8 with BOM, geometry as WKT) and GeoPackage (needs geometry)."""


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as CSV bytes: UTF-8 with a BOM so Excel shows Vietnamese right.

    A geometry column is written as WKT.
    """
    if isinstance(frame, gpd.GeoDataFrame):
        frame = frame.to_wkt()
    return frame.to_csv(index=False).encode("utf-8-sig")


def write_table(frame: pd.DataFrame, out: str | Path, *, layer: str = "result") -> Path:
    """Write ``frame`` to ``out``; the format follows the extension.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        The result. ``.gpkg`` needs a GeoDataFrame with a CRS.
    out : str or Path
        ``.csv`` or ``.gpkg``.
    layer : str
        Layer name inside a GeoPackage.

    Raises
    ------
    LayerError
        If the extension is not one of :data:`TABLE_FORMATS`, or ``.gpkg`` is
        asked for a result without geometry.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise LayerError(key="table_bad_format", params={
            "file": out.name, "formats": ", ".join(TABLE_FORMATS),
            "example": out.with_suffix(".csv").name})
    if suffix == ".gpkg" and not (isinstance(frame, gpd.GeoDataFrame) and frame.crs):
        raise LayerError(key="table_no_geometry", params={
            "file": out.name, "example": out.with_suffix(".csv").name})
    tmp = out.with_name(f".{out.stem}.part{out.suffix}")
    try:
        if suffix == ".csv":
            tmp.write_bytes(table_csv_bytes(frame))
        else:
            frame.to_file(tmp, layer=layer, driver="GPKG", engine="pyogrio")
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
