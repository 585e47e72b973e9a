"""Layers page: upload and import files, list layers, restore versions, export."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd
import streamlit as st

from layers.encoding import ENCODINGS, LABELS
from layers.errors import LayerError, MissingCRSError
from layers.export import EXPORT_FORMATS, export_bytes
from layers.importer import ImportPlan, fitting_kinds, plan_import, run_import
from layers.kinds import KINDS, guess_mapping
from layers.store import ProjectStore
from ui.i18n import lang, t
from ui.state import open_store, read_layer, sidebar, store_stamp
from ui.upload import save_upload


@st.cache_data(max_entries=8, show_spinner=False)
def _plans(path: str, crs: str | None, encoding: str | None) -> list[ImportPlan]:
    return plan_import(path, crs=crs, encoding=encoding, require_kind=False)


def _kind_label(key: str) -> str:
    return f"{KINDS[key].label(lang())} ({key})"


def _read_plans(path: Path) -> list[ImportPlan] | None:
    enc = st.selectbox(t("encoding"), [None, *ENCODINGS], key="enc_choice",
                       format_func=lambda e: t("auto") if e is None else LABELS.get(e, e))
    crs = st.session_state.get("crs_text") or st.session_state.get("crs_choice")
    try:
        return _plans(str(path), crs, enc)
    except MissingCRSError as err:
        st.warning(t("crs_missing"))
        options = [c.code for c in err.candidates]
        labels = {c.code: f"{c.code} – {c.name} ({c.reason})" for c in err.candidates}
        st.selectbox(t("crs_pick"), options, key="crs_choice", format_func=labels.get)
        st.text_input("EPSG", key="crs_text", placeholder="EPSG:9215")
        crs = st.session_state.get("crs_text") or st.session_state.get("crs_choice")
        if crs is None:
            st.error(str(err))
            return None
        try:
            return _plans(str(path), crs, enc)
        except LayerError as err2:
            st.error(str(err2))
    except LayerError as err:
        st.error(str(err))
    return None


def _edit_plan(plan: ImportPlan, i: int) -> ImportPlan:
    src = plan.source
    with st.container(border=True):
        st.subheader(src.name)
        kinds = fitting_kinds(src)
        default = kinds.index(plan.kind) if plan.kind in kinds else 0
        plan.kind = st.selectbox(t("kind"), kinds, index=default, key=f"kind_{i}",
                                 format_func=_kind_label)
        plan.name = st.text_input(t("name"), value=plan.name, key=f"name_{i}")
        columns = [c for c in src.gdf.columns if c != src.gdf.geometry.name]
        guess = guess_mapping(columns, plan.kind)
        with st.expander(t("mapping"), expanded=False):
            for attr in KINDS[plan.kind].attributes:
                options = [None, *columns]
                idx = options.index(guess[attr.name])
                plan.mapping[attr.name] = st.selectbox(
                    attr.label_vi if lang() == "vi" else attr.label_en, options, index=idx,
                    key=f"map_{i}_{plan.kind}_{attr.name}",
                    format_func=lambda c: t("none") if c is None else c)
        _report(src)
        st.caption(t("preview"))
        st.dataframe(src.gdf.drop(columns=src.gdf.geometry.name).head(10), hide_index=True)
    return plan


def _report(src) -> None:  # noqa: ANN001 - SourceLayer
    rep = src.report
    st.caption(t("report"))
    enc = LABELS.get(src.encoding, src.encoding) if src.encoding else "UTF-8"
    rows = {
        "CRS": f"{src.crs_label} [{src.crs_source}]",
        "Encoding": f"{enc} [{src.encoding_source}]",
        "Features": f"{rep.features_kept} / {rep.features_read}",
        "Repaired": rep.repaired,
        "Dropped (empty)": rep.dropped_empty,
        "Geometry": ", ".join(f"{k}: {v}" for k, v in rep.geometry_types.items()),
    }
    if src.encoding_scores:
        rows["Scores"] = ", ".join(f"{k} {v:.2f}" for k, v in src.encoding_scores.items())
    st.table(pd.Series({k: str(v) for k, v in rows.items()}, name=""))
    for w in rep.warnings:
        st.warning(w)


def import_section(store: ProjectStore) -> None:
    """Upload a file, show what was detected, let the user adjust it, import it."""
    files = st.file_uploader(t("upload"), accept_multiple_files=True, key="upload")
    if not files:
        return
    try:
        path = save_upload(files)
    except LayerError as err:
        st.error(str(err))
        return
    plans = _read_plans(path)
    if not plans:
        return
    plans = [_edit_plan(p, i) for i, p in enumerate(plans)]
    if st.button(t("confirm"), type="primary", key="confirm_import"):
        try:
            results = run_import(store, plans)
        except LayerError as err:
            st.error(str(err))
            return
        for r in results:
            st.success(t("imported", name=r.record.name, version=r.record.version,
                         n=r.record.feature_count))


def list_section(store: ProjectStore) -> None:
    """List layers; show versions with restore; export the chosen layer."""
    records = store.layers()
    if not records:
        st.info(t("no_layers"))
        return
    table = pd.DataFrame([asdict(r) for r in records]).drop(columns=["table", "current"])
    st.dataframe(table, hide_index=True)
    name = st.selectbox(t("pick_layer"), [r.name for r in records], key="layer_pick")
    _versions(store, name)
    _export(store, name)


def _versions(store: ProjectStore, name: str) -> None:
    versions = store.versions(name)
    st.caption(t("versions"))
    st.dataframe(pd.DataFrame([asdict(v) for v in versions])[
        ["version", "imported_at", "feature_count", "source_file", "note", "current"]],
        hide_index=True)
    older = [v.version for v in versions if not v.current]
    if not older:
        return
    version = st.selectbox(t("versions"), older, key="restore_pick")
    if st.button(t("restore"), key="restore_btn"):
        try:
            rec = store.restore(name, version)
        except LayerError as err:
            st.error(str(err))
        else:
            st.success(t("restored", old=version, new=rec.version))


def _export(store: ProjectStore, name: str) -> None:
    fmt = st.selectbox(t("export"), list(EXPORT_FORMATS), key="export_fmt",
                       format_func=lambda s: f"{EXPORT_FORMATS[s]} ({s})")
    try:
        data, file_name, mime = export_bytes(read_layer(store_stamp(store), name), fmt,
                                             layer_name=name)
    except LayerError as err:
        st.error(str(err))
        return
    st.download_button(t("export"), data, file_name=file_name, mime=mime, key="export_btn")


def page() -> None:
    """Draw the Layers page."""
    sidebar()
    st.title(t("page_layers"))
    store = open_store()
    if store is None:
        return
    tab_import, tab_list = st.tabs([t("upload").split("(")[0], t("layers_list")])
    with tab_import:
        import_section(store)
    with tab_list:
        list_section(store)


page()
