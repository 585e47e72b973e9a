"""Plan periods and the construction roadmap of a project's defense works.

Two records tables of the project store (:meth:`layers.store.ProjectStore.write_records`):

``plan_periods``
    ``name``, ``first_year``, ``last_year`` ("giai đoạn 2016-2020"). While it is empty
    the periods are those of the settings (:func:`geo.roadmap.default_periods`).
    Periods may not overlap; :func:`add_period` and :func:`remove_period` change it.
``roadmap``
    The history of the construction roadmap ("lộ trình xây dựng cụ thể", seed 003):
    one row per update of one work (:data:`COLUMNS`), with who saved it and when (UTC).
    Rows are only ever appended, never changed or removed: the table is the history,
    :func:`geo.roadmap.current_entries` reads the current values out of it.

A work is a feature of a defense-work kind (:data:`layers.kinds.DEFENSE_WORK_KINDS`),
named by its id ``"<layer>:<row>"`` and its ``code``. A row position changes with a new
version of the layer, a code does not: the saved rows are read back matched to the
current works by code (:func:`matched_history`), by id only for a work without a code,
and rows whose work is gone are reported. Updates come from a CSV file
(:func:`import_roadmap`) or the app's editor (:func:`save_edits`); both check every row
first (:func:`check_roadmap`) and store nothing unless all rows are good.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import roadmap as rm
from geo.targets import base_completion
from layers import records as rec
from layers.errors import LayerError
from layers.kinds import DEFENSE_WORK_KINDS
from layers.messages import Note, clip, more_items, short_list
from planning import inputs
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result

PERIODS_TABLE = "plan_periods"
"""Records table of the plan periods (``kvpt_rec_plan_periods``)."""

TABLE = "roadmap"
"""Records table of the roadmap history (``kvpt_rec_roadmap``)."""

COLUMNS: tuple[str, ...] = (
    "work_layer", "work_id", "work_code", "work_name", "year", "planned_pct", "actual_pct",
    "start_year", "finish_year", "note", "author", "saved_at",
)
"""Columns of the roadmap history, one row per update."""

ENTRY_COLUMNS: tuple[str, ...] = COLUMNS[:10]
"""Columns of a checked update (:func:`check_roadmap`), before who and when."""

WORK_COLUMNS: tuple[str, ...] = (
    "work_id", "work_code", "work_name", "kind", "start_year", "finish_year", "planned_pct",
    "actual_pct", "attribute_pct", "completion_pct", "completion_source",
)
"""Columns of :func:`roadmap`'s main table."""

SYNONYMS: dict[str, tuple[str, ...]] = {
    "work_id": ("work_id", "id"),
    "work_code": ("work_code", "code", "ma_cong_trinh", "ma_ct", "ma"),
    "year": ("year", "nam"),
    "planned_pct": ("planned_pct", "planned", "ke_hoach", "ke_hoach_pct", "pct_ke_hoach"),
    "actual_pct": ("actual_pct", "actual", "thuc_hien", "thuc_hien_pct", "pct_thuc_hien",
                   "percent_complete"),
    "start_year": ("start_year", "nam_bat_dau", "bat_dau"),
    "finish_year": ("finish_year", "nam_hoan_thanh", "hoan_thanh"),
    "note": ("note", "ghi_chu", "ghichu"),
}
"""Accepted CSV column names (compared without case or accents)."""

_TEXT = ("work_layer", "work_id", "work_code", "work_name", "note", "author", "saved_at")
_SHOW = 10


# --- plan periods ----------------------------------------------------------------------------


def periods(project: Project) -> pd.DataFrame:
    """Return the project's plan periods, by first year; the settings' while none is stored."""
    stored = project.reader.read_records(PERIODS_TABLE)
    if not len(stored):
        return rm.default_periods()
    return _typed_periods(stored).sort_values("first_year", kind="stable"
                                              ).reset_index(drop=True)


