"""The print panel of the Map page: a sheet of the layers shown, previewed and downloaded.

Widgets → :mod:`planning.prints` (layers, extent, settings) → :mod:`maps.print_layout`
(the sheet). The sheet's files are kept (``st.cache_data``) by the project's layer
versions and the options, so a rerun, a download click or a language switch back answer
from memory.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from maps.print_layout import SheetSpec, project_sheet, sheet_bytes
from planning import prints
from planning.project import Project
from ui.i18n import lang, tr
from ui.state import EXPECTED_ERRORS, error_text

PREVIEW_DPI = 45
"""Pixels per inch of the preview image."""

PNG_DPI = 150
"""Pixels per inch of the PNG download."""

GRID_LABELS: dict[str, tuple[str, str]] = {
    "degrees": ("Kinh, vĩ độ (WGS 84)", "Degrees (WGS 84)"),
    "vn2000": ("Lưới km VN-2000 (múi 3° của tỉnh)", "VN-2000 km grid (province's 3° zone)"),
    "none": ("Không có lưới", "No grid"),
}
"""Labels of the coordinate grids (:data:`planning.prints.GRIDS`), Vietnamese and English."""

STATE_KEY = "print_panel_options"
"""Session key of the options of the sheet last made (shown again after a rerun)."""


def print_panel(proj: Project, layer_names: Sequence[str]) -> None:
    """Draw the "In bản đồ" / "Print" panel for the layers ``layer_names`` of ``proj``.

    Parameters
    ----------
    proj : Project
        The project (with a caching reader, ``ui.state.project()``).
    layer_names : sequence of str
        Layers to print (those shown on the map).
    """
    with st.expander(tr("In bản đồ", "Print"), icon=":material/print:"):
        if not layer_names:
            st.info(tr("Chọn ít nhất một lớp để in.", "Choose at least one layer to print."))
            return
        try:
            options = _form(proj, list(layer_names))
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
            return
        if options is not None:
            st.session_state[STATE_KEY] = options
        options = st.session_state.get(STATE_KEY)
        if options is None or options["layers"] != tuple(layer_names):
            return
        try:
            with st.spinner(tr("Đang vẽ bản đồ…", "Drawing the map…")):
                files = _sheet_files(proj, _versions(proj), **options)
        except EXPECTED_ERRORS as err:
            st.error(error_text(err))
            return
        st.image(files["preview"], caption=files["caption"], width="stretch")
        left, right = st.columns(2)
        left.download_button(tr("Tải PDF", "Download PDF"), files["pdf"],
                             file_name="ban_do.pdf", mime="application/pdf",
                             key="print_pdf", icon=":material/picture_as_pdf:",
                             on_click="ignore")
        right.download_button(tr("Tải PNG", "Download PNG"), files["png"],
                              file_name="ban_do.png", mime="image/png", key="print_png",
                              icon=":material/image:", on_click="ignore")


def _form(proj: Project, layer_names: list[str]) -> dict | None:
    """Draw the options form; return the options when it is submitted."""
    stored = prints.read_settings(proj)
    grid_default = prints.read_grid(proj)
    areas = prints.area_choices(proj)
    whole = tr("(toàn bộ dự án)", "(whole project)")
    with st.form("print_form", border=False):
        title = st.text_input(tr("Tiêu đề", "Title"), key="print_title",
                              placeholder=tr("Mặc định: theo tỉnh", "Default: the province"))
        subtitle = st.text_input(tr("Tiêu đề phụ", "Subtitle"), key="print_subtitle")
        a, b = st.columns(2)
        paper = a.selectbox(tr("Khổ giấy", "Paper"), ["A3", "A4"], key="print_paper")
        orientation = b.selectbox(
            tr("Hướng giấy", "Orientation"), ["auto", "landscape", "portrait"],
            key="print_orientation",
            format_func={"auto": tr("Tự động", "Automatic"), "landscape": tr("Ngang",
                         "Landscape"), "portrait": tr("Dọc", "Portrait")}.get)
        area = st.selectbox(tr("Phạm vi (huyện, xã)", "Extent (district, commune)"),
                            [whole, *areas], key="print_area")
        box = st.text_input(tr("Hoặc khung tọa độ minx,miny,maxx,maxy (độ)",
                               "Or a box minx,miny,maxx,maxy (degrees)"), key="print_box")
        grid = st.selectbox(tr("Lưới tọa độ", "Coordinate grid"), list(prints.GRIDS),
                            index=prints.GRIDS.index(grid_default), key="print_grid",
                            format_func=lambda g: tr(*GRID_LABELS[g]))
        classification = st.text_input(
            tr("Độ mật (in trên và dưới tờ bản đồ)", "Classification marking (top and "
               "bottom)"), value=stored["classification"], key="print_classification")
        submitted = st.form_submit_button(tr("Tạo bản in", "Make the sheet"),
                                          icon=":material/print:")
    if not submitted:
        return None
    extent = box.strip() or (None if area == whole else areas[area])
    prints.print_inputs(proj, layers=layer_names, extent=extent)  # errors show now
    return {"layers": tuple(layer_names), "title": title.strip() or None,
            "subtitle": subtitle.strip() or None, "paper": paper,
            "landscape": {"auto": None, "landscape": True, "portrait": False}[orientation],
            "extent": extent, "classification": classification, "grid": grid,
            "lang": lang()}


def _versions(proj: Project) -> tuple:
    return proj.ident, proj.versions_key(proj.names()), tuple(
        sorted(prints.read_settings(proj).items()))


@st.cache_data(max_entries=8, show_spinner=False)
def _sheet_files(_proj: Project, versions: tuple, *, layers: tuple[str, ...],
                 title: str | None, subtitle: str | None, paper: str,
                 landscape: bool | None, extent: str | None, classification: str,
                 grid: str, lang: str) -> dict:
    """Return the sheet as PDF, PNG and a preview (kept by ``versions`` and options)."""
    inputs = prints.print_inputs(_proj, layers=list(layers), extent=extent,
                                 classification=classification, grid=grid)
    spec = SheetSpec(title=title, paper=paper, landscape=landscape, lang=lang,
                     **inputs.sheet_options(subtitle))
    sheet = project_sheet(_proj.reader, inputs.layers, spec)
    scale = f"{round(sheet.frame.scale):,}".replace(",", "." if lang == "vi" else ",")
    caption = (f"{sheet.spec.paper} · 1:{scale} · "
               f"{len(sheet.drawn)} {tr('đối tượng', 'features')}")
    return {"pdf": sheet_bytes(sheet, "pdf"), "png": sheet_bytes(sheet, "png", dpi=PNG_DPI),
            "preview": sheet_bytes(sheet, "png", dpi=PREVIEW_DPI), "caption": caption}
