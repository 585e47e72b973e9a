"""Economic facilities linked to bases: the project's links, for ``kvpt links``.

Facilities are the features of the kinds :data:`geo.settings.link_facility_kinds`
(defense–economic zones, designated enterprises); each names its base by code in
``base_code``. Bases are the features of :data:`geo.settings.link_base_kinds`. The links
are resolved and measured by :func:`geo.links.facility_links`.
"""

from __future__ import annotations

import pandas as pd

from geo import links as geo_links
from geo import settings
from planning import inputs
from planning.errors import PlanningError
from planning.project import Project
from planning.results import Result, add_labels, feature_labels

LINK_TABLE_COLUMNS: tuple[str, ...] = (
    "facility", "facility_kind", "facility_code", "facility_name", "base_code", "base",
    "base_name", "distance_m", "status")
"""Columns of the ``links`` table of :func:`facility_links`."""

BASE_TABLE_COLUMNS: tuple[str, ...] = (
    "base", "kind", "code", "name", "n_facilities", "facilities", "max_distance_m")
"""Columns of the ``bases`` table of :func:`facility_links`."""


def facility_links(project: Project) -> Result:
    """Link every economic facility to the base its ``base_code`` names, and measure it.

    Returns
    -------
    Result
        ``links`` (main): one row per (facility, code named), columns
        :data:`LINK_TABLE_COLUMNS`: ids ``"<layer>:<row>"``, ``base_code`` as written,
        ``distance_m`` (shortest distance between the shapes, metric CRS; empty unless
        linked) and ``status`` (``linked``, ``unknown_base``, ``ambiguous_base``,
        ``not_linked``); ``bases``: one row per base, :data:`BASE_TABLE_COLUMNS`
        (``facilities``: ids joined by ``"; "``). Values ``n_facilities``, ``n_linked``,
        ``n_unknown``, ``n_not_linked``. A code naming no base (or several) is warned about.

    Raises
    ------
    PlanningError
        If the project has no facility (no layer of those kinds).
    """
    facilities = inputs.stacked(project, settings.link_facility_kinds,
                                ("name", "code", "base_code"))
    if not len(facilities):
        raise PlanningError("no_layer_of_kind", kind=" / ".join(settings.link_facility_kinds))
    bases = inputs.stacked(project, settings.link_base_kinds, ("name", "code"))
    links = geo_links.facility_links(facilities, bases)
    links.insert(1, "facility_kind", links["facility"].map(facilities["kind"]).astype("str"))
    table = add_labels(links, "facility", facilities)
    table.insert(table.columns.get_loc("base") + 1, "base_name",
                 table["base"].map(feature_labels(bases, "name")).fillna("").astype("str"))
    table = table[list(LINK_TABLE_COLUMNS)]
    _note_unknown(project, table)
    summary = geo_links.base_summary(links, bases)
    base_table = pd.concat([pd.DataFrame({
        "base": bases.index.astype(str), "kind": bases["kind"].astype(str).to_numpy(),
        "code": feature_labels(bases, "code").to_numpy(),
        "name": feature_labels(bases, "name").to_numpy()}, index=bases.index), summary],
        axis=1).reset_index(drop=True)[list(BASE_TABLE_COLUMNS)]
    status = table["status"]
    return Result({"links": table.reset_index(drop=True), "bases": base_table},
                  values={"n_facilities": len(facilities),
                          "n_linked": int((status == "linked").sum()),
                          "n_unknown": int(status.isin(["unknown_base", "ambiguous_base"])
                                           .sum()),
                          "n_not_linked": int((status == "not_linked").sum())},
                  settings={"link_facility_kinds": list(settings.link_facility_kinds),
                            "link_base_kinds": list(settings.link_base_kinds),
                            "metric_crs": settings.metric_crs},
                  warnings=project.take_notes(), json_keys=("links", "bases"))


def _note_unknown(project: Project, table: pd.DataFrame) -> None:
    """Warn about the codes that name no base, or several."""
    for status, key in (("unknown_base", "links_unknown_base"),
                        ("ambiguous_base", "links_ambiguous_base")):
        bad = table[table["status"] == status]
        if len(bad):
            shown = [f"{f} → {c!r}" for f, c in zip(bad["facility"], bad["base_code"],
                                                   strict=True)][:5]
            project.note(key, count=len(bad), links=", ".join(shown))
