"""Import: from a source file to layers in the project store.

The two steps every caller (the ``kvpt import`` command, the Layers page) takes:
:func:`plan_import` reads a file and proposes a kind, a name and an attribute
mapping per source layer; the user may change them; :func:`run_import` maps the
attributes and writes every planned layer to the store in one all-or-nothing step.

Admin units get a level per unit (``level``: province, district, commune or village, the
words of :data:`geo.completeness.LEVELS`), so the analyses can tell communes from districts:
given for the whole layer (``level=``), or read from a level column (cấp, level, loại…)
or from the name (Xã, Phường, Thị trấn → commune; Huyện, Quận, Thị xã → district;
Tỉnh → province; Thôn, Bản, Làng, Xóm, Ấp, Tổ dân phố, Khu phố → village; Thành phố →
the layer's majority, district when nothing else tells).
See :func:`infer_levels`.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import settings
from geo.completeness import LEVELS
from layers.encoding import LABELS as ENCODING_LABELS
from layers.encoding import normalize_encoding
from layers.errors import LayerError, UnchangedSourceError
from layers.kinds import (
    KINDS,
    apply_mapping,
    base_geometry_types,
    check_geometry_types,
    get_kind,
    guess_mapping,
    normalize_name,
)
from layers.messages import Note, level_note, text
from layers.messages_input import plain
from layers.prepare import type_sample
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
                    "admin", "dvhc", "ranhgioi", "thonban", "thonxom", "todanpho")),
)

_CITY = "city"  # "Thành phố": a province-level or a district-level city, by the layer
# Name prefixes (folded: no accents, lower case, one space) and the level they name.
_NAME_PREFIXES: tuple[tuple[str, str], ...] = (
    ("thi tran", "commune"), ("thi xa", "district"), ("thanh pho", _CITY),
    ("dac khu", "commune"), ("phuong", "commune"), ("xa", "commune"),
    ("huyen", "district"), ("quan", "district"), ("tinh", "province"),
    ("tp", _CITY), ("tt", "commune"), ("tx", "district"),
)
# Village prefixes, matched with their accents (NFC, lower case): folded, "Làng" would be
# "Lạng" (Lạng Sơn) and "Bản" "Bàn"; names written without any accent match the plain
# words of _VILLAGE_PLAIN ("lang" is left out: "Lang Son" is the province), abbreviations
# (_VILLAGE_SHORT) match folded.
_VILLAGE_PREFIXES: tuple[str, ...] = ("tổ dân phố", "khu phố", "thôn", "bản", "làng", "xóm",
                                      "ấp")
_VILLAGE_PLAIN: tuple[str, ...] = ("to dan pho", "khu pho", "thon", "ban", "xom", "ap")
_VILLAGE_SHORT: tuple[str, ...] = ("tdp", "kp")
# Source column names (normalize_name) that may hold the level of a unit.
_LEVEL_COLUMNS = frozenset({
    "level", "cap", "capdv", "capdonvi", "caphanhchinh", "capdvhc", "capql", "capquanly",
    "loai", "loaidv", "loaidonvi", "loaidvhc", "loaihinh", "type", "tier", "levelvn",
    "adminlevel",
})
_MAX_EXAMPLES = 3


@dataclass(frozen=True)
class LevelInference:
    """The level of every admin unit of a layer, and how it was found.

    Attributes
    ----------
    levels : tuple
        Per row (source order): ``"province"``, ``"district"``, ``"commune"`` or ``None``.
    how : tuple
        Per row: ``"given"``, ``"column"``, ``"name"`` or ``""`` (no level).
    source : str
        ``"given"`` (one level named for the whole layer), ``"column"`` (a level column:
        cấp, level, loại…), ``"name"`` (the name prefix), ``"mixed"`` (both) or
        ``"none"`` (no evidence).
    column : str or None
        The source column the levels were read from.
    name_column : str or None
        The source column whose name prefixes were read.
    sure : bool
        False when a front end should ask for the level: some units have none, the
        column and the names disagree, the layer mixes levels, or "Thành phố" units
        had nothing else in the layer to go by.
    notes : tuple of Note
        Warnings for the import report (English as ``str``; ``.text("vi")``).
    """

    levels: tuple[str | None, ...]
    how: tuple[str, ...]
    source: str
    column: str | None = None
    name_column: str | None = None
    sure: bool = True
    notes: tuple[Note, ...] = ()

    @property
    def counts(self) -> dict[str, int]:
        """``{level: units}``, highest level first, then ``"none"`` for units without one."""
        found = Counter("none" if lv is None else lv for lv in self.levels)
        return {lv: found[lv] for lv in (*LEVELS, "none") if found[lv]}

    def summary(self) -> Note:
        """One line for the report: the units per level and how the levels were found."""
        if self.source == "given":
            return Note.of("levels_given", level=level_note(self.levels[0]),
                           count=len(self.levels))
        counts = _counts_note(self.counts)
        how = []
        n_col = self.how.count("column")
        n_name = self.how.count("name")
        if n_col:
            how.append(Note.of("level_how_column", column=self.column, count=n_col))
        if n_name:
            how.append(Note.of("level_how_name", column=self.name_column, count=n_name))
        if not how:
            how.append(Note.of("src_none"))
        return Note.of("levels_inferred", counts=counts, how=how)


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
    level : str or None
        One level (``"province"``, ``"district"``, ``"commune"``) for every feature of
        a kind with a ``level`` attribute; ``None`` to keep the mapped column (and, for
        admin units, to infer each unit's level: :meth:`level_inference`).
    """

    source: SourceLayer
    kind: str
    name: str
    mapping: dict[str, str | None] = field(default_factory=dict)
    level: str | None = None

    def set_kind(self, kind: str) -> None:
        """Change the kind and redo the column mapping for it (the old one may not fit)."""
        self.kind = get_kind(kind).key
        self.mapping = suggest_mapping(self.source.gdf, self.kind)
        if not has_level(self.kind):
            self.level = None

    def level_inference(self) -> LevelInference | None:
        """Return the levels the import will store, or ``None`` when it stores none.

        Admin units get a level per unit (:func:`infer_levels`); another kind with a
        ``level`` attribute only when :attr:`level` is set.
        """
        if not has_level(self.kind) or (self.level is None and self.kind != "admin_unit"):
            return None
        return infer_levels(self.source.gdf, self.mapping, level=self.level)


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
            "crs_source": self.source.crs_source,
            "encoding": self.record.encoding,
            "encoding_source": self.source.encoding_source,
            "repaired": rep.repaired,
            "dropped_empty": rep.dropped_empty,
            "unknown_columns": list(rep.unknown_columns),
            "levels": dict(rep.levels),
            "level_source": rep.level_source,
            "unchanged_from": rep.unchanged_from,
            "warnings": [str(w) for w in rep.warnings],
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
    types = base_geometry_types(type_sample(source.gdf.geometry))
    words = normalize_name(f"{source.name} {Path(source.source_path).stem}")
    for key, hints in _KIND_WORDS:
        if any(h in words for h in hints) and types <= KINDS[key].geometry_types:
            return key
    return None


