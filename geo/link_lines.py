"""Lines drawing each facility–base link (the shortest line between the two shapes).

:func:`link_lines` turns the linked rows of :func:`geo.links.facility_links` into lines from
the facility to its base. Each line is the shortest line between the two shapes, computed
in the metric CRS (:data:`geo.settings.metric_crs`), so its length there is the link's
``distance_m``; a facility touching or inside its base gets a zero-length line.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from geo.links import checked_metric


def link_lines(
    links: pd.DataFrame,
    facilities: gpd.GeoDataFrame,
    bases: gpd.GeoDataFrame,
    *,
    crs: object = None,
) -> gpd.GeoSeries:
    """Return the line of every linked row of ``links``, from the facility to its base.

    Parameters
    ----------
    links : DataFrame
        Rows with ``facility``, ``base`` (row labels of the frames) and ``status``, as
        :func:`geo.links.facility_links` returns them.
    facilities, bases : GeoDataFrame
        The frames the labels point into (any geometry, any CRS).
    crs : optional
        Metric CRS of the lines; :data:`geo.settings.metric_crs` by default.

    Returns
    -------
    GeoSeries
        Index-aligned with the rows of ``links`` whose ``status`` is ``"linked"`` (the
        others are left out), in that metric CRS: the shortest line between the facility
        and the base (its length is the distance between them).

    Raises
    ------
    AnalysisInputError
        If a frame is not a GeoDataFrame with a CRS, unique labels and geometries.
    """
    metric = checked_metric(facilities, bases, crs)
    linked = links[links["status"] == "linked"]
    if metric is None or not len(linked):
        return gpd.GeoSeries([], index=linked.index[:0], crs=metric)
    start = facilities.geometry.to_crs(metric).loc[linked["facility"]].to_numpy()
    end = bases.geometry.to_crs(metric).loc[linked["base"]].to_numpy()
    return gpd.GeoSeries(shapely.shortest_line(start, end), index=linked.index, crs=metric)