def check_periods(frame: pd.DataFrame) -> pd.DataFrame:
    """Return plan periods checked: named, years in order, no two overlapping or same-named.

    Raises
    ------
    PlanningError
        Naming the first bad period.
    """
    rows = []
    for number, (name, first, last) in enumerate(
            zip(frame["name"], frame["first_year"], frame["last_year"], strict=True), 1):
        name = "" if name is None or (isinstance(name, float) and math.isnan(name)) \
            else str(name).strip()
        if not name:
            raise PlanningError("period_name_empty", number=number)
        a, b = _whole(first), _whole(last)
        if a is None or b is None or not rec.FIRST_YEAR <= a <= b <= 2200:
            raise PlanningError("period_years_bad", name=name, first=first, last=last)
        rows.append((name, a, b))
    names = [r[0] for r in rows]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise PlanningError("period_name_duplicate", name=name)
    for i, (name, a, b) in enumerate(rows):
        for other, c, d in rows[:i]:
            if a <= d and c <= b:
                raise PlanningError("period_overlap", name=name, first=a, last=b,
                                    other=other, other_first=c, other_last=d)
    out = pd.DataFrame(rows, columns=list(rm.PERIOD_COLUMNS))
    return _typed_periods(out).sort_values("first_year", kind="stable").reset_index(drop=True)


def add_period(project: Project, name: str, first_year: int, last_year: int, *,
               store: Any = None) -> pd.DataFrame:
    """Add a plan period (to the settings' ones while none is stored); return them all."""
    new = pd.DataFrame({"name": [name], "first_year": [first_year], "last_year": [last_year]})
    return save_periods(project, pd.concat([periods(project), new], ignore_index=True),
                        store=store)


def remove_period(project: Project, name: str, *, store: Any = None) -> pd.DataFrame:
    """Remove the plan period ``name``; return the periods left."""
    now = periods(project)
    find_period(now, name)
    return save_periods(project, now[now["name"] != name], store=store)


def save_periods(project: Project, frame: pd.DataFrame, *, store: Any = None) -> pd.DataFrame:
    """Replace the project's plan periods with ``frame``, checked (:func:`check_periods`)."""
    checked = check_periods(frame)
    (project.reader if store is None else store).write_records(PERIODS_TABLE, checked)
    return checked


def find_period(table: pd.DataFrame, name: str) -> pd.Series:
    """Return the period named ``name`` of ``table``; raise ``period_unknown`` if none."""
    hit = table[table["name"] == str(name).strip()]
    if hit.empty:
        raise PlanningError("period_unknown", name=name,
                            names=", ".join(table["name"]) or "-")
    return hit.iloc[0]


# --- the roadmap ----------------------------------------------------------------------------


def works(project: Project) -> gpd.GeoDataFrame:
    """Return the defense works a roadmap may name: index ``"<layer>:<row>"``.

    Columns ``layer``, ``kind``, ``code``, ``name``, ``status``, ``percent_complete``
    (text, as :func:`planning.inputs.stacked`) and the geometry.
    """
    return inputs.stacked(project, DEFENSE_WORK_KINDS,
                          columns=("code", "name", "status", "percent_complete"))


def history(project: Project) -> pd.DataFrame:
    """Return every update of the roadmap (:data:`COLUMNS`), oldest first."""
    return _typed(project.reader.read_records(TABLE))


def current(project: Project) -> pd.DataFrame:
    """Return the current roadmap: one row per work and year (see :mod:`geo.roadmap`).

    Rows are matched to the current works by code (:func:`matched_history`).
    """
    return rm.current_entries(matched_history(project))