def fitting_kinds(source: SourceLayer) -> list[str]:
    """Return the kinds whose geometry types can hold the source layer.

    Proposed projects come first (the usual polygon upload) and admin units last.
    """
    types = base_geometry_types(type_sample(source.gdf.geometry))
    keys = [k.key for k in KINDS.values() if types <= k.geometry_types]
    return sorted(keys, key=lambda k: (k != "proposed_project", k == "admin_unit")) or list(KINDS)


def has_level(kind: str) -> bool:
    """Return whether layers of ``kind`` have a ``level`` attribute."""
    return any(a.name == "level" for a in get_kind(kind).attributes)


def suggest_mapping(gdf: gpd.GeoDataFrame, kind: str) -> dict[str, str | None]:
    """Guess the column of each attribute of ``kind`` in a source layer.

    As :func:`layers.kinds.guess_mapping` by column names; for admin units whose name
    column has no usual name, the column whose values start with a level word (Xã,
    Phường, Huyện…) and differ the most (the unit's own name, not its parent's).
    """
    columns = [c for c in gdf.columns if c != gdf.geometry.name]
    mapping = guess_mapping(columns, kind)
    if get_kind(kind).key == "admin_unit" and not mapping.get("name"):
        used = {c for c in mapping.values() if c}
        col = _prefixed_column(gdf, [c for c in columns if c not in used])
        if col is not None:
            mapping["name"] = col
    return mapping


def canonical_level(value: str) -> str:
    """Return ``"province"``, ``"district"``, ``"commune"`` or ``"village"`` for a level.

    Any spelling of :data:`geo.settings.level_aliases` works (``"xã"``, ``"Cấp huyện"``,
    ``"ward"``, ``"thôn"``…), compared without case or accents.

    Raises
    ------
    LayerError
        If ``value`` is not a level.
    """
    word = _level_words().get(_fold(value))
    if word == _CITY:
        word = _fold_aliases().get("thanh pho", "district")
    if word not in LEVELS:
        raise LayerError(key="unknown_level", params={"level": str(value)})
    return word


