"""The working map (a mode of the Map page): coordinates, go to, measure, draw and save.

The map comes back to the page only when something is drawn or clicked
(``returned_objects`` of ``st_folium``): panning and zooming never rerun the page. A
drawing is kept in the session until it is saved or dropped, and drawn again on the map
after every rerun (``feature_group_to_add``), so a rerun never loses it. A saved drawing
is a new version of its layer (:mod:`planning.drawing`); "Undo" restores the version
before it.

A feature of an editable layer chosen above the map is put in the drawing toolbar's edit
group: moved with the toolbar's edit tool (then Save on the map) or removed with its delete
tool (or the page's Delete button), the change is kept in the session (and drawn again over
the map should it reload) until it is saved as a new version of the layer
(:mod:`planning.editing`) or dropped; "Undo" restores the version before.

The map is built once per layer versions, layers shown and language (``cached``) and
copied for each run: ``st_folium`` changes the map it is given (element ids, the overlay
added as a child), and the same map given twice gives another script the second time,
which would reload the map in the browser and lose what was drawn on it.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Mapping

import folium
import streamlit as st
from shapely.geometry import shape
from streamlit_folium import st_folium

from geo import coordinates, measure, settings
from geo.coordinates import CoordinateInputError
from layers.kinds import KINDS
from layers.store import LayerRecord, ProjectStore
from maps.offline import use_local_assets
from maps.project import store_map
from maps.tools import add_tools
from planning import drawing, editing
from planning.messages import Message
from planning.project import Project
from ui.i18n import lang, t, tr
from ui.state import EXPECTED_ERRORS, cached, error_text

MAP_HEIGHT_PX = 560
GOTO_ZOOM = 14  # zoom of the map on a point found by "go to"
MAX_FIT_ZOOM = 16  # closest zoom when the map is fitted to a saved drawing

_GOTO = "wm_goto"  # the "go to" text box
_DRAWING = "wm_drawing"  # the last shape drawn, GeoJSON feature, until saved or dropped
_SEEN = "wm_seen"  # the drawings the map returned last (it repeats them on every rerun)
_SAVED = "wm_saved"  # the LayerRecord of the last saved drawing (for undo)
_TARGET = "wm_target"  # (lat, lon) of the last "go to"
_VIEW = "wm_view"  # ((lat, lon), zoom) the map is moved to (go to, a saved drawing)
_CLICKED = "wm_clicked"  # (lat, lon) of the point whose coordinates are shown
_MAP_RUN = "wm_map_run"  # bumped to start the map afresh (drops Leaflet.draw's shapes)
_NOTICE = "wm_notice"  # the message of an undo, shown until the next drawing or save
_EDIT_LAYER = "wm_edit_layer"  # the layer whose feature is moved or deleted (a select box)
_EDIT_ROW = "wm_edit_row"  # the row of that feature (a select box)
_EDIT = "wm_edit"  # the change made on the map: {"ident", "action", "geometry"}
_SAVED_EDIT = "wm_saved_edit"  # whether the last save (_SAVED) was a move or a deletion


def working_map(store: ProjectStore, proj: Project, shown: list[str]) -> None:
    """Draw the working map with its coordinate, go-to, measure and drawing tools.

    Parameters
    ----------
    store : ProjectStore
        The project, written when a drawing is saved.
    proj : Project
        The same project for reading (its layers kept by version).
    shown : list of str
        Layers drawn on the map.
    """
    _goto_box()
    ref, feature = _edit_choice(store)
    view = st.session_state.get(_VIEW)
    out = st_folium(
        copy.deepcopy(cached(proj, tool_map, tuple(shown), lang(),
                             json.dumps(feature) if feature else None)),
        center=view[0] if view else None, zoom=view[1] if view else None,
        feature_group_to_add=_overlay(), height=MAP_HEIGHT_PX, use_container_width=True,
        returned_objects=["all_drawings", "last_clicked", "last_object_clicked"],
        key=f"wm_map_{st.session_state.get(_MAP_RUN, 0)}") or {}
    _remember(out, ref, feature)
    left, right = st.columns(2)
    with left:
        _coordinates_panel()
    with right:
        if ref is not None and feature is not None:
            _edit_panel(store, ref, feature)
        _drawing_panel(store)


def tool_map(proj: Project, names: tuple[str, ...], language: str,
             editable: str | None = None) -> folium.Map:
    """Return the project map with the working tools (kept by layer versions).

    Parameters
    ----------
    proj : Project
        The project.
    names : tuple of str
        Layers drawn.
    language : {"vi", "en"}
        Language of the map and its tools.
    editable : str, optional
        The feature to move or delete, GeoJSON text (:func:`planning.editing.edit_feature`),
        put in the drawing toolbar's edit group.

    Returns
    -------
    folium.Map
        The map, loading Leaflet and Leaflet.draw from the app's ``/app/static``. Shared
        by every session: give ``st_folium`` a copy.
    """
    m = add_tools(store_map(proj.reader, names=list(names), lang=language), lang=language,
                  editable=json.loads(editable) if editable else None)
    return use_local_assets(m, mode="static")  # Leaflet.draw from /app/static, no CDN


# --- go to and coordinates -------------------------------------------------------------------


def _goto_box() -> None:
    text = st.text_input(
        tr("Đi tới (độ thập phân, độ-phút-giây, VN-2000 X Y, UTM, MGRS)",
           "Go to (decimal degrees, DMS, VN-2000 X Y, UTM, MGRS)"),
        key=_GOTO, on_change=_go_to, placeholder="21.85, 106.76  ·  48Q XJ 12345 67890")
    if text.strip():
        try:
            coordinates.parse_location(text)
        except CoordinateInputError as err:
            st.error(goto_error(err))


def _go_to() -> None:
    """Move the map to the place typed (called when the text changes)."""
    try:
        found = coordinates.parse_location(st.session_state.get(_GOTO, ""))
    except CoordinateInputError:
        return  # shown by _goto_box
    st.session_state[_TARGET] = (found.lat, found.lon)
    st.session_state[_VIEW] = ((found.lat, found.lon), GOTO_ZOOM)
    st.session_state[_CLICKED] = (found.lat, found.lon)


def goto_error(err: CoordinateInputError) -> str:
    """Return the message of a "go to" text that could not be read, in the page language.

    Parameters
    ----------
    err : CoordinateInputError
        From :func:`geo.coordinates.parse_location`.

    Returns
    -------
    str
    """
    return Message(f"goto_{err.reason}", err.params).text(lang())


def _coordinates_panel() -> None:
    point = st.session_state.get(_CLICKED)
    st.markdown(tr("**Tọa độ điểm chọn**", "**Coordinates of the point**"))
    if point is None:
        st.caption(tr("Bấm vào bản đồ (hoặc dùng ô Đi tới) để xem tọa độ của một điểm; tọa "
                      "độ dưới con trỏ hiện ở góc dưới bên trái bản đồ.",
                      "Click the map (or use Go to) for a point's coordinates; the pointer's "
                      "are shown at the map's bottom left."))
        return
    lat, lon = point
    try:
        forms = coordinates.format_all(lon, lat)
    except CoordinateInputError as err:
        st.warning(goto_error(err))
        return
    rows = [f"- {Message(f'coord_{key}').text(lang())}: `{value}`"
            for key, value in forms.items()]
    st.markdown("\n".join(rows))


def _remember(out: Mapping, ref: editing.FeatureRef | None, feature: Mapping | None) -> None:
    """Keep what the map returned: a new click, a new drawing.

    The map returns its last click and its drawings again on every rerun, so only a
    change is taken: a "go to" typed after a click is not overwritten by that old click.
    A click on the map's background comes as ``last_clicked``, a click on a feature (a
    commune, a road…) as ``last_object_clicked``; both give the point clicked. A drawing
    is read from ``all_drawings`` (the shapes of the drawing toolbar: a new or edited one
    becomes the drawing), never from ``last_active_drawing``, which ``st_folium`` also
    sets to any feature clicked. The feature being edited (``ref``) comes back in
    ``all_drawings`` too, marked with :data:`planning.editing.EDIT_PROPERTY`: moved or
    removed, it becomes the change to save (:func:`_take_edit`), never a new drawing.
    """
    clicks = [_changed(out, name) for name in ("last_clicked", "last_object_clicked")]
    for clicked in clicks:
        if isinstance(clicked, Mapping) and clicked.get("lat") is not None:
            st.session_state[_CLICKED] = (clicked["lat"], clicked["lng"])
    drawings = [f for f in out.get("all_drawings") or [] if isinstance(f, Mapping)]
    seen = st.session_state.get(_SEEN) or []
    fresh = [f for f in drawings if f not in seen]
    st.session_state[_SEEN] = drawings
    edits = [f for f in fresh if editing.EDIT_PROPERTY in (f.get("properties") or {})]
    _take_edit(edits, ref, feature)
    fresh = [f for f in fresh if f not in edits and f.get("geometry")]
    if fresh:
        st.session_state.pop(_NOTICE, None)
        st.session_state[_DRAWING] = fresh[-1]
        geometry = fresh[-1]["geometry"]
        if geometry.get("type") == "Point":  # a point drawn: the panel gives its coordinates
            lon, lat = geometry["coordinates"][:2]
            st.session_state[_CLICKED] = (lat, lon)


def _take_edit(edits: list[Mapping], ref: editing.FeatureRef | None,
               feature: Mapping | None) -> None:
    """Keep a move or removal of the feature being edited that the map just returned."""
    if ref is None or feature is None:
        return
    mine = [f for f in edits if f["properties"].get(editing.EDIT_PROPERTY) == ref.ident]
    if not mine:
        return
    last = mine[-1]
    st.session_state.pop(_NOTICE, None)
    if last["properties"].get("kvpt_deleted"):
        st.session_state[_EDIT] = {"ident": ref.ident, "action": "delete", "geometry": None}
    elif last.get("geometry") and not shape(last["geometry"]).equals_exact(
            shape(feature["geometry"]), 0.0):
        st.session_state[_EDIT] = {"ident": ref.ident, "action": "move",
                                   "geometry": last["geometry"]}


def _changed(out: Mapping, name: str) -> object:
    """Return ``out[name]`` when it differs from the last run's (else None); remember it."""
    value, key = out.get(name), f"wm_seen_{name}"
    last = st.session_state.get(key)
    st.session_state[key] = value
    return value if value is not None and value != last else None


