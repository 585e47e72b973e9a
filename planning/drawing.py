"""Features drawn on the working map, checked and saved into a layer as a new version.

The map's drawing tool (:mod:`maps.tools`, through ``st_folium``) gives a GeoJSON geometry
in EPSG:4326. To keep it as a relocation site, a proposed project, a position (a defense
work: combat base, rear base, …) or a hazard zone:

1. :func:`drawing_form` checks the geometry against the kind (:data:`layers.kinds.KINDS`)
   and the target layer, and returns the fields to ask (:class:`FormField`: name, type,
   required, choices);
2. :func:`check_values` turns what the user filled in into typed attributes, or raises
   :class:`DrawingError` listing every problem;
3. :func:`save_drawing` appends the feature to the layer as its next version (or makes the
   layer, version 1), all or nothing, through :meth:`layers.store.ProjectStore.add_layer`;
4. :func:`undo_drawing` takes it back: it restores the previous version (a new version
   again: history is never rewritten), or deletes a layer the drawing made.

An optional number, choice or ``code`` every feature of the target layer already has is
asked as required: the analyses need it complete (a relocation site's ``capacity``; the
``code`` that names a feature in results). Free text (a note) stays optional. Errors carry
catalogue keys (:data:`planning.messages.MESSAGES`), so the app shows them in Vietnamese.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from geo.coordinates import VIETNAM_EXTENT
from layers.kinds import KINDS, Attribute, Kind, normalize_name
from layers.messages import Note
from layers.store import LayerRecord, NewLayer, ProjectStore
from planning.errors import PlanningError
from planning.messages import Message

POSITION_KINDS: tuple[str, ...] = tuple(k.key for k in KINDS.values() if k.group == "defense")
"""Kinds of position (defense works and high points) a planner may draw."""

DRAWABLE_KINDS: tuple[str, ...] = ("relocation_site", "proposed_project", *POSITION_KINDS,
                                   "hazard_zone")
"""Kinds a drawn feature may be saved as."""

CHOICES: dict[str, tuple[str, ...]] = {
    "level": ("province", "district", "commune"),
    "status": ("planned", "building", "done"),
    "water": ("yes", "no"),
    "power": ("yes", "no"),
    "hazard": ("flood", "landslide"),
}
"""Values an attribute may take (as the demo data and the analyses write them)."""

CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "province": ("Tỉnh", "Province"), "district": ("Huyện", "District"),
    "commune": ("Xã", "Commune"), "planned": ("Quy hoạch", "Planned"),
    "building": ("Đang xây dựng", "Building"), "done": ("Hoàn thành", "Done"),
    "yes": ("Có", "Yes"), "no": ("Không", "No"), "flood": ("Ngập lụt", "Flood"),
    "landslide": ("Sạt lở", "Landslide"),
}
"""Labels (Vietnamese, English) of the :data:`CHOICES`; either is accepted as a value too."""

NOT_ASKED: tuple[str, ...] = ("fictional",)
"""Attributes not asked: a drawn feature is the planner's own, not demo data."""

RANGES: dict[str, tuple[float, float]] = {"percent_complete": (0.0, 100.0)}
"""Bounds of numeric attributes; other numbers must be >= 0, except :data:`SIGNED`."""

SIGNED: tuple[str, ...] = ("elevation_m",)
"""Numeric attributes that may be negative."""

DRAWN_LAYER_NAME = "{label} (vẽ trên bản đồ)"
"""Name of the layer made when the project has no layer of the kind."""

UNDO_NOTE = "drawing undone: the features of version {version}"
"""Note of the version an undo adds."""

NOTE = "drawn on the map: {name!r}"
"""Note of the version a drawing adds."""

GEOMETRY_WORDS: dict[str, tuple[str, str]] = {
    "Point": ("điểm", "point"), "LineString": ("đường", "line"), "Polygon": ("vùng", "polygon")}
"""Names of the base geometry types (Vietnamese, English)."""


@dataclass(frozen=True)
class FormField:
    """One field of the form of a drawn feature.

    Attributes
    ----------
    name : str
        Attribute (column) name, e.g. ``"capacity"``.
    label_vi, label_en : str
        Labels for the form.
    dtype : str
        ``"str"``, ``"int"`` or ``"float"``.
    required : bool
        Whether the feature cannot be saved without it.
    choices : tuple of str
        Allowed values (empty: free text or number); :meth:`choice_label` names them.
    """

    name: str
    label_vi: str
    label_en: str
    dtype: str
    required: bool
    choices: tuple[str, ...] = ()

    def label(self, lang: str = "vi") -> str:
        """Return the field's label in ``lang``."""
        return self.label_vi if lang == "vi" else self.label_en

    def choice_label(self, value: str, lang: str = "vi") -> str:
        """Return the label of one of the :attr:`choices` in ``lang``."""
        labels = CHOICE_LABELS.get(value)
        return value if labels is None else labels[0 if lang == "vi" else 1]


