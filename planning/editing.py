"""Features of a layer moved or deleted on the working map, each saved as a new version.

The working map (:mod:`ui.working_map`) puts one feature of an editable layer (a layer of
one of :data:`planning.drawing.DRAWABLE_KINDS`) into Leaflet.draw's edit group
(:func:`edit_feature`): the planner drags the point or the vertices of the line or polygon,
or removes it. Then

1. :func:`move_feature` checks the new geometry (a valid shape of a type the kind allows,
   in Vietnam) and stores the layer again with only that feature's geometry changed: the
   layer's next version, every attribute and every other feature as they were;
2. :func:`delete_feature` stores the layer without the feature (the last feature of a
   layer is refused: delete the layer on the Layers page instead);
3. :func:`undo_edit` takes either back: a new version with the features of the version
   before (history is never rewritten).

A feature is named by a :class:`FeatureRef`: its layer, the layer's version it was read
from and its row there. A save refuses a reference whose layer has a newer version since
(someone else saved in between), so a stale map never overwrites another edit.

The store keeps every layer in EPSG:4326 (:data:`layers.store.STORAGE_CRS`), the
coordinates the map returns: the moved geometry is stored exactly as the map gives it
(the map returns full-precision coordinates, :mod:`maps.tools`), so the vertices not
dragged keep their stored values to the last bit. Roles are the store's: a viewer's save
is refused (``role_needed``) and audited, a planner may move, delete and undo.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from geo import settings
from layers.store import LayerRecord, NewLayer, ProjectStore
from planning.drawing import (
    DRAWABLE_KINDS,
    DrawingError,
    checked_shape,
    typed_columns,
    undo_drawing,
)
from planning.messages import Message

EDIT_PROPERTY = "kvpt_edit"
"""GeoJSON property that marks the feature being edited on the map (its :attr:`ident`)."""

MOVE_NOTE = "moved on the map: {label}"
"""Note of the version a move adds."""

DELETE_NOTE = "deleted on the map: {label}"
"""Note of the version a deletion adds."""

LEAD = "edit_refused"
"""Key of the lead sentence of a refused move or deletion."""

UNDO_NOTE = "edit undone: the features of version {version}"
"""Note of the version an undo adds."""


@dataclass(frozen=True)
class FeatureRef:
    """One feature of a layer, as read from one version.

    Attributes
    ----------
    layer : str
        The layer's name.
    version : int
        The layer's version the feature was read from.
    row : int
        Its position in that version (0-based).
    """

    layer: str
    version: int
    row: int

    @property
    def ident(self) -> str:
        """A text naming the feature, e.g. ``"Trận địa phòng không:3@v2"``."""
        return f"{self.layer}:{self.row}@v{self.version}"


def editable_layers(store: ProjectStore) -> list[str]:
    """Return the names of the current layers whose features may be moved or deleted."""
    return [r.name for r in store.layers() if r.kind in DRAWABLE_KINDS]


def feature_labels(store: ProjectStore, layer: str) -> list[str]:
    """Return one label per feature of ``layer`` (``code – name``, or its row number).

    Parameters
    ----------
    store : ProjectStore
        The project.
    layer : str
        A layer of :func:`editable_layers`.

    Returns
    -------
    list of str
        In row order, so a label's position is the row of :class:`FeatureRef`.
    """
    frame = store.read(layer)
    return [_label(frame, row) for row in range(len(frame))]


def feature_ref(store: ProjectStore, layer: str, row: int) -> FeatureRef:
    """Return the reference of feature ``row`` of the current version of ``layer``.

    Raises
    ------
    DrawingError
        If the layer is not editable or has no such row.
    """
    record = store.record(layer)
    if record.kind not in DRAWABLE_KINDS or record.deleted:
        raise DrawingError([Message("edit_layer", {"layer": layer, "layers": ", ".join(
            repr(n) for n in editable_layers(store))})], LEAD)
    ref = FeatureRef(record.name, record.version, int(row))
    _row_of(store, ref)
    return ref


def edit_feature(store: ProjectStore, ref: FeatureRef) -> dict:
    """Return the feature as GeoJSON (EPSG:4326) for the map's edit group.

    Its properties hold :data:`EDIT_PROPERTY` (``ref.ident``), ``label`` and ``kind``.
    """
    frame, row = _row_of(store, ref)
    return {"type": "Feature", "geometry": mapping(frame.geometry.iloc[row]),
            "properties": {EDIT_PROPERTY: ref.ident, "label": _label(frame, row),
                           "kind": store.record(ref.layer).kind}}


def moved_m(old: BaseGeometry, new: BaseGeometry) -> float:
    """Return how far a geometry moved, in metres (in the analyses' metric CRS).

    With as many vertices as before (a point dragged, vertices dragged), the largest
    distance a vertex moved; otherwise (vertices added or removed) the Hausdorff distance
    of the two shapes. Measured in :data:`geo.settings.metric_crs`, else the shapes'
    WGS 84 UTM zone.
    """
    both = gpd.GeoSeries([old, new], crs="EPSG:4326")
    metric = settings.metric_crs or both.estimate_utm_crs()
    a, b = both.to_crs(metric)
    xy_a, xy_b = shapely.get_coordinates(a), shapely.get_coordinates(b)
    if xy_a.shape == xy_b.shape:
        return float(np.hypot(*(xy_b - xy_a).T).max())
    return float(a.hausdorff_distance(b))


def move_feature(store: ProjectStore, ref: FeatureRef, geometry: BaseGeometry | Mapping
                 ) -> LayerRecord:
    """Store ``ref``'s layer with that feature's geometry replaced, as its next version.

    Parameters
    ----------
    store : ProjectStore
        The project (acting for the signed-in user, whose role the store checks).
    ref : FeatureRef
        The feature, from :func:`feature_ref`.
    geometry : shapely geometry or mapping
        The new geometry, GeoJSON geometry or feature in EPSG:4326 (as the map returns it).

    Returns
    -------
    LayerRecord
        The new current version; its note names the feature (:data:`MOVE_NOTE`).

    Raises
    ------
    DrawingError
        If the layer changed since ``ref`` was read, the geometry is not a valid shape of
        the kind in Vietnam, or it did not change. The store is unchanged then.
    LayerError
        ``role_needed`` for a viewer (the store refuses and audits it).
    """
    frame, row = _row_of(store, ref)
    kind = store.record(ref.layer).kind
    try:
        geom = checked_shape(geometry, kind)
    except DrawingError as err:
        raise DrawingError(err.problems, LEAD) from None
    if geom.equals_exact(frame.geometry.iloc[row], 0.0):
        raise DrawingError([Message("edit_unchanged", {"feature": _label(frame, row)})], LEAD)
    moved = frame.copy()
    moved.loc[row, moved.geometry.name] = geom
    return _store(store, ref, moved, MOVE_NOTE.format(label=_label(frame, row)))


def delete_feature(store: ProjectStore, ref: FeatureRef) -> LayerRecord:
    """Store ``ref``'s layer without that feature, as its next version.

    Returns
    -------
    LayerRecord
        The new current version; its note names the feature (:data:`DELETE_NOTE`).

    Raises
    ------
    DrawingError
        If the layer changed since ``ref`` was read, or the feature is its last one.
    LayerError
        ``role_needed`` for a viewer.
    """
    frame, row = _row_of(store, ref)
    if len(frame) == 1:
        raise DrawingError([Message("edit_last_feature", {"layer": ref.layer})], LEAD)
    rest = frame.drop(index=frame.index[row]).reset_index(drop=True)
    return _store(store, ref, rest, DELETE_NOTE.format(label=_label(frame, row)))


def undo_edit(store: ProjectStore, record: LayerRecord) -> LayerRecord:
    """Take back a move or deletion (``record`` is what :func:`move_feature` returned).

    A new version holding the features of the version before; see
    :func:`planning.drawing.undo_drawing`.

    Raises
    ------
    DrawingError
        If the layer has a newer version than ``record``.
    """
    return undo_drawing(store, record, note=UNDO_NOTE)


# --- helpers ------------------------------------------------------------------------------


def _row_of(store: ProjectStore, ref: FeatureRef) -> tuple[gpd.GeoDataFrame, int]:
    """Return the layer's current features and ``ref``'s row; refuse a stale reference."""
    current = store.versions(ref.layer)[-1]
    if current.deleted or current.version != ref.version:
        raise DrawingError([Message("edit_stale", {
            "layer": ref.layer, "version": ref.version, "current": current.version})], LEAD)
    frame = store.read(ref.layer)
    if not 0 <= ref.row < len(frame):
        raise DrawingError([Message("edit_no_feature", {
            "layer": ref.layer, "row": ref.row + 1, "count": len(frame)})], LEAD)
    return frame, ref.row


def _label(frame: gpd.GeoDataFrame, row: int) -> str:
    """Return ``code – name`` of a feature (the parts it has), else ``#row``."""
    parts = [str(frame[c].iloc[row]).strip() for c in ("code", "name")
             if c in frame.columns and _filled(frame[c].iloc[row])]
    return " – ".join(parts) if parts else f"#{row + 1}"


def _filled(value: object) -> bool:
    return value is not None and value == value and bool(str(value).strip())  # noqa: PLR0124


def _store(store: ProjectStore, ref: FeatureRef, frame: gpd.GeoDataFrame, note: str
           ) -> LayerRecord:
    """Add ``frame`` as ``ref``'s layer's next version, with the layer's source details."""
    before = store.record(ref.layer)
    return store.add_layer(NewLayer(gdf=typed_columns(frame, before.kind), name=ref.layer,
                                    kind=before.kind, source_file=before.source_file,
                                    source_crs=before.source_crs, encoding=before.encoding,
                                    note=note))

