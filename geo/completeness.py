"""Completeness of the defense posture (thế trận) of every admin unit.

Each level of admin unit must have some kinds of defense asset
(:data:`geo.settings.posture_requirements`, e.g. a province its combat base, rear base,
logistics base, key defense area and air defense; a district its combat base, rear base
and key defense area). :func:`completeness` counts the assets of each unit and lists the
kinds it lacks. It works for a 3-tier hierarchy (province → district → commune) and a
2-tier one (province → commune): the hierarchy is read from the units' ``level``.

Which unit an asset counts for
------------------------------
An asset is placed by its **representative point** (computed in the metric CRS; a point
asset is its own point) and by its **level** attribute:

* an asset with a level counts for each unit *of that level* whose polygon covers its
  point: a district-level combat base counts for the district containing it, not for the
  province; a province-level base counts for the province, not for the district it lies
  in;
* if the project has no unit of the asset's level (a district-level asset in a 2-tier
  project), it counts at the nearest level below that has units (district → commune),
  or, failing that, the nearest level above;
* an asset with no level (no ``level`` column, or an empty value, e.g. air-defense
  positions) counts for every unit, of every level, that covers its point;
* where units of one level overlap, an asset in the overlap counts for each of them; an
  asset outside every unit counts for none.

A requirement of :data:`geo.settings.unit_status_kinds` (``"combat_commune"``, a combat
commune, "xã chiến đấu"; ``"combat_village"``, a combat village, "làng chiến đấu") is met
by the unit itself, when its own attribute (``combat_year``) is filled, not by an asset.

Combat villages up the hierarchy
--------------------------------
A requirement of :data:`geo.settings.unit_share_kinds` (``"combat_villages"``) is met by a
unit when, of the villages (level ``"village"``: thôn, bản, làng, xóm, ấp, tổ dân phố;
polygons or points) whose representative point (metric CRS) its polygon covers, the share
that are combat villages reaches ``share_min``
(:data:`geo.settings.combat_village_share_min`): "làng giữ làng; xã giữ xã". Its
``n_<kind>`` counts the combat villages, ``n_villages`` the villages, ``<kind>_pct`` the
share in %. A unit with no village in it cannot be assessed: ``<kind>_pct`` is missing and
the requirement is not met (never silently met).

Levels are ``"province"``, ``"district"``, ``"commune"``, ``"village"`` or one of their
spellings in :data:`geo.settings.level_aliases` (``"tỉnh"``, ``"huyện"``, ``"xã"``,
``"thôn"``, …), compared without case or accents.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import Problem
from geo.targets import asset_completion

LEVELS: tuple[str, ...] = ("province", "district", "commune", "village")
"""Levels of admin unit, highest first."""

COLUMNS: tuple[str, ...] = ("level", "code", "name", "parent_code")
"""First columns of :func:`completeness`; then ``n_<kind>`` and ``has_<kind>`` per required
kind, then :data:`SUMMARY_COLUMNS`."""

SUMMARY_COLUMNS: tuple[str, ...] = ("n_required", "n_missing", "missing", "complete",
                                    "completeness_pct", "progress_pct")
"""Last columns of :func:`completeness`."""


def completeness(
    units: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    *,
    requirements: Mapping[str, Sequence[str]] | None = None,
    kind_col: str = "kind",
    level_col: str = "level",
    crs: object = None,
    built_only: bool = False,
    share_min: float | None = None,
) -> pd.DataFrame:
    """Count each unit's defense assets by kind and list the required kinds it lacks.

    Parameters
    ----------
    units : GeoDataFrame
        Admin units (polygons) of every level, in any CRS, with a ``level`` column and
        optionally ``code``, ``name`` and ``parent_code``.
    assets : GeoDataFrame
        Defense assets of every kind (points or polygons) in any CRS, with a kind column
        and optionally a level column (see the module note for how they are assigned).
    requirements : mapping of str to sequence of str, optional
        Required kinds per level; :data:`geo.settings.posture_requirements` by default.
    kind_col : str
        Column of ``assets`` holding the kind key.
    level_col : str
        Column holding the level, in ``units`` (required) and ``assets`` (optional).
    crs : optional
        Metric CRS to compute in; :data:`geo.settings.metric_crs` by default.
    built_only : bool
        Count only the built assets (:func:`geo.targets.built_mask`: 100 % complete), so
        a planned or unfinished work leaves its kind missing.
    share_min : float, optional
        Smallest share (0–1) of a unit's villages that are combat villages for
        ``"combat_villages"`` (:data:`geo.settings.unit_share_kinds`);
        :data:`geo.settings.combat_village_share_min` by default.

    Returns
    -------
    DataFrame
        Index-aligned with ``units``. ``level`` (canonical), ``code``, ``name``,
        ``parent_code`` (missing where ``units`` lacks the column); for every kind
        required at any level, ``n_<kind>`` the number of assets of that kind counting
        for the unit and ``has_<kind>`` whether there is one; ``n_required`` the number
        of kinds required at the unit's level; ``n_missing`` and ``missing`` (kind keys
        joined by ``", "``, empty when complete) those it lacks; ``complete``;
        ``completeness_pct`` = 100 × present / required (missing where nothing is
        required); ``progress_pct`` = 100 × the mean, over the required kinds, of the
        completion of the unit's most advanced asset of that kind
        (:func:`geo.targets.asset_completion`; 0 for a kind it lacks): a unit whose
        required works are all planned (0 %) is complete in the plan but at 0 % progress.
        For a share requirement (``"combat_villages"``) its ``n_<kind>`` is the number of
        combat villages in the unit, ``has_<kind>`` whether the share is reached, with
        ``n_villages`` and ``<kind>_pct`` (missing: no village, not assessable) after the
        ``has_`` columns; its progress is the share over ``share_min`` (at most 1).

    Raises
    ------
    AnalysisInputError
        If an input has no CRS, duplicate labels, empty or invalid geometries; if a unit
        has no level or a level (unit or asset) is unknown; if ``assets`` has no kind
        column; if ``requirements`` names an unknown level; if ``share_min`` is not in
        [0, 1].
    """
    reqs = settings.posture_requirements if requirements is None else requirements
    share = _setting(share_min, settings.combat_village_share_min)
    problems = _requirement_problems(reqs) + _share_problems(share)
    problems += _validate.frame_problems(units, "units")
    problems += _validate.frame_problems(assets, "assets")
    unit_levels, more = levels_of(units, "units", level_col, required=True)
    problems += more
    asset_levels, more = levels_of(assets, "assets", level_col, required=False)
    problems += more
    if isinstance(assets, gpd.GeoDataFrame) and kind_col not in assets.columns:
        problems.append(Problem("assets_no_kind_column", column=kind_col))
    metric, more = _validate.metric_crs(_setting(crs, settings.metric_crs), [units, assets])
    _validate.raise_problems(problems + more)
    kinds = required_kinds(reqs)
    counts = np.zeros((len(units), len(kinds)), dtype=int)
    best = np.zeros((len(units), len(kinds)), dtype=float)
    if metric is not None and len(units) and len(assets):
        done = asset_completion(assets).to_numpy(dtype=float)
        keep = done >= 1.0 - 1e-9 if built_only else np.ones(len(assets), dtype=bool)
        _count(counts, best, units, assets[keep], unit_levels, asset_levels[keep], done[keep],
               kinds, kind_col, metric)
    _unit_statuses(counts, best, units, kinds)
    met = counts > 0
    shares = _unit_shares(counts, best, met, units, unit_levels, kinds, float(share),
                          metric) if metric is not None else {}
    out = _frame(units, unit_levels, kinds, counts, reqs, met, shares)
    out["progress_pct"] = _progress(best, unit_levels, kinds, reqs)
    return out


def required_kinds(requirements: Mapping[str, Sequence[str]] | None = None) -> list[str]:
    """Return every kind required at some level, once each, in level then list order."""
    reqs = settings.posture_requirements if requirements is None else requirements
    kinds: list[str] = []
    for level in LEVELS:
        kinds += [k for k in reqs.get(level) or () if k not in kinds]
    return kinds


def split_levels(units: gpd.GeoDataFrame, level_col: str = "level"
                 ) -> dict[str, gpd.GeoDataFrame]:
    """Return the units of each level present, highest level first.

    Parameters
    ----------
    units : GeoDataFrame
        Admin units with a level column (spellings of :data:`geo.settings.level_aliases`
        allowed).
    level_col : str
        Column holding the level.

    Returns
    -------
    dict of str to GeoDataFrame
        ``{level: units of that level}`` in :data:`LEVELS` order, levels with no unit left
        out; rows whose level is missing or unknown are in none. So the first value is the
        province (the top of the hierarchy) and the last the communes (its bottom), in a
        3-tier and a 2-tier project alike.
    """
    levels, _ = levels_of(units, "units", level_col, required=False)
    return {lv: units[levels == lv] for lv in LEVELS if (levels == lv).any()}


def levels_of(gdf: gpd.GeoDataFrame, role: str, level_col: str = "level", *,
              required: bool) -> tuple[np.ndarray, list[Problem]]:
    """Return the canonical level of every row (``None`` where empty) and the problems.

    Parameters
    ----------
    gdf : GeoDataFrame
        Units or assets.
    role : str
        Argument name used in messages.
    level_col : str
        Column holding the level.
    required : bool
        Whether every row must have a level (units) or may have none (assets).

    Returns
    -------
    ndarray of object
        ``"province"``, ``"district"``, ``"commune"``, ``"village"`` or ``None``, one per
        row.
    list of Problem
        Problems: a missing column or missing values (when required), unknown values.
    """
    if not isinstance(gdf, gpd.GeoDataFrame):
        return np.array([], dtype=object), []
    if level_col not in gdf.columns:
        if not required:
            return np.full(len(gdf), None, dtype=object), []
        return np.full(len(gdf), None, dtype=object), [
            Problem("level_column_missing", role=role, column=level_col)]
    aliases = {_fold(k): v for k, v in settings.level_aliases.items()}
    aliases.update({lv: lv for lv in LEVELS})
    raw = gdf[level_col].to_numpy(dtype=object)
    empty = np.array([_blank(v) for v in raw], dtype=bool)
    out = np.array([None if e else aliases.get(_fold(v)) for v, e in zip(raw, empty,
                                                                           strict=True)],
                   dtype=object)
    problems = []
    unknown = ~empty & np.array([v is None for v in out], dtype=bool)
    if unknown.any():
        values = ", ".join(repr(v) for v in pd.unique(raw[unknown])[:5])
        problems.append(Problem("levels_unknown", role=role, column=level_col, values=values))
    if required and empty.any():
        rows = ", ".join(repr(x) for x in gdf.index[empty][:5])
        problems.append(Problem("levels_empty", role=role, column=level_col, rows=rows))
    return out, problems


def level_key(value: object) -> str | None:
    """Return the canonical level of one spelling (``"Thôn"`` → ``"village"``), else None."""
    if _blank(value):
        return None
    aliases = {_fold(k): v for k, v in settings.level_aliases.items()}
    aliases.update({lv: lv for lv in LEVELS})
    return aliases.get(_fold(value))


def effective_levels(asset_levels: np.ndarray, present: set[str]) -> np.ndarray:
    """Map each asset's level to the level it counts at, given the unit levels present.

    A level with units is kept; one without falls to the nearest level below with units,
    else the nearest above; ``None`` (no level) stays ``None``.
    """
    table: dict[str | None, str | None] = {None: None}
    for i, level in enumerate(LEVELS):
        below = [lv for lv in LEVELS[i:] if lv in present]
        above = [lv for lv in reversed(LEVELS[:i]) if lv in present]
        table[level] = (below or above or [level])[0]
    return np.array([table[v] for v in asset_levels], dtype=object)


def _count(counts: np.ndarray, best: np.ndarray, units: gpd.GeoDataFrame,
           assets: gpd.GeoDataFrame, unit_levels: np.ndarray, asset_levels: np.ndarray,
           done: np.ndarray, kinds: list[str], kind_col: str, metric: object) -> None:
    """Count in ``counts[unit, kind]`` the assets counting for each unit, best completion."""
    if not len(assets):
        return
    polys = units.geometry.to_crs(metric)
    points = shapely.point_on_surface(assets.geometry.to_crs(metric).to_numpy())
    if settings.dask_partitions is None:
        ai, ui = polys.sindex.query(points, predicate="covered_by")
    else:  # the same pairs, on dask-geopandas partitions of the assets
        from geo import partitioned

        ai, ui = partitioned.query_pairs(points, polys, predicate="covered_by")
    levels = effective_levels(asset_levels, set(unit_levels))
    same = np.array([lv is None or lv == unit_levels[u] for lv, u in
                     zip(levels[ai], ui, strict=True)], dtype=bool)
    column = {k: j for j, k in enumerate(kinds)}
    kind_pos = np.array([column.get(k, -1) for k in assets[kind_col].to_numpy(dtype=object)],
                        dtype=int)
    keep = same & (kind_pos[ai] >= 0)
    np.add.at(counts, (ui[keep], kind_pos[ai[keep]]), 1)
    np.maximum.at(best, (ui[keep], kind_pos[ai[keep]]), done[ai[keep]])


def _unit_statuses(counts: np.ndarray, best: np.ndarray, units: gpd.GeoDataFrame,
                   kinds: list[str]) -> None:
    """Fill the requirements a unit meets by its own attribute (a designated combat commune).

    See :data:`geo.settings.unit_status_kinds`: the unit meets ``kind`` when its column is
    filled (not empty, not ``0``).
    """
    for j, kind in enumerate(kinds):
        column = settings.unit_status_kinds.get(kind)
        if column is None or column not in units.columns:
            continue
        held = _held(units, kind)
        counts[:, j] = held.astype(int)
        best[:, j] = held.astype(float)


def _held(units: gpd.GeoDataFrame, status: str) -> np.ndarray:
    """Return whether each unit holds ``status``: its column is filled (not empty, not 0)."""
    column = settings.unit_status_kinds.get(status)
    if column is None or column not in units.columns:
        return np.zeros(len(units), dtype=bool)
    values = units[column].to_numpy(dtype=object)
    return np.array([not _blank(v) and str(v).strip() not in {"0", "0.0"} for v in values],
                    dtype=bool)


def _unit_shares(counts: np.ndarray, best: np.ndarray, met: np.ndarray,
                 units: gpd.GeoDataFrame, unit_levels: np.ndarray, kinds: list[str],
                 share_min: float, metric: object) -> dict[str, np.ndarray]:
    """Fill the share requirements (:data:`geo.settings.unit_share_kinds`) of every unit.

    Returns the extra columns: ``n_<level>s`` (lower units in the unit) and ``<kind>_pct``.
    """
    extra: dict[str, np.ndarray] = {}
    for j, kind in enumerate(kinds):
        spec = settings.unit_share_kinds.get(kind)
        if spec is None:
            continue
        level, status = spec
        total, held = _lower_counts(units, unit_levels, level, _held(units, status), metric)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, held / np.maximum(total, 1), np.nan)
        counts[:, j] = held
        met[:, j] = (total > 0) & (np.nan_to_num(share) >= share_min - 1e-9)
        ratio = np.ones(len(units)) if share_min <= 0 else np.nan_to_num(share) / share_min
        best[:, j] = np.where(total > 0, np.minimum(ratio, 1.0), 0.0)
        extra[f"n_{level}s"] = total
        extra[f"{kind}_pct"] = 100.0 * share
    return extra


def _lower_counts(units: gpd.GeoDataFrame, unit_levels: np.ndarray, level: str,
                  held: np.ndarray, metric: object) -> tuple[np.ndarray, np.ndarray]:
    """Count, per unit of a higher level, the units of ``level`` in it and those ``held``.

    A lower unit is in a unit when the unit's polygon covers its representative point.
    """
    total = np.zeros(len(units), dtype=int)
    n_held = np.zeros(len(units), dtype=int)
    lower = np.flatnonzero(unit_levels == level)
    if not len(lower):
        return total, n_held
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    upper = np.flatnonzero([rank.get(lv, len(LEVELS)) < rank[level] for lv in unit_levels])
    if not len(upper):
        return total, n_held
    polys = units.geometry.iloc[upper].to_crs(metric)
    points = shapely.point_on_surface(units.geometry.iloc[lower].to_crs(metric).to_numpy())
    li, ui = polys.sindex.query(points, predicate="covered_by")
    np.add.at(total, upper[ui], 1)
    np.add.at(n_held, upper[ui], held[lower[li]].astype(int))
    return total, n_held


def _progress(best: np.ndarray, unit_levels: np.ndarray, kinds: list[str],
              reqs: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Return 100 × the mean best completion over each unit's required kinds (NaN: none)."""
    column = {k: j for j, k in enumerate(kinds)}
    out = np.full(len(unit_levels), np.nan)
    for i, level in enumerate(unit_levels):
        wanted = [column[k] for k in reqs.get(level) or ()]
        if wanted:
            out[i] = 100.0 * float(np.mean(best[i, wanted]))
    return out


