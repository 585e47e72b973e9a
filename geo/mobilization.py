"""Industrial mobilization (động viên công nghiệp): enterprise attributes read, and totals.

The seed documents ask to know "the capacity to mobilize industrial enterprises … in each
locality, each region, each direction" ("trên từng địa phương, từng vùng, từng hướng") and
speak of mobilization production lines ("dây chuyền động viên công nghiệp"), their products
and their readiness ("sẵn sàng động viên"). An enterprise carries, all optional:

* ``products`` and ``production_line`` (text);
* ``mobilization_capacity`` (a number) in ``capacity_unit`` (text, e.g. "sản phẩm/tháng");
  capacities are summed per unit, never across units;
* ``readiness``: one of :data:`READINESS` (spellings in
  :data:`geo.settings.mobilization_readiness_aliases`), ``"unknown"`` when blank;
* ``must_relocate``: yes/no (:func:`yes_no`), blank read as yes (relocated, as before the
  flag existed);
* ``needs_water`` / ``needs_power``: yes/no, blank read as no. A relocation site whose
  ``water`` / ``power`` is not yes (blank included: not confirmed) is then not eligible for
  that enterprise (:func:`requirements`, used by :mod:`geo.relocation`).

Directions (hướng) are named sectors of grid bearing from a centre (the province's centroid
in the metric CRS), :data:`geo.settings.mobilization_directions`.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import Problem

READINESS: tuple[str, ...] = ("ready", "partial", "not_ready")
"""Readiness levels, most ready first; a blank value is :data:`UNKNOWN`."""

UNKNOWN = "unknown"
"""Readiness of an enterprise whose ``readiness`` is blank."""

UTILITIES: dict[str, tuple[str, str]] = {
    "water": ("needs_water", "water"),
    "power": ("needs_power", "power"),
}
"""Site requirements: key → (enterprise column "needs it", site column "has it")."""

REQUIREMENT_REASONS: dict[str, str] = {
    "no_water": "no site passing depth and hazard has the water the enterprise requires",
    "no_power": "no site passing depth and hazard has the power the enterprise requires",
    "no_water_power": "no site passing depth and hazard has both water and power",
}
"""Why an enterprise with requirements is unplaced (checked after ``no_eligible_site``)."""

YES: frozenset[str] = frozenset({"yes", "y", "co", "c", "true", "t", "1", "x", "phai",
                                 "can", "co can", "phai di chuyen"})
"""Folded spellings read as yes (lower case, no accents, ``đ`` → ``d``)."""

NO: frozenset[str] = frozenset({"no", "n", "khong", "k", "false", "f", "0", "khong can",
                                "khong phai"})
"""Folded spellings read as no."""

ENTERPRISE_COLUMNS: tuple[str, ...] = (
    "enterprise", "name", "products", "production_line", "mobilization_capacity",
    "capacity_unit", "readiness", "must_relocate", "needs_water", "needs_power", "district",
    "district_name", "direction", "bearing_deg", "distance_km",
)
"""Columns of :func:`enterprise_table`."""

TOTAL_COLUMNS: tuple[str, ...] = (
    "capacity_unit", "n_enterprises", "capacity_total", *(f"n_{r}" for r in READINESS),
    f"n_{UNKNOWN}", "n_must_relocate",
)
"""Columns of :func:`capacity_totals` after the grouping column(s)."""


def yes_no(values: pd.Series, *, blank: bool) -> pd.Series:
    """Read yes/no text as booleans.

    Parameters
    ----------
    values : Series
        Text such as "có", "không", "yes", "no", 1, 0, True.
    blank : bool
        The value of a missing or blank entry.

    Returns
    -------
    Series
        Index-aligned, ``object`` dtype: ``True``, ``False``, or ``None`` where the text
        is neither (see :func:`flag_problems`).
    """
    def one(value: object) -> bool | None:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return blank
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        if not str(value).strip():
            return blank
        text = _fold(str(value))
        return True if text in YES else False if text in NO else None

    return pd.Series([one(v) for v in values], index=values.index, dtype=object)


def flag_problems(frame: pd.DataFrame, column: str, role: str) -> list[Problem]:
    """Return a problem when ``column`` of ``frame`` has text that is neither yes nor no."""
    if column not in frame.columns:
        return []
    read = yes_no(frame[column], blank=False)
    bad = read.isna()
    if not bad.any():
        return []
    values = ", ".join(repr(str(v)) for v in pd.unique(frame.loc[bad, column])[:5])
    return [Problem("yes_no_bad", role=role, column=column, values=values,
                    rows=_validate.labels(frame.index[bad]))]


def must_relocate(enterprises: pd.DataFrame) -> pd.Series:
    """Return which enterprises must relocate (all when there is no ``must_relocate``).

    Raises
    ------
    AnalysisInputError
        If ``must_relocate`` holds text that is neither yes nor no.
    """
    _validate.raise_problems(flag_problems(enterprises, "must_relocate", "enterprises"))
    if "must_relocate" not in enterprises.columns:
        return pd.Series(True, index=enterprises.index, dtype=bool)
    return yes_no(enterprises["must_relocate"], blank=True).astype(bool)


def requirement_problems(enterprises: pd.DataFrame, sites: pd.DataFrame) -> list[Problem]:
    """Return the problems of the requirement columns (needs_water…, water…)."""
    problems = []
    for need, has in UTILITIES.values():
        problems += flag_problems(enterprises, need, "enterprises")
        problems += flag_problems(sites, has, "sites")
    return problems


def requirements(enterprises: pd.DataFrame, sites: pd.DataFrame
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Return what each enterprise needs and what each site has, per utility.

    Parameters
    ----------
    enterprises, sites : DataFrame
        With the optional columns of :data:`UTILITIES` (checked by
        :func:`requirement_problems`).

    Returns
    -------
    needs : ndarray of bool, shape (n_enterprises, n_utilities)
        Blank or missing: not needed.
    has : ndarray of bool, shape (n_sites, n_utilities)
        Blank or missing: not available (not confirmed).
    """
    needs = np.zeros((len(enterprises), len(UTILITIES)), dtype=bool)
    has = np.zeros((len(sites), len(UTILITIES)), dtype=bool)
    for k, (need, have) in enumerate(UTILITIES.values()):
        if need in enterprises.columns:
            needs[:, k] = yes_no(enterprises[need], blank=False).fillna(False).astype(bool)
        if have in sites.columns:
            has[:, k] = yes_no(sites[have], blank=False).fillna(False).astype(bool)
    return needs, has


