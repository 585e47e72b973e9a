"""Exercise rotation (diễn tập): which communes run a combat-defense exercise in which year.

Each year 20–25 % of the communes run a commune combat-defense exercise (seed 003), and
every commune should come round within a cycle of years. :func:`rotation_plan` plans
the next years from the record of past exercises:

* **How many a year.** At least ``lo = ceil(n * exercise_share_min)`` and at most
  ``hi = floor(n * exercise_share_max)`` communes (:func:`yearly_count`). Within that
  range the count is the smallest that keeps every commune's deadline, assuming the
  communes due soonest go first (:func:`communes_needed`). A commune's deadline is its last
  exercise plus the cycle (:func:`cycle_years`, 5 years for 20 %); a commune never
  exercised is due by the end of the first cycle of the plan (``start + cycle - 1``).
  Rounding rule: when no whole number of communes lies between the two shares (fewer
  than about 20 communes), the plan takes ``lo``, which is above the maximum share by
  less than one commune.
* **Which ones.** Longest-waiting first, within the deadlines: a commune never exercised
  has waited forever, then the one with the oldest last exercise. Communes that waited
  equally long (one *waiting class*: the same last year, or never) are shared out between
  districts in proportion to their size: the next commune comes from the district with the
  smallest ``(planned this year + 0.5) / communes of the district`` (the Sainte-Laguë
  divisors), ties by district code, then by commune code. A commune is passed over when
  taking it would leave too few places for the communes whose deadline cannot wait: with at
  most ``hi`` a year, at least ``#(deadline <= year + k) - k * hi`` of them must go this
  year, for every ``k`` (:func:`communes_forced`). So no commune waits more than the cycle
  whenever the cap allows it (the earliest-deadline-first argument: the tests check it
  against an exhaustive search on small provinces); a never-exercised commune may then wait
  until its own deadline. Every choice is deterministic.
* **What counts as an exercise.** Records whose ``type`` is one of
  :data:`geo.settings.exercise_commune_types`, held before the plan's first year. A
  commune planned in the plan counts as exercised that year for the years after it.

No geometry is used: communes are matched to districts by their district code column.
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Iterable, Mapping

import pandas as pd

from geo import settings
from geo.errors import AnalysisInputError, Problem

PLAN_COLUMNS: tuple[str, ...] = (
    "commune_code", "commune_name", "district_code", "district_name", "year",
    "last_exercised", "waited_years",
)
"""Columns of :func:`rotation_plan` (one row per planned commune and year)."""

SUMMARY_COLUMNS: tuple[str, ...] = (
    "year", "planned", "communes", "share", "first_time", "districts_covered", "districts",
)
"""Columns of :func:`plan_summary` (one row per year)."""

_EPS = 1e-9


def cycle_years(share_min: float | None = None) -> int:
    """Return the rotation cycle: years within which every commune exercises once.

    Parameters
    ----------
    share_min : float, optional
        Smallest yearly share; :data:`geo.settings.exercise_share_min` by default.

    Returns
    -------
    int
        :data:`geo.settings.exercise_cycle_years` when set, else ``ceil(1 / share_min)``
        (5 for 0.20).

    Raises
    ------
    AnalysisInputError
        If the share is not in (0, 1] or the cycle setting is not a whole number >= 1.
    """
    if settings.exercise_cycle_years is not None:
        cycle = settings.exercise_cycle_years
        if not _is_whole(cycle) or cycle < 1:
            raise AnalysisInputError(Problem("cycle_setting_bad", value=cycle))
        return cycle
    low = _share(share_min, settings.exercise_share_min, "share_min")
    return math.ceil(1.0 / low - _EPS)


def yearly_count(n_communes: int, *, share_min: float | None = None,
                 share_max: float | None = None) -> tuple[int, int]:
    """Return the smallest and largest number of communes to plan in one year.

    Parameters
    ----------
    n_communes : int
        Number of communes.
    share_min, share_max : float, optional
        Yearly shares; :data:`geo.settings.exercise_share_min` / ``_max`` by default.

    Returns
    -------
    tuple of int
        ``(ceil(n * share_min), floor(n * share_max))``; when the first is larger (no
        whole number fits between the shares) both are ``ceil(n * share_min)``.

    Raises
    ------
    AnalysisInputError
        If a share is not in (0, 1], ``share_min > share_max`` or ``n_communes < 1``.
    """
    low = _share(share_min, settings.exercise_share_min, "share_min")
    high = _share(share_max, settings.exercise_share_max, "share_max")
    if low > high:
        raise AnalysisInputError(Problem("shares_order", low=low, high=high))
    if n_communes < 1:
        raise AnalysisInputError(Problem("no_communes", value=n_communes))
    lo = math.ceil(n_communes * low - _EPS)
    hi = math.floor(n_communes * high + _EPS)
    return lo, max(lo, hi)


def communes_needed(deadlines: Iterable[int], year: int) -> int:
    """Return the fewest communes a year that meets every deadline from ``year`` on.

    Parameters
    ----------
    deadlines : iterable of int
        Last year by which each not-yet-planned commune must exercise (may be before
        ``year``: overdue).
    year : int
        The year being planned.

    Returns
    -------
    int
        ``max over k >= 0 of ceil(#(deadline <= year + k) / (k + 1))``: with that many a
        year, taking the most urgent first, no deadline is missed; 0 without deadlines.
    """
    counts = Counter(max(int(d), year) - year for d in deadlines)
    need, due = 0, 0
    for k in range(max(counts, default=-1) + 1):
        due += counts.get(k, 0)
        need = max(need, math.ceil(due / (k + 1)))
    return need


def communes_forced(deadlines: Iterable[int], year: int, most: int) -> int:
    """Return how many of the most urgent communes must exercise in ``year``.

    Parameters
    ----------
    deadlines : iterable of int
        Last year by which each not-yet-planned commune must exercise (an overdue one is
        due in ``year``).
    year : int
        The year being planned.
    most : int
        Most communes any later year may plan (the cap).

    Returns
    -------
    int
        ``max(0, max over k >= 0 of #(deadline <= year + k) - k * most)``: the later years
        hold at most ``k * most`` of the communes due by ``year + k``, so at least this many
        of the earliest-deadline communes must go now for every deadline to be kept.
    """
    counts = Counter(max(int(d), year) - year for d in deadlines)
    forced, due = 0, 0
    for k in range(max(counts, default=-1) + 1):
        due += counts.get(k, 0)
        forced = max(forced, due - k * most)
    return forced


def last_exercised(
    communes: pd.DataFrame,
    records: pd.DataFrame | None,
    *,
    before: int | None = None,
    code_col: str = "code",
    types: Iterable[str] | None = None,
) -> pd.Series:
    """Return the year of each commune's last exercise.

    Parameters
    ----------
    communes : DataFrame or GeoDataFrame
        One row per commune, with a code column.
    records : DataFrame or None
        Exercise records with ``commune_code``, ``year`` and (optionally) ``type``.
        Records of codes not in ``communes`` are ignored.
    before : int, optional
        Only records of years before this one count.
    code_col : str
        Column of ``communes`` holding the commune code.
    types : iterable of str, optional
        Record types that count; :data:`geo.settings.exercise_commune_types` by default.
        A record without a ``type`` column counts.

    Returns
    -------
    Series
        ``Int64``, index-aligned with ``communes``, named ``"last_exercised"``; ``<NA>``
        for a commune never exercised.

    Raises
    ------
    AnalysisInputError
        If a column is missing or a record year is not a whole number.
    """
    codes = _codes(communes, code_col)
    out = pd.Series(pd.NA, index=communes.index, dtype="Int64", name="last_exercised")
    recs = _counted_records(records, types, before)
    if recs.empty:
        return out
    last = recs.groupby("commune_code")["year"].max()
    values = codes.map(last)
    return values.astype("Int64").rename("last_exercised")


def rotation_plan(
    communes: pd.DataFrame,
    records: pd.DataFrame | None = None,
    *,
    years: int,
    start: int,
    code_col: str = "code",
    name_col: str | None = "name",
    district_col: str | None = "parent_code",
    district_names: Mapping[str, str] | None = None,
    share_min: float | None = None,
    share_max: float | None = None,
    cycle: int | None = None,
    types: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Plan which communes exercise in each of the next ``years`` years.

    See the module notes for the rules (count per year, longest-waiting first within the
    deadlines, spread across districts, deterministic ties).

    Parameters
    ----------
    communes : DataFrame or GeoDataFrame
        One row per commune (geometry, if any, is not used).
    records : DataFrame, optional
        Past exercises: ``commune_code``, ``year``, optional ``type``. Only records
        before ``start`` of the counted ``types`` are used.
    years : int
        Number of years to plan (>= 1).
    start : int
        First year of the plan.
    code_col, name_col : str
        Columns of ``communes`` with the commune code and name (``name_col`` may be
        ``None`` or absent).
    district_col : str or None
        Column with the commune's district code; ``None`` or absent (a two-tier
        province → commune project) puts every commune in one group.
    district_names : mapping, optional
        District code → name, for the ``district_name`` column.
    share_min, share_max : float, optional
        Yearly shares; :data:`geo.settings.exercise_share_min` / ``_max`` by default.
    cycle : int, optional
        Cycle in years; :func:`cycle_years` by default.
    types : iterable of str, optional
        Record types that count; :data:`geo.settings.exercise_commune_types` by default.

    Returns
    -------
    DataFrame
        :data:`PLAN_COLUMNS`, one row per (commune, year) planned, sorted by year,
        district code and commune code, with a fresh ``RangeIndex``. ``last_exercised``
        is the commune's last exercise before that year (recorded or planned) and
        ``waited_years`` the years since; both ``<NA>`` for a first exercise.

    Raises
    ------
    AnalysisInputError
        If an argument is out of range, a column is missing, codes are not unique, or
        the cycle is too short to be kept within ``share_max``.
    """
    _check_years(years, start)
    years, start = int(years), int(start)
    codes = _codes(communes, code_col)
    lo, hi = yearly_count(len(codes), share_min=share_min, share_max=share_max)
    cycle = cycle_years(share_min) if cycle is None else cycle
    if not _is_whole(cycle) or cycle < 1:
        raise AnalysisInputError(Problem("cycle_bad", value=cycle))
    if math.ceil(len(codes) / cycle) > hi:
        raise AnalysisInputError(Problem("cycle_too_short", cycle=cycle, total=len(codes),
                                         need=math.ceil(len(codes) / cycle), most=hi))
    districts = _district_codes(communes, district_col)
    sizes = Counter(districts.to_numpy())
    last = dict(zip(codes, last_exercised(communes, records, before=start, code_col=code_col,
                                          types=types), strict=True))
    last = {c: (None if pd.isna(y) else int(y)) for c, y in last.items()}
    district_of = dict(zip(codes, districts, strict=True))
    rows = []
    for year in range(start, start + years):
        due = {c: max(year, (start + cycle - 1) if y is None else y + cycle)
               for c, y in last.items()}
        count = min(max(lo, communes_needed(due.values(), year)), hi, len(codes))
        picked = _pick(last, due, district_of, sizes, count, year, hi)
        rows += [(code, year, last[code]) for code in picked]
        last.update(dict.fromkeys(picked, year))
    return _plan_frame(rows, communes, codes, district_of, name_col, district_names)


PERIOD_COLUMNS: tuple[str, ...] = ("unit_code", "unit_name", "year", "last_exercised",
                                   "waited_years")
"""Columns of :func:`period_plan` (one row per planned unit and year)."""


def period_plan(
    units: pd.DataFrame,
    records: pd.DataFrame | None = None,
    *,
    years: int,
    start: int,
    types: Iterable[str],
    code_col: str = "code",
    name_col: str | None = "name",
) -> pd.DataFrame:
    """Plan one exercise per unit in each plan period (district, province, rescue exercises).

    Seed 003 asks the district and province exercises to reach 100 %: every unit once in
    each plan period (:func:`geo.targets.plan_period`: 2021–2025, 2026–2030, …). In each
    year the units not yet exercised in the period are spread evenly over the years left:
    ``ceil(pending / years left)`` of them, longest-waiting first (never exercised, then the
    oldest last exercise; ties by code). A unit exercises once a period, never twice.

    Parameters
    ----------
    units : DataFrame or GeoDataFrame
        One row per unit (districts, or the province), with a code column.
    records : DataFrame, optional
        Past exercises, ``commune_code`` holding the **unit's** code, ``year``, ``type``.
    years, start : int
        Years to plan and the first of them.
    types : iterable of str
        Record types that count.
    code_col, name_col : str
        Columns of ``units``.

    Returns
    -------
    DataFrame
        :data:`PERIOD_COLUMNS`, sorted by year and code.

    Raises
    ------
    AnalysisInputError
        If an argument is out of range, a column is missing or codes are not unique.
    """
    from geo.targets import plan_period  # geo.targets does not import this module

    _check_years(years, start)
    codes = _codes(units, code_col)
    recs = _counted_records(records, list(types), int(start))
    last_year = recs.groupby("commune_code")["year"].max()
    last = {c: (None if pd.isna(last_year.get(c)) else int(last_year[c])) for c in codes}
    rows = []
    for year in range(int(start), int(start) + int(years)):
        first, end = plan_period(year)
        pending = sorted((c for c, y in last.items() if y is None or y < first),
                         key=lambda c: (-math.inf if last[c] is None else last[c], c))
        picked = pending[:math.ceil(len(pending) / (end - year + 1))]
        rows += [(code, year, last[code]) for code in picked]
        last.update(dict.fromkeys(picked, year))
    names = (dict(zip(codes, units[name_col], strict=True))
             if name_col and name_col in units.columns else {})
    frame = pd.DataFrame({
        "unit_code": pd.Series([r[0] for r in rows], dtype="str"),
        "unit_name": pd.Series([names.get(r[0]) for r in rows], dtype="str"),
        "year": pd.Series([r[1] for r in rows], dtype="int64"),
        "last_exercised": pd.Series([r[2] for r in rows], dtype="Int64"),
    })
    frame["waited_years"] = (frame["year"] - frame["last_exercised"]).astype("Int64")
    return frame.sort_values(["year", "unit_code"], kind="stable").reset_index(drop=True)


def plan_summary(
    plan: pd.DataFrame,
    communes: pd.DataFrame,
    *,
    code_col: str = "code",
    district_col: str | None = "parent_code",
) -> pd.DataFrame:
    """Summarise a rotation plan per year.

    Parameters
    ----------
    plan : DataFrame
        From :func:`rotation_plan`.
    communes : DataFrame or GeoDataFrame
        The communes the plan was made for.
    code_col, district_col : str
        As given to :func:`rotation_plan`.

    Returns
    -------
    DataFrame
        :data:`SUMMARY_COLUMNS`: per year the communes planned, all communes, the share
        planned, how many exercise for the first time, and how many districts have at
        least one planned commune out of all districts.
    """
    codes = _codes(communes, code_col)
    n_districts = _district_codes(communes, district_col).nunique()
    rows = []
    for year, group in plan.groupby("year", sort=True):
        rows.append({"year": int(year), "planned": len(group), "communes": len(codes),
                     "share": len(group) / len(codes),
                     "first_time": int(group["last_exercised"].isna().sum()),
                     "districts_covered": int(group["district_code"].nunique()),
                     "districts": int(n_districts)})
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))


