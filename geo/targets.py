"""Plan targets (chỉ tiêu) and the progress of each district towards them.

Three targets from the seeds, with bounds in :data:`geo.settings.targets` (shares in
[0, 1]):

``commune_exercise``
    share of a district's communes (by their district code) with a commune exercise
    record (:data:`geo.settings.exercise_commune_types`) in the year; 20–25 %.
``training_ground``
    share of the province's districts that hold a training ground; 20–30 %. A
    training ground belongs to the district holding the largest part of its area
    (points: the district containing them), computed in the metric CRS
    (:data:`geo.settings.metric_crs`). This target is province-level: per district the
    table only says whether the district has one.
``combat_base_completion``
    mean completion of the district's combat bases: ``percent_complete / 100`` where
    given, else the value of the base's ``status`` in
    :data:`geo.settings.status_completion`; bases are placed in districts as training
    grounds are. The province value is the mean over every combat base, those outside
    every district included.

A value is ``"below"`` the target's ``min``, ``"above"`` its ``max``, ``"within"``
otherwise, and ``"no_data"`` when it cannot be computed (no communes, no bases).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _validate, settings
from geo.errors import AnalysisInputError, Problem

MEASURES: tuple[str, ...] = ("commune_exercise", "district_exercise", "province_exercise",
                              "rescue_exercise", "training_ground", "combat_base_completion")
"""Keys of the targets, in display order."""

STATUSES: tuple[str, ...] = ("below", "within", "above", "no_data")
"""Possible values of a status column."""

DISTRICT_COLUMNS: tuple[str, ...] = (
    "district_code", "district_name", "communes", "exercised", "exercise_share",
    "exercise_status", "district_exercised", "rescue_exercised", "training_grounds",
    "has_training_ground", "ground_progress", "combat_bases", "base_completion",
    "base_status",
)
"""Columns of :func:`district_progress`."""

PROVINCE_COLUMNS: tuple[str, ...] = (
    "measure", "value", "achieved", "total", "target_min", "target_max", "status",
)
"""Columns of :func:`province_progress`."""


def status(value: float, target: Mapping[str, float]) -> str:
    """Return ``"below"``, ``"within"``, ``"above"`` or ``"no_data"`` (NaN value).

    Parameters
    ----------
    value : float
        The measured share.
    target : mapping
        ``{"min": ..., "max": ...}``; a missing or ``None`` bound is open.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "no_data"
    low, high = target.get("min"), target.get("max")
    if low is not None and value < low - 1e-12:
        return "below"
    if high is not None and value > high + 1e-12:
        return "above"
    return "within"


def locate(
    features: gpd.GeoDataFrame,
    districts: gpd.GeoDataFrame,
    *,
    code_col: str = "code",
    crs: object = None,
) -> pd.Series:
    """Return the code of the district each feature lies in.

    A polygon belongs to the district holding the largest part of its area, a line to
    the one holding the longest part, a point to the one containing it (on a shared
    boundary: the smallest code). Ties go to the smallest code.

    Parameters
    ----------
    features : GeoDataFrame
        Training grounds, bases, … in any CRS.
    districts : GeoDataFrame
        District polygons with a code column.
    code_col : str
        Column of ``districts`` with the code.
    crs : optional
        Metric CRS to measure in; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    Series
        ``str`` (NaN where no district holds any of the feature), index-aligned with
        ``features``, named ``"district_code"``.

    Raises
    ------
    AnalysisInputError
        If an input is not usable (no CRS, missing column, invalid geometry...).
    """
    problems = _validate.frame_problems(features, "features")
    problems += _validate.frame_problems(districts, "districts")
    if isinstance(districts, gpd.GeoDataFrame) and code_col not in districts.columns:
        problems.append(Problem("districts_no_code_column", column=code_col))
    metric, crs_problems = _validate.metric_crs(
        settings.metric_crs if crs is None else crs, [features, districts])
    _validate.raise_problems(problems + crs_problems)
    out = pd.Series(np.nan, index=features.index, dtype="str", name="district_code")
    if len(features) == 0 or len(districts) == 0:
        return out
    feats = features.geometry.to_crs(metric).to_numpy()
    dists = districts.geometry.to_crs(metric).to_numpy()
    codes = districts[code_col].astype("str").to_numpy()
    tree = shapely.STRtree(dists)
    left, right = tree.query(feats, predicate="intersects")
    best: dict[int, tuple[float, str]] = {}
    for i, j in sorted(zip(left, right, strict=True), key=lambda p: (p[0], codes[p[1]])):
        size = _overlap(feats[i], dists[j])
        if int(i) not in best or size > best[int(i)][0]:  # ties keep the smallest code
            best[int(i)] = (size, codes[j])
    for i, (_, code) in best.items():
        out.iloc[i] = code
    return out


