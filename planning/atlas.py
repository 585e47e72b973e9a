"""The contents of an atlas: one page per district (or commune) with the assets inside it.

* **units**: the admin units of one level (:func:`planning.inputs.units_of_level`), in
  their layer's order; with ``where``, those inside a larger unit: its children by
  ``parent_code`` when the data has them, else the units whose representative point lies
  in it (a box given as ``minx,miny,maxx,maxy`` works the same way);
* **assets of a unit**: the features of the posture kinds (:func:`planning.inputs.posture_kinds`:
  defense works, high points, relocation sites, designated enterprises) whose
  representative point lies in the unit, the one access rule of
  :func:`planning.inputs.features`; each asset is in one unit of a level at most.

The pages are drawn by :mod:`maps.atlas`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely

from geo import settings as geo_settings
from planning import inputs, prints
from planning.brief_messages import BriefError, words
from planning.brief_tables import BriefTable, text_table
from planning.project import Project
from planning.results import feature_labels

ATLAS_LEVELS: tuple[str, ...] = ("district", "commune")
"""Levels an atlas can go by."""

ASSET_COLUMNS: tuple[str, ...] = ("code", "name", "kind")
"""Columns of a unit's asset table."""


@dataclass(frozen=True)
class AtlasUnit:
    """One unit of an atlas.

    Attributes
    ----------
    ident : str
        The unit's id ``"<layer>:<row>"``.
    name, code, level : str
        The unit's own name, code and level.
    area : shapely.Geometry
        Its outline (EPSG:4326).
    bounds : tuple of float
        ``(minx, miny, maxx, maxy)`` in degrees.
    assets : BriefTable
        Its assets (code, name, kind in the language), by kind then code.
    asset_ids : list of str
        The assets' ids ``"<layer>:<row>"``, in the table's order.
    """

    ident: str
    name: str
    code: str
    level: str
    area: shapely.Geometry
    bounds: tuple[float, float, float, float]
    assets: BriefTable
    asset_ids: list[str]


@dataclass(frozen=True)
class AtlasContents:
    """What an atlas shows.

    Attributes
    ----------
    title : str
        Cover title (``"Tập bản đồ khu vực phòng thủ – Tỉnh Lạng Sơn"``).
    subtitle : str
        What the pages go by (``"Theo huyện, thành phố"``, ``"Xã … của Huyện …"``).
    units : list of AtlasUnit
        One page (or more) each, in order.
    layers : list of str
        Project layers drawn on every page.
    by : str
        ``district`` or ``commune``.
    lang : str
        Language of the words and tables.
    issuing_unit, classification : str, optional
        From the project's print settings (the marking as overridden).
    grid : str
        Coordinate grid of the pages (the project's print setting).
    grid_crs : str, optional
        The VN-2000 grid of a ``vn2000`` grid (:func:`planning.prints.vn2000_grid`).
    """

    title: str
    subtitle: str
    units: list[AtlasUnit]
    layers: list[str]
    by: str
    lang: str
    issuing_unit: str | None
    classification: str | None
    grid: str = "degrees"
    grid_crs: str | None = None


def atlas_contents(project: Project, *, by: str = "district", where: str | None = None,
                   layers: Sequence[str] | None = None, lang: str = "vi",
                   classification: str | None = None) -> AtlasContents:
    """Return the contents of an atlas of ``project``.

    Parameters
    ----------
    project : Project
        The project.
    by : {"district", "commune"}
        One page per unit of this level.
    where : str, optional
        Only the units inside this one (a name, an id or a box, as
        :func:`planning.prints.find_extent` reads it).
    layers : sequence of str, optional
        Layers drawn (default: every layer).
    lang : {"vi", "en"}
        Language of the words and tables.
    classification : str, optional
        Marking instead of the project's (``""``: none).

    Raises
    ------
    PlanningError
        If ``by`` is not a level, the project has no unit of that level, ``where`` is
        unknown or holds none, or a layer is unknown.
    """
    if by not in ATLAS_LEVELS:
        msg = f"Unknown atlas level {by!r}: use one of {', '.join(ATLAS_LEVELS)}."
        raise ValueError(msg)
    settings = prints.print_inputs(project, layers=layers, classification=classification)
    units, label = atlas_units(project, by, where)
    found = unit_assets(project, units)
    pages = [_unit(ident, row, found[found["unit"] == ident], lang)
             for ident, row in units.iterrows()]
    subtitle = words(f"atlas_by_{by}", lang) if label is None else words(
        f"atlas_within_{by}", lang, where=label)
    province = province_name(project)
    title = words("atlas_title", lang) + (f" – {province}" if province else "")
    return AtlasContents(title, subtitle, pages, settings.layers, by, lang,
                         settings.issuing_unit, settings.classification, settings.grid,
                         settings.grid_crs)