def _overlay() -> folium.FeatureGroup | None:
    """Return the kept drawing and the go-to point, drawn over the map on every rerun."""
    drawn, target = st.session_state.get(_DRAWING), st.session_state.get(_TARGET)
    moved = (st.session_state.get(_EDIT) or {}).get("geometry")
    if drawn is None and target is None and moved is None:
        return None
    group = folium.FeatureGroup(name=tr("Hình đang vẽ", "Current drawing"))
    if moved is not None:  # the new position, drawn again should the map reload
        folium.GeoJson(moved, style_function=lambda _: {
            "color": "#6a3d9a", "weight": 2, "dashArray": "2 4", "fillOpacity": 0.05},
            marker=folium.CircleMarker(radius=4, color="#6a3d9a")).add_to(group)
    if drawn is not None:
        folium.GeoJson(drawn, style_function=lambda _: {"color": "#d7301f", "weight": 3,
                                                        "fillOpacity": 0.15}).add_to(group)
    if target is not None:
        folium.CircleMarker(target, radius=7, color="#d7301f", fill=True,
                            tooltip=tr("Điểm đi tới", "Go-to point")).add_to(group)
    return group


def fit_view(geometry: Mapping, *, height_px: int = MAP_HEIGHT_PX) -> tuple[tuple[float, float],
                                                                             int]:
    """Return the centre (lat, lon) and a zoom that show a drawn geometry whole.

    Parameters
    ----------
    geometry : mapping
        A GeoJSON geometry in EPSG:4326.
    height_px : int
        Height of the map; its width is taken as at least the same.

    Returns
    -------
    ((float, float), int)
        Centre and zoom (at most :data:`MAX_FIT_ZOOM`).
    """
    geom = shape(geometry)
    west, south, east, north = geom.bounds
    centre = geom.centroid if geom.geom_type != "Point" else geom
    span = max(east - west, (north - south) / max(math.cos(math.radians(centre.y)), 0.1))
    if span <= 0:
        return (centre.y, centre.x), MAX_FIT_ZOOM
    zoom = math.floor(math.log2(360 * height_px * 0.8 / (256 * span)))
    return (centre.y, centre.x), max(1, min(MAX_FIT_ZOOM, zoom))