def base_completion(bases: gpd.GeoDataFrame | pd.DataFrame) -> pd.Series:
    """Return the completion (0–1) of each base.

    ``percent_complete / 100`` where it is a number, else the status looked up in
    :data:`geo.settings.status_completion` (without case or accents), else NaN.

    Raises
    ------
    AnalysisInputError
        If a ``percent_complete`` is outside 0–100.
    """
    out = pd.Series(np.nan, index=bases.index, dtype="float64", name="completion")
    if "percent_complete" in bases.columns:
        pct = pd.to_numeric(bases["percent_complete"], errors="coerce")
        bad = pct.notna() & ((pct < 0) | (pct > 100))
        if bad.any():
            shown = ", ".join(f"{i!r}: {v}" for i, v in pct[bad].head(5).items())
            raise AnalysisInputError(Problem("percent_complete_bad", rows=shown))
        out = (pct / 100.0).rename("completion")
    if "status" in bases.columns:
        table = {_fold(k): float(v) for k, v in settings.status_completion.items()}
        by_status = bases["status"].map(lambda s: table.get(_fold(s), np.nan)
                                        if isinstance(s, str) else np.nan)
        out = out.fillna(by_status.astype("float64"))
    return out.astype("float64")


def asset_completion(assets: gpd.GeoDataFrame | pd.DataFrame) -> pd.Series:
    """Return the completion (0–1) of every asset, for the posture analyses.

    As :func:`base_completion`; an asset with neither a percentage nor a known status is
    complete (1.0) when :data:`geo.settings.posture_unknown_status_built` is true (layers
    drawn before statuses were recorded), else not started (0.0).

    Raises
    ------
    AnalysisInputError
        If a ``percent_complete`` is outside 0–100.
    """
    unknown = 1.0 if settings.posture_unknown_status_built else 0.0
    return base_completion(assets).fillna(unknown).astype("float64")


def built_mask(assets: gpd.GeoDataFrame | pd.DataFrame) -> pd.Series:
    """Return whether each asset is built: its :func:`asset_completion` is 1 (100 %).

    A planned (0 %) or building work is not built; see :func:`asset_completion` for an
    asset without a status.
    """
    return (asset_completion(assets) >= 1.0 - 1e-9).rename("built")