def matched_history(project: Project, found: pd.DataFrame | None = None,
                    past: pd.DataFrame | None = None, *, note_moved: bool = False
                    ) -> pd.DataFrame:
    """Return the history with every row pointed at its current work, by code.

    A row goes to the work of its ``work_code`` (:func:`geo.roadmap.match_works`), so a
    new version of a works layer (rows reordered, removed, added) keeps each work's
    roadmap; a row without a code keeps its ``work_id``. Rows whose work is no longer
    found (or whose code several works share) are left out and noted
    (``roadmap_rows_lost``); with ``note_moved`` (the roadmap view), rows whose code now
    names another row are noted too (``roadmap_rows_moved``). ``found``: the works
    (:func:`works`), ``past``: the history (:func:`history`, matching again is
    harmless), read when omitted.
    """
    past = history(project) if past is None else past
    if past.empty:
        return past
    matched, lost, moved = rm.match_works(past, works(project) if found is None else found)
    if len(lost):
        shown = lost.drop_duplicates(["work_layer", "work_id", "work_code"])
        project.note("roadmap_rows_lost", count=len(lost), works=short_list(
            [f"{c or i} ({lay})" for lay, i, c in shown[
                ["work_layer", "work_id", "work_code"]].itertuples(index=False)], _SHOW))
    if note_moved and len(moved):
        project.note("roadmap_rows_moved", count=len(moved), works=short_list(
            [f"{c}: {a} → {b}" for c, a, b in moved.itertuples(index=False)], _SHOW))
    return _typed(matched)


def completion_now(project: Project, frame: pd.DataFrame, *, year: int | None = None
                   ) -> tuple[pd.DataFrame, pd.Series]:
    """Return ``frame`` with the roadmap's completion, the rule of the targets.

    Parameters
    ----------
    project : Project
        The project.
    frame : DataFrame
        Features indexed ``"<layer>:<row>"`` (:func:`planning.inputs.stacked`) with
        ``percent_complete`` and/or ``status``.
    year : int, optional
        The year (default: this year, UTC).

    Returns
    -------
    DataFrame
        A copy whose ``percent_complete`` is the roadmap's latest actual percentage for
        a year ≤ ``year`` where there is one (:func:`geo.roadmap.with_roadmap`), else
        the attribute.
    Series
        ``completion_source`` per row: ``"roadmap"``, ``"attribute"`` (a percentage or
        known status) or ``"none"``.
    """
    year = datetime.now(UTC).year if year is None else int(year)
    past = matched_history(project)
    recorded = frame.index.to_series().map(rm.actual_as_of(past, year))
    known = base_completion(frame).notna()
    source = pd.Series(np.where(recorded.notna(), "roadmap",
                                np.where(known, "attribute", "none")),
                       index=frame.index, name="completion_source")
    return rm.with_roadmap(frame, frame.index, past, year), source


def check_roadmap(frame: pd.DataFrame, found: pd.DataFrame, plan: pd.DataFrame, *,
                  source: str | None = None, first_row: int = 1) -> pd.DataFrame:
    """Check roadmap updates against the works and the plan periods; return them cleaned.

    Parameters
    ----------
    frame : DataFrame
        Updates: ``work_code`` or ``work_id``, ``year``, any of ``planned_pct``,
        ``actual_pct``, ``start_year``, ``finish_year``, ``note`` (text or numbers).
    found : DataFrame
        The works (:func:`works`).
    plan : DataFrame
        The plan periods (:func:`periods`): every year must lie in one.
    source, first_row : str or None, int
        How rows are named: ``"row 1"``, or ``"<source> line 2"`` for a CSV file.

    Returns
    -------
    DataFrame
        :data:`ENTRY_COLUMNS`, work layer, id, code and name from the works; years as
        whole numbers, percentages as floats (NaN when empty).

    Raises
    ------
    LayerError
        Naming every bad row: a missing or unknown work code (quoted), a code naming
        several works, a year outside every plan period, a percentage outside 0–100 or
        not a number, a start after the finish, a row with no value, the same work and
        year twice.
    """
    missing = [c for c in ("year",) if c not in frame.columns]
    if "work_code" not in frame.columns and "work_id" not in frame.columns:
        missing.insert(0, "work_code")
    if missing:
        raise LayerError(key="roadmap_columns", params={
            "missing": ", ".join(missing),
            "columns": short_list(frame.columns) or Note.of("none")})
    rows = frame.reset_index(drop=True)
    cells = {c: (rows[c].map(_cell) if c in rows.columns else pd.Series("", index=rows.index))
             for c in SYNONYMS}
    labels = [Note.of("row_label", number=i + first_row) if source is None
              else Note.of("line_label", file=source, number=i + first_row)
              for i in range(len(rows))]
    years = set(rm.period_years(plan))
    shown = ", ".join(n if n == f"{a}-{b}" else f"{n} ({a}-{b})"
                      for n, a, b in plan[list(rm.PERIOD_COLUMNS)].itertuples(index=False))
    out, problems = [], []
    for i, label in enumerate(labels):
        row = {c: cells[c].iloc[i] for c in SYNONYMS}
        entry, found_problems = _check_row(row, label, found, years, shown)
        problems += found_problems
        out.append(entry)
    if not problems:
        problems += _duplicates(out, labels)
    if problems:
        raise LayerError(key="roadmap_problems", params={
            "count": len(problems), "problems": problems[:_SHOW],
            "more": more_items(len(problems), _SHOW)})
    return _typed(pd.DataFrame(out, columns=list(ENTRY_COLUMNS)))[list(ENTRY_COLUMNS)]