@dataclass(frozen=True)
class DrawingForm:
    """A drawn geometry checked for a kind and a layer, with the fields to ask.

    Attributes
    ----------
    kind : str
        The kind the feature will have.
    layer : str
        The layer it will be added to (made when the project has none of the kind).
    geometry : shapely geometry
        The drawing, EPSG:4326.
    fields : tuple of FormField
        Required fields first, in the kind's attribute order.
    layer_exists : bool
        Whether the layer is in the project already.
    """

    kind: str
    layer: str
    geometry: BaseGeometry
    fields: tuple[FormField, ...]
    layer_exists: bool

    def field(self, name: str) -> FormField:
        """Return the field ``name``."""
        return next(f for f in self.fields if f.name == name)


class Words(Note):
    """A word or phrase in Vietnamese and English: a message parameter (a kind, a field).

    The catalogue puts it in the message's language (as any
    :class:`layers.messages.Note`); as a plain ``str`` it is the English.
    """

    key: str
    params: dict

    def __new__(cls, vi: str, en: str) -> Words:
        """Return the words ``vi`` / ``en``."""
        words = str.__new__(cls, en)
        words.key, words.params = "", {"vi": vi, "en": en}
        return words

    def text(self, lang: str = "en") -> str:
        """Return the words in ``lang``."""
        return self.params["vi"] if lang == "vi" else self.params["en"]

    def __reduce__(self) -> tuple:
        return (Words, (self.params["vi"], self.params["en"]))


class DrawingError(PlanningError):
    """A drawn feature that cannot be saved: every problem, in either language.

    Parameters
    ----------
    problems : sequence of Message
        One message of :data:`planning.messages.MESSAGES` per problem.
    lead : str
        Key of the lead sentence: ``"drawing_refused"``, or ``"edit_refused"`` for a
        move or deletion (:mod:`planning.editing`).
    """

    def __init__(self, problems: Sequence[Message], lead: str = "drawing_refused") -> None:
        self.problems = tuple(problems)
        super().__init__(lead, count=len(self.problems))
        self.args = (self.text("en"),)

    def text(self, lang: str = "en") -> str:
        """Return the lead sentence and every problem in ``lang``."""
        return " ".join([self.message.text(lang), *(p.text(lang) for p in self.problems)])

    def __reduce__(self) -> tuple:
        return (DrawingError, (self.problems, self.message.key))

    @property
    def keys(self) -> list[str]:
        """The catalogue keys of the problems, in order."""
        return [p.key for p in self.problems]


def drawing_form(store: ProjectStore, geometry: BaseGeometry | Mapping, kind: str, *,
                 layer: str | None = None) -> DrawingForm:
    """Check a drawn geometry for ``kind`` and return the form to fill in.

    Parameters
    ----------
    store : ProjectStore
        The project (read only here).
    geometry : shapely geometry or mapping
        What the map's drawing tool returned: a GeoJSON geometry or feature (or a shapely
        geometry) in EPSG:4326.
    kind : str
        One of :data:`DRAWABLE_KINDS`.
    layer : str, optional
        The layer to add the feature to: a layer of ``kind``, or a new name. By default
        the project's layer of that kind (a new layer, :data:`DRAWN_LAYER_NAME`, when it
        has none).

    Returns
    -------
    DrawingForm
        The geometry, the target layer and the fields.

    Raises
    ------
    DrawingError
        If the kind cannot be drawn, the geometry is not a valid point, line or polygon in
        Vietnam of a type the kind allows, or the layer is of another kind, deleted, or
        not given while the project has several layers of the kind.
    """
    problems: list[Message] = []
    if kind not in DRAWABLE_KINDS:
        raise DrawingError([_kind_message(kind)])
    target = KINDS[kind]
    geom = _drawn_shape(geometry, target, problems)
    name, frame = _target_layer(store, target, layer, problems)
    if problems:
        raise DrawingError(problems)
    return DrawingForm(kind, name, geom, _fields(target, frame), frame is not None)