# --- measure, draw and save ------------------------------------------------------------------


def _drawing_panel(store: ProjectStore) -> None:
    notice = st.session_state.get(_NOTICE)  # kept until the next drawing, change or save
    if notice:
        st.success(notice)
    saved = st.session_state.get(_SAVED)
    if saved is not None:
        _saved_panel(store, saved)
    drawn = st.session_state.get(_DRAWING)
    if drawn is None:
        st.caption(tr("Vẽ một điểm, đường hoặc vùng bằng thanh công cụ bên trái bản đồ để "
                      "đo nó, rồi lưu thành một đối tượng của một lớp.",
                      "Draw a point, line or polygon with the toolbar on the map's left to "
                      "measure it, then save it as a feature of a layer."))
        return
    _measure_line(drawn["geometry"])
    if st.button(tr("Bỏ hình đang vẽ", "Drop the drawing"), key="wm_drop"):
        st.session_state.pop(_DRAWING, None)
        st.session_state[_VIEW] = fit_view(drawn["geometry"])  # the map stays there
        _restart_map()
        st.rerun()
    _save_form(store, drawn["geometry"])


def _restart_map() -> None:
    """Start the map afresh on the next run (Leaflet.draw's shapes are dropped)."""
    st.session_state[_MAP_RUN] = st.session_state.get(_MAP_RUN, 0) + 1