def district_progress(
    districts: gpd.GeoDataFrame,
    *,
    communes: pd.DataFrame,
    records: pd.DataFrame | None,
    year: int,
    training_grounds: gpd.GeoDataFrame | None = None,
    combat_bases: gpd.GeoDataFrame | None = None,
    code_col: str = "code",
    name_col: str = "name",
    commune_code_col: str = "code",
    commune_district_col: str = "parent_code",
    targets: Mapping[str, Mapping[str, float]] | None = None,
    types: Iterable[str] | None = None,
    crs: object = None,
    periods: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return each district's progress towards the targets.

    Parameters
    ----------
    districts : GeoDataFrame
        District polygons with code and name columns.
    communes : DataFrame or GeoDataFrame
        Communes with their code and district code.
    records : DataFrame or None
        Exercise records (``commune_code``, ``year``, optional ``type``).
    year : int
        Year of the commune-exercise share.
    training_grounds, combat_bases : GeoDataFrame, optional
        The layers (empty or ``None`` when the project has none).
    code_col, name_col : str
        Columns of ``districts``.
    commune_code_col, commune_district_col : str
        Columns of ``communes`` with the commune code and its district code.
    targets : mapping, optional
        Overrides of :data:`geo.settings.targets` per measure.
    types : iterable of str, optional
        Record types that count; :data:`geo.settings.exercise_commune_types` by default.
    crs : optional
        Metric CRS; :data:`geo.settings.metric_crs` by default.
    periods : DataFrame, optional
        The plan periods (``first_year``, ``last_year``) the period targets count in
        (:func:`plan_period`); the settings' periods by default.

    Returns
    -------
    DataFrame
        :data:`DISTRICT_COLUMNS`, index-aligned with ``districts``: number of communes,
        communes exercised in ``year``, their share and status; training grounds in
        the district and whether it has one; combat bases, their mean completion and
        its status.

    Raises
    ------
    AnalysisInputError
        If an input is not usable.
    """
    table = _targets(targets)
    _check_columns(districts, "districts", (code_col,))
    _check_columns(communes, "communes", (commune_code_col, commune_district_col))
    codes = districts[code_col].astype("str").str.strip()
    names = (districts[name_col].astype("str") if name_col in districts.columns
             else pd.Series(np.nan, index=districts.index, dtype="str"))
    exercised = _exercised_codes(records, year, types)
    commune_codes = communes[commune_code_col].astype("str").str.strip()
    commune_district = communes[commune_district_col].astype("str").str.strip()
    n_communes = commune_district.value_counts()
    n_done = commune_district[commune_codes.isin(exercised)].value_counts()
    grounds = _count_by_district(training_grounds, districts, code_col, crs)
    completion = _completion_by_district(combat_bases, districts, code_col, crs)
    out = pd.DataFrame({"district_code": codes, "district_name": names}, index=districts.index)
    out["communes"] = codes.map(n_communes).fillna(0).astype("int64")
    out["exercised"] = codes.map(n_done).fillna(0).astype("int64")
    out["exercise_share"] = (out["exercised"] / out["communes"].where(out["communes"] > 0))
    out["exercise_status"] = [status(v, table["commune_exercise"])
                              for v in out["exercise_share"]]
    period = _period_exercised(records, communes, year, (DISTRICT_TYPE,), commune_code_col,
                               commune_district_col, periods)
    rescue = _period_exercised(records, communes, year, settings.rescue_exercise_types,
                               commune_code_col, commune_district_col, periods)
    out["district_exercised"] = codes.isin(period)
    out["rescue_exercised"] = codes.isin(rescue)
    out["training_grounds"] = codes.map(grounds).fillna(0).astype("int64")
    out["has_training_ground"] = out["training_grounds"] > 0
    counted = _counted_grounds(training_grounds)
    progress = _completion_by_district(counted, districts, code_col, crs)
    out["ground_progress"] = codes.map(progress["mean"]).astype("float64")
    out["combat_bases"] = codes.map(completion["count"]).fillna(0).astype("int64")
    out["base_completion"] = codes.map(completion["mean"]).astype("float64")
    out["base_status"] = [status(v, table["combat_base_completion"])
                          for v in out["base_completion"]]
    return out[list(DISTRICT_COLUMNS)]


def province_progress(
    *,
    communes: pd.DataFrame,
    records: pd.DataFrame | None,
    year: int,
    districts: gpd.GeoDataFrame | None = None,
    training_grounds: gpd.GeoDataFrame | None = None,
    combat_bases: gpd.GeoDataFrame | None = None,
    code_col: str = "code",
    commune_code_col: str = "code",
    targets: Mapping[str, Mapping[str, float]] | None = None,
    types: Iterable[str] | None = None,
    crs: object = None,
    periods: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return the province's progress towards each target.

    Parameters
    ----------
    communes, records, year, districts, training_grounds, combat_bases
        As for :func:`district_progress`; ``districts`` may be ``None`` or empty (a
        two-tier project): the training-ground share is then ``no_data``.
    code_col, commune_code_col : str
        Code columns of ``districts`` and ``communes``.
    targets, types, crs, periods
        As for :func:`district_progress`.

    Returns
    -------
    DataFrame
        :data:`PROVINCE_COLUMNS`, one row per measure of :data:`MEASURES`:
        ``value`` = ``achieved / total`` for the shares (communes exercised / all
        communes; districts with a training ground / all districts) and the mean
        completion over ``total`` combat bases with a known completion
        (``achieved`` = the bases complete).
    """
    table = _targets(targets)
    _check_columns(communes, "communes", (commune_code_col,))
    codes = communes[commune_code_col].astype("str").str.strip()
    done = int(codes.isin(_exercised_codes(records, year, types)).sum())
    rows = [_row("commune_exercise", done, len(codes), table)]
    rows += _period_rows(communes, records, year, districts, code_col, commune_code_col,
                         table, periods)
    rows.append(_ground_row(training_grounds, districts, code_col, crs, table))
    values = (base_completion(combat_bases).dropna()
              if combat_bases is not None and len(combat_bases) else pd.Series(dtype=float))
    row = _row("combat_base_completion", int((values >= 1.0).sum()), len(values), table)
    row["value"] = float(values.mean()) if len(values) else np.nan
    row["status"] = status(row["value"], table["combat_base_completion"])
    rows.append(row)
    return pd.DataFrame(rows, columns=list(PROVINCE_COLUMNS))


def plan_period(year: int, periods: pd.DataFrame | None = None) -> tuple[int, int]:
    """Return the first and last year of the plan period holding ``year``.

    The row of ``periods`` (``first_year``, ``last_year``; a project's periods, see
    :mod:`geo.roadmap`) holding ``year``; with no such row (or no ``periods``), periods
    of :data:`geo.settings.plan_period_years` years from
    :data:`geo.settings.plan_period_first_year` (2016–2020, 2021–2025, …).
    """
    if periods is not None and len(periods):
        from geo.roadmap import period_of

        row = period_of(year, periods)
        if row is not None:
            return int(row["first_year"]), int(row["last_year"])
    first, length = settings.plan_period_first_year, settings.plan_period_years
    start = first + ((int(year) - first) // length) * length
    return start, start + length - 1


# --- helpers --------------------------------------------------------------------------------

DISTRICT_TYPE = "district_defense_area"
PROVINCE_TYPE = "province_defense_area"


def _period_rows(communes: pd.DataFrame, records: pd.DataFrame | None, year: int,
                 districts: gpd.GeoDataFrame | None, code_col: str, commune_code_col: str,
                 table: Mapping[str, Mapping[str, float]],
                 periods: pd.DataFrame | None = None) -> list[dict]:
    """Return the rows of the district, province and rescue exercises of the period so far."""
    codes = (districts[code_col].astype("str").str.strip()
             if districts is not None and len(districts) else pd.Series(dtype="str"))
    district_col = "parent_code" if "parent_code" in communes.columns else None
    held = {kind: _period_exercised(records, communes, year, types, commune_code_col,
                                    district_col, periods)
            for kind, types in (("district", (DISTRICT_TYPE,)),
                                ("rescue", settings.rescue_exercise_types))}
    province = _period_records(records, year, (PROVINCE_TYPE,), periods)
    return [_row("district_exercise", int(codes.isin(held["district"]).sum()), len(codes),
                 table),
            _row("province_exercise", int(len(province) > 0), 1, table),
            _row("rescue_exercise", int(codes.isin(held["rescue"]).sum()), len(codes), table)]


def _period_records(records: pd.DataFrame | None, year: int, types: Iterable[str],
                    periods: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return the records of ``types`` from the start of ``year``'s plan period up to ``year``."""
    if records is None or len(records) == 0 or "type" not in records.columns:
        return pd.DataFrame(columns=["commune_code", "year"])
    first, _ = plan_period(year, periods)
    years = pd.to_numeric(records["year"], errors="coerce")
    return records[records["type"].isin(set(types)) & (years >= first) & (years <= year)]


def _period_exercised(records: pd.DataFrame | None, communes: pd.DataFrame, year: int,
                      types: Iterable[str], commune_code_col: str,
                      commune_district_col: str | None,
                      periods: pd.DataFrame | None = None) -> set[str]:
    """District codes with a record of ``types`` in the period so far (by the commune)."""
    recs = _period_records(records, year, types, periods)
    if not len(recs) or not commune_district_col:
        return set()
    parent = dict(zip(communes[commune_code_col].astype("str").str.strip(),
                      communes[commune_district_col].astype("str").str.strip(), strict=True))
    return {parent[c] for c in recs["commune_code"].astype("str").str.strip() if c in parent}


def _counted_grounds(grounds: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """Return the training grounds the target counts: district, province or no level."""
    if grounds is None or not len(grounds) or "level" not in grounds.columns:
        return grounds
    from geo.completeness import levels_of  # geo.completeness imports this module

    levels, _ = levels_of(grounds, "training_grounds", required=False)
    return grounds[[lv in (None, "district", "province") for lv in levels]]


def _ground_row(grounds: gpd.GeoDataFrame | None, districts: gpd.GeoDataFrame | None,
                code_col: str, crs: object, table: Mapping[str, Mapping[str, float]]) -> dict:
    """Return the training-ground row, read as :data:`geo.settings.training_ground_measure`."""
    reading = settings.training_ground_measure
    if reading == "district_share":
        if districts is None or not len(districts):
            return _row("training_ground", 0, 0, table)
        _check_columns(districts, "districts", (code_col,))
        found = _count_by_district(grounds, districts, code_col, crs)
        with_ground = int(districts[code_col].astype("str").str.strip().isin(
            found[found > 0].index).sum())
        return _row("training_ground", with_ground, len(districts), table)
    if reading != "build_progress":
        raise AnalysisInputError(Problem("ground_measure_bad", value=reading))
    counted = _counted_grounds(grounds)
    values = (base_completion(counted).dropna() if counted is not None and len(counted)
              else pd.Series(dtype=float))
    row = _row("training_ground", int((values >= 1.0).sum()), len(values), table)
    row["value"] = float(values.mean()) if len(values) else np.nan
    row["status"] = status(row["value"], table["training_ground"])
    return row



def _row(measure: str, achieved: int, total: int,
         table: Mapping[str, Mapping[str, float]]) -> dict:
    value = achieved / total if total else np.nan
    target = table[measure]
    return {"measure": measure, "value": value, "achieved": achieved, "total": total,
            "target_min": target.get("min"), "target_max": target.get("max"),
            "status": status(value, target)}


def _exercised_codes(records: pd.DataFrame | None, year: int,
                     types: Iterable[str] | None) -> set[str]:
    if records is None or len(records) == 0:
        return set()
    missing = [c for c in ("commune_code", "year") if c not in records.columns]
    if missing:
        raise AnalysisInputError(Problem("records_columns_read", columns=", ".join(missing)))
    wanted = set(settings.exercise_commune_types if types is None else types)
    recs = records[records["type"].isin(wanted)] if "type" in records.columns else records
    years = pd.to_numeric(recs["year"], errors="coerce")
    return set(recs.loc[years == year, "commune_code"].astype("str").str.strip())


def _count_by_district(features: gpd.GeoDataFrame | None, districts: gpd.GeoDataFrame,
                       code_col: str, crs: object) -> pd.Series:
    if features is None or len(features) == 0:
        return pd.Series(dtype="int64")
    where = locate(features, districts, code_col=code_col, crs=crs)
    return where.dropna().value_counts()


def _completion_by_district(bases: gpd.GeoDataFrame | None, districts: gpd.GeoDataFrame,
                            code_col: str, crs: object) -> pd.DataFrame:
    if bases is None or len(bases) == 0:
        return pd.DataFrame({"count": pd.Series(dtype="int64"),
                             "mean": pd.Series(dtype="float64")})
    frame = pd.DataFrame({"district": locate(bases, districts, code_col=code_col, crs=crs),
                          "completion": base_completion(bases)})
    frame = frame.dropna(subset=["district"])
    return frame.groupby("district")["completion"].agg(count="size", mean="mean")


def _targets(overrides: Mapping[str, Mapping[str, float]] | None
             ) -> dict[str, dict[str, float]]:
    table = {k: dict(v) for k, v in settings.targets.items()}
    for key, value in (overrides or {}).items():
        table.setdefault(key, {}).update(value)
    problems = [Problem("target_missing", measure=m) for m in MEASURES if m not in table]
    for key, target in table.items():
        bounds = [target.get(b) for b in ("min", "max")]
        if any(b is not None and not (isinstance(b, int | float) and 0 <= b <= 1)
               for b in bounds):
            problems.append(Problem("target_bounds", key=key, target=target))
        elif None not in bounds and bounds[0] > bounds[1]:
            problems.append(Problem("target_order", key=key, target=target))
    _validate.raise_problems(problems)
    return table


def _check_columns(frame: pd.DataFrame, role: str, columns: Iterable[str]) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisInputError(Problem("frame_not_dataframe", role=role,
                                         type=type(frame).__name__))
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        cols = ", ".join(map(str, frame.columns))
        raise AnalysisInputError(Problem("frame_no_columns", role=role, present=cols,
                                         columns=", ".join(map(repr, missing))))


def _overlap(feature: shapely.Geometry, district: shapely.Geometry) -> float:
    """Return the size of ``feature`` inside ``district``: area, length, or 0 for points."""
    dim = shapely.get_dimensions(feature)
    part = shapely.intersection(feature, district)
    if dim == 2:
        return float(shapely.area(part))
    if dim == 1:
        return float(shapely.length(part))
    return 0.0


def _fold(text: object) -> str:
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^0-9a-z]+", " ", text).strip()
