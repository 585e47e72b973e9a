"""Appraisal (thẩm định) of a layer of proposed projects against the project's defense works.

:func:`defense_works` is the one rule for the works an appraisal looks at; :func:`appraise`
runs :func:`geo.appraisal.appraise` on them and names every proposal and work by its id
(``"<layer>:<row>"``), ``code`` and ``name``, so a planner can file the verdicts under the
codes of the dossier (``DA-01`` against ``CT-03``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd

from geo import appraisal as geo_appraisal
from geo import settings
from layers.kinds import DEFENSE_WORK_KINDS
from planning import inputs
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result, add_labels, feature_labels

PROPOSAL_KIND = "proposed_project"

PAIR_COLUMNS: tuple[str, ...] = (
    "index", "proposal", "proposal_id", "proposal_code", "proposal_name", "work",
    "work_code", "work_name", "work_kind", "distance_m", "overlap_m2", "zone_overlap_m2",
    "zone_width_m", "verdict",
)
"""Columns of the ``pairs`` table."""

PROJECT_COLUMNS: tuple[str, ...] = (
    "index", "proposal_id", "proposal_code", "proposal_name", "verdict", "n_conflict",
    "n_zone", "n_near", "nearest_work", "nearest_work_code", "nearest_work_name",
    "nearest_distance_m", "total_overlap_m2", "total_zone_overlap_m2",
)
"""Columns of the ``projects`` table."""


def defense_works(project: Project, kinds: Iterable[str] | None = None) -> gpd.GeoDataFrame:
    """Return the defense works of the project, stacked.

    Parameters
    ----------
    project : Project
        The project.
    kinds : iterable of str, optional
        Kinds of work; every defense-work kind (:data:`layers.kinds.DEFENSE_WORK_KINDS`)
        by default.

    Returns
    -------
    GeoDataFrame
        Index ``"<layer>:<row>"``; columns ``layer``, ``kind``, ``name``, ``code`` (text,
        missing where a layer has none) and the geometry, in EPSG:4326.
    """
    return inputs.stacked(project, DEFENSE_WORK_KINDS if kinds is None else kinds,
                          ("name", "code"))


def proposals_layer(project: Project, name: str) -> gpd.GeoDataFrame:
    """Return the proposed projects of layer ``name`` (rows in order, ``RangeIndex``).

    Raises
    ------
    PlanningError
        If there is no such layer, or it is not of kind ``proposed_project``.
    """
    kind = project.kind_of(name)
    if kind is None:
        raise PlanningError("unknown_layer", name=name, names=", ".join(
            map(repr, project.names())) or "-")
    if kind != PROPOSAL_KIND:
        raise PlanningError("not_proposals", name=name, kind=kind, names=", ".join(
            map(repr, project.names([PROPOSAL_KIND]))) or "-")
    return project.read(name)


def appraise(project: Project, proposals: str, *, zones: Mapping[str, float] | None = None,
             search_m: float | None = None, near_m: float | None = None) -> Result:
    """Appraise the proposed projects of layer ``proposals`` against every defense work.

    Parameters
    ----------
    project : Project
        The project.
    proposals : str
        Name of a layer of kind ``proposed_project``.
    zones : mapping, optional
        Protection-zone widths (metres) by work kind, over
        :data:`geo.settings.protection_zone_m`.
    search_m, near_m : float, optional
        Search and "near" distances in metres (default: the settings).

    Returns
    -------
    Result
        ``pairs`` (main): one row per (proposal, work) within the search distance, columns
        :data:`PAIR_COLUMNS`: ``index`` the pair's row number, ``proposal`` the proposal's
        row in its layer, ``proposal_id`` (``"<layer>:<row>"``), ``proposal_code``,
        ``proposal_name``, ``work`` (``"<layer>:<row>"``), ``work_code``, ``work_name``,
        ``work_kind`` and the measures and verdict of :func:`geo.appraisal.appraise`;
        ``projects``: one row per proposal, columns :data:`PROJECT_COLUMNS` (``index`` the
        proposal's row, the table's index too). Codes and names are ``""`` where a layer
        has none. ``extra``: ``proposals`` (the layer) and ``works`` for the map.

    Raises
    ------
    PlanningError
        If ``proposals`` is not a layer of proposed projects.
    AnalysisInputError
        If a width or distance is not usable.
    """
    props = proposals_layer(project, proposals)
    works = defense_works(project)
    zones = dict(zones or {})
    pairs = geo_appraisal.appraise(props, works, zones=zones, search_distance=search_m,
                                   near_distance=near_m)
    summary = geo_appraisal.appraisal_summary(props, pairs)
    ids = pd.Series([f"{proposals}:{i}" for i in range(len(props))], index=props.index)
    labels = pd.DataFrame({"code": feature_labels(props, "code").to_numpy(),
                           "name": feature_labels(props, "name").to_numpy()},
                          index=ids.to_numpy())
    pair_table = _pairs_table(pairs, ids, labels, works)
    project_table = _projects_table(summary, ids, labels, works)
    used = {**settings.protection_zone_m, **zones}
    return Result(
        {"pairs": pair_table, "projects": project_table},
        values={"proposals": proposals},
        settings={"proposals": proposals, "protection_zone_m": used,
                  "search_distance_m": (settings.search_distance_m if search_m is None
                                        else search_m),
                  "near_distance_m": settings.near_distance_m if near_m is None else near_m},
        warnings=project.take_notes(), json_keys=("projects", "pairs"),
        extra={"proposals": props, "works": works, "zones": zones})


def _pairs_table(pairs: pd.DataFrame, ids: pd.Series, labels: pd.DataFrame,
                 works: gpd.GeoDataFrame) -> pd.DataFrame:
    out = pairs.reset_index(drop=True)
    out.insert(out.columns.get_loc("proposal") + 1, "proposal_id",
               pd.Series(out["proposal"].map(ids), dtype="str"))
    out = add_labels(out, "proposal_id", labels, prefix="proposal_")
    out = add_labels(out, "work", works, names=False)
    out.insert(0, "index", pd.RangeIndex(len(out)))
    return out[list(PAIR_COLUMNS)]


def _projects_table(summary: pd.DataFrame, ids: pd.Series, labels: pd.DataFrame,
                    works: gpd.GeoDataFrame) -> pd.DataFrame:
    out = summary.copy()
    out.insert(0, "proposal_id", ids.astype("str"))
    out = add_labels(out, "proposal_id", labels, prefix="proposal_")
    out = add_labels(out, "nearest_work", works, names=False)
    out.insert(0, "index", out.index.to_numpy())
    return out[list(PROJECT_COLUMNS)]