def _measure_line(geometry: Mapping) -> None:
    try:
        size = measure.measure(geometry)
    except EXPECTED_ERRORS as err:
        st.warning(error_text(err))
        return
    if size.length_m is not None:
        st.metric(tr("Chiều dài", "Length"), f"{size.length_m:,.0f} m")
    elif size.area_m2 is not None:
        st.metric(tr("Diện tích", "Area"), f"{size.area_m2 / 10_000:,.2f} ha",
                  help=tr(f"Chu vi {size.perimeter_m:,.0f} m; tính trong {size.crs}.",
                          f"Perimeter {size.perimeter_m:,.0f} m; computed in {size.crs}."))
        st.caption(tr(f"Diện tích {size.area_m2:,.0f} m², chu vi {size.perimeter_m:,.0f} m.",
                      f"Area {size.area_m2:,.0f} m², perimeter {size.perimeter_m:,.0f} m."))


def _save_form(store: ProjectStore, geometry: Mapping) -> None:
    kind = st.selectbox(tr("Lưu thành", "Save as"), drawing.DRAWABLE_KINDS,
                        format_func=lambda k: KINDS[k].label(lang()), key="wm_kind",
                        placeholder=t("choose"))
    layers = [r.name for r in store.layers() if r.kind == kind]
    new = tr("(lớp mới)", "(new layer)")
    layer = st.selectbox(tr("Vào lớp", "Into layer"), [*layers, new], key=f"wm_layer_{kind}",
                         placeholder=t("choose"))
    if layer == new:
        layer = st.text_input(tr("Tên lớp mới", "Name of the new layer"),
                              value=drawing.DRAWN_LAYER_NAME.format(label=KINDS[kind].label_vi),
                              key=f"wm_new_layer_{kind}")
    try:
        form = drawing.drawing_form(store, geometry, kind, layer=layer)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    with st.form("wm_form"):
        values = {f.name: _field_input(f) for f in form.fields}
        if not st.form_submit_button(tr(f"Lưu vào lớp “{form.layer}”",
                                        f"Save into layer “{form.layer}”")):
            return
    try:
        record = drawing.save_drawing(store, form, values)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    st.session_state[_SAVED] = record
    st.session_state[_SAVED_EDIT] = False
    st.session_state.pop(_NOTICE, None)
    st.session_state[_VIEW] = fit_view(geometry)  # the map reloads with the new version
    st.session_state.pop(_DRAWING, None)
    for f in form.fields:  # an empty form for the next drawing
        st.session_state.pop(f"wm_field_{f.name}", None)
    st.rerun()