# --- helpers --------------------------------------------------------------------------------


def _pick(last: Mapping[str, int | None], due: Mapping[str, int],
          district_of: Mapping[str, str], sizes: Mapping[str, int], count: int,
          year: int, most: int) -> list[str]:
    """Choose ``count`` communes: longest-waiting first, unless a deadline forces another.

    Waiting classes (never exercised, then the oldest last exercise) are taken in turn,
    each shared out between districts (Sainte-Laguë, ties by district then commune code).
    A commune is skipped when taking it would leave too few places this year for the
    communes that must go now (:func:`communes_forced` with the cap ``most``).
    """
    horizon = max(due.values(), default=year) - year + 1
    at = Counter(due[c] - year for c in due)
    need = [sum(at[j] for j in range(k + 1)) - k * most for k in range(horizon)]
    classes: dict[int | None, list[str]] = {}
    for code in sorted(last):
        classes.setdefault(last[code], []).append(code)
    picked: list[str] = []
    per_district: Counter[str] = Counter()
    for key in sorted(classes, key=lambda y: -math.inf if y is None else y):
        members = classes[key]
        while members and len(picked) < count:
            room = count - len(picked)
            tight = [k for k, v in enumerate(need) if v >= room]
            ok = [c for c in members if not tight or due[c] - year <= min(tight)]
            if not ok:
                break
            code = _next_in_district_order(ok, district_of, sizes, per_district)
            members.remove(code)
            picked.append(code)
            per_district[district_of[code]] += 1
            need = [v - (due[code] - year <= k) for k, v in enumerate(need)]
    return picked


