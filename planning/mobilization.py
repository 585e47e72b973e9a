"""Industrial mobilization capacity per district and per direction, for ``kvpt mobilization``.

Inputs by rule (:mod:`planning.inputs`): the enterprises (a layer named, else every layer
of kind ``enterprise``, rows labelled by their ``code`` when it is unique), the districts
(admin units of level ``district``) and the province (the admin units of the highest level
present), whose centroid in the metric CRS is the centre of the directions
(:data:`geo.settings.mobilization_directions`). The analysis is
:func:`geo.mobilization.enterprise_table` and :func:`geo.mobilization.capacity_totals`.
"""

from __future__ import annotations

import geopandas as gpd

from geo import mobilization, relocation, settings
from planning import inputs
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result, in_storage_crs


def report(project: Project, *, enterprises: str | None = None) -> Result:
    """Tabulate every designated enterprise and total the capacity by district and direction.

    Parameters
    ----------
    project : Project
        The project.
    enterprises : str, optional
        A layer of kind ``enterprise`` (default: every such layer).

    Returns
    -------
    Result
        ``enterprises`` (main; :data:`geo.mobilization.ENTERPRISE_COLUMNS`, points in
        EPSG:4326), ``districts`` (``district``, ``district_name``, then
        :data:`geo.mobilization.TOTAL_COLUMNS`) and ``directions`` (``direction``, then
        the same); values ``n_enterprises``, ``n_must_relocate`` and ``readiness`` (count
        per level); settings ``directions`` and ``metric_crs``.

    Raises
    ------
    PlanningError
        If there is no enterprise layer (or the one named is not of that kind).
    AnalysisInputError
        If an attribute cannot be read (readiness, yes/no flags, capacity).
    """
    frame = inputs.layer_frame(project, "enterprise", enterprises)
    if frame is None:
        raise PlanningError("no_layer_of_kind", kind="enterprise")
    frame = relocation.index_by(frame)
    districts = inputs.districts(project)
    province = inputs.province(project)
    if province is None or not len(province):
        project.note("mobilization_no_province")
    if not len(districts):
        project.note("mobilization_no_districts")
    table = mobilization.enterprise_table(frame, districts, province)
    by_district = mobilization.capacity_totals(table, "district")
    by_direction = mobilization.capacity_totals(table, "direction")
    main = in_storage_crs(gpd.GeoDataFrame(table, geometry=frame.geometry.to_numpy(),
                                           crs=frame.crs))
    counts = table["readiness"].value_counts()
    levels = (*mobilization.READINESS, mobilization.UNKNOWN)
    return Result(
        {"enterprises": main, "districts": by_district, "directions": by_direction},
        values={"n_enterprises": len(table),
                "n_must_relocate": int(table["must_relocate"].sum()),
                "readiness": {lv: int(counts.get(lv, 0)) for lv in levels}},
        settings={"directions": {k: list(v) for k, v in
                                 settings.mobilization_directions.items()},
                  "metric_crs": settings.metric_crs},
        warnings=project.take_notes(),
        json_keys=("enterprises", "districts", "directions", "readiness"),
        extra={"table": table})