def _frame(units: gpd.GeoDataFrame, unit_levels: np.ndarray, kinds: list[str],
           counts: np.ndarray, reqs: Mapping[str, Sequence[str]], met: np.ndarray,
           shares: Mapping[str, np.ndarray]) -> pd.DataFrame:
    index = units.index
    out = pd.DataFrame({"level": pd.array(unit_levels, dtype="str")}, index=index)
    for col in COLUMNS[1:]:
        values = units[col] if col in units.columns else pd.Series(None, index=index)
        out[col] = values.astype("str").where(values.notna())
    for j, kind in enumerate(kinds):
        out[f"n_{kind}"] = counts[:, j]
    for j, kind in enumerate(kinds):
        out[f"has_{kind}"] = met[:, j]
    for name, values in shares.items():
        out[name] = values
    column = {k: j for j, k in enumerate(kinds)}
    missing = [[k for k in reqs.get(lv) or () if not met[i, column[k]]]
               for i, lv in enumerate(unit_levels)]
    n_req = np.array([len(reqs.get(lv) or ()) for lv in unit_levels], dtype=int)
    n_miss = np.array([len(m) for m in missing], dtype=int)
    out["n_required"] = n_req
    out["n_missing"] = n_miss
    out["missing"] = pd.array([", ".join(m) for m in missing], dtype="str")
    out["complete"] = n_miss == 0
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(n_req > 0, 100.0 * (n_req - n_miss) / n_req, np.nan)
    out["completeness_pct"] = pct
    return out


def _requirement_problems(reqs: object) -> list[Problem]:
    if not isinstance(reqs, Mapping):
        return [Problem("requirements_type", type=type(reqs).__name__)]
    problems = []
    unknown = [k for k in reqs if k not in LEVELS]
    if unknown:
        problems.append(Problem("requirements_levels", levels=unknown))
    for level, kinds in reqs.items():
        if kinds is not None and (isinstance(kinds, str) or not all(
                isinstance(k, str) for k in kinds)):
            problems.append(Problem("requirements_kinds", level=level, kinds=kinds))
    return problems


def _share_problems(share: object) -> list[Problem]:
    ok = isinstance(share, int | float) and not isinstance(share, bool) and 0 <= share <= 1
    return [] if ok else [Problem("share_min_range", value=share)]


def _fold(value: object) -> str:
    text = unicodedata.normalize("NFD", str(value).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(text.lower().replace("_", " ").replace("-", " ").split())


def _blank(value: object) -> bool:
    if value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value))):
        return True
    return isinstance(value, str) and not value.strip()


def _setting(value: object, default: object) -> object:
    return default if value is None else value
