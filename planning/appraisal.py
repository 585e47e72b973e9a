"""Appraisal (thẩm định) of a layer of proposed projects against the project's defense works.

:func:`planning.appraisal_works.appraisal_works` is the one rule for what an appraisal
looks at (defense works and military zones, the border belt, dual-use infrastructure;
:func:`defense_works` gives the defense works alone); :func:`appraise` runs
:func:`geo.appraisal.appraise` on them and names every proposal and work by its id
(``"<layer>:<row>"``), ``code`` and ``name``, so a planner can file the verdicts under the
codes of the dossier (``DA-01`` against ``CT-03``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping

import geopandas as gpd
import pandas as pd

from geo import appraisal as geo_appraisal
from geo import appraisal_zones, settings
from layers.kinds import DEFENSE_WORK_KINDS
from planning import inputs
from planning.appraisal_works import appraisal_works, economic_zones
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result, add_labels, feature_labels

PROPOSAL_KIND = "proposed_project"
BORDER, INFRA = "border", "infrastructure"
CLUSTER_TIMEOUT = "10s"
"""How long ``engine="dask"`` tries to reach the scheduler at ``cluster``."""

PAIR_COLUMNS: tuple[str, ...] = (
    "index", "proposal", "proposal_id", "proposal_code", "proposal_name", "work",
    "work_code", "work_name", "work_kind", "distance_m", "overlap_m2", "zone_overlap_m2",
    "zone_width_m", "verdict", "work_class", "load_class", "runway_length_m",
)
"""Columns of the ``pairs`` table."""

ZONE_COLUMNS: tuple[str, ...] = (
    "index", "proposal", "proposal_id", "proposal_code", "proposal_name", "zone",
    "zone_code", "zone_name", "distance_m", "overlap_m2", "share_pct",
)
"""Columns of the ``zones`` table (defense–economic zones near each proposal)."""

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
             search_m: float | None = None, near_m: float | None = None,
             engine: str = "memory", partitions: int | None = None,
             cluster: str | None = None) -> Result:
    """Appraise the proposed projects of layer ``proposals`` against every defense work.

    Parameters
    ----------
    project : Project
        The project.
    proposals : str
        Name of a layer of kind ``proposed_project``.
    zones : mapping, optional
        Protection-zone widths (metres) by work kind, over
        :data:`geo.settings.protection_zone_m`; ``"border"`` sets the border belt
        (:data:`geo.settings.border_belt_m`), ``"infrastructure"`` the zone of dual-use
        infrastructure (:data:`geo.settings.dual_use_zone_m`).
    search_m, near_m : float, optional
        Search and "near" distances in metres (default: the settings).
    engine : {"memory", "postgis", "dask"}
        Who finds and measures the pairs: :func:`geo.appraisal.appraise` in memory, the
        project's PostGIS database (:func:`layers.pg_appraisal.appraise`; same table), or
        dask-geopandas partitions (:func:`geo.partitioned.appraise`; same table).
    partitions : int, optional
        Partitions of the proposals with ``engine="dask"``
        (:data:`geo.settings.dask_partitions`, else 2, by default).
    cluster : str, optional
        With ``engine="dask"``: address of a running ``dask.distributed`` scheduler
        (``"tcp://host:8786"``) to run the partitions on; dask's threads by default.

    Returns
    -------
    Result
        ``pairs`` (main): one row per (proposal, work) within the search distance, columns
        :data:`PAIR_COLUMNS`: ``index`` the pair's row number, ``proposal`` the proposal's
        row in its layer, ``proposal_id`` (``"<layer>:<row>"``), ``proposal_code``,
        ``proposal_name``, ``work`` (``"<layer>:<row>"``), ``work_code``, ``work_name``,
        ``work_kind`` and the measures and verdict of :func:`geo.appraisal.appraise`,
        then ``work_class``, ``load_class`` and ``runway_length_m`` of dual-use
        infrastructure (``""`` otherwise). The works are those of
        :func:`planning.appraisal_works.appraisal_works` (defense works, military zones,
        the border belt, dual-use infrastructure);
        ``projects``: one row per proposal, columns :data:`PROJECT_COLUMNS` (``index`` the
        proposal's row, the table's index too). Codes and names are ``""`` where a layer
        has none. ``zones``: the defense–economic zones within the search distance of each
        proposal, columns :data:`ZONE_COLUMNS`. ``extra``: ``proposals`` (the layer) and
        ``works`` for the map.

    Raises
    ------
    PlanningError
        If ``proposals`` is not a layer of proposed projects.
    AnalysisInputError
        If a width or distance is not usable.
    """
    props = proposals_layer(project, proposals)
    works = appraisal_works(project)
    zones = dict(zones or {})
    widths = {BORDER: settings.border_belt_m, INFRA: settings.dual_use_zone_m, **zones}
    pairs = _pairs_by(engine, project, partitions, cluster)(
        props, works, zones=widths, search_distance=search_m, near_distance=near_m)
    summary = geo_appraisal.appraisal_summary(props, pairs)
    ids = pd.Series([f"{proposals}:{i}" for i in range(len(props))], index=props.index)
    labels = pd.DataFrame({"code": feature_labels(props, "code").to_numpy(),
                           "name": feature_labels(props, "name").to_numpy()},
                          index=ids.to_numpy())
    pair_table = _pairs_table(pairs, ids, labels, works)
    project_table = _projects_table(summary, ids, labels, works)
    economic = economic_zones(project)
    zone_table = _zones_table(props, economic, ids, labels, search_m)
    used = {**settings.protection_zone_m, **widths}
    return Result(
        {"pairs": pair_table, "projects": project_table, "zones": zone_table},
        values={"proposals": proposals},
        settings={"proposals": proposals, "protection_zone_m": used,
                  "search_distance_m": (settings.search_distance_m if search_m is None
                                        else search_m),
                  "near_distance_m": settings.near_distance_m if near_m is None else near_m},
        warnings=project.take_notes(), json_keys=("projects", "pairs", "zones"),
        extra={"proposals": props, "works": works, "zones": widths, "economic": economic})


def on_postgis(project: Project) -> bool:
    """Whether the project is kept in PostGIS, so ``engine="postgis"`` can measure in SQL."""
    return _pg_target(project) is not None


def _pg_target(project: Project) -> object:
    return getattr(getattr(project.reader, "store", project.reader), "target", None)


def _pairs_by(engine: str, project: Project, partitions: int | None = None,
              cluster: str | None = None) -> Callable[..., pd.DataFrame]:
    """Return the pair finder of ``engine`` (the PostGIS one needs a PostGIS project)."""
    if engine == "memory":
        return geo_appraisal.appraise
    if engine == "dask":
        return functools.partial(_on_dask, npartitions=partitions, cluster=cluster)
    target = _pg_target(project)
    if engine != "postgis" or target is None:
        raise PlanningError("engine_needs_postgis", engine=engine)
    from layers import pg_appraisal

    return functools.partial(pg_appraisal.appraise, target)


def _on_dask(*args: object, cluster: str | None, **kwargs: object) -> pd.DataFrame:
    """Run :func:`geo.partitioned.appraise`, on the scheduler at ``cluster`` if given."""
    from geo import partitioned

    if cluster is None:
        return partitioned.appraise(*args, **kwargs)
    try:
        from dask.distributed import Client
    except ImportError as err:
        raise PlanningError("dask_cluster_missing",
                            module=err.name or "distributed") from None
    try:
        client = Client(cluster, timeout=CLUSTER_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise PlanningError("dask_unreachable", address=cluster,
                            reason=type(err).__name__) from None
    with client:
        return partitioned.appraise(*args, scheduler=client, **kwargs)


def _pairs_table(pairs: pd.DataFrame, ids: pd.Series, labels: pd.DataFrame,
                 works: gpd.GeoDataFrame) -> pd.DataFrame:
    out = pairs.reset_index(drop=True)
    out.insert(out.columns.get_loc("proposal") + 1, "proposal_id",
               pd.Series(out["proposal"].map(ids), dtype="str"))
    out = add_labels(out, "proposal_id", labels, prefix="proposal_")
    out = add_labels(out, "work", works, names=False)
    out.insert(0, "index", pd.RangeIndex(len(out)))
    for column, source in (("work_class", "class"), ("load_class", "load_class"),
                           ("runway_length_m", "runway_length_m")):
        values = feature_labels(works, source) if source in works.columns else pd.Series(
            "", index=works.index, dtype="str")
        out[column] = out["work"].map(values).fillna("").astype("str")
    out.loc[out["work_kind"] != INFRA, "work_class"] = ""
    return out[list(PAIR_COLUMNS)]


def _zones_table(props: gpd.GeoDataFrame, economic: gpd.GeoDataFrame, ids: pd.Series,
                 labels: pd.DataFrame, search_m: float | None) -> pd.DataFrame:
    """Return the defense–economic zones within the search distance of each proposal."""
    near = appraisal_zones.zone_overlaps(props, economic, search_distance=search_m)
    out = near.drop(columns="zone_name")
    out.insert(1, "proposal_id", pd.Series(out["proposal"].map(ids), dtype="str"))
    out = add_labels(out, "proposal_id", labels, prefix="proposal_")
    out = add_labels(out, "zone", economic)
    out.insert(0, "index", pd.RangeIndex(len(out)))
    return out[list(ZONE_COLUMNS)]


def _projects_table(summary: pd.DataFrame, ids: pd.Series, labels: pd.DataFrame,
                    works: gpd.GeoDataFrame) -> pd.DataFrame:
    out = summary.copy()
    out.insert(0, "proposal_id", ids.astype("str"))
    out = add_labels(out, "proposal_id", labels, prefix="proposal_")
    out = add_labels(out, "nearest_work", works, names=False)
    out.insert(0, "index", out.index.to_numpy())
    return out[list(PROJECT_COLUMNS)]