def _next_in_district_order(candidates: list[str], district_of: Mapping[str, str],
                            sizes: Mapping[str, int], counts: Mapping[str, int]) -> str:
    """Return the candidate of the district with the smallest ``(planned + 0.5) / size``."""
    district = min({district_of[c] for c in candidates},
                   key=lambda d: ((counts.get(d, 0) + 0.5) / sizes[d], d))
    return min(c for c in candidates if district_of[c] == district)


def _plan_frame(rows: list[tuple[str, int, int | None]], communes: pd.DataFrame,
                codes: pd.Series, district_of: Mapping[str, str], name_col: str | None,
                district_names: Mapping[str, str] | None) -> pd.DataFrame:
    names = {}
    if name_col and name_col in communes.columns:
        names = dict(zip(codes, communes[name_col], strict=True))
    dnames = {str(k): v for k, v in (district_names or {}).items()}
    frame = pd.DataFrame({
        "commune_code": pd.Series([r[0] for r in rows], dtype="str"),
        "commune_name": pd.Series([names.get(r[0]) for r in rows], dtype="str"),
        "district_code": pd.Series([district_of[r[0]] or None for r in rows], dtype="str"),
        "district_name": pd.Series([dnames.get(district_of[r[0]]) for r in rows], dtype="str"),
        "year": pd.Series([r[1] for r in rows], dtype="int64"),
        "last_exercised": pd.Series([r[2] for r in rows], dtype="Int64"),
    })
    frame["waited_years"] = (frame["year"] - frame["last_exercised"]).astype("Int64")
    frame = frame.sort_values(["year", "district_code", "commune_code"], na_position="first",
                              kind="stable")
    return frame.reset_index(drop=True)[list(PLAN_COLUMNS)]


