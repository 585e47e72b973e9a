"""Import: from a source file to layers in the project store.

The two steps every caller (the ``kvpt import`` command, the Layers page) takes:
:func:`plan_import` reads a file and proposes a kind, a name and an attribute
mapping per source layer; the user may change them; :func:`run_import` maps the
attributes and writes every planned layer to the store in one all-or-nothing step.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from layers.encoding import normalize_encoding
from layers.errors import LayerError
from layers.kinds import (
    KINDS,
    apply_mapping,
    base_geometry_types,
    check_geometry_types,
    get_kind,
    guess_mapping,
    normalize_name,
)
from layers.readers import SourceLayer, read_source
from layers.store import LayerRecord, NewLayer, ProjectStore
from layers.validate import ImportReport

# Words in a layer or file name that name a kind (folded by normalize_name).
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("combat_base", ("cancuchiendau", "combatbase", "cccd", "ccchiendau")),
    ("rear_base", ("cancuhauphuong", "rearbase", "hauphuong")),
    ("logistics_base", ("haucankythuat", "logistic", "hckt")),
    ("key_defense_area", ("phongthuthenchot", "keydefense", "thenchot")),
    ("air_defense", ("phongkhong", "airdefense", "trandiaphongkhong")),
    ("training_ground", ("thaotruong", "training")),
    ("high_point", ("diemcao", "hangdong", "highpoint", "cave")),
    ("enterprise", ("doanhnghiep", "enterprise", "dongviencongnghiep", "dvcn")),
    ("relocation_site", ("diadiemdichuyen", "relocation", "dichuyen")),
    ("proposed_project", ("duan", "proposed", "project", "proposal")),
    ("hazard_zone", ("ngaplut", "satlo", "hazard", "flood", "landslide", "thientai")),
    ("border", ("biengioi", "border")),
    ("river", ("song", "suoi", "river", "stream", "thuyvan")),
    ("infrastructure", ("giaothong", "duong", "road", "rail", "dien", "power", "vienthong",
                        "telecom", "thuyloi", "bridge", "cau")),
    ("place", ("dancu", "place", "town", "village")),
    ("admin_unit", ("hanhchinh", "commune", "district", "province", "tinh", "huyen", "xa",
                    "admin", "dvhc", "ranhgioi")),
)


@dataclass
class ImportPlan:
    """One source layer and how it will be stored.

    Attributes
    ----------
    source : SourceLayer
        What was read, with its detection report.
    kind : str
        Target kind key.
    name : str
        Layer name in the project.
    mapping : dict
        ``{kind attribute: source column or None}``.
    """

    source: SourceLayer
    kind: str
    name: str
    mapping: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: the registry record and the import report."""

    record: LayerRecord
    report: ImportReport
    source: SourceLayer

    def as_dict(self) -> dict:
        """Return the fields ``kvpt import --json`` prints."""
        rep = self.report
        return {
            "layer": self.record.name,
            "kind": self.record.kind,
            "features": self.record.feature_count,
            "source_file": self.record.source_file,
            "source_crs": self.record.source_crs,
            "crs_label": self.source.crs_label,
            "encoding": self.record.encoding,
            "encoding_source": self.source.encoding_source,
            "repaired": rep.repaired,
            "dropped_empty": rep.dropped_empty,
            "unknown_columns": list(rep.unknown_columns),
            "warnings": list(rep.warnings),
            "version": self.record.version,
        }


def guess_kind(source: SourceLayer) -> str | None:
    """Guess the kind of a source layer from its name and geometry types.

    Returns
    -------
    str or None
        A kind key whose geometry types fit the data, or ``None`` when nothing
        in the name points to one.
    """
    types = base_geometry_types(source.gdf.geometry)
    words = normalize_name(f"{source.name} {Path(source.source_path).stem}")
    for key, hints in _KIND_WORDS:
        if any(h in words for h in hints) and types <= KINDS[key].geometry_types:
            return key
    return None