def check_values(form: DrawingForm, values: Mapping[str, object], *,
                 layer_frame: gpd.GeoDataFrame | None = None) -> dict[str, Any]:
    """Return the typed attributes of a filled form, or raise with every problem.

    Parameters
    ----------
    form : DrawingForm
        From :func:`drawing_form`.
    values : mapping
        Field name → what was typed or picked (text, number, ``None`` or ``""`` for
        empty). Numbers may be text, with a decimal point or comma; a choice may be its
        value or its label in either language.
    layer_frame : GeoDataFrame, optional
        The target layer's current features, to refuse a ``code`` already used.

    Returns
    -------
    dict
        Attribute → value (``str``, ``int`` or ``float``), the empty ones left out.

    Raises
    ------
    DrawingError
        Unknown fields, missing required ones, numbers that are not numbers (or negative,
        or out of range), values not among the choices, a code already used.
    """
    problems: list[Message] = []
    kind = KINDS[form.kind]
    known = {f.name: f for f in form.fields}
    fields = Words(", ".join(f.label_vi for f in form.fields),
                   ", ".join(f.name for f in form.fields))
    problems += [_message("drawing_unknown_field", kind=kind, name=str(n), fields=fields)
                 for n in values if n not in known]
    clean: dict[str, Any] = {}
    for field in form.fields:
        raw = values.get(field.name)
        value = _typed(field, raw, problems)
        if value is not None:
            clean[field.name] = value
        elif field.required and _is_blank(raw):
            problems.append(_required(field, form))
    problems += _code_taken(clean.get("code"), layer_frame, form.layer)
    if problems:
        raise DrawingError(problems)
    return clean


def save_drawing(store: ProjectStore, form: DrawingForm, values: Mapping[str, object]
                 ) -> LayerRecord:
    """Add the drawn feature to its layer as the layer's next version, all or nothing.

    Parameters
    ----------
    store : ProjectStore
        The project.
    form : DrawingForm
        From :func:`drawing_form`.
    values : mapping
        The filled form (see :func:`check_values`).

    Returns
    -------
    LayerRecord
        The new current version: the layer's features with the drawing appended as the
        last row (version N + 1), or a new layer of one feature (version 1). Its note
        names the feature (:data:`NOTE`).

    Raises
    ------
    DrawingError
        As :func:`check_values`, or the layer changed kind or was deleted since the form
        was made. The store is unchanged then.
    """
    again = drawing_form(store, form.geometry, form.kind, layer=form.layer)
    current = store.read(again.layer) if again.layer_exists else None
    clean = check_values(again, values, layer_frame=current)
    row = gpd.GeoDataFrame([clean], geometry=[again.geometry], crs="EPSG:4326")
    frame = row if current is None else _append(current, row)
    previous = store.record(again.layer) if again.layer_exists else None
    new = NewLayer(gdf=_typed_columns(frame, KINDS[again.kind]), name=again.layer,
                   kind=again.kind,
                   source_file=previous.source_file if previous else "",
                   source_crs=previous.source_crs if previous else "EPSG:4326",
                   encoding=previous.encoding if previous else None,
                   note=NOTE.format(name=clean.get("name", "")))
    return store.add_layer(new)


def undo_drawing(store: ProjectStore, record: LayerRecord, *, note: str = UNDO_NOTE
                 ) -> LayerRecord:
    """Take back a drawing saved by :func:`save_drawing` (``record`` is what it returned).

    The layer gets a new version holding the features of the version before the drawing,
    written like the drawing itself (so a planner, who may draw but not restore, may undo
    a drawing); a layer the drawing made is deleted
    (:meth:`~layers.store.ProjectStore.delete`, restorable; that needs the admin role in a
    project with users). Nothing is removed for good.

    ``note`` is the note of the new version, formatted with ``version`` (the version
    brought back); :mod:`planning.editing` undoes a move or a deletion the same way.

    Returns
    -------
    LayerRecord
        The new current version (or the tombstone).

    Raises
    ------
    DrawingError
        If the layer has changed since (its current version is not ``record``'s).
    """
    current = store.versions(record.name)[-1]
    if current.version != record.version or current.deleted:
        raise DrawingError([Message("drawing_undo_stale", {
            "layer": record.name, "version": record.version, "current": current.version})])
    if record.version == 1:
        return store.delete(record.name)
    before = store.record(record.name, record.version - 1)
    return store.add_layer(NewLayer(gdf=store.read(record.name, before.version),
                                    name=record.name, kind=before.kind,
                                    source_file=before.source_file,
                                    source_crs=before.source_crs, encoding=before.encoding,
                                    note=note.format(version=before.version)))