def import_roadmap(project: Project, file: str | Path | bytes, *, encoding: str | None = None,
                   source: str | None = None, author: str = "", store: Any = None,
                   when: datetime | None = None) -> pd.DataFrame:
    """Append the updates of a roadmap CSV file to the history, all or nothing.

    Parameters
    ----------
    project : Project
        The project.
    file : str, Path or bytes
        The CSV (columns of :data:`SYNONYMS`; Vietnamese names accepted), read as text
        by :func:`layers.records.read_text_table`: no cell is ever evaluated.
    encoding, source : str, optional
        Text encoding (detected when omitted); file name for messages.
    author, store, when
        As for :func:`append`.

    Returns
    -------
    DataFrame
        The rows added (:data:`COLUMNS`).

    Raises
    ------
    LayerError
        If the file cannot be read or has any bad row (:func:`check_roadmap`).
    """
    table = rec.read_text_table(file, synonyms=SYNONYMS, encoding=encoding, source=source)
    checked = check_roadmap(table.table, _works_or_raise(project), periods(project),
                            source=table.source, first_row=2)
    return append(project, checked, author=author, store=store, when=when)


def save_edits(project: Project, frame: pd.DataFrame, *, author: str = "", store: Any = None,
               when: datetime | None = None) -> pd.DataFrame:
    """Append the rows of an edited current roadmap that differ from the stored values.

    ``frame``: the table of :func:`current` as edited (rows changed or added). A row equal
    to the current value of its work and year adds nothing; a deleted row removes
    nothing (the history is kept). Returns the rows added (:data:`COLUMNS`).

    Raises
    ------
    LayerError
        If any row is bad (:func:`check_roadmap`); nothing is then stored.
    """
    checked = check_roadmap(frame, _works_or_raise(project), periods(project))
    now = current(project).set_index(["work_id", "year"])
    keep = []
    for row in checked.itertuples(index=False):
        key = (row.work_id, row.year)
        old = now.loc[key] if key in now.index else None
        keep.append(old is None or any(
            not _same(getattr(row, c), old[c])
            for c in (*rm.VALUE_COLUMNS, *rm.SPAN_COLUMNS, "note")))
    return append(project, checked[keep], author=author, store=store, when=when)


def append(project: Project, entries: pd.DataFrame, *, author: str = "", store: Any = None,
           when: datetime | None = None) -> pd.DataFrame:
    """Append checked updates to the history with who and when; return the rows added.

    ``author``: who updates (the store's signed-in user wins when there is one);
    ``store``: where to write (default: the project's reader, a store); ``when``: time of
    the update (default: now, UTC).
    """
    target = project.reader if store is None else store
    user = getattr(target, "user", None)
    added = entries.assign(author=user.name if user is not None else author.strip(),
                           saved_at=(when or datetime.now(UTC)).isoformat(timespec="seconds"))
    added = _typed(added)
    if len(added):
        old = history(project)
        target.write_records(TABLE, _typed(pd.concat([old, added], ignore_index=True)
                                           if len(old) else added))
    return added


