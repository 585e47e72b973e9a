"""Layers page: upload and import files; list, restore, rename, delete and export layers.

Every expected error (:class:`layers.errors.LayerError`) is caught here and shown in the
interface language (``err.text(lang)``), with no traceback and no server path.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd
import streamlit as st

from layers.encoding import ENCODINGS, LABELS
from layers.errors import LayerError, MissingCRSError, UnchangedSourceError
from layers.export import EXPORT_FORMATS, export_bytes
from layers.importer import (
    ImportPlan,
    detection_report,
    fitting_kinds,
    plan_import,
    run_import,
    unchanged_layers,
)
from layers.kinds import KINDS
from layers.messages import translate
from layers.store import LayerRecord, ProjectStore, note_text
from ui.i18n import lang, t
from ui.state import CachedReader, open_store, sidebar
from ui.upload import save_upload

# (Comments, not docstrings: Streamlit's "magic" would draw a bare string on the page.)
# Session key counting imports: the uploader's key changes after each one, which clears
# the file and everything drawn for it.
ROUND = "layers_upload_round"
# Session keys of the messages shown after the rerun that follows a change.
FLASH_IMPORT, FLASH_LIST = "layers_flash_import", "layers_flash_list"

_FILE_WIDGETS = ("enc_choice", "crs_choice", "crs_text", "crs_chosen", "kind_", "name_",
                 "map_", "level_", "confirm_unchanged")
_LEVEL_CHOICES = ("auto", "province", "district", "commune", "village")


@st.cache_data(max_entries=8, show_spinner=False)
def _read(path: str, crs: str | None, encoding: str | None, chosen: bool
          ) -> tuple[list[ImportPlan] | None, LayerError | None]:
    """Read a file once per (file, CRS, encoding); the error is kept too (it is cheap)."""
    try:
        return plan_import(path, crs=crs, encoding=encoding, require_kind=False,
                           crs_chosen=chosen), None
    except LayerError as err:
        return None, err


def _kind_label(key: str) -> str:
    return f"{KINDS[key].label(lang())} ({key})"


def _uploader_key() -> str:
    n = st.session_state.get(ROUND, 0)
    return "upload" if n == 0 else f"upload_{n}"


def _forget_file_widgets() -> None:
    """Drop the choices made for another file (encoding, CRS, kind, mapping…)."""
    for key in [k for k in st.session_state if isinstance(k, str)
                and k.startswith(_FILE_WIDGETS)]:
        del st.session_state[key]


def _mark_crs_chosen() -> None:
    st.session_state["crs_chosen"] = True


def _read_plans(path: Path) -> list[ImportPlan] | None:
    enc = st.selectbox(t("encoding"), [None, *ENCODINGS], key="enc_choice",
                       format_func=lambda e: t("auto") if e is None else LABELS.get(e, e))
    plans, err = _read(str(path), None, enc, True)
    if plans is not None:
        return plans
    if not isinstance(err, MissingCRSError):
        st.error(err.text(lang()))
        return None
    st.warning(t("crs_missing"))
    st.caption(err.text(lang()))
    if not err.candidates and not st.session_state.get("crs_text"):
        st.text_input(t("crs_typed"), key="crs_text", placeholder="EPSG:9215")
        return None
    options = [c.code for c in err.candidates]
    labels = {c.code: f"{c.code} – {c.name} ({translate(c.reason, lang())})"
              for c in err.candidates}
    if options:
        st.selectbox(t("crs_pick_any"), options, key="crs_choice", format_func=labels.get,
                     on_change=_mark_crs_chosen)
    typed = st.text_input(t("crs_typed"), key="crs_text", placeholder="EPSG:9215").strip()
    crs = typed or st.session_state.get("crs_choice")
    chosen = bool(typed) or bool(st.session_state.get("crs_chosen"))
    if not chosen and crs:
        st.info(t("crs_detected", code=crs))
    plans, err2 = _read(str(path), crs, enc, chosen)
    if err2 is not None:
        st.error(err2.text(lang()))
    return plans


def _edit_plan(plan: ImportPlan, i: int) -> tuple[ImportPlan, bool]:
    """Draw the choices for one planned layer; return it and whether it is ready."""
    src = plan.source
    ready = True
    with st.container(border=True):
        st.subheader(src.name)
        kinds = fitting_kinds(src)
        default = kinds.index(plan.kind) if plan.kind in kinds else 0
        kind = st.selectbox(t("kind"), kinds, index=default, key=f"kind_{i}",
                            format_func=_kind_label)
        if kind != plan.kind:
            plan.set_kind(kind)  # the mapping of the old kind may name other attributes
        plan.name = st.text_input(t("name"), value=plan.name, key=f"name_{i}")
        columns = [c for c in src.gdf.columns if c != src.gdf.geometry.name]
        guess = dict(plan.mapping)
        mapping: dict[str, str | None] = {}
        with st.expander(t("mapping"), expanded=False):
            for attr in KINDS[plan.kind].attributes:
                options = [None, *columns]
                idx = options.index(guess.get(attr.name)) if guess.get(attr.name) in options else 0
                mapping[attr.name] = st.selectbox(
                    attr.label_vi if lang() == "vi" else attr.label_en, options, index=idx,
                    key=f"map_{i}_{plan.kind}_{attr.name}",
                    format_func=lambda c: t("none") if c is None else c)
        plan.mapping = mapping
        if plan.kind == "admin_unit":
            ready = _level_choice(plan, i)
        _report(plan)
        st.caption(t("preview"))
        st.dataframe(src.gdf.drop(columns=src.gdf.geometry.name).head(10), hide_index=True)
    return plan, ready


def _level_choice(plan: ImportPlan, i: int) -> bool:
    """Ask for the level of the admin units when the data does not tell it for sure."""
    plan.level = None
    inference = plan.level_inference()
    sure = inference is None or inference.sure
    if inference is not None:  # the summary is a row of the detection report
        for note in inference.notes:
            st.warning(note.text(lang()))
    labels = {c: t("level_auto") if c == "auto" else t(f"level_{c}") for c in _LEVEL_CHOICES}
    choice = st.selectbox(t("level"), _LEVEL_CHOICES, index=0 if sure else None,
                          key=f"level_{i}", format_func=labels.get, placeholder=t("choose"))
    if choice is None:
        st.info(t("level_unsure"))
        return False
    plan.level = None if choice == "auto" else choice
    return True


def _report(plan: ImportPlan) -> None:
    st.caption(t("report"))
    rows = dict(detection_report(plan, lang()))
    st.table(pd.Series(rows, name=""))
    for w in plan.source.report.warnings:
        st.warning(translate(w, lang()))


def import_section(store: ProjectStore) -> None:
    """Upload a file, show what was detected, let the user adjust it, import it."""
    for msg in st.session_state.pop(FLASH_IMPORT, []):
        st.success(msg)
    files = st.file_uploader(t("upload"), accept_multiple_files=True, key=_uploader_key())
    if not files:
        return
    path = save_upload(files)
    if st.session_state.get("layers_upload_path") != str(path):
        _forget_file_widgets()
        st.session_state["layers_upload_path"] = str(path)
    plans = _read_plans(path)
    if not plans:
        return
    edited = [_edit_plan(p, i) for i, p in enumerate(plans)]
    plans = [p for p, _ in edited]
    ready = all(ok for _, ok in edited)
    same = unchanged_layers(store, plans)
    allow_same = True
    if same:
        st.warning(UnchangedSourceError(same).text(lang()))
        allow_same = st.checkbox(t("unchanged_confirm"), key="confirm_unchanged")
    if st.button(t("confirm"), type="primary", key="confirm_import",
                 disabled=not (ready and allow_same)):
        results = run_import(store, plans, allow_unchanged=allow_same)
        st.session_state[FLASH_IMPORT] = [
            t("imported", name=r.record.name, version=r.record.version,
              n=r.record.feature_count) for r in results]
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.rerun()


def list_section(store: ProjectStore) -> None:
    """List layers; restore a version, rename, delete, undelete; export the chosen layer."""
    for msg in st.session_state.pop(FLASH_LIST, []):
        st.success(msg)
    pending = st.session_state.pop("layers_pick_next", None)
    if pending is not None:
        st.session_state["layer_pick"] = pending
    records = store.layers()
    if not records:
        st.info(t("no_layers"))
    else:
        table = pd.DataFrame([asdict(r) for r in records]).drop(
            columns=["table", "current", "deleted"])
        table["note"] = [note_text(n, lang()) for n in table["note"]]
        st.dataframe(table, hide_index=True, column_config=_headers(table))
        names = [r.name for r in records]
        if st.session_state.get("layer_pick") not in names:
            st.session_state.pop("layer_pick", None)
        name = st.selectbox(t("pick_layer"), names, key="layer_pick")
        _versions(store, name)
        _rename_or_delete(store, name)
        _export(store, name)
    _deleted(store)


def _headers(frame: pd.DataFrame) -> dict:
    return {c: t(f"col_{c}") for c in frame.columns if f"col_{c}" in _COLUMN_KEYS}


_COLUMN_KEYS = frozenset(f"col_{c}" for c in (
    "name", "kind", "version", "source_file", "checksum", "source_crs", "encoding",
    "feature_count", "imported_at", "note", "current", "deleted"))


def _done(message: str, *, pick: str | None = None) -> None:
    """Show ``message`` after a rerun that draws the changed store."""
    st.session_state[FLASH_LIST] = [message]
    if pick is not None:
        st.session_state["layers_pick_next"] = pick
    st.rerun()


def _versions(store: ProjectStore, name: str) -> None:
    versions = store.versions(name)
    st.caption(t("versions"))
    frame = pd.DataFrame([asdict(v) for v in versions])[
        ["version", "imported_at", "feature_count", "source_file", "note", "current",
         "deleted"]]
    frame["note"] = [note_text(n, lang()) for n in frame["note"]]
    st.dataframe(frame, hide_index=True, column_config=_headers(frame))
    older = [v.version for v in versions if not v.current and not v.deleted]
    if not older:
        return
    version = st.selectbox(t("versions"), older, key="restore_pick")
    if st.button(t("restore"), key="restore_btn"):
        rec = store.restore(name, version)
        _done(t("restored", old=version, new=rec.version))


def _rename_or_delete(store: ProjectStore, name: str) -> None:
    with st.expander(t("layer_actions")):
        new = st.text_input(t("rename_to"), value=name, key="rename_to")
        if st.button(t("rename"), key="rename_btn"):
            rec = store.rename(name, new)
            _done(t("renamed", old=name, new=rec.name, version=rec.version), pick=rec.name)
        if st.button(t("delete"), key="delete_btn"):
            tomb = store.delete(name)
            _done(t("deleted", name=name, version=tomb.version))


def _deleted(store: ProjectStore) -> None:
    gone: list[LayerRecord] = store.deleted_layers()
    if not gone:
        return
    st.caption(t("deleted_layers"))
    name = st.selectbox(t("deleted_layers"), [r.name for r in gone], key="undelete_pick")
    if st.button(t("undelete"), key="undelete_btn"):
        rec = store.undelete(name)
        _done(t("undeleted", name=name, version=rec.version), pick=name)


def _export(store: ProjectStore, name: str) -> None:
    fmt = st.selectbox(t("export"), list(EXPORT_FORMATS), key="export_fmt",
                       format_func=lambda s: f"{EXPORT_FORMATS[s]} ({s})")
    data, file_name, mime = export_bytes(CachedReader(store).read(name), fmt,
                                         layer_name=name)
    st.download_button(t("export"), data, file_name=file_name, mime=mime, key="export_btn")


def _guarded(section, store: ProjectStore) -> None:  # noqa: ANN001 - a section function
    """Run a section; show an expected error in the interface language, not a traceback."""
    try:
        section(store)
    except LayerError as err:
        st.error(err.text(lang()))


def page() -> None:
    """Draw the Layers page."""
    sidebar()
    st.title(t("page_layers"))
    store = open_store()
    if store is None:
        return
    tab_import, tab_list = st.tabs([t("tab_import"), t("layers_list")])
    with tab_import:
        _guarded(import_section, store)
    with tab_list:
        _guarded(list_section, store)


page()