def _field_input(field: drawing.FormField) -> object:
    label = field.label(lang()) + (" *" if field.required else "")
    key = f"wm_field_{field.name}"
    if field.choices:
        return st.selectbox(label, field.choices, index=None, key=key, placeholder=t("choose"),
                            format_func=lambda v: field.choice_label(v, lang()))
    return st.text_input(label, key=key)


def _saved_panel(store: ProjectStore, record: LayerRecord) -> None:
    st.success(tr(f"Đã lưu vào lớp “{record.name}” (phiên bản {record.version}).",
                  f"Saved into layer “{record.name}” (version {record.version})."))
    if st.session_state.get(_SAVED_EDIT):
        _saved_edit_panel(store, record)
        return
    if st.button(tr("Hoàn tác", "Undo"), key="wm_undo"):
        try:
            back = drawing.undo_drawing(store, record)
        except EXPECTED_ERRORS as err:
            st.session_state.pop(_SAVED, None)
            st.error(error_text(err))
            return
        st.session_state.pop(_SAVED, None)
        st.session_state[_NOTICE] = tr(
            f"Đã hoàn tác: đã xóa lớp “{back.name}” (khôi phục được ở trang Lớp dữ liệu).",
            f"Undone: layer “{back.name}” deleted (it can be restored on the Layers page).",
        ) if back.deleted else tr(
            f"Đã hoàn tác: lớp “{back.name}” về như phiên bản {record.version - 1} "
            f"(phiên bản mới {back.version}).",
            f"Undone: layer “{back.name}” is back as version {record.version - 1} "
            f"(new version {back.version}).")
        st.rerun()


# --- move or delete a feature ----------------------------------------------------------------


def _say(key: str, **params: object) -> str:
    """Return the catalogue text ``key`` in the page language."""
    return Message(key, params).text(lang())


def _edit_choice(store: ProjectStore) -> tuple[editing.FeatureRef | None, dict | None]:
    """Show the choice of a feature to move or delete; return it (or ``(None, None)``).

    The feature comes as :func:`planning.editing.edit_feature` gives it, through JSON (as
    the map gets it).
    """
    left, right = st.columns(2)
    layers = editing.editable_layers(store)
    with left:
        layer = st.selectbox(_say("wm_edit_layer"), layers, index=None, key=_EDIT_LAYER,
                             placeholder=t("choose"), on_change=_forget_edit)
    if layer is None or layer not in layers:
        return None, None
    options = feature_options(editing.feature_labels(store, layer))
    with right:
        choice = st.selectbox(_say("wm_edit_feature"), options, index=None, key=_EDIT_ROW,
                              placeholder=t("choose"), on_change=_forget_edit,
                              args=(store, layer))
    if choice not in options:
        return None, None
    row = options.index(choice)
    try:
        ref = editing.feature_ref(store, layer, row)
        return ref, json.loads(json.dumps(editing.edit_feature(store, ref)))
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return None, None