def meets(needs: np.ndarray, has: np.ndarray) -> np.ndarray:
    """Return the (enterprise, site) pairs where the site has everything the enterprise needs."""
    return ~(needs[:, None, :] & ~has[None, :, :]).any(axis=2)


def lacking_reason(needs: np.ndarray, has: np.ndarray, eligible: np.ndarray) -> str:
    """Return the :data:`REQUIREMENT_REASONS` key of an enterprise no eligible site serves.

    Parameters
    ----------
    needs : ndarray of bool, shape (n_utilities,)
        What the enterprise needs.
    has : ndarray of bool, shape (n_sites, n_utilities)
        What each site has.
    eligible : ndarray of bool, shape (n_sites,)
        Sites passing depth and hazard.
    """
    found = has[eligible].any(axis=0) if eligible.any() else np.zeros(len(needs), dtype=bool)
    keys = list(UTILITIES)
    lacking = [keys[k] for k in range(len(keys)) if needs[k] and not found[k]]
    if len(lacking) == 1:
        return f"no_{lacking[0]}"
    return "no_water_power"


def readiness(values: pd.Series) -> pd.Series:
    """Read readiness text as a level of :data:`READINESS` (``"unknown"`` when blank).

    Raises
    ------
    AnalysisInputError
        If a value is no known spelling: the message lists them.
    """
    aliases = {_fold(k): v for k, v in settings.mobilization_readiness_aliases.items()}
    aliases.update({_fold(r): r for r in READINESS})
    blank = values.map(_blank).astype(bool)
    folded = values.map(lambda v: "" if _blank(v) else _fold(str(v)))
    bad = ~folded.isin(list(aliases)) & ~blank
    if bad.any():
        shown = ", ".join(repr(str(v)) for v in pd.unique(values[bad])[:5])
        _validate.raise_problems([Problem(
            "readiness_bad", values=shown, rows=_validate.labels(values.index[bad]),
            levels=", ".join(READINESS))])
    return folded.map(lambda f: aliases.get(f, UNKNOWN)).astype(str)