def checked_shape(geometry: BaseGeometry | Mapping, kind: str) -> BaseGeometry:
    """Return a drawn or edited geometry as shapely, checked for ``kind``.

    Parameters
    ----------
    geometry : shapely geometry or mapping
        A GeoJSON geometry or feature (or a shapely geometry) in EPSG:4326.
    kind : str
        A key of :data:`layers.kinds.KINDS`.

    Returns
    -------
    shapely geometry

    Raises
    ------
    DrawingError
        If it is not a valid point, line or polygon in Vietnam of a type ``kind`` allows.
    """
    problems: list[Message] = []
    geom = _drawn_shape(geometry, KINDS[kind], problems)
    if problems or geom is None:
        raise DrawingError(problems or [Message("drawing_no_geometry", {})])
    return geom


def typed_columns(frame: gpd.GeoDataFrame, kind: str) -> gpd.GeoDataFrame:
    """Return ``frame`` with the integer attributes of ``kind`` kept integer (nullable)."""
    return _typed_columns(frame, KINDS[kind])


# --- helpers ------------------------------------------------------------------------------


def _message(key: str, *, kind: Kind | None = None, **params: object) -> Message:
    """Return a message with the kind's label (``kind``) in both languages."""
    if kind is not None:
        params = {"kind": _kind_words(kind), **params}
    return Message(key, params)


def _kind_words(kind: Kind) -> Words:
    return Words(kind.label_vi, kind.label_en[:1].lower() + kind.label_en[1:])


def _field_words(field: FormField) -> Words:
    return Words(field.label_vi, field.label_en)


def _kind_message(kind: object) -> Message:
    return Message("drawing_kind", {"kind": str(kind), "kinds": Words(
        ", ".join(KINDS[k].label_vi for k in DRAWABLE_KINDS), ", ".join(DRAWABLE_KINDS))})


def _drawn_shape(value: BaseGeometry | Mapping, kind: Kind, problems: list[Message]
                 ) -> BaseGeometry | None:
    """Return the drawing as a shapely geometry; add a problem for each thing wrong."""
    geom = _as_shape(value)
    if geom is None or geom.geom_type == "GeometryCollection":
        problems.append(Message("drawing_no_geometry", {}))
        return None
    if geom.is_empty:
        problems.append(Message("drawing_empty", {}))
        return None
    base = geom.geom_type.replace("Multi", "").replace("LinearRing", "LineString")
    if base not in kind.geometry_types:
        allowed = sorted(kind.geometry_types)
        problems.append(_message(
            "drawing_wrong_geometry", kind=kind,
            allowed=Words(" / ".join(GEOMETRY_WORDS[t][0] for t in allowed),
                          " / ".join(GEOMETRY_WORDS[t][1] for t in allowed)),
            got=Words(*GEOMETRY_WORDS[base])))
    if not _in_vietnam(geom):
        bounds = ", ".join(f"{v:.5f}" for v in geom.bounds)
        problems.append(Message("drawing_outside", {"bounds": bounds}))
    elif not geom.is_valid:
        problems.append(Message("drawing_invalid", {"reason": shapely.is_valid_reason(geom)}))
    return geom


def _as_shape(value: BaseGeometry | Mapping) -> BaseGeometry | None:
    if isinstance(value, BaseGeometry):
        return value
    if not isinstance(value, Mapping):
        return None
    data = value.get("geometry") if value.get("type") == "Feature" else value
    try:
        return shape(data)
    except (AttributeError, KeyError, TypeError, ValueError, IndexError,
            shapely.errors.ShapelyError):
        return None


def _in_vietnam(geom: BaseGeometry) -> bool:
    west, south, east, north = geom.bounds
    x0, y0, x1, y1 = VIETNAM_EXTENT
    return all(map(math.isfinite, geom.bounds)) and x0 <= west and east <= x1 and \
        y0 <= south and north <= y1


def _target_layer(store: ProjectStore, kind: Kind, layer: str | None,
                  problems: list[Message]) -> tuple[str, gpd.GeoDataFrame | None]:
    """Return the target layer's name and current features (None for a new layer)."""
    records = {r.name: r for r in store.layers()}
    if layer is None:
        mine = [r.name for r in records.values() if r.kind == kind.key]
        if len(mine) > 1:
            problems.append(_message("drawing_layer_choose", kind=kind, names=", ".join(
                repr(n) for n in mine)))
            return mine[0], None
        layer = mine[0] if mine else DRAWN_LAYER_NAME.format(label=kind.label_vi)
    name = " ".join(str(layer).split())
    if name in records:
        rec = records[name]
        if rec.kind != kind.key:
            other = KINDS.get(rec.kind)
            problems.append(_message(
                "drawing_layer_kind", kind=kind, layer=name,
                other=_kind_words(other) if other else Words(rec.kind, rec.kind)))
            return name, None
        return name, store.read(name)
    if any(r.name == name for r in store.deleted_layers()):
        problems.append(Message("drawing_layer_deleted", {"layer": name}))
    elif not name:
        problems.append(Message("drawing_layer_name", {}))
    return name, None