def feature_options(labels: list[str]) -> list[str]:
    """Return the options of the feature select box: ``"<row + 1>. <label>"`` (unique)."""
    return [f"{i + 1}. {label}" for i, label in enumerate(labels)]


def _forget_edit(store: ProjectStore | None = None, layer: str | None = None) -> None:
    """Drop the change made on the map; a feature chosen: move the map onto it."""
    st.session_state.pop(_EDIT, None)
    choice = st.session_state.get(_EDIT_ROW)
    if store is None or layer is None or choice is None:
        st.session_state.pop(_EDIT_ROW, None)
        return
    try:
        options = feature_options(editing.feature_labels(store, layer))
        row = options.index(choice) if choice in options else -1
        feature = editing.edit_feature(store, editing.feature_ref(store, layer, row))
    except EXPECTED_ERRORS:
        return  # shown by _edit_choice
    st.session_state[_VIEW] = fit_view(feature["geometry"])


def _edit_panel(store: ProjectStore, ref: editing.FeatureRef, feature: Mapping) -> None:
    """Show the feature being edited, its change, and the buttons to save or drop it."""
    label = feature["properties"]["label"]
    st.markdown(f"**{label}**")
    st.caption(_say("wm_edit_help", feature=label, layer=ref.layer, version=ref.version))
    change = st.session_state.get(_EDIT)
    if change is not None and change.get("ident") != ref.ident:
        change = None
    if change is None:
        if st.button(_say("wm_edit_delete"), key="wm_edit_delete"):
            st.session_state[_EDIT] = {"ident": ref.ident, "action": "delete",
                                       "geometry": None}
            st.rerun()
        return
    if change["action"] == "move":
        metres = editing.moved_m(shape(feature["geometry"]), shape(change["geometry"]))
        st.info(_say("wm_edit_moved", feature=label, crs=settings.metric_crs or "UTM",
                     metres=f"{metres:,.1f}"))
        button = _say("wm_edit_save_move")
    else:
        st.warning(_say("wm_edit_confirm", feature=label, layer=ref.layer))
        button = _say("wm_edit_confirm_delete")
    save, drop = st.columns(2)
    if drop.button(_say("wm_edit_drop"), key="wm_edit_drop"):
        st.session_state.pop(_EDIT, None)
        _restart_map()  # the map shows the feature where it is stored
        st.rerun()
    if save.button(button, key="wm_edit_save", type="primary"):
        _save_edit(store, ref, change, feature)


def _save_edit(store: ProjectStore, ref: editing.FeatureRef, change: Mapping,
               feature: Mapping) -> None:
    try:
        if change["action"] == "move":
            record = editing.move_feature(store, ref, change["geometry"])
        else:
            record = editing.delete_feature(store, ref)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    st.session_state[_SAVED] = record
    st.session_state[_SAVED_EDIT] = True
    st.session_state.pop(_NOTICE, None)
    st.session_state.pop(_EDIT, None)
    st.session_state[_VIEW] = fit_view(change["geometry"] or feature["geometry"])
    if change["action"] == "delete":
        st.session_state.pop(_EDIT_ROW, None)  # the rows after it moved up
    st.rerun()


def _saved_edit_panel(store: ProjectStore, record: LayerRecord) -> None:
    st.success(_say("wm_edit_saved", layer=record.name, version=record.version))
    if not st.button(tr("Hoàn tác", "Undo"), key="wm_undo"):
        return
    st.session_state.pop(_SAVED, None)
    try:
        back = editing.undo_edit(store, record)
    except EXPECTED_ERRORS as err:
        st.error(error_text(err))
        return
    st.session_state[_NOTICE] = _say("wm_edit_undone", layer=back.name,
                                     before=record.version - 1, version=back.version)
    st.rerun()