def bearings(points: gpd.GeoSeries, centre: shapely.Point) -> np.ndarray:
    """Return the grid bearing (degrees clockwise from grid north, [0, 360)) from ``centre``.

    ``points`` and ``centre`` must be in the same projected (metric) CRS.
    """
    xy = shapely.get_coordinates(points.to_numpy())
    dx, dy = xy[:, 0] - centre.x, xy[:, 1] - centre.y
    return np.mod(np.degrees(np.arctan2(dx, dy)), 360.0)


def centre_of(area: gpd.GeoDataFrame | gpd.GeoSeries | None, crs: object
              ) -> shapely.Point | None:
    """Return the centroid of the union of ``area`` in the metric ``crs`` (``None`` if empty)."""
    if area is None or not len(area) or crs is None:
        return None
    geoms = area.geometry.to_crs(crs).to_numpy()
    return shapely.centroid(shapely.union_all(geoms))


def directions_of(bearing: np.ndarray, sectors: Mapping[str, tuple[float, float]] | None = None
                  ) -> np.ndarray:
    """Name the direction (sector) of each bearing; ``""`` when no sector holds it.

    A sector ``(start, end)`` holds ``start <= b < end``, going clockwise through north when
    ``start > end`` (``(315, 45)`` is north); the first sector that holds it wins.
    """
    table = settings.mobilization_directions if sectors is None else sectors
    _validate.raise_problems(_sector_problems(table))
    out = np.full(len(bearing), "", dtype=object)
    for name, (start, end) in reversed(list(table.items())):
        s, e = float(start) % 360.0, float(end) % 360.0
        inside = ((bearing >= s) & (bearing < e)) if s < e else ((bearing >= s) | (bearing < e))
        out[inside] = name
    return out


def enterprise_table(enterprises: gpd.GeoDataFrame, districts: gpd.GeoDataFrame | None,
                     province: gpd.GeoDataFrame | gpd.GeoSeries | None, *, crs: object = None,
                     directions: Mapping[str, tuple[float, float]] | None = None
                     ) -> pd.DataFrame:
    """Read every enterprise's mobilization attributes, district and direction.

    Parameters
    ----------
    enterprises : GeoDataFrame
        Designated enterprises (points) in any CRS.
    districts : GeoDataFrame, optional
        District polygons with ``name`` (and ``code``); an enterprise in none gets ``""``.
    province : GeoDataFrame or GeoSeries, optional
        The province (polygons, any CRS): directions are measured from the centroid of
        their union in the metric CRS (:func:`centre_of`); ``None`` or empty: no
        directions (blank).
    crs : optional
        Metric CRS; :data:`geo.settings.metric_crs` by default.
    directions : mapping, optional
        Sectors, :data:`geo.settings.mobilization_directions` by default.

    Returns
    -------
    DataFrame
        Index-aligned with ``enterprises``, columns :data:`ENTERPRISE_COLUMNS`.

    Raises
    ------
    AnalysisInputError
        On bad geometries, a capacity that is not a number >= 0, or readiness / yes-no
        text that cannot be read.
    """
    problems = _validate.frame_problems(enterprises, "enterprises")
    problems += _capacity_problems(enterprises)
    for column in ("must_relocate", "needs_water", "needs_power"):
        problems += flag_problems(enterprises, column, "enterprises")
    metric, more = _validate.metric_crs(crs if crs is not None else settings.metric_crs,
                                        [enterprises])
    _validate.raise_problems(problems + more)
    out = pd.DataFrame(index=enterprises.index)
    out["enterprise"] = enterprises.index.to_numpy(object)
    for column in ("name", "products", "production_line"):
        out[column] = _text(enterprises, column)
    out["mobilization_capacity"] = _capacity(enterprises)
    out["capacity_unit"] = _text(enterprises, "capacity_unit")
    out["readiness"] = readiness(_column(enterprises, "readiness"))
    out["must_relocate"] = must_relocate(enterprises).to_numpy(bool)
    needs, _ = requirements(enterprises, enterprises.iloc[:0])
    out["needs_water"], out["needs_power"] = needs[:, 0], needs[:, 1]
    points = enterprises.geometry.to_crs(metric) if metric is not None else enterprises.geometry
    code, name = _district_of(points, districts, metric)
    out["district"], out["district_name"] = code, name
    centre = centre_of(province, metric)
    if centre is None or not len(points):
        out["direction"], out["bearing_deg"], out["distance_km"] = "", np.nan, np.nan
    else:
        bearing = bearings(points, centre)
        out["direction"] = directions_of(bearing, directions)
        out["bearing_deg"] = bearing
        out["distance_km"] = shapely.distance(points.to_numpy(), centre) / 1000.0
    return out[list(ENTERPRISE_COLUMNS)]


