"""Plan periods and construction roadmaps: the completion of a work as of a year.

A **plan period** is a row ``name``, ``first_year``, ``last_year`` ("giai đoạn
2016-2020", seeds 002 and 004). :func:`default_periods` gives the periods of the settings
(:data:`geo.settings.plan_period_first_year`, :data:`~geo.settings.plan_period_years`,
:data:`~geo.settings.plan_period_count`) for a project that recorded none.

A **roadmap** ("lộ trình xây dựng cụ thể", seed 003) is a history of updates, one row
per update, oldest first (rows are only ever appended): ``work_id`` (``"<layer>:<row>"``),
``year``, ``planned_pct`` and ``actual_pct`` (0–100, either may be missing), optional
``start_year`` and ``finish_year``. An empty value in an update leaves the earlier value
of that work and year as it was; the last non-empty value wins.

The rule of the targets (:func:`completion_as_of`): the completion of a work at year
``Y`` is the latest actual percentage recorded for a year ≤ ``Y`` (the greatest such
year; within it the last update), divided by 100; a work without one keeps its
attribute (:func:`geo.targets.base_completion`).

A saved ``work_id`` is a row position, which a new version of a layer changes:
:func:`match_works` points each row at the current work with its ``work_code``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo import settings
from geo.errors import AnalysisInputError, Problem

PERIOD_COLUMNS: tuple[str, ...] = ("name", "first_year", "last_year")
"""Columns of a periods table."""

VALUE_COLUMNS: tuple[str, ...] = ("planned_pct", "actual_pct")
"""Percentages an update may carry."""

SPAN_COLUMNS: tuple[str, ...] = ("start_year", "finish_year")
"""Start and finish years an update may carry."""


def default_periods(first_year: int | None = None, years: int | None = None,
                    count: int | None = None) -> pd.DataFrame:
    """Return the plan periods of the settings.

    Parameters
    ----------
    first_year, years, count : int, optional
        First year of the first period, years per period and number of periods;
        :data:`geo.settings.plan_period_first_year`, ``plan_period_years`` and
        ``plan_period_count`` by default.

    Returns
    -------
    DataFrame
        :data:`PERIOD_COLUMNS`, names ``"2016-2020"``, …

    Examples
    --------
    >>> default_periods(2016, 5, 2)["name"].tolist()
    ['2016-2020', '2021-2025']
    """
    first = settings.plan_period_first_year if first_year is None else int(first_year)
    length = settings.plan_period_years if years is None else int(years)
    count = settings.plan_period_count if count is None else int(count)
    starts = [first + i * length for i in range(count)]
    return pd.DataFrame({"name": [f"{s}-{s + length - 1}" for s in starts],
                         "first_year": pd.Series(starts, dtype="int64"),
                         "last_year": pd.Series([s + length - 1 for s in starts],
                                                dtype="int64")})


def period_of(year: int, periods: pd.DataFrame) -> pd.Series | None:
    """Return the row of ``periods`` holding ``year`` (the first such row), else ``None``."""
    held = periods[(periods["first_year"] <= int(year)) & (periods["last_year"] >= int(year))]
    return None if held.empty else held.iloc[0]


def period_years(periods: pd.DataFrame) -> list[int]:
    """Return every year of every period, ascending, once each."""
    return sorted({y for a, b in zip(periods["first_year"], periods["last_year"], strict=True)
                   for y in range(int(a), int(b) + 1)})


def current_entries(history: pd.DataFrame) -> pd.DataFrame:
    """Return the current value of every (work, year) of a roadmap history.

    Parameters
    ----------
    history : DataFrame
        Updates, oldest first, with ``work_id``, ``year`` and any of
        :data:`VALUE_COLUMNS`, :data:`SPAN_COLUMNS` and ``note``.

    Returns
    -------
    DataFrame
        One row per (``work_id``, ``year``), sorted by them: per column, the last
        non-empty value of the updates of that work and year (NaN if none); the other
        columns (``work_code``…) from the last update.
    """
    if history.empty:
        return history.copy()
    ordered = history.reset_index(drop=True)
    keys = ["work_id", "year"]
    last = ordered.groupby(keys, sort=True).tail(1).set_index(keys).sort_index()
    kept = [c for c in (*VALUE_COLUMNS, *SPAN_COLUMNS, "note") if c in ordered.columns]
    blanks = ordered[kept].mask(ordered[kept].map(lambda v: isinstance(v, str)
                                                  and not v.strip()))
    filled = blanks.assign(work_id=ordered["work_id"], year=ordered["year"]).groupby(
        keys, sort=True).last()  # last non-empty value per column
    last[kept] = filled[kept]
    return last.reset_index()[list(history.columns)]


def actual_as_of(history: pd.DataFrame, year: int, *, column: str = "actual_pct"
                 ) -> pd.Series:
    """Return, per work, the latest ``column`` value recorded for a year ≤ ``year``.

    The greatest year ≤ ``year`` with a value, and within it the last update
    (:func:`current_entries`). ``column="planned_pct"`` gives the plan as of the year.

    Returns
    -------
    Series
        Percentages (0–100) indexed by ``work_id``, named ``column``; works with no
        such value are absent.
    """
    if history.empty or column not in history.columns:
        return pd.Series(dtype="float64", name=column)
    now = current_entries(history)
    values = pd.to_numeric(now[column], errors="coerce")
    years = pd.to_numeric(now["year"], errors="coerce")
    mine = now[values.notna() & (years <= int(year))].assign(_v=values)
    latest = mine.sort_values(["work_id", "year"], kind="stable").groupby("work_id").tail(1)
    return latest.set_index("work_id")["_v"].astype("float64").rename(column)


def completion_as_of(works: pd.DataFrame, ids: Iterable[str], history: pd.DataFrame,
                     year: int) -> pd.Series:
    """Return the completion (0–1) of each work at ``year``.

    Parameters
    ----------
    works : DataFrame
        The works, with ``percent_complete`` and/or ``status`` (their attributes).
    ids : iterable of str
        The ``work_id`` of each row of ``works``, in order.
    history : DataFrame
        The roadmap history (see the module notes).
    year : int
        The year.

    Returns
    -------
    Series
        Index-aligned with ``works``: the roadmap's latest actual percentage for a year
        ≤ ``year`` / 100, else :func:`geo.targets.base_completion` of the attributes
        (NaN where neither is known). Named ``"completion"``.
    """
    from geo.targets import base_completion  # geo.targets imports this module

    return base_completion(with_roadmap(works, ids, history, year))


def with_roadmap(works: pd.DataFrame, ids: Iterable[str], history: pd.DataFrame,
                 year: int) -> pd.DataFrame:
    """Return a copy of ``works`` whose ``percent_complete`` is the roadmap's at ``year``.

    Works the roadmap gives no actual percentage for a year ≤ ``year`` keep their
    attributes (``percent_complete``, ``status``). See :func:`completion_as_of`.
    """
    ids = pd.Index([str(i) for i in ids])
    if len(ids) != len(works):
        raise AnalysisInputError(Problem("roadmap_ids_count", ids=len(ids), works=len(works)))
    out = works.copy()
    recorded = ids.map(actual_as_of(history, year)).to_numpy(dtype="float64")
    attribute = (pd.to_numeric(out["percent_complete"], errors="coerce").to_numpy("float64")
                 if "percent_complete" in out.columns else np.full(len(out), np.nan))
    out["percent_complete"] = np.where(np.isnan(recorded), attribute, recorded)
    return out


def work_spans(history: pd.DataFrame) -> pd.DataFrame:
    """Return the start and finish years of each work of a roadmap history.

    The last recorded ``start_year`` / ``finish_year`` of the work (any year's update);
    where none was recorded, the first / last year of its roadmap rows.

    Returns
    -------
    DataFrame
        Index ``work_id``; columns ``start_year``, ``finish_year`` (``Int64``).
    """
    if history.empty:
        return pd.DataFrame({c: pd.Series(dtype="Int64") for c in SPAN_COLUMNS},
                            index=pd.Index([], name="work_id"))
    frame = history.reset_index(drop=True)
    years = pd.to_numeric(frame["year"], errors="coerce")
    grouped = frame.assign(_y=years).groupby("work_id", sort=True)
    out = pd.DataFrame({"start_year": grouped["_y"].min(), "finish_year": grouped["_y"].max()})
    for col in SPAN_COLUMNS:
        if col in frame.columns:
            recorded = frame.assign(_v=pd.to_numeric(frame[col], errors="coerce")
                                    ).groupby("work_id", sort=True)["_v"].last()
            out[col] = recorded.where(recorded.notna(), out[col])
    return out.astype("Int64")


MATCH_REASONS: tuple[str, ...] = ("missing", "ambiguous")
"""Why a roadmap row matches no current work: its code (or id) names none, or several."""


def match_works(history: pd.DataFrame, works: pd.DataFrame
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Point every roadmap row at the current work with its code.

    A work's id ``"<layer>:<row>"`` is its row position, which a new version of the layer
    changes (rows reordered, deleted, added); its ``code`` stays. A row with a
    ``work_code`` goes to the work of that code in its ``work_layer`` (in any layer when
    its layer holds none); a row without one keeps its ``work_id`` if a work still has it.

    Parameters
    ----------
    history : DataFrame
        Roadmap rows with ``work_id``, ``work_code`` and optionally ``work_layer``.
    works : DataFrame
        The current works, index their ids, with ``layer`` and ``code`` columns.

    Returns
    -------
    matched : DataFrame
        The rows whose work was found, in order, ``work_id`` the work's current id.
    lost : DataFrame
        The rows matching no work (or a code several works share), their ``work_id``
        as saved, plus ``reason`` (:data:`MATCH_REASONS`).
    moved : DataFrame
        Of the matched rows, those whose work changed id, one per work: ``work_code``,
        ``saved_id`` (as saved) and ``work_id`` (now).

    Examples
    --------
    >>> works = pd.DataFrame({"layer": ["B", "B"], "code": ["b2", "b1"]}, index=["B:0", "B:1"])
    >>> saved = pd.DataFrame({"work_id": ["B:0", "B:1"], "work_code": ["b1", "b9"]})
    >>> matched, lost, moved = match_works(saved, works)
    >>> matched["work_id"].tolist(), lost["reason"].tolist(), moved["work_id"].tolist()
    (['B:1'], ['missing'], ['B:1'])
    """
    rows = history.reset_index(drop=True)
    codes = works["code"].map(_text)
    layers = works["layer"].map(_text)
    found: dict[tuple[str, str, str], tuple[str | None, str]] = {}
    ids, reasons = [], []
    for key in zip(_column(rows, "work_layer"), _column(rows, "work_id"),
                   _column(rows, "work_code"), strict=True):
        if key not in found:
            found[key] = _match_one(*key, codes, layers)
        ids.append(found[key][0])
        reasons.append(found[key][1])
    ok = pd.Series([i is not None for i in ids], index=rows.index)
    matched = rows[ok].assign(work_id=[i for i in ids if i is not None])
    lost = rows[~ok].assign(reason=[r for i, r in zip(ids, reasons, strict=True)
                                    if i is None])
    saved = rows.loc[ok, "work_id"].map(_text)
    moved = pd.DataFrame({"work_code": matched["work_code"].map(_text), "saved_id": saved,
                          "work_id": matched["work_id"]})
    moved = moved[moved["saved_id"] != moved["work_id"]].drop_duplicates(
        ["saved_id", "work_id"]).reset_index(drop=True)
    return matched.reset_index(drop=True), lost.reset_index(drop=True), moved


def _match_one(layer: str, ident: str, code: str, codes: pd.Series, layers: pd.Series
               ) -> tuple[str | None, str]:
    """Return the current id of one saved (layer, id, code), or ``None`` and the reason."""
    if not code:
        return (ident, "") if ident in codes.index else (None, "missing")
    same = codes == code
    hits = codes.index[same & (layers == layer)]
    if not len(hits):
        hits = codes.index[same]
    if len(hits) == 1:
        return str(hits[0]), ""
    return None, "ambiguous" if len(hits) else "missing"


def _column(frame: pd.DataFrame, name: str) -> list[str]:
    if name not in frame.columns:
        return [""] * len(frame)
    return [_text(v) for v in frame[name]]


def _text(value: object) -> str:
    """Return a cell as stripped text, ``""`` when missing; ``7.0`` as ``"7"``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