def infer_levels(gdf: pd.DataFrame, mapping: dict[str, str | None] | None = None, *,
                 level: str | None = None) -> LevelInference:
    """Find the level of every admin unit of a source layer.

    Evidence, strongest first:

    1. ``level``, one level for the whole layer (any spelling of a level);
    2. a level column: the column mapped to ``level``, else a column named like one
       (cấp, level, loại, type…) whose values are level words (``"Xã"``,
       ``"Cấp huyện"``, ``"commune"``, ``"Thành phố"``…);
    3. the prefix of the unit's name (the column mapped to ``name``, else the column
       whose values start with a level word the most often): Xã, Phường, Thị trấn,
       Đặc khu → commune; Huyện, Quận, Thị xã → district; Tỉnh → province; Thôn,
       Bản, Làng, Xóm, Ấp, Tổ dân phố, Khu phố (TDP, KP) → village (matched with their
       accents, so "Lạng Sơn" is no "Làng"; names with no accent at all match "thon",
       "ban", "xom", "ap", "to dan pho", "khu pho").

    "Thành phố" (or "TP") is a province-level city (Hà Nội…) in a layer of provinces and
    a district-level city (Thành phố Lạng Sơn) in a layer of districts: such a unit takes
    the majority level of the layer's other units; with none, district (as in
    :data:`geo.settings.level_aliases`), and the inference is unsure.

    Parameters
    ----------
    gdf : DataFrame
        The source features (columns as read).
    mapping : dict, optional
        ``{attribute: source column}``; its ``level`` and ``name`` columns are read first.
    level : str, optional
        One level for every unit.

    Returns
    -------
    LevelInference

    Raises
    ------
    LayerError
        If ``level`` is not a level.
    """
    mapping = dict(mapping or {})
    n = len(gdf)
    if level is not None:
        lv = canonical_level(level)
        return LevelInference((lv,) * n, ("given",) * n, "given")
    column = _level_column(gdf, mapping.get("level"))
    name_col = mapping.get("name") if mapping.get("name") in gdf.columns else None
    if name_col is None or not _prefix_hits(gdf[name_col]):
        name_col = _prefixed_column(gdf, [c for c in gdf.columns if c != _geom_name(gdf)
                                          and c != column]) or name_col
    words = _level_words()
    from_col = ([words.get(_fold(v)) if _filled(v) else None for v in gdf[column]]
                if column else [None] * n)
    from_name = ([_prefix_level(v) for v in gdf[name_col]] if name_col else [None] * n)
    levels: list[str | None] = []
    how: list[str] = []
    conflicts: list[str] = []
    for i in range(n):
        c, m = from_col[i], from_name[i]
        if c is not None and m is not None and c != m and _CITY not in (c, m):
            conflicts.append(f"{gdf[name_col].iloc[i]!s} ≠ {gdf[column].iloc[i]!s}")
        levels.append(c if c is not None else m)
        how.append("column" if c is not None else "name" if m is not None else "")
    notes: list[Note] = []
    sure = True
    definite = Counter(lv for lv in levels if lv in LEVELS)
    cities = [i for i, lv in enumerate(levels) if lv == _CITY]
    if cities:
        upper = {lv: definite[lv] for lv in ("province", "district") if definite[lv]}
        if upper:
            city_level = max(upper, key=lambda lv: (upper[lv], lv == "district"))
        else:
            city_level = _fold_aliases().get("thanh pho", "district")
            sure = False
            notes.append(Note.of("level_city_default", count=len(cities)))
        for i in cities:
            levels[i] = city_level
    missing = [i for i, lv in enumerate(levels) if lv is None]
    if conflicts:
        sure = False
        notes.append(Note.of("level_conflict", count=len(conflicts), column=column,
                             example=conflicts[0]))
    if missing:
        sure = False
        examples = ", ".join(_example(gdf, name_col, i) for i in missing[:_MAX_EXAMPLES])
        notes.append(Note.of("level_missing", count=len(missing), examples=examples))
    present = {lv for lv in levels if lv is not None}
    if len(present) > 1:
        sure = False
        notes.append(Note.of("level_mixed", counts=_counts_note(
            {lv: levels.count(lv) for lv in LEVELS if lv in present})))
    kinds = {h for h in how if h}
    source = "mixed" if len(kinds) > 1 else (kinds.pop() if kinds else "none")
    return LevelInference(tuple(levels), tuple(how), source, column, name_col, sure,
                          tuple(notes))