def roadmap(project: Project, *, year: int | None = None) -> Result:
    """Return every defense work's roadmap and completion as of ``year``.

    Parameters
    ----------
    project : Project
        The project.
    year : int, optional
        The year (default: the last year of the roadmap, else this year).

    Returns
    -------
    Result
        ``works`` (main): :data:`WORK_COLUMNS`, one row per work: start and finish years
        (:func:`geo.roadmap.work_spans`), the planned and actual percentages as of the year
        (latest for a year ≤ ``year``), the layer's own percentage (``percent_complete``,
        else its status), the completion the targets use and its ``completion_source``
        (``roadmap``, ``attribute`` or ``none``); ``history``: :data:`COLUMNS`; value ``year``.
    """
    found, raw = works(project), history(project)
    past = matched_history(project, found, raw, note_moved=True)
    if year is None:
        year = int(past["year"].max()) if len(past) else datetime.now(UTC).year
    actual = rm.actual_as_of(past, year)
    planned = rm.actual_as_of(past, year, column="planned_pct")
    spans = rm.work_spans(past)
    ids = found.index.to_series()
    attribute = base_completion(found) * 100
    used = rm.completion_as_of(found, found.index, past, year) * 100
    table = pd.DataFrame({
        "work_id": ids, "work_code": found["code"], "work_name": found["name"],
        "kind": found["kind"], "start_year": ids.map(spans["start_year"]).astype("Int64"),
        "finish_year": ids.map(spans["finish_year"]).astype("Int64"),
        "planned_pct": ids.map(planned).astype("float64"),
        "actual_pct": ids.map(actual).astype("float64"),
        "attribute_pct": attribute, "completion_pct": used})
    table["completion_source"] = np.where(table["actual_pct"].notna(), "roadmap",
                               np.where(table["attribute_pct"].notna(), "attribute", "none"))
    return Result({"works": table.reset_index(drop=True), "history": raw},
                  values={"year": int(year)}, warnings=project.take_notes())


def works_as_of(project: Project, kind: str, year: int,
                past: pd.DataFrame | None = None) -> gpd.GeoDataFrame | None:
    """Return :func:`planning.inputs.layer_frame` of ``kind`` with the roadmap's completion.

    ``percent_complete`` becomes the latest actual percentage of the roadmap for a year
    ≤ ``year`` where there is one (:func:`geo.roadmap.with_roadmap`), rows matched to the
    works by code (:func:`matched_history`); ``None`` when the project has no layer of
    ``kind``. ``past``: the history, read when omitted.
    """
    frame = inputs.layer_frame(project, kind)
    if frame is None:
        return None
    past = matched_history(project, past=past)
    ids = frame["layer"].astype(str) + ":" + frame.groupby("layer").cumcount().astype(str)
    return rm.with_roadmap(frame, ids, past, year)


# --- helpers --------------------------------------------------------------------------------


def _check_row(row: dict[str, str], label: Note, found: pd.DataFrame, years: set[int],
               shown: str) -> tuple[dict, list[Note]]:
    """Check one update; return it (work filled from ``found``) and its problems."""
    problems: list[Note] = []
    ident = _resolve_work(row["work_id"], row["work_code"], label, found, problems)
    entry: dict[str, Any] = {"work_layer": "", "work_id": ident or "", "work_code": "",
                             "work_name": "", "note": row["note"]}
    if ident is not None:
        work = found.loc[ident]
        entry.update(work_layer=work["layer"], work_code=work["code"], work_name=work["name"])
    for col in ("year", *rm.SPAN_COLUMNS):
        value = _whole(row[col]) if row[col] else None
        if (row[col] or col == "year") and (value is None or value not in years):
            problems.append(Note.of("rm_year_bad", label=label, column=col,
                                    value=clip(row[col]), periods=shown))
        entry[col] = value
    for col in rm.VALUE_COLUMNS:
        value = _number(row[col]) if row[col] else np.nan
        if row[col] and (value is None or not 0 <= value <= 100):
            problems.append(Note.of("rm_pct_bad", label=label, column=col,
                                    value=clip(row[col])))
        entry[col] = np.nan if value is None else value
    if not any(row[c] for c in (*rm.VALUE_COLUMNS, *rm.SPAN_COLUMNS)):
        problems.append(Note.of("rm_no_value", label=label))
    start, finish = entry["start_year"], entry["finish_year"]
    if start is not None and finish is not None and start > finish:
        problems.append(Note.of("rm_years_order", label=label, start=start, finish=finish))
    return entry, problems