def _fields(kind: Kind, frame: gpd.GeoDataFrame | None) -> tuple[FormField, ...]:
    fields = [_field(a, True) for a in kind.required]
    fields += [_field(a, _kept_complete(a) and _complete_in(frame, a.name))
               for a in kind.optional if a.name not in NOT_ASKED]
    return tuple(sorted(fields, key=lambda f: not f.required))


def _field(attr: Attribute, required: bool) -> FormField:
    return FormField(attr.name, attr.label_vi, attr.label_en, attr.dtype, required,
                     CHOICES.get(attr.name, ()))


def _kept_complete(attr: Attribute) -> bool:
    """Whether a layer complete in ``attr`` must stay so (numbers, choices, codes)."""
    return attr.dtype != "str" or attr.name in CHOICES or attr.name == "code"


def _complete_in(frame: gpd.GeoDataFrame | None, column: str) -> bool:
    """Whether every feature of the layer has a value in ``column``."""
    if frame is None or column not in frame.columns or len(frame) == 0:
        return False
    values = frame[column]
    blank = values.isna() | (values.astype(str).str.strip() == "")
    return not blank.any()


def _required(field: FormField, form: DrawingForm) -> Message:
    required_by_kind = any(a.name == field.name for a in KINDS[form.kind].required)
    key = "drawing_required" if required_by_kind else "drawing_required_by_layer"
    return Message(key, {"field": _field_words(field), "layer": form.layer})


def _is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, float) and math.isnan(raw)) or not str(raw).strip()


def _typed(field: FormField, raw: object, problems: list[Message]) -> Any:
    """Return ``raw`` as the field's type (None when empty); add a problem when it is not."""
    if _is_blank(raw):
        return None
    text = str(raw).strip()
    names = {"field": _field_words(field), "value": text}
    if field.choices:
        return _choice(field, text, names, problems)
    if field.dtype == "str":
        return text
    return _number(field, raw, text, names, problems)


def _choice(field: FormField, text: str, names: dict, problems: list[Message]) -> str | None:
    wanted = normalize_name(text)
    for value in field.choices:
        labels = (value, *CHOICE_LABELS.get(value, ()))
        if wanted in {normalize_name(label) for label in labels}:
            return value
    problems.append(Message("drawing_choice", {**names, "choices": Words(
        ", ".join(field.choice_label(v, "vi") for v in field.choices),
        ", ".join(field.choices))}))
    return None


def _number(field: FormField, raw: object, text: str, names: dict,
            problems: list[Message]) -> int | float | None:
    try:
        number = float(raw) if isinstance(raw, int | float) else float(text.replace(",", "."))
    except ValueError:
        problems.append(Message("drawing_not_number", names))
        return None
    if not math.isfinite(number):
        problems.append(Message("drawing_not_number", names))
        return None
    if field.dtype == "int" and number != int(number):
        problems.append(Message("drawing_not_integer", names))
        return None
    low, high = RANGES.get(field.name, (-math.inf if field.name in SIGNED else 0.0, math.inf))
    if not low <= number <= high:
        key = "drawing_negative" if high == math.inf else "drawing_range"
        problems.append(Message(key, {**names, "low": f"{low:g}", "high": f"{high:g}"}))
        return None
    return int(number) if field.dtype == "int" else number


def _code_taken(code: object, frame: gpd.GeoDataFrame | None, layer: str) -> list[Message]:
    if code is None or frame is None or "code" not in frame.columns:
        return []
    codes = frame["code"].astype(str).str.strip()
    hits = frame.index[codes.str.casefold() == str(code).casefold()]
    if not len(hits):
        return []
    other = frame.loc[hits[0], "name"] if "name" in frame.columns else hits[0]
    return [Message("drawing_code_taken", {"value": str(code), "other": str(other),
                                           "layer": layer})]


def _append(current: gpd.GeoDataFrame, row: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame = pd.concat([current, row], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs="EPSG:4326")


def _typed_columns(frame: gpd.GeoDataFrame, kind: Kind) -> gpd.GeoDataFrame:
    """Keep the kind's integer attributes integer (nullable) after a row with gaps."""
    out = frame.copy()
    for attr in kind.attributes:
        if attr.dtype != "int" or attr.name not in out.columns:
            continue
        values = pd.to_numeric(out[attr.name], errors="coerce")
        whole = values.dropna()
        if (whole == whole.round()).all():
            out[attr.name] = values.astype("Int64")
    return out
