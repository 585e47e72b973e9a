"""Write analysis results (tables, not project layers) to files or download bytes.

Every CSV KVPT writes (results here, layer exports in :mod:`layers.export`) goes through
:func:`neutralise_formulas`: a text cell that a spreadsheet would run as a formula (it
starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``,
the OWASP rule against CSV injection. Numbers stay numbers (``-5`` is not touched);
column names are text cells too. Lines end in CRLF (RFC 4180), so a text holding a carriage
return is quoted and cannot open a new row.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from layers.errors import LayerError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a CSV cell as a formula."""

CSV_LINE_END = "\r\n"
"""Line end of every CSV written (RFC 4180): a cell holding a line break of any kind is
then quoted, so a carriage return inside a text cannot start a new row (and a formula)."""

TABLE_FORMATS = (".csv", ".gpkg")
"""Result formats: CSV (UTF-8 with BOM, geometry as WKT) and GeoPackage (needs geometry)."""


def table_csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return ``frame`` as CSV bytes: UTF-8 with a BOM so Excel shows Vietnamese right.

    A geometry column is written as WKT.
    """
    if isinstance(frame, gpd.GeoDataFrame):
        frame = frame.to_wkt()
    return neutralise_formulas(frame).to_csv(index=False, lineterminator=CSV_LINE_END
                                             ).encode("utf-8-sig")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the cells a spreadsheet would run as formulas neutralised.

    Every text cell and column name starting with one of :data:`FORMULA_STARTS` gets a
    leading ``'`` (see the module notes); numbers are left as they are.

    Examples
    --------
    >>> neutralise_formulas(pd.DataFrame({"=a": ["=1+1", "ok"], "n": [-5, 3]}))["'=a"].tolist()
    ["'=1+1", 'ok']
    """
    out = frame.copy()
    out.columns = [_neutral(c) for c in out.columns]
    for i in range(out.shape[1]):
        values = out.iloc[:, i]
        if pd.api.types.is_string_dtype(values) or values.dtype == object:
            out.isetitem(i, values.map(_neutral))
    return out


def _neutral(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


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
