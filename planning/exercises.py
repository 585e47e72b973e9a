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
from geo import settings
from geo import targets as tg
from layers import records as rec
from planning import inputs
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


def rotation(project: Project, *, years: int | None = None, start: int | None = None
             ) -> Result:
    """Plan the commune combat-defense exercise rotation (:func:`geo.exercises.rotation_plan`).

    Parameters
    ----------
    project : Project
        The project.
    years : int, optional
        Years to plan (default: the rotation cycle, :func:`geo.exercises.cycle_years`).
    start : int, optional
        First year (default: this year, or the year after the last record).

    Returns
    -------
    Result
        ``exercise_plan`` (main; printed as a list by ``--json``): one row per (commune,
        year) planned, :data:`geo.exercises.PLAN_COLUMNS`; ``summary``: one row per year,
        :data:`geo.exercises.SUMMARY_COLUMNS`; values ``years`` and ``start``; ``extra``:
        ``communes`` and ``districts`` for the map.
    """
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


def targets(project: Project, *, year: int | None = None) -> Result:
    """Measure the progress towards the plan targets, per district and for the province.

    Parameters
    ----------
    project : Project
        The project.
    year : int, optional
        Year of the commune-exercise share (default: the last year with records, else
        this year).

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
    layers = {"training_grounds": inputs.layer_frame(project, "training_ground"),
              "combat_bases": inputs.layer_frame(project, "combat_base")}
    per_district = tg.district_progress(units, communes=found, records=history, year=year,
                                        **layers)
    province = tg.province_progress(communes=found, records=history, year=year,
                                    districts=units, **layers)
    return Result({"records": per_district.reset_index(drop=True), "province": province},
                  values={"year": year},
                  settings={"targets": {k: dict(v) for k, v in settings.targets.items()},
                            "exercise_commune_types": list(settings.exercise_commune_types)},
                  warnings=project.take_notes(), json_keys=("year", "province", "records"),
                  extra={"districts": units, **layers})


def _district_names(units: gpd.GeoDataFrame) -> dict[str, str]:
    return {code: name for code, name in zip(units["code"], units["name"], strict=True)
            if isinstance(code, str) and code}