def fitting_kinds(source: SourceLayer) -> list[str]:
    """Return the kinds whose geometry types can hold the source layer.

    Proposed projects come first (the usual polygon upload) and admin units last.
    """
    types = base_geometry_types(source.gdf.geometry)
    keys = [k.key for k in KINDS.values() if types <= k.geometry_types]
    return sorted(keys, key=lambda k: (k != "proposed_project", k == "admin_unit")) or list(KINDS)


def plan_import(
    path: str | Path,
    *,
    kind: str | None = None,
    name: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    require_kind: bool = True,
) -> list[ImportPlan]:
    """Read a source file and propose how to store each of its layers.

    Parameters
    ----------
    path : str or Path
        The file (shapefile .zip or .shp, .gpkg, .geojson, .kml, .kmz, .csv).
    kind : str, optional
        Kind for every layer; guessed from the layer name when omitted.
    name : str, optional
        Layer name in the project (only when the source has one layer, or with
        ``layer``); the source layer name when omitted.
    crs, encoding, layer : str, optional
        Passed to :func:`layers.readers.read_source`.
    require_kind : bool
        When the kind can't be guessed: raise (``True``) or propose the first
        kind whose geometry types fit, for the user to change (``False``).

    Raises
    ------
    LayerError
        If the file can't be read, the kind is unknown or can't be guessed, or
        ``name`` is given for a source with several layers.
    """
    if kind is not None:
        get_kind(kind)
    if encoding is not None:
        encoding = normalize_encoding(encoding)
    sources = read_source(path, crs=crs, encoding=encoding, layer=layer)
    if name and len(sources) > 1:
        names = ", ".join(s.name for s in sources)
        msg = (f"{Path(path).name} holds {len(sources)} layers ({names}); --name needs one: "
               "pick it with --layer.")
        raise LayerError(msg)
    plans = []
    for src in sources:
        key = kind or guess_kind(src) or (None if require_kind else fitting_kinds(src)[0])
        if key is None:
            msg = (f"Cannot tell the kind of layer {src.name!r} from its name. "
                   f"Name it with --kind (one of: {', '.join(KINDS)}).")
            raise LayerError(msg)
        columns = [c for c in src.gdf.columns if c != src.gdf.geometry.name]
        plans.append(ImportPlan(src, key, name or src.name, guess_mapping(columns, key)))
    return plans


def mapped_frame(plan: ImportPlan) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Return the source features with the plan's mapping applied, and the unmapped columns.

    Raises
    ------
    LayerError
        If the geometry types don't fit the kind or a required attribute is unmapped.
    """
    kind = get_kind(plan.kind)
    check_geometry_types(plan.source.gdf.geometry, kind)
    return apply_mapping(plan.source.gdf, kind, plan.mapping)


def run_import(store: ProjectStore, plans: Sequence[ImportPlan]) -> list[ImportResult]:
    """Store every planned layer, all or nothing.

    Parameters
    ----------
    store : ProjectStore
        The project.
    plans : sequence of ImportPlan
        From :func:`plan_import`, possibly edited by the user.

    Returns
    -------
    list of ImportResult
        One per plan, in order.

    Raises
    ------
    LayerError
        If any plan is invalid; nothing is written then.
    """
    new, reports = [], []
    for plan in plans:
        gdf, unknown = mapped_frame(plan)
        report = plan.source.report
        report.unknown_columns = unknown
        reports.append(report)
        src = plan.source
        new.append(NewLayer(gdf=gdf, name=plan.name, kind=plan.kind,
                            source_file=Path(src.source_path).name, checksum=src.checksum,
                            source_crs=src.source_crs, encoding=src.encoding))
    records = store.add_layers(new)
    return [ImportResult(r, rep, p.source) for r, rep, p in zip(records, reports, plans,
                                                                  strict=True)]