def _resolve_work(ident: str, code: str, label: Note, found: pd.DataFrame,
                  problems: list[Note]) -> str | None:
    """Return the id of the work named by ``code``, else ``ident``; add a problem if none.

    The code comes first: a row id changes with a new version of the layer, a code
    does not. ``ident`` only picks among works sharing the code, or names a work when
    the row gives no code.
    """
    if not code:
        if ident and ident in found.index:
            return ident
        problems.append(Note.of("rm_work_unknown", label=label, code=clip(ident),
                                hint=_hint(found)) if ident else
                        Note.of("rm_work_empty", label=label))
        return None
    hits = found.index[found["code"].astype(str).str.strip() == code]
    if len(hits) == 1:
        return str(hits[0])
    if len(hits) > 1 and ident in hits:
        return ident
    if len(hits) > 1:
        problems.append(Note.of("rm_work_ambiguous", label=label, code=clip(code),
                                ids=", ".join(hits[:3])))
    else:
        problems.append(Note.of("rm_work_unknown", label=label, code=clip(code),
                                hint=_hint(found)))
    return None


def _hint(found: pd.DataFrame) -> Note | str:
    named = found[found["code"].astype(str).str.strip() != ""]
    if named.empty:
        return ""
    return Note.of("rm_work_hint", code=named["code"].iloc[0], name=named["name"].iloc[0])


def _duplicates(entries: list[dict], labels: list[Note]) -> list[Note]:
    first: dict[tuple[str, int], Note] = {}
    problems = []
    for label, entry in zip(labels, entries, strict=True):
        key = (entry["work_id"], entry["year"])
        if key in first:
            problems.append(Note.of("rm_duplicate", label=label, first=first[key],
                                    code=entry["work_code"], year=entry["year"]))
        first.setdefault(key, label)
    return problems


def _works_or_raise(project: Project) -> gpd.GeoDataFrame:
    found = works(project)
    if found.empty:
        raise PlanningError("roadmap_no_works")
    return found


def _cell(value: object) -> str:
    """Return a cell as stripped text, ``""`` when missing; ``45.0`` as ``"45"``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _whole(value: object) -> int | None:
    number = _number(_cell(value))
    return int(number) if number is not None and number.is_integer() else None


def _number(text: str) -> float | None:
    """Return ``text`` as a finite number (``"45"``, ``"45,5"``, ``"45 %"``), else ``None``."""
    text = text.strip().removesuffix("%").strip()
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _same(a: object, b: object) -> bool:
    """Whether two cells are equal, a missing value and empty text being the same."""
    a, b = _cell(a), _cell(b)
    try:
        return float(a) == float(b)
    except ValueError:
        return a == b


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with :data:`COLUMNS` (those present, or all), typed for the store."""
    data = {}
    for col in COLUMNS:
        values = frame[col] if col in frame.columns else pd.Series(index=frame.index,
                                                                  dtype="object")
        if col in _TEXT:
            data[col] = values.map(_cell).astype("str")
        else:  # year whole, the other numbers float with NaN for "not given"
            numbers = pd.to_numeric(values, errors="coerce")
            data[col] = numbers.astype("Int64" if col == "year" else "float64")
    return pd.DataFrame(data, index=frame.index)


def _typed_periods(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"name": frame["name"].astype("str"),
                         "first_year": pd.to_numeric(frame["first_year"]).astype("int64"),
                         "last_year": pd.to_numeric(frame["last_year"]).astype("int64")})