def capacity_totals(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Total the capacity per ``by`` and unit, with readiness counts.

    Parameters
    ----------
    table : DataFrame
        :func:`enterprise_table`.
    by : {"district", "direction"}
        The grouping; districts keep their ``district_name``.

    Returns
    -------
    DataFrame
        One row per (group, unit) present, columns the group column(s) then
        :data:`TOTAL_COLUMNS`: the number of enterprises, the sum of their capacity (in
        that unit; missing capacities count as 0 and the enterprise still counts), the
        number at each readiness level and the number that must relocate.
    """
    keys = ["district", "district_name"] if by == "district" else [by]
    frame = table.assign(capacity_unit=table["capacity_unit"].fillna(""),
                         _cap=table["mobilization_capacity"].fillna(0.0))
    for column in keys:
        frame[column] = frame[column].fillna("")
    groups = frame.groupby([*keys, "capacity_unit"], sort=True, dropna=False)
    out = groups.agg(n_enterprises=("enterprise", "size"), capacity_total=("_cap", "sum"),
                     n_must_relocate=("must_relocate", "sum"))
    for level in (*READINESS, UNKNOWN):
        out[f"n_{level}"] = groups["readiness"].agg(lambda s, lv=level: int((s == lv).sum()))
    out = out.reset_index()
    out["n_must_relocate"] = out["n_must_relocate"].astype(int)
    return out[[*keys, *TOTAL_COLUMNS]]


# --- helpers ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower case, no accents (``đ`` → ``d``), separators as single spaces."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _blank(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return isinstance(value, str) and not value.strip()


def _column(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in frame.columns:
        return frame[column]
    return pd.Series(None, index=frame.index, dtype=object)


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    values = _column(frame, column)
    return np.array([None if _blank(v) else str(v) for v in values], dtype=object)


def _capacity(frame: pd.DataFrame) -> np.ndarray:
    return pd.to_numeric(_column(frame, "mobilization_capacity"),
                         errors="coerce").to_numpy(float)


def _capacity_problems(frame: pd.DataFrame) -> list[Problem]:
    if "mobilization_capacity" not in frame.columns:
        return []
    raw = frame["mobilization_capacity"]
    values = pd.to_numeric(raw, errors="coerce")
    bad = (values.isna() & ~raw.map(_blank)) | (values < 0)
    if not bad.any():
        return []
    return [Problem("mobilization_capacity_bad", rows=_validate.labels(frame.index[bad]),
                    values=", ".join(repr(str(v)) for v in pd.unique(raw[bad])[:5]))]


def _sector_problems(table: Mapping[str, tuple[float, float]]) -> list[Problem]:
    bad = []
    for name, pair in table.items():
        try:
            ok = len(pair) == 2 and all(0.0 <= float(v) <= 360.0 for v in pair)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            bad.append(f"{name!r}: {pair!r}")
    return [Problem("directions_bad", sectors="; ".join(bad))] if bad else []


def _district_of(points: gpd.GeoSeries, districts: gpd.GeoDataFrame | None, metric: object
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Return the code and name of the district holding each point ("" when none)."""
    code = np.full(len(points), "", dtype=object)
    name = np.full(len(points), "", dtype=object)
    if districts is None or not len(districts) or not len(points):
        return code, name
    polys = districts.geometry.to_crs(metric) if metric is not None else districts.geometry
    pi, di = polys.sindex.query(points.to_numpy(), predicate="intersects")
    first = pd.Series(di, index=pi).groupby(level=0).min()  # a point on a shared edge
    names = _text(districts, "name")
    codes = _text(districts, "code") if "code" in districts.columns else names
    code[first.index.to_numpy()] = codes[first.to_numpy()]
    name[first.index.to_numpy()] = names[first.to_numpy()]
    return np.where(pd.isna(code), name, code), np.where(pd.isna(name), "", name)
