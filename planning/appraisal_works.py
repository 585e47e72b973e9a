"""What a proposed project is appraised against: the one rule for the appraisal's inputs.

:func:`appraisal_works` stacks, as "works" of :func:`geo.appraisal.appraise`:

* every defense work (:data:`layers.kinds.DEFENSE_WORK_KINDS`, military zones included; a
  military zone's own ``zone_width_m`` overrides its kind's width);
* the border: a border *line* with the border belt as its protection zone
  (:data:`geo.settings.border_belt_m`), a border *polygon* as the belt itself;
* dual-use infrastructure: ``infrastructure`` features whose ``dual_use`` is one of
  :data:`geo.settings.dual_use_values`, with their own zone
  (:data:`geo.settings.dual_use_zone_m`) and their attributes (class, bridge load class,
  runway length) carried to the result.

:func:`economic_zones` returns the defense–economic zones (khu kinh tế – quốc phòng), which
an opinion names but which restrict nothing.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings
from layers.kinds import DEFENSE_WORK_KINDS, normalize_name
from planning import inputs
from planning.project import Project

WORK_COLUMNS: tuple[str, ...] = ("name", "code", "zone_width_m", "belt", "class", "dual_use",
                                 "load_class", "runway_length_m")
"""Columns of :func:`appraisal_works` besides ``layer``, ``kind`` and the geometry."""

BORDER_KIND, INFRA_KIND, ECONOMIC_KIND = "border", "infrastructure", "defense_economic_zone"


def appraisal_works(project: Project) -> gpd.GeoDataFrame:
    """Return every feature a proposed project is appraised against, stacked.

    Returns
    -------
    GeoDataFrame
        Index ``"<layer>:<row>"``; columns ``layer``, ``kind`` and :data:`WORK_COLUMNS`
        (text, ``belt`` is ``"yes"`` for a border polygon), geometry in EPSG:4326. Works
        come first, then the border, then the dual-use infrastructure.
    """
    def build() -> gpd.GeoDataFrame:
        works = inputs.stacked(project, DEFENSE_WORK_KINDS, ("name", "code", "zone_width_m"))
        border = inputs.stacked(project, [BORDER_KIND], ("name", "code"))
        border = border.assign(belt=_yes_where(
            shapely.get_dimensions(border.geometry.to_numpy()) == 2, border.index))
        infra = inputs.stacked(project, [INFRA_KIND], ("name", "code", "class", "dual_use",
                                                       "load_class", "runway_length_m"))
        infra = infra[is_dual_use(infra["dual_use"])]
        parts = [p for p in (works, border, infra) if len(p)]
        if not parts:
            return works.reindex(columns=["layer", "kind", *WORK_COLUMNS, "geometry"])
        stacked = pd.concat([p.to_crs("EPSG:4326") for p in parts])
        out = gpd.GeoDataFrame(stacked, geometry="geometry", crs="EPSG:4326")
        return out.reindex(columns=["layer", "kind", *WORK_COLUMNS, "geometry"])

    return project.memo(("appraisal_works",), build)


def parse_widths(*, belt_m: float | None = None, dual_use_m: float | None = None
                 ) -> dict[str, float]:
    """Return the width overrides for the border belt and dual-use infrastructure.

    Keys ``"border"`` and ``"infrastructure"`` of the ``zones`` of
    :func:`planning.appraisal.appraise`, where given. The widths are checked by the
    appraisal (a negative one is refused there).
    """
    given = {BORDER_KIND: belt_m, INFRA_KIND: dual_use_m}
    return {k: float(v) for k, v in given.items() if v is not None}


def economic_zones(project: Project) -> gpd.GeoDataFrame:
    """Return the defense–economic zones (index ``"<layer>:<row>"``, ``name``, ``code``)."""
    return inputs.stacked(project, [ECONOMIC_KIND], ("name", "code", "unit"))


def is_dual_use(values: pd.Series) -> pd.Series:
    """Return whether each ``dual_use`` value marks a feature dual-use.

    Values are compared without case, accents or separators with
    :data:`geo.settings.dual_use_values` (``"Có"``, ``"yes"``, ``"lưỡng dụng"``…).
    """
    wanted = {normalize_name(v) for v in settings.dual_use_values}
    return values.map(lambda v: isinstance(v, str) and normalize_name(v) in wanted
                      ).astype(bool)


def _yes_where(mask: object, index: pd.Index) -> pd.Series:
    return pd.Series(["yes" if m else "" for m in mask], index=index, dtype="str")