def _counted_records(records: pd.DataFrame | None, types: Iterable[str] | None,
                     before: int | None) -> pd.DataFrame:
    """Return the records that count: ``commune_code`` (str) and ``year`` (int)."""
    if records is None or len(records) == 0:
        return pd.DataFrame({"commune_code": pd.Series(dtype="str"),
                             "year": pd.Series(dtype="int64")})
    missing = [c for c in ("commune_code", "year") if c not in records.columns]
    if missing:
        raise AnalysisInputError(Problem("records_columns", columns=", ".join(missing)))
    recs = records
    wanted = set(settings.exercise_commune_types if types is None else types)
    if "type" in recs.columns:
        recs = recs[recs["type"].isin(wanted)]
    years = pd.to_numeric(recs["year"], errors="coerce")
    bad = years.isna() | (years.round() != years)
    if bad.any():
        shown = ", ".join(repr(v) for v in recs.loc[bad, "year"].head(5))
        raise AnalysisInputError(Problem("record_years", values=shown))
    out = pd.DataFrame({"commune_code": recs["commune_code"].astype("str").str.strip(),
                        "year": years.astype("int64")})
    if before is not None:
        out = out[out["year"] < before]
    return out


def _codes(communes: pd.DataFrame, code_col: str) -> pd.Series:
    if not isinstance(communes, pd.DataFrame):
        raise AnalysisInputError(Problem("frame_not_dataframe", role="communes",
                                         type=type(communes).__name__))
    if code_col not in communes.columns:
        cols = ", ".join(map(str, communes.columns))
        raise AnalysisInputError(Problem("communes_no_code_column", column=code_col,
                                         columns=cols))
    codes = communes[code_col]
    empty = codes.isna() | (codes.astype("str").str.strip() == "")
    if empty.any():
        raise AnalysisInputError(Problem("communes_without_code", column=code_col,
                                         rows=list(communes.index[empty][:5])))
    codes = codes.astype("str").str.strip()
    dup = codes[codes.duplicated()].unique()
    if len(dup):
        raise AnalysisInputError(Problem("communes_duplicate_codes",
                                         codes=", ".join(map(repr, dup[:5]))))
    return codes


def _district_codes(communes: pd.DataFrame, district_col: str | None) -> pd.Series:
    """Return the district code of every commune as str; ``""`` when there is none."""
    if not district_col or district_col not in communes.columns:
        return pd.Series("", index=communes.index, dtype="str")
    col = communes[district_col]
    return col.where(col.notna(), "").astype("str").str.strip()


def _check_years(years: int, start: int) -> None:
    problems = []
    if not _is_whole(years) or years < 1:
        problems.append(Problem("years_bad", value=years))
    if not _is_whole(start):
        problems.append(Problem("start_bad", value=start))
    if problems:
        raise AnalysisInputError(*problems)


def _is_whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _share(value: float | None, default: float, name: str) -> float:
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
        raise AnalysisInputError(Problem("share_bad", arg=name, value=value))
    return float(value)
