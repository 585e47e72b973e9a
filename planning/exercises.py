"""Exercises (diễn tập) and plan targets of a project: records, rotation plan, dashboard.

The communes and districts are those of :mod:`planning.inputs` (the one admin-unit rule);
the exercise records are the project's table (:mod:`layers.records`), checked against
those communes whenever they are written, from a CSV file or from the app's editor.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import exercises as ex
from geo import roadmap as rm
from geo import settings
from geo import targets as tg
from layers import records as rec
from planning import inputs, roadmap
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result


def communes(project: Project) -> gpd.GeoDataFrame:
    """Return the communes exercises are held in: :func:`planning.inputs.communes`.

    Index ``"<layer>:<row>"``; columns ``layer``, ``kind``, ``name``, ``code``, ``level``,
    ``parent_code`` (the district code; missing in a 2-tier project) and the geometry.

    Raises
    ------
    PlanningError
        If there is no commune, or no commune has a code (records name communes by code).
        Communes without a code are left out with a warning (one per layer).
    """
    if not project.names(["admin_unit"]):
        raise PlanningError("no_communes", names="-")
    found = inputs.communes(project)
    codes = found["code"].astype(object)
    empty = (codes.isna() | (codes.astype(str).str.strip() == "")).to_numpy()
    if empty.all():
        layer, group = next(iter(found.groupby("layer", sort=False)))
        raise PlanningError("communes_without_code", layer=layer, count=len(group),
                            rows=", ".join(group.index[:3]))
    for layer, group in found[empty].groupby("layer", sort=False):
        project.note("communes_without_code_skipped", layer=layer, count=len(group),
                     rows=", ".join(group.index[:3]))
    return found[~empty]


def districts(project: Project) -> gpd.GeoDataFrame:
    """Return the districts (:func:`planning.inputs.districts`; empty in a 2-tier project)."""
    return inputs.districts(project)


def records(project: Project) -> pd.DataFrame:
    """Return the project's exercise records (:func:`layers.records.read_exercises`)."""
    return rec.read_exercises(project.reader)


def default_start(project: Project) -> int:
    """Return the first year a new plan covers (:func:`layers.records.default_plan_start`)."""
    return rec.default_plan_start(records(project))


def default_year(project: Project) -> int:
    """Return the year the targets show (:func:`layers.records.default_target_year`)."""
    return rec.default_target_year(records(project))


def import_records(project: Project, file: str | Path | bytes, *, encoding: str | None = None,
                   replace: bool = False, source: str | None = None,
                   store: Any = None) -> rec.ExerciseCsv:
    """Import exercise records from a CSV file, checked against the communes; all or nothing.

    Parameters
    ----------
    project : Project
        The project.
    file : str, Path or bytes
        The CSV file or its bytes (see :func:`layers.records.import_exercises`).
    encoding, replace, source
        As for :func:`layers.records.import_exercises`.
    store : ProjectStore, optional
        Where to write (default: the project's reader, a store).

    Raises
    ------
    PlanningError
        If the project has no communes (with codes).
    LayerError
        If the file cannot be read or has a bad row; nothing is then stored.
    """
    return rec.import_exercises(project.reader if store is None else store, file,
                                communes=communes(project), encoding=encoding,
                                replace=replace, source=source)


def save_records(project: Project, frame: pd.DataFrame, *, store: Any = None) -> pd.DataFrame:
    """Replace the project's exercise records with ``frame``, checked; all or nothing.

    ``store``: where to write (default: the project's reader, a store). Returns the records
    as stored (:func:`layers.records.write_exercises`).
    """
    return rec.write_exercises(project.reader if store is None else store, frame,
                               communes(project))


ROTATION_KINDS: tuple[str, ...] = ("commune", "district", "rescue", "province")
"""What :func:`rotation` plans: commune combat-defense exercises, district defense-area
exercises, district flood and search-and-rescue exercises, the province defense-area
exercise."""