def plan_import(
    path: str | Path,
    *,
    kind: str | None = None,
    name: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    level: str | None = None,
    require_kind: bool = True,
    crs_chosen: bool = True,
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
    level : str, optional
        One level for every feature (``"commune"``, ``"xã"``, ``"district"``…) of the
        layers whose kind has a ``level`` attribute (admin units, bases); admin units
        get a level per unit inferred from the data when omitted.
    require_kind : bool
        When the kind can't be guessed: raise (``True``) or propose the first
        kind whose geometry types fit, for the user to change (``False``).
    crs_chosen : bool
        Passed to :func:`layers.readers.read_source` (``False``: ``crs`` is the best
        suggestion, not the user's choice).

    Raises
    ------
    LayerError
        If the file can't be read, the kind is unknown or can't be guessed, ``name``
        is given for a source with several layers, or ``level`` is not a level or no
        layer's kind has one.
    """
    if kind is not None:
        get_kind(kind)
    if level is not None:
        level = canonical_level(level)
    if encoding is not None:
        encoding = normalize_encoding(encoding)
    sources = read_source(path, crs=crs, encoding=encoding, layer=layer, crs_chosen=crs_chosen)
    if name and len(sources) > 1:
        raise LayerError(key="name_needs_one_layer", params={
            "file": Path(path).name, "count": len(sources),
            "names": ", ".join(s.name for s in sources)})
    plans = []
    for src in sources:
        key = kind or guess_kind(src) or (None if require_kind else fitting_kinds(src)[0])
        if key is None:
            raise LayerError(key="kind_unknown_for",
                             params={"layer": src.name, "kinds": ", ".join(KINDS)})
        plans.append(ImportPlan(src, key, name or src.name, suggest_mapping(src.gdf, key),
                                level if has_level(key) else None))
    if level is not None and not any(p.level for p in plans):
        raise LayerError(key="level_not_attribute", params={"kind": plans[0].kind})
    return plans


def mapped_frame(plan: ImportPlan) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Return the source features with the plan's mapping applied, and the unmapped columns.

    A kind with a ``level`` attribute gets the level of :meth:`ImportPlan.level_inference`
    in its ``level`` column (canonical words; a unit with none keeps its mapped value).

    Raises
    ------
    LayerError
        If the geometry types don't fit the kind, a required attribute is unmapped, or
        a level is given for a kind without one.
    """
    kind = get_kind(plan.kind)
    check_geometry_types(type_sample(plan.source.gdf.geometry), kind)
    if plan.level is not None and not has_level(kind.key):
        raise LayerError(key="level_not_attribute", params={"kind": kind.key})
    gdf, unknown = apply_mapping(plan.source.gdf, kind, plan.mapping)
    inference = plan.level_inference()
    if inference is None:
        return gdf, unknown
    if "level" in gdf.columns and not plan.mapping.get("level"):
        gdf = gdf.rename(columns={"level": "src_level"})
    old = gdf["level"] if "level" in gdf.columns else pd.Series(None, index=gdf.index,
                                                                  dtype=object)
    values = [lv if lv is not None else (v if _filled(v) else None)
              for lv, v in zip(inference.levels, old.to_numpy(dtype=object), strict=True)]
    gdf = gdf.assign(level=pd.Series(values, index=gdf.index, dtype=object))
    attrs = [a.name for a in kind.attributes if a.name in gdf.columns]
    rest = [c for c in gdf.columns if c not in attrs]
    return gdf[attrs + rest], unknown


def unchanged_layers(store: ProjectStore, plans: Sequence[ImportPlan]) -> list[LayerRecord]:
    """Return the current versions whose source file is byte for byte the one planned.

    A plan repeats a layer when the store has a (not deleted) layer of the plan's name
    whose current version has the same checksum (SHA-256 of the source file).
    """
    current = {r.name: r for r in store.layers()}
    out = []
    for plan in plans:
        rec = current.get(unicodedata.normalize("NFC", plan.name).strip())
        if rec is not None and rec.checksum and rec.checksum == plan.source.checksum:
            out.append(rec)
    return out


def check_kinds(store: ProjectStore, plans: Sequence[ImportPlan]) -> None:
    """Refuse a plan whose name is a layer of the project of another kind.

    A new version keeps its layer's kind: a layer of proposed projects does not become a
    layer of roads by an import under its name. Deleted layers count too (importing
    under a deleted layer's name brings it back).

    Raises
    ------
    LayerError
        ``kind_clash``, naming the layer and its kind.
    """
    stored = {r.name: r for r in [*store.deleted_layers(), *store.layers()]}
    for plan in plans:
        rec = stored.get(unicodedata.normalize("NFC", plan.name).strip())
        if rec is not None and rec.kind and rec.kind != get_kind(plan.kind).key:
            raise LayerError(key="kind_clash", params={
                "name": plain(rec.name, 60), "old": rec.kind, "new": plan.kind})


def run_import(store: ProjectStore, plans: Sequence[ImportPlan], *,
               allow_unchanged: bool = True) -> list[ImportResult]:
    """Store every planned layer, all or nothing.

    Parameters
    ----------
    store : ProjectStore
        The project.
    plans : sequence of ImportPlan
        From :func:`plan_import`, possibly edited by the user.
    allow_unchanged : bool
        When a plan's file is byte for byte the source of its layer's current version
        (:func:`unchanged_layers`): make a new version anyway, saying so in the report
        (``True``), or raise :class:`layers.errors.UnchangedSourceError` (``False``).

    Returns
    -------
    list of ImportResult
        One per plan, in order. Admin units' reports give the units per level
        (``report.levels``) and how the levels were found (``report.level_source``).

    Raises
    ------
    UnchangedSourceError
        See ``allow_unchanged``; nothing is written then.
    LayerError
        If any plan is invalid, or names a layer of the project (deleted ones included)
        with another kind; nothing is written then.
    """
    check_kinds(store, plans)
    same = {r.name: r for r in unchanged_layers(store, plans)}
    if same and not allow_unchanged:
        raise UnchangedSourceError(list(same.values()))
    new, reports = [], []
    for plan in plans:
        gdf, unknown = mapped_frame(plan)
        src = plan.source
        report = src.report
        report.unknown_columns = unknown
        report.warnings = [w for w in report.warnings
                           if getattr(w, "key", "") not in _IMPORT_NOTE_KEYS]
        inference = plan.level_inference()
        if inference is not None:
            report.levels = inference.counts
            report.level_source = inference.source
            report.warnings += list(inference.notes)
        else:
            report.levels, report.level_source = {}, ""
        rec = same.get(unicodedata.normalize("NFC", plan.name).strip())
        report.unchanged_from = rec.version if rec else None
        if rec:
            report.warnings.append(Note.of("unchanged_note", layer=rec.name,
                                           version=rec.version))
        reports.append(report)
        new.append(NewLayer(gdf=gdf, name=plan.name, kind=plan.kind,
                            source_file=Path(src.source_path).name, checksum=src.checksum,
                            source_crs=src.source_crs, encoding=src.encoding))
    records = store.add_layers(new)
    return [ImportResult(r, rep, p.source) for r, rep, p in zip(records, reports, plans,
                                                                  strict=True)]


def detection_report(plan: ImportPlan | SourceLayer, lang: str = "en") -> list[tuple[str, str]]:
    """Return the rows of the detection report of a planned layer in ``lang``.

    Rows (label, value): coordinate system and what named it, text encoding and what
    named it, features kept / read, repaired, dropped, geometry types, the scores of the
    encodings when detected, and for admin units the units per level and how found.
    """
    src = plan.source if isinstance(plan, ImportPlan) else plan
    rep = src.report
    enc = ENCODING_LABELS.get(src.encoding, src.encoding) if src.encoding else "UTF-8"
    rows = [
        (text("rep_crs", lang), f"{src.crs_label} [{_source_word(src.crs_source, lang)}]"),
        (text("rep_encoding", lang), f"{enc} [{_source_word(src.encoding_source, lang)}]"),
        (text("rep_features", lang), f"{rep.features_kept} / {rep.features_read}"),
        (text("rep_repaired", lang), str(rep.repaired)),
        (text("rep_dropped", lang), str(rep.dropped_empty)),
        (text("rep_geometry", lang), ", ".join(f"{k}: {v}"
                                               for k, v in rep.geometry_types.items())),
    ]
    if src.encoding_scores:
        rows.append((text("rep_scores", lang),
                     ", ".join(f"{k} {v:.2f}" for k, v in src.encoding_scores.items())))
    if isinstance(plan, ImportPlan):
        inference = plan.level_inference()
        if inference is not None:
            rows.append((text("rep_levels", lang), inference.summary().text(lang)))
    return rows


# -- helpers -------------------------------------------------------------------------

_IMPORT_NOTE_KEYS = frozenset({"level_city_default", "level_conflict", "level_missing",
                               "level_mixed", "unchanged_note"})


def _source_word(source: str, lang: str) -> str:
    key = f"src_{source}"
    try:
        return text(key, lang)
    except KeyError:
        return source


def _fold(value: object) -> str:
    """Fold for matching words: no accents, lower case, one space between words."""
    folded = unicodedata.normalize("NFD", str(value).replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def _fold_aliases() -> dict[str, str]:
    return {_fold(k): v for k, v in settings.level_aliases.items()}


def _level_words() -> dict[str, str]:
    """Folded level words (whole values of a level column) → level or ``_CITY``."""
    words = _fold_aliases()
    words.update({lv: lv for lv in LEVELS})
    words.update({p: lv for p, lv in _NAME_PREFIXES})
    for prefix, lv in _NAME_PREFIXES:
        if lv != _CITY:
            words.setdefault(f"cap {prefix}", lv)
    words["thanh pho"] = _CITY  # province- or district-level: decided by the layer
    words["cap thanh pho"] = _CITY
    return words


def _prefix_level(value: object) -> str | None:
    """Return the level a unit's name starts with ("Xã Quảng Lạc" → commune), or None."""
    if not _filled(value):
        return None
    folded = _fold(value)
    for prefix, lv in _NAME_PREFIXES:
        if folded.startswith(prefix + " "):
            return lv
    return _village_prefix(value, folded)


def _village_prefix(value: object, folded: str) -> str | None:
    """Return ``"village"`` when a name starts with a village word ("Thôn Nà Sác")."""
    text = " ".join(unicodedata.normalize("NFC", str(value)).lower().split())
    words = _VILLAGE_PREFIXES
    if str(value).isascii():
        text, words = folded, _VILLAGE_PLAIN
    if any(text.startswith(w + " ") for w in words) or any(
            folded.startswith(w + " ") for w in _VILLAGE_SHORT):
        return "village"
    return None


def _prefix_hits(values: pd.Series) -> int:
    return sum(1 for v in values.to_numpy(dtype=object) if _prefix_level(v) is not None)


def _prefixed_column(gdf: pd.DataFrame, columns: Sequence[str]) -> str | None:
    """Return the text column whose values start with a level word (Xã, Huyện…).

    Of the columns where at least half the values do, the one with the most distinct
    values: the unit's own name, not its parent's (``commune_vn``, not ``district_vn``).
    """
    best, best_key = None, (0, 0)
    for col in columns:
        if col not in gdf.columns or col == _geom_name(gdf):
            continue
        values = gdf[col]
        if not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            continue
        hits = _prefix_hits(values)
        if hits * 2 < max(len(values), 1):
            continue
        key = (values.nunique(dropna=True), hits)  # a unit's own name repeats the least
        if key > best_key:
            best, best_key = col, key
    return best


def _level_column(gdf: pd.DataFrame, mapped: str | None) -> str | None:
    """Return the level column: the mapped one, else one named like it holding levels."""
    words = _level_words()
    candidates = [mapped] if mapped in gdf.columns else []
    candidates += [c for c in gdf.columns if c != mapped and c != _geom_name(gdf)
                   and normalize_name(c) in _LEVEL_COLUMNS]
    for col in candidates:
        filled = [v for v in gdf[col].to_numpy(dtype=object) if _filled(v)]
        known = sum(1 for v in filled if _fold(v) in words)
        if filled and known * 2 >= len(filled):
            return col
    return None


def _geom_name(gdf: pd.DataFrame) -> str | None:
    return gdf.geometry.name if isinstance(gdf, gpd.GeoDataFrame) else None


def _filled(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):
        return True


def _example(gdf: pd.DataFrame, name_col: str | None, i: int) -> str:
    if name_col is not None and _filled(gdf[name_col].iloc[i]):
        return repr(str(gdf[name_col].iloc[i]))[:40]
    return f"#{i + 1}"


def _level_word(level: str) -> Note:
    return level_note(None if level == "none" else level)


def _counts_note(counts: dict[str, int]) -> list[Note]:
    return [Note.of("level_count", level=_level_word(lv), count=n) for lv, n in counts.items()]