def atlas_units(project: Project, by: str, where: str | None = None
                ) -> tuple[gpd.GeoDataFrame, str | None]:
    """Return the units of level ``by`` (inside ``where``) and the label of ``where``.

    Raises
    ------
    PlanningError
        If there is no unit of level ``by``, ``where`` is unknown or holds none.
    """
    units = inputs.units_of_level(project, by)
    units = units[~units.geometry.isna() & ~units.geometry.is_empty]
    if not len(units):
        raise BriefError("atlas_no_units", level=by, names=", ".join(
            map(repr, project.names(["admin_unit"]))) or "-")
    if where is None or not where.strip():
        return units, None
    extent = prints.find_extent(project, where)
    if extent.unit is not None and extent.unit in units.index:
        return units.loc[[extent.unit]], extent.label
    inside = _inside(project, units, extent)
    if not len(inside):
        raise BriefError("atlas_where_empty", where=extent.label, level=by)
    return inside, extent.label


def unit_assets(project: Project, units: gpd.GeoDataFrame,
                kinds: Sequence[str] | None = None) -> pd.DataFrame:
    """Return the assets whose representative point lies in each unit.

    Parameters
    ----------
    project : Project
        The project.
    units : GeoDataFrame
        Admin units (EPSG:4326), indexed by id.
    kinds : sequence of str, optional
        Kinds of asset (default :func:`planning.inputs.posture_kinds`).

    Returns
    -------
    DataFrame
        Index the asset's id ``"<layer>:<row>"``; columns ``unit`` (id), ``layer``,
        ``kind``, ``code``, ``name``. An asset in no unit is left out; one on a shared
        edge goes to the first unit.
    """
    points = inputs.features(project, kinds=inputs.posture_kinds() if kinds is None
                             else kinds, columns=("code",))
    empty = pd.DataFrame(columns=["unit", "layer", "kind", "code", "name"], dtype=object)
    if not len(points) or not len(units):
        return empty
    areas = units[[units.geometry.name]].to_crs(points.crs)
    joined = gpd.sjoin(points, areas, how="inner", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    kinds_of = {name: project.kind_of(name) for name in joined["layer"].unique()}
    return pd.DataFrame({"unit": joined["index_right"].astype(str),
                         "layer": joined["layer"], "kind": joined["layer"].map(kinds_of),
                         "code": feature_labels(joined, "code"),
                         "name": feature_labels(joined, "name")}, index=joined.index)


def _unit(ident: str, row: pd.Series, assets: pd.DataFrame, lang: str) -> AtlasUnit:
    order = {kind: i for i, kind in enumerate(inputs.posture_kinds())}
    assets = assets.assign(_rank=assets["kind"].map(order).fillna(len(order))) \
        .sort_values(["_rank", "code", "name"], kind="stable")
    name = str(row["name"]) if isinstance(row["name"], str) else ident
    caption = words("atlas_assets", lang, unit=name, count=len(assets))
    table = text_table(assets, ASSET_COLUMNS, lang, caption=caption)
    geom = row.geometry
    bounds = tuple(float(v) for v in shapely.bounds(geom))
    code = "" if pd.isna(row.get("code")) else str(row.get("code"))
    return AtlasUnit(ident, name, code, str(row["level"]), geom, bounds,  # type: ignore[arg-type]
                     table, [str(i) for i in assets.index])


def _inside(project: Project, units: gpd.GeoDataFrame, extent: prints.Extent
            ) -> gpd.GeoDataFrame:
    """Units that are children of the extent's unit by code, else lie in its area."""
    if extent.unit is not None:
        parent = inputs.admin_units(project).loc[extent.unit, "code"]
        children = units[units["parent_code"].astype(str) == str(parent)] \
            if isinstance(parent, str) and parent.strip() else units.iloc[:0]
        if len(children):
            return children
    area = extent.area if extent.area is not None else shapely.box(*extent.bounds)
    metric = geo_settings.metric_crs or "EPSG:3405"
    points = units.geometry.to_crs(metric).representative_point()
    shape = gpd.GeoSeries([area], crs=4326).to_crs(metric).iloc[0]
    return units[points.within(shape).to_numpy()]


def province_name(project: Project) -> str | None:
    """Return the name of the project's one province, or ``None``."""
    top = inputs.province(project)
    if top is None or len(top) != 1 or top["level"].iloc[0] != "province":
        return None
    name = top["name"].iloc[0]
    return name if isinstance(name, str) and name.strip() else None