def rotation(project: Project, *, years: int | None = None, start: int | None = None,
             kind: str = "commune") -> Result:
    """Plan the commune combat-defense exercise rotation (:func:`geo.exercises.rotation_plan`).

    Parameters
    ----------
    project : Project
        The project.
    years : int, optional
        Years to plan (default: the rotation cycle, :func:`geo.exercises.cycle_years`).
    start : int, optional
        First year (default: this year, or the year after the last record).
    kind : str
        ``"commune"``; or ``"district"``, ``"rescue"``, ``"province"`` for
        :func:`district_rotation`.

    Returns
    -------
    Result
        ``exercise_plan`` (main; printed as a list by ``--json``): one row per (commune,
        year) planned, :data:`geo.exercises.PLAN_COLUMNS`; ``summary``: one row per year,
        :data:`geo.exercises.SUMMARY_COLUMNS`; values ``years`` and ``start``; ``extra``:
        ``communes`` and ``districts`` for the map.
    """
    if kind != "commune":
        return district_rotation(project, years=years, start=start, kind=kind)
    found = communes(project)
    units = districts(project)
    history = records(project)
    years = ex.cycle_years() if years is None else years
    start = rec.default_plan_start(history) if start is None else start
    plan = ex.rotation_plan(found, history, years=years, start=start,
                            district_names=_district_names(units))
    summary = ex.plan_summary(plan, found)
    return Result({"exercise_plan": plan, "summary": summary},
                  values={"years": years, "start": start},
                  settings={"exercise_share_min": settings.exercise_share_min,
                            "exercise_share_max": settings.exercise_share_max,
                            "exercise_cycle_years": ex.cycle_years(),
                            "exercise_commune_types": list(settings.exercise_commune_types)},
                  warnings=project.take_notes(),
                  extra={"communes": found, "districts": units})


def district_rotation(project: Project, *, years: int | None = None,
                      start: int | None = None, kind: str = "district") -> Result:
    """Plan the district or province exercises: every unit once in each plan period.

    Seed 003 asks the district and province defense-area exercises and the flood and
    search-and-rescue exercises to reach 100 %: :func:`geo.exercises.period_plan` spreads
    the units not yet exercised in each period (:data:`geo.settings.plan_period_years`)
    evenly over its years, longest-waiting first. ``kind``: ``"district"`` (district
    defense-area exercises), ``"rescue"`` (the districts'
    :data:`geo.settings.rescue_exercise_types` exercises) or ``"province"`` (the province's
    defense-area exercise). A unit's exercises are the records of its communes of that type.

    Returns
    -------
    Result
        ``exercise_plan`` (main): ``unit_code``, ``unit_name``, ``year``,
        ``last_exercised``, ``waited_years``; ``summary`` (``year``, ``units_planned``,
        ``units``, ``units_share``, ``units_first_time``); values ``years``, ``start``,
        ``kind``.

    Raises
    ------
    PlanningError
        If ``kind`` is unknown, or the project has no district (a 2-tier project) for a
        district plan.
    """
    if kind not in ROTATION_KINDS[1:]:
        raise PlanningError("rotation_kind_bad", value=kind,
                            kinds=", ".join(ROTATION_KINDS))
    units, owner = _rotation_units(project, kind)
    types = {"district": (tg.DISTRICT_TYPE,), "province": (tg.PROVINCE_TYPE,)}.get(
        kind, settings.rescue_exercise_types)
    history = records(project)
    held = history[history["type"].isin(set(types))]
    held = pd.DataFrame({"commune_code": held["commune_code"].astype(str).map(owner),
                         "year": held["year"], "type": held["type"]}).dropna()
    years = settings.plan_period_years if years is None else years
    start = rec.default_plan_start(history) if start is None else start
    plan = ex.period_plan(units, held, years=years, start=start, types=types)
    per_year = plan.groupby("year").agg(units_planned=("unit_code", "size"),
                                        units_first_time=("last_exercised",
                                                          lambda s: int(s.isna().sum())))
    summary = per_year.reset_index().assign(units=len(units))
    summary["units_share"] = summary["units_planned"] / len(units)
    summary = summary[["year", "units_planned", "units", "units_share", "units_first_time"]]
    return Result({"exercise_plan": plan, "summary": summary},
                  values={"years": years, "start": start, "kind": kind},
                  settings={"plan_period_first_year": settings.plan_period_first_year,
                            "plan_period_years": settings.plan_period_years,
                            "exercise_types": list(types)},
                  warnings=project.take_notes(), extra={"units": units})


def _rotation_units(project: Project, kind: str) -> tuple[gpd.GeoDataFrame, dict[str, str]]:
    """Return the units a rotation plans (districts or the province) and commune → unit."""
    found = communes(project)
    if kind == "province":
        units = inputs.province(project)
        units = units.iloc[:1] if units is not None else units
        if units is None or not len(units):
            raise PlanningError("no_communes", names="-")
        code = str(units["code"].iloc[0])
        return units, dict.fromkeys(found["code"].astype(str), code)
    units = districts(project)
    if not len(units) or "parent_code" not in found.columns:
        raise PlanningError("no_districts_to_rotate")
    return units, dict(zip(found["code"].astype(str), found["parent_code"].astype(str),
                           strict=True))


def targets(project: Project, *, year: int | None = None) -> Result:
    """Measure the progress towards the plan targets, per district and for the province.

    The combat bases and training grounds count as of ``year``: a work's completion is
    the latest actual percentage of the construction roadmap for a year ≤ ``year``, else
    its attribute (:func:`planning.roadmap.works_as_of`). The period targets count in the
    project's plan periods (:func:`planning.roadmap.periods`).

    Parameters
    ----------
    project : Project
        The project.
    year : int, optional
        Year of the targets (default: the last year with records, else this year).

    Returns
    -------
    Result
        ``records`` (main): one row per district, :data:`geo.targets.DISTRICT_COLUMNS`;
        ``province``: one row per measure, :data:`geo.targets.PROVINCE_COLUMNS`; value
        ``year``; ``--json`` prints ``{"year", "province", "records"}``. ``extra``:
        ``districts``, ``training_grounds`` and ``combat_bases`` (``None`` when the project
        has none) for the map.
    """
    found = communes(project)
    units = districts(project)
    history = records(project)
    year = rec.default_target_year(history) if year is None else year
    plan, past = roadmap.periods(project), roadmap.history(project)
    layers = {"training_grounds": roadmap.works_as_of(project, "training_ground", year, past),
              "combat_bases": roadmap.works_as_of(project, "combat_base", year, past)}
    per_district = tg.district_progress(units, communes=found, records=history, year=year,
                                        periods=plan, **layers)
    province = tg.province_progress(communes=found, records=history, year=year,
                                    districts=units, periods=plan, **layers)
    period = rm.period_of(year, plan)
    return Result({"records": per_district.reset_index(drop=True), "province": province},
                  values={"year": year, "period": None if period is None else period["name"]},
                  settings={"targets": {k: dict(v) for k, v in settings.targets.items()},
                            "exercise_commune_types": list(settings.exercise_commune_types)},
                  warnings=project.take_notes(), json_keys=("year", "province", "records"),
                  extra={"districts": units, **layers})


DASHBOARD_COLUMNS: tuple[str, ...] = ("period", "year", *tg.PROVINCE_COLUMNS)
"""Columns of :func:`targets_by_year`'s main table."""


def targets_by_year(project: Project, *, period: str | None = None) -> Result:
    """Return the province's targets for every year of a plan period (or of every period).

    Each year is measured as :func:`targets` measures it: exercises of the year (and of
    its period so far), works as of the year through the roadmap.

    Parameters
    ----------
    project : Project
        The project.
    period : str, optional
        Name of a plan period (:func:`planning.roadmap.periods`); every period by default.

    Returns
    -------
    Result
        ``targets_by_year`` (main): :data:`DASHBOARD_COLUMNS`, one row per (year,
        measure); ``periods``: the periods shown; value ``period``.

    Raises
    ------
    PlanningError
        If ``period`` is not a plan period of the project.
    """
    plan = roadmap.periods(project)
    shown = plan if period is None else plan[plan["name"] == roadmap.find_period(
        plan, period)["name"]]
    found, units, history = communes(project), districts(project), records(project)
    past = roadmap.history(project)
    frames = []
    for name, first, last in shown[list(rm.PERIOD_COLUMNS)].itertuples(index=False):
        for year in range(int(first), int(last) + 1):
            layers = {"training_grounds": roadmap.works_as_of(project, "training_ground",
                                                              year, past),
                      "combat_bases": roadmap.works_as_of(project, "combat_base", year,
                                                          past)}
            rows = tg.province_progress(communes=found, records=history, year=year,
                                        districts=units, periods=plan, **layers)
            frames.append(rows.assign(period=name, year=year))
    table = (pd.concat(frames, ignore_index=True) if frames
             else pd.DataFrame(columns=list(DASHBOARD_COLUMNS)))
    return Result({"targets_by_year": table[list(DASHBOARD_COLUMNS)], "periods": shown},
                  values={"period": period},
                  settings={"targets": {k: dict(v) for k, v in settings.targets.items()}},
                  warnings=project.take_notes())


def _district_names(units: gpd.GeoDataFrame) -> dict[str, str]:
    return {code: name for code, name in zip(units["code"], units["name"], strict=True)
            if isinstance(code, str) and code}
